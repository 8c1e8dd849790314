"""The one base of every value object read from a file or a request (STYLE.md rule 4)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Frozen(BaseModel):
    """Immutable, strict about unknown fields: a typo in a data file is an error, not a silent default."""

    model_config = ConfigDict(frozen=True, extra="forbid")
