#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""`vigil diff BASE CANARY` on real runs of the case programs: a clean control as the
base and leak_direct as the canary (a new error: exit 1), reversed (the leak is gone:
exit 0), the leak against a second run of itself (ids are stable across runs: nothing
new, gone or changed), a new warning only (fd_leak: exit 0), a directory with raw logs
and no report.json, and a connect storm that lasted longer in the canary (its count
changed; it needs BPF, skipped without it unless VIGIL_REQUIRE_BPF is set). Bad input:
exit 2, one line on stderr, nothing on stdout."""

import json
import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import vtest  # noqa: E402

CASES = os.path.join(vtest.ROOT, "build", "tests", "cases")


def require_bpf():
    return os.environ.get("VIGIL_REQUIRE_BPF", "") not in ("", "0")


def vigil_run(tmp, name, case, args=(), env=None):
    """Runs a case under vigil into tmp/name; the report dir, or None after an error."""
    out = os.path.join(tmp, name)
    r = vtest.run([vtest.VIGIL, "run", "-o", out, "--", os.path.join(CASES, case)] +
                  list(args), env=vtest.clean_env(env))
    rep, _, problems = vtest.load_report(out)
    if r.timed_out or problems:
        raise RuntimeError("vigil run %s: rc %d, %s; %s" % (case, r.rc, problems,
                                                            vtest.tail(r.err)))
    return out, rep


def diff(*args):
    return vtest.run([vtest.VIGIL, "diff"] + list(args), env=vtest.clean_env())


def diff_json(errors, what, base, canary, want_rc):
    """The parsed vigil-diff/1 document, or None after recording why."""
    r = diff(base, canary, "--format", "json")
    if r.rc != want_rc:
        errors.append("%s: exit %d, want %d: %s" % (what, r.rc, want_rc, vtest.tail(r.err)))
        return None
    try:
        d = json.loads(r.out)
    except ValueError as e:
        errors.append("%s: stdout is not JSON: %s" % (what, e))
        return None
    for k in ("new", "gone", "changed"):
        if not isinstance(d.get(k), list):
            errors.append("%s: %s is not a list" % (what, k))
            return None
    if d.get("schema") != "vigil-diff/1":
        errors.append("%s: schema %r" % (what, d.get("schema")))
    if d["base"].get("path") != base or d["canary"].get("path") != canary:
        errors.append("%s: sides named %r, %r" % (what, d["base"].get("path"),
                                                  d["canary"].get("path")))
    s = d.get("summary", {})
    if [s.get(k) for k in ("new", "gone", "changed")] != [len(d[k]) for k in
                                                          ("new", "gone", "changed")]:
        errors.append("%s: summary %r disagrees with the lists" % (what, s))
    return d


def kinds(d, group):
    return sorted(f["kind"] for f in d[group])


def top_function(f):
    frames = f["stacks"][0]["frames"] if f.get("stacks") else []
    return frames[0].get("function") if frames else None


def check_leak(errors, clean, leak, leak2, fdleak):
    d = diff_json(errors, "clean -> leak", clean, leak, 1)
    if d is not None:
        if kinds(d, "new") != ["leak"] or d["gone"] or d["changed"]:
            errors.append("clean -> leak: new %s gone %s changed %s, want one leak new"
                          % (kinds(d, "new"), kinds(d, "gone"), kinds(d, "changed")))
        elif d["new"][0]["severity"] != "error" or top_function(d["new"][0]) != "make_record":
            errors.append("clean -> leak: new leak is %s at %s" % (
                d["new"][0]["severity"], top_function(d["new"][0])))
        if d["summary"].get("new_errors") != 1:
            errors.append("clean -> leak: summary.new_errors %r" % d["summary"].get("new_errors"))

    r = diff(clean, leak)
    text = r.out.decode(errors="replace")
    for want in ("new in canary (1):", "  error    leak: leak of ",
                 "           at make_record ", "leak_direct.c:20 (id ",
                 "1 new (1 error), 0 gone, 0 changed, 0 unchanged"):
        if want not in text:
            errors.append("clean -> leak text lacks %r:\n%s" % (want, text))
    if r.rc != 1:
        errors.append("clean -> leak text: exit %d, want 1" % r.rc)

    d = diff_json(errors, "leak -> clean", leak, clean, 0)
    if d is not None and (kinds(d, "gone") != ["leak"] or d["new"] or d["changed"]):
        errors.append("leak -> clean: new %s gone %s changed %s, want the leak gone"
                      % (kinds(d, "new"), kinds(d, "gone"), kinds(d, "changed")))
    r = diff(leak, clean)
    if r.rc != 0 or b"gone from canary (1):" not in r.out:
        errors.append("leak -> clean text: exit %d:\n%s" % (r.rc, r.out.decode(errors="replace")))

    # A second run of the same program: the same ids, the same count and bytes.
    d = diff_json(errors, "leak -> leak again", os.path.join(leak, "report.json"), leak2, 0)
    if d is not None and (d["new"] or d["gone"] or d["changed"] or
                          d["summary"].get("unchanged") != 1):
        errors.append("leak -> leak again: new %s gone %s changed %s summary %s"
                      % (kinds(d, "new"), kinds(d, "gone"), kinds(d, "changed"), d["summary"]))

    # A new warning does not fail the gate.
    d = diff_json(errors, "clean -> fd_leak", clean, fdleak, 0)
    if d is not None and kinds(d, "new") != ["fd-leak"]:
        errors.append("clean -> fd_leak: new %s" % kinds(d, "new"))


def check_raw_only(errors, tmp, clean, leak):
    """A run whose report.json was never written: diff rebuilds it from raw/."""
    raw_only = os.path.join(tmp, "raw-only")
    shutil.copytree(os.path.join(leak, "raw"), os.path.join(raw_only, "raw"))
    d = diff_json(errors, "clean -> raw-only leak", clean, raw_only, 1)
    if d is not None and kinds(d, "new") != ["leak"]:
        errors.append("clean -> raw-only leak: new %s" % kinds(d, "new"))


def check_changed(errors, tmp):
    env = {"VIGIL_OPTIONS": "syscall_errors_min=100"}
    base, rep = vigil_run(tmp, "storm-short", "syscall_errors_paced", ["0.3"], env)
    if not rep["run"]["bpf"].get("ran"):
        why = rep["run"]["bpf"].get("reason")
        if require_bpf():
            errors.append("changed: BPF did not run: %s" % why)
        else:
            print("SKIP diff changed count: needs BPF: %s" % why)
        return
    canary, _ = vigil_run(tmp, "storm-long", "syscall_errors_paced", ["1.2"], env)
    d = diff_json(errors, "storm 0.3 s -> 1.2 s", base, canary, 0)
    if d is None:
        return
    if kinds(d, "changed") != ["syscall-errors"] or d["new"] or d["gone"]:
        errors.append("storm: new %s gone %s changed %s, want syscall-errors changed"
                      % (kinds(d, "new"), kinds(d, "gone"), kinds(d, "changed")))
        return
    c = d["changed"][0]
    if "count" not in c.get("changes", []) or not c["canary"]["count"] > c["base"]["count"]:
        errors.append("storm: changes %r, count %r -> %r" % (
            c.get("changes"), c["base"].get("count"), c["canary"].get("count")))
    if (c.get("top") or {}).get("function") != "retry":
        errors.append("storm: top frame %r, want retry" % c.get("top"))
    r = diff(base, canary)
    want = "count %d -> %d" % (c["base"]["count"], c["canary"]["count"])
    if r.rc != 0 or want.encode() not in r.out:
        errors.append("storm text: exit %d, lacks %r:\n%s" % (r.rc, want,
                                                              r.out.decode(errors="replace")))


def check_bad_input(errors, tmp, leak):
    bad_json = os.path.join(tmp, "bad.json")
    with open(bad_json, "w") as f:
        f.write("{\"schema\": \"vigil-report/1\", \"findings\": [")
    other = os.path.join(tmp, "other.json")
    with open(other, "w") as f:
        f.write("{\"schema\": \"sarif\", \"findings\": []}")
    no_id = os.path.join(tmp, "no-id.json")
    with open(no_id, "w") as f:
        f.write("{\"schema\": \"vigil-report/1\", \"findings\": [{\"kind\": \"leak\"}]}")
    empty_dir = os.path.join(tmp, "empty")
    os.mkdir(empty_dir)
    missing = os.path.join(tmp, "missing")
    cases = [
        ([missing, leak], "cannot read '%s'" % missing),
        ([leak, missing], "cannot read '%s'" % missing),
        ([bad_json, leak], "cannot parse '%s'" % bad_json),
        ([leak, other], "is not a vigil report"),
        ([leak, no_id], "'%s' is not a vigil report: findings[0]" % no_id),
        ([empty_dir, leak], "no report.json and no raw/"),
        ([leak], "two reports needed"),
        ([leak, leak, leak], "unexpected argument"),
        ([leak, leak, "--format", "sarif"], "invalid --format 'sarif'"),
    ]
    for argv, want in cases:
        r = diff(*argv)
        lines = r.err.decode(errors="replace").strip().splitlines()
        if r.rc != 2 or len(lines) != 1 or want not in lines[0] or r.out:
            errors.append("vigil diff %s: rc %d, stderr %r, stdout %r (want exit 2, one "
                          "line with %r)" % (" ".join(argv), r.rc, lines, r.out[:80], want))


def main():
    errors = []
    with tempfile.TemporaryDirectory(prefix="vigil-diff-") as tmp:
        try:
            clean, _ = vigil_run(tmp, "clean", "clean_heap_many")
            leak, _ = vigil_run(tmp, "leak", "leak_direct")
            leak2, _ = vigil_run(tmp, "leak2", "leak_direct")
            fdleak, _ = vigil_run(tmp, "fd-leak", "fd_leak")
            check_leak(errors, clean, leak, leak2, fdleak)
            check_raw_only(errors, tmp, clean, leak)
            check_changed(errors, tmp)
        except RuntimeError as e:
            errors.append(str(e))
        check_bad_input(errors, tmp, os.path.join(tmp, "leak"))
    for e in errors:
        print("FAIL diff: %s" % e)
    print("diff: %s" % ("FAILED" if errors else "OK"))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
