"""The insurer's book view: accumulation by dependency and exceedance curves of its active policies.

An insurer sees its own active policies only; each is read with its insured's profile from the submission
it was bound from (a policy bound straight from a wording has none: it counts, striking no dependency).
A reinsurer may ask, but the platform stores no ceded business yet, so its book is empty. The book is in
one currency (the one most of the policies are in, unless `currency` is given); policies in another are
counted apart. The insurer's stored reinsurance programme in that currency (`services.programmes`) nets
the losses; with none stored, net equals gross. The engine is `cyberins.portfolio` (stress per dependency,
`run_book` for the curves), so the treaties act exactly as in `cyberins portfolio run` and `stress`.

Simulating the curves takes seconds, so the documents computed lately stay in this process (`CACHE_SIZE` of
them, the least recently used dropped first), keyed on all a document depends on: the database, the
organization, the currency, each active policy's id and version (a bind, a cancellation or an endorsement
changes them), the programme's version, `hours`, `years` and `seed`. The key costs a query of the policies
and one of the programme, so a reload answers at once and any change is simulated afresh. The book page
(`web.views`) asks without simulating and queues the curves as a job (`services.jobs.book_curves_job`).
"""

from __future__ import annotations

import copy
import threading
from collections import Counter, OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from cyberins.model.errors import InvalidInput, Said
from cyberins.model.vocab import OrgKind, PolicyState
from cyberins.services import programmes
from cyberins.services.access import Action, Principal, require
from cyberins.store.repos import lifecycle as repo

#: Bounds of the simulated years behind the curves (the API simulates them in its request, the page in a job).
MIN_YEARS, MAX_YEARS = 100, 100_000
#: What the curves say of each treaty (contract portfolio.md §5's `ceded` block, less its return periods).
CEDED_KEYS = ("aal", "expected_reinstatement_premium", "attachment_probability", "exhaustion_probability")
#: Bounds of the stated duration of each dependency's event (hours).
MAX_HOURS = 24 * 365
#: Book view documents kept in this process: a few books, each at a few (years, seed, hours), a few kB each.
CACHE_SIZE = 16

#: What a book view document depends on (see the module's docstring); plain values, so a job may return it.
Key = tuple[Any, ...]
_cache: OrderedDict[Key, dict[str, Any]] = OrderedDict()
_cache_lock = threading.Lock()  # the page's jobs run on a thread of the serving process (`services.queue`)


@dataclass(frozen=True)
class BookView:
    document: dict[str, Any]  # `api.schemas.portfolio.AccumulationPublic`
    key: Key
    #: The curves were asked for and are neither cached nor simulated (`simulate=False`): `curves` is None.
    pending: bool = False


def accumulation(
    session: Session,
    actor: Principal,
    *,
    hours: float = 24.0,
    currency: str | None = None,
    years: int | None = None,
    seed: int = 0,
) -> dict[str, Any]:
    """The book view document (`api.schemas.portfolio.AccumulationPublic`), simulated now unless cached."""
    return book_view(session, actor, hours=hours, currency=currency, years=years, seed=seed).document


def book_view(
    session: Session,
    actor: Principal,
    *,
    hours: float = 24.0,
    currency: str | None = None,
    years: int | None = None,
    seed: int = 0,
    simulate: bool = True,
    progress: Callable[[int, int], None] | None = None,
) -> BookView:
    """The book view from the cache, else computed (and cached when whole). `simulate=False` leaves curves
    that are not cached to do (`pending`: the accumulation by dependency is there, it is cheap); `progress`
    hears the years simulated as `(done, total)`."""
    from cyberins.assess.profile import OrganizationProfile
    from cyberins.model.loading import parse_model
    from cyberins.model.policy import Policy
    from cyberins.portfolio.accumulation import BoundPolicy, accumulation_by_dependency, insurer_book

    require(actor, Action.VIEW_ACCUMULATION)
    if not 0 < hours <= MAX_HOURS:
        raise InvalidInput.one("hours", Said("input.service.hours_between", {"high": MAX_HOURS}))
    if years is not None and not MIN_YEARS <= years <= MAX_YEARS:
        raise InvalidInput.one("years", Said("input.years_between", {"low": MIN_YEARS, "high": MAX_YEARS}))
    insurer = actor.org_kind == OrgKind.INSURER
    records = list(_active(session, actor.org_id)) if insurer else []
    counts = Counter(r.currency for r in records)
    chosen = currency or (counts.most_common(1)[0][0] if counts else None)
    counted = [r for r in records if r.currency == chosen]
    version, stored = (0, programmes.Programme())
    if insurer and chosen:
        version, stored = programmes.stored(session, actor.org_id, chosen)
    key = (
        session.get_bind().engine.url.render_as_string(hide_password=True), actor.org_id, chosen,
        tuple((r.id, r.version) for r in records), version, hours, years, seed,
    )  # fmt: skip
    cached = recall(key)
    if cached is not None:
        return BookView(cached, key)
    bound = []
    for record in counted:
        policy = parse_model(Policy, record.document, f"policy {record.id}")
        sub = repo.submissions.get(session, record.submission_id) if record.submission_id else None
        profile = parse_model(OrganizationProfile, sub.profile, f"submission {sub.id}") if sub else None
        bound.append(BoundPolicy(record.id, policy, profile))
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
        return BookView(remember(key, doc), key)
    curves = years is not None and simulate
    book = insurer_book(
        f"book-{actor.org_id}", chosen, bound, own_events=curves, reinsurance=stored.reinsurance, ils=stored.ils
    )
    doc["by_dependency"] = accumulation_by_dependency(book, hours)
    if years is None:
        return BookView(remember(key, doc), key)
    if not curves:
        return BookView(doc, key, pending=True)
    from cyberins.portfolio.document import run_document
    from cyberins.portfolio.simulate import run_book

    done = 0
    if progress is not None:
        progress(0, years)

    def chunk_done(n_years: int) -> None:
        nonlocal done
        done += n_years
        if progress is not None:
            progress(done, years)

    run = run_document(run_book(book, years, seed, progress=chunk_done))
    doc["curves"] = {
        "years": years,
        "seed": seed,
        **{basis: {k: run[basis][k] for k in ("aal", "oep", "aep")} for basis in ("gross", "net")},
        "ceded": {tid: {k: block[k] for k in CEDED_KEYS} for tid, block in run["ceded"].items()},
        "ils": run["ils"],
    }
    return BookView(remember(key, doc), key)


def recall(key: Key) -> dict[str, Any] | None:
    """A copy of the cached document under `key` (None: not cached); the caller may change it freely."""
    with _cache_lock:
        doc = _cache.get(key)
        if doc is not None:
            _cache.move_to_end(key)
    return copy.deepcopy(doc)


def remember(key: Key, doc: dict[str, Any]) -> dict[str, Any]:
    """Cache `doc` under `key` (a job's result, say, computed in a worker process) and give it back."""
    with _cache_lock:
        _cache[key] = copy.deepcopy(doc)
        _cache.move_to_end(key)
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return doc


def _active(session: Session, insurer_org_id: str) -> Any:
    return repo.policies_in_state(session, PolicyState.ACTIVE.value, insurer_org_id)
