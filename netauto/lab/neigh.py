"""The kernel's neighbour tables, sized for the lab (and put back by the last ``lab down``).

Linux keeps one ARP table and one IPv6 neighbour (NDP) table for *all* network namespaces,
and their hard limit (``net.ipv4.neigh.default.gc_thresh3``, the same for ``ipv6``, 1024 by
default) counts the entries of every namespace together; the knobs exist only in the
host's namespace. A lab of 237 routers and 452 LAN clients has about 1,400 interface ends,
and each learns a neighbour per family (two in IPv6: link-local and global): at that size
the table overflowed (``neighbour: ndisc_cache: neighbor table overflow!`` in the kernel
log) and sending to a neighbour that could not be created failed with EINVAL ("ping:
sendmsg: Invalid argument"), so verify failed communes whose network was fine.

So ``lab up`` raises ``gc_thresh2`` and ``gc_thresh3`` of both families to what its size
needs, only ever upwards, and records the values it found in ``/run/netauto/neigh.json``
(kept across labs: the first lab records them). ``lab down`` of the last lab puts back the
recorded values, where they are still the ones the lab set. This is the only host setting
the lab changes; it changes no user, password or service.
"""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

from netauto.fileio import atomic_write

PROC_SYS = Path("/proc/sys")
KNOBS = tuple(
    f"net/{family}/neigh/default/gc_thresh{n}" for family in ("ipv4", "ipv6") for n in (2, 3)
)
"""The soft (2) and hard (3) limits of the ARP and the IPv6 neighbour table."""
PER_END = 8
"""Hard limit per interface end: IPv4, IPv6 link-local and global entries, with room for
a LAN end that sees several hosts."""
RECORD = "neigh.json"


def wanted(interface_ends: int) -> dict[str, int]:
    """The limits a lab with ``interface_ends`` interface ends needs (soft = hard / 2).

    Examples:
        >>> wanted(1400)["net/ipv6/neigh/default/gc_thresh3"]
        11200
        >>> wanted(1400)["net/ipv4/neigh/default/gc_thresh2"]
        5600
        >>> wanted(10)["net/ipv6/neigh/default/gc_thresh3"]  # never below the default
        1024
    """
    hard = max(1024, PER_END * interface_ends)
    return {knob: hard if knob.endswith("3") else hard // 2 for knob in KNOBS}


def _read(root: Path, knob: str) -> int | None:
    try:
        return int((root / knob).read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def raise_limits(needed: dict[str, int], run_dir: Path, root: Path = PROC_SYS) -> list[str]:
    """Raise every knob below ``needed``; record the value found first. The knobs changed,
    as ``name old → new``."""
    record_path = run_dir / RECORD
    try:
        record: dict[str, dict[str, int]] = json.loads(record_path.read_text())
    except (OSError, ValueError):
        record = {}
    changed: list[str] = []
    for knob, value in needed.items():
        current = _read(root, knob)
        if current is None or current >= value:
            continue
        try:
            (root / knob).write_text(f"{value}\n")
        except OSError:
            continue
        entry = record.setdefault(knob, {"original": current, "set": value})
        entry["set"] = value
        changed.append(f"{knob.replace('/', '.')} {current} → {value}")
    if changed:
        run_dir.mkdir(parents=True, exist_ok=True)
        atomic_write(record_path, json.dumps(record, indent=1, sort_keys=True) + "\n")
    return changed


def restore_limits(run_dir: Path, root: Path = PROC_SYS) -> list[str]:
    """Put back the recorded values (where the knob still has the value the lab set) and
    forget the record. Call it when no lab is left."""
    record_path = run_dir / RECORD
    try:
        record: dict[str, dict[str, int]] = json.loads(record_path.read_text())
    except (OSError, ValueError):
        return []
    restored: list[str] = []
    for knob, entry in sorted(record.items()):
        if _read(root, knob) != entry.get("set"):
            continue  # changed by someone else since: theirs now
        with contextlib.suppress(OSError):
            (root / knob).write_text(f"{entry['original']}\n")
            restored.append(f"{knob.replace('/', '.')} {entry['set']} → {entry['original']}")
    record_path.unlink(missing_ok=True)
    return restored
