"""The one provenance checker of every data file (STYLE.md, "Habits"): each number cites a source or is marked
`assumption: true` with a reason, and every source an entry cites is declared in its file's `sources`."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from pydantic import BaseModel, Field, field_validator, model_validator

from cyberins.catalog.schema import Provenance, Source, Text
from cyberins.model.base import Frozen
from cyberins.model.errors import Problem, Said


def provenances(value: object, path: str = "") -> Iterator[tuple[str, Provenance]]:
    """Every provenance block inside `value` (models, mappings and tuples), with its dotted path."""
    if isinstance(value, Provenance):
        yield path, value
    if isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from provenances(getattr(value, name), f"{path}.{name}" if path else name)
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield from provenances(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, tuple):
        for i, item in enumerate(value):
            yield from provenances(item, f"{path}[{i}]")


def uncited(data: object, sources: tuple[Source, ...], path: str = "") -> list[Problem]:
    """Sources cited somewhere inside `data` (found under `path`) but not declared in `sources`."""
    declared = {s.id for s in sources}
    return [
        Problem.of(f"{where}.source", Said("input.catalog.unknown_source", {"id": repr(ident), "key": "sources"}))
        for where, prov in provenances(data, path)
        for ident in prov.source_ids
        if ident not in declared
    ]


class SourcedFile(Frozen):
    """A data file with a `version` and the `sources` its entries cite, each declared once."""

    version: Text
    sources: tuple[Source, ...] = Field(min_length=1)

    @field_validator("sources")
    @classmethod
    def _unique_ids(cls, sources: tuple[Source, ...]) -> tuple[Source, ...]:
        ids = [s.id for s in sources]
        repeated = sorted({i for i in ids if ids.count(i) > 1})
        if repeated:
            raise ValueError(f"source id declared more than once: {', '.join(repeated)}")
        return sources

    def require_cited(self, field: str) -> None:
        """ValueError naming every source cited under `field` but not declared."""
        problems = uncited(getattr(self, field), self.sources, field)
        if problems:
            raise ValueError("; ".join(str(p) for p in problems))


class Cited(Frozen):
    """A value whose provenance is free text (a product's factor, a pricing basis number): a `source`, or
    `assumption: true` with the `reason` for it."""

    source: str = ""
    assumption: bool = False
    reason: str = ""

    @model_validator(mode="after")
    def _cited_or_assumed(self) -> Cited:
        if self.assumption and not self.reason.strip():
            raise ValueError("an assumption needs a reason")
        if not self.assumption and not self.source.strip():
            raise ValueError("give the source, or mark it assumption: true with a reason")
        return self
