"""Shared pieces of the API's bodies: strict inputs, money rendered in the currency's minor unit, pages, errors."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Annotated, Any, ClassVar, Generic, TypeVar

from pydantic import AwareDatetime, BaseModel, BeforeValidator, ConfigDict, Field, PlainSerializer, model_validator

from cyberins.model.money import to_minor

#: An amount in a response: a decimal string, exact (never a binary float).
MoneyText = Annotated[Decimal, PlainSerializer(lambda d: format(d, "f"), return_type=str, when_used="json")]
#: The largest amount the store holds: NUMERIC(20, 4) keeps 16 digits before the decimal point.
MONEY_BOUND = Decimal(10) ** 16
#: An amount in a request: a JSON string ("1234.50") is best; numbers are accepted.
MoneyIn = Annotated[Decimal, Field(allow_inf_nan=False, max_digits=20, decimal_places=4, lt=MONEY_BOUND)]


def _iso_text(pattern: str, shape: str) -> BeforeValidator:
    """Only the documented text form: a number (`0` read as 1970-01-01) or a timestamp string is refused."""
    regex = re.compile(pattern)

    def check(value: Any) -> Any:
        if not isinstance(value, str) or not regex.match(value):
            raise ValueError(f"give {shape} as text in ISO 8601 form")
        return value

    return BeforeValidator(check)


#: A calendar date in a request: "2026-09-01", nothing else.
DateIn = Annotated[date, _iso_text(r"^\d{4}-\d{2}-\d{2}$", "a date (YYYY-MM-DD)")]
#: A moment in a request: "2026-08-10T23:40:00+08:00" (with its offset), nothing else.
MomentIn = Annotated[AwareDatetime, _iso_text(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}", "a date-time with offset")]
Version = Annotated[int | None, Field(default=None, ge=1, description="The version you read; a stale one answers 409.")]


NUL = "\x00"


def nul_path(value: Any, path: str = "") -> str | None:
    """Where `value` (a JSON value) holds a NUL character, which neither PostgreSQL text nor JSONB can store."""
    if isinstance(value, str):
        return path if NUL in value else None
    if isinstance(value, dict):
        for key, item in value.items():
            where = f"{path}.{key}" if path else str(key)
            if NUL in str(key):
                return where
            found = nul_path(item, where)
            if found is not None:
                return found
    if isinstance(value, list):
        for i, item in enumerate(value):
            found = nul_path(item, f"{path}[{i}]")
            if found is not None:
                return found
    return None


class In(BaseModel):
    """A request body: unknown fields are an error, not silently dropped; text never holds a NUL character."""

    model_config = ConfigDict(extra="forbid")

    @model_validator(mode="before")
    @classmethod
    def _no_nul(cls, data: Any) -> Any:
        where = nul_path(data)
        if where is not None:
            raise ValueError(f"{where or 'the body'} holds a NUL character (\\u0000), which cannot be stored")
        return data


class Out(BaseModel):
    """A response body read from a stored record; amounts are rounded to the currency's minor unit."""

    model_config = ConfigDict(from_attributes=True)
    money_fields: ClassVar[tuple[str, ...]] = ()

    @model_validator(mode="after")
    def _minor_units(self) -> Out:
        currency = getattr(self, "currency", None)
        for name in self.money_fields:
            value = getattr(self, name)
            if currency and value is not None:
                setattr(self, name, to_minor(value, currency))
        return self


T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int
    limit: int
    offset: int


class FieldProblem(BaseModel):
    field: str
    message: str


class ErrorDetail(BaseModel):
    code: str
    message: str
    fields: list[FieldProblem] = []
    current_state: str | None = None
    current_version: int | None = None


class ErrorBody(BaseModel):
    error: ErrorDetail


def page_of(model: type[BaseModel], page: Any) -> dict[str, Any]:
    """A store page rendered with `model` for each item."""
    return {
        "items": [model.model_validate(item) for item in page.items],
        "total": page.total,
        "limit": page.limit,
        "offset": page.offset,
    }


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorBody, "description": text}
    for code, text in {
        400: "The body is not well-formed (JSON or form data that cannot be parsed)",
        401: "No valid credentials",
        403: "Your role may not do this",
        404: "Not found (or not yours)",
        409: "Conflicts with the current state or version",
        422: "Invalid input; `fields` names each problem",
    }.items()
}
