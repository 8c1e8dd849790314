"""One transaction per use case: `with unit_of_work(session):` commits at the outermost level, or rolls back.

Nested units (an idempotent request wrapping a payment) join the outer one, so the payment, its audit
entry and the stored response commit together or not at all. A stale version or a broken uniqueness rule
found at commit becomes a `Conflict`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from cyberins.services.errors import Conflict
from cyberins.store.db import begin_write

_DEPTH = "cyberins.uow_depth"


@contextmanager
def unit_of_work(session: Session) -> Iterator[Session]:
    depth = session.info.get(_DEPTH, 0)
    if depth == 0:
        begin_write(session)
    session.info[_DEPTH] = depth + 1
    try:
        yield session
        if depth == 0:
            session.commit()
    except StaleDataError:
        if depth == 0:
            session.rollback()
        raise Conflict("the entity was changed by someone else; reload it and try again") from None
    except IntegrityError as exc:
        if depth == 0:
            session.rollback()
        raise Conflict(f"the change breaks a uniqueness or reference rule: {exc.orig}") from None
    except BaseException:
        if depth == 0:
            session.rollback()
        raise
    finally:
        session.info[_DEPTH] = depth


def end_read(session: Session) -> None:
    """Close a read-only transaction outside any unit of work (before a long computation), keeping the loaded
    objects usable; inside a unit of work, or with pending changes, nothing happens."""
    if session.info.get(_DEPTH, 0) == 0 and not (session.new or session.dirty or session.deleted):
        session.commit()
