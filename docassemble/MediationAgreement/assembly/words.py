"""The words the engine itself puts in an agreement, by language (``data/sources/agreement_words.yml``).

Title, subtitle, caption and parties line, ``ref()``'s "Section 4.2", page
furniture and signature lines: everything in the document that is not clause
text.  Every language must give every key the English block has.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from pathlib import Path

from ..case.yamlsource import load_with_lines
from ..errors import AssemblyError

WORDS_FILE = Path(str(files("docassemble.MediationAgreement") / "data" / "sources" / "agreement_words.yml"))


@cache
def agreement_words(language: str = "en") -> dict[str, str]:
    """Every engine word for ``language``; an :class:`AssemblyError` naming the file and key when one is missing."""
    data, lines = load_with_lines(WORDS_FILE, error=AssemblyError)
    if not isinstance(data, dict) or not isinstance(data.get("en"), dict):
        raise AssemblyError("the engine's words must be a mapping with an 'en' block", path=WORDS_FILE, line=1)
    block = data.get(language)
    if not isinstance(block, dict):
        known = ", ".join(sorted(k for k in data if isinstance(data[k], dict)))
        raise AssemblyError(f"no words for language '{language}' (known: {known})", path=WORDS_FILE, line=1)
    missing = [key for key in data["en"] if not isinstance(block.get(key), str) or not block[key].strip()]
    if missing:
        raise AssemblyError(f"language '{language}' has no words for: {', '.join(missing)}", path=WORDS_FILE, line=lines.line_for((language,)))
    return {key: str(block[key]) for key in data["en"]}


__all__ = ["WORDS_FILE", "agreement_words"]
