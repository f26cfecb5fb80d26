"""After the agreement: check-ins fall due on a clock the test sets, go out by e-mail (a real SMTP
server on 127.0.0.1), are answered privately, and the mediator sees them; nothing reaches the other parent."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

pytest.importorskip("docassemble.base")

from . import da_harness as h  # noqa: E402 - first: it stubs the NLTK download docassemble attempts at import

# isort: split

from docassemble.MediationAgreement.case.model import load_case  # noqa: E402
from docassemble.MediationAgreement.errors import CaseValidationError, StoreError  # noqa: E402
from docassemble.MediationAgreement.followup import CheckinRun, answer_checkin, followup_lines, followups, open_checkin, schedule_checkins, send_due_checkins  # noqa: E402
from docassemble.MediationAgreement.intake import IntakeAnswers, ScreeningAnswers, open_intake, submit_intake, submit_screening  # noqa: E402
from docassemble.MediationAgreement.notices import SmtpMailer  # noqa: E402
from docassemble.MediationAgreement.review import approve, finalize, issue_draft, sign  # noqa: E402
from docassemble.MediationAgreement.signing.signatures import SigningConfig, capture_signature  # noqa: E402
from docassemble.MediationAgreement.store import CaseStore, generate_key  # noqa: E402

from .conftest import ROOT, run_cli  # noqa: E402
from .smtp_mailbox import SmtpServer  # noqa: E402
from .test_parent_intake import DAVID_ANSWERS, MARIA_ANSWERS, SECRET_NOTE, load_setup, sign_agreement  # noqa: E402

BASE = "https://da.example.org"
HOW_IT_GOES = {"schedule": "mostly", "payments": "late", "exchanges": "yes", "help": "call"}
PRIVATE = "Quetzal-note: payments stopped in March"


def link_for(case_id: str, token: str, stage: str) -> str:
    name = {"intake": "parent_intake", "checkin": "parent_checkin"}.get(stage, "parent_review")
    return f"{BASE}/interview?i=docassemble.MediationAgreement:data/questions/{name}.yml&case={case_id}&token={token}"


class Sealed:
    """A case from intake to the sealed agreement, on a clock the test moves."""

    def __init__(self, tmp_path: Path, *, days_ago: int = 0, adjust: Any = None, url: str | None = None, key: str | None = None) -> None:
        from pki import make_pki

        self.now = datetime.now(UTC).replace(microsecond=0) - timedelta(days=days_ago)
        self.key = key or generate_key()
        self.url = url or f"sqlite:///{tmp_path / 'cases.db'}"
        self.store = CaseStore(self.url, self.key, clock=lambda: self.now)
        opened = open_intake(self.store, load_setup())
        self.case_id = opened.case_id
        self.tokens = {p: t.token for p, t in opened.tokens.items()}
        for party, facts in (("a", MARIA_ANSWERS), ("b", DAVID_ANSWERS)):
            sign_agreement(self.store, self.case_id, self.tokens[party])
            submit_screening(self.store, self.case_id, self.tokens[party], ScreeningAnswers())
            submit_intake(self.store, self.case_id, self.tokens[party], IntakeAnswers.model_validate(facts))
        case = load_case(ROOT / "examples/cases/joint-two-children.yml")
        if adjust is not None:
            case = adjust(case)
        version = issue_draft(self.store, self.case_id, case=case)
        for party in ("a", "b"):
            approve(self.store, self.case_id, self.tokens[party], draft=1)
        for party, name in (("a", case.parent_a.full_name), ("b", case.parent_b.full_name)):
            capture = capture_signature(party, method="typed", typed_name=name, intent_confirmed=True, consent_text="I agree to sign electronically.")
            sign(self.store, self.case_id, capture, token=self.tokens[party], draft=1, sha256=version.sha256)
        capture = capture_signature("mediator", method="typed", typed_name=case.mediator.full_name, intent_confirmed=True, consent_text="I agree to sign electronically.")
        sign(self.store, self.case_id, capture, token=None, draft=1)
        self.pki = make_pki().write(tmp_path / "pki")
        self.seal = SigningConfig.from_paths(self.pki["key"], self.pki["cert"])
        finalize(self.store, self.case_id, config=self.seal)

    def later(self, days: float) -> None:
        self.now = self.now + timedelta(days=days)


def test_check_ins_fall_due_go_out_and_are_answered_privately(tmp_path: Path, smtp_server: SmtpServer) -> None:
    case = Sealed(tmp_path)
    mailer = SmtpMailer(smtp_server.url, "office@example.org")
    with pytest.raises(StoreError, match="different numbers of days"):
        schedule_checkins(case.store, case.case_id, (30, 30))
    schedule_checkins(case.store, case.case_id, (30, 90))
    case.later(29)
    assert send_due_checkins(case.store, mailer=mailer, link_for=link_for) == CheckinRun()  # not yet
    case.later(1)
    run = send_due_checkins(case.store, mailer=mailer, link_for=link_for)
    sent = run.sent
    # David agreed to e-mail and said it is safe; Maria's own intake left it unchecked: she is reached another way.
    assert [(s.party, s.number) for s in sent] == [("b", 1)]
    assert run.not_emailed == [(case.case_id, "a")] and run.failed == []
    (message,) = smtp_server.mailbox.received
    assert message.recipients == ["david@example.com"] and "check-in" in message.text and "David" not in message.text
    token = parse_qs(urlsplit(re.search(r"https://\S+", message.text).group(0)).query)["token"][0]  # type: ignore[union-attr]
    assert send_due_checkins(case.store, mailer=mailer, link_for=link_for).sent == []  # once

    waiting = open_checkin(case.store, case.case_id, token)
    assert waiting is not None and waiting.number == 1
    with pytest.raises(CaseValidationError) as caught:
        answer_checkin(case.store, case.case_id, token, 1, {**HOW_IT_GOES, "payments": "sometimes"})
    assert caught.value.problems[0].field_path == "answers.payments"
    answered = answer_checkin(case.store, case.case_id, token, 1, HOW_IT_GOES, PRIVATE)
    assert answered.problem and answered.state == "answered (problem reported)"
    with pytest.raises(StoreError, match="you answered check-in 1"):
        answer_checkin(case.store, case.case_id, token, 1, HOW_IT_GOES)
    assert open_checkin(case.store, case.case_id, token) is None

    case.later(60)
    sent = send_due_checkins(case.store, mailer=mailer, link_for=link_for).sent
    assert [(s.party, s.number) for s in sent] == [("b", 2)]
    lines = "\n".join(followup_lines(followups(case.store, case.case_id), {"a": "Maria", "b": "David"}))
    assert "check-in 1 (30 days) for David" in lines and "answered (problem reported)" in lines
    assert "Is child support being paid as agreed? Late or partly" in lines and PRIVATE in lines
    assert "check-in 2 (90 days) for David" in lines and "sent, not answered" in lines

    # The answers are salted private events: nothing Maria can open, and no document, carries them.
    answered_event = next(e for e in case.store.events(case.case_id) if e.kind == "checkin_answered")
    assert len(answered_event.payload["salt"]) == 32
    final = case.store.session(case.case_id)
    with final as session:
        pdf = session.final().pdf  # type: ignore[union-attr]
    assert PRIVATE.encode() not in pdf and b"Late or partly" not in pdf


def test_check_ins_only_after_the_seal_and_from_the_command_line(tmp_path: Path, smtp_server: SmtpServer) -> None:
    case = Sealed(tmp_path)
    env = {"MEDIATION_STORE_KEY": case.key, "MEDIATION_STORE_URL": case.url, "MEDIATION_SMTP_URL": smtp_server.url, "MEDIATION_MAIL_FROM": "office@example.org"}
    set_them = run_cli("case", "followups", case.case_id, "--schedule", "30,90", env=env)
    assert set_them.code == 0, set_them.err
    assert "check-ins set at 30, 90 days" in set_them.out and "scheduled" in set_them.out
    bad = run_cli("case", "followups", case.case_id, "--schedule", "thirty", env=env)
    assert bad.code == 2 and "--schedule takes days" in bad.err
    later = (case.now + timedelta(days=31)).strftime("%Y-%m-%dT%H:%M:%SZ")
    run = run_cli("case", "remind", "--now", later, "--base-url", BASE, env=env)
    assert "sent 1 check-in" in run.out and "reach this parent another way" in run.err, run.out + run.err
    assert run.code == 0  # a parent without e-mail consent is the office's to reach, not a failure
    assert len(smtp_server.mailbox.received) == 1


def test_a_case_not_yet_sealed_has_no_check_ins(tmp_path: Path) -> None:
    store = CaseStore(f"sqlite:///{tmp_path / 'cases.db'}", generate_key())
    opened = open_intake(store, load_setup())
    with pytest.raises(StoreError, match="not sealed yet"):
        schedule_checkins(store, opened.case_id)


def test_a_parent_answers_the_check_in_on_their_phone(tmp_path: Path, smtp_server: SmtpServer) -> None:
    case = Sealed(tmp_path)
    h.setup({"mediation agreement": {"store url": case.url, "store key": case.key}})
    schedule_checkins(case.store, case.case_id, (30,))
    case.later(30)
    mailer = SmtpMailer(smtp_server.url, "office@example.org")
    send_due_checkins(case.store, mailer=mailer, link_for=link_for)
    token = parse_qs(urlsplit(re.search(r"https://\S+", smtp_server.mailbox.received[0].text).group(0)).query)["token"][0]  # type: ignore[union-attr]
    # The interview's store runs on the real clock, 30 days behind the test's: the new link is not expired there either.
    driver = h.InterviewDriver("parent_checkin.yml", url_args={"case": case.case_id, "token": token})
    screen = driver.screen()
    assert screen.id == "check-in questions" and "Quick exit" in (screen.status.extras.get("pre text") or "")
    given: dict[str, Any] = {f"checkin_answers['{k}']": v for k, v in HOW_IT_GOES.items()}
    driver.answer({**given, "checkin_note": PRIVATE})
    assert driver.screen().id == "check-in done"
    (mine,) = followups(case.store, case.case_id)[1:]  # David's
    assert mine.answers == HOW_IT_GOES and mine.note == PRIVATE
    # Maria's link opens no check-in (none was sent to her), and shows nothing of David's.
    other = h.InterviewDriver("parent_checkin.yml", url_args={"case": case.case_id, "token": case.tokens["a"]})
    shown = other.screen()
    assert PRIVATE not in shown.subquestion_text and SECRET_NOTE not in shown.subquestion_text


def test_the_timeline_tells_the_case_in_order_and_nothing_private(tmp_path: Path, smtp_server: SmtpServer) -> None:
    from docassemble.MediationAgreement.followup import timeline

    case = Sealed(tmp_path)
    schedule_checkins(case.store, case.case_id, (30,))
    case.later(30)
    send_due_checkins(case.store, mailer=SmtpMailer(smtp_server.url, "office@example.org"), link_for=link_for)
    token = parse_qs(urlsplit(re.search(r"https://\S+", smtp_server.mailbox.received[0].text).group(0)).query)["token"][0]  # type: ignore[union-attr]
    answer_checkin(case.store, case.case_id, token, 1, HOW_IT_GOES, PRIVATE)
    moments = timeline(case.store, case.case_id)
    phases = [m.phase for m in moments if m.phase != "links"]
    assert phases == sorted(phases, key=["intake", "drafts", "signatures", "check-ins"].index)  # the life of the case, in order
    texts = [m.text for m in moments]
    assert texts[0] == "case opened for each parent's intake"
    # (names as the case gives them now: the draft came from the joint example, where the parents are Mother and Father)
    assert "Mother signed the agreement to mediate" in texts and "Mother answered the safety questions (private)" in texts
    assert "draft 1 issued" in texts and "the executed agreement was sealed (draft 1)" in texts
    assert "check-in 1 sent to Father" in texts and "Father answered check-in 1 (private)" in texts
    everything = "\n".join(texts)
    for secret in (PRIVATE, SECRET_NOTE, "Late or partly", "afraid"):
        assert secret not in everything
    env = {"MEDIATION_STORE_KEY": case.key, "MEDIATION_STORE_URL": case.url}
    printed = run_cli("case", "timeline", case.case_id, env=env)
    assert printed.code == 0 and "intake      Mother signed the agreement to mediate" in printed.out and "new link" not in printed.out
    assert "new link for" in run_cli("case", "timeline", case.case_id, "--all", env=env).out


def test_a_parent_not_emailed_gets_their_check_in_link_by_hand(tmp_path: Path) -> None:
    case = Sealed(tmp_path)
    schedule_checkins(case.store, case.case_id, (30,))
    env = {"MEDIATION_STORE_KEY": case.key, "MEDIATION_STORE_URL": case.url}
    early = run_cli("case", "followups", case.case_id, "--hand-out", "a", "--base-url", BASE, env=env)
    assert early.code == 2 and "no check-in due now" in early.err  # the store's clock: 30 days have not passed
    case.later(30)
    from docassemble.MediationAgreement.followup import hand_out_checkin

    url, item = hand_out_checkin(case.store, case.case_id, "a", link_for=link_for)
    token = parse_qs(urlsplit(url).query)["token"][0]
    assert item.number == 1 and open_checkin(case.store, case.case_id, token).number == 1  # type: ignore[union-attr]
    answer_checkin(case.store, case.case_id, token, 1, HOW_IT_GOES)
    (maria, _david) = followups(case.store, case.case_id)
    assert maria.party == "a" and maria.answered_at is not None
    channel = [e.payload["channel"] for e in case.store.events(case.case_id) if e.kind == "checkin_sent"]
    assert channel == ["by hand"]
