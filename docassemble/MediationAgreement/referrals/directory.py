"""The office's directory of community resources: one YAML file per resource, in folders laid one over another.

The package's own folder (``referrals/`` at the top of the repository) holds the
few national resources whose contact details come from an official page,
quoted in each file.  An office adds its own folder (parenting classes, legal
aid, counseling, job centers, child-care help in its counties) and passes it
after the package's: a file with the same ``id`` replaces the earlier one, and
``withdrawn: true`` takes one out.  Staff edit these files without Python;
:func:`lint_directory` reports every problem with the file and line, and
:func:`load_directory` refuses a directory with any.

A resource of the kind ``domestic_violence`` is always private: it is given to
one parent only, on that parent's own sheet and screen (see ``picks``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from importlib.resources import files
from pathlib import Path
from typing import Any

from ..case.yamlsource import LineMap, load_with_lines
from ..errors import LintReport, MediationError, Problem, ReferralError

KINDS: tuple[str, ...] = ("parenting_education", "legal_aid", "domestic_violence", "counseling", "employment", "child_care")
"""What a resource offers.  ``child_care`` covers child-care subsidies and finding care."""

PRIVATE_KINDS = frozenset({"domestic_violence"})
"""Kinds always given privately, whatever the file says."""

CONTACT_KEYS = ("phone", "text", "tty", "website", "email", "address", "hours")
TRANSLATED = ("es",)
"""Languages a resource's own words (name, serves, cost, a contact's text and hours) may be given in, under that key."""
TRANSLATABLE = frozenset({"name", "serves", "cost", "contact"})
FIELDS = frozenset({"id", "name", "kind", "serves", "languages", "area", "contact", "cost", "checked", "source", "private", "withdrawn", "note", *TRANSLATED})
_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
_LANGUAGE = re.compile(r"^[a-z]{2,3}$")
_STATE = re.compile(r"^[A-Z]{2}$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
MAX_TEXT = 600


def default_directory() -> Path:
    """The package's own resource folder (national resources with a quoted source)."""
    return Path(str(files("docassemble.MediationAgreement") / "data" / "sources" / "referrals"))


@dataclass(frozen=True)
class Resource:
    """One community resource, as the office lists it."""

    id: str
    name: str
    kind: str
    serves: str
    languages: tuple[str, ...]
    contact: dict[str, str]
    cost: str
    checked: date
    national: bool = False
    state: str | None = None
    counties: tuple[str, ...] = ()
    source: str | None = None
    flagged_private: bool = False
    where: str = field(default="", compare=False)
    translations: dict[str, dict[str, Any]] = field(default_factory=dict, compare=False)
    """Per language: the resource's own words in it (``name``, ``serves``, ``cost``, ``contact``: {``text``, ``hours``, ...})."""

    def in_language(self, language: str) -> Resource:
        """The resource with its own words in ``language`` where the file gives them (else as written)."""
        words = self.translations.get(language)
        if not words:
            return self
        from dataclasses import replace

        contact = {**self.contact, **{k: str(v) for k, v in dict(words.get("contact") or {}).items()}}
        return replace(self, name=str(words.get("name") or self.name), serves=str(words.get("serves") or self.serves), cost=str(words.get("cost") or self.cost), contact=contact)

    @property
    def private(self) -> bool:
        """Given to one parent only, never on anything the other parent sees (always so for domestic violence)."""
        return self.kind in PRIVATE_KINDS or self.flagged_private

    def serves_area(self, state: str | None, county: str | None) -> bool:
        """A national resource serves everyone; a state's, its state; a county list, those counties."""
        if self.national:
            return True
        if state is None or self.state != state.upper():
            return False
        return not self.counties or (county is not None and _county(county) in {_county(c) for c in self.counties})

    @property
    def area(self) -> str:
        if self.national:
            return "national"
        return f"{', '.join(self.counties)} ({self.state})" if self.counties else f"all of {self.state}"

    def to_payload(self) -> dict[str, Any]:
        """The resource as it stood when given (kept in the case's log, so a later edit of the directory
        does not change what a parent was handed)."""
        return {
            "id": self.id, "name": self.name, "kind": self.kind, "serves": self.serves, "languages": list(self.languages),
            "contact": dict(self.contact), "cost": self.cost, "checked": self.checked.isoformat(), "national": self.national,
            "state": self.state, "counties": list(self.counties), "private": self.private, "translations": self.translations,
        }

    @classmethod
    def from_payload(cls, data: dict[str, Any]) -> Resource:
        return cls(
            str(data["id"]), str(data["name"]), str(data["kind"]), str(data["serves"]), tuple(data.get("languages", ())),
            {str(k): str(v) for k, v in dict(data.get("contact", {})).items()}, str(data["cost"]), date.fromisoformat(str(data["checked"])),
            bool(data.get("national")), data.get("state"), tuple(data.get("counties", ())), None, bool(data.get("private")),
            translations={str(k): dict(v) for k, v in dict(data.get("translations") or {}).items()},
        )


def _county(name: str) -> str:
    words = name.casefold().replace(" county", "").split()
    return " ".join(words)


@dataclass(frozen=True)
class Directory:
    """The resources an office can refer parents to: the package's folder, then the office's, by id."""

    resources: dict[str, Resource]
    folders: tuple[str, ...]

    def __len__(self) -> int:
        return len(self.resources)

    def get(self, resource_id: str) -> Resource:
        try:
            return self.resources[resource_id]
        except KeyError:
            raise ReferralError(f"no resource '{resource_id}' in the referral directory", hint=f"folders read: {', '.join(self.folders)}") from None

    def find(self, *, kind: str | None = None, language: str | None = None, state: str | None = None, county: str | None = None) -> list[Resource]:
        """The resources of this kind, in this language, serving this county (any, where not given); by kind, then name."""
        if kind is not None and kind not in KINDS:
            raise ReferralError(f"'{kind}' is not a kind of resource: {', '.join(KINDS)}")
        out = [
            r for r in self.resources.values()
            if (kind is None or r.kind == kind)
            and (language is None or language.lower() in r.languages)
            and (state is None or r.serves_area(state, county))
        ]
        return sorted(out, key=lambda r: (KINDS.index(r.kind), r.name.casefold()))


# --------------------------------------------------------------------------- reading


def _files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.suffix in (".yml", ".yaml") and p.is_file() and not p.name.startswith("."))


def _text(data: dict[str, Any], key: str, problems: list[tuple[str, str]], *, required: bool = True) -> str | None:
    value = data.get(key)
    if value is None:
        if required:
            problems.append((key, "is missing"))
        return None
    if not isinstance(value, str) or not value.strip():
        problems.append((key, "must be text"))
        return None
    if len(value) > MAX_TEXT:
        problems.append((key, f"is longer than {MAX_TEXT} characters"))
    return " ".join(value.split())


def _read_resource(data: Any, path: Path) -> tuple[Resource | None, list[tuple[str, str]], bool]:
    """One file: the resource (or None), its problems as (field, message), and whether it withdraws its id."""
    problems: list[tuple[str, str]] = []
    if not isinstance(data, dict):
        return None, [("", "a resource file is a mapping: id, name, kind, serves, languages, area, contact, cost, checked")], False
    for key in sorted(set(data) - FIELDS, key=str):
        problems.append((str(key), f"is not a resource field (fields: {', '.join(sorted(FIELDS))})"))
    rid = data.get("id")
    if not isinstance(rid, str) or not _ID.match(rid):
        problems.append(("id", "must be lower-case letters, digits and hyphens, e.g. 'county-parenting-class'"))
    elif rid != path.stem:
        problems.append(("id", f"must match the file's name: '{rid}' is in {path.name} (rename the file to {rid}.yml)"))
    if data.get("withdrawn") is True:
        return None, problems, True
    if "withdrawn" in data:
        problems.append(("withdrawn", "is either true (take this id out of the directory) or left out"))
    name = _text(data, "name", problems)
    serves = _text(data, "serves", problems)
    cost = _text(data, "cost", problems)
    kind = data.get("kind")
    if kind not in KINDS:
        problems.append(("kind", f"must be one of: {', '.join(KINDS)}"))
    languages = data.get("languages")
    if not isinstance(languages, list) or not languages or not all(isinstance(x, str) and _LANGUAGE.match(x) for x in languages):
        problems.append(("languages", "must be a list of language codes, e.g. [en, es]"))
        languages = []
    national, state, counties = _read_area(data.get("area"), problems)
    contact = data.get("contact")
    clean_contact: dict[str, str] = {}
    if not isinstance(contact, dict):
        problems.append(("contact", f"must be a mapping with at least a phone, website or address ({', '.join(CONTACT_KEYS)})"))
    else:
        for key, value in contact.items():
            if key not in CONTACT_KEYS:
                problems.append((f"contact.{key}", f"is not a way to reach a resource ({', '.join(CONTACT_KEYS)})"))
            elif not isinstance(value, str) or not value.strip():
                problems.append((f"contact.{key}", "must be text (write phone numbers in quotes)"))
            else:
                clean_contact[key] = " ".join(value.split())
        if not {"phone", "website", "address"} & set(clean_contact):
            problems.append(("contact", "needs at least a phone, a website or an address"))
        site = clean_contact.get("website")
        if site is not None and not site.startswith("https://"):
            problems.append(("contact.website", "must be a full https:// address"))
    checked = data.get("checked")
    checked_on = None
    if not isinstance(checked, str) or not _DATE.match(checked):
        problems.append(("checked", "is the date someone last checked these details, as YYYY-MM-DD"))
    else:
        try:
            checked_on = date.fromisoformat(checked)
        except ValueError:
            problems.append(("checked", f"'{checked}' is not a date"))
    source = _text(data, "source", problems, required=False)
    if source is not None and not source.startswith(("https://", "http://")):
        problems.append(("source", "must be the address of the page the details come from"))
    private = data.get("private", False)
    if not isinstance(private, bool):
        problems.append(("private", "is true or false"))
        private = False
    if kind in PRIVATE_KINDS and data.get("private") is False:
        problems.append(("private", "a domestic-violence resource is always given privately: remove 'private: false'"))
    translations: dict[str, dict[str, Any]] = {}
    for language in TRANSLATED:
        words = data.get(language)
        if words is None:
            continue
        if not isinstance(words, dict):
            problems.append((language, f"is the resource's own words in that language: {', '.join(sorted(TRANSLATABLE))}"))
            continue
        for key in sorted(set(words) - TRANSLATABLE, key=str):
            problems.append((f"{language}.{key}", f"cannot be translated here (only {', '.join(sorted(TRANSLATABLE))})"))
        clean: dict[str, Any] = {}
        for key in ("name", "serves", "cost"):
            if key in words:
                text = _text(words, key, problems, required=False)
                if text is not None:
                    clean[key] = text
        if "contact" in words:
            if not isinstance(words["contact"], dict) or not set(words["contact"]) <= {"text", "hours", "address"}:
                problems.append((f"{language}.contact", "translates only a contact's text, hours and address"))
            else:
                clean["contact"] = {k: " ".join(str(v).split()) for k, v in words["contact"].items()}
        translations[language] = clean
    if problems:
        return None, problems, False
    assert name and serves and cost and checked_on and isinstance(kind, str) and isinstance(rid, str)
    resource = Resource(rid, name, kind, serves, tuple(languages), clean_contact, cost, checked_on, national, state, counties, source, private, str(path), translations)
    return resource, [], False


def _read_area(area: Any, problems: list[tuple[str, str]]) -> tuple[bool, str | None, tuple[str, ...]]:
    if area == "national":
        return True, None, ()
    if isinstance(area, dict) and set(area) <= {"state", "counties"} and isinstance(area.get("state"), str) and _STATE.match(area["state"]):
        counties = area.get("counties", [])
        if isinstance(counties, list) and all(isinstance(c, str) and c.strip() for c in counties):
            return False, area["state"], tuple(c.strip() for c in counties)
        problems.append(("area.counties", "must be a list of county names"))
        return False, area["state"], ()
    problems.append(("area", "is 'national', or {state: XX} for a whole state, or {state: XX, counties: [...]}"))
    return False, None, ()


def read_directory(folders: Sequence[str | Path] | None = None, *, with_default: bool = True) -> tuple[Directory, list[Problem]]:
    """Read the folders in order (the package's first unless ``with_default`` is false): the directory and every problem."""
    paths = ([default_directory()] if with_default else []) + [Path(f) for f in folders or ()]
    resources: dict[str, Resource] = {}
    problems: list[Problem] = []
    for depth, folder in enumerate(paths):
        if not folder.is_dir():
            problems.append(Problem("is not a folder of resource files", path=str(folder)))
            continue
        seen: dict[str, Path] = {}
        for path in _files(folder):
            try:
                data, lines = load_with_lines(path, error=ReferralError)
            except MediationError as exc:
                problems.append(Problem(exc.message, path=str(path), line=exc.line))
                continue
            resource, found, withdrawn = _read_resource(data, path)
            problems += sorted((_problem(path, lines, key, message) for key, message in found), key=lambda p: p.line or 0)
            rid = data.get("id") if isinstance(data, dict) else None
            if not isinstance(rid, str) or found:
                continue
            if rid in seen:
                problems.append(_problem(path, lines, "id", f"'{rid}' is also {seen[rid]}: one file per resource"))
                continue
            seen[rid] = path
            if withdrawn:
                if depth == 0 or rid not in resources:
                    problems.append(_problem(path, lines, "withdrawn", f"withdraws '{rid}', which no earlier folder lists"))
                resources.pop(rid, None)
            elif resource is not None:
                resources[rid] = resource
    return Directory(resources, tuple(str(p) for p in paths)), problems


def _problem(path: Path, lines: LineMap, key: str, message: str) -> Problem:
    where = tuple(key.split(".")) if key else ()
    return Problem(message, path=str(path), line=lines.line_for(where) or 1, field_path=key or None)


def load_directory(folders: Sequence[str | Path] | None = None, *, with_default: bool = True) -> Directory:
    """The referral directory; refuses one with any problem, naming the file and line of the first."""
    directory, problems = read_directory(folders, with_default=with_default)
    if problems:
        first = problems[0]
        more = f" (and {len(problems) - 1} more: run `mediation-agreement referrals lint`)" if len(problems) > 1 else ""
        raise ReferralError(first.message + more, path=first.path, line=first.line, field_path=first.field_path)
    return directory


def lint_directory(folders: Sequence[str | Path] | None = None, *, with_default: bool = True) -> LintReport:
    """Every problem in the directory's folders, each with its file and line (``referrals lint``)."""
    directory, problems = read_directory(folders, with_default=with_default)
    report = LintReport(problems=list(problems), clauses_checked=len(directory))
    return report
