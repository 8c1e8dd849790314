"""Ids of the platform's parties, roles and lifecycle states.

They are shared vocabulary: the store checks its columns against them, the API's schemas and the
services name them; the services own the rules (which transitions exist, who may take them).
"""

from __future__ import annotations

from enum import StrEnum

from cyberins.model.ids import ClaimState


class OrgKind(StrEnum):
    INSURER = "insurer"
    BROKER = "broker"
    INSURED = "insured"
    REINSURER = "reinsurer"
    SECURITY_SERVICE_PROVIDER = "security_service_provider"
    ASSESSOR = "assessor"
    INCIDENT_RESPONDER = "incident_responder"
    LAW_FIRM = "law_firm"
    PR_FIRM = "pr_firm"
    LOSS_ADJUSTER = "loss_adjuster"


#: Kinds that sell services on the marketplace and may sit on an insurer's vendor panel.
PROVIDER_KINDS: frozenset[OrgKind] = frozenset(
    {
        OrgKind.SECURITY_SERVICE_PROVIDER,
        OrgKind.ASSESSOR,
        OrgKind.INCIDENT_RESPONDER,
        OrgKind.LAW_FIRM,
        OrgKind.PR_FIRM,
        OrgKind.LOSS_ADJUSTER,
    }
)


class Role(StrEnum):
    ADMIN = "admin"
    UNDERWRITER = "underwriter"
    CLAIMS_HANDLER = "claims_handler"
    ANALYST = "analyst"
    VIEWER = "viewer"


class RelationshipKind(StrEnum):
    """Standing relationships between organizations (others follow from policies and assignments)."""

    BROKER_CLIENT = "broker_client"  # broker -> insured it represents
    INSURER_CLIENT = "insurer_client"  # insurer -> insured it registered directly
    INSURER_PANEL = "insurer_panel"  # insurer -> provider on its approved vendor panel


class LockScope(StrEnum):
    """What a sign-in lock holds back: one account (by email) or one client address."""

    ACCOUNT = "account"
    ADDRESS = "address"


class SubmissionState(StrEnum):
    SUBMITTED = "submitted"
    ASSESSED = "assessed"
    QUOTED = "quoted"
    BOUND = "bound"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"


class PolicyState(StrEnum):
    ACTIVE = "active"
    EXPIRED = "expired"
    RENEWED = "renewed"
    CANCELLED = "cancelled"


#: The claim states are part of the shared vocabulary (the claims engine's case reserves read them too).
IncidentState = ClaimState
