"""Column types that behave the same on SQLite and PostgreSQL: exact money, aware UTC times, JSON documents.

Money is exact on both backends. PostgreSQL stores `NUMERIC(20, 4)`; SQLite has no exact decimal type
(a NUMERIC column keeps a REAL once a value has more than about 15 significant digits), so there the
amount is the canonical decimal string. Scale 4 holds every ISO 4217 minor unit (CNY/USD 2, KWD 3,
CLF 4); services round to the currency's own minor unit before storing.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Dialect, Numeric, String
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.types import DateTime, TypeDecorator, TypeEngine

MONEY_PRECISION = 20
MONEY_SCALE = 4

#: A JSON document: JSONB on PostgreSQL, JSON text on SQLite.
Document = JSON().with_variant(JSONB(), "postgresql")


def new_id() -> str:
    """A random, unguessable primary key (32 hex characters), so a foreign id reveals nothing."""
    return uuid.uuid4().hex


class Money(TypeDecorator[Decimal]):
    """An exact amount: NUMERIC(20, 4) on PostgreSQL, a decimal string on SQLite."""

    impl = String(40)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "postgresql":
            return dialect.type_descriptor(Numeric(MONEY_PRECISION, MONEY_SCALE, asdecimal=True))
        return dialect.type_descriptor(String(40))

    def process_bind_param(self, value: Decimal | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if not isinstance(value, Decimal) or not value.is_finite():
            raise TypeError(f"money must be a finite Decimal, got {value!r}")
        if value.as_tuple().exponent < -MONEY_SCALE:  # type: ignore[operator]
            raise ValueError(f"money {value} has more than {MONEY_SCALE} decimal places")
        return value if dialect.name == "postgresql" else format(value, "f")

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        amount = Decimal(value) if not isinstance(value, Decimal) else value
        # Same value, same digits on both backends: no trailing zeros (renderers round to the currency's unit).
        return amount.quantize(Decimal(1)) if amount == amount.to_integral_value() else amount.normalize()

    @property
    def python_type(self) -> type[Decimal]:
        return Decimal


class UtcDateTime(TypeDecorator[datetime]):
    """A timezone-aware instant stored in UTC; SQLite gives back naive values, which are UTC by construction."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: give a timezone-aware instant")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)

    @property
    def python_type(self) -> type[datetime]:
        return datetime
