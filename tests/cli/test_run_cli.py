"""`cyberins run`, the main job, through the real entry point at an 80-column terminal: one insured from a
declined quote to a paid claim, left behind in OUT as the report, the statement and the platform's database."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from rich.cells import cell_len
from sqlalchemy import select

from cyberins.assess import load_profile
from cyberins.cli.render import Lang, console
from cyberins.cli.run import print_claim, print_platform
from cyberins.model.incident import Incident as Findings
from cyberins.model.loading import load_model
from cyberins.model.policy import Policy
from cyberins.services.audit_check import verify_all
from cyberins.services.main_job import MainJobInputs, run_main_job
from cyberins.services.secrets import audit_key
from cyberins.settings import Settings
from cyberins.store import make_engine, session_factory
from cyberins.store.models import Incident, Payment, PolicyRecord, Submission
from cyberins.underwriting import QuoteOptions
from tests.conftest import EXAMPLES, ROOT

PROFILE = load_profile(EXAMPLES / "orgs" / "sme-manufacturer.yaml")
POLICY = load_model(Policy, EXAMPLES / "policies" / "sme-standalone-cny.yaml")
OTHER_INSURED = "杭州蓝芯贸易有限公司"  # the example wording's own insured, which the main job replaces
POLICY_NUMBER = "CY-SME-2026-0001"


def _run(out: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cyberins", "run", "--out", str(out), "--years", "2000", "--no-pdf", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
        env={**os.environ, "COLUMNS": "80"},
    )


def _english_words(text: str) -> set[str]:
    """Latin words left once ids (snake_case), codes (CNY, HTTP, RDP) and the policy number are taken out."""
    text = text.replace(POLICY_NUMBER, "")
    text = re.sub(r"\b[a-z0-9]+(?:_[a-z0-9]+)+\b|\b[A-Z]{2,}[a-z]?\b", "", text)
    return set(re.findall(r"[A-Za-z]{2,}", text))


def test_run_takes_one_insured_from_decline_to_a_paid_claim(tmp_path: Path) -> None:
    r = _run(tmp_path)
    assert r.returncode == 0, r.stderr
    assert max(cell_len(line) for line in r.stdout.splitlines()) <= 80
    platform = r.stdout[r.stdout.index("平台") : r.stdout.index("报告：")]
    assert "409" in platform and "no_mfa_exposed_remote_access" in platform
    assert _english_words(platform) == set()

    url = f"sqlite:///{tmp_path / 'cyberins.db'}"
    engine = make_engine(url)
    try:
        with session_factory(engine, audit_key(Settings(database_url=url), create=False))() as session:
            states = session.scalars(select(Submission.state).order_by(Submission.created_at)).all()
            assert states == ["declined", "bound"]
            (policy,) = session.scalars(select(PolicyRecord)).all()
            assert policy.policy_number == POLICY_NUMBER
            assert policy.document["insured"]["name_zh"] == PROFILE.name_zh
            (claim,) = session.scalars(select(Incident)).all()
            assert claim.policy_id == policy.id and claim.state == "closed"
            (payment,) = session.scalars(select(Payment)).all()
            assert payment.amount == claim.settled_amount == claim.paid_amount > 0
            assert verify_all(session).ok
    finally:
        engine.dispose()

    report = (tmp_path / "report-zh.html").read_text(encoding="utf-8")
    statement = (tmp_path / "statement-zh.html").read_text(encoding="utf-8")
    for page in (report, statement):
        assert PROFILE.name_zh is not None and PROFILE.name_zh in page and POLICY_NUMBER in page
        assert OTHER_INSURED not in page
    # the quote comes before cover, and so before the claim: it stands at most until the period starts
    quoted, valid_until = re.search(r"(\d{4}-\d\d-\d\d)（有效期至 (\d{4}-\d\d-\d\d)）", report).groups()  # type: ignore[union-attr]
    assert quoted < valid_until <= POLICY.period.start.isoformat()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_lifecycle_is_printed_in_one_language_at_80_columns(
    tmp_path: Path, lang: Lang, monkeypatch: pytest.MonkeyPatch
) -> None:
    options = QuoteOptions(years=1000, seed=3, recommend_controls=False)
    incident = load_model(Findings, EXAMPLES / "incidents" / "sme-ransomware-erp.yaml")
    job = run_main_job(tmp_path / "cyberins.db", MainJobInputs(PROFILE, POLICY, incident, options))
    monkeypatch.setattr(console, "width", 80)
    with console.capture() as captured:
        print_platform(job, lang)
        print_claim(job, lang)
    text = captured.get()
    assert max(cell_len(line) for line in text.splitlines()) <= 80
    assert "409" in text and POLICY_NUMBER in text
    if lang == "zh":
        assert _english_words(text) == set() and PROFILE.name_zh in text
    else:
        assert re.search(r"[\u4e00-\u9fff]", text) is None and PROFILE.name in text
        assert "payment retried (idempotent)" in text
