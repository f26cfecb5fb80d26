"""Each parent's "next steps" sheet, once the agreement is sealed: what happens now, their referrals, help later.

The words are data (``data/sources/next_steps.yml``, or an office's file of the
same shape), filled in the clause sandbox from the executed case; an item is
kept when every condition in its ``when`` holds for this parent.  The sheet is
one parent's own: it lists only the referrals given to that parent (their
private ones, domestic-violence resources among them, under "Just for you"),
and nothing about the other parent beyond their name.  It renders to HTML (the
parent's screen, and a file) and to PDF.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from importlib.resources import files
from pathlib import Path
from typing import Any

from jinja2 import TemplateError

from ..case.model import Case
from ..case.yamlsource import LineMap, load_with_lines
from ..errors import CaseFileError, StoreError
from ..referrals import Resource, given_in, my_referrals
from ..referrals.directory import CONTACT_KEYS
from ..review.rounds import current_case_in
from ..review.state import PARTIES
from ..store import CaseStore
from ..wording.formats import join_and, longdate, money
from .checkins import SCHEDULED

DEFAULT_FILE = "next_steps.yml"
LANGUAGE_FILES = {"en": "next_steps.yml", "es": "next_steps.es.yml"}
"""The package's wording per language; the parent's ``language`` (case file) picks one."""
METHOD = {"income_withholding": "withholding", "disbursement_unit": "disbursement_unit", "direct": "direct"}
"""The case's ``payment_method`` as the next-steps file's condition."""
FREQUENCY = {
    "en": {"weekly": "a week", "biweekly": "every two weeks", "semimonthly": "twice a month", "monthly": "a month"},
    "es": {"weekly": "por semana", "biweekly": "cada dos semanas", "semimonthly": "dos veces al mes", "monthly": "al mes"},
}
WORDS = {
    "en": {"county": "{name} County", "county_label": "{name} County", "center": "the state payment center", "phone": "by phone at {x}", "email": "by e-mail at {x}", "or": "or", "and": "and", "days": "{n} days"},
    "es": {"county": "el condado de {name}", "county_label": "condado de {name}", "center": "centro estatal de pagos", "phone": "por teléfono al {x}", "email": "por correo electrónico a {x}", "or": "o", "and": "y", "days": "{n} días"},
}
"""The few words the sheet builds from the case rather than takes from the wording file."""


@dataclass(frozen=True)
class ReferralEntry:
    """One referral as the sheet shows it: the resource and its lines in words."""

    name: str
    kind: str
    serves: str
    lines: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class NextSteps:
    """One parent's sheet: every word filled in, ready for the HTML and PDF renderers."""

    title: str
    parent: str
    office: str
    case_label: str
    now_heading: str
    now: tuple[str, ...]
    referrals_heading: str
    referrals_intro: str
    referrals: tuple[ReferralEntry, ...]
    private_heading: str
    private_intro: str
    private_referrals: tuple[ReferralEntry, ...]
    help_heading: str
    help: tuple[str, ...]
    made_on: str
    language: str = "en"

    @property
    def text(self) -> str:
        """The sheet as plain text (what is searched for private words, and read aloud by a screen reader)."""
        parts = [self.title, self.parent, self.office, self.case_label, self.now_heading, *self.now, self.referrals_heading, self.referrals_intro]
        for r in self.referrals:
            parts += [r.name, r.serves, *(f"{label}: {value}" for label, value in r.lines)]
        if self.private_referrals:
            parts += [self.private_heading, self.private_intro]
        for r in self.private_referrals:
            parts += [r.name, r.serves, *(f"{label}: {value}" for label, value in r.lines)]
        return "\n".join([*parts, self.help_heading, *self.help])


def default_source(language: str = "en") -> Any:
    return files("docassemble.MediationAgreement") / "data" / "sources" / LANGUAGE_FILES.get(language, DEFAULT_FILE)


def _day(value: Any, language: str) -> str:
    from ..wording.formats import longdate_es

    return longdate_es(value) if language == "es" else longdate(value)


def _read(source: str) -> tuple[dict[str, Any], LineMap]:
    data, lines = load_with_lines(source, error=CaseFileError)
    if not isinstance(data, dict):
        raise CaseFileError("a next-steps file is a mapping: title, now, referrals, help", path=source, line=1)
    items = [item for part in ("now", "help") for item in (data.get(part) or {}).get("items") or []]
    present = {item.get("id") for item in items if isinstance(item, dict)}
    for required in data.get("required") or ():
        if required not in present:
            raise CaseFileError(f"the item '{required}' is required and missing: every next-steps sheet must keep it", path=source, line=lines.line_for(("required",)), field_path="required")
    known = set(data.get("conditions") or {})
    for part in ("now", "help"):
        for n, item in enumerate((data.get(part) or {}).get("items") or []):
            where = (part, "items", n)
            if not isinstance(item, dict) or not isinstance(item.get("id"), str) or not isinstance(item.get("text"), str):
                raise CaseFileError("each item needs an `id`, a `when` list and a `text`", path=source, line=lines.line_for(where), field_path=f"{part}.items[{n}]")
            unknown = [c for c in item.get("when") or () if c not in known]
            if unknown:
                raise CaseFileError(f"unknown condition {', '.join(map(str, unknown))} (conditions: {', '.join(sorted(known))})", path=source, line=lines.line_for((*where, "when")), field_path=f"{part}.items[{n}].when")
    return data, lines


def conditions(case: Case, party: str, *, checkins_set: bool) -> set[str]:
    """Which of the file's conditions hold for this parent."""
    held = {"stipulated" if case.office.document_kind == "stipulated_agreement" else "memorandum"}
    if case.modifies is not None:
        held.add("modification")
    cs = case.child_support
    if cs is not None:
        held |= {"support", "payer" if cs.payer == party else "receiver", METHOD[cs.payment_method]}
    if checkins_set:
        held.add("checkins")
    return held


def _fields(case: Case, party: str, checkin_days: list[int], language: str = "en") -> dict[str, str]:
    words = WORDS[language]
    me = case.parent_a if party == "a" else case.parent_b
    other = case.parent_b if party == "a" else case.parent_a
    ways = [words["phone"].format(x=case.mediator.phone) if case.mediator.phone else None, words["email"].format(x=case.mediator.email) if case.mediator.email else None]
    cs = case.child_support
    agency = cs.agency if cs is not None else None
    center = (agency.payment_center if agency is not None else None) or words["center"]
    county = case.court.county
    return {
        "office": case.office.name,
        "court": case.court.name,
        "county": words["county"].format(name=county) if "county" not in county.lower() else county,
        "me": me.full_name,
        "other": other.full_name,
        "mediator": case.mediator.full_name,
        "organization": case.mediator.organization,
        "contact": " " + join_and((w for w in ways if w), words["or"]) if any(ways) else "",
        "amount": money(cs.amount) if cs is not None else "",
        "frequency": FREQUENCY[language][cs.frequency] if cs is not None else "",
        "start": _day(cs.start_date, language) if cs is not None else "",
        "payment_center": center,
        "checkin_days": join_and((words["days"].format(n=d) for d in checkin_days), words["and"]),
    }


def _entry(resource: Resource, labels: dict[str, Any], language: str = "en") -> ReferralEntry:
    resource = resource.in_language(language)
    contact_labels = labels.get("contact") or {}
    lines = [(str(contact_labels.get(k, k)), resource.contact[k]) for k in CONTACT_KEYS if k in resource.contact]
    lines.append((str(labels.get("cost", "Cost")), resource.cost))
    names = labels.get("language_names") or {}
    lines.append((str(labels.get("languages", "Languages")), join_and((str(names.get(code, code)) for code in resource.languages), WORDS[language]["and"])))
    kinds = labels.get("kinds") or {}
    return ReferralEntry(resource.name, str(kinds.get(resource.kind, resource.kind)), resource.serves, tuple(lines))


def build_next_steps(case: Case, party: str, referrals: list[Resource], *, checkin_days: Sequence[int] = (), made: datetime, path: str | Path | None = None) -> NextSteps:
    """One parent's sheet from the executed case and the referrals given to them, in the parent's language
    (``path``: the office's own wording, in whatever language it is written; its ``language:`` says which)."""
    from ..library.templating import sandbox_environment

    if party not in PARTIES:
        raise StoreError(f"a next-steps sheet is for parent a or b, not '{party}'")
    me = case.parent_a if party == "a" else case.parent_b
    source = str(path) if path is not None else str(default_source(me.language))
    data, lines = _read(source)
    language = str(data.get("language") or "en")
    if language not in WORDS:
        raise CaseFileError(f"language '{language}' has no words for the sheet (known: {', '.join(WORDS)})", path=source, line=lines.line_for(("language",)), field_path="language")
    held = conditions(case, party, checkins_set=bool(checkin_days))
    names = _fields(case, party, list(checkin_days), language)
    env = sandbox_environment()

    def fill(text: Any, where: tuple[Any, ...]) -> str:
        try:
            return " ".join(env.from_string(str(text)).render(names).split())
        except TemplateError as exc:
            raise CaseFileError(f"cannot be filled in: {exc}", path=source, line=lines.line_for(where), field_path=".".join(map(str, where))) from None

    def items(part: str) -> tuple[str, ...]:
        block = data.get(part) or {}
        return tuple(fill(item["text"], (part, "items", n, "text")) for n, item in enumerate(block.get("items") or []) if set(item.get("when") or ()) <= held)

    labels = dict(data.get("referrals") or {})
    labels["language_names"] = data.get("languages") or {}
    public = tuple(_entry(r, labels, language) for r in referrals if not r.private)
    private = tuple(_entry(r, labels, language) for r in referrals if r.private)
    number = {"en": "Case No.", "es": "Caso n.º"}[language]
    county = case.court.county if "county" in case.court.county.lower() else WORDS[language]["county_label"].format(name=case.court.county)
    label = f"{case.court.name}, {county}" + (f", {number} {case.court.case_number}" if case.court.case_number else "")
    return NextSteps(
        title=fill(data.get("title", "Your next steps"), ("title",)),
        parent=me.full_name,
        office=case.office.name,
        case_label=label,
        now_heading=fill((data.get("now") or {}).get("heading", ""), ("now", "heading")),
        now=items("now"),
        referrals_heading=fill(labels.get("heading", ""), ("referrals", "heading")),
        referrals_intro=fill(labels.get("intro" if referrals else "none", ""), ("referrals",)),
        referrals=public,
        private_heading=fill(labels.get("private_heading", ""), ("referrals", "private_heading")),
        private_intro=fill(labels.get("private_intro", ""), ("referrals", "private_intro")),
        private_referrals=private,
        help_heading=fill((data.get("help") or {}).get("heading", ""), ("help", "heading")),
        help=items("help"),
        made_on=_day(made.date(), language),
        language=language,
    )


def _sheet_in(session: Any, party: str, path: str | Path | None) -> NextSteps:
    if session.final() is None:
        raise StoreError(f"case '{session.case_id}' is not sealed yet: the next-steps sheets follow the signed agreement")
    case = current_case_in(session)
    scheduled = [e for e in session.events() if e.kind == SCHEDULED]
    days = [int(d) for d in scheduled[-1].payload.get("days", [])] if scheduled else []
    return build_next_steps(case, party, given_in(session, party), checkin_days=days, made=session.store.clock(), path=path)


def next_steps_for(store: CaseStore, case_id: str, party: str, *, path: str | Path | None = None) -> NextSteps:
    """The mediator's (office's) copy of one parent's sheet."""
    with store.session(case_id) as session:
        return _sheet_in(session, party, path)


def my_next_steps(store: CaseStore, case_id: str, token: str, *, path: str | Path | None = None) -> NextSteps:
    """A parent's own sheet, by their own link (also one spent by signing)."""
    party, _ = my_referrals(store, case_id, token)
    with store.session(case_id) as session:
        return _sheet_in(session, party, path)


# --------------------------------------------------------------------------- rendering


def _html_template() -> Any:
    from jinja2 import Environment, StrictUndefined

    source = (files("docassemble.MediationAgreement") / "data" / "templates" / "next_steps.html").read_text(encoding="utf-8")
    return Environment(autoescape=True, undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True).from_string(source)


def next_steps_html(sheet: NextSteps, *, fragment: bool = False) -> str:
    """The sheet as HTML: a whole page, or (``fragment``) the part an interview shows on screen."""
    return str(_html_template().render(s=sheet, fragment=fragment))


def next_steps_pdf(sheet: NextSteps) -> bytes:
    """The sheet as a tagged PDF/A."""
    from ..render.typesetting import typeset

    data = {
        "title": sheet.title, "parent": sheet.parent, "office": sheet.office, "case_label": sheet.case_label,
        "now_heading": sheet.now_heading, "now": list(sheet.now),
        "referrals_heading": sheet.referrals_heading, "referrals_intro": sheet.referrals_intro,
        "referrals": [_entry_data(r) for r in sheet.referrals],
        "private_heading": sheet.private_heading, "private_intro": sheet.private_intro,
        "private_referrals": [_entry_data(r) for r in sheet.private_referrals],
        "help_heading": sheet.help_heading, "help": list(sheet.help), "made_on": sheet.made_on, "lang": sheet.language,
    }
    return typeset("next_steps.typ", {"data": data}, what="the next-steps sheet")


def _entry_data(entry: ReferralEntry) -> dict[str, Any]:
    return {"name": entry.name, "kind": entry.kind, "serves": entry.serves, "lines": [list(x) for x in entry.lines]}
