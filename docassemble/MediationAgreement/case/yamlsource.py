"""Reading YAML and JSON with the line of every value remembered.

Staff and mediators write case files and clause files by hand, so an error
must point at the line.  :func:`load_with_lines` returns the plain data plus a
:class:`LineMap` from field paths (``("children", 0, "date_of_birth")``) to
1-based line numbers.
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


def _walk(node: yaml.Node, path: PathKey, out: LineMap, dupes: list[tuple[PathKey, int]]) -> None:
    out.lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.ScalarNode) and node.style in ("|", ">"):
        out.block_scalars.add(path)
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key_node)
            child = (*path, key)
            if key in seen:
                dupes.append((child, key_node.start_mark.line + 1))
            seen.add(key)
            out.lines[child] = key_node.start_mark.line + 1
            _walk(value_node, child, out, dupes)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            child = (*path, index)
            out.lines[child] = item.start_mark.line + 1
            _walk(item, child, out, dupes)


def parse_yaml(text: str, *, source: str, error: type[MediationError] = MediationError) -> tuple[Any, LineMap]:
    """Parse one YAML document; raise ``error`` naming ``source`` and the line on failure."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, LineMap()
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = exc.problem or "not valid YAML"
        raise error(f"malformed YAML: {problem}", path=source, line=line) from None
    except yaml.YAMLError as exc:
        raise error(f"malformed YAML: {exc}", path=source) from None
    finally:
        loader.dispose()
    lines = LineMap()
    dupes: list[tuple[PathKey, int]] = []
    _walk(node, (), lines, dupes)
    if dupes:
        dup_path, dup_line = dupes[0]
        raise error(
            f"key '{dup_path[-1]}' appears twice",
            path=source,
            line=dup_line,
            field_path=dotted(dup_path),
        )
    return data, lines


def load_with_lines(path: str | Path, *, error: type[MediationError] = MediationError) -> tuple[Any, LineMap]:
    """Read a ``.yml``/``.yaml``/``.json`` file into data and a line map."""
    source = Path(path)
    try:
        text = source.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise error("file not found", path=source) from None
    except IsADirectoryError:
        raise error("is a directory, expected a file", path=source) from None
    except UnicodeDecodeError:
        raise error("not a UTF-8 text file", path=source) from None
    except OSError as exc:
        raise error(f"cannot read file: {exc.strerror}", path=source) from None
    if source.suffix.lower() == ".json":
        try:
            return json.loads(text), _json_lines(text, source, error)
        except json.JSONDecodeError as exc:
            raise error(f"malformed JSON: {exc.msg}", path=source, line=exc.lineno) from None
    return parse_yaml(text, source=str(source), error=error)


def _json_lines(text: str, source: Path, error: type[MediationError]) -> LineMap:
    # JSON is a subset of YAML 1.2 for our purposes; reuse the YAML walker for lines.
    try:
        return parse_yaml(text, source=str(source), error=error)[1]
    except MediationError:
        return LineMap()


def dotted(path: PathKey | list[Any]) -> str:
    """``("children", 0, "name")`` -> ``children[0].name``."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text
