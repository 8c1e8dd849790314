"""The API's error bodies speak the reader's language (`Accept-Language`, issue 17 §3): every error path of a
few endpoints answers the same status, code and field paths in zh and en, with the human texts in one script
each (ids, field paths and e-mail addresses are names and may show in Latin letters)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from cyberins.api import create_app
from cyberins.api.errors import lang_of
from cyberins.model.vocab import OrgKind, PolicyState, Role
from cyberins.services.access import Action
from cyberins.services.clock import FixedClock
from cyberins.services.queue import InProcessQueue
from cyberins.settings import Settings
from cyberins.store.migrate import head_revision
from tests.one_language import chinese_in, english_in
from tests.platform.world import PASSWORD, World

#: Names a zh message may show: ids of the vocabulary, the test's own names.
IDS = [*Role, *OrgKind, *Action, *PolicyState, "no-such-policy", "Lang Co", "insurd"]
ZH, EN = {"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.8"}, {"Accept-Language": "en-GB"}


def _cases(world: World) -> dict[str, tuple[str, str, dict[str, Any], int]]:
    ids, insurer = world.ids, world.headers("insurer_a")
    cancel = {"effective_date": "2026-09-01", "reason": "x"}
    return {
        "no credentials": ("GET", "/me", {}, 401),
        "bad token": ("GET", "/me", {"headers": {"Authorization": "Bearer not-a-token"}}, 401),
        "wrong password": (
            "POST",
            "/auth/token",
            {"json": {"username": world.email["insured_a"], "password": "no"}},
            401,
        ),
        "role may not": (
            "POST",
            f"/policies/{ids['policy_a']}/cancel",
            {"json": cancel, "headers": world.headers("insurer_a_viewer")},
            403,
        ),
        "unknown id": ("GET", "/policies/no-such-policy", {"headers": insurer}, 404),
        "unknown route": ("GET", "/no-such-route", {"headers": insurer}, 404),
        "stale version": (
            "POST",
            f"/policies/{ids['policy_a']}/cancel",
            {"json": {**cancel, "version": 99}, "headers": {**insurer, "Idempotency-Key": "lang-1"}},
            409,
        ),
        "duplicate name": (
            "POST",
            "/organizations",
            {"json": {"name": "Lang Co", "kind": "insured"}, "headers": world.headers("broker_a")},
            409,
        ),
        "wrong types": (
            "POST",
            "/organizations",
            {"json": {"name": 5, "kind": "pirate", "extra": 1}, "headers": world.headers("broker_a")},
            422,
        ),
        "near miss": (
            "POST",
            "/organizations",
            {"json": {"name": "Near Co", "kind": "insurd"}, "headers": world.headers("broker_a")},
            422,
        ),
        "bad date": (
            "POST",
            f"/policies/{ids['policy_a']}/cancel",
            {"json": {**cancel, "effective_date": "soon"}, "headers": insurer},
            422,
        ),
        "bad paging": ("GET", "/policies?limit=0&state=bogus", {"headers": insurer}, 422),
        "not json": (
            "POST",
            "/organizations",
            {"content": b'{"name": ', "headers": {**world.headers("broker_a"), "Content-Type": "application/json"}},
            400,
        ),
        # the services' own refusals (`input.service.*`): a kind the registrar may not register, a change past the
        # policy's end, a password that is the current one, a malformed e-mail address
        "kind not registrable": (
            "POST",
            "/organizations",
            {"json": {"name": "Other Insurer", "kind": "insurer"}, "headers": world.headers("broker_a")},
            422,
        ),
        "after the period": (
            "POST",
            f"/policies/{ids['policy_a']}/cancel",
            {"json": {**cancel, "effective_date": "2099-01-01"}, "headers": {**insurer, "Idempotency-Key": "lang-2"}},
            422,
        ),
        "same password": (
            "POST",
            "/me/password",
            {"json": {"current_password": PASSWORD, "new_password": PASSWORD}, "headers": insurer},
            422,
        ),
        "not an email": (
            "POST",
            "/users",
            {
                "json": {"email": "nobody", "name": "N", "role": "viewer", "password": "a long passphrase"},
                "headers": insurer,
            },
            422,
        ),
        "too large": (
            "POST",
            "/organizations",
            {"json": {"name": "x" * 2_000_000, "kind": "insured"}, "headers": world.headers("broker_a")},
            413,
        ),
    }


def _ask(client: TestClient, case: tuple[str, str, dict[str, Any], int], lang: dict[str, str]) -> dict[str, Any]:
    method, path, kwargs, status = case
    kwargs = {**kwargs, "headers": {**kwargs.get("headers", {}), **lang}}
    response = client.request(method, path, **kwargs)
    assert response.status_code == status, response.text
    error: dict[str, Any] = response.json()["error"]
    return error


def _texts(error: dict[str, Any]) -> list[str]:
    return [error["message"], *(f["message"] for f in error["fields"])]


def test_every_error_path_answers_in_the_reader_language(client: TestClient, world: World) -> None:
    cases = _cases(world)
    created = client.post(
        "/organizations", json={"name": "Lang Co", "kind": "insured"}, headers=world.headers("broker_a")
    )
    assert created.status_code == 201
    for name, case in cases.items():
        zh, en = _ask(client, case, ZH), _ask(client, case, EN)
        assert (zh["code"], [f["field"] for f in zh["fields"]]) == (en["code"], [f["field"] for f in en["fields"]]), (
            name
        )
        names = [f["field"] for f in zh["fields"]] + list(world.ids.values()) + IDS
        for text in _texts(zh):
            assert english_in(text, names) == set(), (name, text)
        for text in _texts(en):
            assert chinese_in(text) == [], (name, text)
        assert zh["message"] != en["message"], name
    # a 422 names each refused field in a sentence of its own
    zh = _ask(client, cases["wrong types"], ZH)
    assert {f["field"] for f in zh["fields"]} >= {"name", "kind", "extra"}
    assert all(f["message"].startswith(f"字段 {f['field']}：") for f in zh["fields"])
    # a misspelt id gets the nearest known one, in either language
    zh, en = _ask(client, cases["near miss"], ZH), _ask(client, cases["near miss"], EN)
    assert zh["fields"] == [{"field": "kind", "message": "字段 kind：未知取值 'insurd'；是否应为 'insured'？"}]
    assert en["fields"] == [{"field": "kind", "message": "unknown value 'insurd'; did you mean 'insured'?"}]
    # a service's refusal is its catalogue sentence, its values (kinds, dates) filled in, in either language
    zh, en = _ask(client, cases["kind not registrable"], ZH), _ask(client, cases["kind not registrable"], EN)
    assert zh["fields"] == [
        {"field": "kind", "message": "字段 kind：broker 机构只能登记被保险人类型的机构，不能登记 insurer"}
    ]
    assert en["fields"] == [
        {"field": "kind", "message": "a broker registers organizations of kind insured, not insurer"}
    ]


def test_a_locked_sign_in_says_when_to_retry_in_the_reader_language(
    engine: Engine, settings: Settings, clock: FixedClock, world: World
) -> None:
    throttled = settings.model_copy(update={"signin_account_failures": 2, "signin_lock_s": 60})
    with TestClient(create_app(throttled, clock=clock, queue=InProcessQueue())) as client:
        body = {"username": world.email["insured_a"], "password": "wrong password!"}
        for _ in range(2):
            assert client.post("/auth/token", json=body, headers=ZH).status_code == 401
        zh = client.post("/auth/token", json=body, headers=ZH)
        en = client.post("/auth/token", json=body, headers=EN)
    assert zh.status_code == en.status_code == 429
    assert zh.json()["error"]["message"] == "登录失败次数过多，请在 60 秒后重试"
    assert en.json()["error"]["message"].startswith("too many failed sign-ins")


def test_not_ready_says_why_in_the_reader_language(tmp_path: Path, settings: Settings, clock: FixedClock) -> None:
    head = head_revision()
    said = {}
    for name, url in (
        ("behind", f"sqlite:///{tmp_path / 'empty.db'}"),  # no schema yet: migrations not run
        ("unreachable", f"sqlite:///{tmp_path / 'no-such-folder' / 'x.db'}"),
    ):
        app = create_app(settings.model_copy(update={"database_url": url}), clock=clock, queue=InProcessQueue())
        with TestClient(app) as client:
            zh, en = client.get("/ready", headers=ZH), client.get("/ready", headers=EN)
        assert zh.status_code == en.status_code == 503 and zh.json()["error"]["code"] == "not_ready"
        said[name] = (zh.json()["error"]["message"], en.json()["error"]["message"])
    assert said["behind"] == (
        f"数据库结构在 —，应为 {head}：请运行迁移",
        f"schema at —, expected {head}: run migrations",
    )
    zh_text, en_text = said["unreachable"]
    assert zh_text == "数据库无法连接：OperationalError" and en_text == "database unreachable: OperationalError"


@pytest.mark.parametrize(
    ("header", "lang"),
    [
        ("zh-CN", "zh"), ("zh", "zh"), ("zh-Hant-TW", "zh"), ("en-US,zh;q=0.9", "en"), ("fr, zh-CN;q=0.5", "zh"),
        ("zh;q=0.2, en;q=0.8", "en"), ("", "en"), ("*", "en"), ("zh;q=0", "en"), ("zh;q=abc, en", "en"),
    ],
)  # fmt: skip
def test_the_reader_language_is_the_first_zh_or_en_by_preference(header: str, lang: str) -> None:
    assert lang_of(header) == lang


@pytest.fixture
def client(engine: Engine, settings: Settings, clock: FixedClock) -> Iterator[TestClient]:
    with TestClient(create_app(settings, clock=clock, queue=InProcessQueue())) as client:
        yield client
