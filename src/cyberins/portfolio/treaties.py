"""Reinsurance treaties and cat bonds as a book writes them (contract portfolio.md §1), and their programme.

Treaties act in the order the book lists them (inuring order), each on what the earlier ones leave; cat
bonds are analysed alongside, on the gross or the net, never part of the net. The mathematics, with a year
worked by hand, is in docs/portfolio.md ("Reinsurance").
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Discriminator, Field, Tag, ValidationInfo, field_validator

from cyberins.model.base import Frozen
from cyberins.model.errors import Problem

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


class Basis(StrEnum):
    GROSS = "gross"
    NET = "net"


class CatBond(Frozen):
    """An indemnity cat bond: pays min(max(B − attachment, 0), exhaustion − attachment) on the trigger's B."""

    id: TreatyId
    kind: Literal["cat_bond"] = "cat_bond"
    trigger: Trigger
    basis: Basis = Basis.GROSS
    attachment: Money
    exhaustion: PositiveMoney

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
                message = f"{item.id!r} is already the id of {name}[{first[item.id]}]"
                problems.append(Problem(f"{name}[{i}].id", message))
            first.setdefault(item.id, i)
    stop_loss = next((i for i, t in enumerate(reinsurance) if isinstance(t, AggregateStopLoss)), None)
    if stop_loss is not None:
        for i, treaty in enumerate(reinsurance[stop_loss + 1 :], start=stop_loss + 1):
            if not isinstance(treaty, AggregateStopLoss):
                message = f"a {treaty.kind} cannot follow the stop loss reinsurance[{stop_loss}]: only stop losses may"
                problems.append(Problem(f"reinsurance[{i}].kind", message))
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
