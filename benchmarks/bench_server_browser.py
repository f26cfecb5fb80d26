"""Time per screen of the mediator interview on the local docassemble server as a browser uses it,
for 1, 10 and 25 users at once.

    .venv/bin/python benchmarks/bench_server_browser.py [--runs 3] [--users 1,10,25] [--processes 2]

``bench_server_latency.py`` drives the REST API, where docassemble hashes the
API key on every call (most of each screen's time); a mediator uses a browser,
with a session cookie.  This benchmark measures that path:

1. it records what a browser sends: Debian's Chromium (Playwright, as the
   browser tests) signs in and answers the whole mediator interview for the
   joint example up to the draft, holidays ticked from the list, and every
   form the page posts (docassemble's own ``ajax=1`` POSTs, with the fields'
   encoded names, ``_visible``, ``_datatypes`` as its JavaScript builds them)
   is kept;
2. each simulated user signs in (before the clock starts: a mediator at work
   is signed in already) with a cookie of its own, opens a new session and
   posts the same forms in turn, each with its own session's CSRF
   token, and checks that every answer brings the screen the browser saw next
   (a wrong screen is an error).  The time of a POST is the time a screen takes
   on the server (answers saved, interview logic run, next screen built),
   without the browser's own rendering.

One user: ``--runs`` whole runs; then each further ``--users`` level, that many
users at the same time with no pause between screens.  Reports p50/p95, errors,
the web processes' memory and processor time per screen, against the targets
(p95 <= 400 ms for one user, <= 500 ms at 25 users, on the project's 2-core
machine).  The server runs with ``--processes`` web processes (default one per
core); it is started if needed and left as it was found.  Loopback only; each
level stops by itself after ``--deadline`` seconds.  Not a test: it prints figures.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import re
import statistics
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from bench_server_latency import MEDIATOR, ROOT, LocalServer, at_once, report_ms, serve, web_cpu_seconds, web_rss_mb

TARGET_P95_MS = 400.0
TARGET_P95_LOADED_MS = 500.0
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')
QUESTION = re.compile(r'name="_question_name" value="([^"]*)"')


@dataclass
class Recorded:
    """One form the browser posted: its fields, and the screen it was posted from."""

    fields: list[tuple[str, str]]
    screen: str


@dataclass
class Run:
    seconds: list[float] = field(default_factory=list)


def record(url: str, email: str, password: str, case: dict[str, Any]) -> list[Recorded]:
    """Answer the mediator interview once in Chromium and keep every form it posts."""
    from playwright.sync_api import sync_playwright

    sys.path.insert(0, str(ROOT))
    from tests.e2e.answers import CaseFileAnswerer
    from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, Shots
    from tests.e2e.driver import BrowserInterview
    from tests.e2e.pages import sign_in
    from tests.e2e.test_mediation_e2e import DRAFT

    class NoShots(Shots):
        def take(self, page: Any, name: str, full_page: bool = True) -> Path:
            return self.folder

    posted: list[str] = []
    with sync_playwright() as playwright, tempfile.TemporaryDirectory() as tmp:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_context().new_page()
            sign_in(page, url, email, password)
            page.on("request", lambda r: posted.append(r.post_data or "") if r.method == "POST" and "/interview?" in r.url else None)
            page.goto(f"{url}/interview?i={MEDIATOR}&new_session=1")
            answerer = CaseFileAnswerer(case, extra={"start": {"start_from": "new"}}, holidays="list")
            BrowserInterview(page, answerer, NoShots(Path(tmp)), label="bench-").run_until(DRAFT)
        finally:
            browser.close()
    forms = []
    for body in posted:
        fields = urllib.parse.parse_qsl(body, keep_blank_values=True)
        forms.append(Recorded(fields, dict(fields).get("_question_name", "")))
    return forms


class Browser:
    """One simulated user: a cookie jar, signed in, in a new session of the mediator interview."""

    def __init__(self, url: str, email: str, password: str) -> None:
        self.url = url
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        token = csrf(self.get("/user/sign-in"))
        try:
            self.opener.open(f"{url}/user/sign-in", data=urllib.parse.urlencode({"csrf_token": token, "email": email, "password": password}).encode(), timeout=60)
        except urllib.error.HTTPError as error:  # docassemble sends a signed-in admin on to a page this server does not have
            if error.code != 404:
                raise
        self.token = ""

    def get(self, path: str) -> str:
        with self.opener.open(self.url + path, timeout=60) as response:
            return response.read().decode()

    def post(self, fields: list[tuple[str, str]]) -> str:
        body = urllib.parse.urlencode([(k, self.token if k == "csrf_token" else v) for k, v in fields]).encode()
        request = urllib.request.Request(f"{self.url}/interview?i={MEDIATOR}", data=body, headers={
            "X-Requested-With": "XMLHttpRequest", "Content-Type": "application/x-www-form-urlencoded; charset=UTF-8"})
        with self.opener.open(request, timeout=120) as response:
            return str(json.loads(response.read()).get("body", ""))


def csrf(html: str) -> str:
    match = CSRF.search(html)
    if not match:
        raise RuntimeError("no CSRF token on the page (not signed in?)")
    return match.group(1) or match.group(2)


def replay(browser: Browser, forms: list[Recorded]) -> Run:
    """One user's whole run in a new session: every recorded form posted in turn, each answer checked against the
    browser's next screen."""
    browser.token = csrf(browser.get(f"/interview?i={MEDIATOR}&new_session=1"))
    run = Run()
    for index, form in enumerate(forms):
        started = time.perf_counter()
        page = browser.post(form.fields)
        run.seconds.append(time.perf_counter() - started)
        expected = forms[index + 1].screen if index + 1 < len(forms) else None
        shown = QUESTION.search(page)
        if expected is not None and (shown is None or shown.group(1) != expected):
            raise RuntimeError(f"after {form.screen!r} the server showed {shown.group(1) if shown else 'no question'!r}, not {expected!r}")
    return run


def milliseconds(runs: list[Run]) -> list[float]:
    return [seconds * 1000 for run in runs for seconds in run.seconds]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--users", default="1,10,25")
    parser.add_argument("--deadline", type=float, default=600.0)
    parser.add_argument("--processes", type=int, default=min(os.cpu_count() or 1, 4))
    args = parser.parse_args()
    try:
        import playwright  # noqa: F401
    except ImportError:
        print("bench_server_browser: skipped (Playwright is not installed: make install-test)")
        return 0
    try:
        server = LocalServer(args.processes)
    except RuntimeError as error:
        print(error, file=sys.stderr)
        return 1
    try:
        info = json.loads(serve("info", "--json").stdout)
        url, email, password = info["url"], info["admin"]["email"], info["admin"]["password"]
        case = yaml.safe_load((ROOT / "examples" / "cases" / "joint-two-children.yml").read_text(encoding="utf-8"))
        forms = record(url, email, password, case)
        one_user = Browser(url, email, password)
        replay(one_user, forms)  # warm-up
        print(f"mediator interview as a browser posts it (recorded in Chromium, {len(forms)} screens), joint-two-children.yml, "
              f"{args.processes} web process(es)", flush=True)
        single = [replay(one_user, forms) for _ in range(args.runs)]
        report_ms(f"1 user, {len(single)} run{'s' if len(single) != 1 else ''}", milliseconds(single), TARGET_P95_MS)
        for users in (int(u) for u in args.users.split(",") if u.strip() and int(u) > 1):
            browsers = [Browser(url, email, password) for _ in range(users)]  # signed in first, as a mediator at work is
            memory_before, cpu_before = web_rss_mb(), web_cpu_seconds()
            clock = time.perf_counter()
            runs, errors = at_once([lambda browser=browser: replay(browser, forms) for browser in browsers], args.deadline)
            memory_after, cpu_after = web_rss_mb(), web_cpu_seconds()
            screens = sum(len(run.seconds) for run in runs)
            extra = ""
            if memory_before is not None and memory_after is not None:
                extra += f", web processes {memory_before:.0f} -> {memory_after:.0f} MB"
            if cpu_before is not None and cpu_after is not None and screens:
                extra += f", {1000 * (cpu_after - cpu_before) / screens:.0f} ms of their processor time per screen"
            if runs:
                report_ms(f"{users} users at once, {len(runs)} of {users} runs in {time.perf_counter() - clock:.0f} s, {len(errors)} error(s){extra}",
                          milliseconds(runs), TARGET_P95_LOADED_MS)
            for error in errors[:3]:
                print(f"    error: {error}", flush=True)
        by_screen: dict[str, list[float]] = {}
        for run in single:
            for form, seconds in zip(forms, run.seconds):
                by_screen.setdefault(form.screen.removeprefix("ID "), []).append(seconds * 1000)
        slowest = sorted(by_screen.items(), key=lambda kv: -statistics.median(kv[1]))[:5]
        print("  slowest screens for one user (median; each named by the screen it answers): "
              + ", ".join(f"{name} {statistics.median(v):.0f} ms" for name, v in slowest))
    except RuntimeError as error:
        print(f"bench_server_browser: {error}", file=sys.stderr)
        return 1
    finally:
        server.restore()
    return 0


if __name__ == "__main__":
    sys.exit(main())
