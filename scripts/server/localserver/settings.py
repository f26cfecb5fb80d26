"""Secrets, docassemble's configuration, its tables, the case store and the development office seal."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import secrets
import string
import time
from collections.abc import Callable
from pathlib import Path

from .base import HOST, LOCALE, PACKAGE, ROOT, SERVER_FILES, STORE_DB, Layout, Ports, private_dir, run, say, set_stamp, stamp_ok, write_private


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
    wanted: dict[str, Callable[[], str]] = {
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
    """The case store: its tables in docassemble's own database on our PostgreSQL (docs/server.md), as the docassemble user."""
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
        "smtp_port": ports.smtp,
        "mail_sender": "Local Test Office <office@localhost.localdomain>",
        "store_url": store_url(ports, values),
        "store_key": values["store_key"],
        "seal_key": str(seal_folder(layout) / "office.key"),
        "seal_cert": str(seal_folder(layout) / "office.pem"),
        "seal_chain": [str(seal_folder(layout) / "ca.pem")],
    }
    text = template.substitute({k: json.dumps(v) for k, v in fields.items()})
    private_dir(layout.config_dir)
    if layout.config.exists() and layout.config.read_text() == text:
        return False
    write_private(layout.config, text)
    return True


def seal_folder(layout: Layout) -> Path:
    return layout.state / "seal"


def ensure_office_seal(layout: Layout) -> None:
    """A DEVELOPMENT-ONLY CA and office seal certificate, so the interview can seal executed agreements."""
    folder = seal_folder(layout)
    if all((folder / name).exists() for name in ("ca.pem", "office.pem", "office.key")):
        return
    say("making a development-only office seal certificate (.serve/seal/)")
    private_dir(folder)
    run([layout.venv / "bin" / "mediation-agreement", "dev-certificate", "--out", folder, "--force",
         "--office", "Local Test Server (DEVELOPMENT ONLY)"], log=layout.log / "seal.log", what="making the seal certificate")


def ensure_case_store(layout: Layout, ports: Ports, values: dict[str, str]) -> None:
    """`mediation-agreement case init` on every start, as docs/server.md tells an office to (it creates the
    tables, or upgrades them after the package changed, and is quick when there is nothing to do)."""
    url = store_url(ports, values)
    # Through the environment, the variables the store reads: secrets stay out of logs and `ps`.
    out = run([layout.venv / "bin" / "mediation-agreement", "case", "init"], env={"MEDIATION_STORE_URL": url, "MEDIATION_STORE_KEY": values["store_key"]},
              what="setting up the case store (mediation-agreement case init)")
    if "nothing to do" not in out:
        say(out.strip())  # the URL as the CLI prints it: password hidden


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
