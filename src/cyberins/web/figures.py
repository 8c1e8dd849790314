"""The figures a page shows, read from the stored records exactly as the API returns them (contract: each
figure's `data-value` is the API's value for the same object): documents are returned as stored, and record
amounts are rounded to the currency's minor unit and written as decimal strings."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from pydantic import ValidationError

from cyberins.model.money import to_minor
from cyberins.model.policy import Policy
from cyberins.store.models import Incident, PolicyRecord, Submission


@dataclass(frozen=True)
class Figure:
    """One figure: its API value (a decimal string for money, an id for a state) and, for money, its currency."""

    value: str | None
    currency: str | None = None


def _at(document: Any, *path: str) -> Any:
    for key in path:
        if not isinstance(document, dict):
            return None
        document = document.get(key)
    return document


def record_money(amount: Decimal | None, currency: str) -> Figure:
    """A record's amount as the API writes it (`api.schemas.common.Out`): minor units, plain decimal text."""
    return Figure(None if amount is None else format(to_minor(amount, currency), "f"), currency)


def submission_figures(sub: Submission) -> dict[str, Figure]:
    summary = _at(sub.assessment, "summary")
    aal = _at(summary, "gross", "aal")
    premium = _at(sub.quote, "premium")
    return {
        "state": Figure(sub.state),
        "eligibility": Figure(_at(summary, "eligibility", "outcome")),
        "expected-loss": Figure(None if aal is None else str(aal), _at(summary, "currency")),
        "premium": Figure(None if premium is None else str(premium), _at(sub.quote, "currency")),
    }


def wording(record: PolicyRecord) -> dict[str, Any]:
    """The policy's document as the API returns it: read as a `Policy` and written back (a document stored
    before that shape, as stored)."""
    try:
        return Policy.model_validate(record.document).model_dump(mode="json")
    except ValidationError:
        return dict(record.document)


def policy_figures(record: PolicyRecord) -> dict[str, Figure]:
    limit = _at(wording(record), "aggregate_limit")
    return {
        "state": Figure(record.state),
        "policy-number": Figure(record.policy_number),
        "premium": record_money(record.premium, record.currency),
        "aggregate-limit": Figure(None if limit is None else str(limit), record.currency),
    }


def incident_figures(incident: Incident) -> dict[str, Figure]:
    adjusted = _at(incident.documents, "adjustment", "adjusted_loss")
    return {
        "state": Figure(incident.state),
        "adjusted-loss": Figure(None if adjusted is None else str(adjusted), incident.currency),
        "payable": record_money(incident.settled_amount, incident.currency),
        "paid": record_money(incident.paid_amount, incident.currency),
    }
