"""Run a real docassemble server for this package on 127.0.0.1 (``make serve``).

    scripts/serve.sh start [--port 8080]   # install what is missing, start, print the URLs
    scripts/serve.sh stop                  # stop what start started
    scripts/serve.sh status                # is it up? (exit 0 yes, 3 no)
    scripts/serve.sh info --json           # URLs, ports, admin login (for tests and benchmarks)
    eval "$(scripts/serve.sh env)"         # point `mediation-agreement case ...` at the server's case store

Everything lives under ``.serve/`` (git-ignored; ``SERVE_DIR`` moves it):

    venv/             Python 3.12 environment: docassemble.webapp from PyPI + this package's wheel
    dist/             the wheels installed into it (built from a clean copy of the sources)
    postgres/         a PostgreSQL cluster of the system's binaries, listening on 127.0.0.1 only
    redis/            a Redis of the system's package, bound to 127.0.0.1, password protected
    config/           config.yml and the generated secrets (owner-only)
    credentials.json  the admin login and API key it generated (owner-only)
    da/               docassemble's uploads, packages and ready file
    log/              server.log (the web process), docassemble.log, create_tables.log
    run/              pid files

Each step is skipped when its stamp says nothing changed, so a second ``start``
costs the server's own boot (about 20-30 s).  When the package's sources change,
``start`` rebuilds the wheel, reinstalls it and restarts the web process.

Ports (each kept for later runs once chosen): ``--port`` (``make serve PORT=9000``) or
``SERVE_PORT`` (web, default 8080), ``SERVE_PG_PORT`` (55432), ``SERVE_REDIS_PORT`` (56379).  Only the standard library is used here, so any
Python >= 3.12 runs it (``scripts/serve.sh`` finds one).
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import fcntl
import hashlib
import json
import os
import re
import secrets
import shlex
import shutil
import signal
import string
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SERVER_FILES = ROOT / "scripts" / "server"
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
STORE_DB = "mediation_cases"  # the review rounds' case store, beside docassemble's own database


class ServeError(Exception):
    """A step of starting or stopping the server failed; the message says which and where to look."""


# ----------------------------------------------------------------------------------------------
# Paths and settings


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


def chosen_ports(layout: Layout, web: int | None, use_env: bool = True) -> Ports:
    """Ports from the command line, else the environment, else the last run, else the defaults."""
    last: dict[str, int] = {}
    if layout.settings.exists():
        last = json.loads(layout.settings.read_text())

    def pick(arg: int | None, env: str, key: str, default: int) -> int:
        if arg is not None:
            return arg
        if use_env and os.environ.get(env):
            return int(os.environ[env])
        return int(last.get(key, default))

    return Ports(
        web=pick(web, "SERVE_PORT", "web", 8080),
        pg=pick(None, "SERVE_PG_PORT", "pg", 55432),
        redis=pick(None, "SERVE_REDIS_PORT", "redis", 56379),
    )


# ----------------------------------------------------------------------------------------------
# Small helpers


def say(message: str) -> None:
    print(f"serve: {message}", flush=True)


def run(argv: Sequence[str | Path], *, log: Path | None = None, env: dict[str, str] | None = None,
        cwd: Path | None = None, what: str | None = None, user: str | None = None) -> str:
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
    result = subprocess.run(command, capture_output=True, env=full_env, cwd=cwd, text=True)
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
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
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


def http_get(url: str, timeout: float = 5.0) -> int:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
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


# ----------------------------------------------------------------------------------------------
# 1. System packages and the locale


def ensure_system(layout: Layout) -> None:
    wanted = ",".join(SYSTEM_PACKAGES)
    if stamp_ok(layout, "system", wanted) and shutil.which("redis-server") and pg_bindir() is not None:
        return
    say("checking system packages: " + " ".join(SYSTEM_PACKAGES))
    run([ROOT / "scripts" / "install-system-packages.sh", *SYSTEM_PACKAGES], what="installing system packages")
    ensure_locale()
    set_stamp(layout, "system", wanted)


def ensure_locale() -> None:
    available = subprocess.run(["locale", "-a"], capture_output=True, text=True).stdout.lower()
    if "en_us.utf8" in available:
        return
    say(f"generating the {LOCALE} locale")
    locale_gen = Path("/etc/locale.gen")
    line = f"{LOCALE} UTF-8"
    if locale_gen.exists() and line not in locale_gen.read_text().splitlines():
        # Debian lists every locale commented out; uncommenting (or appending) enables it.
        text = locale_gen.read_text()
        text = text.replace(f"# {line}\n", f"{line}\n") if f"# {line}\n" in text else text + f"\n{line}\n"
        subprocess.run([*sudo(), "tee", str(locale_gen)], input=text, text=True, stdout=subprocess.DEVNULL, check=True)
    run([*sudo(), "locale-gen", *([] if locale_gen.exists() else [LOCALE])], what="locale-gen")


# ----------------------------------------------------------------------------------------------
# 2. PostgreSQL: a private cluster of the system's binaries, on 127.0.0.1


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
        say(f"starting PostgreSQL on {HOST}:{ports.pg}")
        if user:
            log.touch()
            shutil.chown(log, user, user)
        options = f"-c listen_addresses={HOST} -p {ports.pg} -k {sockets}"
        run([bindir / "pg_ctl", "-D", data, "-l", log, "-o", options, "-w", "-t", "60", "start"],
            user=user, what=f"starting PostgreSQL (see {log})")
    psql = [bindir / "psql", "-h", sockets, "-p", str(ports.pg), "-U", "postgres", "-d", "postgres", "-v", "ON_ERROR_STOP=1",
            "-tAc"]
    roles = run([*psql, "SELECT 1 FROM pg_roles WHERE rolname='docassemble'"], user=user, what="psql")
    quoted = db_password.replace("'", "''")
    verb = "ALTER" if roles.strip() == "1" else "CREATE"
    run([*psql, f"{verb} ROLE docassemble LOGIN PASSWORD '{quoted}'"], user=user, what="creating the database role")
    for database in ("docassemble", STORE_DB):
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


# ----------------------------------------------------------------------------------------------
# 3. Redis: the system's redis-server with our own configuration file


def redis_env(password: str) -> dict[str, str]:
    return {"REDISCLI_AUTH": password}


def redis_running(ports: Ports, password: str) -> bool:
    if shutil.which("redis-cli") is None:
        return False
    result = subprocess.run(["redis-cli", "-h", HOST, "-p", str(ports.redis), "ping"], capture_output=True, text=True,
                            env={**os.environ, **redis_env(password)})
    return result.stdout.strip() == "PONG"


def ensure_redis(layout: Layout, ports: Ports, password: str) -> None:
    folder = private_dir(layout.redis)
    conf = folder / "redis.conf"
    write_private(conf, "\n".join([
        "# written by scripts/serve.py",
        f"bind {HOST}",
        f"port {ports.redis}",
        "protected-mode yes",
        "daemonize yes",
        f"pidfile {folder / 'redis.pid'}",
        f"logfile {folder / 'redis.log'}",
        f"dir {folder}",
        f"requirepass {password}",
        # docassemble keeps API keys and sessions in Redis: keep them across restarts.
        "save 60 1",
        "appendonly no",
        "",
    ]))
    if redis_running(ports, password):
        return
    say(f"starting Redis on {HOST}:{ports.redis}")
    run(["redis-server", conf], what=f"starting Redis (see {folder / 'redis.log'})")
    deadline = time.monotonic() + 20
    while not redis_running(ports, password):
        if time.monotonic() > deadline:
            raise ServeError(f"Redis did not answer on {HOST}:{ports.redis}; see {folder / 'redis.log'}")
        time.sleep(0.2)


def stop_redis(layout: Layout, ports: Ports, password: str) -> None:
    if not redis_running(ports, password):
        return
    say("stopping Redis")
    subprocess.run(["redis-cli", "-h", HOST, "-p", str(ports.redis), "shutdown"], capture_output=True,
                   env={**os.environ, **redis_env(password)})
    pid_file = layout.redis / "redis.pid"
    deadline = time.monotonic() + 20
    while redis_running(ports, password) and time.monotonic() < deadline:
        time.sleep(0.2)
    pid = read_pid(pid_file)
    if pid and pid_alive(pid) and "redis-server" in cmdline(pid):
        os.kill(pid, signal.SIGTERM)


# ----------------------------------------------------------------------------------------------
# 4. The Python environment and the wheels


def find_python() -> str:
    return run([ROOT / "scripts" / "find-python.sh"], what="finding Python >= 3.12").strip()


def ensure_venv(layout: Layout) -> bool:
    """docassemble.webapp (pinned in scripts/server/requirements.txt) in .serve/venv; True if it changed."""
    requirements = SERVER_FILES / "requirements.txt"
    sitecustomize = SERVER_FILES / "sitecustomize.py"
    wanted = hash_files(SERVER_FILES, ["requirements.txt", "sitecustomize.py"])
    if stamp_ok(layout, "venv", wanted) and layout.python.exists():
        return False
    log = layout.log / "pip.log"
    if not layout.python.exists():
        python = find_python()
        say(f"creating the server's Python environment in {layout.venv} ({python})")
        run([python, "-m", "venv", layout.venv], what="python -m venv")
        run([layout.python, "-m", "pip", "install", "-q", "--upgrade", "pip", "setuptools", "wheel"], log=log,
            what="upgrading pip")
    say(f"installing docassemble.webapp into {layout.venv} (first time: a few minutes; log {log})")
    started = time.monotonic()
    run([layout.python, "-m", "pip", "install", "-q", "-r", requirements], log=log, what="pip install docassemble.webapp")
    site = run([layout.python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"]).strip()
    shutil.copy2(sitecustomize, Path(site) / "sitecustomize.py")
    say(f"  done in {time.monotonic() - started:.0f} s")
    clear_stamp(layout, "tables")
    set_stamp(layout, "venv", wanted)
    return True


def distribution_name(source: Path) -> str:
    """The distribution name a package folder declares (setup.py name=... or pyproject [project] name)."""
    pyproject = source / "pyproject.toml"
    if pyproject.exists():
        import tomllib

        name = tomllib.loads(pyproject.read_text()).get("project", {}).get("name")
        if name:
            return str(name)
    setup = source / "setup.py"
    if setup.exists():
        match = re.search(r"""name\s*=\s*["']([^"']+)["']""", setup.read_text())
        if match:
            return match.group(1)
    raise ServeError(f"{source}: cannot tell the package's name (no pyproject.toml [project] name or setup.py name=)")


def ensure_wheel(layout: Layout, source: Path, *, force: bool = False) -> bool:
    """Build ``source`` into a wheel from a clean copy and install it; True if it was (re)installed.

    The copy keeps stale files of an earlier in-tree build (build/lib) out of the wheel, and
    installing the wheel, not the folder, is what a real server does.
    """
    name = distribution_name(source)
    key = "wheel-" + name
    wanted = hash_files(source, SOURCE_GLOBS)
    if not force and stamp_ok(layout, key, wanted):
        return False
    say(f"building {name} from {source} and installing its wheel")
    log = layout.log / "pip.log"
    out = layout.dist / name
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    with tempfile.TemporaryDirectory(prefix="wheel-", dir=layout.state) as tmp:
        copy = Path(tmp) / "src"
        shutil.copytree(source, copy, symlinks=True, ignore=COPY_IGNORE)
        run([layout.python, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "-w", out, copy], log=log,
            cwd=Path(tmp), what=f"building the wheel of {name}")
    (wheel,) = out.glob("*.whl")
    # Reinstall our code even when the version number did not change; then let pip add any dependency.
    run([layout.python, "-m", "pip", "install", "-q", "--no-deps", "--force-reinstall", wheel], log=log,
        what=f"installing {wheel.name}")
    run([layout.python, "-m", "pip", "install", "-q", wheel], log=log, what=f"installing the requirements of {wheel.name}")
    set_stamp(layout, key, wanted)
    return True


# ----------------------------------------------------------------------------------------------
# 5. Secrets, configuration, database tables


def password(length: int = 20) -> str:
    """Letters and digits, with at least one of each kind (docassemble's password rules)."""
    alphabet = string.ascii_letters + string.digits
    while True:
        value = "".join(secrets.choice(alphabet) for _ in range(length))
        if any(c.islower() for c in value) and any(c.isupper() for c in value) and any(c.isdigit() for c in value):
            return value


def load_secrets(layout: Layout) -> dict[str, str]:
    values: dict[str, str] = {}
    if layout.secrets.exists():
        values = dict(json.loads(layout.secrets.read_text()))
    wanted = {
        "secretkey": lambda: secrets.token_urlsafe(32),
        "db_password": lambda: password(24),
        "redis_password": lambda: password(32),
        "admin_email": lambda: "admin@example.com",
        "admin_password": lambda: password(16),
        "admin_api_key": lambda: password(32),  # docassemble accepts exactly 32 characters
        "store_key": lambda: base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),  # store.py's key format
    }
    missing = {name: make() for name, make in wanted.items() if name not in values}
    if missing:
        values.update(missing)
        private_dir(layout.config_dir)
        write_private(layout.secrets, json.dumps(values, indent=2) + "\n")
    return values


def store_url(ports: Ports, values: dict[str, str]) -> str:
    """The case store: database `mediation_cases` on our PostgreSQL, as the docassemble user."""
    return f"postgresql://docassemble:{values['db_password']}@{HOST}:{ports.pg}/{STORE_DB}"


def included_files(text: str) -> set[str]:
    """File names listed under the `include:` blocks of an interview's YAML."""
    names: set[str] = set()
    inside = False
    for line in text.splitlines():
        if line.startswith("include:"):
            inside = True
        elif inside and (match := re.match(r"\s*-\s*['\"]?([^'\"\s#]+)", line)):
            ref = match.group(1)
            if ":" not in ref or ref.startswith(PACKAGE + ":"):
                names.add(ref.rsplit("/", 1)[-1].rsplit(":", 1)[-1])
        elif line.strip() and not line.startswith((" ", "#")):
            inside = False
    return names


def interview_files() -> list[str]:
    """The interviews a user starts, as docassemble references: every interviews/*.yml that no
    other one includes (those are topic files) and whose name does not start with `_`."""
    files = sorted((ROOT / "interviews").glob("*.yml"))
    included = set().union(*(included_files(p.read_text(errors="replace")) for p in files)) if files else set()
    return [f"{PACKAGE}:data/questions/{p.name}" for p in files if p.name not in included and not p.name.startswith("_")]


def dispatch() -> dict[str, str]:
    """Short URLs /start/<name> for each interview: mediation_agreement.yml -> mediation-agreement."""
    return {ref.rsplit("/", 1)[1].removesuffix(".yml").replace("_", "-"): ref for ref in interview_files()}


def write_config(layout: Layout, ports: Ports, values: dict[str, str], debug: bool) -> bool:
    """Render config.yml from the template; True if it changed."""
    template = string.Template((SERVER_FILES / "config.yml.template").read_text())
    for folder in ("files", "packages", "webapp", "certs"):
        private_dir(layout.da / folder)
    private_dir(layout.log)
    main = f"{PACKAGE}:data/questions/mediation_agreement.yml"
    fields = {
        "secretkey": values["secretkey"],
        "url_root": f"http://{HOST}:{ports.web}",
        "debug": debug,
        "db_password": values["db_password"],
        "db_port": ports.pg,
        "redis_url": f"redis://:{values['redis_password']}@{HOST}:{ports.redis}",
        "uploads": str(layout.da / "files"),
        "log": str(layout.log),
        "packages": str(layout.da / "packages"),
        "modules": str(layout.venv),
        "webapp": str(layout.da / "webapp" / "docassemble.wsgi"),
        "ready_file": str(layout.da / "webapp" / "ready"),
        "pypirc": str(layout.da / "pypirc"),
        "certs": str(layout.da / "certs"),
        "admin_email": values["admin_email"],
        "admin_password": values["admin_password"],
        "admin_api_key": values["admin_api_key"],
        "default_interview": main if main in interview_files() else None,
        "dispatch": dispatch(),
        "store_url": store_url(ports, values),
        "store_key": values["store_key"],
    }
    text = template.substitute({k: json.dumps(v) for k, v in fields.items()})
    private_dir(layout.config_dir)
    if layout.config.exists() and layout.config.read_text() == text:
        return False
    write_private(layout.config, text)
    return True


def ensure_case_store(layout: Layout, ports: Ports, values: dict[str, str]) -> None:
    """Create the case store's tables (idempotent), so parents' links work before any `case new`."""
    url = store_url(ports, values)
    if stamp_ok(layout, "store", hashlib.sha256(url.encode()).hexdigest()):
        return
    say(f"creating the case store in the {STORE_DB} database")
    code = "from docassemble.MediationAgreement.store import open_store; open_store()"
    # Through the environment, the variables the store reads: secrets stay out of logs and `ps`.
    run([layout.python, "-c", code], env={"MEDIATION_STORE_URL": url, "MEDIATION_STORE_KEY": values["store_key"]},
        log=layout.log / "create_tables.log", what="creating the case store")
    set_stamp(layout, "store", hashlib.sha256(url.encode()).hexdigest())


def server_env(layout: Layout) -> dict[str, str]:
    return {
        "DA_CONFIG_FILE": str(layout.config),
        "DA_PYTHON": str(layout.venv),
        "PYTHONUNBUFFERED": "1",
        "LC_ALL": LOCALE,
        "LANG": LOCALE,
        "HOME": str(layout.da),  # pip, matplotlib and NLTK caches stay inside .serve/
    }


def ensure_tables(layout: Layout) -> None:
    """docassemble's create_tables: schema, migrations, the admin account and its API key (about 10 s)."""
    wanted = layout.config.read_text()
    if stamp_ok(layout, "tables", hashlib.sha256(wanted.encode()).hexdigest()):
        return
    say("creating docassemble's tables and the admin account")
    started = time.monotonic()
    run([layout.python, "-m", "docassemble.webapp.create_tables", layout.config], env=server_env(layout),
        log=layout.log / "create_tables.log", what="docassemble.webapp.create_tables")
    say(f"  done in {time.monotonic() - started:.0f} s")
    set_stamp(layout, "tables", hashlib.sha256(wanted.encode()).hexdigest())


# ----------------------------------------------------------------------------------------------
# 6. The web process


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


def start_web(layout: Layout, ports: Ports) -> subprocess.Popen[bytes]:
    if http_get(f"http://{HOST}:{ports.web}/health_check", timeout=2) != 0:
        raise ServeError(f"something else already answers on {HOST}:{ports.web}; choose another port: make serve PORT=8081")
    layout.run.mkdir(parents=True, exist_ok=True)
    say(f"starting docassemble on http://{HOST}:{ports.web}/ (log {layout.server_log})")
    with layout.server_log.open("a") as log:
        log.write(f"\n===== {time.strftime('%Y-%m-%d %H:%M:%S')} start on port {ports.web}\n")
        log.flush()
        process = subprocess.Popen(
            [str(layout.python), str(SERVER_FILES / "run_server.py"), "--host", HOST, "--port", str(ports.web)],
            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, cwd=layout.da,
            env={**os.environ, **server_env(layout)}, start_new_session=True,
        )
    layout.web_pid.write_text(f"{process.pid}\n")
    return process


def wait_ready(layout: Layout, ports: Ports, process: subprocess.Popen[bytes], timeout: float = BOOT_TIMEOUT) -> float:
    started = time.monotonic()
    url = f"http://{HOST}:{ports.web}/health_check"
    while True:
        if http_get(url, timeout=5) == 200:
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


def warm_up(ports: Ports) -> None:
    """Load each interview once, so the first visitor does not wait for docassemble to parse it."""
    for ref in interview_files():
        http_get(f"http://{HOST}:{ports.web}/interview?i={ref}&reset=1", timeout=60)


def api_key_works(ports: Ports, key: str) -> bool:
    return http_get(f"http://{HOST}:{ports.web}/api/user?key={key}", timeout=10) == 200


# ----------------------------------------------------------------------------------------------
# Commands


def info(layout: Layout, ports: Ports) -> dict[str, object]:
    values = load_secrets(layout) if layout.secrets.exists() else {}
    base = f"http://{HOST}:{ports.web}"
    return {
        "url": base,
        "ports": {"web": ports.web, "postgres": ports.pg, "redis": ports.redis},
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
    print(f"server log: {details['server_log']}")
    print("stop it with: make stop")


def start(layout: Layout, ports: Ports, extra_packages: Sequence[Path], debug: bool) -> dict[str, object]:
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
    changed |= ensure_wheel(layout, ROOT, force=changed)
    for extra in extra_packages:
        changed |= ensure_wheel(layout, extra.resolve(), force=changed)
    changed |= write_config(layout, ports, values, debug)
    layout.settings.write_text(json.dumps({"web": ports.web, "pg": ports.pg, "redis": ports.redis}) + "\n")
    details = info(layout, ports)
    write_private(layout.credentials, json.dumps({k: details[k] for k in ("url", "login", "admin", "interviews")},
                                                 indent=2) + "\n")
    ensure_tables(layout)
    ensure_case_store(layout, ports, values)
    if web_pid(layout) is not None and changed:
        say("the package or the configuration changed: restarting docassemble")
        stop_web(layout)
    if web_pid(layout) is None:
        process = start_web(layout, ports)
        took = wait_ready(layout, ports, process)
        say(f"docassemble answered after {took:.0f} s")
        warm_up(ports)
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
        say("stopped docassemble (PostgreSQL and Redis left running)")
        return
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


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog=__doc__.split("\n\n", 1)[1])
    parser.add_argument("command", nargs="?", default="start", choices=["start", "stop", "restart", "status", "info", "env"])
    parser.add_argument("--port", type=int, help="web port on 127.0.0.1 (default: SERVE_PORT, else the last one used, else 8080)")
    parser.add_argument("--extra-package", type=Path, action="append", default=[], metavar="DIR",
                        help="also build and install this docassemble package folder (the e2e tests' smoke interview)")
    parser.add_argument("--debug", action="store_true", help="docassemble's debug mode (shows each screen's source)")
    parser.add_argument("--json", action="store_true", help="info, status: print JSON")
    parser.add_argument("--web-only", action="store_true",
                        help="stop: stop the docassemble process only, leave PostgreSQL and Redis running")
    args = parser.parse_args(argv)
    layout = Layout(default_state_dir())
    ports = chosen_ports(layout, args.port)
    try:
        if args.command == "info":
            details = info(layout, ports)
            print(json.dumps(details, indent=2) if args.json else "\n".join(f"{k}: {v}" for k, v in details.items()))
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
                print_summary(start(layout, ports, args.extra_package, args.debug))
    except ServeError as error:
        print(f"serve: error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
