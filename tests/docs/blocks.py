"""The code blocks of the project's Markdown pages, as the docs test reads them (issue 17 §5).

A fenced block runs by its language: shell (`bash`, `sh`, `console`, where only `$ ` lines are commands),
`python` (the blocks of one page share a namespace, in order) and `pycon` (a doctest). Data, output samples
and diagrams say what they are (`text`, `yaml`, `json`, `mermaid`); a fence without a language is refused,
so a command can never be skipped by accident. A block that must not run (it serves until stopped, takes
minutes or needs the network) is preceded by `<!-- not run: reason -->`; one that shows a shipped example
file is preceded by `<!-- file: PATH -->` and must match that file. An indented (4-space) block counts
when its first line is a command.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

SHELL = frozenset({"bash", "sh", "shell", "console"})
PYTHON = frozenset({"python", "py"})
PYCON = frozenset({"pycon"})
#: Languages that are read, not run: data, output samples, diagrams.
INERT = frozenset({"text", "yaml", "json", "mermaid"})

FENCE = re.compile(r"^(?P<indent> *)(?P<fence>`{3,}|~{3,})\s*(?P<lang>[\w+-]*)")
MARK = re.compile(r"^<!--\s*(?P<kind>not run|file):\s*(?P<value>.+?)\s*-->$")
#: First words of an indented block that make it a command rather than prose or a diagram.
COMMAND_START = re.compile(r"^(\$ |cyberins\b|\./|\.venv/|scripts/|python\b|[A-Z_]+=)")


@dataclass(frozen=True)
class Block:
    page: Path
    line: int  # 1-based line of the opening fence (or of the first indented line)
    lang: str
    text: str
    not_run: str | None = None  # the reason given in `<!-- not run: ... -->`
    shows_file: str | None = None  # the path given in `<!-- file: ... -->`

    @property
    def id(self) -> str:
        return f"{self.page.name}:{self.line}"

    def commands(self) -> list[str]:
        """The shell commands of a shell block, continuation lines joined; a console block's output dropped."""
        lines = self.text.splitlines()
        if self.lang == "console":
            commands, current = [], None
            for line in lines:
                if current is not None:
                    current += "\n" + line
                elif line.startswith("$ "):
                    current = line[2:]
                if current is not None and not current.endswith("\\"):
                    commands.append(current)
                    current = None
            return commands
        return ["\n".join(lines)] if self.text.strip() else []


def _mark(lines: list[str], index: int) -> tuple[str | None, str | None]:
    """The `<!-- ... -->` mark on the last non-blank line before line `index`, as (not_run, file)."""
    for previous in reversed(lines[:index]):
        if previous.strip():
            match = MARK.match(previous.strip())
            if match is None:
                return None, None
            value = match.group("value")
            return (value, None) if match.group("kind") == "not run" else (None, value)
    return None, None


def read_blocks(page: Path) -> list[Block]:
    lines = page.read_text(encoding="utf-8").splitlines()
    blocks: list[Block] = []
    i = 0
    while i < len(lines):
        opening = FENCE.match(lines[i])
        if opening is not None:
            indent, fence = len(opening.group("indent")), opening.group("fence")
            end = i + 1
            while end < len(lines) and not lines[end].strip().startswith(fence):
                end += 1
            body = "\n".join(line[indent:] for line in lines[i + 1 : end])
            not_run, shows = _mark(lines, i)
            blocks.append(Block(page, i + 1, opening.group("lang"), body, not_run, shows))
            i = end + 1
            continue
        # An indented block cannot interrupt a paragraph: it follows a blank line or a heading.
        indented = lines[i].startswith("    ") and (i == 0 or not lines[i - 1].strip() or lines[i - 1].startswith("#"))
        if indented and COMMAND_START.match(lines[i].strip()):
            end = i
            while end < len(lines) and (lines[end].startswith("    ") or not lines[end].strip()):
                end += 1
            body = "\n".join(line[4:] for line in lines[i:end]).strip("\n")
            not_run, shows = _mark(lines, i)
            blocks.append(Block(page, i + 1, "bash", body, not_run, shows))
            i = end
            continue
        i += 1
    return blocks
