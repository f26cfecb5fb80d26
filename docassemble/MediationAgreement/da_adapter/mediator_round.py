"""The mediator's review round, from the mediator's interview (``mediation_round.yml``).

Office staff (signed in, with one of the ``review round privileges``) send the
draft on screen to the parents: the first time, the case is opened in the
case store and each parent gets their own link; every later time, the next
draft is issued from the revised answers, with a redline.  The round screen
then shows what the case waits for, the parents' decisions, signatures and
comments (private notes included: this is the mediator's view), and once
both parents have signed, lets the mediator sign and the office seal the
executed agreement, which can then be downloaded.

Each step is the review-round engine's (:mod:`..review`), the same the
``mediation-agreement case`` commands call, on the same store.  A refusal
goes in ``review_round.message`` and is shown on the round screen until the
case moves on (:func:`current_message`).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import UTC, tzinfo
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from docassemble.base.util import DAFile, DAObject, validation_error

from ..case.model import case_from_data
from ..errors import MediationError
from ..review.report import state_lines
from . import mail
from .answers import answers_to_data
from .mail import parent_link
from .server import configured_libraries, is_office_staff, plain, review_store, signing_config

PARENT_INTERVIEW = mail.INTERVIEWS["review"]
PARENT_INTAKE = mail.INTERVIEWS["intake"]


class ReviewRound(DAObject):
    """This interview session's review round: the stored case and the outcome of the mediator's last action.

    A parent's link is never kept here: a new one is shown on the screen that
    follows the action that made it (:func:`take_new_links`), in the same
    request, and then dropped, so the saved session holds no raw token (the
    store keeps only each token's hash).
    """

    picking_for = ""  # the parent whose referrals are being picked, and in which language (class defaults: older sessions read them too)
    picking_language = ""

    def init(self, *pargs: Any, **kwargs: Any) -> None:
        super().init(*pargs, **kwargs)
        self.case_id = ""
        self.new_links: list[tuple[str, str]] = []
        self.message = ""
        self.picking_for = ""

    @property
    def started(self) -> bool:
        return bool(self.case_id)

    @property
    def drafted(self) -> bool:
        """The case has a draft (a case opened for intake has none until the first is sent)."""
        return self.started and round_state(self).current is not None


def _say(review_round: ReviewRound, text: str) -> None:
    """The outcome of the mediator's last action, shown until the case moves on (a parent acts, a draft is issued)."""
    review_round.message = text
    review_round.message_events = round_state(review_round).events if review_round.started else 0


def current_message(review_round: ReviewRound, state: Any) -> str:
    """The last outcome, if nothing has happened in the case since: never a stale "Draft 3 would be identical" after both parents signed."""
    if not review_round.message:
        return ""
    return str(review_round.message) if getattr(review_round, "message_events", None) == state.events else ""


def may_run_round() -> bool:
    """Whether the signed-in user may send drafts, sign as the mediator and seal."""
    return is_office_staff()


def _require_staff() -> None:
    if not may_run_round():
        raise MediationError("only signed-in office staff can send drafts to the parents, sign as the mediator or seal")


def _parent_url(case_id: str, token: str) -> str:
    return parent_link(case_id, token, "review")


def intake_url(case_id: str, token: str) -> str:
    """A parent's link to their intake (``parent_intake.yml``); the same token opens their review later."""
    return parent_link(case_id, token, "intake")


def email_parents(review_round: ReviewRound, notice: str, parties: tuple[str, ...] = ("a", "b")) -> str:
    """Send ``notice`` to the parents who agreed to e-mail; the outcome in words for the mediator's screen."""
    from ..notices import notify

    try:
        sent = notify(review_store(), review_round.case_id, notice, parties, mailer=mail.office_mailer(), link_for=parent_link)  # type: ignore[arg-type]
    except MediationError as exc:
        return f" The e-mail could not be sent: {plain(exc.message)}"
    names = {p: round_state(review_round).name(p).split(" (")[0] for p in parties}
    return mail.sent_words(sent, names)


def email_one_link(review_round: ReviewRound, party: str) -> bool:
    """The mediator's "e-mail the link" button: a new link to where the parent is now, if they agreed to e-mail."""
    from ..notices import send_link

    try:
        _require_staff()
        sent = send_link(review_store(), review_round.case_id, party, mailer=mail.office_mailer(), link_for=parent_link)
    except MediationError as exc:
        _say(review_round, plain(exc.message))
        return False
    name = round_state(review_round).name(party).split(" (")[0]
    if sent is None:
        _say(review_round, f"{name} is not e-mailed: they have not agreed to e-mail, or said it is not safe for them. Give them the link another way.")
    else:
        _say(review_round, f"E-mailed {name} a new link.")
    return True


def send_draft_for_review(answers: DAObject, review_round: ReviewRound) -> bool:
    """Open the case (the first time) and issue the next draft from the answers on screen."""
    from ..review import issue_draft, open_case

    try:
        _require_staff()
        case = case_from_data(answers_to_data(answers))
        store = review_store()
        opened = None
        if not review_round.started:
            opened = open_case(store, case)
            review_round.case_id = opened.case_id
        version = issue_draft(store, review_round.case_id, case=case, libraries=configured_libraries())
    except MediationError as exc:
        _say(review_round, plain(exc.message))
        return False
    if opened is not None:
        show_once(review_round, {party: _parent_url(opened.case_id, t.token) for party, t in opened.tokens.items()})
    elif getattr(review_round, "links_due", False):
        from ..review import issue_token

        review_round.links_due = False
        show_once(review_round, {party: _parent_url(review_round.case_id, issue_token(store, review_round.case_id, party).token) for party in ("a", "b")})
    again = " Both parents review it again; their earlier approvals no longer count." if version.number > 1 else ""
    _say(review_round, f"Draft {version.number} is ready for the parents.{again}{email_parents(review_round, 'draft_ready')}")
    return True


def new_parent_link(review_round: ReviewRound, party: str) -> bool:
    """A new link for one parent (the old one still works until it expires, unless revoked with the CLI)."""
    from ..review import issue_token

    try:
        _require_staff()
        issued = issue_token(review_store(), review_round.case_id, party)
    except MediationError as exc:
        _say(review_round, plain(exc.message))
        return False
    before_draft = round_state(review_round).current is None
    url = intake_url(review_round.case_id, issued.token) if before_draft else _parent_url(review_round.case_id, issued.token)
    show_once(review_round, {party: url})
    _say(review_round, f"{round_state(review_round).name(party)} has a new link (below). Copy it now: it is shown only once.")
    return True


def show_once(review_round: ReviewRound, links: dict[str, str]) -> None:
    """Links made by this action, for the screen that follows it (see :class:`ReviewRound`)."""
    review_round.new_links = sorted(links.items())


COPY_SCRIPT = (
    "var box = this.parentElement.querySelector('input'); this.textContent = 'Copied'; box.select(); "
    "if (navigator.clipboard) { navigator.clipboard.writeText(box.value).catch(function () { document.execCommand('copy'); }); } "
    "else { document.execCommand('copy'); }"
)
"""The Copy button: the clipboard API where the page may use it, else the selected box and the older copy command."""


def links_block(review_round: ReviewRound) -> str:
    """The parents' links on the mediator's screen (Markdown with HTML).

    A link made by the last action is shown once: to copy (a read-only box and
    a Copy button, never a clickable link, so staff do not open it as the
    parent) or, in person, as a QR code for the parent's phone.  For each
    parent: make a new link, or e-mail one (if they agreed to e-mail).
    """
    from docassemble.base.util import qr_code, url_action

    fresh = {party: (label, url) for party, label, url in take_new_links(review_round)}
    state = round_state(review_round)
    out = []
    for party in ("a", "b"):
        label = state.name(party)
        actions = f"[new link]({url_action('new_link', party=party)}), [e-mail a new link]({url_action('email_link', party=party)})"
        if party in fresh:
            url = html.escape(fresh[party][1])
            out.append(
                f'* {html.escape(label)}: <span class="parent-link-copy"><input type="text" readonly class="parent-link form-control" data-party="{party}" value="{url}" '
                f'aria-label="Link for {html.escape(label)}: copy it and send it; do not open it here"> '
                f'<button type="button" class="btn btn-sm btn-outline-secondary" onclick="{COPY_SCRIPT}">Copy</button></span>'
                f"\n\n    {qr_code(fresh[party][1], width='1.4in', alt_text='QR code of the link for ' + label)}\n\n    ({actions})"
            )
        else:
            out.append(f"* {html.escape(label)}: their link was shown when it was made ({actions})")
    return "\n".join(out)


def take_new_links(review_round: ReviewRound) -> list[tuple[str, str, str]]:
    """(party, "Maria (Maria Elena Lopez)", url) for each link the last action made; then forgotten."""
    links = list(getattr(review_round, "new_links", []) or [])
    review_round.new_links = []
    if not links:
        return []
    state = round_state(review_round)
    return [(party, state.name(party), url) for party, url in links]


def round_state(review_round: ReviewRound) -> Any:
    """The case as the mediator sees it (``review.CaseState``)."""
    from ..review import case_state

    return case_state(review_store(), review_round.case_id)


@dataclass(frozen=True)
class RoundView:
    """What the round screen shows, read from the store once per screen."""

    label: str
    message: str  # the outcome of the mediator's last action, while still current
    draft: int  # the current draft's number (0 before the first)
    step: str  # draft, wait, sign, seal or done (``review.CaseState.mediator_step``)
    report: str  # the case in words, a Markdown list


def round_view(review_round: ReviewRound) -> RoundView:
    """The round as the mediator sees it: one replay of the log, one read of the links' states."""
    from ..review import tokens

    state = round_state(review_round)
    draft = state.current.number if state.current is not None else 0
    return RoundView(state.label, current_message(review_round, state), draft, str(state.mediator_step()), _report(state, tokens(review_store(), review_round.case_id)))


def _report(state: Any, links: Any) -> str:
    """The lines ``case show`` prints, as a Markdown list.

    Comments are parents' own words: escaped, so nothing a parent types is
    read as Markdown or HTML on the mediator's screen.
    """
    out = []
    for depth, text in state_lines(state, tokens=links, zone=family_zone(state))[1:]:  # the first line (case id and names) is the heading
        out.append("    " * (depth - 1) + "* " + _escape(text))
    if state.chain_problems:
        out.append("\n**Warning: the case's event log has been altered.** " + _escape("; ".join(state.chain_problems)))
    return "\n".join(out)


def family_zone(state: Any) -> tzinfo:
    """The family's time zone (the current draft's ``parenting_time.time_zone``), for times on the screen; UTC without one."""
    current = getattr(state, "current", None)
    name = None
    if current is not None:
        with review_store().session(state.case_id) as session:
            data = session.draft(current.number).case_data
        name = (data.get("parenting_time") or {}).get("time_zone")
    try:
        return ZoneInfo(str(name)) if name else UTC
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()#+\-.!>])")  # the characters Markdown lets a backslash escape


def _escape(text: str) -> str:
    """``text`` shown as it is: HTML escaped, Markdown's characters backslashed, on one line."""
    return MARKDOWN_SPECIALS.sub(r"\\\1", html.escape(text, quote=False)).replace("\n", " ")


def mediator_consent(review_round: ReviewRound) -> str:
    from ..review import consent_text

    return consent_text(review_store(), review_round.case_id)


def post_mediator_signature(review_round: ReviewRound, *, typed_name: str, intent: bool, consent: str, field: str | None = None) -> bool:
    """``validation code``: the mediator signs the current draft, last."""
    from ..review import sign
    from ..signing.signatures import capture_signature
    from .parent import client_info

    try:
        _require_staff()
        state = round_state(review_round)
        current = state.current.number if state.current else 0
        capture = capture_signature("mediator", method="typed", typed_name=typed_name, intent_confirmed=intent is True, consent_text=consent)
        sign(review_store(), review_round.case_id, capture, token=None, draft=current, client=client_info())
    except MediationError as exc:
        validation_error(plain(exc.message), field=field)
    _say(review_round, "Your signature is saved. The agreement can be sealed now.")
    return True


def seal_executed_agreement(review_round: ReviewRound) -> bool:
    """Build, seal and store the executed agreement with the office's certificate."""
    from ..review import finalize

    try:
        _require_staff()
        final, already = finalize(review_store(), review_round.case_id, config=signing_config())
    except MediationError as exc:
        _say(review_round, plain(exc.message + (f" ({exc.hint})" if exc.hint else "")))
        return False
    if already:
        _say(review_round, "The executed agreement was sealed before.")
    else:
        _say(review_round, "The executed agreement is sealed. Each parent can download it with their link." + email_parents(review_round, "final"))
    return True


def redline_file(review_round: ReviewRound) -> DAFile:
    """The current draft against the one before, as the mediator sees it (private notes listed), for download."""
    from ..review import redline_for, redline_html

    red = redline_for(review_store(), review_round.case_id, viewer="mediator")
    the_file = DAFile("round_redline")
    the_file.initialize(filename=f"redline-{red.new_label.replace(' ', '-')}.html")
    the_file.write(redline_html(red))
    the_file.commit()
    return the_file


def executed_agreement_file(review_round: ReviewRound) -> DAFile:
    """The sealed executed agreement, for the mediator to download."""
    from ..review import stored_final

    final = stored_final(review_store(), review_round.case_id)
    if final is None:
        raise MediationError(f"case '{review_round.case_id}' is not sealed yet")
    the_file = DAFile("executed_agreement")
    the_file.initialize(filename="executed-agreement.pdf")
    the_file.write(final.pdf, binary=True)
    the_file.commit()
    return the_file


def checkin_report(review_round: ReviewRound) -> str:
    """After the seal: the case's check-ins, with each parent's private answers (a Markdown list), or ''."""
    from ..followup import followup_lines, followups

    items = followups(review_store(), review_round.case_id)
    if not items:
        return ""
    state = round_state(review_round)
    names = {p: state.name(p).split(" (")[0] for p in ("a", "b")}
    return "\n".join(("    * " if line.startswith("  ") else "* ") + _escape(line.strip()) for line in followup_lines(items, names))


def set_checkins(review_round: ReviewRound) -> bool:
    """The mediator's "set check-ins" button: 30 and 90 days after the seal (``case followups --schedule`` sets others)."""
    from ..followup import DEFAULT_DAYS, schedule_checkins

    try:
        _require_staff()
        schedule_checkins(review_store(), review_round.case_id, DEFAULT_DAYS)
    except MediationError as exc:
        _say(review_round, plain(exc.message))
        return False
    _say(review_round, f"Check-ins are set at {' and '.join(str(d) for d in DEFAULT_DAYS)} days after the seal. Parents who agreed to e-mail get a link when one is due.")
    return True


def timeline_report(review_round: ReviewRound) -> str:
    """The case's life in order (intake, drafts, signatures, the seal, check-ins), times in the family's zone; nothing private."""
    from ..followup import timeline
    from ..review.report import local_time

    state = round_state(review_round)
    zone = family_zone(state)
    return "\n".join(f"* {_escape(local_time(m.at, zone))}: {_escape(m.text)}" for m in timeline(review_store(), review_round.case_id) if m.phase != "links")


def open_modification(answers: DAObject, review_round: ReviewRound) -> bool:
    """The round screen's "open a modification" button: a new case from the executed one; its answers fill the interview."""
    from ..review import current_case, open_amendment
    from .answers import fill_answers

    try:
        _require_staff()
        opened = open_amendment(review_store(), review_round.case_id)
        fill_answers(answers, current_case(review_store(), opened.case_id))
    except MediationError as exc:
        _say(review_round, plain(exc.message))
        return False
    review_round.case_id = opened.case_id
    review_round.intake = False
    review_round.links_due = True  # the parents' links are made, and shown once, when its first draft is sent
    _say(review_round, "A modification is open: change the answers, then send its first draft. The signed agreement stays as it was.")
    return True
