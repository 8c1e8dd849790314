"""The risk grade (风险等级): 1 (best) to 5 (worst), from the quantified model, not a questionnaire score.

The grade is a step function of the expected annual loss relative to revenue, with thresholds as data
(`assess/data/grades.yaml`, docs/grading.md), so it never falls as that ratio rises; a profile the
eligibility baseline declines is grade 5 whatever its ratio. The tail (TVaR 0.99 / revenue) and the
eligibility findings are reported beside the grade as reasons.
"""

from __future__ import annotations

import bisect
import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, model_validator

from cyberins.assess.eligibility import Eligibility, Outcome
from cyberins.assess.resources import packaged
from cyberins.catalog.provenance import SourcedFile
from cyberins.catalog.schema import Fact, Label, Provenance
from cyberins.model.ids import Lang
from cyberins.model.loading import load_model

#: The worst grade, given to every declined profile.
WORST = 5


class GradeStep(Provenance):
    grade: int = Field(ge=1, le=WORST)
    #: The ratio below which this grade holds; the last grade has none.
    below: float | None = Field(default=None, gt=0)
    label: Label


class GradeScale(SourcedFile):
    measure: Literal["expected_loss_ratio"]
    grades: tuple[GradeStep, ...]
    tail_ratio_note: Fact[float]

    @model_validator(mode="after")
    def _steps(self) -> GradeScale:
        self.require_cited("grades")
        if [g.grade for g in self.grades] != list(range(1, WORST + 1)):
            raise ValueError(f"grades: give grades 1 to {WORST} in order")
        bounds = self.bounds
        if len(bounds) != WORST - 1 or self.grades[-1].below is not None:
            raise ValueError("grades: every grade but the last needs `below`; the last has none")
        if any(b <= a for a, b in zip(bounds, bounds[1:], strict=False)):
            raise ValueError("grades: each `below` must be larger than the one before")
        return self

    def label(self, grade: int, lang: Lang) -> str:
        """The grade's band as a reader in `lang` reads it (`低风险`, `low`)."""
        return self.grades[grade - 1].label.in_lang(lang)

    @property
    def bounds(self) -> tuple[float, ...]:
        return tuple(g.below for g in self.grades if g.below is not None)


def load_grade_scale(path: Path | None = None) -> GradeScale:
    """The packaged scale (`assess/data/grades.yaml`), or the one in `path` (a user's override, read each time)."""
    return _packaged_scale() if path is None else load_model(GradeScale, path)


@functools.cache
def _packaged_scale() -> GradeScale:
    return packaged(GradeScale, "grades.yaml")


def grade_of(expected_loss_ratio: float, outcome: Outcome, scale: GradeScale) -> int:
    """The grade of a ratio: the first grade whose `below` exceeds it; declined: the worst.

    >>> scale = load_grade_scale()
    >>> grade_of(0.00001, Outcome.ACCEPT, scale), grade_of(0.00001, Outcome.DECLINE, scale)
    (1, 5)
    """
    if outcome is Outcome.DECLINE:
        return WORST
    return bisect.bisect_right(scale.bounds, expected_loss_ratio) + 1


@dataclass(frozen=True)
class RiskGrade:
    grade: int
    expected_loss: float
    expected_loss_ratio: float
    tail_ratio: float
    eligibility: Outcome
    #: `{"code", "text_zh", "text_en"}`: the grade's band, a heavy tail, then every eligibility rule that fired.
    reasons: tuple[dict[str, str], ...]


def risk_grade(
    expected_loss: float, tvar_99: float, annual_revenue: float, eligibility: Eligibility, scale: GradeScale
) -> RiskGrade:
    """Grade a risk from its gross expected annual loss and TVaR 0.99 (currency a year) and its revenue."""
    ratio, tail = expected_loss / annual_revenue, tvar_99 / annual_revenue
    grade = grade_of(ratio, eligibility.outcome, scale)
    pct = f"{ratio * 100:.4f}%"
    reasons: list[dict[str, Any]] = []
    if eligibility.outcome is Outcome.DECLINE:
        reasons.append(
            _reason("declined", f"{WORST} 级：准入基线拒保", f"grade {WORST}: the eligibility baseline declines it")
        )
    else:
        reasons.append(
            _reason(
                "expected_loss_ratio",
                f"{grade} 级（{scale.label(grade, 'zh')}）：年均损失占营业收入的 {pct}",
                f"grade {grade} ({scale.label(grade, 'en')}): expected annual loss {pct} of revenue",
            )
        )
    if tail >= scale.tail_ratio_note.value:
        share = f"{tail * 100:.1f}%"
        reasons.append(
            _reason(
                "tail_ratio",
                f"尾部：百年一遇年份的平均损失（TVaR 0.99）达营业收入的 {share}",
                f"tail: the mean loss of the worst 1% of years (TVaR 0.99) is {share} of revenue",
            )
        )
    reasons.extend(_reason(r.rule_id, r.zh, r.en) for r in eligibility.reasons)
    return RiskGrade(grade, expected_loss, ratio, tail, eligibility.outcome, tuple(reasons))


def _reason(code: str, zh: str, en: str) -> dict[str, str]:
    return {"code": code, "text_zh": zh, "text_en": en}
