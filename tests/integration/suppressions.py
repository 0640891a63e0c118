#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Suppressions on real runs of the case programs: a rule drops the finding it names
(and only it) from report.json, report.txt, the counts and the --error-exitcode
status; run.suppressions lists every rule with its hits and report.txt flags the rules
that matched nothing; patterns match a file's or a module's base name, several files
apply in order; `vigil report` applies rules to a saved report.json after the run's.
--gen-suppressions (stderr of `vigil run`, stdout of `vigil report`) writes rules that,
fed back, suppress every finding of the run they came from. Bad files: exit 2 with one
line naming file and line, before the program starts and before OUT is touched."""

import json
import os
import shutil
import sys
import tempfile

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import vtest  # noqa: E402

CASES = os.path.join(vtest.ROOT, "build", "tests", "cases")
GEN_HEADER = "vigil: suppressions for these findings (--gen-suppressions):"
# Programs whose findings are the same from run to run, between them most families of
# kinds, C++ names, a plugin the program dlopens, a crash, stacks through libc.
GEN_CASES = ["leak_indirect", "leak_cxx", "leak_strdup", "double_free", "fd_leak",
             "crash_null", "api_unsafe_calls", "sig_unsafe_stdio", "dlopen_runpath",
             "lock_order_cycle3", "mt_unsafe_all"]


def frames_of(f):
    return [fr for st in f.get("stacks", []) for fr in st.get("frames", [])]


def has_function(f, name):
    return any(fr.get("function") == name for fr in frames_of(f))


class Runner:
    def __init__(self):
        self.tmp = tempfile.mkdtemp(prefix="vigil-supp-")
        self.npass = self.nfail = 0
        self.keep = os.environ.get("VIGIL_TEST_KEEP") == "1"

    def result(self, name, reasons):
        if reasons:
            self.nfail += 1
            print("FAIL  suppressions %s" % name)
            for r in reasons:
                print("      %s" % r)
        else:
            self.npass += 1
            print("ok    suppressions %s" % name)

    def path(self, name):
        return os.path.join(self.tmp, name)

    def write(self, name, data):
        p = self.path(name)
        with open(p, "wb") as f:
            f.write(data if isinstance(data, bytes) else data.encode())
        return p

    def run(self, name, case, vigil_args=(), prog_args=()):
        """vigil run of a case into tmp/name: (Result, report or None, text, problems)."""
        out = self.path(name)
        r = vtest.run([vtest.VIGIL, "run", "-o", out] + list(vigil_args) +
                      ["--", os.path.join(CASES, case)] + list(prog_args))
        rep, txt, problems = vtest.load_report(out)
        if r.timed_out:
            problems.append("timed out")
        return r, rep, txt, problems

    def report(self, *args):
        return vtest.run([vtest.VIGIL, "report"] + list(args))

    def drop_one_finding(self):
        reasons = []
        _, base, _, problems = self.run("drop-base", "leak_indirect")
        if problems:
            return self.result("drops-the-named-finding", ["baseline: %s" % problems])
        entry = [f for f in base["findings"] if has_function(f, "make_entry")]
        if len(base["findings"]) != 2 or len(entry) != 1:
            return self.result("drops-the-named-finding",
                               ["baseline: want 2 leaks, one through make_entry: %r"
                                % [f.get("message") for f in base["findings"]]])
        supp = self.write("drop.supp", "# the entries are the table's business\n"
                          "leak:make_entry\n\n  fd-leak : nowhere_at_all*\r\n")
        r, rep, txt, problems = self.run("drop", "leak_indirect", ["--suppressions", supp])
        reasons += problems
        if rep is None:
            return self.result("drops-the-named-finding", reasons)
        err = r.err.decode("utf-8", "replace")
        if r.rc != 0:
            reasons.append("exit %d, want 0" % r.rc)
        if [f["id"] for f in rep["findings"]] != [f["id"] for f in base["findings"]
                                                  if f is not entry[0]]:
            reasons.append("findings %r, want only the table's leak"
                           % [f.get("message") for f in rep["findings"]])
        run = rep["run"]
        if run.get("suppressed") != 1:
            reasons.append("run.suppressed %r, want 1" % run.get("suppressed"))
        want = [{"file": supp, "line": 2, "rule": "leak:make_entry", "hits": 1},
                {"file": supp, "line": 4, "rule": "fd-leak:nowhere_at_all*", "hits": 0}]
        if run.get("suppressions") != want:
            reasons.append("run.suppressions %r, want %r" % (run.get("suppressions"), want))
        for line in ("suppressions (2 rules): 1 finding suppressed",
                     "    leak:make_entry (%s:2): 1 hit" % supp,
                     "    fd-leak:nowhere_at_all* (%s:4): matched nothing" % supp,
                     "SUMMARY: vigil: 1 finding (leak: 1)"):
            if line not in (txt or "").splitlines():
                reasons.append("report.txt lacks the line %r" % line)
        if "vigil: 1 finding suppressed; rules that matched nothing: %s:4 " \
           "fd-leak:nowhere_at_all*" % supp not in err:
            reasons.append("stderr does not say what was suppressed: %s" % vtest.tail(r.err))
        if "vigil: 1 finding (leak: 1)" not in err:
            reasons.append("stderr summary does not count the one left: %s" % vtest.tail(r.err))
        self.result("drops-the-named-finding", reasons)

        # A saved report (the file itself) with one more rule: the run's rules first.
        reasons = []
        more = self.write("more.supp", "leak:make_table\n")
        rr = self.report(os.path.join(self.path("drop"), "report.json"), "--suppressions", more,
                         "--format", "json")
        try:
            doc = json.loads(rr.out)
        except ValueError as e:
            doc = None
            reasons.append("stdout is not JSON (exit %d): %s; %s" % (rr.rc, e, vtest.tail(rr.err)))
        if doc is not None:
            if rr.rc != 0:
                reasons.append("exit %d" % rr.rc)
            if doc["findings"]:
                reasons.append("findings left: %r" % [f["message"] for f in doc["findings"]])
            if doc["run"].get("suppressed") != 2:
                reasons.append("run.suppressed %r, want 2" % doc["run"].get("suppressed"))
            if doc["run"].get("suppressions") != want + [
                    {"file": more, "line": 1, "rule": "leak:make_table", "hits": 1}]:
                reasons.append("run.suppressions %r" % doc["run"].get("suppressions"))
        rt = self.report(self.path("drop"), "--suppressions", more)
        txt = rt.out.decode("utf-8", "replace")
        if rt.rc != 0 or "SUMMARY: vigil: no findings" not in txt or \
                "    leak:make_table (%s:1): 1 hit" % more not in txt:
            reasons.append("text re-render (exit %d) lacks the summary or the rule:\n%s"
                           % (rt.rc, txt[-600:]))
        self.result("saved-report-gets-more-rules", reasons)

    def exit_status_and_patterns(self):
        reasons = []
        r, rep, _, problems = self.run("exitcode-base", "double_free", ["--error-exitcode", "99"])
        if problems or r.rc != 99:
            reasons.append("baseline: exit %d (want 99), %s" % (r.rc, problems))
        supp = self.write("df.supp", "double-free:server_*\n")
        r, rep, _, problems = self.run("exitcode", "double_free",
                                       ["--error-exitcode", "99", "--suppressions", supp])
        reasons += problems
        if r.rc != 0:
            reasons.append("exit %d with the double free suppressed, want the program's 0"
                           % r.rc)
        if rep and (rep["findings"] or rep["run"].get("suppressed") != 1):
            reasons.append("findings %r, suppressed %r" % (rep["findings"],
                                                           rep["run"].get("suppressed")))
        self.result("error-exitcode-ignores-suppressed", reasons)

        # Base names of files and modules; several files, in order; '*' as kind.
        reasons = []
        a = self.write("a.supp", "leak:no_such_function\n*:libc.so*\n")
        b = self.write("b.supp", "leak:leak_strdup.c\n")
        r, rep, _, problems = self.run("patterns", "leak_strdup",
                                       ["--suppressions", b, "--suppressions", a])
        reasons += problems
        if rep:
            got = [(s["file"], s["line"], s["hits"]) for s in rep["run"].get("suppressions", [])]
            if got != [(b, 1, 1), (a, 1, 0), (a, 2, 0)]:
                reasons.append("file basename rule: %r" % got)
            if rep["findings"]:
                reasons.append("not suppressed: %r" % [f["message"] for f in rep["findings"]])
        r, rep, _, problems = self.run("patterns2", "leak_strdup", ["--suppressions", a])
        reasons += problems
        if rep:
            got = [s["hits"] for s in rep["run"].get("suppressions", [])]
            if got != [0, 1] or rep["findings"]:
                reasons.append("module basename rule: hits %r, findings %d"
                               % (got, len(rep["findings"])))
        self.result("file-and-module-basenames", reasons)

    def gen_roundtrip(self):
        for case in GEN_CASES:
            reasons = []
            r, base, _, problems = self.run("gen-" + case, case, ["--gen-suppressions"])
            reasons += problems
            if base is None:
                self.result("gen-roundtrip " + case, reasons)
                continue
            lines = r.err.decode("utf-8", "replace").splitlines()
            if not base["findings"]:
                reasons.append("the case has no findings: nothing to test")
            if GEN_HEADER not in lines:
                self.result("gen-roundtrip " + case,
                            reasons + ["no %r on stderr: %s" % (GEN_HEADER, vtest.tail(r.err))])
                continue
            block = []
            for line in lines[lines.index(GEN_HEADER) + 1:]:
                if line.startswith("vigil: "):
                    break
                block.append(line)
            rules = [x for x in block if x and not x.startswith("#")]
            if not rules:
                reasons.append("no rule after the header")
            if any(x.encode() in r.out for x in rules):
                reasons.append("a rule went to stdout, which is the program's")
            # vigil report prints the same rules, on stdout.
            rr = self.report(self.path("gen-" + case), "--gen-suppressions")
            if rr.rc != 0 or rr.out.decode("utf-8", "replace").splitlines() != block:
                reasons.append("vigil report --gen-suppressions (exit %d) differs:\n%s\nvs\n%s"
                               % (rr.rc, rr.out.decode("utf-8", "replace"), "\n".join(block)))
            supp = self.write("gen-%s.supp" % case, "\n".join(block) + "\n")
            r2, rep, _, problems = self.run("gen2-" + case, case, ["--suppressions", supp])
            reasons += problems
            if rep is not None:
                if rep["findings"]:
                    reasons.append("fed back, %d findings remain: %r" % (
                        len(rep["findings"]), [f["message"] for f in rep["findings"]]))
                if rep["run"].get("suppressed") != len(base["findings"]):
                    reasons.append("run.suppressed %r, the first run had %d findings"
                                   % (rep["run"].get("suppressed"), len(base["findings"])))
                idle = [s["rule"] for s in rep["run"].get("suppressions", []) if not s["hits"]]
                if idle:
                    reasons.append("generated rules that matched nothing: %r" % idle)
                if r2.rc != r.rc:
                    reasons.append("exit %d, the first run %d" % (r2.rc, r.rc))
            # And on the saved report, through vigil report.
            rr = self.report(self.path("gen-" + case), "--suppressions", supp, "--format", "json")
            try:
                if json.loads(rr.out)["findings"]:
                    reasons.append("vigil report --suppressions left findings")
            except (ValueError, KeyError) as e:
                reasons.append("vigil report --suppressions: %s; %s" % (e, vtest.tail(rr.err)))
            self.result("gen-roundtrip " + case, reasons)

    def gen_nothing(self):
        reasons = []
        r, rep, _, problems = self.run("gen-clean", "clean_realloc", ["--gen-suppressions"])
        reasons += problems
        if rep and rep["findings"]:
            reasons.append("the clean control has findings: %r" % rep["findings"])
        if GEN_HEADER.encode() in r.err:
            reasons.append("a header with no finding to suppress")
        rr = self.report(self.path("gen-clean"), "--gen-suppressions")
        if rr.rc != 0 or rr.out:
            reasons.append("vigil report --gen-suppressions: exit %d, stdout %r"
                           % (rr.rc, rr.out[:200]))
        if rep and "suppressions" in rep["run"]:
            reasons.append("run.suppressions without --suppressions")
        self.result("gen-with-no-findings", reasons)

    def bad_files(self):
        out = self.path("bad-out")
        os.makedirs(out)
        sentinel = os.path.join(out, "report.json")
        marker = self.path("launched")
        cases = [
            ("missing-colon", b"# ok\nleak_make_entry\n", 2, "no ':' (expected kind:pattern)"),
            ("empty-pattern", b"leak:\n", 1, "empty pattern (use '*' to match everything)"),
            ("unknown-kind", b"leak:a\nleek:b\n", 2, "unknown kind 'leek'"),
            ("nul-byte", b"leak:a\x00b\n", 1, "NUL byte"),
            ("overlong-line", b"leak:" + b"x" * 5000 + b"\n", 1,
             "line too long (over 4096 bytes)"),
            ("not-utf8", b"\n\nleak:caf\xe9\n", 3, "the pattern is not UTF-8 (byte 0xe9)"),
            ("control-char", b"leak:a\x1bb\r\n", 1, "control character 0x1b in the pattern"),
        ]
        for name, data, line, why in cases:
            p = self.write("bad-%s.supp" % name, data)
            want = "vigil: error: suppressions '%s' line %d: %s" % (p, line, why)
            self.expect_refusal("bad-file " + name, p, want, out, sentinel, marker)
        missing = self.path("no-such.supp")
        self.expect_refusal("missing-file", missing, "vigil: error: suppressions '%s': No such "
                            "file or directory" % missing, out, sentinel, marker)
        self.expect_refusal("directory", self.tmp, "vigil: error: suppressions '%s': Is a "
                            "directory" % self.tmp, out, sentinel, marker)

    def expect_refusal(self, name, supp, want, out, sentinel, marker):
        """vigil run and vigil report both refuse supp with exactly the line want."""
        reasons = []
        good = self.write("good.supp", "leak:x\n")
        with open(sentinel, "w") as f:
            f.write("previous report\n")
        r = vtest.run([vtest.VIGIL, "run", "-o", out, "--suppressions", good,
                       "--suppressions", supp, "--", "touch", marker])
        err = r.err.decode("utf-8", "replace")
        if r.rc != 2:
            reasons.append("vigil run: exit %d, want 2" % r.rc)
        if err != want + "\n":
            reasons.append("vigil run: stderr %r, want %r" % (err[:300], want))
        if r.out:
            reasons.append("vigil run wrote to stdout: %r" % r.out[:100])
        if os.path.exists(marker):
            reasons.append("the program was launched anyway")
            os.unlink(marker)
        if not os.path.exists(sentinel):
            reasons.append("OUT was cleared before the rules were checked")
        rr = self.report(self.path("drop-base"), "--suppressions", supp)
        err = rr.err.decode("utf-8", "replace")
        if rr.rc != 2 or err != want + "\n" or rr.out:
            reasons.append("vigil report: exit %d, stdout %d bytes, stderr %r"
                           % (rr.rc, len(rr.out), err[:300]))
        self.result(name, reasons)


def main():
    if not os.access(vtest.VIGIL, os.X_OK):
        print("suppressions: %s is not built" % vtest.VIGIL, file=sys.stderr)
        return 2
    t = Runner()
    for test in (t.drop_one_finding, t.exit_status_and_patterns, t.gen_roundtrip,
                 t.gen_nothing, t.bad_files):
        try:
            test()
        except Exception as e:  # a broken test is a failure, not an abort of the rest
            t.result(test.__name__, ["runner error: %r" % e])
    print("suppressions: %d passed, %d failed" % (t.npass, t.nfail))
    if t.nfail == 0 and not t.keep:
        shutil.rmtree(t.tmp, ignore_errors=True)
    elif t.nfail:
        print("suppressions: outputs kept in %s" % t.tmp)
    return 1 if t.nfail else 0


if __name__ == "__main__":
    sys.exit(main())
