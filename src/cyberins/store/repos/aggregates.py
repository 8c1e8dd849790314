"""Generic reads of one table: by id, by a party column, and pages with equality filters.

Access rules live in the services; they hand over *which* columns tie a row to a party (`PartyScope`), and
this module turns that into SQL.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import ColumnElement, false, func, or_, select, true
from sqlalchemy.orm import Session

from cyberins.store.base import Base

T = TypeVar("T", bound=Base)


@dataclass(frozen=True)
class PartyScope:
    """Rows where any of `columns` equals `org_id`; no columns means no rows (deny by default)."""

    columns: tuple[str, ...]
    org_id: str
    unrestricted: bool = False  # the in-process system actor (demo seeding, restore, jobs)


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    total: int
    limit: int
    offset: int


class Repository(Generic[T]):
    """Reads and writes of one mapped class."""

    def __init__(self, model: type[T], order_by: str = "created_at") -> None:
        self.model = model
        self.order_by = order_by

    def _column(self, name: str) -> Any:
        column = getattr(self.model, name, None)
        if column is None:
            raise KeyError(f"{self.model.__tablename__} has no column {name!r}")
        return column

    def _scope(self, scope: PartyScope) -> ColumnElement[bool]:
        if scope.unrestricted:
            return true()
        if not scope.columns:
            return false()
        return or_(*(self._column(c) == scope.org_id for c in scope.columns))

    def get(self, session: Session, entity_id: str, *, for_update: bool = False) -> T | None:
        stmt = select(self.model).where(self._column("id") == entity_id)
        if for_update:
            stmt = stmt.with_for_update()
        return session.scalars(stmt).one_or_none()

    def get_scoped(self, session: Session, entity_id: str, scope: PartyScope, *, for_update: bool = False) -> T | None:
        """The row if `scope` sees it; `for_update` locks it until the transaction ends (PostgreSQL; SQLite's
        writers are serialized by BEGIN IMMEDIATE already)."""
        stmt = select(self.model).where(self._column("id") == entity_id, self._scope(scope))
        if for_update:
            stmt = stmt.with_for_update()
        # fresh from the database, not a stale copy from the identity map: a use case decides on current state
        return session.scalars(stmt.execution_options(populate_existing=True)).one_or_none()

    def find_by(self, session: Session, **equals: Any) -> T | None:
        stmt = select(self.model).where(*(self._column(k) == v for k, v in equals.items()))
        return session.scalars(stmt).first()

    def page(
        self,
        session: Session,
        scope: PartyScope,
        filters: Mapping[str, Any] | None = None,
        *,
        limit: int,
        offset: int,
        ids: Collection[str] | None = None,
    ) -> Page[T]:
        """One page, oldest first; `ids`, when given, narrows further to those primary keys."""
        where = [self._scope(scope)]
        if ids is not None:
            where.append(self._column("id").in_(list(ids)))
        where += [self._column(k) == v for k, v in (filters or {}).items() if v is not None]
        total = session.scalar(select(func.count()).select_from(self.model).where(*where)) or 0
        stmt = (
            select(self.model)
            .where(*where)
            .order_by(self._column(self.order_by), self._column("id"))
            .limit(limit)
            .offset(offset)
        )
        return Page(list(session.scalars(stmt)), int(total), limit, offset)

    def all_visible(self, session: Session, scope: PartyScope) -> list[T]:
        """Every row `scope` sees, oldest first (an export: no page)."""
        stmt = select(self.model).where(self._scope(scope)).order_by(self._column(self.order_by), self._column("id"))
        return list(session.scalars(stmt))

    def add(self, session: Session, entity: T) -> T:
        session.add(entity)
        session.flush()
        return entity
