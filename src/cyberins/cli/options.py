"""Parsing of option values shared by several commands (kept here so each command stays thin)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from pydantic import TypeAdapter, ValidationError

from cyberins.model.errors import InvalidInput, Problem
from cyberins.model.ids import Coverage
from cyberins.model.loading import parse_document, problems_from, read_document
from cyberins.model.money import Amount

#: Seeds are unsigned 64-bit integers: the documents record them as JSON numbers and the settings as an
#: integer, and 2^64 keys are more than any book of simulations needs; a larger or negative seed is refused.
SEED_MAX = 2**64 - 1

_PRIOR = TypeAdapter(dict[Coverage, Amount])


def prior_paid(value: str | None) -> dict[Coverage, Decimal] | None:
    """`--prior-paid`: a JSON object `{coverage_id: "amount"}` inline, or a JSON/YAML file holding one (rule 11)."""
    if value is None:
        return None
    if value.lstrip().startswith("{"):
        data = parse_document(value, "--prior-paid", json_=True)
    else:
        data = read_document(Path(value))
    try:
        return _PRIOR.validate_python(data)
    except ValidationError as exc:
        problems = [Problem(f"prior_paid.{p.field}".rstrip("."), p.message) for p in problems_from(exc)]
        raise InvalidInput(problems, "--prior-paid") from None
