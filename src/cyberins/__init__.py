"""cyberins — quantified cyber insurance: catalog, policy terms, risk model, pricing and claims.

The curated public API; everything here is importable as ``cyberins.X`` and pinned by a test, so removing
or renaming a name is a deliberate, visible change.
"""

from cyberins.catalog import Catalog, get_catalog
from cyberins.model.errors import CyberinsError, InvalidInput, Problem
from cyberins.model.ids import (
    CostCategory,
    Coverage,
    EventType,
    Exclusion,
    Jurisdiction,
    PolicyForm,
    TriggerKind,
    WaitingPeriodMode,
)
from cyberins.model.loading import load_model, parse_model
from cyberins.model.policy import Policy
from cyberins.model.scenario import LossScenario
from cyberins.quant.explicit import ExplicitModelFile
from cyberins.quant.metrics import LossMeasures
from cyberins.quant.model import Factor, RiskModel
from cyberins.quant.simulate import SimulationResult, simulate
from cyberins.settings import Settings, get_settings
from cyberins.terms import CompiledTerms, LossTable, Outages, Step, apply_terms, settle_scenario

__version__ = "0.1.0"

__all__ = [
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
]
