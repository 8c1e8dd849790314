"""`cyberins user disable|enable|reset-password EMAIL`: offboarding and recovery without SQL.

The operator acts as the platform's system actor (it holds the database), so any organization's user can be
named; each step is audited like its API twin (`services.users`).
"""

from __future__ import annotations

import typer
from rich.console import Console

from cyberins.cli.errors import CyberinsGroup
from cyberins.cli.platform import _session

console = Console(highlight=False)
app = typer.Typer(cls=CyberinsGroup, help="Users: disable, enable, reset a password (用户管理).", no_args_is_help=True)

EMAIL = typer.Argument(..., help="The user's email (what it signs in with).")


def _set_active(email: str, active: bool) -> None:
    from cyberins.services import users
    from cyberins.services.access import Principal

    system = Principal.system_actor()
    with _session() as session:
        user = users.set_active(session, system, users.find_user(session, system, email).id, active)
    state = "enabled (已启用)" if active else "disabled, its tokens revoked (已停用，令牌已撤销)"
    console.print(f"{user.email}: {state}")


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
    with _session() as session:
        user, password = users.reset_password(session, system, users.find_user(session, system, email).id)
    console.print(f"{user.email}: new password (新密码, shown once): {password}")
