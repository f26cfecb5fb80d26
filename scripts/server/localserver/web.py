"""The docassemble web process: start, wait until it answers, stop."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from pathlib import Path

from .base import BOOT_TIMEOUT, HOST, SERVER_FILES, Layout, Ports, ServeError, check_port_free, cmdline, descends_from, http_get, listeners, pid_alive, port_holder, read_pid, say
from .settings import interview_files, server_env


def web_pid(layout: Layout) -> int | None:
    """The pid of the web process we started, if it is still that process."""
    pid = read_pid(layout.web_pid)
    if pid is None or not pid_alive(pid):
        return None
    for _ in range(20):  # /proc/<pid>/cmdline reads empty for a moment around exec()
        line = cmdline(pid)
        if line:
            return pid if "run_server.py" in line else None
        time.sleep(0.05)
    return None


def web_processes(layout: Layout) -> int | None:
    """How many worker processes the running web server was started with (None: not recorded)."""
    try:
        return int(processes_file(layout).read_text().strip())
    except (OSError, ValueError):
        return None


def processes_file(layout: Layout) -> Path:
    return layout.run / "web.processes"


def start_web(layout: Layout, ports: Ports, processes: int = 1) -> subprocess.Popen[bytes]:
    check_port_free(layout, ports.web, "docassemble")
    layout.run.mkdir(parents=True, exist_ok=True)
    workers = f", {processes} worker processes" if processes > 1 else ""
    say(f"starting docassemble on http://{HOST}:{ports.web}/{workers} (log {layout.server_log})")
    with layout.server_log.open("a") as log:
        log.write(f"\n===== {time.strftime('%Y-%m-%d %H:%M:%S')} start on port {ports.web}\n")
        log.flush()
        process = subprocess.Popen(
            [str(layout.python), str(SERVER_FILES / "run_server.py"), "--host", HOST, "--port", str(ports.web), "--processes", str(processes)],
            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, cwd=layout.da,
            env={**os.environ, **server_env(layout)}, start_new_session=True,
        )
    layout.web_pid.write_text(f"{process.pid}\n")
    processes_file(layout).write_text(f"{processes}\n")
    return process


def wait_ready(layout: Layout, ports: Ports, process: subprocess.Popen[bytes], timeout: float = BOOT_TIMEOUT) -> float:
    started = time.monotonic()
    url = f"http://{HOST}:{ports.web}/health_check"
    while True:
        if http_get(url, timeout=5) == 200:
            holders = listeners(ports.web)
            if holders and not any(descends_from(pid, process.pid) for pid in holders):
                raise ServeError(f"{url} answered, but from {port_holder(ports.web)}, not the server this started (pid {process.pid}); see {layout.server_log}")
            return time.monotonic() - started
        if process.poll() is not None:
            tail = "".join(layout.server_log.read_text(errors="replace").splitlines(keepends=True)[-30:])
            raise ServeError(f"the docassemble process exited during start-up; end of {layout.server_log}:\n{tail}")
        if time.monotonic() - started > timeout:
            raise ServeError(f"docassemble did not answer {url} within {timeout:.0f} s; see {layout.server_log}")
        time.sleep(0.5)


def stop_web(layout: Layout) -> None:
    pid = web_pid(layout)
    if pid is None:
        layout.web_pid.unlink(missing_ok=True)
        return
    say(f"stopping docassemble (pid {pid})")
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + 20
    while pid_alive(pid) and time.monotonic() < deadline:
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)
        time.sleep(0.2)
    if pid_alive(pid) and "run_server.py" in cmdline(pid):
        os.kill(pid, signal.SIGKILL)
    layout.web_pid.unlink(missing_ok=True)


def warm_up(ports: Ports, processes: int = 1) -> None:
    """Load each interview a few times per worker process (the kernel hands each request to whichever worker
    accepts it), so the first visitor does not wait for docassemble to parse it."""
    for _ in range(2 * processes - 1):
        for ref in interview_files():
            http_get(f"http://{HOST}:{ports.web}/interview?i={ref}&reset=1", timeout=60)


def api_key_works(ports: Ports, key: str) -> bool:
    return http_get(f"http://{HOST}:{ports.web}/api/user", timeout=10, headers={"X-API-Key": key}) == 200  # not in the URL: the server log keeps URLs
