"""Parties, access, underwriting, audit chain and idempotency records.

Revision ID: 0001
Revises:
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from cyberins.store.types import Document, Money, UtcDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

ORG_KINDS = (
    "insurer", "broker", "insured", "reinsurer", "security_service_provider", "assessor",
    "incident_responder", "law_firm", "pr_firm", "loss_adjuster",
)  # fmt: skip
ROLES = ("admin", "underwriter", "claims_handler", "analyst", "viewer")
RELATIONSHIP_KINDS = ("broker_client", "insurer_client", "insurer_panel")
SUBMISSION_STATES = ("submitted", "assessed", "quoted", "bound", "declined", "withdrawn")
POLICY_STATES = ("active", "expired", "renewed", "cancelled")
GENESIS_HASH = "0" * 64


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def _id() -> sa.Column[str]:
    return sa.Column("id", sa.String(32), primary_key=True)


def _org(name: str, nullable: bool = False) -> sa.Column[str]:
    return sa.Column(name, sa.String(32), sa.ForeignKey("organizations.id"), nullable=nullable)


def _at(name: str, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, UtcDateTime(), nullable=nullable)


def _indexes(table: str, *columns: str) -> None:
    for column in columns:
        op.create_index(op.f(f"ix_{table}_{column}"), table, [column])


def upgrade() -> None:
    op.create_table(
        "organizations",
        _id(),
        sa.Column("name", sa.String(200), nullable=False, unique=True),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("country", sa.String(2)),
        _at("created_at"),
        sa.CheckConstraint(_in("kind", ORG_KINDS), name="kind"),
    )
    _indexes("organizations", "kind")
    op.create_table(
        "users",
        _id(),
        _org("org_id"),
        sa.Column("email", sa.String(254), nullable=False, unique=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("password_hash", sa.String(200), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        _at("created_at"),
        sa.CheckConstraint(_in("role", ROLES), name="role"),
    )
    _indexes("users", "org_id")
    op.create_table(
        "api_keys",
        _id(),
        _org("org_id"),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("secret_sha256", sa.String(64), nullable=False),
        sa.Column("created_by", sa.String(32), sa.ForeignKey("users.id")),
        _at("created_at"),
        _at("revoked_at", nullable=True),
        sa.CheckConstraint(_in("role", ROLES), name="role"),
    )
    _indexes("api_keys", "org_id")
    op.create_table(
        "relationships",
        _id(),
        sa.Column("kind", sa.String(40), nullable=False),
        _org("from_org_id"),
        _org("to_org_id"),
        _at("created_at"),
        sa.UniqueConstraint("kind", "from_org_id", "to_org_id"),
        sa.CheckConstraint(_in("kind", RELATIONSHIP_KINDS), name="kind"),
    )
    _indexes("relationships", "from_org_id", "to_org_id")
    op.create_table(
        "submissions",
        _id(),
        _org("insured_org_id"),
        _org("insurer_org_id"),
        _org("broker_org_id", nullable=True),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("profile", Document, nullable=False),
        sa.Column("assessment", Document),
        sa.Column("quote", Document),
        sa.Column("version", sa.Integer(), nullable=False),
        _at("created_at"),
        _at("updated_at"),
        sa.CheckConstraint(_in("state", SUBMISSION_STATES), name="state"),
    )
    _indexes("submissions", "insured_org_id", "insurer_org_id", "broker_org_id", "state")
    op.create_table(
        "policies",
        _id(),
        sa.Column("policy_number", sa.String(80), nullable=False, unique=True),
        _org("insured_org_id"),
        _org("insurer_org_id"),
        _org("broker_org_id", nullable=True),
        sa.Column("submission_id", sa.String(32), sa.ForeignKey("submissions.id")),
        sa.Column("renewal_of_id", sa.String(32), sa.ForeignKey("policies.id")),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("document", Document, nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("premium", Money(), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("cancelled_on", sa.Date()),
        sa.Column("cancel_reason", sa.Text()),
        sa.Column("return_premium", Money()),
        sa.Column("version", sa.Integer(), nullable=False),
        _at("created_at"),
        _at("updated_at"),
        sa.CheckConstraint(_in("state", POLICY_STATES), name="state"),
    )
    _indexes("policies", "insured_org_id", "insurer_org_id", "broker_org_id", "state")
    op.create_table(
        "audit_log",
        sa.Column("seq", sa.Integer(), primary_key=True, autoincrement=False),
        _at("at"),
        sa.Column("actor", sa.String(80), nullable=False),
        sa.Column("org_id", sa.String(32)),
        sa.Column("action", sa.String(60), nullable=False),
        sa.Column("entity_type", sa.String(40), nullable=False),
        sa.Column("entity_id", sa.String(80), nullable=False),
        sa.Column("before_digest", sa.String(64)),
        sa.Column("after_digest", sa.String(64)),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
    )
    _indexes("audit_log", "org_id", "entity_id")
    head = op.create_table(
        "audit_head",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
    )
    op.bulk_insert(head, [{"id": 1, "seq": 0, "hash": GENESIS_HASH}])
    op.create_table(
        "idempotency_keys",
        _id(),
        sa.Column("scope", sa.String(80), nullable=False),
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("endpoint", sa.String(200), nullable=False),
        sa.Column("request_sha256", sa.String(64), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=False),
        sa.Column("response", Document, nullable=False),
        _at("created_at"),
        sa.UniqueConstraint("scope", "key"),
    )


def downgrade() -> None:
    for table in (
        "idempotency_keys", "audit_head", "audit_log", "policies", "submissions", "relationships", "api_keys",
        "users", "organizations",
    ):  # fmt: skip
        op.drop_table(table)
