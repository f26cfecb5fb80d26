"""No clause sends a parent to the other parent's confidential home.

A confidential address is never printed (``assert_no_confidential_text``); this
checks the words around it.  Every example is assembled once as it is and once
with each parent's address made confidential, and every sentence that puts
someone at, near, to or from that parent's home, house or residence must be a
prohibition ("will not go to or wait near …", "never at or near …").
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from docassemble.MediationAgreement.assembly.assemble import assemble
from docassemble.MediationAgreement.assembly.document import to_plain_text
from docassemble.MediationAgreement.case.model import load_case
from docassemble.MediationAgreement.library.clauses import default_library_dir, load_case_library

from .conftest import example_cases

PLACE = r"(?:home|house|residence|apartment|driveway|front door|doorstep|porch)"
NEAR = r"(?:at|near|to|from|outside|by|around|in front of|close to|next to)"
NEGATION = re.compile(r"\b(?:not|never|no one|nobody|neither|away from|instead of|without)\b", re.IGNORECASE)
CONFIDENTIAL_ADDRESS = {"street": "100 Hidden Way", "city": "Safe Harbor", "state": "OR", "postal_code": "97301", "confidential": True}


def variants() -> list[tuple[str, Path, str | None]]:
    """Each example as written, and with parent a's, then parent b's, address confidential."""
    found = []
    for path in example_cases():
        found.append((f"{path.stem}", path, None))
        found += [(f"{path.stem}-{letter}-confidential", path, letter) for letter in ("a", "b")]
    return found


def case_file(path: Path, letter: str | None, tmp_path: Path) -> Path:
    if letter is None:
        return path
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    address = dict(data[f"parent_{letter}"].get("address") or CONFIDENTIAL_ADDRESS)
    address["confidential"] = True
    data[f"parent_{letter}"]["address"] = address
    out = tmp_path / path.name
    out.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return out


def sentences(text: str) -> list[str]:
    return [s.strip() for s in re.split(r"(?<=[.;:])\s+|\n+", text) if s.strip()]


def sends_someone_to_home(text: str, names: list[str]) -> list[str]:
    """Sentences putting someone at, near, to or from one of ``names``' home, without a prohibition.

    "Mother's home address is kept confidential" or "the schools that serve
    Mother's home" place no one there; "exchanges at Mother's home" does."""
    who = "|".join(re.escape(n) for n in names)
    at_home = re.compile(rf"\b{NEAR}\s+(?:(?:{who})['’]s\s+(?:\w+\s+)?{PLACE}|the\s+{PLACE}\s+of\s+(?:{who}))\b", re.IGNORECASE)
    return [s for s in sentences(text) if at_home.search(s) and not NEGATION.search(s)]


def test_the_detector_finds_what_the_long_distance_clause_used_to_say() -> None:
    old = "Marcus may also spend time with the children near Jordan's home at other times."
    assert sends_someone_to_home(old, ["Jordan"]) == [old]
    assert sends_someone_to_home("Marcus will not go to or wait near Jordan's home, work or school.", ["Jordan"]) == []


@pytest.mark.parametrize(("name", "path", "letter"), variants(), ids=[v[0] for v in variants()])
def test_no_sentence_sends_a_parent_to_a_confidential_home(name: str, path: Path, letter: str | None, tmp_path: Path) -> None:
    case = load_case(case_file(path, letter, tmp_path))
    library = load_case_library([default_library_dir()], case.court.state)
    text = to_plain_text(assemble(case, library))
    protected = [getattr(case, f"parent_{x}") for x in ("a", "b") if getattr(case, f"parent_{x}").address and getattr(case, f"parent_{x}").address.confidential]
    if letter is not None:
        assert protected, f"{name}: the variant did not make an address confidential"
    for parent in protected:
        names = sorted({parent.full_name, parent.short_name, parent.full_name.split()[0]}, key=len, reverse=True)
        assert sends_someone_to_home(text, names) == [], f"{name}: the agreement sends someone to {parent.short_name}'s confidential home"
