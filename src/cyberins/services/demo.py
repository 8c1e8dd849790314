"""A realistic multi-party world for trying the platform: `cyberins demo` seeds it, idempotently.

One insurer, two brokers, the four insured companies of `examples/policies/` with those policies bound,
a security service provider, an incident responder, a law firm and a loss adjuster with their services,
users for each, an open submission and a ransomware incident assigned to the responder. Re-running finds
everything by its natural key and adds nothing twice.

The users created by one run share one password, drawn at random for that run and printed once: a demo
database never has a password known in advance (users seeded earlier keep theirs).
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from cyberins.model.loading import read_document
from cyberins.model.vocab import OrgKind, RelationshipKind, Role
from cyberins.services import adjusting, claims, marketplace, parties, policies, underwriting
from cyberins.services.access import Principal
from cyberins.services.clock import FixedClock
from cyberins.store.models import Organization
from cyberins.store.repos import lifecycle as lifecycle_repo
from cyberins.store.repos import parties as party_repo

INSURER = "Example Cyber Insurance Co., Ltd."
BROKER_EAST = "Example East Risk Brokers Ltd."
BROKER_WEST = "Example West Insurance Brokerage Ltd."
SSP = "Example Security Services Co., Ltd."
RESPONDER = "Example Incident Response Team Ltd."
LAW_FIRM = "Example Data Protection Law Firm"
ADJUSTER = "Example Loss Adjusters Ltd."

#: Example policy file -> (premium, broker or None for a direct client).
BOOK = {
    "sme-standalone-cny.yaml": (Decimal("18000"), BROKER_EAST),
    "large-enterprise-cny.yaml": (Decimal("1250000"), BROKER_EAST),
    "endorsement-property-cny.yaml": (Decimal("96000"), BROKER_WEST),
    "us-claims-made-usd.yaml": (Decimal("85000"), None),
}

#: Provider -> its marketplace offers (name, category, description, price CNY).
OFFERS = {
    SSP: [
        ("Managed detection and response", "monitoring", "24/7 EDR monitoring with a 30-minute triage SLA", "120000"),
        (
            "Ransomware readiness assessment",
            "assessment",
            "Backup, EDR and MFA review against known playbooks",
            "45000",
        ),
    ],
    RESPONDER: [
        ("Incident response retainer", "incident_response", "Forensics and containment, on site in 4h", "60000")
    ],
    LAW_FIRM: [("Breach counsel", "legal", "PIPL/GDPR notification advice and regulator liaison", "80000")],
    ADJUSTER: [("Cyber loss adjustment", "loss_adjustment", "BI and extra-expense quantification", "50000")],
}


@dataclass
class DemoReport:
    #: The password of the users this run created (None when every user already existed).
    password: str | None
    users: list[tuple[str, str, str, str, bool]] = field(default_factory=list)  # org, kind, email, role, new
    created: int = 0
    existing: int = 0


_FILLER = {"example", "co", "ltd", "llc", "inc", "the"}


def _slug(name: str) -> str:
    """`Example East Risk Brokers Ltd.` -> `east-risk-brokers`, for demo email domains."""
    return "-".join([w for w in re.findall(r"[a-z0-9]+", name.lower()) if w not in _FILLER][:3])


class _Seeder:
    def __init__(self, session: Session, report: DemoReport) -> None:
        self.session, self.report, self.system = session, report, Principal.system_actor()
        self.password = secrets.token_urlsafe(12)

    def org(
        self, name: str, kind: OrgKind, roles: tuple[Role, ...] = (Role.ADMIN,), country: str = "CN"
    ) -> Organization:
        org = party_repo.organization_named(self.session, name)
        if org is None:
            org = parties.create_organization(self.session, self.system, name, kind, country=country)
            self.report.created += 1
        else:
            self.report.existing += 1
        for role in roles:
            email = f"{role.value.replace('_', '-')}@{_slug(name)}.example"
            new = party_repo.user_by_email(self.session, email) is None
            if new:
                label = f"{role.value.replace('_', ' ').title()} ({name})"
                parties.create_user(
                    self.session, self.system, parties.NewUser(email, label, role, self.password), org_id=org.id
                )
                self.report.password = self.password
            self.report.users.append((name, kind.value, email, role.value, new))
        return org

    def link(self, kind: RelationshipKind, a: Organization, b: Organization) -> None:
        parties.link(self.session, self.system, kind, a.id, b.id)


def seed_demo(session: Session, examples: Path) -> DemoReport:
    """Seed (or complete) the demo world in the database behind `session`."""
    report = DemoReport(None)
    s = _Seeder(session, report)
    staff = (Role.ADMIN, Role.UNDERWRITER, Role.CLAIMS_HANDLER, Role.ANALYST)
    insurer = s.org(INSURER, OrgKind.INSURER, staff)
    brokers = {name: s.org(name, OrgKind.BROKER, (Role.ADMIN, Role.UNDERWRITER)) for name in (BROKER_EAST, BROKER_WEST)}
    providers = {
        SSP: s.org(SSP, OrgKind.SECURITY_SERVICE_PROVIDER),
        RESPONDER: s.org(RESPONDER, OrgKind.INCIDENT_RESPONDER, (Role.ADMIN, Role.ANALYST)),
        LAW_FIRM: s.org(LAW_FIRM, OrgKind.LAW_FIRM),
        ADJUSTER: s.org(ADJUSTER, OrgKind.LOSS_ADJUSTER),
    }
    for name, provider in providers.items():
        s.link(RelationshipKind.INSURER_PANEL, insurer, provider)
        admin = Principal(provider.id, OrgKind(provider.kind), Role.ADMIN)
        for title, category, text, price in OFFERS[name]:
            if lifecycle_repo.services_of(session, provider.id, title) is None:
                marketplace.publish_service(session, admin, title, category, text, Decimal(price), "CNY")

    first_policy = None
    for file, (premium, broker_name) in BOOK.items():
        document = read_document(examples / file)
        insured_name = document["insured"]["name"]
        country = "US" if document["currency"] == "USD" else "CN"
        insured = s.org(insured_name, OrgKind.INSURED, (Role.ADMIN, Role.CLAIMS_HANDLER), country=country)
        broker = brokers[broker_name] if broker_name else None
        if broker is not None:
            s.link(RelationshipKind.BROKER_CLIENT, broker, insured)
        else:
            s.link(RelationshipKind.INSURER_CLIENT, insurer, insured)
        record = lifecycle_repo.policy_by_number(session, insurer.id, document["policy_number"])
        if record is None:
            record = policies.create_policy(
                session, s.system, document, premium, document["currency"], insured.id,
                broker_org_id=broker.id if broker else None, insurer_org_id=insurer.id,
            )  # fmt: skip
        first_policy = first_policy or record

    prospect = s.org("Example Logistics Co., Ltd.", OrgKind.INSURED)
    s.link(RelationshipKind.BROKER_CLIENT, brokers[BROKER_WEST], prospect)
    if not underwriting.list_submissions(session, Principal(prospect.id, OrgKind.INSURED, Role.ADMIN), limit=1).total:
        profile = {
            "name": prospect.name,
            "industry": "logistics",
            "annual_revenue": "800000000",
            "employees": 1500,
            "controls": {"mfa": True, "edr": True, "offline_backups": True, "patch_sla": "within_30_days"},
            "exposure": {"rdp_exposed": False},
        }
        broker_admin = Principal(brokers[BROKER_WEST].id, OrgKind.BROKER, Role.ADMIN)
        underwriting.submit(session, broker_admin, insurer.id, profile, insured_org_id=prospect.id)

    assert first_policy is not None
    summary = "Ransomware encrypted the ERP and file servers; operations halted"
    if lifecycle_repo.incident_for_summary(session, first_policy.id, summary) is None:
        shanghai = ZoneInfo("Asia/Shanghai")
        clock = FixedClock(datetime(2026, 8, 12, 9, 30, tzinfo=shanghai))
        incident = claims.report_incident(
            session, s.system, first_policy.id, summary,
            occurred_at=datetime(2026, 8, 10, 23, 40, tzinfo=shanghai),
            discovered_at=datetime(2026, 8, 11, 7, 15, tzinfo=shanghai),
            details={"event_types": ["ransomware"], "ransom_demand": {"amount": "2000000", "currency": "CNY"}},
            clock=clock,
        )  # fmt: skip
        claims.assign_responder(session, s.system, incident.id, providers[RESPONDER].id)
        # no findings yet, so no estimate: the handler's first reserve (an assumed figure, said so) stands in
        reason = "initial judgement (demo assumption): ransom of CNY 2,000,000 demanded, ERP down; no findings yet"
        adjusting.set_case_reserve(session, s.system, incident.id, Decimal("600000"), reason, clock=clock)
    return report
