"""One whole process measured from launch to exit, the way every side-by-side benchmark here compares
programs: wall seconds, CPU seconds (user + system, the child's own), peak resident memory (the child's own
`ru_maxrss`, read when it is reaped) and what it printed. Imported by the benchmark scripts beside it."""

from __future__ import annotations

import os
import resource
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Measured:
    wall: float
    user: float
    sys: float
    peak_mb: float
    stdout: bytes

    @property
    def cpu(self) -> float:
        return self.user + self.sys


def run_process(cmd: list[str], cwd: Path, env: dict[str, str] | None = None) -> Measured:
    """Run `cmd` to its end; a non-zero exit stops the benchmark, naming the command."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    child = subprocess.Popen(cmd, stdout=subprocess.PIPE, cwd=cwd, env=env)
    assert child.stdout is not None
    out = child.stdout.read()  # until the child exits and closes it
    _, status, usage = os.wait4(child.pid, 0)  # reap it here, with its own peak memory
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    child.stdout.close()
    code = os.waitstatus_to_exitcode(status)
    if code:
        raise SystemExit(f"{' '.join(cmd)} failed with {code}")
    return Measured(
        wall=wall,
        user=after.ru_utime - before.ru_utime,
        sys=after.ru_stime - before.ru_stime,
        peak_mb=usage.ru_maxrss / 1024,  # Linux: KiB
        stdout=out,
    )
