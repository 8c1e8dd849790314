"""Portfolio reserving: claims triangles from claim transactions, chain-ladder and Bornhuetter–Ferguson IBNR.

    transactions (claim, accident, report, transaction date, paid, case reserve after)
      → paid or incurred triangle, accident or report period × development period (`chainladder.Triangle`)
      → development factors, ultimate, IBNR (`chainladder.Chainladder` or `BornhuetterFerguson`)
      → Mack standard errors (`chainladder.MackChainladder`, Mack's 1993 extrapolation of the last σ)

The actuarial methods are the chainladder library's, not ours; this module only feeds it and reads its
fitted values back. Incurred = cumulative paid + the latest case reserve of each claim. No tail factor:
development is taken to be complete at the oldest age. docs/reserves.md.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from cyberins.model.errors import InvalidInput, Problem, Said
from cyberins.model.money import from_float, to_minor
from cyberins.reserving.transactions import TransactionBook

if TYPE_CHECKING:  # chainladder and pandas load lazily: `import cyberins.reserving` stays fast
    import chainladder as cl

Basis = Literal["paid", "incurred"]
Grain = Literal["quarter", "year"]
Origin = Literal["accident", "report"]
Method = Literal["chainladder", "bf"]

_FREQ: Mapping[Grain, str] = {"quarter": "Q", "year": "Y"}


@contextmanager
def _quiet() -> Iterator[None]:
    # chainladder (0.10) divides by zero and takes log(0) on sparse or degenerate columns (a σ with one
    # factor, a column of zeros) and returns NaN, which we report as "no estimate"; numpy's RuntimeWarnings
    # from inside the library say nothing more. Only those are silenced, only around the library's calls.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=RuntimeWarning, module=r"chainladder(\.|$)")
        yield


def claims_triangle(
    book: TransactionBook,
    basis: Basis = "paid",
    grain: Grain = "quarter",
    origin: Origin = "accident",
    as_of: date | None = None,
) -> cl.Triangle:
    """The cumulative triangle of the book at `as_of` (default: its last transaction date).

    Every period from the first origin to the valuation period appears, with zeros where nothing happened,
    so an origin period without claims still gets its (BF) IBNR. The latest diagonal is valued at `as_of`.
    """
    import chainladder as cl
    import pandas as pd

    as_of = as_of or max(t.transaction_date for t in book.transactions)
    freq = _FREQ[grain]
    reserve: dict[str, Decimal] = {}
    records = []
    for t in sorted(book.transactions, key=lambda t: t.transaction_date):  # stable: file order within a day
        incurred = t.paid + t.case_reserve - reserve.get(t.claim_id, Decimal(0))
        reserve[t.claim_id] = t.case_reserve
        if t.transaction_date <= as_of:
            when = t.accident_date if origin == "accident" else t.report_date
            amount = t.paid if basis == "paid" else incurred
            records.append((pd.Period(when, freq), pd.Period(t.transaction_date, freq), float(amount)))
    if not records:
        raise InvalidInput.one("as_of", Said("input.reserving.no_transaction", {"as_of": as_of}))
    periods = pd.period_range(min(r[0] for r in records), pd.Period(as_of, freq), freq=freq)
    if len(periods) < 2:
        said = Said("input.reserving.two_periods", {"grain": Said(f"input.reserving.grain.{grain}"), "as_of": as_of})
        raise InvalidInput.one("transactions", said)
    records += [(p, p, 0.0) for p in periods]  # the full grid of periods
    columns = {"origin": [o.start_time for o, _, _ in records], "amount": [a for _, _, a in records]}
    frame = pd.DataFrame(columns | {"valuation": [v.end_time.normalize() for _, v, _ in records]})
    with _quiet():
        triangle = cl.Triangle(frame, origin="origin", development="valuation", columns="amount", cumulative=False)
        return triangle.incr_to_cum()


@dataclass(frozen=True)
class OriginResult:
    """One origin period: latest diagonal, factor to ultimate, ultimate and IBNR by the report's method."""

    origin: str
    latest: Decimal
    age_to_ultimate: float
    ultimate: Decimal
    ibnr: Decimal
    chainladder_ultimate: Decimal
    mack_se: Decimal | None
    expected_loss: Decimal | None = None

    def to_json(self) -> dict[str, Any]:
        money = {k: _text(getattr(self, k)) for k in ("latest", "ultimate", "ibnr", "chainladder_ultimate")}
        extra = {"mack_se": _text(self.mack_se), "expected_loss": _text(self.expected_loss)}
        return {"origin": self.origin, "age_to_ultimate": self.age_to_ultimate, **money, **extra}


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


@dataclass(frozen=True)
class ReservingReport:
    """Triangle, development factors and IBNR of a book, with the chain-ladder's Mack diagnostics.

    `mack_se` (per origin and in total) is the Mack (1993) standard error of the *chain-ladder* reserve; with
    `method="bf"` it is shown as a diagnostic of the development, not as the BF reserve's error.
    """

    method: Method
    currency: str
    valuation: date
    ages_months: tuple[int, ...]
    triangle: Mapping[str, tuple[Decimal | None, ...]]
    age_to_age: tuple[float, ...]
    sigma: tuple[float | None, ...]
    factor_std_err: tuple[float | None, ...]
    origins: tuple[OriginResult, ...]
    total_mack_se: Decimal | None
    apriori_loss_ratio: float | None = None

    def total(self, name: Literal["latest", "ultimate", "ibnr", "chainladder_ultimate"]) -> Decimal:
        return sum((getattr(o, name) for o in self.origins), Decimal(0))

    def to_json(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "currency": self.currency,
            "valuation": self.valuation.isoformat(),
            "ages_months": list(self.ages_months),
            "triangle": {o: [_text(v) for v in row] for o, row in self.triangle.items()},
            "age_to_age": list(self.age_to_age),
            "sigma": list(self.sigma),
            "factor_std_err": list(self.factor_std_err),
            "origins": [o.to_json() for o in self.origins],
            "total": {k: str(self.total(k)) for k in ("latest", "ultimate", "ibnr", "chainladder_ultimate")},
            "total_mack_se": _text(self.total_mack_se),
            "apriori_loss_ratio": self.apriori_loss_ratio,
        }


def _floats(values: Any) -> tuple[float | None, ...]:
    # NaN: no estimate; chainladder writes 1e-320 for a σ it sets to zero (a column whose factors agree).
    return tuple(None if not math.isfinite(v) else 0.0 if abs(v) < 1e-300 else float(v) for v in values)


def _bf_apriori(
    labels: list[str],
    premium: Mapping[str, Decimal] | None,
    ratio: float | None,
    expected: Mapping[str, Decimal] | None,
) -> list[Decimal]:
    if expected is None and (premium is None or ratio is None):
        raise InvalidInput.one("apriori", Said("input.reserving.bf_apriori"))
    if ratio is not None and not (math.isfinite(ratio) and ratio > 0):
        raise InvalidInput.one("apriori_loss_ratio", Said("input.reserving.positive_number", {"value": ratio}))
    source, name = (expected, "expected_loss") if expected is not None else (premium, "premium")
    assert source is not None
    missing = [Problem.of(f"{name}.{o}", Said("input.reserving.no_origin_amount")) for o in labels if o not in source]
    if missing:
        raise InvalidInput(missing)
    factor = Decimal(1) if expected is not None else Decimal(str(ratio))
    return [source[o] * factor for o in labels]


def reserving_report(
    triangle: cl.Triangle,
    currency: str,
    method: Method = "chainladder",
    *,
    premium: Mapping[str, Decimal] | None = None,
    apriori_loss_ratio: float | None = None,
    expected_loss: Mapping[str, Decimal] | None = None,
) -> ReservingReport:
    """Chain-ladder (or BF) ultimate and IBNR of a cumulative triangle, with Mack diagnostics.

    For `method="bf"`, the a-priori expected loss of each origin (its label, e.g. `2025Q3` or `2025`) is
    `apriori_loss_ratio × premium[origin]` (e.g. the pricing basis's expected loss ratio) or
    `expected_loss[origin]`.

    Examples
    --------
    The RAA triangle (Mack 1993): total chain-ladder IBNR 52,135, Mack standard error 26,909.
    """
    import chainladder as cl
    import pandas as pd

    labels = [str(p) for p in triangle.origin]
    with _quiet():
        dev = cl.Development(sigma_interpolation="mack").fit_transform(triangle)
        mack = cl.MackChainladder().fit(dev)
        chosen: Any = mack
        apriori: list[Decimal] | None = None
        if method == "bf":
            apriori = _bf_apriori(labels, premium, apriori_loss_ratio, expected_loss)
            start, expected = triangle.origin.to_timestamp(how="s"), [float(a) for a in apriori]
            weights = pd.DataFrame({"origin": start, "valuation": triangle.valuation_date, "expected": expected})
            sample = cl.Triangle(weights, origin="origin", development="valuation", columns="expected", cumulative=True)
            chosen = cl.BornhuetterFerguson(apriori=1.0).fit(dev, sample_weight=sample)
        values = {
            "latest": triangle.latest_diagonal.values[0, 0, :, -1],
            "ultimate": chosen.ultimate_.values[0, 0, :, -1],
            "cl_ultimate": mack.ultimate_.values[0, 0, :, -1],
            "mack_se": mack.mack_std_err_.values[0, 0, :, -1],
        }
        cdf = dev.cdf_.values[0, 0, 0, :]
        total_se = float(mack.total_mack_std_err_.values.flatten()[0])

    def money(x: float) -> Decimal:
        return from_float(x, currency)

    def amount(x: float) -> Decimal:
        return money(x if math.isfinite(x) else 0.0)  # chainladder stores a zero cell as NaN

    cells = triangle.values[0, 0]
    # A cell is observed when its valuation is on or before the triangle's: that is where NaN means zero.
    observed = (np.asarray(triangle.valuation) <= np.datetime64(triangle.valuation_date)).reshape(cells.shape)
    origins = []
    for i, label in enumerate(labels):
        latest, ultimate, se = amount(values["latest"][i]), amount(values["ultimate"][i]), values["mack_se"][i]
        age = int(observed[i].sum()) - 1  # the origin's latest development period, as a column index
        origins.append(
            OriginResult(
                label,
                latest,
                float(cdf[age]) if 0 <= age < len(cdf) else 1.0,
                ultimate,
                ultimate - latest,
                amount(values["cl_ultimate"][i]),
                money(se) if math.isfinite(se) else None,
                None if apriori is None else to_minor(apriori[i], currency),
            )
        )
    grid = {
        o: tuple(amount(v) if observed[i, j] else None for j, v in enumerate(cells[i])) for i, o in enumerate(labels)
    }
    return ReservingReport(
        method=method,
        currency=currency,
        valuation=triangle.valuation_date.date(),
        ages_months=tuple(int(a) for a in triangle.development),
        triangle=grid,
        age_to_age=tuple(float(f) for f in dev.ldf_.values[0, 0, 0, :]),
        sigma=_floats(dev.sigma_.values[0, 0, 0, :]),
        factor_std_err=_floats(dev.std_err_.values[0, 0, 0, :]),
        origins=tuple(origins),
        total_mack_se=money(total_se) if math.isfinite(total_se) else None,
        apriori_loss_ratio=apriori_loss_ratio if method == "bf" and expected_loss is None else None,
    )
