#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The people-facing outputs on real runs of case programs:
- `vigil report --format folded`: every line is "root;frame;... count" as
  flamegraph.pl, inferno and speedscope parse it, the root names the metric, and the
  sums per metric equal the report's (leak and heap-growth details.bytes, lock
  wait_ns); the leak's stack runs from main down to the allocating function.
- colors: `vigil report` on a terminal (a pty) colors its text, piped it does not, and
  NO_COLOR (set to anything, even empty) turns them off; `vigil run` colors its stderr
  summary only on a terminal, and report.txt never has an escape sequence.
- bad input for these formats: one line on stderr, exit 2, nothing on stdout."""

import json
import os
import pty
import re
import shutil
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import vtest  # noqa: E402

CASES = os.path.join(vtest.ROOT, "build", "tests", "cases")
FOLDED_LINE = re.compile(r"^([^;\n]+)((?:;[^;\n]+)+) ([1-9][0-9]*)$")
METRICS = {"leak": ("leak", "bytes"), "heap-growth": ("heap-growth", "bytes"),
           "lock-contention": ("lock-wait", "wait_ns")}
ESC = b"\x1b["
RED_ERROR = b"\x1b[1;31mERROR\x1b[0m"


def vigil_run(tmp, case, options=None):
    out = os.path.join(tmp, case)
    env = vtest.clean_env({"VIGIL_OPTIONS": options} if options else None)
    r = vtest.run([vtest.VIGIL, "run", "-o", out, "--", os.path.join(CASES, case)], env=env)
    rep, _, problems = vtest.load_report(out)
    if r.timed_out or problems:
        raise RuntimeError("vigil run %s: rc %d, %s; %s" % (case, r.rc, problems,
                                                            vtest.tail(r.err)))
    return out, rep


def check_folded(errors, out, rep, case):
    r = vtest.run([vtest.VIGIL, "report", out, "--format", "folded"])
    if r.rc != 0 or r.err:
        errors.append("%s: folded: rc %d: %s" % (case, r.rc, vtest.tail(r.err)))
        return None
    sums = {}
    lines = r.out.decode("utf-8").splitlines()
    for line in lines:
        m = FOLDED_LINE.match(line)
        if not m:
            errors.append("%s: folded line not in the format: %r" % (case, line))
            continue
        sums[m.group(1)] = sums.get(m.group(1), 0) + int(m.group(3))
    want = {}
    for f in rep["findings"]:
        if f["kind"] in METRICS:
            metric, key = METRICS[f["kind"]]
            want[metric] = want.get(metric, 0) + f["details"][key]
    if sums != want:
        errors.append("%s: folded sums %r, the report's %r" % (case, sums, want))
    return lines


def pty_run(argv, env, use_stderr=False):
    """Runs argv with stdout (or stderr) on a pseudo-terminal; (rc, bytes seen there)."""
    master, slave = pty.openpty()
    p = subprocess.Popen(argv, stdin=subprocess.DEVNULL,
                         stdout=subprocess.DEVNULL if use_stderr else slave,
                         stderr=slave if use_stderr else subprocess.DEVNULL,
                         env=env, start_new_session=True)
    os.close(slave)
    data = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: every writer closed the terminal
            break
        if not chunk:
            break
        data += chunk
    os.close(master)
    return p.wait(timeout=vtest.TIMEOUT), data


def check_colors(errors, tmp, out):
    env = vtest.clean_env()
    env.pop("NO_COLOR", None)
    rc, data = pty_run([vtest.VIGIL, "report", out], env)
    if rc != 0 or RED_ERROR not in data:
        errors.append("report on a terminal: rc %d, no red ERROR in %r" % (rc, data[:300]))
    for value in ("1", ""):
        rc, data = pty_run([vtest.VIGIL, "report", out], dict(env, NO_COLOR=value))
        if rc != 0 or ESC in data or b"ERROR: vigil:" not in data:
            errors.append("report on a terminal, NO_COLOR=%r: rc %d, %r"
                          % (value, rc, data[:300]))
    r = vtest.run([vtest.VIGIL, "report", out], env=env)
    if r.rc != 0 or ESC in r.out or b"ERROR: vigil:" not in r.out:
        errors.append("report piped: rc %d, escapes or no finding in %r" % (r.rc, r.out[:300]))
    with open(os.path.join(out, "report.txt"), "rb") as f:
        if ESC in f.read():
            errors.append("report.txt has escape sequences")
    case = os.path.join(CASES, "leak_direct")
    for value, colored in ((None, True), ("1", False)):
        run_out = os.path.join(tmp, "tty-%s" % value)
        e = dict(env) if value is None else dict(env, NO_COLOR=value)
        rc, data = pty_run([vtest.VIGIL, "run", "-o", run_out, "--", case], e, use_stderr=True)
        summary = [ln for ln in data.splitlines() if b" - report: " in ln]
        if len(summary) != 1:
            errors.append("run summary on a terminal (NO_COLOR=%r): %r" % (value, data[-300:]))
            continue
        if (b"\x1b[1;31m" in summary[0]) != colored or (not colored and ESC in data):
            errors.append("run summary on a terminal, NO_COLOR=%r: %r" % (value, summary[0]))
        with open(os.path.join(run_out, "report.txt"), "rb") as f:
            if ESC in f.read():
                errors.append("report.txt of a run on a terminal has escape sequences")
    r = vtest.run([vtest.VIGIL, "run", "-o", os.path.join(tmp, "piped"), "--", case], env=env)
    if ESC in r.err or b" - report: " not in r.err:
        errors.append("run summary piped: %r" % r.err[-300:])


def check_bad_input(errors, tmp):
    for args in (["report", os.path.join(tmp, "nothing-here"), "--format", "folded"],
                 ["report", os.path.join(tmp, "nothing-here"), "--format", "html"],
                 ["report", tmp, "--format", "flames"]):
        r = vtest.run([vtest.VIGIL] + args)
        lines = r.err.decode("utf-8", "replace").splitlines()
        if r.rc != 2 or r.out or len(lines) != 1 or not lines[0].startswith("vigil: error: "):
            errors.append("vigil %s: rc %d, stdout %r, stderr %r"
                          % (" ".join(args), r.rc, r.out[:80], lines))


def main():
    tmp = tempfile.mkdtemp(prefix="vigil-formats-")
    errors, checks = [], 0
    try:
        leak, leak_rep = vigil_run(tmp, "leak_indirect")
        lines = check_folded(errors, leak, leak_rep, "leak_indirect") or []
        if not any(re.search(r";main;table_chars;make_table;make_entry [0-9]+$", ln)
                   for ln in lines if ln.startswith("leak;")):
            errors.append("leak_indirect: no leak line from main down to make_entry: %r"
                          % lines)
        growth, growth_rep = vigil_run(tmp, "heap_growth", "growth_interval_ms=20:guard_rate=0")
        lines = check_folded(errors, growth, growth_rep, "heap_growth") or []
        if not any(ln.startswith("heap-growth;") and ";main;remember " in ln for ln in lines):
            errors.append("heap_growth: no heap-growth line ending in remember: %r" % lines)
        locks, locks_rep = vigil_run(tmp, "lock_contention")
        lines = check_folded(errors, locks, locks_rep, "lock_contention") or []
        if not any(ln.startswith("lock-wait;") and ";lookup " in ln for ln in lines):
            errors.append("lock_contention: no lock-wait line ending in lookup: %r" % lines)
        checks += 3
        check_colors(errors, tmp, leak)
        checks += 1
        check_bad_input(errors, tmp)
        checks += 1
    except (RuntimeError, OSError, subprocess.TimeoutExpired) as e:
        errors.append(str(e))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    for e in errors:
        print("FAIL formats: %s" % e)
    print("formats: %d passed, %d failed" % (max(checks - len(errors), 0), len(errors)))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
