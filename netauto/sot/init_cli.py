"""`netauto init`: generate a SoT for a real province (not built yet)."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add `init` to the main app."""
