"""Run the real `cyberins` entry point in a subprocess, as a user would."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.conftest import ROOT


def cyberins(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cyberins", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
        env={**os.environ, "COLUMNS": "160", **(env or {})},  # a wide terminal, so table cells are not wrapped
    )
