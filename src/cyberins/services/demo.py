"""A realistic multi-party world for trying the platform: `cyberins demo` seeds it, idempotently.

One insurer, two brokers, the four insured companies of `examples/policies/` with those policies bound from
assessed submissions (profiles that share a cloud, CDN, payment processor, managed IT provider and ERP vendor,
so the book accumulates), a security service provider, an incident responder, a law firm and a loss adjuster
with their services (three insureds hold some), users for each, an open submission, a ransomware incident
assigned to the responder and the insurer's reinsurance programme. Re-running finds everything by its natural
key and adds nothing twice.

The users created by one run share one password, drawn at random for that run and printed once: a demo
database never has a password known in advance (users seeded earlier keep theirs).
"""

from __future__ import annotations

import json
import re
import secrets
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from cyberins.model.loading import read_document
from cyberins.model.vocab import OrgKind, RelationshipKind, Role, SubmissionState
from cyberins.services import adjusting, assessment, claims, marketplace, parties, programmes, underwriting
from cyberins.services.access import Principal
from cyberins.services.clock import FixedClock
from cyberins.services.common import MAX_LIMIT
from cyberins.store.models import Organization, PolicyRecord
from cyberins.store.repos import lifecycle as lifecycle_repo
from cyberins.store.repos import parties as party_repo
from cyberins.store.repos import programmes as programme_repo

INSURER = "Example Cyber Insurance Co., Ltd."
BROKER_EAST = "Example East Risk Brokers Ltd."
BROKER_WEST = "Example West Insurance Brokerage Ltd."
SSP = "Example Security Services Co., Ltd."
RESPONDER = "Example Incident Response Team Ltd."
LAW_FIRM = "Example Data Protection Law Firm"
ADJUSTER = "Example Loss Adjusters Ltd."

#: The outside providers the demo insureds share (profile `dependencies`): one cloud, CDN, payment processor,
#: managed IT provider and ERP vendor, so the insurer's book shows accumulation by dependency (`/web/portfolio`).
CLOUD = {"name": "Example Cloud", "kind": "cloud"}
CDN = {"name": "Example CDN", "kind": "cdn_dns"}
PAY = {"name": "Example Pay", "kind": "payment_processor"}
MSP = {"name": "Example Managed IT", "kind": "msp"}
ERP = {"name": "Example ERP Software", "kind": "software"}
#: Controls every demo insured answers yes to: each bound risk is quoted (no eligibility decline).
BASICS = {"mfa": True, "edr": True, "offline_backups": True}

#: Example policy file -> (broker or None for a direct client, the insured's profile but its name). Each is
#: submitted, assessed, quoted on the file's wording and bound at the quoted premium. Figures are assumptions
#: for the demo, of the size each wording is written for.
BOOK: dict[str, tuple[str | None, dict[str, Any]]] = {
    "sme-standalone-cny.yaml": (BROKER_EAST, {
        "industry": "trading_wholesale", "annual_revenue": "60000000", "employees": 150,
        "online_revenue_share": "0.3", "dependencies": [CLOUD, PAY, MSP],
        "controls": {**BASICS, "patch_sla": "within_30_days"},
        "risk_tolerance": [{"loss": 200000, "return_period": 20}, {"loss": 800000, "return_period": 100}],
    }),
    "large-enterprise-cny.yaml": (BROKER_EAST, {
        "industry": "ecommerce", "annual_revenue": "8000000000", "employees": 6000, "listed": True,
        "online_revenue_share": "0.9", "records": {"personal_information": 20000000},
        "dependencies": [CLOUD, CDN, PAY], "controls": {**BASICS, "patch_sla": "within_7_days"},
    }),
    "endorsement-property-cny.yaml": (BROKER_WEST, {
        "industry": "manufacturing", "annual_revenue": "500000000", "employees": 1200,
        "operational_technology": True, "dependencies": [CLOUD, MSP, ERP], "controls": BASICS,
    }),
    "us-claims-made-usd.yaml": (None, {
        "industry": "professional_services", "jurisdiction": "INTL", "currency": "USD",
        "annual_revenue": "40000000", "employees": 180, "dependencies": [CLOUD], "controls": BASICS,
    }),
}  # fmt: skip
#: Seed and simulated years of the demo's assessments and quotes: reproducible, and enough years for a rare
#: event (the SME's funds-transfer fraud, 0.0039 a year: its expected loss came out at 1,779 ± 728 at 2,000
#: years, 5,641 ± 331 at 200,000, exactly 5,404; docs/risk-model.md); seeding costs about 4 CPU s more.
SEED, YEARS = 2026, 200_000
#: Each-claim retentions the demo's quotes price beside the wording's, with half, once and twice its limit.
RETENTIONS = (Decimal(10_000), Decimal(50_000))

MDR, READINESS = "Managed detection and response", "Ransomware readiness assessment"
RETAINER, COUNSEL = "Incident response retainer", "Breach counsel"

#: Provider -> its marketplace offers (name, category, description, price CNY, the questionnaire controls each
#: puts in place at a subscriber: they feed the subscriber's assessment).
OFFERS: dict[str, list[tuple[str, str, str, str, tuple[str, ...]]]] = {
    SSP: [
        (MDR, "monitoring", "24/7 EDR monitoring with a 30-minute triage SLA", "120000", ("edr", "logging_monitoring")),
        (READINESS, "assessment", "Backup, EDR and MFA review against known playbooks", "45000", ()),
    ],
    RESPONDER: [
        (
            RETAINER,
            "incident_response",
            "Forensics and containment, on site in 4h",
            "60000",
            ("incident_response_plan",),
        )
    ],
    LAW_FIRM: [(COUNSEL, "legal", "PIPL/GDPR notification advice and regulator liaison", "80000", ())],
    ADJUSTER: [("Cyber loss adjustment", "loss_adjustment", "BI and extra-expense quantification", "50000", ())],
}
#: Example policy file -> the offers its insured holds (activated before it is assessed, so they count).
HELD = {
    "sme-standalone-cny.yaml": (MDR, RETAINER),
    "large-enterprise-cny.yaml": (MDR, COUNSEL),
    "endorsement-property-cny.yaml": (READINESS,),
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
    offers: dict[str, str] = {}  # title -> offer id
    for name, provider in providers.items():
        s.link(RelationshipKind.INSURER_PANEL, insurer, provider)
        admin = Principal(provider.id, OrgKind(provider.kind), Role.ADMIN)
        for title, category, text, price, controls in OFFERS[name]:
            offer = lifecycle_repo.services_of(session, provider.id, title) or marketplace.publish_service(
                session, admin, title, category, text, Decimal(price), "CNY", controls
            )
            offers[title] = offer.id

    first_policy = None
    for file, (broker_name, facts) in BOOK.items():
        document = read_document(examples / file)
        insured_name = document["insured"]["name"]
        country = "US" if document["currency"] == "USD" else "CN"
        insured = s.org(insured_name, OrgKind.INSURED, (Role.ADMIN, Role.CLAIMS_HANDLER), country=country)
        broker = brokers[broker_name] if broker_name else None
        if broker is not None:
            s.link(RelationshipKind.BROKER_CLIENT, broker, insured)
        else:
            s.link(RelationshipKind.INSURER_CLIENT, insurer, insured)
        for title in HELD.get(file, ()):  # holding it already answers the open subscription
            marketplace.subscribe(session, Principal(insured.id, OrgKind.INSURED, Role.ADMIN), offers[title])
        record = lifecycle_repo.policy_by_number(session, insurer.id, document["policy_number"])
        if record is None:
            profile = {"name": insured_name, "name_zh": document["insured"].get("name_zh"), **facts}
            record = _underwrite(session, insurer, insured, broker, document, profile)
        first_policy = first_policy or record

    prospect = s.org("Example Logistics Co., Ltd.", OrgKind.INSURED)
    s.link(RelationshipKind.BROKER_CLIENT, brokers[BROKER_WEST], prospect)
    if not underwriting.list_submissions(session, Principal(prospect.id, OrgKind.INSURED, Role.ADMIN), limit=1).total:
        profile = {
            "name": prospect.name,
            "industry": "logistics",
            "annual_revenue": "800000000",
            "employees": 1500,
            "controls": {**BASICS, "patch_sla": "within_30_days"},
            "exposure": {"rdp_exposed": False},
            "dependencies": [CLOUD, ERP],
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
    _store_programme(s, insurer)
    return report


#: The demo insurer's reinsurance programme on its CNY book (sum of limits 55,000,000): a 30% quota share capped
#: at 10,000,000 an event, then a cat XL of 10,000,000 xs 3,000,000 with one paid reinstatement, its premium about
#: twice the layer's expected loss on the demo book (CNY 176,000 a year over 10,000 simulated years, seed 0).
#: assumption: illustrative terms chosen for the demo book's size, not market quotes.
DEMO_PROGRAMME = {
    "reinsurance": [
        {"id": "qs", "kind": "quota_share", "share": 0.3, "event_limit": 10_000_000},
        {"id": "cat_xl", "kind": "cat_xl", "attachment": 3_000_000, "limit": 10_000_000, "premium": 350_000,
         "reinstatements": [{"rate": 1.0}]},
    ]
}  # fmt: skip


def _store_programme(s: _Seeder, insurer: Organization) -> None:
    """The demo insurer's programme, once: its book view then shows net below gross."""
    if programme_repo.current(s.session, insurer.id, "CNY") is None:
        programmes.set_programme(s.session, s.system, "CNY", DEMO_PROGRAMME, insurer_org_id=insurer.id)
        s.report.created += 1
    else:
        s.report.existing += 1


def _underwrite(
    session: Session,
    insurer: Organization,
    insured: Organization,
    broker: Organization | None,
    document: dict[str, Any],
    profile: dict[str, Any],
) -> PolicyRecord:
    """Bind `document` as the platform does: the broker (or the insured) submits the profile, the insurer's
    underwriter assesses it, quotes the wording and binds it at the quoted premium, so the policy carries the
    assessed profile the book view reads. A run cut short resumes from the open submission's state."""
    underwriter = Principal(insurer.id, OrgKind.INSURER, Role.UNDERWRITER)
    own = Principal(insured.id, OrgKind.INSURED, Role.ADMIN)
    open_states = {SubmissionState.SUBMITTED.value, SubmissionState.ASSESSED.value, SubmissionState.QUOTED.value}
    pending = [
        sub for sub in underwriting.list_submissions(session, own, limit=MAX_LIMIT).items if sub.state in open_states
    ]
    if pending:
        sub = pending[0]
    else:
        applicant = Principal(broker.id, OrgKind.BROKER, Role.ADMIN) if broker else own
        sub = underwriting.submit(session, applicant, insurer.id, profile, insured_org_id=insured.id)
    if sub.state == SubmissionState.SUBMITTED.value:
        sub = assessment.assess_submission(session, underwriter, sub.id, seed=SEED, years=YEARS)
    if sub.state == SubmissionState.ASSESSED.value:
        wording = json.loads(json.dumps(document, default=str))  # dates as the API's JSON carries them
        limit = Decimal(str(document["aggregate_limit"]))  # options for the broker's comparison and the
        grid = assessment.GridOptions((limit / 2, limit, limit * 2), RETENTIONS)  # insured's limit adequacy
        sub = assessment.quote_submission(session, underwriter, sub.id, wording, grid=grid)
    return underwriting.bind_submission(session, underwriter, sub.id)
