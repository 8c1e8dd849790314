"""The cyber catalog: event types, coverages, cost categories, exclusions, conditions, jurisdictions and
industries, with zh-CN/en labels, standard codes (GB/T 20986-2023, OED, GB/T 4754-2017) and a source for
every value. The data are versioned YAML files in `catalog/data/`, validated on load (docs/catalog.md).

>>> from cyberins.catalog import get_catalog
>>> from cyberins.model.ids import Coverage, EventType
>>> cat = get_catalog()
>>> Coverage.CYBER_EXTORTION in cat.event_types[EventType.RANSOMWARE].triggers
True
>>> cat.coverages[Coverage.BUSINESS_INTERRUPTION].oed.name
'NPBI'
"""

from cyberins.catalog.catalog import TABLE_PREFIXES, Catalog
from cyberins.catalog.entries import (
    AdministrativeFines,
    ConditionEntry,
    ConditionParameter,
    CostCategoryEntry,
    CoverageEntry,
    EventTypeEntry,
    ExclusionEntry,
    GbT4754,
    GbT20986,
    IndustryEntry,
    JurisdictionEntry,
    Mlps,
    OedCoverage,
)
from cyberins.catalog.loader import get_catalog, load_catalog
from cyberins.catalog.schema import Fact, Label, Provenance, Source
from cyberins.model.ids import Lang

__all__ = [
    "TABLE_PREFIXES",
    "AdministrativeFines",
    "Catalog",
    "ConditionEntry",
    "ConditionParameter",
    "CostCategoryEntry",
    "CoverageEntry",
    "EventTypeEntry",
    "ExclusionEntry",
    "Fact",
    "GbT20986",
    "GbT4754",
    "IndustryEntry",
    "JurisdictionEntry",
    "Label",
    "Lang",
    "Mlps",
    "OedCoverage",
    "Provenance",
    "Source",
    "get_catalog",
    "load_catalog",
]
