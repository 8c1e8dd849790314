"""In-policy monitoring: each insured's stored asset inventory (one row per component) and its alerts, keyed
by the engine's stable alert id so a re-scan keeps each alert's state.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from cyberins.store.types import Document, UtcDateTime

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "asset_rows",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("insured_org_id", sa.String(32), sa.ForeignKey("organizations.id"), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("hostname", sa.String(255), nullable=False),
        sa.Column("ip", sa.String(64), nullable=False),
        sa.Column("cpe", sa.String(400), nullable=False),
        sa.Column("role", sa.String(40), nullable=False),
        sa.Column("internet_facing", sa.Boolean(), nullable=False),
        sa.Column("criticality", sa.String(10), nullable=False),
        sa.Column("row", Document, nullable=False),
        sa.Column("source", sa.String(255), nullable=False),
        sa.Column("loaded_at", UtcDateTime(), nullable=False),
    )
    op.create_index(op.f("ix_asset_rows_insured_org_id"), "asset_rows", ["insured_org_id"])
    op.create_table(
        "monitoring_alerts",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("insured_org_id", sa.String(32), sa.ForeignKey("organizations.id"), nullable=False),
        sa.Column("policy_id", sa.String(32), sa.ForeignKey("policies.id")),
        sa.Column("cve", sa.String(40), nullable=False),
        sa.Column("match", sa.String(10), nullable=False),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("payload", Document, nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("opened_at", UtcDateTime(), nullable=False),
        sa.Column("due_by", sa.Date()),
        sa.Column("notified_at", UtcDateTime()),
        sa.Column("matched_now", sa.Boolean(), nullable=False),
        sa.Column("risk_reason", sa.Text()),
        sa.Column("risk_expires", sa.Date()),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
    )
    op.create_index(op.f("ix_monitoring_alerts_insured_org_id"), "monitoring_alerts", ["insured_org_id"])
    op.create_index(op.f("ix_monitoring_alerts_cve"), "monitoring_alerts", ["cve"])
    op.create_index(op.f("ix_monitoring_alerts_state"), "monitoring_alerts", ["state"])


def downgrade() -> None:
    op.drop_index(op.f("ix_monitoring_alerts_state"), "monitoring_alerts")
    op.drop_index(op.f("ix_monitoring_alerts_cve"), "monitoring_alerts")
    op.drop_index(op.f("ix_monitoring_alerts_insured_org_id"), "monitoring_alerts")
    op.drop_table("monitoring_alerts")
    op.drop_index(op.f("ix_asset_rows_insured_org_id"), "asset_rows")
    op.drop_table("asset_rows")
