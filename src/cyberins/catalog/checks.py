"""Checks across rows, tables and files that a single row's model cannot make.

Each check returns the problems it found (empty when the data are right), each naming the field path in
its file, so the loader can report all of a file's problems at once.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from cyberins.catalog.entries import CostCategoryEntry, CoverageEntry, EventTypeEntry
from cyberins.catalog.provenance import SourcedFile, uncited
from cyberins.catalog.tables import TableSpec
from cyberins.model.errors import Problem, Said
from cyberins.model.ids import (
    THIRD_PARTY_COVERAGES,
    TIME_ELEMENT_COVERAGES,
    CostCategory,
    Coverage,
    CoverageKind,
    EventType,
)

_IR = Coverage.INCIDENT_RESPONSE

#: DESIGN.md rule 4: the coverage each cost category falls under; `None`: the cost line names it (defence).
RULE_4: Mapping[CostCategory, Coverage | None] = MappingProxyType(
    {
        CostCategory.FORENSICS: _IR,
        CostCategory.NOTIFICATION: _IR,
        CostCategory.CALL_CENTRE: _IR,
        CostCategory.CREDIT_MONITORING: _IR,
        CostCategory.RESTORATION: Coverage.DATA_RESTORATION,
        CostCategory.HARDWARE: Coverage.HARDWARE_REPLACEMENT,
        CostCategory.NEGOTIATION: Coverage.CYBER_EXTORTION,
        CostCategory.PR: Coverage.PUBLIC_RELATIONS,
        CostCategory.LEGAL: Coverage.LEGAL,
        CostCategory.CONSULTING: Coverage.CONSULTING,
        CostCategory.RECERTIFICATION: Coverage.RECERTIFICATION,
        CostCategory.DEFENCE: None,
    }
)


def missing_ids(spec: TableSpec, table: Mapping[str, object]) -> list[Problem]:
    """Every id the table must hold (each enum member, or the ids DESIGN.md fixes) is there."""
    return [
        Problem.of(
            f"{spec.table}.{ident}", Said("input.catalog.missing_entry", {"table": spec.table, "id": repr(ident)})
        )
        for ident in spec.required
        if ident not in table
    ]


def uncited_sources(data: SourcedFile, table: str) -> list[Problem]:
    """Every `source` an entry cites is declared in the file's own `sources` list."""
    return uncited(getattr(data, table), data.sources, table)


def coverage_kinds(coverages: Mapping[Coverage, CoverageEntry]) -> list[Problem]:
    """`kind` and `time_element` agree with `ids.THIRD_PARTY_COVERAGES` and `ids.TIME_ELEMENT_COVERAGES`."""
    problems = []
    for coverage, entry in coverages.items():
        kind = CoverageKind.THIRD_PARTY if coverage in THIRD_PARTY_COVERAGES else CoverageKind.FIRST_PARTY
        if entry.kind != kind:
            said = Said("input.catalog.coverage_kind", {"coverage": coverage, "kind": kind, "given": entry.kind})
            problems.append(Problem.of(f"coverages.{coverage}.kind", said))
        time_element = coverage in TIME_ELEMENT_COVERAGES
        if entry.time_element != time_element:
            said = Said("input.catalog.time_element", {"value": str(time_element).lower()})
            problems.append(Problem.of(f"coverages.{coverage}.time_element", said))
    return problems


def cost_mapping(cost_categories: Mapping[CostCategory, CostCategoryEntry]) -> list[Problem]:
    """Each cost category maps to the coverage DESIGN.md rule 4 gives it; `defence` takes it from the line."""
    problems = []
    for category, entry in cost_categories.items():
        expected = RULE_4[category]
        if expected is None and not entry.coverage_from_line:
            said = Said("input.catalog.from_line", {"value": "true"})
            problems.append(Problem.of(f"cost_categories.{category}.coverage_from_line", said))
        elif expected is not None and entry.coverage != expected:
            said = Said("input.catalog.rule_4", {"category": category, "coverage": expected, "named": entry.coverage})
            problems.append(Problem.of(f"cost_categories.{category}.coverage", said))
    return problems


def untriggered_coverages(event_types: Mapping[EventType, EventTypeEntry]) -> list[Problem]:
    """Each coverage is triggered by at least one event type, or it could never pay."""
    triggered = {c for entry in event_types.values() for c in entry.triggers}
    return [
        Problem.of("event_types", Said("input.catalog.untriggered", {"coverage": repr(coverage.value)}))
        for coverage in Coverage
        if coverage not in triggered
    ]
