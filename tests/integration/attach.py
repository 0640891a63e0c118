#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""`vigil attach`: a process started without vigil (tests/cases/syscall_errors_paced,
a refused-connect retry loop) is attached to while it runs; the report must name the
storm at retry's connect line, with the process's pid, and the process must go on
undisturbed (it exits 0 on its own). Bad input: a pid that does not exist, a pid that
is not a number, exit 2 with one line. Without BPF (no root, no BTF) the attach test
is skipped, unless VIGIL_REQUIRE_BPF is set: then it fails."""

import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import vtest  # noqa: E402

TARGET = os.path.join(vtest.ROOT, "build", "tests", "cases", "syscall_errors_paced")
SOURCE_LINE = 20  # the connect() call in retry()


def require_bpf():
    v = os.environ.get("VIGIL_REQUIRE_BPF", "")
    return v not in ("", "0")


def check_attach(errors):
    target = subprocess.Popen([TARGET, "6"], stdout=subprocess.DEVNULL,
                              env=vtest.clean_env())
    try:
        time.sleep(0.3)
        with tempfile.TemporaryDirectory(prefix="vigil-attach-") as out:
            r = vtest.run([vtest.VIGIL, "attach", str(target.pid), "--duration", "2",
                           "-o", out], env=vtest.clean_env())
            if r.rc == 2 and b"BPF cannot run" in r.err and not require_bpf():
                print("SKIP attach: needs BPF: %s" % r.err.decode(errors="replace").strip())
                return
            if r.rc != 0:
                errors.append("attach exited %d: %s" % (r.rc, vtest.tail(r.err)))
                return
            rep, _, problems = vtest.load_report(out)
            if problems:
                errors += ["report: %s" % p for p in problems]
                return
            if not rep["run"]["bpf"].get("ran"):
                errors.append("run.bpf.ran is not true")
            hits = [f for f in rep["findings"] if f["kind"] == "syscall-errors"
                    and f["details"].get("syscall") == "connect"
                    and f["details"].get("errno") == "ECONNREFUSED"]
            if not hits:
                errors.append("no syscall-errors finding for connect/ECONNREFUSED: %s"
                              % [f["kind"] for f in rep["findings"]])
                return
            f = hits[0]
            if target.pid not in f["pids"]:
                errors.append("finding pids %s lack the target %d" % (f["pids"], target.pid))
            frames = [fr for s in f["stacks"] for fr in s["frames"]]
            if not any(fr.get("function") == "retry" and fr.get("line") == SOURCE_LINE
                       for fr in frames):
                errors.append("no frame retry:%d in %s" % (
                    SOURCE_LINE, [(fr.get("function"), fr.get("line")) for fr in frames]))
            if f["count"] < 500:
                errors.append("count %d: expected the failures of 2 s (>= 500)" % f["count"])
        if target.poll() is not None:
            errors.append("the target ended while attached (status %s)" % target.returncode)
        rc = target.wait(timeout=30)
        if rc != 0:
            errors.append("the target exited %d after the attach (expected 0)" % rc)
    finally:
        if target.poll() is None:
            target.kill()
            target.wait()


def check_interrupt(errors):
    """Ctrl-C (SIGINT) and SIGTERM end the watch with a report, as --duration does,
    also when vigil started with SIGINT ignored (a background job of a script)."""
    import signal
    for sig, ignore in ((signal.SIGINT, False), (signal.SIGTERM, False),
                        (signal.SIGINT, True)):
        target = subprocess.Popen([TARGET, "10"], stdout=subprocess.DEVNULL,
                                  env=vtest.clean_env())
        try:
            time.sleep(0.3)
            with tempfile.TemporaryDirectory(prefix="vigil-attach-") as out:
                pre = (lambda: signal.signal(signal.SIGINT, signal.SIG_IGN)) if ignore else None
                # A low threshold: what matters here is that a report is written,
                # and a loaded machine slows the storm down.
                v = subprocess.Popen([vtest.VIGIL, "attach", str(target.pid), "-o", out],
                                     stderr=subprocess.PIPE,
                                     env=vtest.clean_env({"VIGIL_OPTIONS":
                                                          "syscall_errors_min=50"}),
                                     preexec_fn=pre)
                time.sleep(1.5)
                v.send_signal(sig)
                try:
                    _, err = v.communicate(timeout=60)
                except subprocess.TimeoutExpired:
                    v.kill()
                    errors.append("attach did not end on %s" % sig.name)
                    continue
                what = "%s%s" % (sig.name, " (ignored at start)" if ignore else "")
                if v.returncode != 0:
                    errors.append("attach ended by %s exited %d: %s"
                                  % (what, v.returncode, vtest.tail(err)))
                    continue
                rep, _, problems = vtest.load_report(out)
                if problems or not any(f["kind"] == "syscall-errors" for f in rep["findings"]):
                    errors.append("attach ended by %s: no report with the storm (%s)"
                                  % (what, problems))
        finally:
            target.kill()
            target.wait()


def check_bad_input(errors):
    cases = [
        (["attach", "999999999"], "cannot attach to 999999999: no such process"),
        (["attach", "12ab"], "invalid PID '12ab'"),
        (["attach"], "no process given"),
        (["attach", "1", "--duration", "0"], "invalid --duration '0'"),
    ]
    # A thread of a process: attaching to it alone would watch nothing.
    threaded = subprocess.Popen(["python3", "-c", "import threading,time\n"
                                 "t=threading.Thread(target=time.sleep,args=(30,));t.start()\n"
                                 "time.sleep(30)"], env=vtest.clean_env())
    try:
        tids = []
        for _ in range(50):
            tids = [t for t in os.listdir("/proc/%d/task" % threaded.pid)
                    if int(t) != threaded.pid]
            if tids:
                break
            time.sleep(0.1)
        if tids:
            cases.append((["attach", tids[0]], "it is a thread of process %d" % threaded.pid))
        else:
            errors.append("the threaded helper started no thread")
        run_cases(cases, errors)
    finally:
        threaded.kill()
        threaded.wait()


def run_cases(cases, errors):
    for argv, want in cases:
        r = vtest.run([vtest.VIGIL] + argv, env=vtest.clean_env())
        lines = r.err.decode(errors="replace").strip().splitlines()
        if r.rc != 2 or len(lines) != 1 or want not in lines[0]:
            errors.append("vigil %s: rc %d, stderr %r (want exit 2 and one line with %r)"
                          % (" ".join(argv), r.rc, lines, want))


def main():
    errors = []
    check_attach(errors)
    check_interrupt(errors)
    check_bad_input(errors)
    for e in errors:
        print("FAIL attach: %s" % e)
    print("attach: %s" % ("FAILED" if errors else "OK"))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
