"""Claims (incidents, payments) and the services marketplace.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from cyberins.store.types import Document, Money, UtcDateTime

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

INCIDENT_STATES = (
    "reported", "responder_assigned", "forensics_submitted", "coverage_decided", "loss_adjusted", "settled",
    "denied", "paid", "closed", "reopened",
)  # fmt: skip


def _org(name: str, nullable: bool = False) -> sa.Column[str]:
    return sa.Column(name, sa.String(32), sa.ForeignKey("organizations.id"), nullable=nullable)


def _indexes(table: str, *columns: str) -> None:
    for column in columns:
        op.create_index(op.f(f"ix_{table}_{column}"), table, [column])


def upgrade() -> None:
    op.create_table(
        "incidents",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("policy_id", sa.String(32), sa.ForeignKey("policies.id"), nullable=False),
        _org("insured_org_id"),
        _org("insurer_org_id"),
        _org("broker_org_id", nullable=True),
        _org("responder_org_id", nullable=True),
        sa.Column("state", sa.String(30), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("occurred_at", UtcDateTime(), nullable=False),
        sa.Column("discovered_at", UtcDateTime(), nullable=False),
        sa.Column("reported_at", UtcDateTime(), nullable=False),
        sa.Column("documents", Document, nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("settled_amount", Money()),
        sa.Column("paid_amount", Money(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.CheckConstraint(f"state IN ({', '.join(repr(s) for s in INCIDENT_STATES)})", name="state"),
    )
    _indexes("incidents", "policy_id", "insured_org_id", "insurer_org_id", "broker_org_id", "responder_org_id", "state")
    op.create_table(
        "payments",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("incident_id", sa.String(32), sa.ForeignKey("incidents.id"), nullable=False),
        _org("insurer_org_id"),
        _org("insured_org_id"),
        _org("broker_org_id", nullable=True),
        sa.Column("amount", Money(), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("idempotency_key", sa.String(200), nullable=False),
        sa.Column("paid_by", sa.String(80), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.UniqueConstraint("insurer_org_id", "idempotency_key"),
    )
    _indexes("payments", "incident_id", "insurer_org_id", "insured_org_id")
    op.create_table(
        "services",
        sa.Column("id", sa.String(32), primary_key=True),
        _org("provider_org_id"),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("category", sa.String(60), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("price", Money()),
        sa.Column("currency", sa.String(3)),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
    )
    _indexes("services", "provider_org_id", "category")


def downgrade() -> None:
    for table in ("services", "payments", "incidents"):
        op.drop_table(table)
