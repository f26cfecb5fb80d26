"""No silent omissions (issue 12, part 2): a required part of the agreement is there, or assembly says why not.

The base library marks decision-making, the regular parenting-time schedule,
the dispute-resolution steps and (when the case has support) the support
amount ``required``.  An office overlay may reword those clauses but not drop
them; when no alternative applies to a case, assembly stops with the clause
id and the case fields that ruled each alternative out, and writes nothing.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from docassemble.MediationAgreement.assembly.assemble import assemble
from docassemble.MediationAgreement.case.model import case_from_data, dump_case, load_case
from docassemble.MediationAgreement.errors import AssemblyError, LibraryError
from docassemble.MediationAgreement.library.clauses import STATE_OVERLAYS, default_library_dir, load_case_library, load_library
from docassemble.MediationAgreement.library.evaluation import fields_read

from .conftest import ROOT, example_cases, run_cli

MINIMAL = ROOT / "tests" / "cases" / "minimal.yml"
REQUIRED = {"decision_making.kind", "parenting_time.regular", "dispute_resolution.steps", "support.amount"}


def overlay(tmp_path: Path, clause_id: str, body: str) -> Path:
    """An office overlay with one clause file."""
    folder = tmp_path / "office"
    folder.mkdir(exist_ok=True)
    (folder / f"{clause_id.replace('.', '_')}.yml").write_text(textwrap.dedent(body))
    return folder


DECISIONS_FOR_IV_D_ONLY = """\
    id: decision_making.kind
    title: Major Decisions
    topic: decision_making
    order: 10
    select: case.decision_making.kind
    uses:
      - case.decision_making
      - case.court
      - case.safety
    alternatives:
      joint:
        label: Joint
        when: case.court.iv_d and not case.safety.finding
        text: |
          The parents decide together.
      sole:
        label: Sole
        text: |
          One parent decides.
"""


def test_the_base_library_marks_the_required_parts() -> None:
    library = load_library(None)
    assert {c.id for c in library.ordered() if c.required} == REQUIRED


@pytest.mark.parametrize("state", sorted(p.name for p in (default_library_dir() / STATE_OVERLAYS).iterdir() if p.is_dir()))
def test_every_state_overlay_keeps_the_required_parts(state: str) -> None:
    library = load_case_library(None, state.upper())
    assert {c.id for c in library.ordered() if c.required} == REQUIRED


def test_an_alternative_ruled_out_by_a_condition_stops_assembly_naming_clause_and_fields(tmp_path: Path) -> None:
    office = overlay(tmp_path, "decision_making.kind", DECISIONS_FOR_IV_D_ONLY)
    out = tmp_path / "out"
    result = run_cli("assemble", MINIMAL, "--library", office, "--out", out, "--format", "txt")
    assert result.code == 2
    assert result.err.splitlines() == [
        f"error: {office / 'decision_making_kind.yml'}: clause 'decision_making.kind': a required part of the agreement has no text for this case: "
        "'joint' is ruled out by `case.court.iv_d and not case.safety.finding` (court.iv_d is false, safety.finding is false); "
        "'sole' is not chosen (decision_making.kind is 'joint'). Change the answers named, or give the clause an alternative that applies"
    ]
    assert not out.exists()


def test_a_value_no_alternative_covers_is_named(tmp_path: Path) -> None:
    office = overlay(tmp_path, "decision_making.kind", DECISIONS_FOR_IV_D_ONLY.replace("      joint:", "      together:"))
    case = load_case(MINIMAL)
    with pytest.raises(AssemblyError) as info:
        assemble(case, load_library([default_library_dir(), office]), draft=True)
    assert info.value.clause_id == "decision_making.kind"
    assert "decision_making.kind is 'joint', which names none of its alternatives" in info.value.message


def test_excluding_a_required_clause_is_refused() -> None:
    data = dump_case(load_case(MINIMAL))
    data["excluded_clauses"] = ["dispute_resolution.steps"]
    with pytest.raises(AssemblyError) as info:
        assemble(case_from_data(data), load_library(None), draft=True)
    assert info.value.clause_id == "dispute_resolution.steps"
    assert "excluded_clauses lists it" in info.value.message


def test_support_is_required_only_when_the_case_has_support() -> None:
    data = dump_case(load_case(MINIMAL))
    data.pop("child_support")
    doc = assemble(case_from_data(data), load_library(None), draft=True)
    assert "support.amount" not in {b.clause_id for s in doc.sections for b in s.clauses}


def test_an_overlay_may_not_disable_a_required_clause(tmp_path: Path) -> None:
    office = overlay(tmp_path, "decision_making.kind", "id: decision_making.kind\ndisable: true\n")
    with pytest.raises(LibraryError) as info:
        load_library([default_library_dir(), office])
    assert info.value.clause_id == "decision_making.kind"
    assert "disables a required clause (required by library 'base')" in info.value.message
    result = run_cli("lint", "--library", office)
    assert result.code != 0 and "disables a required clause" in result.out + result.err


def test_an_overlay_may_not_make_a_required_clause_optional(tmp_path: Path) -> None:
    office = overlay(tmp_path, "decision_making.kind", DECISIONS_FOR_IV_D_ONLY.replace("    order: 10\n", "    order: 10\n    required: false\n"))
    with pytest.raises(LibraryError) as info:
        load_library([default_library_dir(), office])
    assert info.value.line == 5
    assert "may reword a required clause but not make it optional" in info.value.message


def test_a_rewording_overlay_keeps_the_requirement(tmp_path: Path) -> None:
    office = overlay(tmp_path, "decision_making.kind", DECISIONS_FOR_IV_D_ONLY)
    clause = load_library([default_library_dir(), office]).clauses["decision_making.kind"]
    assert clause.library == "office" and clause.required is True and clause.required_by == "base"


@pytest.mark.parametrize("path", example_cases(), ids=lambda p: p.stem)
def test_every_example_has_every_required_part(path: Path) -> None:
    case = load_case(path)
    doc = assemble(case, load_case_library(None, case.court.state), draft=True)
    present = {b.clause_id for s in doc.sections for b in s.clauses}
    wanted = REQUIRED if case.child_support is not None else REQUIRED - {"support.amount"}
    assert wanted <= present


def test_fields_read_names_each_case_field_with_its_value() -> None:
    context = {"case": load_case(MINIMAL)}
    assert fields_read("case.court.iv_d or case.parenting_time.pattern.kind == 'x' or true", context) == [
        ("case.court.iv_d", False),
        ("case.parenting_time.pattern.kind", load_case(MINIMAL).parenting_time.pattern.kind),
    ]
