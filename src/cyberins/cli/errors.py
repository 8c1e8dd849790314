"""How every `cyberins` command reports errors: one place, whichever (sub-)app runs the command.

Each Typer app of the CLI is built with `cls=CyberinsGroup`, so an `InvalidInput` raised anywhere below a
command prints the problems (field and message) and exits with code 2, never a traceback — in the installed
command and in tests that drive a sub-app alone with `CliRunner`.
"""

from __future__ import annotations

from enum import Enum
from typing import Any, Literal, get_args, get_origin

import typer
from typer.core import TyperGroup

from cyberins.model.errors import CyberinsError, InvalidInput, Problem, Said
from cyberins.model.ids import Lang

#: Exit code for input that cannot be used (a usage error in click's convention too).
EXIT_INVALID = 2


def print_invalid(exc: InvalidInput, lang: Lang | None = None) -> None:
    """The problems, one a line, in the reader's chosen language (or `lang`) where the catalogue says them (a
    problem only a validator's own English describes keeps it)."""
    from rich.console import Console  # only when there is an error to print: keeps start-up light
    from rich.markup import escape

    from cyberins.cli.logs import error_lang
    from cyberins.model.messages import text

    lang = lang or error_lang()
    err = Console(stderr=True, highlight=False)
    source = escape(exc.source + ("：" if lang == "zh" else ": ")) if exc.source else ""
    err.print(f"[bold red]{text('cli.error.error', lang)}[/]{text('cli.error.colon', lang)}{source}"
              f"{text('cli.error.invalid_input', lang)}")  # fmt: skip
    for problem in exc.problems:
        if lang == "en" or problem.said is None:
            err.print(f"  - {problem}", markup=False)
        else:
            what = problem.in_lang(lang)  # a problem of the whole file (not UTF-8, not YAML) names no field
            said = text("api.problem.sentence", lang, field=problem.field, what=what) if problem.field else what
            err.print(f"  - {said}", markup=False)


def bad_parameter(exc: typer.BadParameter) -> Problem:
    """Click's refusal of an option or argument as a problem naming it (`--years`), said from the catalogue: the
    pydantic error Typer validated the value with (a range, a number), the choices of a choice, a missing one."""
    from pydantic import ValidationError  # only when there is an error to print, as above

    from cyberins.model.loading import said_of

    param = exc.param
    option = param.param_type_name == "option" if param is not None else False
    field = (param.opts[0] if option else param.name or "") if param is not None else ""
    cause = exc.__cause__
    errors = cause.errors(include_url=False) if isinstance(cause, ValidationError) else []
    said: Said | None = None
    if hasattr(exc, "param_type"):  # click's MissingParameter (not exported by Typer) carries the kind it misses
        said = Said("input.click.missing_option" if option else "input.click.missing_argument")
    elif errors:
        error: dict[str, Any] = dict(errors[0])
        choices = _choices(param)
        if error["type"] == "value_error" and choices:  # Typer's choice check says it in a plain ValueError
            error = {"type": "enum", "input": error["input"], "ctx": {"expected": ", ".join(map(repr, choices))}}
        said = said_of(error)
    return Problem(field, exc.format_message(), said or Said("api.problem.invalid"))


#: click's UsageError: an unknown option, an option without its value, an extra argument, an unknown command.
#: Typer vendors click and exports only BadParameter of its errors; UsageError is its base.
USAGE_ERROR: type[Exception] = typer.BadParameter.__base__  # type: ignore[assignment]


def usage_problem(exc: Any) -> Problem:
    """A usage error click raised while reading the command line, as a problem said from the catalogue: the
    option it names (and the nearest one, for a misspelt option) where the error carries them."""
    option = getattr(exc, "option_name", None) or ""
    possibilities = sorted(getattr(exc, "possibilities", None) or ())
    if hasattr(exc, "possibilities"):  # NoSuchOption
        key = (
            "input.click.usage_errors.no_such_option_near"
            if possibilities
            else "input.click.usage_errors.no_such_option"
        )
        said = Said(key, {"nearest": " / ".join(possibilities)})
    elif option:  # BadOptionUsage: mostly an option given without its value
        said = Said("input.click.usage_errors.option_usage")
    elif type(exc).__name__ == "BadArgumentUsage":
        said = Said("input.click.usage_errors.extra_argument")
    else:
        said = Said("input.click.usage_errors.usage", {"help": "--help"})
    return Problem(option, exc.format_message(), said)


def chose_zh(args: list[str]) -> bool:
    """Whether the words of a command line that click could not read ask for zh (`--lang zh`, `--lang=zh`):
    the option's own callback never ran."""
    return "--lang=zh" in args or any(a == "--lang" and b == "zh" for a, b in zip(args, args[1:], strict=False))


def _choices(param: Any) -> tuple[str, ...]:
    """The values a choice option takes: its Literal's or Enum's (Typer), else click's `Choice` type's."""
    annotation = getattr(getattr(param, "type_descriptor", None), "annotation", None)
    if get_origin(annotation) is Literal:
        return tuple(str(a) for a in get_args(annotation))
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return tuple(str(m.value) for m in annotation)
    return tuple(getattr(getattr(param, "type", None), "choices", ()) or ())


class CyberinsGroup(TyperGroup):
    """A command group that turns the package's own errors into a message and exit code 2."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        ctx.meta["cyberins.args"] = list(args)  # the words as typed, for an error click meets reading them
        if ctx.parent is not None:
            return list(super().parse_args(ctx, args))  # a subcommand's errors reach the outer group's `invoke`
        from cyberins.cli.logs import error_lang, forget_lang

        forget_lang()  # the outermost line: a language an earlier command line chose is not this one's
        try:
            return list(super().parse_args(ctx, args))
        except USAGE_ERROR as exc:  # `cyberins --bogus`: the outermost group's own options, before any invoke
            if error_lang() == "en" and not chose_zh(args):
                raise
            print_invalid(InvalidInput([usage_problem(exc)]), "zh")
            raise typer.Exit(EXIT_INVALID) from None

    def invoke(self, ctx: Any) -> Any:  # click.Context: typer vendors click in recent releases
        if ctx.parent is None:  # the outermost group: a language an earlier command line chose is not this one's
            from cyberins.cli.logs import forget_lang

            forget_lang()
        try:
            return super().invoke(ctx)
        except typer.BadParameter as exc:  # click's own refusal of an option: out of range, not a number, missing
            from cyberins.cli.logs import error_lang

            if error_lang() == "en":
                raise  # click's own words and usage line, as scripts and the docs show them
            print_invalid(InvalidInput([bad_parameter(exc)]))
            ctx.exit(EXIT_INVALID)
        except USAGE_ERROR as exc:  # click could not read the subcommand's line (BadParameter is caught above)
            from cyberins.cli.logs import error_lang

            if error_lang() == "en" and not chose_zh(ctx.meta.get("cyberins.args", [])):
                raise  # click's own words and usage line, as scripts and the docs show them
            print_invalid(InvalidInput([usage_problem(exc)]), "zh")
            ctx.exit(EXIT_INVALID)
        except InvalidInput as exc:
            print_invalid(exc)
            ctx.exit(EXIT_INVALID)
        except CyberinsError as exc:
            from rich.console import Console

            from cyberins.cli.logs import error_lang
            from cyberins.model.messages import text

            lang = error_lang()
            message = f"{text('cli.error.error', lang)}{text('cli.error.colon', lang)}{exc.in_lang(lang)}"
            Console(stderr=True, highlight=False).print(message, markup=False)
            ctx.exit(EXIT_INVALID)
