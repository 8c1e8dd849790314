"""`cyberins run`: the main job on example data (grows with each capability: assess → quote → settle)."""

from __future__ import annotations

from pathlib import Path

import typer

from cyberins.cli.policy import print_settlement
from cyberins.cli.policy import show as show_policy
from cyberins.cli.render import Lang, console
from cyberins.model.loading import load_model
from cyberins.model.policy import Policy
from cyberins.model.scenario import LossScenario
from cyberins.terms import settle_scenario


def run(
    policy_file: Path = typer.Option(Path("examples/policies/sme-standalone-cny.yaml"), "--policy"),
    scenario_file: Path = typer.Option(Path("examples/scenarios/ransomware-72h.yaml"), "--scenario"),
    lang: Lang = typer.Option("zh", help="zh or en."),
) -> None:
    """Validate an example policy, show it, and settle an example loss through it."""
    policy = load_model(Policy, policy_file)
    console.rule(f"1. {policy_file}")
    show_policy(policy_file, lang)
    scenario = load_model(LossScenario, scenario_file)
    console.rule(f"2. {scenario_file}: {scenario.description or scenario.event_type.value}")
    print_settlement(settle_scenario(policy, scenario), lang)
