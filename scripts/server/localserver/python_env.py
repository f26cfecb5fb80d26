"""The server's Python environment and the wheels installed into it."""

from __future__ import annotations

import re
import shutil
import tempfile
import time
from pathlib import Path

from .base import COPY_IGNORE, ROOT, SERVER_FILES, SOURCE_GLOBS, Layout, ServeError, clear_stamp, hash_files, run, say, set_stamp, stamp_ok


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


def build_distributions(layout: Layout, out: Path) -> list[Path]:
    """What a standard docassemble server installs: a source ZIP for Package Management
    ("Upload a ZIP file": docassemble reads its setup.py) and the wheel for ``pip install``.

    Both are built from a clean copy; the sdist stores the interviews, templates and
    clauses as real files where the checkout has symlinks (a ZIP cannot carry those).
    """
    python = next((p for p in (layout.python, ROOT / ".venv" / "bin" / "python") if p.exists()), None)
    if python is None:
        raise ServeError("no Python environment with setuptools yet: run `make serve` or `make install` first")
    out.mkdir(parents=True, exist_ok=True)
    name = distribution_name(ROOT)
    for old in [*out.glob("*.zip"), *out.glob("*.whl")]:
        old.unlink()
    with tempfile.TemporaryDirectory(prefix="dist-") as tmp:
        copy = Path(tmp) / "src"
        shutil.copytree(ROOT, copy, symlinks=True, ignore=COPY_IGNORE)
        run([python, "setup.py", "-q", "sdist", "--formats=zip", "-d", out], cwd=copy, what="building the source ZIP")
        run([python, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "-w", out, copy], cwd=Path(tmp),
            what=f"building the wheel of {name}")
    return sorted([*out.glob("*.zip"), *out.glob("*.whl")])
