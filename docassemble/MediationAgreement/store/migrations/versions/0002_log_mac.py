"""Schema 2: the event log's MAC chain (``ma_events.mac``, ``ma_cases.head_mac``).

The columns only: sealing each existing case's log needs the store key, so the
store does it in Python right after this revision, in the same transaction
(``CaseStore._seal_after_upgrade``).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("ma_events", sa.Column("mac", sa.String(64)))
    op.add_column("ma_cases", sa.Column("head_mac", sa.String(64)))


def downgrade() -> None:
    with op.batch_alter_table("ma_cases") as batch:
        batch.drop_column("head_mac")
    with op.batch_alter_table("ma_events") as batch:
        batch.drop_column("mac")
