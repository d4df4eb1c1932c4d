"""Options shared by every verb (set by the root callback of the CLI)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from netauto.launch import DEFAULT_INVENTORY, DEFAULT_STATE_DIR

if TYPE_CHECKING:
    import typer


@dataclass
class Settings:
    """Global options: where the SoT is and where netauto keeps its state."""

    inventory: Path = Path(DEFAULT_INVENTORY)
    state_dir: Path = Path(DEFAULT_STATE_DIR)


def settings(ctx: typer.Context) -> Settings:
    """The global settings of this invocation (works from any sub-command)."""
    obj = ctx.find_root().obj
    return obj if isinstance(obj, Settings) else Settings()
