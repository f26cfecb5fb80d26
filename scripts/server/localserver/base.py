"""Shared by every step: where things live, ports, running commands, small file and process helpers."""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import shutil
import socket
import subprocess
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

SERVER_FILES = Path(__file__).resolve().parents[1]  # scripts/server
ROOT = SERVER_FILES.parents[1]
HOST = "127.0.0.1"
PACKAGE = "docassemble.MediationAgreement"
SYSTEM_PACKAGES = [
    "postgresql",
    "redis-server",
    "libldap2-dev",  # python-ldap, built by docassemble.webapp's requirements
    "libsasl2-dev",
    "libzbar0",  # pyzbar, imported by docassemble.base
    "locales",
    "fonts-dejavu-core",
]
LOCALE = "en_US.UTF-8"  # docassemble's default locale ("en" + "US.utf8")
# What the sources of a wheel are: a change to any of these rebuilds it.
SOURCE_GLOBS = ("setup.py", "setup.cfg", "pyproject.toml", "MANIFEST.in", "README.md", "docassemble/**/*",
                "interviews/**/*", "templates/**/*", "clauses/**/*")
COPY_IGNORE = shutil.ignore_patterns(".git", ".venv", ".serve", "build", "dist", "out", "*.egg-info", "__pycache__",
                                     ".pytest_cache", ".mypy_cache", ".ruff_cache", ".hypothesis", "tests", "benchmarks",
                                     "examples", "docs", "node_modules")
BOOT_TIMEOUT = 180.0
STORE_DB = "docassemble"  # the review rounds' case store: its ma_ tables in docassemble's own database (docs/server.md)


class ServeError(Exception):
    """A step of starting or stopping the server failed; the message says which and where to look."""


@dataclass(frozen=True)
class Layout:
    state: Path

    @property
    def venv(self) -> Path:
        return self.state / "venv"

    @property
    def python(self) -> Path:
        return self.venv / "bin" / "python"

    @property
    def dist(self) -> Path:
        return self.state / "dist"

    @property
    def pg(self) -> Path:
        return self.state / "postgres"

    @property
    def redis(self) -> Path:
        return self.state / "redis"

    @property
    def mailbox(self) -> Path:
        """The local mailbox (a Maildir) every message the server sends lands in."""
        return self.state / "mailbox"

    @property
    def config_dir(self) -> Path:
        return self.state / "config"

    @property
    def config(self) -> Path:
        return self.config_dir / "config.yml"

    @property
    def secrets(self) -> Path:
        return self.config_dir / "secrets.json"

    @property
    def credentials(self) -> Path:
        return self.state / "credentials.json"

    @property
    def da(self) -> Path:
        return self.state / "da"

    @property
    def log(self) -> Path:
        return self.state / "log"

    @property
    def server_log(self) -> Path:
        return self.log / "server.log"

    @property
    def run(self) -> Path:
        return self.state / "run"

    @property
    def web_pid(self) -> Path:
        return self.run / "web.pid"

    @property
    def stamps(self) -> Path:
        return self.state / "stamps"

    @property
    def settings(self) -> Path:
        return self.state / "settings.json"


def default_state_dir() -> Path:
    return Path(os.environ.get("SERVE_DIR", ROOT / ".serve")).resolve()


@dataclass(frozen=True)
class Ports:
    web: int
    pg: int
    redis: int
    smtp: int = 58025


DEFAULT_PORTS = {"web": 8080, "pg": 55432, "redis": 56379, "smtp": 58025}
"""The ports a first run tries; one another program holds is replaced by a free one (and kept for later runs)."""

PORT_NAMES = {"web": "docassemble", "pg": "PostgreSQL", "redis": "Redis", "smtp": "the mailbox (SMTP)"}


def chosen_ports(layout: Layout, web: int | None, use_env: bool = True, *, pick_free: bool = False) -> Ports:
    """Ports from the command line, else the environment, else the last run, else the defaults.

    A default port (nothing asked for it, no earlier run chose it) that
    something else holds -- another copy of this project, say -- is replaced
    by a free port when ``pick_free`` (``start``), and said; a port asked for is kept, and
    :func:`check_port_free` names what holds it before anything starts.
    """
    last: dict[str, int] = {}
    if layout.settings.exists():
        last = json.loads(layout.settings.read_text())

    def pick(arg: int | None, env: str, key: str) -> int:
        if arg is not None:
            return arg
        if use_env and os.environ.get(env):
            return int(os.environ[env])
        if key in last:
            return int(last[key])
        default = DEFAULT_PORTS[key]
        if not pick_free or not port_in_use(default):
            return default
        free = free_port()
        say(f"port {default} ({PORT_NAMES[key]}) is held by {port_holder(default)}: using free port {free} instead")
        return free

    return Ports(web=pick(web, "SERVE_PORT", "web"), pg=pick(None, "SERVE_PG_PORT", "pg"), redis=pick(None, "SERVE_REDIS_PORT", "redis"),
                 smtp=pick(None, "SERVE_SMTP_PORT", "smtp"))


def port_in_use(port: int) -> bool:
    """Whether something listens on (or holds) ``port`` on the loopback address."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((HOST, port))
        except OSError:
            return True
    return False


def free_port() -> int:
    """A port nothing holds now, chosen by the kernel."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def listeners(port: int) -> list[int]:
    """The processes listening on TCP ``port`` (Linux: /proc/net/tcp and each process's sockets)."""
    inodes: set[str] = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            rows = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for row in rows:
            fields = row.split()
            if len(fields) > 9 and fields[3] == "0A" and int(fields[1].rsplit(":", 1)[1], 16) == port:  # 0A: LISTEN
                inodes.add(fields[9])
    found: list[int] = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            fds = list((proc / "fd").iterdir())
        except OSError:
            continue
        for fd in fds:
            try:
                link = os.readlink(fd)
            except OSError:  # closed while we looked (the listing's own descriptor, for one)
                continue
            if link.startswith("socket:[") and link[8:-1] in inodes:
                found.append(int(proc.name))
                break
    return sorted(found)


def port_holder(port: int) -> str:
    """What holds ``port``, for a message: "pid 123 (redis-server 127.0.0.1:56379)"."""
    pids = listeners(port)
    if not pids:
        return "a process this user cannot see"
    return ", ".join(f"pid {pid} ({(cmdline(pid) or '?')[:80]})" for pid in pids[:3])


def check_port_free(layout: Layout, port: int, what: str) -> None:
    """Before starting ``what`` on ``port``: fail at once naming what already holds it."""
    if port_in_use(port):
        raise ServeError(
            f"port {port} for {what} is already in use by {port_holder(port)}; stop that, or choose other ports "
            f"(SERVE_PORT, SERVE_PG_PORT, SERVE_REDIS_PORT; or delete {layout.settings} and free ones are picked)"
        )


def descends_from(pid: int, ancestor: int) -> bool:
    """Whether process ``pid`` is ``ancestor`` or one of its descendants."""
    seen = 0
    while pid > 1 and seen < 64:
        if pid == ancestor:
            return True
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            return False
        pid = int(stat.rsplit(")", 1)[1].split()[1])
        seen += 1
    return False


def say(message: str) -> None:
    print(f"serve: {message}", flush=True)


def run(argv: Sequence[str | Path], *, log: Path | None = None, env: dict[str, str] | None = None,
        cwd: Path | None = None, what: str | None = None, user: str | None = None, stdin: str | None = None) -> str:
    """Run a command; on failure raise ServeError with its output (or the log it went to)."""
    command = [str(a) for a in argv]
    if user is not None:
        command = ["runuser", "-u", user, "--", *command]
    full_env = {**os.environ, **(env or {})}
    if log is not None:
        log.parent.mkdir(parents=True, exist_ok=True)
        with log.open("a") as out:
            out.write(f"\n$ {' '.join(command)}\n")
            out.flush()
            result = subprocess.run(command, stdout=out, stderr=subprocess.STDOUT, env=full_env, cwd=cwd, text=True)
        if result.returncode != 0:
            tail = "".join(log.read_text(errors="replace").splitlines(keepends=True)[-25:])
            raise ServeError(f"{what or command[0]} failed (exit {result.returncode}); end of {log}:\n{tail}")
        return ""
    result = subprocess.run(command, capture_output=True, env=full_env, cwd=cwd, text=True, input=stdin)
    if result.returncode != 0:
        raise ServeError(f"{what or command[0]} failed (exit {result.returncode}): {result.stderr.strip() or result.stdout.strip()}")
    return result.stdout


def private_dir(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    path.chmod(0o700)
    return path


def write_private(path: Path, text: str) -> None:
    """Write a file only its owner can read, never leaving a readable copy behind."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as out:
        out.write(text)
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)


def stamp_ok(layout: Layout, name: str, value: str) -> bool:
    path = layout.stamps / name
    return path.exists() and path.read_text() == value


def set_stamp(layout: Layout, name: str, value: str) -> None:
    layout.stamps.mkdir(parents=True, exist_ok=True)
    (layout.stamps / name).write_text(value)


def clear_stamp(layout: Layout, name: str) -> None:
    (layout.stamps / name).unlink(missing_ok=True)


def hash_files(base: Path, patterns: Sequence[str]) -> str:
    digest = hashlib.sha256()
    files: set[Path] = set()
    for pattern in patterns:
        files.update(p for p in base.glob(pattern) if p.is_file() and "__pycache__" not in p.parts)
    for path in sorted(files):
        digest.update(str(path.relative_to(base)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def pid_alive(pid: int) -> bool:
    """Whether ``pid`` is a running process (a zombie, ended but not yet reaped by its parent, is not)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True


def read_pid(path: Path) -> int | None:
    try:
        return int(path.read_text().split()[0])
    except (FileNotFoundError, ValueError, IndexError):
        return None


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def http_get(url: str, timeout: float = 5.0, headers: dict[str, str] | None = None) -> int:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers or {}), timeout=timeout) as response:
            response.read()
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)
    except (urllib.error.URLError, OSError):
        return 0


def state_dir(layout: Layout) -> Path:
    """The state folder: others may pass through it (PostgreSQL runs as `postgres`) but not list it."""
    layout.state.mkdir(parents=True, exist_ok=True)
    layout.state.chmod(0o711)
    return layout.state


@contextlib.contextmanager
def locked(layout: Layout) -> Iterator[None]:
    """One start/stop at a time per state folder (a test run and a `make serve` may race)."""
    state_dir(layout)
    with (layout.state / "serve.lock").open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def as_root() -> bool:
    return os.geteuid() == 0


def sudo() -> list[str]:
    return [] if as_root() else ["sudo"]
