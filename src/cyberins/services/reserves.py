"""Case reserves on the platform: what an open claim is still expected to cost the insurer, kept as a history.

Each change is a new `case_reserves` row (amount, basis, reason, who, when), audited in the transaction that
makes it; the claim's case reserve is its last row (0 before any). The bases (`reserving.ReserveBasis`):

- `estimate` and `handler`: set by a claims handler before the loss is adjusted (`adjusting.set_case_reserve`):
  the claims engine's estimate from the findings (invoices plus records affected × unit costs, through the
  policy's terms), or, before findings give anything to estimate from, the handler's amount and reason;
- `adjusted`: from the loss adjustment on, the payable still unpaid (the engine's payable at adjustment, then
  `settled_amount − paid_amount` at settlement and at each payment), written by the transition itself;
- `nil`: paid in full, closed or denied: 0.

Incurred = paid + case reserve. Who: the insurer's staff read reserves (`Action.VIEW_RESERVES`); the claimant,
its broker and the responder see the claim but not the insurer's estimate of what it owes (403).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from cyberins.model.vocab import IncidentState
from cyberins.reserving.reserves import ReserveBasis
from cyberins.services import audit
from cyberins.services.access import Action, Principal, require
from cyberins.services.clock import SYSTEM_CLOCK, Clock
from cyberins.services.common import load_visible
from cyberins.store.models import CaseReserveRecord, Incident
from cyberins.store.repos import lifecycle as repo

C = IncidentState
#: States whose reserve is 0: nothing more will be paid (until a reopened claim is reserved again).
NIL_STATES = frozenset({C.PAID, C.CLOSED, C.DENIED})


@dataclass(frozen=True)
class Reserves:
    """A claim's case reserve now, with its history (oldest first) and what was paid."""

    incident: Incident
    history: tuple[CaseReserveRecord, ...]

    @property
    def currency(self) -> str:
        return self.incident.currency

    @property
    def case_reserve(self) -> Decimal:
        """The outstanding reserve: the last row's amount (0 before any)."""
        return self.history[-1].amount if self.history else Decimal(0)

    @property
    def paid(self) -> Decimal:
        return self.incident.paid_amount

    @property
    def incurred(self) -> Decimal:
        return self.paid + self.case_reserve


def reserves_of(session: Session, actor: Principal, incident_id: str) -> Reserves:
    """A claim's reserves: 404 unless the caller sees the claim, then 403 unless it may read reserves."""
    incident = load_visible(session, repo.incidents, "incident", incident_id, actor)
    require(actor, Action.VIEW_RESERVES)
    return Reserves(incident, tuple(repo.case_reserves_of(session, incident.id)))


def record(
    session: Session,
    actor: Principal,
    incident: Incident,
    amount: Decimal,
    basis: ReserveBasis,
    reason: str,
    detail: Mapping[str, Any],
    *,
    clock: Clock = SYSTEM_CLOCK,
) -> CaseReserveRecord:
    """Append a reserve row inside the caller's transaction (which holds the claim locked or changes it)."""
    history = repo.case_reserves_of(session, incident.id)
    row = CaseReserveRecord(
        incident_id=incident.id,
        seq=history[-1].seq + 1 if history else 1,
        insurer_org_id=incident.insurer_org_id,
        insured_org_id=incident.insured_org_id,
        broker_org_id=incident.broker_org_id,
        amount=amount,
        currency=incident.currency,
        basis=basis.value,
        reason=reason,
        detail=dict(detail),
        set_by=actor.actor,
        set_at=clock.now(),
    )
    session.add(row)
    session.flush()  # the row's id, for its audit entry
    audit.record(session, actor, "case_reserve.set", "case_reserve", row.id, before=None, after=row, clock=clock)
    return row


def follow(
    session: Session, actor: Principal, incident: Incident, *, payable: Decimal | None = None
) -> CaseReserveRecord | None:
    """After a transition, the reserve its new state implies: the payable still unpaid once the loss is adjusted
    (`payable`: the engine's, before settlement), 0 when nothing more will be paid. A row only when the amount
    or basis changes; states before adjustment keep the handler's reserve."""
    state = C(incident.state)
    if state in NIL_STATES:
        amount, basis = Decimal(0), ReserveBasis.NIL
    elif state is C.SETTLED and incident.settled_amount is not None:
        amount, basis = incident.settled_amount - incident.paid_amount, ReserveBasis.ADJUSTED
    elif state is C.LOSS_ADJUSTED and payable is not None:
        amount, basis = payable - incident.paid_amount, ReserveBasis.ADJUSTED
    else:
        return None
    history = repo.case_reserves_of(session, incident.id)
    last = (history[-1].amount, history[-1].basis) if history else (Decimal(0), ReserveBasis.NIL.value)
    if last == (amount, basis.value):
        return None
    return record(
        session, actor, incident, amount, basis, "", {"state": state.value, "paid": format(incident.paid_amount, "f")}
    )
