"""Alembic's entry point for the case store: run on the connection (and inside the transaction) the store hands over.

Nothing is read from an ``alembic.ini``: :func:`docassemble.MediationAgreement.store.migrate.migrate`
builds the configuration and passes the connection in ``config.attributes["connection"]``.
The version is kept in ``ma_alembic_version``, so the store's tables can sit in
docassemble's own database beside docassemble's ``alembic_version``.
"""

from __future__ import annotations

from alembic import context

from docassemble.MediationAgreement.store.migrate import VERSION_TABLE

connection = context.config.attributes["connection"]
context.configure(connection=connection, version_table=VERSION_TABLE, target_metadata=None)
with context.begin_transaction():
    context.run_migrations()
