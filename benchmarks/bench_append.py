"""Benchmark: one event appended to a case that already has 10, 1,000 or 10,000 (target: flat).

Each append is its own write session on an encrypted SQLite store with the log's
MAC key, as one review action is: open the session, check the log, append one
event, commit.  The store object stays open between appends, as in a server
process, so after its first look at the case it checks only the events after the
head it verified (docs/review.md).  Prints min / median / max of 30 appends at
each size; the case is grown to the size inside one session first (not timed).
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

from docassemble.MediationAgreement.store import CaseStore, generate_key

SIZES = (10, 1_000, 10_000)
RUNS = 30


def grown(store: CaseStore, size: int) -> str:
    case_id = store.create_case("benchmark", {"n": 0})
    with store.session(case_id, write=True) as s:
        for n in range(1, size):
            s.append("note", "mediator", {"n": n, "text": "a comment of a typical length, about eighty characters long."})
    return case_id


def main() -> None:
    figures = {}
    with tempfile.TemporaryDirectory() as tmp:
        for size in SIZES:
            url = f"sqlite:///{Path(tmp) / f'append-{size}.db'}"
            key = generate_key()
            with CaseStore(url, key) as builder:
                case_id = grown(builder, size)
            with CaseStore(url, key) as store:  # a new process: it has verified nothing yet
                first = time.perf_counter()
                with store.session(case_id, write=True) as s:  # the first look verifies the whole log
                    s.append("note", "mediator", {"n": "first"})
                first_ms = (time.perf_counter() - first) * 1000
                times = []
                for n in range(RUNS):
                    started = time.perf_counter()
                    with store.session(case_id, write=True) as s:
                        s.append("note", "mediator", {"n": n})
                    times.append((time.perf_counter() - started) * 1000)
            figures[size] = statistics.median(times)
            print(f"append at {size:>6,} events: min {min(times):.2f} / median {statistics.median(times):.2f} / max {max(times):.2f} ms over {RUNS}; first append of the process (whole log verified) {first_ms:.0f} ms")
    ratio = figures[SIZES[-1]] / figures[SIZES[0]]
    print(f"median at {SIZES[-1]:,} / median at {SIZES[0]:,} = {ratio:.1f}x (target: flat, <= 2x)")


if __name__ == "__main__":
    main()
