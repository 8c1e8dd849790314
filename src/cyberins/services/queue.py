"""Background jobs behind one small interface: Redis (rq) when `CYBERINS_REDIS_URL` is set, else in-process.

rq is chosen over dramatiq because it needs no global broker object (a queue is an explicit value built
from a connection, matching "nothing created at import time"), its `SimpleWorker` runs a job in the
test's own process against real Redis, and it has been maintained steadily for a decade. A job is a
plain importable function with JSON-like arguments, so the same function runs in both queues.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from cyberins.services.errors import NotFound
from cyberins.store.types import new_id


@dataclass(frozen=True)
class JobHandle:
    id: str
    status: str  # queued, started, finished, failed
    owner: str  # the organization that started it; only it may read the outcome
    result: Any = None
    error: str | None = None


class JobQueue(Protocol):
    def enqueue(self, owner: str, job: Callable[..., Any], *args: Any) -> JobHandle:
        """Schedule `job(*args)` for `owner`; `args` must be plain data (strings, numbers, None)."""
        ...

    def fetch(self, job_id: str) -> JobHandle:
        """The job's state and, once finished, its result; `NotFound` for an unknown id."""
        ...

    def close(self) -> None: ...


class InProcessQueue:
    """Runs each job at once in the caller's process; keeps the outcomes for `fetch`."""

    def __init__(self) -> None:
        self._done: dict[str, JobHandle] = {}

    def enqueue(self, owner: str, job: Callable[..., Any], *args: Any) -> JobHandle:
        job_id = new_id()
        try:
            handle = JobHandle(job_id, "finished", owner, result=job(*args))
        except Exception as exc:  # a failed job is reported, as a worker would, not raised into the caller
            handle = JobHandle(job_id, "failed", owner, error=f"{type(exc).__name__}: {exc}")
        self._done[job_id] = handle
        return handle

    def fetch(self, job_id: str) -> JobHandle:
        if job_id not in self._done:
            raise NotFound("job", job_id)
        return self._done[job_id]

    def close(self) -> None:
        self._done.clear()


class RedisQueue:
    """An rq queue on Redis; run workers with `rq worker -u $CYBERINS_REDIS_URL cyberins`."""

    def __init__(self, url: str, name: str = "cyberins") -> None:
        from redis import Redis
        from rq import Queue

        self.connection = Redis.from_url(url)
        self.queue = Queue(name, connection=self.connection)

    def enqueue(self, owner: str, job: Callable[..., Any], *args: Any) -> JobHandle:
        return self._handle(self.queue.enqueue(job, *args, meta={"owner": owner}))

    def fetch(self, job_id: str) -> JobHandle:
        from rq.exceptions import NoSuchJobError
        from rq.job import Job

        try:
            return self._handle(Job.fetch(job_id, connection=self.connection))
        except NoSuchJobError:
            raise NotFound("job", job_id) from None

    @staticmethod
    def _handle(job: Any) -> JobHandle:
        raw = job.get_status(refresh=True)
        status = str(getattr(raw, "value", raw) or "queued")  # rq's JobStatus enum, or a plain string
        result = job.return_value() if status == "finished" else None
        error = None
        if status == "failed":
            latest = job.latest_result()
            error = (latest.exc_string or "failed").strip().splitlines()[-1] if latest else "failed"
        return JobHandle(job.id, status, str(job.meta.get("owner", "")), result=result, error=error)

    def close(self) -> None:
        self.connection.close()


def queue_for(redis_url: str | None) -> JobQueue:
    return RedisQueue(redis_url) if redis_url else InProcessQueue()
