"""The commands a newcomer runs first, at an 80-column terminal (issue 17 §4): no line is wider than the
terminal and no figure or name is cut (`…`); a table too wide folds its names or stacks each row as
`head  value` (`cli.render.print_fitted`). `policy show`, `reserve triangle`, `grade`, `run` and
`feeds load` have their own 80-column tests beside their other checks."""

from __future__ import annotations

import pytest
from rich.cells import cell_len

from tests.cli.helpers import cyberins

POLICY = "examples/policies/sme-standalone-cny.yaml"
SME = "examples/orgs/sme-manufacturer.yaml"
COMMANDS = {
    # the large enterprise's claim: the longest statement of the examples, sixteen coverages
    "claim adjust": [
        "claim", "adjust", "examples/incidents/ransomware-virtual-ransom-cn.yaml",
        "--policy", "examples/policies/large-enterprise-cny.yaml",
    ],
    "explain": ["explain", SME],
    "monitor scan": ["monitor", "scan", "examples/monitoring/assets.csv", "--feeds", "examples/monitoring/feeds"],
    "quote": ["quote", SME, "--policy", POLICY, "--years", "1000", "--seed", "1", "--no-controls"],
    "simulate": ["simulate", SME, "--policy", POLICY, "--years", "1000", "--seed", "1"],
}  # fmt: skip


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_the_output_fits_80_columns_and_cuts_nothing(command: str, lang: str) -> None:
    result = cyberins(*COMMANDS[command], "--lang", lang, env={"COLUMNS": "80"})
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) > 5
    assert max(cell_len(line) for line in lines) <= 80, max(lines, key=cell_len)
    assert "…" not in result.stdout
