"""Technical premium of one policy from its simulated insured annual losses (DESIGN.md "Pricing").

Simulation outputs are float64; every money figure of the result is a `Decimal` in the policy currency,
rounded to its minor unit (`to_minor`), and the parts add up to the premium exactly.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal

import numpy as np

from cyberins.model.errors import InvalidInput, Said
from cyberins.model.ids import Coverage
from cyberins.model.money import minor_units, to_minor
from cyberins.model.policy import Policy
from cyberins.pricing.basis import PricingBasis, RiskLoadMethod
from cyberins.quant.metrics import LossMeasures, var
from cyberins.quant.model import FloatArray
from cyberins.quant.simulate import SimulationResult

#: Rate on line is a ratio; six decimals resolve 1 unit of premium per million of limit.
RATE_ON_LINE_STEP = Decimal("0.000001")


def rate_on_line(premium: Decimal, limit: Decimal) -> Decimal:
    """Premium / limit to `RATE_ON_LINE_STEP`, half up; 0 for a zero limit."""
    return (premium / limit).quantize(RATE_ON_LINE_STEP, rounding=ROUND_HALF_UP) if limit > 0 else Decimal(0)


@dataclass(frozen=True)
class CoveragePremium:
    """One coverage's part of the premium (allocated in proportion to its expected insured loss)."""

    coverage: Coverage
    expected_loss: Decimal
    risk_load: Decimal
    premium: Decimal


@dataclass(frozen=True)
class TechnicalPremium:
    """A technical premium and how it is built; money in `currency`, to its minor unit.

    `premium = expected_loss + risk_load + expenses + profit` holds exactly: `profit` is the balance, which is
    `profit_margin × premium` up to rounding unless the minimum premium or the rounding increment lifted it.
    """

    currency: str
    basis: str
    method: RiskLoadMethod
    #: Expected insured annual loss (insured AAL).
    expected_loss: Decimal
    #: What the risk load is charged on: d · (TVaR − EL) (cost of capital) or the standard deviation (std load).
    risk_capital: Decimal
    risk_load: Decimal
    #: (EL + risk load) / (1 − expense ratio − profit margin), before the minimum and the rounding.
    gross_up: Decimal
    minimum_premium: Decimal
    minimum_applied: bool
    premium: Decimal
    expenses: Decimal
    profit: Decimal
    #: premium / aggregate limit (a ratio, not money).
    rate_on_line: Decimal
    by_coverage: tuple[CoveragePremium, ...]


def technical_premium(result: SimulationResult, policy: Policy, basis: PricingBasis) -> TechnicalPremium:
    """Price `policy` from `result`, a simulation of a risk model under that same policy.

    Parameters
    ----------
    result
        `simulate(model, policy, years, seed)`; its insured annual losses (currency units per year) carry the
        expected loss and the risk measure, its `by_coverage` insured AALs the split by coverage.
    policy
        The policy simulated; its aggregate limit gives the rate on line, its coverages the lines.
    basis
        Risk load, expense ratio, profit margin, minimum premium and rounding.

    Returns
    -------
    TechnicalPremium
        See `premium_from_measures` for the formulas.

    Examples
    --------
    The example SME under its standalone policy, 100,000 simulated years:

    >>> from pathlib import Path
    >>> from cyberins.assess import assess, load_profile
    >>> from cyberins.model.loading import load_model
    >>> from cyberins.pricing import default_basis
    >>> from cyberins.quant.simulate import simulate
    >>> model = assess(load_profile(Path("examples/orgs/sme-manufacturer.yaml")))
    >>> policy = load_model(Policy, Path("examples/policies/sme-standalone-cny.yaml"))
    >>> result = simulate(model, policy, 100_000, seed=1)
    >>> technical_premium(result, policy, default_basis()).premium
    Decimal('56992.00')
    """
    require_currency(result.currency, policy, Said("input.pricing.the.simulation"))
    if not result.has_policy:
        raise InvalidInput.one("policy", Said("input.pricing.no_policy_run"))
    coverage_loss = {c: result.by_coverage.get(c, (0.0, 0.0))[1] for c in policy.coverages}
    return premium_from_measures(result.insured(), coverage_loss, policy, basis)


def premium_from_measures(
    insured: LossMeasures,
    coverage_loss: Mapping[Coverage, float],
    policy: Policy,
    basis: PricingBasis,
) -> TechnicalPremium:
    """The technical premium from measures of the insured annual loss.

    With EL the insured AAL, r the cost-of-capital rate, e the expense ratio and p the profit margin
    (all money in the policy currency per policy year)::

        risk capital   C = d · (TVaR_α(insured annual loss) − EL)    (cost_of_capital; α = capital level,
                                                                     d = diversification share)
                       C = std(insured annual loss)                  (std_load)
        risk load      RL = r · C                                    (cost_of_capital)
                       RL = k · C                                    (std_load, k the multiplier)
        gross-up       G = (EL + RL) / (1 − e − p)
        premium        P = round(max(G, minimum premium))
        rate on line   ROL = P / aggregate limit

    The cost-of-capital load follows the capital-allocation view of pricing (Kreps, "Investment-equivalent
    reinsurance pricing", PCAS 1998; the Swiss Solvency Test and Solvency II risk margin use the same
    rate × capital form). Since P ∝ (1 − rd)·EL + rd·TVaR with rd ≤ 1, a change of terms that lowers every
    year's insured loss never raises P.

    **By coverage** the risk load is allocated in proportion to each coverage's expected insured loss
    (`coverage_loss`, currency per year): `SimulationResult` keeps per-coverage totals, not per-coverage
    annual losses, so a tail-based allocation (co-TVaR) is not available. When no coverage has an
    expected loss the premium is spread in proportion to the sublimits. Each column of the split is
    rounded by largest remainder so that it adds up to its total exactly.

    Parameters
    ----------
    insured
        Measures of the insured annual loss (currency units per year): `aal`, `std`, `tvar` by rule-13 level.
    coverage_loss
        Expected insured annual loss per coverage (currency units per year), for the split by coverage.
    policy
        The policy priced: currency, aggregate limit (for the rate on line) and coverages (the lines).
    basis
        The pricing basis.

    Examples
    --------
    Ten years in a thousand lose 100,000: EL = 1,000 and TVaR₉₉.₅ = 100,000, so with all of the stand-alone
    capital charged (d = 1) the load is 10% × 99,000 and the premium (1,000 + 9,900) / 0.65 = 16,769.23,
    rounded up to a whole yuan.

    >>> import numpy as np
    >>> from cyberins.pricing import default_basis
    >>> policy = Policy.model_validate({
    ...     "currency": "CNY", "period": {"start": "2026-01-01", "end": "2026-12-31"},
    ...     "aggregate_limit": 2_000_000, "coverages": {"incident_response": {"sublimit": 1_000_000}},
    ... })
    >>> y = np.array([0.0] * 990 + [100_000.0] * 10)
    >>> basis = default_basis().with_overrides(diversification=1)
    >>> quote = premium_from_measures(LossMeasures.of(y, y), {}, policy, basis)
    >>> quote.risk_load, quote.premium, quote.rate_on_line
    (Decimal('9900.00'), Decimal('16770.00'), Decimal('0.008385'))
    """
    currency = policy.currency
    method = basis.risk_load.method
    el = Decimal(insured.aal)
    if method is RiskLoadMethod.COST_OF_CAPITAL:
        standalone = max(Decimal(insured.tvar[basis.risk_load.capital_key]) - el, Decimal(0))
        capital = basis.risk_load.diversification.value * standalone
        load = basis.risk_load.cost_of_capital_rate.value * capital
    else:
        capital = Decimal(insured.std)
        load = basis.risk_load.std_multiplier.value * capital
    gross_up = (el + load) / basis.gross_up_divisor
    minimum = to_minor(basis.minimum_for(currency), currency)
    premium = basis.round_premium(max(gross_up, minimum), currency)
    el_q, load_q = to_minor(el, currency), to_minor(load, currency)
    expenses = to_minor(premium * basis.expense_ratio.value, currency)
    covs = list(policy.coverages)
    weights = [max(float(coverage_loss.get(c, 0.0)), 0.0) for c in covs]
    if sum(weights) <= 0:
        weights = [float(policy.coverages[c].sublimit) for c in covs]
    lines = zip(
        covs,
        allocate(el_q, weights, currency),
        allocate(load_q, weights, currency),
        allocate(premium, weights, currency),
        strict=True,
    )
    return TechnicalPremium(
        currency=currency,
        basis=basis.name,
        method=method,
        expected_loss=el_q,
        risk_capital=to_minor(capital, currency),
        risk_load=load_q,
        gross_up=to_minor(gross_up, currency),
        minimum_premium=minimum,
        minimum_applied=minimum > gross_up,
        premium=premium,
        expenses=expenses,
        profit=premium - el_q - load_q - expenses,
        rate_on_line=rate_on_line(premium, policy.aggregate_limit),
        by_coverage=tuple(CoveragePremium(c, e, r, p) for c, e, r, p in lines),
    )


def premium_influence(annual: FloatArray, basis: PricingBasis) -> FloatArray:
    """Each year's contribution to the technical premium before the minimum and rounding (delta method).

    The premium is a smooth function of the insured annual losses' measures, P = (EL + load) / (1 − e − p)
    (`premium_from_measures`). Its influence function ψ(x) is what one year adds to it, so that
    P ≈ mean(ψ(xᵢ)) and its standard error is std(ψ(xᵢ)) / √N. For a difference of two premiums on the same
    simulated years (common random numbers) the standard error is that of the per-year differences of ψ.

    With α the capital level, v = VaR_α and the expected shortfall's influence v + (x − v)⁺ / (1 − α)
    (Serfling, *Approximation Theorems of Mathematical Statistics*, 1980, §2.5 and §7; for ES, Acerbi and
    Tasche, "On the coherence of expected shortfall", 2002)::

        cost of capital   ψ(x) = [(1 − r·d)·x + r·d·(v + (x − v)⁺ / (1 − α))] / (1 − e − p)
        std load          ψ(x) = [x + k·((x − μ)² − σ²) / (2σ)] / (1 − e − p)

    Parameters
    ----------
    annual
        Insured annual losses (currency units per year), one per simulated year.
    basis
        The pricing basis whose formula is linearised.

    Examples
    --------
    Nine years in ten lose nothing and one loses 100: at the 0.9 level v = 0 and ES = 100.

    >>> import numpy as np
    >>> from cyberins.pricing import default_basis
    >>> b = default_basis().with_overrides(capital_level=0.9, expense_ratio=0, profit_margin=0)
    >>> psi = premium_influence(np.array([0.0] * 9 + [100.0]), b)
    >>> round(float(psi.mean()), 6) == round(float(10 + b.risk_load.cost_of_capital_rate.value
    ...     * b.risk_load.diversification.value * (100 - 10)), 6)
    True
    """
    x = np.asarray(annual, dtype=np.float64)
    divisor = float(basis.gross_up_divisor)
    risk = basis.risk_load
    if risk.method is RiskLoadMethod.COST_OF_CAPITAL:
        alpha = float(risk.capital_level.value)
        rd = float(risk.cost_of_capital_rate.value * risk.diversification.value)
        v = var(x, alpha)
        shortfall = v + np.maximum(x - v, 0.0) / (1 - alpha)
        return ((1 - rd) * x + rd * shortfall) / divisor
    mu, sigma = float(x.mean()), float(x.std(ddof=1)) if len(x) > 1 else 0.0
    spread = ((x - mu) ** 2 - sigma**2) / (2 * sigma) if sigma > 0 else np.zeros_like(x)
    return (x + float(risk.std_multiplier.value) * spread) / divisor


def require_currency(currency: str, policy: Policy, what: Said) -> None:
    """An `InvalidInput` on `currency` when `what` (a model, a simulation) is not in the policy currency."""
    if currency != policy.currency:
        said = Said("input.pricing.currency_policy", {"thing": what, "currency": currency, "policy": policy.currency})
        raise InvalidInput.one("currency", said)


def allocate(total: Decimal, weights: Sequence[float], currency: str) -> list[Decimal]:
    """Split `total` in proportion to `weights`, in minor units, by largest remainder (parts sum to `total`).

    Ties in the remainders go to the earlier part; with all weights zero the parts are equal.
    """
    if not weights:
        return []
    unit = Decimal(1).scaleb(-minor_units(currency))
    units = int((total / unit).to_integral_value(rounding=ROUND_HALF_UP))
    s = sum(weights)
    w = [Decimal(x) / Decimal(s) for x in weights] if s > 0 else [Decimal(1) / len(weights)] * len(weights)
    exact = [units * x for x in w]
    floors = [int(x.to_integral_value(rounding=ROUND_FLOOR)) for x in exact]
    short = units - sum(floors)
    order = sorted(range(len(w)), key=lambda i: (-(exact[i] - floors[i]), i))
    for i in order[: max(short, 0)]:
        floors[i] += 1
    return [to_minor(n * unit, currency) for n in floors]
