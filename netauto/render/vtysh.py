"""Starting ``vtysh --dryrun``, FRR's own parser, reading configurations from a pipe."""

from __future__ import annotations

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


def start_dry_run(vtysh: str) -> DryRun:
    """Start ``vtysh --dryrun -f /dev/stdin``; it parses what is written to its input."""
    output = tempfile.TemporaryFile()  # noqa: SIM115 (closed by whoever waits for vtysh)
    process = subprocess.Popen(
        [vtysh, "--dryrun", "-f", "/dev/stdin"],
        stdin=subprocess.PIPE,
        stdout=output,
        stderr=subprocess.STDOUT,
    )
    return DryRun(process, output)
