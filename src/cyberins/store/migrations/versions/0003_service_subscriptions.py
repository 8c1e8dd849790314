"""Marketplace offers declare their controls; insureds subscribe to services.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from cyberins.store.types import Document, UtcDateTime

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("services") as batch:
        batch.add_column(sa.Column("controls", Document, nullable=False, server_default=sa.text("'[]'")))
    op.create_table(
        "service_subscriptions",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("insured_org_id", sa.String(32), sa.ForeignKey("organizations.id"), nullable=False),
        sa.Column("service_id", sa.String(32), sa.ForeignKey("services.id"), nullable=False),
        sa.Column("active_from", UtcDateTime(), nullable=False),
        sa.Column("active_to", UtcDateTime()),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
    )
    for column in ("insured_org_id", "service_id"):
        op.create_index(op.f(f"ix_service_subscriptions_{column}"), "service_subscriptions", [column])
    op.create_index(
        "uq_service_subscriptions_open",
        "service_subscriptions",
        ["insured_org_id", "service_id"],
        unique=True,
        sqlite_where=sa.text("active_to IS NULL"),
        postgresql_where=sa.text("active_to IS NULL"),
    )


def downgrade() -> None:
    op.drop_table("service_subscriptions")
    with op.batch_alter_table("services") as batch:
        batch.drop_column("controls")
