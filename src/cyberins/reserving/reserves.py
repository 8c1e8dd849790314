"""Case reserves: what an open claim is still expected to cost the policy, by the claim's stage (issue 5 §4).

    reported → responder_assigned → forensics_submitted → coverage_decided   estimate, through the terms
    loss_adjusted → settled → paid                                           adjusted payable − paid
    closed, denied                                                           zero

Before the loss is adjusted there are few invoices, so the reserve runs an *estimated incident* through the
same claims engine (`adjust_claim`, hence the one terms engine): the invoices, outages, fraud and settled
third-party claims the incident already shows, plus an estimate for what has not been invoiced yet — the
records-driven costs of a breach (records affected × unit costs, DESIGN.md rule 4: an estimate from records
is only for pricing and for the case reserve), a ransom demanded but not yet paid, and open third-party
claims at the amount claimed. After adjustment the reserve is the adjusted payable less what was paid.
Incurred = paid + case reserve. Unit costs come from `data/reserve_costs.yaml` (copied from the assessor's
calibration with its sources); docs/reserves.md.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from importlib import resources
from typing import Any

from cyberins.catalog import Catalog, get_catalog
from cyberins.claims.adjust import ClaimAdjustment, adjust_claim, resolve_policy
from cyberins.model.errors import InvalidInput, Said
from cyberins.model.ids import ClaimState, CostCategory, Coverage, Jurisdiction
from cyberins.model.incident import CostLine, Incident, RecordsAffected, ThirdPartyClaim
from cyberins.model.loading import read_packaged
from cyberins.model.money import to_minor
from cyberins.model.policy import Policy

#: The claim states of the platform's claim machine, as the reserve reads them (one vocabulary: model.ids).
ClaimStage = ClaimState


class ReserveBasis(StrEnum):
    """What a case reserve rests on: an estimate before adjustment, the adjusted payable, or nothing; on the
    platform also a claims handler's amount, where no estimate is sound yet (`services.reserves`)."""

    ESTIMATE = "estimate"
    HANDLER = "handler"
    ADJUSTED = "adjusted"
    NIL = "nil"


_S = ClaimStage
#: Stages before the loss is adjusted (a reopened claim is adjusted again): the reserve is an estimate.
ESTIMATE_STAGES = frozenset(
    {_S.REPORTED, _S.RESPONDER_ASSIGNED, _S.FORENSICS_SUBMITTED, _S.COVERAGE_DECIDED, _S.REOPENED}
)
#: Stages after adjustment: the reserve is the adjusted payable less what was paid. Closed and denied: nil.
ADJUSTED_STAGES = frozenset({_S.LOSS_ADJUSTED, _S.SETTLED, _S.PAID})


@dataclass(frozen=True)
class CostRate:
    """A records-driven cost: `probability` × lognormal(`median`, `sigma`) at the reference record count (CNY)."""

    coverage: Coverage
    category: CostCategory | None  # None: estimated as a third-party settlement
    probability: Decimal
    median: Decimal
    sigma: Decimal

    @property
    def mean(self) -> Decimal:
        """probability × median × exp(σ²/2): the expected cost at the reference record count."""
        return self.probability * self.median * (self.sigma * self.sigma / 2).exp()


@dataclass(frozen=True)
class UnitCosts:
    """The unit costs of a reserve estimate, in CNY (`data/reserve_costs.yaml`)."""

    reference_records: Decimal
    exponent: Decimal
    weights: Mapping[str, Decimal]
    costs: tuple[CostRate, ...]
    multipliers: Mapping[Jurisdiction, Mapping[Coverage, Decimal]]
    ransom_paid_probability: Decimal
    ransom_settlement_ratio: Decimal
    fx_to_cny: Mapping[str, Decimal]

    def records_scale(self, records: RecordsAffected) -> Decimal:
        """(E / reference)^exponent × the mean record weight, E the records exposed (0 when none)."""
        counts = {k: Decimal(v) for k, v in records.model_dump(exclude={"notes"}).items()}
        exposed = sum(counts.values(), Decimal(0))
        if exposed == 0:
            return Decimal(0)
        weighted = sum((n * self.weights[k] for k, n in counts.items()), Decimal(0))
        return (exposed / self.reference_records) ** self.exponent * weighted / exposed

    def expected(self, rate: CostRate, records: RecordsAffected, jurisdiction: Jurisdiction, currency: str) -> Decimal:
        """Expected cost of one coverage for these records, in `currency` at its minor unit."""
        if currency not in self.fx_to_cny:
            known = ", ".join(sorted(self.fx_to_cny))
            raise InvalidInput.one("currency", Said("input.reserving.no_rate", {"currency": currency, "known": known}))
        multiplier = self.multipliers.get(jurisdiction, {}).get(rate.coverage, Decimal(1))
        cny = rate.mean * self.records_scale(records) * multiplier
        return to_minor(cny / self.fx_to_cny[currency], currency)


def _dec(value: Any) -> Decimal:
    return Decimal(str(value))


@functools.cache
def load_unit_costs() -> UnitCosts:
    """The packaged unit costs (`cyberins/reserving/data/reserve_costs.yaml`)."""
    data = read_packaged(resources.files("cyberins.reserving").joinpath("data", "reserve_costs.yaml"))
    rec = data["records"]
    costs = tuple(
        CostRate(
            coverage=Coverage(cov),
            category=None if c["category"] == "third_party_claim" else CostCategory(c["category"]),
            probability=_dec(c["probability"]),
            median=_dec(c["median"]),
            sigma=_dec(c["sigma"]),
        )
        for cov, c in rec["costs"].items()
    )
    meta = {"source", "assumption", "reason"}
    multipliers = {
        Jurisdiction(j): {Coverage(c): _dec(v) for c, v in m.items() if c not in meta}
        for j, m in data["jurisdictions"].items()
    }
    return UnitCosts(
        reference_records=_dec(rec["reference"]),
        exponent=_dec(rec["exponent"]),
        weights={k: _dec(v) for k, v in rec["weights"].items()},
        costs=costs,
        multipliers=multipliers,
        ransom_paid_probability=_dec(data["ransom"]["paid_probability"]),
        ransom_settlement_ratio=_dec(data["ransom"]["settlement_ratio"]),
        fx_to_cny={k: _dec(v) for k, v in data["fx_to_cny"].items() if k not in meta},
    )


@dataclass(frozen=True)
class EstimateLine:
    """One amount the reserve estimates because no invoice or settlement shows it yet."""

    coverage: Coverage
    source: str
    amount: Decimal
    note: str

    def to_json(self) -> dict[str, str]:
        return {"coverage": self.coverage.value, "source": self.source, "amount": str(self.amount), "note": self.note}


def _coverages_with_loss(incident: Incident, catalog: Catalog) -> set[Coverage]:
    named = {catalog.coverage_for_cost(c.category, c.coverage) for c in incident.costs}
    return named | {t.coverage for t in incident.third_party_claims}


def estimate_incident(
    incident: Incident, policy: Policy, unit_costs: UnitCosts, catalog: Catalog
) -> tuple[Incident, tuple[EstimateLine, ...]]:
    """The incident as the reserve sees it before adjustment: its own losses plus what it does not show yet.

    Estimated lines are taken to be ordered from the insurer's panel with its consent (so vendor and consent
    conditions do not refuse them); the policy's other terms act on them as on any invoice.
    """
    lines: list[EstimateLine] = []
    costs, claims = list(incident.costs), list(incident.third_party_claims)
    for i, claim in enumerate(claims):
        if claim.amount_settled is None:
            claims[i] = claim.model_copy(update={"amount_settled": claim.amount_claimed})
            note = "open third-party claim reserved at the amount claimed"
            lines.append(EstimateLine(claim.coverage, f"third_party_claims[{i}]", claim.amount_claimed, note))
    seen = _coverages_with_loss(incident, catalog)
    for rate in unit_costs.costs:
        if rate.coverage in seen:
            continue
        amount = unit_costs.expected(rate, incident.records_affected, policy.jurisdiction, policy.currency)
        if amount <= 0:
            continue
        note = f"records affected × unit cost (reserve_costs.yaml, {rate.coverage.value})"
        lines.append(EstimateLine(rate.coverage, "records_affected", amount, note))
        if rate.category is None:
            claims.append(
                ThirdPartyClaim(
                    coverage=rate.coverage, amount_claimed=amount, amount_settled=amount, claimant="estimate"
                )
            )
        else:
            cover = rate.coverage if rate.category is CostCategory.DEFENCE else None
            costs.append(
                CostLine(
                    category=rate.category,
                    amount=amount,
                    vendor="estimate",
                    approved_vendor=True,
                    insurer_consent=True,
                    coverage=cover,
                )
            )
    ransom = incident.ransom
    if ransom is not None and ransom.paid == 0 and ransom.demanded > 0:
        expected = ransom.demanded * unit_costs.ransom_paid_probability * unit_costs.ransom_settlement_ratio
        expected = to_minor(expected, policy.currency)
        ransom = ransom.model_copy(update={"paid": expected})
        note = "ransom demanded × probability paid × settlement ratio (reserve_costs.yaml)"
        lines.append(EstimateLine(Coverage.CYBER_EXTORTION, "ransom.demanded", expected, note))
    update = {"costs": costs, "third_party_claims": claims, "ransom": ransom}
    return incident.model_copy(update=update), tuple(lines)


@dataclass(frozen=True)
class CaseReserve:
    """The case reserve of one claim at one stage.

    `expected_payable` is the estimate or the adjusted payable; `payable_by_coverage` its split over the
    coverages with a loss; `adjustment` the claims-engine run it came from (with its statement).
    """

    stage: ClaimStage
    basis: ReserveBasis
    currency: str
    expected_payable: Decimal
    paid: Decimal
    case_reserve: Decimal
    payable_by_coverage: Mapping[Coverage, Decimal]
    estimates: tuple[EstimateLine, ...] = ()
    adjustment: ClaimAdjustment | None = None

    @property
    def incurred(self) -> Decimal:
        """Paid to date plus the case reserve."""
        return self.paid + self.case_reserve

    def to_json(self) -> dict[str, Any]:
        return {
            "stage": self.stage.value,
            "basis": self.basis.value,
            "currency": self.currency,
            "expected_payable": str(self.expected_payable),
            "paid": str(self.paid),
            "case_reserve": str(self.case_reserve),
            "incurred": str(self.incurred),
            "payable_by_coverage": {c.value: str(v) for c, v in self.payable_by_coverage.items()},
            "estimates": [e.to_json() for e in self.estimates],
        }


def case_reserve(
    incident: Incident,
    policy: Policy | None,
    stage: ClaimStage | str,
    paid: Decimal = Decimal(0),
    *,
    prior_paid: Mapping[Coverage, Decimal] | None = None,
    unit_costs: UnitCosts | None = None,
    catalog: Catalog | None = None,
) -> CaseReserve:
    """The case reserve of a claim at `stage` (module docstring).

    Parameters
    ----------
    incident, policy
        As for `adjust_claim` (the policy may be embedded in the incident, rule 12).
    stage
        The claim's state (`ClaimStage` or its id).
    paid
        What this claim has already been paid, in the policy currency.
    prior_paid
        What *other* claims of the policy year have paid per coverage (rule 11); it erodes the limits.
    unit_costs
        Unit costs of the estimate (default: `load_unit_costs()`).

    Examples
    --------
    A forensics invoice of CNY 60,000 under a CNY 10,000 retention, adjusted, CNY 20,000 paid: reserve
    CNY 30,000, incurred CNY 50,000; once closed, reserve 0 and incurred = paid.
    """
    try:
        stage = ClaimStage(stage)
    except ValueError:
        known = ", ".join(s.value for s in ClaimStage)
        raise InvalidInput.one(
            "stage", Said("input.reserving.unknown_stage", {"stage": repr(stage), "known": known})
        ) from None
    if paid < 0:
        raise InvalidInput.one("paid", Said("input.reserving.paid_negative"))
    chosen = resolve_policy(incident, policy)
    currency = chosen.currency
    paid = to_minor(paid, currency)
    zero = to_minor(Decimal(0), currency)
    if stage not in ESTIMATE_STAGES and stage not in ADJUSTED_STAGES:
        return CaseReserve(stage, ReserveBasis.NIL, currency, zero, paid, zero, {})
    catalog = catalog or get_catalog()
    estimates: tuple[EstimateLine, ...] = ()
    basis = ReserveBasis.ADJUSTED
    if stage in ESTIMATE_STAGES:
        basis = ReserveBasis.ESTIMATE
        incident, estimates = estimate_incident(incident, chosen, unit_costs or load_unit_costs(), catalog)
    adjustment = adjust_claim(incident, chosen, prior_paid, catalog)
    expected = adjustment.total_payable
    return CaseReserve(
        stage=stage,
        basis=basis,
        currency=currency,
        expected_payable=expected,
        paid=paid,
        case_reserve=max(expected - paid, zero),
        payable_by_coverage={c: v for c, v in adjustment.payable.items() if adjustment.adjusted_loss[c] > 0},
        estimates=estimates,
        adjustment=adjustment,
    )
