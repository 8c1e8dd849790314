"""Properties (hypothesis, data from strategies only): controls, exposures and severity scaling."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cyberins.assess import assess, load_questionnaire
from cyberins.assess.questionnaire import AnswerType, Question
from cyberins.model.ids import EventType
from cyberins.quant.model import Factor
from tests.assess.helpers import frequencies, make_profile

QUESTIONS = load_questionnaire().questions
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def answers_for(q: Question) -> st.SearchStrategy[Any]:
    if q.answer is AnswerType.YES_NO:
        return st.booleans()
    return st.sampled_from([c.id for c in q.choices])


answer_sets = st.fixed_dictionaries({}, optional={q.id: answers_for(q) for q in QUESTIONS})


@SETTINGS
@given(answers=answer_sets, improved=st.sampled_from(QUESTIONS), data=st.data())
def test_more_controls_never_raise_frequency(answers: dict[str, Any], improved: Question, data: st.DataObject) -> None:
    better = dict(answers)
    before = answers.get(improved.id)
    if before is None:
        # Unanswered means "as the average insured"; having the control fully in place is better.
        better[improved.id] = improved.best_answer()
    else:
        options = [True, False] if improved.answer is AnswerType.YES_NO else [c.id for c in improved.choices]
        better[improved.id] = data.draw(
            st.sampled_from([a for a in options if improved.score(a) >= improved.score(before)])
        )
    old = frequencies(assess(make_profile(controls=answers)))
    new = frequencies(assess(make_profile(controls=better)))
    for et in EventType:
        assert new[et] <= old[et] * (1 + 1e-12), et


signals = st.fixed_dictionaries(
    {},
    optional={
        "rdp_exposed": st.booleans(),
        "vpn_products": st.lists(
            st.fixed_dictionaries({"product": st.sampled_from(["cisco_asa", "fortinet", "sangfor", "other"])}),
            max_size=2,
        ),
        "risky_services": st.lists(st.sampled_from(["smb", "telnet", "ftp", "database"]), max_size=3, unique=True),
    },
)


@SETTINGS
@given(exposure=signals, extra=st.sampled_from(["rdp", "kev", "service"]))
def test_more_exposure_never_lowers_frequency(exposure: dict[str, Any], extra: str) -> None:
    worse = dict(exposure)
    if extra == "rdp":
        worse["rdp_exposed"] = True
    elif extra == "kev":
        worse["vulnerabilities"] = [{"cve": "CVE-2024-3400", "kev": True}]
    else:
        worse["risky_services"] = sorted({*exposure.get("risky_services", []), "vnc"})
    old = frequencies(assess(make_profile(exposure=exposure)))
    new = frequencies(assess(make_profile(exposure=worse)))
    for et in EventType:
        assert new[et] >= old[et] * (1 - 1e-12), et


@SETTINGS
@given(factor=st.floats(min_value=0.05, max_value=20), et=st.sampled_from(list(EventType)))
def test_severity_scaling_scales_expected_loss(factor: float, et: EventType) -> None:
    model = assess(make_profile(jurisdiction="INTL"))
    adjusted = model.adjusted([Factor("test", et, severity=factor)])
    before = {m.event_type: sum(m.expected_loss().values()) for m in model.event_types}
    after = {m.event_type: sum(m.expected_loss().values()) for m in adjusted.event_types}
    assert after[et] == pytest.approx(factor * before[et], rel=1e-9)
    assert all(after[o] == pytest.approx(before[o]) for o in EventType if o is not et)
