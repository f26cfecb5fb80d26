"""A parent's review (``parent_review.yml``): open the link, read, comment, decide, sign, download.

Every step is the review-round engine's (:mod:`..review`); a refusal comes
back as the engine's message on the screen's field.  The parent's page asks
:func:`parent_link_status` on every screen, so a link that was revoked, spent
by signing, or overtaken by a new draft or by the sealed agreement shows the
right screen however old the session is.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from docassemble.base.util import DAFile, log, validation_error

from ..errors import MediationError
from .answers import draft_html
from .server import is_office_staff, plain, review_store


@dataclass(frozen=True)
class ParentLink:
    """What a parent's link opened: their case, their token and the draft they read."""

    case_id: str
    token: str
    party: str
    name: str
    full_name: str
    other_name: str
    draft: int
    sha256: str
    sections: tuple[tuple[str, str], ...]
    html: str
    changes: str = ""
    """From draft 2 on: what changed since the draft before (summary, comments answered, words added and removed)."""
    staff_preview: bool = False
    """Opened by signed-in office staff: shown read-only, recorded as nothing, no action as the parent."""




def _link_args(url_args: Mapping[str, Any]) -> tuple[str, str]:
    return str(url_args.get("case") or "").strip(), str(url_args.get("token") or "").strip()


def parent_link_status(url_args: Mapping[str, Any]) -> Any:
    """Where the parent's link stands now (``review.LinkStatus``); asked again on every screen."""
    from ..review import LinkStatus, link_status

    case_id, token = _link_args(url_args)
    try:
        status = link_status(review_store(), case_id, token)
    except MediationError as exc:  # the store itself (configuration, database)
        status = LinkStatus("problem", exc.message)
    return replace(status, problem=plain(status.problem)) if status.problem else status


def page_language(url_args: Mapping[str, Any]) -> str:
    """The language this parent's pages speak: ``lang=`` in the link when it names one we have (the parent's
    choice: the office's links carry the parent's recorded language), else their case's, else English."""
    from ..notices.delivery import link_language

    asked = str(url_args.get("lang") or "").strip().lower()
    if asked in ("en", "es"):
        return asked
    case_id, token = _link_args(url_args)
    try:
        return link_language(review_store(), case_id, token)
    except MediationError:
        return "en"


def link_moved_on(link: ParentLink, status: Any, url_args: Mapping[str, Any]) -> bool:
    """True when the parent's answers so far were for another draft or another link (start the review again)."""
    return link.draft != status.draft or (link.case_id, link.token) != _link_args(url_args)


def executed_pdf_file(url_args: Mapping[str, Any]) -> DAFile:
    """The signed and sealed agreement, for the parent whose link this is."""
    from ..review import executed_for_token

    case_id, token = _link_args(url_args)
    final = executed_for_token(review_store(), case_id, token)
    the_file = DAFile("executed_pdf")
    the_file.initialize(filename="signed-agreement.pdf")
    the_file.write(final.pdf, binary=True)
    the_file.commit()
    return the_file


STAFF_REFUSAL = (
    "You are signed in as office staff. A parent's link shows you what the parent sees, "
    "but only the parent can comment, answer or sign. Send the link to the parent instead."
)


def staff_refusal() -> str:
    return STAFF_REFUSAL


def staff_session() -> bool:
    """Signed in as office staff (parents never sign in): a parent's link opens read-only and records nothing."""
    return is_office_staff()


def open_parent_link(url_args: Mapping[str, Any]) -> ParentLink:
    """Open the current draft with the parent's token (the engine logs that the parent read it).

    Office staff who open a parent's link get the same draft without the log
    recording the parent as having read it (:func:`staff_session`).
    """
    from ..review import amended_case, changes_fragment, draft_version, open_draft, redline_for, state_for_token

    case_id, token = _link_args(url_args)
    store = review_store()
    state = state_for_token(store, case_id, token)
    preview = staff_session()
    draft = draft_version(store, case_id) if preview else open_draft(store, case_id, token)
    party = state.viewer
    other = "b" if party == "a" else "a"
    parents = draft.case_data
    full = str(parents[f"parent_{party}"]["full_name"])
    other_full = str(parents[f"parent_{other}"]["full_name"])
    sections = tuple((c.number, f"{c.number} {c.title}") for sec in draft.document.sections for c in sec.clauses)
    amends = draft.number == 1 and amended_case(store, case_id) is not None  # an amendment's first draft: against what was signed
    changes = changes_fragment(redline_for(store, case_id, draft.number, viewer="parents")) if draft.number > 1 or amends else ""
    return ParentLink(case_id, token, party, full.split()[0], full, other_full.split()[0], draft.number, draft.sha256, sections, draft_html(draft.document), changes, preview)


def draft_pdf_file(link: ParentLink) -> DAFile:
    """The PDF of the draft the parent approves (its SHA-256 is what an approval binds to)."""
    from ..review import draft_version

    version = draft_version(review_store(), link.case_id, link.draft)
    the_file = DAFile("parent_link_pdf")
    the_file.initialize(filename=f"agreement-draft-{link.draft}.pdf")
    the_file.write(version.pdf, binary=True)
    the_file.commit()
    return the_file


def section_choices(link: ParentLink, copy: ReadingCopy | None = None) -> list[dict[str, str]]:
    """The parts a comment can be on: the draft's numbers, titled in the reading copy's language when there is one."""
    titled = copy.sections if copy is not None and copy.sections else link.sections
    return [{"value": number, "label": label} for number, label in titled]


def _refusal(exc: MediationError, link: ParentLink, language: str) -> str:
    """The engine's refusal as the parent reads it: its own words in English, the catalogue's in their language."""
    from ..wording.parent_messages import for_parent

    return for_parent(exc.message, language, full_name=link.full_name) or plain(exc.message)


def post_comment(link: ParentLink, section: str, text: str, private: bool, *, field: str | None = None, language: str = "en") -> bool:
    """``validation code``: store the comment; the engine's refusal is shown on the comment field."""
    from ..review import add_comment

    if link.staff_preview or staff_session():
        validation_error(STAFF_REFUSAL, field=field)
    try:
        add_comment(review_store(), link.case_id, token=link.token, draft=link.draft, section=section, text=text, private=bool(private))
    except MediationError as exc:
        validation_error(_refusal(exc, link, language), field=field)
    return True


def post_decision(link: ParentLink, *, approved: bool, reason: str | None = None, field: str | None = None, language: str = "en") -> bool:
    """``validation code``: approve the draft the parent read, or ask for changes."""
    from ..review import approve, request_changes

    if link.staff_preview or staff_session():
        validation_error(STAFF_REFUSAL, field=field)
    try:
        if approved:
            approve(review_store(), link.case_id, link.token, draft=link.draft, sha256=link.sha256)
            _tell_the_other_parent(link)
        else:
            request_changes(review_store(), link.case_id, link.token, draft=link.draft, reason=reason or "", sha256=link.sha256)
    except MediationError as exc:
        validation_error(_refusal(exc, link, language), field=field)
    return True


def _tell_the_other_parent(link: ParentLink) -> None:
    """One parent approved: the other gets the notice, if they agreed to e-mail (a failure is the office's to see, not the parent's)."""
    from ..notices import notify_approved
    from .mail import office_mailer

    try:
        notify_approved(review_store(), link.case_id, link.party, mailer=office_mailer())
    except MediationError as exc:  # the case's log then has no link_sent for it; the round screen shows each parent's decision
        log(f"mediation agreement: case {link.case_id}: the notice to the other parent was not sent ({exc.__class__.__name__})", "log")


def both_parents_approved(link: ParentLink) -> bool:
    from ..review import state_for_token

    state = state_for_token(review_store(), link.case_id, link.token)
    return len(state.approved_by) == 2 and state.current is not None and state.current.sha256 == link.sha256


def consent_for(link: ParentLink) -> str:
    """The consent text shown before signing (the draft's own electronic-signatures clause)."""
    from ..review import consent_text

    return consent_text(review_store(), link.case_id)


def post_signature(
    link: ParentLink, *, method: str, consent: str, intent: bool, image: Any = None, typed_name: str | None = None, field: str | None = None, language: str = "en"
) -> bool:
    """``validation code``: capture and record the signature; a refusal is shown on the signature field."""
    from ..review import sign
    from ..signing.signatures import capture_signature

    if link.staff_preview or staff_session():
        validation_error(STAFF_REFUSAL, field=field)
    try:
        png = Path(image.path()).read_bytes() if image is not None else None
        capture = capture_signature(link.party, method=method, image_png=png, typed_name=typed_name, intent_confirmed=intent is True, consent_text=consent)
        sign(review_store(), link.case_id, capture, token=link.token, draft=link.draft, sha256=link.sha256, client=client_info())
    except MediationError as exc:
        validation_error(_refusal(exc, link, language), field=field)
    return True


def client_info() -> dict[str, str] | None:
    from docassemble.base.functions import this_thread

    info = getattr(this_thread, "current_info", None) or {}
    client = {}
    if info.get("clientip"):
        client["ip"] = str(info["clientip"])
    agent = (info.get("headers") or {}).get("User-Agent")
    if agent:
        client["user_agent"] = str(agent)
    return client or None


@dataclass(frozen=True)
class ReadingCopy:
    """The current draft as a reading copy in the parent's language, for the review screen beside the English draft.

    ``problem`` says why there is none (a clause the office's library has no
    translation for); the English draft is still there to read and sign.
    """

    html: str = ""
    changes: str = ""
    problem: str = ""
    consent: str = ""
    """The consent to sign electronically in ``language``, read beside the English one the signer agrees to."""
    sections: tuple[tuple[str, str], ...] = ()
    """(number, "4.2 Title") for each clause, in ``language`` (the same numbers as the English draft)."""


def reading_copy_for(link: ParentLink, language: str) -> ReadingCopy:
    """Draft ``link.draft`` in ``language``, with what changed since the draft before it, in that language."""
    from ..review import changes_fragment, reading_consent, reading_copy, reading_redline
    from .server import configured_libraries

    try:
        doc = reading_copy(review_store(), link.case_id, link.draft, language=language, libraries=configured_libraries())
        changes = changes_fragment(reading_redline(review_store(), link.case_id, link.draft, language=language, libraries=configured_libraries()), language) if link.draft > 1 else ""
        consent = reading_consent(review_store(), link.case_id, language=language, copy=doc) or ""
    except MediationError as exc:  # the office's library lacks a translation: the mediator's `lint --language` says which
        log(f"mediation-agreement: no {language} reading copy of draft {link.draft}: {type(exc).__name__}", "info")
        return ReadingCopy(problem=type(exc).__name__)
    sections = tuple((c.number, f"{c.number} {c.title}") for sec in doc.sections for c in sec.clauses)
    return ReadingCopy(draft_html(doc), changes, consent=consent, sections=sections)


def reading_pdf_file(link: ParentLink, language: str) -> DAFile:
    """The reading copy as a PDF to download (every page marked as a courtesy translation)."""
    from ..render.pdf import render_pdf
    from ..review import reading_copy
    from .server import configured_libraries

    doc = reading_copy(review_store(), link.case_id, link.draft, language=language, libraries=configured_libraries())
    the_file = DAFile("parent_reading_pdf")
    the_file.initialize(filename=f"acuerdo-borrador-{link.draft}-{language}.pdf" if language == "es" else f"agreement-draft-{link.draft}-{language}.pdf")
    the_file.write(render_pdf(doc), binary=True)
    the_file.commit()
    return the_file
