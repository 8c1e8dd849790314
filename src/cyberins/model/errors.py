"""One exception tree for the whole package.

Interfaces map it once: the CLI prints the message and exits 2, the API answers 4xx with the same
problems as a body. Every problem names the field (a dotted path into the input) and what is wrong.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field as default
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cyberins.model.ids import Lang


@dataclass(frozen=True)
class Said:
    """A message of the catalogue (`model/data/messages.yaml`) with its values, said in the reader's language.

    A value that is itself a `Said` (an entity's name), or a mapping of both languages' texts (a reason
    that carries its own), is said in the same language; str() is the English text.
    """

    id: str
    values: Mapping[str, Any] = default(default_factory=dict)

    def in_lang(self, lang: Lang) -> str:
        from cyberins.model.messages import text

        values = {k: _in_lang(v, lang) for k, v in self.values.items()}
        return text(self.id, lang, **values)

    def __str__(self) -> str:
        return self.in_lang("en")


def _in_lang(value: Any, lang: Lang) -> Any:
    if isinstance(value, Said):
        return value.in_lang(lang)
    if isinstance(value, Mapping) and set(value) == {"zh", "en"}:
        return value[lang]
    return value


class InvalidValue(ValueError):
    """A validator's refusal said from the catalogue: pydantic keeps the exception in the error's context, so the
    problem reaches a reader of either language (`loading.said_of`); str() is the English text, as before."""

    def __init__(self, id_: str, /, **values: Any) -> None:
        self.said = Said(id_, values)
        super().__init__(str(self.said))


class CyberinsError(Exception):
    """Base of every error the package raises on purpose; raised with a `Said`, it can speak either language."""

    @property
    def said(self) -> Said | None:
        return self.args[0] if self.args and isinstance(self.args[0], Said) else None

    def in_lang(self, lang: Lang) -> str:
        """The message in `lang` where it comes from the catalogue, else as raised."""
        said = self.said
        return said.in_lang(lang) if said is not None else str(self)

    def __str__(self) -> str:
        said = self.said
        return str(said) if said is not None else super().__str__()


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input: where (`field`, a dotted path such as `coverages.legal.retention`) and what."""

    field: str
    message: str
    #: What is wrong said from the catalogue, for a reader of another language (the API's zh bodies).
    said: Said | None = default(default=None, compare=False)

    @classmethod
    def of(cls, field: str, said: Said) -> Problem:
        """A problem said from the catalogue: its English text, and itself for a reader of another language."""
        return cls(field, str(said), said)

    def in_lang(self, lang: Lang) -> str:
        """What is wrong in `lang`: the catalogue's sentence, or a general one where the problem has none."""
        if lang == "en":
            return self.message
        return (self.said or Said("api.problem.invalid")).in_lang(lang)

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
    def one(cls, field: str, message: str | Said, source: str = "", said: Said | None = None) -> InvalidInput:
        """One problem; `said` is the same in the catalogue's words, for a reader of another language. A `Said`
        given as the message is both: its English text and itself."""
        if isinstance(message, Said):
            return cls([Problem.of(field, message)], source)
        return cls([Problem(field, message, said)], source)


def english_only(detail: str) -> dict[str, str]:
    """A detail that exists only in English (a JSON or YAML parser's own words), as a `Said` value: the en
    sentence shows it after a colon, the zh sentence goes without it (the place it names is enough to fix it)."""
    return {"zh": "", "en": f": {detail}"}


def os_reason(exc: OSError) -> dict[str, str]:
    """Why the system refused a file, as a `Said` value: en keeps the system's own words (`No such file or
    directory`); zh says the common causes from the catalogue (`input.os.ENOENT` …), else the error's code."""
    import errno

    from cyberins.model.messages import has, text

    code = errno.errorcode.get(exc.errno or 0, "")
    zh = text(f"input.os.{code}", "zh") if code and has(f"input.os.{code}") else (code or "—")
    return {"zh": zh, "en": exc.strerror or str(exc)}
