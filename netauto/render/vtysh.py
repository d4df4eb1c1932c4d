"""Starting ``vtysh --dryrun``, FRR's own parser, as a process fed through a pipe.

:mod:`netauto.render.frrsyntax` starts one per render process before the configs are
rendered (vtysh builds its command tables meanwhile) and feeds them the rendered configs.
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
