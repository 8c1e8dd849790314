"""The controls questionnaire (`assess/data/questionnaire.yaml`) and how an answer becomes a factor.

Each question names the GB/T 22239-2019 control areas (等级保护 2.0) and the CIS Controls v8 safeguards it
checks, the event types and severity drivers it affects, and two relative effects: frequency and severity
of an organisation *with* the control divided by one *without* it (≤ 1). The calibration's base rates are
population averages of insured firms, so a factor is normalised by the share of insureds with the control
(`adoption`): with r the relative effect and p the adoption,

    factor(score) = r**score / (1 - p + p*r)

where score is 1 for "yes", 0 for "no" and a choice's score in between; an unanswered question is 1. So
"yes" gives r / (1 - p + p r) ≤ 1, "no" gives 1 / (1 - p + p r) ≥ 1, and the factor never rises with the
score: more controls never raise frequency or severity.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Literal

from pydantic import Field, model_validator

from cyberins.catalog.provenance import SourcedFile
from cyberins.catalog.schema import Label, Provenance, SnakeId
from cyberins.model.base import Frozen
from cyberins.model.ids import EventType

Share = Annotated[float, Field(ge=0, le=1, allow_inf_nan=False)]
#: A relative effect (with / without the control): between 0.1 and 1, never above 1 (the largest published
#: effect, Marsh McLennan 2023's automated hardening, is "nearly six times less likely": about 0.18).
Relative = Annotated[float, Field(ge=0.1, le=1, allow_inf_nan=False)]
Answer = bool | str

#: The ten control areas of GB/T 22239-2019 (five technical, five management), as the standard names them.
GBT22239_AREAS: tuple[str, ...] = (
    "安全物理环境", "安全通信网络", "安全区域边界", "安全计算环境", "安全管理中心",
    "安全管理制度", "安全管理机构", "安全管理人员", "安全建设管理", "安全运维管理",
)  # fmt: skip

#: The candidate controls of the security-investment return (issue 4, pricing): each is a question id.
CANDIDATE_CONTROLS: tuple[str, ...] = (
    "mfa", "edr", "offline_backups", "email_filtering", "patch_sla", "segmentation", "ddos_protection",
    "awareness_training",
)  # fmt: skip


class Driver(StrEnum):
    """Severity drivers a control acts on (documentation; the model scales the event type's severity)."""

    RECORDS_EXPOSED = "records_exposed"
    OUTAGE_HOURS = "outage_hours"
    RESTORATION_EFFORT = "restoration_effort"
    FRAUD_AMOUNT = "fraud_amount"
    RANSOM = "ransom"
    THIRD_PARTY_CLAIMS = "third_party_claims"
    HARDWARE = "hardware"


class AnswerType(StrEnum):
    YES_NO = "yes_no"
    CHOICE = "choice"


class Choice(Frozen):
    id: SnakeId
    label: Label
    score: Share


class Effect(Provenance):
    """What the control changes for these event types: with / without, frequency and severity."""

    event_types: tuple[EventType, ...] = Field(min_length=1)
    frequency: Relative = 1.0
    severity: Relative = 1.0
    drivers: tuple[Driver, ...] = ()


class AnnualCost(Provenance):
    """What the control costs a year (CNY) at each revenue band's anchor revenue, by band id of the calibration.

    Between anchors the cost is interpolated on log-log axes (`Calibration.by_band`), flat beyond the ends.
    """

    by_band: dict[SnakeId, Annotated[float, Field(gt=0)]]


class Question(Provenance):
    """One question; its provenance covers `adoption` (share of insured firms with the control)."""

    id: SnakeId
    #: A short name for tables (`MFA`); `label` is the question as asked.
    name: Label
    form: Literal["short", "full"]
    label: Label
    answer: AnswerType
    choices: tuple[Choice, ...] = ()
    gbt22239: tuple[str, ...] = Field(min_length=1)
    cis_v8: tuple[Annotated[str, Field(pattern=r"^\d{1,2}\.\d{1,2}$")], ...] = Field(min_length=1)
    adoption: Annotated[float, Field(gt=0, lt=1)]
    effects: tuple[Effect, ...] = Field(min_length=1)
    annual_cost: AnnualCost | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Question:
        if (self.answer is AnswerType.CHOICE) != bool(self.choices):
            raise ValueError("a choice question lists its choices; a yes_no question has none")
        named = [et for effect in self.effects for et in effect.event_types]
        twice = sorted({et.value for et in named if named.count(et) > 1})
        if twice:
            raise ValueError(f"give each event type one effect (frequency and severity together): {', '.join(twice)}")
        unknown = [a for a in self.gbt22239 if a not in GBT22239_AREAS]
        if unknown:
            raise ValueError(f"unknown GB/T 22239-2019 area {unknown[0]!r}; use one of {', '.join(GBT22239_AREAS)}")
        return self

    def score(self, answer: Answer) -> float:
        """1 for yes, 0 for no, a choice's score; ValueError for an answer of the wrong kind."""
        if self.answer is AnswerType.YES_NO:
            if not isinstance(answer, bool):
                raise ValueError(f"answer {answer!r}: expected true or false")
            return 1.0 if answer else 0.0
        for choice in self.choices:
            if answer == choice.id:
                return choice.score
        raise ValueError(f"answer {answer!r}: expected one of {', '.join(c.id for c in self.choices)}")

    def best_answer(self) -> Answer:
        """The answer of an organisation that has the control fully in place."""
        if self.answer is AnswerType.YES_NO:
            return True
        return max(self.choices, key=lambda c: c.score).id

    def factor(self, relative: float, score: float) -> float:
        """The multiplier for an answer's score (module docstring): normalised to the insured population."""
        return float(relative**score / (1 - self.adoption + self.adoption * relative))


class Questionnaire(SourcedFile):
    questions: tuple[Question, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> Questionnaire:
        ids = [q.id for q in self.questions]
        repeated = sorted({i for i in ids if ids.count(i) > 1})
        if repeated:
            raise ValueError(f"question id given twice: {', '.join(repeated)}")
        missing = [c for c in CANDIDATE_CONTROLS if c not in ids]
        if missing:
            raise ValueError(f"candidate controls must be questions: {', '.join(missing)}")
        uncosted = [c for c in CANDIDATE_CONTROLS if self.question(c).annual_cost is None]
        if uncosted:
            raise ValueError(f"candidate controls need an annual_cost: {', '.join(uncosted)}")
        self.require_cited("questions")
        return self

    def question(self, ident: str) -> Question:
        return next(q for q in self.questions if q.id == ident)

    def form(self, name: Literal["short", "full"]) -> tuple[Question, ...]:
        """The questions of a form: the short form, or the full form (short questions and more)."""
        return tuple(q for q in self.questions if name == "full" or q.form == "short")

    @property
    def ids(self) -> frozenset[str]:
        return frozenset(q.id for q in self.questions)
