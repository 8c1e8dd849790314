"""The stable vocabulary (DESIGN.md, "The vocabulary"): ids that files, APIs and other insurers rely on.

Labels, codes and descriptions live in the catalog; these enums only pin the ids. `StrEnum` keeps the
value equal to the id, so `EventType.RANSOMWARE == "ransomware"` and YAML/JSON round-trip unchanged.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

#: The languages people read: every label, reason and report exists in both.
Lang = Literal["zh", "en"]


class EventType(StrEnum):
    PERSONAL_INFORMATION_BREACH = "personal_information_breach"
    UNAUTHORIZED_ACCESS = "unauthorized_access"
    MALWARE = "malware"
    RANSOMWARE = "ransomware"
    DENIAL_OF_SERVICE = "denial_of_service"
    FUNDS_TRANSFER_FRAUD = "funds_transfer_fraud"
    CYBER_EXTORTION = "cyber_extortion"
    SYSTEM_FAILURE = "system_failure"
    HUMAN_ERROR = "human_error"


class CoverageKind(StrEnum):
    FIRST_PARTY = "first_party"
    THIRD_PARTY = "third_party"


class Coverage(StrEnum):
    # first party
    BUSINESS_INTERRUPTION = "business_interruption"
    DEPENDENT_BUSINESS_INTERRUPTION = "dependent_business_interruption"
    CYBER_EXTORTION = "cyber_extortion"
    DATA_RESTORATION = "data_restoration"
    CYBER_FRAUD = "cyber_fraud"
    HARDWARE_REPLACEMENT = "hardware_replacement"
    INCIDENT_RESPONSE = "incident_response"
    PUBLIC_RELATIONS = "public_relations"
    LEGAL = "legal"
    CONSULTING = "consulting"
    RECERTIFICATION = "recertification"
    CYBER_PHYSICAL_DAMAGE = "cyber_physical_damage"
    # third party
    PRIVACY_LIABILITY = "privacy_liability"
    NETWORK_SECURITY_LIABILITY = "network_security_liability"
    MEDIA_LIABILITY = "media_liability"
    OUTSOURCED_PROVIDER_LIABILITY = "outsourced_provider_liability"
    REGULATORY_DEFENCE = "regulatory_defence"


#: Third-party (liability) coverages; the rest are first party. The catalog checks it agrees.
THIRD_PARTY_COVERAGES: frozenset[Coverage] = frozenset(
    {
        Coverage.PRIVACY_LIABILITY,
        Coverage.NETWORK_SECURITY_LIABILITY,
        Coverage.MEDIA_LIABILITY,
        Coverage.OUTSOURCED_PROVIDER_LIABILITY,
        Coverage.REGULATORY_DEFENCE,
    }
)

#: Coverages whose loss accrues by the hour, so waiting and indemnity periods act on them.
TIME_ELEMENT_COVERAGES: frozenset[Coverage] = frozenset(
    {Coverage.BUSINESS_INTERRUPTION, Coverage.DEPENDENT_BUSINESS_INTERRUPTION}
)


class CostCategory(StrEnum):
    FORENSICS = "forensics"
    NOTIFICATION = "notification"
    CALL_CENTRE = "call_centre"
    CREDIT_MONITORING = "credit_monitoring"
    RESTORATION = "restoration"
    HARDWARE = "hardware"
    NEGOTIATION = "negotiation"
    PR = "pr"
    LEGAL = "legal"
    CONSULTING = "consulting"
    RECERTIFICATION = "recertification"
    DEFENCE = "defence"


class Exclusion(StrEnum):
    WAR = "war"
    STATE_BACKED_CYBER_OPERATION = "state_backed_cyber_operation"
    PRIOR_KNOWLEDGE = "prior_knowledge"
    UNENCRYPTED_PORTABLE_DEVICES = "unencrypted_portable_devices"
    BETTERMENT = "betterment"
    INFRASTRUCTURE_FAILURE = "infrastructure_failure"
    INTENTIONAL_ACTS = "intentional_acts"


class Jurisdiction(StrEnum):
    CN = "CN"
    INTL = "INTL"


class PolicyForm(StrEnum):
    STANDALONE = "standalone"
    ENDORSEMENT = "endorsement"
    SERVICE_BUNDLE = "service_bundle"
    PRODUCT_WARRANTY = "product_warranty"
    GROUP_SCHEME = "group_scheme"


class TriggerKind(StrEnum):
    OCCURRENCE = "occurrence"
    CLAIMS_MADE = "claims_made"


class WaitingPeriodMode(StrEnum):
    """How a business-interruption waiting period acts (DESIGN.md rule 2)."""

    TIME_RETENTION = "time_retention"
    TRIGGER = "trigger"
    GREATER_OF = "greater_of"


class Confidence(StrEnum):
    """Attribution confidence, ordered low < medium < high (rule 9)."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"

    @property
    def rank(self) -> int:
        return ("low", "medium", "high").index(self.value)


class ClaimState(StrEnum):
    """States of a claim from first notice to closing (DESIGN.md, "Lifecycle and parties"): the platform's
    claim machine moves through them and a case reserve depends on them."""

    REPORTED = "reported"
    RESPONDER_ASSIGNED = "responder_assigned"
    FORENSICS_SUBMITTED = "forensics_submitted"
    COVERAGE_DECIDED = "coverage_decided"
    LOSS_ADJUSTED = "loss_adjusted"
    SETTLED = "settled"
    DENIED = "denied"
    PAID = "paid"
    CLOSED = "closed"
    REOPENED = "reopened"
