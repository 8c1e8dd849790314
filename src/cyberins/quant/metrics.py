"""Risk measures of annual losses (DESIGN.md rule 13: levels, return periods, empirical VaR and TVaR)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cyberins.quant.model import FloatArray

LEVELS: tuple[float, ...] = (0.9, 0.95, 0.99, 0.995, 0.999)
RETURN_PERIODS: tuple[int, ...] = (2, 5, 10, 20, 50, 100, 200, 250, 500, 1000)


def var(annual: FloatArray, level: float) -> float:
    """Value at risk: the empirical `level` quantile of annual losses (inverted CDF, no interpolation)."""
    return float(np.quantile(annual, level, method="inverted_cdf"))


def tvar(annual: FloatArray, level: float) -> float:
    """Tail value at risk: the mean of the annual losses at or above VaR at `level`."""
    threshold = var(annual, level)
    return float(annual[annual >= threshold].mean())


def exceedance(values: FloatArray, return_periods: tuple[int, ...] = RETURN_PERIODS) -> list[list[float]]:
    """`[[T, loss], …]`: the loss exceeded once in T years on average, the (1 - 1/T) quantile of `values`.

    Applied to annual totals it gives the AEP curve, to annual largest events the OEP curve.
    """
    qs = np.quantile(values, [1 - 1 / t for t in return_periods], method="inverted_cdf")
    return [[float(t), float(q)] for t, q in zip(return_periods, qs, strict=True)]


@dataclass(frozen=True)
class LossMeasures:
    aal: float
    std: float
    var: dict[str, float]
    tvar: dict[str, float]
    oep: list[list[float]]
    aep: list[list[float]]

    @classmethod
    def of(cls, annual: FloatArray, largest_event: FloatArray) -> LossMeasures:
        """Measures of annual totals and of each year's largest event."""
        return cls(
            aal=float(annual.mean()),
            std=float(annual.std(ddof=1)) if len(annual) > 1 else 0.0,
            var={str(q): var(annual, q) for q in LEVELS},
            tvar={str(q): tvar(annual, q) for q in LEVELS},
            oep=exceedance(largest_event),
            aep=exceedance(annual),
        )

    def as_dict(self) -> dict[str, object]:
        return {
            "aal": self.aal,
            "std": self.std,
            "var": self.var,
            "tvar": self.tvar,
            "oep": self.oep,
            "aep": self.aep,
        }
