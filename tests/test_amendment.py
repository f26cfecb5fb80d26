"""Modifying an executed agreement: a new case from the signed case file, titled as an amended agreement
naming the original, redlined against it, signed and sealed like the original, which stays as it was."""

from __future__ import annotations

import io
from datetime import time
from pathlib import Path

import pytest
import yaml
from pypdf import PdfReader

from docassemble.MediationAgreement.case.model import dump_case, load_case
from docassemble.MediationAgreement.errors import StoreError
from docassemble.MediationAgreement.review import amended_case, approve, current_case, finalize, issue_draft, open_amendment, open_case, redline_for, redline_html, sign, stored_final
from docassemble.MediationAgreement.signing.signatures import capture_signature
from docassemble.MediationAgreement.signing.verify import verify_pdf

from .conftest import ROOT, run_cli
from .test_followup import Sealed

pytestmark = pytest.mark.slow


def text_of(pdf: bytes) -> str:
    return " ".join(" ".join((page.extract_text() or "").split()) for page in PdfReader(io.BytesIO(pdf)).pages)


def sign_all(store: object, case_id: str, tokens: dict[str, str], sha256: str, draft: int) -> None:
    case = current_case(store, case_id)  # type: ignore[arg-type]
    for party in ("a", "b"):
        approve(store, case_id, tokens[party], draft=draft)  # type: ignore[arg-type]
    for party, name in (("a", case.parent_a.full_name), ("b", case.parent_b.full_name)):
        capture = capture_signature(party, method="typed", typed_name=name, intent_confirmed=True, consent_text="I agree to sign electronically.")
        sign(store, case_id, capture, token=tokens[party], draft=draft, sha256=sha256)  # type: ignore[arg-type]
    capture = capture_signature("mediator", method="typed", typed_name=case.mediator.full_name, intent_confirmed=True, consent_text="I agree to sign electronically.")
    sign(store, case_id, capture, token=None, draft=draft)  # type: ignore[arg-type]


def test_a_modification_is_drafted_redlined_signed_and_sealed_and_the_original_stays_as_it_was(tmp_path: Path) -> None:
    original = Sealed(tmp_path)
    store = original.store
    executed = stored_final(store, original.case_id)
    assert executed is not None
    before = store.events(original.case_id)

    opened = open_amendment(store, original.case_id)
    assert amended_case(store, opened.case_id) == original.case_id
    start = current_case(store, opened.case_id)
    assert start.modifies is not None and start.modifies.executed_sha256 == executed.sha256
    assert start.modifies.case_number == start.court.case_number and start.agreement_date is None

    changed = start.model_copy(update={"parenting_time": start.parenting_time.model_copy(update={"exchange_time": time(17, 0)})})
    draft = issue_draft(store, opened.case_id, case=changed)
    words = text_of(draft.pdf)
    assert "AMENDED STIPULATED PARENTING PLAN" in words.upper()
    assert executed.sha256 in words.replace(" ", "") and start.modifies.agreement_date.strftime("%B") in words
    assert f"Case No. {start.court.case_number}" in words

    red = redline_for(store, opened.case_id, 1)
    assert red.old_label == "the executed agreement" and red.old_sha256 != draft.sha256
    page = redline_html(red)
    assert "<ins>5:00</ins>" in page and "<del>6:00 </del>" in page  # the change, against what was signed

    tokens = {p: t.token for p, t in opened.tokens.items()}
    sign_all(store, opened.case_id, tokens, draft.sha256, 1)
    amended_final, _ = finalize(store, opened.case_id, config=original.seal)
    for case_id, final in ((original.case_id, executed), (opened.case_id, amended_final)):
        report = verify_pdf(final.pdf, store.events(case_id), trust_roots=[original.pki["ca"]], store_audit=store.audit(case_id))
        assert report.ok, report
    assert store.events(original.case_id) == before  # the original's record was only read
    assert stored_final(store, original.case_id) == executed

    # The cover sheet for filing the amended agreement marks it as a modification.
    case_file = tmp_path / "amended.yml"
    case_file.write_text(yaml.safe_dump(dump_case(current_case(store, opened.case_id)), sort_keys=False))
    cover = run_cli("coversheet", case_file, "--out", tmp_path / "cover.pdf")
    assert cover.code == 0, cover.err
    fields = PdfReader(tmp_path / "cover.pdf").get_fields() or {}
    assert str(fields["type_modification"].get("/V")) == "/Yes"


def test_only_an_executed_agreement_can_be_amended(tmp_path: Path) -> None:
    original = Sealed(tmp_path)
    fresh = open_case(original.store, load_case(ROOT / "examples/cases/joint-two-children.yml"))
    with pytest.raises(StoreError, match="not executed yet"):
        open_amendment(original.store, fresh.case_id)
    env = {"MEDIATION_STORE_KEY": original.key, "MEDIATION_STORE_URL": original.url}
    refused = run_cli("case", "amend", fresh.case_id, env=env)
    assert refused.code == 2 and "not executed yet" in refused.err and "Traceback" not in refused.err
    done = run_cli("case", "amend", original.case_id, env=env)
    assert done.code == 0, done.err
    assert f"amending case {original.case_id}" in done.out and "mat_" in done.out
