"""The portfolio book (contract `portfolio.md` §1): lines of policies, their dependencies, the systemic catalogue.

A book file (`kind: portfolio`, YAML or JSON) lists **lines**: `count` identical insureds of one industry and
size, depending on shared services (`depends_on`), with the exposure the scenarios read, their own events
(an explicit model or an organisation profile, `model:`) and their policy (`policy:`). A `model:` or
`policy:` string is a path relative to the book. The **scenarios** strike a dependency, and through it
every line that depends on it. `reinsurance` and `ils` are `cyberins.portfolio.treaties`' models.

Every problem is an `InvalidInput` whose field is a dotted path into the book (`policies[1].count`,
`scenarios[0].dependency`, `policies[3].policy.currency`), so the CLI exits 2 naming it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from enum import StrEnum
from pathlib import Path
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, NonNegativeFloat

from cyberins.model.base import Frozen
from cyberins.model.errors import InvalidInput, Problem, Said
from cyberins.model.ids import TIME_ELEMENT_COVERAGES, Confidence, Coverage, EventType
from cyberins.model.loading import check_shape, parse_model, read_document
from cyberins.model.money import Currency
from cyberins.model.policy import Policy
from cyberins.portfolio.treaties import CatBond, Treaty, programme_problems
from cyberins.quant.distributions import Severity
from cyberins.quant.model import RiskModel

#: The scenario id reserved for the lines' own events in outputs (`by_scenario.own_events`).
OWN_EVENTS = "own_events"
#: A scenario loss measured by the event's duration: `bi_per_hour` × hours, as an outage (rules 2-3).
HOURS = "hours"
#: The exposure field an `hours` loss reads.
BI_PER_HOUR = "bi_per_hour"

#: A line or scenario id: printable, no `#` (it separates a line from the copy in `line#3`) and no spaces.
LineId = Field(min_length=1, max_length=120, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:-]*$")


class DependencyKind(StrEnum):
    CLOUD_REGION = "cloud_region"
    CLOUD_PROVIDER = "cloud_provider"
    CDN_DNS = "cdn_dns"
    OPERATING_SYSTEM = "operating_system"
    SECURITY_SOFTWARE = "security_software"
    SOFTWARE_VENDOR = "software_vendor"
    MSP = "msp"
    PAYMENT_PROCESSOR = "payment_processor"
    #: Beyond the contract's list: the electricity grid of a region (Lloyd's "Business Blackout").
    POWER_GRID = "power_grid"


class Family(StrEnum):
    CLOUD_OUTAGE = "cloud_outage"
    CDN_DNS_OUTAGE = "cdn_dns_outage"
    FAULTY_SECURITY_UPDATE = "faulty_security_update"
    MSP_RANSOMWARE = "msp_ransomware"
    MASS_VULNERABILITY = "mass_vulnerability"
    STATE_WIPER = "state_wiper"
    RANSOMWARE_CONTAGION = "ransomware_contagion"


class Dependency(BaseModel):
    """A shared service; besides `kind`, any descriptive fields (vendor, region, market share and its source)."""

    model_config = ConfigDict(frozen=True, extra="allow")

    kind: DependencyKind


class LineSpec(Frozen):
    id: str = LineId
    count: int = Field(default=1, ge=1, le=10_000_000)
    industry: str
    size: str | None = None
    depends_on: list[str] = Field(default_factory=list)
    #: Amounts the scenarios name (`bi_per_hour`, `restoration_cost`, …), in the book's currency; missing = 0.
    exposure: dict[str, NonNegativeFloat] = Field(default_factory=dict)
    model: dict[str, Any] | str | None = None
    policy: dict[str, Any] | str | None = None
    #: The insurer's share of each policy, written in co-insurance (共保体): it pays this share of what the
    #: policy pays, the co-insurers the rest. 1 (default): the whole policy.
    share: float = Field(default=1.0, gt=0, le=1, allow_inf_nan=False)
    description: str | None = None


class Scenario(Frozen):
    """A systemic event family member of the catalogue (contract §1-§2): Poisson(`rate`) events a year."""

    id: str = LineId
    family: Family
    event_type: EventType
    dependency: str
    rate: NonNegativeFloat = Field(allow_inf_nan=False, le=1000)
    hit_probability: float = Field(default=1.0, gt=0, le=1)
    #: One duration (hours) per event, shared by every policy it hits: the correlation that makes the tail.
    duration_hours: Severity
    #: coverage -> `hours` (bi_per_hour × the duration, as an outage) or an exposure field (money).
    losses: dict[Coverage, str] = Field(min_length=1)
    state_backed: bool = False
    war: bool = False
    infrastructure_failure: bool = False
    attribution_confidence: Confidence | None = None
    #: False draws one duration per hit policy instead (independent severities): a what-if that shows how
    #: much of the tail the shared severity makes. The contract's mechanism is the default, true.
    shared_duration: bool = True
    description: str | None = None
    source: str | None = None


class BookFile(Frozen):
    kind: Literal["portfolio"]
    id: str = LineId
    currency: Currency
    name: str | None = None
    description: str | None = None
    dependencies: dict[str, Dependency] = Field(default_factory=dict)
    policies: list[LineSpec] = Field(min_length=1)
    scenarios: list[Scenario] = Field(default_factory=list)
    reinsurance: list[Treaty] = Field(default_factory=list)
    ils: list[CatBond] = Field(default_factory=list)


@dataclass(frozen=True)
class Line:
    """A line of the book, resolved: `count` insureds sharing a model (own events) and a policy."""

    id: str
    count: int
    industry: str
    size: str
    depends_on: tuple[str, ...]
    exposure: dict[str, float]
    model: RiskModel | None
    policy: Policy | None
    #: The insurer's co-insurance share of each policy (`gross` is this share of what the policy pays).
    share: float = 1.0

    def amount(self, field: str) -> float:
        """An exposure field (0 when the line does not give it)."""
        return self.exposure.get(field, 0.0)


@dataclass(frozen=True)
class Book:
    """A validated book: lines with models and policies loaded, scenarios, and the treaties as written."""

    id: str
    currency: str
    dependencies: dict[str, Dependency]
    lines: tuple[Line, ...]
    scenarios: tuple[Scenario, ...]
    reinsurance: tuple[Treaty, ...] = ()
    ils: tuple[CatBond, ...] = ()

    @property
    def policies(self) -> int:
        """Expanded policies: the sum of the lines' counts."""
        return sum(line.count for line in self.lines)

    def scenario(self, scenario_id: str) -> Scenario:
        for s in self.scenarios:
            if s.id == scenario_id:
                return s
        known = ", ".join(s.id for s in self.scenarios) or "none"
        raise InvalidInput.one(
            "--scenario",
            Said(
                "input.portfolio.unknown_in_book",
                {"what": Said("input.portfolio.scenario"), "value": repr(scenario_id), "known": known},
            ),
        )

    def with_lines(self, lines: tuple[Line, ...]) -> Book:
        return Book(self.id, self.currency, self.dependencies, lines, self.scenarios, self.reinsurance, self.ils)


def load_book(path: Path) -> Book:
    """Read, validate and resolve a book file; `model:`/`policy:` paths are relative to its folder."""
    data = read_document(path)
    check_shape(data, str(path))
    return parse_book(data, path.parent, str(path))


def parse_book(data: Any, folder: Path, source: str = "") -> Book:
    """A book from parsed data (`load_book` without the file)."""
    spec = parse_model(BookFile, data, source)
    problems = _cross_checks(spec)
    if problems:
        raise InvalidInput(problems, source)
    lines = tuple(_resolve(i, line, spec.currency, folder, source) for i, line in enumerate(spec.policies))
    return Book(
        id=spec.id,
        currency=spec.currency,
        dependencies=dict(spec.dependencies),
        lines=lines,
        scenarios=tuple(spec.scenarios),
        reinsurance=tuple(spec.reinsurance),
        ils=tuple(spec.ils),
    )


def _cross_checks(spec: BookFile) -> list[Problem]:
    """What one field alone cannot say: unique ids, known dependencies and industries, `hours` on BI only."""
    from cyberins.catalog import get_catalog

    problems = []
    industries = get_catalog().industries
    seen: set[str] = set()
    for i, line in enumerate(spec.policies):
        if line.id in seen:
            problems.append(
                Problem.of(f"policies[{i}].id", Said("input.portfolio.book.line_twice", {"id": repr(line.id)}))
            )
        seen.add(line.id)
        if line.industry not in industries:
            said = Said("input.exchange.unknown_industry", {"industry": repr(line.industry)})
            problems.append(Problem.of(f"policies[{i}].industry", said))
        for j, dep in enumerate(line.depends_on):
            if dep not in spec.dependencies:
                problems.append(Problem.of(f"policies[{i}].depends_on[{j}]", _unknown_dependency(dep, spec)))
    scenario_ids: set[str] = set()
    for i, s in enumerate(spec.scenarios):
        if s.id == OWN_EVENTS or s.id in scenario_ids:
            why = "scenario_reserved" if s.id == OWN_EVENTS else "scenario_twice"
            problems.append(Problem.of(f"scenarios[{i}].id", Said(f"input.portfolio.book.{why}", {"id": repr(s.id)})))
        scenario_ids.add(s.id)
        if s.dependency not in spec.dependencies:
            problems.append(Problem.of(f"scenarios[{i}].dependency", _unknown_dependency(s.dependency, spec)))
        for cov, basis in s.losses.items():
            if basis == HOURS and cov not in TIME_ELEMENT_COVERAGES:
                problems.append(Problem.of(f"scenarios[{i}].losses.{cov.value}", Said("input.portfolio.book.hours_bi")))
    return problems + programme_problems(spec.reinsurance, spec.ils)


def _unknown_dependency(dep: str, spec: BookFile) -> Said:
    known = ", ".join(spec.dependencies) or Said("input.portfolio.book.none")
    return Said("input.portfolio.book.unknown_dependency", {"dep": repr(dep), "known": known})


T = TypeVar("T")


def nested(field: str, source: str, build: Callable[[], T]) -> T:
    """Run `build`; its problems are re-rooted under `field` (`policies[3].policy.currency`)."""
    try:
        return build()
    except InvalidInput as exc:
        problems = [replace(p, field=f"{field}.{p.field}" if p.field else field) for p in exc.problems]
        where = exc.source if exc.source and exc.source != source else ""
        raise InvalidInput(problems, source + (f" ({where})" if where else "")) from None


def resolve_document(value: dict[str, Any] | str, folder: Path) -> tuple[Any, str]:
    """Inline data as given, or a file's data (a path relative to the book) with its name."""
    if isinstance(value, dict):
        return value, ""
    path = folder / value
    return read_document(path), str(path)


def _resolve(i: int, spec: LineSpec, currency: str, folder: Path, source: str) -> Line:
    where = f"policies[{i}]"
    model = None
    if spec.model is not None:
        from cyberins.assess.loader import parse_risk_model

        value = spec.model
        model = nested(f"{where}.model", source, lambda: parse_risk_model(*resolve_document(value, folder)))
        if model.currency != currency:
            raise InvalidInput.one(
                f"{where}.model.currency",
                Said("input.portfolio.model_currency", {"model": model.currency, "book": currency}),
                source,
            )
    policy = None
    if spec.policy is not None:
        value_p = spec.policy
        policy = nested(f"{where}.policy", source, lambda: parse_model(Policy, *resolve_document(value_p, folder)))
        if policy.currency != currency:
            raise InvalidInput.one(
                f"{where}.policy.currency",
                Said("input.portfolio.policy_currency", {"policy": policy.currency, "book": currency}),
                source,
            )
    return Line(
        id=spec.id,
        count=spec.count,
        industry=spec.industry,
        size=spec.size or "unspecified",
        depends_on=tuple(dict.fromkeys(spec.depends_on)),
        exposure=dict(spec.exposure),
        model=model,
        policy=policy,
        share=spec.share,
    )
