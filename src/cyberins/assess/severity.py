"""A driver-based severity: per event, draw the drivers, then turn them into ground-up loss per coverage.

Drivers of one event (all vectorised over the n events drawn at once, NumPy only):

- **outage hours**: downtime D ~ min(lognormal, cap) with probability p_outage, then capacity comes back
  linearly over `ramp` × D. The lost income of the ramp is that of `ramp` × D / 2 more hours of downtime,
  so the outage is H = D × (1 + ramp / 2) hours at the downtime's income per hour: exact in total and for
  a time-retention waiting period up to D; an indemnity period ending inside the ramp pays at most an
  eighth of the ramp's hours more than the exact ramp; a trigger waiting period sees H, not D + ramp × D. A share
  `dependent` of outages start at a dependency. Business interruption is returned as hours × income per hour
  (`EventDraws.outages`), so the policy's waiting and indemnity periods act on it; extra expense (a share of
  the income loss) is money.
- **records exposed** E = share × records held, share ~ Beta(α, β), with probability p_breach. Costs driven
  by records grow as (E / unit)^b with b < 1: economies of scale, never a per-record cost × a huge count.
- **ransom**: demand ~ lognormal, demanded with probability p, paid with probability p_paid at a
  settlement ratio of the demand (only where a ransom is insurable).
- **cost lines**: each a lognormal with its probability (restoration effort, forensics, fraud amount,
  hardware, PR, legal, third-party claims...), those driven by records multiplied by (E / unit)^b. A line
  may have a cap (the fraud amount: no more than the firm can wire), min(lognormal, cap).

`mean()` is analytic (exact for these distributions, the outage cap included), so `explain` and pricing
can state expected losses without sampling. `scaled(f)` multiplies every amount and the income per hour by
f, so the expected loss scales by exactly f.

`sample(rng, n)` is prefix-stable: each random variable (outage yes/no, downtime, at a dependency, breach
yes/no, share exposed, demand, payment, ransom, each cost line's yes/no and amount) has its own child stream
of `rng`, spawned in one fixed order whatever drivers exist, and is drawn for all n events before masking.
So, from generators seeded alike, the first m events of `sample(rng, n)` are `sample(rng, m)`: one more
event drawn (a control that adds events elsewhere, more years) never changes the draws of the others.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
from scipy import special, stats

from cyberins.model.ids import Coverage
from cyberins.quant.model import EventDraws, FloatArray

#: Child streams every `DriverSeverity.sample` spawns before its cost lines' (two each), in this order:
#: outage (yes/no, downtime, at a dependency), records (yes/no, share), ransom (demand, paid, amount).
_FIXED_STREAMS = 8


def capped_lognormal_mean(mu: float, sigma: float, cap: float) -> float:
    """E[min(X, cap)] for X lognormal(mu, sigma), in closed form.

    E[min(X, c)] = exp(mu + sigma²/2) Φ(z - sigma) + c (1 - Φ(z)), z = (ln c - mu) / sigma.

    >>> round(capped_lognormal_mean(0.0, 1.0, 1e12), 4) == round(math.exp(0.5), 4)
    True
    """
    z = (math.log(cap) - mu) / sigma
    return math.exp(mu + sigma * sigma / 2) * float(stats.norm.cdf(z - sigma)) + cap * float(stats.norm.sf(z))


@dataclass(frozen=True)
class Outage:
    """Outage driver; `per_hour` is the income lost per outage hour (model currency)."""

    probability: float
    mu: float
    sigma: float
    cap_hours: float
    per_hour: float
    extra_expense_share: float
    dependent_probability: float
    #: Length of the recovery ramp after the downtime, as a share of the downtime.
    ramp: float = 0.0

    @property
    def hours_per_downtime_hour(self) -> float:
        """Outage hours charged at the full rate per hour of downtime: the ramp adds half its length."""
        return 1 + self.ramp / 2

    def mean_downtime(self) -> float:
        """E[min(D, cap)]: mean downtime hours of an event with an outage."""
        return capped_lognormal_mean(self.mu, self.sigma, self.cap_hours)

    def mean_hours(self) -> float:
        """Expected outage hours per event (downtime and ramp), the outage probability included."""
        return self.probability * self.mean_downtime() * self.hours_per_downtime_hour


@dataclass(frozen=True)
class Breach:
    """Records exposed: Beta(alpha, beta) share of `records_held`, with probability `probability`."""

    probability: float
    alpha: float
    beta: float
    records_held: float
    unit: float
    exponent: float

    def mean_scale(self) -> float:
        """E[(E/unit)^b · 1{breach}] with E = share × held and share ~ Beta: Beta moments are closed form."""
        a, b, k = self.alpha, self.beta, self.exponent
        log_moment = float(
            special.gammaln(a + k) + special.gammaln(a + b) - special.gammaln(a) - special.gammaln(a + b + k)
        )
        return float(self.probability * (self.records_held / self.unit) ** k * math.exp(log_moment))


@dataclass(frozen=True)
class Ransom:
    probability: float
    mu: float
    sigma: float
    paid_probability: float
    settlement_ratio: float

    def mean_paid(self) -> float:
        return self.probability * self.paid_probability * self.settlement_ratio * math.exp(self.mu + self.sigma**2 / 2)


@dataclass(frozen=True)
class CostLine:
    """A lognormal cost with probability, at most `cap`; `mu` already holds the log of the size-scaled median."""

    name: str
    coverage: Coverage
    probability: float
    mu: float
    sigma: float
    records_driven: bool = False
    #: The most one event costs on this line (model currency, before `DriverSeverity.scale`).
    cap: float = math.inf

    def __post_init__(self) -> None:
        # A records-driven amount is the lognormal times (E / unit)^b: its capped mean has no closed form here.
        if self.records_driven and math.isfinite(self.cap):
            raise ValueError(f"cost line {self.name}: a records-driven line takes no cap")

    def mean(self) -> float:
        if math.isinf(self.cap):
            return self.probability * math.exp(self.mu + self.sigma**2 / 2)
        return self.probability * capped_lognormal_mean(self.mu, self.sigma, self.cap)


@dataclass(frozen=True)
class DriverSeverity:
    """The severity of one event type, drawn from shared drivers (module docstring)."""

    coverages: tuple[Coverage, ...]
    outage: Outage | None = None
    breach: Breach | None = None
    ransom: Ransom | None = None
    costs: tuple[CostLine, ...] = ()
    scale: float = 1.0

    def __post_init__(self) -> None:
        needed = {c.coverage for c in self.costs}
        if self.ransom is not None:
            needed.add(Coverage.CYBER_EXTORTION)
        if self.outage is not None:
            if self.outage.dependent_probability < 1:
                needed.add(Coverage.BUSINESS_INTERRUPTION)
            if self.outage.dependent_probability > 0:
                needed.add(Coverage.DEPENDENT_BUSINESS_INTERRUPTION)
        if needed - set(self.coverages):
            raise ValueError(f"coverages lack {sorted(needed - set(self.coverages))}")

    def _col(self, coverage: Coverage) -> int:
        return self.coverages.index(coverage)

    def sample(self, rng: np.random.Generator, n: int) -> EventDraws:
        """Draws of `n` events, prefix-stable in n (module docstring)."""
        streams = rng.spawn(_FIXED_STREAMS + 2 * len(self.costs))
        money = np.zeros((n, len(self.coverages)))
        outages: dict[int, tuple[FloatArray, FloatArray]] = {}
        if self.outage is not None:
            self._outage(streams[0:3], n, money, outages)
        exposed = self._records(streams[3:5], n)
        if self.ransom is not None:
            r = self.ransom
            paid = (streams[5].random(n) < r.probability) & (streams[6].random(n) < r.paid_probability)
            amount = streams[7].lognormal(r.mu, r.sigma, n) * r.settlement_ratio
            money[:, self._col(Coverage.CYBER_EXTORTION)] += np.where(paid, amount, 0.0) * self.scale
        for i, line in enumerate(self.costs):
            hit_stream, amount_stream = streams[_FIXED_STREAMS + 2 * i : _FIXED_STREAMS + 2 * i + 2]
            hit = hit_stream.random(n) < line.probability
            amount = np.minimum(amount_stream.lognormal(line.mu, line.sigma, n), line.cap)
            if line.records_driven and self.breach is not None:
                hit &= exposed > 0
                amount *= (exposed / self.breach.unit) ** self.breach.exponent
            money[:, self._col(line.coverage)] += np.where(hit, amount, 0.0) * self.scale
        return EventDraws(self.coverages, money, outages)

    def _outage(
        self,
        streams: Sequence[np.random.Generator],
        n: int,
        money: FloatArray,
        out: dict[int, tuple[FloatArray, FloatArray]],
    ) -> None:
        o = self.outage
        assert o is not None
        down = streams[0].random(n) < o.probability
        downtime = np.minimum(streams[1].lognormal(o.mu, o.sigma, n), o.cap_hours)
        hours = np.where(down, downtime * o.hours_per_downtime_hour, 0.0)
        at_dependency = streams[2].random(n) < o.dependent_probability
        rate = np.full(n, o.per_hour * self.scale)
        for coverage, mask in (
            (Coverage.BUSINESS_INTERRUPTION, ~at_dependency),
            (Coverage.DEPENDENT_BUSINESS_INTERRUPTION, at_dependency),
        ):
            if coverage in self.coverages:
                j = self._col(coverage)
                h = np.where(mask, hours, 0.0)
                out[j] = (h, rate)
                money[:, j] += h * rate * o.extra_expense_share

    def _records(self, streams: Sequence[np.random.Generator], n: int) -> FloatArray:
        if self.breach is None:
            return np.zeros(n)
        b = self.breach
        hit = streams[0].random(n) < b.probability
        return np.where(hit, streams[1].beta(b.alpha, b.beta, n) * b.records_held, 0.0)

    def mean(self) -> dict[Coverage, float]:
        """Expected ground-up loss per event and coverage, in closed form (module docstring)."""
        out = dict.fromkeys(self.coverages, 0.0)
        if self.outage is not None:
            o = self.outage
            income = o.mean_hours() * o.per_hour * (1 + o.extra_expense_share)
            if Coverage.BUSINESS_INTERRUPTION in out:
                out[Coverage.BUSINESS_INTERRUPTION] += income * (1 - o.dependent_probability)
            if Coverage.DEPENDENT_BUSINESS_INTERRUPTION in out:
                out[Coverage.DEPENDENT_BUSINESS_INTERRUPTION] += income * o.dependent_probability
        if self.ransom is not None:
            out[Coverage.CYBER_EXTORTION] += self.ransom.mean_paid()
        records = self.breach.mean_scale() if self.breach is not None else 0.0
        for line in self.costs:
            out[line.coverage] += line.mean() * (records if line.records_driven else 1.0)
        return {c: v * self.scale for c, v in out.items()}

    def scaled(self, factor: float) -> DriverSeverity:
        if not factor >= 0:
            raise ValueError(f"a severity factor is non-negative, got {factor}")
        return replace(self, scale=self.scale * factor)
