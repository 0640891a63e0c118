#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""OUT/report.sarif on real runs of case programs:
- validation: every file is checked by Microsoft's SARIF multitool (`npx
  @microsoft/sarif-multitool validate`, pinned; fetched once per run into npm's
  cache) and against the SARIF 2.1.0 JSON schema it ships, by a small validator here,
  since the multitool skips some schema errors (an unknown enum value). Any error or
  warning fails. Two broken files prove that both checkers still find errors.
- content, against the run's report.json: one rule per kind present, one result per
  finding (kind, level, message, fingerprint = id), the location in the case's own
  source (relative to the source root) or the top frame, every stack a code flow
  outermost frame first, the invocation's exit status.
- `vigil report OUT --format sarif` prints exactly the run's report.sarif.
- --source-root: a subdirectory (paths relative to it), a directory outside the
  checkout (absolute file: URIs), and bad values (one line on stderr, exit 2, the
  program never started, nothing on stdout).
node and npm come from scripts/deps.sh: without npx this test fails."""

import copy
import datetime
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import urllib.parse

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import vtest  # noqa: E402

MULTITOOL = "@microsoft/sarif-multitool@5.7.0"
CASES_BIN = os.path.join(vtest.ROOT, "build", "tests", "cases")
# Kinds of every check, several processes, a death by signal, info-level findings.
CASES = ["double_free", "leak_direct", "lock_order_inversion", "fd_leak", "crash_null",
         "api_deprecated", "heap_overflow_redzone", "mt_unsafe_strtok", "thread_leak",
         "leak_fork_child", "api_unsafe_calls", "api_shell_exec", "wx_mprotect",
         "syscall_errors_paced"]
LEVEL = {"error": "error", "warning": "warning", "info": "note"}


def npx(args, timeout=900):
    return vtest.run(["npx", "--yes"] + args, env=dict(os.environ), timeout=timeout)


def multitool_schema():
    """Installs the pinned multitool (once: npx caches it) and returns the path of the
    SARIF schema it ships, or raises."""
    if not shutil.which("npx"):
        raise RuntimeError("npx not found: scripts/deps.sh installs nodejs and npm")
    r = npx(["-p", MULTITOOL, "-c", "command -v sarif-multitool"])
    if r.rc != 0 or r.timed_out:
        raise RuntimeError("cannot install %s: %s" % (MULTITOOL, vtest.tail(r.err)))
    modules = os.path.dirname(os.path.dirname(r.out.decode().strip()))
    schema = os.path.join(modules, "@microsoft", "sarif-multitool-linux", "sarif-2.1.0.json")
    if not os.path.exists(schema):
        raise RuntimeError("no schema in the multitool package at %s" % schema)
    return schema


def multitool_validate(tmp, files):
    """{file: [problem...]} for the files, errors and warnings (a result without a
    level is a warning, SARIF's default), from one run of the multitool."""
    out = os.path.join(tmp, "multitool.sarif")
    # The npm wrapper hands its arguments to a shell: the level list is quoted for it.
    r = npx([MULTITOOL, "validate", "-o", out, "--level", '"Error;Warning"'] + files)
    if r.rc != 0 or r.timed_out or not os.path.exists(out):
        raise RuntimeError("multitool failed (rc %d): %s" % (r.rc, vtest.tail(r.out + r.err)))
    with open(out, encoding="utf-8-sig") as f:
        log = json.load(f)
    problems = {f: [] for f in files}
    run = log["runs"][0]
    for inv in run.get("invocations", []):
        if not inv.get("executionSuccessful", False):
            raise RuntimeError("multitool did not run to the end: %r" % inv)
        for n in inv.get("toolExecutionNotifications", []):
            if n.get("level", "warning") in ("error", "warning"):
                raise RuntimeError("multitool: %s" % n["message"].get("text"))
    for res in run.get("results", []):
        if res.get("level", "warning") not in ("error", "warning"):
            continue
        # tool.driver.informationUri is optional in SARIF 2.1.0 and vigil has no
        # public home page to name: the multitool's advice to give one is not a defect.
        if res.get("ruleId") == "SARIF2005":
            continue
        uri = res["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        path = urllib.parse.unquote(urllib.parse.urlparse(uri).path)
        msg = res["message"]
        text = msg.get("text") or "%s %s" % (msg.get("id"), msg.get("arguments"))
        problems.setdefault(path, []).append("%s %s: %s" % (res.get("level", "warning"),
                                                            res.get("ruleId"), text))
    return problems


class Schema:
    """The JSON-schema keywords the SARIF 2.1.0 schema uses, checked strictly enough
    to catch wrong types, enum values, missing or unknown properties."""

    TYPES = {"object": dict, "array": list, "string": str, "boolean": bool,
             "number": (int, float), "null": type(None)}

    def __init__(self, path):
        with open(path, encoding="utf-8-sig") as f:
            self.root = json.load(f)

    def _type_ok(self, v, t):
        if t == "integer":
            return isinstance(v, int) and not isinstance(v, bool)
        if t == "number":
            return isinstance(v, (int, float)) and not isinstance(v, bool)
        return isinstance(v, self.TYPES[t])

    def _format_ok(self, v, fmt):
        if fmt == "date-time":
            try:
                datetime.datetime.fromisoformat(v.replace("Z", "+00:00"))
                return True
            except ValueError:
                return False
        if fmt in ("uri", "uri-reference"):
            if re.search(r"[\s\"<>\\^`{|}]", v) or re.search(r"%(?![0-9A-Fa-f]{2})", v):
                return False
            return fmt == "uri-reference" or re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", v)
        return True

    def check(self, v, s=None, where="$", errs=None):
        errs = [] if errs is None else errs
        s = self.root if s is None else s
        if "$ref" in s:
            name = s["$ref"].split("/")[-1]
            return self.check(v, self.root["definitions"][name], where, errs)
        t = s.get("type")
        if t and not any(self._type_ok(v, x) for x in (t if isinstance(t, list) else [t])):
            errs.append("%s: %r is not of type %s" % (where, v, t))
            return errs
        if "enum" in s and v not in s["enum"]:
            errs.append("%s: %r not one of %s" % (where, v, s["enum"]))
        if "anyOf" in s and all(self.check(v, x, where, []) for x in s["anyOf"]):
            errs.append("%s: matches none of anyOf" % where)
        if "oneOf" in s and sum(not self.check(v, x, where, []) for x in s["oneOf"]) != 1:
            errs.append("%s: does not match exactly one of oneOf" % where)
        if isinstance(v, str):
            if "pattern" in s and not re.search(s["pattern"], v):
                errs.append("%s: %r does not match %s" % (where, v, s["pattern"]))
            if "format" in s and not self._format_ok(v, s["format"]):
                errs.append("%s: %r is not a %s" % (where, v, s["format"]))
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            if "minimum" in s and v < s["minimum"]:
                errs.append("%s: %r < %r" % (where, v, s["minimum"]))
            if "maximum" in s and v > s["maximum"]:
                errs.append("%s: %r > %r" % (where, v, s["maximum"]))
        if isinstance(v, list):
            if len(v) < s.get("minItems", 0):
                errs.append("%s: fewer than %d items" % (where, s["minItems"]))
            if s.get("uniqueItems") and len({json.dumps(x, sort_keys=True) for x in v}) != len(v):
                errs.append("%s: items not unique" % where)
            for i, x in enumerate(v):
                if "items" in s:
                    self.check(x, s["items"], "%s[%d]" % (where, i), errs)
        if isinstance(v, dict):
            props = s.get("properties", {})
            for k in s.get("required", []):
                if k not in v:
                    errs.append("%s: required property %r missing" % (where, k))
            for k, x in v.items():
                if k in props:
                    self.check(x, props[k], "%s.%s" % (where, k), errs)
                elif s.get("additionalProperties") is False:
                    errs.append("%s: unknown property %r" % (where, k))
                elif isinstance(s.get("additionalProperties"), dict):
                    self.check(x, s["additionalProperties"], "%s.%s" % (where, k), errs)
        return errs


def own_file(file):
    """A frame's file as the SARIF location should give it relative to the checkout
    (the source root of these runs), or None."""
    if not file:
        return None
    path = os.path.normpath(os.path.join(vtest.ROOT, file))
    if not path.startswith(vtest.ROOT + "/") or not os.path.isfile(path):
        return None
    return path[len(vtest.ROOT) + 1:]


def phys(loc):
    p = (loc or {}).get("physicalLocation") or {}
    art = p.get("artifactLocation") or {}
    return art.get("uri"), art.get("uriBaseId"), (p.get("region") or {}).get("startLine")


def check_content(case, rep, sarif, errors):
    def err(msg):
        errors.append("%s: %s" % (case, msg))

    run = sarif["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    ids = [r["id"] for r in rules]
    if sorted(ids) != sorted({f["kind"] for f in rep["findings"]}):
        err("rules %s, kinds found %s" % (ids, sorted({f["kind"] for f in rep["findings"]})))
    for r in rules:
        if not r.get("name") or r["name"].lower() == r["id"].lower() or \
                not r.get("shortDescription", {}).get("text") or \
                "Usual fix: " not in r.get("help", {}).get("text", ""):
            err("rule %s lacks a name, description or fix: %r" % (r["id"], r))
    if run["originalUriBaseIds"]["SRCROOT"]["uri"] != "file://%s/" % vtest.ROOT:
        err("SRCROOT is %r" % run["originalUriBaseIds"])
    inv = run["invocations"][0]
    ex = rep["run"]["exit"]
    want_code = ex["code"] if "code" in ex else 128 + ex["signal"]
    if inv.get("exitCode") != want_code or inv.get("exitSignalNumber") != ex.get("signal"):
        err("invocation exit %r, report %r" % (inv, ex))
    results = run["results"]
    if len(results) != len(rep["findings"]):
        err("%d results for %d findings" % (len(results), len(rep["findings"])))
        return
    for f, res in zip(rep["findings"], results):
        w = "%s %s" % (f["kind"], f["id"])
        if res["ruleId"] != f["kind"] or rules[res["ruleIndex"]]["id"] != f["kind"]:
            err("%s: ruleId %r index %r" % (w, res["ruleId"], res.get("ruleIndex")))
        if res["level"] != LEVEL[f["severity"]] or res["message"]["text"] != f["message"]:
            err("%s: level %r message %r" % (w, res["level"], res["message"]))
        if res.get("partialFingerprints") != {"vigil/v2": f.get("fingerprint", f["id"])}:
            err("%s: fingerprints %r" % (w, res.get("partialFingerprints")))
        frames = f["stacks"][0]["frames"] if f["stacks"] else []
        own = [fr for fr in frames if own_file(fr.get("file")) and fr.get("line")]
        loc = (res.get("locations") or [None])[0]
        if own:
            want = (own_file(own[0]["file"]), "SRCROOT", own[0]["line"])
            if phys(loc) != want:
                err("%s: location %r, expected %r" % (w, phys(loc), want))
        elif frames and (loc or {}).get("logicalLocations", [{}])[0].get("name") != \
                frames[0].get("function"):
            err("%s: location %r is not the top frame %r" % (w, loc, frames[0]))
        flows = res.get("codeFlows", [])
        stacks = [st for st in f["stacks"] if st["frames"]]
        if len(flows) != len(stacks):
            err("%s: %d code flows for %d stacks" % (w, len(flows), len(stacks)))
            continue
        for st, cf in zip(stacks, flows):
            tf = cf["threadFlows"][0]
            locs = tf["locations"]
            if tf["properties"]["role"] != st["role"] or len(locs) != len(st["frames"]):
                err("%s: flow %r for stack %r" % (w, tf["properties"], st["role"]))
                continue
            for i, (fr, tl) in enumerate(zip(reversed(st["frames"]), locs)):
                names = tl["location"].get("logicalLocations", [{}])
                if tl["nestingLevel"] != i or names[0].get("name") != fr.get("function"):
                    err("%s: flow location %d is %r, frame %r" % (w, i, tl, fr))
                    break
                uri, base, _ = phys(tl["location"])
                if base == "SRCROOT" and not os.path.isfile(
                        os.path.join(vtest.ROOT, urllib.parse.unquote(uri))):
                    err("%s: %s is no file of the checkout" % (w, uri))
                elif uri and not base and not uri.startswith("file:///"):
                    err("%s: %s is neither relative to SRCROOT nor absolute" % (w, uri))


def vigil_run(out, case, extra=()):
    return vtest.run([vtest.VIGIL, "run", "-o", out] + list(extra) +
                     ["--", os.path.join(CASES_BIN, case)], cwd=vtest.ROOT)


def sarif_of(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def check_report_equal(case, out, errors, extra=()):
    r = vtest.run([vtest.VIGIL, "report", out, "--format", "sarif"] + list(extra),
                  cwd=vtest.ROOT)
    with open(os.path.join(out, "report.sarif"), "rb") as f:
        saved = f.read()
    if r.rc != 0 or r.err or r.out != saved:
        errors.append("%s: `vigil report --format sarif %s` (rc %d, %s) differs from "
                      "report.sarif" % (case, " ".join(extra), r.rc, vtest.tail(r.err)))


def check_source_roots(tmp, errors):
    out = os.path.join(tmp, "root-sub")
    r = vigil_run(out, "double_free", ["--source-root", "tests/cases"])
    s = sarif_of(os.path.join(out, "report.sarif"))
    loc = s["runs"][0]["results"][0]["locations"][0]
    if r.rc != 0 or phys(loc) != ("double_free.c", "SRCROOT", 40) or \
            s["runs"][0]["originalUriBaseIds"]["SRCROOT"]["uri"] != \
            "file://%s/tests/cases/" % vtest.ROOT:
        errors.append("--source-root tests/cases: rc %d, location %r" % (r.rc, phys(loc)))
    check_report_equal("--source-root tests/cases", out, errors,
                       ["--source-root", "tests/cases"])

    outside = tempfile.mkdtemp(prefix="vigil-root-", dir=tmp)
    out = os.path.join(tmp, "root-outside")
    r = vigil_run(out, "double_free", ["--source-root", outside])
    loc = sarif_of(os.path.join(out, "report.sarif"))["runs"][0]["results"][0]["locations"][0]
    want = ("file://%s/tests/cases/double_free.c" % vtest.ROOT, None, 40)
    if r.rc != 0 or phys(loc) != want:
        errors.append("--source-root outside: rc %d, location %r, expected %r"
                      % (r.rc, phys(loc), want))

    marker = os.path.join(tmp, "started")
    for bad in ("/nonexistent/dir", os.path.join(vtest.ROOT, "README.md")):
        r = vtest.run([vtest.VIGIL, "run", "-o", os.path.join(tmp, "bad"), "--source-root", bad,
                       "--", "touch", marker])
        lines = r.err.decode(errors="replace").splitlines()
        if r.rc != 2 or len(lines) != 1 or "--source-root" not in lines[0] or \
                os.path.exists(marker):
            errors.append("vigil run --source-root %s: rc %d, stderr %r, started %s"
                          % (bad, r.rc, lines, os.path.exists(marker)))
        r = vtest.run([vtest.VIGIL, "report", out, "--format", "sarif", "--source-root", bad])
        lines = r.err.decode(errors="replace").splitlines()
        if r.rc != 2 or len(lines) != 1 or r.out:
            errors.append("vigil report --source-root %s: rc %d, stderr %r, stdout %d bytes"
                          % (bad, r.rc, lines, len(r.out)))


# A report.json with what real runs rarely have: paths to percent-encode, a kind this
# vigil does not know, a stack without frames, a finding without stacks, notes.
SYNTHETIC = {
    "schema": "vigil-report/1", "tool": {"name": "vigil", "version": "0.1.0"},
    "run": {"command": ["./odd prog", "it's"], "started": "2026-11-25T19:00:00Z",
            "ended": "2026-11-25T19:00:01Z", "mode": "full", "checks": ["heap"],
            "bpf": {"ran": False, "reason": "--no-bpf"}, "exit": {"signal": 6},
            "notes": ["raw log a.1.log truncated at offset 64"]},
    "processes": [],
    "findings": [
        {"id": "0123456789abcdef", "kind": "frobnicate", "severity": "warning", "count": 2,
         "pids": [1], "message": "odd", "details": {},
         "stacks": [{"role": "call", "tid": 1, "frames": [
             {"pc": "0x1", "module": "/opt/a b/lib#1.so", "offset": "0x1",
              "function": "f\u00e9", "file": "/opt/a b/src/100%#?.c", "line": 3},
             {"pc": "0x2", "module": None, "offset": None, "function": None, "file": None,
              "line": None}]},
             {"role": "other-call", "tid": 0, "frames": []}]},
        {"id": "fedcba9876543210", "kind": "crash", "severity": "error", "count": 1,
         "pids": [1], "message": "killed by SIGABRT", "details": {}, "stacks": []}],
    "stats": {"allocs": 1}}


def main():
    errors = []
    tmp = tempfile.mkdtemp(prefix="vigil-sarif-")
    try:
        schema = Schema(multitool_schema())
        files = []
        for case in CASES:
            out = os.path.join(tmp, case)
            r = vigil_run(out, case)
            rep, _, problems = vtest.load_report(out)
            path = os.path.join(out, "report.sarif")
            if r.timed_out or problems or not os.path.exists(path):
                errors.append("%s: vigil run rc %d, %s: %s" % (case, r.rc, problems,
                                                                vtest.tail(r.err)))
                continue
            files.append(path)
            check_content(case, rep, sarif_of(path), errors)
            check_report_equal(case, out, errors)
        check_source_roots(tmp, errors)
        files.append(os.path.join(tmp, "root-sub", "report.sarif"))

        synthetic = os.path.join(tmp, "synthetic.json")
        with open(synthetic, "w", encoding="utf-8") as f:
            json.dump(SYNTHETIC, f)
        r = vtest.run([vtest.VIGIL, "report", synthetic, "--format", "sarif"], cwd=tmp)
        if r.rc != 0:
            errors.append("synthetic: vigil report rc %d: %s" % (r.rc, vtest.tail(r.err)))
        else:
            files.append(os.path.join(tmp, "synthetic.sarif"))
            with open(files[-1], "wb") as f:
                f.write(r.out)

        # Self-checks: each checker must still see errors in a broken file.
        good = sarif_of(files[0])
        broken_mt = copy.deepcopy(good)
        del broken_mt["runs"][0]["tool"]["driver"]["name"]
        broken_mt["runs"][0]["results"][0]["ruleId"] = 7
        broken_schema = copy.deepcopy(good)
        broken_schema["runs"][0]["results"][0]["level"] = "severe"
        broken_schema["runs"][0]["results"][0]["codeFlows"][0]["threadFlows"][0]["locations"] = []
        selfcheck = {}
        for name, doc in (("broken-multitool.sarif", broken_mt),
                          ("broken-schema.sarif", broken_schema)):
            selfcheck[name] = os.path.join(tmp, name)
            with open(selfcheck[name], "w", encoding="utf-8") as f:
                json.dump(doc, f)

        found = multitool_validate(tmp, files + [selfcheck["broken-multitool.sarif"]])
        for path in files:
            for p in found.get(path, []):
                errors.append("multitool: %s: %s" % (os.path.relpath(path, tmp), p))
            for p in schema.check(sarif_of(path))[:10]:
                errors.append("schema: %s: %s" % (os.path.relpath(path, tmp), p))
        if not found.get(selfcheck["broken-multitool.sarif"]):
            errors.append("self-check: the multitool found no error in a file without "
                          "tool.driver.name")
        if len(schema.check(sarif_of(selfcheck["broken-schema.sarif"]))) < 2:
            errors.append("self-check: the schema check missed a bad level or an empty "
                          "thread flow")
    except (RuntimeError, OSError, ValueError, KeyError, IndexError) as e:
        errors.append("%s: %s" % (type(e).__name__, e))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    for e in errors:
        print("FAIL sarif: %s" % e)
    print("sarif: %s (%d cases validated)" % ("FAILED" if errors else "OK", len(CASES)))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
