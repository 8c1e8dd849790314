"""The book an OED export reads (contract `standards.md` (c)): policies with their insured and premium.

A BOOK file (YAML or JSON) has a `name` (at most 20 characters: OED's `PortNumber`) and `policies:`, each
`{policy: PATH|mapping, profile: PATH|mapping, premium: "decimal"}`, paths relative to the book. Only the
profile's `name`, `industry`, `annual_revenue` and `currency` are read, so a full organisation profile and
the short one `cyberins exchange import-oed` writes both serve. A portfolio book (`kind: portfolio`,
`docs/portfolio.md`) is accepted too: copy k of line `L` is the insured and policy `L#k`, its revenue the
line's profile's where the line's model is one, its premium 0 (a portfolio book carries no premium).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import ConfigDict, Field

from cyberins.model.base import Frozen
from cyberins.model.errors import InvalidInput, Said
from cyberins.model.loading import check_shape, parse_model, read_document
from cyberins.model.money import Amount, Currency, PositiveAmount
from cyberins.model.policy import Policy
from cyberins.portfolio.book import BookFile, load_book, nested, resolve_document

#: OED's `PortNumber` is varchar(20).
NAME_MAX = 20


class BookInsured(Frozen):
    """What an OED account row says of the insured; a full organisation profile's other fields are ignored."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    name: str = Field(min_length=1, max_length=100)
    industry: str
    annual_revenue: PositiveAmount | None = None
    currency: Currency | None = None


class BookEntry(Frozen):
    policy: dict[str, Any] | str
    profile: dict[str, Any] | str
    premium: Amount


class BookSpec(Frozen):
    name: str = Field(min_length=1, max_length=NAME_MAX, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:-]*$")
    policies: list[BookEntry] = Field(min_length=1)


@dataclass(frozen=True)
class BookPolicy:
    """One policy of the book with its insured: one OED account row."""

    policy: Policy
    insured: BookInsured
    premium: Decimal


@dataclass(frozen=True)
class OedBook:
    name: str
    policies: tuple[BookPolicy, ...]


def load_oed_book(path: Path) -> OedBook:
    """A BOOK file or a portfolio book, validated; every problem names its dotted path (`policies[1].premium`)."""
    data = read_document(path)
    check_shape(data, str(path))
    if isinstance(data, dict) and data.get("kind") == "portfolio":
        return _from_portfolio(path)
    spec = parse_model(BookSpec, data, str(path))
    entries = tuple(_entry(i, e, path.parent, str(path)) for i, e in enumerate(spec.policies))
    return OedBook(spec.name, entries)


def _entry(i: int, entry: BookEntry, folder: Path, source: str) -> BookPolicy:
    from cyberins.catalog import get_catalog

    where = f"policies[{i}]"
    policy = nested(f"{where}.policy", source, lambda: parse_model(Policy, *resolve_document(entry.policy, folder)))
    data, origin = nested(f"{where}.profile", source, lambda: resolve_document(entry.profile, folder))
    insured = nested(f"{where}.profile", source, lambda: parse_model(BookInsured, data, origin))
    if insured.industry not in get_catalog().industries:
        said = Said("input.exchange.unknown_industry", {"industry": repr(insured.industry)})
        raise InvalidInput.one(f"{where}.profile.industry", said, source)
    return BookPolicy(policy, insured, entry.premium)


def _from_portfolio(path: Path) -> OedBook:
    book = load_book(path)  # every check of a portfolio book, with its own field paths
    spec = parse_model(BookFile, read_document(path), str(path))
    if len(book.id) > NAME_MAX:
        raise InvalidInput.one(
            "id", Said("input.exchange.port_number", {"column": "PortNumber", "n": NAME_MAX}), str(path)
        )
    policies: list[BookPolicy] = []
    for line, raw in zip(book.lines, spec.policies, strict=True):
        if line.policy is None:
            continue  # an uninsured line has no account to export
        revenue, currency = _line_revenue(raw.model, path.parent)
        for k in range(line.count):
            name = f"{line.id}#{k}"
            insured = BookInsured(name=name, industry=line.industry, annual_revenue=revenue, currency=currency)
            policy = line.policy.model_copy(update={"policy_number": name})
            policies.append(BookPolicy(policy, insured, Decimal(0)))
    return OedBook(book.id, tuple(policies))


def _line_revenue(model: dict[str, Any] | str | None, folder: Path) -> tuple[Decimal | None, str | None]:
    """A line's revenue when its model is an organisation profile (an explicit model names none)."""
    if model is None:
        return None, None
    data, _ = resolve_document(model, folder)
    if not isinstance(data, dict) or data.get("kind") != "organization":
        return None, None
    return Decimal(str(data["annual_revenue"])), str(data.get("currency", "CNY"))
