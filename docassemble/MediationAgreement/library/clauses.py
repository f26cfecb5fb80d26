"""The clause library: one YAML file per clause, laid in ordered overlays.

A library is a folder of clause files grouped by topic.  Several libraries are
combined in order (the package's base library first, then a court's, then an
office's): a clause with an id already seen *replaces* it, a new id is
*added*, and ``disable: true`` *removes* it.  The file format is documented in
``docs/clause-format.md``.

The package's library carries state overlays in ``overlays/<state>/`` (each a
library of its own, skipped when the base is read); :func:`with_state_overlay`
lays the case's one right after the base, before any office overlay.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import cache, cached_property, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from jinja2 import Template, TemplateSyntaxError
from jinja2.nodes import Template as TemplateAST
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from ..case.validation import validation_problems
from ..case.yamlsource import LineMap, load_with_lines
from ..errors import ClauseError, LibraryError, MediationError, Problem
from .folders import LIBRARY_FILE, TRANSLATIONS, clause_files, default_library_dir, library_stack, same_folder, stack_stamp
from .templating import sandbox_environment

if TYPE_CHECKING:
    from concurrent.futures import Executor

TOPICS: tuple[str, ...] = (
    "recitals",
    "definitions",
    "decision_making",
    "parenting_time",
    "holidays",
    "exchanges",
    "child_support",
    "provisions",
    "communication",
    "dispute_resolution",
    "general",
    "acknowledgments",
    "signatures",
)
"""The agreement's outline, in order.  Each topic becomes one numbered section,
except ``signatures``: its clauses are the signature, acknowledgment and order
blocks after the last section (see docs/clause-format.md, "Signature blocks")."""

SIGNATURE_TOPIC = "signatures"

DEFAULT_HEADINGS: dict[str, str] = {
    "recitals": "Parties and Purpose",
    "definitions": "Definitions",
    "decision_making": "Legal Decision-Making",
    "parenting_time": "Parenting Time",
    "holidays": "Holidays and School Breaks",
    "exchanges": "Exchanges and Transportation",
    "child_support": "Child Support",
    "provisions": "Parenting Plan Provisions",
    "communication": "Communication",
    "dispute_resolution": "Resolving Disagreements",
    "general": "General Provisions",
    "acknowledgments": "Acknowledgments",
    "signatures": "Signatures",
}

LIBRARY_KEYS = frozenset({"name", "description", "headings", "state", "replaces_required", "county_caption"})
DEFAULT_COUNTY_CAPTION = "County of {county}"
"""The caption's county line when no library words it (a state overlay may: Arizona's is "In and for the County of {county}")."""
TRANSLATION_LIBRARY_KEYS = frozenset({"language", "headings", "county_caption", "courtesy_notice"})
LANGUAGE_NAMES = {"en": "English", "es": "Spanish"}
STATE_OVERLAYS = "overlays"
"""The package library's folder of state overlays: ``clauses/overlays/<state>/`` (``az``, ``or``, ``wa``)."""


# --------------------------------------------------------------------------- file shapes


class _Shape(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False, defer_build=True)  # built on first read: a library from its snapshot never needs them


class AlternativeFile(_Shape):
    """One named version of a clause's text."""

    label: str = Field(min_length=1)
    help: str | None = None
    when: str | None = None
    text: str = Field(min_length=1)


class ClauseFile(_Shape):
    """The keys a clause file may have (anything else is a typo, reported with a did-you-mean)."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$")
    title: str | None = None
    topic: str | None = None
    order: int = 100
    version: int = Field(default=1, ge=1)
    when: str | None = None
    required: bool | str | None = None
    uses: list[str] = Field(default_factory=list)
    select: str | None = None
    default: str | None = None
    alternatives: dict[str, AlternativeFile] | None = None
    text: str | None = None
    notes: str | None = None
    disable: bool = False

    @field_validator("topic")
    @classmethod
    def _topic(cls, value: str | None) -> str | None:
        if value is not None and value not in TOPICS:
            raise ValueError(f"unknown topic '{value}'; topics are: {', '.join(TOPICS)}")
        return value

    @model_validator(mode="after")
    def _shape(self) -> ClauseFile:
        if self.disable:
            return self
        if not self.title or not self.topic:
            raise ValueError("a clause needs 'title' and 'topic' (or 'disable: true' to remove a clause)")
        if (self.text is None) == (self.alternatives is None):
            raise ValueError("a clause needs exactly one of 'text' or 'alternatives'")
        if self.alternatives is not None and not self.alternatives:
            raise ValueError("'alternatives' is empty")
        if self.default is not None and (self.alternatives is None or self.default not in self.alternatives):
            raise ValueError(f"default '{self.default}' is not one of the alternatives")
        if self.select is not None and self.alternatives is None:
            raise ValueError("'select' needs 'alternatives'")
        if isinstance(self.required, str) and not self.required.strip():
            raise ValueError("'required' is empty: write true, or a condition such as `case.child_support is not none`")
        return self


class AlternativeTranslationFile(_Shape):
    """One alternative's words in another language."""

    label: str = Field(min_length=1)
    help: str | None = None
    text: str = Field(min_length=1)


class TranslationFile(_Shape):
    """A clause's words in another language: ``translations/<language>/<the English file's path>``.

    Only words: the conditions (``when``, ``select``, ``required``...) stay the
    English clause's, so the translated copy has exactly the English clauses.
    ``version`` is the English clause version translated; when the English moves on,
    the translation is stale until someone checks it and raises it too.
    """

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$")
    version: int = Field(ge=1)
    title: str = Field(min_length=1)
    text: str | None = None
    alternatives: dict[str, AlternativeTranslationFile] | None = None
    notes: str | None = None

    @model_validator(mode="after")
    def _shape(self) -> TranslationFile:
        if (self.text is None) == (self.alternatives is None):
            raise ValueError("a translation needs exactly one of 'text' or 'alternatives', as the English clause has")
        return self


# --------------------------------------------------------------------------- loaded clauses


@dataclass(frozen=True)
class Alternative:
    name: str
    label: str
    help: str | None
    when: str | None
    text: str
    line: int | None


@dataclass(frozen=True)
class Clause:
    """A clause as loaded, remembering the file, library and lines it came from."""

    id: str
    title: str
    topic: str
    order: int
    version: int
    when: str | None
    uses: tuple[str, ...]
    select: str | None
    default: str | None
    alternatives: dict[str, Alternative]
    text: str | None
    notes: str | None
    source: Path
    library: str
    lines: LineMap = field(repr=False, compare=False)
    required: bool | str | None = None
    """``True``, or a condition: when it holds the agreement must contain this clause (assembly fails naming what ruled it out).
    ``None``: the file does not say (an overlay's replacement keeps the requirement of the clause it replaces)."""
    required_by: str | None = None
    """The library that made the clause required (an overlay that rewords it keeps the requirement)."""
    language: str = "en"
    """The language of ``title`` and the texts: ``en``, or a translation's (see :func:`translated`)."""
    text_source: Path | None = None
    """The translation file the title and texts come from (``None``: the clause file itself)."""
    text_lines: LineMap | None = field(default=None, repr=False, compare=False)

    @property
    def text_path(self) -> Path:
        """The file the title and texts were read from: a translation's, else the clause file."""
        return self.text_source or self.source

    def line_of(self, *path: str) -> int | None:
        return self.lines.line_for(tuple(path))

    def text_start_line(self, alternative: str | None = None) -> int:
        """File line of the template's first line (block scalars start on the next line)."""
        path = ("alternatives", alternative, "text") if alternative else ("text",)
        lines = self.text_lines or self.lines
        key_line = lines.line_for(path) or 1
        return key_line + 1 if path in lines.block_scalars else key_line

    def templates(self) -> Iterable[tuple[str | None, str]]:
        """(alternative name or None, template source) for every text of the clause."""
        if self.text is not None:
            yield None, self.text
        for alt in self.alternatives.values():
            yield alt.name, alt.text

    @cached_property
    def _compiled(self) -> dict[str | None, Template]:
        return {}

    def compiled(self, alternative: str | None) -> Template:
        """The compiled template for the main text or an alternative (compiled once)."""
        cache = self._compiled
        if alternative not in cache:
            source = self.text if alternative is None else self.alternatives[alternative].text
            assert source is not None
            try:
                cache[alternative] = compiled_text(source, self.language)
            except TemplateSyntaxError as exc:
                raise ClauseError(
                    f"template syntax error: {exc.message}",
                    path=self.text_path,
                    line=self.text_start_line(alternative) + (exc.lineno or 1) - 1,
                    clause_id=self.id,
                ) from None
        return cache[alternative]

    def parse(self, alternative: str | None) -> TemplateAST:
        """The Jinja2 syntax tree of a text (for lint), raising ClauseError with the file line."""
        source = self.text if alternative is None else self.alternatives[alternative].text
        assert source is not None
        try:
            return sandbox_environment().parse(source)
        except TemplateSyntaxError as exc:
            raise ClauseError(
                f"template syntax error: {exc.message}",
                path=self.text_path,
                line=self.text_start_line(alternative) + (exc.lineno or 1) - 1,
                clause_id=self.id,
            ) from None


@lru_cache(maxsize=4096)
def compiled_text(source: str, language: str = "en") -> Template:
    """A clause text compiled once per process, whichever library load it came from.

    Compiling is most of an assembly's time (about three quarters for the
    joint example); a server or ``batch`` loads the library for each case, and
    the same text compiles to the same template, which renders each case afresh.
    """
    from .templating import compile_sandboxed

    return compile_sandboxed(source, language)


@dataclass(frozen=True)
class LibraryInfo:
    """One library folder in the stack."""

    name: str
    path: Path
    description: str | None = None
    headings: dict[str, str] = field(default_factory=dict)
    state: str | None = None
    """The two-letter state a state overlay is for (``state:`` in library.yml)."""
    replaces_required: tuple[tuple[str, int | None], ...] = ()
    """(clause id, line in library.yml): ids this overlay must replace (``lint`` checks)."""
    county_caption: str | None = None
    """The caption's county line, with ``{county}`` for the court's county (``county_caption`` in library.yml)."""

    @property
    def meta_path(self) -> Path:
        return self.path / LIBRARY_FILE


@dataclass(frozen=True)
class TranslationInfo:
    """``translations/<language>/library.yml``: a library's headings, caption and notice in that language."""

    language: str
    path: Path
    headings: dict[str, str] = field(default_factory=dict)
    county_caption: str | None = None
    courtesy_notice: str | None = None


@dataclass
class ClauseLibrary:
    """The combined clause library: base library plus overlays, in order."""

    libraries: list[LibraryInfo]
    clauses: dict[str, Clause]
    disabled: dict[str, Path] = field(default_factory=dict)
    replaced: dict[str, list[Path]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    defined: dict[Path, set[str]] = field(default_factory=dict)
    """Library folder -> the clause ids its own files define or disable."""
    language: str = "en"
    """The language of the clauses' titles and texts (see :func:`translated`)."""
    translations: list[TranslationInfo] = field(default_factory=list)
    untranslated: dict[str, Problem] = field(default_factory=dict)
    """Clause id -> why it has no usable text in :attr:`language` (it keeps its English words)."""
    orphan_translations: list[Problem] = field(default_factory=list)
    """Translation files whose clause is not in this stack (lint reports those no stack has)."""

    @property
    def county_caption(self) -> str:
        """The caption's county line template: the last library's that words one, else a neutral one."""
        worded = [info.county_caption for info in self.libraries if info.county_caption]
        if self.language != "en":
            worded += [info.county_caption for info in self.translations if info.county_caption]
        return worded[-1] if worded else DEFAULT_COUNTY_CAPTION

    @property
    def headings(self) -> dict[str, str]:
        merged = dict(DEFAULT_HEADINGS)
        for info in self.libraries:
            merged.update(info.headings)
        if self.language != "en":
            for translation in self.translations:
                merged.update(translation.headings)
        return merged

    @property
    def courtesy_notice(self) -> str | None:
        """The notice on every page of a translated copy: the last translation library's that words one."""
        worded = [info.courtesy_notice for info in self.translations if info.courtesy_notice]
        return worded[-1] if worded else None

    def ordered(self) -> list[Clause]:
        """Every clause in outline order: topic, then ``order``, then id."""
        rank = {t: i for i, t in enumerate(TOPICS)}
        return sorted(self.clauses.values(), key=lambda c: (rank[c.topic], c.order, c.id))

    def get(self, clause_id: str) -> Clause:
        try:
            return self.clauses[clause_id]
        except KeyError:
            import difflib

            guess = difflib.get_close_matches(clause_id, list(self.clauses), n=1)
            hint = f"did you mean '{guess[0]}'?" if guess else None
            raise LibraryError("no such clause in the library", clause_id=clause_id, hint=hint) from None

    def versions(self) -> dict[str, int]:
        """Clause id -> version: recorded with every draft so a redline can say what changed."""
        return {c.id: c.version for c in self.ordered()}


_LOADED: dict[tuple[tuple[Path, ...], str], tuple[bytes, ClauseLibrary]] = {}
"""(library stack, language) -> (the digest of the stack's files when read, the library): :func:`load_library`'s keeping."""
_LOADED_SIZE = 32


def load_library(
    dirs: Sequence[str | Path] | None = None, *, strict: bool = True, pool: Executor | None = None, language: str = "en"
) -> ClauseLibrary:
    """Load and combine libraries in order.  ``None`` means the package's own library.

    ``strict`` raises the first problem as a :class:`ClauseError`/:class:`LibraryError`;
    otherwise problems are collected in :attr:`ClauseLibrary.problems` (what ``lint`` wants).
    ``pool`` reads the files in parallel (large libraries); merging stays in order.
    ``language`` other than ``en`` gives the clauses in that language (:func:`translated`).

    A strict load is kept for the rest of the process and given again while no
    file in the stack has changed (the same names and contents), so
    the CLI, ``batch``, review and the server read and compile a library once;
    it is also kept on disk for the next process (:mod:`.snapshot`).
    The library returned is shared: read it, do not change it.
    """
    folders = library_stack(dirs)
    if not strict or pool is not None:
        return _load_fresh(folders, strict=strict, pool=pool, language=language)
    key = (tuple(folders), language)
    stamp = stack_stamp(folders)
    kept = _LOADED.get(key)
    if kept is not None and stamp is not None and kept[0] == stamp:
        return kept[1]
    from .snapshot import load_snapshot, save_snapshot

    kept_on_disk = load_snapshot(folders, language, stamp) if stamp is not None else None
    if isinstance(kept_on_disk, ClauseLibrary):
        library = kept_on_disk
    else:
        library = _load_fresh(folders, strict=True, pool=None, language=language)
        if stamp is not None:
            save_snapshot(folders, language, stamp, library)
    if stamp is not None:
        if len(_LOADED) >= _LOADED_SIZE:
            _LOADED.clear()
        _LOADED[key] = (stamp, library)
    return library


def _load_fresh(folders: list[Path], *, strict: bool, pool: Executor | None, language: str) -> ClauseLibrary:
    library = _load_library(folders, strict=strict, pool=pool)
    return library if language == "en" else translated(library, language, strict=strict)


def _load_library(folders: list[Path], *, strict: bool, pool: Executor | None) -> ClauseLibrary:
    library = ClauseLibrary(libraries=[], clauses={})
    for folder in folders:
        if not folder.exists():
            raise LibraryError("clause library folder not found", path=folder)
        if not folder.is_dir():
            raise LibraryError("clause library must be a folder", path=folder)
        info = _library_info(folder, library, strict)
        library.libraries.append(info)
        paths = clause_files(folder)
        jobs = [(p, info.name) for p in paths]
        items = list(pool.map(_read_or_error, jobs, chunksize=64)) if pool is not None else [_read_or_error(j) for j in jobs]
        for path, item in zip(paths, items):
            try:
                if isinstance(item, MediationError):
                    raise item
                _merge(library, path, item, info, overlay=len(library.libraries) > 1)
            except (ClauseError, LibraryError) as exc:
                if strict:
                    raise
                subject = f"clause '{exc.clause_id}': " if exc.clause_id else ""
                where = f"{exc.field_path}: " if exc.field_path else ""
                library.problems.append(Problem(f"{subject}{where}{exc.message}", path=exc.path, line=exc.line))
    return library


def _library_info(folder: Path, library: ClauseLibrary, strict: bool) -> LibraryInfo:
    meta_path = folder / LIBRARY_FILE
    if not meta_path.exists():
        return LibraryInfo(name=folder.name, path=folder)
    data, lines = load_with_lines(meta_path, error=LibraryError)
    if not isinstance(data, dict):
        raise LibraryError("library.yml must be a mapping with 'name'", path=meta_path, line=1)
    unknown = set(data) - LIBRARY_KEYS
    if unknown:
        raise LibraryError(f"unknown key(s) in library.yml: {', '.join(sorted(unknown))}", path=meta_path)
    headings = data.get("headings") or {}
    bad = [t for t in headings if t not in TOPICS]
    if bad:
        raise LibraryError(f"headings for unknown topic(s): {', '.join(bad)}", path=meta_path)
    state = data.get("state")
    if state is not None and not (isinstance(state, str) and re.fullmatch(r"[A-Za-z]{2}", state)):
        raise LibraryError("state: must be a two-letter state code, e.g. AZ", path=meta_path, line=lines.line_for(("state",)))
    required = data.get("replaces_required") or []
    if not isinstance(required, list) or not all(isinstance(r, str) for r in required):
        raise LibraryError("replaces_required: must be a list of clause ids", path=meta_path, line=lines.line_for(("replaces_required",)))
    caption = data.get("county_caption")
    if caption is not None and not (isinstance(caption, str) and caption.count("{county}") == 1 and caption.replace("{county}", "").count("{") == 0):
        raise LibraryError("county_caption: must be one line with {county} once, e.g. 'In and for the County of {county}'", path=meta_path, line=lines.line_for(("county_caption",)))
    return LibraryInfo(
        county_caption=caption,
        name=str(data.get("name") or folder.name),
        path=folder,
        description=data.get("description"),
        headings=dict(headings),
        state=state.upper() if state else None,
        replaces_required=tuple((cid, lines.line_for(("replaces_required", i))) for i, cid in enumerate(required)),
    )


def _checked_file[S: _Shape](path: Path, shape: type[S], not_a_mapping: str) -> tuple[S, LineMap]:
    """One YAML file read and checked against ``shape``: the first problem as a :class:`ClauseError` with its line and field."""
    data, lines = load_with_lines(path, error=ClauseError)
    if not isinstance(data, dict):
        raise ClauseError(not_a_mapping, path=path, line=1)
    try:
        return shape.model_validate(data), lines
    except ValidationError as exc:
        first = validation_problems(exc, shape, str(path), lines)[0]
        raise ClauseError(first.message, path=path, line=first.line, field_path=first.field_path, clause_id=data.get("id") if isinstance(data.get("id"), str) else None) from None


def read_clause_file(path: Path, library_name: str) -> Clause | str:
    """Read and check one clause file: the clause, or the id it disables (pure; safe in a worker)."""
    shape, lines = _checked_file(path, ClauseFile, "a clause file must be a mapping with 'id', 'title', 'topic' and 'text'")
    if shape.disable:
        return shape.id
    alternatives = {
        name: Alternative(name, alt.label, alt.help, alt.when, alt.text, lines.line_for(("alternatives", name)))
        for name, alt in (shape.alternatives or {}).items()
    }
    assert shape.title is not None and shape.topic is not None
    return Clause(
        id=shape.id,
        title=shape.title,
        topic=shape.topic,
        order=shape.order,
        version=shape.version,
        when=shape.when,
        uses=tuple(shape.uses),
        select=shape.select,
        default=shape.default,
        alternatives=alternatives,
        text=shape.text,
        notes=shape.notes,
        source=path,
        library=library_name,
        lines=lines,
        required=shape.required,
        required_by=library_name if shape.required else None,
    )


def _read_or_error(job: tuple[Path, str]) -> Clause | str | MediationError:
    try:
        return read_clause_file(*job)
    except (ClauseError, LibraryError) as exc:
        return exc


def _merge(library: ClauseLibrary, path: Path, item: Clause | str, info: LibraryInfo, *, overlay: bool) -> None:
    """Apply one read clause file to the stack: replace, add or disable by id."""
    if isinstance(item, str):
        if item not in library.clauses:
            raise LibraryError("overlay disables a clause that no earlier library defines", path=path, line=1, clause_id=item)
        if library.clauses[item].required:
            raise LibraryError(
                f"overlay disables a required clause (required by library '{library.clauses[item].required_by}'): reword it by replacing it with a file of the same id instead",
                path=path, line=1, clause_id=item,
            )
        del library.clauses[item]
        library.disabled[item] = path
        library.defined.setdefault(info.path, set()).add(item)
        return
    if item.id in library.clauses:
        previous = library.clauses[item.id]
        if not overlay or previous.library == info.name:
            raise LibraryError(
                f"duplicate clause id (also defined in {previous.source})",
                path=path, line=item.line_of("id"), clause_id=item.id,
            )
        library.replaced.setdefault(item.id, []).append(previous.source)
        if previous.required:
            if item.required is False:
                raise LibraryError(
                    f"'required: false' on a clause that library '{previous.required_by}' requires: an overlay may reword a required clause but not make it optional",
                    path=path, line=item.line_of("required"), clause_id=item.id,
                )
            if item.required is None:
                item = replace(item, required=previous.required, required_by=previous.required_by)
    library.clauses[item.id] = item
    library.defined.setdefault(info.path, set()).add(item.id)


# --------------------------------------------------------------------------- translations


@dataclass(frozen=True)
class _Translation:
    clause_id: str
    shape: TranslationFile
    source: Path
    lines: LineMap
    rank: int
    """The position in the stack of the library whose ``translations/`` holds it."""


def translated(library: ClauseLibrary, language: str, *, strict: bool = True) -> ClauseLibrary:
    """``library`` with each clause's title and texts in ``language``, read from each library's ``translations/<language>/``.

    A clause is translated by its own library or a later one (an office may
    translate a base clause); a translation from an earlier library than the
    clause's translates words that were since replaced, so it is not used.
    Conditions are the English clause's, so the translated copy has the same
    clauses, numbers and alternatives.  A clause with no usable translation keeps
    its English words and is listed in :attr:`ClauseLibrary.untranslated`
    (assembly refuses it; ``lint --language`` reports it with its file and line).
    Problems in the translation files themselves are raised (``strict``) or
    collected in :attr:`ClauseLibrary.problems`.
    """
    from .templating import filters_for

    try:
        filters_for(language)
    except ValueError as exc:
        raise LibraryError(str(exc)) from None
    found: dict[str, _Translation] = {}
    problems: list[Problem] = []
    orphans: list[Problem] = []
    infos: list[TranslationInfo] = []

    def fail(exc: ClauseError | LibraryError) -> None:
        if strict:
            raise exc
        subject = f"clause '{exc.clause_id}': " if exc.clause_id else ""
        problems.append(Problem(f"{subject}{exc.message}", path=exc.path, line=exc.line))

    for rank, info in enumerate(library.libraries):
        folder = info.path / TRANSLATIONS / language
        if not folder.is_dir():
            continue
        meta = folder / LIBRARY_FILE
        if meta.is_file():
            try:
                infos.append(_translation_info(meta, language))
            except LibraryError as exc:
                fail(exc)
        for path in sorted(folder.rglob("*.yml")):
            if path == meta:
                continue
            try:
                item = _read_translation(path, rank)
                if item.clause_id not in library.clauses:
                    # Not in this stack (another state's clause, or disabled here): lint reports it if no stack has it.
                    orphans.append(Problem(f"clause '{item.clause_id}': a translation of a clause that is not in the library", path=path, line=item.lines.line_for(("id",))))
                    continue
                earlier = found.get(item.clause_id)
                if earlier is not None and earlier.rank == rank:
                    raise LibraryError(f"a second translation of this clause (also in {earlier.source})", path=path, line=item.lines.line_for(("id",)), clause_id=item.clause_id)
                found[item.clause_id] = item
            except (ClauseError, LibraryError) as exc:
                fail(exc)
    ranks = {info.path.resolve(): rank for rank, info in enumerate(library.libraries)}
    clauses: dict[str, Clause] = {}
    untranslated: dict[str, Problem] = {}
    for clause_id, clause in library.clauses.items():
        own_rank = next((ranks[p] for p in clause.source.resolve().parents if p in ranks), 0)
        item = found.get(clause_id)
        why = _unusable(clause, item, own_rank, language, library)
        if why is not None:
            untranslated[clause_id] = why
            clauses[clause_id] = clause
            continue
        assert item is not None
        shape = item.shape
        alternatives = {
            name: replace(alt, label=shape.alternatives[name].label, help=shape.alternatives[name].help, text=shape.alternatives[name].text)
            for name, alt in clause.alternatives.items()
        } if shape.alternatives is not None else clause.alternatives
        clauses[clause_id] = replace(
            clause, title=shape.title, text=shape.text if clause.text is not None else None, alternatives=alternatives,
            language=language, text_source=item.source, text_lines=item.lines,
        )
    return ClauseLibrary(
        libraries=library.libraries, clauses=clauses, disabled=library.disabled, replaced=library.replaced,
        problems=[*library.problems, *problems], defined=library.defined, language=language, translations=infos, untranslated=untranslated,
        orphan_translations=orphans,
    )


def translation_path(clause: Clause, library: ClauseLibrary, language: str) -> Path:
    """Where the translation of ``clause`` belongs: its library's ``translations/<language>/`` plus the clause file's own path."""
    for info in reversed(library.libraries):
        try:
            return info.path / TRANSLATIONS / language / clause.source.relative_to(info.path)
        except ValueError:
            continue
    return clause.source.parent / TRANSLATIONS / language / clause.source.name


def _unusable(clause: Clause, item: _Translation | None, own_rank: int, language: str, library: ClauseLibrary) -> Problem | None:
    """Why ``item`` cannot stand for ``clause`` in the translated copy (``None``: it can)."""
    name = LANGUAGE_NAMES.get(language, language)
    first_line = clause.line_of("text") if clause.text is not None else clause.line_of("alternatives")
    if item is None or item.rank < own_rank:
        return Problem(f"clause '{clause.id}' has no {name} text: add {translation_path(clause, library, language)}", path=clause.source, line=first_line)
    shape, where = item.shape, item.source
    if shape.version != clause.version:
        return Problem(
            f"clause '{clause.id}': the {name} text translates version {shape.version}, but the clause is now version {clause.version} "
            f"({clause.source}): check the translation against the English and set `version: {clause.version}`",
            path=where, line=item.lines.line_for(("version",)),
        )
    if (shape.text is None) != (clause.text is None):
        has = "'text'" if clause.text is not None else "'alternatives'"
        return Problem(f"clause '{clause.id}': the English clause has {has}, so its {name} text must too", path=where, line=1)
    if shape.alternatives is not None:
        missing = [n for n in clause.alternatives if n not in shape.alternatives]
        extra = [n for n in shape.alternatives if n not in clause.alternatives]
        if missing:
            return Problem(f"clause '{clause.id}': alternative(s) {', '.join(repr(n) for n in missing)} have no {name} text", path=where, line=item.lines.line_for(("alternatives",)))
        if extra:
            return Problem(
                f"clause '{clause.id}': alternative(s) {', '.join(repr(n) for n in extra)} are not alternatives of the English clause (it has: {', '.join(clause.alternatives)})",
                path=where, line=item.lines.line_for(("alternatives", extra[0])),
            )
        for alt_name, alt in clause.alternatives.items():
            if alt.help and not shape.alternatives[alt_name].help:
                return Problem(f"clause '{clause.id}': alternative '{alt_name}' has help in English but none in {name}", path=where, line=item.lines.line_for(("alternatives", alt_name)))
    return None


def _read_translation(path: Path, rank: int) -> _Translation:
    shape, lines = _checked_file(path, TranslationFile, "a translation file must be a mapping with 'id', 'version', 'title' and 'text' (or 'alternatives')")
    return _Translation(shape.id, shape, path, lines, rank)


def _translation_info(meta: Path, language: str) -> TranslationInfo:
    data, lines = load_with_lines(meta, error=LibraryError)
    if not isinstance(data, dict):
        raise LibraryError("a translation's library.yml must be a mapping with 'language'", path=meta, line=1)
    unknown = set(data) - TRANSLATION_LIBRARY_KEYS
    if unknown:
        raise LibraryError(f"unknown key(s) in library.yml: {', '.join(sorted(unknown))} (known: {', '.join(sorted(TRANSLATION_LIBRARY_KEYS))})", path=meta, line=lines.line_for((sorted(unknown)[0],)))
    if data.get("language") != language:
        raise LibraryError(f"language: must be '{language}' (the folder's name)", path=meta, line=lines.line_for(("language",)))
    headings = data.get("headings") or {}
    bad = [t for t in headings if t not in TOPICS]
    if bad:
        raise LibraryError(f"headings for unknown topic(s): {', '.join(bad)}", path=meta, line=lines.line_for(("headings", bad[0])))
    caption = data.get("county_caption")
    if caption is not None and not (isinstance(caption, str) and caption.count("{county}") == 1 and caption.replace("{county}", "").count("{") == 0):
        raise LibraryError("county_caption: must be one line with {county} once", path=meta, line=lines.line_for(("county_caption",)))
    notice = data.get("courtesy_notice")
    if notice is not None and not (isinstance(notice, str) and notice.strip()):
        raise LibraryError("courtesy_notice: must be the words printed on every page of the translated copy", path=meta, line=lines.line_for(("courtesy_notice",)))
    return TranslationInfo(language, meta.parent, dict(headings), caption, notice.strip() if notice else None)


def library_dirs(extra: Iterable[str | Path] = (), *, include_default: bool = True) -> list[Path]:
    """The base library followed by overlays, as the CLI and interviews pass them."""
    dirs = [default_library_dir()] if include_default else []
    return dirs + [Path(p) for p in extra]


# --------------------------------------------------------------------------- state overlays


@cache
def state_overlays() -> dict[str, Path]:
    """The package's state overlays by state code: ``{'AZ': .../clauses/overlays/az, ...}`` (the package's own
    folders: read once per process)."""
    root = default_library_dir() / STATE_OVERLAYS
    if not root.is_dir():
        return {}
    return {p.name.upper(): p for p in sorted(root.iterdir()) if (p / LIBRARY_FILE).is_file()}


def state_overlay_dir(state: str | None) -> Path | None:
    """The package's overlay for a two-letter state code (``court.state``), if it ships one."""
    return state_overlays().get(state.strip().upper()) if state else None


def with_state_overlay(dirs: Sequence[str | Path] | None, state: str | None, *, enabled: bool = True) -> list[Path]:
    """``dirs`` (the package's own library when ``None``) with the state's overlay laid right after the base.

    The overlay goes after the package's base library and before any office
    overlay, and only when the stack holds the package's base library (not with
    ``--no-default-library``), the state has an overlay, ``enabled`` is true and
    the overlay is not already in the stack (an explicit ``--library`` keeps its place).
    """
    folders = [Path(d) for d in dirs] if dirs else [default_library_dir()]
    overlay = state_overlay_dir(state) if enabled else None
    if overlay is None or any(same_folder(overlay, d) for d in folders):
        return folders
    base = next((i for i, d in enumerate(folders) if same_folder(d, default_library_dir())), None)
    if base is None:
        return folders
    return folders[: base + 1] + [overlay] + folders[base + 1 :]


def load_case_library(dirs: Sequence[str | Path] | None, state: str | None, *, state_overlay: bool = True, language: str = "en") -> ClauseLibrary:
    """:func:`load_library` for a case in ``state``: the stack with that state's overlay (see :func:`with_state_overlay`)."""
    return load_library(with_state_overlay(dirs, state, enabled=state_overlay), language=language)
