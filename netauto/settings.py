"""Options shared by every verb (set by the root callback of the CLI)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import typer


@dataclass
class Settings:
    """Global options: where the SoT is and where netauto keeps its state."""

    inventory: Path = Path("inventory")
    state_dir: Path = Path(".netauto")


def settings(ctx: typer.Context) -> Settings:
    """The global settings of this invocation (works from any sub-command)."""
    obj = ctx.find_root().obj
    return obj if isinstance(obj, Settings) else Settings()
