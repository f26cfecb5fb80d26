"""A draft as a translated reading copy: the same answers and clauses in a parent's language.

Never stored, approved or signed: the English draft is (every page of the copy
says so).  Beside the round in :mod:`.rounds`, which issues and stores drafts.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ..assembly.document import AgreementDocument
from ..case.model import case_from_data
from ..errors import StoreError
from ..store import CaseStore
from .redline import Redline, compare
from .rounds import CONSENT_CLAUSE_ID, draft_version


def reading_copy(
    store: CaseStore,
    case_id: str,
    number: int | None = None,
    *,
    language: str = "es",
    libraries: Sequence[str | Path] | None = None,
    state_overlay: bool = True,
) -> AgreementDocument:
    """Draft ``number`` (default: current) as a translated reading copy: the same answers and clauses, in ``language``.

    Assembled from the draft's stored answers with the same libraries the
    draft was issued with (``libraries``, as :func:`issue_draft` took them), so
    it says what the English draft says.  It is never stored, approved or
    signed: the English draft is (each page of the copy says so).
    """
    from ..assembly.assemble import assemble
    from ..library.clauses import load_case_library

    version = draft_version(store, case_id, number)
    case = case_from_data(version.case_data, source=f"case {case_id}, draft {version.number}")
    library = load_case_library(list(libraries) if libraries else None, case.court.state, state_overlay=state_overlay, language=language)
    from datetime import date

    dated = version.document.metadata.get("date_iso")
    return assemble(case, library, draft=True, today=date.fromisoformat(dated) if dated else version.issued_at.date())


def reading_redline(
    store: CaseStore,
    case_id: str,
    number: int | None = None,
    *,
    language: str = "es",
    libraries: Sequence[str | Path] | None = None,
) -> Redline:
    """What changed from the draft before ``number`` to it, between their reading copies in ``language`` (no comments: those are in the English redline)."""
    current = draft_version(store, case_id, number).number
    if current < 2:
        raise StoreError(f"draft {current} is the first draft; there is nothing to compare it with")
    words = {"es": "borrador"}.get(language, "draft")
    return compare(
        reading_copy(store, case_id, current - 1, language=language, libraries=libraries),
        reading_copy(store, case_id, current, language=language, libraries=libraries),
        comments=[],
        old_label=f"{words} {current - 1}",
        new_label=f"{words} {current}",
    )


def reading_consent(
    store: CaseStore, case_id: str, *, language: str = "es", libraries: Sequence[str | Path] | None = None, copy: AgreementDocument | None = None
) -> str | None:
    """:func:`consent_text` in ``language``, to read beside the English consent the signer agrees to (which is what is recorded).

    ``None`` when the draft has no electronic-signatures clause (the English default is shown alone).
    """
    from ..assembly.document import clause_text
    from ..assembly.words import agreement_words

    doc = copy if copy is not None else reading_copy(store, case_id, language=language, libraries=libraries)
    clause = doc.clause(CONSENT_CLAUSE_ID)
    if clause is None:
        return None
    return f"{clause_text(clause).strip()}\n\n{agreement_words(language)['signer_acknowledgement']}"


__all__ = ["reading_consent", "reading_copy", "reading_redline"]
