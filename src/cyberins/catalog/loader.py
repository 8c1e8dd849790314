"""Read the catalog's YAML files, validate them alone and together, and build the `Catalog`.

Every failure is an `InvalidInput` that names the file (`source`) and the field path inside it, e.g.
`event_types.ransomware.triggers[2]`. Nothing is read at import time; `get_catalog()` reads the packaged
data once and caches it.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from enum import StrEnum
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from types import MappingProxyType
from typing import TypeVar

from cyberins.catalog import checks
from cyberins.catalog.catalog import Catalog
from cyberins.catalog.provenance import SourcedFile
from cyberins.catalog.schema import Source
from cyberins.catalog.tables import (
    TABLES,
    ConditionsFile,
    CostCategoriesFile,
    CoveragesFile,
    EventTypesFile,
    ExclusionsFile,
    FormsFile,
    IndustriesFile,
    JurisdictionsFile,
    TableSpec,
    TriggersFile,
)
from cyberins.model.errors import InvalidInput, Problem, Said
from cyberins.model.ids import CostCategory, Coverage, EventType, Exclusion, Jurisdiction, PolicyForm, TriggerKind
from cyberins.model.loading import parse_model, read_packaged

K = TypeVar("K", bound=StrEnum)
V = TypeVar("V")
F = TypeVar("F", bound=SourcedFile)


@functools.cache
def get_catalog() -> Catalog:
    """The catalog shipped in the package (`cyberins/catalog/data/*.yaml`), validated and cached."""
    return _load(resources.files("cyberins.catalog").joinpath("data"))


def load_catalog(folder: Path) -> Catalog:
    """Validate and load a catalog from `folder` (a copy of the data files, e.g. in a test)."""
    return _load(folder)


def _load(folder: Traversable) -> Catalog:
    files = {spec.file: _load_file(folder, spec) for spec in TABLES}
    event_types = _one(files, EventTypesFile)
    coverages = _one(files, CoveragesFile)
    cost_categories = _one(files, CostCategoriesFile)
    _raise_if(checks.untriggered_coverages(event_types.event_types), folder, "event_types.yaml")
    _raise_if(checks.coverage_kinds(coverages.coverages), folder, "coverages.yaml")
    _raise_if(checks.cost_mapping(cost_categories.cost_categories), folder, "cost_categories.yaml")
    return Catalog(
        version=_version(files, folder),
        event_types=_in_enum_order(event_types.event_types, EventType),
        coverages=_in_enum_order(coverages.coverages, Coverage),
        cost_categories=_in_enum_order(cost_categories.cost_categories, CostCategory),
        exclusions=_in_enum_order(_one(files, ExclusionsFile).exclusions, Exclusion),
        conditions=MappingProxyType(dict(_one(files, ConditionsFile).conditions)),
        jurisdictions=_in_enum_order(_one(files, JurisdictionsFile).jurisdictions, Jurisdiction),
        industries=MappingProxyType(dict(_one(files, IndustriesFile).industries)),
        forms=_in_enum_order(_one(files, FormsFile).forms, PolicyForm),
        triggers=_in_enum_order(_one(files, TriggersFile).triggers, TriggerKind),
        sources=_sources(files, folder),
    )


def _load_file(folder: Traversable, spec: TableSpec) -> SourcedFile:
    path = folder.joinpath(spec.file)
    source = str(path)
    data = parse_model(spec.model, read_packaged(path), source)
    table: Mapping[str, object] = getattr(data, spec.table)
    _raise_if(checks.missing_ids(spec, table) + checks.uncited_sources(data, spec.table), folder, spec.file)
    return data


def _raise_if(problems: list[Problem], folder: Traversable, file: str) -> None:
    if problems:
        raise InvalidInput(problems, str(folder.joinpath(file)))


def _one(files: Mapping[str, SourcedFile], model: type[F]) -> F:
    (found,) = (data for data in files.values() if isinstance(data, model))
    return found


def _in_enum_order(table: Mapping[K, V], enum: type[K]) -> Mapping[K, V]:
    return MappingProxyType({member: table[member] for member in enum})


def _version(files: Mapping[str, SourcedFile], folder: Traversable) -> str:
    """The catalog's version: every file carries the same one, so a quote can name the catalog it used."""
    (first_file, first), *rest = files.items()
    for file, data in rest:
        if data.version != first.version:
            said = Said(
                "input.catalog.version",
                {"version": repr(data.version), "first": repr(first.version), "file": first_file},
            )
            problem = Problem.of("version", said)
            raise InvalidInput([problem], str(folder.joinpath(file)))
    return first.version


def _sources(files: Mapping[str, SourcedFile], folder: Traversable) -> Mapping[str, Source]:
    """All sources of all files; an id used in several files must name the same document."""
    merged: dict[str, Source] = {}
    for file, data in files.items():
        for i, src in enumerate(data.sources):
            known = merged.setdefault(src.id, src)
            if known.title != src.title:
                problem = Problem.of(f"sources[{i}].title", Said("input.catalog.source_title", {"id": repr(src.id)}))
                raise InvalidInput([problem], str(folder.joinpath(file)))
    return MappingProxyType(merged)
