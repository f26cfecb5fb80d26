"""The case model's validator kept between processes (case/prebuilt.py): a process that builds it from the
kept core schema accepts and refuses exactly what pydantic's own build does, with the same messages; other
code, a damaged file or `off` mean pydantic builds it again."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from .conftest import EXAMPLES, ROOT

# Validates each case file given and prints, as JSON, how the validator was had and what each file gave:
# the case's data or the error message.
SCRIPT = """
import json, sys
from docassemble.MediationAgreement import kept
from docassemble.MediationAgreement.case.model import Case, load_case
from docassemble.MediationAgreement.case.prebuilt import ready
from docassemble.MediationAgreement.errors import MediationError
if sys.argv[1] == "other-code":
    kept.package_stamp = lambda: bytes(32)
how = ready(Case)
results = {}
for path in sys.argv[2:]:
    try:
        results[path] = load_case(path).model_dump(mode="json")
    except MediationError as exc:
        results[path] = str(exc)
print(json.dumps({"how": how, "results": results}))
"""


def validate(files: list[Path], cache: str, variant: str = "as-is") -> tuple[str, dict[str, object]]:
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, variant, *map(str, files)],
        capture_output=True, text=True, cwd=ROOT, timeout=120, check=False,
        env={"PATH": "/usr/bin:/bin", "MEDIATION_TEMPLATE_CACHE": cache, "PYDANTIC_DISABLE_PLUGINS": "__all__"},
    )
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    return answer["how"], answer["results"]


BROKEN = {
    "time-zone": lambda d: d["parenting_time"].update(time_zone="America/Phoenx"),
    "phone": lambda d: d["parent_a"].update(phone="12"),
    "unknown-field": lambda d: d.update(favourite_colour="blue"),
    "missing-name": lambda d: d["parent_b"].pop("full_name"),
    "wrong-type": lambda d: d["children"][0].update(date_of_birth="last spring"),
    "bad-choice": lambda d: d["decision_making"].update(kind="whoever shouts loudest"),
    "too-long": lambda d: d["parent_a"].update(short_name="M" * 20_000),
}
"""Broken copies of the joint example, each failing a different kind of check."""


@pytest.fixture(scope="module")
def case_files(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Every example, and the :data:`BROKEN` copies of the joint one."""
    folder = tmp_path_factory.mktemp("cases")
    joint = yaml.safe_load((EXAMPLES / "joint-two-children.yml").read_text())
    files = sorted(EXAMPLES.glob("*.yml"))
    for name, spoil in BROKEN.items():
        data = yaml.safe_load(yaml.safe_dump(joint))
        spoil(data)
        (folder / f"{name}.yml").write_text(yaml.safe_dump(data, sort_keys=False))
        files.append(folder / f"{name}.yml")
    return files


def test_the_kept_validator_accepts_and_refuses_what_pydantics_own_build_does(tmp_path: Path, case_files: list[Path]) -> None:
    cache = tmp_path / "cache"
    how, built = validate(case_files, str(cache))
    assert how == "built" and len(list(cache.glob("__mediation_validator_*.pickle"))) == 1
    how, from_kept = validate(case_files, str(cache))
    assert how == "kept"
    assert from_kept == built
    how, without = validate(case_files, "off")
    assert how == "built" and without == built
    refused = sorted(Path(path).stem for path, result in built.items() if isinstance(result, str))
    assert refused == sorted(BROKEN)  # the examples are valid; each broken copy is refused


def test_other_code_a_damaged_file_or_off_build_it_again(tmp_path: Path, case_files: list[Path]) -> None:
    cache = tmp_path / "cache"
    how, built = validate(case_files[:1], str(cache))
    assert how == "built"
    assert validate(case_files[:1], str(cache), "other-code")[0] == "built"  # another version of the package's code
    (kept,) = cache.glob("__mediation_validator_*.pickle")
    assert validate(case_files[:1], str(cache))[0] == "built"  # the other code's schema replaced ours: built again
    assert validate(case_files[:1], str(cache))[0] == "kept"
    data = kept.read_bytes()
    kept.write_bytes(data[:-40] + b"\x00" * 40)  # damaged inside the pickle: a miss, not an error
    assert validate(case_files[:1], str(cache)) == ("built", built)
    kept.write_bytes(data[:50])
    assert validate(case_files[:1], str(cache)) == ("built", built)
    assert validate(case_files[:1], "off") == ("built", built)
