"""Fuzzing case files (issue 14): hostile variations of the real examples never crash ``assemble``.

Each example is one of ``examples/cases/`` changed by :mod:`case_fuzz` (wrong
types, missing keys, huge strings in several alphabets, deep nesting, YAML
aliases, extreme numbers, dates and times, blown-up lists, repeated keys,
truncated or non-UTF-8 bytes — and, a third of the time, only changes the
limits allow, which must still give an agreement).  ``mediation-agreement
assemble`` runs in-process on each: it either writes every output or refuses
with ``error:`` lines (a ``MediationError``) and writes nothing; never another
exception; always within 5 seconds.  ``make fuzz`` runs the same generator on
10,000 files (``scripts/fuzz_cases.py``).
"""

from __future__ import annotations

from pathlib import Path

from case_fuzz import HypothesisChooser, fresh, hostile_case, run_assemble
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

PER_RUN_SECONDS = 5


@settings(max_examples=150, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.data())
def test_hostile_case_files_give_an_agreement_or_a_message(tmp_path_factory: object, data: st.DataObject) -> None:
    folder = fresh(Path(tmp_path_factory.mktemp("fuzz")))  # type: ignore[attr-defined]
    suffix, raw = hostile_case(HypothesisChooser(data))
    case_file = folder / f"case{suffix}"
    case_file.write_bytes(raw)
    outcome = run_assemble(case_file, folder / "out")
    event(outcome.kind)
    assert outcome.kind != "failure", f"{len(raw):,} bytes ({raw[:300]!r}...): {outcome.detail}"
    assert outcome.seconds < PER_RUN_SECONDS, f"{outcome.seconds:.1f} s ({outcome.kind}: {outcome.detail})"
