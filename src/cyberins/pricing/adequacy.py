"""Limit adequacy: does the insured's retained loss stay under its risk tolerance? (DESIGN.md "Products").

The insured states its tolerance as two points (loss, return period), e.g. `5000000@20` ("a loss of 5M once
in 20 years is bearable") and `20000000@100`. The tolerance curve is the lognormal exceedance curve through
both; a grid cell is adequate when its retained (gross − insured) aggregate exceedance curve stays at or
under the tolerance at every return period of rule 13.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from scipy import stats

from cyberins.model.errors import InvalidInput, Said
from cyberins.pricing.grid import Curve, GridRow, QuoteGrid
from cyberins.quant.metrics import RETURN_PERIODS


@dataclass(frozen=True)
class TolerancePoint:
    """A bearable annual loss (currency units) exceeded once in `return_period` years on average."""

    loss: Decimal
    return_period: float


def parse_tolerance_point(text: str, field: str = "tolerance") -> TolerancePoint:
    """Parse the CLI syntax `LOSS@RP`, e.g. `5000000@20` or `5_000_000@20`.

    Raises `InvalidInput` on `field`, naming the value, when it is malformed, the loss is not positive or
    the return period is not above 1 year.
    """
    parts = text.strip().split("@")
    if len(parts) != 2:
        raise InvalidInput.one(field, Said("input.pricing.not_point", {"text": repr(text)}))
    raw_loss, raw_rp = (p.strip().replace("_", "").replace(",", "") for p in parts)
    try:
        loss = Decimal(raw_loss)
        rp = float(raw_rp)
    except (InvalidOperation, ValueError):
        raise InvalidInput.one(field, Said("input.pricing.not_point", {"text": repr(text)})) from None
    if not loss.is_finite() or loss <= 0:
        raise InvalidInput.one(field, Said("input.pricing.point_loss", {"text": repr(text), "loss": raw_loss}))
    if not math.isfinite(rp) or rp <= 1:
        raise InvalidInput.one(field, Said("input.pricing.point_period", {"text": repr(text), "period": raw_rp}))
    return TolerancePoint(loss, rp)


@dataclass(frozen=True)
class ToleranceCurve:
    """The lognormal exceedance curve P(X > x) = 1 − Φ((ln x − mu) / sigma); losses in currency units."""

    mu: float
    sigma: float
    points: tuple[TolerancePoint, TolerancePoint]

    @classmethod
    def through(cls, a: TolerancePoint, b: TolerancePoint) -> ToleranceCurve:
        """The lognormal curve through two points, in closed form.

        P(X > L) = 1/T gives ln L = mu + sigma · z with z = Φ⁻¹(1 − 1/T), so for points (L1, T1), (L2, T2)::

            sigma = (ln L2 − ln L1) / (z2 − z1),    mu = ln L1 − sigma · z1

        The point with the longer return period must carry the larger loss (sigma > 0).

        Examples
        --------
        >>> c = ToleranceCurve.through(TolerancePoint(Decimal(5e6), 20), TolerancePoint(Decimal(2e7), 100))
        >>> round(c.loss_at(20)), round(c.loss_at(100))
        (5000000, 20000000)
        """
        if a.return_period == b.return_period:
            raise InvalidInput.one("tolerance", Said("input.pricing.same_period", {"period": f"{a.return_period:g}"}))
        lo, hi = sorted((a, b), key=lambda p: p.return_period)
        if hi.loss <= lo.loss:
            points = {"hi": f"{hi.loss}@{hi.return_period:g}", "lo": f"{lo.loss}@{lo.return_period:g}"}
            raise InvalidInput.one("tolerance", Said("input.pricing.rarer_larger", points))
        z_lo, z_hi = _z(lo.return_period), _z(hi.return_period)
        sigma = (math.log(hi.loss) - math.log(lo.loss)) / (z_hi - z_lo)
        return cls(mu=math.log(lo.loss) - sigma * z_lo, sigma=sigma, points=(lo, hi))

    def loss_at(self, return_period: float) -> float:
        """The tolerated annual loss at `return_period` years: exp(mu + sigma · Φ⁻¹(1 − 1/T))."""
        return math.exp(self.mu + self.sigma * _z(return_period))

    def exceedance_probability(self, loss: float) -> float:
        """P(X > loss) on the tolerance curve."""
        if loss <= 0:
            return 1.0
        return float(stats.norm.sf((math.log(loss) - self.mu) / self.sigma))

    def curve(self, return_periods: Sequence[float] = RETURN_PERIODS) -> Curve:
        return tuple((float(t), self.loss_at(t)) for t in return_periods)


def _z(return_period: float) -> float:
    return float(stats.norm.ppf(1 - 1 / return_period))


@dataclass(frozen=True)
class Breach:
    """A return period where the retained loss exceeds the tolerance (currency units)."""

    return_period: float
    retained: float
    tolerance: float


@dataclass(frozen=True)
class CellAdequacy:
    row: GridRow
    breaches: tuple[Breach, ...]

    @property
    def stays_under(self) -> bool:
        return not self.breaches


@dataclass(frozen=True)
class AdequacyResult:
    tolerance: ToleranceCurve
    #: Whether the insured could bear its gross loss uninsured (its gross AEP stays under the tolerance).
    gross_stays_under: bool
    cells: tuple[CellAdequacy, ...]
    #: The cheapest cell that stays under, or None with `reason` saying why (en; `reason_zh` in Chinese).
    recommended: GridRow | None
    reason: str
    reason_zh: str


def breaches(aep: Curve, tolerance: ToleranceCurve) -> tuple[Breach, ...]:
    """Return periods at which the exceedance curve `aep` (T, loss) lies above the tolerance."""
    out = []
    for t, loss in aep:
        limit = tolerance.loss_at(t)
        if loss > limit:
            out.append(Breach(t, loss, limit))
    return tuple(out)


def recommend_limit(grid: QuoteGrid, tolerance: ToleranceCurve) -> AdequacyResult:
    """Check every grid cell against `tolerance` and pick the cheapest one whose retained AEP stays under it.

    "Stays under" means: at each return period T of rule 13 (2 … 1000 years), the retained annual loss
    exceeded once in T years (gross − insured, per simulated year) is at most `tolerance.loss_at(T)`.
    Among the cells that stay under, the lowest premium wins; ties go to the lower expected retained loss,
    then to the higher limit.
    """
    cells = tuple(CellAdequacy(row, breaches(row.retained_aep, tolerance)) for row in grid.rows)
    gross_ok = bool(grid.rows) and not breaches(grid.rows[0].gross_aep, tolerance)
    fits = [c.row for c in cells if c.stays_under]
    if fits:
        best = min(fits, key=lambda r: (r.premium, r.expected_retained_loss, -r.aggregate_limit))
        periods = ", ".join(f"{t:g}" for t in RETURN_PERIODS)
        reason = (
            f"cheapest of {len(fits)} of {len(cells)} options whose retained loss stays under the tolerance "
            f"at every return period ({periods} years)"
        )
        reason_zh = (
            f"在 {len(cells)} 个方案中，有 {len(fits)} 个在每个重现期（{periods} 年）的自留损失都不超过"
            "风险容忍度，推荐其中保费最低者"
        )
        return AdequacyResult(tolerance, gross_ok, cells, best, reason, reason_zh)
    if not cells:
        return AdequacyResult(
            tolerance, gross_ok, cells, None, "the grid has no valid option", "没有可行的限额/免赔额方案"
        )
    closest = min(cells, key=lambda c: len(c.breaches))
    first = closest.breaches[0]
    limit, retention = closest.row.aggregate_limit, closest.row.retention
    reason = (
        "no option keeps the retained loss under the tolerance; the closest "
        f"(limit {limit}, retention {retention}) retains {first.retained:,.0f} at {first.return_period:g} years "
        f"against a tolerance of {first.tolerance:,.0f}: offer higher limits or lower retentions"
    )
    reason_zh = (
        f"没有方案能使自留损失保持在风险容忍度以内；最接近的方案（累计限额 {limit}，免赔额 {retention}）"
        f"在 {first.return_period:g} 年重现期自留 {first.retained:,.0f}，容忍度为 {first.tolerance:,.0f}："
        "需提供更高限额或更低免赔额"
    )
    return AdequacyResult(tolerance, gross_ok, cells, None, reason, reason_zh)
