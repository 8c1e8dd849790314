"""The worked example of docs/pooling.md: three synthetic insurers pooled, then the model's frequency re-calibrated
by Bühlmann–Straub credibility, moving each segment the way its data says."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cyberins.cli.exchange import app
from tests.conftest import EXAMPLES

runner = CliRunner()
POOLING = EXAMPLES / "pooling"
INSURERS = sorted(str(p) for p in POOLING.glob("synthetic-insurer-*.json"))


def test_the_script_writes_the_committed_files(tmp_path: Path) -> None:
    shutil.copy(POOLING / "make_contributions.py", tmp_path)
    subprocess.run([sys.executable, str(tmp_path / "make_contributions.py")], check=True, timeout=60)
    for name in ("exposure.yaml", *(Path(p).name for p in INSURERS)):
        assert (tmp_path / name).read_text(encoding="utf-8") == (POOLING / name).read_text(encoding="utf-8"), name


@pytest.fixture(scope="module")
def recalibrated(tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, float]]:
    pooled = tmp_path_factory.mktemp("pool") / "pool.json"
    r = runner.invoke(app, ["pool", *INSURERS, "--k", "5", "--out", str(pooled)])
    assert r.exit_code == 0, r.output
    r = runner.invoke(app, ["recalibrate", str(pooled), "--exposure", str(POOLING / "exposure.yaml"), "--json"])
    assert r.exit_code == 0, r.output
    segments: list[dict[str, float]] = json.loads(r.stdout)["segments"]
    return segments


def test_three_insurers_pool_into_every_segment(recalibrated: list[dict[str, float]]) -> None:
    assert {s["segment"] for s in recalibrated} == {"manufacturing", "trade_retail", "professional_services"}
    assert all(s["observed_claims"] > 0 for s in recalibrated)


def test_rates_move_the_way_the_data_says(recalibrated: list[dict[str, float]]) -> None:
    for s in recalibrated:
        observed, before, after = s["observed_frequency"], s["before_frequency"], s["after_frequency"]
        assert 0 < s["credibility"] < 1
        assert (after - before) * (observed - before) > 0, s["segment"]  # same direction as the data
        assert min(before, observed) < after < max(before, observed)  # a credibility blend lies between
        assert after == pytest.approx(s["posterior_frequency"], rel=1e-9)  # the model now says what credibility says
    by = {s["segment"]: s for s in recalibrated}
    assert by["manufacturing"]["multiplier"] < 1 < by["trade_retail"]["multiplier"]  # generated at 0.7 and 1.8
