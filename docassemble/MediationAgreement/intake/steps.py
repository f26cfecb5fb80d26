"""Intake over the case store: open a case for intake, and each parent's three steps.

1. :func:`open_intake` stores the mediator's :class:`.IntakeSetup` and issues
   each parent a link (the same kind of link the review round uses; one link
   serves a parent from intake to signing).
2. With their own link, a parent signs the agreement to mediate
   (:func:`agree_to_mediate`; once), answers the private safety screening
   (:func:`submit_screening`; once) and gives their facts, issues and
   proposals (:func:`submit_intake`; again as often as they like until the
   first draft).
3. The mediator reads both (:func:`intake_record`) and the issues board
   (:func:`.board.issues_board`), and starts the case file from them
   (:func:`.prefill.prefill_case_data`).

Privacy: every answer is an event in the case's encrypted log, with the parent
as its actor.  A parent's link reads only that parent's own answers
(:func:`intake_for_token`); nothing here is in the review state both parents
and the court's documents are built from.  Every refusal is a
:class:`~.errors.StoreError` raised before anything is written.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import ValidationError

from ..case.validation import validation_problems
from ..case.yamlsource import LineMap
from ..errors import CaseValidationError, Problem, StoreError
from ..review.rounds import DEFAULT_TOKEN_DAYS, authenticate_link, check_link_days, issue_link, writing_session
from ..review.state import INTAKE_EVENT_KINDS, PARTIES, OpenedCase
from ..store import CaseSession, CaseStore, canonical_json, iso_z, salted
from .agreement import AgreementToMediate, agreement_pdf, load_agreement
from .issues import issue_ids, issue_kind
from .model import IntakeAnswers, IntakeSetup, ScreeningAnswers
from .screening import ScreeningResult, screen, screening_problems

if TYPE_CHECKING:
    from ..signing.signatures import SignatureCapture

Party = Literal["a", "b"]

AGREED, SCREENED, SUBMITTED = INTAKE_EVENT_KINDS


@dataclass(frozen=True)
class ParentIntake:
    """One parent's intake as the log records it."""

    party: str
    agreed_at: datetime | None = None
    agreement_sha256: str | None = None
    agreement_blob: str | None = None
    screened_at: datetime | None = None
    screening: ScreeningAnswers | None = None
    result: ScreeningResult | None = None
    submitted_at: datetime | None = None
    answers: IntakeAnswers | None = None

    @property
    def done(self) -> bool:
        return self.agreed_at is not None and self.screened_at is not None and self.submitted_at is not None


@dataclass(frozen=True)
class IntakeRecord:
    """A case's intake: the setup and each parent's steps (the mediator's view: both parents)."""

    case_id: str
    setup: IntakeSetup
    parents: dict[str, ParentIntake] = field(default_factory=dict)

    def called(self, party: str) -> str:
        return self.setup.parent_a.called if party == "a" else self.setup.parent_b.called


@dataclass(frozen=True)
class ParentView:
    """What a parent's own link shows at intake: their name, the other parent's, their own steps."""

    case_id: str
    party: str
    called: str
    full_name: str
    other: str
    office: str
    mediator: str
    own: ParentIntake
    staff_preview: bool = False
    language: str = "en"
    """The language of their screens and of the agreement to mediate they read and sign (the setup's)."""


def _setup_from(session: CaseSession) -> IntakeSetup:
    opened = next((e for e in session.events() if e.kind == "case_opened"), None)
    if opened is None or "setup_blob" not in opened.payload:
        raise StoreError(f"case '{session.case_id}' was not opened for intake", hint="open it with `mediation-agreement case intake SETUP.yml`")
    return IntakeSetup.model_validate(json.loads(session.blob(str(opened.payload["setup_blob"]))))


def intake_from_session(session: CaseSession) -> IntakeRecord:
    """The case's intake as its log records it, inside an open session (raises if the case was not opened for intake)."""
    setup = _setup_from(session)
    steps: dict[str, dict[str, Any]] = {p: {"party": p} for p in PARTIES}
    for e in session.events():
        if e.kind not in INTAKE_EVENT_KINDS or e.actor not in PARTIES or "_unreadable" in e.payload:
            continue
        mine = steps[e.actor]
        p = e.payload
        if e.kind == AGREED and "agreed_at" not in mine:
            mine.update(agreed_at=e.at, agreement_sha256=p.get("text_sha256"), agreement_blob=p.get("pdf_blob"))
        elif e.kind == SCREENED and "screened_at" not in mine:
            answers = ScreeningAnswers.model_validate(p["screening"])
            mine.update(screened_at=e.at, screening=answers, result=screen(answers))
        elif e.kind == SUBMITTED:
            mine.update(submitted_at=e.at, answers=IntakeAnswers.model_validate(p["answers"]))
    return IntakeRecord(session.case_id, setup, {p: ParentIntake(**steps[p]) for p in PARTIES})


def _names(setup: IntakeSetup) -> dict[str, str]:
    return {
        "a": f"{setup.parent_a.called} ({setup.parent_a.full_name})",
        "b": f"{setup.parent_b.called} ({setup.parent_b.full_name})",
        "mediator": f"Mediator ({setup.mediator.full_name})",
    }


# --------------------------------------------------------------------------- the mediator


def open_intake(store: CaseStore, setup: IntakeSetup, *, label: str | None = None, token_days: int = DEFAULT_TOKEN_DAYS) -> OpenedCase:
    """Store a new case at intake and issue each parent their link."""
    check_link_days(token_days)
    label = label or f"{setup.parent_a.full_name} / {setup.parent_b.full_name}"
    with store.new_case(label) as session:
        blob = session.add_blob(canonical_json(setup.model_dump(mode="json")))
        session.append("case_opened", "mediator", {"stage": "intake", "setup_blob": blob, "names": _names(setup)})
        issued = {party: issue_link(session, party, token_days) for party in PARTIES}
        return OpenedCase(session.case_id, issued)


def intake_record(store: CaseStore, case_id: str) -> IntakeRecord:
    """Both parents' intake, for the mediator (never shown to a parent)."""
    with store.session(case_id) as session:
        return intake_from_session(session)


def signed_agreement_pdf(store: CaseStore, case_id: str, party: str) -> bytes:
    """The office's copy of a parent's signed agreement to mediate."""
    with store.session(case_id) as session:
        own = intake_from_session(session).parents.get(party)
        if own is None or own.agreement_blob is None:
            raise StoreError(f"parent {party.upper()} of case '{case_id}' has not signed the agreement to mediate")
        return session.blob(own.agreement_blob)


# --------------------------------------------------------------------------- a parent, with their link


def intake_for_token(store: CaseStore, case_id: str, token: str) -> ParentView:
    """What the link's parent may see: their own steps and answers, never the other parent's."""
    with store.session(case_id) as session:
        party, _ = authenticate_link(session, token, action="open the intake", allow_spent=False)
        record = intake_from_session(session)
        return _view(record, party)


def _view(record: IntakeRecord, party: str) -> ParentView:
    setup = record.setup
    me = setup.parent_a if party == "a" else setup.parent_b
    other = setup.parent_b if party == "a" else setup.parent_a
    return ParentView(record.case_id, party, me.called, me.full_name, other.called, setup.office, setup.mediator.full_name, record.parents[party], language=me.language)


def agreement_for(view: ParentView, *, path: str | Path | None = None, language: str | None = None) -> AgreementToMediate:
    """The agreement to mediate as this parent reads it (the office's wording when ``path`` is given), in
    ``language`` (default: the parent's own, ``view.language``)."""
    return load_agreement(office=view.office, mediator=view.mediator, parent=view.full_name, path=path, language=language or view.language)


def agree_to_mediate(
    store: CaseStore,
    case_id: str,
    token: str,
    capture: SignatureCapture,
    *,
    agreement_path: str | Path | None = None,
    client: dict[str, str] | None = None,
    language: str | None = None,
) -> ParentIntake:
    """Record the parent's signature on the agreement to mediate, with the signed PDF (once).

    ``language``: the words the parent read and signed (default: their own, from the setup); the
    signed PDF is in that language, and it is both the parent's copy and the office's record.
    """
    from ..signing.signatures import bind_signer_name

    with writing_session(store, case_id) as session:
        party, _ = authenticate_link(session, token, action="sign the agreement to mediate")
        record = intake_from_session(session)
        own = record.parents[party]
        if own.agreed_at is not None:
            raise StoreError(f"you already signed the agreement to mediate on {iso_z(own.agreed_at)}; nothing was changed", hint="you can download your copy")
        if capture.party != party:
            raise StoreError(f"this signature is for parent {capture.party.upper()}, but the link is parent {party.upper()}'s; nothing was changed")
        view = _view(record, party)
        agreement = agreement_for(view, path=agreement_path, language=language)
        if capture.consent_sha256 != agreement.sha256:
            raise StoreError("the agreement to mediate changed while you were reading it; read it again and sign; nothing was changed")
        capture = bind_signer_name(capture, view.full_name)
        now = store.clock().replace(microsecond=0)
        pdf = agreement_pdf(agreement, capture, signed_at=now, printed_name=view.full_name, office=view.office)
        blob = session.add_blob(pdf)
        payload = capture.to_event_payload(agreement.sha256, client)
        payload.pop("consent_text", None)  # the text is the agreement itself, kept in the PDF
        session.append(AGREED, party, salted({"text_sha256": agreement.sha256, "version": agreement.version, "pdf_blob": blob, "signature": payload}))
        return intake_from_session(session).parents[party]


def _require_agreed(own: ParentIntake) -> None:
    if own.agreed_at is None:
        raise StoreError("sign the agreement to mediate first; nothing was changed")


def submit_screening(store: CaseStore, case_id: str, token: str, answers: ScreeningAnswers) -> ParentIntake:
    """Record the parent's private safety screening (once; anything new goes to the mediator privately)."""
    problems = screening_problems(answers)
    if problems:
        raise CaseValidationError(problems, path="screening")
    with writing_session(store, case_id) as session:
        party, _ = authenticate_link(session, token, action="answer the safety questions")
        own = intake_from_session(session).parents[party]
        _require_agreed(own)
        if own.screened_at is not None:
            raise StoreError(
                f"you already answered the safety questions on {iso_z(own.screened_at)}; nothing was changed",
                hint="to add anything, tell the mediator privately",
            )
        session.append(SCREENED, party, salted({"screening": answers.model_dump(mode="json")}))
        return intake_from_session(session).parents[party]


def submit_intake(store: CaseStore, case_id: str, token: str, answers: IntakeAnswers) -> ParentIntake:
    """Record the parent's facts, issues and proposals (the latest counts, until the first draft)."""
    known = issue_ids()
    problems = []
    for n, entry in enumerate(answers.issues):
        kind = issue_kind(entry.issue)
        if kind is None:
            problems.append((f"issues[{n}].issue", f"'{entry.issue}' is not an issue the intake offers (one of: {', '.join(known)})"))
        elif entry.choice is not None and kind.choice(entry.choice) is None:
            offered = ", ".join(c.value for c in kind.choices) or "none"
            problems.append((f"issues[{n}].choice", f"'{entry.choice}' is not a choice for '{entry.issue}' (choices: {offered})"))
    if problems:
        raise CaseValidationError([Problem(message, field_path=path) for path, message in problems], path="intake")
    with writing_session(store, case_id) as session:
        party, _ = authenticate_link(session, token, action="send your answers")
        own = intake_from_session(session).parents[party]
        _require_agreed(own)
        if any(e.kind == "draft_issued" for e in session.events()):
            raise StoreError("the mediator has already written a draft; tell the mediator what changed instead; nothing was changed")
        session.append(SUBMITTED, party, salted({"answers": answers.model_dump(mode="json")}))
        return intake_from_session(session).parents[party]


def parse_answers(model: type[IntakeAnswers] | type[ScreeningAnswers] | type[IntakeSetup], data: Any, *, source: str, lines: LineMap | None = None) -> Any:
    """Validate answers given as data (a file, an interview), every problem with its field path."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise CaseValidationError(validation_problems(exc, model, source, lines or LineMap()), path=source) from None


def own_agreement_pdf(store: CaseStore, case_id: str, token: str) -> bytes:
    """The parent's own signed agreement to mediate (their link; also after it was used to sign the agreement)."""
    with store.session(case_id) as session:
        party, _ = authenticate_link(session, token, action="download the agreement to mediate", allow_spent=True)
        own = intake_from_session(session).parents[party]
        if own.agreement_blob is None:
            raise StoreError("you have not signed the agreement to mediate yet")
        return session.blob(own.agreement_blob)
