"""`cyberins simulate --json --ylt` (trust.md item 1): TVaR is the expected shortfall of the run's own YLT."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from tests.cli.helpers import cyberins
from tests.conftest import EXAMPLES
from tests.quant.test_metrics import shortfall_by_hand


@pytest.mark.parametrize("seed", [1, 2])
def test_tvar_and_aal_se_agree_with_the_written_year_loss_table(tmp_path: Path, seed: int) -> None:
    ylt_file = tmp_path / "ylt.csv"
    years = 2003  # (1 − level)·N is fractional at every level: the boundary year's weight matters
    r = cyberins(
        "simulate",
        str(EXAMPLES / "orgs" / "sme-manufacturer.yaml"),
        "--policy",
        str(EXAMPLES / "policies" / "sme-standalone-cny.yaml"),
        "--years",
        str(years),
        "--seed",
        str(seed),
        "--json",
        "--ylt",
        str(ylt_file),
    )
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    table = np.genfromtxt(ylt_file, delimiter=",", names=True)
    assert len(table) == years
    for block in ("gross", "insured"):
        column = table[block]
        assert (column == 0).mean() > 0.5  # most years of the SME lose nothing: VaR at 0.9 is 0
        for level, value in doc[block]["tvar"].items():
            want = shortfall_by_hand(column.tolist(), float(level))
            assert value == pytest.approx(want, rel=1e-6), (block, level)
        assert doc[block]["tvar"]["0.9"] > 2 * doc[block]["aal"]  # the tail, not the mean of all years
        se = float(np.std(column, ddof=1)) / math.sqrt(years)
        assert doc[block]["aal_se"] == pytest.approx(se, rel=1e-6)
