"""The measure blocks of a portfolio run (contract portfolio.md §3, §5) from per-year arrays.

Every block of losses is `quant.metrics.LossMeasures` (rule 13); a treaty's adds what it recovers how often,
a cat bond's how often it pays and what it is expected to lose. Contributions split the gross TVaR by Euler
allocation: with the expected-shortfall weights w of the gross annual losses (`quant.metrics.tail_weights`,
ties to the lower year index), a group's contribution is Σ_y w_y · (its gross in year y). Since the groups'
gross adds up to the gross in every year and w · gross is the TVaR, the contributions add up to it exactly.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from cyberins.portfolio.treaties import XL_KINDS, AggregateStopLoss, CatBond, CatXL, PerRiskXL, QuotaShare
from cyberins.quant.metrics import LEVELS, LossMeasures, tail_weights
from cyberins.quant.model import FloatArray

#: A recovery "reaches the annual cover to the cent" within half a cent of it: float sums of a year's
#: recoveries carry rounding far below a cent, never a whole one.
HALF_CENT = 0.005
#: `by_policy_top` lists this many policies.
TOP_POLICIES = 20

Block = dict[str, object]
#: Row indices of any integer width (the run keeps its policy-year rows as int32).
AnyIntArray = npt.NDArray[np.integer[Any]]
Int32Array = npt.NDArray[np.int32]
#: Per-policy contributions given the per-year weights: a mapping of policy name to per-year gross, or a
#: function that applies the weights itself (a book too large to hold a per-year array per policy).
PolicyYears = Mapping[str, FloatArray] | Callable[[FloatArray], Mapping[str, float]]


def loss_block(annual: FloatArray, largest: FloatArray) -> Block:
    """`LossMeasures.as_dict()` of annual totals, OEP from each year's largest occurrence `largest`."""
    return LossMeasures.of(annual, largest).as_dict()


def ceded_block(
    treaty: QuotaShare | PerRiskXL | CatXL | AggregateStopLoss,
    annual: FloatArray,
    largest: FloatArray,
    reinstatement_premium: FloatArray | None = None,
) -> Block:
    """One treaty's `ceded` block (§5): its recovery's measures, the mean reinstatement premium, the share of
    years it recovers anything and the share whose recovery reaches the annual cover (0 without one).

    >>> xl = CatXL(id="x", kind="cat_xl", attachment=10, limit=100)
    >>> block = ceded_block(xl, np.array([0.0, 40.0, 100.0, 0.0]), np.array([0.0, 40.0, 100.0, 0.0]))
    >>> block["attachment_probability"], block["exhaustion_probability"]
    (0.5, 0.25)
    """
    cover = treaty.annual_cover
    block = loss_block(annual, largest)
    premium = 0.0 if reinstatement_premium is None else float(np.mean(reinstatement_premium))
    block["expected_reinstatement_premium"] = premium
    block["attachment_probability"] = float(np.mean(annual > 0))
    block["exhaustion_probability"] = 0.0 if cover is None else float(np.mean(annual >= cover - HALF_CENT))
    return block


def ceded_blocks(
    treaties: Sequence[QuotaShare | PerRiskXL | CatXL | AggregateStopLoss],
    annual: Mapping[str, FloatArray],
    largest: Mapping[str, FloatArray],
    reinstatement_premium: Mapping[str, FloatArray],
) -> dict[str, Block]:
    """§5's `ceded`: every treaty's block, in inuring order, from per-year arrays by treaty id."""
    return {
        t.id: ceded_block(
            t, annual[t.id], largest[t.id], reinstatement_premium.get(t.id) if isinstance(t, XL_KINDS) else None
        )
        for t in treaties
    }


def ils_block(bond: CatBond, payouts: FloatArray) -> Block:
    """A cat bond's block (§5): shares of years paying anything and the whole limit, the expected loss and it
    as a share of the limit.

    >>> bond = CatBond(id="b", trigger="indemnity_annual_aggregate", attachment=40, exhaustion=100)
    >>> ils_block(bond, np.array([0.0, 0.0, 30.0, 60.0]))["expected_loss_pct_of_limit"]
    0.375
    """
    expected = float(np.mean(payouts))
    return {
        "attachment_probability": float(np.mean(payouts > 0)),
        "exhaustion_probability": float(np.mean(payouts >= bond.limit - HALF_CENT)),
        "expected_loss": expected,
        "expected_loss_pct_of_limit": expected / bond.limit,
        "limit": bond.limit,
    }


def ils_blocks(bonds: Sequence[CatBond], payouts: Mapping[str, FloatArray]) -> dict[str, Block]:
    """§5's `ils`: every bond's block from its per-year payouts by id."""
    return {b.id: ils_block(b, payouts[b.id]) for b in bonds}


def tvar_weights(gross: FloatArray) -> dict[str, FloatArray]:
    """The expected-shortfall weights of the gross annual losses at each rule-13 level, by level key."""
    return {str(level): tail_weights(gross, level) for level in LEVELS}


#: Rows of `row_contributions` handled at once (its temporaries stay at a few dozen MB).
ROWS_AT_ONCE = 2**22


def row_contributions(
    weights: FloatArray, year: AnyIntArray, key: AnyIntArray, amount: FloatArray, n_keys: int
) -> FloatArray:
    """Σ weights[year] · amount over rows, per key 0 … n_keys − 1 (e.g. per policy, from a chunk's rows with
    the weights of its years): additive over chunks, so a book's per-policy contributions need no per-year
    array per policy."""
    out = np.zeros(n_keys)
    for first in range(0, len(amount), ROWS_AT_ONCE):  # slices: a long run holds tens of millions of rows
        part = slice(first, first + ROWS_AT_ONCE)
        values = weights[np.asarray(year[part], dtype=np.int64)] * amount[part]
        out += np.bincount(np.asarray(key[part], dtype=np.int64), weights=values, minlength=n_keys)[:n_keys]
    return out


@dataclass(frozen=True)
class PolicyTail:
    """Sparse gross by (year, expanded policy), kept for the contributions by policy: over a long run the
    largest thing held, so it is stored grouped. The policy years of one year that pay the same amount (the
    copies of a line that the same systemic events strike, which its terms pay alike) form one group with one
    `year` and one `gross`; each policy year then costs only its `policy` index, 4 bytes instead of the 16 of a
    (year, policy, amount) row (at 10,000 policies a tail year holds about 6,000 policy years in about 700
    groups)."""

    #: Per group: the year, the amount each of its policies pays and how many they are.
    year: Int32Array
    gross: FloatArray
    size: Int32Array
    #: Per policy year, group after group.
    policy: Int32Array

    @classmethod
    def empty(cls) -> PolicyTail:
        return cls(np.zeros(0, np.int32), np.zeros(0), np.zeros(0, np.int32), np.zeros(0, np.int32))

    @classmethod
    def of(cls, year: AnyIntArray, policy: AnyIntArray, gross: FloatArray) -> PolicyTail:
        """From rows in any order (a chunk's: years from 0), grouped by year and amount (`portfolio.jit`)."""
        if len(year) == 0:
            return cls.empty()
        from cyberins.portfolio.jit import group_rows  # numba: imported only where a run holds policy years

        order, starts = group_rows(year, gross, int(year.max()) + 1)
        size = np.diff(starts).astype(np.int32)
        first = order[starts[:-1]]
        return cls(year[first].astype(np.int32), gross[first], size, policy[order].astype(np.int32))

    def __len__(self) -> int:
        return len(self.policy)

    def where(self, keep: npt.NDArray[np.bool_]) -> PolicyTail:
        """Only the groups where `keep` (one flag per group) holds."""
        if keep.all():
            return self
        rows = np.repeat(keep, self.size)
        return PolicyTail(self.year[keep], self.gross[keep], self.size[keep], self.policy[rows])

    def shifted(self, years: int) -> PolicyTail:
        """The same with every year moved by `years` (a chunk's years into the run's)."""
        return PolicyTail(self.year + np.int32(years), self.gross, self.size, self.policy)

    def rows(self, groups: slice = slice(None)) -> tuple[Int32Array, Int32Array, FloatArray]:
        """(year, policy, gross) of each policy year of some groups."""
        ends = np.cumsum(self.size, dtype=np.int64)
        first = int(ends[groups.start - 1]) if groups.start else 0
        last = int(ends[groups.stop - 1]) if groups.stop is not None else len(self.policy)
        size = self.size[groups]
        return np.repeat(self.year[groups], size), self.policy[first:last], np.repeat(self.gross[groups], size)

    def contributions(self, weights: FloatArray, n_policies: int) -> FloatArray:
        """`row_contributions` of these policy years, a slice of groups at a time (bounded temporaries)."""
        out = np.zeros(n_policies)
        ends = np.cumsum(self.size, dtype=np.int64)
        first = 0
        while first < len(self.size):
            last = max(first + 1, int(np.searchsorted(ends, (ends[first - 1] if first else 0) + ROWS_AT_ONCE)))
            out += row_contributions(weights, *self.rows(slice(first, last)), n_policies)
            first = last
        return out


def top_contributions(values: Mapping[str, float], n: int = TOP_POLICIES) -> list[list[object]]:
    """`[[name, value], …]`: the n largest, largest first (equal values in the mapping's order)."""
    ranked = sorted(values.items(), key=lambda item: -item[1])
    return [[name, float(value)] for name, value in ranked[:n]]


def contributions(
    gross: FloatArray,
    groupings: Mapping[str, Mapping[str, FloatArray]],
    policies: PolicyYears | None = None,
) -> dict[str, dict[str, object]]:
    """§5's `contributions.tvar`: per level key, each grouping's Euler contributions to the gross TVaR.

    `groupings` maps a grouping (`by_scenario`, `by_industry`, `by_dependency`) to its groups' per-year gross;
    the groups of one grouping must add up to `gross` each year, and then their contributions add up to
    `gross.tvar[level]`. `policies` gives `by_policy_top`, the `TOP_POLICIES` largest policy contributions.

    >>> gross = np.array([0.0, 10.0, 30.0, 20.0])
    >>> own, cloud = np.array([0.0, 10.0, 10.0, 5.0]), np.array([0.0, 0.0, 20.0, 15.0])
    >>> split = {"by_scenario": {"own_events": own, "cloud": cloud}}
    >>> contributions(gross, split)["0.9"]["by_scenario"]  # the worst 0.4 years: year 2
    {'own_events': 10.0, 'cloud': 20.0}
    """
    out: dict[str, dict[str, object]] = {}
    for level, weights in tvar_weights(gross).items():
        block: dict[str, object] = {
            grouping: {name: float(weights @ annual) for name, annual in groups.items()}
            for grouping, groups in groupings.items()
        }
        if policies is not None:
            if callable(policies):
                by_policy = policies(weights)
            else:
                by_policy = {name: float(weights @ annual) for name, annual in policies.items()}
            block["by_policy_top"] = top_contributions(by_policy)
        out[level] = block
    return out
