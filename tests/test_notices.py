"""Messages to parents over a real SMTP server on 127.0.0.1: opt-in, nameless, logged, reminded.

The mail server is aiosmtpd, started per test (tests/mailbox.py); the case
store is a real one; the clock is set by the test, so a reminder due in
thirteen days is checked without waiting.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

pytest.importorskip("aiosmtpd")

from docassemble.MediationAgreement.case.model import load_case  # noqa: E402
from docassemble.MediationAgreement.errors import DeliveryError  # noqa: E402
from docassemble.MediationAgreement.intake import IntakeAnswers, ScreeningAnswers, intake_for_token, open_intake, submit_intake, submit_screening  # noqa: E402
from docassemble.MediationAgreement.notices import SmtpMailer, notify_approved, notify_draft, notify_final, send_link, send_reminders, sent_log  # noqa: E402
from docassemble.MediationAgreement.review import approve, issue_draft, link_status, open_case, tokens  # noqa: E402
from docassemble.MediationAgreement.store import CaseStore, generate_key  # noqa: E402

from .conftest import EXAMPLES, ROOT, run_cli  # noqa: E402
from .smtp_mailbox import SmtpServer  # noqa: E402
from .test_parent_intake import DAVID_ANSWERS, MARIA_ANSWERS, load_setup, sign_agreement  # noqa: E402

BASE = "https://da.example.org"
SENDER = "no-reply@office.example.org"
MARIA, DAVID = "maria.lopez@example.com", "david.lopez@example.com"


def link_for(case_id: str, token: str, stage: str) -> str:
    name = "parent_intake" if stage == "intake" else "parent_review"
    return f"{BASE}/interview?i=docassemble.MediationAgreement:data/questions/{name}.yml&case={case_id}&token={token}"


def token_in(text: str) -> tuple[str, str, str]:
    url = re.search(r"https://\S+", text).group(0)  # type: ignore[union-attr]
    query = parse_qs(urlsplit(url).query)
    return query["i"][0], query["case"][0], query["token"][0]


class Office:
    def __init__(self, tmp_path: Path, *, now: datetime | None = None) -> None:
        self.key = generate_key()
        self.url = f"sqlite:///{tmp_path / 'cases.db'}"
        self.now = now or datetime.now(UTC).replace(microsecond=0)
        self.store = CaseStore(self.url, self.key, clock=lambda: self.now)

    def later(self, delta: timedelta) -> None:
        self.now = self.now + delta


@pytest.fixture
def smtp(smtp_server: SmtpServer) -> SmtpServer:
    return smtp_server


def mailer(smtp: SmtpServer) -> SmtpMailer:
    return SmtpMailer(smtp.url, SENDER)


def test_each_consenting_parent_gets_a_nameless_message_with_a_working_link(tmp_path: Path, smtp: SmtpServer) -> None:
    office = Office(tmp_path)
    opened = open_intake(office.store, load_setup())
    sent = [send_link(office.store, opened.case_id, p, mailer=mailer(smtp), link_for=link_for) for p in "ab"]
    assert [s.notice for s in sent if s] == ["intake_link", "intake_link"]
    (to_maria,) = smtp.mailbox.to(MARIA)
    assert to_maria.message["Subject"] == "A message from Maricopa County Child Support Mediation Program"
    assert to_maria.sender == SENDER
    words = re.sub(r"https://\S+", "", to_maria.text + to_maria.message["Subject"]).replace("Maricopa County Child Support Mediation Program", "")
    for word in ("Maria", "David", "Lopez", "mediat", "safety", "custody", "support", "agreement"):
        assert word.lower() not in words.lower(), word  # the office's own name aside, the message says nothing
    interview, case_id, token = token_in(to_maria.text)
    assert interview.endswith("parent_intake.yml") and case_id == opened.case_id
    assert intake_for_token(office.store, case_id, token).party == "a"  # the link in the message opens Maria's intake
    events = office.store.events(opened.case_id)
    logged = [e for e in events if e.kind == "link_sent"]
    assert [(e.payload["party"], e.payload["channel"], e.payload["notice"]) for e in logged] == [("a", "email", "intake_link"), ("b", "email", "intake_link")]
    assert all("@" not in repr(e.payload) for e in events if e.kind in ("link_sent", "token_issued"))


def test_no_message_without_the_parents_consent_or_after_they_say_email_is_not_safe(tmp_path: Path, smtp: SmtpServer) -> None:
    office = Office(tmp_path)
    setup = load_setup()
    setup = setup.model_copy(update={"parent_b": setup.parent_b.model_copy(update={"send_by_email": False})})
    opened = open_intake(office.store, setup)
    assert send_link(office.store, opened.case_id, "b", mailer=mailer(smtp), link_for=link_for) is None
    assert smtp.mailbox.received == [] and [e for e in office.store.events(opened.case_id) if e.kind == "token_issued"][2:] == []
    # Maria's own intake says e-mail is not safe for her: nothing more is sent to her, whatever the mediator recorded.
    token = opened.tokens["a"].token
    sign_agreement(office.store, opened.case_id, token)
    submit_screening(office.store, opened.case_id, token, ScreeningAnswers())
    submit_intake(office.store, opened.case_id, token, IntakeAnswers.model_validate(MARIA_ANSWERS))  # safe_to_email left unchecked
    assert send_link(office.store, opened.case_id, "a", mailer=mailer(smtp), link_for=link_for) is None
    assert smtp.mailbox.received == []


def test_the_address_a_parent_gives_in_their_own_intake_wins(tmp_path: Path, smtp: SmtpServer) -> None:
    office = Office(tmp_path)
    opened = open_intake(office.store, load_setup())
    token = opened.tokens["b"].token
    sign_agreement(office.store, opened.case_id, token)
    submit_screening(office.store, opened.case_id, token, ScreeningAnswers())
    submit_intake(office.store, opened.case_id, token, IntakeAnswers.model_validate({**DAVID_ANSWERS, "contact": {"email": "dj@example.net", "safe_to_email": True}}))
    send_link(office.store, opened.case_id, "b", mailer=mailer(smtp), link_for=link_for)
    assert [r.recipients for r in smtp.mailbox.received] == [["dj@example.net"]]


def test_a_case_opened_without_intake_is_never_emailed(tmp_path: Path, smtp: SmtpServer) -> None:
    office = Office(tmp_path)
    opened = open_case(office.store, load_case(EXAMPLES / "joint-two-children.yml"))
    issue_draft(office.store, opened.case_id)
    assert notify_draft(office.store, opened.case_id, mailer=mailer(smtp), link_for=link_for) == []
    assert smtp.mailbox.received == []


def test_the_notices_each_step_promises(tmp_path: Path, smtp: SmtpServer) -> None:
    office = Office(tmp_path)
    opened = open_intake(office.store, load_setup())
    issue_draft(office.store, opened.case_id, case=load_case(EXAMPLES / "joint-two-children.yml"))
    sent = notify_draft(office.store, opened.case_id, mailer=mailer(smtp), link_for=link_for)
    assert {s.party for s in sent} == {"a", "b"}
    interview, case_id, token = token_in(smtp.mailbox.to(MARIA)[-1].text)
    assert interview.endswith("parent_review.yml")
    assert link_status(office.store, case_id, token).stage == "review"  # a new link, straight to the draft
    approve(office.store, case_id, token, draft=1)
    assert [s.party for s in notify_approved(office.store, case_id, "a", mailer=mailer(smtp))] == ["b"]
    assert "update" in smtp.mailbox.to(DAVID)[-1].text and "https://" not in smtp.mailbox.to(DAVID)[-1].text
    notify_final(office.store, case_id, mailer=mailer(smtp))
    assert "papers are ready" in smtp.mailbox.to(MARIA)[-1].text
    assert [s.notice for s in sent_log(office.store, case_id)] == ["draft_ready", "draft_ready", "other_approved", "final", "final"]


def test_a_message_the_mail_server_refuses_records_nothing(tmp_path: Path, smtp: SmtpServer) -> None:
    office = Office(tmp_path)
    opened = open_intake(office.store, load_setup())
    smtp.mailbox.refuse.add(MARIA)
    before = office.store.events(opened.case_id)
    with pytest.raises(DeliveryError, match="did not take the message") as caught:
        send_link(office.store, opened.case_id, "a", mailer=mailer(smtp), link_for=link_for)
    assert MARIA not in str(caught.value)
    assert office.store.events(opened.case_id) == before and len(tokens(office.store, opened.case_id)) == 2
    with pytest.raises(DeliveryError):
        send_link(office.store, opened.case_id, "a", mailer=SmtpMailer(f"smtp://127.0.0.1:{smtp.port + 1}", SENDER, timeout=2), link_for=link_for)


def test_reminders_go_once_two_days_before_a_link_stops_to_parents_with_something_left_to_do(tmp_path: Path, smtp: SmtpServer) -> None:
    office = Office(tmp_path)
    opened = open_intake(office.store, load_setup())
    token = opened.tokens["b"].token  # David finishes his intake; Maria does nothing
    sign_agreement(office.store, opened.case_id, token)
    submit_screening(office.store, opened.case_id, token, ScreeningAnswers())
    submit_intake(office.store, opened.case_id, token, IntakeAnswers.model_validate({**DAVID_ANSWERS, "contact": {"email": DAVID, "safe_to_email": True}}))
    assert send_reminders(office.store, mailer=mailer(smtp)) == ([], [])  # fourteen days left: too early
    office.later(timedelta(days=12, hours=1))
    sent, failed = send_reminders(office.store, mailer=mailer(smtp))
    assert [(s.party, s.notice) for s in sent] == [("a", "link_expiring")] and failed == []
    (reminder,) = smtp.mailbox.to(MARIA)
    expires = opened.tokens["a"].expires_at
    assert f"{expires:%B} {expires.day}, {expires.year}" in reminder.text and "https://" not in reminder.text
    assert send_reminders(office.store, mailer=mailer(smtp)) == ([], [])  # once per link
    office.later(timedelta(days=2))
    assert send_reminders(office.store, mailer=mailer(smtp)) == ([], [])  # expired: nothing to remind of


def test_the_command_line_sends_links_and_reminders(tmp_path: Path, smtp: SmtpServer) -> None:
    key = generate_key()
    env = {"MEDIATION_STORE_KEY": key, "MEDIATION_STORE_URL": f"sqlite:///{tmp_path / 'cases.db'}", "MEDIATION_SMTP_URL": smtp.url, "MEDIATION_MAIL_FROM": SENDER}
    opened = run_cli("case", "intake", ROOT / "examples/intake/setup.yml", env=env)
    case_id = re.search(r"opened case (\S+)", opened.out).group(1)  # type: ignore[union-attr]
    result = run_cli("case", "send-links", case_id, "--base-url", BASE, env=env)
    assert result.code == 0, result.err
    assert "e-mailed Maria (Maria Elena Lopez) a new link to their intake" in result.out and MARIA not in result.out
    assert len(smtp.mailbox.received) == 2
    later = (datetime.now(UTC) + timedelta(days=13)).strftime("%Y-%m-%dT%H:%M:%SZ")
    reminded = run_cli("case", "remind", "--now", later, env=env)
    assert reminded.code == 0, reminded.err
    assert "sent 2 reminders" in reminded.out  # one to each parent, about their newest link
    assert len(smtp.mailbox.received) == 4
    bad = run_cli("case", "send-links", case_id, "--base-url", BASE, env={**env, "MEDIATION_SMTP_URL": "mailto:x"})
    assert bad.code == 2 and "not an SMTP server address" in bad.err and "Traceback" not in bad.err
