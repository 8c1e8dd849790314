"""docs/standards.md cannot drift: every backticked path exists and every `cyberins …` command parses."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

ROOT = Path(__file__).resolve().parents[2]
PAGE = (ROOT / "docs" / "standards.md").read_text(encoding="utf-8")
SPANS = re.findall(r"`([^`\n]+)`", PAGE)
#: A backticked span without blanks that holds a slash is a repository path (names such as GB/T are not
#: backticked on the page).
PATHS = sorted({s for s in SPANS if "/" in s and " " not in s})
COMMANDS = sorted({s for s in SPANS if s.startswith("cyberins ")})
#: A command's own words: lower-case; the first option, placeholder (PROFILE) or path ends them.
WORD = re.compile(r"^[a-z][a-z-]*$")


def _command_words(span: str) -> list[str]:
    words = []
    for token in span.split()[1:]:
        if not WORD.match(token):
            break
        words.append(token)
    return words


def test_the_page_maps_something() -> None:
    assert len(PATHS) >= 20 and len(COMMANDS) >= 10
    for status in ("met", "partly"):
        assert f"| {status}" in PAGE


@pytest.mark.parametrize("path", PATHS)
def test_every_path_exists(path: str) -> None:
    assert (ROOT / path).exists(), f"docs/standards.md names {path}, which does not exist"


@pytest.mark.parametrize("span", COMMANDS)
def test_every_command_parses(span: str) -> None:
    from cyberins.cli.app import app

    words = _command_words(span)
    assert words, span
    result = CliRunner().invoke(app, [*words, "--help"])
    assert result.exit_code == 0, f"`{span}`: `cyberins {' '.join(words)} --help` exits {result.exit_code}"
