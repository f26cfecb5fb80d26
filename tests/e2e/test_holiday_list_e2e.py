"""Holidays ticked from the list in a real browser (issue 13): the checkboxes, the sharing choices, the
usual times and only the exceptions' screens, to the same agreement the command line makes.

The engine harness covers every example (tests/test_holiday_list.py); this drives the joint example
through docassemble's own pages, where a choice that posts its label instead of its value, or a
checkbox key the server cannot read back, would show.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from .answers import CaseFileAnswerer
from .conftest import ContextFactory, Server, Shots
from .driver import BrowserInterview
from .pages import download, screen_text, sign_in
from .review_round import MediatorCli, pdf_text
from .test_mediation_e2e import DRAFT, JOINT, MEDIATOR, cli_draft_text, load

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def test_holidays_ticked_from_the_list_reach_the_clis_agreement(
    new_context: ContextFactory, da_server: Server, shots: Shots, download_dir: Path, tmp_path: Path
) -> None:
    case = load(JOINT)
    answerer = CaseFileAnswerer(case, extra={"start": {"start_from": "new"}}, holidays="list")
    page = new_context().new_page()
    sign_in(page, da_server.url, da_server.admin_email, da_server.admin_password)
    page.goto(da_server.interview_url(MEDIATOR))
    mediator = BrowserInterview(page, answerer, shots, label="holidays-")
    mediator.run_until(DRAFT)

    ids = [s.id for s in mediator.screens]
    assert ids.count("holiday sharing") == 1 and ids.count("holiday times") == 1
    assert ids.count("holiday details") == len(answerer.holidays.adjust) == 3 and "holiday" not in ids
    times = next(s for s in mediator.screens if s.id == "holiday times")
    assert "From the Wednesday before at 6:00 p.m. to the Sunday after at 6:00 p.m." in times.text
    assert "Every year: Elena Marisol Ortega" in times.text and "_" not in times.text.split("Holiday times", 1)[-1]

    reordered = dict(case)
    rules = case["parenting_time"]["holidays"]
    reordered["parenting_time"] = {**case["parenting_time"], "holidays": [rules[i] for i in answerer.holidays.order]}
    as_listed = tmp_path / "joint-as-listed.yml"
    as_listed.write_text(yaml.safe_dump(reordered, sort_keys=False, allow_unicode=True), encoding="utf-8")
    draft = pdf_text(download(page, "PDF", download_dir, "draft-from-list.pdf"))
    assert draft == cli_draft_text(MediatorCli(da_server), as_listed, tmp_path / "cli")
    assert "Thanksgiving" in screen_text(page)
