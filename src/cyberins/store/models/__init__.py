"""The tables of the platform, as typed SQLAlchemy 2 models."""

from cyberins.store.models.claims import CaseReserveRecord, Incident, Payment
from cyberins.store.models.feeds import FeedLoad, FeedRecord
from cyberins.store.models.monitoring import AlertRecord, AssetRecord, NotificationRecord
from cyberins.store.models.parties import ApiKey, Organization, Relationship, User
from cyberins.store.models.platform import AuditChain, AuditEntry, IdempotencyRecord, ServiceOffer, ServiceSubscription
from cyberins.store.models.portfolio import ReinsuranceProgramme
from cyberins.store.models.signin import SignInFailure, SignInLock
from cyberins.store.models.underwriting import PolicyRecord, Submission
from cyberins.store.models.websessions import WebSession

__all__ = [
    "AlertRecord",
    "AssetRecord",
    "ApiKey",
    "AuditChain",
    "AuditEntry",
    "CaseReserveRecord",
    "FeedLoad",
    "FeedRecord",
    "IdempotencyRecord",
    "Incident",
    "NotificationRecord",
    "Organization",
    "Payment",
    "PolicyRecord",
    "Relationship",
    "ReinsuranceProgramme",
    "ServiceOffer",
    "ServiceSubscription",
    "SignInFailure",
    "SignInLock",
    "Submission",
    "User",
    "WebSession",
]
