"""Parties: organizations of a kind, their users and API keys, and standing relationships between them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from cyberins.model.vocab import OrgKind, RelationshipKind, Role
from cyberins.store.base import Base, one_of, utcnow
from cyberins.store.types import UtcDateTime, new_id


class Organization(Base):
    """A party. Its name is not unique platform-wide (two registrars may each have an "Acme Ltd"), so a name
    taken in another tenant reveals nothing; the services keep it unique among the registrar's own."""

    __tablename__ = "organizations"
    __table_args__ = (CheckConstraint(one_of("kind", OrgKind), name="kind"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(40), index=True)
    country: Mapped[str | None] = mapped_column(String(2))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class User(Base):
    """A person of one organization. The email is unique platform-wide: it is what signs in."""

    __tablename__ = "users"
    __table_args__ = (CheckConstraint(one_of("role", Role), name="role"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    org_id: Mapped[str] = mapped_column(ForeignKey("organizations.id"), index=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    #: Carried by every access token; raising it (logout, disable, password change or reset) revokes them all.
    token_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class ApiKey(Base):
    """A machine client's key. Only the SHA-256 of its secret is kept; a revoked key never authenticates."""

    __tablename__ = "api_keys"
    __table_args__ = (CheckConstraint(one_of("role", Role), name="role"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    org_id: Mapped[str] = mapped_column(ForeignKey("organizations.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    secret_sha256: Mapped[str] = mapped_column(String(64))
    created_by: Mapped[str | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class Relationship(Base):
    """A standing link `from_org -> to_org` of a kind (broker -> client, insurer -> panel vendor)."""

    __tablename__ = "relationships"
    __table_args__ = (
        UniqueConstraint("kind", "from_org_id", "to_org_id"),
        CheckConstraint(one_of("kind", RelationshipKind), name="kind"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    kind: Mapped[str] = mapped_column(String(40))
    from_org_id: Mapped[str] = mapped_column(ForeignKey("organizations.id"), index=True)
    to_org_id: Mapped[str] = mapped_column(ForeignKey("organizations.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
