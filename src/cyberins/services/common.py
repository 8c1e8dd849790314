"""Small pieces every lifecycle service uses: loading a visible aggregate, version checks, money checks."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import Protocol, TypeVar

from sqlalchemy.orm import Session

from cyberins.model.errors import InvalidInput, Said
from cyberins.model.money import check_currency, to_minor
from cyberins.services.access import Action, Principal, require, scope_for
from cyberins.services.errors import Conflict, NotFound
from cyberins.store.base import Base
from cyberins.store.repos.aggregates import Repository

#: Largest page a list may return.
MAX_LIMIT = 200


class Versioned(Protocol):
    @property
    def version(self) -> int: ...
    @property
    def state(self) -> str: ...


T = TypeVar("T", bound=Base)


def load_visible(
    session: Session,
    repo: Repository[T],
    aggregate: str,
    entity_id: str,
    principal: Principal,
    *,
    for_update: bool = False,
) -> T:
    """The entity if the caller may see it; `NotFound` alike for a missing and a foreign id."""
    entity = repo.get_scoped(session, entity_id, scope_for(principal, aggregate), for_update=for_update)
    if entity is None:
        raise NotFound(aggregate, entity_id)
    return entity


def load_for(
    session: Session,
    repo: Repository[T],
    aggregate: str,
    entity_id: str,
    principal: Principal,
    action: Action,
    expected_version: int | None = None,
    *,
    for_update: bool = False,
) -> T:
    """Load for a change: 404 unless visible (so foreign ids say nothing), then 403 unless the role may act,
    then 409 if the caller's version is stale. `for_update` locks the row until the transaction ends, so
    concurrent changes of one entity queue up instead of failing on a stale version."""
    entity = load_visible(session, repo, aggregate, entity_id, principal, for_update=for_update)
    require(principal, action)
    check_version(entity, expected_version)  # type: ignore[arg-type]
    return entity


def check_version(entity: Versioned, expected: int | None) -> None:
    """Optimistic concurrency: a caller that read version N may only change version N."""
    if expected is not None and expected != entity.version:
        raise Conflict(
            Said("api.error.stale_version", {"expected": expected, "current": entity.version}),
            current_state=entity.state,
            current_version=entity.version,
        )


def known_currency(currency: str) -> str:
    """`currency` if it is an ISO 4217 code; else a refusal naming the field `currency`."""
    try:
        return check_currency(currency)
    except ValueError:
        raise InvalidInput.one("currency", Said("input.service.unknown_currency", {"code": repr(currency)})) from None


def money(amount: Decimal, currency: str, field: str, *, positive: bool = False) -> Decimal:
    """An amount in `currency`, refused if negative (or zero when `positive`) or finer than the minor unit."""
    known_currency(currency)
    if not amount.is_finite() or amount < 0 or (positive and amount == 0):
        sign = "positive" if positive else "non_negative"
        raise InvalidInput.one(field, Said(f"input.service.amount_{sign}", {"amount": amount}))
    if to_minor(amount, currency) != amount:
        raise InvalidInput.one(field, Said("input.service.amount_decimals", {"amount": amount, "currency": currency}))
    return amount


def in_currency(thing: str, currency: str) -> Said:
    """Why a currency is refused: the quote, claim, profile or policy (`thing`) is in `currency`."""
    return Said("input.service.in_currency", {"thing": Said(f"input.service.the.{thing}"), "currency": currency})


def page_args(limit: int, offset: int) -> tuple[int, int]:
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidInput.one("limit", Said("input.between", {"low": 1, "high": MAX_LIMIT}))
    if offset < 0:
        raise InvalidInput.one("offset", Said("input.service.not_negative"))
    return limit, offset


def under(prefix: str, exc: InvalidInput) -> InvalidInput:
    """The same problems, each field named under `prefix` (`profile.industry`, `findings.costs[0].amount`)."""
    return InvalidInput([replace(p, field=f"{prefix}.{p.field}".rstrip(".")) for p in exc.problems])
