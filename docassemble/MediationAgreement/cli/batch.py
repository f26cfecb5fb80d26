"""``mediation-agreement batch``: many agreements in one process, spread over the cores.

An office producing agreements in bulk pays Python's start-up, the clause
library's loading and the templates' compiling once per worker instead of once
per case.  Each case is assembled and rendered in a worker; the finished files
come back to the parent, which writes each case's folder atomically, so a bad
case leaves nothing behind and does not stop the others.  The exit status says
whether any case failed (2), as for a single ``assemble``.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import click

from ..errors import CaseFileError, MediationError
from ..outputs import write_all
from ..render.formats import FORMATS
from .core import library_option, library_stack, no_default_option, state_overlay_option
from .fonts import font_path_option

CASE_SUFFIXES = (".yml", ".yaml", ".json")


@dataclass
class BatchResult:
    """One case's outcome: its files (nothing written yet) or the messages saying why not."""

    case_file: Path
    files: dict[str, bytes] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0


def case_files(paths: Iterable[Path]) -> list[Path]:
    """The case files named, with every case file inside a named folder (sorted, recursively)."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += sorted(p for p in path.rglob("*") if p.suffix.lower() in CASE_SUFFIXES and p.is_file())
        elif path.is_file():
            found.append(path)
        else:
            raise CaseFileError("no such file or folder", path=path)
    return found


def output_folders(files: Sequence[Path], out_dir: Path) -> dict[Path, Path]:
    """One output folder per case, named after the file; two cases with one name are refused up front."""
    folders: dict[Path, Path] = {}
    seen: dict[str, Path] = {}
    for path in files:
        if path.stem in seen:
            raise CaseFileError(f"two case files would write to {out_dir / path.stem}: {seen[path.stem]} and {path}; rename one", path=path)
        seen[path.stem] = path
        folders[path] = out_dir / path.stem
    return folders


# --------------------------------------------------------------------------- work done in each worker

_worker_library: object | None = None
_worker_settings: tuple[list[Path], bool, tuple[str, ...], bool] | None = None
_worker_state_libraries: dict[tuple[Path, ...], object] = {}


def _start_worker(libraries: list[Path], draft: bool, formats: tuple[str, ...], state_overlay: bool = True) -> None:
    """Load (and so compile) the clause library once per worker process."""
    global _worker_library, _worker_settings
    from ..library.clauses import load_library

    _worker_settings = (libraries, draft, formats, state_overlay)
    _worker_state_libraries.clear()
    try:
        _worker_library = load_library(libraries)
    except MediationError as exc:  # reported per case, so every case says why
        _worker_library = exc


def _library_for(state: str) -> object:
    """The worker's library with ``state``'s overlay (loaded once per state and worker)."""
    from ..library.clauses import load_library, with_state_overlay

    assert _worker_settings is not None
    libraries, _draft, _formats, state_overlay = _worker_settings
    stack = tuple(with_state_overlay(libraries, state, enabled=state_overlay))
    if isinstance(_worker_library, MediationError) or stack == tuple(Path(p) for p in libraries):
        return _worker_library
    if stack not in _worker_state_libraries:
        try:
            _worker_state_libraries[stack] = load_library(stack)
        except MediationError as exc:
            _worker_state_libraries[stack] = exc
    return _worker_state_libraries[stack]


def assemble_one(case_file: Path) -> BatchResult:
    """Assemble and render one case in this worker; never raises."""
    from ..assembly.assemble import assemble
    from ..case.model import load_case
    from ..render.formats import render_outputs

    assert _worker_settings is not None, "call _start_worker first"
    _libraries, draft, formats, _state_overlay = _worker_settings
    started = time.perf_counter()
    result = BatchResult(case_file)
    try:
        if isinstance(_worker_library, MediationError):
            raise _worker_library
        case = load_case(case_file)
        library = _library_for(case.court.state)
        if isinstance(library, MediationError):
            raise library
        doc = assemble(case, library, draft=draft)  # type: ignore[arg-type]
        result.files = render_outputs(doc, formats)
    except MediationError as exc:
        result.errors = str(exc).splitlines() or [exc.__class__.__name__]
    except Exception as exc:  # noqa: BLE001 - one broken case must not stop the batch; reported, no traceback
        result.errors = [f"{case_file}: internal error ({exc.__class__.__name__}); please report it with this case file"]
    result.seconds = time.perf_counter() - started
    return result


def run_batch(files: Sequence[Path], libraries: list[Path], *, draft: bool, formats: Sequence[str], jobs: int, state_overlay: bool = True) -> Iterator[BatchResult]:
    """Results in the order the cases finish; ``jobs=1`` works in this process.

    Each case gets its state's overlay over ``libraries`` unless ``state_overlay`` is false."""
    settings = (libraries, draft, tuple(formats), state_overlay)
    if jobs <= 1 or len(files) <= 1:
        _start_worker(*settings)
        for path in files:
            yield assemble_one(path)
        return
    with ProcessPoolExecutor(max_workers=jobs, initializer=_start_worker, initargs=settings) as pool:
        chunk = max(1, min(16, len(files) // (jobs * 4)))
        yield from pool.map(assemble_one, files, chunksize=chunk)


@click.command("batch")
@click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path), help="Folder for the results: one sub-folder per case, named after its file.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None, help="Worker processes (default: one per core).")
@library_option
@no_default_option
@click.option("--draft/--final", default=True, help="Draft (marked 'DRAFT — not for signature', the default) or final for signing.")
@click.option("--format", "formats", default="pdf,docx,html", show_default=True, help=f"Comma-separated output formats: {', '.join(FORMATS)}.")
@state_overlay_option
@font_path_option
def batch_command(inputs: tuple[Path, ...], out_dir: Path, jobs: int | None, libraries: tuple[Path, ...], no_default_library: bool, draft: bool, formats: str, no_state_overlay: bool) -> None:
    """Assemble many case files (files or folders of them) in one process, over all cores."""
    from ..errors import RenderError

    wanted = [f.strip() for f in formats.split(",") if f.strip()]
    unknown = [f for f in wanted if f not in FORMATS]
    if unknown:
        raise RenderError(f"unknown format(s): {', '.join(unknown)}; choose from {', '.join(FORMATS)}")
    files = case_files(inputs)
    if not files:
        raise CaseFileError("no case files (.yml, .yaml, .json) found", path=", ".join(map(str, inputs)))
    folders = output_folders(files, out_dir)
    workers = min(jobs or os.cpu_count() or 1, len(files))
    started = time.perf_counter()
    failed: list[BatchResult] = []
    with click.progressbar(length=len(files), label=f"{len(files)} case(s) on {workers} worker(s)", file=sys.stderr) as bar:
        for result in run_batch(files, library_stack(libraries, no_default_library), draft=draft, formats=wanted, jobs=workers, state_overlay=not no_state_overlay):
            if result.errors:
                failed.append(result)
            else:
                write_all(folders[result.case_file], result.files)
            bar.update(1)
    for result in failed:
        for line in result.errors:
            named = line if str(result.case_file) in line else f"{result.case_file}: {line}"
            click.echo(f"error: {named}", err=True)
    elapsed = time.perf_counter() - started
    click.echo(f"batch: {len(files) - len(failed)} assembled, {len(failed)} failed, {elapsed:.1f} s, into {out_dir}", err=True)
    if failed:
        sys.exit(2)
