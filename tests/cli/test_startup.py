"""`cyberins --help` lists every command without importing one, and every command's (and sub-command's)
`--help` loads none of the heavy libraries: the engines are imported when a command runs (issue 17 §4)."""

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


#: What no `--help` may load: the numerical stack, the database layer, the report's charts.
ENGINES = ("numpy", "scipy", "matplotlib", "sqlalchemy", "pandas", "chainladder")


def _help_of_every_command() -> list[tuple[str, ...]]:
    """Each command once: a group's sub-commands live in its module, which `GROUP --help` has imported, and a
    sub-command's `--help` runs none of its body, so it can load nothing more."""
    return [(name,) for name in COMMANDS]


def test_no_help_loads_an_engine() -> None:
    """One interpreter per `--help` (a module stays loaded once imported), driven from one subprocess."""
    probe = (
        "import sys, subprocess\n"
        f"heavy = {ENGINES!r}\n"
        f"for argv in {_help_of_every_command()!r}:\n"
        '    code = (\'import sys; sys.argv = ["cyberins", *%r, "--help"]\\n\'\n'
        "            'from cyberins.cli.app import main\\n'\n"
        "            'try:\\n    main()\\nexcept SystemExit:\\n    pass\\n'\n"
        "            'print(\"LOADED\", sorted(m for m in %r if m in sys.modules))') % (list(argv), heavy)\n"
        "    out = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True, check=True).stdout\n"
        "    print(' '.join(argv), out.strip().splitlines()[-1])\n"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, check=True)
    lines = out.stdout.strip().splitlines()
    assert len(lines) == len(_help_of_every_command())
    loaded = {line.split(" LOADED ")[0]: line.split(" LOADED ")[1] for line in lines}
    assert {argv: mods for argv, mods in loaded.items() if mods != "[]"} == {}
