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

from cyberins.cli.errors import CyberinsGroup

HELP = "Quantified cyber insurance: catalog, policy terms, risk model, pricing and claims (网络安全保险)."

#: name → (module, attribute): a function is a command, a `typer.Typer` a group of sub-commands. Listed
#: commands first, then groups, in the order `cyberins --help` shows them.
COMMANDS: dict[str, tuple[str, str]] = {
    "run": ("cyberins.cli.run", "run"),
    "simulate": ("cyberins.cli.simulate", "simulate_command"),
    "explain": ("cyberins.cli.assess", "explain"),
    "quote": ("cyberins.cli.quote", "quote"),
    "whatif": ("cyberins.cli.quote", "whatif_command"),
    "serve": ("cyberins.cli.platform", "serve"),
    "demo": ("cyberins.cli.platform", "demo"),
    "backup": ("cyberins.cli.platform", "backup"),
    "restore": ("cyberins.cli.platform", "restore"),
    "policy": ("cyberins.cli.policy", "app"),
    "claim": ("cyberins.cli.claims", "app"),
    "product": ("cyberins.cli.products", "app"),
    "audit": ("cyberins.cli.platform", "audit_app"),
    "user": ("cyberins.cli.users", "app"),
    "reserve": ("cyberins.cli.reserves", "app"),
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


def _whole_app() -> typer.Typer:
    whole = typer.Typer(
        name="cyberins",
        cls=CyberinsGroup,
        help=HELP,
        no_args_is_help=True,
        pretty_exceptions_enable=False,
        add_completion=False,
    )
    for name in COMMANDS:
        _register(whole, name)
    return whole


def __getattr__(name: str) -> Any:
    if name == "app":
        globals()["app"] = built = _whole_app()
        return built
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def main() -> None:
    """Console entry point."""
    group = CyberinsGroup(name="cyberins", help=HELP, no_args_is_help=True)
    group.commands = _LazyCommands()
    group()
