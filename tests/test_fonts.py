"""Names in Chinese, Japanese, Korean, Arabic and Hebrew print in the PDF with ``--font-path``.

The bundled fonts cover Latin scripts only; without a font folder such a name
is refused with a message saying what to add, and nothing is written.  The
font folders are Debian's ``fonts-noto-cjk`` and ``fonts-dejavu-core``, which
``make install-test`` installs (scripts/install-system-packages.sh).
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from pypdf import PdfReader

from .conftest import EXAMPLES, run_cli

NOTO = Path("/usr/share/fonts/opentype/noto")
DEJAVU = Path("/usr/share/fonts/truetype/dejavu")
FONT_ARGS = ("--font-path", str(NOTO), "--font-path", str(DEJAVU))

NAMES = {
    "parent_a": "王秀英 佐藤花子 김민지",  # Chinese, Japanese, Korean
    "parent_b": "דניאל כהן محمد علي",  # Hebrew, Arabic (right to left)
}


@pytest.fixture(scope="module", autouse=True)
def fonts_installed() -> None:
    missing = [str(p) for p in (NOTO, DEJAVU) if not p.is_dir()]
    assert not missing, f"font folders missing: {missing}; run scripts/install-system-packages.sh (make install-test)"


def world_case(tmp_path: Path) -> Path:
    data = yaml.safe_load((EXAMPLES / "joint-two-children.yml").read_text(encoding="utf-8"))
    for key, name in NAMES.items():
        data[key]["full_name"] = name
        data[key]["short_name"] = name.split()[0]
    path = tmp_path / "world.yml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(path).pages)


def test_without_a_font_folder_the_name_is_refused_and_nothing_is_written(tmp_path: Path) -> None:
    out = tmp_path / "out"
    run = run_cli("assemble", world_case(tmp_path), "--out", out, "--format", "pdf")
    assert run.code == 2, run.err
    assert "cannot show some text" in run.err and "--font-path" in run.err
    assert "Traceback" not in run.err
    assert not out.exists() or not any(out.iterdir())


def test_with_font_folders_every_script_prints_and_reads_back(tmp_path: Path) -> None:
    out = tmp_path / "out"
    run = run_cli("assemble", world_case(tmp_path), "--out", out, "--format", "pdf", *FONT_ARGS)
    assert run.code == 0, run.err
    text = pdf_text(out / "agreement.pdf")
    for word in ("王秀英", "佐藤花子", "김민지", "דניאל", "محمد"):
        assert word in text, word
    if shutil.which("pdffonts"):
        fonts = subprocess.run(["pdffonts", str(out / "agreement.pdf")], capture_output=True, text=True, check=True).stdout
        assert "NotoSansCJK" in fonts and "DejaVuSans" in fonts
        assert all(line.split()[-5] == "yes" for line in fonts.splitlines()[2:]), fonts  # every font embedded


def test_the_environment_variable_reaches_batch_workers(tmp_path: Path) -> None:
    cases = tmp_path / "cases"
    cases.mkdir()
    first = world_case(tmp_path)
    for n in range(2):
        shutil.copy(first, cases / f"world-{n}.yml")
    run = run_cli("batch", cases, "--out", tmp_path / "out", "--format", "pdf", "--jobs", "2", env={"MEDIATION_FONT_PATHS": f"{NOTO}:{DEJAVU}"})
    assert run.code == 0, run.err
    for n in range(2):
        assert "김민지" in pdf_text(tmp_path / "out" / f"world-{n}" / "agreement.pdf")


def test_a_font_folder_that_does_not_exist_is_named(tmp_path: Path) -> None:
    run = run_cli("assemble", world_case(tmp_path), "--out", tmp_path / "out", "--font-path", tmp_path / "no-fonts-here")
    assert run.code == 2
    assert "no-fonts-here" in run.err and "does not exist" in run.err
    assert not (tmp_path / "out").exists()


def test_the_server_setting_adds_the_folders(monkeypatch: pytest.MonkeyPatch) -> None:
    from . import da_harness

    da_harness.setup()
    from docassemble.MediationAgreement.da_adapter import server
    from docassemble.MediationAgreement.errors import ConfigError
    from docassemble.MediationAgreement.render import typesetting

    monkeypatch.setattr(typesetting, "_configured_font_paths", ())
    monkeypatch.setattr(server, "_FONTS_CONFIGURED", [])
    monkeypatch.setattr(server, "server_settings", lambda: {"font paths": [str(NOTO), str(DEJAVU)]})
    server.configure_fonts()
    assert typesetting.configured_font_paths()[:2] == (str(NOTO), str(DEJAVU))

    monkeypatch.setattr(server, "_FONTS_CONFIGURED", [])
    monkeypatch.setattr(server, "server_settings", lambda: {"font paths": "/nowhere/fonts"})
    with pytest.raises(ConfigError, match="font paths.*/nowhere/fonts"):
        server.configure_fonts()
