"""The risk grade (standards.md (g)): a non-decreasing step function of expected loss / revenue, declined -> 5."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from cyberins.assess import Eligibility, Outcome, Reason
from cyberins.assess.grade import WORST, grade_of, load_grade_scale, risk_grade
from cyberins.model.errors import InvalidInput

SCALE = load_grade_scale()
ratios = st.floats(min_value=0.0, max_value=10.0, allow_nan=False)
kept = st.sampled_from([Outcome.ACCEPT, Outcome.REFER])


@given(ratios, ratios, kept)
def test_the_grade_never_falls_as_the_ratio_rises(a: float, b: float, outcome: Outcome) -> None:
    low, high = sorted((a, b))
    assert 1 <= grade_of(low, outcome, SCALE) <= grade_of(high, outcome, SCALE) <= WORST


@given(ratios)
def test_a_declined_risk_is_the_worst_grade_whatever_its_ratio(ratio: float) -> None:
    assert grade_of(ratio, Outcome.DECLINE, SCALE) == WORST


def test_each_bound_starts_the_next_grade() -> None:
    for grade, bound in enumerate(SCALE.bounds, start=1):
        assert grade_of(bound * 0.999, Outcome.ACCEPT, SCALE) == grade
        assert grade_of(bound, Outcome.ACCEPT, SCALE) == grade + 1
    assert grade_of(0.0, Outcome.ACCEPT, SCALE) == 1


def test_every_threshold_cites_a_source_or_is_an_assumption_with_a_reason() -> None:
    for step in SCALE.grades:
        assert step.source_ids or (step.assumption and step.reason)


def test_risk_grade_reports_ratios_tail_and_eligibility_reasons() -> None:
    refer = Eligibility(Outcome.REFER, (Reason("no_mfa_remote_access", Outcome.REFER, "无多因素认证", "no MFA"),))
    g = risk_grade(3_000.0, 600_000.0, 10_000_000.0, refer, SCALE)  # 3 basis points; tail 6% of revenue
    assert (g.grade, g.expected_loss_ratio, g.tail_ratio, g.eligibility) == (3, 0.0003, 0.06, Outcome.REFER)
    assert [r["code"] for r in g.reasons] == ["expected_loss_ratio", "tail_ratio", "no_mfa_remote_access"]
    light = risk_grade(3_000.0, 60_000.0, 10_000_000.0, Eligibility(Outcome.ACCEPT, ()), SCALE)
    assert [r["code"] for r in light.reasons] == ["expected_loss_ratio"]  # a 0.6% tail is not named


def _scale_file(tmp_path: Path, edit: object) -> Path:
    data = yaml.safe_load((Path(__file__).parents[2] / "src/cyberins/assess/data/grades.yaml").read_text("utf-8"))
    edit(data)  # type: ignore[operator]
    path = tmp_path / "scale.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_a_user_scale_replaces_the_thresholds(tmp_path: Path) -> None:
    def tighter(data: dict) -> None:  # type: ignore[type-arg]
        for step, bound in zip(data["grades"], (1e-6, 2e-6, 3e-6, 4e-6), strict=False):
            step["below"] = bound

    scale = load_grade_scale(_scale_file(tmp_path, tighter))
    assert grade_of(0.00001, Outcome.ACCEPT, scale) == 5 and grade_of(0.00001, Outcome.ACCEPT, SCALE) == 1


@pytest.mark.parametrize(
    ("edit", "words"),
    [
        (lambda d: d["grades"][2].update(below=d["grades"][0]["below"]), "larger than the one before"),
        (lambda d: d["grades"].pop(), "grades 1 to 5"),
        (lambda d: d["grades"][4].update(below=0.5), "the last has none"),
        (lambda d: d["grades"][1].update(source=None, assumption=False), "grades"),
    ],
)
def test_a_broken_scale_is_refused_naming_the_field(tmp_path: Path, edit: object, words: str) -> None:
    with pytest.raises(InvalidInput) as err:
        load_grade_scale(_scale_file(tmp_path, edit))
    assert "grades" in str(err.value) and words in str(err.value)


def test_the_documented_thresholds_are_the_data_files() -> None:
    page = (Path(__file__).parents[2] / "docs" / "grading.md").read_text(encoding="utf-8")
    rows = [line.split("|")[1:-1] for line in page.splitlines() if line.startswith("| ") and line[2].isdigit()]
    documented = [r[2] for r in rows[:WORST]]
    bounds = [f"{b * 1e4:g}" for b in SCALE.bounds]
    assert [cell.split()[-1] for cell in documented[:-1]] == bounds
    assert documented[-1].split()[0] == bounds[-1]
