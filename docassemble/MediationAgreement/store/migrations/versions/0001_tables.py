"""The case store's tables as schema 1 made them (the store before the event log's MAC chain).

Revision ID: 0001
Revises:
Create Date: 2026-11-20
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("ma_meta", sa.Column("key", sa.String(64), primary_key=True), sa.Column("value", sa.LargeBinary, nullable=False))
    op.create_table(
        "ma_cases",
        sa.Column("case_id", sa.String(40), primary_key=True),
        sa.Column("created_at", sa.String(20), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("label", sa.LargeBinary, nullable=False),
        sa.Column("head_seq", sa.Integer, nullable=False),
        sa.Column("head_hash", sa.String(64), nullable=False),
    )
    op.create_table(
        "ma_events",
        sa.Column("case_id", sa.String(40), sa.ForeignKey("ma_cases.case_id"), primary_key=True),
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("at", sa.String(20), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("actor", sa.String(16), nullable=False),
        sa.Column("payload", sa.LargeBinary, nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
    )
    op.create_table(
        "ma_drafts",
        sa.Column("case_id", sa.String(40), sa.ForeignKey("ma_cases.case_id"), primary_key=True),
        sa.Column("number", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("created_at", sa.String(20), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("case_data", sa.LargeBinary, nullable=False),
        sa.Column("document", sa.LargeBinary, nullable=False),
        sa.Column("pdf", sa.LargeBinary, nullable=False),
        sa.Column("libraries", sa.Text, nullable=False),
    )
    op.create_table(
        "ma_tokens",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column("token_id", sa.String(16), nullable=False),
        sa.Column("case_id", sa.String(40), sa.ForeignKey("ma_cases.case_id"), nullable=False),
        sa.Column("party", sa.String(16), nullable=False),
        sa.Column("issued_at", sa.String(20), nullable=False),
        sa.Column("expires_at", sa.String(20), nullable=False),
        sa.Column("revoked_at", sa.String(20)),
        sa.Column("spent_at", sa.String(20)),
        sa.UniqueConstraint("token_id", name="uq_ma_tokens_token_id"),
    )
    op.create_index("ix_ma_tokens_case_id", "ma_tokens", ["case_id"])
    op.create_table(
        "ma_blobs",
        sa.Column("case_id", sa.String(40), sa.ForeignKey("ma_cases.case_id"), primary_key=True),
        sa.Column("sha256", sa.String(64), primary_key=True),
        sa.Column("data", sa.LargeBinary, nullable=False),
    )
    op.create_table(
        "ma_finals",
        sa.Column("case_id", sa.String(40), sa.ForeignKey("ma_cases.case_id"), primary_key=True),
        sa.Column("draft", sa.Integer, nullable=False),
        sa.Column("created_at", sa.String(20), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("pdf", sa.LargeBinary, nullable=False),
    )


def downgrade() -> None:
    for table in ("ma_finals", "ma_blobs", "ma_tokens", "ma_drafts", "ma_events", "ma_cases", "ma_meta"):
        op.drop_table(table)
