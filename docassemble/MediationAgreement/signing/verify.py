"""Checking an executed agreement: the seal, the attached record, and the case store.

>>> report = verify_pdf(pdf_bytes, store.events(case_id), trust_roots=["office-ca.pem"])  # doctest: +SKIP
>>> report.ok, [c.name for c in report.failures()]                                         # doctest: +SKIP
(True, [])

Checks, in order (each a :class:`Check` with a stable ``name``):

``pdf``        the file parses as a PDF;
``seal``       it carries a signature (the office seal);
``digest``     the signed bytes hash to the value the seal signed: not one byte changed;
``signature``  the seal's own signature is cryptographically valid;
``coverage``   the seal covers the whole file (nothing was appended after sealing);
``trust``      the sealing certificate chains to a trust root you gave;
               without trust roots this is *not checked* (``passed`` is None): the seal is
               intact, but anyone can make an intact seal with their own certificate;
``timestamp``  the RFC 3161 timestamp, if the seal has one (PAdES B-T);
``record``     ``mediation-record.json`` is attached and well-formed;
``log chain``  the attached log's hash chain is intact (same rules as :func:`.store.verify_chain`);
``signers``    each listed signer matches the signature event it cites, and each
               signature was made for that signer: a typed name, the recorded
               ``signer_name`` and the printed name are the party's legal name as
               the record gives it (compared ignoring case, accents and spaces);
``store log``  (with store events) the store's own chain is intact (with the store's
               audit: also its MACs, so a log cut short is caught);
``store match``(with store events) the sealed log is exactly the store's log, up to the
               events recorded after sealing; the first differing event is named;
``store signers`` (with the legal names from the store's case answers) each
               signature was made for the party's legal name in the signed draft,
               and each parent signed with their own link.

Every check runs even after one fails (except that nothing can be checked in a
file that does not parse), so a report shows everything that is wrong.
"""

from __future__ import annotations

import io
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from ..errors import ConfigError, SignatureError
from ..store import LogEvent, verify_chain
from .certificate import RECORD_NAME, CompletionRecord, SignerEntry, record_event_problems
from .signatures import is_signature_payload, names_match

__all__ = ["Check", "VerifyReport", "check_against_store", "load_trust_roots", "read_record", "verify_pdf"]

TrustRoot = str | Path | bytes


class Check(NamedTuple):
    """One verification step: ``passed`` is True, False, or None for "not checked"."""

    name: str
    passed: bool | None
    detail: str


@dataclass
class VerifyReport:
    """Everything :func:`verify_pdf` found.  ``ok`` is True when no check failed."""

    checks: list[Check] = field(default_factory=list)
    record: CompletionRecord | None = None
    signer_subject: str | None = None

    @property
    def ok(self) -> bool:
        return bool(self.checks) and all(c.passed is not False for c in self.checks)

    @property
    def trusted(self) -> bool:
        """Whether the seal was checked against, and chains to, a trust root."""
        return any(c.name == "trust" and c.passed is True for c in self.checks)

    def failures(self) -> list[Check]:
        return [c for c in self.checks if c.passed is False]

    def check(self, name: str) -> Check | None:
        return next((c for c in self.checks if c.name == name), None)

    def _add(self, name: str, passed: bool | None, detail: str) -> bool | None:
        self.checks.append(Check(name, passed, detail))
        return passed


def load_trust_roots(roots: Sequence[TrustRoot | Any]) -> list[Any]:
    """Trust roots as asn1crypto certificates, from paths, PEM/DER bytes or certificate objects."""
    from asn1crypto import x509 as asn1_x509
    from pyhanko.keys import load_certs_from_pemder_data

    out: list[Any] = []
    for root in roots:
        if isinstance(root, asn1_x509.Certificate):
            out.append(root)
            continue
        if hasattr(root, "public_bytes") and hasattr(root, "fingerprint"):  # a cryptography certificate
            from cryptography.hazmat.primitives.serialization import Encoding

            out.append(asn1_x509.Certificate.load(root.public_bytes(Encoding.DER)))
            continue
        label = "<bytes>"
        if isinstance(root, (str, Path)):
            label = str(root)
            try:
                root = Path(root).read_bytes()
            except OSError as exc:
                raise ConfigError(f"cannot read the trust root: {exc.strerror or exc}", path=label) from None
        try:
            certs = list(load_certs_from_pemder_data(bytes(root)))
        except (ValueError, TypeError) as exc:
            raise ConfigError(f"not a PEM or DER certificate: {exc}", path=label) from None
        if not certs:
            raise ConfigError("holds no certificate", path=label)
        out.extend(certs)
    return out


def verify_pdf(
    pdf: bytes,
    events: Sequence[LogEvent] | None = None,
    *,
    trust_roots: Sequence[TrustRoot | Any] | None = None,
    store_audit: Sequence[str] | None = None,
    legal_names: Mapping[str, str] | None = None,
    signer_problems: Sequence[str] = (),
) -> VerifyReport:
    """Check an executed agreement (see the module docstring for the checks).

    ``events`` are the case's events from the store (decrypted); ``trust_roots``
    the CA certificates (paths, PEM/DER bytes or certificate objects) the
    office seal should chain to; ``store_audit`` the store's own findings
    (:meth:`.store.CaseStore.audit`, which also notices deleted trailing events),
    used instead of :func:`.store.verify_chain` for the ``store log`` check;
    ``legal_names`` (party -> legal name in the store's case answers of the
    signed draft, see :func:`.review.signer_facts`) and ``signer_problems`` add
    the ``store signers`` check.  Raises :class:`SignatureError` only when
    ``pdf`` is not a PDF at all, and :class:`ConfigError` for an unreadable
    trust root; everything else is a failed check in the report.
    """
    if not isinstance(pdf, (bytes, bytearray)) or b"%PDF-" not in bytes(pdf[:1024]):
        raise SignatureError("not a PDF file (no %PDF- header)")
    roots = load_trust_roots(trust_roots) if trust_roots else None
    report = VerifyReport()

    from pyhanko.pdf_utils.misc import PdfError
    from pyhanko.pdf_utils.reader import PdfFileReader

    try:
        reader = PdfFileReader(io.BytesIO(bytes(pdf)))
        signatures = list(reader.embedded_signatures)
    except (PdfError, ValueError, KeyError, TypeError) as exc:
        report._add("pdf", False, f"the file is damaged and cannot be read as a PDF: {exc}")
        return report
    report._add("pdf", True, f"{len(pdf):,} bytes")
    _check_seal(report, signatures, roots)
    _check_record(report, reader)
    if events is not None:
        check_against_store(report, events, store_audit=store_audit, legal_names=legal_names, signer_problems=signer_problems)
    return report


# --------------------------------------------------------------------------- the seal


def _check_seal(report: VerifyReport, signatures: list[Any], roots: list[Any] | None) -> None:
    from pyhanko.pdf_utils.misc import PdfError
    from pyhanko.sign.validation import SignatureCoverageLevel, validate_pdf_signature
    from pyhanko.sign.validation.errors import SignatureValidationError
    from pyhanko.sign.validation.settings import KeyUsageConstraints
    from pyhanko_certvalidator import ValidationContext

    if not signatures:
        report._add("seal", False, "the PDF carries no signature: it was never sealed, or the seal was removed")
        return
    seal = signatures[-1]
    context = ValidationContext(trust_roots=roots or [], allow_fetching=False)
    usage = KeyUsageConstraints(key_usage={"digital_signature", "non_repudiation"}, match_all_key_usages=False)
    try:
        status = validate_pdf_signature(seal, context, key_usage_settings=usage)
    except (SignatureValidationError, PdfError, ValueError, KeyError, TypeError) as exc:
        report._add("seal", False, f"signature field {seal.field_name!r} cannot be validated: {exc}")
        return
    subject = status.signing_cert.subject.human_friendly
    report.signer_subject = subject
    extra = f"; {len(signatures) - 1} earlier signature(s) in the file" if len(signatures) > 1 else ""
    report._add("seal", True, f"field {seal.field_name!r}, sealed by {subject}{extra}")
    report._add(
        "digest",
        bool(status.intact),
        "the signed bytes are exactly what was sealed"
        if status.intact
        else "the document's digest does not match the seal: the file was changed after sealing",
    )
    report._add(
        "signature",
        bool(status.valid),
        f"{status.pkcs7_signature_mechanism} over SHA-256" if status.valid else "the seal's signature value does not verify",
    )
    if status.coverage == SignatureCoverageLevel.ENTIRE_FILE:
        report._add("coverage", True, "the seal covers the whole file")
    elif status.coverage == SignatureCoverageLevel.ENTIRE_REVISION:
        report._add("coverage", False, "content was added to the file after it was sealed (an incremental update)")
    else:
        report._add("coverage", False, "the seal covers only part of the file")
    fingerprint = _fingerprint(status.signing_cert)
    if not (status.intact and status.valid):
        report._add("trust", None, "not checked: the seal itself does not verify")
    elif roots is None:
        report._add(
            "trust",
            None,
            f"not checked (no trust root given): the seal is intact but this does not prove who made it; "
            f"sealing certificate SHA-256 {fingerprint}",
        )
    elif status.trusted:
        path = " -> ".join(c.subject.human_friendly for c in status.validation_path.iter_certs(include_root=True)) if status.validation_path else subject
        report._add("trust", True, f"chains to a trusted root: {path}")
    else:
        indication = status.trust_problem_indic
        reason = str(getattr(indication, "name", indication)) if indication is not None else "no path to a trusted root"
        report._add("trust", False, f"the sealing certificate ({subject}, SHA-256 {fingerprint}) does not chain to the given trust root ({reason})")
    for sig in signatures[:-1]:
        try:
            earlier = validate_pdf_signature(sig, context, key_usage_settings=usage)
        except (SignatureValidationError, PdfError, ValueError, KeyError, TypeError) as exc:
            report._add("earlier signature", False, f"field {sig.field_name!r}: {exc}")
            continue
        report._add("earlier signature", bool(earlier.intact and earlier.valid), f"field {sig.field_name!r}")
    ts = status.timestamp_validity
    if ts is not None:
        ok = bool(ts.intact and ts.valid) and (ts.trusted if roots is not None else True)
        when = f"{ts.timestamp:%Y-%m-%d %H:%M:%S} UTC"
        trust_note = "" if roots is not None else " (TSA not checked against a trust root)"
        report._add("timestamp", ok, f"RFC 3161 timestamp {when}{trust_note}" if ok else f"the timestamp ({when}) does not verify")


def _fingerprint(cert: Any) -> str:
    import hashlib

    return hashlib.sha256(cert.dump()).hexdigest()


# --------------------------------------------------------------------------- the attached record


def read_record(reader: Any) -> bytes | None:
    """The bytes of ``mediation-record.json`` attached to a PDF opened with pyHanko, or None."""

    def entry(dictionary: Any, key: str) -> Any:
        return dictionary[key] if key in dictionary else None  # noqa: SIM401 - pyHanko resolves references on [] only, not .get()

    names = entry(reader.root, "/Names")
    tree = entry(names, "/EmbeddedFiles") if names is not None else None
    pending = [tree] if tree is not None else []
    while pending:
        node = pending.pop()
        entries = entry(node, "/Names")
        for i in range(0, len(entries) - 1 if entries is not None else 0, 2):
            if str(entries[i]) == RECORD_NAME:
                return bytes(entries[i + 1]["/EF"]["/F"].data)
        kids = entry(node, "/Kids")
        pending.extend(kids[i] for i in range(len(kids)) if kids is not None)
    return None


def _check_record(report: VerifyReport, reader: Any) -> CompletionRecord | None:
    from pyhanko.pdf_utils.misc import PdfError

    try:
        data = read_record(reader)
    except (PdfError, KeyError, TypeError, AttributeError) as exc:
        report._add("record", False, f"the attached {RECORD_NAME} cannot be read: {exc}")
        return None
    if data is None:
        report._add("record", False, f"no {RECORD_NAME} attached: not an executed agreement from this toolkit")
        return None
    try:
        record = CompletionRecord.from_json(data)
    except SignatureError as exc:
        report._add("record", False, exc.message)
        return None
    report.record = record
    report._add("record", True, f"case {record.case_id}, {len(record.events)} events, {len(record.signers)} signers")
    problems = record_event_problems(record)
    report._add("log chain", not problems, problems[0] if problems else f"intact; final hash {record.final_hash}")
    signer_problems = _signer_problems(record)
    report._add(
        "signers",
        not signer_problems,
        signer_problems[0] if signer_problems else ", ".join(f"{s.printed_name} ({s.method}, event {s.event_seq})" for s in record.signers),
    )
    return record


def _signer_problems(record: CompletionRecord) -> list[str]:
    by_seq = {int(e.get("seq", -1)): e for e in record.events}
    problems: list[str] = []
    for s in record.signers:
        event = by_seq.get(s.event_seq)
        payload = event.get("payload") if event else None
        if event is None or not isinstance(payload, dict) or not is_signature_payload(payload):
            problems.append(f"{s.printed_name}: event {s.event_seq} is not a recorded signature")
            continue
        expected = {"party": s.party, "method": s.method, "consent_sha256": s.consent_sha256, "image_sha256": s.image_sha256, "draft_sha256": record.draft_sha256}
        wrong = [k for k, v in expected.items() if payload.get(k) != v]
        if event.get("at") != s.signed_at:
            wrong.append("time")
        if event.get("actor") != s.party:
            wrong.append("actor")
        if s.consent_sha256 not in record.consents:
            wrong.append("consent text")
        if payload.get("typed_name") != s.typed_name:
            wrong.append("typed name")
        if wrong:
            problems.append(f"{s.printed_name}: event {s.event_seq} disagrees on {', '.join(wrong)}")
        problems.extend(_name_problems(s, payload, s.signed_for, "in the record"))
    return problems


def _who(party: str) -> str:
    return {"a": "parent A", "b": "parent B", "mediator": "the mediator"}.get(party, f"party {party!r}")


def _name_problems(s: SignerEntry, payload: Mapping[str, Any], legal: str, source: str) -> list[str]:
    """A signature made for someone other than the party whose event it is: the typed
    name, the recorded ``signer_name`` or the printed name is not ``legal``."""
    problems: list[str] = []
    label = f"{s.printed_name}: event {s.event_seq}"
    if payload.get("method") == "typed" and not names_match(payload.get("typed_name"), legal):
        problems.append(f"{label} was signed with the typed name {payload.get('typed_name')!r}, which is not the name of {_who(s.party)} {source} ({legal})")
    signer_name = payload.get("signer_name")
    if signer_name is not None and not names_match(signer_name, legal):
        problems.append(f"{label} was signed for {signer_name!r}, who is not {_who(s.party)} {source} ({legal})")
    if not names_match(s.printed_name, legal):
        problems.append(f"{label}: the name printed under the signature line is not the name of {_who(s.party)} {source} ({legal})")
    return problems


# --------------------------------------------------------------------------- the store


_COMPARED = ("seq", "case_id", "kind", "actor", "at", "payload_sha256", "prev_hash", "hash")


def check_against_store(
    report: VerifyReport,
    events: Sequence[LogEvent],
    *,
    store_audit: Sequence[str] | None = None,
    legal_names: Mapping[str, str] | None = None,
    signer_problems: Sequence[str] = (),
) -> VerifyReport:
    """Add the ``store log`` and ``store match`` checks to a report from :func:`verify_pdf`,
    and ``store signers`` when ``legal_names`` are given.

    Nothing is added when the PDF carried no readable record (that already failed).
    """
    if report.record is not None:
        _check_store(report, report.record, list(events), store_audit)
        if legal_names is not None:
            _check_store_signers(report, report.record, list(events), legal_names, signer_problems)
    return report


def _check_store_signers(report: VerifyReport, record: CompletionRecord, events: list[LogEvent], legal_names: Mapping[str, str], signer_problems: Sequence[str]) -> None:
    problems = list(signer_problems)
    by_seq = {e.seq: e for e in events}
    for s in record.signers:
        legal = legal_names.get(s.party)
        if not legal:
            problems.append(f"{s.printed_name}: the store's case answers give no name for {_who(s.party)}")
            continue
        event = by_seq.get(s.event_seq)
        payload = event.payload if event is not None and is_signature_payload(event.payload) else {}
        if s.legal_name is not None and not names_match(s.legal_name, legal):
            problems.append(f"{s.printed_name}: the record names {_who(s.party)} {s.legal_name!r}, the store's case answers {legal!r}")
        problems.extend(_name_problems(s, payload, legal, "in the store's case answers"))
    report._add(
        "store signers",
        not problems,
        problems[0] if problems else "each signature was made for the legal name in the case answers of the signed draft: " + ", ".join(legal_names.get(s.party, "?") for s in record.signers),
    )


def _check_store(report: VerifyReport, record: CompletionRecord, events: list[LogEvent], store_audit: Sequence[str] | None) -> None:
    problems = list(store_audit) if store_audit is not None else verify_chain(events)
    report._add("store log", not problems, problems[0] if problems else f"intact; {len(events)} events")
    mismatch = _first_difference(record, events)
    if mismatch:
        report._add("store match", False, mismatch)
        return
    later = events[len(record.events) :]
    tail = f"; the store has {len(later)} later event(s) ({', '.join(e.kind for e in later)}), recorded after sealing" if later else ""
    report._add("store match", True, f"all {len(record.events)} sealed events match the store{tail}")


def _first_difference(record: CompletionRecord, events: list[LogEvent]) -> str | None:
    if events and events[0].case_id != record.case_id:
        return f"the store's events are for case {events[0].case_id!r}; this PDF is case {record.case_id!r}"
    for index, sealed in enumerate(record.events):
        seq = sealed.get("seq")
        if index >= len(events):
            return f"event {seq} ({sealed.get('kind')}) is in the sealed record but not in the store (deleted from the store?)"
        stored = events[index].to_record()
        stored["payload_sha256"] = events[index].payload_sha256  # recomputed from the stored content
        if stored["seq"] != seq:
            return f"event {seq} ({sealed.get('kind')}): the store has event {stored['seq']} in its place (event {seq} deleted from the store?)"
        fields = [name for name in _COMPARED if stored[name] != sealed.get(name)]
        if fields:
            what = "its content was changed" if "payload_sha256" in fields else "it was altered"
            return f"event {seq} ({sealed.get('kind')}) differs from the store in {', '.join(fields)}: {what}"
        if "payload" in sealed and json.dumps(sealed["payload"], sort_keys=True) != json.dumps(events[index].payload, sort_keys=True):
            return f"event {seq} ({sealed.get('kind')}): the attached signature content differs from the store"
    return None
