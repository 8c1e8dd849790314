"""Schemathesis against the app's own OpenAPI schema: every operation, a bounded number of generated requests
(valid and invalid ones), signed in as the insurer's admin over a seeded world so authenticated routes are
reached. Each response must not be a 5xx, and its status code, content type, headers and body must be those
the schema documents.

Bounded and deterministic: at most `MAX_EXAMPLES` valid and as many invalid requests per operation, derandomized
Hypothesis, no example database, no shrinking; the whole module runs in well under a minute. Run it alone with
`pytest tests/platform/test_schema_fuzz.py`. (The cases are drawn with `operation.as_strategy` under our own
parametrization, since schemathesis' lazy pytest loader does not support this pytest release.)
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.python.asgi import shutdown_lifespans
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy.orm import Session

from cyberins.api import create_app
from cyberins.services import auth
from cyberins.store import make_engine
from cyberins.store.models import User
from tests.platform.conftest import seeded, settings_for
from tests.platform.world import World

MAX_EXAMPLES = 15
SEED = 20260815
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
CONFIG = {
    "seed": SEED,
    "generation": {
        "max-examples": MAX_EXAMPLES,
        "deterministic": True,
        "database": "none",
        "with-security-parameters": False,  # the caller's credentials are real; fuzz the rest
    },
}


@pytest.fixture(scope="module")
def fuzzed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[FastAPI, World]]:
    """A seeded world and an app over it; the app's lifespan (engine, queue) runs for the whole module."""
    with seeded(tmp_path_factory.mktemp("fuzz")) as (world, app):
        try:
            yield app, world
        finally:
            shutdown_lifespans()  # close the engine before the database goes


@pytest.fixture(scope="module")
def api_schema(fuzzed: tuple[FastAPI, World]) -> Any:
    app, _ = fuzzed
    return schemathesis.openapi.from_asgi("/openapi.json", app, config=schemathesis.Config.from_dict(CONFIG))


@pytest.fixture
def credentials(fuzzed: tuple[FastAPI, World]) -> dict[str, str]:
    """A token of the insurer's admin at its current token version, fresh for each operation: a fuzzed
    `POST /auth/logout` revokes the admin's tokens, and every later operation must still be reached."""
    _, world = fuzzed
    engine = make_engine(world.settings.database_url)  # its own, disposed: none of the app's pooled connections
    try:
        with Session(engine) as session:
            user = session.get(User, world.principal["insurer_a"].user_id)
            assert user is not None
            principal = auth.principal_of(session, user)
    finally:
        engine.dispose()
    return {"Authorization": f"Bearer {auth.issue_token(principal, world.settings).access_token}"}


def _operations() -> list[Any]:
    """One case per operation and mode, read from the schema without a database (at collection). Invalid
    requests are sent only where something can be invalid: a body, a query or a header parameter (a free-text
    path id has no invalid value)."""
    paths = create_app(settings_for("sqlite://")).openapi()["paths"]
    cases = []
    for path, item in sorted(paths.items()):
        for method, operation in sorted(item.items()):
            label = f"{method.upper()}-{path}"
            cases.append(pytest.param(method.upper(), path, GenerationMode.POSITIVE, id=f"valid-{label}"))
            parameters = [p for p in operation.get("parameters", []) if p["in"] != "path"]
            if "requestBody" in operation or parameters:
                cases.append(pytest.param(method.upper(), path, GenerationMode.NEGATIVE, id=f"invalid-{label}"))
    return cases


@pytest.mark.parametrize(("method", "path", "mode"), _operations())
def test_every_operation_answers_as_documented(
    api_schema: Any, credentials: dict[str, str], method: str, path: str, mode: GenerationMode
) -> None:
    operation = api_schema[path][method]

    @settings(
        max_examples=MAX_EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],  # no shrinking: a failure is reported as found
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(mode))
    def exchange(case: Any) -> None:
        case.call_and_validate(headers=credentials, checks=CHECKS)

    exchange()
