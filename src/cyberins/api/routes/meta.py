"""Public routes (rule 17): health, readiness, version and the catalog; nothing here needs credentials."""

from __future__ import annotations

from collections.abc import Mapping
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import text

from cyberins.api.errors import error_response, reader_lang
from cyberins.api.schemas.platform import StatusPublic, VersionPublic
from cyberins.catalog import get_catalog
from cyberins.model.messages import text as say
from cyberins.store.migrate import current_revision, head_revision

router = APIRouter(tags=["meta"])


@router.get("/health", response_model=StatusPublic, summary="The process is up")
def health() -> StatusPublic:
    return StatusPublic(status="ok")


@router.get("/ready", response_model=StatusPublic, responses={503: {"description": "Database unreachable or behind"}})
def ready(request: Request) -> StatusPublic | JSONResponse:
    """Ready when the database answers and its schema is at the newest migration."""
    engine = request.app.state.engine
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        at = current_revision(engine)
    except Exception as exc:  # any driver error means "not ready", reported, never raised
        message = say("api.error.ready.unreachable", reader_lang(request), error=type(exc).__name__)
        return error_response(503, "not_ready", message)
    if at != head_revision():
        message = say("api.error.ready.behind", reader_lang(request), at=at or "—", head=head_revision())
        return error_response(503, "not_ready", message)
    return StatusPublic(status="ready")


@router.get("/version", response_model=VersionPublic)
def get_version() -> VersionPublic:
    try:
        package = version("cyberins")
    except PackageNotFoundError:  # running from a source tree without metadata
        package = "0+unknown"
    return VersionPublic(version=package, schema_revision=head_revision())


@router.get("/catalog", summary="The public catalog: stable ids with zh-CN and English labels")
def catalog() -> dict[str, Any]:
    cat = get_catalog()
    tables: dict[str, Mapping[Any, Any]] = {
        "event_types": cat.event_types,
        "coverages": cat.coverages,
        "cost_categories": cat.cost_categories,
        "exclusions": cat.exclusions,
        "jurisdictions": cat.jurisdictions,
    }
    out: dict[str, Any] = {"version": cat.version}
    for name, table in tables.items():
        out[name] = [{"id": str(key), "label": {"zh": e.label.zh, "en": e.label.en}} for key, e in table.items()]
    return out
