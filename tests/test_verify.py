"""Verifying an executed agreement: tampering with the file, the record or the store is caught and named."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from doc_fixtures import sample_agreement
from pki import make_pki
from signing_fixtures import Executed, build_executed, flip_byte_in_content, rehash, signed_case

from docassemble.MediationAgreement.cli import main
from docassemble.MediationAgreement.errors import ConfigError, SignatureError
from docassemble.MediationAgreement.signing.certificate import CompletionRecord, SealIdentity, render_certificate
from docassemble.MediationAgreement.signing.seal import attach_certificate, build_executed_pdf, seal_pdf
from docassemble.MediationAgreement.signing.signatures import sha256_hex
from docassemble.MediationAgreement.signing.verify import VerifyReport, verify_pdf
from docassemble.MediationAgreement.store import CaseStore, generate_key


@pytest.fixture(scope="module")
def executed(tmp_path_factory: pytest.TempPathFactory) -> Executed:
    return build_executed(tmp_path_factory.mktemp("pki"))


def failed(report: VerifyReport) -> dict[str, str]:
    return {c.name: c.detail for c in report.failures()}


# --------------------------------------------------------------------------- the seal


def test_an_untouched_agreement_verifies(executed: Executed) -> None:
    report = verify_pdf(executed.pdf, executed.events, trust_roots=[executed.paths["ca"]])
    assert report.ok and report.trusted, report.checks
    assert report.check("store match").detail == "all 8 sealed events match the store"  # type: ignore[union-attr]


def test_without_a_trust_root_it_is_intact_but_untrusted(executed: Executed) -> None:
    report = verify_pdf(executed.pdf)
    assert report.ok and not report.trusted
    trust = report.check("trust")
    assert trust is not None and trust.passed is None
    assert "not checked" in trust.detail and "does not prove who made it" in trust.detail


def test_a_foreign_trust_root_fails_the_trust_check(executed: Executed) -> None:
    stranger = make_pki().root.cert_pem
    report = verify_pdf(executed.pdf, trust_roots=[stranger])
    assert list(failed(report)) == ["trust"]
    assert "does not chain to the given trust root" in failed(report)["trust"]


def test_one_flipped_byte_fails_the_digest_check(executed: Executed) -> None:
    report = verify_pdf(flip_byte_in_content(executed.pdf), executed.events, trust_roots=[executed.paths["ca"]])
    assert "digest" in failed(report)
    assert "changed after sealing" in failed(report)["digest"]
    assert not report.ok


def test_an_update_appended_after_sealing_fails_the_coverage_check(executed: Executed) -> None:
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(io.BytesIO(executed.pdf))
    writer.root["/MediationNote"] = generic.TextStringObject("added later")
    writer.update_root()
    out = io.BytesIO()
    writer.write(out)
    report = verify_pdf(out.getvalue(), trust_roots=[executed.paths["ca"]])
    assert "coverage" in failed(report)
    assert "added to the file after it was sealed" in failed(report)["coverage"]
    assert report.check("digest").passed  # type: ignore[union-attr]  # the sealed revision itself is intact


def test_a_truncated_file_fails_to_parse(executed: Executed) -> None:
    report = verify_pdf(executed.pdf[: len(executed.pdf) // 2])
    assert [c.name for c in report.checks] == ["pdf"] and not report.ok
    assert "damaged" in report.checks[0].detail


def test_something_that_is_not_a_pdf_is_an_input_error() -> None:
    with pytest.raises(SignatureError, match="not a PDF"):
        verify_pdf(b"hello, world")


def test_an_unsealed_pdf_fails_the_seal_check(executed: Executed) -> None:
    from docassemble.MediationAgreement.render.pdf import render_pdf

    report = verify_pdf(render_pdf(sample_agreement(draft=False)))
    assert "seal" in failed(report) and "record" in failed(report)


def test_an_unreadable_trust_root_is_a_config_error(executed: Executed, tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read the trust root"):
        verify_pdf(executed.pdf, trust_roots=[tmp_path / "missing.pem"])
    junk = tmp_path / "junk.pem"
    junk.write_bytes(b"not a certificate")
    with pytest.raises(ConfigError, match=r"junk\.pem"):
        verify_pdf(executed.pdf, trust_roots=[junk])


# --------------------------------------------------------------------------- the store


def test_an_edited_event_in_the_store_is_named_by_its_seq(executed: Executed) -> None:
    events = list(executed.events)
    events[2] = dataclasses.replace(events[2], payload={"draft": 1, "section": "4.2", "text": "something else"})
    report = verify_pdf(executed.pdf, events)
    assert set(failed(report)) == {"store log", "store match"}
    assert failed(report)["store match"].startswith("event 3 (comment) differs from the store in payload_sha256")
    assert "event 3 (comment)" in failed(report)["store log"]


def test_an_edit_with_every_hash_recomputed_is_still_caught(executed: Executed) -> None:
    """A forger with database access rewrites event 4 and re-hashes the chain: the store
    looks consistent, but it no longer matches the sealed record."""
    events = list(executed.events)
    events[3] = dataclasses.replace(events[3], payload={"draft": 2})
    forged = rehash(events)
    report = verify_pdf(executed.pdf, forged)
    assert list(failed(report)) == ["store match"]
    assert failed(report)["store match"].startswith("event 4 (approved) differs")


def test_a_deleted_event_breaks_the_chain(executed: Executed) -> None:
    events = [e for e in executed.events if e.seq != 3]
    report = verify_pdf(executed.pdf, events)
    assert "event(s) 3 missing before event 4" in failed(report)["store log"]
    assert failed(report)["store match"].startswith("event 3 (comment): the store has event 4 in its place")


def test_events_recorded_after_sealing_are_accepted(executed: Executed) -> None:
    from signing_fixtures import log_chain

    later = log_chain([(e.kind, e.actor, e.payload) for e in executed.events] + [("finalized", "mediator", {"draft": 1})])
    report = verify_pdf(executed.pdf, later)
    assert report.ok, report.failures()
    assert "1 later event(s) (finalized)" in report.check("store match").detail  # type: ignore[union-attr]


def test_events_of_another_case_do_not_match(executed: Executed) -> None:
    from signing_fixtures import log_chain

    other = log_chain([(e.kind, e.actor, e.payload) for e in executed.events], case_id="c-other")
    report = verify_pdf(executed.pdf, other)
    assert "this PDF is case 'c-test-0001'" in failed(report)["store match"]


# --------------------------------------------------------------------------- the attached record


def test_a_record_with_a_broken_chain_fails_even_under_a_valid_seal(executed: Executed) -> None:
    """Seal a PDF whose attached log was altered before sealing: the seal is fine, the log is not."""
    from docassemble.MediationAgreement.render.pdf import render_pdf
    from docassemble.MediationAgreement.signing.certificate import completion_record
    from docassemble.MediationAgreement.signing.seal import executed_document, load_seal_signer, seal_identity

    caps, events = signed_case()
    signer = load_seal_signer(executed.config)
    record = completion_record(executed.doc, caps, events, seal_identity(signer))
    bad_events = list(record.events)
    bad_events[4] = dict(bad_events[4], actor="a")  # an approval now claims to be parent A's
    record = dataclasses.replace(record, events=tuple(bad_events))
    agreement = render_pdf(executed_document(executed.doc, record, caps))
    unsigned = attach_certificate(agreement, render_certificate(record, caps), record, completed=dt.datetime(2026, 11, 21, tzinfo=dt.UTC))
    pdf = seal_pdf(unsigned, executed.config, signer=signer)
    report = verify_pdf(pdf, trust_roots=[executed.paths["ca"]])
    assert list(failed(report)) == ["log chain"]
    assert "event 5 (approved): hash does not match" in failed(report)["log chain"]


def test_record_parsing_names_the_problem() -> None:
    with pytest.raises(SignatureError, match="not JSON"):
        CompletionRecord.from_json(b"{nope")
    with pytest.raises(SignatureError, match="format"):
        CompletionRecord.from_json(b'{"format": "something else"}')
    with pytest.raises(SignatureError, match="incomplete or malformed"):
        CompletionRecord.from_json(b'{"format": "docassemble.MediationAgreement/completion-record/1"}')
    assert SealIdentity("x", "y") == SealIdentity("x", "y")


# --------------------------------------------------------------------------- the command


@pytest.fixture
def invoke() -> Callable[..., tuple[int, str, str]]:
    def run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
        result = CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)
        return result.exit_code, result.stdout, result.stderr

    return run


def test_cli_prints_each_check_and_exits_0(executed: Executed, tmp_path: Path, invoke: Callable[..., tuple[int, str, str]]) -> None:
    path = tmp_path / "agreement.pdf"
    path.write_bytes(executed.pdf)
    code, out, _ = invoke("verify", str(path), "--trust", str(executed.paths["ca"]))
    assert code == 0, out
    assert "  ✓ digest: " in out and "  ✓ trust: chains to a trusted root" in out
    assert out.rstrip().endswith("result: verified (intact, sealed by a trusted certificate)")
    code, out, _ = invoke("verify", str(path))
    assert code == 0 and "  ! trust: not checked" in out and "NOT TRUSTED" in out


def test_cli_exits_1_naming_the_failed_check(executed: Executed, tmp_path: Path, invoke: Callable[..., tuple[int, str, str]]) -> None:
    path = tmp_path / "agreement.pdf"
    path.write_bytes(flip_byte_in_content(executed.pdf))
    code, out, err = invoke("verify", str(path), "--trust", str(executed.paths["ca"]))
    assert code == 1
    assert "  ✗ digest: " in out and "result: FAILED" in out
    assert "check(s) failed: digest" in err


def test_cli_exits_2_for_unreadable_input(tmp_path: Path, invoke: Callable[..., tuple[int, str, str]]) -> None:
    path = tmp_path / "notes.pdf"
    path.write_text("just text")
    code, _, err = invoke("verify", str(path))
    assert code == 2 and "notes.pdf: not a PDF file" in err
    code, _, err = invoke("verify", str(tmp_path / "missing.pdf"))
    assert code == 2 and "does not exist" in err


def test_cli_json_output(executed: Executed, tmp_path: Path, invoke: Callable[..., tuple[int, str, str]]) -> None:
    import json

    path = tmp_path / "agreement.pdf"
    path.write_bytes(executed.pdf)
    code, out, _ = invoke("verify", str(path), "--json")
    data = json.loads(out)
    assert code == 0 and data["ok"] is True and data["trusted"] is False
    assert data["case_id"] == "c-test-0001"
    assert {k: data["checks"][5][k] for k in ("name", "passed")} == {"name": "trust", "passed": None}


def test_cli_compares_with_a_real_store(executed: Executed, tmp_path: Path, invoke: Callable[..., tuple[int, str, str]]) -> None:
    """Record the signatures in a real (SQLite) case store, seal, verify against it, then tamper with its rows."""
    key = generate_key()
    key_file = tmp_path / "store.key"
    key_file.write_text(key)
    db = tmp_path / "cases.db"
    ticks = iter(dt.datetime(2026, 11, 21, 14, 0, tzinfo=dt.UTC) + dt.timedelta(minutes=i) for i in range(100))
    store = CaseStore(f"sqlite:///{db}", key, clock=lambda: next(ticks))
    draft_pdf = b"%PDF-1.7 draft 1"
    caps, sample_events = signed_case(draft_sha256=sha256_hex(draft_pdf))
    case_id = store.create_case("Rivera / Rivera", {"label": "Rivera / Rivera"})
    names = {"parent_a": {"full_name": "Alex Rivera"}, "parent_b": {"full_name": "Sam Rivera"}, "mediator": {"full_name": "Dana Whitfield"}}
    with store.session(case_id, write=True) as session:
        session.add_draft(1, sha256=sha256_hex(draft_pdf), case_data=names, document={}, pdf=draft_pdf, libraries={})
        for party in ("a", "b"):  # parents sign with their own links, as review.sign records them
            session.append("token_issued", "mediator", {"party": party, "token_id": f"tok-{party}", "expires_at": "2026-12-05T14:00:00Z"})
        for event in sample_events[1:]:
            payload = dict(event.payload, token_id=f"tok-{event.actor}") if event.kind == "signed" and event.actor != "mediator" else event.payload
            session.append(event.kind, event.actor, payload)
    events = store.events(case_id)
    store.close()
    pdf = build_executed_pdf(sample_agreement(draft=False), caps, events, executed.config)
    path = tmp_path / "executed.pdf"
    path.write_bytes(pdf)

    args = ["verify", str(path), "--store", f"sqlite:///{db}", "--store-key-file", str(key_file), "--trust", str(executed.paths["ca"])]
    code, out, _ = invoke(*args)
    assert code == 0, out
    assert f"  ✓ store match: all {len(events)} sealed events match the store" in out
    assert "  ✓ store signers: " in out

    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE ma_events SET kind = 'approved' WHERE seq = 5")
    code, out, _ = invoke(*args)
    assert code == 1
    assert "  ✗ store match: event 5 (comment) differs from the store in kind" in out
    assert "  ✗ store log: " in out

    with sqlite3.connect(db) as conn:
        conn.execute("DELETE FROM ma_events WHERE seq = 5")
    code, out, _ = invoke(*args)
    assert code == 1
    assert "  ✗ store match: event 5 (comment): the store has event 6 in its place" in out

    code, _, err = invoke("verify", str(path), "--case", case_id)
    assert code == 2 and "need --store" in err
