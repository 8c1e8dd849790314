"""The `cyberins` command: one Typer app; every `CyberinsError` becomes a clear message and exit code 2."""

from __future__ import annotations

import sys

import typer
from rich.console import Console

from cyberins.cli import policy as policy_cli
from cyberins.cli import run as run_cli
from cyberins.cli import simulate as simulate_cli
from cyberins.model.errors import CyberinsError, InvalidInput

app = typer.Typer(
    name="cyberins",
    help="Quantified cyber insurance: catalog, policy terms, risk model, pricing and claims (网络安全保险).",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.add_typer(policy_cli.app, name="policy")
app.command("run")(run_cli.run)
app.command("simulate")(simulate_cli.simulate_command)

#: Exit code for input that cannot be used (a usage error in click's convention too).
EXIT_INVALID = 2


def main() -> None:
    """Console entry point."""
    try:
        app()
    except InvalidInput as exc:
        err = Console(stderr=True, highlight=False)
        err.print(f"[bold red]error[/]: {exc.source + ': ' if exc.source else ''}invalid input", markup=True)
        for problem in exc.problems:
            err.print(f"  - {problem}", markup=False)
        sys.exit(EXIT_INVALID)
    except CyberinsError as exc:
        Console(stderr=True, highlight=False).print(f"error: {exc}", markup=False)
        sys.exit(EXIT_INVALID)
