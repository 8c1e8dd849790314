"""Platform records: the hash-chained audit log, stored idempotent responses, marketplace service offers and
the insureds' subscriptions to them."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from cyberins.store.base import Base, utcnow
from cyberins.store.types import Document, Money, UtcDateTime, new_id

#: `prev_hash` of the first entry of a chain (after the legacy chain's head, when a database has one).
GENESIS_HASH = "0" * 64
#: The chain of actions taken by no organization (the system, platform operators).
PLATFORM_CHAIN = "platform"
#: The single unkeyed chain of the entries written before per-tenant chains (revision 0005), kept verifiable.
LEGACY_CHAIN = "legacy"


class AuditEntry(Base):
    """One append-only entry of one chain. `hash` covers every other field but `seq` and chains the entries of
    its `chain` by `chain_seq`; `seq`, given by the database, orders entries across chains."""

    __tablename__ = "audit_log"
    __table_args__ = (UniqueConstraint("chain", "chain_seq"),)

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    chain: Mapped[str] = mapped_column(String(32))
    chain_seq: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(UtcDateTime())
    actor: Mapped[str] = mapped_column(String(80))
    org_id: Mapped[str | None] = mapped_column(String(32), index=True)
    action: Mapped[str] = mapped_column(String(60))
    entity_type: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[str] = mapped_column(String(80), index=True)
    before_digest: Mapped[str | None] = mapped_column(String(64))
    after_digest: Mapped[str | None] = mapped_column(String(64))
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class AuditChain(Base):
    """The head of one chain (a tenant's organization id, `platform` or `legacy`): its last `chain_seq` and
    `hash`. Appenders lock only their chain's row, so tenants never queue behind each other. `keyed` is false
    for the legacy chain alone (plain SHA-256); every other chain's hashes are HMACs under the audit key."""

    __tablename__ = "audit_chains"

    chain: Mapped[str] = mapped_column(String(32), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer)
    hash: Mapped[str] = mapped_column(String(64))
    keyed: Mapped[bool] = mapped_column(Boolean)


class IdempotencyRecord(Base):
    """The first response to a request carrying an `Idempotency-Key`, replayed to every retry."""

    __tablename__ = "idempotency_keys"
    __table_args__ = (UniqueConstraint("scope", "key"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    scope: Mapped[str] = mapped_column(String(80))
    key: Mapped[str] = mapped_column(String(200))
    endpoint: Mapped[str] = mapped_column(String(200))
    request_sha256: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int] = mapped_column(Integer)
    response: Mapped[dict[str, Any]] = mapped_column(Document)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class ServiceOffer(Base):
    """A service a provider offers on the marketplace (assessment, monitoring, response, legal, PR ...)."""

    __tablename__ = "services"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    provider_org_id: Mapped[str] = mapped_column(ForeignKey("organizations.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(60), index=True)
    description: Mapped[str] = mapped_column(Text)
    price: Mapped[Decimal | None] = mapped_column(Money())
    currency: Mapped[str | None] = mapped_column(String(3))
    #: Questionnaire control ids (`cyberins.assess`) the service puts in place at a subscriber.
    controls: Mapped[list[str]] = mapped_column(Document, default=list)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class ServiceSubscription(Base):
    """An insured's use of a marketplace service from `active_from` until `active_to` (open while null).

    At most one open subscription per (insured, service): a partial unique index keeps racing activations
    from duplicating it."""

    __tablename__ = "service_subscriptions"
    __table_args__ = (
        Index(
            "uq_service_subscriptions_open",
            "insured_org_id",
            "service_id",
            unique=True,
            sqlite_where=text("active_to IS NULL"),
            postgresql_where=text("active_to IS NULL"),
        ),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    insured_org_id: Mapped[str] = mapped_column(ForeignKey("organizations.id"), index=True)
    service_id: Mapped[str] = mapped_column(ForeignKey("services.id"), index=True)
    active_from: Mapped[datetime] = mapped_column(UtcDateTime())
    active_to: Mapped[datetime | None] = mapped_column(UtcDateTime())
    version: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)

    __mapper_args__ = {"version_id_col": version}

    @property
    def state(self) -> str:
        """`active` until ended, then `ended`."""
        return "active" if self.active_to is None else "ended"
