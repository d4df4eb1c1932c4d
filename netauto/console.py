"""The two rich consoles every CLI verb prints through (stdout for results, stderr for news)."""

from __future__ import annotations

from rich.console import Console

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)
