"""The system packages docassemble needs, and the en_US.UTF-8 locale."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from .base import LOCALE, ROOT, SYSTEM_PACKAGES, Layout, run, say, set_stamp, stamp_ok, sudo
from .postgres import pg_bindir


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
