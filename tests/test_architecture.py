"""The package's shape: one folder per concept, in layers, with no import cycles.

Data flows one way: case file -> model -> computations (schedule, support) ->
clause selection -> document model -> renderers -> outputs; the store, signing
and review sit beside that flow, and the command line and the docassemble
adapter sit on top.  :data:`LAYERS` writes that order down: a module may import
from its own folder and from folders in *lower* layers only.  Every import
counts, including imports inside functions and under ``TYPE_CHECKING``.

The checker is plain ``ast`` over the source files, so it sees lazy imports
that running the code would not; its own tests (at the bottom) build small
packages with a cycle and an upward import and check that it finds them.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

PACKAGE_DIR = Path(__file__).resolve().parents[1] / "docassemble" / "MediationAgreement"
PACKAGE = "docassemble.MediationAgreement"

LAYERS: list[tuple[str, ...]] = [
    ("errors", "outputs"),  # the error tree; writing files atomically
    ("kept",),  # what the engine keeps on disk between processes (compiled texts, libraries, the case validator)
    ("case",),  # the case model, loading and validation, the schedule as data
    ("wording",),  # how agreements word people, numbers, money and dates
    ("schedule",),  # who has the children when, and the schedule in words
    ("support",),  # child support guidelines and worksheets
    ("library",),  # clause libraries, the template sandbox, lint
    ("assembly",),  # clause selection, numbering, the document model
    ("render", "forms", "store"),  # renderers; fillable court forms; the case store (beside the flow)
    ("signing",),  # signatures, certificate, seal, verification
    ("review",),  # review rounds, state, report, redline
    ("intake",),  # before the session: agreement to mediate, private screening, issues board (over the review store)
    ("notices",),  # reaching parents: messages by e-mail, each in the log, reminders
    ("referrals",),  # the community-resource directory, and the referrals given to each parent
    ("followup",),  # after the agreement: check-ins, next-steps sheets, the timeline
    ("cli", "da_adapter"),  # the command line and the docassemble adapter, on top
    ("__init__", "__main__"),  # the package's face and `python -m`
]
"""Lowest first.  Folders in the same layer may not import each other."""

MAX_TOP_LEVEL_MODULES = 8


@dataclass(frozen=True)
class Import:
    source: str  # importing module, dotted inside the package ("cli.case")
    target: str  # imported module, dotted inside the package ("review.rounds")
    line: int

    def __str__(self) -> str:
        return f"{self.source.replace('.', '/')}.py:{self.line}: imports {self.target}"


def module_names(root: Path) -> dict[str, Path]:
    """Every module under ``root`` by dotted name (``store.session``; a package is its ``__init__``)."""
    names = {}
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(root)
        if rel.parts[0] == "data" or "__pycache__" in rel.parts:
            continue
        parts = list(rel.with_suffix("").parts)
        if parts[-1] == "__init__" and len(parts) > 1:
            parts.pop()
        names[".".join(parts)] = path
    return names


def _package_of(name: str, path: Path) -> list[str]:
    """The package a module's relative imports start from."""
    parts = name.split(".")
    if path.name == "__init__.py":
        return [] if name == "__init__" else parts
    return parts[:-1]


def imports_of(name: str, path: Path, known: set[str], package: str) -> Iterator[Import]:
    """Every in-package import in one file (module level, in functions, under TYPE_CHECKING)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = _package_of(name, path)
                base = base[: len(base) - (node.level - 1)] if node.level > 1 else base
                module = ".".join(base + ([node.module] if node.module else []))
            elif node.module and (node.module == package or node.module.startswith(package + ".")):
                module = node.module[len(package) + 1 :]
            else:
                continue
            for alias in node.names:
                candidate = f"{module}.{alias.name}" if module else alias.name
                target = candidate if candidate in known else (module or "__init__")
                yield from _with_parents(name, target, node.lineno)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith(package + "."):
                    yield from _with_parents(name, alias.name[len(package) + 1 :], node.lineno)


def _with_parents(source: str, target: str, line: int) -> Iterator[Import]:
    """The import, and the packages Python initialises on the way (except the importer's own)."""
    parts = target.split(".")
    own = source.split(".")
    for depth in range(1, len(parts)):
        parent = ".".join(parts[:depth])
        if own[:depth] != parts[:depth]:
            yield Import(source, parent, line)
    yield Import(source, target, line)


def import_graph(root: Path, package: str) -> list[Import]:
    modules = module_names(root)
    known = set(modules)
    return [edge for name, path in modules.items() for edge in imports_of(name, path, known, package) if edge.target != edge.source]


def cycles(edges: list[Import]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    graph: dict[str, set[str]] = {}
    for edge in edges:
        graph.setdefault(edge.source, set()).add(edge.target)
        graph.setdefault(edge.target, set())
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                item = stack.pop()
                on_stack.discard(item)
                component.append(item)
                if item == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def room(module: str) -> str:
    return module.split(".")[0]


def layer_problems(edges: list[Import], layers: list[tuple[str, ...]]) -> list[str]:
    rank = {name: i for i, group in enumerate(layers) for name in group}
    problems = []
    for edge in edges:
        src, dst = room(edge.source), room(edge.target)
        if src == dst:
            continue
        if src not in rank or dst not in rank:
            problems.append(f"{edge}: folder '{src if src not in rank else dst}' is in no layer of LAYERS")
        elif rank[dst] > rank[src]:
            problems.append(f"{edge}: upward, from layer {rank[src]} ({src}) to layer {rank[dst]} ({dst})")
        elif rank[dst] == rank[src]:
            problems.append(f"{edge}: sideways, '{src}' and '{dst}' sit beside each other in one layer")
    return problems


# --------------------------------------------------------------------------- the package itself


@pytest.fixture(scope="module")
def edges() -> list[Import]:
    return import_graph(PACKAGE_DIR, PACKAGE)


def test_there_are_no_import_cycles(edges: list[Import]) -> None:
    assert cycles(edges) == []


def test_no_folder_imports_a_higher_layer(edges: list[Import]) -> None:
    assert layer_problems(edges, LAYERS) == []


def test_every_folder_and_top_level_module_has_a_layer() -> None:
    placed = {name for group in LAYERS for name in group}
    rooms = {room(name) for name in module_names(PACKAGE_DIR)}
    assert rooms - placed == set()
    assert placed - rooms == set(), "LAYERS names a folder that does not exist"


def test_the_top_level_holds_few_modules() -> None:
    top = sorted(p.name for p in PACKAGE_DIR.glob("*.py"))
    assert len(top) <= MAX_TOP_LEVEL_MODULES, top


def test_only_the_adapter_imports_docassemble(edges: list[Import]) -> None:
    offenders = []
    for name, path in module_names(PACKAGE_DIR).items():
        if room(name) == "da_adapter":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            modules = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""] if isinstance(node, ast.ImportFrom) and not node.level else []
            offenders += [f"{name}: {m}" for m in modules if m.startswith("docassemble.") and not m.startswith(PACKAGE)]
    assert offenders == []


# --------------------------------------------------------------------------- the checker finds what it should


def _write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def test_the_checker_finds_a_cycle_through_a_lazy_import(tmp_path: Path) -> None:
    root = _write(
        tmp_path,
        {
            "__init__.py": "",
            "a/__init__.py": "",
            "a/one.py": "from .two import x\n",
            "a/two.py": "def x():\n    from .one import y\n",
        },
    )
    assert cycles(import_graph(root, "pkg")) == [["a.one", "a.two"]]


def test_the_checker_finds_an_upward_import_under_type_checking(tmp_path: Path) -> None:
    root = _write(
        tmp_path,
        {
            "__init__.py": "",
            "low/__init__.py": "",
            "low/m.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from ..high.n import N\n",
            "high/__init__.py": "",
            "high/n.py": "from ..low.m import x\n",
        },
    )
    problems = layer_problems(import_graph(root, "pkg"), [("low",), ("high",), ("__init__",)])
    assert problems == [
        "low/m.py:3: imports high: upward, from layer 0 (low) to layer 1 (high)",
        "low/m.py:3: imports high.n: upward, from layer 0 (low) to layer 1 (high)",
    ]


def test_the_checker_follows_absolute_imports_and_package_faces(tmp_path: Path) -> None:
    root = _write(
        tmp_path,
        {
            "__init__.py": "",
            "low/__init__.py": "from .m import f\n",
            "low/m.py": "import pkg.high.n\n",
            "high/__init__.py": "",
            "high/n.py": "from pkg.low import f\n",
        },
    )
    edges = import_graph(root, "pkg")
    assert {(e.source, e.target) for e in edges} >= {("low.m", "high.n"), ("high.n", "low"), ("low", "low.m")}
    assert cycles(edges) == [["high.n", "low", "low.m"]]
