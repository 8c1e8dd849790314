"""Parsing of option values shared by several commands (kept here so each command stays thin)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import typer
from pydantic import TypeAdapter, ValidationError

from cyberins.model.errors import InvalidInput, Said
from cyberins.model.ids import Coverage
from cyberins.model.loading import parse_document, problems_from, read_document
from cyberins.model.money import Amount

#: Seeds are unsigned 64-bit integers: the documents record them as JSON numbers and the settings as an
#: integer, and 2^64 keys are more than any book of simulations needs; a larger or negative seed is refused.
SEED_MAX = 2**64 - 1

#: Simulated years of `simulate` and `grade` when `--years` is not given (the same, so their figures agree).
DEFAULT_YEARS = 100_000

_PRIOR = TypeAdapter(dict[Coverage, Amount])


def iso_date(option: str, text: str | None) -> date | None:
    """An option's ISO date (`2025-12-31`), or exit 2 naming the option and the format."""
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        said = Said("cli.error.not_iso_date", {"text": repr(text)})
        raise InvalidInput.one(option, str(said), said=said) from None


def lang_option(help: str = "Language of the output: zh or en.") -> Any:
    """`--lang zh|en`, defaulting to `CYBERINS_LANG` (then zh), the same for every command. Eager: the language is
    known before the other options are checked, so `--years 0 --lang zh` is refused in zh."""
    from cyberins.cli.logs import remember_lang

    return typer.Option("zh", "--lang", envvar="CYBERINS_LANG", help=help, callback=remember_lang, is_eager=True)


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
        problems = [replace(p, field=f"prior_paid.{p.field}".rstrip(".")) for p in problems_from(exc)]
        raise InvalidInput(problems, "--prior-paid") from None
