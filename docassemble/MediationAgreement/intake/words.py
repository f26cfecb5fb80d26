"""The words the intake puts on a parent's screens itself, by language (``data/sources/intake/screen_words.yml``).

The screening's answer choices, the issue screens' field labels and, for a
language that words them, the contact screen's refusals: data, so a new
language is a new block in the file, not new code.  A language missing a key
``en`` has is refused, naming the file, line and key.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

from ..case.yamlsource import load_with_lines
from ..errors import CaseFileError

WORDS_FILE = Path(str(files("docassemble.MediationAgreement") / "data" / "sources" / "intake" / "screen_words.yml"))
OPTIONAL = ("contact",)
"""Blocks a language may leave out (the engine's own words are shown instead)."""


@cache
def screen_words(language: str = "en") -> dict[str, dict[str, str]]:
    """Every block of words for ``language`` (``answers``, ``issue``, and ``contact`` when it has one)."""
    data, lines = load_with_lines(WORDS_FILE, error=CaseFileError)
    if not isinstance(data, dict) or not isinstance(data.get("en"), dict):
        raise CaseFileError("the intake's screen words need an `en` block", path=WORDS_FILE, line=1)
    block: Any = data.get(language)
    if not isinstance(block, dict):
        raise CaseFileError(f"no intake screen words for language '{language}'", path=WORDS_FILE, line=1, field_path=language)
    out: dict[str, dict[str, str]] = {}
    for name, english in data["en"].items():
        given = block.get(name)
        if given is None and name in OPTIONAL:
            continue
        missing = [key for key in english if not isinstance((given or {}).get(key), str)]
        if missing:
            raise CaseFileError(
                f"language '{language}' has no words for {', '.join(f'{name}.{k}' for k in missing)}",
                path=WORDS_FILE, line=lines.line_for((language, name)) or lines.line_for((language,)), field_path=f"{language}.{name}.{missing[0]}",
            )
        out[name] = {str(k): str(v) for k, v in given.items()}
    if isinstance(block.get("contact"), dict):
        out["contact"] = {str(k): str(v) for k, v in block["contact"].items()}
    return out


__all__ = ["WORDS_FILE", "screen_words"]
