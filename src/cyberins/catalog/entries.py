"""One model per catalog table row: event types, coverages, cost categories, exclusions, conditions,
jurisdictions and industries. Checks that need only the row itself live here; checks across rows,
tables or files live in `checks.py`.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, StringConstraints, field_validator, model_validator

from cyberins.catalog.schema import Fact, Label, Provenance, SnakeId, Text
from cyberins.model.base import Frozen
from cyberins.model.ids import Coverage, CoverageKind

#: Open Exposure Data cyber coverage codes (OED `CoverageValues.csv`, ids 7-16) and their abbreviations.
OED_CYBER_CODES: Mapping[int, str] = MappingProxyType(
    {7: "NPBI", 8: "CBI", 9: "DIAS", 10: "EXT", 11: "FIN", 12: "INRE", 13: "LIAB", 14: "REG", 15: "ENO", 16: "CYB"}
)

#: GB/T 4754-2017 sections and the two-digit divisions each one spans.
GBT4754_DIVISIONS: Mapping[str, range] = MappingProxyType(
    {
        "A": range(1, 6), "B": range(6, 13), "C": range(13, 44), "D": range(44, 47), "E": range(47, 51),
        "F": range(51, 53), "G": range(53, 61), "H": range(61, 63), "I": range(63, 66), "J": range(66, 70),
        "K": range(70, 71), "L": range(71, 73), "M": range(73, 76), "N": range(76, 80), "O": range(80, 83),
        "P": range(83, 84), "Q": range(84, 86), "R": range(86, 91), "S": range(91, 97), "T": range(97, 98),
    }
)  # fmt: skip

AdministrativeFines = Literal["never", "if_named_in_wording"]


# --- event types -------------------------------------------------------------------------------------


class GbT20986Subcategory(Frozen):
    code: Annotated[str, StringConstraints(pattern=r"^[A-Z]{3,16}$")]
    name: Label


class GbT20986(Provenance):
    """The GB/T 20986-2023 incident category (and, where one fits, subcategory) of an event type."""

    code: Annotated[str, StringConstraints(pattern=r"^[A-Z]{2,4}$")]
    name: Label
    subcategory: GbT20986Subcategory | None = None

    @model_validator(mode="after")
    def _subcode_extends_code(self) -> GbT20986:
        if self.subcategory is not None and not self.subcategory.code.startswith(self.code):
            raise ValueError(f"subcategory code {self.subcategory.code!r} does not start with {self.code!r}")
        return self


class EventTypeEntry(Provenance):
    label: Label
    description: Label
    gbt20986: GbT20986
    malicious: bool
    triggers: tuple[Coverage, ...] = Field(min_length=1)

    @field_validator("triggers")
    @classmethod
    def _no_repeats(cls, triggers: tuple[Coverage, ...]) -> tuple[Coverage, ...]:
        repeated = sorted({c.value for c in triggers if triggers.count(c) > 1})
        if repeated:
            raise ValueError(f"coverage listed more than once: {', '.join(repeated)}")
        return triggers


# --- coverages and cost categories ---------------------------------------------------------------------


class OedCoverage(Provenance):
    """The Open Exposure Data cyber coverage an export uses (`code` 7-16, `name` its abbreviation: NPBI)."""

    code: int
    name: Text

    @model_validator(mode="after")
    def _known_pair(self) -> OedCoverage:
        expected = OED_CYBER_CODES.get(self.code)
        if expected is None:
            raise ValueError(f"{self.code} is not an OED cyber coverage code (7-16)")
        if expected != self.name:
            raise ValueError(f"OED coverage {self.code} is {expected!r}, not {self.name!r}")
        return self


class CoverageEntry(Provenance):
    kind: CoverageKind
    label: Label
    description: Label
    oed: OedCoverage
    time_element: bool = False


class CostCategoryEntry(Provenance):
    """An incident cost line's category and the coverage it falls under (DESIGN.md rule 4)."""

    label: Label
    description: Label
    coverage: Coverage | None
    coverage_from_line: bool = False

    @model_validator(mode="after")
    def _one_way_to_a_coverage(self) -> CostCategoryEntry:
        if self.coverage_from_line and self.coverage is not None:
            raise ValueError("give `coverage: null` when `coverage_from_line` is true")
        if not self.coverage_from_line and self.coverage is None:
            raise ValueError("name a `coverage`, or set `coverage_from_line: true`")
        return self


# --- exclusions and conditions ------------------------------------------------------------------------


class ExclusionEntry(Provenance):
    label: Label
    description: Label


class VocabularyEntry(Provenance):
    """A labelled id of the vocabulary with no further data (policy forms, trigger kinds)."""

    label: Label
    description: Label


class ConditionParameter(Frozen):
    label: Label
    type: Literal["integer", "number", "boolean", "string"]
    unit: Text | None = None
    minimum: int | None = None


class ConditionEntry(Provenance):
    label: Label
    description: Label
    parameters: Mapping[SnakeId, ConditionParameter] = Field(default_factory=dict)

    @field_validator("parameters")
    @classmethod
    def _read_only(cls, parameters: Mapping[str, ConditionParameter]) -> Mapping[str, ConditionParameter]:
        return MappingProxyType(dict(parameters))


# --- jurisdictions -------------------------------------------------------------------------------------


class JurisdictionRules(Frozen):
    """Rules that change cover in a jurisdiction (DESIGN.md rules 7, 8 and 10), each with its provenance."""

    timezone: Fact[Text]
    ransom_virtual_currency_indemnifiable: Fact[bool]
    ransom_requires_police_report: Fact[bool]
    ransom_requires_insurer_consent: Fact[bool]
    administrative_fines: Fact[AdministrativeFines]

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, zone: Fact[str]) -> Fact[str]:
        try:
            ZoneInfo(zone.value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown IANA time zone {zone.value!r}") from None
        return zone


class JurisdictionEntry(Provenance):
    label: Label
    description: Label
    rules: JurisdictionRules

    @property
    def timezone(self) -> str:
        return self.rules.timezone.value

    @property
    def ransom_virtual_currency_indemnifiable(self) -> bool:
        return self.rules.ransom_virtual_currency_indemnifiable.value

    @property
    def ransom_requires_police_report(self) -> bool:
        return self.rules.ransom_requires_police_report.value

    @property
    def ransom_requires_insurer_consent(self) -> bool:
        return self.rules.ransom_requires_insurer_consent.value

    @property
    def administrative_fines(self) -> AdministrativeFines:
        return self.rules.administrative_fines.value


# --- industries ----------------------------------------------------------------------------------------


class GbT4754(Provenance):
    """GB/T 4754-2017 (国民经济行业分类) section letter, division where one fits, and that level's name."""

    section: Annotated[str, StringConstraints(pattern=r"^[A-T]$")]
    division: Annotated[str, StringConstraints(pattern=r"^[0-9]{2}$")] | None = None
    name: Label

    @model_validator(mode="after")
    def _division_in_section(self) -> GbT4754:
        if self.division is not None and int(self.division) not in GBT4754_DIVISIONS[self.section]:
            span = GBT4754_DIVISIONS[self.section]
            raise ValueError(
                f"division {self.division} is not in section {self.section} ({span.start:02d}-{span.stop - 1:02d})"
            )
        return self


class Mlps(Provenance):
    """The MLPS (等级保护, GB/T 22239-2019) level an insurer usually expects of the core systems."""

    required_level: int = Field(ge=1, le=4)


class Naics(Provenance):
    """The NAICS 2022 code (2 to 6 digits) an OED export writes as `IndustryCode1` under scheme `NAICS`."""

    code: Annotated[str, StringConstraints(pattern=r"^[0-9]{2,6}$")]


class IndustryEntry(Provenance):
    label: Label
    gbt4754: GbT4754
    mlps: Mlps
    naics: Naics

    @property
    def required_mlps_level(self) -> int:
        return self.mlps.required_level
