"""The services marketplace: providers publish offers (assessment, monitoring, response, legal, PR ...);
every signed-in party may browse them."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy.orm import Session

from cyberins.model.errors import InvalidInput
from cyberins.services import audit
from cyberins.services.access import Action, Principal, require
from cyberins.services.common import money, page_args
from cyberins.services.errors import NotFound
from cyberins.services.uow import unit_of_work
from cyberins.store.models import ServiceOffer
from cyberins.store.repos import lifecycle as repo
from cyberins.store.repos.aggregates import Page, PartyScope

EVERYONE = PartyScope((), "", unrestricted=True)


def publish_service(
    session: Session,
    actor: Principal,
    name: str,
    category: str,
    description: str,
    price: Decimal | None = None,
    currency: str | None = None,
) -> ServiceOffer:
    """Publish an offer of the caller's organization (a service provider of any kind)."""
    require(actor, Action.PUBLISH_SERVICE)
    if (price is None) != (currency is None):
        raise InvalidInput.one("currency" if currency is None else "price", "give a price and its currency together")
    if price is not None and currency is not None:
        money(price, currency, "price")
    with unit_of_work(session):
        offer = ServiceOffer(
            provider_org_id=actor.org_id,
            name=name,
            category=category,
            description=description,
            price=price,
            currency=currency,
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
