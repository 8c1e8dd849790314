"""Sign-in throttling and token revocation; natural keys unique per tenant, not platform-wide.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from cyberins.store.types import UtcDateTime

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sign_in_failures",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("account", sa.String(64), nullable=False),
        sa.Column("address", sa.String(64), nullable=False),
        sa.Column("at", UtcDateTime(), nullable=False),
    )
    for column in ("account", "address", "at"):
        op.create_index(op.f(f"ix_sign_in_failures_{column}"), "sign_in_failures", [column])
    op.create_table(
        "sign_in_locks",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("scope", sa.String(10), nullable=False),
        sa.Column("subject", sa.String(64), nullable=False),
        sa.Column("locked_at", UtcDateTime(), nullable=False),
        sa.Column("locked_until", UtcDateTime(), nullable=False),
        sa.Column("lifted_at", UtcDateTime()),
        sa.CheckConstraint("scope IN ('account', 'address')", name="scope"),
    )
    op.create_index(op.f("ix_sign_in_locks_subject"), "sign_in_locks", ["subject"])
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("token_version", sa.Integer(), nullable=False, server_default="0"))
    with op.batch_alter_table("organizations") as batch:
        batch.drop_constraint("uq_organizations_name", type_="unique")
    with op.batch_alter_table("policies") as batch:
        batch.drop_constraint("uq_policies_policy_number", type_="unique")
        batch.create_unique_constraint("uq_policies_insurer_org_id_policy_number", ["insurer_org_id", "policy_number"])


def downgrade() -> None:
    with op.batch_alter_table("policies") as batch:
        batch.drop_constraint("uq_policies_insurer_org_id_policy_number", type_="unique")
        batch.create_unique_constraint("uq_policies_policy_number", ["policy_number"])
    with op.batch_alter_table("organizations") as batch:
        batch.create_unique_constraint("uq_organizations_name", ["name"])
    with op.batch_alter_table("users") as batch:
        batch.drop_column("token_version")
    op.drop_table("sign_in_locks")
    op.drop_table("sign_in_failures")
