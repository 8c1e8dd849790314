"""Alembic environment: always run through `cyberins.store.migrate`, which hands over an open connection."""

from __future__ import annotations

from alembic import context

import cyberins.store.models  # noqa: F401  (registers every table on the metadata)
from cyberins.store.base import Base

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations with cyberins.store.migrate.upgrade(engine), which passes a connection")

context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
