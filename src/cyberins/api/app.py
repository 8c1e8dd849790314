"""The FastAPI application factory. Nothing is created at import time: `create_app(settings)` builds the app,
and its lifespan opens the engine and the job queue and closes them at shutdown."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI

from cyberins.api import docs, errors
from cyberins.api.deps import no_nul
from cyberins.api.headers import Options, SecurityHeaders
from cyberins.api.limits import BodyLimits
from cyberins.api.routes import auth, claims, meta, monitoring, organizations, platform, portfolio, underwriting
from cyberins.services.clock import SYSTEM_CLOCK, Clock
from cyberins.services.jobs import serve_jobs
from cyberins.services.queue import JobQueue, queue_for
from cyberins.services.secrets import audit_key, with_signing_key
from cyberins.settings import Settings, get_settings
from cyberins.store.db import make_engine, session_factory
from cyberins.web import mount as mount_pages

DESCRIPTION = """
Cyber insurance platform API: parties, underwriting (submission → assessment → quote → bound policy →
expiry, renewal or cancellation), claims (report → responder → forensics → decision → adjustment →
settlement → payment → close) and a services marketplace. Assessment, quoting, the coverage decision, the
loss adjustment and the settlement are computed by the risk, pricing and claims engines.

Sign in with `POST /auth/token` and send `Authorization: Bearer <token>`, or send a machine client's
`X-API-Key`. Everything except health, readiness, version, this schema and `/catalog` needs credentials;
ids of other parties answer 404. Errors have one shape: `{"error": {"code", "message", "fields"}}`.
POSTs that bind a policy, settle or pay a claim need an `Idempotency-Key` header.
"""


def create_app(settings: Settings, *, clock: Clock = SYSTEM_CLOCK, queue: JobQueue | None = None) -> FastAPI:
    """A ready-to-serve app over `settings.database_url` (migrate it first: `cyberins demo` or `upgrade`).

    The signing key is resolved here (`services.secrets.with_signing_key`), so an app never starts without
    one: `InvalidInput` names the setting to give.
    """
    settings = with_signing_key(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = make_engine(settings.database_url)
        jobs = queue if queue is not None else queue_for(settings.redis_url)
        sessions = session_factory(engine, audit_key(settings))
        app.state.engine, app.state.sessions, app.state.queue = engine, sessions, jobs
        serve_jobs(settings.database_url, sessions)
        try:
            yield
        finally:
            serve_jobs(settings.database_url, None)
            if queue is None:
                jobs.close()
            engine.dispose()

    app = FastAPI(
        title="cyberins", version="1", description=DESCRIPTION, lifespan=lifespan, dependencies=[Depends(no_nul)],
        docs_url=None, redoc_url=None,  # served from vendored files by api.docs
    )  # fmt: skip
    app.state.settings, app.state.clock = settings, clock
    errors.install(app)
    for module in (meta, auth, organizations, underwriting, claims, platform, portfolio, monitoring):
        app.include_router(module.router)
    app.include_router(docs.router)
    mount_pages(app)  # the web pages, same process and services (contracts/web.md)
    app.add_middleware(BodyLimits, max_bytes=settings.max_body_bytes)
    app.add_middleware(Options)
    app.add_middleware(SecurityHeaders)  # outermost: its headers reach every response, a 413 included
    return app


def app_from_environment() -> FastAPI:
    """`create_app(get_settings())`: the factory each uvicorn worker process imports (`cyberins serve --workers`)."""
    return create_app(get_settings())
