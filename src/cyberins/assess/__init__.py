"""The assessor: an organisation profile becomes an explained, quantified `RiskModel`.

DESIGN.md, "The risk model".


>>> from cyberins.assess import OrganizationProfile, assess, check_eligibility, explain
>>> profile = OrganizationProfile(
...     name="Demo", industry="manufacturing", annual_revenue=30_000_000, employees=80
... )
>>> model = assess(profile)
>>> model.kind, len(model.event_types)
('assessed', 9)

`docs/risk-model.md` describes the model, its drivers and factors, and the calibration with its sources;
`docs/profiles.md` the profile format and the controls questionnaire.
"""

from cyberins.assess.calibration import Calibration
from cyberins.assess.candidates import CandidateControl, candidate_controls, model_with
from cyberins.assess.eligibility import Eligibility, Outcome, Reason, check_eligibility, outcome_label
from cyberins.assess.engine import assess
from cyberins.assess.explain import EventTypeSummary, ExplainRow, explain, factor_label, summary
from cyberins.assess.loader import load_profile, load_risk_model
from cyberins.assess.profile import OrganizationProfile
from cyberins.assess.questionnaire import CANDIDATE_CONTROLS, Questionnaire
from cyberins.assess.remediation import Remediation, RemedyStep, plan_remediation
from cyberins.assess.resources import load_calibration, load_questionnaire, with_overrides
from cyberins.assess.severity import DriverSeverity

__all__ = [
    "CANDIDATE_CONTROLS",
    "Calibration",
    "CandidateControl",
    "DriverSeverity",
    "Eligibility",
    "EventTypeSummary",
    "ExplainRow",
    "OrganizationProfile",
    "Outcome",
    "Questionnaire",
    "Reason",
    "RemedyStep",
    "Remediation",
    "assess",
    "candidate_controls",
    "check_eligibility",
    "explain",
    "factor_label",
    "load_calibration",
    "load_profile",
    "load_questionnaire",
    "load_risk_model",
    "model_with",
    "outcome_label",
    "plan_remediation",
    "summary",
    "with_overrides",
]
