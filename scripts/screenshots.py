"""Regenerate docs/screenshots/{page}-{lang}.png (contracts/web.md): the demo world in a fresh SQLite file,
served by uvicorn in a thread, photographed by Debian's Chromium through Playwright (launched as the contract
says). Run from the repository root: `python scripts/screenshots.py`."""

from __future__ import annotations

import socket
import tempfile
import threading
import time
from pathlib import Path

import uvicorn
from playwright.sync_api import Page, sync_playwright

from cyberins.api import create_app
from cyberins.services.demo import seed_demo
from cyberins.services.queue import InProcessQueue
from cyberins.services.secrets import audit_key
from cyberins.settings import Settings
from cyberins.store import make_engine, session_factory, upgrade

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "screenshots"
ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
]  # fmt: skip
#: page name -> the demo user (org kind, role) who looks at it
DASHBOARDS = {
    "dashboard-insured": ("insured", "admin"),
    "dashboard-broker": ("broker", "admin"),
    "dashboard-underwriter": ("insurer", "underwriter"),
    "dashboard-claims-handler": ("insurer", "claims_handler"),
    "dashboard-responder": ("incident_responder", "admin"),
    "dashboard-insurer": ("insurer", "admin"),
}


def main() -> None:
    folder = Path(tempfile.mkdtemp())
    settings = Settings(database_url=f"sqlite:///{folder / 'demo.db'}", env="dev", secret_key="x" * 48, redis_url=None)
    engine = make_engine(settings.database_url)
    upgrade(engine)
    with session_factory(engine, audit_key(settings))() as session:
        report = seed_demo(session, ROOT / "examples" / "policies")
    users = {(kind, role): email for _, kind, email, role, _ in report.users}
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(create_app(settings, queue=InProcessQueue()), host="127.0.0.1", port=port, log_level="warning")
    )
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    base = f"http://127.0.0.1:{port}"
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=ARGS)

        def as_user(kind: str, role: str) -> Page:
            page = browser.new_context(viewport={"width": 1100, "height": 900}).new_page()
            page.goto(base + "/login")
            page.fill("input[name=email]", users[(kind, role)])
            page.fill("input[name=password]", str(report.password))
            page.click("form[data-testid=login-form] button")
            page.wait_for_selector("[data-testid=dashboard]")
            return page

        for lang in ("zh", "en"):
            login = browser.new_context(viewport={"width": 1100, "height": 700}).new_page()
            login.goto(f"{base}/login?lang={lang}")
            login.screenshot(path=OUT / f"login-{lang}.png", full_page=True)
            for name, (kind, role) in DASHBOARDS.items():
                page = as_user(kind, role)
                page.goto(f"{base}/?lang={lang}")
                page.screenshot(path=OUT / f"{name}-{lang}.png", full_page=True)
                page.context.close()
            page = as_user("insurer", "claims_handler")
            for name, listed in (("submission", "submissions"), ("policy", "policies"), ("claim", "claims")):
                page.goto(f"{base}/web/{listed}?lang={lang}")
                row = f"{name}-row"
                page.click(f"[data-testid={row}] a >> nth=0")
                page.wait_for_selector("[data-testid=state]")
                page.screenshot(path=OUT / f"{name}-{lang}.png", full_page=True)
            page.context.close()
        browser.close()
    server.should_exit = True
    print(f"wrote {len(list(OUT.glob('*.png')))} screenshots to {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
