"""Background jobs: the in-process queue behind the API, and the same job on real Redis through rq."""

from __future__ import annotations

import os
from collections import OrderedDict
from collections.abc import Callable, Iterator
from uuid import uuid4

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from cyberins.services import accumulation, jobs, underwriting
from cyberins.services.clock import FixedClock
from cyberins.services.errors import NotFound
from cyberins.services.jobs import revalidate_active_policies
from cyberins.services.queue import RedisQueue, report_progress
from tests.platform.world import World, profile

REDIS_URL = os.environ.get("CYBERINS_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def _break_policy(engine: Engine, policy_id: str) -> None:
    """Make a stored wording invalid, as a model upgrade might."""
    with engine.begin() as connection:
        document = connection.execute(text("SELECT document FROM policies WHERE id = :id"), {"id": policy_id}).scalar()
        assert document is not None
        broken = '{"currency": "XXX"}' if isinstance(document, str) else None
        if broken is None:  # JSONB comes back as a dict
            connection.execute(
                text('UPDATE policies SET document = \'{"currency": "XXX"}\'::jsonb WHERE id = :id'), {"id": policy_id}
            )
        else:
            connection.execute(text("UPDATE policies SET document = :d WHERE id = :id"), {"d": broken, "id": policy_id})


def test_revalidation_job_runs_in_process_for_the_callers_book(
    client: TestClient, world: World, engine: Engine
) -> None:
    started = client.post("/jobs/revalidate-policies", headers=world.headers("insurer_a"))
    assert started.status_code == 202, started.text
    assert started.json()["status"] == "finished"
    assert started.json()["result"] == {"checked": 1, "invalid": []}
    _break_policy(engine, world.ids["policy_a"])
    again = client.post("/jobs/revalidate-policies", headers=world.headers("insurer_a")).json()
    assert [i["policy_id"] for i in again["result"]["invalid"]] == [world.ids["policy_a"]]
    assert client.get(f"/jobs/{again['id']}", headers=world.headers("insurer_a")).json() == again
    assert client.get(f"/jobs/{again['id']}", headers=world.headers("insurer_b")).status_code == 404
    assert client.post("/jobs/revalidate-policies", headers=world.headers("broker_a")).status_code == 403


@pytest.fixture
def redis_queue() -> Iterator[RedisQueue]:
    from redis import Redis
    from redis.exceptions import RedisError

    probe = Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        probe.ping()
    except RedisError as exc:
        pytest.skip(f"Redis unreachable at {REDIS_URL} ({type(exc).__name__}); set CYBERINS_TEST_REDIS_URL")
    finally:
        probe.close()
    name = f"cyberins-test-{uuid4().hex[:8]}"
    queue = RedisQueue(REDIS_URL, name=name)
    try:
        yield queue
    finally:  # leave Redis as found: the queue, its registries, its worker, its jobs and their results
        redis = queue.connection
        for key in redis.scan_iter("rq:job:*"):
            if redis.hget(key, "origin") == name.encode():
                job_id = key.decode().removeprefix("rq:job:")
                redis.delete(key, f"rq:results:{job_id}", f"rq:job:{job_id}:dependents")
        for key in redis.scan_iter(f"*{name}*"):
            redis.delete(key)
        redis.srem("rq:queues", f"rq:queue:{name}")
        queue.close()


def test_revalidation_job_runs_on_real_redis(redis_queue: RedisQueue, world: World, database_url: str) -> None:
    from rq import SimpleWorker

    handle = redis_queue.enqueue(
        world.org["insurer_a"], revalidate_active_policies, database_url, world.org["insurer_a"]
    )
    assert handle.status == "queued" and handle.owner == world.org["insurer_a"]
    worker = SimpleWorker([redis_queue.queue], connection=redis_queue.connection, name=f"{redis_queue.queue.name}-w")
    assert worker.work(burst=True, logging_level="WARNING")
    done = redis_queue.fetch(handle.id)
    assert (done.status, done.result) == ("finished", {"checked": 1, "invalid": []})


def counting(steps: int) -> int:
    """A job that reports each step (importable, as rq's worker imports the function it runs)."""
    for n in range(1, steps + 1):
        report_progress(n, steps)
    return steps


def test_a_jobs_progress_and_subject_come_back_from_redis(redis_queue: RedisQueue) -> None:
    from rq import SimpleWorker

    handle = redis_queue.enqueue("org", counting, 3, subject="submission-1")
    assert (handle.status, handle.subject, handle.progress) == ("queued", "submission-1", None)
    worker = SimpleWorker([redis_queue.queue], connection=redis_queue.connection, name=f"{redis_queue.queue.name}-p")
    assert worker.work(burst=True, logging_level="WARNING")
    done = redis_queue.fetch(handle.id)
    assert (done.status, done.result, done.progress, done.subject) == ("finished", 3, (3, 3), "submission-1")


def test_the_assessment_job_runs_on_a_redis_worker(
    redis_queue: RedisQueue, world: World, session: Session, clock: FixedClock, database_url: str,
    use_database: Callable[[str], None],
) -> None:  # fmt: skip
    from rq import SimpleWorker

    use_database(database_url)  # the worker's own settings: the world's database and installation key
    insurer = world.principal["insurer_a"]
    sub = underwriting.submit(
        session, world.principal["broker_a"], world.org["insurer_a"], profile("Queued Co"), world.org["insured_a"]
    )
    handle = jobs.start_assessment(redis_queue, database_url, session, insurer, sub.id, seed=1, years=1000, clock=clock)
    assert (handle.status, handle.subject) == ("queued", sub.id)
    worker = SimpleWorker([redis_queue.queue], connection=redis_queue.connection, name=f"{redis_queue.queue.name}-a")
    assert worker.work(burst=True, logging_level="WARNING")
    done = redis_queue.fetch(handle.id)
    assert (done.status, done.result, done.progress) == (
        "finished",
        {"submission_id": sub.id, "problem": None},
        (1000, 1000),
    )
    session.expire_all()
    assert underwriting.get_submission(session, insurer, sub.id).state == "assessed"


def test_the_book_curves_job_runs_on_a_redis_worker_and_the_server_caches_them(
    redis_queue: RedisQueue, world: World, session: Session, database_url: str,
    use_database: Callable[[str], None], monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    from rq import SimpleWorker

    use_database(database_url)
    insurer = world.principal["insurer_a"]
    handle = jobs.start_book_curves(redis_queue, database_url, insurer, years=600, seed=4)
    assert (handle.status, handle.subject, handle.owner) == ("queued", jobs.BOOK, world.org["insurer_a"])
    worker = SimpleWorker([redis_queue.queue], connection=redis_queue.connection, name=f"{redis_queue.queue.name}-b")
    assert worker.work(burst=True, logging_level="WARNING")
    monkeypatch.setattr(accumulation, "_cache", OrderedDict())  # the serving process: its own, empty cache
    assert accumulation.book_view(session, insurer, years=600, seed=4, simulate=False).pending
    done = jobs.book_job(redis_queue, insurer, handle.id)  # the page reads the finished job: its curves cached
    assert (done.status, done.progress) == ("finished", (600, 600))
    view = accumulation.book_view(session, insurer, years=600, seed=4, simulate=False)
    assert not view.pending and view.document == done.result["document"] and view.document["curves"]["years"] == 600
    with pytest.raises(NotFound):  # another insurer's reader may not follow it
        jobs.book_job(redis_queue, world.principal["insurer_b"], handle.id)
