"""Run a real docassemble server for this package on 127.0.0.1 (``make serve``).

    scripts/serve.sh start [--port 8080]   # install what is missing, start, print the URLs
    scripts/serve.sh start --processes 2   # the same with two web worker processes (one per core)
    scripts/serve.sh stop                  # stop what start started
    scripts/serve.sh status                # is it up? (exit 0 yes, 3 no)
    scripts/serve.sh info --json           # URLs, ports, admin login (for tests and benchmarks)
    eval "$(scripts/serve.sh env)"         # point `mediation-agreement case ...` at the server's case store
    scripts/serve.sh dist                  # dist/*.zip and *.whl for a standard docassemble server

Everything lives under ``.serve/`` (git-ignored; ``SERVE_DIR`` moves it):

    venv/             Python 3.12 environment: docassemble.webapp from PyPI + this package's wheel
    dist/             the wheels installed into it (built from a clean copy of the sources)
    postgres/         a PostgreSQL cluster of the system's binaries, listening on 127.0.0.1 only
    redis/            a Redis of the system's package, bound to 127.0.0.1, password protected
    mailbox/          every e-mail the server sends (a Maildir), from a local SMTP server on 127.0.0.1
    config/           config.yml and the generated secrets (owner-only)
    credentials.json  the admin login and API key it generated (owner-only)
    da/               docassemble's uploads, packages and ready file
    log/              server.log (the web process), docassemble.log, create_tables.log
    run/              pid files

Each step (one module each in ``scripts/server/localserver/``) is skipped when its stamp
in ``stamps/`` says nothing changed, so a second ``start`` costs little more than the
server's own boot (about 6 s here).  When the package's sources change, ``start``
rebuilds the wheel, reinstalls it and restarts the web process.

Ports (each kept for later runs once chosen; on a first start, a default port
another program holds is replaced by a free one, and a port that is asked for
but held stops the start at once, naming the process that holds it):
``--port`` (``make serve PORT=9000``) or
``SERVE_PORT`` (web, default 8080), ``SERVE_PG_PORT`` (55432), ``SERVE_REDIS_PORT``
(56379), ``SERVE_SMTP_PORT`` (58025, the local mailbox).  Only the standard library is used here, so any Python >= 3.12 runs it
(``scripts/serve.sh`` finds one).  docs/server.md has the whole story.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import sys
import time
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "server"))  # scripts/server/localserver: the steps

from localserver.base import HOST, ROOT, Layout, Ports, ServeError, chosen_ports, clear_stamp, default_state_dir, http_get, locked, say, write_private
from localserver.mailbox import ensure_mailbox, smtp_answers, stop_mailbox
from localserver.postgres import ensure_postgres, pg_running, stop_postgres
from localserver.python_env import build_distributions, ensure_venv, ensure_wheel
from localserver.redis_server import ensure_redis, redis_running, stop_redis
from localserver.settings import dispatch, ensure_case_store, ensure_office_seal, ensure_tables, load_secrets, seal_folder, store_url, write_config
from localserver.system import ensure_system
from localserver.web import api_key_works, start_web, stop_web, wait_ready, warm_up, web_pid, web_processes


def info(layout: Layout, ports: Ports) -> dict[str, object]:
    values = load_secrets(layout) if layout.secrets.exists() else {}
    base = f"http://{HOST}:{ports.web}"
    return {
        "url": base,
        "ports": {"web": ports.web, "postgres": ports.pg, "redis": ports.redis, "smtp": ports.smtp},
        "mailbox": str(layout.mailbox),
        "interviews": {name: f"{base}/start/{name}" for name in dispatch()},
        "interview_refs": {name: ref for name, ref in dispatch().items()},
        "login": f"{base}/user/sign-in",
        "admin": {"email": values.get("admin_email"), "password": values.get("admin_password"),
                  "api_key": values.get("admin_api_key")},
        "state": str(layout.state),
        "config": str(layout.config),
        "server_log": str(layout.server_log),
        "docassemble_log": str(layout.log / "docassemble.log"),
        "credentials": str(layout.credentials),
        "store": {"url": store_url(ports, values) if values else None, "key": values.get("store_key")},
        "seal_ca": str(seal_folder(layout) / "ca.pem"),
    }


def print_summary(details: dict[str, object]) -> None:
    admin = details["admin"]
    assert isinstance(admin, dict)
    interviews = details["interviews"]
    assert isinstance(interviews, dict)
    print()
    print(f"docassemble is running at {details['url']}/")
    if interviews:
        print("interviews:")
        width = max(len(name) for name in interviews)
        for name, url in interviews.items():
            print(f"  {name:<{width}}  {url}")
    else:
        print("interviews: none yet (interviews/*.yml is empty)")
    print(f"admin login: {details['login']}")
    print(f"  email     {admin['email']}")
    print(f"  password  {admin['password']}")
    print(f"  (also the API key; stored owner-only in {details['credentials']})")
    print(f"mail the server sends (to parents): {details['mailbox']}/new/ (a Maildir; nothing leaves this machine)")
    print(f"server log: {details['server_log']}")
    print("stop it with: make stop")


def start(layout: Layout, ports: Ports, extra_packages: Sequence[Path], debug: bool, processes: int | None = None) -> dict[str, object]:
    started = time.monotonic()
    ensure_system(layout)
    values = load_secrets(layout)
    last = chosen_ports(layout, None, use_env=False)
    if (last.pg, last.redis) != (ports.pg, ports.redis):
        say("the PostgreSQL or Redis port changed: restarting them on the new ports")
        stop(layout, last)
    ensure_postgres(layout, ports, values["db_password"])
    ensure_redis(layout, ports, values["redis_password"])
    changed = ensure_venv(layout)
    ensure_mailbox(layout, ports)
    changed |= ensure_wheel(layout, ROOT, force=changed)
    for extra in extra_packages:
        changed |= ensure_wheel(layout, extra.resolve(), force=changed)
    ensure_office_seal(layout)
    changed |= write_config(layout, ports, values, debug)
    layout.settings.write_text(json.dumps({"web": ports.web, "pg": ports.pg, "redis": ports.redis, "smtp": ports.smtp}) + "\n")
    details = info(layout, ports)
    write_private(layout.credentials, json.dumps({k: details[k] for k in ("url", "login", "admin", "interviews")},
                                                 indent=2) + "\n")
    ensure_tables(layout)
    ensure_case_store(layout, ports, values)
    wanted = processes or 1
    if web_pid(layout) is not None and changed:
        say("the package or the configuration changed: restarting docassemble")
        stop_web(layout)
    if web_pid(layout) is not None and web_processes(layout) != wanted:
        say(f"restarting docassemble with {wanted} worker process{'es' if wanted > 1 else ''}")
        stop_web(layout)
    if web_pid(layout) is None:
        process = start_web(layout, ports, wanted)
        took = wait_ready(layout, ports, process)
        say(f"docassemble answered after {took:.0f} s")
        warm_up(ports, wanted)
    if not api_key_works(ports, values["admin_api_key"]):
        # The key lives in Redis; a Redis that lost its data loses it.  create_tables puts it back.
        clear_stamp(layout, "tables")
        ensure_tables(layout)
        if not api_key_works(ports, values["admin_api_key"]):
            raise ServeError(f"the admin API key is refused by {details['url']}/api/user; see {layout.log / 'docassemble.log'}")
    say(f"ready in {time.monotonic() - started:.0f} s")
    return details


def stop(layout: Layout, ports: Ports, web_only: bool = False) -> None:
    stop_web(layout)
    if web_only:
        say("stopped docassemble (PostgreSQL, Redis and the mailbox left running)")
        return
    stop_mailbox(layout)
    if layout.secrets.exists():
        stop_redis(layout, ports, load_secrets(layout)["redis_password"])
    stop_postgres(layout)
    say("stopped")


def running(layout: Layout, ports: Ports) -> dict[str, bool]:
    """Which of the three processes `start` manages are up now."""
    pid = web_pid(layout)
    redis_password = load_secrets(layout)["redis_password"] if layout.secrets.exists() else ""
    return {
        "web": pid is not None and http_get(f"http://{HOST}:{ports.web}/health_check") == 200,
        "postgres": pg_running(layout),
        "redis": bool(redis_password) and redis_running(ports, redis_password),
        "mailbox": smtp_answers(ports),
    }


def status(layout: Layout, ports: Ports, as_json: bool) -> bool:
    up = running(layout, ports)
    if as_json:
        print(json.dumps(up))
    else:
        say(f"docassemble {'running' if up['web'] else 'not running'} on http://{HOST}:{ports.web}/; "
            f"PostgreSQL {'running' if up['postgres'] else 'stopped'} on {HOST}:{ports.pg}; "
            f"Redis {'running' if up['redis'] else 'stopped'} on {HOST}:{ports.redis}")
    return up["web"]


def web_process_count(option: int | None) -> int:
    """``--processes``, else ``SERVE_PROCESSES``, else 1; refused outside 1..16."""
    given = os.environ.get("SERVE_PROCESSES", "").strip() if option is None else str(option)
    if not given:
        return 1
    if not given.isdigit() or not 1 <= int(given) <= 16:
        raise ServeError(f"{'--processes' if option is not None else 'SERVE_PROCESSES'} must be a whole number from 1 to 16, not {given!r}")
    return int(given)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog=__doc__.split("\n\n", 1)[1])
    parser.add_argument("command", nargs="?", default="start", choices=["start", "stop", "restart", "status", "info", "env", "dist"])
    parser.add_argument("--port", type=int, help="web port on 127.0.0.1 (default: SERVE_PORT, else the last one used, else 8080)")
    parser.add_argument("--extra-package", type=Path, action="append", default=[], metavar="DIR",
                        help="also build and install this docassemble package folder (the e2e tests' smoke interview)")
    parser.add_argument("--debug", action="store_true", help="docassemble's debug mode (shows each screen's source)")
    parser.add_argument("--processes", type=int, metavar="N",
                        help="web worker processes sharing the port (default: SERVE_PROCESSES, else 1); "
                        "one per core for many users at once (docs/server.md)")
    parser.add_argument("--json", action="store_true", help="info, status: print JSON")
    parser.add_argument("--web-only", action="store_true",
                        help="stop: stop the docassemble process only, leave PostgreSQL and Redis running")
    args = parser.parse_args(argv)
    layout = Layout(default_state_dir())
    ports = chosen_ports(layout, args.port, pick_free=args.command in ("start", "restart"))
    try:
        if args.command == "info":
            details = info(layout, ports)
            print(json.dumps(details, indent=2) if args.json else "\n".join(f"{k}: {v}" for k, v in details.items()))
            return 0
        if args.command == "dist":
            for path in build_distributions(layout, ROOT / "dist"):
                print(path.relative_to(ROOT))
            return 0
        if args.command == "env":
            details = info(layout, ports)
            store = details["store"]
            assert isinstance(store, dict)
            print(f"export MEDIATION_STORE_URL={shlex.quote(str(store['url']))}")
            print(f"export MEDIATION_STORE_KEY={shlex.quote(str(store['key']))}")
            return 0
        if args.command == "status":
            return 0 if status(layout, ports, args.json) else 3
        with locked(layout):
            if args.command in ("stop", "restart"):
                stop(layout, ports, web_only=args.web_only)
            if args.command in ("start", "restart"):
                print_summary(start(layout, ports, args.extra_package, args.debug, web_process_count(args.processes)))
    except ServeError as error:
        print(f"serve: error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
