"""Defaults and environment variable names shared by every verb (imports nothing of netauto)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

DEFAULT_INVENTORY = "inventory"
"""The source-of-truth directory when ``-i`` is not given."""
DEFAULT_STATE_DIR = ".netauto"
"""Where history, audit log, snapshots and lab settings are kept when ``--state-dir`` is not
given."""
INVENTORY_ENV = "NETAUTO_INVENTORY"
STATE_DIR_ENV = "NETAUTO_STATE_DIR"


@dataclass(frozen=True)
class Settings:
    """Global options: where the SoT is and where netauto keeps its state."""

    inventory: Path = Path(DEFAULT_INVENTORY)
    state_dir: Path = Path(DEFAULT_STATE_DIR)
