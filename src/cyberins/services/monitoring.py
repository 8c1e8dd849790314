"""Monitoring on the platform: an insured's stored inventory scanned against the loaded feeds, alerts stored
by their stable id with a lifecycle (issue 18 §3–§4, contract `monitoring.md` §2).

`scan_insured` stores the inventory (replacing the last one), scans it with the insured's stored profile
(its latest submission's) and active policy (due dates from `minimum_security.kev_patch_days`) against
`stored_snapshot`, and upserts the alerts in one transaction: a new alert opens; one already stored KEEPS its
state (the id is the same across feed updates); a stored alert the scan no longer matches, on a host the new
inventory still lists, becomes `verified` if it was `remediated` (the fix is seen), else stays as it is. A
`verified` alert the scan matches again (the vulnerable version is back: a rollback, a restored image) is
RE-OPENED, not raised anew: its id is the contract's stable hash of (insured, host, CPE, CVE), so a second
alert could not have another id, and one record keeps the whole history (first opening, fix, verification,
regression) in its audit trail. It opens again from the scan (`opened_at`, `reopened_at` = now, `due_by`
counted afresh from it, the reported fix cleared) and is announced again. Every opening and re-opening queues
a notification per configured channel in the same transaction (`services.notifications`).

Lifecycle (`ALERT_MACHINE`): open → acknowledged → remediated → verified (→ open again if the scan sees the
vulnerability back), or open/acknowledged → risk_accepted (a reason and an expiry date required). Each move
is a service call; a bad move is a `Conflict` (409); every change is audited (`alert.*`). `overdue_alerts`
gives the open KEV alerts past their due date; `kev_evidence` gives the claims decision its evidence for the
`minimum_security.kev_patch_days` condition, in the claim's policy's terms.

Who sees an insured's alerts: the insured itself, and the insurers and brokers of its policies; anyone
else gets `NotFound` (as if there were none).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from cyberins.claims import KevAlert
from cyberins.model.errors import InvalidInput, Said
from cyberins.model.policy import Policy
from cyberins.model.vocab import OrgKind, PolicyState
from cyberins.monitor.alerts import KevListing, due_by, vendor_product
from cyberins.monitor.book import BookItem, BookView, Target
from cyberins.monitor.effect import Pricing
from cyberins.monitor.feeds import Snapshot
from cyberins.monitor.inventory import AssetRow, Inventory, json_inventory
from cyberins.monitor.scan import ScanResult, matcher_for, scan
from cyberins.services import audit
from cyberins.services.access import Principal
from cyberins.services.clock import SYSTEM_CLOCK, Clock
from cyberins.services.errors import Forbidden, NotFound
from cyberins.services.feeds import stored_snapshot
from cyberins.services.machine import StateMachine, transition
from cyberins.services.notifications import Notifier, deliver_pending, queue_notices
from cyberins.services.policies import validate_document
from cyberins.services.underwriting import validate_profile
from cyberins.services.uow import unit_of_work
from cyberins.store.models import AlertRecord, AssetRecord, Organization, PolicyRecord, Submission


class AlertState(StrEnum):
    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    REMEDIATED = "remediated"
    VERIFIED = "verified"
    RISK_ACCEPTED = "risk_accepted"


S = AlertState
ALERT_MACHINE = StateMachine(
    "alert",
    initial=frozenset({S.OPEN.value}),
    transitions={
        "acknowledge": transition({S.OPEN}, {S.ACKNOWLEDGED}),
        "remediate": transition({S.OPEN, S.ACKNOWLEDGED}, {S.REMEDIATED}),
        "verify": transition({S.REMEDIATED}, {S.VERIFIED}),
        "reopen": transition({S.VERIFIED}, {S.OPEN}),
        "accept_risk": transition({S.OPEN, S.ACKNOWLEDGED}, {S.RISK_ACCEPTED}),
    },
)
#: States in which an alert still asks for a fix (an accepted risk counts again once its expiry has passed).
UNRESOLVED = frozenset({S.OPEN.value, S.ACKNOWLEDGED.value})
#: Who may scan an insured and move its alerts: the insured's admins, its insurers' and brokers' staff.
_ACTING_ROLES = frozenset({"admin", "underwriter", "claims_handler", "analyst"})


@dataclass(frozen=True)
class InsuredScan:
    """A stored scan: the engine's result (alerts carrying their stored states) and what changed."""

    result: ScanResult
    opened: tuple[str, ...]
    verified: tuple[str, ...]
    policy_id: str | None
    reopened: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return self.result.to_json() | {
            "insured": self.result.alerts[0].insured if self.result.alerts else None,
            "policy_id": self.policy_id,
            "opened": list(self.opened),
            "verified": list(self.verified),
            "reopened": list(self.reopened),
        }


def loaded_snapshot(session: Session) -> Snapshot:
    """The feeds the platform database holds; `InvalidInput` if it holds no NVD feed to match against."""
    snapshot = stored_snapshot(session)
    if not snapshot.nvd:
        raise InvalidInput.one("feeds", Said("input.service.no_nvd_feed", {"command": "cyberins feeds load"}))
    return snapshot


def check_visible(session: Session, actor: Principal, insured_org_id: str, *, act: bool = False) -> Organization:
    """The insured, if `actor` may see its monitoring (`act`: and change it); else `NotFound` / `Forbidden`."""
    org = session.get(Organization, insured_org_id)
    if org is None or org.kind != OrgKind.INSURED.value:
        raise NotFound("organization", insured_org_id)
    if actor.system:
        return org
    own = actor.org_id == insured_org_id
    party = own or session.scalar(
        select(PolicyRecord.id)
        .where(PolicyRecord.insured_org_id == insured_org_id)
        .where(or_(PolicyRecord.insurer_org_id == actor.org_id, PolicyRecord.broker_org_id == actor.org_id))
        .limit(1)
    )
    if not party:
        raise NotFound("organization", insured_org_id)
    if act and str(actor.role) not in _ACTING_ROLES:
        raise Forbidden(Said("input.service.alerts_role", {"role": actor.role}))
    return org


def active_policy(session: Session, insured_org_id: str, on: date) -> PolicyRecord | None:
    """The insured's active policy whose period covers `on` (the latest bound, if several)."""
    stmt = (
        select(PolicyRecord)
        .where(PolicyRecord.insured_org_id == insured_org_id, PolicyRecord.state == PolicyState.ACTIVE.value)
        .where(PolicyRecord.period_start <= on, PolicyRecord.period_end >= on)
        .order_by(PolicyRecord.created_at.desc(), PolicyRecord.id)
    )
    return session.scalars(stmt).first()


def stored_profile(session: Session, insured_org_id: str) -> dict[str, Any] | None:
    """The profile of the insured's latest submission, or None."""
    stmt = select(Submission.profile).where(Submission.insured_org_id == insured_org_id)
    return session.scalars(stmt.order_by(Submission.created_at.desc(), Submission.id)).first()


def scan_insured(
    session: Session,
    actor: Principal,
    insured_org_id: str,
    inventory: Inventory,
    *,
    snapshot: Snapshot | None = None,
    clock: Clock = SYSTEM_CLOCK,
    channels: Sequence[str] = (),
    pricing: Pricing | None = None,
) -> InsuredScan:
    """Store `inventory` as the insured's, scan it against `snapshot` (default: the loaded feeds,
    `stored_snapshot`) and upsert the alerts (module doc); each alert opened or re-opened queues a notification
    on each of `channels` (delivered after the commit by `notifications.deliver_pending`). With `pricing`, the
    effect shows the active policy's renewal premium before and after."""
    org = check_visible(session, actor, insured_org_id, act=True)
    snapshot = snapshot if snapshot is not None else loaded_snapshot(session)
    now = clock.now().astimezone(UTC).replace(microsecond=0)
    record = active_policy(session, insured_org_id, now.date())
    terms = validate_document(record.document, require_number=False) if record is not None else None
    data = stored_profile(session, insured_org_id)
    profile = validate_profile(data) if data is not None else None
    result = scan(
        inventory, snapshot, opened_at=now, insured=insured_org_id, profile=profile, policy=terms, pricing=pricing
    )
    opened: list[str] = []
    verified: list[str] = []
    reopened: list[str] = []
    with unit_of_work(session):
        session.execute(delete(AssetRecord).where(AssetRecord.insured_org_id == insured_org_id))
        session.add_all(
            _asset_record(insured_org_id, i, row, inventory.source, now) for i, row in enumerate(inventory.rows)
        )
        stored = {
            a.id: a for a in session.scalars(select(AlertRecord).where(AlertRecord.insured_org_id == insured_org_id))
        }
        states: dict[str, str] = {}
        for alert in result.alerts:
            row = stored.get(alert.id)
            if row is None:
                row = AlertRecord(
                    id=alert.id, insured_org_id=insured_org_id, state=S.OPEN.value, opened_at=alert.opened_at,
                    due_by=alert.due_by, notified_at=None, updated_at=now,
                )  # fmt: skip
                session.add(row)
                opened.append(alert.id)
            elif row.state == S.VERIFIED.value:
                before = audit.digest(row)
                row.state = ALERT_MACHINE.check("reopen", row.state, S.OPEN.value)
                row.opened_at, row.reopened_at, row.due_by = alert.opened_at, now, alert.due_by
                row.remediated_at, row.notified_at, row.updated_at = None, None, now
                reopened.append(alert.id)
                audit.record(session, actor, "alert.reopen", "alert", row.id, before=before, after=row, clock=clock)
            else:
                alert = replace(alert, opened_at=row.opened_at, due_by=row.due_by, state=row.state)
            row.policy_id = record.id if record is not None else None
            row.cve, row.match, row.priority = alert.cve, alert.match, alert.priority.level
            row.payload = alert.to_json()
            row.matched_now = True
            states[alert.id] = row.state
        session.flush()
        hosts = {(r.hostname, r.vendor, r.product) for r in inventory.rows}
        for row in stored.values():
            if row.id in states:
                continue
            row.matched_now = False
            asset = row.payload.get("asset", {})
            still_listed = (asset.get("hostname"), *vendor_product(str(asset.get("cpe", "")))) in hosts
            if row.state == S.REMEDIATED.value and still_listed:
                before = audit.digest(row)
                row.state = ALERT_MACHINE.check("verify", row.state, S.VERIFIED.value)
                row.updated_at = now
                verified.append(row.id)
                audit.record(session, actor, "alert.verify", "alert", row.id, before=before, after=row, clock=clock)
        for alert_id in opened:
            audit.record(
                session,
                actor,
                "alert.open",
                "alert",
                alert_id,
                before=None,
                after=stored_or(session, alert_id),
                clock=clock,
            )
        queue_notices(session, insured_org_id, [(a, "opened") for a in opened] + [(a, "reopened") for a in reopened],
                      channels, now)  # fmt: skip
        audit.record(session, actor, "monitoring.scan", "organization", insured_org_id, before=None, after=org,
                     clock=clock)  # fmt: skip
    alerts = tuple(replace(a, state=states[a.id]) for a in result.alerts)
    policy_id = record.id if record else None
    return InsuredScan(replace(result, alerts=alerts), tuple(opened), tuple(verified), policy_id, tuple(reopened))


def scan_request(
    session: Session,
    actor: Principal,
    insured_org_id: str,
    assets: list[Any] | None,
    *,
    notifiers: Sequence[Notifier] = (),
    clock: Clock = SYSTEM_CLOCK,
    pricing: Pricing | None = None,
) -> InsuredScan:
    """A scan asked over the API: `assets` (rows as the contract's JSON inventory), else the stored inventory,
    against the loaded feeds; then the notices of what it opened go out on `notifiers` (failures kept)."""
    check_visible(session, actor, insured_org_id, act=True)
    if assets is not None:
        inventory = json_inventory(assets, "assets")
    else:
        stored = stored_inventory(session, insured_org_id)
        if stored is None:
            raise InvalidInput.one("assets", Said("input.service.no_inventory"))
        inventory = stored
    channels = [n.channel for n in notifiers]
    done = scan_insured(session, actor, insured_org_id, inventory, clock=clock, channels=channels, pricing=pricing)
    deliver_pending(session, notifiers, insured_org_id=insured_org_id, clock=clock)
    return done


def stored_or(session: Session, alert_id: str) -> AlertRecord:
    row = session.get(AlertRecord, alert_id)
    assert row is not None
    return row


def _asset_record(insured: str, position: int, row: AssetRow, source: str, now: datetime) -> AssetRecord:
    return AssetRecord(
        insured_org_id=insured, position=position, hostname=row.hostname, ip=row.ip, cpe=row.cpe, role=row.role,
        internet_facing=row.internet_facing, criticality=row.criticality, source=source, loaded_at=now,
        row={"vendor": row.vendor, "product": row.product, "version": row.version, "part": row.part,
             "where": row.where},
    )  # fmt: skip


def stored_inventory(session: Session, insured_org_id: str) -> Inventory | None:
    """The insured's stored inventory (None if it has none), rebuilt in its original row order."""
    rows = list(
        session.scalars(
            select(AssetRecord).where(AssetRecord.insured_org_id == insured_org_id).order_by(AssetRecord.position)
        )
    )
    if not rows:
        return None
    assets = tuple(
        AssetRow(
            r.hostname, r.ip, r.row["vendor"], r.row["product"], r.row["version"], r.cpe, r.role, r.internet_facing,
            r.criticality, r.row.get("part", "a"), r.row.get("where", ""),  # type: ignore[arg-type]
        )
        for r in rows
    )  # fmt: skip
    return Inventory(rows[0].source, assets)


def list_alerts(
    session: Session, actor: Principal, insured_org_id: str, *, state: str | None = None
) -> list[AlertRecord]:
    """The insured's stored alerts, highest priority first."""
    check_visible(session, actor, insured_org_id)
    stmt = select(AlertRecord).where(AlertRecord.insured_org_id == insured_org_id)
    if state is not None:
        stmt = stmt.where(AlertRecord.state == state)
    return list(session.scalars(stmt.order_by(AlertRecord.priority, AlertRecord.cve, AlertRecord.id)))


def get_alert(session: Session, actor: Principal, alert_id: str) -> AlertRecord:
    row = session.get(AlertRecord, alert_id)
    if row is None:
        raise NotFound("alert", alert_id)
    try:
        check_visible(session, actor, row.insured_org_id)
    except NotFound:
        raise NotFound("alert", alert_id) from None
    return row


def acknowledge(session: Session, actor: Principal, alert_id: str, *, clock: Clock = SYSTEM_CLOCK) -> AlertRecord:
    return _move(session, actor, alert_id, "acknowledge", S.ACKNOWLEDGED, clock=clock)


def remediate(session: Session, actor: Principal, alert_id: str, *, clock: Clock = SYSTEM_CLOCK) -> AlertRecord:
    """Mark the fix as done; a later scan that no longer matches it on the same host makes it `verified`."""
    return _move(session, actor, alert_id, "remediate", S.REMEDIATED, clock=clock)


def accept_risk(
    session: Session, actor: Principal, alert_id: str, reason: str, expires: date, *, clock: Clock = SYSTEM_CLOCK
) -> AlertRecord:
    """Accept the risk until `expires` (after today), for a stated `reason`."""
    if not reason.strip():
        raise InvalidInput.one("reason", Said("input.service.risk_reason"))
    if expires <= clock.now().date():
        raise InvalidInput.one("expires", Said("input.service.after_today", {"today": clock.now().date().isoformat()}))
    return _move(session, actor, alert_id, "accept_risk", S.RISK_ACCEPTED, clock=clock, reason=reason, expires=expires)


def _move(
    session: Session,
    actor: Principal,
    alert_id: str,
    action: str,
    target: AlertState,
    *,
    clock: Clock,
    reason: str | None = None,
    expires: date | None = None,
) -> AlertRecord:
    with unit_of_work(session):
        row = get_alert(session, actor, alert_id)
        check_visible(session, actor, row.insured_org_id, act=True)
        before = audit.digest(row)
        row.state = ALERT_MACHINE.check(action, row.state, target.value)
        if target is S.RISK_ACCEPTED:
            row.risk_reason, row.risk_expires = reason, expires
        row.updated_at = clock.now().astimezone(UTC)
        if target is S.REMEDIATED:
            row.remediated_at = row.updated_at
        row.payload = {**row.payload, "state": row.state}
        audit.record(session, actor, f"alert.{action}", "alert", row.id, before=before, after=row, clock=clock)
    return row


def overdue_alerts(session: Session, actor: Principal, insured_org_id: str, as_of: date) -> list[AlertRecord]:
    """Open KEV alerts past their due date on `as_of` (still matched by the last scan; an accepted risk whose
    expiry has passed counts again): the evidence for `minimum_security.kev_patch_days`."""
    return [
        a
        for a in list_alerts(session, actor, insured_org_id)
        if a.due_by is not None
        and a.due_by < as_of
        and a.matched_now
        and (a.state in UNRESOLVED or (a.state == S.RISK_ACCEPTED.value and a.risk_expires is not None
                                       and a.risk_expires < as_of))
    ]  # fmt: skip


def kev_evidence(session: Session, insured_org_id: str, policy: Policy) -> tuple[KevAlert, ...]:
    """The insured's KEV alerts as the claims decision's evidence for `policy`'s minimum-security condition
    (`claims.decision.minimum_security_breach`): each due date counted in THIS policy's `kev_patch_days` from
    the KEV listing and the alert's opening (`monitor.alerts.due_by`), dates in the policy's zone. An alert
    the last scan no longer matched and nobody reported fixed is left out: when it went away is unknown.
    Read for the claim's handler, who already may see the claim (no access check of its own)."""
    security = policy.conditions.minimum_security
    if security is None:
        return ()
    stmt = select(AlertRecord).where(AlertRecord.insured_org_id == insured_org_id, AlertRecord.due_by.is_not(None))
    out = []
    for row in session.scalars(stmt.order_by(AlertRecord.id)):
        kev = row.payload.get("kev") or {}
        if not kev.get("listed") or not (row.matched_now or row.remediated_at is not None):
            continue
        listing = KevListing(True, _day(kev.get("date_added")), _day(kev.get("due_date")))
        opened = row.opened_at.astimezone(policy.zone)
        due = due_by(listing, opened, security.kev_patch_days)
        assert due is not None  # listed, and a patch window is given
        out.append(
            KevAlert(
                alert_id=row.id,
                asset=str(row.payload.get("asset", {}).get("hostname", "")),
                cve=row.cve,
                opened_on=opened.date(),
                due_on=due,
                patched_on=row.remediated_at.astimezone(policy.zone).date() if row.remediated_at else None,
                accepted_until=row.risk_expires if row.state == S.RISK_ACCEPTED.value else None,
            )
        )
    return tuple(out)


def _day(value: object) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) else None


def stored_alert(row: AlertRecord) -> dict[str, Any]:
    """The §2 alert JSON of a stored alert, with its stored state and lifecycle fields."""
    return row.payload | {
        "state": row.state,
        "policy_id": row.policy_id,
        "matched_now": row.matched_now,
        "notified_at": _moment(row.notified_at),
        "remediated_at": _moment(row.remediated_at),
        "reopened_at": _moment(row.reopened_at),
        "risk_accepted": None
        if row.risk_reason is None
        else {"reason": row.risk_reason, "expires": row.risk_expires.isoformat() if row.risk_expires else None},
    }


def _moment(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def book_from_store(session: Session, actor: Principal, target: Target, *, opened_at: datetime) -> BookView:
    """The book view (contract §3) of the platform database: every insured the caller may see that has a stored
    inventory, scanned against the loaded feeds, one item per active policy (states: the stored alerts')."""
    snapshot = loaded_snapshot(session)
    matcher = matcher_for(snapshot)
    stocked = select(AssetRecord.insured_org_id).distinct()
    items: list[BookItem] = []
    for org in session.scalars(select(Organization).where(Organization.id.in_(stocked)).order_by(Organization.name)):
        try:
            check_visible(session, actor, org.id)
        except NotFound:
            continue
        inventory = stored_inventory(session, org.id)
        assert inventory is not None
        result = scan(inventory, snapshot, opened_at=opened_at, matcher=matcher, insured=org.id)
        stmt = select(AlertRecord.id, AlertRecord.state).where(AlertRecord.insured_org_id == org.id)
        states = {alert_id: state for alert_id, state in session.execute(stmt)}
        hits = tuple(replace(a, state=states.get(a.id, a.state)) for a in result.alerts if target.hits(a))
        if not hits:
            continue
        policies = session.scalars(
            select(PolicyRecord)
            .where(PolicyRecord.insured_org_id == org.id, PolicyRecord.state == PolicyState.ACTIVE.value)
            .order_by(PolicyRecord.created_at, PolicyRecord.id)
        ).all()
        if not policies:
            items.append(BookItem(org.id, org.name, None, None, None, None, hits))
        for record in policies:
            terms = validate_document(record.document, require_number=False)
            items.append(BookItem(org.id, org.name, None, record.policy_number, terms.aggregate_limit,
                                  terms.currency, hits))  # fmt: skip
    return BookView(target, tuple(items))
