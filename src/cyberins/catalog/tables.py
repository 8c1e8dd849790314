"""The catalog's data files: what each one holds and which ids it must hold.

Each file has a `version`, its `sources` and one table keyed by stable id. Tables keyed by an enum of
`cyberins.model.ids` must hold every member of it exactly once (an unknown key fails validation); the
open tables (conditions, industries) must hold at least the ids DESIGN.md fixes and may add more.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from enum import StrEnum

from pydantic import Field

from cyberins.catalog.entries import (
    ConditionEntry,
    CostCategoryEntry,
    CoverageEntry,
    EventTypeEntry,
    ExclusionEntry,
    IndustryEntry,
    JurisdictionEntry,
    VocabularyEntry,
)
from cyberins.catalog.provenance import SourcedFile
from cyberins.catalog.schema import SnakeId
from cyberins.model.ids import CostCategory, Coverage, EventType, Exclusion, Jurisdiction, PolicyForm, TriggerKind

#: Policy conditions fixed by DESIGN.md, "The vocabulary".
REQUIRED_CONDITIONS: tuple[str, ...] = (
    "ransom_requires_insurer_consent",
    "pr_legal_require_insurer_consent",
    "approved_vendors_required",
    "minimum_security",
)


class EventTypesFile(SourcedFile):
    event_types: dict[EventType, EventTypeEntry]


class CoveragesFile(SourcedFile):
    coverages: dict[Coverage, CoverageEntry]


class CostCategoriesFile(SourcedFile):
    cost_categories: dict[CostCategory, CostCategoryEntry]


class ExclusionsFile(SourcedFile):
    exclusions: dict[Exclusion, ExclusionEntry]


class ConditionsFile(SourcedFile):
    conditions: dict[SnakeId, ConditionEntry]


class JurisdictionsFile(SourcedFile):
    jurisdictions: dict[Jurisdiction, JurisdictionEntry]


class FormsFile(SourcedFile):
    forms: dict[PolicyForm, VocabularyEntry]


class TriggersFile(SourcedFile):
    triggers: dict[TriggerKind, VocabularyEntry]


class IndustriesFile(SourcedFile):
    industries: dict[SnakeId, IndustryEntry] = Field(min_length=1)


@dataclass(frozen=True)
class TableSpec:
    """One data file: its name, its model, the key of its table and the ids the table must hold."""

    file: str
    model: type[SourcedFile]
    table: str
    required: Collection[str]

    @classmethod
    def of_enum(cls, file: str, model: type[SourcedFile], table: str, ids: type[StrEnum]) -> TableSpec:
        return cls(file, model, table, tuple(m.value for m in ids))


TABLES: tuple[TableSpec, ...] = (
    TableSpec.of_enum("event_types.yaml", EventTypesFile, "event_types", EventType),
    TableSpec.of_enum("coverages.yaml", CoveragesFile, "coverages", Coverage),
    TableSpec.of_enum("cost_categories.yaml", CostCategoriesFile, "cost_categories", CostCategory),
    TableSpec.of_enum("exclusions.yaml", ExclusionsFile, "exclusions", Exclusion),
    TableSpec("conditions.yaml", ConditionsFile, "conditions", REQUIRED_CONDITIONS),
    TableSpec.of_enum("jurisdictions.yaml", JurisdictionsFile, "jurisdictions", Jurisdiction),
    TableSpec("industries.yaml", IndustriesFile, "industries", ()),
    TableSpec.of_enum("forms.yaml", FormsFile, "forms", PolicyForm),
    TableSpec.of_enum("triggers.yaml", TriggersFile, "triggers", TriggerKind),
)
