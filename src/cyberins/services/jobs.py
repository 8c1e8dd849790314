"""Background jobs. Each opens its own engine from a URL, so it runs the same in an rq worker or in-process."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from cyberins.model.loading import problems_from
from cyberins.model.policy import Policy
from cyberins.model.vocab import PolicyState
from cyberins.services.access import Action, Principal, require
from cyberins.services.errors import NotFound
from cyberins.services.queue import JobHandle, JobQueue
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
