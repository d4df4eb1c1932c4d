"""The host firewall of FRR routers: the rendered ``<host>.nft`` ruleset.

FRR has no packet filter, so ``render`` expresses the reachability policy of an FRR router as an
nftables table (``inet netauto``). Push compares it with the ruleset recorded on the box and,
when it changes, stages it with the driver before the commit: the driver applies it in the
same commit as the FRR config, under the same commit-confirm revert timer (the box saves the
live table first; the timer, a failed commit and a rollback load it back, the confirm keeps
both). A push whose new firewall cuts its own SSH session is therefore undone by the box
itself when the confirm window ends (see ``docs/LOCKOUT.md``).
"""

from __future__ import annotations

import difflib
import hashlib
from typing import Protocol


class FirewallBox(Protocol):
    """The driver's host-firewall calls (not part of Napalm's contract: private names)."""

    def _firewall_state(self) -> tuple[bool, str]:
        """Whether the table is loaded, and the ruleset recorded as applied."""

    def _load_firewall(self, ruleset: str) -> None:
        """Check and stage ``ruleset`` for the next ``commit_config``."""


def fingerprint(text: str) -> str:
    """SHA-256 of a ruleset.

    Examples:
        >>> fingerprint("table inet netauto {}\\n")[:12]
        'bca9d9689703'
    """
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def diff(box: FirewallBox, candidate: str, name: str) -> str:
    """Unified diff between the ruleset applied on the box and ``candidate`` ("" if equal)."""
    live, current = box._firewall_state()
    if current == candidate and live:
        return ""
    if current == candidate:
        current = ""  # recorded but not loaded (e.g. after a reboot): apply again
    return "".join(
        difflib.unified_diff(
            current.splitlines(keepends=True),
            candidate.splitlines(keepends=True),
            f"{name}.nft (running)",
            f"{name}.nft (rendered)",
        )
    )


def stage(box: FirewallBox, candidate: str) -> None:
    """Hand ``candidate`` to the driver: checked now, applied by the next commit."""
    box._load_firewall(candidate)
