"""Bodies of submissions and policies."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, ClassVar

from pydantic import ConfigDict, Field

from cyberins.api.schemas.common import DateIn, In, MoneyIn, MoneyText, Out, Version
from cyberins.api.schemas.documents import LEFT_TO_RIGHT, AssessmentRecord, Legacy, QuoteRecord, sent_as
from cyberins.assess import OrganizationProfile
from cyberins.model.policy import Policy
from cyberins.model.vocab import PolicyState, SubmissionState
from cyberins.services.assessment import MAX_TIERS, MAX_YEARS, MIN_YEARS

Currency = Annotated[str, Field(pattern=r"^[A-Z]{3}$", examples=["CNY"])]
#: A policy wording as `cyberins policy check` validates it (`cyberins.model.policy.Policy`).
Wording = Annotated[dict[str, Any], sent_as("Policy", "The wording, as `cyberins policy check` validates it.")]

PROFILE_EXAMPLE: dict[str, Any] = {
    "name": "Foshan Jinrui Hardware Products Co., Ltd.",
    "industry": "manufacturing",
    "annual_revenue": "38000000",
    "employees": 120,
    "controls": {"mfa": True, "edr": True, "offline_backups": True},
}

POLICY_EXAMPLE: dict[str, Any] = {
    "policy_number": "CY-SME-2026-0001",
    "insured": {"name": "Hangzhou Lanxin Trading Co., Ltd.", "name_zh": "杭州蓝芯贸易有限公司"},
    "currency": "CNY",
    "period": {"start": "2026-07-01", "end": "2027-06-30"},
    "trigger": {"kind": "occurrence", "reporting_deadline": {"days": 30, "after": "discovered_at"}},
    "jurisdiction": "CN",
    "aggregate_limit": "2000000",
    "coverages": {"incident_response": {"sublimit": "500000", "retention": "10000"}},
}


class SubmissionCreate(In):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"insurer_org_id": "5f0c…", "profile": PROFILE_EXAMPLE}]},
    )
    insurer_org_id: str
    insured_org_id: str | None = Field(default=None, description="Required when a broker submits for a client.")
    profile: Annotated[
        dict[str, Any],
        sent_as(
            "OrganizationProfile",
            "The organization profile (`cyberins assess` reads the same; docs/profiles.md); "
            "problems name the field under `profile.`.",
        ),
    ]


class SubmissionAssess(In):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"seed": 42}]})
    seed: Annotated[int | None, Field(default=None, ge=0, le=2**63 - 1, description="Default: CYBERINS_SEED.")]
    years: Annotated[
        int | None,
        Field(
            ge=MIN_YEARS,
            le=MAX_YEARS,
            description="Simulated years; left out, as many as make the AAL's standard error at most 0.5% of it "
            "(the assessment's on the gross loss, each quote's on what its wording pays).",
        ),
    ] = None
    version: Version = None


class QuoteTier(In):
    name: Annotated[str, Field(min_length=1, max_length=60, examples=["managed_security"])]
    controls: list[Annotated[str, Field(min_length=1, max_length=60)]] = Field(
        default_factory=list,
        max_length=40,
        description="Questionnaire controls the tier's services put in place; the model is re-assessed with them.",
        examples=[["mfa", "edr"]],
    )


class QuoteGrid(In):
    limits: list[MoneyIn] = Field(min_length=1, max_length=5, description="Aggregate-limit options.")
    retentions: list[MoneyIn] = Field(min_length=1, max_length=5, description="Retention options (every coverage).")


class SubmissionQuote(In):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "document": {k: v for k, v in POLICY_EXAMPLE.items() if k != "policy_number"},
                    "grid": {"limits": ["1000000", "2000000"], "retentions": ["10000", "50000"]},
                    "tier": {"name": "managed_security", "controls": ["edr"]},
                    "tiers": [{"name": "essentials", "controls": []}, {"name": "full", "controls": ["edr", "mfa"]}],
                }
            ]
        },
    )
    document: Annotated[
        dict[str, Any], sent_as("Policy", "The wording to price (its policy_number may wait for the bind).")
    ]
    grid: QuoteGrid | None = None
    tier: QuoteTier | None = None
    tiers: list[QuoteTier] = Field(
        default_factory=list,
        max_length=MAX_TIERS,
        description="Tiers to price beside the quoted one, each as quoting it alone would (the quote's `tiers`).",
    )
    version: Version = None


class SubmissionPublic(Out):
    id: str
    insured_org_id: str
    insurer_org_id: str
    broker_org_id: str | None
    state: SubmissionState
    profile: Annotated[OrganizationProfile | Legacy, LEFT_TO_RIGHT]
    assessment: Annotated[AssessmentRecord | Legacy | None, LEFT_TO_RIGHT]
    quote: Annotated[QuoteRecord | Legacy | None, LEFT_TO_RIGHT]
    version: int
    created_at: datetime
    updated_at: datetime


class SubmissionClose(In):
    reason: Annotated[str, Field(min_length=1, max_length=1000)]
    version: Version = None


class PolicyCreate(In):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"insured_org_id": "9a1e…", "premium": "18000.00", "currency": "CNY", "document": POLICY_EXAMPLE}
            ]
        },  # fmt: skip
    )
    insured_org_id: str
    broker_org_id: str | None = None
    document: Wording
    premium: MoneyIn
    currency: Currency


class SubmissionBind(In):
    """Binds the quoted wording at the quoted premium; what is restated here must agree with the quote."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"policy_number": "CY-SME-2026-0042", "version": 3}]}
    )
    policy_number: Annotated[str | None, Field(default=None, min_length=1, max_length=80)]
    document: Wording | None = None
    premium: MoneyIn | None = None
    currency: Currency | None = None
    version: Version = None


class PolicyCancel(In):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"effective_date": "2027-01-01", "reason": "business sold", "version": 1}]},
    )
    effective_date: DateIn
    reason: Annotated[str, Field(min_length=1, max_length=1000)]
    version: Version = None


class PolicyExpire(In):
    version: Version = None


class PolicyRenew(In):
    document: Wording
    premium: MoneyIn
    currency: Currency
    version: Version = None


class PolicyPublic(Out):
    money_fields: ClassVar[tuple[str, ...]] = ("premium", "return_premium")

    id: str
    policy_number: str
    insured_org_id: str
    insurer_org_id: str
    broker_org_id: str | None
    submission_id: str | None
    renewal_of_id: str | None
    state: PolicyState
    period_start: date
    period_end: date
    premium: MoneyText
    currency: str
    cancelled_on: date | None
    cancel_reason: str | None
    return_premium: MoneyText | None
    document: Annotated[Policy | Legacy, LEFT_TO_RIGHT]
    version: int
    created_at: datetime
    updated_at: datetime
