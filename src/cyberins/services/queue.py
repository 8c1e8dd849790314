"""Background jobs behind one small interface: Redis (rq) when `CYBERINS_REDIS_URL` is set, else a thread of
the serving process (`ThreadQueue`); tests that want a job done when it is enqueued use `InProcessQueue`.

rq is chosen over dramatiq because it needs no global broker object (a queue is an explicit value built
from a connection, matching "nothing created at import time"), its `SimpleWorker` runs a job in the
test's own process against real Redis, and it has been maintained steadily for a decade. A job is a
plain importable function with plain arguments (rq pickles them), so the same function runs in every queue.

A running job says how far it is with `report_progress(done, total)`; each queue keeps the latest pair in
the job's handle (rq in the job's meta), so a page can draw a progress bar while it runs.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextvars import ContextVar
from dataclasses import dataclass, replace
from typing import Any, Protocol

from cyberins.services.errors import NotFound
from cyberins.store.types import new_id

Progress = Callable[[int, int], None]
#: Where `report_progress` goes in the job running in this thread (none outside a job).
_reporter: ContextVar[Progress | None] = ContextVar("cyberins_job_progress", default=None)


def report_progress(done: int, total: int) -> None:
    """The running job has done `done` of `total` steps (years simulated, say); nothing outside a job."""
    reporter = _reporter.get()
    if reporter is not None:
        reporter(done, total)


@dataclass(frozen=True)
class JobHandle:
    id: str
    status: str  # queued, started, finished, failed
    owner: str  # the organization that started it; only it may read the outcome
    result: Any = None
    error: str | None = None
    subject: str = ""  # the object the job works on (a submission's id), so its page may follow it
    progress: tuple[int, int] | None = None  # (done, total) as the job last reported it


class JobQueue(Protocol):
    def enqueue(self, owner: str, job: Callable[..., Any], *args: Any, subject: str = "") -> JobHandle:
        """Schedule `job(*args)` for `owner` about `subject`; `args` must pickle (rq sends them to a worker)."""
        ...

    def fetch(self, job_id: str) -> JobHandle:
        """The job's state and, once finished, its result; `NotFound` for an unknown id."""
        ...

    def close(self) -> None: ...


class InProcessQueue:
    """Runs each job at once in the caller's thread; keeps the outcomes for `fetch`."""

    def __init__(self) -> None:
        self._jobs: dict[str, JobHandle] = {}
        self._lock = threading.Lock()

    def enqueue(self, owner: str, job: Callable[..., Any], *args: Any, subject: str = "") -> JobHandle:
        handle = JobHandle(new_id(), "queued", owner, subject=subject)
        self._keep(handle)
        self._run(handle.id, job, args)
        return self.fetch(handle.id)

    def _keep(self, handle: JobHandle) -> None:
        with self._lock:
            self._jobs[handle.id] = handle

    def _update(self, job_id: str, **changes: Any) -> None:
        with self._lock:
            self._jobs[job_id] = replace(self._jobs[job_id], **changes)

    def _run(self, job_id: str, job: Callable[..., Any], args: tuple[Any, ...]) -> None:
        self._update(job_id, status="started")
        token = _reporter.set(lambda done, total: self._update(job_id, progress=(done, total)))
        try:
            self._update(job_id, status="finished", result=job(*args))
        except Exception as exc:  # a failed job is reported, as a worker would, not raised into the caller
            self._update(job_id, status="failed", error=f"{type(exc).__name__}: {exc}")
        finally:
            _reporter.reset(token)

    def fetch(self, job_id: str) -> JobHandle:
        with self._lock:
            if job_id not in self._jobs:
                raise NotFound("job", job_id)
            return self._jobs[job_id]

    def close(self) -> None:
        with self._lock:
            self._jobs.clear()


class ThreadQueue(InProcessQueue):
    """Runs the jobs one after another on a thread of the serving process, so a request that starts one
    answers at once and its page can follow the job (`cyberins serve` without Redis). One at a time: a
    simulation keeps a core busy, and the jobs wait their turn rather than share it."""

    def __init__(self) -> None:
        super().__init__()
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="cyberins-job")

    def enqueue(self, owner: str, job: Callable[..., Any], *args: Any, subject: str = "") -> JobHandle:
        handle = JobHandle(new_id(), "queued", owner, subject=subject)
        self._keep(handle)
        self._worker.submit(self._run, handle.id, job, args)
        return handle

    def close(self) -> None:
        self._worker.shutdown(wait=False, cancel_futures=True)
        super().close()


def _reporting(job: Callable[..., Any], *args: Any) -> Any:
    """`job(*args)` in an rq worker, its progress saved in the job's meta for `RedisQueue.fetch`."""
    from rq import get_current_job

    current = get_current_job()

    def save(done: int, total: int) -> None:
        if current is not None:
            current.meta["progress"] = [done, total]
            current.save_meta()  # type: ignore[no-untyped-call]  # rq's own annotations lack it

    token = _reporter.set(save)
    try:
        return job(*args)
    finally:
        _reporter.reset(token)


class RedisQueue:
    """An rq queue on Redis; run workers with `rq worker -u $CYBERINS_REDIS_URL cyberins`."""

    def __init__(self, url: str, name: str = "cyberins") -> None:
        from redis import Redis
        from rq import Queue

        self.connection = Redis.from_url(url)
        self.queue = Queue(name, connection=self.connection)

    def enqueue(self, owner: str, job: Callable[..., Any], *args: Any, subject: str = "") -> JobHandle:
        return self._handle(self.queue.enqueue(_reporting, job, *args, meta={"owner": owner, "subject": subject}))

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
        done = job.meta.get("progress")
        return JobHandle(
            job.id, status, str(job.meta.get("owner", "")), result=result, error=error,
            subject=str(job.meta.get("subject", "")), progress=(int(done[0]), int(done[1])) if done else None,
        )  # fmt: skip

    def close(self) -> None:
        self.connection.close()


def queue_for(redis_url: str | None) -> JobQueue:
    return RedisQueue(redis_url) if redis_url else ThreadQueue()
