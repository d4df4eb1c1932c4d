"""The host firewall of FRR routers: the rendered ``<host>.nft`` ruleset.

FRR has no packet filter, so ``render`` expresses the reachability policy of an FRR router as an
nftables table (``inet netauto``). Push applies it beside the FRR config through the same SSH
session: checked with ``nft -c`` first, applied atomically by ``nft -f`` (the file deletes and
recreates its own table only), and recorded on the box so a second push sees no change. The
previous ruleset is kept for rollback.
"""

from __future__ import annotations

import difflib
import hashlib
import shlex
from typing import Protocol

STATE_DIR = "/etc/frr/netauto"
APPLIED = f"{STATE_DIR}/netauto.nft"
PREVIOUS = f"{STATE_DIR}/netauto.nft.previous"
TABLE = "inet netauto"


class Shell(Protocol):
    def _run_shell(self, command: str, stdin: bytes | None = None) -> tuple[int, str, str]:
        """Run a POSIX shell command on the box."""


class FirewallError(Exception):
    """The ruleset was refused (the box keeps its previous ruleset)."""


def fingerprint(text: str) -> str:
    """SHA-256 of a ruleset.

    Examples:
        >>> fingerprint("table inet netauto {}\\n")[:12]
        'bca9d9689703'
    """
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def diff(box: Shell, candidate: str, name: str) -> str:
    """Unified diff between the ruleset applied on the box and ``candidate`` ("" if equal)."""
    # One round trip: "L" if the table is loaded ("-" if not), then the recorded ruleset.
    _, answer, _ = box._run_shell(
        f"nft list table {TABLE} >/dev/null 2>&1 && printf L || printf -; cat {APPLIED} 2>/dev/null"
    )
    live, current = answer[:1] == "L", answer[1:]
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


def apply(box: Shell, candidate: str) -> None:
    """Check and apply ``candidate``; keep the previous one for :func:`restore`.

    One round trip: upload, ``nft -c`` (exit 3 when refused, nothing changed), keep the
    previous ruleset, ``nft -f`` (exit 4 when it fails: :func:`restore` then runs).
    """
    new = f"{APPLIED}.new"
    rc, _, err = box._run_shell(
        f"umask 077 && mkdir -p {STATE_DIR} && cat > {new} || exit 5\n"
        f"nft -c -f {new} || {{ rm -f {new}; exit 3; }}\n"
        f"(test -f {APPLIED} && cp {APPLIED} {PREVIOUS} || rm -f {PREVIOUS}) && "
        f"nft -f {new} && mv {new} {APPLIED} || exit 4",
        stdin=candidate.encode("utf-8"),
    )
    if rc == 4:
        restore(box)
        raise FirewallError(f"applying the ruleset failed: {err.strip()[:400]}")
    if rc != 0:
        raise FirewallError(f"nftables refused the ruleset: {err.strip()[:400]}")


def restore(box: Shell) -> None:
    """Put the previous ruleset back (or remove netauto's table if there was none)."""
    previous = shlex.quote(PREVIOUS)
    box._run_shell(
        f"if test -f {previous}; then nft -f {previous} && mv {previous} {APPLIED}; "
        f"else nft delete table {TABLE} 2>/dev/null; rm -f {APPLIED}; fi"
    )
