"""Logging and progress: JSON lines with each stage's figures on stderr (stdout stays the document), a status
line in the reader's language, an invalid level refused naming the setting, shell completion."""

from __future__ import annotations

import json
import logging

import pytest

from cyberins.cli.logs import stage_text
from tests.cli.helpers import cyberins
from tests.conftest import EXAMPLES

PROFILE = str(EXAMPLES / "orgs" / "sme-manufacturer.yaml")


def test_verbose_logs_each_stage_as_json_lines_and_keeps_stdout_clean() -> None:
    r = cyberins("-v", "simulate", PROFILE, "--years", "2000", "--seed", "3", "--json")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["years"] == 2000
    lines = [json.loads(line) for line in r.stderr.splitlines()]
    stage = next(x for x in lines if x.get("stage") == "simulate")
    assert stage["years"] == 2000 and stage["seed"] == 3 and stage["level"] == "INFO"
    assert stage["logger"] == "cyberins.quant.simulate" and stage["time"].endswith("+00:00")


def test_the_log_level_comes_from_the_environment_and_a_bad_one_is_refused() -> None:
    quiet = cyberins("simulate", PROFILE, "--years", "1000", "--json", env={"CYBERINS_LOG_LEVEL": "WARNING"})
    assert quiet.returncode == 0 and quiet.stderr == ""
    loud = cyberins("simulate", PROFILE, "--years", "1000", "--json", env={"CYBERINS_LOG_LEVEL": "debug"})
    assert '"stage": "simulate"' in loud.stderr
    bad = cyberins("simulate", PROFILE, "--years", "1000", env={"CYBERINS_LOG_LEVEL": "chatty"})
    assert bad.returncode == 2 and "CYBERINS_LOG_LEVEL" in bad.stderr and "Traceback" not in bad.stderr


def test_the_status_line_speaks_the_commands_language() -> None:
    record = logging.makeLogRecord({"msg": "simulate", "stage": "simulate", "years": 1_703_936})
    assert stage_text(record, "zh") == "模拟 1,703,936 年…"
    assert stage_text(record, "en") == "simulating 1,703,936 years…"
    bare = logging.makeLogRecord({"msg": "controls", "stage": "controls"})
    assert stage_text(bare, "zh") == "评估安全措施…"
    assert stage_text(logging.makeLogRecord({"msg": "other"}), "zh") is None


def test_shell_completion_completes_commands_and_subcommands() -> None:
    top = cyberins(env={"_CYBERINS_COMPLETE": "complete_bash", "COMP_WORDS": "cyberins pol", "COMP_CWORD": "1"})
    assert top.stdout.split() == ["policy"]
    sub = cyberins(env={"_CYBERINS_COMPLETE": "complete_bash", "COMP_WORDS": "cyberins policy sh", "COMP_CWORD": "2"})
    assert sub.stdout.split() == ["show"]
    script = cyberins("--show-completion", "bash")
    assert "_cyberins_completion" in script.stdout


def _counts(stderr: str, stage: str) -> list[tuple[int, int]]:
    lines = [json.loads(line) for line in stderr.splitlines()]
    return [(x["done"], x["total"]) for x in lines if x.get("stage") == stage]


def test_the_grid_and_controls_loops_log_their_counts_up_to_the_last() -> None:
    """quote: one line per grid cell and per candidate control, from 0/n (the loop starts) to n/n."""
    policy = str(EXAMPLES / "policies" / "sme-standalone-cny.yaml")
    r = cyberins("-v", "quote", PROFILE, "--policy", policy, "--years", "1000", "--limit", "1000000",
                 "--limit", "2000000", "--retention", "10000", "--json")  # fmt: skip
    assert r.returncode == 0, r.stderr
    assert _counts(r.stderr, "grid") == [(0, 2), (1, 2), (2, 2)]
    controls = _counts(r.stderr, "controls")
    n = len(json.loads(r.stdout)["controls"])
    assert n > 1 and controls == [(k, n) for k in range(n + 1)]


def test_whatif_logs_its_two_simulations_as_counts() -> None:
    policy = str(EXAMPLES / "policies" / "sme-standalone-cny.yaml")
    r = cyberins("-v", "whatif", PROFILE, "--policy", policy, "--add-control", "edr", "--years", "1000", "--json")
    assert r.returncode == 0, r.stderr
    assert _counts(r.stderr, "controls") == [(0, 2), (1, 2), (2, 2)]


@pytest.mark.parametrize(
    ("product", "counts"),
    [("service-bundle-sme.yaml", [(0, 2), (1, 2), (2, 2)]), ("group-scheme-industrial-park.yaml", [(0, 1), (1, 1)])],
)
def test_product_price_logs_its_simulations_as_counts(product: str, counts: list[tuple[int, int]]) -> None:
    """A bundle prices two variants (without and with its services); a scheme simulates its members at once."""
    r = cyberins("-v", "product", "price", str(EXAMPLES / "products" / product), "--years", "500", "--json")
    assert r.returncode == 0, r.stderr
    assert _counts(r.stderr, "product") == counts


def test_the_status_line_shows_a_loop_count() -> None:
    record = logging.makeLogRecord({"msg": "grid", "stage": "grid", "done": 3, "total": 9})
    assert stage_text(record, "zh") == "定价限额与免赔额方案 3/9…"
    assert stage_text(record, "en") == "pricing limit and retention options 3/9…"
    record = logging.makeLogRecord({"msg": "product", "stage": "product", "done": 1, "total": 2})
    assert stage_text(record, "zh") == "产品定价：已完成模拟 1/2…"
