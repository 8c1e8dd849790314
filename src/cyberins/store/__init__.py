"""The platform's store: SQLAlchemy 2 models, Alembic migrations and repositories (all SQL lives here).

SQLite (WAL, foreign keys on) by default, PostgreSQL through psycopg 3 via `CYBERINS_DATABASE_URL`.
"""

from cyberins.store.db import make_engine, normalize_url, session_factory
from cyberins.store.migrate import current_revision, downgrade, head_revision, upgrade

__all__ = [
    "current_revision",
    "downgrade",
    "head_revision",
    "make_engine",
    "normalize_url",
    "session_factory",
    "upgrade",
]
