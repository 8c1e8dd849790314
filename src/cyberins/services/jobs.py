"""Background jobs. Each opens its own engine from a URL, so it runs the same in an rq worker or in-process."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import ValidationError
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from cyberins.model.errors import CyberinsError
from cyberins.model.loading import problems_from
from cyberins.model.policy import Policy
from cyberins.model.vocab import PolicyState
from cyberins.services import accumulation, assessment
from cyberins.services.access import Action, Principal, require
from cyberins.services.clock import Clock
from cyberins.services.errors import NotFound
from cyberins.services.queue import JobHandle, JobQueue, report_progress
from cyberins.services.secrets import audit_key
from cyberins.settings import get_settings
from cyberins.store.db import make_engine, session_factory
from cyberins.store.repos import lifecycle as repo


def revalidate_active_policies(database_url: str, insurer_org_id: str | None = None) -> dict[str, Any]:
    """Re-validate every active policy's wording against today's `Policy` model (after a model upgrade, say).

    Returns how many were checked and, for each invalid one, its number and problems. Changes nothing.
    """
    engine = make_engine(database_url)
    try:
        checked, invalid = 0, []
        with session_factory(engine)() as session:
            for record in repo.policies_in_state(session, PolicyState.ACTIVE.value, insurer_org_id):
                checked += 1
                try:
                    Policy.model_validate(record.document)
                except ValidationError as exc:
                    problems = [str(p) for p in problems_from(exc)]
                    invalid.append(
                        {"policy_id": record.id, "policy_number": record.policy_number, "problems": problems}
                    )
        return {"checked": checked, "invalid": invalid}
    finally:
        engine.dispose()


def start_revalidation(queue: JobQueue, database_url: str, actor: Principal) -> JobHandle:
    """Queue `revalidate_active_policies` over the caller's (an insurer's) book."""
    require(actor, Action.RUN_JOBS)
    return queue.enqueue(actor.org_id, revalidate_active_policies, database_url, actor.org_id)


def job_status(queue: JobQueue, actor: Principal, job_id: str) -> JobHandle:
    """A job the caller's organization started; another's answers `NotFound`."""
    require(actor, Action.RUN_JOBS)
    handle = queue.fetch(job_id)
    if handle.owner != actor.org_id:
        raise NotFound("job", job_id)
    return handle


#: The session factories of the apps serving in this process, by database URL: a job run in-process opens its
#: sessions as its app does (the app's audit key); a worker process has none and reads its own settings.
_SERVING: dict[str, sessionmaker[Session]] = {}


def serve_jobs(database_url: str, sessions: sessionmaker[Session] | None) -> None:
    """Let the jobs run in this process on `database_url` use an app's `sessions` (None: that app stopped)."""
    if sessions is None:
        _SERVING.pop(database_url, None)
    else:
        _SERVING[database_url] = sessions


def _sessions(database_url: str) -> tuple[sessionmaker[Session], Engine | None]:
    """A job's sessions: the serving app's in-process, else its own engine (the second item, to dispose of)."""
    sessions = _SERVING.get(database_url)
    if sessions is not None:
        return sessions, None
    engine = make_engine(database_url)
    return session_factory(engine, audit_key(get_settings(), create=False)), engine


def assess_job(
    database_url: str, actor: Principal, submission_id: str, seed: int, years: int | None, version: int, clock: Clock
) -> dict[str, Any]:
    """`assessment.assess_submission` as a job, its years reported as they are simulated; the record audited
    with the installation's audit key: the serving app's sessions in-process, else the worker's own settings
    (as `feeds.load_feeds_job`: no secret travels in a job's arguments). A refusal (the submission changed
    meanwhile: 409) is the job's outcome in both languages, not a failure."""
    return _on_submission(
        database_url, submission_id,
        lambda session: assessment.assess_submission(
            session, actor, submission_id, seed=seed, years=years, expected_version=version, clock=clock,
            progress=report_progress,
        ),
    )  # fmt: skip


def _on_submission(database_url: str, submission_id: str, step: Callable[[Session], object]) -> dict[str, Any]:
    """`step` run on the job's sessions; its refusal (409, say) kept in both languages as the job's outcome."""
    sessions, engine = _sessions(database_url)
    try:
        with sessions() as session:
            step(session)
        return {"submission_id": submission_id, "problem": None}
    except CyberinsError as exc:
        return {"submission_id": submission_id, "problem": {"zh": exc.in_lang("zh"), "en": exc.in_lang("en")}}
    finally:
        if engine is not None:
            engine.dispose()


def start_assessment(
    queue: JobQueue, database_url: str, session: Session, actor: Principal, submission_id: str, *, seed: int,
    years: int | None, clock: Clock,
) -> JobHandle:  # fmt: skip
    """Check what the assessment checks first (so a refusal answers now), then queue it on the submission."""
    version = assessment.may_assess(session, actor, submission_id, years=years, clock=clock)
    args = (database_url, actor, submission_id, seed, years, version, clock)
    return queue.enqueue(actor.org_id, assess_job, *args, subject=submission_id)


def quote_job(
    database_url: str, actor: Principal, submission_id: str, document: dict[str, Any], asks: assessment.QuoteAsks,
    version: int, clock: Clock,
) -> dict[str, Any]:  # fmt: skip
    """`assessment.quote_submission` as a job, reporting its simulations done of all it plans (the quoted
    tier's, its grid's cells, each compared tier's); audited and refused as `assess_job`."""
    return _on_submission(
        database_url, submission_id,
        lambda session: assessment.quote_submission(
            session, actor, submission_id, document, tier=asks.tier, grid=asks.grid, subsidy=asks.subsidy,
            tiers=asks.tiers, expected_version=version, clock=clock, progress=report_progress,
        ),
    )  # fmt: skip


def start_quote(
    queue: JobQueue, database_url: str, session: Session, actor: Principal, submission_id: str,
    document: dict[str, Any], asks: assessment.QuoteAsks, *, clock: Clock,
) -> JobHandle:  # fmt: skip
    """Check what the quote checks before it simulates (so a refusal answers now, naming the field), then queue
    it on the submission (`quote_subject`)."""
    version = assessment.may_quote(session, actor, submission_id, document, asks, clock)
    args = (database_url, actor, submission_id, document, asks, version, clock)
    return queue.enqueue(actor.org_id, quote_job, *args, subject=quote_subject(submission_id))


def quote_subject(submission_id: str) -> str:
    """The subject of a quote job: the submission's, told apart from its assessment's (a job's page says which)."""
    return f"{submission_id}/quote"


def submission_job(queue: JobQueue, submission_id: str, job_id: str) -> JobHandle:
    """A job on the submission, its assessment or its quote (the caller has read the submission: whoever may
    see it may follow its jobs); an unknown id, or one on another object, answers `NotFound`."""
    handle = queue.fetch(job_id)
    if handle.subject not in (submission_id, quote_subject(submission_id)):
        raise NotFound("job", job_id)
    return handle


#: The subject of a book view's curves job: the organization's own book (its owner), not one object.
BOOK = "book"


def book_curves_job(database_url: str, actor: Principal, years: int, seed: int) -> dict[str, Any]:
    """The book view of `actor`'s organization with its curves (from the cache when a job before it simulated
    them), its years reported as they are simulated. Returns the document and its cache key, so the serving
    process caches what a worker process computed (`accumulation.remember`)."""
    sessions, engine = _sessions(database_url)
    try:
        with sessions() as session:
            view = accumulation.book_view(session, actor, years=years, seed=seed, progress=report_progress)
        return {"key": view.key, "document": view.document}
    finally:
        if engine is not None:
            engine.dispose()


def start_book_curves(queue: JobQueue, database_url: str, actor: Principal, *, years: int, seed: int) -> JobHandle:
    """Queue the curves of the caller's book view (whoever may read it)."""
    require(actor, Action.VIEW_ACCUMULATION)
    return queue.enqueue(actor.org_id, book_curves_job, database_url, actor, years, seed, subject=BOOK)


def book_job(queue: JobQueue, actor: Principal, job_id: str) -> JobHandle:
    """A curves job on the caller's organization's book, for whoever may read that book view; any other job
    answers `NotFound`. A finished one's document is cached in this process."""
    require(actor, Action.VIEW_ACCUMULATION)
    handle = queue.fetch(job_id)
    if handle.subject != BOOK or handle.owner != actor.org_id:
        raise NotFound("job", job_id)
    if handle.status == "finished":
        accumulation.remember(tuple(handle.result["key"]), handle.result["document"])
    return handle
