"""A real PostgreSQL server for the tests: no mock, no shared system service.

``postgres_server`` (session scope) runs ``initdb`` into a fresh temporary
folder and starts ``pg_ctl`` on a free loopback port, as the ``postgres`` OS
user when the tests run as root (``initdb`` refuses root), and stops it and
deletes the folder afterwards.  ``postgres_url`` gives each test its own new
database on that server; ``store_url`` runs a test twice, on an SQLite file
and on such a database (the PostgreSQL run is marked ``slow``).  Use them by
importing into a test module::

    from postgres import postgres_server, postgres_url, store_url  # noqa: F401 (fixtures)

Binaries are looked for under ``/usr/lib/postgresql/*/bin`` (Debian/Ubuntu;
``scripts/install-postgres.sh`` installs them), then ``$PG_BIN`` and ``PATH``.
Without PostgreSQL (or psycopg2) the tests that need it are *skipped* — unless
``CI`` is set, where they *fail* so a CI run cannot pass without them.
``MEDIATION_TEST_POSTGRES_URL=postgresql://user@host:port/db`` uses an existing
server instead (each test still gets its own database).
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

__all__ = ["PostgresServer", "find_postgres_bin", "postgres_server", "postgres_url", "store_url"]


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def _unavailable(reason: str) -> None:
    if _in_ci():
        pytest.fail(f"PostgreSQL is required when CI is set: {reason} (run scripts/install-postgres.sh)", pytrace=False)
    pytest.skip(f"PostgreSQL not available: {reason} (run scripts/install-postgres.sh)")


def find_postgres_bin() -> Path | None:
    """The folder holding ``initdb`` and ``pg_ctl`` (newest version first)."""

    def version(path: str) -> tuple[int, ...]:
        parts = Path(path).parts
        try:
            return tuple(int(x) for x in parts[-3].split("."))
        except ValueError:
            return (0,)

    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=version, reverse=True)
    if os.environ.get("PG_BIN"):
        candidates.insert(0, str(Path(os.environ["PG_BIN"]) / "initdb"))
    which = shutil.which("initdb")
    if which:
        candidates.append(which)
    for initdb in candidates:
        folder = Path(initdb).parent
        if (folder / "initdb").is_file() and (folder / "pg_ctl").is_file():
            return folder
    return None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class PostgresServer:
    """A running server; ``url(db)`` is an SQLAlchemy URL for one of its databases."""

    host: str
    port: int
    user: str
    admin_db: str = "postgres"
    data_dir: Path | None = None
    bin_dir: Path | None = None
    run_as: str | None = None

    def url(self, database: str) -> str:
        return f"postgresql://{self.user}@{self.host}:{self.port}/{database}"

    def create_database(self) -> str:
        """A new empty database; returns its URL."""
        import psycopg2

        name = "t_" + uuid.uuid4().hex[:16]
        conn = psycopg2.connect(host=self.host, port=self.port, user=self.user, dbname=self.admin_db)
        try:
            conn.autocommit = True
            with conn.cursor() as cur:
                cur.execute(f'CREATE DATABASE "{name}"')
        finally:
            conn.close()
        return self.url(name)

    def stop(self) -> None:
        if self.data_dir is None or self.bin_dir is None:
            return
        _run(self, [str(self.bin_dir / "pg_ctl"), "-D", str(self.data_dir), "-m", "immediate", "-w", "stop"], check=False)
        shutil.rmtree(self.data_dir, ignore_errors=True)


def _run(server: PostgresServer, argv: list[str], *, check: bool = True) -> subprocess.CompletedProcess[str]:
    if server.run_as:
        argv = ["runuser", "-u", server.run_as, "--", *argv]
    result = subprocess.run(argv, capture_output=True, text=True, timeout=120, check=False)
    if check and result.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    return result


def start_postgres() -> PostgresServer:
    """initdb + pg_ctl start on a free loopback port; the caller stops it."""
    bin_dir = find_postgres_bin()
    if bin_dir is None:
        _unavailable("no initdb/pg_ctl found under /usr/lib/postgresql/*/bin, $PG_BIN or PATH")
        raise AssertionError("unreachable")
    run_as: str | None = None
    if os.geteuid() == 0:
        import pwd

        try:
            pwd.getpwnam("postgres")
        except KeyError:
            _unavailable("running as root and there is no 'postgres' user for initdb to run as")
        run_as = "postgres"
    data_dir = Path(tempfile.mkdtemp(prefix="ma-pg-"))
    os.chmod(data_dir, 0o700)
    if run_as:
        shutil.chown(data_dir, user=run_as, group=None)
    server = PostgresServer(host="127.0.0.1", port=0, user="postgres", data_dir=data_dir / "data", bin_dir=bin_dir, run_as=run_as)
    try:
        _run(server, [str(bin_dir / "initdb"), "-D", str(server.data_dir), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-locale", "--no-sync"])
        last_error = ""
        for _attempt in range(5):
            server.port = _free_port()
            options = f"-p {server.port} -h 127.0.0.1 -k {data_dir} -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=50"
            result = _run(
                server,
                [str(bin_dir / "pg_ctl"), "-D", str(server.data_dir), "-l", str(data_dir / "server.log"), "-w", "-t", "60", "-o", options, "start"],
                check=False,
            )
            if result.returncode == 0:
                return server
            last_error = result.stderr + _read(data_dir / "server.log")
            time.sleep(0.2)
        raise RuntimeError(f"pg_ctl could not start PostgreSQL:\n{last_error}")
    except BaseException:
        server.stop()
        shutil.rmtree(data_dir, ignore_errors=True)
        raise


def _read(path: Path) -> str:
    try:
        return path.read_text(errors="replace")[-2000:]
    except OSError:
        return ""


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """A PostgreSQL server for the whole test session."""
    try:
        import psycopg2  # noqa: F401
    except ImportError:
        _unavailable("psycopg2 is not installed (pip install psycopg2-binary)")
    external = os.environ.get("MEDIATION_TEST_POSTGRES_URL")
    if external:
        from sqlalchemy.engine import make_url

        url = make_url(external)
        yield PostgresServer(host=url.host or "127.0.0.1", port=url.port or 5432, user=url.username or "postgres", admin_db=url.database or "postgres")
        return
    server = start_postgres()
    try:
        yield server
    finally:
        server.stop()
        if server.data_dir is not None:
            shutil.rmtree(server.data_dir.parent, ignore_errors=True)


@pytest.fixture
def postgres_url(postgres_server: PostgresServer) -> str:
    """A fresh, empty database on the session's server, as an SQLAlchemy URL."""
    return postgres_server.create_database()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.slow)])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The same test against an SQLite file and against a fresh PostgreSQL database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'cases.db'}"
    return str(request.getfixturevalue("postgres_url"))
