"""Pydantic validation errors as messages a person can act on.

Shared by case files, clause files and form mappings: each problem names the
file, the line and the field path, and an unknown key gets a did-you-mean.
"""

from __future__ import annotations

import types
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError

from ..errors import Problem
from .yamlsource import LineMap, dotted

MAX_PROBLEMS = 20
"""Problems reported for one file; a file with more gets a last line saying how many were left out."""

MAX_KEY_CHARS = 60
"""A key longer than this is shortened in messages (a bad file cannot make the report itself huge)."""


def validation_problems(exc: ValidationError, model: type[BaseModel], source: str, lines: LineMap) -> list[Problem]:
    """Turn pydantic's errors into :class:`Problem` s with line, field path and a did-you-mean."""
    import difflib  # only a case or clause file with problems needs it

    problems = []
    errors = exc.errors(include_url=False, include_input=False, include_context=False)
    for err in errors[:MAX_PROBLEMS]:
        loc = tuple(err["loc"])
        message = err["msg"]
        if err["type"] == "extra_forbidden":
            parent_loc, key = loc[:-1], str(loc[-1])
            known = field_names_at(model, parent_loc)
            guess = difflib.get_close_matches(key, known, n=1) if len(key) <= MAX_KEY_CHARS else []
            message = f"unknown field '{_short(key)}'" + (f"; did you mean '{guess[0]}'?" if guess else "")
        elif err["type"] == "missing":
            message = "required field is missing" if message == "Field required" else message
        elif message.startswith("Value error, "):
            message = message[len("Value error, "):]
        shown = tuple(_short(part) if isinstance(part, str) else part for part in loc)
        problems.append(Problem(message, path=source, line=lines.line_for(loc), field_path=dotted(shown) or None))
    problems.sort(key=lambda p: (p.line or 0))
    if len(errors) > MAX_PROBLEMS:
        problems.append(Problem(f"{len(errors) - MAX_PROBLEMS:,} more problem(s) not shown", path=source))
    return problems


def _short(text: str) -> str:
    return text if len(text) <= MAX_KEY_CHARS else f"{text[:MAX_KEY_CHARS]}…"


def field_names_at(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """Names of the fields of the model found at ``loc`` inside ``model`` (for did-you-mean)."""
    current: Any = model
    for part in loc:
        current = _unwrap(current)
        if isinstance(part, int):
            args = [a for a in get_args(current) if a is not type(None)]
            current = args[0] if args else None
        elif isinstance(current, type) and issubclass(current, BaseModel) and part in current.model_fields:
            current = current.model_fields[part].annotation
        else:
            return []
    current = _unwrap(current)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return list(current.model_fields)
    return []


def _unwrap(annotation: Any) -> Any:
    """Strip Optional/Annotated so the model class inside shows."""
    origin = get_origin(annotation)
    if origin is Annotated:
        return _unwrap(get_args(annotation)[0])
    if origin in (Union, types.UnionType):
        models = [a for a in get_args(annotation) if isinstance(a, type) and issubclass(a, BaseModel)]
        if models:
            return models[0]
    return annotation
