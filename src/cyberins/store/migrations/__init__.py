"""Alembic migrations of the store, run programmatically by `cyberins.store.migrate`."""
