"""Let docassemble start on a machine that cannot download NLTK's WordNet.

Copied by ``scripts/serve.py`` into the site-packages of the server's virtual
environment (``.serve/venv``); Python imports ``sitecustomize`` at start-up.

``docassemble_pattern.text.en`` imports its WordNet wrapper, which calls
``nltk.download()`` at import time when the corpora are not on disk; with no
network (or a network that only reaches package registries) that import fails
and docassemble with it.  The interviews here never use WordNet (only the
English inflection helpers: plurals, articles, verb forms), so when the corpora
are missing we answer that one import with a stand-in module whose attributes
raise a clear error if anything ever does reach for WordNet.  When the corpora
are installed (``python -m nltk.downloader wordnet wordnet_ic sentiwordnet``)
the real module loads as usual.

The check happens only when that module is imported, so other programs run in
this environment (pip, create_tables) pay nothing for it.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import sys
import types
from collections.abc import Sequence

WORDNET_MODULE = "docassemble_pattern.text.en.wordnet"
CORPORA = ("wordnet", "wordnet_ic", "sentiwordnet")


def _corpora_present() -> bool:
    try:
        import nltk.data  # type: ignore[import-untyped]
    except ImportError:
        return False
    for name in CORPORA:
        try:
            nltk.data.find(f"corpora/{name}")
        except LookupError:
            return False
    return True


class _WordNetStandIn(types.ModuleType):
    """A module that fails loudly, naming the cause, when WordNet is used."""

    def __getattr__(self, name: str) -> object:
        if name.startswith("__"):
            raise AttributeError(name)
        raise RuntimeError(
            f"{WORDNET_MODULE}.{name}: WordNet is not installed on this docassemble server "
            "(see scripts/server/sitecustomize.py); install the NLTK corpora "
            "wordnet, wordnet_ic and sentiwordnet to use it"
        )


class _StandInLoader(importlib.abc.Loader):
    def create_module(self, spec: importlib.machinery.ModuleSpec) -> types.ModuleType:
        return _WordNetStandIn(spec.name)

    def exec_module(self, module: types.ModuleType) -> None:
        module.__doc__ = "Stand-in for WordNet: the NLTK corpora are not installed."


class _WordNetFinder(importlib.abc.MetaPathFinder):
    decided = False

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: types.ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname != WORDNET_MODULE or self.decided:
            return None
        self.decided = True  # decide once; the real finder takes over if the corpora exist
        if _corpora_present():
            return None
        return importlib.machinery.ModuleSpec(fullname, _StandInLoader())


sys.meta_path.insert(0, _WordNetFinder())
