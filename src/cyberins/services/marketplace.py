"""The services marketplace: providers publish offers (assessment, monitoring, response, legal, PR ...) with the
questionnaire controls each puts in place; every signed-in party may browse them. An insured (or its broker,
or an insurer that covers it) subscribes it to an offer; the controls of the services active at the time of
an assessment or a quote feed the model (`services/assessment.py`).

Who sees a subscription: the insured, the brokers and insurers that act for it (`represented_insured_ids`), and
the provider of the offer subscribed to. A provider sees the subscriptions to its own offers only, and of the
subscriber nothing but its organization (name, kind, country: the subscription links the two, as
`linked_org_ids` says); never its profile, policies or claims. Only the insured's side changes a subscription:
the provider that sees one is answered 403 when it tries."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal

from sqlalchemy.orm import Session

from cyberins.assess import load_questionnaire
from cyberins.model.errors import InvalidInput, Said
from cyberins.model.vocab import PROVIDER_KINDS, OrgKind
from cyberins.services import audit
from cyberins.services.access import Action, Principal, require
from cyberins.services.clock import SYSTEM_CLOCK, Clock
from cyberins.services.common import check_version, money, page_args
from cyberins.services.errors import Conflict, NotFound
from cyberins.services.uow import unit_of_work
from cyberins.store.models import ServiceOffer, ServiceSubscription
from cyberins.store.repos import lifecycle as repo
from cyberins.store.repos import parties as parties_repo
from cyberins.store.repos.aggregates import Page, PartyScope

EVERYONE = PartyScope((), "", unrestricted=True)


def _controls(controls: Sequence[str]) -> list[str]:
    """The offer's controls, each a questionnaire control id (422 naming `controls[i]`), duplicates dropped."""
    known = load_questionnaire().ids
    for i, ident in enumerate(controls):
        if ident not in known:
            raise InvalidInput.one(f"controls[{i}]", Said("input.service.unknown_control", {"id": repr(ident)}))
    return list(dict.fromkeys(controls))


def publish_service(
    session: Session,
    actor: Principal,
    name: str,
    category: str,
    description: str,
    price: Decimal | None = None,
    currency: str | None = None,
    controls: Sequence[str] = (),
) -> ServiceOffer:
    """Publish an offer of the caller's organization (a service provider of any kind)."""
    require(actor, Action.PUBLISH_SERVICE)
    if (price is None) != (currency is None):
        raise InvalidInput.one("currency" if currency is None else "price", Said("input.service.price_with_currency"))
    if price is not None and currency is not None:
        money(price, currency, "price")
    checked = _controls(controls)
    with unit_of_work(session):
        offer = ServiceOffer(
            provider_org_id=actor.org_id,
            name=name,
            category=category,
            description=description,
            price=price,
            currency=currency,
            controls=checked,
        )
        repo.services.add(session, offer)
        audit.record(session, actor, "service.publish", "service", offer.id, before=None, after=offer)
    return offer


def list_services(
    session: Session,
    actor: Principal,
    *,
    category: str | None = None,
    provider_org_id: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> Page[ServiceOffer]:
    limit, offset = page_args(limit, offset)
    filters = {"category": category, "provider_org_id": provider_org_id, "active": True}
    return repo.services.page(session, EVERYONE, filters, limit=limit, offset=offset)


def get_service(session: Session, actor: Principal, service_id: str) -> ServiceOffer:
    offer = repo.services.get(session, service_id)
    if offer is None or not offer.active:
        raise NotFound("service", service_id)
    return offer


# --- subscriptions ------------------------------------------------------------------------------------------


def _represented(session: Session, actor: Principal) -> set[str] | None:
    """Insureds whose subscriptions the caller sees (None: all, for the system actor)."""
    if actor.system:
        return None
    return parties_repo.represented_insured_ids(session, actor.org_id, actor.org_kind.value)


def _provider(actor: Principal) -> str | None:
    """The caller's organization when it is a service provider: it sees the subscriptions to its own offers."""
    return actor.org_id if actor.org_kind in PROVIDER_KINDS and not actor.system else None


def _sees(session: Session, actor: Principal, insured_org_id: str, offer: ServiceOffer) -> bool:
    """Whether the caller sees the insured's subscription to `offer` (module docstring)."""
    represented = _represented(session, actor)
    return represented is None or insured_org_id in represented or offer.provider_org_id == _provider(actor)


def subscribe(
    session: Session,
    actor: Principal,
    service_id: str,
    insured_org_id: str | None = None,
    *,
    clock: Clock = SYSTEM_CLOCK,
) -> tuple[ServiceSubscription, bool]:
    """Activate a published service for an insured from now on; (subscription, whether it was created).

    The insured is the caller's own organization for an insured, else `insured_org_id` (an insured the caller
    acts for: 404 otherwise). Activating a service the insured already holds returns the open subscription."""
    if insured_org_id is None:
        if actor.org_kind is not OrgKind.INSURED or actor.system:
            raise InvalidInput.one("insured_org_id", Said("input.service.name_insured"))
        insured_org_id = actor.org_id
    with unit_of_work(session):
        if not _sees(session, actor, insured_org_id, get_service(session, actor, service_id)):
            raise NotFound("organization", insured_org_id)
        require(actor, Action.MANAGE_SUBSCRIPTIONS)
        existing = repo.open_subscription(session, insured_org_id, service_id)
        if existing is not None:
            return existing, False
        sub = ServiceSubscription(
            insured_org_id=insured_org_id, service_id=service_id, active_from=clock.now(), active_to=None
        )
        repo.subscriptions.add(session, sub)
        audit.record(
            session, actor, "service.subscribe", "service_subscription", sub.id, before=None, after=sub, clock=clock
        )
    return sub, True


def _load_subscription(session: Session, actor: Principal, subscription_id: str) -> ServiceSubscription:
    sub = repo.subscriptions.get(session, subscription_id)
    offer = repo.services.get(session, sub.service_id) if sub is not None else None
    if sub is None or offer is None or not _sees(session, actor, sub.insured_org_id, offer):
        raise NotFound("subscription", subscription_id)
    return sub


def get_subscription(session: Session, actor: Principal, subscription_id: str) -> ServiceSubscription:
    return _load_subscription(session, actor, subscription_id)


def list_subscriptions(
    session: Session,
    actor: Principal,
    *,
    insured_org_id: str | None = None,
    service_id: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> Page[ServiceSubscription]:
    """The subscriptions of the insureds the caller acts for (an insured: its own); a provider's, those to its
    own offers."""
    limit, offset = page_args(limit, offset)
    filters = {"insured_org_id": insured_org_id, "service_id": service_id}
    provider = _provider(actor)
    represented = set() if provider is not None else _represented(session, actor)
    return repo.subscriptions_page(session, represented, filters, limit=limit, offset=offset, provider_org_id=provider)


def end_subscription(
    session: Session,
    actor: Principal,
    subscription_id: str,
    *,
    expected_version: int | None = None,
    clock: Clock = SYSTEM_CLOCK,
) -> ServiceSubscription:
    """End a subscription now: its service no longer feeds assessments and quotes from this instant."""
    with unit_of_work(session):
        sub = _load_subscription(session, actor, subscription_id)
        require(actor, Action.MANAGE_SUBSCRIPTIONS)
        check_version(sub, expected_version)
        if sub.active_to is not None:
            raise Conflict(Said("api.error.subscription_ended"), current_state=sub.state, current_version=sub.version)
        before = audit.digest(sub)
        sub.active_to = max(clock.now(), sub.active_from)
        audit.record(
            session, actor, "service.unsubscribe", "service_subscription", sub.id, before=before, after=sub, clock=clock
        )
    return sub


def active_services(session: Session, insured_org_id: str, at: datetime) -> list[ServiceOffer]:
    """The offers an insured holds at instant `at`, for the model (callers have checked access already)."""
    return repo.active_services(session, insured_org_id, at)
