"""The financial-terms engine: one implementation of a policy's terms for simulated and real losses."""

from cyberins.terms.compiled import CompiledTerms
from cyberins.terms.engine import Step, TermsResult, apply_terms
from cyberins.terms.single import (
    CoverageSettlement,
    IncidentTerms,
    ScenarioSettlement,
    Waiting,
    incident_table,
    round_in_order,
    scenario_table,
    settle_incident,
    settle_scenario,
)
from cyberins.terms.tables import LossTable, Outages

__all__ = [
    "CompiledTerms",
    "CoverageSettlement",
    "IncidentTerms",
    "LossTable",
    "Outages",
    "ScenarioSettlement",
    "Step",
    "TermsResult",
    "Waiting",
    "apply_terms",
    "incident_table",
    "round_in_order",
    "scenario_table",
    "settle_incident",
    "settle_scenario",
]
