"""Tests of the push stage."""

import os
import shutil
from pathlib import Path

import pytest

FRR_LAB = [
    pytest.mark.lab,
    pytest.mark.skipif(os.geteuid() != 0, reason="needs root (network namespaces, FRR, sshd)"),
    pytest.mark.skipif(
        not (shutil.which("nft") and Path("/usr/lib/frr/zebra").exists()),
        reason="needs FRR and nftables installed (see README: lab)",
    ),
]
"""Marks of a test module that runs the FRR lab."""
