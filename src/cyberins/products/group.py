"""Pricing of a group scheme (园区保): many members under one master policy with a shared aggregate.

Each member holds a certificate (the template with its own overrides). All members are simulated together
in the same years (`cyberins.quant.scheme`): each member's events are drawn from its own random stream,
its certificate's terms apply (the terms engine), then the **scheme aggregate limit** erodes across all
members' payments in event-time order within each year. Top-level figures are after the scheme aggregate.
Each member's line is its share of them, allocated year by year in proportion to what its claims would
have been paid without the scheme aggregate, so the lines add up to the total (DESIGN.md "Products"); the
premium is split by each member's contribution to the scheme's expected loss and risk load
(`line_premiums`). Members are independent here: accumulation through shared dependencies (a cloud or an
MSP many members rely on) is later work of the portfolio module.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from cyberins.assess import assess
from cyberins.model.errors import InvalidInput, Said
from cyberins.model.ids import PolicyForm
from cyberins.model.money import to_minor
from cyberins.model.policy import Insured, Policy
from cyberins.pricing import PricingBasis
from cyberins.pricing.grid import Progress
from cyberins.pricing.premium import rate_on_line
from cyberins.products.forms import GroupSchemeSpec
from cyberins.products.population import generate_profiles, member_id
from cyberins.products.product import Product
from cyberins.products.result import PricedScheme, ProductLine, ProductResult
from cyberins.quant.scheme import SchemeMember


@dataclass(frozen=True)
class SchemeDetails:
    """The scheme's own figures; money per policy year in the policy currency."""

    aggregate_limit: Decimal
    #: Share of simulated years in which the scheme aggregate is used up.
    exhaustion_probability: float
    #: What the certificates would pay without the scheme aggregate.
    expected_insured_loss_before_scheme_aggregate: float
    members: int
    #: Premium / scheme aggregate limit.
    rate_on_line: Decimal

    def as_dict(self) -> dict[str, Any]:
        return {
            "scheme": {
                "aggregate_limit": str(self.aggregate_limit),
                "exhaustion_probability": self.exhaustion_probability,
                "expected_insured_loss_before_scheme_aggregate": self.expected_insured_loss_before_scheme_aggregate,
                "rate_on_line": str(self.rate_on_line),
            },
            "members": self.members,
            "exhaustion_probability": self.exhaustion_probability,
        }


def scheme_members(product: Product, seed: int) -> tuple[list[SchemeMember], dict[str, tuple[str, str]]]:
    """Named and generated members with their certificates, and each member's names (en, zh)."""
    spec = product.spec
    assert isinstance(spec, GroupSchemeSpec)
    members, names = [], {}
    for i, m in enumerate(spec.members):
        insured = product.insureds[f"members[{i}]"]
        zh = insured.profile.name_zh if insured.profile and insured.profile.name_zh else ""
        names[m.id] = (insured.name, zh or "")
        members.append(SchemeMember(m.id, insured.model, certificate(product.certificates[m.id], m.id, names[m.id])))
    population = spec.population_seed if spec.population_seed is not None else seed
    for i, seg in enumerate(spec.segments):
        for k, profile in enumerate(generate_profiles(seg, population, product.policy)):
            ident = member_id(seg, k)
            if ident in names:
                raise InvalidInput.one(f"segments[{i}].id", Said("input.products.member_clash", {"id": repr(ident)}))
            names[ident] = (profile.name, profile.name_zh or "")
            cert = certificate(product.certificates[seg.id], ident, names[ident])
            members.append(SchemeMember(ident, assess(profile), cert))
    return members, names


def certificate(terms: Policy, ident: str, names: tuple[str, str]) -> Policy:
    """A member's certificate: its terms, in the member's name, numbered after the master policy."""
    number = f"{terms.policy_number}-{ident}" if terms.policy_number else ident
    return terms.model_copy(
        update={"insured": Insured(name=names[0], name_zh=names[1] or None), "policy_number": number}
    )


def price_group_scheme(
    product: Product, years: int, seed: int, basis: PricingBasis, progress: Progress
) -> ProductResult:
    """Price a `group_scheme` product: members together, certificates, then the scheme aggregate.

    Parameters
    ----------
    product
        A loaded product of form `group_scheme`.
    years, seed
        Simulated years and seed (the seed also draws generated members unless `population_seed` is set).
    basis
        The pricing basis; the minimum premium applies once, to the scheme.
    progress
        Hears `(0, 1)` at the start and `(1, 1)` once the members' simulation is done.

    Returns
    -------
    ProductResult
        Totals after the scheme aggregate, one line per member (allocated shares that add up to them), and
        the aggregate's exhaustion probability in `details`.
    """
    spec = product.spec
    assert isinstance(spec, GroupSchemeSpec)
    policy, currency = product.policy, product.policy.currency
    members, names = scheme_members(product, seed)
    cap = spec.scheme.aggregate_limit
    progress(0, 1)
    priced = PricedScheme.of(members, policy, basis, years=years, seed=seed, aggregate_limit=float(cap))
    progress(1, 1)  # the members simulated together, once
    result, premium, shares = priced.result, priced.premium, priced.shares
    lines = tuple(
        ProductLine(
            id=m.id,
            name=names[m.id][0],
            name_zh=names[m.id][1],
            expected_gross_loss=float(result.member_gross[i]),
            expected_insured_loss=float(result.line_insured[i].mean()),
            technical_premium=shares[i],
            details={
                "expected_insured_loss_before_scheme_aggregate": float(result.member_before[i]),
                "certificate": m.policy.policy_number,
                "certificate_aggregate_limit": str(m.policy.aggregate_limit),
            },
        )
        for i, m in enumerate(members)
    )
    exhaustion = result.exhaustion_probability
    assert exhaustion is not None
    return priced.product_result(
        spec,
        PolicyForm.GROUP_SCHEME,
        lines,
        SchemeDetails(
            aggregate_limit=to_minor(cap, currency),
            exhaustion_probability=exhaustion,
            expected_insured_loss_before_scheme_aggregate=float(result.before_aggregate.mean()),
            members=len(members),
            rate_on_line=rate_on_line(premium.premium, cap),
        ),
        (Said("cli.products.notes.independent_members"),),
    )
