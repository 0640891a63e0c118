#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""`vigil report --format html` in a real headless Chromium (scripts/deps.sh installs
it; missing, this test fails), driven over the DevTools protocol on a pipe
(--remote-debugging-pipe): no network, no CDP port. Pages: real runs of case programs
(a leak, a heap-growth site whose curve is charted), a report given time series in
processes[].series (charts), and one whose every string is hostile markup. Each page
must load with no console message, no exception, no request but its own file, and
no dialog; its script must finish (body data-ready); the DOM must show every finding's
kind and the top function, the charts when there are series and a note when not;
the kind filter must hide the other findings."""

import json
import os
import select
import shutil
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import vtest  # noqa: E402

CASES = os.path.join(vtest.ROOT, "build", "tests", "cases")
CDP_TIMEOUT = 30.0
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage", "--remote-debugging-pipe"]


class CDPError(Exception):
    pass


class Browser:
    """Chromium with the DevTools protocol on fds 3 (commands in) and 4 (replies and
    events out), messages separated by NUL bytes."""

    def __init__(self, exe, profile):
        cmd_r, self.cmd_w = os.pipe()
        self.ev_r, ev_w = os.pipe()

        def child_fds():
            # Out of the way first, so that placing one cannot close the other.
            a, b = os.dup(cmd_r), os.dup(ev_w)
            os.dup2(a, 3)
            os.dup2(b, 4)

        self.log = tempfile.TemporaryFile()
        self.proc = subprocess.Popen(
            [exe] + FLAGS + ["--user-data-dir=" + profile, "about:blank"],
            stdin=subprocess.DEVNULL, stdout=self.log, stderr=self.log,
            preexec_fn=child_fds, close_fds=False, start_new_session=True,
            env=vtest.clean_env())
        os.close(cmd_r)
        os.close(ev_w)
        self.buf = b""
        self.next_id = 0
        self.events = []

    def _read_message(self, deadline):
        while b"\0" not in self.buf:
            left = deadline - time.monotonic()
            if left <= 0:
                raise CDPError("no answer from Chromium within %.0f s" % CDP_TIMEOUT)
            ready, _, _ = select.select([self.ev_r], [], [], left)
            if ready:
                chunk = os.read(self.ev_r, 1 << 20)
                if not chunk:
                    raise CDPError("Chromium closed the DevTools pipe (exit %r): %s"
                                   % (self.proc.poll(), self.log_tail()))
                self.buf += chunk
        msg, self.buf = self.buf.split(b"\0", 1)
        return json.loads(msg)

    def call(self, method, params=None, session=None):
        self.next_id += 1
        msg = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        os.write(self.cmd_w, json.dumps(msg).encode() + b"\0")
        deadline = time.monotonic() + CDP_TIMEOUT
        while True:
            m = self._read_message(deadline)
            if m.get("id") == self.next_id:
                if "error" in m:
                    raise CDPError("%s: %s" % (method, m["error"]))
                return m.get("result", {})
            self.events.append(m)

    def wait_event(self, method, session):
        deadline = time.monotonic() + CDP_TIMEOUT
        for i, m in enumerate(self.events):
            if m.get("method") == method and m.get("sessionId") == session:
                return self.events.pop(i)
        while True:
            m = self._read_message(deadline)
            if m.get("method") == method and m.get("sessionId") == session:
                return m
            self.events.append(m)

    def log_tail(self):
        self.log.seek(0)
        return vtest.tail(self.log.read())

    def close(self):
        try:
            self.call("Browser.close")
        except (CDPError, OSError):
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, 9)
            self.proc.wait()
        os.close(self.cmd_w)
        os.close(self.ev_r)
        self.log.close()


class Page:
    def __init__(self, browser, path):
        self.b = browser
        target = browser.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.target = target
        self.s = browser.call("Target.attachToTarget",
                              {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Runtime", "Log", "Network", "Page"):
            browser.call(domain + ".enable", session=self.s)
        self.url = "file://" + os.path.abspath(path)
        browser.call("Page.navigate", {"url": self.url}, session=self.s)
        browser.wait_event("Page.loadEventFired", self.s)

    def eval(self, expr):
        r = self.b.call("Runtime.evaluate", {"expression": expr, "returnByValue": True},
                        session=self.s)
        if "exceptionDetails" in r:
            raise CDPError("%s: %s" % (expr, r["exceptionDetails"].get("text")))
        return r["result"].get("value")

    def problems(self):
        """Console messages, exceptions, log errors, dialogs, requests elsewhere."""
        self.eval("1")  # a round trip: events the load caused have arrived
        out = []
        for m in self.b.events:
            if m.get("sessionId") != self.s:
                continue
            meth, p = m.get("method"), m.get("params", {})
            if meth == "Runtime.consoleAPICalled":
                out.append("console.%s: %s" % (p.get("type"), " ".join(
                    str(a.get("value", a.get("description"))) for a in p.get("args", []))))
            elif meth == "Runtime.exceptionThrown":
                d = p.get("exceptionDetails", {})
                out.append("exception: %s %s" % (d.get("text"),
                                                 (d.get("exception") or {}).get("description")))
            elif meth == "Log.entryAdded":
                e = p.get("entry", {})
                out.append("log %s: %s" % (e.get("level"), e.get("text")))
            elif meth == "Page.javascriptDialogOpening":
                out.append("dialog: %s" % p.get("message"))
            elif meth == "Network.requestWillBeSent":
                url = p.get("request", {}).get("url")
                if url != self.url:
                    out.append("request: %s" % url)
        return out

    def close(self):
        self.b.call("Target.closeTarget", {"targetId": self.target})


def vigil_run(tmp, case, options=None):
    out = os.path.join(tmp, case)
    env = vtest.clean_env({"VIGIL_OPTIONS": options} if options else None)
    r = vtest.run([vtest.VIGIL, "run", "-o", out, "--", os.path.join(CASES, case)], env=env)
    rep, _, problems = vtest.load_report(out)
    if r.timed_out or problems:
        raise RuntimeError("vigil run %s: rc %d, %s; %s" % (case, r.rc, problems,
                                                            vtest.tail(r.err)))
    return out, rep


def html(src, dst):
    """`vigil report SRC --format html` into dst."""
    r = vtest.run([vtest.VIGIL, "report", src, "--format", "html"])
    if r.rc != 0 or r.err:
        raise RuntimeError("vigil report %s --format html: rc %d: %s"
                           % (src, r.rc, vtest.tail(r.err)))
    with open(dst, "wb") as f:
        f.write(r.out)
    return dst


def has_series(rep):
    return any(isinstance(p, dict) and p.get("series") for p in rep.get("processes", []))


def check_page(errors, browser, label, path, rep, want_charts):
    page = Page(browser, path)
    try:
        for p in page.problems():
            errors.append("%s: %s" % (label, p))
        if page.eval("document.body.getAttribute('data-ready')") != "1":
            errors.append("%s: the page's script did not finish" % label)
        text = page.eval("document.getElementById('findings').textContent")
        visible = page.eval("document.body.innerText")
        findings = rep.get("findings", [])
        for f in findings:
            if f["kind"] not in text or f["kind"] not in visible:
                errors.append("%s: kind %s not shown" % (label, f["kind"]))
        fns = [fr.get("function") for f in findings for st in f.get("stacks", [])[:1]
               for fr in st.get("frames", [])[:1] if fr.get("function")]
        if findings and not fns:
            errors.append("%s: no symbolized top frame in the report" % label)
        for fn in fns:
            if fn not in text:
                errors.append("%s: function %s not in the DOM" % (label, fn))
        n = page.eval("document.querySelectorAll('details.finding').length")
        if n != len(findings):
            errors.append("%s: %s findings in the DOM, %d in the report" % (label, n, len(findings)))
        charts = page.eval("document.querySelectorAll('#charts svg.chart polyline').length")
        note = page.eval("!!document.getElementById('no-series')")
        if want_charts:
            procs = sum(1 for p in rep["processes"] if p.get("series"))
            if charts != 2 * procs or note:
                errors.append("%s: %s chart lines for %d processes with series (note %s)"
                              % (label, charts, procs, note))
        elif charts or not note:
            errors.append("%s: %s chart lines and note %s without series" % (label, charts, note))
        if findings:
            kind = findings[-1]["kind"]
            want = sum(1 for f in findings if f["kind"] == kind)
            shown = page.eval(
                "var s = document.querySelector('#filters select'); s.value = %s;"
                "s.dispatchEvent(new Event('change'));"
                "document.querySelectorAll('details.finding:not([hidden])').length"
                % json.dumps(kind))
            if shown != want:
                errors.append("%s: filter on %s shows %s findings, want %d"
                              % (label, kind, shown, want))
    finally:
        page.close()


EVIL = "</script><script>alert(1)</script><img src=x onerror=alert(2)>'\"&amp;"


def hostile(rep):
    """The same report with markup in every string a program controls."""
    rep = json.loads(json.dumps(rep))
    rep["run"]["command"] = ["./" + EVIL, EVIL]
    for p in rep["processes"]:
        p["exe"] = "/tmp/" + EVIL
        p["argv"] = [EVIL]
    for f in rep["findings"]:
        f["message"] = EVIL
        for st in f["stacks"]:
            for fr in st["frames"]:
                fr["file"] = EVIL
                fr["module"] = "/x/" + EVIL
    return rep


def main():
    exe = shutil.which("chromium")
    if not exe:
        print("FAIL html: chromium not found (scripts/deps.sh installs it)")
        print("html: 0 passed, 1 failed")
        return 1
    tmp = tempfile.mkdtemp(prefix="vigil-html-")
    errors, passed = [], 0
    browser = None
    try:
        leak, leak_rep = vigil_run(tmp, "leak_indirect")
        growth, growth_rep = vigil_run(tmp, "heap_growth", "growth_interval_ms=20:guard_rate=0")
        # A run's own series when the preload records them; otherwise made up here.
        series_rep = json.loads(json.dumps(leak_rep))
        for k, p in enumerate(series_rep["processes"]):
            p["series"] = [{"t_ms": t * 250, "heap_bytes": (k + 1) * (t + 1) * 4096,
                            "fds": 3 + t % 5} for t in range(40)]
        series_json = os.path.join(tmp, "series.json")
        with open(series_json, "w") as f:
            json.dump(series_rep, f)
        evil_rep = hostile(series_rep)
        evil_json = os.path.join(tmp, "evil.json")
        with open(evil_json, "w") as f:
            json.dump(evil_rep, f)
        pages = [
            ("leak_indirect", html(leak, os.path.join(tmp, "leak.html")), leak_rep,
             has_series(leak_rep)),
            ("heap_growth", html(growth, os.path.join(tmp, "growth.html")), growth_rep,
             has_series(growth_rep)),
            ("series", html(series_json, os.path.join(tmp, "series.html")), series_rep, True),
            ("hostile", html(evil_json, os.path.join(tmp, "evil.html")), evil_rep, True),
        ]
        browser = Browser(exe, os.path.join(tmp, "profile"))
        for label, path, rep, charts in pages:
            before = len(errors)
            check_page(errors, browser, label, path, rep, charts)
            if len(errors) == before:
                passed += 1
                print("ok html %s" % label)
        # The growth curve is charted inside its finding.
        page = Page(browser, pages[1][1])
        try:
            n = page.eval("document.querySelectorAll('details.finding svg.chart').length")
            if n != 1:
                errors.append("heap_growth: %s curve charts, want 1" % n)
        finally:
            page.close()
        page = Page(browser, pages[3][1])
        try:
            got = page.eval("[document.scripts.length, document.images.length,"
                            " document.querySelectorAll('[onerror]').length,"
                            " document.title.indexOf('</script>') >= 0]")
            if got != [2, 0, 0, True]:
                errors.append("hostile: scripts, images, onerror attributes, title: %r" % got)
        finally:
            page.close()
    except (CDPError, RuntimeError, OSError) as e:
        errors.append(str(e) + (" (chromium: %s)" % browser.log_tail() if browser else ""))
    finally:
        if browser:
            browser.close()
        shutil.rmtree(tmp, ignore_errors=True)
    for e in errors:
        print("FAIL html: %s" % e)
    print("html: %d passed, %d failed" % (passed, len(errors)))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
