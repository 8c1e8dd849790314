"""State machines as data: every (state, action) pair the table does not list is refused with the state;
every state is reachable; pro-rata return premium stays inside [0, premium] and never grows with time."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cyberins.model.vocab import IncidentState, PolicyState, SubmissionState
from cyberins.services.claims import CLAIM_MACHINE
from cyberins.services.errors import Conflict
from cyberins.services.machine import StateMachine
from cyberins.services.policies import POLICY_MACHINE
from cyberins.services.premium import pro_rata_return
from cyberins.services.underwriting import SUBMISSION_MACHINE

MACHINES: list[tuple[StateMachine, type[StrEnum]]] = [
    (SUBMISSION_MACHINE, SubmissionState),
    (POLICY_MACHINE, PolicyState),
    (CLAIM_MACHINE, IncidentState),
]


@pytest.mark.parametrize(("machine", "states"), MACHINES, ids=lambda m: getattr(m, "name", ""))
def test_only_listed_moves_are_allowed(machine: StateMachine, states: type[StrEnum]) -> None:
    for action, rule in machine.transitions.items():
        target = next(iter(rule.targets))
        for state in states:
            if state.value in rule.sources:
                assert machine.check(action, state.value, target) == target
            else:
                with pytest.raises(Conflict) as refused:
                    machine.check(action, state.value, target)
                assert refused.value.current_state == state.value


@pytest.mark.parametrize(("machine", "states"), MACHINES, ids=lambda m: getattr(m, "name", ""))
def test_every_state_is_reachable(machine: StateMachine, states: type[StrEnum]) -> None:
    reached, frontier = set(machine.initial), list(machine.initial)
    while frontier:
        state = frontier.pop()
        for source, _, target in machine.edges():
            if source == state and target not in reached:
                reached.add(target)
                frontier.append(target)
    assert {s.value for s in states} == reached


def test_the_claim_path_of_the_design() -> None:
    path = [
        "reported",
        "responder_assigned",
        "forensics_submitted",
        "coverage_decided",
        "loss_adjusted",
        "settled",
        "paid",
        "closed",
        "reopened",
    ]
    edges = {(s, t) for s, _, t in CLAIM_MACHINE.edges()}
    assert all((a, b) in edges for a, b in zip(path, path[1:], strict=False))
    assert ("coverage_decided", "denied") not in edges and ("forensics_submitted", "denied") in edges


def test_pro_rata_by_hand() -> None:
    # 365 days at 100 a day; 0.01 rounding half up
    assert pro_rata_return(Decimal("36500"), "CNY", date(2026, 1, 1), date(2026, 12, 31), date(2026, 7, 2)) == Decimal(
        "18300.00"
    )
    assert pro_rata_return(Decimal("1000"), "JPY", date(2026, 1, 1), date(2026, 1, 3), date(2026, 1, 2)) == Decimal(
        "667"
    )


@given(
    premium=st.decimals(min_value=Decimal("0.01"), max_value=Decimal("1e12"), places=2),
    length=st.integers(min_value=1, max_value=800),
    first=st.integers(min_value=-30, max_value=830),
    later=st.integers(min_value=0, max_value=60),
)
def test_return_premium_is_bounded_and_never_grows(premium: Decimal, length: int, first: int, later: int) -> None:
    start = date(2026, 1, 1)
    end = start + timedelta(days=length - 1)
    a = pro_rata_return(premium, "CNY", start, end, start + timedelta(days=first))
    b = pro_rata_return(premium, "CNY", start, end, start + timedelta(days=first + later))
    assert Decimal(0) <= b <= a <= premium
