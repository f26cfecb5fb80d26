"""The mediator's side of a review round, through the real command line, on the server's case store.

The parents review and sign in the browser (``parent_review.yml``); the
mediator opens the case, issues drafts, signs last and seals with
``mediation-agreement case ...``, as docs/server.md describes.  Both use the
store ``scripts/serve.sh`` configured for the server (``serve.sh env``).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from .conftest import ROOT, Server

REVIEW = "docassemble.MediationAgreement:data/questions/parent_review.yml"


def pdf_text(path: Path) -> str:
    """The PDF's text as a viewer extracts it (poppler's pdftotext), whitespace collapsed."""
    if shutil.which("pdftotext") is None:
        subprocess.run([str(ROOT / "scripts" / "install-system-packages.sh"), "poppler-utils"], check=True)
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return re.sub(r"\s+", " ", out)


@dataclass
class OpenedCase:
    case_id: str
    tokens: dict[str, str]  # "a" / "b" -> the parent's link token


@dataclass
class MediatorCli:
    """``mediation-agreement`` as a separate process, pointed at the server's case store."""

    server: Server

    @property
    def env(self) -> dict[str, str]:
        store = self.server.info["store"]
        return {"MEDIATION_STORE_URL": str(store["url"]), "MEDIATION_STORE_KEY": str(store["key"])}

    def run(self, *args: str | Path, extra_env: dict[str, str] | None = None, check: bool = True) -> subprocess.CompletedProcess[str]:
        import os

        result = subprocess.run(
            [sys.executable, "-m", "docassemble.MediationAgreement", *map(str, args)],
            capture_output=True, text=True, cwd=ROOT, timeout=300,
            env={**os.environ, **self.env, **(extra_env or {})},
        )
        if check and result.returncode != 0:
            raise AssertionError(f"mediation-agreement {' '.join(map(str, args))} failed ({result.returncode}):\n"
                                 f"{result.stdout}\n{result.stderr}")
        return result

    def open_case(self, case_file: Path) -> OpenedCase:
        out = self.run("case", "new", case_file).stdout
        found = re.search(r"opened case (\S+):", out)
        tokens = re.findall(r"(mat_[A-Za-z0-9_-]+)", out)
        assert found and len(tokens) == 2, f"unexpected `case new` output:\n{out}"
        return OpenedCase(found.group(1), {"a": tokens[0], "b": tokens[1]})

    def issue_draft(self, case_id: str, folder: Path) -> str:
        """Issue the next draft; returns its SHA-256."""
        out = self.run("case", "draft", case_id, "--out", folder).stdout
        found = re.search(r"sha256 ([0-9a-f]{64})", out)
        assert found, f"unexpected `case draft` output:\n{out}"
        return found.group(1)

    def show(self, case_id: str) -> str:
        return self.run("case", "show", case_id).stdout

    def review_url(self, case: OpenedCase, party: str, case_id: str | None = None) -> str:
        return self.server.interview_url(REVIEW, case=case_id or case.case_id, token=case.tokens[party])
