"""The case model's validator kept between processes (in :mod:`..kept`'s folder).

pydantic makes a model's validator in two steps: it generates a *core schema*
in Python (plain data naming our classes and functions), then pydantic-core
builds the validator from it.  For :class:`~.model.Case` (49 models, 263
fields) the first step is 40–50 ms of every process that reads a case file and
the second about 1 ms.  So the first process keeps the core schema, pickled,
and the next ones build the validator and serializer from it directly
(:func:`ready`).

What is kept is the schema pydantic generated less its ``metadata`` entries,
which only pydantic's JSON Schema writer reads (pydantic-core never does, and
some are closures that cannot be pickled).  It is used only while the
package's Python code (:func:`..kept.package_stamp`) and the versions of
Python, pydantic and pydantic-core are those it came from.  Anything else that
needs the model built in full — its JSON Schema, ``model_rebuild`` — still
has pydantic build it, as without this module.
"""

from __future__ import annotations

import hashlib
import pickle
import sys
from typing import Any, Literal

import pydantic
import pydantic_core
from pydantic import BaseModel
from pydantic_core import SchemaSerializer, SchemaValidator

from .. import kept

_KIND = "validator"
_DATA_KEYS = frozenset({"default", "expected", "members"})
"""Keys of a core schema whose values are the model's data (defaults, literal values, enum members), not schemas."""


def ready(model: type[BaseModel]) -> Literal["built", "kept"]:
    """Give ``model`` its validator if it has none yet: built from the kept core schema when it still matches
    ("kept"), else built by pydantic as usual and its schema kept for the next process ("built")."""
    if model.__pydantic_complete__ or isinstance(model.__dict__.get("__pydantic_validator__"), SchemaValidator):
        return "built"
    key = kept.key(model.__module__, model.__qualname__)
    head = _head(key)
    payload = kept.read(_KIND, key, head) if head is not None else None
    if payload is not None:
        try:
            schema, config = pickle.loads(payload)  # noqa: S301 - our own file, in a folder only this user can write to
            validator, serializer = SchemaValidator(schema, config), SchemaSerializer(schema, config)
        except Exception:  # noqa: BLE001 - a damaged or foreign file is a miss, never an error
            pass
        else:
            model.__pydantic_validator__ = validator  # what pydantic's own build sets, from the same schema
            model.__pydantic_serializer__ = serializer
            return "kept"
    model.model_rebuild()
    if head is not None and kept.folder() is not None:
        _keep(model, key, head)
    return "built"


def _head(key: str) -> bytes | None:
    code = kept.package_stamp()
    if code is None:
        return None
    versions = f"{key}\0{sys.version}\0{pydantic.VERSION}\0{pydantic_core.__version__}\0"
    return hashlib.blake2b(versions.encode() + code, digest_size=32).digest()


def _keep(model: type[BaseModel], key: str, head: bytes) -> None:
    _new, (schema, config, *_rest) = model.__pydantic_validator__.__reduce__()  # type: ignore[misc]
    try:
        payload = pickle.dumps((_without_metadata(schema), config), protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:  # noqa: BLE001 - something in it cannot be pickled: built afresh by each process
        return
    kept.write(_KIND, key, head, payload)


def _without_metadata(schema: Any) -> Any:
    """``schema`` with every schema's ``metadata`` left out (the model's own data, under :data:`_DATA_KEYS`, untouched)."""
    if isinstance(schema, list):
        return [_without_metadata(item) for item in schema]
    if isinstance(schema, dict):
        return {key: value if key in _DATA_KEYS else _without_metadata(value) for key, value in schema.items() if key != "metadata"}
    return schema
