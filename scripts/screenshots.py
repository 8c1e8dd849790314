"""Regenerate docs/screenshots/ from the repository root.

`python scripts/screenshots.py` photographs the web pages, `{page}-{lang}.png` (contracts/web.md): the demo
world in a fresh SQLite file, served by uvicorn in a thread, photographed by Debian's Chromium through
Playwright (launched as the contract says).

`python scripts/screenshots.py --outputs` pictures what the main job writes, as a reviewer of issue 17 reads
it: `cyberins run` in each language into a temporary folder, then poppler's `pdftoppm` turns every page of the
report into `report-{lang}-{n}.png` and the settlement statement's first page into `statement-{lang}-1.png`.
"""

from __future__ import annotations

import argparse
import socket
import subprocess
import sys
import tempfile
import threading
import time
from decimal import Decimal
from pathlib import Path

import uvicorn
import yaml
from playwright.sync_api import Page, sync_playwright
from sqlalchemy.orm import Session

from cyberins.api import create_app
from cyberins.model.vocab import OrgKind, Role
from cyberins.pricing.subsidy import load_scheme
from cyberins.services import assessment, demo, underwriting
from cyberins.services.access import Principal
from cyberins.services.demo import seed_demo
from cyberins.services.queue import InProcessQueue
from cyberins.services.secrets import audit_key
from cyberins.settings import Settings
from cyberins.store import make_engine, session_factory, upgrade
from cyberins.store.repos import parties as party_repo
from cyberins.web import insight

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "screenshots"
#: resolution of the pictured PDFs: A4 at 80 dpi is 661 x 935 pixels, readable and about 150 KB a page
DPI = "80"
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


def underwrite_the_open_submission(session: Session) -> str:
    """Assess and quote the demo's open submission as the insurer's underwriter (a seed, and the years the API
    and `cyberins quote` choose by default: a standard error at most 0.5% of the expected loss), so the pages
    show an assessment and a quote with figures as precise as a user gets."""
    insurer = party_repo.organization_named(session, demo.INSURER)
    assert insurer is not None
    underwriter = Principal(insurer.id, OrgKind.INSURER, Role.UNDERWRITER)
    sub = underwriting.list_submissions(session, underwriter, state="submitted", limit=1).items[0]
    assessment.assess_submission(session, underwriter, sub.id, seed=42)
    wording = yaml.safe_load(insight.quote_template(sub))
    # options for the broker's comparison: three limits by two retentions, after the example subsidy scheme
    grid = assessment.GridOptions(
        tuple(Decimal(x) for x in ("1000000", "2000000", "5000000")), (Decimal(10000), Decimal(50000))
    )
    scheme = load_scheme(ROOT / "examples" / "subsidies" / "sme-cyber-subsidy-cny.yaml")
    assessment.quote_submission(session, underwriter, sub.id, wording, grid=grid, subsidy=scheme)
    return sub.id


def picture_the_main_jobs_outputs() -> None:
    """The report (every page) and the statement (page 1) of `cyberins run`, in zh and in en."""
    with tempfile.TemporaryDirectory() as tmp:
        for lang in ("zh", "en"):
            out = Path(tmp) / lang
            job = [sys.executable, "-m", "cyberins", "run", "--out", str(out), "--lang", lang]
            subprocess.run(job, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
            for old in OUT.glob(f"report-{lang}-*.png"):  # a report that shrank leaves no stale last page
                old.unlink()
            to_png = ["pdftoppm", "-r", DPI, "-png"]
            subprocess.run([*to_png, out / f"report-{lang}.pdf", OUT / f"report-{lang}"], check=True)
            page_1 = ["-singlefile", "-f", "1", "-l", "1"]
            subprocess.run([*to_png, *page_1, out / f"statement-{lang}.pdf", OUT / f"statement-{lang}-1"], check=True)
    print(f"wrote {len(list(OUT.glob('report-*.png')))} report and 2 statement pages to {OUT.relative_to(ROOT)}")


def picture_the_web_pages() -> None:
    folder = Path(tempfile.mkdtemp())
    settings = Settings(database_url=f"sqlite:///{folder / 'demo.db'}", env="dev", secret_key="x" * 48, redis_url=None)
    engine = make_engine(settings.database_url)
    upgrade(engine)
    with session_factory(engine, audit_key(settings))() as session:
        report = seed_demo(session, ROOT / "examples" / "policies")
        quoted = underwrite_the_open_submission(session)
    # each (kind, role) by a demo user; the insured is the one whose submission was just assessed and quoted
    users = {(kind, role): email for org, kind, email, role, _ in report.users if org != demo.BROKER_EAST}
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
            for name, listed, role in (
                ("submission", "submissions", "underwriter"),
                ("policy", "policies", "claims_handler"),
                ("claim", "claims", "claims_handler"),
            ):
                page = as_user("insurer", role)
                page.goto(f"{base}/web/{listed}?lang={lang}")
                row = (
                    f'[data-testid={name}-row][data-id="{quoted}"]'  # quoted: an id may start with a digit
                    if name == "submission"
                    else f"[data-testid={name}-row]"
                )
                page.click(f"{row} a >> nth=0")  # the submission just quoted; the first policy and claim
                page.wait_for_selector("[data-testid=state]")
                page.screenshot(path=OUT / f"{name}-{lang}.png", full_page=True)
                page.context.close()
        browser.close()
    server.should_exit = True
    print(f"wrote {len(list(OUT.glob('*.png')))} screenshots to {OUT.relative_to(ROOT)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--outputs", action="store_true", help="picture the main job's report and statement")
    if parser.parse_args().outputs:
        picture_the_main_jobs_outputs()
    else:
        picture_the_web_pages()


if __name__ == "__main__":
    main()
