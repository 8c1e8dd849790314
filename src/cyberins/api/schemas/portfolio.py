"""Bodies of the insurer's book view (portfolio accumulation, issue 19) and of its reinsurance programme."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, ClassVar

from pydantic import BaseModel, Field

from cyberins.api.schemas.common import In, MoneyText, Out


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
    ceded: Annotated[dict[str, float], Field(description="Each treaty's recovery of the event, by treaty id.")]
    net: Annotated[float, Field(description="gross − Σ ceded.")]


class ExceedanceCurve(BaseModel):
    aal: float
    oep: Annotated[list[tuple[float, float]], Field(description="[[return period, loss]]: each year's largest loss")]
    aep: Annotated[list[tuple[float, float]], Field(description="[[return period, loss]]: annual totals")]


class TreatyCeded(BaseModel):
    """What a treaty recovers over the simulated years (contract portfolio.md §5's `ceded` block, in part)."""

    aal: float
    expected_reinstatement_premium: float
    attachment_probability: Annotated[float, Field(description="Share of years it recovers anything.")]
    exhaustion_probability: Annotated[float, Field(description="Share of years its annual cover is used up.")]


class BondOutcome(BaseModel):
    """A cat bond over the simulated years (contract portfolio.md §5's `ils` block)."""

    attachment_probability: float
    exhaustion_probability: float
    expected_loss: float
    expected_loss_pct_of_limit: float
    limit: float


class BookCurves(BaseModel):
    years: int
    seed: int
    gross: ExceedanceCurve
    net: ExceedanceCurve
    ceded: Annotated[dict[str, TreatyCeded], Field(description="By treaty id, in inuring order.")]
    ils: dict[str, BondOutcome]


class ProgrammeTerms(BaseModel):
    """A reinsurance programme's treaties and cat bonds, as stored (every field, defaults written out)."""

    reinsurance: list[dict[str, Any]]
    ils: list[dict[str, Any]]


class AccumulationPublic(BaseModel):
    """Your book's accumulation by dependency (largest gross first) and, when `years` is given, its gross and
    net exceedance curves. Amounts are in `currency`; net is what your stored reinsurance programme in that
    currency (`programme`, see `GET /portfolio/programme`) leaves: it equals gross while no treaty is stored."""

    org_id: str
    currency: str | None
    policies: int
    other_currency_policies: int
    hours: float
    programme: ProgrammeTerms
    by_dependency: list[DependencyAccumulation]
    curves: BookCurves | None


class ProgrammeUpdate(In):
    """The whole programme in `currency`, replacing the one in force as its next version."""

    currency: Annotated[str, Field(pattern=r"^[A-Z]{3}$", examples=["CNY"])]
    reinsurance: Annotated[
        list[dict[str, Any]],
        Field(
            description="Treaties in inuring order, as a portfolio book's `reinsurance:` (contract portfolio.md "
            "§1): quota_share, per_risk_xl, cat_xl, aggregate_stop_loss.",
            examples=[[{"id": "qs", "kind": "quota_share", "share": 0.3, "event_limit": None}]],
        ),
    ] = []
    ils: Annotated[
        list[dict[str, Any]], Field(description="Cat bonds analysed alongside, as a book's `ils:`; never in net.")
    ] = []
    version: Annotated[
        int | None, Field(default=None, ge=0, description="The version you read (0: none stored); a stale one: 409.")
    ] = None


class ProgrammePublic(ProgrammeTerms):
    """One version of your reinsurance programme in `currency`; version 0 (no `created_at`): none is stored."""

    org_id: str
    currency: str
    version: int
    created_at: datetime | None
    created_by: Annotated[str | None, Field(description="Who stored this version, as the audit log names it.")]


class ProgrammeHistory(BaseModel):
    """Every stored version, the newest first."""

    items: list[ProgrammePublic]
