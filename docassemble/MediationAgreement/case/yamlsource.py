"""Reading YAML and JSON with the line of every value remembered.

Staff and mediators write case files and clause files by hand, so an error
must point at the line.  :func:`load_with_lines` returns the plain data plus a
:class:`LineMap` from field paths (``("children", 0, "date_of_birth")``) to
1-based line numbers.

Files come from outside, so each is bounded before it is parsed (issue 14):
at most :data:`MAX_FILE_BYTES`, :data:`MAX_DEPTH` levels deep and
:data:`MAX_VALUES` values with YAML aliases expanded, no alias inside its own
anchor, numbers of at most :data:`MAX_NUMBER_CHARS` characters, and no key
twice in YAML or JSON.  See ``docs/case-limits.md``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..errors import MediationError

try:  # libyaml is much faster when present; both give the same nodes.
    _Base: type[yaml.SafeLoader] = yaml.CSafeLoader  # type: ignore[attr-defined]
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _Base = yaml.SafeLoader


class _Loader(_Base):  # type: ignore[valid-type,misc]
    """Safe loading, but dates stay text: the models parse them and name the field
    when one is impossible (PyYAML would raise a bare ValueError for 2026-02-30)."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in _Base.yaml_implicit_resolvers.items()
}

PathKey = tuple[str | int, ...]


@dataclass
class LineMap:
    """Line numbers of every mapping key and sequence item in one document."""

    lines: dict[PathKey, int] = field(default_factory=dict)
    block_scalars: set[PathKey] = field(default_factory=set)
    """Paths whose value is a ``|`` or ``>`` block: its text starts on the line after the key."""

    def line_for(self, path: PathKey) -> int | None:
        """The line of ``path``, or of its nearest ancestor that has one."""
        probe = tuple(path)
        while probe:
            if probe in self.lines:
                return self.lines[probe]
            probe = probe[:-1]
        return self.lines.get(())


def _walk(node: yaml.Node, path: PathKey, out: LineMap, dupes: list[tuple[PathKey, int]], depth: int = 0) -> None:
    out.lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.ScalarNode):
        if node.style in ("|", ">"):
            out.block_scalars.add(path)
        if len(node.value) > MAX_NUMBER_CHARS and node.tag in _NUMBER_TAGS:
            raise _Refused(f"a number of {len(node.value):,} characters; the limit is {MAX_NUMBER_CHARS}", node.start_mark.line + 1, tuple(map(_short, path)))
        return
    if depth >= MAX_DEPTH:  # only small files get here unscanned (see _compose)
        raise _Refused(f"nested more than {MAX_DEPTH} levels deep", node.start_mark.line + 1, tuple(map(_short, path[:4])))
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key_node)
            child = (*path, key)
            if key in seen:
                dupes.append((child, key_node.start_mark.line + 1))
            seen.add(key)
            out.lines[child] = key_node.start_mark.line + 1
            _walk(value_node, child, out, dupes, depth + 1)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            child = (*path, index)
            out.lines[child] = item.start_mark.line + 1
            _walk(item, child, out, dupes, depth + 1)


# --------------------------------------------------------------------------- limits

MAX_FILE_BYTES = 1_000_000
"""Largest case, clause, guideline or mapping file read (1 MB; the biggest example case is 13 kB)."""

MAX_DEPTH = 32
"""Deepest nesting of mappings and lists (a case file needs 6)."""

MAX_VALUES = 100_000
"""Most values (scalars, mappings and lists) in one file."""

MAX_NUMBER_CHARS = 100
"""Longest number written in a file, in characters (a 4,300-digit integer cannot even be converted)."""

SMALL_FILE_CHARS = 4096
"""A text this short without ``&`` or ``*`` (so no anchor or alias) cannot be too big or too deep
for the parser: it skips the scan, and the line walk checks depth and numbers (most clause files)."""

_NUMBER_TAGS = ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float")


class _Refused(Exception):
    """A limit the text breaks, found before any work is done on it."""

    def __init__(self, message: str, line: int | None, path: PathKey) -> None:
        super().__init__(message)
        self.message, self.line, self.path = message, line, path


def _too_big(size: int) -> str:
    return f"the file is {size:,} bytes; the limit is {MAX_FILE_BYTES:,} bytes (1 MB)"


@dataclass(slots=True)
class _Open:
    """A mapping or list the scan is inside."""

    mapping: bool
    at: Any  # the key (mapping) or index (list) of the value being read inside it
    wants_key: bool
    anchor: str | None
    first: int  # the value count when it opened (itself included)
    deepest: int  # the deepest level reached inside it, aliases expanded


@dataclass(slots=True)
class _Anchor:
    values: int  # how many values the anchored value stands for, its own aliases expanded
    levels: int  # how many levels deep it is (a scalar: 0)


def _where(stack: list[_Open]) -> PathKey:
    """The field path of the value the scan is at (the keys and indexes of the open collections)."""
    return tuple(_short(frame.at) for frame in stack if frame.at is not None)


def _short(key: Any) -> Any:
    """A key as messages show it: a very long one is cut (a bad file cannot make its own report huge)."""
    return f"{key[:60]}…" if isinstance(key, str) and len(key) > 60 else key


def _scan(loader: yaml.SafeLoader) -> None:
    """Walk the parser's events once and refuse what would make the real work unbounded.

    Counted as the document will be once its aliases are expanded: more than
    :data:`MAX_VALUES` values or :data:`MAX_DEPTH` levels is refused (a
    "billion laughs" of nine aliases nine deep stops after a few lines), so
    is an alias inside the value it names (a list containing itself), and a
    number longer than :data:`MAX_NUMBER_CHARS` characters.  The scan stops
    at the first problem, so a 100,000-deep document costs no more than a
    33-deep one.  Anchors and aliases within the limits are fine (PyYAML
    writes them for a value used twice).
    """
    stack: list[_Open] = []
    anchors: dict[str, _Anchor] = {}
    count = 0
    while True:
        event = loader.get_event()
        kind = type(event)
        if kind is yaml.StreamEndEvent:
            return
        if kind in (yaml.MappingEndEvent, yaml.SequenceEndEvent):
            done = stack.pop()
            if done.anchor is not None:
                anchors[done.anchor] = _Anchor(count - done.first + 1, done.deepest - len(stack))
            if stack:
                stack[-1].deepest = max(stack[-1].deepest, done.deepest)
            _advance(stack)
            continue
        if kind not in (yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent, yaml.AliasEvent):
            continue  # stream and document markers
        line = event.start_mark.line + 1
        frame = stack[-1] if stack else None
        is_key = frame is not None and frame.mapping and frame.wants_key
        where = _where(stack[:-1] if is_key else stack)
        if is_key and kind is not yaml.ScalarEvent:
            raise _Refused("a key must be a plain name, not a list, a mapping or an alias", line, where)
        if kind is yaml.AliasEvent:
            name = event.anchor
            if any(open_.anchor == name for open_ in stack):
                raise _Refused(f"the alias *{name} is inside the value &{name} names: it would repeat without end", line, where)
            named = anchors.get(name)
            if named is not None:  # an unknown alias is the parser's to report
                count += named.values
                if count > MAX_VALUES:
                    raise _Refused(f"more than {MAX_VALUES:,} values in one file once its aliases are expanded (at *{name})", line, where)
                if len(stack) + named.levels > MAX_DEPTH:
                    raise _Refused(f"nested more than {MAX_DEPTH} levels deep once *{name} is expanded", line, where[:4])
                if frame is not None:
                    frame.deepest = max(frame.deepest, len(stack) + named.levels)
            _advance(stack)
            continue
        count += 1
        if count > MAX_VALUES:
            raise _Refused(f"more than {MAX_VALUES:,} values in one file", line, where)
        if is_key:
            frame.at, frame.wants_key = event.value, False  # type: ignore[union-attr]
            continue
        if kind is yaml.ScalarEvent:
            if len(event.value) > MAX_NUMBER_CHARS:
                tag = event.tag if event.tag not in (None, "!") else loader.resolve(yaml.ScalarNode, event.value, event.implicit)
                if tag in _NUMBER_TAGS:
                    raise _Refused(f"a number of {len(event.value):,} characters; the limit is {MAX_NUMBER_CHARS}", line, where)
            if event.anchor is not None:
                anchors[event.anchor] = _Anchor(1, 0)
            _advance(stack)
            continue
        if len(stack) >= MAX_DEPTH:
            raise _Refused(f"nested more than {MAX_DEPTH} levels deep", line, where[:4])
        mapping = kind is yaml.MappingStartEvent
        stack.append(_Open(mapping, None if mapping else 0, True, event.anchor, count, len(stack) + 1))


def _advance(stack: list[_Open]) -> None:
    """A value inside the innermost collection is complete: a mapping waits for its next key, a list moves on."""
    if not stack:
        return
    frame = stack[-1]
    if frame.mapping:
        frame.wants_key = True
    else:
        frame.at += 1


def _compose(text: str, *, source: str, error: type[MediationError]) -> tuple[yaml.Node | None, Any, LineMap, list[tuple[PathKey, int]]]:
    """Check ``text`` against the limits, then parse it: (node, data, lines, duplicate keys)."""
    if len(text) > MAX_FILE_BYTES or len(text.encode("utf-8", "surrogatepass")) > MAX_FILE_BYTES:
        raise error(_too_big(len(text.encode("utf-8", "surrogatepass"))), path=source)
    lines = LineMap()
    dupes: list[tuple[PathKey, int]] = []
    try:
        if len(text) > SMALL_FILE_CHARS or "&" in text or "*" in text:
            scanner = _Loader(text)
            try:
                _scan(scanner)
            finally:
                scanner.dispose()
        loader = _Loader(text)
        try:
            node = loader.get_single_node()
            if node is None:
                return None, None, lines, dupes
            _walk(node, (), lines, dupes)  # before constructing: it stops at the depth limit
            data = loader.construct_document(node)
        finally:
            loader.dispose()
    except _Refused as exc:
        raise error(exc.message, path=source, line=exc.line, field_path=dotted(exc.path) or None) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = exc.problem or "not valid YAML"
        raise error(f"malformed YAML: {problem}", path=source, line=line) from None
    except yaml.YAMLError as exc:
        raise error(f"malformed YAML: {exc}", path=source) from None
    except (ValueError, TypeError, ArithmeticError) as exc:  # a tagged value its constructor rejects (!!timestamp 0000-01-01)
        raise error(f"malformed YAML: cannot read a value: {exc}", path=source) from None
    return node, data, lines, dupes


def _duplicate(error: type[MediationError], source: str, dupes: list[tuple[PathKey, int]]) -> MediationError:
    dup_path, dup_line = dupes[0]
    shown = tuple(_short(part) for part in dup_path)
    return error(f"key '{shown[-1]}' appears twice", path=source, line=dup_line, field_path=dotted(shown))


def parse_yaml(text: str, *, source: str, error: type[MediationError] = MediationError) -> tuple[Any, LineMap]:
    """Parse one YAML document; raise ``error`` naming ``source`` and the line on failure.

    The text is checked first (:func:`_scan`): at most :data:`MAX_FILE_BYTES`,
    :data:`MAX_DEPTH` levels and :data:`MAX_VALUES` values with aliases expanded,
    numbers of :data:`MAX_NUMBER_CHARS` characters; a key may not appear twice.
    """
    node, data, lines, dupes = _compose(text, source=source, error=error)
    if dupes:
        raise _duplicate(error, source, dupes)
    return data, lines


def parse_json(text: str, *, source: str, error: type[MediationError] = MediationError) -> tuple[Any, LineMap]:
    """Parse a JSON document with the same limits as :func:`parse_yaml`; a key may not appear twice either."""
    if len(text) > MAX_FILE_BYTES or len(text.encode("utf-8", "surrogatepass")) > MAX_FILE_BYTES:
        raise error(_too_big(len(text.encode("utf-8", "surrogatepass"))), path=source)
    # JSON is (nearly always) YAML too: the YAML pass checks the limits with lines and finds the
    # line of every value.  Text it cannot read as YAML still gets the limits json itself enforces below.
    lines, dupes = LineMap(), []
    try:
        _node, _data, lines, dupes = _compose(text, source=source, error=error)
    except error as exc:
        if not exc.message.startswith("malformed YAML"):
            raise
    repeated: list[str] = []

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        mapping: dict[str, Any] = {}
        for key, value in items:
            if key in mapping:
                repeated.append(key)
            mapping[key] = value
        return mapping

    def bounded(convert: Any) -> Any:
        def number(digits: str) -> Any:
            if len(digits) > MAX_NUMBER_CHARS:
                raise _Refused(f"a number of {len(digits):,} characters; the limit is {MAX_NUMBER_CHARS}", None, ())
            return convert(digits)

        return number

    try:
        data = json.loads(text, object_pairs_hook=pairs, parse_int=bounded(int), parse_float=bounded(float))
    except json.JSONDecodeError as exc:
        raise error(f"malformed JSON: {exc.msg}", path=source, line=exc.lineno) from None
    except _Refused as exc:
        raise error(exc.message, path=source) from None
    except RecursionError:
        raise error(f"nested more than {MAX_DEPTH} levels deep", path=source) from None
    except ValueError as exc:
        raise error(f"malformed JSON: {exc}", path=source) from None
    if repeated:
        if dupes:
            raise _duplicate(error, source, dupes)
        raise error(f"key '{_short(repeated[0])}' appears twice", path=source)
    return data, lines


def read_text(path: str | Path, *, error: type[MediationError] = MediationError) -> str:
    """A UTF-8 file's text, refusing one larger than :data:`MAX_FILE_BYTES` before reading it all."""
    source = Path(path)
    try:
        with source.open("rb") as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)
            if len(raw) > MAX_FILE_BYTES:
                size = source.stat().st_size if source.is_file() else len(raw)
                raise error(_too_big(max(size, len(raw))), path=source)
    except FileNotFoundError:
        raise error("file not found", path=source) from None
    except IsADirectoryError:
        raise error("is a directory, expected a file", path=source) from None
    except OSError as exc:
        raise error(f"cannot read file: {exc.strerror}", path=source) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise error("not a UTF-8 text file", path=source) from None
    return text.replace("\r\n", "\n").replace("\r", "\n")  # as reading in text mode would


def load_with_lines(path: str | Path, *, error: type[MediationError] = MediationError) -> tuple[Any, LineMap]:
    """Read a ``.yml``/``.yaml``/``.json`` file into data and a line map (within the limits above)."""
    source = Path(path)
    text = read_text(source, error=error)
    if source.suffix.lower() == ".json":
        return parse_json(text, source=str(source), error=error)
    return parse_yaml(text, source=str(source), error=error)


def dotted(path: PathKey | list[Any]) -> str:
    """``("children", 0, "name")`` -> ``children[0].name``."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text
