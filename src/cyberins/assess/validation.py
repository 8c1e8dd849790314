"""The model beside published figures: reference profiles, reference policies, claim statistics, checks.

Claims studies count claims of insured firms *after* the policy's retention; the model draws ground-up
events. So each check runs the model through a typical policy (USD 10k retention per coverage, USD 1M
limits for SMEs) and counts an event as a claim when the policy pays something for it. Per-event figures
come from drawing events of each type and applying the terms engine to each one alone; annual claim
frequency comes from `simulate` (share of years with a paid claim). `scripts/validate_model.py` writes the
table to `docs/validation.md`; `tests/assess/test_validation.py` asserts every row stays in its band.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from cyberins.assess.engine import assess
from cyberins.assess.profile import OrganizationProfile
from cyberins.model.ids import THIRD_PARTY_COVERAGES, Coverage, EventType
from cyberins.model.policy import Policy
from cyberins.quant.model import EventTypeModel, RiskModel
from cyberins.quant.simulate import simulate
from cyberins.terms import CompiledTerms, LossTable, Outages, apply_terms

#: The SME book: three US-style insureds in the revenue range of Coalition's policyholders (USD).
SME_BOOK: tuple[dict[str, Any], ...] = (
    {"name": "Retailer (USD 2M)", "industry": "retail", "annual_revenue": 2_000_000, "employees": 15,
     "online_revenue_share": 0.3, "records": {"personal_information": 8_000, "payment_cards": 3_000}},
    {"name": "Professional firm (USD 8M)", "industry": "professional_services", "annual_revenue": 8_000_000,
     "employees": 50, "online_revenue_share": 0.1, "records": {"personal_information": 20_000}},
    {"name": "Manufacturer (USD 30M)", "industry": "manufacturing", "annual_revenue": 30_000_000,
     "employees": 150, "online_revenue_share": 0.1, "records": {"personal_information": 30_000}},
)  # fmt: skip
#: Coalition's "USD 100M+ revenue" insureds: mid-market firms, most of them a few hundred million.
LARGE_BOOK: tuple[dict[str, Any], ...] = (
    {"name": "Professional firm (USD 150M)", "industry": "professional_services",
     "annual_revenue": 150_000_000, "employees": 600, "online_revenue_share": 0.1,
     "records": {"personal_information": 100_000}},
    {"name": "Manufacturer (USD 300M)", "industry": "manufacturing", "annual_revenue": 300_000_000,
     "employees": 1200, "online_revenue_share": 0.1, "records": {"personal_information": 150_000}},
)  # fmt: skip
#: Sophos 2024 surveys organisations of 100-5,000 staff; its mean is pulled up by the larger respondents,
#: so the comparison firm sits in the upper middle of that range.
MID_RANSOMWARE: dict[str, Any] = {
    "name": "Mid-size firm (USD 250M, 1,500 staff)", "industry": "manufacturing",
    "annual_revenue": 250_000_000, "employees": 1500, "records": {"personal_information": 150_000},
}  # fmt: skip
#: NetDiligence's SMEs (revenue under USD 2B) have a mean revenue of USD 108M (its 2025 study, with RSM).
NETDILIGENCE_SME: dict[str, Any] = {
    "name": "Manufacturer (USD 108M)", "industry": "manufacturing", "annual_revenue": 108_000_000,
    "employees": 400, "online_revenue_share": 0.1, "records": {"personal_information": 50_000},
}  # fmt: skip


def profile(spec: dict[str, Any]) -> OrganizationProfile:
    """A reference insured in the INTL market, in USD, with the population's average (unanswered) controls."""
    return OrganizationProfile.model_validate({"jurisdiction": "INTL", "currency": "USD", **spec})


def reference_policy(limit: int, retention: int, currency: str = "USD") -> Policy:
    """Every first-party and the usual liability coverages, one limit and one retention each, BI 8h/180d."""
    covered = [c for c in Coverage if c not in (Coverage.CYBER_PHYSICAL_DAMAGE, Coverage.OUTSOURCED_PROVIDER_LIABILITY)]
    terms: dict[str, Any] = {c.value: {"sublimit": limit, "retention": retention} for c in covered}
    for bi in (Coverage.BUSINESS_INTERRUPTION, Coverage.DEPENDENT_BUSINESS_INTERRUPTION):
        terms[bi.value] |= {"waiting_period_hours": 8, "indemnity_period_days": 180}
    return Policy.model_validate(
        {"currency": currency, "period": {"start": "2026-01-01", "end": "2026-12-31"}, "jurisdiction": "INTL",
         "aggregate_limit": limit, "coverages": terms}
    )  # fmt: skip


@dataclass(frozen=True)
class Claims:
    """Claim statistics of one event type under a policy (per event drawn, then per year)."""

    event_type: EventType
    rate: float  # ground-up events a year
    claim_probability: float  # P(the policy pays something | event)
    mean_claim: float  # mean payment of a paid claim
    first_party_share: float  # share of paid claims with no third-party (liability) payment
    bi_share: float  # share of the paid amount under business interruption coverages
    bi_claim_share: float  # share of paid claims with a business-interruption payment
    mean_with_bi: float  # mean paid claim among those with a business-interruption payment
    mean_without_bi: float  # mean paid claim among those without one

    @property
    def claim_rate(self) -> float:
        return self.rate * self.claim_probability


def event_claims(et: EventTypeModel, terms: CompiledTerms, n: int, rng: np.random.Generator) -> Claims:
    """Draw `n` events of one type and apply the terms to each alone (each its own policy year)."""
    draws = et.severity.sample(rng, n)
    idx = np.arange(n, dtype=np.int64)
    outages = None
    if draws.outages:
        cols = list(draws.outages)
        hours = np.concatenate([draws.outages[j][0] for j in cols])
        rate = np.concatenate([draws.outages[j][1] for j in cols])
        outages = Outages(
            np.tile(idx, len(cols)),
            np.repeat(np.asarray(cols, dtype=np.int64), n),
            np.zeros_like(hours),
            hours,
            rate,
        )
    table = LossTable(draws.coverages, idx, np.zeros(n), draws.money, outages)
    paid = apply_terms(table, terms).payable
    third = np.asarray([c in THIRD_PARTY_COVERAGES for c in terms.coverages])
    bi = np.asarray([c.value.endswith("business_interruption") for c in terms.coverages])
    total = paid.sum(axis=1)
    claim = total > 0
    n_claims = max(int(claim.sum()), 1)
    with_bi = claim & (paid[:, bi].sum(axis=1) > 0)
    without_bi = claim & ~with_bi
    return Claims(
        event_type=et.event_type,
        rate=et.frequency.mean(),
        claim_probability=float(claim.mean()),
        mean_claim=float(total[claim].sum() / n_claims),
        first_party_share=float((paid[claim][:, third].sum(axis=1) == 0).sum() / n_claims),
        bi_share=float(paid[:, bi].sum() / max(total.sum(), 1e-9)),
        bi_claim_share=float(with_bi.sum() / n_claims),
        mean_with_bi=float(total[with_bi].mean()) if with_bi.any() else 0.0,
        mean_without_bi=float(total[without_bi].mean()) if without_bi.any() else 0.0,
    )


@dataclass(frozen=True)
class Book:
    """Claim statistics of a book of insureds, each weighted equally (one policy each)."""

    claims: tuple[tuple[Claims, ...], ...]

    def claim_rate(self, types: tuple[EventType, ...] = tuple(EventType)) -> float:
        return float(np.mean([sum(c.claim_rate for c in one if c.event_type in types) for one in self.claims]))

    def mean_claim(self, types: tuple[EventType, ...] = tuple(EventType)) -> float:
        paid = np.mean([sum(c.claim_rate * c.mean_claim for c in one if c.event_type in types) for one in self.claims])
        return float(paid / max(self.claim_rate(types), 1e-12))

    def share(self, field: str) -> float:
        """A per-claim share (`first_party_share`), weighted by claim counts."""
        num = np.mean([sum(c.claim_rate * getattr(c, field) for c in one) for one in self.claims])
        return float(num / self.claim_rate())

    def outage_claim_ratio(self) -> float:
        """Mean paid claim with a business-interruption payment / mean paid claim without one."""
        rates = [(c.claim_rate, c) for one in self.claims for c in one]
        w = sum(r * c.bi_claim_share for r, c in rates)
        wo = sum(r * (1 - c.bi_claim_share) for r, c in rates)
        with_bi = sum(r * c.bi_claim_share * c.mean_with_bi for r, c in rates) / max(w, 1e-12)
        without = sum(r * (1 - c.bi_claim_share) * c.mean_without_bi for r, c in rates) / max(wo, 1e-12)
        return float(with_bi / without)

    def mean_bi_payment(self) -> float:
        """Mean business-interruption payment of a paid claim that has one."""
        rates = [(c.claim_rate, c) for one in self.claims for c in one]
        paid = sum(r * c.mean_claim * c.bi_share for r, c in rates)
        return float(paid / max(sum(r * c.bi_claim_share for r, c in rates), 1e-12))

    def bi_share(self) -> float:
        num = np.mean([sum(c.claim_rate * c.mean_claim * c.bi_share for c in one) for one in self.claims])
        return float(num / (self.claim_rate() * self.mean_claim()))


def book(models: list[RiskModel], policy: Policy, events: int, seed: int) -> Book:
    terms = CompiledTerms.from_policy(policy)
    out = []
    for i, model in enumerate(models):
        rng = np.random.default_rng([seed, i])
        out.append(tuple(event_claims(et, terms, events, rng) for et in model.event_types))
    return Book(tuple(out))


def annual_claim_frequency(models: list[RiskModel], policy: Policy, years: int, seed: int) -> float:
    """Share of simulated policy years with a paid claim, averaged over the book (uses `simulate`)."""
    return float(np.mean([(simulate(m, policy, years, seed + i).ylt.insured > 0).mean() for i, m in enumerate(models)]))


def sme_models() -> list[RiskModel]:
    return [assess(profile(spec)) for spec in SME_BOOK]


def sme_policy() -> Policy:
    return reference_policy(1_000_000, 10_000)


def large_policy() -> Policy:
    """A mid-market programme: USD 3M limits, USD 25k retention."""
    return reference_policy(3_000_000, 25_000)
