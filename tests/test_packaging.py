"""The wheel carries the interviews, templates and clause library where docassemble looks,
and our requirements admit the versions a docassemble server pins."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from importlib import metadata

import pytest
from packaging.requirements import Requirement

from .conftest import ROOT

PACKAGE_PATHS = {
    "interviews": "docassemble/MediationAgreement/data/questions",
    "templates": "docassemble/MediationAgreement/data/templates",
    "clauses": "docassemble/MediationAgreement/data/sources/clauses",
}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> zipfile.ZipFile:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation", str(ROOT), "-w", str(out)],
        check=True,
        cwd=out,
        capture_output=True,
    )
    (built,) = out.glob("*.whl")
    return zipfile.ZipFile(built)


@pytest.mark.parametrize("top", sorted(PACKAGE_PATHS))
def test_wheel_carries_every_data_file_at_its_package_path(wheel: zipfile.ZipFile, top: str) -> None:
    names = set(wheel.namelist())
    sources = [p for p in (ROOT / top).rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    assert sources, f"{top}/ is empty"
    for source in sources:
        inside = f"{PACKAGE_PATHS[top]}/{source.relative_to(ROOT / top).as_posix()}"
        assert inside in names, f"{inside} missing from the wheel"
        assert wheel.read(inside) == source.read_bytes()


def test_wheel_has_the_console_script_and_no_namespace_init(wheel: zipfile.ZipFile) -> None:
    names = wheel.namelist()
    assert "docassemble/__init__.py" not in names  # docassemble is a namespace package
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert "mediation-agreement = docassemble.MediationAgreement.cli:command_line" in wheel.read(entry_points).decode()


@pytest.mark.parametrize("server_package", ["docassemble.base", "docassemble.webapp"])
def test_requirements_admit_the_docassemble_servers_pins(server_package: str) -> None:
    try:
        pins = {Requirement(r).name.lower(): Requirement(r) for r in metadata.requires(server_package) or []}
    except metadata.PackageNotFoundError:
        pytest.skip(f"{server_package} is not installed in this environment")
    ours = [Requirement(r) for r in metadata.requires("docassemble.MediationAgreement") or [] if "extra ==" not in r]
    checked = 0
    for requirement in ours:
        pin = pins.get(requirement.name.lower())
        if pin is None:
            continue
        for spec in pin.specifier:
            if spec.operator == "==":
                assert requirement.specifier.contains(spec.version), f"{requirement} excludes {server_package}'s {pin}"
                checked += 1
    assert checked >= 3, "expected to compare against several of the server's pins"
