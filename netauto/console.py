"""The two rich consoles every CLI verb prints through (stdout for results, stderr for news).

Emoji codes are off: rich would otherwise read ``:cd:`` in ``2001:db8:96:cd:1::1`` (or
``:a:``, ``:ok:``, ``:on:`` ...) as an emoji and print ``2001:db8:96💿1::1``. Turning them off
also spares every command the import of rich's emoji table.
"""

from __future__ import annotations

from rich.console import Console

out = Console(highlight=False, soft_wrap=True, emoji=False)
err = Console(stderr=True, highlight=False, soft_wrap=True, emoji=False)
