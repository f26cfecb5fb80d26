"""A PostgreSQL cluster of the system's binaries, in .serve/postgres/, on 127.0.0.1 only."""

from __future__ import annotations

import hashlib
import os
import secrets
import shutil
import subprocess
import tempfile
from pathlib import Path

from .base import HOST, STORE_DB, Layout, Ports, ServeError, as_root, check_port_free, run, say


def pg_bindir() -> Path | None:
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"), key=lambda p: int(p.parent.parent.name)
                      if p.parent.parent.name.isdigit() else 0)
    if versions:
        return versions[-1].parent
    found = shutil.which("pg_ctl")
    return Path(found).parent if found else None


def pg_user() -> str | None:
    """PostgreSQL refuses to run as root: as root we run it as the `postgres` system user."""
    return "postgres" if as_root() else None


def pg_paths(layout: Layout) -> tuple[Path, Path, Path]:
    """(data, socket dir, log) of the cluster; under .serve/ unless the `postgres` user cannot reach it."""
    base = layout.pg
    if as_root():
        probe = subprocess.run(["runuser", "-u", "postgres", "--", "test", "-x", str(layout.state)], capture_output=True)
        if probe.returncode != 0:
            # e.g. a checkout under /root (mode 700): keep the cluster where `postgres` can write.
            tag = hashlib.sha256(str(layout.state).encode()).hexdigest()[:10]
            base = Path("/var/lib/postgresql") / f"mediation-serve-{tag}"
    return base / "data", base / "run", base / "postgres.log"


def pg_running(layout: Layout) -> bool:
    bindir = pg_bindir()
    data, _, _ = pg_paths(layout)
    if bindir is None or not (data / "PG_VERSION").exists():
        return False
    user = pg_user()
    command = [str(bindir / "pg_ctl"), "-D", str(data), "status"]
    if user:
        command = ["runuser", "-u", user, "--", *command]
    return subprocess.run(command, capture_output=True).returncode == 0


def ensure_postgres(layout: Layout, ports: Ports, db_password: str) -> None:
    bindir = pg_bindir()
    if bindir is None:
        raise ServeError("PostgreSQL's pg_ctl was not found (is the postgresql package installed?)")
    data, sockets, log = pg_paths(layout)
    user = pg_user()
    base = data.parent
    if not (data / "PG_VERSION").exists():
        say(f"creating a PostgreSQL cluster in {data}")
        base.mkdir(parents=True, exist_ok=True)
        if user:
            shutil.chown(base, user, user)
        base.chmod(0o700)
        with tempfile.NamedTemporaryFile("w", dir=base, delete=False) as pwfile:
            pwfile.write(secrets.token_urlsafe(24))
        if user:
            shutil.chown(pwfile.name, user, user)
        try:
            run([bindir / "initdb", "-D", data, "-U", "postgres", "--pwfile", pwfile.name, "-E", "UTF8",
                 "--locale", "C.UTF-8", "--auth-local", "trust", "--auth-host", "scram-sha-256"],
                user=user, what="initdb", log=layout.log / "postgres-setup.log")
        finally:
            os.unlink(pwfile.name)
    for folder in (sockets,):
        folder.mkdir(parents=True, exist_ok=True)
        if user:
            shutil.chown(folder, user, user)
        folder.chmod(0o700)  # the socket trusts local connections: only its owner (and root) may reach it
    if not pg_running(layout):
        check_port_free(layout, ports.pg, "PostgreSQL")
        say(f"starting PostgreSQL on {HOST}:{ports.pg}")
        if user:
            log.touch()
            shutil.chown(log, user, user)
        options = f"-c listen_addresses={HOST} -p {ports.pg} -k {sockets}"
        run([bindir / "pg_ctl", "-D", data, "-l", log, "-o", options, "-w", "-t", "60", "start"],
            user=user, what=f"starting PostgreSQL (see {log})")
    psql: list[str | Path] = [bindir / "psql", "-h", sockets, "-p", str(ports.pg), "-U", "postgres", "-d", "postgres",
                              "-v", "ON_ERROR_STOP=1", "-tAc"]
    roles = run([*psql, "SELECT 1 FROM pg_roles WHERE rolname='docassemble'"], user=user, what="psql")
    quoted = db_password.replace("'", "''")
    verb = "ALTER" if roles.strip() == "1" else "CREATE"
    # Through stdin, so the password shows in no process list.
    run(psql[:-1], user=user, what="creating the database role", stdin=f"{verb} ROLE docassemble LOGIN PASSWORD '{quoted}';\n")
    for database in sorted({"docassemble", STORE_DB}):
        if run([*psql, f"SELECT 1 FROM pg_database WHERE datname='{database}'"], user=user, what="psql").strip() != "1":
            say(f"creating the {database} database")
            run([*psql, f"CREATE DATABASE {database} OWNER docassemble ENCODING 'UTF8' TEMPLATE template0"], user=user,
                what=f"creating the {database} database")


def stop_postgres(layout: Layout) -> None:
    bindir = pg_bindir()
    data, _, _ = pg_paths(layout)
    if bindir is None or not pg_running(layout):
        return
    say("stopping PostgreSQL")
    run([bindir / "pg_ctl", "-D", data, "-m", "fast", "-w", "stop"], user=pg_user(), what="stopping PostgreSQL")
