"""State machines as data: each action names the states it may start from and the states it may lead to."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from cyberins.model.errors import Said
from cyberins.services.errors import Conflict


@dataclass(frozen=True)
class Transition:
    sources: frozenset[str]
    targets: frozenset[str]


@dataclass(frozen=True)
class StateMachine:
    """A named set of transitions; `check` refuses any move the table does not list."""

    name: str
    initial: frozenset[str]
    transitions: Mapping[str, Transition]

    def check(self, action: StrEnum | str, current: str, target: str) -> str:
        """Return `target` if `action` may move an entity from `current` to `target`, else raise `Conflict`."""
        rule = self.transitions.get(str(action))
        if rule is None:
            raise Conflict(
                Said("api.error.unknown_action", {"machine": self.name, "action": str(action)}), current_state=current
            )
        if current not in rule.sources:
            allowed = ", ".join(sorted(rule.sources))
            raise Conflict(
                Said(
                    "api.error.illegal_transition",
                    {"machine": self.name, "action": str(action), "current": repr(current), "allowed": allowed},
                ),
                current_state=current,
            )
        if target not in rule.targets:  # a programming error in a service, never the caller's
            raise AssertionError(f"{self.name}: {action!s} cannot lead to {target!r}")
        return target

    def check_from(self, action: StrEnum | str, current: str) -> None:
        """Raise `Conflict` unless `action` may start from `current` (before an engine computes the target)."""
        rule = self.transitions.get(str(action))
        if rule is None or current not in rule.sources:
            self.check(action, current, "")

    def edges(self) -> list[tuple[str, str, str]]:
        """Every (source, action, target) edge, for documentation and tests."""
        return sorted((s, a, t) for a, rule in self.transitions.items() for s in rule.sources for t in rule.targets)


def transition(sources: set[StrEnum], targets: set[StrEnum]) -> Transition:
    return Transition(frozenset(str(s) for s in sources), frozenset(str(t) for t in targets))
