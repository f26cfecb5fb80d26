"""Review rounds end to end: tokens, comments, approvals, signatures, finalising — on SQLite and PostgreSQL.

Drafts here are rendered as plain text (fast); the tests that seal a real PDF
use the real renderer and a throwaway PKI (tests/pki.py).
"""

from __future__ import annotations

import base64
import hashlib
import re
import shutil
import subprocess
import sys
import threading
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import pytest
from pki import make_pki
from postgres import postgres_server, postgres_url, store_url  # noqa: F401 (fixtures)
from sqlalchemy import create_engine, text

from docassemble.MediationAgreement.assembly.document import to_plain_text
from docassemble.MediationAgreement.case.model import Case, load_case
from docassemble.MediationAgreement.cli.demo import demo_signature_png
from docassemble.MediationAgreement.errors import MediationError, SignatureError, StoreError
from docassemble.MediationAgreement.review import (
    DEFAULT_CONSENT_TEXT,
    SIGNER_ACKNOWLEDGEMENT,
    LinkStatus,
    add_comment,
    approve,
    case_state,
    consent_text,
    executed_for_token,
    finalize,
    issue_draft,
    issue_token,
    link_status,
    open_case,
    open_draft,
    redline_for,
    request_changes,
    revoke_token,
    sign,
    state_for_token,
)
from docassemble.MediationAgreement.signing.signatures import SigningConfig, capture_signature
from docassemble.MediationAgreement.store import CaseStore, generate_key

from .conftest import ROOT, run_cli

LIBS = [ROOT / "tests" / "libraries" / "base", ROOT / "tests" / "libraries" / "review"]
CASE_FILE = ROOT / "tests" / "cases" / "minimal.yml"
START = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)


def text_render(doc) -> bytes:  # noqa: ANN001 - a Renderer
    return to_plain_text(doc).encode("utf-8")


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def store_key() -> str:
    return generate_key()


@pytest.fixture
def store(store_url: str, store_key: str, clock: Clock):  # noqa: F811
    with CaseStore(store_url, store_key, clock=clock) as s:
        yield s


@pytest.fixture
def case() -> Case:
    return load_case(CASE_FILE)


@dataclass
class Round:
    case_id: str
    a: str
    b: str
    sha1: str


def start(store: CaseStore, case: Case) -> Round:
    opened = open_case(store, case)
    d1 = issue_draft(store, opened.case_id, libraries=LIBS, render=text_render)
    return Round(opened.case_id, opened.tokens["a"].token, opened.tokens["b"].token, d1.sha256)


NAMES = {"a": "Alex Rivera", "b": "Sam Rivera", "mediator": "Dana Whitfield"}
"""Each signer's legal name in tests/cases/minimal.yml: a typed signature must be that name."""


def typed(party: str, name: str | None = None):  # noqa: ANN201
    return capture_signature(party, method="typed", typed_name=name or NAMES[party], intent_confirmed=True, consent_text=DEFAULT_CONSENT_TEXT)


def later(case: Case, hour: int = 17) -> Case:
    return case.model_copy(update={"parenting_time": case.parenting_time.model_copy(update={"exchange_time": time(hour, 0)})})


def snapshot(store: CaseStore, case_id: str) -> tuple:
    """Everything a refused request must leave as it was."""
    with store.session(case_id) as s:
        return (
            [e.hash for e in s.events()],
            [(t.token_id, t.revoked_at, t.spent_at) for t in s.tokens()],
            s.draft_numbers(),
            s.final(),
            s.record.head_hash,
        )


def refused(store: CaseStore, case_id: str, call, match: str, error: type[MediationError] = StoreError) -> None:  # noqa: ANN001
    before = snapshot(store, case_id)
    with pytest.raises(error, match=match):
        call()
    assert snapshot(store, case_id) == before, "a refused request changed the store"


# --------------------------------------------------------------------------- the whole round


def test_whole_round(store: CaseStore, case: Case, clock: Clock) -> None:
    r = start(store, case)
    assert case_state(store, r.case_id).next_step().startswith("draft 1: waiting for")
    open_draft(store, r.case_id, r.a)
    c1 = add_comment(store, r.case_id, token=r.a, draft=1, section="Section 3.1.", text="Could exchanges be at 5 p.m.?")
    assert (c1.section, c1.clause_id) == ("3.1", "exchanges.time")
    request_changes(store, r.case_id, r.a, draft=1, reason="exchange time")
    approve(store, r.case_id, r.b, draft=1, sha256=r.sha1)
    assert case_state(store, r.case_id).approved_by == ["b"]

    clock.advance(days=1)
    d2 = issue_draft(store, r.case_id, case=later(case), libraries=LIBS, render=text_render)
    assert d2.number == 2 and d2.sha256 != r.sha1
    state = case_state(store, r.case_id)
    assert state.approved_by == [] and state.decisions == {}, "a new draft resets approvals"

    red = redline_for(store, r.case_id, 2)
    change = next(p for p in red.changes if p.key == "clause:exchanges.time")
    assert [s.text.strip() for s in change.body if s.op == "delete"] == ["6:00"]
    assert [s.text for s in change.body if s.op == "insert"] == ["5:00"]
    assert [c.comment_id for c in change.answers] == [c1.seq]

    approve(store, r.case_id, r.a, draft=2)
    approve(store, r.case_id, r.b, draft=2, sha256=d2.sha256)
    drawn = capture_signature("a", method="drawn", image_png=demo_signature_png(), intent_confirmed=True, consent_text=DEFAULT_CONSENT_TEXT)
    event = sign(store, r.case_id, drawn, token=r.a, draft=2, client={"ip": "203.0.113.9", "user_agent": "Phone"})
    p = event.payload
    assert (p["party"], p["method"], p["draft_sha256"], p["draft"], p["client"]) == ("a", "drawn", d2.sha256, 2, {"ip": "203.0.113.9", "user_agent": "Phone"})
    assert p["consent_text"] == DEFAULT_CONSENT_TEXT and len(p["consent_sha256"]) == 64
    assert event.at == clock.now.replace(microsecond=0)
    sign(store, r.case_id, typed("b", "Sam Rivera"), token=r.b, draft=2)
    sign(store, r.case_id, typed("mediator", "Dana Whitfield"), token=None, draft=2)
    assert case_state(store, r.case_id).next_step().endswith("ready to finalize (`case finalize`)")

    seen = {}

    def build(doc, captures, events, config) -> bytes:  # noqa: ANN001
        seen.update(doc=doc, captures=captures, events=events)
        return b"%PDF-1.7 executed"

    final, already = finalize(store, r.case_id, config=object(), build=build)
    assert not already and final.pdf == b"%PDF-1.7 executed" and final.draft == 2
    assert set(seen["captures"]) == {"a", "b", "mediator"} and seen["captures"]["a"].image_png == drawn.image_png
    assert "5:00 p.m." in to_plain_text(seen["doc"])
    kinds = [e.kind for e in store.events(r.case_id)]
    assert kinds[-4:] == ["signed", "signed", "signed", "finalized"]
    assert store.audit(r.case_id) == []
    assert store.case(r.case_id).status == "final"
    again, already = finalize(store, r.case_id, config=object(), build=build)
    assert already and again.sha256 == final.sha256
    refused(store, r.case_id, lambda: add_comment(store, r.case_id, token=None, draft=2, section="1.1", text="late"), "is finalized")


# --------------------------------------------------------------------------- tokens


def test_tokens_are_unguessable_and_stored_only_as_hashes(store: CaseStore, case: Case) -> None:
    r = start(store, case)
    for token in (r.a, r.b):
        assert token.startswith("mat_")
        assert len(base64.urlsafe_b64decode(token[4:] + "==")) * 8 >= 128
    engine = create_engine(store.url)
    with engine.connect() as conn:
        stored = [str(v) for row in conn.execute(text("SELECT * FROM ma_tokens")) for v in row]
        events = [bytes(row[0]) for row in conn.execute(text("SELECT payload FROM ma_events"))]
    engine.dispose()
    assert not any(r.a in v or r.b in v for v in stored)
    assert not any(r.a.encode() in e for e in events)


def test_wrong_revoked_expired_and_foreign_tokens_are_refused(store: CaseStore, case: Case, clock: Clock) -> None:
    r = start(store, case)
    other = start(store, case)
    comment = lambda token: lambda: add_comment(store, r.case_id, token=token, draft=1, section="1.1", text="hi")  # noqa: E731
    refused(store, r.case_id, comment("mat_" + "x" * 32), "unknown token")
    refused(store, r.case_id, comment(""), "link token is needed")
    refused(store, r.case_id, comment(other.a), "belongs to a different case")
    refused(store, r.case_id, lambda: approve(store, r.case_id, other.b, draft=1), "belongs to a different case")
    with store.session(r.case_id) as session:
        token_id = next(t.token_id for t in session.tokens() if t.party == "b")
    revoke_token(store, r.case_id, token_id)
    refused(store, r.case_id, comment(r.b), "revoked")
    refused(store, r.case_id, lambda: state_for_token(store, r.case_id, r.b), "revoked")
    refused(store, r.case_id, lambda: revoke_token(store, r.case_id, token_id), "already revoked")
    refused(store, r.case_id, lambda: revoke_token(store, r.case_id, "nope"), "has no token 'nope'")
    fresh = issue_token(store, r.case_id, "b", days=2)
    add_comment(store, r.case_id, token=fresh.token, draft=1, section="1.1", text="with my new link")
    clock.advance(days=15)
    refused(store, r.case_id, comment(r.a), "expired")
    refused(store, r.case_id, comment(fresh.token), "expired")
    refused(store, r.case_id, lambda: issue_token(store, r.case_id, "c"), "unknown party 'c'")


def test_a_token_used_to_sign_cannot_be_reused(store: CaseStore, case: Case) -> None:
    r = start(store, case)
    approve(store, r.case_id, r.a, draft=1)
    approve(store, r.case_id, r.b, draft=1)
    sign(store, r.case_id, typed("a"), token=r.a, draft=1)
    refused(store, r.case_id, lambda: sign(store, r.case_id, typed("a"), token=r.a, draft=1), "already used to sign")
    refused(store, r.case_id, lambda: add_comment(store, r.case_id, token=r.a, draft=1, section="1.1", text="x"), "already used to sign")


def test_a_spent_link_still_reads_its_own_case_and_fetches_the_executed_agreement(store: CaseStore, case: Case, clock: Clock) -> None:
    r = start(store, case)
    assert link_status(store, r.case_id, r.a) == LinkStatus("review", party="a", draft=1)
    approve(store, r.case_id, r.a, draft=1)
    approve(store, r.case_id, r.b, draft=1)
    sign(store, r.case_id, typed("a"), token=r.a, draft=1)
    assert state_for_token(store, r.case_id, r.a).viewer == "a"  # reading only: nothing can be changed with it
    assert link_status(store, r.case_id, r.a) == LinkStatus("signed", party="a", draft=1)
    assert link_status(store, r.case_id, r.b).stage == "review"
    refused(store, r.case_id, lambda: executed_for_token(store, r.case_id, r.a), "not final yet")
    sign(store, r.case_id, typed("b"), token=r.b, draft=1)
    sign(store, r.case_id, typed("mediator"), token=None, draft=1)
    final, _ = finalize(store, r.case_id, config=object(), build=lambda *a: b"%PDF-1.7 executed")
    for token in (r.a, r.b):
        assert executed_for_token(store, r.case_id, token).pdf == b"%PDF-1.7 executed"
    assert link_status(store, r.case_id, r.b) == LinkStatus("final", party="b", draft=1)
    other = open_case(store, case)
    refused(store, other.case_id, lambda: executed_for_token(store, other.case_id, r.a), "different case")
    assert link_status(store, other.case_id, r.a).stage == "problem"
    clock.advance(days=15)  # links still expire
    refused(store, r.case_id, lambda: executed_for_token(store, r.case_id, r.a), "expired")
    assert "expired" in link_status(store, r.case_id, r.a).problem


# --------------------------------------------------------------------------- comments and visibility


def test_comment_input_is_checked(store: CaseStore, case: Case) -> None:
    r = start(store, case)
    refused(store, r.case_id, lambda: add_comment(store, r.case_id, token=r.a, draft=1, section="9.9", text="?"), r"no section '9.9'.*sections are 1\.1, 2\.1")
    refused(store, r.case_id, lambda: add_comment(store, r.case_id, token=r.a, draft=1, section="1.1", text="   "), "empty")
    refused(store, r.case_id, lambda: add_comment(store, r.case_id, token=r.a, draft=1, section="1.1", text="x" * 5000), "limit is 4000")
    refused(store, r.case_id, lambda: add_comment(store, r.case_id, token=r.a, draft=7, section="1.1", text="x"), "no draft 7")
    with pytest.raises(StoreError, match="unknown case 'c-unknown'"):
        add_comment(store, "c-unknown", token=r.a, draft=1, section="1.1", text="x")
    issue_draft(store, r.case_id, case=later(case), libraries=LIBS, render=text_render)
    refused(store, r.case_id, lambda: add_comment(store, r.case_id, token=r.a, draft=1, section="1.1", text="x"), "superseded by draft 2")


def test_private_notes_reach_the_mediator_only(store: CaseStore, case: Case) -> None:
    r = start(store, case)
    add_comment(store, r.case_id, token=r.a, draft=1, section="3.1", text="shared from A")
    add_comment(store, r.case_id, token=r.b, draft=1, section="3.1", text="PRIVATE from B", private=True)
    add_comment(store, r.case_id, token=None, draft=1, section="3.1", text="mediator reply")
    texts = lambda state: [c.text for c in state.comments]  # noqa: E731
    assert texts(state_for_token(store, r.case_id, r.a)) == ["shared from A", "mediator reply"]
    assert texts(state_for_token(store, r.case_id, r.b)) == ["shared from A", "PRIVATE from B", "mediator reply"]
    assert texts(case_state(store, r.case_id)) == ["shared from A", "PRIVATE from B", "mediator reply"]
    issue_draft(store, r.case_id, case=later(case), libraries=LIBS, render=text_render)
    for_parents = redline_for(store, r.case_id, 2)
    answered = [c.text for p in for_parents.changes for c in p.answers] + [c.text for c in for_parents.unanswered]
    assert "PRIVATE from B" not in answered and "shared from A" in answered
    from docassemble.MediationAgreement.review.redline import redline_html

    assert "PRIVATE from B" not in redline_html(for_parents)
    for_mediator = redline_for(store, r.case_id, 2, viewer="mediator")
    assert any(c.text == "PRIVATE from B" and "(private note)" in c.author for p in for_mediator.changes for c in p.answers)


# --------------------------------------------------------------------------- approvals and signatures


def test_approvals_bind_to_the_current_draft(store: CaseStore, case: Case) -> None:
    r = start(store, case)
    refused(store, r.case_id, lambda: approve(store, r.case_id, r.a, draft=1, sha256="0" * 64), "does not match draft 1")
    refused(store, r.case_id, lambda: request_changes(store, r.case_id, r.a, draft=1, reason=" "), "say what should change")
    approve(store, r.case_id, r.a, draft=1)
    approve(store, r.case_id, r.b, draft=1)
    issue_draft(store, r.case_id, case=later(case), libraries=LIBS, render=text_render)
    refused(store, r.case_id, lambda: approve(store, r.case_id, r.a, draft=1, sha256=r.sha1), "superseded by draft 2")
    refused(store, r.case_id, lambda: sign(store, r.case_id, typed("a"), token=r.a, draft=1), "superseded by draft 2")
    refused(store, r.case_id, lambda: sign(store, r.case_id, typed("a"), token=r.a, draft=2), "until both parents have approved draft 2")
    approve(store, r.case_id, r.a, draft=2)
    refused(store, r.case_id, lambda: sign(store, r.case_id, typed("a"), token=r.a, draft=2), r"waiting for Father \(Sam Rivera\)")


def test_signature_rules(store: CaseStore, case: Case) -> None:
    r = start(store, case)
    approve(store, r.case_id, r.a, draft=1)
    approve(store, r.case_id, r.b, draft=1)
    refused(store, r.case_id, lambda: sign(store, r.case_id, typed("b"), token=r.a, draft=1), "this link is for parent A")
    refused(store, r.case_id, lambda: sign(store, r.case_id, typed("a"), token=None, draft=1), "with their own link token")
    refused(store, r.case_id, lambda: sign(store, r.case_id, typed("mediator"), token=None, draft=1), "the mediator signs after both parents")
    refused(store, r.case_id, lambda: finalize(store, r.case_id, config=object(), build=lambda *a: b""), "not signed yet")
    sign(store, r.case_id, typed("a"), token=r.a, draft=1)
    refused(store, r.case_id, lambda: approve(store, r.case_id, r.b, draft=1, sha256="1" * 64), "does not match")
    sign(store, r.case_id, typed("b"), token=r.b, draft=1)
    sign(store, r.case_id, typed("mediator"), token=None, draft=1)
    refused(store, r.case_id, lambda: sign(store, r.case_id, typed("mediator"), token=None, draft=1), "already signed draft 1")


def test_bad_signature_input_is_refused_before_the_store() -> None:
    with pytest.raises(SignatureError, match="not a PNG"):
        capture_signature("a", method="drawn", image_png=b"GIF89a....", intent_confirmed=True, consent_text="ok")
    with pytest.raises(SignatureError, match="empty"):
        capture_signature("a", method="drawn", image_png=b"", intent_confirmed=True, consent_text="ok")
    with pytest.raises(SignatureError, match="limit"):
        capture_signature("a", method="drawn", image_png=b"\x89PNG\r\n\x1a\n" + b"0" * 600_000, intent_confirmed=True, consent_text="ok")
    with pytest.raises(SignatureError, match="intent"):
        capture_signature("a", method="typed", typed_name="A", intent_confirmed=False, consent_text="ok")


def test_consent_shown_is_the_drafts_electronic_signatures_clause(store: CaseStore, case: Case) -> None:
    r = start(store, case)
    consent = consent_text(store, r.case_id)
    assert consent.startswith("The parents and the mediator may sign this agreement electronically (test office wording).")
    assert consent.endswith(SIGNER_ACKNOWLEDGEMENT)
    approve(store, r.case_id, r.a, draft=1)
    approve(store, r.case_id, r.b, draft=1)
    capture = capture_signature("a", method="typed", typed_name="Alex Rivera", intent_confirmed=True, consent_text=consent)
    event = sign(store, r.case_id, capture, token=r.a, draft=1)
    assert event.payload["consent_text"] == consent
    assert event.payload["consent_sha256"] == hashlib.sha256(consent.encode()).hexdigest()
    bare = open_case(store, case)
    issue_draft(store, bare.case_id, libraries=LIBS[:1], render=text_render)
    assert consent_text(store, bare.case_id) == DEFAULT_CONSENT_TEXT


def test_an_identical_draft_is_not_issued(store: CaseStore, case: Case) -> None:
    r = start(store, case)
    refused(store, r.case_id, lambda: issue_draft(store, r.case_id, libraries=LIBS, render=text_render), "would be identical to draft 1")


# --------------------------------------------------------------------------- finalising: crashes and races


def _signed(store: CaseStore, case: Case) -> Round:
    r = start(store, case)
    approve(store, r.case_id, r.a, draft=1)
    approve(store, r.case_id, r.b, draft=1)
    sign(store, r.case_id, typed("a"), token=r.a, draft=1)
    sign(store, r.case_id, typed("b"), token=r.b, draft=1)
    sign(store, r.case_id, typed("mediator"), token=None, draft=1)
    return r


def test_a_crash_while_finalising_leaves_nothing_and_can_be_resumed(store: CaseStore, case: Case) -> None:
    r = _signed(store, case)

    def crash(*_args: object) -> bytes:
        raise KeyboardInterrupt("power cut while sealing")

    before = snapshot(store, r.case_id)
    with pytest.raises(KeyboardInterrupt):
        finalize(store, r.case_id, config=object(), build=crash)
    assert snapshot(store, r.case_id) == before
    assert store.case(r.case_id).status == "open"
    final, already = finalize(store, r.case_id, config=object(), build=lambda *a: b"%PDF sealed")
    assert not already and final.pdf == b"%PDF sealed"


def test_finalising_refuses_if_the_log_moved_meanwhile(store: CaseStore, case: Case) -> None:
    r = _signed(store, case)

    def racing_build(*_args: object) -> bytes:
        issue_token(store, r.case_id, "a")  # another request lands while the PDF is built
        return b"%PDF sealed"

    with pytest.raises(StoreError, match="changed while the executed agreement was being built"):
        finalize(store, r.case_id, config=object(), build=racing_build)
    assert store.case(r.case_id).status == "open"
    final, _ = finalize(store, r.case_id, config=object(), build=lambda *a: b"%PDF sealed")
    assert final.pdf == b"%PDF sealed"


def test_an_altered_log_stops_every_write(store: CaseStore, case: Case) -> None:
    r = start(store, case)
    add_comment(store, r.case_id, token=r.a, draft=1, section="1.1", text="original words")
    engine = create_engine(store.url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE ma_events SET actor = 'b' WHERE kind = 'comment'"))
    engine.dispose()
    assert any("stored hash does not match" in p for p in case_state(store, r.case_id).chain_problems)
    refused(store, r.case_id, lambda: approve(store, r.case_id, r.b, draft=1), "has been altered; nothing was changed")


# --------------------------------------------------------------------------- concurrency


def test_two_parents_commenting_at_once_lose_nothing(store: CaseStore, store_key: str, case: Case, clock: Clock) -> None:
    r = start(store, case)
    per_parent = 10
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def parent(token: str, who: str) -> None:
        try:
            with CaseStore(store.url, store_key, clock=clock) as mine:  # each parent's request has its own connection (the links were issued on the test's clock)
                barrier.wait()
                for i in range(per_parent):
                    add_comment(mine, r.case_id, token=token, draft=1, section="1.1", text=f"{who} {i}")
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=parent, args=(r.a, "A")), threading.Thread(target=parent, args=(r.b, "B"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    texts = sorted(c.text for c in case_state(store, r.case_id).comments)
    assert texts == sorted(f"{w} {i}" for w in "AB" for i in range(per_parent))
    assert store.audit(r.case_id) == []


def test_two_processes_commenting_at_once_on_sqlite(tmp_path: Path, case: Case) -> None:
    """Two separate processes (as two CLI calls or web workers would be) on one SQLite file."""
    key = generate_key()
    url = f"sqlite:///{tmp_path / 'cases.db'}"
    with CaseStore(url, key) as s:
        r = start(s, case)
    script = (
        "import sys\n"
        "from docassemble.MediationAgreement.store import CaseStore\n"
        "from docassemble.MediationAgreement.review import add_comment\n"
        "url, key, case_id, token, who = sys.argv[1:]\n"
        "with CaseStore(url, key) as s:\n"
        "    for i in range(15):\n"
        "        add_comment(s, case_id, token=token, draft=1, section='1.1', text=f'{who} {i}')\n"
    )
    procs = [subprocess.Popen([sys.executable, "-c", script, url, key, r.case_id, token, who]) for token, who in ((r.a, "A"), (r.b, "B"))]
    assert [p.wait(timeout=120) for p in procs] == [0, 0]
    with CaseStore(url, key) as s:
        assert len(case_state(s, r.case_id).comments) == 30
        assert s.audit(r.case_id) == []


# --------------------------------------------------------------------------- the real seal


@pytest.fixture(scope="module")
def seal_config(tmp_path_factory: pytest.TempPathFactory) -> tuple[SigningConfig, Path]:
    pki = make_pki()
    paths = pki.write(tmp_path_factory.mktemp("pki"))
    return SigningConfig.from_paths(paths["key"], paths["cert"]), paths["ca"]


def test_executed_pdf_verifies_and_tampering_is_caught(store: CaseStore, case: Case, seal_config: tuple[SigningConfig, Path]) -> None:
    from docassemble.MediationAgreement.signing.verify import verify_pdf

    config, ca = seal_config
    opened = open_case(store, case)
    cid = opened.case_id
    ta, tb = opened.tokens["a"].token, opened.tokens["b"].token
    issue_draft(store, cid, libraries=LIBS)  # the real PDF renderer
    approve(store, cid, ta, draft=1)
    approve(store, cid, tb, draft=1)
    sign(store, cid, capture_signature("a", method="drawn", image_png=demo_signature_png(), intent_confirmed=True, consent_text=DEFAULT_CONSENT_TEXT), token=ta, draft=1)
    sign(store, cid, typed("b", "Sam Rivera"), token=tb, draft=1)
    sign(store, cid, typed("mediator", "Dana Whitfield"), token=None, draft=1)
    final, _ = finalize(store, cid, config=config)

    report = verify_pdf(final.pdf, store.events(cid), trust_roots=[ca], store_audit=store.audit(cid))
    assert report.ok, report.failures()

    flipped = bytearray(final.pdf)
    flipped[len(flipped) // 2] ^= 0x01
    assert not verify_pdf(bytes(flipped), store.events(cid)).ok

    engine = create_engine(store.url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE ma_events SET at = '2026-01-01T00:00:00Z' WHERE kind = 'approved' AND actor = 'b'"))
    engine.dispose()
    report = verify_pdf(final.pdf, store.events(cid), trust_roots=[ca], store_audit=store.audit(cid))
    assert {c.name for c in report.failures()} >= {"store log", "store match"}


# --------------------------------------------------------------------------- the command line


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {"MEDIATION_STORE_URL": f"sqlite:///{tmp_path / 'cases.db'}", "MEDIATION_STORE_KEY": KEY_FOR_CLI, **extra}
    env.pop("MEDIATION_TOKEN", None)
    return env


KEY_FOR_CLI = generate_key()
LIB_ARGS = ["--no-default-library", "--library", str(LIBS[0]), "--library", str(LIBS[1])]


def _case_id(out: str) -> str:
    return out.split("opened case ", 1)[1].split(":", 1)[0]


def _token(out: str, who: str) -> str:
    line = next(line for line in out.splitlines() if line.strip().startswith(who))
    return line.split(": ", 1)[1].strip()


def test_cli_refuses_to_create_a_store_without_a_key(tmp_path: Path) -> None:
    env = {"MEDIATION_STORE_URL": f"sqlite:///{tmp_path / 'cases.db'}", "MEDIATION_STORE_KEY": ""}
    result = run_cli("case", "new", CASE_FILE, env=env)
    assert result.code == 2 and "no encryption key" in result.err and "--dev-plaintext" in result.err
    assert "Traceback" not in result.err
    assert not (tmp_path / "cases.db").exists()
    result = run_cli("case", "new", CASE_FILE, "--dev-plaintext", env=env)
    assert result.code == 0, result.err


def test_cli_round_and_bad_input(tmp_path: Path) -> None:
    env = _env(tmp_path)
    new = run_cli("case", "new", CASE_FILE, env=env)
    assert new.code == 0, new.err
    cid, ta, tb = _case_id(new.out), _token(new.out, "Mother"), _token(new.out, "Father")
    draft = run_cli("case", "draft", cid, "--out", tmp_path / "d1", *LIB_ARGS, env=env)
    assert draft.code == 0, draft.err
    assert (tmp_path / "d1" / "draft-1.pdf").read_bytes().startswith(b"%PDF")

    def bad(args: list, message: str, code: int = 2, **extra: str) -> None:
        with CaseStore(env["MEDIATION_STORE_URL"], KEY_FOR_CLI) as s:
            before = snapshot(s, cid)
        result = run_cli(*args, env={**env, **extra})
        assert result.code == code, (args, result.out, result.err)
        assert message in result.err, (message, result.err)
        assert "Traceback" not in result.err
        with CaseStore(env["MEDIATION_STORE_URL"], KEY_FOR_CLI) as s:
            assert snapshot(s, cid) == before, f"store changed by {args}"

    png = tmp_path / "not.png"
    png.write_bytes(b"GIF89a not a png")
    empty = tmp_path / "empty.png"
    empty.write_bytes(b"")
    huge = tmp_path / "huge.png"
    huge.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(600_000))
    bad(["case", "show", "c-nope"], "unknown case 'c-nope'")
    bad(["case", "comment", cid, "--draft", "1", "--section", "1.1", "--text", "x", "--token", "mat_wrong"], "unknown token")
    bad(["case", "comment", cid, "--draft", "1", "--section", "8.8", "--text", "x", "--token", ta], "no section '8.8'")
    bad(["case", "approve", cid, "--draft", "1"], "needs the parent's link token")
    bad(["case", "tokens", cid, "--issue", "z"], "Invalid value")
    bad(["case", "show", cid], "wrong encryption key", MEDIATION_STORE_KEY=generate_key())
    bad(["case", "show", cid], "encrypted and no key", MEDIATION_STORE_KEY="")
    bad(["case", "show", cid], "not a valid store key", MEDIATION_STORE_KEY="nonsense")
    assert run_cli("case", "approve", cid, "--draft", "1", "--token", ta, env=env).code == 0
    assert run_cli("case", "approve", cid, "--draft", "1", "--token", tb, env=env).code == 0
    for image, message in ((png, "not a PNG"), (empty, "is empty"), (huge, "limit")):
        bad(["case", "sign", cid, "--draft", "1", "--token", ta, "--image", image, "--confirm-intent"], message)
    bad(["case", "sign", cid, "--draft", "1", "--token", ta, "--typed-name", "Alex Rivera"], "did not confirm the intent")
    bad(["case", "sign", cid, "--draft", "1", "--mediator", "--typed-name", "Dana", "--confirm-intent"], "after both parents")
    sig = tmp_path / "sig.png"
    sig.write_bytes(demo_signature_png())
    ok = run_cli("case", "sign", cid, "--draft", "1", "--token", ta, "--image", sig, "--confirm-intent", "--ip", "203.0.113.5", env=env)
    assert ok.code == 0 and "signed draft 1" in ok.out, ok.err
    bad(["case", "sign", cid, "--draft", "1", "--token", ta, "--typed-name", "Alex", "--confirm-intent"], "already used to sign")
    log = run_cli("case", "log", cid, env=env)
    assert log.code == 0 and "chain: intact" in log.out and "signed" in log.out
    shown = run_cli("case", "show", cid, "--token", tb, "--out", tmp_path / "b-view", env=env)
    assert shown.code == 0 and (tmp_path / "b-view" / "draft-1.pdf").exists()

    # Sealed: a parent's link, spent by signing, still fetches the executed agreement.
    from pki import make_pki

    pki = make_pki().write(tmp_path / "pki")
    assert run_cli("case", "sign", cid, "--draft", "1", "--token", tb, "--typed-name", "Sam Rivera", "--confirm-intent", env=env).code == 0
    assert run_cli("case", "sign", cid, "--draft", "1", "--mediator", "--typed-name", "Dana Whitfield", "--confirm-intent", env=env).code == 0
    sealed = run_cli("case", "finalize", cid, "--out", tmp_path / "executed.pdf",
                     env={**env, "MEDIATION_SIGNING_KEY": str(pki["key"]), "MEDIATION_SIGNING_CERT": str(pki["cert"])})
    assert sealed.code == 0, sealed.err
    mine = run_cli("case", "show", cid, "--token", ta, "--out", tmp_path / "a-final", env=env)
    assert mine.code == 0 and "wrote" in mine.out, mine.err
    assert (tmp_path / "a-final" / "executed-agreement.pdf").read_bytes() == (tmp_path / "executed.pdf").read_bytes()


@pytest.mark.slow
def test_demo_output_verifies_and_tampering_is_rejected(tmp_path: Path) -> None:
    """`demo` end to end (test clause library, so it does not depend on the full library), then
    `verify` and pdfsig on what it wrote; one flipped byte and one edited log row are rejected."""
    out = tmp_path / "demo"
    result = run_cli("demo", "--out", out, "--case", CASE_FILE, *LIB_ARGS)
    assert result.code == 0, result.err
    for step in range(1, 16):
        assert f"[{step}/15]" in result.out
    assert "check-in 1" in result.out and "answered (problem reported)" in result.out
    assert "National Domestic Violence Hotline (private)" in result.out and "filing recorded" in result.out
    assert "Hotline" not in (out / "next-steps" / "next-steps-b.html").read_text()  # the other parent's sheet
    assert "the original verifies" in result.out and "the amendment verifies" in result.out
    assert "signed the agreement to mediate" in result.out and "The weekly schedule" in result.out and "safety flag: no" in result.out
    for name in ("executed-agreement.pdf", "draft-1/draft-1.pdf", "draft-2/redline-2-vs-1.pdf", "draft-2/redline-2-vs-1.html", "case-log.txt", "store.key",
                 "amended-agreement.pdf", "amendment/redline-1-vs-executed.pdf", "next-steps/next-steps-a.pdf", "next-steps/next-steps-b.html"):
        assert (out / name).is_file(), name
        assert str(out / name) in result.out
    assert (out / "store.key").stat().st_mode & 0o777 == 0o600
    pdf = out / "executed-agreement.pdf"
    store_args = ["--store", f"sqlite:///{out / 'cases.db'}", "--store-key-file", out / "store.key"]
    ok = run_cli("verify", pdf, *store_args, "--trust", out / "office-seal" / "ca.pem")
    assert ok.code == 0, ok.out + ok.err
    if shutil.which("pdfsig"):
        sig = subprocess.run(["pdfsig", str(pdf)], capture_output=True, text=True)
        assert "Signature is Valid" in sig.stdout, sig.stdout + sig.stderr

    flipped = tmp_path / "flipped.pdf"
    data = bytearray(pdf.read_bytes())
    data[len(data) // 3] ^= 0x01
    flipped.write_bytes(bytes(data))
    bad = run_cli("verify", flipped, *store_args)
    assert bad.code == 1 and "digest" in bad.out + bad.err

    original = re.search(r"case (c-[a-z0-9]+): ", result.out).group(1)  # type: ignore[union-attr]  # the demo's first case (it also opens an amendment)
    engine = create_engine(f"sqlite:///{out / 'cases.db'}")
    with engine.begin() as conn:
        conn.execute(
            text("UPDATE ma_events SET actor = 'a' WHERE case_id = :c AND seq = (SELECT min(seq) FROM ma_events WHERE actor = 'b' AND case_id = :c)"), {"c": original}
        )
    engine.dispose()
    edited = run_cli("verify", pdf, *store_args)
    assert edited.code == 1 and "store log" in edited.out and "edited" in edited.out


@pytest.mark.slow
@pytest.mark.skipif(not (ROOT / "examples" / "cases" / "joint-two-children.yml").exists(), reason="example case not written yet")
def test_demo_on_the_example_case_with_the_full_library(tmp_path: Path) -> None:
    """What `make demo` runs."""
    result = run_cli("demo", "--out", tmp_path / "demo")
    assert result.code == 0, result.out + result.err
    assert (tmp_path / "demo" / "executed-agreement.pdf").is_file()
    assert "answers comment" in result.out  # the exchange-time change answers the parent's comment
