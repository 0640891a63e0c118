#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Golden reports: a few tests/cases programs run under `vigil run --no-bpf` (the same
report as root or not), their reports masked (pids, tids, addresses, times, the
checkout's path, frames inside system libraries, whose symbols depend on installed
debug info) and compared with tests/golden/CASE.EXT. `golden.py --update` rewrites the
golden files from this machine's runs (review the diff before committing it).

Each format is one entry of FORMATS: EXT -> function(outdir) returning the text to
compare, already masked. report.txt is rendered without colors, as `vigil run` writes
it; report.json and report.sarif are masked as JSON documents (see _Masker). Runs
start in the checkout, the SARIF source root."""

import difflib
import json
import os
import re
import shutil
import sys
import tempfile

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import vtest  # noqa: E402

GOLDEN = os.path.join(vtest.ROOT, "tests", "golden")
CASES_BIN = os.path.join(vtest.ROOT, "build", "tests", "cases")

# case -> (vigil run options, VIGIL_OPTIONS). Cases whose reports do not depend on
# scheduling: one thread finds everything, in program order.
CASES = {
    "leak_indirect": ([], None),       # two errors: a direct and an indirect leak
    "double_free": ([], "guard_rate=0"),  # an error with three stacks (free, first free, allocation)
    "fd_leak": ([], None),              # a warning, its stack and explanation
    # Two threads, four stacks; the main thread's edge always comes first (it locks
    # before the worker exists), so the cycle is written the same way every run.
    "lock_order_inversion": ([], None),
}

_SYS_FRAME = re.compile(r"^(    #\d+) 0x[0-9a-f]+ .*\((?:/usr)?/lib(?:64)?/[^)]*\)( \[inlined\])?$")
_TXT_MASKS = [
    (re.compile(r"==\d+=="), "==PID=="),
    (re.compile(r"\bprocess(es)? \d+(, \d+)*"), r"process\1 PID"),
    (re.compile(r"\(parent \d+\)"), "(parent PID)"),
    (re.compile(r"\bthread \d+"), "thread TID"),
    (re.compile(r"\b0x[0-9a-f]+\b"), "0xADDR"),
    (re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"), "TIME"),
]


def mask_txt(text, outdir):
    lines = []
    for line in text.replace(vtest.ROOT, "ROOT").replace(outdir, "OUT").splitlines():
        m = _SYS_FRAME.match(line)
        if m:
            line = m.group(1) + " (system library frame)"
        for rx, rep in _TXT_MASKS:
            line = rx.sub(rep, line)
        lines.append(line)
    return "\n".join(lines) + "\n"


def render_txt(outdir):
    with open(os.path.join(outdir, "report.txt"), encoding="utf-8") as f:
        return mask_txt(f.read(), outdir)


# report.json and report.sarif are masked as documents, not as text: pids, tids and
# addresses by key, ids renumbered in order of appearance (they hash the top frames,
# system ones included), every number under a "stats" key (timings, memory, the
# descriptors the environment left open), time series whole, frames of modules outside the checkout
# dropped (how many there are depends on installed debug info: inlined frames), and
# in every string the checkout, OUT, times and "thread N"/"process N".
_STR_MASKS = _TXT_MASKS[1:] + [(re.compile(r"\.\d+(\.\d+)?\.log$"), ".PID.log")]
_MASK_KEYS = {"pid": "PID", "ppid": "PID", "tid": "TID", "pc": "ADDR", "offset": "ADDR",
              "started": "TIME", "ended": "TIME"}


class _Masker:
    def __init__(self, outdir):
        self.outdir = outdir
        self.ids = {}

    def id(self, value):
        return self.ids.setdefault(value, "ID%d" % (len(self.ids) + 1))

    def string(self, s):
        s = s.replace(vtest.ROOT, "ROOT").replace(self.outdir, "OUT")
        for rx, rep in _STR_MASKS:
            s = rx.sub(rep, s)
        return s

    def own_module(self, module):
        return isinstance(module, str) and module.startswith(vtest.ROOT + "/")

    def value(self, v, key=None):
        if key in _MASK_KEYS and v is not None:
            return _MASK_KEYS[key]
        if key == "pids" and isinstance(v, list):
            return ["PID"] * len(v)
        if key == "stats":
            return self.numbers(v)
        if key in ("series", "curve") and isinstance(v, list):
            return "SAMPLES"
        if key in ("id", "fingerprint", "vigil/v2") and isinstance(v, str) and re.fullmatch(r"[0-9a-f]{16}", v):
            return self.id(v)
        if key == "frames" and isinstance(v, list):
            v = [f for f in v if self.own_module(f.get("module"))]
        if key == "locations" and isinstance(v, list) and v and "nestingLevel" in v[0]:
            v = [t for t in v if self.own_module(t.get("module"))]
            for level, t in enumerate(v):
                t["nestingLevel"] = level
        if isinstance(v, dict):
            return {k: self.value(x, k) for k, x in v.items()}
        if isinstance(v, list):
            return [self.value(x) for x in v]
        if isinstance(v, str):
            return "ADDR" if re.fullmatch(r"0x[0-9a-f]+", v) else self.string(v)
        return v

    def numbers(self, v):
        if isinstance(v, dict):
            return {k: self.numbers(x) for k, x in v.items()}
        if isinstance(v, list):
            return [self.numbers(x) for x in v]
        return "N" if isinstance(v, (int, float)) and not isinstance(v, bool) else v


def render_doc(name):
    def render(outdir):
        with open(os.path.join(outdir, name), encoding="utf-8") as f:
            doc = json.load(f)
        return json.dumps(_Masker(outdir).value(doc), indent=2, ensure_ascii=False) + "\n"
    return render


FORMATS = {
    "txt": render_txt,
    "json": render_doc("report.json"),
    "sarif": render_doc("report.sarif"),
}


def run_case(tmp, case):
    args, options = CASES[case]
    out = os.path.join(tmp, case)
    env = vtest.clean_env({"VIGIL_OPTIONS": options} if options else None)
    r = vtest.run([vtest.VIGIL, "run", "--no-bpf", "-o", out] + args +
                  ["--", os.path.join(CASES_BIN, case)], env=env, cwd=vtest.ROOT)
    if r.timed_out or not os.path.exists(os.path.join(out, "report.json")):
        return None, "vigil run failed (rc %d): %s" % (r.rc, vtest.tail(r.err))
    return out, None


def main(argv):
    update = "--update" in argv
    wanted = [a for a in argv if not a.startswith("-")] or sorted(CASES)
    failed = passed = 0
    tmp = tempfile.mkdtemp(prefix="vigil-golden-")
    try:
        for case in wanted:
            out, err = run_case(tmp, case)
            for ext, render in sorted(FORMATS.items()):
                label = "%s.%s" % (case, ext)
                path = os.path.join(GOLDEN, label)
                if err:
                    print("FAIL golden %s: %s" % (label, err))
                    failed += 1
                    continue
                got = render(out)
                if update:
                    with open(path, "w", encoding="utf-8") as f:
                        f.write(got)
                    print("updated %s" % os.path.relpath(path, vtest.ROOT))
                    continue
                try:
                    with open(path, encoding="utf-8") as f:
                        want = f.read()
                except FileNotFoundError:
                    print("FAIL golden %s: %s missing (golden.py --update writes it)"
                          % (label, os.path.relpath(path, vtest.ROOT)))
                    failed += 1
                    continue
                if got == want:
                    passed += 1
                    continue
                failed += 1
                print("FAIL golden %s: differs from %s" % (label, os.path.relpath(path, vtest.ROOT)))
                sys.stdout.writelines(difflib.unified_diff(
                    want.splitlines(True), got.splitlines(True), "golden/" + label,
                    "this run", n=2))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    if not update:
        print("golden: %d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
