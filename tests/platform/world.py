"""A two-market world for the platform tests, built through the services.

Market A: insurer A, broker A and its client insured A (a submission, a policy, an incident assigned to
responder A, settled and part-paid, a subscription to the marketplace offer); market B mirrors it. A law
firm, a loss adjuster and a security service provider (with one marketplace offer) sit on insurer A's panel;
insured B also holds the law firm's offer.
Every organization has an admin; insurer A also has a claims handler and a viewer, insured A a viewer.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from cyberins.model.loading import read_document
from cyberins.model.vocab import OrgKind, RelationshipKind, Role
from cyberins.services import audit, auth, claims, marketplace, parties, payments, underwriting
from cyberins.services.access import Principal
from cyberins.services.clock import FixedClock
from cyberins.services.passwords import passwords
from cyberins.settings import Settings
from cyberins.store.models import User

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "policies"
PASSWORD = "correct horse battery staple"

PARTIES: dict[str, OrgKind] = {
    "insurer_a": OrgKind.INSURER,
    "insurer_b": OrgKind.INSURER,
    "broker_a": OrgKind.BROKER,
    "broker_b": OrgKind.BROKER,
    "insured_a": OrgKind.INSURED,
    "insured_b": OrgKind.INSURED,
    "responder_a": OrgKind.INCIDENT_RESPONDER,
    "responder_b": OrgKind.INCIDENT_RESPONDER,
    "law_firm": OrgKind.LAW_FIRM,
    "adjuster": OrgKind.LOSS_ADJUSTER,
    "ssp": OrgKind.SECURITY_SERVICE_PROVIDER,
}
#: Extra users: (name, party, role).
EXTRA_USERS = [
    ("insurer_a_claims", "insurer_a", Role.CLAIMS_HANDLER),
    ("insurer_a_viewer", "insurer_a", Role.VIEWER),
    ("insured_a_viewer", "insured_a", Role.VIEWER),
]


@cache
def password_hash() -> str:
    """One real argon2 hash of PASSWORD, shared by the world's users so building a world stays fast."""
    return passwords().hash(PASSWORD)


def profile(name: str, **extra: Any) -> dict[str, Any]:
    """A valid organisation profile (a mid-sized retailer with the basic controls), as a client would send it."""
    controls = {"mfa": True, "edr": True, "offline_backups": True}
    base = {"name": name, "industry": "retail", "annual_revenue": "80000000", "employees": 200, "controls": controls}
    return base | extra


def policy_document(file: str, number: str) -> dict[str, Any]:
    """An example wording as JSON would carry it (dates as strings), with its own policy number."""
    document: dict[str, Any] = json.loads(json.dumps(read_document(EXAMPLES / file), default=str))
    return {**document, "policy_number": number}


@dataclass
class World:
    settings: Settings
    org: dict[str, str] = field(default_factory=dict)
    principal: dict[str, Principal] = field(default_factory=dict)
    email: dict[str, str] = field(default_factory=dict)
    ids: dict[str, str] = field(default_factory=dict)

    def token(self, user: str) -> str:
        return auth.issue_token(self.principal[user], self.settings).access_token

    def headers(self, user: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(user)}"}


def _user(session: Session, world: World, name: str, party: str, role: Role) -> None:
    email = f"{name.replace('_', '-')}@test.example"
    user = User(org_id=world.org[party], email=email, name=name, role=role.value, password_hash=password_hash())
    session.add(user)  # directly, with a precomputed hash: hashing a password per user would slow every test
    session.flush()
    audit.record(session, Principal.system_actor(), "user.create", "user", user.id, before=None, after=user)
    session.commit()
    world.email[name] = email
    world.principal[name] = Principal(world.org[party], PARTIES[party], role, user_id=user.id)


def build_world(session: Session, settings: Settings, clock: FixedClock) -> World:
    system = Principal.system_actor()
    world = World(settings)
    for name, kind in PARTIES.items():
        world.org[name] = parties.create_organization(session, system, f"{name} org", kind).id
    for name in PARTIES:
        _user(session, world, name, name, Role.ADMIN)
    for name, party, role in EXTRA_USERS:
        _user(session, world, name, party, role)
    links = [
        (RelationshipKind.BROKER_CLIENT, "broker_a", "insured_a"),
        (RelationshipKind.BROKER_CLIENT, "broker_b", "insured_b"),
    ]
    links += [(RelationshipKind.INSURER_PANEL, "insurer_a", p) for p in ("responder_a", "law_firm", "adjuster", "ssp")]
    links += [(RelationshipKind.INSURER_PANEL, "insurer_b", "responder_b")]
    for kind, a, b in links:
        parties.link(session, system, kind, world.org[a], world.org[b])
    offer = marketplace.publish_service(
        session, world.principal["ssp"], "MDR", "monitoring", "24/7 monitoring", Decimal("1000"), "CNY"
    )
    world.ids["service"] = offer.id
    for market, file, currency in (
        ("a", "sme-standalone-cny.yaml", "CNY"),
        ("b", "endorsement-property-cny.yaml", "CNY"),
    ):
        _market(session, world, market, policy_document(file, f"T-{market.upper()}-0001"), currency, clock)
    return world


def _market(session: Session, world: World, m: str, document: dict[str, Any], currency: str, clock: FixedClock) -> None:
    broker, insurer = world.principal[f"broker_{m}"], world.principal[f"insurer_{m}"]
    sub = underwriting.submit(
        session, broker, world.org[f"insurer_{m}"], profile(f"insured_{m} org"), world.org[f"insured_{m}"]
    )
    world.ids[f"submission_{m}"] = sub.id
    underwriting.record_assessment(session, insurer, sub.id, {"expected_loss": "12000"}, seed=7)
    underwriting.record_quote(session, insurer, sub.id, Decimal("36500"), currency, {"tier": "standard"})
    policy = underwriting.bind_submission(session, insurer, sub.id, document, Decimal("36500"), currency)
    world.ids[f"policy_{m}"] = policy.id
    now = clock.now()
    incident = claims.report_incident(
        session,
        world.principal[f"insured_{m}"],
        policy.id,
        f"ransomware {m}",
        now - timedelta(days=2),
        now - timedelta(days=1),
        {"event_types": ["ransomware"]},
        clock=clock,
    )
    world.ids[f"incident_{m}"] = incident.id
    claims.assign_responder(session, insurer, incident.id, world.org[f"responder_{m}"])
    claims.submit_forensics(session, world.principal[f"responder_{m}"], incident.id, {"root_cause": "rdp"}, clock=clock)
    claims.record_coverage_decision(session, insurer, incident.id, {"covered": ["incident_response"]}, True)
    claims.record_loss_adjustment(session, insurer, incident.id, {"by": "adjuster"}, Decimal("80000"))
    claims.record_settlement(session, insurer, incident.id, {"lines": []}, Decimal("50000"))
    payment, _ = payments.pay_claim(session, insurer, incident.id, Decimal("20000"), currency, f"seed-{m}")
    world.ids[f"payment_{m}"] = payment.id
    # a second, fresh incident per market: the target of transitions in tests that change the world
    fresh = claims.report_incident(
        session,
        world.principal[f"insured_{m}"],
        policy.id,
        f"phishing {m}",
        now - timedelta(hours=5),
        now - timedelta(hours=2),
        clock=clock,
    )
    world.ids[f"fresh_incident_{m}"] = fresh.id
    subscription, _ = marketplace.subscribe(session, world.principal[f"insured_{m}"], world.ids["service"], clock=clock)
    world.ids[f"subscription_{m}"] = subscription.id
    if m == "b":  # a second provider's offer, held by insured B only: what one provider sees of another's
        counsel = marketplace.publish_service(session, world.principal["law_firm"], "Counsel", "legal", "Breach advice")
        held, _ = marketplace.subscribe(session, world.principal["insured_b"], counsel.id, clock=clock)
        world.ids["subscription_legal_b"] = held.id


def at(clock: FixedClock, **delta: float) -> datetime:
    return clock.now() + timedelta(**delta)
