"""Serve docassemble's Flask application on the loopback interface.

Run by ``scripts/serve.py`` with the server's virtual environment
(``.serve/venv/bin/python``) and ``DA_CONFIG_FILE`` pointing at the generated
configuration.  A docassemble Docker image puts nginx and uWSGI in front of the
same application object; for one mediator's machine or a CI job, Werkzeug's
threaded server is enough and needs nothing else installed.

Usage: run_server.py --host 127.0.0.1 --port 8080
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import time
from types import FrameType


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    if "DA_CONFIG_FILE" not in os.environ:
        raise SystemExit("run_server.py: DA_CONFIG_FILE is not set (start the server with scripts/serve.py)")

    def stop(signum: int, _frame: FrameType | None) -> None:
        print(f"run_server: received signal {signum}, stopping", flush=True)
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    started = time.monotonic()
    print(f"run_server: loading docassemble (config {os.environ['DA_CONFIG_FILE']})", flush=True)
    import docassemble.base.config

    docassemble.base.config.load()  # type: ignore[no-untyped-call]
    from docassemble.webapp.server import app  # type: ignore[import-untyped]  # initializes the application
    from werkzeug.serving import run_simple

    print(f"run_server: application loaded in {time.monotonic() - started:.1f} s", flush=True)
    logging.getLogger("werkzeug").setLevel(logging.INFO)
    print(f"run_server: serving on http://{args.host}:{args.port}/", flush=True)
    run_simple(args.host, args.port, app, threaded=True, use_reloader=False, use_debugger=False)


if __name__ == "__main__":
    main()
