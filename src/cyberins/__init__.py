"""cyberins — quantified cyber insurance: catalog, policy terms, risk model, pricing and claims.

The curated public API; everything here is importable as ``cyberins.X`` and pinned by a test, so removing
or renaming a name is a deliberate, visible change.
"""

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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

#: Where each public name lives: imported on first access, so `import cyberins` (and every command of the CLI,
#: which imports this package first) loads only what it uses.
_WHERE = {
    "Catalog": "cyberins.catalog",
    "CompiledTerms": "cyberins.terms",
    "CostCategory": "cyberins.model.ids",
    "Coverage": "cyberins.model.ids",
    "CyberinsError": "cyberins.model.errors",
    "EventType": "cyberins.model.ids",
    "Exclusion": "cyberins.model.ids",
    "ExplicitModelFile": "cyberins.quant.explicit",
    "Factor": "cyberins.quant.model",
    "InvalidInput": "cyberins.model.errors",
    "Jurisdiction": "cyberins.model.ids",
    "LossMeasures": "cyberins.quant.metrics",
    "LossScenario": "cyberins.model.scenario",
    "LossTable": "cyberins.terms",
    "Outages": "cyberins.terms",
    "Policy": "cyberins.model.policy",
    "PolicyForm": "cyberins.model.ids",
    "Problem": "cyberins.model.errors",
    "RiskModel": "cyberins.quant.model",
    "Settings": "cyberins.settings",
    "SimulationResult": "cyberins.quant.simulate",
    "Step": "cyberins.terms",
    "TriggerKind": "cyberins.model.ids",
    "WaitingPeriodMode": "cyberins.model.ids",
    "apply_terms": "cyberins.terms",
    "get_catalog": "cyberins.catalog",
    "get_settings": "cyberins.settings",
    "load_model": "cyberins.model.loading",
    "parse_model": "cyberins.model.loading",
    "settle_scenario": "cyberins.terms",
    "simulate": "cyberins.quant.simulate",
}


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(_WHERE[name]), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
