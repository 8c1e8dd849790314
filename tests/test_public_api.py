"""The curated public API is pinned: a name leaves or arrives only with this test changed on purpose."""

from __future__ import annotations

from importlib.metadata import version

import cyberins

PUBLIC = {
    "Catalog",
    "CompiledTerms",
    "CostCategory",
    "Coverage",
    "CyberinsError",
    "EventType",
    "Exclusion",
    "ExplicitModelFile",
    "Factor",
    "InvalidInput",
    "Jurisdiction",
    "LossMeasures",
    "LossScenario",
    "LossTable",
    "Outages",
    "Policy",
    "PolicyForm",
    "Problem",
    "RiskModel",
    "Settings",
    "SimulationResult",
    "Step",
    "TriggerKind",
    "WaitingPeriodMode",
    "__version__",
    "apply_terms",
    "get_catalog",
    "get_settings",
    "load_model",
    "parse_model",
    "settle_scenario",
    "simulate",
}


def test_all_is_pinned() -> None:
    assert set(cyberins.__all__) == PUBLIC
    assert len(cyberins.__all__) == len(PUBLIC)  # no name listed twice


def test_every_public_name_resolves() -> None:
    for name in cyberins.__all__:
        assert getattr(cyberins, name) is not None


def test_version_matches_the_distribution() -> None:
    assert cyberins.__version__ == version("cyberins")
