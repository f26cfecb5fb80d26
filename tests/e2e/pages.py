"""What a person does on a docassemble page, in Playwright terms.

docassemble replaces the page's body by AJAX after each Continue, so "wait for
the next screen" means "wait until the heading we saw is gone", not a
navigation event.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

Page = Any  # playwright.sync_api.Page (the package is optional for the rest of the suite)

HEADING = "#daMainQuestion"


class Accessibility:
    """axe-core (through axe-playwright-python) on every screen the browser tests act on or reach.

    Each screen is checked once per colour scheme (by its heading); serious and
    critical violations are kept, with the screen, for the test to fail on
    (``tests/e2e/conftest.py``: an autouse fixture).  Without the package the
    checks are skipped, and the conftest says so.
    """

    IMPACTS = ("serious", "critical")

    def __init__(self) -> None:
        self.seen: set[tuple[str, str]] = set()
        self.findings: list[str] = []
        self.checked = 0
        try:
            from axe_playwright_python.sync_playwright import Axe
        except ImportError:
            self.axe = None
        else:
            self.axe = Axe()

    def check(self, page: Page) -> None:
        if self.axe is None:
            return
        try:  # the interviews' a11y.js has repaired docassemble's markup on this screen (data/static/a11y.js)
            page.wait_for_selector("#daquestion[data-ma-a11y]", state="attached", timeout=5_000)
        except Exception:  # noqa: BLE001 - a page without the script is checked as it is
            pass
        scheme = str(page.evaluate("matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light'"))
        title = heading(page) if page.locator(HEADING).count() else page.title()
        if (scheme, title) in self.seen:
            return
        self.seen.add((scheme, title))
        self.checked += 1
        result = self.axe.run(page)
        for violation in result.response.get("violations", []):
            if violation.get("impact") in self.IMPACTS:
                targets = ", ".join(str(n.get("target")) for n in violation.get("nodes", [])[:3])
                self.findings.append(f"{title!r} ({scheme}): {violation['impact']} {violation['id']}: {violation['help']} [{targets}]")


ACCESSIBILITY = Accessibility()


def heading(page: Page) -> str:
    """The question's heading on the current screen."""
    return str(page.locator(HEADING).first.inner_text()).strip()


def screen_text(page: Page) -> str:
    """Everything a reader sees in the question area (heading, text, fields, buttons)."""
    return str(page.locator("#daquestion").inner_text())


def submit(page: Page, button: str | re.Pattern[str] = "Continue", timeout: float = 30_000) -> str:
    """Press a button (by its visible name) and wait for the next screen; returns its heading."""
    ACCESSIBILITY.check(page)
    before = page.locator(HEADING).first.element_handle()
    page.get_by_role("button", name=button, exact=isinstance(button, str)).first.click()
    page.wait_for_function("el => !el.isConnected", arg=before, timeout=timeout)
    page.locator(HEADING).first.wait_for()
    ACCESSIBILITY.check(page)
    return heading(page)


def fill(page: Page, label: str, value: str) -> None:
    """Type into the field whose label reads ``label`` (the text before any required-field star)."""
    page.get_by_label(label, exact=False).first.fill(value)


def choose(page: Page, label: str) -> None:
    """Pick a radio button or check a checkbox by the words on it (docassemble draws them as labels)."""
    page.locator("label").filter(has_text=re.compile(rf"^\s*{re.escape(label)}\s*$")).first.click()


def draw_signature(page: Page) -> None:
    """Draw a signature on the canvas with the pointer, as a finger would, and save it."""
    canvas = page.locator("#dasigcanvas")
    canvas.wait_for()
    box = canvas.bounding_box()
    assert box is not None, "the signature canvas has no size"
    x, y = box["x"] + box["width"] * 0.1, box["y"] + box["height"] * 0.55
    page.mouse.move(x, y)
    page.mouse.down()
    for step in range(1, 25):
        page.mouse.move(x + step * box["width"] * 0.033, y + (box["height"] * 0.25) * (1 if step % 2 else -1), steps=3)
    page.mouse.up()
    before = page.locator(HEADING).first.element_handle()
    page.locator(".dasigsave:visible").first.click()
    page.wait_for_function("el => !el.isConnected", arg=before)
    page.locator(HEADING).first.wait_for()


def download(page: Page, link: str | re.Pattern[str], folder: Path, name: str | None = None) -> Path:
    """Click a download link or button and save the file in ``folder``."""
    with page.expect_download() as info:
        target = page.get_by_role("link", name=link).or_(page.get_by_role("button", name=link)).first
        target.click()
    file = info.value
    path = folder / (name or file.suggested_filename)
    file.save_as(str(path))
    return path


def sign_in(page: Page, server_url: str, email: str, password: str) -> None:
    """Sign in on docassemble's own sign-in page (office staff run review rounds signed in)."""
    page.goto(f"{server_url}/user/sign-in")
    page.locator("input[name=email]").fill(email)
    page.locator("input[name=password]").fill(password)
    page.locator("form [type=submit]").first.click()
    page.wait_for_url(lambda url: "/user/sign-in" not in url)


def follow(page: Page, link: str | re.Pattern[str], timeout: float = 60_000) -> str:
    """Follow a link that leads to another screen of the interview; returns its heading."""
    ACCESSIBILITY.check(page)
    before = page.locator(HEADING).first.element_handle()
    page.get_by_role("link", name=link).first.click()
    page.wait_for_function("el => !el.isConnected", arg=before, timeout=timeout)
    page.locator(HEADING).first.wait_for()
    ACCESSIBILITY.check(page)
    return heading(page)
