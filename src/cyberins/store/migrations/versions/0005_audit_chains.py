"""The audit log becomes one chain per tenant, keyed; the single chain of earlier entries stays as `legacy`.

Existing entries keep their `seq`, hashes and order: they move to the chain `legacy` (`chain_seq` = `seq`),
whose head row takes the old single head's place, marked unkeyed so it still verifies with plain SHA-256.
Re-hashing them under the audit key is not possible here (the key is not in the database, by design); the
first entry of every new chain links to the legacy head instead, so editing the legacy chain breaks them.
`seq` now comes from the database (an identity on PostgreSQL, the rowid on SQLite): it only orders entries
across chains.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

GENESIS_HASH = "0" * 64
LEGACY_CHAIN = "legacy"


def upgrade() -> None:
    with op.batch_alter_table("audit_log") as batch:
        batch.add_column(sa.Column("chain", sa.String(32)))
        batch.add_column(sa.Column("chain_seq", sa.Integer()))
    op.execute(sa.text("UPDATE audit_log SET chain = :legacy, chain_seq = seq").bindparams(legacy=LEGACY_CHAIN))
    with op.batch_alter_table("audit_log") as batch:
        batch.alter_column("chain", existing_type=sa.String(32), nullable=False)
        batch.alter_column("chain_seq", existing_type=sa.Integer(), nullable=False)
        batch.create_unique_constraint("uq_audit_log_chain_chain_seq", ["chain", "chain_seq"])
    chains = op.create_table(
        "audit_chains",
        sa.Column("chain", sa.String(32), primary_key=True),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.Column("keyed", sa.Boolean(), nullable=False),
    )
    head = op.get_bind().execute(sa.text("SELECT seq, hash FROM audit_head WHERE id = 1")).one_or_none()
    if head is not None and head.seq > 0:
        op.bulk_insert(chains, [{"chain": LEGACY_CHAIN, "seq": head.seq, "hash": head.hash, "keyed": False}])
    op.drop_table("audit_head")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE SEQUENCE audit_log_seq_seq OWNED BY audit_log.seq")
        op.execute("SELECT setval('audit_log_seq_seq', COALESCE((SELECT max(seq) FROM audit_log), 0) + 1, false)")
        op.execute("ALTER TABLE audit_log ALTER COLUMN seq SET DEFAULT nextval('audit_log_seq_seq')")


def downgrade() -> None:
    """Back to one chain: possible only while every entry is a legacy one (keyed entries would not verify)."""
    keyed = op.get_bind().execute(
        sa.text("SELECT count(*) FROM audit_log WHERE chain <> :legacy"), {"legacy": LEGACY_CHAIN}
    )
    if keyed.scalar_one():
        raise RuntimeError("the audit log holds per-tenant chain entries: revision 0004 cannot verify them")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE audit_log ALTER COLUMN seq DROP DEFAULT")
        op.execute("DROP SEQUENCE audit_log_seq_seq")
    legacy = (
        op.get_bind()
        .execute(sa.text("SELECT seq, hash FROM audit_chains WHERE chain = :legacy"), {"legacy": LEGACY_CHAIN})
        .one_or_none()
    )
    head = op.create_table(
        "audit_head",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
    )
    op.bulk_insert(
        head, [{"id": 1, "seq": legacy.seq if legacy else 0, "hash": legacy.hash if legacy else GENESIS_HASH}]
    )
    op.drop_table("audit_chains")
    with op.batch_alter_table("audit_log") as batch:
        batch.drop_constraint("uq_audit_log_chain_chain_seq", type_="unique")
        batch.drop_column("chain_seq")
        batch.drop_column("chain")
