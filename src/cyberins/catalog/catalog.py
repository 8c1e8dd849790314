"""The validated catalog: read-only tables keyed by stable id, and the two look-ups everyone needs."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Protocol, TypeVar

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
from cyberins.catalog.schema import LANGS, Label, Source
from cyberins.model.errors import InvalidInput, Said
from cyberins.model.ids import (
    CostCategory,
    Coverage,
    CoverageKind,
    EventType,
    Exclusion,
    Jurisdiction,
    Lang,
    PolicyForm,
    TriggerKind,
)

E = TypeVar("E", bound=StrEnum)


class _Labelled(Protocol):
    @property
    def label(self) -> Label: ...


#: Prefixes for `Catalog.label("coverage:legal")`, in the order a bare id is looked up.
TABLE_PREFIXES: tuple[str, ...] = (
    "event_type", "coverage", "cost_category", "exclusion", "condition", "jurisdiction", "industry", "form",
    "trigger",
)  # fmt: skip

_PREFIX_OF_ENUM: Mapping[type[StrEnum], str] = {
    EventType: "event_type",
    Coverage: "coverage",
    CostCategory: "cost_category",
    Exclusion: "exclusion",
    Jurisdiction: "jurisdiction",
    PolicyForm: "form",
    TriggerKind: "trigger",
}


@dataclass(frozen=True)
class Catalog:
    """Every table of the catalog, read-only, in the order of `cyberins.model.ids` (then file order).

    Build it with `get_catalog()` (the packaged data) or `load_catalog(folder)`; both validate first.
    """

    version: str
    event_types: Mapping[EventType, EventTypeEntry]
    coverages: Mapping[Coverage, CoverageEntry]
    cost_categories: Mapping[CostCategory, CostCategoryEntry]
    exclusions: Mapping[Exclusion, ExclusionEntry]
    conditions: Mapping[str, ConditionEntry]
    jurisdictions: Mapping[Jurisdiction, JurisdictionEntry]
    industries: Mapping[str, IndustryEntry]
    forms: Mapping[PolicyForm, VocabularyEntry]
    triggers: Mapping[TriggerKind, VocabularyEntry]
    sources: Mapping[str, Source]

    def coverage_for_cost(self, category: CostCategory | str, line_coverage: Coverage | str | None = None) -> Coverage:
        """The coverage an incident cost line falls under (DESIGN.md rule 4).

        Most categories map to one coverage whatever the line says (`forensics` -> `incident_response`);
        a line may repeat that coverage but not name another. `defence` has no coverage of its own: the
        line must name the third-party coverage whose claim is being defended.

        >>> from cyberins.catalog import get_catalog
        >>> get_catalog().coverage_for_cost("forensics")
        <Coverage.INCIDENT_RESPONSE: 'incident_response'>
        >>> get_catalog().coverage_for_cost("defence", "privacy_liability")
        <Coverage.PRIVACY_LIABILITY: 'privacy_liability'>
        """
        cat = _parse(CostCategory, category, "category")
        named = None if line_coverage is None else _parse(Coverage, line_coverage, "coverage")
        entry = self.cost_categories[cat]
        if entry.coverage is None:  # coverage_from_line
            if named is None:
                raise InvalidInput.one("coverage", Said("input.catalog.name_liability", {"category": cat}))
            if self.coverages[named].kind is not CoverageKind.THIRD_PARTY:
                raise InvalidInput.one("coverage", Said("input.catalog.third_party", {"category": cat, "named": named}))
            return named
        if named is not None and named is not entry.coverage:
            said = Said("input.catalog.falls_under", {"category": cat, "coverage": entry.coverage, "named": named})
            raise InvalidInput.one("coverage", said)
        return entry.coverage

    def label(self, ident: str, lang: Lang = "zh") -> str:
        """The label of any catalog id in `lang` ("zh" or "en").

        An enum member is looked up in its own table (`Coverage.CYBER_EXTORTION` is the coverage, not the
        event type of the same id). A plain string may be qualified as `table:id` (`coverage:legal`, prefixes
        in `TABLE_PREFIXES`); a bare id is looked up in the tables in that order and the first match wins.

        >>> from cyberins.catalog import get_catalog
        >>> get_catalog().label("ransomware", "en")
        'Ransomware'
        """
        if lang not in LANGS:
            raise InvalidInput.one(
                "lang", Said("input.catalog.unknown_lang", {"lang": repr(lang), "known": ", ".join(LANGS)})
            )
        prefix = _PREFIX_OF_ENUM.get(type(ident)) if isinstance(ident, StrEnum) else None
        if prefix is None and ":" in ident:
            prefix, ident = ident.split(":", 1)
            if prefix not in TABLE_PREFIXES:
                said = Said("input.catalog.unknown_table", {"prefix": repr(prefix), "known": ", ".join(TABLE_PREFIXES)})
                raise InvalidInput.one("id", said)
        for name, table in self.tables():
            if prefix in (None, name) and ident in table:
                return table[ident].label.in_lang(lang)
        said = (
            Said("input.catalog.not_an_id_in", {"id": repr(ident), "prefix": repr(prefix)})
            if prefix
            else Said("input.catalog.not_an_id", {"id": repr(ident)})
        )
        raise InvalidInput.one("id", said)

    def tables(self) -> tuple[tuple[str, Mapping[Any, _Labelled]], ...]:
        """`(prefix, table)` for every labelled table, in `TABLE_PREFIXES` order."""
        tables: tuple[Mapping[Any, _Labelled], ...] = (
            self.event_types, self.coverages, self.cost_categories, self.exclusions,
            self.conditions, self.jurisdictions, self.industries, self.forms, self.triggers,
        )  # fmt: skip
        return tuple(zip(TABLE_PREFIXES, tables, strict=True))


def _parse(enum: type[E], value: E | str, field: str) -> E:
    try:
        return enum(value)
    except ValueError:
        import difflib

        known = [m.value for m in enum]
        near = difflib.get_close_matches(str(value), known, n=1, cutoff=0.6)
        said = (
            Said("api.problem.enum_near", {"input": repr(value), "near": repr(near[0])})
            if near
            else Said("input.unknown_known", {"value": repr(value), "known": ", ".join(known)})
        )
        raise InvalidInput.one(field, said) from None
