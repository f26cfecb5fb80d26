"""After the seal, in the interviews: referrals for each parent, their next-steps sheets, filing recorded.

The mediator (``mediation_after.yml``, from the round screen) picks each
parent's referrals from the office's directory, filtered by kind and by the
parent's language and the court's county; sees and downloads both sheets; and
records the filing.  A parent (``parent_review.yml``, final screen) sees only
their own sheet, by their own link.  Every step is the engine's
(:mod:`..referrals`, :mod:`..followup`).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from docassemble.base.util import DAFile, validation_error

from ..errors import MediationError
from .answers import ticked
from .mediator_round import ReviewRound, _escape, _require_staff, _say, round_state
from .parent import _link_args
from .server import configured_next_steps, configured_referrals, plain, review_store

KIND_LABELS = {
    "parenting_education": "Parenting classes",
    "legal_aid": "Legal help",
    "domestic_violence": "Safety and support (always private)",
    "counseling": "Counseling",
    "employment": "Jobs and training",
    "child_care": "Child care",
}


def referral_choices(review_round: ReviewRound, party: str, language: str | None = None) -> list[dict[str, str]]:
    """The resources the mediator may pick for one parent: those serving the court's county (in ``language``,
    when asked), by kind; each label names its kind, languages and area."""
    from ..referrals import load_directory
    from ..review import current_case

    case = current_case(review_store(), review_round.case_id)
    directory = load_directory(configured_referrals())
    wanted = None if language in (None, "", "any") else language
    out = []
    for r in directory.find(language=wanted, state=case.court.state, county=case.court.county):
        private = " — private" if r.private else ""
        out.append({"value": r.id, "label": f"{r.name} ({KIND_LABELS.get(r.kind, r.kind)}; {', '.join(r.languages)}; {r.area}){private}"})
    return out


def current_picks(review_round: ReviewRound, party: str) -> list[str]:
    from ..referrals import referrals_given

    return [r.id for r in referrals_given(review_store(), review_round.case_id, party)]


def post_referrals(review_round: ReviewRound, party: str, picked: Any, *, field: str | None = None) -> bool:
    """``validation code``: give one parent the picked resources (a checkbox answer), privately; replaces earlier picks."""
    from ..referrals import give_referrals, load_directory

    if hasattr(picked, "items"):  # a checkbox answer (DADict) or a mapping
        ids = ticked(picked)
    else:
        ids = list(picked or [])
    try:
        _require_staff()
        directory = load_directory(configured_referrals())
        given = give_referrals(review_store(), review_round.case_id, party, [directory.get(i) for i in ids])
    except MediationError as exc:
        validation_error(plain(exc.message), field=field)
    name = round_state(review_round).name(party).split(" (")[0]
    _say(review_round, f"{name} now has {len(given)} referral{'s' if len(given) != 1 else ''}. Only they and the office see them.")
    return True


def referrals_report(review_round: ReviewRound) -> str:
    """Each parent's referrals, for the mediator (a Markdown list); private ones marked."""
    from ..referrals import referrals_given

    state = round_state(review_round)
    lines = []
    for party in ("a", "b"):
        given = referrals_given(review_store(), review_round.case_id, party)
        name = _escape(state.name(party).split(" (")[0])
        if not given:
            lines.append(f"* {name}: none yet")
        for r in given:
            lines.append(f"* {name}: {_escape(r.name)}" + (" (private)" if r.private else ""))
    return "\n".join(lines)


def next_steps_file(review_round: ReviewRound, party: str) -> DAFile:
    """One parent's next-steps sheet (PDF), for the mediator to print or send to that parent only."""
    from ..followup import next_steps_for, next_steps_pdf

    sheet = next_steps_for(review_store(), review_round.case_id, party, path=configured_next_steps())
    the_file = DAFile(f"next_steps_{party}")
    the_file.initialize(filename=f"next-steps-{party}.pdf")
    the_file.write(next_steps_pdf(sheet), binary=True)
    the_file.commit()
    return the_file


def post_filing(review_round: ReviewRound, on: date, court_case_number: str | None, *, field: str | None = None) -> bool:
    """``validation code``: record that the executed agreement was filed with the court."""
    from ..followup import record_filing

    day = on.date() if isinstance(on, datetime) else on
    try:
        _require_staff()
        filing = record_filing(review_store(), review_round.case_id, day, court_case_number=court_case_number or None)
    except MediationError as exc:
        validation_error(plain(exc.message), field=field)
    _say(review_round, f"Recorded: filed with the court on {filing.on.strftime('%B %-d, %Y')}.")
    return True


def filing_line(review_round: ReviewRound) -> str:
    from ..followup import filing_in

    with review_store().session(review_round.case_id) as session:
        filing = filing_in(session)
    if filing is None:
        return ""
    number = f" (court case {_escape(filing.court_case_number)})" if filing.court_case_number else ""
    return f"Filed with the court on {filing.on.strftime('%B %-d, %Y')}{number}."


# --------------------------------------------------------------------------- the parent's side


def my_next_steps_html(url_args: Mapping[str, Any]) -> str:
    """The parent's own sheet, for their screen (an HTML fragment); '' before the seal."""
    from ..followup import my_next_steps, next_steps_html

    case_id, token = _link_args(url_args)
    try:
        sheet = my_next_steps(review_store(), case_id, token, path=configured_next_steps())
    except MediationError:
        return ""
    return next_steps_html(sheet, fragment=True)


def my_next_steps_file(url_args: Mapping[str, Any]) -> DAFile:
    """The parent's own sheet as PDF."""
    from ..followup import my_next_steps, next_steps_pdf

    case_id, token = _link_args(url_args)
    sheet = my_next_steps(review_store(), case_id, token, path=configured_next_steps())
    the_file = DAFile("my_next_steps")
    the_file.initialize(filename="next-steps.pdf")
    the_file.write(next_steps_pdf(sheet), binary=True)
    the_file.commit()
    return the_file
