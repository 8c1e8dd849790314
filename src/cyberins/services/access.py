"""Who may do what, as data: permissions by (organization kind, role), visibility by party column.

Deny by default. Reading follows the relationship: an aggregate is visible to the organizations named in
its party columns for the reader's kind (an insured sees rows where it is `insured_org_id`, a responder
incidents where it is `responder_org_id`, ...). Acting needs, besides seeing, a permission for the
reader's kind and role.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from cyberins.model.errors import Said
from cyberins.model.vocab import PROVIDER_KINDS, OrgKind, Role
from cyberins.services.errors import Forbidden
from cyberins.store.repos.aggregates import PartyScope


@dataclass(frozen=True)
class Principal:
    """The caller: a user or an API key of one organization, with one role."""

    org_id: str
    org_kind: OrgKind
    role: Role
    user_id: str | None = None
    api_key_id: str | None = None
    system: bool = False
    #: The user's token version when the principal was read (`services.auth`); tokens carry it.
    token_version: int = 0

    @property
    def actor(self) -> str:
        if self.user_id:
            return f"user:{self.user_id}"
        if self.api_key_id:
            return f"api_key:{self.api_key_id}"
        return "system"

    @classmethod
    def system_actor(cls) -> Principal:
        """The in-process actor of seeding, restore and jobs; never reachable over HTTP."""
        return cls(org_id="", org_kind=OrgKind.INSURER, role=Role.ADMIN, system=True)


class Action(StrEnum):
    CREATE_ORGANIZATION = "create_organization"
    MANAGE_USERS = "manage_users"
    MANAGE_API_KEYS = "manage_api_keys"
    MANAGE_PANEL = "manage_panel"
    SUBMIT = "submit"
    ASSESS = "assess"
    QUOTE = "quote"
    DECLINE = "decline"
    BIND = "bind"
    CANCEL_POLICY = "cancel_policy"
    EXPIRE_POLICY = "expire_policy"
    RENEW_POLICY = "renew_policy"
    REPORT_INCIDENT = "report_incident"
    ASSIGN_RESPONDER = "assign_responder"
    SUBMIT_FORENSICS = "submit_forensics"
    DECIDE_COVERAGE = "decide_coverage"
    ADJUST_LOSS = "adjust_loss"
    SETTLE = "settle"
    PAY = "pay"
    CLOSE_CLAIM = "close_claim"
    REOPEN_CLAIM = "reopen_claim"
    VERIFY_AUDIT = "verify_audit"
    RUN_JOBS = "run_jobs"
    PUBLISH_SERVICE = "publish_service"
    MANAGE_SUBSCRIPTIONS = "manage_subscriptions"
    VIEW_ACCUMULATION = "view_accumulation"
    MANAGE_PROGRAMME = "manage_programme"
    VIEW_RESERVES = "view_reserves"
    SET_RESERVE = "set_reserve"


A, U, C, N = Role.ADMIN, Role.UNDERWRITER, Role.CLAIMS_HANDLER, Role.ANALYST
INS, B, D, R = OrgKind.INSURER, OrgKind.BROKER, OrgKind.INSURED, OrgKind.INCIDENT_RESPONDER
_ADMINS = {kind: frozenset({A}) for kind in OrgKind}
_CLAIMS = {INS: frozenset({A, C})}
_UNDERWRITING = {INS: frozenset({A, U})}

#: For each action, the roles that may take it in each kind of organization; anything absent is refused.
PERMISSIONS: Mapping[Action, Mapping[OrgKind, frozenset[Role]]] = {
    Action.CREATE_ORGANIZATION: {INS: frozenset({A}), B: frozenset({A})},
    Action.MANAGE_USERS: _ADMINS,
    Action.MANAGE_API_KEYS: _ADMINS,
    Action.MANAGE_PANEL: {INS: frozenset({A})},
    Action.SUBMIT: {D: frozenset({A, U}), B: frozenset({A, U})},
    Action.ASSESS: {INS: frozenset({A, U, N})},
    Action.QUOTE: _UNDERWRITING,
    Action.DECLINE: _UNDERWRITING,
    Action.BIND: _UNDERWRITING,
    Action.CANCEL_POLICY: _UNDERWRITING,
    Action.EXPIRE_POLICY: _UNDERWRITING,
    Action.RENEW_POLICY: _UNDERWRITING,
    Action.REPORT_INCIDENT: {D: frozenset({A, C}), B: frozenset({A, C}), INS: frozenset({A, C})},
    Action.ASSIGN_RESPONDER: _CLAIMS,
    Action.SUBMIT_FORENSICS: {R: frozenset({A, C, N})},
    Action.DECIDE_COVERAGE: _CLAIMS,
    Action.ADJUST_LOSS: _CLAIMS,
    Action.SETTLE: _CLAIMS,
    Action.PAY: _CLAIMS,
    Action.CLOSE_CLAIM: _CLAIMS,
    Action.REOPEN_CLAIM: _CLAIMS,
    Action.VERIFY_AUDIT: {INS: frozenset({A})},
    Action.RUN_JOBS: {INS: frozenset({A})},
    Action.PUBLISH_SERVICE: {kind: frozenset({A}) for kind in PROVIDER_KINDS},
    Action.MANAGE_SUBSCRIPTIONS: {D: frozenset({A}), B: frozenset({A, U}), INS: frozenset({A, U})},
    #: The book view (portfolio accumulation): insurers' and reinsurers' staff who underwrite or analyse it.
    Action.VIEW_ACCUMULATION: {
        INS: frozenset({A, U, N, Role.VIEWER}),
        OrgKind.REINSURER: frozenset({A, U, N, Role.VIEWER}),
    },
    #: Replacing the insurer's own reinsurance programme (its treaties and cat bonds): who buys the cover.
    Action.MANAGE_PROGRAMME: _UNDERWRITING,
    #: A case reserve is the insurer's own estimate of what it owes: its staff read it, its claims staff set
    #: it; the claimant, its broker and the responder see the claim but not the reserve.
    Action.VIEW_RESERVES: {INS: frozenset({A, U, C, N, Role.VIEWER})},
    Action.SET_RESERVE: _CLAIMS,
}

_PARTIES = {INS: ("insurer_org_id",), B: ("broker_org_id",), D: ("insured_org_id",)}

#: For each aggregate, the column(s) that make a row visible to an organization of each kind.
VISIBILITY: Mapping[str, Mapping[OrgKind, tuple[str, ...]]] = {
    "submission": _PARTIES,
    "policy": _PARTIES,
    "incident": {**_PARTIES, R: ("responder_org_id",)},
    "payment": _PARTIES,
}


def allowed(principal: Principal, action: Action) -> bool:
    return principal.system or principal.role in PERMISSIONS[action].get(principal.org_kind, frozenset())


def require(principal: Principal, action: Action) -> None:
    """Raise `Forbidden` unless the caller's kind and role may take `action`."""
    if not allowed(principal, action):
        raise Forbidden(
            Said(
                "api.error.role_may_not",
                {"role": principal.role, "org_kind": principal.org_kind, "action": action.value},
            )
        )


def scope_for(principal: Principal, aggregate: str) -> PartyScope:
    """The rows of `aggregate` the caller may see (none, for a kind the table does not name)."""
    if principal.system:
        return PartyScope((), "", unrestricted=True)
    return PartyScope(VISIBILITY[aggregate].get(principal.org_kind, ()), principal.org_id)
