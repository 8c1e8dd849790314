"""Building blocks of every catalog file: bilingual labels, sources and the provenance each entry carries.

STYLE.md asks that every value in a data file carries its source or says it is an assumption. A
`Provenance` is either `source: <id>` (an id from the file's `sources:` list, checked by the loader) or
`assumption: true` with a `reason`; both may be given when a source was used but not fully verified.
"""

from __future__ import annotations

from typing import Annotated, Generic, TypeVar

from pydantic import StringConstraints, field_validator, model_validator

from cyberins.model.base import Frozen
from cyberins.model.ids import Lang

#: A non-empty string, surrounding blanks removed.
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
#: A stable machine id: snake_case ASCII.
SnakeId = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$")]

LANGS: tuple[Lang, ...] = ("zh", "en")

V = TypeVar("V")


class Label(Frozen):
    """A text in both catalog languages: `zh` (zh-CN) and `en`. Neither may be empty."""

    zh: Text
    en: Text

    def in_lang(self, lang: Lang) -> str:
        return self.zh if lang == "zh" else self.en


class Source(Frozen):
    """One document a file's entries cite by `id`."""

    id: SnakeId
    title: Text
    publisher: Text | None = None
    year: int | None = None
    url: Text | None = None
    note: Text | None = None


class Provenance(Frozen):
    """Where a value comes from: a cited `source`, or an `assumption` with its `reason` (or both)."""

    source: SnakeId | tuple[SnakeId, ...] | None = None
    assumption: bool = False
    reason: Text | None = None
    note: Text | None = None

    @field_validator("source", mode="before")
    @classmethod
    def _list_to_tuple(cls, value: object) -> object:
        return tuple(value) if isinstance(value, list) else value

    @model_validator(mode="after")
    def _cited_or_assumed(self) -> Provenance:
        if self.assumption and not self.reason:
            raise ValueError("`assumption: true` needs a `reason`")
        if self.source in (None, ()) and not self.assumption:
            raise ValueError("cite a `source` from this file's `sources`, or set `assumption: true` with a `reason`")
        return self

    @property
    def source_ids(self) -> tuple[str, ...]:
        if self.source is None:
            return ()
        return (self.source,) if isinstance(self.source, str) else self.source


class Fact(Provenance, Generic[V]):
    """One value with its provenance, e.g. `{value: false, source: pboc_2021_237}`."""

    value: V
