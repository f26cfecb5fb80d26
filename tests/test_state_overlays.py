"""State overlays: clauses/overlays/<state>/, laid automatically for a case's court.state.

The golden files (tests/test_golden.py) hold each example's wording with its
state's overlay; here: where the overlay goes in the stack, that it can be
turned off (CLI, server), that `clauses --case` names it, that lint checks
every shipped overlay, and that an overlay stating a rule leaves no
"In many states" behind.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from docassemble.MediationAgreement.assembly.assemble import assemble, assemble_agreement
from docassemble.MediationAgreement.assembly.document import to_plain_text
from docassemble.MediationAgreement.case.model import load_case
from docassemble.MediationAgreement.library.clauses import (
    default_library_dir,
    load_case_library,
    load_library,
    state_overlay_dir,
    state_overlays,
    with_state_overlay,
)

from .conftest import EXAMPLES, ROOT, example_cases, run_cli

OVERLAYS = ROOT / "clauses" / "overlays"
AZ_CASE = EXAMPLES / "joint-two-children.yml"  # court.state AZ
WA_CASE = EXAMPLES / "long-distance-summer.yml"  # WA
OR_CASE = EXAMPLES / "safety-sole-supervised.yml"  # OR
OFFICE = ROOT / "tests" / "libraries" / "overlay"


def rel(path: Path) -> str:
    return str(path.relative_to(ROOT))


def clause_rows(out: str) -> dict[str, list[str]]:
    """`clauses` output: id -> its columns (ID TOPIC VER LIBRARY [APPLIES...])."""
    return {line.split()[0]: line.split() for line in out.splitlines()[1:]}


# --------------------------------------------------------------------------- the shipped overlays


def test_the_package_ships_overlays_for_arizona_oregon_and_washington() -> None:
    assert set(state_overlays()) >= {"AZ", "OR", "WA"}
    for code, folder in state_overlays().items():
        meta = yaml.safe_load((folder / "library.yml").read_text(encoding="utf-8"))
        assert folder.name == code.lower() and meta["state"] == code
        assert meta["name"] == f"state-overlay-{code.lower()}"
        assert meta["replaces_required"], f"{folder}: list the clauses the state must replace"


def test_every_overlay_clause_records_its_provenance() -> None:
    """Notes name the statute, an address and the retrieval date for each clause the overlays ship (their
    translations carry only words: the provenance is the English clause's)."""
    for path in sorted(OVERLAYS.rglob("*.yml")):
        if path.name == "library.yml" or "translations" in path.relative_to(OVERLAYS).parts:
            continue
        notes = yaml.safe_load(path.read_text(encoding="utf-8"))["notes"]
        assert re.search(r"\b(A\.R\.S\.|ORS|RCW) \d", notes), path
        assert "http" in notes and "retrieved 2026-" in notes, path


def test_the_base_library_does_not_load_the_overlays_inside_it() -> None:
    """clauses/overlays/<state>/ each have a library.yml: separate libraries, skipped when the base is read."""
    library = load_library()
    assert [info.name for info in library.libraries] == ["base"]
    assert not any(OVERLAYS in c.source.resolve().parents for c in library.clauses.values())
    assert "parenting_time.custodian" not in library.clauses


# --------------------------------------------------------------------------- where the overlay goes


def test_the_overlay_goes_after_the_base_and_before_office_overlays() -> None:
    base = default_library_dir()
    az = state_overlay_dir("AZ")
    assert az is not None and state_overlay_dir("az") == az
    assert with_state_overlay(None, "AZ") == [base, az]
    assert with_state_overlay([base, OFFICE], "AZ") == [base, az, OFFICE]
    assert with_state_overlay([base, OFFICE], "AZ", enabled=False) == [base, OFFICE]
    assert with_state_overlay([base, OFFICE], "NY") == [base, OFFICE]  # no overlay for New York
    assert with_state_overlay([base, OFFICE], None) == [base, OFFICE]
    assert with_state_overlay([OFFICE], "AZ") == [OFFICE]  # --no-default-library: no package base, no state overlay
    assert with_state_overlay([base, OFFICE, az], "AZ") == [base, OFFICE, az]  # named with --library: keeps its place


def test_an_office_overlay_replaces_a_state_overlay_clause(tmp_path: Path) -> None:
    office = tmp_path / "office"
    (office / "provisions").mkdir(parents=True)
    (office / "library.yml").write_text("name: maricopa-office\n", encoding="utf-8")
    relocation = yaml.safe_load((state_overlay_dir("AZ") / "provisions" / "relocation.yml").read_text(encoding="utf-8"))  # type: ignore[operator]
    relocation["text"] = "Office wording for moving."
    (office / "provisions" / "relocation.yml").write_text(yaml.safe_dump(relocation), encoding="utf-8")
    result = run_cli("clauses", "--case", rel(AZ_CASE), "--library", office)
    assert result.code == 0, result.err
    rows = clause_rows(result.out)
    assert rows["provisions.relocation"][3] == "maricopa-office"
    assert rows["acknowledgments.safety_provisions"][3] == "state-overlay-az"
    assert rows["recitals.parties"][3] == "base"


# --------------------------------------------------------------------------- clauses --case names the overlay


@pytest.mark.parametrize(
    ("case", "library", "replaced", "added"),
    [
        (AZ_CASE, "state-overlay-az", ["provisions.relocation", "acknowledgments.safety_provisions"], []),
        (OR_CASE, "state-overlay-or", ["support.duration", "provisions.relocation", "provisions.confidential_address"], []),
        (WA_CASE, "state-overlay-wa", ["support.duration"], ["parenting_time.custodian", "provisions.limitations"]),
    ],
    ids=["AZ", "OR", "WA"],
)
def test_clauses_command_names_the_state_overlay(case: Path, library: str, replaced: list[str], added: list[str]) -> None:
    result = run_cli("clauses", "--case", rel(case))
    assert result.code == 0, result.err
    rows = clause_rows(result.out)
    for clause_id in replaced + added:
        assert rows[clause_id][3] == library, rows[clause_id]
    assert rows["general.governing_law"][3] == "base"
    off = clause_rows(run_cli("clauses", "--case", rel(case), "--no-state-overlay").out)
    assert {row[3] for row in off.values()} == {"base"}
    assert not set(added) & set(off)


def test_clauses_command_takes_a_state_without_a_case() -> None:
    rows = clause_rows(run_cli("clauses", "--state", "WA").out)
    assert rows["parenting_time.custodian"][3] == "state-overlay-wa"
    assert rows["provisions.relocation"][3] == "base"


# --------------------------------------------------------------------------- turning it off


@pytest.mark.parametrize("case", [AZ_CASE, OR_CASE, WA_CASE], ids=["AZ", "OR", "WA"])
def test_no_state_overlay_gives_the_base_text(case: Path, tmp_path: Path) -> None:
    base_text = to_plain_text(assemble(load_case(case), load_library()))
    with_overlay = to_plain_text(assemble_agreement(load_case(case)))
    assert with_overlay != base_text
    assert to_plain_text(assemble_agreement(load_case(case), state_overlay=False)) == base_text
    result = run_cli("assemble", rel(case), "--out", tmp_path / "off", "--format", "txt", "--no-state-overlay")
    assert result.code == 0, result.err
    assert (tmp_path / "off" / "agreement.txt").read_text(encoding="utf-8") == base_text
    result = run_cli("assemble", rel(case), "--out", tmp_path / "on", "--format", "txt")
    assert result.code == 0, result.err
    assert (tmp_path / "on" / "agreement.txt").read_text(encoding="utf-8") == with_overlay


def test_batch_gives_each_case_its_own_states_overlay(tmp_path: Path) -> None:
    result = run_cli("batch", rel(AZ_CASE), rel(OR_CASE), "--out", tmp_path, "--format", "txt", "--jobs", "1")
    assert result.code == 0, result.err
    assert "A.R.S. 25-408(B)" in (tmp_path / AZ_CASE.stem / "agreement.txt").read_text(encoding="utf-8")
    assert "ORS 107.159(1)" in (tmp_path / OR_CASE.stem / "agreement.txt").read_text(encoding="utf-8")
    result = run_cli("batch", rel(AZ_CASE), "--out", tmp_path / "off", "--format", "txt", "--jobs", "1", "--no-state-overlay")
    assert result.code == 0, result.err
    assert "A.R.S. 25-408" not in (tmp_path / "off" / AZ_CASE.stem / "agreement.txt").read_text(encoding="utf-8")


# --------------------------------------------------------------------------- "In many states"


@pytest.mark.parametrize("path", example_cases(), ids=lambda p: p.stem)
def test_no_many_states_where_the_overlay_states_the_rule(path: Path) -> None:
    """An example whose state's overlay replaces a clause that said "In many states" no longer says it."""
    case = load_case(path)
    library = load_case_library(None, case.court.state)
    base = load_library()
    vague = {cid for cid, c in base.clauses.items() if any("many states" in text for _alt, text in c.templates())}
    assert vague, "the base library no longer says 'many states': drop this test"
    stated = {cid for cid in vague if library.clauses[cid].library != "base"}
    text = to_plain_text(assemble(case, library))
    if stated:
        assert "many states" not in text.lower()
        assert "many states" in to_plain_text(assemble(case, base)).lower()
    else:
        pytest.skip(f"{case.court.state}: no overlay states the rules the base words as 'in many states'")


# --------------------------------------------------------------------------- lint


def test_lint_checks_every_shipped_overlay() -> None:
    result = run_cli("lint")
    assert result.code == 0, result.out + result.err
    assert re.fullmatch(rf"ok: \d+ clauses in {len(state_overlays()) + 1} libraries, no problems", result.out.strip())
    off = run_cli("lint", "--no-state-overlay")
    assert off.out.strip().endswith("in 1 library, no problems")


def test_lint_reports_a_state_overlay_missing_a_required_clause(tmp_path: Path) -> None:
    """A copy of the Oregon overlay without its relocation clause: the package's base stays underneath."""
    import shutil

    copy = tmp_path / "or"
    shutil.copytree(state_overlay_dir("OR"), copy)  # type: ignore[arg-type]
    (copy / "provisions" / "relocation.yml").unlink()
    result = run_cli("lint", "--no-state-overlay", "--library", copy)
    assert result.code == 1
    meta = (copy / "library.yml").read_text(encoding="utf-8").splitlines()
    line = next(i for i, text in enumerate(meta, 1) if text.strip().startswith("- provisions.relocation"))
    assert result.out == (
        f"{copy / 'library.yml'}:{line}: library 'state-overlay-or' must replace clause 'provisions.relocation' "
        "(replaces_required), but none of its files has that id\n"
    )


# --------------------------------------------------------------------------- the server


def test_the_server_lays_the_overlay_and_its_configuration_turns_it_off() -> None:
    """`mediation agreement: state overlay: false` in the configuration (or an interview's metadata)."""
    pytest.importorskip("docassemble.base")
    from . import da_harness as h  # first: it stubs the NLTK download docassemble attempts at import

    # isort: split
    from docassemble.MediationAgreement.da_adapter import server

    h.setup()
    server._LIBRARY_CACHE.clear()
    try:
        assert server.state_overlay_enabled()
        assert server.clause_library("AZ").clauses["provisions.relocation"].library == "state-overlay-az"
        assert server.clause_library("OR").clauses["provisions.relocation"].library == "state-overlay-or"
        assert server.clause_library(None).clauses["provisions.relocation"].library == "base"
        for off in (False, "false", "no"):
            h.setup({"mediation agreement": {"state overlay": off}})
            assert not server.state_overlay_enabled()
            assert server.clause_library("AZ").clauses["provisions.relocation"].library == "base"
    finally:
        h.setup()
        server._LIBRARY_CACHE.clear()
