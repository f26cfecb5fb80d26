"""The case store's schema under Alembic (issue 17, part 1): `case init`, upgrades, a newer store refused, backup and restore.

Against an SQLite file and a real PostgreSQL server (tests/postgres.py); the
backup test uses PostgreSQL's own pg_dump and pg_restore, as an office's
nightly backup would.
"""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest

from . import da_harness as h  # noqa: F401 - first: it stubs the NLTK download docassemble attempts at import

# isort: split

from docassemble.MediationAgreement.store import CaseStore, generate_key  # noqa: E402
from docassemble.MediationAgreement.store.database import schema_tables  # noqa: E402
from docassemble.MediationAgreement.store.migrate import HEAD, VERSION_TABLE  # noqa: E402

from .conftest import run_cli  # noqa: E402
from .postgres import PostgresServer, postgres_server, postgres_url, store_url  # noqa: E402, F401
from .test_followup import Sealed  # noqa: E402
from .test_log_integrity import write_v1_store  # noqa: E402


def rows(url: str, statement: str) -> list[tuple[object, ...]]:
    """Run one SQL statement (committed); the rows it returns."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            result = conn.execute(text(statement))
            return [tuple(row) for row in result] if result.returns_rows else []
    finally:
        engine.dispose()


def init(url: str, key: str) -> tuple[int, str]:
    result = run_cli("case", "init", "--store", url, env={"MEDIATION_STORE_KEY": key})
    assert "Traceback" not in result.err
    return result.code, result.out + result.err


def test_case_init_creates_the_store_and_is_safe_to_run_again(store_url: str) -> None:  # noqa: F811
    key = generate_key()
    code, out = init(store_url, key)
    assert code == 0 and f"created (schema revision {HEAD}, encrypted)" in out, out
    assert rows(store_url, f"SELECT version_num FROM {VERSION_TABLE}") == [(HEAD,)]
    code, out = init(store_url, key)
    assert code == 0 and f"already at schema revision {HEAD}; nothing to do" in out, out
    with CaseStore(store_url, key, create=False) as store:  # what a web server does: open, never create
        case_id = store.create_case("Rivera / Rivera", {"note": "first case"})
        assert store.audit(case_id) == []


def test_the_tables_alembic_makes_are_the_tables_the_store_uses(store_url: str) -> None:  # noqa: F811
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext
    from sqlalchemy import create_engine

    assert init(store_url, generate_key())[0] == 0
    engine = create_engine(store_url)
    try:
        with engine.connect() as conn:
            differences = compare_metadata(MigrationContext.configure(conn, opts={"version_table": VERSION_TABLE}), schema_tables().md)
    finally:
        engine.dispose()
    assert differences == []


def test_a_server_opening_a_store_nobody_set_up_says_what_to_run(tmp_path: Path) -> None:
    """The web server opens the store without creating it; its message (shown on the screen as it is) says what to run."""
    from docassemble.MediationAgreement.errors import StoreError

    with pytest.raises(StoreError, match=r"the case store is not set up at .*: .*run `mediation-agreement case init --store URL` once"):
        CaseStore(f"sqlite:///{tmp_path / 'missing.db'}", generate_key(), create=False)
    assert not (tmp_path / "missing.db").exists()


def test_a_version_1_store_made_by_todays_code_is_upgraded_with_every_record_and_chain_intact(store_url: str) -> None:  # noqa: F811
    key = generate_key()
    ids = write_v1_store(store_url, key)
    before = rows(store_url, "SELECT case_id, seq, hash FROM ma_events ORDER BY case_id, seq")
    code, out = init(store_url, key)
    assert code == 0 and f"upgraded from schema revision 0001 to {HEAD}" in out, out
    assert "sealed with the MAC chain: 1; left unsealed (already broken, or no key): 1" in out
    assert rows(store_url, "SELECT case_id, seq, hash FROM ma_events ORDER BY case_id, seq") == before
    with CaseStore(store_url, key, create=False) as store:
        assert store.audit(ids["intact"]) == []
        assert [e.payload.get("text") for e in store.events(ids["intact"])][-1] == "a version-1 comment"
        assert any("stored hash does not match" in p for p in store.audit(ids["broken"]))  # it was broken before; it stays reported
    assert init(store_url, key)[1].count("nothing to do") == 1


def test_a_store_made_before_alembic_is_stamped_not_rebuilt(tmp_path: Path) -> None:
    key = generate_key()
    url = f"sqlite:///{tmp_path / 'cases.db'}"
    with CaseStore(url, key) as store:
        case_id = store.create_case("Rivera / Rivera", {"note": "kept"})
    rows(url, f"DROP TABLE {VERSION_TABLE}")  # as the store was before this version
    code, out = init(url, key)
    assert code == 0 and "nothing to do" in out, out
    assert rows(url, f"SELECT version_num FROM {VERSION_TABLE}") == [(HEAD,)]
    with CaseStore(url, key, create=False) as store:
        assert store.audit(case_id) == [] and store.events(case_id)[0].payload == {"note": "kept"}


def test_a_store_a_newer_version_set_up_is_refused_and_left_alone(store_url: str) -> None:  # noqa: F811
    key = generate_key()
    assert init(store_url, key)[0] == 0
    rows(store_url, f"UPDATE {VERSION_TABLE} SET version_num = '0099'")
    code, out = init(store_url, key)
    assert code != 0
    assert f"was set up by a newer version of this package (schema revision 0099; this version knows up to {HEAD})" in out
    assert rows(store_url, f"SELECT version_num FROM {VERSION_TABLE}") == [("0099",)]


def pg_tool(server: PostgresServer, tool: str, *args: str, stdin: Any = None, stdout: Any = None) -> None:
    """Run one of PostgreSQL's client programs against the test server (as its OS user when it has one)."""
    assert server.bin_dir is not None
    argv = [str(server.bin_dir / tool), "-h", server.host, "-p", str(server.port), "-U", server.user, *args]
    if server.run_as:
        argv = ["runuser", "-u", server.run_as, "--", *argv]
    result = subprocess.run(argv, stdin=stdin, stdout=stdout if stdout is not None else subprocess.PIPE, stderr=subprocess.PIPE, timeout=300, check=False)
    assert result.returncode == 0, f"{tool} failed: {result.stderr.decode(errors='replace')}"


@pytest.mark.slow
def test_backup_drop_restore_and_the_sealed_agreement_still_verifies(postgres_server: PostgresServer, tmp_path: Path) -> None:  # noqa: F811
    """The tables live in docassemble's own database (docs/server.md), so its backup is theirs: pg_dump, drop, pg_restore."""
    import psycopg2

    url = postgres_server.create_database()
    database = url.rsplit("/", 1)[1]
    # docassemble's own tables and Alembic version table are in the same database; ours must not touch them.
    rows(url, "CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY)")
    rows(url, "INSERT INTO alembic_version VALUES ('docassemble-rev')")
    key = generate_key()
    assert init(url, key)[0] == 0
    sealed = Sealed(tmp_path, url=url, key=key)
    with sealed.store.session(sealed.case_id) as session:
        final = session.final()
    assert final is not None
    pdf = tmp_path / "executed.pdf"
    pdf.write_bytes(final.pdf)
    sealed.store.close()

    dump = tmp_path / "backup.dump"
    with dump.open("wb") as out:
        pg_tool(postgres_server, "pg_dump", "-Fc", database, stdout=out)  # the file is written here, not by the postgres user
    admin = psycopg2.connect(host=postgres_server.host, port=postgres_server.port, user=postgres_server.user, dbname=postgres_server.admin_db)
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute(f'DROP DATABASE "{database}" WITH (FORCE)')
        cur.execute(f'CREATE DATABASE "{database}"')
    admin.close()
    gone = run_cli("verify", pdf, "--trust", sealed.pki["ca"], "--store", url, env={"MEDIATION_STORE_KEY": key})
    assert gone.code != 0 and "the case store is not set up" in gone.out + gone.err
    with dump.open("rb") as backup:
        pg_tool(postgres_server, "pg_restore", "-d", database, stdin=backup)

    verified = run_cli("verify", pdf, "--trust", sealed.pki["ca"], "--store", url, env={"MEDIATION_STORE_KEY": key})
    assert verified.code == 0, verified.out + verified.err
    assert rows(url, "SELECT version_num FROM alembic_version") == [("docassemble-rev",)]
    assert init(url, key)[1].count("nothing to do") == 1
    with CaseStore(url, key, create=False) as store:
        assert store.audit(sealed.case_id) == []
