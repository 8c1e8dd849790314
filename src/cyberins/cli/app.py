"""The `cyberins` command: one Typer app; sub-apps per capability (errors are reported by `cli.errors`).

Each command lives in its own module and is imported only when it runs: `cyberins simulate` never loads the
database layer, the web service or the report renderer, so start-up costs what the command needs. The
table `COMMANDS` names them all; `main` resolves the one invoked, and `app` (the whole Typer app, built on
first access) serves tests and tools that want every command registered.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, MutableMapping
from typing import Any

import typer
from typer.core import TyperCommand

from cyberins.cli.errors import CyberinsGroup

HELP = "Quantified cyber insurance: catalog, policy terms, risk model, pricing and claims (网络安全保险)."

#: name → (module, attribute): a function is a command, a `typer.Typer` a group of sub-commands. Listed
#: commands first, then groups, in the order `cyberins --help` shows them.
COMMANDS: dict[str, tuple[str, str]] = {
    "run": ("cyberins.cli.run", "run"),
    "simulate": ("cyberins.cli.simulate", "simulate_command"),
    "explain": ("cyberins.cli.assess", "explain"),
    "grade": ("cyberins.cli.grade", "grade_command"),
    "quote": ("cyberins.cli.quote", "quote"),
    "whatif": ("cyberins.cli.quote", "whatif_command"),
    "serve": ("cyberins.cli.platform", "serve"),
    "demo": ("cyberins.cli.platform", "demo"),
    "backup": ("cyberins.cli.platform", "backup"),
    "restore": ("cyberins.cli.platform", "restore"),
    "catalog": ("cyberins.cli.catalog", "app"),
    "policy": ("cyberins.cli.policy", "app"),
    "claim": ("cyberins.cli.claims", "app"),
    "product": ("cyberins.cli.products", "app"),
    "audit": ("cyberins.cli.platform", "audit_app"),
    "user": ("cyberins.cli.users", "app"),
    "reserve": ("cyberins.cli.reserves", "app"),
    "feeds": ("cyberins.cli.feeds", "app"),
    "monitor": ("cyberins.cli.monitor", "app"),
    "portfolio": ("cyberins.cli.portfolio", "app"),
    "exchange": ("cyberins.cli.exchange", "app"),
}


#: The one-line help of each command as `cyberins --help` lists it, so the listing imports no command module
#: (they pull in SciPy, SQLAlchemy, matplotlib: seconds). tests/cli checks each equals its command's own help.
SUMMARIES: dict[str, str] = {
    "run": "Quote → decline → fix → quote → bind → claim → settle → pay → audit, for one example company.",
    "simulate": "Simulate annual losses, gross and after the policy's terms.",
    "explain": "List each factor of the risk model and its effect on frequency and expected annual loss.",
    "grade": "Risk grade 1 (best) to 5 from expected loss and tail relative to revenue, and the eligibility findings.",
    "quote": "Assess, price, offer limit/retention options, recommend the cover needed and the controls that pay.",
    "whatif": "What adding security controls does to expected loss, retained loss and premium, against their cost.",
    "serve": "Run the REST API with uvicorn (OpenAPI schema at /openapi.json, docs at /docs).",
    "demo": "Create the schema on CYBERINS_DATABASE_URL and seed a multi-party demo world (safe to re-run).",
    "backup": "Export one tenant's data as JSON lines.",
    "restore": "Re-import a tenant backup; rows already present are kept, so restoring twice is harmless.",
    "catalog": "The cyber catalog: ids, bilingual labels and standard codes (术语).",
    "policy": "Policy wordings as data: check, show, and apply to a loss.",
    "claim": "Claims: coverage decision (定责), loss adjustment (定损) and settlement.",
    "product": "Products: service bundles, product warranties and group schemes (产品).",
    "audit": "The keyed, hash-chained audit log.",
    "user": "Users: disable, enable, reset a password (用户管理).",
    "reserve": "Reserves: claims triangles, chain-ladder and Bornhuetter-Ferguson IBNR, credibility.",
    "feeds": "Threat-intelligence feeds: KEV, EPSS, NVD and ATT&CK snapshots in the platform database.",
    "monitor": "In-policy monitoring: match asset inventories to vulnerability feeds; alerts, re-scoring, the book.",
    "portfolio": "Portfolio accumulation: systemic scenarios, reinsurance and cat bonds (风险分散).",
    "exchange": "Standards and data exchange: OED, policies/claims/payments, STIX 2.1, pooled loss data (数据交换).",
}


def _target(name: str) -> Any:
    module, attribute = COMMANDS[name]
    return getattr(importlib.import_module(module), attribute)


def _register(app: typer.Typer, name: str) -> None:
    target = _target(name)
    if isinstance(target, typer.Typer):
        app.add_typer(target, name=name)
    else:
        app.command(name)(target)


def _click_command(name: str) -> Any:
    """The click command Typer builds for `name` inside a group, as in the whole app."""
    one = typer.Typer(add_completion=False)
    _register(one, name)
    return typer.main.get_group(one).commands[name]


class _LazyCommands(MutableMapping[str, Any]):
    """The root group's click commands (typer vendors click), each imported and built on first use."""

    def __init__(self) -> None:
        self._built: dict[str, Any] = {}

    def __getitem__(self, name: str) -> Any:
        if name not in self._built:
            if name not in COMMANDS:
                raise KeyError(name)
            self._built[name] = _click_command(name)
        return self._built[name]

    def __setitem__(self, name: str, command: Any) -> None:
        self._built[name] = command

    def __delitem__(self, name: str) -> None:
        raise TypeError("commands of cyberins are fixed")

    def __iter__(self) -> Iterator[str]:
        return iter(dict.fromkeys([*COMMANDS, *self._built]))

    def __len__(self) -> int:
        return len(set(COMMANDS) | set(self._built))


def _options(
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Log each stage as JSON lines on stderr."),
    log_level: str | None = typer.Option(
        None, "--log-level", envvar="CYBERINS_LOG_LEVEL", help="DEBUG, INFO, WARNING or ERROR (JSON lines)."
    ),
) -> None:
    """Options before the command: logging (a status line on a terminal otherwise)."""
    from cyberins.cli.logs import configure

    configure(verbose, log_level)


def _root(cls: type[CyberinsGroup]) -> typer.Typer:
    """The `cyberins` app without its commands: help, logging options, shell completion."""
    root = typer.Typer(
        name="cyberins", cls=cls, help=HELP, no_args_is_help=True, pretty_exceptions_enable=False,
        add_completion=True,
    )  # fmt: skip
    root.callback()(_options)
    return root


def _whole_app() -> typer.Typer:
    whole = _root(CyberinsGroup)
    for name in COMMANDS:
        _register(whole, name)
    return whole


def __getattr__(name: str) -> Any:
    if name == "app":
        globals()["app"] = built = _whole_app()
        return built
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class _Root(CyberinsGroup):
    """The root group: its help lists the commands from `SUMMARIES` without importing them."""

    listing = False

    def format_help(self, ctx: Any, formatter: Any) -> None:
        self.listing = True
        try:
            super().format_help(ctx, formatter)
        finally:
            self.listing = False

    def list_commands(self, ctx: Any) -> list[str]:
        return list(self.commands)  # the names only: Typer's own builds every command to list it

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        if self.listing and cmd_name in SUMMARIES:
            return TyperCommand(cmd_name, help=SUMMARIES[cmd_name])
        return super().get_command(ctx, cmd_name)


def main() -> None:
    """Console entry point."""
    group = typer.main.get_command(_root(_Root))
    assert isinstance(group, _Root)  # a root with a callback is always a group
    group.commands = _LazyCommands()
    group(prog_name="cyberins")
