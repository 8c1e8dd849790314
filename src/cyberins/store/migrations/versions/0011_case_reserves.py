"""Case reserves: each setting of a claim's reserve as its own row (amount, basis, reason, who and when), never
updated in place.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from cyberins.store.types import Document, Money, UtcDateTime

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "case_reserves",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("incident_id", sa.String(32), sa.ForeignKey("incidents.id"), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("insurer_org_id", sa.String(32), sa.ForeignKey("organizations.id"), nullable=False),
        sa.Column("insured_org_id", sa.String(32), sa.ForeignKey("organizations.id"), nullable=False),
        sa.Column("broker_org_id", sa.String(32), sa.ForeignKey("organizations.id")),
        sa.Column("amount", Money(), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("basis", sa.String(20), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("detail", Document, nullable=False),
        sa.Column("set_by", sa.String(80), nullable=False),
        sa.Column("set_at", UtcDateTime(), nullable=False),
        sa.UniqueConstraint("incident_id", "seq"),
    )
    op.create_index(op.f("ix_case_reserves_incident_id"), "case_reserves", ["incident_id"])
    op.create_index(op.f("ix_case_reserves_insurer_org_id"), "case_reserves", ["insurer_org_id"])
    op.create_index(op.f("ix_case_reserves_insured_org_id"), "case_reserves", ["insured_org_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_case_reserves_insured_org_id"), "case_reserves")
    op.drop_index(op.f("ix_case_reserves_insurer_org_id"), "case_reserves")
    op.drop_index(op.f("ix_case_reserves_incident_id"), "case_reserves")
    op.drop_table("case_reserves")
