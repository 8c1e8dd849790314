"""In-policy monitoring: scans, an insured's stored alerts and their lifecycle, the loaded feeds (issue 18
§3–§4). The insured sees its own alerts; the insurers and brokers of its policies may read, scan and act (a
viewer only reads: 403); anyone else gets 404. The feeds are public intelligence: any signed-in party reads
their status; loading them is an insurer admin's job on the queue, from the installation's folder."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from cyberins.api.deps import ClockDep, PrincipalDep, QueueDep, SessionDep, SettingsDep
from cyberins.api.schemas.common import ERROR_RESPONSES
from cyberins.api.schemas.monitoring import AcceptRiskIn, AlertPublic, FeedSourcePublic, ScanIn, ScanPublic
from cyberins.api.schemas.platform import JobPublic
from cyberins.monitor.effect import Pricing
from cyberins.pricing.basis import default_basis
from cyberins.services import feeds, monitoring, notifications

router = APIRouter(responses=ERROR_RESPONSES, tags=["monitoring"])


@router.get("/insureds/{org_id}/alerts", response_model=list[AlertPublic])
def list_alerts(
    org_id: str,
    session: SessionDep,
    principal: PrincipalDep,
    state: Annotated[str | None, Query(max_length=20, description="Only alerts in this state.")] = None,
) -> list[AlertPublic]:
    """The insured's stored alerts, highest priority first."""
    rows = monitoring.list_alerts(session, principal, org_id, state=state)
    return [AlertPublic.model_validate(r) for r in rows]


@router.post("/alerts/{alert_id}/acknowledge", response_model=AlertPublic)
def acknowledge(alert_id: str, session: SessionDep, principal: PrincipalDep, clock: ClockDep) -> AlertPublic:
    """open → acknowledged (409 from any other state)."""
    return AlertPublic.model_validate(monitoring.acknowledge(session, principal, alert_id, clock=clock))


@router.post("/alerts/{alert_id}/remediate", response_model=AlertPublic)
def remediate(alert_id: str, session: SessionDep, principal: PrincipalDep, clock: ClockDep) -> AlertPublic:
    """open or acknowledged → remediated; a later scan that no longer matches it verifies it."""
    return AlertPublic.model_validate(monitoring.remediate(session, principal, alert_id, clock=clock))


@router.post("/alerts/{alert_id}/accept-risk", response_model=AlertPublic)
def accept_risk(
    alert_id: str, body: AcceptRiskIn, session: SessionDep, principal: PrincipalDep, clock: ClockDep
) -> AlertPublic:
    """open or acknowledged → risk_accepted, with a reason and an expiry after today."""
    return AlertPublic.model_validate(
        monitoring.accept_risk(session, principal, alert_id, body.reason, body.expires, clock=clock)
    )


@router.post("/insureds/{org_id}/scan", response_model=ScanPublic)
def scan(
    org_id: str, body: ScanIn, session: SessionDep, principal: PrincipalDep, clock: ClockDep, settings: SettingsDep
) -> ScanPublic:
    """Scan the insured's inventory (the rows given, else the stored one) against the loaded feeds: the
    inventory and alerts are stored (a stored alert keeps its state), new ones announced; with the insured's
    stored profile, the effect on its expected loss and on its active policy's renewal premium."""
    notifiers = notifications.configured_notifiers(settings)
    pricing = Pricing(default_basis(), settings.seed)
    done = monitoring.scan_request(
        session, principal, org_id, body.assets, notifiers=notifiers, clock=clock, pricing=pricing
    )
    return ScanPublic.model_validate(done.to_json() | {"insured": org_id})


@router.get("/feeds", response_model=list[FeedSourcePublic])
def feeds_status(session: SessionDep, principal: PrincipalDep) -> list[FeedSourcePublic]:
    """The loaded feeds: records held per source and the last load of each file (name, sha256, snapshot date)."""
    return [FeedSourcePublic.model_validate(s) for s in feeds.feeds_status(session)]


@router.post("/feeds/load", response_model=JobPublic, status_code=202, tags=["jobs"])
def load_feeds(principal: PrincipalDep, queue: QueueDep, settings: SettingsDep) -> JobPublic:
    """Queue a load of the installation's feeds folder (`CYBERINS_FEEDS_DIR`): incremental and idempotent."""
    handle = feeds.start_configured_load(queue, settings.database_url, principal, settings.feeds_dir)
    return JobPublic.model_validate(handle, from_attributes=True)
