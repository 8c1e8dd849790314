"""The insurer's book view: accumulation by dependency and exceedance curves of its active policies.

An insurer sees its own active policies only; each is read with its insured's profile from the submission
it was bound from (a policy bound straight from a wording has none: it counts, striking no dependency).
A reinsurer may ask, but the platform stores no ceded business yet, so its book is empty. The book is in
one currency (the one most of the policies are in, unless `currency` is given); policies in another are
counted apart. The insurer's stored reinsurance programme in that currency (`services.programmes`) nets
the losses; with none stored, net equals gross. The engine is `cyberins.portfolio` (stress per dependency,
`run_book` for the curves), so the treaties act exactly as in `cyberins portfolio run` and `stress`.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from sqlalchemy.orm import Session

from cyberins.model.errors import InvalidInput, Said
from cyberins.model.vocab import OrgKind, PolicyState
from cyberins.services import programmes
from cyberins.services.access import Action, Principal, require
from cyberins.store.repos import lifecycle as repo

#: Bounds of the simulated years behind the curves (a request runs them in the web process).
MIN_YEARS, MAX_YEARS = 100, 100_000
#: What the curves say of each treaty (contract portfolio.md §5's `ceded` block, less its return periods).
CEDED_KEYS = ("aal", "expected_reinstatement_premium", "attachment_probability", "exhaustion_probability")
#: Bounds of the stated duration of each dependency's event (hours).
MAX_HOURS = 24 * 365


def accumulation(
    session: Session,
    actor: Principal,
    *,
    hours: float = 24.0,
    currency: str | None = None,
    years: int | None = None,
    seed: int = 0,
) -> dict[str, Any]:
    """The book view document (`api.schemas.portfolio.AccumulationPublic`)."""
    from cyberins.assess.profile import OrganizationProfile
    from cyberins.model.loading import parse_model
    from cyberins.model.policy import Policy
    from cyberins.portfolio.accumulation import BoundPolicy, accumulation_by_dependency, insurer_book

    require(actor, Action.VIEW_ACCUMULATION)
    if not 0 < hours <= MAX_HOURS:
        raise InvalidInput.one("hours", Said("input.service.hours_between", {"high": MAX_HOURS}))
    if years is not None and not MIN_YEARS <= years <= MAX_YEARS:
        raise InvalidInput.one("years", Said("input.years_between", {"low": MIN_YEARS, "high": MAX_YEARS}))
    records = list(_active(session, actor.org_id)) if actor.org_kind == OrgKind.INSURER else []
    counts = Counter(r.currency for r in records)
    chosen = currency or (counts.most_common(1)[0][0] if counts else None)
    bound = []
    for record in records:
        if record.currency != chosen:
            continue
        policy = parse_model(Policy, record.document, f"policy {record.id}")
        sub = repo.submissions.get(session, record.submission_id) if record.submission_id else None
        profile = parse_model(OrganizationProfile, sub.profile, f"submission {sub.id}") if sub else None
        bound.append(BoundPolicy(record.id, policy, profile))
    insurer = actor.org_kind == OrgKind.INSURER
    stored = programmes.stored(session, actor.org_id, chosen) if insurer and chosen else programmes.Programme()
    doc: dict[str, Any] = {
        "org_id": actor.org_id,
        "currency": chosen,
        "policies": len(bound),
        "other_currency_policies": len(records) - len(bound),
        "hours": hours,
        "programme": stored.model_dump(mode="json"),
        "by_dependency": [],
        "curves": None,
    }
    if not bound or chosen is None:
        return doc
    book = insurer_book(
        f"book-{actor.org_id}", chosen, bound, own_events=years is not None, reinsurance=stored.reinsurance,
        ils=stored.ils,
    )  # fmt: skip
    doc["by_dependency"] = accumulation_by_dependency(book, hours)
    if years is not None:
        from cyberins.portfolio.document import run_document
        from cyberins.portfolio.simulate import run_book

        run = run_document(run_book(book, years, seed))
        doc["curves"] = {
            "years": years,
            "seed": seed,
            **{basis: {k: run[basis][k] for k in ("aal", "oep", "aep")} for basis in ("gross", "net")},
            "ceded": {tid: {k: block[k] for k in CEDED_KEYS} for tid, block in run["ceded"].items()},
            "ils": run["ils"],
        }
    return doc


def _active(session: Session, insurer_org_id: str) -> Any:
    return repo.policies_in_state(session, PolicyState.ACTIVE.value, insurer_org_id)
