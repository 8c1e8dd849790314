"""The financial-terms engine: one implementation of a policy's terms for simulated and real losses."""

from cyberins.terms.compiled import CompiledTerms
from cyberins.terms.engine import Step, TermsResult, apply_terms
from cyberins.terms.single import CoverageSettlement, ScenarioSettlement, scenario_table, settle_scenario
from cyberins.terms.tables import LossTable, Outages

__all__ = [
    "CompiledTerms",
    "CoverageSettlement",
    "LossTable",
    "Outages",
    "ScenarioSettlement",
    "Step",
    "TermsResult",
    "apply_terms",
    "scenario_table",
    "settle_scenario",
]
