"""One transaction per use case: `with unit_of_work(session):` commits at the outermost level, or rolls back.

Nested units (an idempotent request wrapping a payment) join the outer one, so the payment, its audit
entry and the stored response commit together or not at all. A stale version or a broken uniqueness rule
found at commit becomes a `Conflict` (with a neutral message: a constraint's name or a driver's DETAIL text
could tell a caller what another tenant holds). A write the store cannot take for lock contention (SQLite's
busy timeout, PostgreSQL's serialization failures, deadlocks and lock timeouts) becomes `Busy`: rolled back,
nothing written, safe to retry — never an error of the server.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from cyberins.model.errors import Said
from cyberins.services.errors import Busy, Conflict
from cyberins.store.db import begin_write

_DEPTH = "cyberins.uow_depth"


@contextmanager
def unit_of_work(session: Session) -> Iterator[Session]:
    depth = session.info.get(_DEPTH, 0)
    if depth == 0:
        try:
            begin_write(session)
        except OperationalError as exc:
            _busy_or_raise(session, exc)
    session.info[_DEPTH] = depth + 1
    try:
        yield session
        if depth == 0:
            session.commit()
    except StaleDataError:
        if depth == 0:
            session.rollback()
        raise Conflict(Said("api.error.changed_by_other")) from None
    except IntegrityError:
        if depth == 0:
            session.rollback()
        raise Conflict(Said("api.error.integrity")) from None
    except DBAPIError as exc:
        if depth == 0:
            _busy_or_raise(session, exc)
        raise
    except BaseException:
        if depth == 0:
            session.rollback()
        raise
    finally:
        session.info[_DEPTH] = depth


#: PostgreSQL SQLSTATEs of contention: serialization failure, deadlock, lock not available.
_PG_CONTENTION = {"40001", "40P01", "55P03"}


def _busy_or_raise(session: Session, exc: DBAPIError) -> None:
    """Roll back; raise `Busy` when `exc` is lock contention, else re-raise it."""
    session.rollback()
    text = str(exc.orig).lower()
    code = getattr(exc.orig, "sqlstate", None) or getattr(exc.orig, "pgcode", None)
    if code in _PG_CONTENTION or "database is locked" in text or "database is busy" in text:
        raise Busy(Said("api.error.busy_store")) from None
    raise exc


def end_read(session: Session) -> None:
    """Close a read-only transaction outside any unit of work (before a long computation), keeping the loaded
    objects usable; inside a unit of work, or with pending changes, nothing happens."""
    if session.info.get(_DEPTH, 0) == 0 and not (session.new or session.dirty or session.deleted):
        session.commit()
