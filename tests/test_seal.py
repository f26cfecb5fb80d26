"""The executed agreement: signatures in their blocks, the certificate page, the record, the seal.

The PDF is built once per module from ``doc_fixtures.sample_agreement`` with a
throwaway CA (``pki.py``) and a log hashed the way the store hashes it.
``pdfsig`` (poppler, as a PDF viewer would) must call the seal valid and
covering the whole document; with ``certutil`` (libnss3-tools) present the
test CA is put in a scratch NSS database and the certificate must be trusted.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from pki import make_pki
from pypdf import PdfReader
from signing_fixtures import CONSENT, DRAFT_SHA256, Executed, build_executed, captures, signature_png, signed_case

from docassemble.MediationAgreement.errors import ConfigError, SignatureError
from docassemble.MediationAgreement.signing.certificate import RECORD_NAME, CompletionRecord
from docassemble.MediationAgreement.signing.seal import build_executed_pdf, load_seal_signer
from docassemble.MediationAgreement.signing.signatures import SigningConfig, capture_signature, sha256_hex
from docassemble.MediationAgreement.signing.verify import verify_pdf


@pytest.fixture(scope="module")
def executed(tmp_path_factory: pytest.TempPathFactory) -> Executed:
    return build_executed(tmp_path_factory.mktemp("pki"))


def text_of(pdf: bytes, pages: slice = slice(None)) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() for page in reader.pages[pages])


# --------------------------------------------------------------------------- what a PDF viewer sees


@pytest.mark.skipif(shutil.which("pdfsig") is None, reason="pdfsig (poppler-utils) not installed: scripts/install-system-packages.sh")
def test_pdfsig_calls_the_seal_valid_and_covering_the_whole_document(executed: Executed, tmp_path: Path) -> None:
    path = tmp_path / "executed.pdf"
    path.write_bytes(executed.pdf)
    nss_args: list[str] = []
    if shutil.which("certutil"):
        nss = tmp_path / "nss"
        nss.mkdir()
        subprocess.run(["certutil", "-N", "-d", f"sql:{nss}", "--empty-password"], check=True, capture_output=True)
        subprocess.run(["certutil", "-A", "-d", f"sql:{nss}", "-n", "test-ca", "-t", "C,C,C", "-i", str(executed.paths["ca"])], check=True, capture_output=True)
        nss_args = ["-nssdir", f"sql:{nss}"]
    # No -no-ocsp: poppler 22.12 then reports "Unknown issue with Certificate"; the test
    # certificates carry no OCSP/AIA address, so nothing is fetched anyway.
    result = subprocess.run(["pdfsig", *nss_args, str(path)], capture_output=True, text=True, timeout=60)
    out = result.stdout
    assert "Signature Field Name: OfficeSeal" in out, out
    assert "Signature Validation: Signature is Valid." in out, out
    assert "Total document signed" in out, out
    assert "Signature Type: ETSI.CAdES.detached" in out, out  # PAdES
    if nss_args:
        assert "Certificate Validation: Certificate is Trusted." in out, out
    # Without NSS tools pdfsig reports "Certificate issuer isn't Trusted": only validity and coverage are asserted.


def test_verify_passes_with_the_test_ca(executed: Executed) -> None:
    report = verify_pdf(executed.pdf, executed.events, trust_roots=[executed.paths["ca"]])
    assert report.ok, report.failures()
    assert report.trusted
    assert [c.name for c in report.checks] == [
        "pdf", "seal", "digest", "signature", "coverage", "trust", "record", "log chain", "signers", "store log", "store match",
    ]


# --------------------------------------------------------------------------- the pages


def test_signatures_and_dates_are_in_their_blocks(executed: Executed) -> None:
    reader = PdfReader(io.BytesIO(executed.pdf))
    certificate_start = next(i for i, p in enumerate(reader.pages) if "Certificate of Completion" in p.extract_text())
    agreement = "\n".join(p.extract_text() for p in reader.pages[:certificate_start])
    assert "DRAFT" not in agreement
    assert "Date: November 21, 2026, 14:30 UTC" in agreement  # parent A signed at event 6
    assert "Date: November 21, 2026, 14:35 UTC" in agreement
    assert "Date: November 21, 2026, 14:40 UTC" in agreement
    assert "Date: ____" not in agreement
    assert agreement.count("Sam Rivera") >= 2  # printed name and the typed signature
    images = [img for page in reader.pages[:certificate_start] for img in page.images]
    assert len(images) == 2  # the two drawn signatures (parent A and the mediator)


def test_certificate_lists_signers_events_and_hashes(executed: Executed) -> None:
    text = re.sub(r"\s+", " ", text_of(executed.pdf))
    assert "Certificate of Completion" in text
    assert executed.doc.title in text
    assert DRAFT_SHA256 in text
    for name in ("Alex Rivera", "Sam Rivera", "Dana Whitfield"):
        assert name in text
    assert "203.0.113.7" in text and "198.51.100.20" in text and "Firefox/140.0" in text
    assert sha256_hex(CONSENT) in text
    assert "2026-11-21 14:30:00 UTC" in text
    for event in executed.events:
        assert event.hash[:32] in text and event.hash[32:] in text
    assert f"Final hash of the log {executed.events[-1].hash}" in text


def test_confidential_comments_never_reach_the_pdf(executed: Executed) -> None:
    assert b"CONFIDENTIAL-COMMENT" not in executed.pdf
    record = json.loads(PdfReader(io.BytesIO(executed.pdf)).attachments[RECORD_NAME][0])
    comment = next(e for e in record["events"] if e["kind"] == "comment")
    assert "payload" not in comment and comment["payload_sha256"] == executed.events[2].payload_sha256
    assert "CONFIDENTIAL-COMMENT" not in text_of(executed.pdf)


def test_the_record_is_attached_as_a_pdf_a3_associated_file(executed: Executed) -> None:
    reader = PdfReader(io.BytesIO(executed.pdf))
    (data,) = reader.attachments[RECORD_NAME]
    record = CompletionRecord.from_json(data)
    assert record.case_id == executed.events[0].case_id
    assert [e["hash"] for e in record.events] == [e.hash for e in executed.events]
    assert [s.party for s in record.signers] == ["a", "b", "mediator"]
    root = reader.trailer["/Root"]
    spec = root["/AF"][0].get_object()
    assert spec["/AFRelationship"] == "/Data" and spec["/UF"] == RECORD_NAME
    assert spec["/EF"]["/F"].get_object()["/Subtype"] == "/application/json"
    xmp = root["/Metadata"].get_object().get_data().decode()
    # pyHanko rewrites the XMP packet when sealing (attribute form), keeping these values.
    assert re.search(r'pdfaid:part(="3"|>3<)', xmp), xmp
    assert re.search(rf'NPages(="{len(reader.pages)}"|>{len(reader.pages)}<)', xmp), xmp
    assert reader.pdf_header == "%PDF-1.7" and "/Version" not in root  # an RSA seal keeps PDF 1.7


def test_the_seal_is_a_certification_with_no_changes_allowed(executed: Executed) -> None:
    reader = PdfReader(io.BytesIO(executed.pdf))
    perms = reader.trailer["/Root"]["/Perms"]["/DocMDP"].get_object()
    reference = perms["/Reference"][0].get_object()
    assert reference["/TransformParams"]["/P"] == 1
    assert perms["/SubFilter"] == "/ETSI.CAdES.detached"


# --------------------------------------------------------------------------- refusing to seal


@pytest.fixture(scope="module")
def config(tmp_path_factory: pytest.TempPathFactory) -> SigningConfig:
    paths = make_pki().write(tmp_path_factory.mktemp("cfg"))
    return SigningConfig.from_paths(paths["key"], paths["cert"], paths["ca"])


def never_render(doc: object) -> bytes:
    raise AssertionError("nothing should be rendered when sealing is refused")


def test_an_unsigned_line_is_refused(config: SigningConfig) -> None:
    from doc_fixtures import sample_agreement

    caps, events = signed_case()
    del caps["b"]
    with pytest.raises(SignatureError, match=r"Sam Rivera \(Father and Respondent\) has not signed") as caught:
        build_executed_pdf(sample_agreement(), caps, events, config, render=never_render)
    assert caught.value.field_path == "signatures.b"


def test_a_signature_missing_from_the_log_is_refused(config: SigningConfig) -> None:
    from doc_fixtures import sample_agreement

    caps, events = signed_case()
    caps["b"] = capture_signature("b", method="typed", typed_name="Samuel Rivera", intent_confirmed=True, consent_text=CONSENT)
    with pytest.raises(SignatureError, match="no event in the case log records this signature") as caught:
        build_executed_pdf(sample_agreement(), caps, events, config, render=never_render)
    assert caught.value.field_path == "signatures.b"


def test_a_broken_log_is_refused(config: SigningConfig) -> None:
    from doc_fixtures import sample_agreement

    caps, events = signed_case()
    events[2] = dataclasses.replace(events[2], payload={"text": "rewritten"})
    with pytest.raises(SignatureError, match=r"log is broken.*event 3 \(comment\)"):
        build_executed_pdf(sample_agreement(), caps, events, config, render=never_render)


def test_signatures_on_different_versions_are_refused(config: SigningConfig) -> None:
    from doc_fixtures import sample_agreement
    from signing_fixtures import log_chain

    caps = captures()
    specs = [
        ("signed", "a", caps["a"].to_event_payload("aa" * 32)),
        ("signed", "b", caps["b"].to_event_payload("bb" * 32)),
        ("signed", "mediator", caps["mediator"].to_event_payload("bb" * 32)),
    ]
    with pytest.raises(SignatureError, match="signed different versions"):
        build_executed_pdf(sample_agreement(), caps, log_chain(specs), config, render=never_render)


# --------------------------------------------------------------------------- the office key and certificate


def test_signer_loads_and_checks_the_office_material(tmp_path: Path) -> None:
    pki = make_pki()
    paths = pki.write(tmp_path / "ok", passphrase=b"pass phrase")
    with pytest.raises(ConfigError, match="encrypted but no passphrase"):
        load_seal_signer(SigningConfig.from_paths(paths["key"], paths["cert"]))
    with pytest.raises(ConfigError, match="wrong passphrase"):
        load_seal_signer(SigningConfig.from_paths(paths["key"], paths["cert"], passphrase="nope"))
    signer = load_seal_signer(SigningConfig.from_paths(paths["key"], paths["cert"], passphrase="pass phrase"))
    assert "Test County Mediation Office" in signer.signing_cert.subject.human_friendly
    other = make_pki().write(tmp_path / "other")
    with pytest.raises(ConfigError, match="does not belong to the signing certificate") as caught:
        load_seal_signer(SigningConfig.from_paths(other["key"], paths["cert"]))
    assert str(other["key"]) in str(caught.value)
    with pytest.raises(ConfigError, match="not a certificate"):
        load_seal_signer(SigningConfig.from_paths(other["key"], other["key"]))


def test_an_expired_certificate_is_refused(tmp_path: Path) -> None:
    old = make_pki(now=dt.datetime.now(dt.UTC) - dt.timedelta(days=800))
    paths = old.write(tmp_path)
    with pytest.raises(ConfigError, match="not valid now"):
        load_seal_signer(SigningConfig.from_paths(paths["key"], paths["cert"]))


# --------------------------------------------------------------------------- PAdES B-T


def test_a_timestamped_seal_verifies(tmp_path: Path) -> None:
    from pyhanko.keys import load_cert_from_pemder, load_private_key_from_pemder_data
    from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    pki = make_pki()
    paths = pki.write(tmp_path)
    tsa_cert_path = tmp_path / "tsa.pem"
    tsa_cert_path.write_bytes(pki.tsa.cert_pem)
    timestamper = DummyTimeStamper(
        tsa_cert=load_cert_from_pemder(tsa_cert_path),
        tsa_key=load_private_key_from_pemder_data(pki.tsa.key_pem(), None),
        certs_to_embed=SimpleCertificateStore.from_certs([load_cert_from_pemder(paths["ca"])]),
    )
    from doc_fixtures import sample_agreement

    caps, events = signed_case()
    config = SigningConfig.from_paths(paths["key"], paths["cert"], paths["ca"])
    pdf = build_executed_pdf(sample_agreement(draft=False), caps, events, config, timestamper=timestamper)
    report = verify_pdf(pdf, events, trust_roots=[paths["ca"]])
    assert report.ok, report.failures()
    timestamp = report.check("timestamp")
    assert timestamp is not None and timestamp.passed, report.checks


def test_a_draft_document_is_executed_without_its_draft_mark(executed: Executed, tmp_path: Path) -> None:
    """What was signed is named by the draft hash in the log, so the draft flag itself is dropped."""
    from doc_fixtures import sample_agreement

    caps, events = signed_case()
    caps["a"] = capture_signature("a", method="drawn", image_png=signature_png((640, 160)), intent_confirmed=True, consent_text=CONSENT)
    caps, events = signed_case(caps)
    pdf = build_executed_pdf(sample_agreement(draft=True), caps, events, executed.config)
    assert "DRAFT" not in text_of(pdf)


def test_markup_in_names_and_client_data_prints_literally(executed: Executed) -> None:
    """Names, typed signatures and user agents reach Typst as data, never as markup."""
    from doc_fixtures import HOSTILE_NAME, HOSTILE_PIECES, sample_agreement
    from signing_fixtures import log_chain

    caps = captures()
    caps["b"] = capture_signature("b", method="typed", typed_name=HOSTILE_NAME, intent_confirmed=True, consent_text="#set page(width: 1pt) *consent*")
    hostile_agent = "Mozilla/5.0 #panic(\"x\") $y$ <tag>"
    specs = [
        ("signed", "a", caps["a"].to_event_payload(DRAFT_SHA256, {"user_agent": hostile_agent})),
        ("signed", "b", caps["b"].to_event_payload(DRAFT_SHA256)),
        ("signed", "mediator", caps["mediator"].to_event_payload(DRAFT_SHA256)),
    ]
    pdf = build_executed_pdf(sample_agreement(parent_b_name=HOSTILE_NAME, draft=False), caps, log_chain(specs), executed.config)
    text = text_of(pdf)
    flat = re.sub(r"\s+", " ", text)
    for piece in HOSTILE_PIECES:
        assert piece in flat, piece
    assert "#set page(width: 1pt) *consent*" in flat
    assert hostile_agent in flat
    assert verify_pdf(pdf, trust_roots=[executed.paths["ca"]]).ok
