"""Issues 13 and 14: a log that cannot be cut short without the key, links whose state is
on the chain, signatures bound to the signer's legal name, and upgrading version-1 stores.

Every store test runs on an SQLite file and on a real PostgreSQL (tests/postgres.py).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from pki import make_pki
from postgres import postgres_server, postgres_url, store_url  # noqa: F401 (fixtures)
from sqlalchemy import Column, ForeignKey, Integer, LargeBinary, MetaData, String, Table, Text, UniqueConstraint, create_engine, text

from docassemble.MediationAgreement.case.model import Case, load_case
from docassemble.MediationAgreement.errors import SignatureError
from docassemble.MediationAgreement.review import (
    DEFAULT_CONSENT_TEXT,
    add_comment,
    approve,
    case_state,
    finalize,
    issue_draft,
    link_status,
    open_case,
    revoke_token,
    sign,
    signer_facts,
    tokens,
)
from docassemble.MediationAgreement.signing.signatures import SigningConfig, capture_signature, names_match
from docassemble.MediationAgreement.store import ZERO_HASH, CaseStore, FieldCipher, canonical_json, event_hash, generate_key, parse_key
from docassemble.MediationAgreement.store.keys import KEY_CHECK

from .conftest import run_cli
from .test_review import CASE_FILE, LIBS, NAMES, Clock, later, refused, text_render, typed

START = dt.datetime(2026, 11, 20, 15, 0, tzinfo=dt.UTC)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def store_key() -> str:
    return generate_key()


@pytest.fixture
def store(store_url: str, store_key: str, clock: Clock):  # noqa: F811, ANN201
    with CaseStore(store_url, store_key, clock=clock) as s:
        yield s


@pytest.fixture
def case() -> Case:
    return load_case(CASE_FILE)


def sql(url: str, statement: str, **params: Any) -> None:
    """Change the database directly, as someone with write access but without the store key would."""
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text(statement), params)
    engine.dispose()


def rows(url: str, statement: str, **params: Any) -> list[Any]:
    engine = create_engine(url)
    with engine.connect() as conn:
        out = list(conn.execute(text(statement), params))
    engine.dispose()
    return out


def signed_round(store: CaseStore, case: Case, *, render: Any = text_render) -> tuple[str, str, str]:
    opened = open_case(store, case)
    cid, ta, tb = opened.case_id, opened.tokens["a"].token, opened.tokens["b"].token
    issue_draft(store, cid, libraries=LIBS, render=render)
    approve(store, cid, ta, draft=1)
    approve(store, cid, tb, draft=1)
    sign(store, cid, typed("a"), token=ta, draft=1)
    sign(store, cid, typed("b"), token=tb, draft=1)
    sign(store, cid, typed("mediator"), token=None, draft=1)
    return cid, ta, tb


def cut_off_the_last_event(url: str, case_id: str) -> None:
    """Issue 14: delete the final event and point the case's head at the one before it
    (hash and all; even copying that event's own MAC into the head, and reopening the case)."""
    (last,) = rows(url, "SELECT max(seq) FROM ma_events WHERE case_id = :c", c=case_id)[0]
    ((prev_hash, prev_mac),) = rows(url, "SELECT hash, mac FROM ma_events WHERE case_id = :c AND seq = :s", c=case_id, s=last - 1)
    sql(url, "DELETE FROM ma_events WHERE case_id = :c AND seq = :s", c=case_id, s=last)
    sql(url, "UPDATE ma_cases SET head_seq = :s, head_hash = :h, head_mac = :m, status = 'open' WHERE case_id = :c", s=last - 1, h=prev_hash, m=prev_mac, c=case_id)


# --------------------------------------------------------------------------- the MAC chain


def test_a_log_cut_short_with_its_head_rewritten_is_caught(store: CaseStore, case: Case) -> None:
    """The finalized event is deleted and the head rewritten: the public chain is intact, the MAC is not."""
    cid, _, _ = signed_round(store, case)
    finalize(store, cid, config=object(), build=lambda *a: b"%PDF-1.7 executed")
    assert store.audit(cid) == []
    cut_off_the_last_event(store.url, cid)

    problems = store.audit(cid)
    assert any("does not carry the store's MAC" in p and "cut short" in p for p in problems), problems
    assert case_state(store, cid).chain_problems  # every screen shows it
    # ...and the finalized case does not accept a new draft.
    refused(store, cid, lambda: issue_draft(store, cid, case=later(case), libraries=LIBS, render=text_render), "has been altered; nothing was changed")


def test_every_rewrite_without_the_key_is_caught(store: CaseStore) -> None:
    case_id = store.create_case("x", {"n": 0})
    with store.session(case_id, write=True) as s:
        for n in range(3):
            s.append("comment", "a", {"n": n})
    assert store.audit(case_id) == []

    # The whole chain rewritten from event 3 on with every SHA-256 recomputed, as a forger would.
    ((prev_hash,),) = rows(store.url, "SELECT hash FROM ma_events WHERE case_id = :c AND seq = 2", c=case_id)
    for seq in (3, 4):
        (kind, actor, at, payload_blob) = rows(store.url, "SELECT kind, actor, at, payload FROM ma_events WHERE case_id = :c AND seq = :s", c=case_id, s=seq)[0]
        payload = json.loads(store.cipher.open(payload_blob, f"event:{case_id}:{seq}"))  # (pretend they knew it)
        new_hash = event_hash(seq=seq, case_id=case_id, kind=kind, actor="b", at=at, prev_hash=prev_hash, payload=payload)
        sql(store.url, "UPDATE ma_events SET actor = 'b', prev_hash = :p, hash = :h WHERE case_id = :c AND seq = :s", p=prev_hash, h=new_hash, c=case_id, s=seq)
        prev_hash = new_hash
    sql(store.url, "UPDATE ma_cases SET head_hash = :h WHERE case_id = :c", h=prev_hash, c=case_id)
    problems = store.audit(case_id)
    assert not [p for p in problems if "stored hash" in p or "prev_hash" in p], "the public chain was recomputed"
    assert any(p.startswith("event 3 (comment): its MAC does not match") for p in problems), problems
    assert any("head of the log" in p for p in problems), problems


def test_the_case_status_is_under_the_head_mac(store: CaseStore, case: Case) -> None:
    cid, _, _ = signed_round(store, case)
    finalize(store, cid, config=object(), build=lambda *a: b"%PDF-1.7 executed")
    sql(store.url, "UPDATE ma_cases SET status = 'open' WHERE case_id = :c", c=cid)
    assert any("status 'open'" in p for p in store.audit(cid))


def test_removed_macs_are_reported(store: CaseStore) -> None:
    case_id = store.create_case("x", {"n": 0})
    sql(store.url, "UPDATE ma_events SET mac = NULL WHERE case_id = :c", c=case_id)
    sql(store.url, "UPDATE ma_cases SET head_mac = NULL WHERE case_id = :c", c=case_id)
    problems = store.audit(case_id)
    assert any("event(s) 1 carry no MAC" in p for p in problems) and any("head of the log carries no MAC" in p for p in problems), problems


def test_a_development_store_is_documented_as_unprotected(tmp_path: Path) -> None:
    """Without a key there is no MAC key: a log cut short cannot be detected, and `case log` says so."""
    url = f"sqlite:///{tmp_path / 'dev.db'}"
    with CaseStore(url, None, allow_plaintext=True) as store:
        assert not store.mac_protected
        case_id = store.create_case("x", {"n": 0})
        with store.session(case_id, write=True) as s:
            s.append("comment", "a", {"n": 1})
    result = run_cli("case", "log", case_id, "--dev-plaintext", env={"MEDIATION_STORE_URL": url, "MEDIATION_STORE_KEY": ""})
    assert result.code == 0 and "NOT MAC-protected" in result.out, result.out + result.err


def test_case_log_and_verify_store_name_a_log_cut_short(store: CaseStore, store_key: str, case: Case, tmp_path: Path) -> None:
    """The executed PDF is sealed; then the finalized event is deleted and the head rewritten:
    `case log` exits 1 naming it, `verify --store` fails its `store log` check naming it."""
    pki = make_pki().write(tmp_path / "pki")
    config = SigningConfig.from_paths(pki["key"], pki["cert"])
    cid, _, _ = signed_round(store, case, render=None)  # the real PDF renderer
    final, _ = finalize(store, cid, config=config)
    pdf = tmp_path / "executed.pdf"
    pdf.write_bytes(final.pdf)
    key_file = tmp_path / "store.key"
    key_file.write_text(store_key)
    env = {"MEDIATION_STORE_URL": store.url, "MEDIATION_STORE_KEY": "", "MEDIATION_STORE_KEY_FILE": str(key_file)}

    log = run_cli("case", "log", cid, env=env)
    assert log.code == 0 and "chain: intact" in log.out and "carry the store's MAC" in log.out, log.out + log.err
    ok = run_cli("verify", pdf, "--store", store.url, "--store-key-file", key_file, "--trust", pki["ca"])
    assert ok.code == 0, ok.out + ok.err
    assert "✓ store signers: " in ok.out

    cut_off_the_last_event(store.url, cid)
    log = run_cli("case", "log", cid, env=env)
    assert log.code == 1, log.out + log.err
    assert "does not carry the store's MAC" in log.err and "cut short" in log.err
    bad = run_cli("verify", pdf, "--store", store.url, "--store-key-file", key_file, "--trust", pki["ca"])
    assert bad.code == 1, bad.out + bad.err
    line = next(line for line in bad.out.splitlines() if "store log:" in line)
    assert line.lstrip().startswith("✗") and "cut short" in line, bad.out
    draft3 = run_cli("case", "draft", cid, "--out", tmp_path / "d", "--no-default-library", "--library", LIBS[0], env=env)
    assert draft3.code == 2 and "has been altered" in draft3.err


# --------------------------------------------------------------------------- link tokens: the log decides


def test_clearing_a_spent_mark_does_not_revive_a_link(store: CaseStore, case: Case) -> None:
    cid, ta, _ = signed_round(store, case)
    sql(store.url, "UPDATE ma_tokens SET spent_at = NULL, revoked_at = NULL WHERE case_id = :c", c=cid)
    refused(store, cid, lambda: add_comment(store, cid, token=ta, draft=1, section="1.1", text="revived?"), "already used to sign")
    assert all(t.spent_at is not None for t in tokens(store, cid))


def test_extending_an_expiry_does_not_revive_a_link(store: CaseStore, case: Case, clock: Clock) -> None:
    opened = open_case(store, case)
    cid = opened.case_id
    issue_draft(store, cid, libraries=LIBS, render=text_render)
    clock.advance(days=15)
    sql(store.url, "UPDATE ma_tokens SET expires_at = '2099-01-01T00:00:00Z' WHERE case_id = :c", c=cid)
    refused(store, cid, lambda: approve(store, cid, opened.tokens["a"].token, draft=1), "expired")
    assert "expired" in link_status(store, cid, opened.tokens["a"].token).problem


def test_clearing_a_revoked_mark_does_not_revive_a_link(store: CaseStore, case: Case) -> None:
    opened = open_case(store, case)
    cid = opened.case_id
    issue_draft(store, cid, libraries=LIBS, render=text_render)
    revoke_token(store, cid, opened.tokens["b"].token_id)
    sql(store.url, "UPDATE ma_tokens SET revoked_at = NULL WHERE case_id = :c", c=cid)
    refused(store, cid, lambda: approve(store, cid, opened.tokens["b"].token, draft=1), "revoked")
    assert [t.party for t in tokens(store, cid) if t.revoked_at is not None] == ["b"]


def test_a_token_row_cannot_change_party_or_add_a_link(store: CaseStore, case: Case) -> None:
    import hashlib

    opened = open_case(store, case)
    cid = opened.case_id
    issue_draft(store, cid, libraries=LIBS, render=text_render)
    # B's row now claims party A: the link still acts as B (its party is in the log).
    sql(store.url, "UPDATE ma_tokens SET party = 'a' WHERE token_id = :t", t=opened.tokens["b"].token_id)
    assert approve(store, cid, opened.tokens["b"].token, draft=1).party == "b"
    # A row for a token the log never issued is no link at all.
    forged = "mat_forged-link-for-a-test"
    digest = hashlib.sha256(forged.encode()).hexdigest()
    sql(
        store.url,
        "INSERT INTO ma_tokens (token_hash, token_id, case_id, party, issued_at, expires_at) VALUES (:h, :i, :c, 'a', '2026-11-20T15:00:00Z', '2099-01-01T00:00:00Z')",
        h=digest, i=digest[:12], c=cid,
    )
    refused(store, cid, lambda: approve(store, cid, forged, draft=1), "unknown token")


# --------------------------------------------------------------------------- signatures bound to the legal name


def test_signing_with_the_other_parents_name_is_refused(store: CaseStore, case: Case) -> None:
    opened = open_case(store, case)
    cid, ta, tb = opened.case_id, opened.tokens["a"].token, opened.tokens["b"].token
    issue_draft(store, cid, libraries=LIBS, render=text_render)
    approve(store, cid, ta, draft=1)
    approve(store, cid, tb, draft=1)
    for wrong in (NAMES["a"], "Mickey Mouse", "Sam"):
        refused(store, cid, lambda wrong=wrong: sign(store, cid, typed("b", wrong), token=tb, draft=1), "Type your full name exactly as it appears in the agreement: Sam Rivera", SignatureError)
    with pytest.raises(SignatureError) as caught:
        sign(store, cid, typed("b", NAMES["a"]), token=tb, draft=1)
    assert caught.value.field_path == "typed_name"
    assert caught.value.message == "Type your full name exactly as it appears in the agreement: Sam Rivera"
    # Case, accents and extra spaces do not matter.
    event = sign(store, cid, typed("b", "  sam   RIVÉRA "), token=tb, draft=1)
    assert event.payload["signer_name"] == "Sam Rivera" and event.payload["typed_name"] == "sam RIVÉRA"
    # A drawn signature records the name it was signed for.
    from docassemble.MediationAgreement.cli.demo import demo_signature_png

    drawn = capture_signature("a", method="drawn", image_png=demo_signature_png(), intent_confirmed=True, consent_text=DEFAULT_CONSENT_TEXT)
    assert sign(store, cid, drawn, token=ta, draft=1).payload["signer_name"] == "Alex Rivera"
    refused(store, cid, lambda: sign(store, cid, typed("mediator", "Someone Else"), token=None, draft=1), "Dana Whitfield", SignatureError)
    sign(store, cid, typed("mediator"), token=None, draft=1)
    facts = signer_facts(store, cid, case_state(store, cid).current.sha256)  # type: ignore[union-attr]
    assert facts.names == NAMES and facts.problems == []


def test_a_capture_can_be_checked_against_the_name_early() -> None:
    capture = capture_signature("b", method="typed", typed_name="sam rivera", intent_confirmed=True, consent_text="ok", signer_name="Sam Rivera")
    assert capture.signer_name == "Sam Rivera"
    with pytest.raises(SignatureError, match="Type your full name exactly as it appears in the agreement: Maria Lopez") as caught:
        capture_signature("b", method="typed", typed_name="Mickey Mouse", intent_confirmed=True, consent_text="ok", signer_name="Maria Lopez")
    assert caught.value.field_path == "typed_name"


@pytest.mark.parametrize(
    ("typed_name", "legal", "same"),
    [
        ("María López", "Maria Lopez", True),
        ("  MARIA   lopez ", "María López", True),
        ("Zoë Ångström", "zoe angstrom", True),
        ("Maria Lopez-Garcia", "Maria Lopez", False),
        ("Elena Marisol Ortega", "Daniel James Ortega", False),
        ("", "Maria Lopez", False),
    ],
)
def test_names_compare_ignoring_case_accents_and_spaces(typed_name: str, legal: str, same: bool) -> None:
    assert names_match(typed_name, legal) is same


def test_a_signature_from_another_parents_link_is_named(store: CaseStore, case: Case) -> None:
    """Someone holding the store key appends a signature for A made with B's link: verify --store names it."""
    opened = open_case(store, case)
    cid = opened.case_id
    d1 = issue_draft(store, cid, libraries=LIBS, render=text_render)
    payload = typed("a").to_event_payload(d1.sha256)
    with store.session(cid, write=True) as s:
        s.append("signed", "a", {**payload, "signer_name": "Alex Rivera", "draft": 1, "token_id": opened.tokens["b"].token_id})
    facts = signer_facts(store, cid, d1.sha256)
    assert any("made with parent B's link" in p for p in facts.problems), facts.problems


def test_cli_refuses_a_typed_name_that_is_not_the_signers(tmp_path: Path) -> None:
    from .test_review import KEY_FOR_CLI, LIB_ARGS, _case_id, _env, _token

    env = _env(tmp_path)
    new = run_cli("case", "new", CASE_FILE, env=env)
    cid, ta, tb = _case_id(new.out), _token(new.out, "Mother"), _token(new.out, "Father")
    assert run_cli("case", "draft", cid, "--out", tmp_path / "d1", *LIB_ARGS, env=env).code == 0
    for token in (ta, tb):
        assert run_cli("case", "approve", cid, "--draft", "1", "--token", token, env=env).code == 0
    bad = run_cli("case", "sign", cid, "--draft", "1", "--token", tb, "--typed-name", "Alex Rivera", "--confirm-intent", env=env)
    assert bad.code == 2 and "field 'typed_name': Type your full name exactly as it appears in the agreement: Sam Rivera" in bad.err, bad.err
    with CaseStore(env["MEDIATION_STORE_URL"], KEY_FOR_CLI) as s:
        assert not case_state(s, cid).signatures


# --------------------------------------------------------------------------- verify: signer names in the sealed record


@pytest.fixture(scope="module")
def seal(tmp_path_factory: pytest.TempPathFactory) -> tuple[SigningConfig, Path]:
    paths = make_pki().write(tmp_path_factory.mktemp("pki"))
    return SigningConfig.from_paths(paths["key"], paths["cert"], paths["ca"]), paths["ca"]


def _sealed_as_before_the_fix(config: SigningConfig, caps: dict, events: list, monkeypatch: pytest.MonkeyPatch) -> bytes:
    """Seal an executed PDF the way the toolkit did before signatures were bound to names."""
    from doc_fixtures import sample_agreement

    from docassemble.MediationAgreement.signing import certificate
    from docassemble.MediationAgreement.signing.seal import build_executed_pdf

    with monkeypatch.context() as m:
        m.setattr(certificate, "_check_name_on_line", lambda *a: None)
        return build_executed_pdf(sample_agreement(draft=False), caps, events, config)


def test_a_record_with_a_signature_under_another_partys_name_fails_verify(seal: tuple[SigningConfig, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    """Parent B's event carries parent A's typed name, sealed above B's printed name."""
    from signing_fixtures import CONSENT, captures, signed_case

    from docassemble.MediationAgreement.signing.verify import verify_pdf

    config, ca = seal
    caps = captures()
    caps["b"] = capture_signature("b", method="typed", typed_name="Alex Rivera", intent_confirmed=True, consent_text=CONSENT)
    caps, events = signed_case(caps)
    pdf = _sealed_as_before_the_fix(config, caps, events, monkeypatch)
    report = verify_pdf(pdf, trust_roots=[ca])
    failed = {c.name: c.detail for c in report.failures()}
    assert list(failed) == ["signers"], report.checks
    assert failed["signers"] == "Sam Rivera: event 7 was signed with the typed name 'Alex Rivera', which is not the name of parent B in the record (Sam Rivera)"

    # Sealing it now is refused.
    from doc_fixtures import sample_agreement

    from docassemble.MediationAgreement.signing.seal import build_executed_pdf

    with pytest.raises(SignatureError, match="is not Sam Rivera, the name printed under the signature line") as caught:
        build_executed_pdf(sample_agreement(draft=False), caps, events, config)
    assert caught.value.field_path == "signatures.b"


def test_a_drawn_signature_made_for_someone_else_fails_verify(seal: tuple[SigningConfig, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    from signing_fixtures import captures, signed_case

    from docassemble.MediationAgreement.signing.verify import verify_pdf

    config, ca = seal
    caps = captures()
    caps["a"] = dataclasses.replace(caps["a"], signer_name="Sam Rivera")
    caps, events = signed_case(caps)
    report = verify_pdf(_sealed_as_before_the_fix(config, caps, events, monkeypatch), trust_roots=[ca])
    failed = {c.name: c.detail for c in report.failures()}
    assert "was signed for 'Sam Rivera', who is not parent A" in failed["signers"], report.checks


def test_the_record_carries_each_partys_legal_name_and_verify_compares_the_store(seal: tuple[SigningConfig, Path]) -> None:
    from doc_fixtures import sample_agreement
    from signing_fixtures import signed_case

    from docassemble.MediationAgreement.signing.seal import build_executed_pdf
    from docassemble.MediationAgreement.signing.verify import verify_pdf

    config, ca = seal
    caps, events = signed_case()
    pdf = build_executed_pdf(sample_agreement(draft=False), caps, events, config)
    report = verify_pdf(pdf, events, trust_roots=[ca], legal_names=NAMES)
    assert report.ok, report.failures()
    assert [(s.party, s.legal_name) for s in report.record.signers] == list(NAMES.items())  # type: ignore[union-attr]
    other = verify_pdf(pdf, events, trust_roots=[ca], legal_names={**NAMES, "b": "Samuel Rivera"})
    failed = {c.name: c.detail for c in other.failures()}
    assert list(failed) == ["store signers"]
    assert "Samuel Rivera" in failed["store signers"] and "parent B" in failed["store signers"]
    problems = verify_pdf(pdf, events, trust_roots=[ca], legal_names=NAMES, signer_problems=["event 6: made with parent B's link"])
    assert problems.check("store signers").passed is False  # type: ignore[union-attr]


# --------------------------------------------------------------------------- upgrading a version-1 store


def v1_tables() -> tuple[MetaData, dict[str, Table]]:
    """The schema as version 1 of the store wrote it (no MAC columns)."""
    md = MetaData()
    t = {
        "meta": Table("ma_meta", md, Column("key", String(64), primary_key=True), Column("value", LargeBinary, nullable=False)),
        "cases": Table(
            "ma_cases", md,
            Column("case_id", String(40), primary_key=True), Column("created_at", String(20), nullable=False),
            Column("status", String(20), nullable=False), Column("label", LargeBinary, nullable=False),
            Column("head_seq", Integer, nullable=False), Column("head_hash", String(64), nullable=False),
        ),
        "events": Table(
            "ma_events", md,
            Column("case_id", String(40), ForeignKey("ma_cases.case_id"), primary_key=True), Column("seq", Integer, primary_key=True, autoincrement=False),
            Column("at", String(20), nullable=False), Column("kind", String(40), nullable=False), Column("actor", String(16), nullable=False),
            Column("payload", LargeBinary, nullable=False), Column("prev_hash", String(64), nullable=False), Column("hash", String(64), nullable=False),
        ),
        "drafts": Table(
            "ma_drafts", md,
            Column("case_id", String(40), ForeignKey("ma_cases.case_id"), primary_key=True), Column("number", Integer, primary_key=True, autoincrement=False),
            Column("created_at", String(20), nullable=False), Column("sha256", String(64), nullable=False), Column("case_data", LargeBinary, nullable=False),
            Column("document", LargeBinary, nullable=False), Column("pdf", LargeBinary, nullable=False), Column("libraries", Text, nullable=False),
        ),
        "tokens": Table(
            "ma_tokens", md,
            Column("token_hash", String(64), primary_key=True), Column("token_id", String(16), nullable=False),
            Column("case_id", String(40), ForeignKey("ma_cases.case_id"), nullable=False, index=True), Column("party", String(16), nullable=False),
            Column("issued_at", String(20), nullable=False), Column("expires_at", String(20), nullable=False),
            Column("revoked_at", String(20)), Column("spent_at", String(20)),
            UniqueConstraint("token_id", name="uq_ma_tokens_token_id"),
        ),
        "blobs": Table(
            "ma_blobs", md,
            Column("case_id", String(40), ForeignKey("ma_cases.case_id"), primary_key=True), Column("sha256", String(64), primary_key=True),
            Column("data", LargeBinary, nullable=False),
        ),
        "finals": Table(
            "ma_finals", md,
            Column("case_id", String(40), ForeignKey("ma_cases.case_id"), primary_key=True), Column("draft", Integer, nullable=False),
            Column("created_at", String(20), nullable=False), Column("sha256", String(64), nullable=False), Column("pdf", LargeBinary, nullable=False),
        ),
    }
    return md, t


V1_TOKEN = "mat_a-version-1-link-for-parent-a"


def write_v1_store(url: str, key: str | None) -> dict[str, str]:
    """A version-1 store written row by row: one intact case (with a link for parent A in the
    version-1 event format) and one whose log was already edited.  Returns the case ids."""
    import hashlib

    md, t = v1_tables()
    engine = create_engine(url)
    md.create_all(engine)
    cipher = FieldCipher(parse_key(key) if key else None)
    token_hash = hashlib.sha256(V1_TOKEN.encode()).hexdigest()
    with engine.begin() as conn:
        conn.execute(t["meta"].insert(), [
            {"key": "schema", "value": b"1"},
            {"key": "encryption", "value": b"aes-256-gcm" if key else b"none"},
            {"key": "key_check", "value": cipher.seal(KEY_CHECK, "meta:key_check")},
        ])
        for case_id, edited in (("c-v1intact", False), ("c-v1broken", True)):
            specs = [
                ("case_opened", "mediator", {"case_sha256": "ab" * 32}),
                ("token_issued", "mediator", {"party": "a", "token_id": token_hash[:12], "expires_at": "2099-01-01T00:00:00Z"}),
                ("comment", "a", {"draft": 1, "section": "1.1", "text": "a version-1 comment"}),
            ]
            prev, events = ZERO_HASH, []
            for seq, (kind, actor, payload) in enumerate(specs, start=1):
                at = f"2026-11-20T15:0{seq}:00Z"
                digest = event_hash(seq=seq, case_id=case_id, kind=kind, actor=actor, at=at, prev_hash=prev, payload=payload)
                events.append({
                    "case_id": case_id, "seq": seq, "at": at, "kind": kind, "actor": actor,
                    "payload": cipher.seal(canonical_json(payload), f"event:{case_id}:{seq}"), "prev_hash": prev, "hash": digest,
                })
                prev = digest
            if edited:
                events[2]["actor"] = "b"  # edited while still version 1
            conn.execute(t["cases"].insert().values(
                case_id=case_id, created_at="2026-11-20T15:00:00Z", status="open",
                label=cipher.seal(b"Rivera / Rivera", f"case:{case_id}:label"), head_seq=len(events), head_hash=prev,
            ))
            conn.execute(t["events"].insert(), events)
            if not edited:
                conn.execute(t["tokens"].insert().values(
                    token_hash=token_hash, token_id=token_hash[:12], case_id=case_id, party="a",
                    issued_at="2026-11-20T15:02:00Z", expires_at="2099-01-01T00:00:00Z",
                ))
    engine.dispose()
    return {"intact": "c-v1intact", "broken": "c-v1broken"}


def test_a_version_1_store_opens_upgraded_and_protected_from_then_on(store_url: str) -> None:  # noqa: F811
    key = generate_key()
    ids = write_v1_store(store_url, key)
    with CaseStore(store_url, key) as store:
        assert store.upgraded == {"sealed": [ids["intact"]], "not_sealed": [ids["broken"]]}
        assert store.audit(ids["intact"]) == []
        assert [e.payload.get("text") for e in store.events(ids["intact"])][-1] == "a version-1 comment"
        broken = store.audit(ids["broken"])
        assert any("stored hash does not match" in p for p in broken) and any("carry no MAC" in p for p in broken), broken
        # Version-1 links (no token_sha256 in their event) still work, from the log.
        assert link_status(store, ids["intact"], V1_TOKEN).party == "a"
        with store.session(ids["intact"], write=True) as s:
            s.append("comment", "mediator", {"draft": 1, "section": "1.1", "text": "after the upgrade"})
        assert store.audit(ids["intact"]) == []
    assert bytes(rows(store_url, "SELECT value FROM ma_meta WHERE key = 'schema'")[0][0]) == b"2"
    with CaseStore(store_url, key) as again:
        assert again.upgraded is None  # once only
        assert again.audit(ids["intact"]) == []
    cut_off_the_last_event(store_url, ids["intact"])
    with CaseStore(store_url, key) as store:
        assert any("cut short" in p for p in store.audit(ids["intact"]))


def test_a_version_1_development_store_opens(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'dev-v1.db'}"
    ids = write_v1_store(url, None)
    with CaseStore(url, None, allow_plaintext=True) as store:
        assert store.upgraded == {"sealed": [], "not_sealed": sorted(ids.values())}
        assert not store.mac_protected
        assert store.audit(ids["intact"]) == []


def test_the_upgrade_happens_with_the_cli_too(tmp_path: Path) -> None:
    key = generate_key()
    url = f"sqlite:///{tmp_path / 'v1.db'}"
    ids = write_v1_store(url, key)
    result = run_cli("case", "log", ids["intact"], env={"MEDIATION_STORE_URL": url, "MEDIATION_STORE_KEY": key})
    assert result.code == 0 and "chain: intact, 3 events" in result.out and "carry the store's MAC" in result.out, result.out + result.err
