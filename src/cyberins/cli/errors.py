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
    from rich.console import Console  # only when there is an error to print: keeps start-up light
    from rich.markup import escape

    err = Console(stderr=True, highlight=False)
    err.print(f"[bold red]error[/]: {escape(exc.source + ': ') if exc.source else ''}invalid input")
    for problem in exc.problems:
        err.print(f"  - {problem}", markup=False)


class CyberinsGroup(TyperGroup):
    """A command group that turns the package's own errors into a message and exit code 2."""

    def invoke(self, ctx: Any) -> Any:  # click.Context: typer vendors click in recent releases
        try:
            return super().invoke(ctx)
        except InvalidInput as exc:
            print_invalid(exc)
            ctx.exit(EXIT_INVALID)
        except CyberinsError as exc:
            from rich.console import Console

            Console(stderr=True, highlight=False).print(f"error: {exc}", markup=False)
            ctx.exit(EXIT_INVALID)
