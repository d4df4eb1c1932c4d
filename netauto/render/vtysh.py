"""``vtysh --dryrun`` processes started ahead of use (standard library only).

vtysh builds its command tables (~40 ms) before it reads a line of configuration. The
console script starts vtysh for ``render`` before it imports the command line
(:func:`prestart`, see :mod:`netauto.launch`), so the tables are built on the second core
while the first imports; :mod:`netauto.render.frrsyntax` takes them
(:func:`take_prestarted`) and feeds them the rendered configs.
"""

from __future__ import annotations

import contextlib
import fcntl
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO

VTYSH = "vtysh"


def vtysh_path() -> str | None:
    """Where ``vtysh`` is, or None when FRR is not installed."""
    return shutil.which(VTYSH) or ("/usr/bin/vtysh" if Path("/usr/bin/vtysh").exists() else None)


@dataclass
class DryRun:
    """A ``vtysh --dryrun`` reading a configuration from its standard input.

    Its output goes to a temporary file, never a pipe, so vtysh cannot block on its output
    while its input is being written.
    """

    process: subprocess.Popen[bytes]
    output: IO[bytes]
    capacity: int
    """Bytes its input pipe holds: a write up to this size never waits for vtysh."""


PIPE_SIZE = 1 << 20
"""The input pipe is enlarged to this (Linux's default limit for a user): a half of a
237-router province is ~220 kB of FRR config, and a write that fits never waits for vtysh
to parse what is already in the pipe."""


def start_dry_run(vtysh: str) -> DryRun:
    """Start ``vtysh --dryrun -f /dev/stdin``; it parses what is written to its input."""
    output = tempfile.TemporaryFile()  # noqa: SIM115 (closed by whoever waits for vtysh)
    process = subprocess.Popen(
        [vtysh, "--dryrun", "-f", "/dev/stdin"],
        stdin=subprocess.PIPE,
        stdout=output,
        stderr=subprocess.STDOUT,
    )
    assert process.stdin is not None
    capacity = 1 << 16  # Linux's default
    with contextlib.suppress(OSError, AttributeError):
        fd = process.stdin.fileno()
        fcntl.fcntl(fd, fcntl.F_SETPIPE_SZ, PIPE_SIZE)
        capacity = fcntl.fcntl(fd, fcntl.F_GETPIPE_SZ)
    return DryRun(process, output, capacity)


_prestarted: list[DryRun] = []


def prestart(count: int) -> None:
    """Start ``count`` dry runs for this process to take later (none without FRR)."""
    vtysh = vtysh_path()
    if vtysh is not None:
        _prestarted.extend(start_dry_run(vtysh) for _ in range(count))


def take_prestarted(count: int) -> list[DryRun]:
    """Up to ``count`` dry runs started by :func:`prestart` (each is handed out once)."""
    taken = _prestarted[:count]
    del _prestarted[:count]
    return taken


def drop_prestarted() -> None:
    """Stop the dry runs :func:`prestart` started that nobody took (a render answered from
    the cache needs none): killed, not fed, so none is waited for longer than its exit."""
    while _prestarted:
        run = _prestarted.pop()
        with contextlib.suppress(OSError):
            run.process.kill()
        run.process.wait()
        if run.process.stdin is not None:
            with contextlib.suppress(OSError):
                run.process.stdin.close()
        run.output.close()
