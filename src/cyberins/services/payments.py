"""Claim payments. Each carries the caller's idempotency key: a retried payment returns the first one and
never pays twice, even if the retry bypasses the HTTP layer's stored responses."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy.orm import Session

from cyberins.model.errors import InvalidInput, Said
from cyberins.model.vocab import IncidentState
from cyberins.services import audit, reserves
from cyberins.services.access import Action, Principal, scope_for
from cyberins.services.claims import CLAIM_MACHINE
from cyberins.services.common import in_currency, load_for, load_visible, money, page_args
from cyberins.services.uow import unit_of_work
from cyberins.store.models import Payment
from cyberins.store.repos import idempotency as keys
from cyberins.store.repos import lifecycle as repo
from cyberins.store.repos.aggregates import Page


def check_key(key: str) -> str:
    key = key.strip()
    if not 1 <= len(key) <= 200 or not key.isprintable():
        raise InvalidInput.one("Idempotency-Key", Said("input.service.key_form"))
    return key


def pay_claim(
    session: Session, actor: Principal, incident_id: str, amount: Decimal, currency: str, idempotency_key: str
) -> tuple[Payment, bool]:
    """Pay (part of) a settled claim. Returns the payment and whether it is new (False: a retry's replay)."""
    key = check_key(idempotency_key)
    with unit_of_work(session):
        # locked: two payments on one claim run one after the other, each seeing what the other paid
        incident = load_for(session, repo.incidents, "incident", incident_id, actor, Action.PAY, for_update=True)
        first = keys.payment_with_key(session, incident.insurer_org_id, key)
        if first is not None:
            if (first.incident_id, first.amount, first.currency) != (incident.id, amount, currency):
                raise InvalidInput.one("Idempotency-Key", Said("input.service.key_reused"))
            return first, False
        before = audit.digest(incident)
        CLAIM_MACHINE.check("pay", incident.state, IncidentState.SETTLED)
        if currency != incident.currency:
            raise InvalidInput.one("currency", in_currency("claim", incident.currency))
        money(amount, currency, "amount", positive=True)
        outstanding = (incident.settled_amount or Decimal(0)) - incident.paid_amount
        if amount > outstanding:
            raise InvalidInput.one(
                "amount",
                Said(
                    "input.service.exceeds_outstanding",
                    {"amount": amount, "outstanding": outstanding, "currency": currency},
                ),
            )
        payment = Payment(
            incident_id=incident.id,
            insurer_org_id=incident.insurer_org_id,
            insured_org_id=incident.insured_org_id,
            broker_org_id=incident.broker_org_id,
            amount=amount,
            currency=currency,
            idempotency_key=key,
            paid_by=actor.actor,
        )
        repo.payments.add(session, payment)
        incident.paid_amount = incident.paid_amount + amount
        if incident.paid_amount == incident.settled_amount:
            incident.state = CLAIM_MACHINE.check("pay", incident.state, IncidentState.PAID)
        audit.record(session, actor, "payment.create", "payment", payment.id, before=None, after=payment)
        audit.record(session, actor, "incident.pay", "incident", incident.id, before=before, after=incident)
        reserves.follow(session, actor, incident)  # the reserve is what is still to pay
    return payment, True


def list_payments(
    session: Session, actor: Principal, *, incident_id: str | None = None, limit: int = 50, offset: int = 0
) -> Page[Payment]:
    limit, offset = page_args(limit, offset)
    scope = scope_for(actor, "payment")
    return repo.payments.page(session, scope, {"incident_id": incident_id}, limit=limit, offset=offset)


def get_payment(session: Session, actor: Principal, payment_id: str) -> Payment:
    return load_visible(session, repo.payments, "payment", payment_id, actor)
