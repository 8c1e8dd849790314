"""Reinsurance treaties and cat bonds as a book writes them (contract portfolio.md §1), and their programme.

Treaties act in the order the book lists them (inuring order), each on what the earlier ones leave; cat
bonds are analysed alongside, on the gross or the net, never part of the net. The mathematics, with a year
worked by hand, is in docs/portfolio.md ("Reinsurance").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import AfterValidator, Discriminator, Field, Tag, ValidationInfo, field_validator

from cyberins.model.base import Frozen
from cyberins.model.errors import Problem, Said
from cyberins.portfolio.occurrences import (
    WHOLE,
    Layer,
    Occurrences,
    annual_sum,
    capped_in_time_order,
    stop_loss_in_time_order,
)
from cyberins.quant.model import FloatArray, IntArray

#: A treaty or bond id: it names YLT columns (`ceded.<id>`, `ils.<id>`), so no dots or spaces.
TreatyId = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]*$")]
Money = Annotated[float, Field(ge=0, allow_inf_nan=False)]
PositiveMoney = Annotated[float, Field(gt=0, allow_inf_nan=False)]


class Reinstatement(Frozen):
    """One reinstatement of an XL layer: `rate` × the upfront premium, pro rata to the amount reinstated."""

    rate: float = Field(ge=0, allow_inf_nan=False)


class QuotaShare(Frozen):
    """`share` of each loss; `event_limit` caps the recovery of one occurrence (null: no cap)."""

    id: TreatyId
    kind: Literal["quota_share"]
    share: float = Field(gt=0, le=1, allow_inf_nan=False)
    event_limit: PositiveMoney | None = None

    @property
    def annual_cover(self) -> float | None:
        """No annual cap: a quota share is never exhausted."""
        return None


class _ExcessOfLoss(Frozen):
    """An excess-of-loss layer: `limit` xs `attachment`, with an upfront `premium` and its reinstatements."""

    id: TreatyId
    attachment: Money
    limit: PositiveMoney
    premium: Money = 0.0
    reinstatements: list[Reinstatement] | Literal["unlimited"] = Field(default_factory=list)

    @property
    def annual_cover(self) -> float | None:
        """What the layer recovers in a year at most: (1 + k)·limit with k reinstatements; None when unlimited."""
        if self.reinstatements == "unlimited":
            return None
        return (1 + len(self.reinstatements)) * self.limit


class PerRiskXL(_ExcessOfLoss):
    """min(max(x − attachment, 0), limit) of each policy's loss x in each occurrence."""

    kind: Literal["per_risk_xl"]


class CatXL(_ExcessOfLoss):
    """min(max(X − attachment, 0), limit) of each occurrence's total X over every policy it hits."""

    kind: Literal["cat_xl"]


class AggregateStopLoss(Frozen):
    """min(max(Y − attachment, 0), limit) of the year's total Y left by the treaties before it."""

    id: TreatyId
    kind: Literal["aggregate_stop_loss"]
    attachment: Money
    limit: PositiveMoney

    @property
    def annual_cover(self) -> float | None:
        return self.limit


_KINDS = {
    "quota_share": "QuotaShare",
    "per_risk_xl": "PerRiskXL",
    "cat_xl": "CatXL",
    "aggregate_stop_loss": "AggregateStopLoss",
}


def _treaty_tag(value: Any) -> str | None:
    """The alternative a treaty is meant as, by its `kind`. The tags are the class names, which the loader's
    error paths leave out (`reinsurance[0].share`, not `reinsurance[0].quota_share.share`)."""
    kind = value.get("kind") if isinstance(value, dict) else getattr(value, "kind", None)
    return _KINDS.get(kind) if isinstance(kind, str) else None


Treaty = Annotated[
    Annotated[QuotaShare, Tag("QuotaShare")]
    | Annotated[PerRiskXL, Tag("PerRiskXL")]
    | Annotated[CatXL, Tag("CatXL")]
    | Annotated[AggregateStopLoss, Tag("AggregateStopLoss")],
    Discriminator(
        _treaty_tag,
        custom_error_type="treaty_kind",
        custom_error_message=f"kind must be one of: {', '.join(_KINDS)}",
    ),
]
XL_KINDS = (PerRiskXL, CatXL)


class Trigger(StrEnum):
    INDEMNITY_ANNUAL_AGGREGATE = "indemnity_annual_aggregate"  # the year's total of the basis
    INDEMNITY_OCCURRENCE = "indemnity_occurrence"  # each occurrence of the basis; one limit a year
    #: Each catalogue event's industry loss, estimated as the book's ground-up ÷ `market_share`; one limit a year.
    INDUSTRY_INDEX = "industry_index"


class Basis(StrEnum):
    GROSS = "gross"
    NET = "net"


class CatBond(Frozen):
    """A cat bond: pays min(max(B − attachment, 0), exhaustion − attachment) on the trigger's B.

    An indemnity trigger reads the insurer's own `basis`; `industry_index` reads an industry loss index
    instead, per systemic (catalogue) event: the whole market's ground-up loss, which the book stands for at
    its `market_share` (the book's share of the industry's exposure to the event: an assumption the user
    states). Own events are single-insured incidents, never an industry event. The payout then follows the
    market, not the insurer's losses: the basis risk of an index trigger.
    """

    id: TreatyId
    kind: Literal["cat_bond"] = "cat_bond"
    trigger: Trigger
    basis: Basis = Basis.GROSS
    attachment: Money
    exhaustion: PositiveMoney
    #: `industry_index` only: the book's share of the industry loss, 0 < share <= 1.
    market_share: float | None = Field(default=None, gt=0, le=1, allow_inf_nan=False, validate_default=True)

    @field_validator("market_share")
    @classmethod
    def _index_only(cls, share: float | None, info: ValidationInfo) -> float | None:
        index = info.data.get("trigger") is Trigger.INDUSTRY_INDEX
        if index and share is None:
            raise ValueError("an industry_index trigger needs the book's market_share of the industry loss")
        if not index and share is not None:
            raise ValueError("only an industry_index trigger reads a market_share")
        return share

    @field_validator("exhaustion")
    @classmethod
    def _above_attachment(cls, exhaustion: float, info: ValidationInfo) -> float:
        attachment = info.data.get("attachment")
        if attachment is not None and exhaustion <= attachment:
            raise ValueError(f"must exceed the attachment ({attachment:g})")
        return exhaustion

    @property
    def limit(self) -> float:
        return self.exhaustion - self.attachment


def programme_problems(
    reinsurance: Sequence[QuotaShare | PerRiskXL | CatXL | AggregateStopLoss],
    ils: Sequence[CatBond] = (),
) -> list[Problem]:
    """What is wrong with a programme as a whole, by dotted path: a repeated id (in `reinsurance` or in `ils`),
    a treaty other than a stop loss after a stop loss (it would act on a loss the stop loss already capped)."""
    problems: list[Problem] = []
    for name, items in (("reinsurance", reinsurance), ("ils", ils)):
        first: dict[str, int] = {}
        for i, item in enumerate(items):
            if item.id in first:
                said = Said(
                    "input.portfolio.book.id_taken", {"id": repr(item.id), "where": f"{name}[{first[item.id]}]"}
                )
                problems.append(Problem.of(f"{name}[{i}].id", said))
            first.setdefault(item.id, i)
    stop_loss = next((i for i, t in enumerate(reinsurance) if isinstance(t, AggregateStopLoss)), None)
    if stop_loss is not None:
        for i, treaty in enumerate(reinsurance[stop_loss + 1 :], start=stop_loss + 1):
            if not isinstance(treaty, AggregateStopLoss):
                said = Said(
                    "input.portfolio.book.after_stop_loss", {"kind": treaty.kind, "where": f"reinsurance[{stop_loss}]"}
                )
                problems.append(Problem.of(f"reinsurance[{i}].kind", said))
    return problems


def _check_reinsurance(treaties: list[Any]) -> list[Any]:
    problems = programme_problems(treaties)
    if problems:
        raise ValueError("; ".join(str(p) for p in problems))
    return treaties


def _check_ils(bonds: list[CatBond]) -> list[CatBond]:
    problems = programme_problems((), bonds)
    if problems:
        raise ValueError("; ".join(str(p) for p in problems))
    return bonds


#: A book's `reinsurance:` list, checked as a whole (`programme_problems` gives the same checks by path).
Reinsurance = Annotated[list[Treaty], AfterValidator(_check_reinsurance)]
#: A book's `ils:` list, checked as a whole.
Ils = Annotated[list[CatBond], AfterValidator(_check_ils)]


# ---- the programme on simulated years -------------------------------------------------------------------


@dataclass(frozen=True)
class GrossRows:
    """What the policies pay, one row per (occurrence, policy) with something to pay, in a chunk of years.

    Rows may come in any order: occurrences are processed in (year, time, occurrence) order. `weight`
    (stress: count × hit_probability) multiplies a row: `amount` is per unit of weight, and so
    are the per-row results of `apply_programme`; a total is Σ weight · value. None means 1.
    """

    year: IntArray  # 0 … n_years − 1 within the chunk
    occurrence: IntArray  # rows of one occurrence share its year and time
    time: FloatArray  # the occurrence's time in its year
    policy: IntArray  # expanded-policy index
    amount: FloatArray  # gross: what the policy pays for the occurrence, after its own terms
    weight: FloatArray | None = None


@dataclass(frozen=True)
class ProgrammeResult:
    """The treaties' recoveries by row (in the rows' own order) and by year.

    Per row and per unit of weight (when asked for by row; else empty and None): `ceded[id]`, and `net` =
    amount − Σ ceded. Per year (index 0 … n_years − 1):
    `ceded_annual[id]` (the treaty's recovery C), `reinstatement_premium[id]` (each XL; §2.6), the totals and
    each year's largest occurrence of gross, net and each treaty's recovery (for OEP).
    """

    ceded: dict[str, FloatArray]
    reinstatement_premium: dict[str, FloatArray]
    net: FloatArray | None
    ceded_annual: dict[str, FloatArray]
    ceded_largest: dict[str, FloatArray]
    gross_annual: FloatArray
    gross_largest: FloatArray
    net_annual: FloatArray
    net_largest: FloatArray


def _share(paid: FloatArray, of: FloatArray) -> FloatArray:
    """paid / of per occurrence, 0 where `of` is 0: the fraction each of its rows recovers."""
    return np.divide(paid, of, out=np.zeros_like(paid), where=of > 0)


def _layer(treaty: QuotaShare | PerRiskXL | CatXL | AggregateStopLoss) -> Layer:
    """What a treaty recovers a share of, per row: a quota share its share of what is left, a per-risk XL each
    risk's layer of it, a cat XL or a stop loss all of it (their attachments act on occurrences and years)."""
    if isinstance(treaty, QuotaShare):
        return Layer(treaty.share, 0.0, np.inf)
    if isinstance(treaty, PerRiskXL):
        return Layer(1.0, treaty.attachment, treaty.limit)
    return WHOLE


def _recovered(
    treaty: QuotaShare | PerRiskXL | CatXL | AggregateStopLoss, total: FloatArray, year: IntArray
) -> FloatArray:
    """The part of each occurrence's `total` of the treaty's layer (`_layer`) that the treaty recovers."""
    if isinstance(treaty, QuotaShare):
        if treaty.event_limit is None:
            return np.ones_like(total)
        return _share(np.minimum(total, treaty.event_limit), total)
    if isinstance(treaty, PerRiskXL):  # each risk's layer; an occurrence crossing the cap shares it pro rata
        paid = capped_in_time_order(total, year, treaty.annual_cover)
    elif isinstance(treaty, CatXL):
        paid = capped_in_time_order(np.clip(total - treaty.attachment, 0.0, treaty.limit), year, treaty.annual_cover)
    else:
        paid = stop_loss_in_time_order(total, year, treaty.attachment, treaty.limit)
    return _share(paid, total)


def reinstatement_premium(treaty: PerRiskXL | CatXL, recovered: FloatArray) -> FloatArray:
    """Premium due for reinstatements in each year, pro rata as to amount (never time):

    premium · Σᵢ rateᵢ · min(max(C − (i − 1)·limit, 0), limit) / limit, C the treaty's recovery in the year.

    >>> xl = CatXL(id="x", kind="cat_xl", attachment=10, limit=100, premium=12, reinstatements=[{"rate": 1.0}])
    >>> reinstatement_premium(xl, np.array([0.0, 25.0, 150.0])).tolist()
    [0.0, 3.0, 12.0]
    """
    due = np.zeros_like(recovered)
    if treaty.reinstatements == "unlimited":
        return due  # free: nothing is reinstated against premium
    for i, reinstatement in enumerate(treaty.reinstatements):
        used = np.clip(recovered - i * treaty.limit, 0.0, treaty.limit)
        due += treaty.premium * reinstatement.rate * used / treaty.limit
    return due


def apply_programme(
    rows: GrossRows,
    treaties: Sequence[QuotaShare | PerRiskXL | CatXL | AggregateStopLoss],
    n_years: int,
    *,
    by_row: bool = True,
) -> ProgrammeResult:
    """The treaties in inuring order on a chunk of simulated years (contract portfolio.md §2.6).

    Each treaty acts on what the earlier ones leave. Recoveries are attributed to occurrences in time order
    (the occurrence that crosses an annual cap or the stop loss gets the part up to it) and, within an
    occurrence, to its rows pro rata to what is left of them (a per-risk XL: to each risk's own layer).
    One compiled pass over the rows per treaty (`Occurrences.cede`); vectorised passes over the occurrences.
    Without `by_row`, the results by row (`ceded`, `net`) are left out: a simulation reads only the sums.

    >>> rows = GrossRows(year=np.array([0, 0]), occurrence=np.array([0, 1]), time=np.array([0.2, 0.7]),
    ...                  policy=np.array([0, 1]), amount=np.array([60.0, 80.0]))
    >>> asl = AggregateStopLoss(id="asl", kind="aggregate_stop_loss", attachment=100, limit=30)
    >>> apply_programme(rows, [asl], 1).ceded["asl"].tolist()  # the second occurrence crosses 100
    [0.0, 30.0]
    """
    occ = Occurrences.of(rows.year, rows.occurrence, rows.time, rows.weight)
    left = occ.grouped(rows.amount)  # the gross, until the first treaty takes its part
    ceded: dict[str, FloatArray] = {}
    ceded_annual: dict[str, FloatArray] = {}
    ceded_largest: dict[str, FloatArray] = {}
    premium: dict[str, FloatArray] = {}
    # One pass over the rows per treaty: it cedes, and sums what the next treaty reads (after the last, the net).
    layers = [_layer(t) for t in treaties] + [WHOLE]
    gross_occ, basis = occ.layer_totals(left, [WHOLE, layers[0]])
    for treaty, layer, following in zip(treaties, layers[:-1], layers[1:], strict=True):
        recovery, by_occurrence, basis = occ.cede(
            left, _recovered(treaty, basis, occ.year), layer, following, by_row=by_row
        )
        if recovery is not None:
            ceded[treaty.id] = recovery
        ceded_annual[treaty.id], ceded_largest[treaty.id] = occ.by_year(by_occurrence, n_years)
        if isinstance(treaty, XL_KINDS):
            premium[treaty.id] = reinstatement_premium(treaty, ceded_annual[treaty.id])
    gross_annual, gross_largest = occ.by_year(gross_occ, n_years)
    net_annual, net_largest = occ.by_year(basis, n_years)
    return ProgrammeResult(
        ceded=ceded,
        reinstatement_premium=premium,
        net=occ.ungrouped(left) if by_row else None,
        ceded_annual=ceded_annual,
        ceded_largest=ceded_largest,
        gross_annual=gross_annual,
        gross_largest=gross_largest,
        net_annual=net_annual,
        net_largest=net_largest,
    )


@dataclass(frozen=True)
class IndustryEvents:
    """The catalogue events of a chunk for an `industry_index` trigger: each one's year and the book's
    ground-up loss in it (every line, insured or not)."""

    year: IntArray
    ground_up: FloatArray


def ils_payouts(
    bond: CatBond, rows: GrossRows, net: FloatArray | None, n_years: int, industry: IndustryEvents | None = None
) -> FloatArray:
    """The bond's payout in each year: min(max(B − attachment, 0), limit) (contract portfolio.md §2.7).

    B is the year's total of the basis (`indemnity_annual_aggregate`) or, for `indemnity_occurrence`, each
    occurrence's total, the year's payouts together capped at one limit. `net` is `apply_programme`'s by row. For
    `industry_index`, B is each catalogue event's industry loss, ground-up ÷ market share (`industry`),
    the year's payouts again capped at one limit.
    """
    if bond.trigger is Trigger.INDUSTRY_INDEX:
        if industry is None or bond.market_share is None:
            raise ValueError(f"bond {bond.id!r}: an industry_index trigger needs the catalogue events' losses")
        index = np.asarray(industry.ground_up, dtype=np.float64) / bond.market_share
        per_event = np.clip(index - bond.attachment, 0.0, bond.limit)
        return np.minimum(annual_sum(industry.year, per_event, n_years), bond.limit)
    if bond.basis is Basis.NET and net is None:
        raise ValueError(f"bond {bond.id!r}: a bond on the net needs the programme's net by row")
    basis = np.asarray(rows.amount if bond.basis is Basis.GROSS else net, dtype=np.float64)
    if bond.trigger is Trigger.INDEMNITY_ANNUAL_AGGREGATE:
        weighted = basis if rows.weight is None else basis * rows.weight
        return np.clip(annual_sum(rows.year, weighted, n_years) - bond.attachment, 0.0, bond.limit)
    occ = Occurrences.of(rows.year, rows.occurrence, rows.time, rows.weight)
    per_occurrence = np.clip(occ.total(basis) - bond.attachment, 0.0, bond.limit)
    return np.minimum(annual_sum(occ.year, per_occurrence, n_years), bond.limit)
