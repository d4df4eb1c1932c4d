"""The audit log: one JSON line per device per diff or push, appended under the state dir.

Who ran it, when, against which target, the device, a hash of the diff, the result and whether
a rollback happened. Secrets never reach it: only the diff's hash, never its text.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import getpass
import hashlib
import json
import os
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict

Action = Literal["diff", "push", "push-dry-run"]
AUDIT_FILE = "audit.jsonl"


class AuditRecord(BaseModel):
    """One line of the audit log."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    when: str
    who: str
    action: Action
    target: str
    device: str
    diff_sha256: str | None
    result: str
    changed: bool
    rolled_back: bool = False
    detail: str = ""
    summary: str = ""
    """What the diff does (``+12 -0 ~1; IPv4 lines removed or changed: 0``): counts only."""
    allow_ipv4_change: bool = False
    """The push ran with ``--allow-ipv4-change``: IPv4 lines could be removed or changed."""
    prune_legacy: bool = False
    """The push ran with ``--prune-legacy``: lines netauto does not own could be removed."""
    traffic_guard: str = ""
    """With ``push --guard``: the device's wave as the guard saw it (probes per family,
    window, verdict)."""


def diff_hash(diff: str) -> str | None:
    """SHA-256 of a diff, or None when there is no diff.

    Examples:
        >>> diff_hash("") is None
        True
        >>> diff_hash("+hostname r1\\n")[:12]
        'd15ad738df87'
    """
    return hashlib.sha256(diff.encode("utf-8")).hexdigest() if diff else None


def who() -> str:
    """The person behind this run: the sudo user when there is one, else the login name."""
    sudo = os.environ.get("SUDO_USER")
    if sudo:
        return sudo
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return f"uid:{os.getuid()}"


def now() -> str:
    """The current UTC time, ISO 8601 with seconds."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def append(state_dir: Path, records: list[AuditRecord]) -> Path:
    """Append records to the audit log (one JSON object per line; locked while writing)."""
    state_dir.mkdir(parents=True, exist_ok=True)
    path = state_dir / AUDIT_FILE
    lines = "".join(json.dumps(r.model_dump(), ensure_ascii=False) + "\n" for r in records)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        os.write(fd, lines.encode("utf-8"))
        os.fsync(fd)
    finally:
        os.close(fd)
    return path


def read(state_dir: Path) -> list[AuditRecord]:
    """Every record of the audit log, oldest first (missing log: empty list)."""
    path = state_dir / AUDIT_FILE
    if not path.exists():
        return []
    return [
        AuditRecord.model_validate_json(line)
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
