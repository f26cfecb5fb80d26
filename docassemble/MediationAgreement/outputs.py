"""Writing output files so that a failure never leaves half a result behind.

Every command that writes files builds all of them in memory (or in a
temporary file beside the target) first and only then moves them into place,
so bad input means *no* output rather than a truncated PDF.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from pathlib import Path


def write_atomically(path: str | Path, data: bytes | str, *, mode: int = 0o644) -> Path:
    """Write ``data`` to ``path`` via a temporary file and an atomic rename."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp_name, mode)
        os.replace(tmp_name, target)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    return target


def write_all(directory: str | Path, files: Mapping[str, bytes | str]) -> list[Path]:
    """Write several finished outputs into ``directory``, each atomically.

    Call this only once every file's content has been produced, so that an
    error while producing any of them leaves the directory untouched.
    """
    out = Path(directory)
    return [write_atomically(out / name, content) for name, content in files.items()]
