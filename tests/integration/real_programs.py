# SPDX-License-Identifier: MIT
"""Real programs under `vigil run`: stdout and exit status must be those of a plain
run, report.json must be written and valid, no crash and no heap error may be
reported (they are correct programs), nothing may hang. The programs run in full mode,
in full mode with guard pages as dense as they go, and in canary mode with every
allocation sampled and a dense guard-page rate.
Then bad input to the CLI: each mistake exits 2 with exactly one line on stderr and
launches nothing."""

import hashlib
import json
import time
import os
import random
import shutil
import sys
import tempfile

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import vtest  # noqa: E402

PY = "/usr/bin/python3" if os.access("/usr/bin/python3", os.X_OK) else shutil.which("python3")

PY_SCRIPT = r'''
import hashlib, json, subprocess, sys, threading

results = {}
lock = threading.Lock()

def work(i):
    data = [{"worker": i, "n": j, "s": str(j) * (j % 7), "f": j / 7.0} for j in range(3000)]
    text = json.dumps(data, sort_keys=True)
    back = json.loads(text)
    digest = hashlib.sha256(text.encode()).hexdigest()
    with lock:
        results[str(i)] = {"sha256": digest, "items": len(back)}

threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
for t in threads:
    t.start()
for t in threads:
    t.join()
# Python starts children with vfork/posix_spawn: process creation from a threaded host.
results["child"] = subprocess.run(["sort", "-r"], input="b\na\nc\n", capture_output=True,
                                  text=True, check=True).stdout.split()
json.dump(results, sys.stdout, sort_keys=True, indent=1)
print()
'''


# Errors a correct program can only get by a false positive of the heap checks.
HEAP_ERRORS = {"double-free", "invalid-free", "mismatched-free", "heap-overflow",
               "use-after-free"}
# Every fd finding in these programs would be a false one: they close what they
# should, and what they leave open at exit is one descriptor per site at most.
FD_KINDS = {"fd-leak", "double-close", "bad-fd", "fd-reuse", "nonblocking-spin"}
# Nor do they misuse an API: python's, git's, bash's and coreutils' formats are
# literals (or, for printf-like builtins, one checked conversion at a time), their
# copies are bounded or into their own arenas, their files private or made by mkstemp.
API_KINDS = {"unsafe-api", "deprecated-api", "format-string", "memcpy-overlap",
             "insecure-permissions", "insecure-tempfile", "shell-exec", "tls-verify-disabled"}

# (label suffix, `vigil run` options, VIGIL_OPTIONS) of each pass over the programs.
MODES = [("", [], None),
         ("[guard]", [], "guard_rate=1"),
         ("[canary]", ["--mode", "canary"], "sample_bytes=1:guard_rate=10")]


class Runner:
    def __init__(self):
        self.tmp = tempfile.mkdtemp(prefix="vigil-real-")
        self.npass = self.nfail = 0
        self.keep = os.environ.get("VIGIL_TEST_KEEP") == "1"
        self.set_mode(MODES[0])

    def set_mode(self, mode):
        self.suffix, self.mode_args, self.mode_options = mode
        # Each pass works in its own directories.
        self.dir_tag = "".join(c if c.isalnum() else "-" for c in self.suffix).rstrip("-")

    def result(self, name, reasons):
        name += self.suffix
        if reasons:
            self.nfail += 1
            print("FAIL %s: %s" % (name, "; ".join(reasons)))
        else:
            self.npass += 1
            print("PASS %s" % name)

    def outdir(self, name):
        return os.path.join(self.tmp, "out-" + name + self.dir_tag)

    def vigil(self, name, argv, env=None, cwd=None, outdir=None):
        """Runs argv under vigil; returns (Result, report, reasons about the report)."""
        out = outdir or self.outdir(name)
        if self.mode_options:
            env = dict(env or vtest.clean_env(), VIGIL_OPTIONS=self.mode_options)
        r = vtest.run([vtest.VIGIL, "run", "-o", out] + self.mode_args + ["--"] + argv,
                      env=env, cwd=cwd)
        rep, _, problems = vtest.load_report(out)
        if r.timed_out:
            problems.insert(0, "vigil run timed out after %ds" % vtest.TIMEOUT)
        if rep is not None:
            if not vtest.exit_matches(rep, r.rc):
                problems.append("run.exit %r does not match exit status %d"
                                % ((rep.get("run") or {}).get("exit"), r.rc))
            if not rep.get("processes"):
                problems.append("no processes in report.json (was the preload loaded?)")
            crashes = [f for f in rep.get("findings") or []
                       if isinstance(f, dict) and f.get("kind") == "crash"]
            if crashes:
                problems.append("crash finding in a program that did not crash: %s"
                                % crashes[0].get("message"))
            heap = [f for f in rep.get("findings") or []
                    if isinstance(f, dict) and f.get("kind") in HEAP_ERRORS | FD_KINDS | API_KINDS]
            for f in heap[:3]:
                top = [fr.get("function") for fr in
                       ((f.get("stacks") or [{}])[0].get("frames") or [])[:3]]
                problems.append("%s in a correct program: %s (%s; %s)"
                                % (f.get("kind"), f.get("message"), " < ".join(
                                    str(t) for t in top), name))
            mode = (rep.get("run") or {}).get("mode")
            want = self.mode_args[1] if self.mode_args else "full"
            if mode != want:
                problems.append("run.mode is %r, expected %r" % (mode, want))
            config = (rep.get("run") or {}).get("config") or {}
            for item in (self.mode_options or "").split(":"):
                k, _, v = item.partition("=")
                if k and str(config.get(k)) != v:
                    problems.append("run.config.%s is %r, expected %s" % (k, config.get(k), v))
        return r, rep, problems

    def same(self, name, argv, env=None, cwd=None, expect_rc=None, stdout_key=None):
        """Plain run vs run under vigil: same stdout, same exit status."""
        plain = vtest.run(argv, env=env, cwd=cwd)
        r, rep, reasons = self.vigil(name, argv, env=env, cwd=cwd)
        if plain.timed_out:
            reasons.append("plain run timed out")
        if expect_rc is not None and plain.rc != expect_rc:
            reasons.append("plain run exit %d, test expects %d (%s)"
                           % (plain.rc, expect_rc, vtest.tail(plain.err, 2)))
        if r.rc != plain.rc:
            reasons.append("exit status %d under vigil, %d plain (stderr: %s)"
                           % (r.rc, plain.rc, vtest.tail(r.err)))
        key = stdout_key or (lambda b: b)
        if key(r.out) != key(plain.out):
            reasons.append("stdout differs: vigil %r... plain %r..."
                           % (r.out[:80], plain.out[:80]))
        return r, rep, reasons

    # --- real programs ------------------------------------------------------------

    def python_threads(self):
        script = os.path.join(self.tmp, "threads_json%s.py" % self.dir_tag)
        with open(script, "w") as f:
            f.write(PY_SCRIPT)
        _, rep, reasons = self.same("python3-threads-json", [PY, script], expect_rc=0)
        if rep is not None and "sort" not in {os.path.basename(p.get("exe") or "")
                                              for p in rep.get("processes") or []}:
            reasons.append("the sort child python started is not in processes")
        self.result("python3-threads-json", reasons)

    def git(self):
        home = os.path.join(self.tmp, "git-home" + self.dir_tag)
        os.makedirs(home, exist_ok=True)
        env = vtest.clean_env({
            "HOME": home, "GIT_CONFIG_NOSYSTEM": "1", "GIT_AUTHOR_NAME": "Vigil Test",
            "GIT_AUTHOR_EMAIL": "vigil@example.invalid", "GIT_COMMITTER_NAME": "Vigil Test",
            "GIT_COMMITTER_EMAIL": "vigil@example.invalid",
            # Fixed dates make commit hashes equal in both repositories.
            "GIT_AUTHOR_DATE": "2020-01-01T00:00:00Z",
            "GIT_COMMITTER_DATE": "2020-01-01T00:00:00Z"})
        steps = [
            (["git", "-c", "init.defaultBranch=main", "init", "-q"], None),
            (["git", "add", "-A"], "v1"),
            (["git", "commit", "-q", "-m", "first commit"], None),
            (["git", "add", "-A"], "v2"),
            (["git", "commit", "-q", "-m", "second commit"], None),
            (["git", "log", "--format=%H %an <%ae> %s"], None),
            (["git", "rev-list", "--count", "HEAD"], None),
            (["git", "status", "--porcelain"], None),
            (["git", "diff", "--stat", "HEAD~1"], None),
        ]
        dirs = {m: os.path.join(self.tmp, "git-%s%s" % (m, self.dir_tag))
                for m in ("plain", "vigil")}
        for d in dirs.values():
            os.makedirs(d)
        reasons = []
        for i, (argv, content) in enumerate(steps):
            if content:
                for d in dirs.values():
                    for k in range(20):
                        with open(os.path.join(d, "file%02d.txt" % k), "w") as f:
                            f.write("%s line %d\n" % (content, k) * (k + 1))
            plain = vtest.run(argv, env=env, cwd=dirs["plain"])
            r, _, problems = self.vigil("git-%d" % i, argv, env=env, cwd=dirs["vigil"])
            what = " ".join(argv[1:3])
            reasons += ["%s: %s" % (what, p) for p in problems]
            if plain.rc != 0:
                reasons.append("%s: plain run failed: %s" % (what, vtest.tail(plain.err, 2)))
            if r.rc != plain.rc:
                reasons.append("%s: exit %d under vigil, %d plain (stderr: %s)"
                               % (what, r.rc, plain.rc, vtest.tail(r.err)))
            if r.out != plain.out:
                reasons.append("%s: stdout differs: vigil %r plain %r"
                               % (what, r.out[:120], plain.out[:120]))
        self.result("git-init-add-commit", reasons)

    def bash_pipeline(self):
        cmd = ["bash", "-c", "seq 1 20000 | sort -rn | head -5 | tr 0-9 a-j"]
        _, rep, reasons = self.same("bash-pipeline", cmd, expect_rc=0)
        if rep is not None:
            seen = {os.path.basename(p.get("exe") or "") for p in rep.get("processes") or []
                    if isinstance(p, dict)}
            missing = {"bash", "seq", "sort", "head", "tr"} - seen
            if missing:
                reasons.append("processes not followed across fork/exec: %s missing "
                               "(report has %s)" % (", ".join(sorted(missing)),
                                                   ", ".join(sorted(seen))))
        self.result("bash-pipeline", reasons)

    def yes_head(self):
        # yes dies of SIGPIPE once head has its line: the pipeline's output and status
        # stay native (141 with pipefail), and the death is counted, not a crash.
        _, rep, reasons = self.same("yes-head", ["sh", "-c", "yes | head -n 1"], expect_rc=0)
        reasons += self.same("yes-head-pipefail",
                             ["bash", "-c", "set -o pipefail; yes | head -n 1"],
                             expect_rc=141)[2]
        if rep is not None:
            yes = [p.get("pid") for p in rep.get("processes") or [] if isinstance(p, dict)
                   and os.path.basename(p.get("exe") or "") == "yes"
                   and p.get("exit") == {"signal": 13}]
            sites = (rep.get("stats") or {}).get("pipe_sites") or []
            if not yes:
                reasons.append("no yes process that died of SIGPIPE in processes")
            elif not [s for s in sites if s.get("kind") == "sigpipe" and
                      yes[0] in (s.get("pids") or [])]:
                reasons.append("the SIGPIPE death of yes is not in stats.pipe_sites: %r"
                               % sites)
        self.result("yes-head", reasons)

    def sort_big(self):
        path = os.path.join(self.tmp, "sort-input%s.txt" % self.dir_tag)
        rnd = random.Random(1234)
        words = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta"]
        with open(path, "w") as f:
            for i in range(120000):
                f.write("%s-%d %d %s\n" % (rnd.choice(words), rnd.randrange(10 ** 6),
                                          rnd.randrange(10 ** 9), rnd.choice(words) * 3))
        size = os.path.getsize(path)
        digest = lambda b: hashlib.sha256(b).hexdigest()  # noqa: E731
        reasons = [] if size > 4 << 20 else ["input only %d bytes" % size]
        reasons += self.same("sort-plain", ["sort", path], expect_rc=0, stdout_key=digest)[2]
        # Small buffer and two threads: temporary files, merges, worker threads.
        reasons += self.same("sort-parallel", ["sort", "-S", "1M", "--parallel=2",
                                               "-k2,2n", "-k1,1", "-T", self.tmp, path],
                             expect_rc=0, stdout_key=digest)[2]
        self.result("sort-%dMB" % (size >> 20), reasons)

    def exit_code(self):
        _, _, reasons = self.same("exit-7", ["sh", "-c", "echo seven; exit 7"], expect_rc=7)
        self.result("exit-7", reasons)

    def sigterm(self):
        _, _, reasons = self.same("sigterm", ["sh", "-c", "echo term; kill -TERM $$"],
                                    expect_rc=143)
        self.result("sigterm-143", reasons)

    def default_output_dir(self):
        cwd = os.path.join(self.tmp, "default-out")
        os.makedirs(cwd)
        r = vtest.run([vtest.VIGIL, "run", "--", "true"], cwd=cwd)
        reasons = [] if r.rc == 0 else ["exit %d (stderr: %s)" % (r.rc, vtest.tail(r.err))]
        _, _, problems = vtest.load_report(os.path.join(cwd, "vigil-report"))
        self.result("default-output-dir", reasons + ["./vigil-report: " + p for p in problems])

    def preload_path(self):
        # vigil run from another directory, by a relative path: LD_PRELOAD must still
        # hold an absolute path to libvigil.so, before what the user had preloaded.
        cwd = os.path.join(self.tmp, "relative")
        os.makedirs(cwd)
        rel = os.path.relpath(vtest.VIGIL, cwd)
        env = vtest.clean_env({"LD_PRELOAD": "libc.so.6"})
        r = vtest.run([rel, "run", "-o", "out", "--", "sh", "-c", 'echo "$LD_PRELOAD"'],
                      cwd=cwd, env=env)
        parts = r.out.decode().strip().replace(" ", ":").split(":")
        reasons = [] if r.rc == 0 else ["exit %d (stderr: %s)" % (r.rc, vtest.tail(r.err))]
        if not parts[0].startswith("/") or not parts[0].endswith("libvigil.so") or \
                not os.path.exists(parts[0]):
            reasons.append("LD_PRELOAD does not start with an absolute libvigil.so: %r"
                           % r.out.decode().strip())
        if "libc.so.6" not in parts[1:]:
            reasons.append("the user's LD_PRELOAD was dropped: %r" % r.out.decode().strip())
        self.result("preload-absolute-path", reasons)

    def report_rerender(self):
        case = os.path.join(vtest.ROOT, "build", "tests", "cases", "leak_direct")
        out = self.outdir("rerender")
        vtest.run([vtest.VIGIL, "run", "-o", out, "--", case])
        rep, _, problems = vtest.load_report(out)
        reasons = ["original: " + p for p in problems]
        r = vtest.run([vtest.VIGIL, "report", out, "--format", "json"])
        if r.rc != 0:
            reasons.append("vigil report --format json exit %d (%s)" % (r.rc, vtest.tail(r.err)))
        else:
            try:
                again = json.loads(r.out)
                reasons += ["re-rendered: " + p for p in vtest.validate_report(again)]
                ids = lambda x: sorted(f.get("id") for f in x.get("findings") or [])  # noqa
                if rep is not None and ids(again) != ids(rep):
                    reasons.append("re-rendered findings differ from report.json")
            except ValueError as e:
                reasons.append("vigil report --format json is not JSON: %s" % e)
        t = vtest.run([vtest.VIGIL, "report", out])
        if t.rc != 0 or b"make_record" not in t.out:
            reasons.append("vigil report (text) exit %d, names make_record: %s"
                           % (t.rc, b"make_record" in t.out))
        self.result("report-rerender", reasons)

    def report_after_daemon(self):
        # A daemonized grandchild outlives `vigil run` and leaks after report.json was
        # written: `vigil report DIR` must see the raw log newer than the report and
        # render from the raw logs.
        out = self.outdir("daemon")
        case = os.path.join(vtest.ROOT, "build", "tests", "cases", "daemon_leak")
        r = vtest.run([vtest.VIGIL, "run", "-o", out, "--", case])
        reasons = [] if r.rc == 0 else ["exit %d (stderr: %s)" % (r.rc, vtest.tail(r.err))]
        time.sleep(3)
        t = vtest.run([vtest.VIGIL, "report", out, "--format", "json"])
        try:
            rep = json.loads(t.out)
            sizes = [f.get("details", {}).get("bytes") for f in rep.get("findings") or []
                     if f.get("kind") == "leak"]
            if 4321 not in sizes:
                reasons.append("the daemon's leak of 4321 bytes is missing: %s" % sizes)
        except ValueError as e:
            reasons.append("vigil report --format json is not JSON: %s" % e)
        self.result("report-after-daemon", reasons)

    def standalone_relative_out(self):
        # Without the CLI a relative out dir is taken from where the program
        # started, not from /, and a forked child that chdir'd still writes there.
        # (A program exec'd after a chdir resolves it anew: README says so.)
        cwd = os.path.join(self.tmp, "standalone-rel")
        os.makedirs(cwd, exist_ok=True)
        env = vtest.clean_env({"LD_PRELOAD": os.path.join(vtest.ROOT, "build", "libvigil.so"),
                               "VIGIL_OPTIONS": "out=relout"})
        r = vtest.run(["sh", "-c", "cd / && (exit 0)"], cwd=cwd, env=env)
        raw = os.path.join(cwd, "relout", "raw")
        logs = [f for f in os.listdir(raw) if f.endswith(".log")] if os.path.isdir(raw) else []
        reasons = [] if r.rc == 0 else ["exit %d (stderr: %s)" % (r.rc, vtest.tail(r.err))]
        if len(logs) < 2:
            reasons.append("expected the logs of sh and its subshell under %s, found %s"
                           % (raw, logs))
        self.result("standalone-relative-out", reasons)

    def _modes(self, paths):
        """Reasons the files and directories in paths {path: mode} have other modes."""
        reasons = []
        for path, want in paths.items():
            try:
                have = os.stat(path).st_mode & 0o7777
            except OSError as e:
                reasons.append("%s: %s" % (path, e.strerror))
                continue
            if have != want:
                reasons.append("%s is %o, expected %o" % (os.path.relpath(path, self.tmp),
                                                          have, want))
        return reasons

    def report_permissions(self):
        # The raw logs and reports hold the target's argv: a new OUT and raw/ are the
        # user's alone, and so are the reports; an OUT that already existed keeps its
        # mode (it may be shared on purpose), but its raw/ is made private again.
        new = os.path.join(self.tmp, "perm-new", "out")
        r = vtest.run([vtest.VIGIL, "run", "-o", new, "--", "true"])
        reasons = [] if r.rc == 0 else ["exit %d (stderr: %s)" % (r.rc, vtest.tail(r.err))]
        reasons += self._modes({new: 0o700, os.path.join(new, "raw"): 0o700,
                                os.path.join(new, "report.json"): 0o600,
                                os.path.join(new, "report.txt"): 0o600,
                                os.path.dirname(new): 0o755})
        old = os.path.join(self.tmp, "perm-old")
        os.makedirs(os.path.join(old, "raw"))
        os.chmod(old, 0o755)
        os.chmod(os.path.join(old, "raw"), 0o755)
        r = vtest.run([vtest.VIGIL, "run", "-o", old, "--", "true"])
        if r.rc != 0:
            reasons.append("existing OUT: exit %d (stderr: %s)" % (r.rc, vtest.tail(r.err)))
        reasons += self._modes({old: 0o755, os.path.join(old, "raw"): 0o700,
                                os.path.join(old, "report.json"): 0o600})
        self.result("report-permissions", reasons)

    def raw_log_permissions(self):
        # Written by the preload, not by vigil: owner only, like the reports.
        out = self.outdir("perm-logs")
        r = vtest.run([vtest.VIGIL, "run", "-o", out, "--", "sh", "-c", "true | cat"])
        reasons = [] if r.rc == 0 else ["exit %d (stderr: %s)" % (r.rc, vtest.tail(r.err))]
        raw = os.path.join(out, "raw")
        logs = sorted(os.listdir(raw)) if os.path.isdir(raw) else []
        if not logs:
            reasons.append("no raw logs in %s" % raw)
        reasons += self._modes({os.path.join(raw, n): 0o600 for n in logs})
        self.result("raw-log-permissions", reasons)

    # --- bad input ------------------------------------------------------------------

    def _one_line_exit_2(self, argv, env, marker):
        """Reasons argv is not refused with exit 2, one 'vigil: ' line on stderr, nothing
        on stdout and nothing launched (marker absent)."""
        if os.path.exists(marker):
            os.unlink(marker)
        r = vtest.run(argv, env=vtest.clean_env(env))
        err = r.err.decode("utf-8", "replace")
        lines = err.splitlines()
        reasons = []
        if r.timed_out:
            reasons.append("timed out")
        if r.rc != 2:
            reasons.append("exit %d, expected 2" % r.rc)
        if len(lines) != 1 or not err.endswith("\n"):
            reasons.append("stderr has %d lines, expected exactly one: %r"
                           % (len(lines), err[:300]))
        elif not lines[0].startswith("vigil: "):
            reasons.append("stderr line does not start with 'vigil: ': %r" % lines[0])
        if r.out:
            reasons.append("wrote to stdout: %r" % r.out[:100])
        if os.path.exists(marker):
            reasons.append("the program was launched anyway")
        return reasons, lines

    def preload_path_separators(self):
        # LD_PRELOAD is split at ':' and spaces: an install path holding one would
        # preload pieces of it, so vigil refuses to start the program at all.
        marker = os.path.join(self.tmp, "launched")
        for label, dirname in (("colon", "lib:vigil"), ("space", "lib vigil")):
            where = os.path.join(self.tmp, dirname)
            os.makedirs(where)
            for f in ("vigil", "libvigil.so"):
                shutil.copy2(os.path.join(os.path.dirname(vtest.VIGIL), f), where)
            argv = [os.path.join(where, "vigil"), "run", "-o", self.outdir("sep-" + label),
                    "--", "touch", marker]
            reasons, lines = self._one_line_exit_2(argv, None, marker)
            want = ("vigil: error: cannot preload '%s': the path contains ':' or a space"
                    % os.path.join(os.path.realpath(where), "libvigil.so"))
            if lines and lines[0] != want:
                reasons.append("stderr %r, expected %r" % (lines[0], want))
            self.result("bad-input preload-path-with-" + label, reasons)

    def bad_input(self):
        marker = os.path.join(self.tmp, "launched")
        prog = ["--", "touch", marker]
        out = ["-o", self.outdir("bad")]
        cases = [
            ("unknown-option", ["run", "--no-such-option"] + out + prog, None),
            ("missing-program", ["run"] + out + ["--", "/nonexistent/vigil-no-such-prog"],
             None),
            ("missing-program-in-path", ["run"] + out + ["--", "vigil-no-such-program-x"],
             None),
            ("no-program", ["run"] + out + ["--"], None),
            ("unwritable-output", ["run", "-o", "/proc/forbidden"] + prog, None),
            ("garbage-VIGIL_OPTIONS", ["run"] + out + prog, {"VIGIL_OPTIONS": "garbage"}),
            ("unknown-check", ["run", "--checks", "nosuch"] + out + prog, None),
            ("unavailable-check", ["run", "--checks", "heap,races"] + out + prog, None),
            ("mode-bad-value", ["run", "--mode", "fast"] + out + prog, None),
            ("suppressions-missing-file",
             ["run", "--suppressions", "/nonexistent/vigil.supp"] + out + prog, None),
            ("on-error-bad-value", ["run", "--on-error", "maybe"] + out + prog, None),
            ("bad-error-exitcode", ["run", "--error-exitcode", "x1"] + out + prog, None),
            ("unknown-command", ["frobnicate"], None),
        ]
        for name, args, env in cases:
            reasons, _ = self._one_line_exit_2([vtest.VIGIL] + args, env, marker)
            self.result("bad-input " + name, reasons)


def main():
    if not os.access(vtest.VIGIL, os.X_OK):
        print("real_programs: %s is not built" % vtest.VIGIL, file=sys.stderr)
        return 2
    t = Runner()
    programs = (t.python_threads, t.git, t.bash_pipeline, t.yes_head, t.sort_big,
                t.exit_code, t.sigterm)
    rest = (t.default_output_dir, t.preload_path, t.report_rerender, t.report_after_daemon,
            t.standalone_relative_out,
            t.report_permissions, t.raw_log_permissions, t.bad_input,
            t.preload_path_separators)
    plan = [(MODES[0], programs + rest)] + [(m, programs) for m in MODES[1:]]
    for mode, tests in plan:
        t.set_mode(mode)
        for test in tests:
            try:
                test()
            except Exception as e:  # a broken test is a failure, not an abort of the rest
                t.result(test.__name__, ["runner error: %r" % e])
    print("real programs: %d passed, %d failed" % (t.npass, t.nfail))
    if t.nfail == 0 and not t.keep:
        shutil.rmtree(t.tmp, ignore_errors=True)
    elif t.nfail:
        print("real programs: outputs kept in %s" % t.tmp)
    return 1 if t.nfail else 0


if __name__ == "__main__":
    sys.exit(main())
