"""One exception tree for the whole package.

Interfaces map it once: the CLI prints the message and exits 2, the API answers 4xx with the same
problems as a body. Every problem names the field (a dotted path into the input) and what is wrong.
"""

from __future__ import annotations

from dataclasses import dataclass


class CyberinsError(Exception):
    """Base of every error the package raises on purpose."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input: where (`field`, a dotted path such as `coverages.legal.retention`) and what."""

    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}" if self.field else self.message


class InvalidInput(CyberinsError):
    """An input (file, option, request body) that cannot be used as given."""

    def __init__(self, problems: list[Problem], source: str = "") -> None:
        self.problems = problems
        self.source = source
        where = f"{source}: " if source else ""
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"{where}invalid input\n{lines}")

    @classmethod
    def one(cls, field: str, message: str, source: str = "") -> InvalidInput:
        return cls([Problem(field, message)], source)
