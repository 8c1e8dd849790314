"""The `cyberins` command: one Typer app; sub-apps per capability (errors are reported by `cli.errors`)."""

from __future__ import annotations

import typer

from cyberins.cli import assess as assess_cli
from cyberins.cli import claims as claims_cli
from cyberins.cli import platform as platform_cli
from cyberins.cli import policy as policy_cli
from cyberins.cli import products as products_cli
from cyberins.cli import quote as quote_cli
from cyberins.cli import reserves as reserves_cli
from cyberins.cli import run as run_cli
from cyberins.cli import simulate as simulate_cli
from cyberins.cli.errors import CyberinsGroup

app = typer.Typer(
    name="cyberins",
    cls=CyberinsGroup,
    help="Quantified cyber insurance: catalog, policy terms, risk model, pricing and claims (网络安全保险).",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.add_typer(policy_cli.app, name="policy")
app.add_typer(claims_cli.app, name="claim")
app.add_typer(products_cli.app, name="product")
app.command("run")(run_cli.run)
app.command("simulate")(simulate_cli.simulate_command)
app.command("explain")(assess_cli.explain)
app.command("quote")(quote_cli.quote)
app.command("whatif")(quote_cli.whatif_command)
app.command("serve")(platform_cli.serve)
app.command("demo")(platform_cli.demo)
app.command("backup")(platform_cli.backup)
app.command("restore")(platform_cli.restore)
app.add_typer(platform_cli.audit_app, name="audit")
app.add_typer(reserves_cli.app, name="reserve")


def main() -> None:
    """Console entry point."""
    app()
