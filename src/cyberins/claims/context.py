"""What every step of a claim reads: the incident, the policy it is settled under, and the catalog."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from cyberins.catalog import Catalog, JurisdictionEntry
from cyberins.claims.reasons import Bi
from cyberins.model.ids import Coverage
from cyberins.model.incident import Incident
from cyberins.model.money import format_money
from cyberins.model.policy import Policy


@dataclass(frozen=True)
class KevAlert:
    """Evidence for the minimum-security condition: a monitoring alert the platform holds on one of the insured's
    assets for a known-exploited vulnerability, with its due date already put in this policy's terms (the later
    of the KEV listing and the alert's opening, plus `kev_patch_days`). `patched_on`: when the fix was reported
    (None while unresolved); `accepted_until`: the expiry of a risk the parties accepted (None if not)."""

    alert_id: str
    asset: str
    cve: str
    opened_on: date
    due_on: date
    patched_on: date | None = None
    accepted_until: date | None = None

    def unpatched_past_due(self, day: date) -> bool:
        """Whether, on `day`, the vulnerability was past its due date and neither fixed nor an accepted risk."""
        fixed = self.patched_on is not None and self.patched_on <= day
        accepted = self.accepted_until is not None and self.accepted_until >= day
        return self.due_on < day and not fixed and not accepted


@dataclass(frozen=True)
class ClaimContext:
    """One incident under one policy, with the catalog that names and maps their ids, and the platform's
    monitoring alerts on the insured's known-exploited vulnerabilities (`kev_alerts`, empty off the platform)."""

    incident: Incident
    policy: Policy
    catalog: Catalog
    kev_alerts: tuple[KevAlert, ...] = ()

    @property
    def currency(self) -> str:
        return self.policy.currency

    @property
    def jurisdiction(self) -> JurisdictionEntry:
        return self.catalog.jurisdictions[self.policy.jurisdiction]

    @property
    def jurisdiction_name(self) -> Bi:
        label = self.jurisdiction.label
        return Bi(label.zh, label.en)

    @property
    def ransom_needs_consent(self) -> bool:
        """Rule 7: the policy's condition, or the jurisdiction's own rule."""
        return (
            self.policy.conditions.ransom_requires_insurer_consent or self.jurisdiction.ransom_requires_insurer_consent
        )

    def money(self, amount: Decimal) -> str:
        """`CNY 1,234.50`: an amount for a reason text, at the currency's minor unit."""
        return f"{self.currency} {format_money(amount, self.currency)}"

    def when(self, moment: datetime) -> str:
        """A time in the policy's zone, with its offset (rule 10)."""
        return moment.astimezone(self.policy.zone).isoformat(timespec="minutes")

    def period(self) -> str:
        return f"{self.policy.period.start} – {self.policy.period.end}"

    def cov(self, coverage: Coverage) -> Bi:
        return Bi(self.catalog.label(coverage, "zh"), self.catalog.label(coverage, "en"))

    def events(self) -> Bi:
        """The incident's event types, labelled."""
        return self.labels(self.incident.event_types)

    def labels(self, ids: Sequence[StrEnum]) -> Bi:
        """Catalog ids (event types, coverages …) as one list in each language."""
        zh, en = (self.catalog.label(i, "zh") for i in ids), (self.catalog.label(i, "en") for i in ids)
        return Bi("、".join(zh), ", ".join(en))
