"""Security headers on every response, the docs from vendored files, no server banner (issue 16 §1)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.platform.world import World


def test_every_response_carries_the_security_headers(client: TestClient, world: World) -> None:
    responses = {
        "health": client.get("/health"),
        "not found": client.get("/no-such-path"),
        "unauthenticated": client.get("/policies"),
        "method": client.delete("/health"),
        "too large": client.post("/auth/token", content=b"x" * 2_000_000),
        "authenticated": client.get("/policies", headers=world.headers("insurer_a")),
        "docs": client.get("/docs"),
    }
    for name, r in responses.items():
        h = r.headers
        assert h["x-content-type-options"] == "nosniff", name
        assert h["x-frame-options"] == "DENY", name
        assert h["referrer-policy"] == "no-referrer", name
        assert "frame-ancestors 'none'" in h["content-security-policy"], name
        assert "server" not in h, name
        assert "strict-transport-security" not in h, name  # plain HTTP here: HSTS only over TLS
    assert responses["authenticated"].headers["cache-control"] == "no-store"
    assert responses["health"].headers["content-security-policy"].startswith("default-src 'none'")


def test_hsts_over_tls(client: TestClient) -> None:
    tls = TestClient(client.app, base_url="https://testserver")
    assert tls.get("/health").headers["strict-transport-security"].startswith("max-age=31536000")


def test_the_docs_load_only_vendored_files_and_run_no_inline_script(client: TestClient) -> None:
    for page in ("/docs", "/redoc"):
        r = client.get(page)
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
        assert "http" not in r.text  # no CDN: every asset is a path on this service
        assert "<script>" not in r.text  # scripts only by src, so the CSP can forbid inline ones
        assert "script-src 'self'" in r.headers["content-security-policy"]
        for src in (part.split('"')[0] for part in r.text.split('src="')[1:]):
            asset = client.get(src)
            assert asset.status_code == 200 and len(asset.content) > 100, src
    assert client.get("/docs/static/settings.py").status_code == 404
    assert client.get("/no/such/path").status_code == 404
    assert client.get("/openapi.json").status_code == 200


def test_options_lists_the_methods_of_the_path(client: TestClient) -> None:
    r = client.options("/policies")
    assert r.status_code == 204
    assert set(r.headers["allow"].split(", ")) >= {"GET", "POST", "OPTIONS"}
    assert r.headers["x-content-type-options"] == "nosniff"
    assert client.options("/health").headers["allow"] == "GET, OPTIONS"
    missing = client.options("/no-such-path")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"


def test_unparseable_bodies_are_400_and_a_crash_is_a_documented_500(client: TestClient) -> None:
    form = {"content-type": "application/x-www-form-urlencoded"}
    for body, headers in ((b"\xff\xfe", form), (b"{bad", {"content-type": "application/json"})):
        r = client.post("/auth/token", content=body, headers=headers)
        assert r.status_code == 400 and r.json()["error"]["code"] == "bad_request"

    def boom() -> None:
        raise RuntimeError("DETAIL: Key (email)=(x@y) already exists")  # a driver text that must not leak

    client.app.add_api_route("/boom", boom)  # type: ignore[attr-defined]
    crashing = TestClient(client.app, raise_server_exceptions=False)
    r = crashing.get("/boom")
    assert r.status_code == 500
    assert r.json() == {"error": {"code": "internal_error", "message": r.json()["error"]["message"], "fields": []}}
    assert "DETAIL" not in r.text and r.headers["x-content-type-options"] == "nosniff"
