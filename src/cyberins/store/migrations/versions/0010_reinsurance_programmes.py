"""Reinsurance programmes: each insurer's treaties and cat bonds per currency, one row per version (issue 19),
so the book view nets its losses and every earlier programme stays readable.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from cyberins.store.types import Document, UtcDateTime

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "reinsurance_programmes",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("insurer_org_id", sa.String(32), sa.ForeignKey("organizations.id"), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("document", Document, nullable=False),
        sa.Column("created_by", sa.String(80), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.UniqueConstraint("insurer_org_id", "currency", "version"),
    )
    op.create_index(op.f("ix_reinsurance_programmes_insurer_org_id"), "reinsurance_programmes", ["insurer_org_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_reinsurance_programmes_insurer_org_id"), "reinsurance_programmes")
    op.drop_table("reinsurance_programmes")
