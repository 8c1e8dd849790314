"""Return on a security investment, "服务优先、保险兜底" (services first, insurance as the backstop).

A control lowers the insured's expected gross loss; the insurer prices that in, so the insured gains twice:
it keeps less of its own loss (retentions, coinsurance, losses beyond the limits) and pays less premium.
The return compares these two gains with the control's annual cost (docs/pricing.md, "Security ROI").

The risk model comes from a function `model_with(controls) -> RiskModel` (the assessor provides one; tests
and analysts can write their own that applies `Factor`s), so this module never depends on `assess`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal

from cyberins.model.errors import InvalidInput, Problem, Said
from cyberins.model.money import from_float
from cyberins.model.policy import Policy
from cyberins.pricing.basis import PricingBasis
from cyberins.pricing.grid import Progress
from cyberins.pricing.premium import TechnicalPremium, premium_influence, require_currency, technical_premium
from cyberins.quant.metrics import standard_error
from cyberins.quant.model import FloatArray, RiskModel
from cyberins.quant.simulate import SimulationResult, simulate, years_for_precision

#: The risk model of the insured with a given set of control ids in place.
ModelWith = Callable[[frozenset[str]], RiskModel]

#: Returns are ratios; four decimals are a hundredth of a percent.
RETURN_STEP = Decimal("0.0001")


@dataclass(frozen=True)
class Candidate:
    """A proposed control (or service) and what it costs per year, in the policy currency."""

    control_id: str
    annual_cost: Decimal
    name: str = ""


@dataclass(frozen=True)
class YearFigures:
    """Per simulated year: gross and retained loss, and the year's influence on the premium (for standard
    errors of paired differences; `premium_influence`)."""

    gross: FloatArray
    retained: FloatArray
    premium: FloatArray


@dataclass(frozen=True)
class Outcome:
    """Expected annual figures with a set of controls in place; money in the policy currency per year."""

    controls: frozenset[str]
    expected_gross_loss: Decimal
    expected_insured_loss: Decimal
    #: Gross − insured: what the insured keeps.
    expected_retained_loss: Decimal
    premium: Decimal
    quote: TechnicalPremium
    #: The simulated years behind the figures; dropped once compared, so rankings hold no year arrays.
    years: YearFigures | None = field(default=None, repr=False, compare=False)

    @property
    def total_cost_of_risk(self) -> Decimal:
        """Retained loss plus premium: what cyber risk costs the insured per year."""
        return self.expected_retained_loss + self.premium


@dataclass(frozen=True)
class Change:
    """The effect of adding `controls` to the base set (drops are base − after, positive when it improves)."""

    controls: frozenset[str]
    annual_cost: Decimal
    gross_loss_drop: Decimal
    retained_loss_drop: Decimal
    premium_drop: Decimal
    #: retained-loss drop + premium drop − cost.
    net_benefit: Decimal
    #: net benefit / cost (None when the cost is zero).
    return_on_cost: Decimal | None
    after: Outcome
    #: Standard errors of the drops and of the net benefit, from the per-year differences on the same
    #: simulated years (common random numbers); None when either side was given without its years.
    gross_loss_drop_se: Decimal | None = None
    retained_loss_drop_se: Decimal | None = None
    premium_drop_se: Decimal | None = None
    net_benefit_se: Decimal | None = None


@dataclass(frozen=True)
class RoiAnalysis:
    base: Outcome
    #: One `Change` per candidate, best return first.
    ranked: tuple[Change, ...]
    years: int
    seed: int

    @property
    def pays_for_itself(self) -> tuple[Change, ...]:
        """The candidates whose savings exceed their cost (return above zero)."""
        return tuple(c for c in self.ranked if c.net_benefit > 0)


def outcome(
    model_with: ModelWith,
    controls: frozenset[str],
    policy: Policy,
    basis: PricingBasis,
    *,
    years: int,
    seed: int,
) -> Outcome:
    """Simulate and price the insured with `controls` in place."""
    model = model_with(controls)
    require_currency(model.currency, policy, Said("input.pricing.the.model"))
    return outcome_of(simulate(model, policy, years, seed), controls, policy, basis)


def outcome_of(result: SimulationResult, controls: frozenset[str], policy: Policy, basis: PricingBasis) -> Outcome:
    """Price one simulation of the insured with `controls` in place (the products' bundle reuses it)."""
    quote = technical_premium(result, policy, basis)
    currency = policy.currency
    gross = from_float(result.ylt.gross.mean(), currency)
    insured = quote.expected_loss
    ylt = result.ylt
    per_year = YearFigures(ylt.gross, ylt.gross - ylt.insured, premium_influence(ylt.insured, basis))
    return Outcome(controls, gross, insured, gross - insured, quote.premium, quote, per_year)


def compare(base: Outcome, after: Outcome, annual_cost: Decimal) -> Change:
    """The drops from `base` to `after` and the return on `annual_cost`.

    ``return = (retained-loss drop + premium drop − cost) / cost``: 0 means the control just pays for
    itself, 1 that it returns its cost twice over. The drop in expected gross loss is reported too but not
    counted separately: the insured's part of it is the retained-loss drop, the insurer's the premium drop.
    """
    retained = base.expected_retained_loss - after.expected_retained_loss
    premium = base.premium - after.premium
    net = retained + premium - annual_cost
    ratio = (net / annual_cost).quantize(RETURN_STEP, rounding=ROUND_HALF_UP) if annual_cost > 0 else None
    se: dict[str, Decimal | None] = dict.fromkeys(("gross", "retained", "premium", "net"))
    b, a = base.years, after.years
    if b is not None and a is not None:
        currency = after.quote.currency
        d_premium = b.premium - a.premium
        d_retained = b.retained - a.retained
        for key, diff in (
            ("gross", b.gross - a.gross),
            ("retained", d_retained),
            ("premium", d_premium),
            ("net", d_retained + d_premium),
        ):
            se[key] = from_float(standard_error(diff), currency)
    return Change(
        controls=after.controls - base.controls,
        annual_cost=annual_cost,
        gross_loss_drop=base.expected_gross_loss - after.expected_gross_loss,
        retained_loss_drop=retained,
        premium_drop=premium,
        net_benefit=net,
        return_on_cost=ratio,
        after=replace(after, years=None),
        gross_loss_drop_se=se["gross"],
        retained_loss_drop_se=se["retained"],
        premium_drop_se=se["premium"],
        net_benefit_se=se["net"],
    )


def security_roi(
    model_with: ModelWith,
    base_controls: Iterable[str],
    candidates: Sequence[Candidate],
    policy: Policy,
    basis: PricingBasis,
    *,
    years: int | None,
    seed: int,
    progress: Progress | None = None,
) -> RoiAnalysis:
    """Rank candidate controls by their return on cost, each added alone to `base_controls`.

    Every simulation uses the same `seed` (common random numbers): each event type draws from its own
    random streams, so a control changes only the events of the types it acts on, and every drop is
    estimated from the same simulated years. Each `Change` carries the standard errors of its drops and of
    its net benefit, from the per-year differences (the premium's through `premium_influence`).

    Parameters
    ----------
    model_with
        `controls -> RiskModel`; the model of the insured with those controls in place.
    base_controls
        Control ids already in place.
    candidates
        Proposed controls with their annual cost (policy currency); costs must be positive and ids distinct
        and not already in the base.
    policy, basis
        The policy the insured buys and the pricing basis (the premium drop is the insurer's repricing).
    years, seed
        Simulated years and the seed shared by every run; years None: as many as make the base's insured
        AAL's standard error at most 0.5% of it (`quant.years_for_precision`).
    progress
        Called with (candidates done, candidates in all) after each candidate.

    Returns
    -------
    RoiAnalysis
        The base outcome and one `Change` per candidate, sorted by return (then net benefit, then id).
    """
    base_set = frozenset(base_controls)
    _check_candidates(candidates, base_set)
    years = years or years_for_precision(model_with(base_set), policy, seed)
    base = outcome(model_with, base_set, policy, basis, years=years, seed=seed)
    changes = []
    for n, c in enumerate(candidates, 1):
        after = outcome(model_with, base_set | {c.control_id}, policy, basis, years=years, seed=seed)
        changes.append(compare(base, after, c.annual_cost))
        if progress is not None:
            progress(n, len(candidates))
    ranked = sorted(changes, key=_rank_key)
    return RoiAnalysis(base, tuple(ranked), years, seed)


def whatif(
    model_with: ModelWith,
    base_controls: Iterable[str],
    added: Sequence[Candidate],
    policy: Policy,
    basis: PricingBasis,
    *,
    years: int | None,
    seed: int,
    progress: Progress | None = None,
) -> tuple[Outcome, Change]:
    """The base outcome and the effect of adding all of `added` at once (their costs summed).

    Controls that act on the same event type combine as the model combines their factors (multiplied),
    which is why the joint return differs from the sum of the separate ones. `progress` hears (1, 2) once the
    base is simulated and (2, 2) once the controls are in place.
    """
    base_set = frozenset(base_controls)
    _check_candidates(added, base_set)
    years = years or years_for_precision(model_with(base_set), policy, seed)
    base = outcome(model_with, base_set, policy, basis, years=years, seed=seed)
    if progress is not None:
        progress(1, 2)
    ids = frozenset(c.control_id for c in added)
    after = outcome(model_with, base_set | ids, policy, basis, years=years, seed=seed)
    if progress is not None:
        progress(2, 2)
    cost = sum((c.annual_cost for c in added), Decimal(0))
    return base, compare(base, after, cost)


def _rank_key(change: Change) -> tuple[Decimal, Decimal, list[str]]:
    return -(change.return_on_cost or Decimal(0)), -change.net_benefit, sorted(change.controls)


def _check_candidates(candidates: Sequence[Candidate], base: frozenset[str]) -> None:
    problems = []
    seen: set[str] = set()
    for i, c in enumerate(candidates):
        where = f"candidates[{i}]"
        if c.control_id in base:
            problems.append(
                Problem.of(f"{where}.control_id", Said("input.pricing.in_place", {"id": repr(c.control_id)}))
            )
        if c.control_id in seen:
            problems.append(
                Problem.of(f"{where}.control_id", Said("input.pricing.listed_twice", {"id": repr(c.control_id)}))
            )
        seen.add(c.control_id)
        if not c.annual_cost.is_finite() or c.annual_cost <= 0:
            problems.append(
                Problem.of(f"{where}.annual_cost", Said("input.pricing.positive", {"amount": c.annual_cost}))
            )
    if problems:
        raise InvalidInput(problems)
