"""The eligibility baseline (准入基线): rules as data that accept, refer (with reasons) or decline.

Rules live in `assess/data/eligibility.yaml`; each has a stable id, an outcome (`refer` or `decline`),
conditions that must all hold, and a bilingual reason. The decision is the worst outcome of the rules that
fire (decline > refer > accept); every rule that fires is listed, so an underwriter sees all of them.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Any

from pydantic import Field, model_validator

from cyberins.assess.calibration import Calibration
from cyberins.assess.profile import OrganizationProfile
from cyberins.assess.resources import load_calibration, load_questionnaire, packaged
from cyberins.catalog import get_catalog
from cyberins.catalog.provenance import SourcedFile
from cyberins.catalog.schema import Label, Provenance, SnakeId
from cyberins.model.base import Frozen
from cyberins.model.ids import EventType, Lang


class Outcome(StrEnum):
    ACCEPT = "accept"
    REFER = "refer"
    DECLINE = "decline"

    @property
    def rank(self) -> int:
        return ("accept", "refer", "decline").index(self.value)


class When(Frozen):
    """Conditions of a rule; all that are given must hold."""

    #: The control is answered "no" (score 0).
    control_no: SnakeId | None = None
    #: The control is not answered.
    control_unanswered: SnakeId | None = None
    #: The 等保 level is below the catalog's required level for the industry (ungraded counts as 0).
    mlps_below_required: bool = False
    kev_unremediated: bool = False
    rdp_exposed: bool = False
    remote_access_exposed: bool = False
    #: At least this many past incidents of each named event type.
    incidents_at_least: dict[EventType, Annotated[int, Field(ge=1)]] = Field(default_factory=dict)
    #: The revenue band is this one or a larger one (calibration band ids).
    band_at_least: SnakeId | None = None


class Fix(StrEnum):
    """Changes to what an outside scan sees that clear a rule (the controls of a remedy are questions)."""

    #: Patch every unremediated CISA KEV vulnerability (and have the scan confirm it).
    PATCH_KEV = "patch_kev"
    #: Take remote desktop off the internet (behind a VPN with MFA, or closed).
    CLOSE_RDP = "close_rdp"


class Remedy(Frozen):
    """What clears a rule (保前加固): controls put fully in place and exposure fixes, said in both languages."""

    controls: tuple[SnakeId, ...] = ()
    fixes: tuple[Fix, ...] = ()
    text: Label

    @model_validator(mode="after")
    def _does_something(self) -> Remedy:
        if not self.controls and not self.fixes:
            raise ValueError("a remedy names controls or fixes")
        unknown = sorted(set(self.controls) - load_questionnaire().ids)
        if unknown:
            raise ValueError(f"unknown controls {', '.join(unknown)}: not questions of the questionnaire")
        return self


class Rule(Provenance):
    id: SnakeId
    outcome: Outcome
    when: When
    reason_text: Label
    #: How to clear the rule; every declining rule needs one (a decline always says what to fix).
    remedy: Remedy | None = None

    @model_validator(mode="after")
    def _not_accept(self) -> Rule:
        if self.outcome is Outcome.ACCEPT:
            raise ValueError("a rule refers or declines; accept is what remains when none fires")
        if self.outcome is Outcome.DECLINE and self.remedy is None:
            raise ValueError(f"rule {self.id}: a declining rule needs a remedy (what the insured must fix)")
        return self


class Rules(SourcedFile):
    rules: tuple[Rule, ...] = Field(min_length=1)
    #: Each outcome in both languages, as the CLI, the report and the main job show it.
    outcome_labels: dict[Outcome, Label]

    @model_validator(mode="after")
    def _cited(self) -> Rules:
        self.require_cited("rules")
        missing = [o.value for o in Outcome if o not in self.outcome_labels]
        if missing:
            raise ValueError(f"outcome_labels: give {', '.join(missing)}")
        return self


@dataclass(frozen=True)
class Reason:
    rule_id: str
    outcome: Outcome
    zh: str
    en: str
    remedy: Remedy | None = None


@dataclass(frozen=True)
class Eligibility:
    outcome: Outcome
    reasons: tuple[Reason, ...]

    def to_json(self) -> dict[str, Any]:
        """The one shape of an eligibility decision in every document (assessment, quote, `explain --json`)."""
        return {
            "outcome": self.outcome.value,
            "reasons": [
                {"rule": r.rule_id, "outcome": r.outcome.value, "text_zh": r.zh, "text_en": r.en} for r in self.reasons
            ],
        }


@functools.cache
def load_rules() -> Rules:
    """The packaged eligibility baseline (`assess/data/eligibility.yaml`)."""
    return packaged(Rules, "eligibility.yaml")


def outcome_label(outcome: Outcome, lang: Lang) -> str:
    """The outcome as a reader in `lang` reads it (`outcome_labels` of the rules file)."""
    return load_rules().outcome_labels[outcome].in_lang(lang)


def check_eligibility(profile: OrganizationProfile, rules: Rules | None = None) -> Eligibility:
    """Accept, refer or decline `profile` against the baseline, with the reasons of every rule that fires.

    Examples
    --------
    >>> from cyberins.assess import OrganizationProfile, check_eligibility
    >>> p = OrganizationProfile(
    ...     name="Demo", industry="manufacturing", annual_revenue=30_000_000, employees=80,
    ...     exposure={"rdp_exposed": True},
    ... )
    >>> check_eligibility(p).outcome.value in ("refer", "decline")
    True
    """
    fired = [r for r in (rules or load_rules()).rules if _holds(r.when, profile, load_calibration())]
    outcome = max((r.outcome for r in fired), key=lambda o: o.rank, default=Outcome.ACCEPT)
    return Eligibility(
        outcome, tuple(Reason(r.id, r.outcome, r.reason_text.zh, r.reason_text.en, r.remedy) for r in fired)
    )


def _holds(when: When, p: OrganizationProfile, cal: Calibration) -> bool:
    checks: list[bool] = []
    if when.control_no is not None:
        answer = p.controls.get(when.control_no)
        checks.append(answer is not None and load_questionnaire().question(when.control_no).score(answer) == 0)
    if when.control_unanswered is not None:
        checks.append(when.control_unanswered not in p.controls)
    if when.mlps_below_required:
        required = get_catalog().industries[p.industry].required_mlps_level
        checks.append((p.mlps_level or 0) < required)
    if when.kev_unremediated:
        checks.append(bool(p.exposure.kev_unremediated))
    if when.rdp_exposed:
        checks.append(p.exposure.rdp_exposed)
    if when.remote_access_exposed:
        checks.append(p.exposure.rdp_exposed or bool(p.exposure.vpn_products))
    for et, n in when.incidents_at_least.items():
        checks.append(sum(1 for i in p.incidents if i.event_type is et) >= n)
    if when.band_at_least is not None:
        ids = [b.id for b in cal.revenue_bands]
        revenue = float(p.annual_revenue) * cal.fx(p.currency)
        checks.append(ids.index(cal.band(revenue).id) >= ids.index(when.band_at_least))
    return bool(checks) and all(checks)
