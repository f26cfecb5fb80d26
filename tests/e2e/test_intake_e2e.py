"""Intake on the real server, in Chromium: the mediator opens the case, both parents get their link by
e-mail (docassemble's own send_email, to the local SMTP mailbox `make serve` runs), each completes the
intake on a phone, one with a positive safety screen, and the mediator sees the issues board and the flag.

Screenshots of every screen go to tests/output/e2e/<test>/ (see conftest.py).
"""

from __future__ import annotations

import base64
import email
import mailbox
import re
import time
import uuid
from email.message import EmailMessage
from email.policy import default
from pathlib import Path
from typing import Any

import pytest
import yaml

from .answers import CaseFileAnswerer
from .conftest import ContextFactory, Server, Shots
from .driver import BrowserInterview
from .pages import heading, screen_text, sign_in
from .review_round import MediatorCli

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

MEDIATOR = "docassemble.MediationAgreement:data/questions/mediation_agreement.yml"
SECRET = "Ocelot-note: he reads my messages"
FEAR = "Pangolin-fear: he said he would keep the kids"


def messages_to(folder: Path, address: str, *, wait: float = 30.0) -> list[EmailMessage]:
    """The messages the local mailbox (a Maildir) holds for ``address``, waiting for the first one."""
    deadline = time.monotonic() + wait
    while True:
        box = mailbox.Maildir(str(folder), factory=None, create=False)
        found = []
        for key in box.keys():
            parsed = email.message_from_bytes(box.get_bytes(key), policy=default)
            assert isinstance(parsed, EmailMessage)
            if address in str(parsed.get("To", "")):
                found.append(parsed)
        if found or time.monotonic() > deadline:
            return found
        time.sleep(0.5)


def body(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    assert part is not None
    return str(part.get_content())


JOINT = Path(__file__).resolve().parents[2] / "examples" / "cases" / "joint-two-children.yml"
ISSUES = ("parenting_time", "holidays", "decision_making", "exchanges", "communication", "child_support", "health_insurance", "child_care", "moves_and_travel", "other")


def checkbox(variable: str, key: str) -> str:
    """How the browser form names one box of a checkboxes field (docassemble base64-encodes the key)."""
    return f"{variable}[B'{base64.b64encode(key.encode()).decode().rstrip('=')}']"


def parent_answers(name: str, *, positive: bool, spanish: bool = False) -> CaseFileAnswerer:
    """A parent's answers to every intake screen (Maria's screening is positive, David's is not); ``spanish``: the same
    answers to the Spanish screens (parent_intake_es.yml: the same variables, each id with " (es)")."""
    answers = _answers(name, positive=positive)
    return CaseFileAnswerer({}, extra={f"{screen} (es)": values for screen, values in answers.items()} if spanish else answers)


def _answers(name: str, *, positive: bool) -> dict[str, dict[str, Any]]:
    yes_if = "yes" if positive else "no"
    screening: dict[str, Any] = {f"screening_answers['{k}']": "no" for k in ("kept_from_people", "kept_from_money", "threats", "physical", "hurt", "protective_order")}
    return {
        "welcome": {},
        "agreement to mediate": {"agree_to_mediate": True, "sign_method": "typed"},
        "typed signature": {"typed_signature": name},
        "screening intro": {},
        "screening control": {**screening, "screening_answers['same_room']": yes_if},
        "screening same room": {"screening_texts['same_room_concerns']": "", "screening_answers['helps_with_advocate']": "yes", "screening_answers['helps_separate_rooms']": "no"},
        "screening harm": {**screening, "screening_answers['afraid']": yes_if},
        "screening told": {
            **{f"screening_texts['{k}']": "" for k in ("decisions", "speak_mind", "when_angry")},
            "screening_texts['what_happened']": FEAR if positive else "",
            "wants_support_person": False,
        },
        "contact": {
            "contact.email": "", "contact.safe_to_email": positive is False, "contact.phone": "602-555-0143" if positive else "",
            "contact.street": "", "contact.city": "", "contact.state": "", "contact.postal_code": "",
            "contact.share_email": False, "contact.share_phone": False, "contact.share_address": False,
        },
        "any children": {"intake_children.there_are_any": True},
        "child": {"intake_children[0].full_name": "Sofia Lopez", "intake_children[0].date_of_birth": "2018-04-02", "intake_children[0].lives_with": "me" if positive else "both"},
        "another child": {"intake_children.there_is_another": False},
        "money": {"money.monthly_gross_income": "3200" if positive else "4100", "money.health_insurance_premium": "", "money.child_care_monthly": ""},
        "arrangements": {"current_arrangements": ""},
        "issues": {checkbox("chosen_issues", issue): issue == "parenting_time" or (issue == "child_support" and not positive) for issue in ISSUES},
        "issue details": {
            "issue_importance['parenting_time']": "1", "issue_proposal['parenting_time']": "Alternate weekends" if positive else "Week on, week off",
            "issue_importance['child_support']": "2", "issue_proposal['child_support']": "",
            **{f"issue_{what}['{issue}']": "" for what in ("for_children", "could_accept") for issue in ("parenting_time", "child_support")},
        },
        "note to mediator": {"note_to_mediator": SECRET if positive else ""},
    }


def test_the_mediator_opens_intake_parents_get_emails_complete_it_on_phones_and_the_board_shows_the_flag(
    new_context: ContextFactory, da_server: Server, shots: Shots, tmp_path: Path
) -> None:
    folder = Path(da_server.info["mailbox"])
    run = uuid.uuid4().hex[:8]
    addresses = {"a": f"maria-{run}@example.com", "b": f"david-{run}@example.com"}
    desk = new_context().new_page()
    sign_in(desk, da_server.url, da_server.admin_email, da_server.admin_password)
    desk.goto(da_server.interview_url(MEDIATOR))
    setup = {
        "intake_setup.office": "Maricopa County Child Support Mediation Program",
        "intake_setup.mediator_name": "Jordan Ellis",
        "intake_setup.mediator_email": "",
        "intake_setup.court_state": "AZ",
        "intake_setup.a_full_name": "Maria Elena Lopez", "intake_setup.a_short_name": "Maria",
        "intake_setup.a_email": addresses["a"], "intake_setup.a_send_by_email": True, "intake_setup.a_language": "en",
        "intake_setup.b_full_name": "David James Lopez", "intake_setup.b_short_name": "David",
        "intake_setup.b_email": addresses["b"], "intake_setup.b_send_by_email": True, "intake_setup.b_language": "es",
    }
    mediator = BrowserInterview(desk, CaseFileAnswerer({}, extra={"start": {"start_from": "intake"}, "intake setup": setup}), shots, label="mediator-")
    mediator.run_until("issues board")
    assert "E-mailed Maria and David." in screen_text(desk), screen_text(desk)
    assert desk.locator("a.parent-link").count() == 0  # the links are shown to copy, never to click
    assert desk.locator("input.parent-link").count() == 2
    assert desk.locator("svg title", has_text="QR code of the link").count() == 2  # for a parent in the room (an inline SVG)
    copy = desk.locator(".parent-link-copy button").first
    copy.click()
    assert copy.inner_text() == "Copied"

    links = {}
    for party, address in addresses.items():
        (message,) = messages_to(folder, address)
        text = body(message)
        assert message["Subject"] == {"a": "A message from", "b": "Un mensaje de"}[party] + " Maricopa County Child Support Mediation Program"
        assert "Maria" not in text and "David" not in text and "Lopez" not in text
        links[party] = re.search(r"http://\S+", text).group(0)  # type: ignore[union-attr]
        assert "parent_intake.yml" in links[party] and "token=mat_" in links[party]

    pages = {}
    # Maria reads English; David, whose language the mediator set to Spanish, does the whole intake in Spanish.
    for party, name, positive, spanish in (("a", "Maria Elena Lopez", True, False), ("b", "David James Lopez", False, True)):
        page = new_context(phone=True).new_page()
        page.goto(links[party])
        parent = BrowserInterview(page, parent_answers(name, positive=positive, spanish=spanish), shots, label=f"{party}-")
        parent.run_until(re.compile(r"^Gracias, " if spanish else r"^Thank you, "))
        assert ("Salida rápida" if spanish else "Quick exit") in page.locator(".mediation-quick-exit").first.inner_text()
        assert page.evaluate("document.documentElement.lang").startswith("es" if spanish else "en")
        pages[party] = parent
    last = pages["b"].screens[-1]  # the end screen has no form: it is known by its heading
    assert [s.id for s in pages["b"].screens if not s.id.endswith(" (es)")] == [last.heading] and last.heading.startswith("Gracias, ")
    assert not any(screen.id.endswith(" (es)") for screen in pages["a"].screens)

    # Nothing of Maria's private answers is on any page David saw.
    seen_by_david = "\n".join(s.text for s in pages["b"].screens)
    for secret in (SECRET, FEAR, "Alternate weekends", "602"):
        assert secret not in seen_by_david

    desk.reload()  # the board reloads itself every 30 seconds; a reload now is the same
    desk.locator("#daMainQuestion").first.wait_for()
    assert desk.locator("input.parent-link").count() == 0  # a link is shown once: not kept to be shown again
    desk.locator("#daMainQuestion").first.wait_for()
    shots.take(desk, "mediator-board")
    board = screen_text(desk)
    assert "Private screening: positive" in board, board
    assert "Do you ever feel afraid of David?" in board
    assert "The weekly schedule" in board and "raised by both parents; different" in board
    assert "Alternate weekends" in board and "Week on, week off" in board
    assert SECRET in board  # the mediator's board holds the private note, marked private
    assert desk.locator(".mediation-safety-flag").count() == 1

    # From intake to signature in Spanish, on David's phone: the mediator issues the first draft of this same case
    # and Maria approves it; David's own intake link now opens the draft, in Spanish, and he reads the Spanish copy,
    # approves and signs.
    case_id = re.search(r"[?&]case=([^&\s]+)", links["b"]).group(1)  # type: ignore[union-attr]
    tokens = {p: re.search(r"token=(mat_[A-Za-z0-9_-]+)", link).group(1) for p, link in links.items()}  # type: ignore[union-attr]
    data = yaml.safe_load(JOINT.read_text(encoding="utf-8"))
    data["parent_a"].update(full_name="Maria Elena Lopez", short_name="Maria")
    data["parent_b"].update(full_name="David James Lopez", short_name="David", language="es")
    case_file = tmp_path / "lopez.yml"
    case_file.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    cli = MediatorCli(da_server)
    cli.run("case", "draft", case_id, "--case-file", case_file, "--out", tmp_path / "draft")
    cli.run("case", "approve", case_id, "--token", tokens["a"], "--draft", "1")
    phone = pages["b"].page
    phone.goto(links["b"])
    assert heading(phone) == "Hay un borrador para usted"
    phone.get_by_text("Leer el borrador").click()
    review = BrowserInterview(phone, CaseFileAnswerer({}, extra={
        "welcome (es)": {},
        "read the draft (es)": {},
        "any comments (es)": {"parent_comments.there_are_any": False},
        "decision (es)": {"decision": "approve"},
        "sign intent (es)": {"sign_intent": True, "sign_method": "typed"},
        "typed signature (es)": {"typed_signature": "David James Lopez"},
    }), shots, label="b-review-")
    review.run_until("Usted firmó el acuerdo")
    assert [s.id for s in review.screens][:-1] == ["welcome (es)", "read the draft (es)", "any comments (es)", "decision (es)", "sign intent (es)", "typed signature (es)"]
    read = next(s for s in review.screens if s.id == "read the draft (es)")
    assert "Traducción de cortesía" in read.text and "Maria" in read.text
    assert re.search(r'signed by David[^\n]*\(typed "David James Lopez"\)', cli.show(case_id)), cli.show(case_id)
