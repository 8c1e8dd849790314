"""Bodies of the insurer's book view (portfolio accumulation, issue 19)."""

from __future__ import annotations

from typing import Annotated, ClassVar

from pydantic import BaseModel, Field

from cyberins.api.schemas.common import MoneyText, Out


class DependencyAccumulation(Out):
    """One shared service of the book: who depends on it and what its scenario costs at the stated hours."""

    money_fields: ClassVar[tuple[str, ...]] = ()

    dependency: Annotated[str, Field(examples=["cloud_provider:aws"])]
    kind: Annotated[str, Field(examples=["cloud_provider"])]
    name: str
    scenario: Annotated[str, Field(examples=["cloud_outage_cloud_provider:aws"])]
    policies: int
    sum_of_limits: MoneyText
    policies_hit: Annotated[float, Field(description="Σ over dependent policies of the hit probability.")]
    ground_up: float
    gross: float
    net: float


class ExceedanceCurve(BaseModel):
    aal: float
    oep: Annotated[list[tuple[float, float]], Field(description="[[return period, loss]]: each year's largest loss")]
    aep: Annotated[list[tuple[float, float]], Field(description="[[return period, loss]]: annual totals")]


class BookCurves(BaseModel):
    years: int
    seed: int
    gross: ExceedanceCurve
    net: ExceedanceCurve


class AccumulationPublic(BaseModel):
    """Your book's accumulation by dependency (largest gross first) and, when `years` is given, its gross and
    net exceedance curves. Amounts are in `currency`; `net` equals `gross` while no treaty is stored."""

    org_id: str
    currency: str | None
    policies: int
    other_currency_policies: int
    hours: float
    by_dependency: list[DependencyAccumulation]
    curves: BookCurves | None
