"""The engine's refusals as a parent reads them, in the parent's language (``data/sources/parent_messages.yml``).

The engine words its messages in English (for the log, the CLI and the
mediator).  A parent whose language is not English is shown the catalogue's
sentence for the first entry whose ``when`` phrase the English message
contains, else its ``otherwise``: plain words, never the engine's field names.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from pathlib import Path

from ..case.yamlsource import load_with_lines
from ..errors import CaseFileError

CATALOG = Path(str(files("docassemble.MediationAgreement") / "data" / "sources" / "parent_messages.yml"))


@cache
def _catalog() -> tuple[dict[str, str], tuple[tuple[str, dict[str, str]], ...]]:
    data, lines = load_with_lines(CATALOG, error=CaseFileError)
    otherwise = data.get("otherwise") if isinstance(data, dict) else None
    entries = data.get("messages") if isinstance(data, dict) else None
    if not isinstance(otherwise, dict) or not isinstance(entries, list):
        raise CaseFileError("the parent messages need `otherwise:` and a `messages:` list", path=CATALOG, line=1)
    out = []
    for index, entry in enumerate(entries):
        if not (isinstance(entry, dict) and isinstance(entry.get("when"), str) and entry["when"].strip()):
            raise CaseFileError("each message needs a `when` phrase and its words by language", path=CATALOG, line=lines.line_for(("messages", index)))
        missing = [code for code in otherwise if not isinstance(entry.get(code), str)]
        if missing:
            raise CaseFileError(f"message '{entry['when']}' has no words for: {', '.join(missing)}", path=CATALOG, line=lines.line_for(("messages", index)))
        out.append((entry["when"], {k: v for k, v in entry.items() if k != "when"}))
    return {str(k): str(v) for k, v in otherwise.items()}, tuple(out)


def for_parent(message: str, language: str, *, full_name: str = "") -> str | None:
    """``message`` (the engine's, in English) in ``language``; ``None`` for English or a language the catalogue lacks."""
    otherwise, entries = _catalog()
    if language == "en" or language not in otherwise:
        return None
    words = next((by_language[language] for when, by_language in entries if when in message), otherwise[language])
    return words.replace("{full_name}", full_name)


__all__ = ["CATALOG", "for_parent"]
