"""Going Back never discards answers (issue 13, defect 4), in Chromium on the real server.

docassemble's Back restores the interview as it was before the screen left, so
the answers given after the screen gone back to were wiped: a mediator who went
back to fix a support figure lost the health-insurance and child-care answers.
``data/static/keep_answers.js`` puts them back; this test goes back two screens
from the tax screen and forward again, and reads each screen's form.
"""

from __future__ import annotations

import pytest

from .conftest import ContextFactory, Server, Shots
from .driver import BrowserInterview, form_values
from .pages import HEADING, heading, sign_in
from .test_mediation_e2e import JOINT, MEDIATOR, load, mediator_answerer

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def back(mediator: BrowserInterview) -> str:
    """Press docassemble's Back (the navigation bar's arrow) and wait for the screen before."""
    page = mediator.page
    before = page.locator(HEADING).first.element_handle()
    page.locator("#dabackbutton, .daquestionbackbutton").first.click()
    page.wait_for_function("el => !el.isConnected", arg=before, timeout=60_000)
    page.locator(HEADING).first.wait_for()
    return mediator.screen_id()


def test_going_back_two_screens_and_forward_again_keeps_every_answer(new_context: ContextFactory, da_server: Server, shots: Shots) -> None:
    page = new_context().new_page()
    sign_in(page, da_server.url, da_server.admin_email, da_server.admin_password)
    page.goto(da_server.interview_url(MEDIATOR))
    # What an earlier case typed in this tab is forgotten on the first screen of the next one.
    page.evaluate("sessionStorage.setItem('mediation-agreement:answers', JSON.stringify({'x': {'y': 'Another Family'}}))")
    page.reload()
    page.locator("#daform").wait_for()
    assert "Another Family" not in (page.evaluate("sessionStorage.getItem('mediation-agreement:answers')") or "")
    mediator = BrowserInterview(page, mediator_answerer(load(JOINT)), shots, label="back-")
    mediator.run_until("tax dependency")
    sent = {s.id: s.sent for s in mediator.screens if s.id in ("health costs", "other costs")}
    assert set(sent) == {"health costs", "other costs"}
    typed = [v for values in sent.values() for v in values.values() if isinstance(v, str) and v not in ("", "0", "0.00", "True", "False", "None")]
    assert typed, f"the joint example types something on these screens: {sent}"

    assert back(mediator) == "other costs"
    assert form_values(page) == sent["other costs"]
    assert back(mediator) == "health costs"
    assert form_values(page) == sent["health costs"]
    shots.take(page, "back-health-costs-after-back")

    # Forward again without changing anything: the child-care screen still holds its answers.
    before = page.locator(HEADING).first.element_handle()
    page.locator("#daform button[type=submit]").first.click()
    page.wait_for_function("el => !el.isConnected", arg=before, timeout=60_000)
    page.locator(HEADING).first.wait_for()
    assert mediator.screen_id() == "other costs", heading(page)
    assert form_values(page) == sent["other costs"]
    shots.take(page, "back-other-costs-after-forward")
