"""Fixtures for the end-to-end tests: a real docassemble server and Debian's Chromium.

The server is the one ``make serve`` runs (``scripts/serve.sh``).  If it is not
running, the session starts it (which installs what is missing: the first time
on a fresh machine takes a few minutes) and stops what it started at the end;
if it is running, the session only brings it up to date with the current sources
(``serve.sh start`` rebuilds and reinstalls the wheel when they changed) and
leaves it running.  The smoke-test package in ``fixtures/smoke_package`` is
installed beside ours.

Every test gets a folder ``tests/output/e2e/<test>/`` for its screenshots
(``shots.take(page, "name")``) and downloads.  When a test fails, that folder
also receives a screenshot and the HTML of every page still open, and the end
of the server's logs (``server.log``, ``docassemble.log``).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
SERVE = ROOT / "scripts" / "serve.sh"
SMOKE_PACKAGE = Path(__file__).resolve().parent / "fixtures" / "smoke_package"
OUTPUT = ROOT / "tests" / "output" / "e2e"
CHROMIUM = Path(os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium"))
# Debian's Chromium, headless, quiet on a closed network (see docs/server.md).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}
DESKTOP = {"viewport": {"width": 1280, "height": 900}}
LOG_TAIL_LINES = 400


@dataclass(frozen=True)
class Server:
    """The running server, as ``serve.sh info --json`` describes it."""

    url: str
    api_key: str
    admin_email: str
    admin_password: str
    server_log: Path
    docassemble_log: Path
    info: dict[str, Any] = field(repr=False)

    def interview_url(self, ref: str, **args: str) -> str:
        """The page that starts interview ``ref`` (``package:data/questions/file.yml``) afresh."""
        extra = "".join(f"&{k}={v}" for k, v in args.items())
        return f"{self.url}/interview?i={ref}&reset=1{extra}"


def _serve(*args: str, log: Path | None = None) -> str:
    result = subprocess.run([str(SERVE), *args], capture_output=True, text=True, cwd=ROOT, timeout=1800)
    if log is not None:
        log.parent.mkdir(parents=True, exist_ok=True)
        with log.open("a") as out:
            out.write(f"$ scripts/serve.sh {' '.join(args)}\n{result.stdout}{result.stderr}\n")
    if result.returncode not in (0, 3):
        raise RuntimeError(f"scripts/serve.sh {' '.join(args)} failed (exit {result.returncode}):\n{result.stdout}\n{result.stderr}")
    return result.stdout


@pytest.fixture(scope="session")
def da_server() -> Iterator[Server]:
    """The docassemble server, started (and later stopped) by this session if it was not running."""
    OUTPUT.mkdir(parents=True, exist_ok=True)
    log = OUTPUT / "serve.log"
    log.unlink(missing_ok=True)
    before = json.loads(_serve("status", "--json", log=log))
    _serve("start", "--extra-package", str(SMOKE_PACKAGE), log=log)
    info = json.loads(_serve("info", "--json"))
    server = Server(
        url=info["url"],
        api_key=info["admin"]["api_key"],
        admin_email=info["admin"]["email"],
        admin_password=info["admin"]["password"],
        server_log=Path(info["server_log"]),
        docassemble_log=Path(info["docassemble_log"]),
        info=info,
    )
    try:
        yield server
    finally:
        if not before["web"]:
            # Leave PostgreSQL and Redis alone if they were running before this session.
            _serve("stop", *(["--web-only"] if before["postgres"] or before["redis"] else []), log=log)


@pytest.fixture(scope="session")
def chromium_browser() -> Iterator[Any]:
    """Debian's Chromium driven by Playwright (Playwright's own browser download is not used)."""
    sync_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright (the Python package only)")
    if not CHROMIUM.exists():
        subprocess.run([str(ROOT / "scripts" / "install-system-packages.sh"), "chromium", "fonts-liberation"], check=True)
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Keep each phase's report on the test item, so fixtures can tell that the test failed."""
    report: pytest.TestReport = yield
    setattr(item, f"report_{report.when}", report)
    return report


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", text).strip("-")[:120]


@dataclass
class Shots:
    """Numbered screenshots of each screen a test visits, in the test's output folder."""

    folder: Path
    count: int = 0
    last: Path | None = None

    max_height: int = 6000  # a draft agreement is ~50,000 px tall on a phone: keep its top

    def take(self, page: Any, name: str, full_page: bool = True) -> Path:
        self.count += 1
        path = self.folder / f"{self.count:02d}-{_slug(name)}.png"
        height = int(page.evaluate("document.documentElement.scrollHeight"))
        width = int(page.evaluate("document.documentElement.scrollWidth"))
        clip = {"x": 0, "y": 0, "width": width, "height": self.max_height} if full_page and height > self.max_height else None
        # A record of the screen, not a check: a long page on a busy 2-core machine may take more than Playwright's 30 s.
        page.screenshot(path=str(path), full_page=full_page, clip=clip, timeout=120_000)
        self.last = path
        return path


@pytest.fixture
def test_output(request: pytest.FixtureRequest) -> Path:
    """tests/output/e2e/<test name>/, emptied at the start of the test."""
    folder = OUTPUT / _slug(request.node.name)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return folder


@pytest.fixture
def shots(test_output: Path) -> Shots:
    return Shots(test_output)


ContextFactory = Callable[..., Any]


@pytest.fixture
def new_context(
    chromium_browser: Any, da_server: Server, test_output: Path, shots: Shots, request: pytest.FixtureRequest
) -> Iterator[ContextFactory]:
    """``new_context(phone=True)``: a fresh browser context (its own cookies, so its own user).

    Contexts are closed at the end of the test; if the test failed, each open page is
    first saved (screenshot and HTML) with the end of the server logs beside them.
    """
    contexts: list[Any] = []

    def make(phone: bool = False, **options: Any) -> Any:
        context = chromium_browser.new_context(
            base_url=da_server.url, accept_downloads=True, **(PHONE if phone else DESKTOP), **options
        )
        context.set_default_timeout(30_000)
        contexts.append(context)
        return context

    yield make
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        for number, context in enumerate(contexts, 1):
            for index, page in enumerate(context.pages, 1):
                stem = test_output / f"FAILED-context{number}-page{index}"
                try:
                    page.screenshot(path=f"{stem}.png", full_page=True)
                    Path(f"{stem}.html").write_text(page.content())
                    Path(f"{stem}.url").write_text(page.url + "\n")
                except Exception as error:  # the page may be what broke; keep what we can
                    Path(f"{stem}.error").write_text(repr(error))
        for log in (da_server.server_log, da_server.docassemble_log):
            if log.exists():
                lines = log.read_text(errors="replace").splitlines(keepends=True)[-LOG_TAIL_LINES:]
                (test_output / log.name).write_text("".join(lines))
        if shots.last is not None:
            shutil.copy2(shots.last, test_output / "LAST-screenshot.png")
    for context in contexts:
        context.close()


@pytest.fixture
def download_dir(test_output: Path) -> Path:
    folder = test_output / "downloads"
    folder.mkdir()
    return folder


@pytest.fixture(autouse=True)
def no_serious_accessibility_violations() -> Iterator[None]:
    """Every screen a browser test reaches is checked with axe-core (pages.Accessibility); a serious or
    critical violation fails the test that found it, naming the screen, the rule and the elements."""
    from .pages import ACCESSIBILITY

    before = len(ACCESSIBILITY.findings)
    yield
    found = ACCESSIBILITY.findings[before:]
    assert not found, "axe-core found serious or critical accessibility violations:\n" + "\n".join(found)
