"""`cyberins user disable|enable|reset-password EMAIL`: offboarding and recovery without SQL, in CYBERINS_LANG.

The operator acts as the platform's system actor (it holds the database), so any organization's user can be
named; each step is audited like its API twin (`services.users`).
"""

from __future__ import annotations

import typer
from rich.console import Console

from cyberins.cli.errors import CyberinsGroup
from cyberins.cli.platform import database_session
from cyberins.model.messages import text
from cyberins.settings import get_settings

console = Console(highlight=False)
app = typer.Typer(cls=CyberinsGroup, help="Users: disable, enable, reset a password (用户管理).", no_args_is_help=True)

EMAIL = typer.Argument(..., help="The user's email (what it signs in with).")


def _set_active(email: str, active: bool) -> None:
    from cyberins.services import users
    from cyberins.services.access import Principal

    system = Principal.system_actor()
    with database_session() as session:
        user = users.set_active(session, system, users.find_user(session, system, email).id, active)
    lang = get_settings().lang
    console.print(text("cli.user.enabled" if active else "cli.user.disabled", lang, email=user.email), markup=False)


@app.command("disable")
def disable(email: str = EMAIL) -> None:
    """Disable a user: it cannot sign in, and its access tokens stop working at once."""
    _set_active(email, False)


@app.command("enable")
def enable(email: str = EMAIL) -> None:
    """Enable a disabled user again."""
    _set_active(email, True)


@app.command("reset-password")
def reset_password(email: str = EMAIL) -> None:
    """Give a user a new random password, printed once; its tokens are revoked and a sign-in lock lifted."""
    from cyberins.services import users
    from cyberins.services.access import Principal

    system = Principal.system_actor()
    with database_session() as session:
        user, password = users.reset_password(session, system, users.find_user(session, system, email).id)
    lang = get_settings().lang
    console.print(text("cli.user.new_password", lang, email=user.email, password=password), markup=False)
