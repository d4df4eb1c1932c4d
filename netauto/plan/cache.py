"""The plan's derived-data cache: the validated SoT and its plan, stored by ``netauto plan``
for the verbs that follow (render, diff, push, verify, lab).

It is synchronous and has one rule: an entry is used only when the SoT files, the ledger
and netauto's own code are byte for byte what they were when it was stored (its key is a
digest of all of them), so it can change how fast a verb starts, never what it computes.
Anything else is a miss and the plan is built again (and stored).

Entries are pickles in ``<state-dir>/cache`` (directory 0700, files 0600). A pickle can run
code when loaded, so an entry is read only when it and its directory belong to the current
user and nobody else can write them. ``benchmarks/render_vs_netlab.py`` measures what it
pays (see benchmarks/README.md).
"""

from __future__ import annotations

import contextlib
import copyreg
import hashlib
import io
import ipaddress
import pickle
import sys
from functools import lru_cache
from pathlib import Path
from typing import Any

from netauto.fileio import atomic_write, trusted

FORMAT = 1
KEEP = 8
"""Entries kept per cache directory (the oldest go when more are stored)."""


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """A digest of netauto's source files (path, size, mtime), Python's and pydantic's version.

    Editing netauto, or upgrading Python or pydantic, invalidates every entry.
    """
    import pydantic

    root = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256(f"{FORMAT} {sys.version} {pydantic.VERSION}\n".encode())
    for path in sorted(root.rglob("*.py")):
        info = path.stat()
        digest.update(f"{path.relative_to(root)} {info.st_size} {info.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def key_of(files: list[Path], ledger: Path) -> str | None:
    """The key of the SoT ``files`` with the ``ledger`` (absent counts as absent); None when
    a file cannot be read (then nothing is cached).

    Examples:
        >>> import tempfile
        >>> d = Path(tempfile.mkdtemp()); sot = d / "p.yml"; _ = sot.write_text("a: 1")
        >>> before = key_of([sot], d / "allocations.yml")
        >>> _ = sot.write_text("a: 2")
        >>> before != key_of([sot], d / "allocations.yml")
        True
    """
    digest = hashlib.sha256(f"{code_fingerprint()}\n".encode())
    for path in [*files, ledger]:
        digest.update(f"{path}\n".encode())
        try:
            digest.update(hashlib.sha256(path.read_bytes()).digest())
        except FileNotFoundError:
            digest.update(b"<absent>\n")
        except OSError:
            return None
    return digest.hexdigest()


def load(directory: Path, key: str | None) -> object | None:
    """The entry stored under ``key``, or None (absent, not ours alone, or unreadable)."""
    path = directory / f"{key}.pickle"
    if key is None or not trusted(directory) or not trusted(path):
        return None
    try:
        with path.open("rb") as handle:
            value: object = pickle.load(handle)  # our own file in our own directory: checked
            return value
    except Exception:
        return None


def store(directory: Path, key: str | None, value: object) -> None:
    """Store ``value`` under ``key``; a cache that cannot be written is skipped."""
    if key is None:
        return
    with contextlib.suppress(OSError, pickle.PicklingError, TypeError, AttributeError):
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not trusted(directory):
            return
        atomic_write(directory / f"{key}.pickle", dumps(value), mode=0o600, durable=False)
        entries = sorted(directory.glob("*.pickle"), key=lambda p: p.stat().st_mtime_ns)
        for old in entries[:-KEEP]:
            with contextlib.suppress(OSError):
                old.unlink()


def _address(obj: ipaddress.IPv4Address | ipaddress.IPv6Address) -> tuple[Any, ...]:
    if getattr(obj, "scope_id", None):
        return type(obj), (str(obj),)
    return type(obj), (int(obj),)


def _network(obj: ipaddress.IPv4Network | ipaddress.IPv6Network) -> tuple[Any, ...]:
    return type(obj), ((int(obj.network_address), obj.prefixlen),)


def _interface(obj: ipaddress.IPv4Interface | ipaddress.IPv6Interface) -> tuple[Any, ...]:
    if getattr(obj.ip, "scope_id", None):
        return type(obj), (str(obj),)
    return type(obj), ((int(obj.ip), obj.network.prefixlen),)


_DISPATCH: dict[type, Any] = {
    **copyreg.dispatch_table,
    ipaddress.IPv4Address: _address,
    ipaddress.IPv6Address: _address,
    ipaddress.IPv4Network: _network,
    ipaddress.IPv6Network: _network,
    ipaddress.IPv4Interface: _interface,
    ipaddress.IPv6Interface: _interface,
}
"""Addresses are pickled as integers: rebuilding thousands of them from text is most of
the loading time otherwise."""


def dumps(value: object) -> bytes:
    """Pickle ``value`` with IP addresses, networks and interfaces stored as integers.

    Examples:
        >>> net = ipaddress.ip_interface("2001:db8::1/64")
        >>> pickle.loads(dumps([net, net.network, net.ip])) == [net, net.network, net.ip]
        True
    """
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.dispatch_table = _DISPATCH
    pickler.dump(value)
    return buffer.getvalue()
