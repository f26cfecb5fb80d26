"""Clause libraries: overlays, lint findings, the sandbox, assembly and grammar.

Uses the small libraries under tests/libraries/ (base + overlay) and one folder
per broken clause under tests/libraries/bad/, each with the exact `lint` output
expected (`expected.txt`, regenerate with `make golden` and read the diff).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from docassemble.MediationAgreement.assembly.assemble import assemble, selectable_alternatives
from docassemble.MediationAgreement.assembly.document import to_plain_text
from docassemble.MediationAgreement.case.model import dump_case, load_case
from docassemble.MediationAgreement.errors import ClauseError, LibraryError
from docassemble.MediationAgreement.library.clauses import load_library
from docassemble.MediationAgreement.library.templating import sandbox_environment

from .conftest import ROOT, run_cli

LIBS = ROOT / "tests" / "libraries"
BASE, OVERLAY = LIBS / "base", LIBS / "overlay"
MINIMAL = ROOT / "tests" / "cases" / "minimal.yml"
BAD = sorted((LIBS / "bad").iterdir())


def rel(path: Path) -> str:
    return str(path.relative_to(ROOT))


def test_clean_library_stack_lints_clean() -> None:
    result = run_cli("lint", "--no-default-library", "--library", rel(BASE), "--library", rel(OVERLAY))
    assert result.code == 0, result.out + result.err
    assert result.out.strip() == "ok: 7 clauses in 2 libraries, no problems"  # 5 + the two signature blocks (parents, mediator)


@pytest.mark.parametrize("folder", BAD, ids=[p.name for p in BAD])
def test_lint_reports_each_broken_clause_with_path_and_line(folder: Path) -> None:
    result = run_cli("lint", "--no-default-library", "--library", rel(BASE), "--library", rel(folder))
    assert result.code == 1, result.err
    assert result.out == (folder / "expected.txt").read_text()
    assert result.err.strip() == "lint: 1 problem(s)"
    for line in result.out.splitlines():
        path, lineno, _message = line.split(":", 2)
        assert (ROOT / path).is_file() and int(lineno) >= 1


def test_overlay_replaces_adds_and_disables_by_id() -> None:
    library = load_library([BASE, OVERLAY])
    assert library.clauses["support.amount"].library == "test-overlay"
    assert library.clauses["support.amount"].version == 2
    assert "provisions.local_parenting_class" in library.clauses
    assert "general.counterparts" not in library.clauses
    assert library.replaced["support.amount"] == [BASE / "child_support" / "amount.yml"]
    doc = assemble(load_case(MINIMAL), library)
    text = to_plain_text(doc)
    assert "Local rule wording: Father pays $412.50 per month" in text
    assert "SUPPORT FOR THE CHILDREN" in text  # heading renamed by the overlay's library.yml
    assert "Counterparts" not in text


def test_cross_references_follow_numbering() -> None:
    doc = assemble(load_case(MINIMAL), load_library([BASE]))
    amount, change = doc.clause("support.amount"), doc.clause("support.modification")
    assert amount is not None and change is not None
    assert change.blocks[0].text == f"The amount in Section {amount.number} changes only by court order."  # type: ignore[union-attr]
    assert [s.number for s in doc.sections] == list(range(1, len(doc.sections) + 1))


def test_grammar_for_one_child_and_several(tmp_path: Path) -> None:
    case = load_case(MINIMAL)
    one = to_plain_text(assemble(case, load_library([BASE])))
    assert "are the parents of Maya Rivera." in one and "The child lives in Arizona." in one
    data = dump_case(case)
    data["children"].append({"full_name": "Leo Rivera", "date_of_birth": "2019-09-02"})
    from docassemble.MediationAgreement.case.model import case_from_data

    two = to_plain_text(assemble(case_from_data(data), load_library([BASE])))
    assert "are the parents of Maya Rivera and Leo Rivera." in two and "The children live in Arizona." in two
    assert "- Leo Rivera, born September 2, 2019" in two


def test_sandbox_refuses_python_internals_at_render_time(tmp_path: Path) -> None:
    lib = tmp_path / "lib" / "provisions"
    lib.mkdir(parents=True)
    (lib / "escape.yml").write_text("id: provisions.escape\ntitle: Escape\ntopic: provisions\ntext: |\n  Fine.\n  {{ ''.__class__.__mro__[1].__subclasses__() }}\n")
    with pytest.raises(ClauseError) as info:
        assemble(load_case(MINIMAL), load_library([tmp_path / "lib"]))
    message = str(info.value)
    assert "escape.yml:6" in message and "provisions.escape" in message and "sandbox" in message


def test_sandbox_environment_is_strict() -> None:
    env = sandbox_environment()
    with pytest.raises(Exception, match="is undefined"):
        env.from_string("{{ missing }}").render()
    with pytest.raises(Exception, match="unsafe"):
        env.from_string("{{ ''.__class__.__mro__ }}").render()


def test_assembling_with_a_broken_clause_fails_before_writing(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run_cli("assemble", rel(MINIMAL), "--no-default-library", "--library", rel(BASE), "--library", rel(LIBS / "bad" / "undefined-field"), "--out", out, "--format", "txt")
    assert result.code == 2
    assert "undefined-field/clause.yml:7" in result.err and "provisions.typo" in result.err
    assert "Traceback" not in result.err and not out.exists()


def test_missing_overlay_folder_is_named(tmp_path: Path) -> None:
    result = run_cli("lint", "--library", "no/such/overlay")
    assert result.code == 2
    assert result.err.strip() == "error: no/such/overlay: clause library folder not found"


def test_safety_finding_removes_joint_choice() -> None:
    library = load_library([BASE])
    data = dump_case(load_case(MINIMAL))
    offered = [c.value for c in selectable_alternatives(library, "case.decision_making.kind", data)]
    assert offered == ["joint", "sole"]
    data["safety"] = {"domestic_violence": {"concerns": "b", "protects": "other_parent", "basis": "screening"}}
    offered = [c.value for c in selectable_alternatives(library, "case.decision_making.kind", data)]
    assert offered == ["sole"]


def test_clauses_command_lists_source_library_and_applicability() -> None:
    result = run_cli("clauses", "--case", rel(MINIMAL), "--no-default-library", "--library", rel(BASE), "--library", rel(OVERLAY))
    assert result.code == 0, result.err
    rows = {line.split()[0]: line.split() for line in result.out.splitlines()[1:]}
    assert rows["support.amount"][2:4] == ["2", "test-overlay"]
    assert rows["decision_making.model"][-2:] == ["yes", "(joint)"]


def test_preview_renders_one_clause_with_real_numbers() -> None:
    result = run_cli("preview", "support.modification", "--case", rel(MINIMAL), "--no-default-library", "--library", rel(BASE))
    assert result.code == 0, result.err
    assert "applies to this case" in result.out
    assert "The amount in Section 3.1 changes only by court order." in result.out


def test_unknown_clause_id_gets_did_you_mean() -> None:
    with pytest.raises(LibraryError, match="did you mean 'support.amount'"):
        load_library([BASE]).get("support.amout")


def test_one_child_who_uses_they_is_still_the_child_lives() -> None:
    from docassemble.MediationAgreement.case.model import case_from_data

    data = dump_case(load_case(MINIMAL))
    data["children"][0]["pronouns"] = "they"
    text = to_plain_text(assemble(case_from_data(data), load_library([BASE])))
    assert "The child lives in Arizona." in text


def test_a_library_is_read_once_per_process_until_one_of_its_files_changes(tmp_path: Path) -> None:
    import shutil

    folder = tmp_path / "base"
    shutil.copytree(BASE, folder)
    first = load_library([folder])
    assert load_library([folder]) is first  # the CLI, batch, review and the server share one reading
    amount = folder / "child_support" / "amount.yml"
    amount.write_text(amount.read_text().replace("each month", "per month!"))  # at once: within the clock's granularity
    changed = load_library([folder])
    assert changed is not first
    assert "per month!" in (changed.clauses["support.amount"].text or "")
    (folder / "general" / "counterparts.yml").unlink()
    assert "general.counterparts" not in load_library([folder]).clauses
    assert load_library([folder], strict=False) is not load_library([folder], strict=False)  # lint reads afresh


def test_clause_files_leave_out_translations_and_libraries_of_their_own(tmp_path: Path) -> None:
    from docassemble.MediationAgreement.library.folders import clause_files

    for name in ("library.yml", "a/one.yml", "a/two.yaml", "b/c/three.yml", "translations/es/a/one.yml", "overlays/az/library.yml", "overlays/az/x.yml", "a/notes.txt"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("id: x\n")
    assert [p.relative_to(tmp_path).as_posix() for p in clause_files(tmp_path)] == ["a/one.yml", "b/c/three.yml", "a/two.yaml"]
