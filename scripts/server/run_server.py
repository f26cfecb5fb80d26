"""Serve docassemble's Flask application on the loopback interface.

Run by ``scripts/serve.py`` with the server's virtual environment
(``.serve/venv/bin/python``) and ``DA_CONFIG_FILE`` pointing at the generated
configuration.  A docassemble Docker image puts nginx and uWSGI in front of the
same application object; for one mediator's machine or a CI job, Werkzeug's
threaded server is enough and needs nothing else installed.

Python runs one request's Python at a time in a process, so with
``--processes N`` (more than 1) this binds the port once and forks N worker
processes that share it, each loading docassemble itself (nothing opened before
the fork is shared) and serving with threads, as uWSGI's ``processes`` and
``threads`` do.  The first process stays as their parent: SIGTERM to it stops
them all, and if one worker dies the others are stopped too.

Usage: run_server.py --host 127.0.0.1 --port 8080 [--processes N]
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import socket
import sys
import time
from types import FrameType
from typing import Any


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--processes", type=int, default=1, help="web worker processes sharing the port (default 1)")
    args = parser.parse_args()
    if "DA_CONFIG_FILE" not in os.environ:
        raise SystemExit("run_server.py: DA_CONFIG_FILE is not set (start the server with scripts/serve.py)")
    if args.processes <= 1:
        serve_one(args.host, args.port)
    else:
        serve_forked(args.host, args.port, args.processes)


def load_application() -> Any:
    started = time.monotonic()
    print(f"run_server[{os.getpid()}]: loading docassemble (config {os.environ['DA_CONFIG_FILE']})", flush=True)
    import docassemble.base.config

    docassemble.base.config.load()  # type: ignore[no-untyped-call]
    from docassemble.webapp.server import app  # type: ignore[import-untyped]  # initializes the application

    print(f"run_server[{os.getpid()}]: application loaded in {time.monotonic() - started:.1f} s", flush=True)
    logging.getLogger("werkzeug").setLevel(logging.INFO)
    return app


def serve_one(host: str, port: int) -> None:
    def stop(signum: int, _frame: FrameType | None) -> None:
        print(f"run_server: received signal {signum}, stopping", flush=True)
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    app = load_application()
    from werkzeug.serving import run_simple

    print(f"run_server: serving on http://{host}:{port}/", flush=True)
    run_simple(host, port, app, threaded=True, use_reloader=False, use_debugger=False)


def serve_forked(host: str, port: int, count: int) -> None:
    listener = socket.create_server((host, port), backlog=128)  # SO_REUSEADDR, as Werkzeug sets it
    listener.set_inheritable(True)
    workers: list[int] = []
    for _ in range(count):
        pid = os.fork()
        if pid == 0:
            worker(host, port, listener)
        workers.append(pid)
    listener.close()

    def stop(signum: int, _frame: FrameType | None) -> None:
        print(f"run_server: received signal {signum}, stopping {len(workers)} worker(s)", flush=True)
        end(workers)
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    print(f"run_server: {count} worker processes on http://{host}:{port}/ (pids {', '.join(map(str, workers))})", flush=True)
    pid, status = os.wait()  # one worker ended on its own: stop the rest, so the server is all up or all down
    workers.remove(pid)
    print(f"run_server: worker {pid} ended (status {status}); stopping the others", flush=True)
    end(workers)
    sys.exit(1)


def worker(host: str, port: int, listener: socket.socket) -> None:
    """One forked worker: its own docassemble, serving the shared socket with threads; never returns."""
    signal.signal(signal.SIGTERM, lambda _signum, _frame: os._exit(0))
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        app = load_application()
        from werkzeug.serving import make_server

        server = make_server(host, port, app, threaded=True, fd=listener.fileno())
        print(f"run_server[{os.getpid()}]: serving on http://{host}:{port}/", flush=True)
        server.serve_forever()
    except BaseException as exc:  # noqa: BLE001 - a worker reports why it stopped and exits; the parent stops the rest
        print(f"run_server[{os.getpid()}]: stopped: {type(exc).__name__}: {exc}", flush=True)
        os._exit(1)
    os._exit(0)


def end(workers: list[int]) -> None:
    for pid in workers:
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            continue
    deadline = time.monotonic() + 15
    for pid in workers:
        while time.monotonic() < deadline:
            try:
                done, _ = os.waitpid(pid, os.WNOHANG)
            except ChildProcessError:
                break
            if done:
                break
            time.sleep(0.1)
        else:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


if __name__ == "__main__":
    main()
