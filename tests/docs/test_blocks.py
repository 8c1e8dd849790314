"""How the docs test reads a Markdown page: which blocks it finds, what runs and what it is told to skip."""

from __future__ import annotations

from pathlib import Path

from tests.docs.blocks import read_blocks

PAGE = """# A page

Prose with `cyberins inline` that is not a block.

```console
$ cyberins policy check a.yaml \\
    b.yaml
Checked 2 wordings
$ cyberins quote x.yaml --json
```

<!-- not run: serves until stopped -->
```bash
cyberins serve
```

<!-- file: examples/models/m.yaml -->
```yaml
kind: explicit
```

```
untyped
```

    cyberins explain p.yaml   # an indented command

Then an indented block that is not a command:

    a ── b

- a list item
  ```python
  x = 1
  ```

## A heading
    cyberins run
"""


def _blocks(tmp_path: Path) -> list:
    page = tmp_path / "page.md"
    page.write_text(PAGE, encoding="utf-8")
    return read_blocks(page)


def test_blocks_are_found_with_their_language_line_and_marks(tmp_path: Path) -> None:
    blocks = _blocks(tmp_path)
    assert [(b.line, b.lang) for b in blocks] == [
        (5, "console"),
        (13, "bash"),
        (18, "yaml"),
        (22, ""),
        (26, "bash"),
        (33, "python"),
        (38, "bash"),
    ]
    assert [b.not_run for b in blocks] == [None, "serves until stopped", None, None, None, None, None]
    assert [b.shows_file for b in blocks] == [None, None, "examples/models/m.yaml", None, None, None, None]
    assert blocks[4].text == "cyberins explain p.yaml   # an indented command"
    assert blocks[5].text == "x = 1"  # a fence inside a list item loses the item's indentation
    assert blocks[6].text == "cyberins run"  # an indented block may follow a heading


def test_console_commands_join_continuations_and_drop_output(tmp_path: Path) -> None:
    console = _blocks(tmp_path)[0]
    assert console.commands() == ["cyberins policy check a.yaml \\\n    b.yaml", "cyberins quote x.yaml --json"]


def test_a_shell_block_is_one_script(tmp_path: Path) -> None:
    assert _blocks(tmp_path)[1].commands() == ["cyberins serve"]
