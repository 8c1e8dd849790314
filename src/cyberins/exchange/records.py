"""The records exchange document (contract `standards.md` (d)): parties, policies, claims and payments.

`{"format": "cyberins-exchange", "version": 1, "exported_at", "parties", "policies", "claims", "payments"}`.
Each record carries the API's public fields and ids except `version` (a store's optimistic-lock counter,
which means nothing in another database) and a policy's `submission_id` (submissions are not exchanged).
Money is a decimal string at the currency's minor unit beside its `currency`; instants are ISO 8601 with
their offset; dates `YYYY-MM-DD`. The models here validate a document on import; unknown fields are refused.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, Literal

from pydantic import AwareDatetime, Field, field_serializer

from cyberins.model.base import Frozen
from cyberins.model.loading import parse_model
from cyberins.model.money import Amount, Currency, money_text
from cyberins.model.vocab import IncidentState, OrgKind, PolicyState

FORMAT = "cyberins-exchange"
FORMAT_VERSION = 1

Id = Field(min_length=1, max_length=32)


class PartyRecord(Frozen):
    id: str = Id
    name: str = Field(min_length=1, max_length=200)
    kind: OrgKind
    country: str | None = Field(default=None, pattern=r"^[A-Z]{2}$")
    created_at: AwareDatetime


class PolicyRecordOut(Frozen):
    id: str = Id
    policy_number: str = Field(min_length=1, max_length=80)
    insured_org_id: str = Id
    insurer_org_id: str = Id
    broker_org_id: str | None = None
    renewal_of_id: str | None = None
    state: PolicyState
    currency: Currency
    premium: Amount
    period_start: date
    period_end: date
    cancelled_on: date | None = None
    cancel_reason: str | None = None
    return_premium: Amount | None = None
    document: dict[str, Any]
    created_at: AwareDatetime
    updated_at: AwareDatetime

    @field_serializer("premium", "return_premium", when_used="json")
    def _money(self, value: Decimal | None) -> str | None:
        return None if value is None else money_text(value, self.currency)


class ClaimRecord(Frozen):
    """An incident and its claim (the API's `IncidentPublic`)."""

    id: str = Id
    policy_id: str = Id
    insured_org_id: str = Id
    insurer_org_id: str = Id
    broker_org_id: str | None = None
    responder_org_id: str | None = None
    state: IncidentState
    summary: str
    currency: Currency
    occurred_at: AwareDatetime
    discovered_at: AwareDatetime
    reported_at: AwareDatetime
    documents: dict[str, Any]
    settled_amount: Amount | None = None
    paid_amount: Amount
    created_at: AwareDatetime
    updated_at: AwareDatetime

    @field_serializer("settled_amount", "paid_amount", when_used="json")
    def _money(self, value: Decimal | None) -> str | None:
        return None if value is None else money_text(value, self.currency)


class PaymentRecord(Frozen):
    id: str = Id
    incident_id: str = Id
    insurer_org_id: str = Id
    insured_org_id: str = Id
    currency: Currency
    amount: Amount
    created_at: AwareDatetime

    @field_serializer("amount", when_used="json")
    def _money(self, value: Decimal) -> str:
        return money_text(value, self.currency) or ""


class ExchangeDocument(Frozen):
    format: Literal["cyberins-exchange"]
    version: Literal[1]
    exported_at: AwareDatetime
    parties: list[PartyRecord] = Field(default_factory=list)
    policies: list[PolicyRecordOut] = Field(default_factory=list)
    claims: list[ClaimRecord] = Field(default_factory=list)
    payments: list[PaymentRecord] = Field(default_factory=list)


#: The document's record lists and the model of each.
KINDS: dict[str, type[Frozen]] = {
    "parties": PartyRecord,
    "policies": PolicyRecordOut,
    "claims": ClaimRecord,
    "payments": PaymentRecord,
}


def record_of(kind: str, row: Any) -> Frozen:
    """The exchanged record of a stored row (any object with the record's fields as attributes)."""
    model = KINDS[kind]
    return model.model_validate({name: getattr(row, name) for name in model.model_fields})


def plain(record: Frozen) -> dict[str, Any]:
    """A record as the document writes it (JSON values)."""
    return record.model_dump(mode="json")


def parse_exchange(data: Any, source: str = "") -> ExchangeDocument:
    """A document read from a file, validated; problems name their path (`policies[2].premium`)."""
    return parse_model(ExchangeDocument, data, source)
