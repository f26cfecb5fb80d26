"""Arizona does not leak into other states (issue 13, defect 7).

The family's time zone follows the court's state (and county, where the state
spans zones and the county's zone is certain); the caption's county line comes
from the state overlay or a neutral default; ``office.jurisdiction``, once
accepted and ignored, is refused with what replaced it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from docassemble.MediationAgreement.assembly.assemble import assemble
from docassemble.MediationAgreement.case.model import case_from_data, dump_case, load_case
from docassemble.MediationAgreement.case.schedule import check_time_zone
from docassemble.MediationAgreement.case.zones import _zones, state_time_zone
from docassemble.MediationAgreement.errors import CaseValidationError, LibraryError
from docassemble.MediationAgreement.library.clauses import default_library_dir, load_case_library, load_library

from .conftest import ROOT

MINIMAL = ROOT / "tests" / "cases" / "minimal.yml"


def case_in(court: dict[str, Any], **parenting_time: Any) -> dict[str, Any]:
    data = yaml.safe_load(MINIMAL.read_text())
    data["court"] = court
    data["parenting_time"].update(parenting_time)
    return data


TEXAS = {"name": "District Court of Travis County", "county": "Travis", "state": "TX", "case_number": "D-1-FM-26-001234"}


@pytest.mark.parametrize(("court", "zone"), [
    ({"name": "Superior Court of Arizona", "county": "Maricopa", "state": "AZ"}, "America/Phoenix"),
    ({"name": "Superior Court of Washington", "county": "King", "state": "wa"}, "America/Los_Angeles"),
    ({"name": "Family Court of the State of New York", "county": "Dutchess", "state": "NY"}, "America/New_York"),
    ({"name": "Circuit Court of Wisconsin", "county": "Dane", "state": "WI"}, "America/Chicago"),
])
def test_the_time_zone_follows_the_courts_state(court: dict[str, Any], zone: str) -> None:
    assert case_from_data(case_in(court)).parenting_time.time_zone == zone


def test_a_county_given_a_zone_in_the_data_gets_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """The mechanism for a split state's counties (the shipped data settles Michigan's only, below)."""
    data = {**_zones(), "split": {**_zones()["split"], "TX": {"zones": ["America/Chicago", "America/Denver"], "counties": {"El Paso": "America/Denver"}}}}
    monkeypatch.setattr("docassemble.MediationAgreement.case.zones._zones", lambda: data)
    assert state_time_zone("TX", "El Paso County") == "America/Denver"
    assert state_time_zone("TX", "Travis") is None


@pytest.mark.parametrize(("county", "zone"), [
    ("Menominee", "America/Menominee"), ("Gogebic County", "America/Menominee"), ("iron", "America/Menominee"), ("Dickinson", "America/Menominee"),
    ("Wayne", "America/Detroit"), ("Marquette", "America/Detroit"), ("Ontonagon", "America/Detroit"),  # the line runs along Ontonagon's west line and Gogebic's north line
])
def test_a_michigan_county_gets_the_zone_49_cfr_71_5_a_puts_it_in(county: str, zone: str) -> None:
    court = {"name": "Circuit Court", "county": county, "state": "MI"}
    assert case_from_data(case_in(court)).parenting_time.time_zone == zone


def test_a_michigan_case_without_a_county_still_gives_its_zone() -> None:
    assert state_time_zone("MI", "") is None and state_time_zone("MI", None) is None


def test_a_given_time_zone_is_kept() -> None:
    assert case_from_data(case_in(TEXAS, time_zone="America/Denver")).parenting_time.time_zone == "America/Denver"
    assert case_from_data(case_in({**TEXAS, "state": "AZ"}, time_zone="America/Denver")).parenting_time.time_zone == "America/Denver"  # the Navajo Nation


@pytest.mark.parametrize("state", ["FL", "OR", "IN", "KY", "TX"])
def test_a_state_in_two_zones_asks_for_the_zone_instead_of_guessing(state: str) -> None:
    with pytest.raises(CaseValidationError) as info:
        case_from_data(case_in({"name": "Circuit Court", "county": "Somewhere", "state": state}))
    (problem,) = info.value.problems
    assert problem.field_path == "parenting_time.time_zone"
    assert f"the courts of {state} are in more than one time zone" in problem.message


def test_every_zone_in_the_data_is_a_real_zone() -> None:
    data = _zones()
    zones = set(data["states"].values())
    for split in data["split"].values():
        zones |= set(split["zones"]) | set((split.get("counties") or {}).values()) | ({split["others"]} if split.get("others") else set())
    for zone in zones:
        check_time_zone(zone)
    assert state_time_zone("ZZ") is None


def test_the_caption_is_neutral_outside_arizona() -> None:
    texas = case_from_data(case_in(TEXAS, time_zone="America/Chicago"))
    doc = assemble(texas, load_case_library(None, "TX"), draft=True)
    assert doc.court_caption[:2] == ("District Court of Travis County", "County of Travis")
    arizona = load_case(MINIMAL)
    doc = assemble(arizona, load_case_library(None, "AZ"), draft=True)
    assert doc.court_caption[1] == "In and for the County of Maricopa"


def test_an_office_overlay_may_word_the_caption_and_a_bad_one_is_named(tmp_path: Path) -> None:
    office = tmp_path / "office"
    office.mkdir()
    (office / "library.yml").write_text("name: travis-office\ncounty_caption: 'In the District Court of {county} County, Texas'\n")
    doc = assemble(case_from_data(case_in(TEXAS, time_zone="America/Chicago")), load_library([default_library_dir(), office]), draft=True)
    assert doc.court_caption[1] == "In the District Court of Travis County, Texas"
    (office / "library.yml").write_text("name: travis-office\ncounty_caption: 'County of {name}'\n")
    with pytest.raises(LibraryError) as info:
        load_library([default_library_dir(), office])
    assert info.value.line == 2 and "county_caption" in info.value.message


def test_a_dumped_case_keeps_its_zone_so_a_reload_is_the_same_case() -> None:
    case = case_from_data(case_in({"name": "Superior Court of Washington", "county": "King", "state": "WA"}))
    again = case_from_data(dump_case(case))
    assert again == case and again.parenting_time.time_zone == "America/Los_Angeles"
