"""Threat-intelligence feeds: one row per record of a source (KEV, EPSS, NVD, ATT&CK) with its content hash and
provenance, and one row per file loaded.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from cyberins.store.types import Document, UtcDateTime

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "feed_loads",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("file", sa.String(255), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("snapshot_date", sa.Date(), nullable=False),
        sa.Column("version", sa.String(40)),
        sa.Column("records", sa.Integer(), nullable=False),
        sa.Column("added", sa.Integer(), nullable=False),
        sa.Column("updated", sa.Integer(), nullable=False),
        sa.Column("unchanged", sa.Integer(), nullable=False),
        sa.Column("loaded_at", UtcDateTime(), nullable=False),
    )
    op.create_index(op.f("ix_feed_loads_source"), "feed_loads", ["source"])
    op.create_table(
        "feed_records",
        sa.Column("source", sa.String(16), primary_key=True),
        sa.Column("key", sa.String(120), primary_key=True),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("version", sa.String(32), nullable=False),
        sa.Column("payload", Document, nullable=False),
        sa.Column("file", sa.String(255), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("snapshot_date", sa.Date(), nullable=False),
        sa.Column("load_id", sa.String(32), sa.ForeignKey("feed_loads.id"), nullable=False),
        sa.Column("loaded_at", UtcDateTime(), nullable=False),
    )
    op.create_index("ix_feed_records_load_id", "feed_records", ["load_id"])


def downgrade() -> None:
    op.drop_index("ix_feed_records_load_id", "feed_records")
    op.drop_table("feed_records")
    op.drop_index(op.f("ix_feed_loads_source"), "feed_loads")
    op.drop_table("feed_loads")
