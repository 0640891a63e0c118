# SPDX-License-Identifier: MIT
"""Runs every tests/cases program under `vigil run` and checks report.json against
the expectations stated in the program's header. Ends with a self-check proving the
checker rejects wrong expectations, so a broken checker cannot pass everything.

Header syntax (one per line, anywhere in the source):
  // expect: KIND [CONSTRAINT...]       some finding of KIND satisfies every constraint
  // expect-none: KIND|* [CONSTRAINT...] no finding of KIND (any kind: *) satisfies them
  // expect-pipe-site: KIND [CONSTRAINT...]
                                        some entry of stats.pipe_sites of KIND (epipe:
                                        writes that failed with EPIPE; sigpipe: deaths
                                        by SIGPIPE) satisfies every constraint (function,
                                        line, file, count, pids-*: as for findings, on
                                        the entry's frames)
  // expect-no-pipe-site: KIND|* [CONSTRAINT...]
                                        no such entry
  // expect-exit: N                     exit status of `vigil run` (default 0)
  // expect-stdout: TEXT                the program's stdout contains the line TEXT
  // expect-process: NAME code=N|signal=N|exec
                                        the process NAME ended so (processes[].exit of
                                        its last image); exec: it has several images
                                        and exec replaced all but the last
  // expect-report: PATH OP VALUE       a value of report.json, by a dotted path where
                                        a number indexes a list: run.config.mode=canary,
                                        stats.allocs>=1000, processes.1.argv.0=x
  // kill-after: KIND [TIMEOUT_S]       for a program that hangs on purpose: while
                                        `vigil run` runs, watch the raw logs (OUT/raw/*.log)
                                        for a finding of KIND, then SIGKILL the process
                                        that wrote it and let `vigil run` render the
                                        report (expect-exit: 137 then). No such finding
                                        within TIMEOUT_S seconds (default 10) fails the
                                        case and kills everything
  // needs: bpf                        the case tests what only the kernel's view sees:
                                        a run where BPF did not run (run.bpf.ran false)
                                        is skipped, saying why, or fails when
                                        VIGIL_REQUIRE_BPF is set (not empty, not 0)
  // vigil-args: ARG...                 options for `vigil run` (before the `--`)
  // vigil-env: NAME=VALUE              set in the environment of `vigil run`
  // variant: VNAME [ARG...] [NAME=VALUE...]
                                        run the case once more as CASE[VNAME], with
                                        these `vigil run` options added to the
                                        vigil-args ones and these variables set (a
                                        variable also in vigil-env takes this value)
CONSTRAINT is KEY OP VALUE with OP one of = != > >= < <= ~ (~: a regular expression
the whole text must match; for details and expect-report only); a value with spaces
or backslashes is quoted, shell-style: details.where="a stack". A boolean of
report.json compares with = and != against true or false.
  function, line, file  the top-most frame of the selected stack that lies in the
                        case's own source file, or in the file named by file= (a
                        plugin's source, say); C++ names match up to the '('
  role                  selects the stack by role (default: the finding's first stack)
  stack                 N: selects the N-th stack (0-based) of that role, or of all
                        the finding's stacks without role (a cycle's second edge:
                        role=acquire stack=1)
  severity, count       the finding's fields
  details.NAME          a key of the finding's details (a missing key never matches;
                        a text value that reads as a number, "0x1f" or "123", is one)
  pids-include, pids-exclude
                        NAME refers to a "vigil-case: NAME=PID" line the program prints
Each run also checks that run.config in report.json shows what its --mode, --on-error
and VIGIL_OPTIONS (sample_bytes, guard_rate, quarantine_mb) asked for, so a variant
whose setting is lost cannot pass by testing the defaults.
Every directive applies to the plain run (variant "base") and to every variant. One
written as expect[V1,V2]: (expect-exit[abort]: ...) applies to the named variants
only; a scoped expect-exit or kill-after wins over an unscoped one. `run_cases.py
CASE` runs the case and its variants, `run_cases.py 'CASE[VNAME]'` one of them.
kill-after reads the finding kinds' raw-log values from include/vigil/finding.h and
event.h, so it follows the enums; the self-check runs one whose finding never comes.
"""

import glob
import os
import re
import shlex
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import vtest  # noqa: E402

CASES_SRC = os.path.join(vtest.ROOT, "tests", "cases")
CASES_BIN = os.path.join(vtest.ROOT, "build", "tests", "cases")

_DIRECTIVE = re.compile(r"^\s*//\s*(expect|expect-none|expect-exit|expect-stdout|"
                        r"expect-process|expect-report|expect-pipe-site|"
                        r"expect-no-pipe-site|kill-after|needs|vigil-args|vigil-env|variant)"
                        r"(?:\[([\w,-]+)\])?:\s*(.*?)\s*$")
_CONSTRAINT = re.compile(r"^([A-Za-z_][\w.-]*)(>=|<=|!=|=|>|<|~)(.+)$")
_CASE_VAR = re.compile(r"^vigil-case: (\w+)=(\S+)$")
_ENV_WORD = re.compile(r"^([A-Z_][A-Z0-9_]*)=(.*)$")
_VARIANT_NAME = re.compile(r"^[\w-]+$")
BASE = "base"
NEEDS = ("bpf",)
KILL_AFTER_TIMEOUT = 10.0


def _finding_kind_values():
    """{kind name: enum vigil_finding_kind value}, from include/vigil/finding.h (and
    the raw record kind of a finding from event.h), so the watch follows the enums."""
    inc = os.path.join(vtest.ROOT, "include", "vigil")
    with open(os.path.join(inc, "finding.h"), encoding="utf-8") as f:
        fh = f.read()
    with open(os.path.join(inc, "event.h"), encoding="utf-8") as f:
        eh = f.read()
    enums = {}
    for text, name in ((fh, "vigil_finding_kind"), (eh, "vigil_rec_kind")):
        body = re.search(r"enum\s+%s\s*\{(.*?)\};" % name, text, re.S).group(1)
        body = re.sub(r"/\*.*?\*/|//[^\n]*", "", body, flags=re.S)
        val = -1
        for item in body.split(","):
            m = re.fullmatch(r"\s*(\w+)\s*(?:=\s*(\w+))?\s*", item)
            if not m:
                continue
            val = int(m.group(2), 0) if m.group(2) else val + 1
            enums[m.group(1)] = val
    names = {kind: enums[const] for const, kind in
             re.findall(r"\[(VIGIL_FK_\w+)\]\s*=\s*\"([\w-]+)\"", fh)}
    if not names or "VIGIL_REC_FINDING" not in enums:
        raise SpecError("cannot read the finding kinds from %s" % inc)
    return names, enums["VIGIL_REC_FINDING"], enums.get("VIGIL_REC_PROCESS")


_KINDS = None


def finding_kinds():
    global _KINDS
    if _KINDS is None:
        _KINDS = _finding_kind_values()
    return _KINDS


class SpecError(Exception):
    pass


def _words(text):
    try:
        return shlex.split(text)
    except ValueError as e:
        raise SpecError("cannot split %r: %s" % (text, e))


def parse_constraints(kind, words):
    cons = []
    for w in words:
        m = _CONSTRAINT.match(w)
        if not m:
            raise SpecError("bad constraint %r" % w)
        key, op, val = m.groups()
        if key in ("pids-include", "pids-exclude", "function", "file", "role",
                   "severity", "stack") and op != "=":
            raise SpecError("%s takes '=' only: %r" % (key, w))
        if key not in ("function", "line", "file", "role", "stack", "severity", "count",
                       "pids-include", "pids-exclude") and not key.startswith("details."):
            raise SpecError("unknown constraint key %r" % key)
        if key == "stack" and not re.fullmatch(r"\d+", val):
            raise SpecError("stack takes a stack index: %r" % w)
        if op == "~" and not key.startswith("details."):
            raise SpecError("%s cannot take '~': %r" % (key, w))
        _check_regex(op, val)
        cons.append((key, op, val))
    return {"kind": kind, "constraints": cons, "text": " ".join([kind] + words)}


PIPE_SITE_KINDS = ("epipe", "sigpipe")
_PIPE_SITE_KEYS = ("function", "line", "file", "count", "pids-include", "pids-exclude")


def parse_pipe_site(words, none):
    """An expectation on stats.pipe_sites, in the form of a finding's."""
    kinds = PIPE_SITE_KINDS + (("*",) if none else ())
    if not words or words[0] not in kinds:
        raise SpecError("bad pipe site %r (KIND: %s)" % (" ".join(words), ", ".join(kinds)))
    e = parse_constraints(words[0], words[1:])
    bad = [k for k, _, _ in e["constraints"] if k not in _PIPE_SITE_KEYS]
    if bad:
        raise SpecError("a pipe site has no %s" % bad[0])
    e["text"] = " ".join(words)
    return e


def pipe_sites(rep):
    """stats.pipe_sites of report.json, each as a finding with one stack."""
    stats = rep.get("stats") if isinstance(rep, dict) else None
    sites = stats.get("pipe_sites") if isinstance(stats, dict) else None
    return [{"kind": s.get("kind"), "count": s.get("count"), "pids": s.get("pids"),
             "stacks": [{"frames": s.get("frames") or []}]}
            for s in sites or [] if isinstance(s, dict)]


def _check_regex(op, val):
    if op == "~":
        try:
            re.compile(val)
        except re.error as e:
            raise SpecError("bad regular expression %r: %s" % (val, e))


def read_directives(path):
    """[(what, scope or None, rest)] in file order; scope is a set of variant names."""
    out = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            m = _DIRECTIVE.match(line)
            if m:
                what, scope, rest = m.groups()
                out.append((what, set(scope.split(",")) if scope else None, rest))
    return out


def parse_variants(directives):
    """[(name, vigil-run options, env)]: the plain run first, then each variant."""
    args, env, extra = [], {}, []
    for what, scope, rest in directives:
        if what in ("vigil-args", "vigil-env", "variant") and scope is not None:
            raise SpecError("%s cannot be scoped to variants" % what)
        if what == "vigil-args":
            args += _words(rest)
        elif what == "vigil-env":
            m = _ENV_WORD.match(rest)
            if not m:
                raise SpecError("bad vigil-env %r (NAME=VALUE)" % rest)
            env[m.group(1)] = m.group(2)
        elif what == "variant":
            words = _words(rest)
            if not words or not _VARIANT_NAME.match(words[0]) or words[0] == BASE:
                raise SpecError("bad variant %r" % rest)
            vargs, venv = [], {}
            for w in words[1:]:
                m = _ENV_WORD.match(w)
                if m:
                    venv[m.group(1)] = m.group(2)
                else:
                    vargs.append(w)
            extra.append((words[0], vargs, venv))
    variants = [(BASE, args, env)]
    for name, vargs, venv in extra:
        if name in [v[0] for v in variants]:
            raise SpecError("variant %s defined twice" % name)
        variants.append((name, args + vargs, dict(env, **venv)))
    names = {v[0] for v in variants}
    for what, scope, _ in directives:
        if scope and scope - names:
            raise SpecError("%s scoped to unknown variant %s"
                            % (what, ", ".join(sorted(scope - names))))
    return variants


def parse_spec(path, variant=BASE):
    """The expectations of one variant of the case in path."""
    spec = {"expect": [], "none": [], "exit": 0, "stdout": [], "process": [],
            "report": [], "pipe": [], "no_pipe": [], "kill_after": None, "needs": set(),
            "source": os.path.basename(path)}
    scoped_exit = scoped_kill = None
    for what, scope, rest in read_directives(path):
        if what in ("vigil-args", "vigil-env", "variant"):
            continue
        if scope is not None and variant not in scope:
            continue
        if what == "expect-exit":
            if not re.fullmatch(r"\d+", rest):
                raise SpecError("bad expect-exit %r" % rest)
            if scope is None:
                spec["exit"] = int(rest)
            else:
                scoped_exit = int(rest)
        elif what == "expect-stdout":
            spec["stdout"].append(rest)
        elif what == "needs":
            if rest not in NEEDS:
                raise SpecError("bad needs %r (one of: %s)" % (rest, ", ".join(NEEDS)))
            spec["needs"].add(rest)
        elif what == "kill-after":
            m = re.fullmatch(r"([\w-]+)(?:\s+(\d+(?:\.\d+)?))?", rest)
            if not m or m.group(1) not in finding_kinds()[0]:
                raise SpecError("bad kill-after %r (KIND [TIMEOUT_S])" % rest)
            kill = (m.group(1), float(m.group(2)) if m.group(2) else KILL_AFTER_TIMEOUT)
            if scope is None:
                spec["kill_after"] = kill
            else:
                scoped_kill = kill
        elif what == "expect-process":
            m = re.fullmatch(r"(\w+)\s+(?:(code|signal)=(\d+)|(exec))", rest)
            if not m:
                raise SpecError("bad expect-process %r" % rest)
            if m.group(4):
                spec["process"].append((m.group(1), "exec", True))
            else:
                spec["process"].append((m.group(1), m.group(2), int(m.group(3))))
        elif what == "expect-report":
            words = _words(rest)
            m = _CONSTRAINT.match(words[0]) if len(words) == 1 else None
            if not m:
                raise SpecError("bad expect-report %r" % rest)
            _check_regex(m.group(2), m.group(3))
            spec["report"].append(m.groups())
        elif what in ("expect-pipe-site", "expect-no-pipe-site"):
            e = parse_pipe_site(_words(rest), what == "expect-no-pipe-site")
            spec["pipe" if what == "expect-pipe-site" else "no_pipe"].append(e)
        else:
            words = _words(rest)
            if not words:
                raise SpecError("empty %s" % what)
            e = parse_constraints(words[0], words[1:])
            e["text"] = rest
            spec["expect" if what == "expect" else "none"].append(e)
    if scoped_exit is not None:
        spec["exit"] = scoped_exit
    if scoped_kill is not None:
        spec["kill_after"] = scoped_kill
    return spec


def _report_value(rep, path):
    v = rep
    for part in path.split("."):
        if isinstance(v, list) and re.fullmatch(r"\d+", part) and int(part) < len(v):
            v = v[int(part)]
        elif isinstance(v, dict) and part in v:
            v = v[part]
        else:
            return None
    return v


def value_matches(have, op, val):
    """A number compares as one (text that reads as a number too), a boolean as
    true or false, text with = and != or matches a regular expression with ~."""
    if op == "~":
        return isinstance(have, str) and re.fullmatch(val, have) is not None
    if isinstance(have, bool):
        return op in ("=", "!=") and (("true" if have else "false") == val) == (op == "=")
    if isinstance(have, str) and _num(have) is not None:
        have = _num(have)
    if isinstance(have, int) and not isinstance(have, bool):
        want = _num(val)
        return want is not None and _cmp(op, have, want)
    if isinstance(have, str) and op in ("=", "!="):
        return (have == val) == (op == "=")
    return False


def _cmp(op, have, want):
    return {"=": have == want, "!=": have != want, ">": have > want,
            ">=": have >= want, "<": have < want, "<=": have <= want}[op]


def _num(v):
    try:
        return int(v, 0)
    except ValueError:
        return None


def function_matches(have, want):
    """Exact, or a demangled C++ name with its parameter list; never a mangled one."""
    return isinstance(have, str) and (have == want or have.startswith(want + "("))


def select_stack(finding, role, nth=0):
    stacks = [st for st in finding.get("stacks") or []
              if role is None or st.get("role") == role]
    return stacks[nth] if nth < len(stacks) else None


def own_frame(stack, source):
    """The top-most frame of stack that lies in the source file named source."""
    for fr in (stack or {}).get("frames") or []:
        f = fr.get("file")
        if isinstance(f, str) and os.path.basename(f) == source:
            return fr
    return None


def finding_matches(f, e, source, case_vars):
    """None when finding f satisfies expectation e, else why not."""
    if e["kind"] != "*" and f.get("kind") != e["kind"]:
        return "kind %s" % f.get("kind")
    role = next((v for k, _, v in e["constraints"] if k == "role"), None)
    nth = next((int(v) for k, _, v in e["constraints"] if k == "stack"), 0)
    which = "%s%s" % (role or "first", " #%d" % nth if nth else "")
    frame_keys = [c for c in e["constraints"] if c[0] in ("function", "line", "file")]
    frame = None
    if frame_keys:
        st = select_stack(f, role, nth)
        if st is None:
            return "no %s stack" % which
        where = next((v for k, _, v in frame_keys if k == "file"), source)
        frame = own_frame(st, where)
        if frame is None:
            return "no frame in %s in its %s stack" % (where, which)
    for key, op, val in e["constraints"]:
        if key in ("role", "stack", "file"):  # they chose the stack and the frame
            continue
        if key == "function":
            if not function_matches(frame.get("function"), val):
                return "function %r" % frame.get("function")
        elif key == "line":
            want = _num(val)
            have = frame.get("line")
            if want is None or not isinstance(have, int) or not _cmp(op, have, want):
                return "line %r" % have
        elif key == "severity":
            if f.get("severity") != val:
                return "severity %r" % f.get("severity")
        elif key == "count":
            want = _num(val)
            if want is None or not isinstance(f.get("count"), int) or \
                    not _cmp(op, f["count"], want):
                return "count %r" % f.get("count")
        elif key.startswith("details."):
            name = key[len("details."):]
            have = (f.get("details") or {}).get(name)
            if not value_matches(have, op, val):
                return "details.%s %r" % (name, have)
        elif key in ("pids-include", "pids-exclude"):
            pid = _num(case_vars.get(val, ""))
            if pid is None:
                return "program printed no 'vigil-case: %s=PID'" % val
            inside = pid in (f.get("pids") or [])
            if inside != (key == "pids-include"):
                return "pids %r (%s=%d)" % (f.get("pids"), val, pid)
    return None


def describe(f, source):
    st = select_stack(f, None)
    fr = own_frame(st, source)
    where = "%s:%s" % (fr.get("function"), fr.get("line")) if fr else "no frame in " + source
    if fr is None and st:
        top = [("%s@%s:%s" % (x.get("function"), os.path.basename(x.get("file") or "?"),
                              x.get("line"))) for x in (st.get("frames") or [])[:4]]
        where += " [top: %s]" % ", ".join(top)
    return "%s at %s details=%s pids=%s" % (f.get("kind"), where, f.get("details"),
                                           f.get("pids"))


def check_outcome(spec, o):
    """List of reasons the outcome o of one run does not meet spec (empty: pass).
    o: rc, stdout (str), report (dict|None), report_txt (str|None), problems (list),
    outdir, stderr (str)."""
    reasons = list(o["problems"])
    if o.get("kill_failed"):
        reasons.append(o["kill_failed"])
    if o.get("timed_out"):
        reasons.append("timed out after %ds" % vtest.TIMEOUT)
    if o["rc"] != spec["exit"]:
        reasons.append("exit status %d, expected %d" % (o["rc"], spec["exit"]))
    out_lines = o["stdout"].splitlines()
    for want in spec["stdout"]:
        if want not in out_lines:
            reasons.append("stdout lacks line %r (has %s)"
                           % (want, " | ".join(out_lines[-4:]) or "nothing"))
    case_vars = {}
    for line in out_lines:
        m = _CASE_VAR.match(line)
        if m:
            case_vars[m.group(1)] = m.group(2)
    rep = o["report"]
    if not isinstance(rep, dict):
        return reasons
    if not vtest.exit_matches(rep, o["rc"]):
        reasons.append("run.exit %r does not match exit status %d"
                       % ((rep.get("run") or {}).get("exit"), o["rc"]))
    if not rep.get("processes"):
        reasons.append("no processes in report.json (was the preload loaded?)")
    findings = [f for f in rep.get("findings") or [] if isinstance(f, dict)]
    source = spec["source"]
    for e in spec["expect"]:
        why = [finding_matches(f, e, source, case_vars) for f in findings]
        if None not in why:
            same = [describe(f, source) for f in findings if e["kind"] in ("*", f.get("kind"))]
            reasons.append("no finding matches '%s'; %s" % (
                e["text"], "candidates: " + "; ".join(same) if same else
                "no %s finding at all" % e["kind"]))
            continue
        for k, _, v in e["constraints"]:
            if k == "function" and o["report_txt"] is not None and v not in o["report_txt"]:
                reasons.append("report.txt does not name %s" % v)
            if k == "pids-include":
                pid = _num(case_vars.get(v, ""))
                if pid not in [p.get("pid") for p in rep.get("processes") or []]:
                    reasons.append("process %s=%s missing from processes" % (v, pid))
    for name, how, val in spec.get("process", []):
        pid = _num(case_vars.get(name, ""))
        # The last entry of a pid is its final image (earlier ones were exec'd away).
        ends = [p.get("exit") for p in rep.get("processes") or [] if p.get("pid") == pid]
        if pid is None:
            reasons.append("program printed no 'vigil-case: %s=PID'" % name)
        elif how == "exec":
            if len(ends) < 2 or any(e != {"exec": True} for e in ends[:-1]):
                reasons.append("process %s=%d images end %r, expected each but the last "
                               "replaced by exec" % (name, pid, ends))
        elif not ends or ends[-1] != {how: val}:
            reasons.append("process %s=%d exit %r, expected %r"
                           % (name, pid, ends[-1] if ends else "(absent)", {how: val}))
    for path, op, val in spec.get("report", []):
        have = _report_value(rep, path)
        if not value_matches(have, op, val):
            reasons.append("report.json %s is %r, expected %s%s" % (path, have, op, val))
    for e in spec["none"]:
        bad = [f for f in findings if finding_matches(f, e, source, case_vars) is None]
        if bad:
            reasons.append("unexpected finding for 'none: %s': %s"
                           % (e["text"], "; ".join(describe(f, source) for f in bad[:3])))
    sites = pipe_sites(rep)
    for e in spec.get("pipe", []):
        if None not in [finding_matches(s, e, source, case_vars) for s in sites]:
            reasons.append("no pipe site matches '%s'; %s" % (
                e["text"], "pipe sites: " + "; ".join(describe(s, source) for s in sites)
                if sites else "stats.pipe_sites is empty or absent"))
    for e in spec.get("no_pipe", []):
        bad = [s for s in sites if finding_matches(s, e, source, case_vars) is None]
        if bad:
            reasons.append("unexpected pipe site for 'no-pipe-site: %s': %s"
                           % (e["text"], "; ".join(describe(s, source) for s in bad[:3])))
    if o["outdir"] not in o["stderr"]:
        reasons.append("stderr summary does not name the report dir %s" % o["outdir"])
    return reasons


def require_bpf(env):
    """VIGIL_REQUIRE_BPF as `vigil run` reads it: set, not empty and not 0."""
    v = env.get("VIGIL_REQUIRE_BPF")
    return bool(v) and v != "0"


def unmet_needs(spec, o, env):
    """(None, None) when the run had what the case needs; else ("skip" or "fail",
    why). Only a report that says BPF did not run counts: without a report the
    case fails on its own."""
    bpf = (o["report"].get("run") or {}).get("bpf") if isinstance(o["report"], dict) \
        else None
    if "bpf" not in spec.get("needs", ()) or not isinstance(bpf, dict) or bpf.get("ran"):
        return None, None
    why = "needs BPF, which did not run (%s)" % (bpf.get("reason") or "no reason given")
    if require_bpf(env):
        return "fail", why + " and VIGIL_REQUIRE_BPF is set"
    return "skip", why + "; VIGIL_REQUIRE_BPF=1 makes this a failure"


def config_expectations(args, env):
    """report.json values that must reflect the options of a run."""
    out = []
    for flag, key in (("--mode", "mode"), ("--on-error", "on_error")):
        if flag in args[:-1]:
            out.append(("run.config." + key, "=", args[args.index(flag) + 1]))
    for item in (env or {}).get("VIGIL_OPTIONS", "").split(":"):
        k, _, v = item.partition("=")
        if k in ("sample_bytes", "guard_rate"):
            out.append(("run.config." + k, "=", v))
        elif k == "quarantine_mb" and _num(v) is not None:
            out.append(("run.config.quarantine_bytes", "=", str(_num(v) << 20)))
    return out


# struct vigil_rec_hdr (include/vigil/event.h): kind, flags, size, tid, pad, ts_ns.
_REC_HDR = struct.Struct("<HHIIIQ")
_REC_ALIGN = 8


class LogWatch:
    """Follows the raw logs of a run (OUT/raw/*.log) as they grow, reading only whole
    records, and tells which process wrote a finding of one kind."""

    def __init__(self, outdir, kind):
        names, self.rec_finding, self.rec_process = finding_kinds()
        self.fkind = names[kind]
        self.raw = os.path.join(outdir, "raw")
        self.pos = {}   # log path -> offset of its first unread record
        self.pids = {}  # log path -> pid of its PROCESS record

    def _pid(self, path):
        if path in self.pids:
            return self.pids[path]
        m = re.search(r"\.(\d+)\.log$", path)  # <exe>.<pid>.log
        return int(m.group(1)) if m else None

    def poll(self):
        """The pid that wrote a finding of the kind, or None (not yet)."""
        for path in sorted(glob.glob(os.path.join(self.raw, "*.log"))):
            start = self.pos.get(path, 0)
            try:
                with open(path, "rb") as f:
                    f.seek(start)
                    data = f.read()
            except OSError:
                continue
            off = 0
            while off + _REC_HDR.size <= len(data):
                kind, _, size = _REC_HDR.unpack_from(data, off)[:3]
                if size < _REC_HDR.size or size % _REC_ALIGN or off + size > len(data):
                    break  # the rest is still being written
                body = off + _REC_HDR.size
                if kind == self.rec_process and size >= _REC_HDR.size + 4:
                    self.pids[path] = struct.unpack_from("<I", data, body)[0]
                elif kind == self.rec_finding and size >= _REC_HDR.size + 2 and \
                        struct.unpack_from("<H", data, body)[0] == self.fkind:
                    self.pos[path] = start + off + size
                    return self._pid(path)
                off += size
            self.pos[path] = start + off
        return None


def _spawn_and_kill(argv, env, cwd, outdir, kind, limit):
    """Runs `vigil run` argv in its own session; once a finding of kind is in the raw
    logs, SIGKILLs the process that wrote it and waits for vigil to render the report.
    Returns (vtest.Result, reason the kill could not be done or None, watch)."""
    out, err = tempfile.TemporaryFile(), tempfile.TemporaryFile()
    p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=out, stderr=err, env=env,
                         cwd=cwd, start_new_session=True, preexec_fn=vtest._no_core)
    watch = LogWatch(outdir, kind)
    deadline = time.monotonic() + limit
    why = None
    timed_out = False
    while True:
        ended = p.poll() is not None
        pid = watch.poll()
        if pid is not None:
            if not ended:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            break
        if ended:
            why = ("kill-after: vigil run ended (status %d) with no %s finding to kill on"
                   % (p.returncode, kind))
            break
        if time.monotonic() >= deadline:
            why = ("kill-after: no %s finding in the raw logs within %gs; killed the "
                   "program and vigil" % (kind, limit))
            try:
                os.killpg(p.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            break
        time.sleep(0.05)
    try:
        p.wait(timeout=vtest.TIMEOUT)
    except subprocess.TimeoutExpired:
        timed_out = True
        try:
            os.killpg(p.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        p.wait()
    out.seek(0)
    err.seek(0)
    rc = p.returncode if p.returncode >= 0 else 128 - p.returncode
    r = vtest.Result(rc, out.read(), err.read(), timed_out)
    out.close()
    err.close()
    return r, why, watch


def run_program(label, program, spec, keep, args=(), env=None):
    """Runs program under `vigil run` and checks the outcome against spec: (outcome,
    reasons it fails, empty when it passes). outcome["unmet"] says whether to skip
    the case instead (unmet_needs)."""
    tmp = tempfile.mkdtemp(prefix="vigil-case-%s-" % label)
    outdir = os.path.join(tmp, "out")
    argv = [vtest.VIGIL, "run", "-o", outdir] + list(args) + ["--"] + list(program)
    why = watch = None
    if spec.get("kill_after"):
        r, why, watch = _spawn_and_kill(argv, vtest.clean_env(env), tmp, outdir,
                                        *spec["kill_after"])
    else:
        r = vtest.run(argv, env=vtest.clean_env(env), cwd=tmp)
    rep, txt, problems = vtest.load_report(outdir)
    o = {"rc": r.rc, "stdout": r.out.decode("utf-8", "replace"),
         "stderr": r.err.decode("utf-8", "replace"), "report": rep, "report_txt": txt,
         "problems": problems, "outdir": outdir, "timed_out": r.timed_out,
         "kill_failed": why, "watch": watch}
    reasons = check_outcome(spec, o)
    o["unmet"] = unmet_needs(spec, o, os.environ)
    if o["unmet"][0] == "fail":
        reasons.insert(0, o["unmet"][1])
    if (not reasons or o["unmet"][0] == "skip") and not keep:
        shutil.rmtree(tmp, ignore_errors=True)
    else:
        o["kept"] = tmp
    return o, reasons


# A fabricated report the checker must judge correctly whatever vigil does today.
def _synthetic_outcome():
    frames = [
        {"pc": "0x10", "module": "/lib/libc.so.6", "offset": "0x10",
         "function": "helper_in_libc", "file": "libc.c", "line": 3},
        {"pc": "0x20", "module": "/x/prog", "offset": "0x20",
         "function": "make_it", "file": "/src/tests/cases/selfcheck.c", "line": 10},
        {"pc": "0x30", "module": "/x/prog", "offset": "0x30",
         "function": "main", "file": "/src/tests/cases/selfcheck.c", "line": 20},
    ]
    cxx = [{"pc": "0x40", "module": "/x/prog", "offset": "0x40",
            "function": "_ZN6Widget6createEi", "file": "selfcheck.c", "line": 30}]
    rep = {"schema": "vigil-report/1", "tool": {"name": "vigil", "version": "0"},
           "run": {"command": ["prog"], "started": "t", "ended": "t", "mode": "full",
                   "checks": ["heap"], "bpf": {"ran": False, "reason": "--no-bpf"},
                   "exit": {"code": 0}},
           "processes": [{"pid": 100, "ppid": 1, "exe": "/x/prog", "argv": ["prog"],
                          "exit": {"code": 0}, "log": "prog.100.log"},
                         {"pid": 101, "ppid": 100, "exe": "/x/prog", "argv": ["prog"],
                          "exit": {"exec": True}, "log": "prog.101.log"},
                         {"pid": 101, "ppid": 100, "exe": "/x/prog",
                          "argv": ["prog", "again"], "exit": {"code": 0},
                          "log": "prog.101.1.log"}],
           "findings": [
               {"id": "a", "kind": "leak", "severity": "error", "count": 1, "pids": [100],
                "message": "m", "details": {"direct_bytes": 64},
                "stacks": [{"role": "allocation", "tid": 100, "frames": frames}]},
               {"id": "b", "kind": "crash", "severity": "error", "count": 1,
                "pids": [100], "message": "m", "details": {"signal": 11},
                "stacks": [{"role": "crash", "tid": 100, "frames": cxx}]},
               {"id": "c", "kind": "double-free", "severity": "error", "count": 1,
                "pids": [100], "message": "m",
                "details": {"size": 32, "free_op": "operator delete",
                            "block_addr": "0x1000"},
                "stacks": [{"role": "free", "tid": 100, "frames": frames[2:]},
                           {"role": "allocation", "tid": 100, "frames": frames}]}],
           "stats": {"epipe_writes": 3,
                     "pipe_sites": [{"kind": "epipe", "count": 3, "pids": [100],
                                     "frames": frames}]}}
    return {"rc": 0, "stdout": "vigil-case: child=101\nvigil-case: parent=100\n",
            "stderr": "/out", "report": rep,
            "report_txt": "make_it main helper_in_libc",
            "problems": vtest.validate_report(rep),
            "outdir": "/out"}


def _spec(expect=(), none=(), exit_=0, stdout=(), process=(), report=(), pipe=(),
          no_pipe=()):
    spec = {"expect": [], "none": [], "exit": exit_, "stdout": list(stdout),
            "process": list(process), "source": "selfcheck.c",
            "report": [_CONSTRAINT.match(r).groups() for r in report],
            "pipe": [parse_pipe_site(_words(t), False) for t in pipe],
            "no_pipe": [parse_pipe_site(_words(t), True) for t in no_pipe]}
    for t in expect:
        w = _words(t)
        spec["expect"].append(parse_constraints(w[0], w[1:]))
    for t in none:
        w = _words(t)
        spec["none"].append(parse_constraints(w[0], w[1:]))
    return spec


_SCOPED_HEADER = """\
// vigil-args: --mode canary
// vigil-env: VIGIL_OPTIONS=guard_rate=0
// variant: abort --on-error abort VIGIL_OPTIONS=sample_bytes=1
// expect: leak line=3
// expect[abort]: crash
// expect-exit: 7
// expect-exit[abort]: 134
"""


def _check_variants():
    """Reasons the variant and scope parsing is wrong (empty: right)."""
    fd, path = tempfile.mkstemp(suffix=".c", prefix="vigil-selfcheck-")
    with os.fdopen(fd, "w") as f:
        f.write(_SCOPED_HEADER)
    try:
        variants = parse_variants(read_directives(path))
        base, abort = parse_spec(path), parse_spec(path, "abort")
    finally:
        os.unlink(path)
    want = [(BASE, ["--mode", "canary"], {"VIGIL_OPTIONS": "guard_rate=0"}),
            ("abort", ["--mode", "canary", "--on-error", "abort"],
             {"VIGIL_OPTIONS": "sample_bytes=1"})]
    reasons = []
    if variants != want:
        reasons.append("variants parsed as %r" % (variants,))
    if base["exit"] != 7 or abort["exit"] != 134:
        reasons.append("expect-exit: base %d abort %d" % (base["exit"], abort["exit"]))
    if [e["kind"] for e in base["expect"]] != ["leak"] or \
            [e["kind"] for e in abort["expect"]] != ["leak", "crash"]:
        reasons.append("scoped expect applied wrongly")
    cfg = config_expectations(["--mode", "canary", "--on-error", "abort"],
                              {"VIGIL_OPTIONS": "sample_bytes=1:quarantine_mb=2:redzone=32"})
    if cfg != [("run.config.mode", "=", "canary"), ("run.config.on_error", "=", "abort"),
               ("run.config.sample_bytes", "=", "1"),
               ("run.config.quarantine_bytes", "=", str(2 << 20))]:
        reasons.append("run.config expectations %r" % (cfg,))
    bad_headers = [(b, lambda p: parse_variants(read_directives(p))) for b in (
        "// expect[nosuch]: leak\n", "// variant: base --mode canary\n",
        "// vigil-env: lowercase=1\n")]
    bad_headers += [(b, parse_spec) for b in (
        "// expect: leak line~1[0-9]\n", "// expect: leak stack=x\n",
        "// expect-report: run.mode~(full\n", "// expect-process: child exec=1\n",
        "// kill-after: no-such-kind\n", "// kill-after: deadlock soon\n",
        "// needs: gpu\n", "// needs:\n",
        "// expect-pipe-site: crash\n", "// expect-pipe-site: *\n",
        "// expect-pipe-site: epipe role=call\n",
        "// expect-no-pipe-site: sigpipe details.x=1\n")]
    for bad, parse in bad_headers:
        fd, path = tempfile.mkstemp(suffix=".c", prefix="vigil-selfcheck-")
        with os.fdopen(fd, "w") as f:
            f.write(bad)
        try:
            parse(path)
            reasons.append("accepted %r" % bad.strip())
        except SpecError:
            pass
        finally:
            os.unlink(path)
    reasons += _check_kill_after_parsing()
    return reasons


_KILL_HEADER = """\
// variant: slow
// kill-after: deadlock
// kill-after[slow]: double-lock 2.5
"""


def _check_kill_after_parsing():
    """Reasons the kill-after directive or the raw-log watch is wrong (empty: right)."""
    reasons = []
    names, rec_finding, rec_process = finding_kinds()
    if set(names) != set(vtest.KIND_SEVERITY) or names.get("leak") != 1:
        reasons.append("finding kinds read from finding.h: %r" % sorted(names.items()))
    fd, path = tempfile.mkstemp(suffix=".c", prefix="vigil-selfcheck-")
    with os.fdopen(fd, "w") as f:
        f.write(_KILL_HEADER)
    try:
        base, slow = parse_spec(path)["kill_after"], parse_spec(path, "slow")["kill_after"]
    finally:
        os.unlink(path)
    if base != ("deadlock", KILL_AFTER_TIMEOUT) or slow != ("double-lock", 2.5):
        reasons.append("kill-after parsed as %r and %r[slow]" % (base, slow))
    # A log written in pieces: a finding of another kind, then the one watched for,
    # cut mid-record, then whole.
    tmp = tempfile.mkdtemp(prefix="vigil-selfcheck-")
    try:
        raw = os.path.join(tmp, "raw")
        os.mkdir(raw)

        def rec(kind, body):
            size = _REC_HDR.size + len(body)
            size += -size % _REC_ALIGN
            return (_REC_HDR.pack(kind, 0, size, 7, 0, 0) + body).ljust(size, b"\0")
        process = rec(rec_process, struct.pack("<II", 4242, 1))
        other = rec(rec_finding, struct.pack("<HBBBxxxQ", names["leak"], 2, 0, 0, 1))
        want = rec(rec_finding, struct.pack("<HBBBxxxQ", names["deadlock"], 2, 0, 0, 1))
        log = os.path.join(raw, "prog.99.log")
        watch = LogWatch(tmp, "deadlock")
        seen = []
        for piece in (process + other, want[:20], want[20:]):
            with open(log, "ab") as f:
                f.write(piece)
            seen.append(watch.poll())
        if seen != [None, None, 4242]:
            reasons.append("raw-log watch saw %r, expected [None, None, 4242]" % seen)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return reasons


def _check_needs(o):
    """Reasons a needs-bpf case is not skipped, or failed under VIGIL_REQUIRE_BPF, when
    BPF did not run, or is held back when it did (empty: right). o: the synthetic
    outcome, whose run.bpf says BPF did not run."""
    fd, path = tempfile.mkstemp(suffix=".c", prefix="vigil-selfcheck-")
    with os.fdopen(fd, "w") as f:
        f.write("// variant: nobpf --no-bpf\n// needs[base]: bpf\n")
    try:
        base, nobpf = parse_spec(path), parse_spec(path, "nobpf")
    finally:
        os.unlink(path)
    reasons = []
    if base["needs"] != {"bpf"} or nobpf["needs"]:
        reasons.append("parsed as %r and %r[nobpf]" % (base["needs"], nobpf["needs"]))
    ran = dict(o, report=dict(o["report"], run=dict(o["report"]["run"],
                                                    bpf={"ran": True, "probes": ["x"]})))
    for spec, out, env, want in (
            (base, o, {}, "skip"), (base, o, {"VIGIL_REQUIRE_BPF": "0"}, "skip"),
            (base, o, {"VIGIL_REQUIRE_BPF": "1"}, "fail"),
            (base, dict(o, report=None), {"VIGIL_REQUIRE_BPF": "1"}, None),
            (base, ran, {"VIGIL_REQUIRE_BPF": "1"}, None),
            (nobpf, o, {"VIGIL_REQUIRE_BPF": "1"}, None)):
        got = unmet_needs(spec, out, env)[0]
        if got != want:
            reasons.append("%s with run.bpf %r and %r: %r, expected %r" % (
                sorted(spec["needs"]), ((out["report"] or {}).get("run") or {}).get("bpf"),
                env, got, want))
    return reasons


def _process_gone(pid):
    """pid has exited (a zombie counts: it runs no more)."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0] in ("Z", "X")
    except (OSError, IndexError):
        return True


def _check_kill_after_live():
    """Reasons a kill-after run whose finding never comes is not failed and cleaned up
    within its timeout (empty: right)."""
    spec = _spec()
    spec["kill_after"] = ("deadlock", 1.0)
    t0 = time.monotonic()
    o, got = run_program("selfcheck", ["/bin/sleep", "60"], spec, False)
    took = time.monotonic() - t0
    reasons = []
    if not any("no deadlock finding" in r for r in got):
        reasons.append("a kill-after run with no finding was not failed: %r" % got)
    if took > 30:
        reasons.append("a kill-after run with no finding took %.0fs" % took)
    for pid in (o["watch"].pids.values() if o.get("watch") else ()):
        # SIGKILL is delivered at once but the exit takes a moment: allow 5 s.
        for _ in range(100):
            if _process_gone(pid):
                break
            time.sleep(0.05)
        else:
            reasons.append("the program (pid %d) outlived its failed kill-after" % pid)
    if o.get("kept"):
        shutil.rmtree(o["kept"], ignore_errors=True)
    return reasons


def self_check(live):
    """Returns (passed, failed) counts, printing one line each."""
    o = _synthetic_outcome()
    must_pass = [_spec(expect=["leak function=make_it line=10 details.direct_bytes>0"],
                       none=["leak function=main"],
                       report=["run.mode=full", "run.mode!=canary", "run.exit.code<1"]),
                 _spec(expect=['double-free function=main line=20 '
                               'details.free_op="operator delete" details.block_addr=4096',
                               "double-free role=allocation function=make_it line=10",
                               "double-free stack=1 function=make_it line=10",
                               "double-free role=free stack=0 line=20",
                               "double-free details.free_op~operator.*",
                               "leak file=libc.c function=helper_in_libc line=3"]),
                 _spec(process=[("child", "exec", True), ("child", "code", 0)],
                       report=["processes.1.log~prog[.][0-9]+[.]log",
                               "processes.2.log~prog[.]101[.]1[.]log",
                               "processes.1.exit.exec=true", "processes.2.argv.1=again"]),
                 _spec(pipe=["epipe function=make_it line=10 count=3 pids-include=parent"],
                       no_pipe=["sigpipe", "epipe count>3", "* function=main"])]
    must_fail = {
        "wrong line": _spec(expect=["leak function=make_it line=11"]),
        "wrong function": _spec(expect=["leak function=make_i line=10"]),
        "function of the case's file looked for in another file":
            _spec(expect=["leak file=libc.c function=make_it"]),
        "file absent from the stack": _spec(expect=["leak file=plugin.c"]),
        "caller frame instead of the top-most in-file frame":
            _spec(expect=["leak function=main line=20"]),
        "detail out of range": _spec(expect=["leak details.direct_bytes>64"]),
        "missing detail key": _spec(expect=["leak details.indirect_bytes>0"]),
        "kind present but expect-none": _spec(none=["leak"]),
        "any error present but expect-none": _spec(none=["* severity=error"]),
        "wrong exit status": _spec(exit_=139),
        "missing stdout line": _spec(stdout=["handler ran"]),
        "pid not in finding": _spec(expect=["leak pids-include=child"]),
        "wrong process exit": _spec(process=[("child", "code", 1)]),
        "exec expected of a process with one image":
            _spec(process=[("parent", "exec", True)]),
        "report list index out of range": _spec(report=["processes.3.log~.*"]),
        "report text does not match the expression":
            _spec(report=["processes.1.log~prog[.]101[.]1[.]log"]),
        "expression matching a prefix only": _spec(report=["processes.2.log~prog[.]101"]),
        "report boolean differs": _spec(report=["processes.1.exit.exec=false"]),
        "mangled C++ name": _spec(expect=["crash function=Widget::create line=30"]),
        "wrong text detail": _spec(expect=['double-free details.free_op="operator new"']),
        "text detail cut at a space": _spec(expect=["double-free details.free_op=operator"]),
        "text detail compared as a number": _spec(expect=["double-free details.free_op>0"]),
        "report value differs": _spec(report=["run.mode=canary"]),
        "report number out of range": _spec(report=["run.exit.code>0"]),
        "report path absent": _spec(report=["stats.allocs>=0"]),
        "hex detail out of range": _spec(expect=["double-free details.block_addr>4096"]),
        "line of the first stack checked in another role":
            _spec(expect=["double-free role=allocation line=20"]),
        "role absent from the finding": _spec(expect=["double-free role=access line=20"]),
        "line of the first stack checked in the second":
            _spec(expect=["double-free stack=1 line=20"]),
        "stack index past the stacks of a role":
            _spec(expect=["double-free role=allocation stack=1 line=10"]),
        "pipe site of another kind": _spec(pipe=["sigpipe"]),
        "pipe site at the wrong line": _spec(pipe=["epipe function=make_it line=11"]),
        "pipe site with the wrong count": _spec(pipe=["epipe count=4"]),
        "pipe site present but expect-no-pipe-site": _spec(no_pipe=["*"]),
    }
    passed = failed = 0
    for s in must_pass:
        r = check_outcome(s, o)
        if r:
            print("FAIL self-check: checker rejects a correct expectation: %s" % r[0])
            failed += 1
        else:
            passed += 1
    for what, s in must_fail.items():
        if check_outcome(s, o):
            passed += 1
        else:
            print("FAIL self-check: checker accepts a wrong expectation (%s)" % what)
            failed += 1
    for r in _check_variants():
        print("FAIL self-check: directive parsing: %s" % r)
        failed += 1
    for r in _check_kill_after_live():
        print("FAIL self-check: kill-after: %s" % r)
        failed += 1
    for r in _check_needs(o):
        print("FAIL self-check: needs: %s" % r)
        failed += 1
    bad = dict(o["report"], schema="vigil-report/2")
    if vtest.validate_report(bad):
        passed += 1
    else:
        print("FAIL self-check: validator accepts schema vigil-report/2")
        failed += 1
    # The same on a real report: mutate a passing case's expectations.
    if live is not None:
        spec, outcome = live
        for e in spec["expect"]:
            for i, (k, op, v) in enumerate(e["constraints"]):
                if k != "line":
                    continue
                wrong = dict(e, constraints=list(e["constraints"]))
                wrong["constraints"][i] = (k, op, str(int(v) + 1))
                wspec = dict(spec, expect=[wrong])
                if check_outcome(wspec, outcome):
                    passed += 1
                else:
                    print("FAIL self-check: live report accepted line=%d for %s"
                          % (int(v) + 1, e["text"]))
                    failed += 1
        if spec["exit"] == 0 and not check_outcome(dict(spec, exit=1), outcome):
            print("FAIL self-check: live report accepted a wrong exit status")
            failed += 1
    print("%s self-check: %d wrong expectations rejected, %d right ones accepted%s"
          % ("PASS" if not failed else "FAIL", passed - len(must_pass), len(must_pass),
             "" if live else " (no passing leak case for the live check)"))
    return failed == 0


def _select(argv, runs):
    """The (case, variant) pairs argv names: CASE (with its variants) or CASE[VNAME]."""
    out = []
    for a in argv:
        m = re.fullmatch(r"([\w-]+)(?:\[([\w-]+)\])?", a)
        hit = [r for r in runs if m and r[0] == m.group(1) and
               (m.group(2) is None or r[1] == m.group(2))]
        if not hit:
            raise SpecError("no such case: %s" % a)
        out += [r for r in hit if r not in out]
    return out


def main(argv):
    keep = os.environ.get("VIGIL_TEST_KEEP") == "1"
    names = sorted(os.path.splitext(f)[0] for f in os.listdir(CASES_SRC)
                   if f.endswith((".c", ".cc")))
    if not os.access(vtest.VIGIL, os.X_OK):
        print("run_cases: %s is not built" % vtest.VIGIL, file=sys.stderr)
        return 2
    npass = nfail = nskip = 0
    live = None
    runs = []  # (case, variant, source path, vigil-run options, env) or a header error
    for name in names:
        src = [f for f in (name + ".c", name + ".cc")
               if os.path.exists(os.path.join(CASES_SRC, f))][0]
        path = os.path.join(CASES_SRC, src)
        try:
            for vname, args, env in parse_variants(read_directives(path)):
                runs.append((name, vname, path, args, env))
        except SpecError as e:
            runs.append((name, BASE, path, None, str(e)))
    if argv:
        try:
            runs = _select(argv, runs)
        except SpecError as e:
            print("run_cases: %s" % e, file=sys.stderr)
            return 2
    for name, vname, path, args, env in runs:
        label = name if vname == BASE else "%s[%s]" % (name, vname)
        try:
            if args is None:
                raise SpecError(env)
            spec = parse_spec(path, vname)
        except SpecError as e:
            print("FAIL %s: bad expectation header: %s" % (label, e))
            nfail += 1
            continue
        if not os.access(os.path.join(CASES_BIN, name), os.X_OK):
            print("FAIL %s: %s not built (make cases)" % (label, name))
            nfail += 1
            continue
        spec["report"] = config_expectations(args, env) + spec["report"]
        o, reasons = run_program(name, [os.path.join(CASES_BIN, name)], spec, keep, args,
                                 env)
        if o["unmet"][0] == "skip":
            nskip += 1
            print("SKIP %s: %s" % (label, o["unmet"][1]))
            continue
        if reasons:
            nfail += 1
            print("FAIL %s: %s (kept %s; stderr: %s)"
                  % (label, "; ".join(reasons), o["kept"], vtest.tail(o["stderr"].encode())))
        else:
            npass += 1
            print("PASS %s" % label)
            if live is None and any(c[0] == "line" for e in spec["expect"]
                                    for c in e["constraints"]):
                live = (spec, o)
    if self_check(live):
        npass += 1
    else:
        nfail += 1
    print("cases: %d passed, %d failed%s"
          % (npass, nfail, ", %d skipped (see SKIP above)" % nskip if nskip else ""))
    return 1 if nfail else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
