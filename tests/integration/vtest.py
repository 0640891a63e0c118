# SPDX-License-Identifier: MIT
"""Shared helpers of the integration runners: running a command with a hard timeout
that kills the whole process tree, and validating report.json against the
vigil-report/1 contract of DESIGN.md."""

import json
import os
import resource
import signal
import subprocess

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
VIGIL = os.path.abspath(os.environ.get("VIGIL", os.path.join(ROOT, "build", "vigil")))
TIMEOUT = 120

# DESIGN.md "Finding kinds": kind -> severity.
# A tuple: the kind's severity varies with what was proven, the first one is DESIGN.md's
# (unsafe-api is info when no overflow can be proven, format-string info for a
# writable format without %n: issue 5).
KIND_SEVERITY = {
    "leak": "error", "leak-reachable": "info", "heap-growth": "warning",
    "double-free": "error", "invalid-free": "error", "mismatched-free": "error",
    "heap-overflow": "error", "use-after-free": "error", "bad-alloc-size": "warning",
    "lock-order-inversion": ("error", "warning"), "deadlock": "error", "unlock-not-owner": "error",
    "double-lock": "error", "destroy-locked": "error", "cond-wait-not-owner": "error",
    "thread-leak": "warning", "lock-contention": "info", "mt-unsafe-call": ("warning", "info"),
    "signal-unsafe-call": "error", "data-race": "error", "fd-leak": "warning",
    "double-close": "error", "bad-fd": "error", "fd-reuse": "error",
    "nonblocking-spin": "warning", "unsafe-api": ("warning", "info"), "deprecated-api": "info",
    "format-string": ("error", "info"), "memcpy-overlap": "error",
    "insecure-permissions": "warning", "insecure-tempfile": "warning",
    "shell-exec": "info", "tls-verify-disabled": "warning", "syscall-errors": "warning",
    "wx-mapping": "warning", "slow-syscall": "info", "crash": "error",
}
ROLES = {"allocation", "free", "first-free", "crash", "access", "acquire", "held", "blocked",
         "thread-create", "call", "other-call", "handler", "open", "close"}


def clean_env(extra=None):
    """The caller's environment minus anything that would change how vigil or the
    target behave, so a developer's VIGIL_OPTIONS cannot skew the results."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("VIGIL") and k != "LD_PRELOAD"}
    env["LC_ALL"] = "C"
    if extra:
        env.update(extra)
    return env


def _no_core():
    # Crash cases would otherwise leave core files behind (core_pattern is "core").
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


class Result:
    def __init__(self, rc, out, err, timed_out):
        self.rc = rc          # shell convention: 128+N for death by signal N
        self.out = out        # bytes
        self.err = err        # bytes
        self.timed_out = timed_out


def run(argv, env=None, cwd=None, timeout=TIMEOUT, stdin=subprocess.DEVNULL):
    """Runs argv in its own session; on timeout kills the whole group, since the
    process vigil launches (and its children) would outlive a plain kill."""
    p = subprocess.Popen(argv, stdin=stdin, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, env=env if env is not None else clean_env(),
                         cwd=cwd, start_new_session=True, preexec_fn=_no_core)
    timed_out = False
    try:
        out, err = p.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        timed_out = True
        try:
            os.killpg(p.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        out, err = p.communicate()
    rc = p.returncode
    if rc < 0:
        rc = 128 - rc
    return Result(rc, out, err, timed_out)


def _is_int(v):
    return isinstance(v, int) and not isinstance(v, bool)


def _check_exit(where, e, errors, process=False):
    """A process may also have no known end (null), or have been replaced by exec."""
    if process and (e is None or e == {"exec": True}):
        return
    if not isinstance(e, dict) or not (_is_int(e.get("code")) or _is_int(e.get("signal"))):
        errors.append("%s.exit is not {code: int} or {signal: int}: %r" % (where, e))


def _check_bpf(b, errors):
    """run.bpf: {ran: true, probes: [...]} or {ran: false, reason: why not}."""
    if not isinstance(b, dict) or not isinstance(b.get("ran"), bool):
        errors.append("run.bpf is not {ran: bool, ...}: %r" % (b,))
    elif b["ran"] and (not isinstance(b.get("probes"), list) or not b["probes"] or
                       not all(isinstance(x, str) for x in b["probes"])):
        errors.append("run.bpf ran but its probes are not a list of names: %r" % (b,))
    elif not b["ran"] and (not isinstance(b.get("reason"), str) or not b["reason"]):
        errors.append("run.bpf did not run and gives no reason: %r" % (b,))


def _check_frame(where, fr, errors):
    if not isinstance(fr, dict):
        errors.append("%s is not an object" % where)
        return
    pc = fr.get("pc")
    if not isinstance(pc, str) or not pc.startswith("0x"):
        errors.append("%s.pc is not a hex string: %r" % (where, pc))
    for k in ("module", "offset", "function", "file"):
        if fr.get(k) is not None and not isinstance(fr[k], str):
            errors.append("%s.%s is not a string: %r" % (where, k, fr[k]))
    if fr.get("line") is not None and not _is_int(fr["line"]):
        errors.append("%s.line is not an integer: %r" % (where, fr["line"]))


def _check_finding(i, f, errors):
    where = "findings[%d]" % i
    if not isinstance(f, dict):
        errors.append("%s is not an object" % where)
        return
    if not isinstance(f.get("id"), str) or not f.get("id"):
        errors.append("%s.id missing or empty" % where)
    kind = f.get("kind")
    if kind not in KIND_SEVERITY:
        errors.append("%s.kind unknown: %r" % (where, kind))
    elif f.get("severity") not in (KIND_SEVERITY[kind] if isinstance(KIND_SEVERITY[kind], tuple)
                                   else (KIND_SEVERITY[kind],)):
        errors.append("%s (%s) severity %r, DESIGN.md says %r"
                      % (where, kind, f.get("severity"), KIND_SEVERITY[kind]))
    if not _is_int(f.get("count")) or f["count"] < 1:
        errors.append("%s.count is not a positive integer: %r" % (where, f.get("count")))
    pids = f.get("pids")
    if not isinstance(pids, list) or not pids or not all(_is_int(p) for p in pids):
        errors.append("%s.pids is not a non-empty list of integers: %r" % (where, pids))
    if not isinstance(f.get("message"), str) or not f.get("message"):
        errors.append("%s.message missing or empty" % where)
    if not isinstance(f.get("details"), dict):
        errors.append("%s.details is not an object" % where)
    stacks = f.get("stacks")
    if not isinstance(stacks, list):
        errors.append("%s.stacks is not a list" % where)
        return
    for j, st in enumerate(stacks):
        sw = "%s.stacks[%d]" % (where, j)
        if not isinstance(st, dict):
            errors.append("%s is not an object" % sw)
            continue
        if st.get("role") not in ROLES:
            errors.append("%s.role unknown: %r" % (sw, st.get("role")))
        if not _is_int(st.get("tid")):
            errors.append("%s.tid is not an integer: %r" % (sw, st.get("tid")))
        frames = st.get("frames")
        if not isinstance(frames, list):
            errors.append("%s.frames is not a list" % sw)
            continue
        for k, fr in enumerate(frames):
            _check_frame("%s.frames[%d]" % (sw, k), fr, errors)


def validate_report(rep):
    """Returns a list of contract violations of a parsed report.json (empty: valid)."""
    errors = []
    if not isinstance(rep, dict):
        return ["report.json is not an object"]
    if rep.get("schema") != "vigil-report/1":
        errors.append("schema is %r, not 'vigil-report/1'" % rep.get("schema"))
    tool = rep.get("tool")
    if not isinstance(tool, dict) or tool.get("name") != "vigil" or \
            not isinstance(tool.get("version"), str):
        errors.append("tool is not {name: 'vigil', version: str}: %r" % (tool,))
    r = rep.get("run")
    if not isinstance(r, dict):
        errors.append("run is not an object")
    else:
        cmd = r.get("command")
        if not isinstance(cmd, list) or not cmd or not all(isinstance(a, str) for a in cmd):
            errors.append("run.command is not a non-empty list of strings: %r" % (cmd,))
        for k in ("started", "ended", "mode"):
            if not isinstance(r.get(k), str) or not r.get(k):
                errors.append("run.%s is not a non-empty string: %r" % (k, r.get(k)))
        if not isinstance(r.get("checks"), list) or \
                not all(isinstance(c, str) for c in r.get("checks")):
            errors.append("run.checks is not a list of strings: %r" % (r.get("checks"),))
        _check_bpf(r.get("bpf"), errors)
        # `vigil attach` reports on a process that may outlive the report.
        if not (r.get("attach") and r.get("exit") is None):
            _check_exit("run", r.get("exit"), errors)
    procs = rep.get("processes")
    if not isinstance(procs, list):
        errors.append("processes is not a list")
    else:
        for i, p in enumerate(procs):
            w = "processes[%d]" % i
            if not isinstance(p, dict):
                errors.append("%s is not an object" % w)
                continue
            for k in ("pid", "ppid"):
                if not _is_int(p.get(k)):
                    errors.append("%s.%s is not an integer: %r" % (w, k, p.get(k)))
            if not isinstance(p.get("exe"), str):
                errors.append("%s.exe is not a string: %r" % (w, p.get("exe")))
            if not isinstance(p.get("argv"), list):
                errors.append("%s.argv is not a list: %r" % (w, p.get("argv")))
            _check_exit(w, p.get("exit"), errors, process=True)
    findings = rep.get("findings")
    if not isinstance(findings, list):
        errors.append("findings is not a list")
    else:
        for i, f in enumerate(findings):
            _check_finding(i, f, errors)
        ids = [f.get("id") for f in findings if isinstance(f, dict)]
        dups = sorted({i for i in ids if ids.count(i) > 1 and isinstance(i, str)})
        if dups:
            errors.append("finding ids not deduplicated: %s" % ", ".join(dups))
    if not isinstance(rep.get("stats"), dict):
        errors.append("stats is not an object")
    return errors


def exit_matches(rep, rc):
    """run.exit must describe the status vigil returned (no --error-exitcode here)."""
    e = (rep.get("run") or {}).get("exit") if isinstance(rep, dict) else None
    if not isinstance(e, dict):
        return False
    if _is_int(e.get("signal")):
        return 128 + e["signal"] == rc
    return e.get("code") == rc


def load_report(outdir):
    """(report dict or None, report.txt text or None, list of problems)."""
    problems = []
    rep = txt = None
    jp = os.path.join(outdir, "report.json")
    tp = os.path.join(outdir, "report.txt")
    try:
        with open(jp, encoding="utf-8") as f:
            rep = json.load(f)
    except FileNotFoundError:
        problems.append("report.json not written")
    except (ValueError, UnicodeDecodeError) as e:
        problems.append("report.json is not valid JSON: %s" % e)
    if rep is not None:
        problems += validate_report(rep)
    try:
        with open(tp, encoding="utf-8", errors="replace") as f:
            txt = f.read()
        if not txt.strip():
            problems.append("report.txt is empty")
    except FileNotFoundError:
        problems.append("report.txt not written")
    return rep, txt, problems


def tail(b, n=6):
    lines = b.decode("utf-8", "replace").rstrip("\n").splitlines()
    return " | ".join(lines[-n:])
