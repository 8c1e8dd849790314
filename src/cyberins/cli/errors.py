"""How every `cyberins` command reports errors: one place, whichever (sub-)app runs the command.

Each Typer app of the CLI is built with `cls=CyberinsGroup`, so an `InvalidInput` raised anywhere below a
command prints the problems (field and message) and exits with code 2, never a traceback — in the installed
command and in tests that drive a sub-app alone with `CliRunner`.
"""

from __future__ import annotations

from typing import Any

from typer.core import TyperGroup

from cyberins.model.errors import CyberinsError, InvalidInput

#: Exit code for input that cannot be used (a usage error in click's convention too).
EXIT_INVALID = 2


def print_invalid(exc: InvalidInput) -> None:
    """The problems, one a line, in the reader's chosen language where the catalogue says them (a problem
    only a validator's own English describes keeps it)."""
    from rich.console import Console  # only when there is an error to print: keeps start-up light
    from rich.markup import escape

    from cyberins.cli.logs import error_lang
    from cyberins.model.messages import text

    lang = error_lang()
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


class CyberinsGroup(TyperGroup):
    """A command group that turns the package's own errors into a message and exit code 2."""

    def invoke(self, ctx: Any) -> Any:  # click.Context: typer vendors click in recent releases
        if ctx.parent is None:  # the outermost group: a language an earlier command line chose is not this one's
            from cyberins.cli.logs import forget_lang

            forget_lang()
        try:
            return super().invoke(ctx)
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
