"""The executed agreement: signatures in their blocks, the certificate, the office seal.

:func:`build_executed_pdf` is the one call::

    config = SigningConfig.from_env()
    pdf = build_executed_pdf(doc, {"a": cap_a, "b": cap_b, "mediator": cap_m}, store.events(case_id), config)

It

1. checks that every signature line has a capture, each capture is recorded in
   the case log, all signers signed the same version, and the log's chain is
   intact (:func:`.certificate.completion_record`);
2. renders the final agreement with each drawn image or typed name in its
   signature block and the signing date after "Date:" (through the optional
   fields of :class:`.document.SignatureLine`);
3. appends the Certificate of Completion and attaches ``mediation-record.json``
   (a PDF/A-3 associated file);
4. seals the whole file with the office certificate: a PAdES signature
   (B-B; B-T when a timestamping authority is configured) in the invisible
   field ``OfficeSeal``, certifying the document with "no changes allowed",
   with the certificate chain embedded.

:func:`seal_pdf` does step 4 alone for any PDF.
"""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from ..assembly.document import AgreementDocument
from ..errors import ConfigError, RenderError, SignatureError
from ..store import LogEvent, parse_iso_z
from .certificate import RECORD_NAME, CompletionRecord, SealIdentity, completion_record, render_certificate, signed_at_text
from .signatures import SignatureCapture, SigningConfig, trimmed_signature_png

__all__ = ["attach_certificate", "build_executed_pdf", "executed_document", "load_seal_signer", "seal_identity", "seal_pdf"]

Renderer = Callable[[AgreementDocument], bytes]


def executed_document(doc: AgreementDocument, record: CompletionRecord, signatures: Mapping[str, SignatureCapture]) -> AgreementDocument:
    """``doc`` as executed: final (no DRAFT mark), each signature and its date in its block."""
    entries = {s.party: s for s in record.signers}
    lines = []
    for line in doc.signatures:
        if not line.signs_electronically:  # counsel, agency, judge, notary: signed on paper, left blank here
            lines.append(line)
            continue
        capture, entry = signatures[line.party], entries[line.party]
        lines.append(
            replace(
                line,
                signature_png=trimmed_signature_png(capture.image_png) if capture.image_png is not None else None,
                typed_signature=capture.typed_name if capture.method == "typed" else None,
                signed_at_text=signed_at_text(parse_iso_z(entry.signed_at)),
            )
        )
    return replace(doc, draft=False, signatures=tuple(lines))


def build_executed_pdf(
    doc: AgreementDocument,
    signatures: Mapping[str, SignatureCapture],
    events: Sequence[LogEvent],
    config: SigningConfig,
    *,
    render: Renderer | None = None,
    timestamper: Any = None,
) -> bytes:
    """The sealed, executed agreement with its Certificate of Completion (see the module docstring).

    ``doc`` is the version the parties approved; a draft is accepted and
    rendered without its DRAFT mark, since what was signed is identified by the
    ``draft_sha256`` every signature event records.  ``render`` replaces
    :func:`.render_pdf.render_pdf` (tests); ``timestamper`` replaces the
    configured TSA (a pyHanko ``TimeStamper``).

    Raises :class:`SignatureError` (unsigned line, unlogged signature, broken
    log, different versions signed), :class:`ConfigError` (key or certificate
    unusable) or :class:`RenderError`.
    """
    signer = load_seal_signer(config)
    identity = seal_identity(signer)
    record = completion_record(doc, signatures, events, identity)
    executed = executed_document(doc, record, signatures)
    if render is None:
        from ..render.pdf import render_pdf

        render = render_pdf
    agreement = render(executed)
    completed = max(parse_iso_z(s.signed_at) for s in record.signers)
    certificate = render_certificate(record, signatures, timestamp=int(completed.timestamp()))
    unsigned = attach_certificate(agreement, certificate, record, completed=completed)
    return seal_pdf(unsigned, config, signer=signer, timestamper=timestamper)


# --------------------------------------------------------------------------- putting the PDF together


def attach_certificate(agreement: bytes, certificate: bytes, record: CompletionRecord, *, completed: datetime) -> bytes:
    """Append the certificate pages and attach the record (as a PDF/A-3 associated file).

    The agreement comes from Typst as PDF/A-2b; PDF/A-2 allows only PDF/A
    attachments, so when the agreement claims PDF/A-2 the claim becomes
    PDF/A-3b (which allows any associated file) and the page count in the XMP
    metadata is updated.
    """
    from pypdf import PdfReader, PdfWriter
    from pypdf.errors import PdfReadError
    from pypdf.generic import ArrayObject, NameObject, StreamObject, TextStringObject

    try:
        writer = PdfWriter(clone_from=PdfReader(io.BytesIO(agreement)))
        writer.append(PdfReader(io.BytesIO(certificate)))
    except (PdfReadError, ValueError) as exc:
        raise RenderError(f"cannot combine the agreement and its certificate: {exc}") from None
    attached = writer.add_attachment(RECORD_NAME, record.to_json())
    attached.subtype = NameObject("/application/json")
    attached.description = TextStringObject("Case log and signature evidence (Certificate of Completion)")
    attached.associated_file_relationship = NameObject("/Data")
    attached.modification_date = completed.astimezone(UTC)
    attached.alternative_name = TextStringObject(RECORD_NAME)  # /UF, required beside /F by PDF/A-3
    writer.root_object[NameObject("/AF")] = ArrayObject([attached.pdf_object.indirect_reference])
    metadata = writer.root_object.get("/Metadata")
    if metadata is not None:
        stream = metadata.get_object()
        if isinstance(stream, StreamObject):
            xmp = stream.get_data().decode("utf-8")
            updated = _xmp_for_executed(xmp, pages=len(writer.pages))
            if updated != xmp:
                stream.set_data(updated.encode("utf-8"))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _xmp_for_executed(xmp: str, *, pages: int) -> str:
    """PDF/A-2 -> PDF/A-3 (for the attached record) and the new page count."""
    xmp = re.sub(r"<pdfaid:part>2</pdfaid:part>", "<pdfaid:part>3</pdfaid:part>", xmp)
    xmp = re.sub(r'pdfaid:part="2"', 'pdfaid:part="3"', xmp)
    return re.sub(r"<xmpTPg:NPages>\d+</xmpTPg:NPages>", f"<xmpTPg:NPages>{pages}</xmpTPg:NPages>", xmp)


# --------------------------------------------------------------------------- the seal


def load_seal_signer(config: SigningConfig) -> Any:
    """The office's key and certificate as a pyHanko ``SimpleSigner``.

    Checks, with a :class:`ConfigError` naming the file: the key decrypts (right
    passphrase), the certificate is valid now, it is meant for signing (key
    usage), and it belongs to the key.
    """
    from asn1crypto import x509 as asn1_x509
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization
    from pyhanko.keys import load_certs_from_pemder_data
    from pyhanko.keys.internal import translate_pyca_cryptography_key_to_asn1
    from pyhanko.sign.signers import SimpleSigner
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    key_bytes = _read(config.key_path, "signing key")
    try:
        loader = serialization.load_pem_private_key if b"-----BEGIN" in key_bytes else serialization.load_der_private_key
        private_key = loader(key_bytes, password=config.key_passphrase)
    except TypeError:
        raise ConfigError(
            "the signing key is encrypted but no passphrase is set", path=config.key_path, hint="set MEDIATION_SIGNING_KEY_PASSPHRASE"
        ) from None
    except ValueError as exc:
        hint = "wrong passphrase?" if config.key_passphrase else None
        raise ConfigError(f"cannot read the signing key: {exc}", path=config.key_path, hint=hint) from None
    cert = _load_one_cert(config.cert_path)
    now = datetime.now(UTC)
    if not cert.not_valid_before_utc <= now <= cert.not_valid_after_utc:
        raise ConfigError(
            f"the signing certificate is not valid now (valid {cert.not_valid_before_utc:%Y-%m-%d} to {cert.not_valid_after_utc:%Y-%m-%d})",
            path=config.cert_path,
        )
    try:
        usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
        if not (usage.digital_signature or usage.content_commitment):
            raise ConfigError("the signing certificate's key usage does not allow signatures", path=config.cert_path)
    except x509.ExtensionNotFound:
        pass
    spki = serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    if private_key.public_key().public_bytes(*spki) != cert.public_key().public_bytes(*spki):
        raise ConfigError("the signing key does not belong to the signing certificate", path=config.key_path, hint=f"certificate: {config.cert_path}")
    chain = []
    for path in config.chain_paths:
        try:
            chain.extend(load_certs_from_pemder_data(_read(path, "certificate chain")))
        except ValueError as exc:
            raise ConfigError(f"cannot read the certificate chain: {exc}", path=path) from None
    return SimpleSigner(
        signing_cert=asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER)),
        signing_key=translate_pyca_cryptography_key_to_asn1(private_key),
        cert_registry=SimpleCertificateStore.from_certs(chain),  # type: ignore[no-untyped-call]
    )


def seal_identity(signer: Any) -> SealIdentity:
    """Subject and SHA-256 fingerprint of the sealing certificate, for the certificate page."""
    cert = signer.signing_cert
    return SealIdentity(subject=cert.subject.human_friendly, fingerprint_sha256=hashlib.sha256(cert.dump()).hexdigest())


def seal_pdf(pdf: bytes, config: SigningConfig, *, signer: Any = None, timestamper: Any = None) -> bytes:
    """Seal ``pdf`` with the office certificate (PAdES; see the module docstring) and return the result.

    The seal covers the whole file.  ``signer`` (from :func:`load_seal_signer`)
    saves reloading the key; ``timestamper`` overrides ``config.tsa_url``.
    """
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.misc import PdfError
    from pyhanko.sign import fields, signers
    from pyhanko.sign.general import SigningError

    signer = signer or load_seal_signer(config)
    if timestamper is None and config.tsa_url:
        from pyhanko.sign.timestamps import HTTPTimeStamper

        timestamper = HTTPTimeStamper(config.tsa_url, timeout=30)
    meta = signers.PdfSignatureMetadata(
        field_name=config.field_name,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        certify=True,
        docmdp_permissions=fields.MDPPerm.NO_CHANGES,
        reason=config.reason,
        location=config.location,
    )
    pdf_signer = signers.PdfSigner(meta, signer, timestamper=timestamper, new_field_spec=fields.SigFieldSpec(config.field_name))
    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
        out = pdf_signer.sign_pdf(writer)
    except (PdfError, SigningError) as exc:
        raise SignatureError(f"could not seal the PDF: {exc}") from None
    except OSError as exc:  # the timestamping authority could not be reached
        raise SignatureError(f"could not seal the PDF: timestamping authority {config.tsa_url}: {exc}") from None
    return bytes(out.getbuffer())


def _read(path: Any, what: str) -> bytes:
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError as exc:
        raise ConfigError(f"cannot read the {what}: {exc.strerror or exc}", path=path) from None


def _load_one_cert(path: Any) -> Any:
    from cryptography import x509

    data = _read(path, "signing certificate")
    try:
        return x509.load_pem_x509_certificate(data) if b"-----BEGIN" in data else x509.load_der_x509_certificate(data)
    except ValueError as exc:
        raise ConfigError(f"not a certificate: {exc}", path=path) from None
