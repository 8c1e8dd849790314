"""Monitoring notifications: each alert's deliveries (webhook, e-mail) with their attempts and last error, so a
failed delivery is retried and never lost; an alert's `remediated_at` (the fix reported: the claims evidence for
`minimum_security.kev_patch_days`) and `reopened_at` (its vulnerability came back after verification).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from cyberins.store.types import UtcDateTime

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("monitoring_alerts") as batch:
        batch.add_column(sa.Column("remediated_at", UtcDateTime()))
        batch.add_column(sa.Column("reopened_at", UtcDateTime()))
    op.create_table(
        "alert_notifications",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("alert_id", sa.String(40), sa.ForeignKey("monitoring_alerts.id"), nullable=False),
        sa.Column("insured_org_id", sa.String(32), sa.ForeignKey("organizations.id"), nullable=False),
        sa.Column("channel", sa.String(20), nullable=False),
        sa.Column("event", sa.String(20), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_attempt_at", UtcDateTime()),
        sa.Column("last_error", sa.Text()),
        sa.Column("delivered_at", UtcDateTime()),
    )
    op.create_index(op.f("ix_alert_notifications_alert_id"), "alert_notifications", ["alert_id"])
    op.create_index(op.f("ix_alert_notifications_insured_org_id"), "alert_notifications", ["insured_org_id"])
    op.create_index(op.f("ix_alert_notifications_delivered_at"), "alert_notifications", ["delivered_at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_alert_notifications_delivered_at"), "alert_notifications")
    op.drop_index(op.f("ix_alert_notifications_insured_org_id"), "alert_notifications")
    op.drop_index(op.f("ix_alert_notifications_alert_id"), "alert_notifications")
    op.drop_table("alert_notifications")
    with op.batch_alter_table("monitoring_alerts") as batch:
        batch.drop_column("reopened_at")
        batch.drop_column("remediated_at")
