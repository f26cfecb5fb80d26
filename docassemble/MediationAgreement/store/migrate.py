"""The case store's schema, managed with Alembic: create, upgrade, or refuse a newer one.

The revisions are in ``migrations/versions`` (``0001``: the tables of schema
1; ``0002``: the event log's MAC columns).  The version is kept in
``ma_alembic_version``, not docassemble's ``alembic_version``, so the tables can
live in docassemble's own database (and so in its backups).  A store made
before Alembic managed it has no version table: its ``ma_meta`` schema number
says which revision it is at, and it is stamped so before upgrading.

:func:`migrate` runs on a connection inside the caller's transaction, so the
store's write lock covers the DDL and the data step that follows it (sealing
the logs of a version-1 store needs the key, which only the store has).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, NamedTuple

from ..errors import StoreError

VERSION_TABLE = "ma_alembic_version"
HEAD = "0002"
LEGACY_REVISIONS = {"1": "0001", "2": "0002"}
"""A pre-Alembic store's ``ma_meta`` schema number -> the revision its tables are at."""

_MIGRATIONS = Path(__file__).resolve().parent / "migrations"


class Migration(NamedTuple):
    """What :func:`migrate` did: the revision before (``None``: no tables) and after."""

    before: str | None
    after: str

    @property
    def changed(self) -> bool:
        return self.before != self.after


def _config(connection: Any) -> Any:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(_MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def current_revision(connection: Any) -> str | None:
    """The store's revision on ``connection`` (``None`` when it has no version table)."""
    from alembic.runtime.migration import MigrationContext

    return MigrationContext.configure(connection, opts={"version_table": VERSION_TABLE}).get_current_revision()


def known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    return {script.revision for script in ScriptDirectory(str(_MIGRATIONS)).walk_revisions()}


def migrate(connection: Any, *, legacy_schema: str | None, display_url: str) -> Migration:
    """Bring the tables on ``connection`` to :data:`HEAD`; ``legacy_schema`` is ``ma_meta``'s schema number, if the store has one.

    Raises :class:`StoreError` for a store a newer version of this package has set up.
    """
    from alembic import command

    config = _config(connection)
    before = current_revision(connection)
    if before is None and legacy_schema is not None:
        before = LEGACY_REVISIONS.get(legacy_schema)
        if before is None:
            raise StoreError(f"the case store at {display_url} has schema version {legacy_schema}, which this version of the package does not know",
                             hint="upgrade docassemble.MediationAgreement on this server")
        command.stamp(config, before)
    if before is not None and before not in known_revisions():
        raise StoreError(
            f"the case store at {display_url} was set up by a newer version of this package (schema revision {before}; this version knows up to {HEAD})",
            hint="upgrade docassemble.MediationAgreement on this server; never run an older version against a newer store",
        )
    if before != HEAD:
        command.upgrade(config, HEAD)
    return Migration(before, HEAD)


__all__ = ["HEAD", "LEGACY_REVISIONS", "VERSION_TABLE", "Migration", "current_revision", "known_revisions", "migrate"]
