#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Live reports of a long-running program (tests/cases/live_service: a double free at
start, a bad-fd half-way, a 4 KiB leak per request found at exit):
  - `vigil dump OUT` while it runs prints the path of a snapshot that is a valid
    report marked run.snapshot, with the findings so far; with no run on OUT, or no
    OUT, it fails with one line and exit 2;
  - --dump-interval 1 writes snapshots a reader polling report.json always parses,
    and they follow the run (the half-way bad-fd shows up before the end);
  - --metrics: the file is Prometheus text exposition (promtool check metrics, and a
    strict parser of the format here) during the run and at its end;
  - --events: one JSON object per line and per finding, the first ones while the
    program still runs; `--events -` writes them to stderr;
  - processes[].series: live heap bytes and open descriptors over the run;
  - the monitor leaves signal forwarding and the exit status alone (SIGTERM to vigil
    reaches the program, vigil exits 143); a second run on a live OUT is refused;
    unwritable --metrics or --events files fail at once with one line."""

import json
import math
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import vtest  # noqa: E402

SERVICE = os.path.join(vtest.ROOT, "build", "tests", "cases", "live_service")
SOURCE = "live_service.c"
# Samples every 200 ms instead of every second: a few-second run makes a curve.
ENV = {"VIGIL_OPTIONS": "growth_interval_ms=200"}


def spawn(args, seconds, outdir, stderr=subprocess.PIPE):
    argv = [vtest.VIGIL, "run", "-o", outdir] + args + ["--", SERVICE, str(seconds)]
    return subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=stderr, env=vtest.clean_env(ENV), start_new_session=True)


def finish(p, timeout=60):
    try:
        out, err = p.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        out, err = p.communicate()
        return None, out, err
    return p.returncode, out, err


def kinds(rep):
    return {f["kind"] for f in rep.get("findings", [])}


def check_snapshot(rep, where, errors):
    """A snapshot is a valid report but for what only the end can say."""
    run = rep.get("run") or {}
    if run.get("snapshot") is not True:
        errors.append("%s: run.snapshot is %r, not true" % (where, run.get("snapshot")))
    if run.get("ended") is not None or run.get("exit") is not None:
        errors.append("%s: a snapshot with run.ended %r, run.exit %r"
                      % (where, run.get("ended"), run.get("exit")))
    done = json.loads(json.dumps(rep))
    done["run"]["ended"] = "2000-01-01T00:00:00Z"
    done["run"]["exit"] = {"code": 0}
    errors += ["%s: %s" % (where, e) for e in vtest.validate_report(done)]


def check_final(rep, rc, where, errors):
    errors += ["%s: %s" % (where, e) for e in vtest.validate_report(rep)]
    if "snapshot" in rep.get("run", {}):
        errors.append("%s: the final report has run.snapshot" % where)
    if not vtest.exit_matches(rep, rc):
        errors.append("%s: run.exit %r for exit status %r" % (where, rep["run"].get("exit"), rc))
    missing = {"double-free", "bad-fd", "leak"} - kinds(rep)
    if missing:
        errors.append("%s: final report lacks %s" % (where, sorted(missing)))


# --- Prometheus text exposition, as the format specifies it (the parser of
# prometheus/common expfmt, in its strict reading) ---

NAME = r"[a-zA-Z_:][a-zA-Z0-9_:]*"
LABEL = r'[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*"'
SAMPLE = re.compile(r"^(%s)(\{(?:%s)(?:,%s)*\})? (\S+)(?: (-?\d+))?$" % (NAME, LABEL, LABEL))
HELP = re.compile(r"^# HELP (%s) (.*)$" % NAME)
TYPE = re.compile(r"^# TYPE (%s) (counter|gauge|histogram|summary|untyped)$" % NAME)


def parse_exposition(text):
    """{(name, labels): value} of a textfile; raises ValueError naming the first
    violation."""
    if text and not text.endswith("\n"):
        raise ValueError("the last line has no newline")
    types, helps, seen, done, current = {}, set(), {}, set(), None
    for n, line in enumerate(text.split("\n")[:-1], 1):
        if not line:
            raise ValueError("line %d is empty" % n)
        m = HELP.match(line) or TYPE.match(line)
        if m:
            name = m.group(1)
            if name in done or (name != current and name in types and line.startswith("# T")):
                raise ValueError("line %d: %s described twice or after its samples" % (n, name))
            if line.startswith("# HELP"):
                if name in helps:
                    raise ValueError("line %d: second HELP for %s" % (n, name))
                helps.add(name)
            else:
                if name in types:
                    raise ValueError("line %d: second TYPE for %s" % (n, name))
                types[name] = m.group(2)
            if current and current != name:
                done.add(current)
            current = name
            continue
        if line.startswith("#"):
            raise ValueError("line %d: a comment that is neither HELP nor TYPE: %r" % (n, line))
        m = SAMPLE.match(line)
        if not m:
            raise ValueError("line %d is not a sample: %r" % (n, line))
        name, labels, value = m.group(1), m.group(2) or "", m.group(3)
        if name != current or name in done:
            raise ValueError("line %d: %s is not with its family" % (n, name))
        if name not in types:
            raise ValueError("line %d: %s has no TYPE" % (n, name))
        try:
            v = float(value)
        except ValueError:
            raise ValueError("line %d: value %r is not a number" % (n, value)) from None
        if types[name] == "counter" and (not name.endswith("_total") or v < 0 or math.isnan(v)):
            raise ValueError("line %d: counter %s must end in _total and not go below 0"
                             % (n, name))
        names = re.findall(r'([a-zA-Z_][a-zA-Z0-9_]*)="', labels)
        if len(names) != len(set(names)):
            raise ValueError("line %d: a label twice" % n)
        if (name, labels) in seen:
            raise ValueError("line %d: series %s%s twice" % (n, name, labels))
        seen[(name, labels)] = v
    for name in types:
        if not name.startswith("vigil_"):
            raise ValueError("%s lacks the vigil_ prefix" % name)
    return seen


def exposition_self_check(errors):
    """The parser above rejects what promtool rejects, so it cannot pass everything."""
    good = "# HELP a_total x\n# TYPE a_total counter\na_total{k=\"v\\\"\"} 1\n"
    bad = {
        "no newline at the end": good[:-1],
        "counter without _total": "# HELP a x\n# TYPE a counter\na 1\n",
        "sample without TYPE": "a_total 1\n",
        "family split": good + "# HELP b x\n# TYPE b gauge\nb 1\na_total{k=\"w\"} 2\n",
        "bad escape": "# HELP a x\n# TYPE a gauge\na{k=\"\\x\"} 1\n",
        "duplicate series": good + "a_total{k=\"v\\\"\"} 2\n",
        "not a number": "# HELP a x\n# TYPE a gauge\na one\n",
    }
    try:
        parse_exposition(good.replace("a_total", "vigil_a_total"))
    except ValueError as e:
        errors.append("exposition parser rejects a good file: %s" % e)
    for what, text in bad.items():
        try:
            parse_exposition(text.replace("a_total", "vigil_a_total").replace("\na ", "\nvigil_a ")
                             .replace(" a x", " vigil_a x").replace(" a gauge", " vigil_a gauge")
                             .replace(" a counter", " vigil_a counter")
                             .replace("\na{", "\nvigil_a{"))
            errors.append("exposition parser accepts a file with %s" % what)
        except ValueError:
            pass


def promtool(path, where, errors):
    tool = shutil.which("promtool")
    if not tool:
        errors.append("promtool is missing: scripts/deps.sh installs it (Debian package "
                      "prometheus)")
        return
    with open(path, "rb") as f:
        r = subprocess.run([tool, "check", "metrics"], stdin=f, capture_output=True,
                           timeout=60)
    if r.returncode != 0:
        errors.append("%s: promtool check metrics: %s" % (where, vtest.tail(r.stdout + r.stderr)))


# --- the checks ---

def check_dump(errors):
    with tempfile.TemporaryDirectory(prefix="vigil-live-") as tmp:
        out = os.path.join(tmp, "out")
        p = spawn([], 4, out)
        snap, deadline = None, time.time() + 15
        try:
            while time.time() < deadline and p.poll() is None:
                r = vtest.run([vtest.VIGIL, "dump", out], timeout=30)
                if r.rc == 0:
                    path = r.out.decode().strip()
                    if path != os.path.join(out, "report.json"):
                        errors.append("vigil dump printed %r, not the snapshot's path" % path)
                        break
                    with open(path, encoding="utf-8") as f:
                        rep = json.load(f)
                    if "double-free" in kinds(rep):
                        snap = rep
                        if r.err.strip():
                            errors.append("vigil dump wrote on stderr: %s" % vtest.tail(r.err))
                        break
                time.sleep(0.2)
        finally:
            rc, _, err = finish(p)
        if snap is None:
            errors.append("no snapshot with the double-free from vigil dump while the "
                          "program ran (last dump: %d %s)" % (r.rc, vtest.tail(r.err)))
        else:
            check_snapshot(snap, "dump snapshot", errors)
            if "leak" in kinds(snap):
                errors.append("dump snapshot has the leak only the exit can find")
            procs = snap.get("processes") or [{}]
            if procs[0].get("exit") is not None:
                errors.append("dump snapshot: the running process has exit %r"
                              % procs[0].get("exit"))
        if rc != 0:
            errors.append("vigil run with dumps exited %r: %s" % (rc, vtest.tail(err)))
            return
        rep, _, problems = vtest.load_report(out)
        errors += ["final report after dumps: %s" % e for e in problems]
        if rep:
            check_final(rep, rc, "final report after dumps", errors)
        if os.path.exists(os.path.join(out, ".vigil.sock")):
            errors.append("the run left its socket behind")

        # The run is over: dump says so in one line, as for a directory never used.
        for where in (out, tmp, os.path.join(tmp, "nowhere")):
            r = vtest.run([vtest.VIGIL, "dump", where], timeout=30)
            lines = r.err.decode(errors="replace").strip().splitlines()
            if r.rc != 2 or len(lines) != 1 or not lines[0].startswith("vigil: error: ") \
                    or r.out:
                errors.append("vigil dump %s with no run: exit %d, stderr %r, stdout %r"
                              % (where, r.rc, lines, r.out))


def check_interval_and_readers(errors):
    """--dump-interval 1 and a reader polling report.json (and the metrics file) as
    fast as it can: every read parses."""
    with tempfile.TemporaryDirectory(prefix="vigil-live-") as tmp:
        out = os.path.join(tmp, "out")
        metrics = os.path.join(tmp, "vigil.prom")
        stop = threading.Event()
        seen = {"reads": 0, "snapshots": set(), "bad": [], "kinds": set(), "metrics": 0,
                "mbad": [], "mlive": None}

        def reader():
            path = os.path.join(out, "report.json")
            while not stop.is_set():
                try:
                    with open(path, "rb") as f:
                        data = f.read()
                except FileNotFoundError:
                    data = None
                if data is not None:
                    seen["reads"] += 1
                    try:
                        rep = json.loads(data)
                    except ValueError as e:
                        seen["bad"].append("report.json: %s" % e)
                        continue
                    if rep.get("run", {}).get("snapshot"):
                        seen["snapshots"].add(hash(data))
                        seen["kinds"] |= kinds(rep)
                try:
                    with open(metrics, encoding="utf-8") as f:
                        text = f.read()
                    seen["metrics"] += 1
                    m = parse_exposition(text)
                    if m.get(("vigil_running", "")) == 1 and \
                            m.get(("vigil_findings_total",
                                   '{kind="double-free",severity="error"}')) == 1:
                        seen["mlive"] = text
                except FileNotFoundError:
                    pass
                except ValueError as e:
                    seen["mbad"].append(str(e))

        t = threading.Thread(target=reader)
        t.start()
        p = spawn(["--dump-interval", "1", "--metrics", metrics], 5, out)
        rc, _, err = finish(p)
        stop.set()
        t.join()
        if rc != 0:
            errors.append("vigil run --dump-interval 1 exited %r: %s" % (rc, vtest.tail(err)))
            return
        if seen["bad"] or seen["mbad"]:
            errors.append("a reader saw broken files: %s" % (seen["bad"] + seen["mbad"])[:3])
        if len(seen["snapshots"]) < 3:
            errors.append("%d distinct snapshots seen in %d reads of a 5 s run at 1 s"
                          % (len(seen["snapshots"]), seen["reads"]))
        if "bad-fd" not in seen["kinds"]:
            errors.append("no snapshot showed the half-way bad-fd before the end (kinds %s)"
                          % sorted(seen["kinds"]))
        if "leak" in seen["kinds"]:
            errors.append("a snapshot had the leak only the exit finds")
        rep, _, problems = vtest.load_report(out)
        errors += ["final report: %s" % e for e in problems]
        if rep:
            check_final(rep, rc, "final report", errors)
            check_series(rep, errors)
        if seen["mlive"] is None:
            errors.append("no metrics file during the run had vigil_running 1 and the "
                          "double-free (%d reads)" % seen["metrics"])
        else:
            mid = os.path.join(tmp, "mid.prom")
            with open(mid, "w", encoding="utf-8") as f:
                f.write(seen["mlive"])
            promtool(mid, "metrics during the run", errors)
            m = parse_exposition(seen["mlive"])
            if not m.get(("vigil_live_heap_bytes", ""), 0) > 0:
                errors.append("vigil_live_heap_bytes during the run: %r"
                              % m.get(("vigil_live_heap_bytes", "")))
            if not m.get(("vigil_open_fds", ""), 0) >= 3:
                errors.append("vigil_open_fds during the run: %r" % m.get(("vigil_open_fds", "")))
            if m.get(("vigil_processes", "")) != 1:
                errors.append("vigil_processes during the run: %r" % m.get(("vigil_processes", "")))
        check_final_metrics(metrics, rep, errors)


def check_series(rep, errors):
    series = rep["processes"][0].get("series")
    if not isinstance(series, list) or not 5 <= len(series) <= 256:
        errors.append("processes[0].series of a 5 s run sampled every 200 ms: %r"
                      % (len(series) if isinstance(series, list) else series))
        return
    for i, pt in enumerate(series):
        if set(pt) != {"t_ms", "heap_bytes", "fds"} or not all(
                isinstance(pt[k], int) for k in pt):
            errors.append("series[%d] is not {t_ms, heap_bytes, fds} integers: %r" % (i, pt))
            return
    if any(b["t_ms"] <= a["t_ms"] for a, b in zip(series, series[1:])):
        errors.append("series is not in time order: %r" % [p["t_ms"] for p in series])
    if not series[-1]["heap_bytes"] > series[0]["heap_bytes"] + 100 * 4096:
        errors.append("the leaking service's heap did not grow: %r -> %r"
                      % (series[0]["heap_bytes"], series[-1]["heap_bytes"]))
    if not 4000 <= series[-1]["t_ms"] - series[0]["t_ms"] <= 15000:
        errors.append("series spans %d ms of a 5 s run" % (series[-1]["t_ms"] - series[0]["t_ms"]))


def check_final_metrics(path, rep, errors):
    try:
        with open(path, encoding="utf-8") as f:
            m = parse_exposition(f.read())
    except (OSError, ValueError) as e:
        errors.append("final metrics file: %s" % e)
        return
    promtool(path, "final metrics", errors)
    if m.get(("vigil_running", "")) != 0:
        errors.append("final metrics: vigil_running %r" % m.get(("vigil_running", "")))
    if m.get(("vigil_processes", "")) != 0:
        errors.append("final metrics: vigil_processes %r" % m.get(("vigil_processes", "")))
    if rep:
        for f in rep["findings"]:
            key = ("vigil_findings_total", '{kind="%s",severity="%s"}' % (f["kind"], f["severity"]))
            if not m.get(key, 0) >= 1:
                errors.append("final metrics lack %s%s" % key)
    if rep and rep["run"]["bpf"].get("ran"):
        if ("vigil_bpf_ringbuf_drops_total", "") not in m:
            errors.append("final metrics lack vigil_bpf_ringbuf_drops_total with BPF on")
        if m.get(("vigil_syscall_errors_total", '{syscall="write",errno="EBADF"}'), 0) < 1:
            errors.append("final metrics lack the bad-fd's write/EBADF from the kernel: %s"
                          % sorted(k[1] for k in m if k[0] == "vigil_syscall_errors_total"))


def event_lines(text, where, errors):
    got = []
    for n, line in enumerate(text.splitlines(), 1):
        try:
            o = json.loads(line)
        except ValueError as e:
            errors.append("%s line %d is not JSON (%s): %r" % (where, n, e, line[:120]))
            continue
        if not isinstance(o, dict):
            errors.append("%s line %d is not an object" % (where, n))
            continue
        for k, t in (("time", str), ("id", str), ("kind", str), ("severity", str),
                     ("message", str), ("pid", int), ("count", int)):
            if not isinstance(o.get(k), t):
                errors.append("%s line %d: %s is %r" % (where, n, k, o.get(k)))
        got.append(o)
    return got


def check_events(errors):
    with tempfile.TemporaryDirectory(prefix="vigil-live-") as tmp:
        out = os.path.join(tmp, "out")
        events = os.path.join(tmp, "events.jsonl")
        early = None
        p = spawn(["--events", events, "--dump-interval", "1"], 4, out)
        try:
            deadline = time.time() + 15
            while time.time() < deadline and p.poll() is None and early is None:
                if os.path.exists(events):
                    with open(events, encoding="utf-8") as f:
                        text = f.read()
                    if '"double-free"' in text:
                        early = text
                time.sleep(0.1)
        finally:
            rc, _, err = finish(p)
        if rc != 0:
            errors.append("vigil run --events exited %r: %s" % (rc, vtest.tail(err)))
            return
        if early is None:
            errors.append("the double-free was not in the events file while the program ran")
        with open(events, encoding="utf-8") as f:
            got = event_lines(f.read(), "events file", errors)
        names = [o.get("kind") for o in got]
        for k in ("double-free", "bad-fd", "leak"):
            if names.count(k) != 1:
                errors.append("events file names %s %d times: %s" % (k, names.count(k), names))
        for o in got:
            if o.get("kind") == "double-free" and (o.get("function") != "start" or
                                                   not str(o.get("file")).endswith(SOURCE)):
                errors.append("double-free event's frame: %s %s:%s"
                              % (o.get("function"), o.get("file"), o.get("line")))
        ids = {f["id"] for f in json.load(open(os.path.join(out, "report.json")))["findings"]}
        if {o.get("id") for o in got} != ids:
            errors.append("event ids %s are not the report's %s"
                          % (sorted(o.get("id") for o in got), sorted(ids)))

        # To stderr: the JSON lines among vigil's own lines.
        r = vtest.run([vtest.VIGIL, "run", "-o", out, "--events", "-", "--", SERVICE, "1"],
                      env=vtest.clean_env(ENV))
        lines = [x for x in r.err.decode(errors="replace").splitlines() if x.startswith("{")]
        got = event_lines("\n".join(lines), "--events - on stderr", errors)
        if r.rc != 0 or sorted(o.get("kind") for o in got) != ["bad-fd", "double-free", "leak"]:
            errors.append("--events -: exit %d, kinds %s" % (r.rc, [o.get("kind") for o in got]))


def check_signals_and_exclusion(errors):
    """SIGTERM to vigil still reaches the program while the monitor runs; a second run
    on the same live OUT is refused and leaves the first one's logs alone."""
    with tempfile.TemporaryDirectory(prefix="vigil-live-") as tmp:
        out = os.path.join(tmp, "out")
        p = spawn(["--dump-interval", "1"], 30, out)
        try:
            deadline = time.time() + 15
            while time.time() < deadline and not os.path.exists(os.path.join(out, ".vigil.sock")):
                time.sleep(0.05)
            time.sleep(1.5)
            r = vtest.run([vtest.VIGIL, "run", "-o", out, "--", SERVICE, "1"],
                          env=vtest.clean_env(ENV))
            lines = r.err.decode(errors="replace").strip().splitlines()
            if r.rc != 2 or len(lines) != 1 or "another vigil run is live" not in lines[0]:
                errors.append("a second run on a live OUT: exit %d, stderr %r" % (r.rc, lines))
            p.send_signal(signal.SIGTERM)
        finally:
            rc, _, err = finish(p)
        if rc != 128 + signal.SIGTERM:
            errors.append("SIGTERM to vigil run (monitor on): exit %r, not %d: %s"
                          % (rc, 128 + signal.SIGTERM, vtest.tail(err)))
            return
        rep, _, problems = vtest.load_report(out)
        errors += ["report after SIGTERM: %s" % e for e in problems]
        if rep and rep["run"].get("exit") != {"signal": signal.SIGTERM}:
            errors.append("report after SIGTERM: run.exit %r" % rep["run"].get("exit"))
        if rep and "double-free" not in kinds(rep):
            errors.append("report after SIGTERM lost the first run's double-free")


def check_bad_input(errors):
    with tempfile.TemporaryDirectory(prefix="vigil-live-") as tmp:
        nowhere = os.path.join(tmp, "no", "such", "dir", "f")
        cases = [
            (["--metrics", nowhere], "cannot write metrics file"),
            (["--events", nowhere], "cannot open events file"),
            (["--dump-interval", "0"], "invalid --dump-interval"),
            (["--dump-interval", "x"], "invalid --dump-interval"),
            (["--metrics", ""], "invalid --metrics"),
        ]
        for args, want in cases:
            out = os.path.join(tmp, "out")
            r = vtest.run([vtest.VIGIL, "run", "-o", out] + args + ["--", SERVICE, "1"])
            lines = r.err.decode(errors="replace").strip().splitlines()
            if r.rc != 2 or len(lines) != 1 or want not in lines[0] or r.out:
                errors.append("vigil run %s: exit %d, stderr %r (want one line with %r)"
                              % (" ".join(args), r.rc, lines, want))
        # A program that cannot start: the metrics say it does not run.
        metrics = os.path.join(tmp, "vigil.prom")
        r = vtest.run([vtest.VIGIL, "run", "-o", os.path.join(tmp, "out"), "--metrics", metrics,
                       "--", os.path.join(tmp, "no-such-program")])
        try:
            with open(metrics, encoding="utf-8") as f:
                m = parse_exposition(f.read())
        except (OSError, ValueError) as e:
            m = {"error": str(e)}
        if r.rc != 2 or m.get(("vigil_running", "")) != 0:
            errors.append("a program that cannot start: exit %d, metrics %r" % (r.rc, m))
        r = vtest.run([vtest.VIGIL, "dump"])
        if r.rc != 2 or len(r.err.decode().strip().splitlines()) != 1:
            errors.append("vigil dump without OUT: exit %d, %r" % (r.rc, r.err))


def main():
    if not os.access(SERVICE, os.X_OK):
        print("live: %s is not built (make cases)" % SERVICE)
        return 1
    failed = 0
    for name, check in (("exposition parser self-check", exposition_self_check),
                        ("vigil dump", check_dump),
                        ("--dump-interval, readers, --metrics, series",
                         check_interval_and_readers),
                        ("--events", check_events),
                        ("signals and a second run", check_signals_and_exclusion),
                        ("bad input", check_bad_input)):
        errors = []
        t0 = time.time()
        check(errors)
        if errors:
            failed += 1
            print("FAIL live: %s (%.1fs)" % (name, time.time() - t0))
            for e in errors:
                print("    " + e)
        else:
            print("PASS live: %s (%.1fs)" % (name, time.time() - t0))
    print("live: %s" % ("FAILED" if failed else "OK"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
