"""Intake files on disk: the mediator's setup file, and the partial case file prefill writes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from ..case.yamlsource import LineMap, dotted, load_with_lines
from ..errors import CaseFileError


def own_words(holder: Any, key: str, language: str, where: tuple[Any, ...], *, source: str, lines: LineMap, refusal: str) -> str:
    """``holder[language][key]``: a text's words in another language, written beside the English in the same file.

    Missing or blank, it is refused with ``refusal``, the file, the line and the key (``points[2].es.heading``).
    """
    own = holder.get(language) if isinstance(holder, dict) else None
    if not isinstance(own, dict) or not isinstance(own.get(key), str) or not own[key].strip():
        path = (*where, language, key)
        raise CaseFileError(refusal, path=source, line=lines.line_for(path), field_path=dotted(path))
    return str(own[key])


def load_answers_file(path: str | Path) -> tuple[Any, LineMap]:
    """A setup or answers file (YAML or JSON) with the line of every field, for messages."""
    data, lines = load_with_lines(path, error=CaseFileError)
    if not isinstance(data, dict):
        raise CaseFileError("must be a mapping of fields", path=str(path), line=1)
    return data, lines


def prefill_yaml(data: dict[str, Any], case_id: str) -> str:
    """The partial case file as YAML, with a header saying where it came from and what is left."""
    header = (
        f"# Started from the intake of case {case_id} (mediation-agreement case prefill).\n"
        "# It holds only the facts the parents gave: names, the contact details each\n"
        "# parent said may be shared, addresses (confidential unless the parent said\n"
        "# otherwise), the children both parents listed, and incomes.  Nothing from\n"
        "# the safety screening or the private notes is here: decide the safety\n"
        "# section yourself after talking with each parent privately.\n"
        "# `mediation-agreement check FILE` lists what is still to decide.\n"
    )
    return header + yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
