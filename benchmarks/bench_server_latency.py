"""Time per screen of the mediator interview on the local docassemble server, over its REST API,
for 1, 10 and 25 users at once.

    .venv/bin/python benchmarks/bench_server_latency.py [--runs 3] [--users 1,10,25] [--case examples/cases/joint-two-children.yml]

A mediator's whole run, from the first screen to the draft, answered from the
case file: ``GET /api/session/new``, then for each screen one
``POST /api/session`` with that screen's answers, which returns the next
screen.  The time of that POST is the time a screen takes on the server
(answers saved, interview logic run, next question built) without the browser's
own rendering.  One user: ``--runs`` whole runs one after another; then for each
further ``--users`` level, that many users each complete one whole run at the
same time, with no pause between screens (a harder load than people typing).
Reports p50 and p95 over every screen, errors, the web process's memory before
and after, the slowest screens, and compares p95 with the targets (400 ms for one
user, 500 ms at 25, on the project's 2-core machine).  Loopback only; each level
stops by itself after ``--deadline`` seconds (runs not finished by then count as
errors).

Also reports the web processes' processor time per screen under load, and
what docassemble's own API key check costs each REST call (it hashes the key
with PBKDF2-SHA256, 100,000 rounds, on every call: most of a screen's time
here, and nothing a person in a browser pays).

Runs the server with ``--processes`` web worker processes (default one per
core, as docs/server.md advises an office): it starts it with
``scripts/serve.sh start --processes N`` and stops it afterwards, or, if it was
already running with another count, puts that count back.  Not a test: it
prints figures.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.e2e.answers import CaseFileAnswerer, NoAnswer, as_json, expand_generic  # noqa: E402
from tests.holiday_answers import LIST_SCREENS  # noqa: E402

sys.path.insert(0, str(ROOT / "scripts" / "server"))
from localserver.base import Layout, default_state_dir  # noqa: E402
from localserver.web import web_pid, web_processes  # noqa: E402

LAYOUT = Layout(default_state_dir())

SERVE = ROOT / "scripts" / "serve.sh"
MEDIATOR = "docassemble.MediationAgreement:data/questions/mediation_agreement.yml"
FINAL_SCREEN = "draft"
TARGET_P95_MS = 400.0
TARGET_P95_LOADED_MS = 500.0
BOOLEAN_TYPES = {"boolean", "yesno", "noyes", "yesnoradio", "noyesradio", "yesnowide", "noyeswide", "threestate"}
TEXT_TYPES = {"text", "area", "email", "password", "ml", "mlarea"}
CHOICE_KEY = re.compile(r"\['([^']*)'\]$")


class Stuck(RuntimeError):
    """The interview showed the same screen again after it was answered."""


@dataclass
class RestClient:
    url: str
    api_key: str

    def call(self, method: str, path: str, data: dict[str, Any] | None = None, **query: str) -> Any:
        target = self.url + path + ("?" + urllib.parse.urlencode(query) if query else "")
        body = json.dumps(data).encode() if data is not None else None
        request = urllib.request.Request(target, data=body, method=method,
                                         headers={"X-API-Key": self.api_key, "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=120) as response:
                return json.loads(response.read() or b"null")
        except urllib.error.HTTPError as error:
            raise RuntimeError(f"{method} {path}: HTTP {error.code}: {error.read().decode(errors='replace')[:2000]}") from None


@dataclass
class ScreenTiming:
    screen: str
    seconds: float


@dataclass
class Run:
    timings: list[ScreenTiming] = field(default_factory=list)
    screens: list[str] = field(default_factory=list)


def screen_answers(question: dict[str, Any], answerer: CaseFileAnswerer) -> dict[str, Any]:
    """What a mediator would submit on this screen, as the REST API's ``variables``."""
    screen = str(question.get("id") or question.get("questionName"))
    kind = question.get("questionType")
    fields = [f for f in question.get("fields", []) if f.get("variable_name")]
    button = question.get("question_variable_name")  # a `continue button field` beside the fields, e.g. holiday_details_done[i]
    extra = [button] if isinstance(button, str) else []
    names = expand_generic([f["variable_name"] for f in fields] + extra, list(question.get("event_list", [])))  # its index is the fields'
    answers: dict[str, Any] = {}
    if not fields and kind in ("review", "settrue", "fields") and question.get("event_list"):
        # A review screen's Continue (its `continue button field`) or a bare Continue button.
        return {str(question["event_list"][0]): True}
    for f in fields:
        variable = names[f["variable_name"]]
        datatype = f.get("datatype")
        if kind in ("settrue", "review") or f.get("fieldtype") == "continue_button_field":
            answers[variable] = True
            continue
        if screen in LIST_SCREENS:  # the holiday list screens: ticked from the list, as the browser tests do
            answers[variable] = list_screen_answer(f, variable, answerer.holidays.value(variable))
            continue
        value = answerer.value(screen, variable, boolean=datatype in BOOLEAN_TYPES)
        if value is None and "default" in f:  # the browser shows the default already filled in
            value = f["default"]
            if datatype in BOOLEAN_TYPES and isinstance(value, str):
                value = value == "True"
        if value is None:
            # An optional field left blank: the browser posts an empty box, docassemble stores "" or None.
            value = "" if (datatype or "text") in TEXT_TYPES else None
        answers[variable] = as_json(value, datatype)
    if kind == "fields" and extra and names[extra[0]] not in answers:
        answers[names[extra[0]]] = True
    return answers


def list_screen_answer(field_spec: dict[str, Any], variable: str, value: Any) -> Any:
    """A holiday list screen's answer over the REST API: a checkbox list is a ``DADict`` of every choice
    (ticked or not), which the API builds from ``_class``; a sharing choice is its code."""
    if field_spec.get("datatype") != "checkboxes":
        return value
    keys = [match.group(1) for choice in field_spec.get("choices", []) if (match := CHOICE_KEY.search(str(choice.get("variable_name", ""))))]
    return {"_class": "docassemble.base.util.DADict", "instanceName": variable, "auto_gather": False, "gathered": True,
            "elements": {key: key in value for key in keys}}


def mediator_run(client: RestClient, case: dict[str, Any], limit: int = 400) -> Run:
    answerer = CaseFileAnswerer(case, extra={"start": {"start_from": "new"}}, holidays="list")
    session = client.call("GET", "/api/session/new", i=MEDIATOR)
    keys = {"i": MEDIATOR, "session": session["session"], "secret": session["secret"]}
    question = client.call("GET", "/api/session/question", **keys)
    run = Run()
    previous: tuple[str, str] | None = None
    for _ in range(limit):
        screen = str(question.get("id") or question.get("questionName"))
        run.screens.append(screen)
        if screen == FINAL_SCREEN:
            return run
        if question.get("questionType") in ("deadend", "response", "redirect", "exit"):
            raise RuntimeError(f"the interview ended at {screen!r} ({question.get('questionType')}) before {FINAL_SCREEN!r}")
        answers = screen_answers(question, answerer)
        signature = (screen, json.dumps(answers, sort_keys=True, default=str))
        if signature == previous:
            raise Stuck(f"screen {screen!r} came back after it was answered with {answers}; "
                        f"docassemble is looking for {question.get('event_list')}")
        previous = signature
        started = time.perf_counter()
        question = client.call("POST", "/api/session", {**keys, "variables": answers,
                                                          "question_name": question.get("questionName")})
        run.timings.append(ScreenTiming(screen, time.perf_counter() - started))
    raise RuntimeError(f"no {FINAL_SCREEN!r} screen after {limit} screens: {run.screens[-10:]}")


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def serve(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(SERVE), *args], capture_output=True, text=True, cwd=ROOT)


class LocalServer:
    """The local server run with ``processes`` web processes for a benchmark: started if it was not running,
    restarted if it ran with another count; :meth:`restore` leaves it as it was found."""

    def __init__(self, processes: int) -> None:
        self.started_here = serve("status").returncode != 0
        self.previous = None if self.started_here else (web_processes(LAYOUT) or 1)
        if self.started_here or self.previous != processes:
            print(f"starting the local docassemble server with {processes} web worker process(es) "
                  f"(scripts/serve.sh start --processes {processes}) ...", flush=True)
            result = serve("start", "--processes", str(processes))
            if result.returncode != 0:
                raise RuntimeError(result.stdout + result.stderr)
        self.processes = processes

    def restore(self) -> None:
        if self.started_here:
            serve("stop")
        elif self.previous is not None and self.previous != self.processes:
            serve("start", "--processes", str(self.previous))


def web_processes_now() -> list[int]:
    """The local server's web process and its workers (empty if it is not running)."""
    pid = web_pid(LAYOUT)
    return [] if pid is None else [pid, *children(pid)]


def web_rss_mb() -> float | None:
    """Resident memory of the local server's web processes, in MB; None if unknown."""
    total = 0
    pids = web_processes_now()
    for candidate in pids:
        try:
            for line in Path(f"/proc/{candidate}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024 if pids else None


def children(pid: int) -> list[int]:
    try:
        found = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return []
    out = [int(c) for c in found]
    for c in list(out):
        out += children(c)
    return out


def web_cpu_seconds() -> float | None:
    """Processor time (user + system) used so far by the local server's web processes; None if unknown."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    pids = web_processes_now()
    for candidate in pids:
        try:
            fields = Path(f"/proc/{candidate}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / ticks  # utime, stime
    return total if pids else None


def api_key_check_ms(client: RestClient, count: int = 15) -> float:
    """What docassemble's API key check adds to each REST call: ``GET /api/user`` (key checked, one row read)
    less ``GET /health_check`` (no key), medians of ``count``."""
    def median_ms(path: str, key: bool) -> float:
        times = []
        for _ in range(count):
            request = urllib.request.Request(client.url + path, headers={"X-API-Key": client.api_key} if key else {})
            started = time.perf_counter()
            with urllib.request.urlopen(request, timeout=60) as response:
                response.read()
            times.append((time.perf_counter() - started) * 1000)
        return statistics.median(times)

    return median_ms("/api/user", True) - median_ms("/health_check", False)


def at_once[T](jobs: list[Callable[[], T]], deadline: float) -> tuple[list[T], list[str]]:
    """Run every job at the same time, each in its own thread: the results of those that finished, and the errors
    (a job still running after ``deadline`` seconds counts as one)."""
    results: list[T] = []
    errors: list[str] = []
    lock = threading.Lock()

    def one(job: Callable[[], T]) -> None:
        try:
            result = job()
            with lock:
                results.append(result)
        except Exception as error:  # noqa: BLE001 - a benchmark counts every failure
            with lock:
                errors.append(f"{type(error).__name__}: {str(error)[:200]}")

    threads = [threading.Thread(target=one, args=(job,), daemon=True) for job in jobs]
    stop_at = time.monotonic() + deadline
    for t in threads:
        t.start()
    for t in threads:
        t.join(max(0.0, stop_at - time.monotonic()))
    unfinished = sum(t.is_alive() for t in threads)
    if unfinished:
        errors.append(f"{unfinished} run(s) not finished within {deadline:.0f} s")
    return results, errors


def report_ms(label: str, ms: list[float], target_ms: float) -> dict[str, Any]:
    """Print p50 / p95 / max of screen times in milliseconds against the p95 target; return them."""
    p50, p95 = percentile(ms, 0.50), percentile(ms, 0.95)
    print(f"  {label}: p50 {p50:.0f} ms, p95 {p95:.0f} ms, max {max(ms):.0f} ms over {len(ms)} screens "
          f"(target p95 <= {target_ms:.0f} ms: {'met' if p95 <= target_ms else 'NOT met'})", flush=True)
    return {"p50_ms": p50, "p95_ms": p95, "max_ms": max(ms), "screens": len(ms)}


def report(label: str, runs: list[Run], target_ms: float) -> dict[str, Any]:
    timings = [t for run in runs for t in run.timings]
    return report_ms(label, [t.seconds * 1000 for t in timings], target_ms) | {"timings": timings}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="whole mediator runs to time for one user (after one warm-up run)")
    parser.add_argument("--users", default="1,10,25", help="concurrent users at each level after the first (comma-separated)")
    parser.add_argument("--deadline", type=float, default=600.0, help="seconds a level may take before it stops")
    parser.add_argument("--case", type=Path, default=ROOT / "examples" / "cases" / "joint-two-children.yml")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--processes", type=int, default=min(os.cpu_count() or 1, 4),
                        help="web worker processes to run the server with (default: one per core, at most 4)")
    args = parser.parse_args()
    levels = [int(u) for u in args.users.split(",") if u.strip()]

    try:
        server = LocalServer(args.processes)
    except RuntimeError as error:
        print(error, file=sys.stderr)
        return 1
    figures: dict[str, Any] = {}
    try:
        info = json.loads(serve("info", "--json").stdout)
        client = RestClient(info["url"], info["admin"]["api_key"])
        case = yaml.safe_load(args.case.read_text(encoding="utf-8"))
        mediator_run(client, case)  # warm-up: first parse of interviews, caches
        print(f"mediator interview over the REST API, {args.case.name} (the local server: scripts/serve.sh)", flush=True)
        runs = [mediator_run(client, case) for _ in range(args.runs)]
        one = report(f"1 user, {len(runs)} runs x {len(runs[0].timings)} screens", runs, TARGET_P95_MS)
        figures["1"] = {k: v for k, v in one.items() if k != "timings"}
        for users in (u for u in levels if u > 1):
            before, cpu_before = web_rss_mb(), web_cpu_seconds()
            started = time.perf_counter()
            loaded, errors = at_once([lambda: mediator_run(client, case)] * users, args.deadline)
            after, cpu_after = web_rss_mb(), web_cpu_seconds()
            memory = f"web process memory {before:.0f} -> {after:.0f} MB" if before is not None and after is not None else "memory not read"
            if loaded:
                screens = sum(len(run.timings) for run in loaded)
                cpu = f", server processor time {1000 * (cpu_after - cpu_before) / screens:.0f} ms per screen" if cpu_before is not None and cpu_after is not None else ""
                figure = report(f"{users} users at once, {len(loaded)} of {users} runs finished in {time.perf_counter() - started:.0f} s, "
                                f"{len(errors)} error(s), {memory}{cpu}", loaded, TARGET_P95_LOADED_MS)
                figures[str(users)] = {k: v for k, v in figure.items() if k != "timings"} | {"errors": errors}
            for error in errors[:3]:
                print(f"    error: {error}", flush=True)
        key_ms = api_key_check_ms(client)
        figures["api_key_check_ms"] = key_ms
        print(f"  of each screen's time over the REST API, docassemble's own API key check (PBKDF2-SHA256, 100,000 rounds, "
              f"on every call) is about {key_ms:.0f} ms with the server otherwise idle; a person in a browser does not pay it", flush=True)
    except (Stuck, NoAnswer, RuntimeError) as error:
        print(f"bench_server_latency: {error}", file=sys.stderr)
        return 1
    finally:
        server.restore()

    by_screen: dict[str, list[float]] = {}
    for t in one["timings"]:
        by_screen.setdefault(t.screen, []).append(t.seconds * 1000)
    slowest = sorted(by_screen.items(), key=lambda kv: -statistics.median(kv[1]))[:5]
    print("  slowest screens for one user (median): " + ", ".join(f"{name} {statistics.median(v):.0f} ms" for name, v in slowest))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2, default=str) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
