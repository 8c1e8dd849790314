"""The insurer's book view (issue 19, "Done when"): a book from bound policies and their insureds' profiles,
and its accumulation by dependency.

Each policy is one line (count 1). Its insured's organisation profile gives the industry, the own-events
model (`assess`, when the profile is in the book's currency) and the exposure: `bi_per_hour` is the hourly
gross profit (`assess.firm.Firm`, from `hourly_gross_profit` or revenue × gross margin / hours a year),
converted to the book's currency with the calibration's rates. The profile's `dependencies` (name, kind) are
the book's dependencies (`cloud_provider:aws`); each gets one scenario from the synthetic-book templates
(`portfolio/data/market_shares.yaml`). A policy without a profile is a line with no dependency and no own
events: it counts in `policies` and in nothing else.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from cyberins.assess.calibration import DependencyKind as ProfileDependencyKind
from cyberins.assess.profile import OrganizationProfile
from cyberins.model.policy import Policy
from cyberins.portfolio.book import BI_PER_HOUR, Book, Dependency, DependencyKind, Line, Scenario
from cyberins.portfolio.generate import ScenarioTemplate, packaged_shares
from cyberins.portfolio.stress import stress
from cyberins.portfolio.treaties import CatBond, Treaty

#: A profile's dependency kind as the book's; a software vendor's faulty update takes the security-software
#: template (the same family: a vendor's update that stops its customers' machines).
KINDS = {
    ProfileDependencyKind.CLOUD: DependencyKind.CLOUD_PROVIDER,
    ProfileDependencyKind.CDN_DNS: DependencyKind.CDN_DNS,
    ProfileDependencyKind.MSP: DependencyKind.MSP,
    ProfileDependencyKind.SOFTWARE: DependencyKind.SOFTWARE_VENDOR,
    ProfileDependencyKind.PAYMENT_PROCESSOR: DependencyKind.PAYMENT_PROCESSOR,
}
TEMPLATE_OF = {DependencyKind.SOFTWARE_VENDOR: DependencyKind.SECURITY_SOFTWARE}
#: The industry of a line whose policy has no profile.
UNKNOWN = "unspecified"


@dataclass(frozen=True)
class BoundPolicy:
    """A bound policy of the book: its id, wording and the insured's profile (None when none is stored)."""

    id: str
    policy: Policy
    profile: OrganizationProfile | None


def dependency_id(kind: DependencyKind, name: str) -> str:
    """`cloud_provider:aws` from (cloud_provider, "AWS"): names written differently by two insureds
    ("Alibaba Cloud", "alibaba-cloud") are one dependency. A name beyond ASCII (公有云 A) keeps its ASCII
    letters and adds a digest of the whole name, so two such names never meet."""
    slug = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")
    if not name.isascii():
        slug = f"{slug}_{hashlib.sha1(name.strip().encode()).hexdigest()[:8]}".strip("_")
    return f"{kind.value}:{slug or 'unnamed'}"


def insurer_book(
    book_id: str,
    currency: str,
    bound: list[BoundPolicy],
    *,
    own_events: bool = True,
    templates: Any = None,
    reinsurance: Sequence[Treaty] = (),
    ils: Sequence[CatBond] = (),
) -> Book:
    """The book of `bound` policies in `currency` (contract §1's `Book`), one line each, under the insurer's
    reinsurance programme (`reinsurance` in inuring order, `ils` alongside)."""
    from cyberins.assess.engine import assess
    from cyberins.assess.firm import Firm
    from cyberins.assess.resources import load_calibration

    calibration = load_calibration()
    rate = calibration.fx(currency)
    chosen: dict[DependencyKind, ScenarioTemplate] = templates or packaged_shares().scenarios
    dependencies: dict[str, Dependency] = {}
    lines = []
    for item in bound:
        profile = item.profile
        if profile is None:
            lines.append(Line(item.id, 1, UNKNOWN, UNKNOWN, (), {}, None, item.policy))
            continue
        depends_on = []
        for dep in profile.dependencies:
            kind = KINDS[dep.kind]
            ident = dependency_id(kind, dep.name)
            dependencies.setdefault(ident, Dependency(kind=kind, name=dep.name))
            depends_on.append(ident)
        firm = Firm.of(profile, calibration)
        exposure = {BI_PER_HOUR: firm.hourly_gross_profit_cny / rate}
        model = assess(profile, calibration) if own_events and profile.currency == currency else None
        lines.append(
            Line(
                item.id,
                1,
                profile.industry,
                firm.band.id,
                tuple(dict.fromkeys(depends_on)),
                exposure,
                model,
                item.policy,
            )
        )
    scenarios = tuple(_scenario(ident, dep, chosen) for ident, dep in sorted(dependencies.items()))
    return Book(
        book_id, currency, dict(sorted(dependencies.items())), tuple(lines), scenarios, tuple(reinsurance), tuple(ils)
    )


def _scenario(ident: str, dep: Dependency, templates: dict[DependencyKind, ScenarioTemplate]) -> Scenario:
    return Scenario.model_validate(templates[TEMPLATE_OF.get(dep.kind, dep.kind)].scenario(ident))


def accumulation_by_dependency(book: Book, hours: float) -> list[dict[str, Any]]:
    """Per dependency: the policies that depend on it, their limits, and its scenario's stress loss (contract
    §7: each dependent policy weighted by the hit probability) at `hours`, ceded by treaty and net, largest
    gross first."""
    out = []
    for scenario in book.scenarios:
        lines = [line for line in book.lines if scenario.dependency in line.depends_on]
        limits = sum((line.policy.aggregate_limit for line in lines if line.policy), Decimal(0))
        doc = stress(book, scenario.id, hours)
        dep = book.dependencies[scenario.dependency]
        out.append(
            {
                "dependency": scenario.dependency,
                "kind": dep.kind.value,
                "name": getattr(dep, "name", scenario.dependency),
                "scenario": scenario.id,
                "policies": len(lines),
                "sum_of_limits": limits,
                "policies_hit": doc["policies_hit"],
                "ground_up": doc["ground_up"],
                "gross": doc["gross"],
                "ceded": doc["ceded"],
                "net": doc["net"],
            }
        )
    return sorted(out, key=lambda d: (-d["gross"], d["dependency"]))
