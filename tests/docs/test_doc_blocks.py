"""Every command and code block in README.md and docs/*.md runs as written (issue 17 §5).

Commands run in a temporary copy of the repository's inputs (examples, scripts, benchmarks) with a
`.venv/bin` of its own on PATH whose `cyberins` and `python` are this interpreter, so whatever they write
lands in the copy, never in the repository. Blocks that would reach the network are marked not run.
"""

from __future__ import annotations

import doctest
import itertools
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.docs.blocks import INERT, PYCON, PYTHON, SHELL, Block, read_blocks

ROOT = Path(__file__).resolve().parents[2]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
BLOCKS = [block for page in PAGES for block in read_blocks(page)]
#: What the commands read besides the package itself.
INPUTS = ("examples", "scripts", "benchmarks")
#: A command block must finish well inside the docs test's budget (about two minutes for all of them).
TIMEOUT_S = 90


def _shell_blocks(*, run: bool) -> list[Block]:
    return [b for b in BLOCKS if b.lang in SHELL and (b.not_run is None) == run]


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """A scratch copy of the repository's inputs whose `.venv/bin` runs this interpreter and this checkout."""
    for name in INPUTS:
        shutil.copytree(ROOT / name, tmp_path / name)
    bin_dir = tmp_path / ".venv" / "bin"
    bin_dir.mkdir(parents=True)
    for name, line in (
        ("python", f'exec {shlex.quote(sys.executable)} "$@"'),
        ("cyberins", f'exec {shlex.quote(sys.executable)} -m cyberins "$@"'),
    ):
        (bin_dir / name).write_text(f"#!/bin/sh\n{line}\n")
        (bin_dir / name).chmod(0o755)
    return tmp_path


def _pythonpath() -> str:
    """This checkout's package first, whatever the interpreter has installed."""
    return os.pathsep.join(filter(None, [str(ROOT / "src"), os.environ.get("PYTHONPATH")]))


def _environment(workspace: Path) -> dict[str, str]:
    # The docs describe the defaults: settings a developer has exported must not change what the commands do.
    env = {k: v for k, v in os.environ.items() if not k.startswith("CYBERINS_")}
    env["PATH"] = f"{workspace / '.venv' / 'bin'}{os.pathsep}{env['PATH']}"
    env["PYTHONPATH"] = _pythonpath()
    env["MPLCONFIGDIR"] = str(workspace / ".matplotlib")
    return env


def test_every_block_says_what_it_is() -> None:
    known = SHELL | PYTHON | PYCON | INERT
    unmarked = [f"{b.id} ```{b.lang}" for b in BLOCKS if b.lang not in known]
    assert not unmarked, f"fences need a language ({', '.join(sorted(known))}): {unmarked}"


@pytest.mark.parametrize("block", _shell_blocks(run=True), ids=lambda b: b.id)
def test_shell_block_runs(block: Block, workspace: Path) -> None:
    for command in block.commands():
        done = subprocess.run(
            ["bash", "-euo", "pipefail", "-c", command],
            cwd=workspace,
            env=_environment(workspace),
            capture_output=True,
            text=True,
            timeout=TIMEOUT_S,
        )
        assert done.returncode == 0, f"{block.id}: `{command}` exited {done.returncode}\n{done.stderr[-3000:]}"


def _cyberins_help(words: list[str]) -> str:
    """The help of the `cyberins` subcommand that `words` (the command after `cyberins`) call."""
    sub = list(itertools.takewhile(lambda w: not w.startswith("-") and "/" not in w and "." not in w, words))
    env = {**os.environ, "COLUMNS": "200", "PYTHONPATH": _pythonpath()}
    done = subprocess.run(
        [sys.executable, "-m", "cyberins", *sub, "--help"], env=env, capture_output=True, text=True, timeout=TIMEOUT_S
    )
    assert done.returncode == 0, f"cyberins {' '.join(sub)} --help: {done.stderr[-2000:]}"
    return done.stdout


@pytest.mark.parametrize("block", _shell_blocks(run=False), ids=lambda b: b.id)
def test_block_not_run_names_what_exists(block: Block) -> None:
    """A block that is not run still names real things: executable scripts, existing inputs, cyberins options."""
    lines = (line for command in block.commands() for line in command.replace("\\\n", " ").splitlines())
    for command in lines:
        words = shlex.split(command, comments=True)
        prefixes = tuple(f"{name}/" for name in (*INPUTS, "tests", "docs"))
        for path in (w.removeprefix("./") for w in words if w.removeprefix("./").startswith(prefixes)):
            target = ROOT / path
            assert target.exists() or list(ROOT.glob(path)), f"{block.id}: {path} does not exist"
            if path.endswith(".sh"):
                assert os.access(target, os.X_OK), f"{block.id}: {path} is not executable"
        if words and Path(words[0]).name == "cyberins":
            options = [w.split("=")[0] for w in words if w.startswith("--")]
            help_text = _cyberins_help(words[1:])
            assert all(o in help_text for o in options), f"{block.id}: `{command}` uses options its help lacks"


def _python_pages() -> list[Path]:
    return sorted({b.page for b in BLOCKS if b.lang in PYTHON | PYCON and b.not_run is None})


@pytest.mark.parametrize("page", _python_pages(), ids=lambda p: p.name)
def test_python_blocks_run(page: Path, workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A page's Python blocks run in order in one namespace; `pycon` blocks are doctests in that namespace."""
    monkeypatch.chdir(workspace)
    namespace: dict[str, object] = {"__name__": "__docs__"}
    for block in (b for b in BLOCKS if b.page == page and b.lang in PYTHON | PYCON and b.not_run is None):
        if block.lang in PYTHON:
            exec(compile(block.text, block.id, "exec"), namespace)
            continue
        test = doctest.DocTestParser().get_doctest(block.text, namespace, block.id, str(page), block.line)
        runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
        report: list[str] = []
        runner.run(test, out=report.append, clear_globs=False)
        assert runner.failures == 0, "".join(report)


@pytest.mark.parametrize("block", [b for b in BLOCKS if b.lang == "yaml"], ids=lambda b: b.id)
def test_yaml_block_is_yaml(block: Block) -> None:
    assert yaml.safe_load(block.text) is not None


@pytest.mark.parametrize("block", [b for b in BLOCKS if b.shows_file], ids=lambda b: b.id)
def test_block_shows_the_shipped_file(block: Block) -> None:
    assert block.shows_file is not None
    shipped = (ROOT / block.shows_file).read_text(encoding="utf-8")
    assert block.text.strip() == shipped.strip(), f"{block.id} differs from {block.shows_file}"


def test_readme_first_block_says_how_to_run_cyberins_next() -> None:
    first = next(b for b in BLOCKS if b.page.name == "README.md")
    assert first.lang in SHELL
    assert ".venv/bin" in first.text.strip().splitlines()[-1]
    # scripts/run.sh ends with the same hint (it takes minutes, so its text is what is checked).
    assert "source .venv/bin/activate" in (ROOT / "scripts" / "run.sh").read_text(encoding="utf-8")


def test_commands_named_in_the_text_exist() -> None:
    """`cyberins X` in running text names a command that `cyberins --help` lists."""
    listed = set(re.findall(r"^│ (\w+) {2,}", _cyberins_help([]), flags=re.MULTILINE))
    named = {
        (page.name, name)
        for page in PAGES
        for name in re.findall(r"`(?:\.venv/bin/)?cyberins (\w+)", page.read_text(encoding="utf-8"))
    }
    assert listed, "cyberins --help listed no commands"
    assert not {(page, name) for page, name in named if name not in listed}


#: Files the docs name that live outside this tree: ciso-assistant's source (the benchmark's reference) and the
#: project's design contracts.
ELSEWHERE = frozenset({"backend/crq/utils.py", "contracts/trust.md"})
FILE_NAMED = re.compile(r"`([\w./*-]+/[\w.*-]+\.(?:py|yaml|yml|csv|json|md|sh|j2|toml))`")


def test_files_named_in_the_text_exist() -> None:
    """A file path in backticks exists, from the repository root or from the package (`claims/settle.py`)."""
    bases = (ROOT, ROOT / "src", ROOT / "src" / "cyberins")
    named = {(page.name, path) for page in PAGES for path in FILE_NAMED.findall(page.read_text(encoding="utf-8"))}
    # `../orgs/x.yaml` is relative to the example file that names it, not to the page.
    wanted = {(page, path) for page, path in named if path not in ELSEWHERE and not path.startswith("../")}
    assert len(wanted) > 50, "the pattern no longer finds the paths the docs name"
    assert not {(page, path) for page, path in wanted if not any(list(base.glob(path)) for base in bases)}
