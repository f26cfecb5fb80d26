#!/usr/bin/env python3
"""Fuzz ``mediation-agreement assemble`` with generated hostile case files (issue 14; ``make fuzz``).

Each file is one of ``examples/cases/`` with one to three hostile changes, made
by ``tests/case_fuzz.py`` from a seed (file ``i`` of a run uses seed
``SEED + i``, so any file can be made again).  Every file goes through the real
``assemble`` command in-process, spread over worker processes; a sample also
runs as whole ``python -m docassemble.MediationAgreement assemble`` processes.

Counted as problems, and the exit status is 1 if there is any:

* tracebacks: an exception other than the command's own error exit;
* runs over 5 s;
* partial outputs: any file left in ``--out`` after a refusal;
* other failures: exit 0 without every output, or a refusal without an ``error:`` message.

Each problem's case file and what happened are kept in ``--keep``.

    scripts/fuzz_cases.py --count 10000            # what `make fuzz` runs
    scripts/fuzz_cases.py --count 200 --seed 7 --processes 10
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from case_fuzz import Outcome, RandomChooser, hostile_case, run_assemble  # noqa: E402

LIMIT_SECONDS = 5.0
BATCH = 200
"""Files made at a time (in this process) before the workers run them."""


def _one(job: tuple[int, str, str]) -> tuple[int, str, Outcome, int, int]:
    """Assemble one generated file in this worker.

    Returns (seed, suffix, outcome, this worker's peak RSS in kB, how much this
    run raised that peak): the files are made in the parent process, so a
    worker's memory is the command's alone.
    """
    seed, case_path, formats = job
    case_file = Path(case_path)
    out = case_file.parent / f"out-{seed}"
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    outcome = run_assemble(case_file, out, formats=formats)
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    shutil.rmtree(out, ignore_errors=True)
    case_file.unlink()
    return seed, case_file.suffix, outcome, after, after - before


def _make(seed: int, folder: Path) -> str:
    suffix, raw = hostile_case(RandomChooser(seed))
    path = folder / f"case-{seed}{suffix}"
    path.write_bytes(raw)
    return str(path)


def _whole_process(seed: int, work: Path, formats: str) -> tuple[Outcome, str]:
    """Make file ``seed`` and run the real command as its own process."""
    suffix, raw = hostile_case(RandomChooser(seed))
    folder = work / f"p{seed}"
    folder.mkdir(parents=True)
    case_file, out = folder / f"case{suffix}", folder / "out"
    case_file.write_bytes(raw)
    start = time.perf_counter()
    try:
        done = subprocess.run(
            [sys.executable, "-m", "docassemble.MediationAgreement", "assemble", str(case_file), "--out", str(out), "--format", formats],
            capture_output=True,
            text=True,
            timeout=60,
            cwd=folder,
        )
    except subprocess.TimeoutExpired:
        shutil.rmtree(folder, ignore_errors=True)
        return Outcome("failure", time.perf_counter() - start, "over 60 s (killed)"), suffix
    seconds = time.perf_counter() - start
    left = sorted(p.name for p in out.iterdir()) if out.exists() else []
    if "Traceback" in done.stderr:
        outcome = Outcome("failure", seconds, "traceback:\n" + done.stderr[-3000:])
    elif done.returncode == 0:
        wanted = {f"agreement.{f}" for f in formats.split(",")}
        outcome = Outcome("agreement", seconds) if wanted <= set(left) else Outcome("failure", seconds, f"exit 0 but outputs {left}")
    elif done.returncode == 2 and done.stderr.startswith("error: "):
        outcome = Outcome("refused", seconds, done.stderr.splitlines()[0]) if not left else Outcome("failure", seconds, f"partial output after a refusal: {left}")
    else:
        outcome = Outcome("failure", seconds, f"exit {done.returncode}: {done.stderr[-2000:]}")
    shutil.rmtree(folder, ignore_errors=True)
    return outcome, suffix


def _problem(outcome: Outcome) -> str | None:
    if outcome.kind == "failure":
        if outcome.detail.startswith("traceback") or outcome.detail.startswith("over 60 s"):
            return "traceback"
        if outcome.detail.startswith("partial output"):
            return "partial"
        return "other"
    if outcome.seconds > LIMIT_SECONDS:
        return "slow"
    return None


def _keep(keep: Path, label: str, seed: int, suffix: str, outcome: Outcome) -> None:
    keep.mkdir(parents=True, exist_ok=True)
    (keep / f"{label}-{seed}{suffix}").write_bytes(hostile_case(RandomChooser(seed))[1])
    (keep / f"{label}-{seed}.txt").write_text(f"{outcome.kind} in {outcome.seconds:.2f} s\n{outcome.detail}\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=10_000, help="generated files run in-process (default 10,000)")
    parser.add_argument("--processes", type=int, default=100, help="of them, how many also run as whole processes (default 100)")
    parser.add_argument("--seed", type=int, default=14, help="seed of the first file (default 14)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="worker processes (default: all cores)")
    parser.add_argument("--formats", default="pdf,docx,html", help="assemble --format (default pdf,docx,html)")
    parser.add_argument("--keep", type=Path, default=ROOT / "out" / "fuzz", help="where the files of problems are kept (default out/fuzz)")
    args = parser.parse_args(argv)

    shutil.rmtree(args.keep, ignore_errors=True)
    kinds: Counter[str] = Counter()
    problems: Counter[str] = Counter()
    times: list[float] = []
    peak_kb, growth_kb, growth_seed = 0, 0, None
    start = time.perf_counter()
    done = 0
    with tempfile.TemporaryDirectory(prefix="fuzz-") as work:
        with multiprocessing.get_context("spawn").Pool(args.jobs, maxtasksperchild=500) as pool:
            for first in range(0, args.count, BATCH):
                seeds = range(args.seed + first, args.seed + min(first + BATCH, args.count))
                jobs = [(seed, _make(seed, Path(work)), args.formats) for seed in seeds]
                for seed, suffix, outcome, rss, growth in pool.imap_unordered(_one, jobs, chunksize=4):
                    done += 1
                    kinds[outcome.kind] += 1
                    times.append(outcome.seconds)
                    peak_kb = max(peak_kb, rss)
                    if growth > growth_kb:
                        growth_kb, growth_seed = growth, seed
                    label = _problem(outcome)
                    if label:
                        problems[label] += 1
                        _keep(args.keep, label, seed, suffix, outcome)
                        print(f"  {label}: seed {seed} ({suffix}, {outcome.seconds:.1f} s): {outcome.detail.splitlines()[-1][:200] if outcome.detail else ''}", flush=True)
                    if done % 1000 == 0:
                        print(f"  {done:,} of {args.count:,} in {time.perf_counter() - start:.0f} s", flush=True)
        in_process = time.perf_counter() - start

        sample = [args.seed + i * max(args.count // max(args.processes, 1), 1) for i in range(min(args.processes, args.count))]
        process_kinds: Counter[str] = Counter()
        process_times: list[float] = []
        for seed in sample:
            outcome, suffix = _whole_process(seed, Path(work), args.formats)
            process_kinds[outcome.kind] += 1
            process_times.append(outcome.seconds)
            label = _problem(outcome)
            if label:
                problems[label] += 1
                _keep(args.keep, f"process-{label}", seed, suffix, outcome)
                print(f"  process {label}: seed {seed}: {outcome.detail.splitlines()[-1][:200] if outcome.detail else ''}", flush=True)
        child_peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss

    total = time.perf_counter() - start
    print(
        f"fuzz: {args.count:,} generated case files in-process over {args.jobs} worker(s) in {in_process:.0f} s "
        f"({kinds['agreement']:,} agreements, {kinds['refused']:,} refused with a message); "
        f"per file median {statistics.median(times):.2f} s, slowest {max(times):.2f} s; peak memory of a worker {peak_kb / 1024:.0f} MB "
        f"(one file raised it by at most {growth_kb / 1024:.0f} MB: seed {growth_seed})"
    )
    if sample:
        print(
            f"fuzz: {len(sample)} of them as whole processes ({process_kinds['agreement']} agreements, {process_kinds['refused']} refused); "
            f"median {statistics.median(process_times):.2f} s, slowest {max(process_times):.2f} s; peak memory of any child process {child_peak_kb / 1024:.0f} MB"
        )
    print(
        f"fuzz: tracebacks {problems['traceback']}, runs over {LIMIT_SECONDS:.0f} s {problems['slow']}, partial outputs {problems['partial']}, "
        f"other failures {problems['other']}; {total:.0f} s in all" + (f"; kept in {args.keep}" if sum(problems.values()) else "")
    )
    return 1 if sum(problems.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
