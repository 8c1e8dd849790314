"""Signed-in browser sessions of the web pages, one row each, so the server can end any of them at once."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from cyberins.store.base import Base
from cyberins.store.types import UtcDateTime


class WebSession(Base):
    """A browser session. The cookie holds a random secret; the row is keyed by its SHA-256, so a copy of the
    table signs nobody in. `token_version` is the user's at sign-in: a logout elsewhere, a password change or a
    disabled account (each raises the user's version) ends the session too."""

    __tablename__ = "web_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"), index=True)
    token_version: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
