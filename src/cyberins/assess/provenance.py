"""Walking a data file's provenance blocks: every value cites a declared source or is an assumption."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from pydantic import BaseModel, Field

from cyberins.catalog.schema import Provenance, Source
from cyberins.model.base import Frozen
from cyberins.model.errors import Problem


def provenances(value: object, path: str = "") -> Iterator[tuple[str, Provenance]]:
    """Every provenance block inside `value`, with its dotted path."""
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


def uncited(data: object, sources: tuple[Source, ...]) -> list[Problem]:
    """Sources cited somewhere inside `data` but not declared in `sources`."""
    declared = {s.id for s in sources}
    return [
        Problem(f"{path}.source", f"unknown source {ident!r}; declare it under `sources`")
        for path, prov in provenances(data)
        for ident in prov.source_ids
        if ident not in declared
    ]


class SourcedFile(Frozen):
    """A data file with a `version` and the `sources` its entries cite."""

    version: str
    sources: tuple[Source, ...] = Field(min_length=1)

    def require_cited(self, field: str) -> None:
        """ValueError naming every source cited under `field` but not declared."""
        problems = uncited(getattr(self, field), self.sources)
        if problems:
            raise ValueError("; ".join(f"{field}{p}" for p in problems))
