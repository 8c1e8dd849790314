"""`cyberins --help` lists every command without importing one: the heavy libraries stay unloaded."""

from __future__ import annotations

import subprocess
import sys

import typer

from cyberins.cli.app import COMMANDS, SUMMARIES, app
from tests.conftest import ROOT

HEAVY = ("scipy", "numpy", "sqlalchemy", "matplotlib", "weasyprint", "fastapi", "cyberins.assess", "cyberins.cli.run")


def test_every_command_is_listed_with_its_own_first_line_of_help() -> None:
    commands = typer.main.get_group(app).commands
    assert set(SUMMARIES) == set(COMMANDS)
    for name, summary in SUMMARIES.items():
        command = commands[name]
        assert summary == (command.short_help or command.help or "").split("\n\n")[0].strip(), name


def test_the_root_help_imports_no_command() -> None:
    probe = (
        "import sys\n"
        "sys.argv = ['cyberins', '--help']\n"
        "from cyberins.cli.app import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, check=True)
    assert "reserve" in out.stdout and "Commands" in out.stdout  # the listing itself
    assert out.stdout.strip().splitlines()[-1] == "[]"
