"""A small on-disk cache of derived data, keyed by the exact bytes of the inputs.

Parsing the SoT's YAML with line numbers, validating it and building the plan is the same
work for every verb that runs after ``plan`` (render, push, verify, lab). ``netauto plan``
stores its result here; later verbs reuse it when the SoT files, the ledger and netauto's
own code are byte-for-byte what they were. Anything else is a miss and the work is redone,
so the cache can change speed, never results.

Entries are pickles in ``<state dir>/cache`` (directory 0700, files 0600). A pickle can run
code when loaded, so an entry is only read when it and its directory belong to the
current user and nobody else can write them; any problem reading an entry is a miss.
"""

from __future__ import annotations

import contextlib
import copyreg
import fcntl
import hashlib
import io
import ipaddress
import os
import pickle
import stat
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

from netauto.fileio import atomic_write

CACHE_FORMAT = 1
KEEP = 16
"""Entries kept per cache directory (the oldest are removed when more are written)."""


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """A digest of netauto's own source files (path, size, mtime) and the interpreter.

    Editing netauto (or upgrading Python or pydantic: its installed files are stamped, a
    new version has new ones) invalidates every entry.
    """
    root = Path(__file__).resolve().parent
    digest = hashlib.sha256(f"{CACHE_FORMAT} {sys.version}\n".encode())
    for package in ("pydantic", "pydantic_core"):  # stamped without importing them (~40 ms)
        digest.update(f"{package} {_package_stamp(package)}\n".encode())
    for path in sorted(root.rglob("*.py")):
        info = path.stat()
        digest.update(f"{path.relative_to(root)} {info.st_size} {info.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def _package_stamp(name: str) -> str:
    """Where an installed package is and its ``__init__.py``'s size and mtime ("" if absent).

    Examples:
        >>> _package_stamp("no_such_package_here")
        ''
        >>> _package_stamp("json") != ""
        True
    """
    import importlib.util

    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        return ""
    if spec is None or spec.origin is None:
        return ""
    try:
        info = os.stat(spec.origin)
    except OSError:
        return spec.origin
    return f"{spec.origin} {info.st_size} {info.st_mtime_ns}"


def input_key(
    kind: str,
    files: Iterable[Path | tuple[str, Path | None] | tuple[str, Path, bytes]],
) -> str | None:
    """The cache key of ``kind`` computed from ``files`` (a missing file counts as absent).

    An entry may be a plain path, ``(role, path)`` or ``(role, path, content)``: the key of
    ``path`` once it holds ``content`` (a file about to be written). ``None`` as the path
    means "no such input". Returns None when a file cannot be read (then nothing is cached).

    Examples:
        >>> a = input_key("x", [("ledger", None)])
        >>> a == input_key("x", [("ledger", None)]), a == input_key("y", [("ledger", None)])
        (True, False)
        >>> import tempfile, pathlib
        >>> f = pathlib.Path(tempfile.mkdtemp()) / "ledger.yml"
        >>> before = input_key("x", [("ledger", f, b"v: 1")])
        >>> _ = f.write_bytes(b"v: 1")
        >>> before == input_key("x", [("ledger", f)])
        True
    """
    digest = hashlib.sha256(f"{kind}\n{code_fingerprint()}\n".encode())
    for item in files:
        content: bytes | None = None
        path: Path | None
        if not isinstance(item, tuple):
            role, path = "file", item
        elif len(item) == 3:
            role, path, content = item
        else:
            role, path = item
        digest.update(f"{role} {path}\n".encode())
        if path is None:
            continue
        try:
            data = path.read_bytes() if content is None else content
        except FileNotFoundError:
            digest.update(b"<absent>\n")
            continue
        except OSError:
            return None
        digest.update(hashlib.sha256(data).digest())
    return digest.hexdigest()


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
"""Addresses pickled as integers: rebuilding thousands of them from text is slow."""


def dumps(value: object) -> bytes:
    """Pickle ``value`` (IP addresses, networks and interfaces stored as integers).

    Examples:
        >>> import ipaddress, pickle
        >>> net = ipaddress.ip_interface("2001:db8::1/64")
        >>> pickle.loads(dumps([net])) == [net]
        True
    """
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.dispatch_table = _DISPATCH
    pickler.dump(value)
    return buffer.getvalue()


def trusted(path: Path) -> bool:
    """Owned by us and writable by nobody else (so a pickle in it is our own)."""
    try:
        info = path.stat()
    except OSError:
        return False
    return info.st_uid == os.geteuid() and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def load(
    directory: Path | None,
    key: str | None,
    wait: float | None = None,
    waiting: Callable[[], None] | None = None,
) -> object | None:
    """The entry stored under ``key``, or None (absent, untrusted or unreadable).

    An entry still being written by another process (its lock is held) is waited for, at
    most ``wait`` seconds (default ``WRITER_WAIT``); ``waiting`` is called once if that
    takes more than a second (to tell the user why nothing happens).
    """
    if directory is None or key is None:
        return None
    path = directory / f"{key}.pickle"
    if not trusted(directory):
        return None
    if not path.exists():
        _wait_for_writer(directory / f"{key}.lock", WRITER_WAIT if wait is None else wait, waiting)
    if not trusted(path):
        return None
    try:
        with path.open("rb") as handle:
            value: object = pickle.load(handle)  # our own file: checked above
            return value
    except Exception:
        return None


WRITER_WAIT = 30.0
"""Seconds :func:`load` waits by default for an entry another process is storing."""

_pending: list[Callable[[], None]] = []
"""Waiters of background stores this process started (see :func:`wait_for_stores`)."""


def _wait_for_writer(lock: Path, wait: float, waiting: Callable[[], None] | None) -> None:
    try:
        fd = os.open(lock, os.O_RDONLY | os.O_CLOEXEC)
    except OSError:
        return  # no writer
    try:
        start = time.monotonic()
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
                return
            except BlockingIOError:
                waited = time.monotonic() - start
                if waited > wait:
                    return
                if waiting is not None and waited > 1.0:
                    waiting()
                    waiting = None
                time.sleep(0.002)
    finally:
        os.close(fd)


def store_in_background(directory: Path | None, key: str | None, value: object) -> None:
    """Start :func:`store` in a forked process (:func:`wait_for_stores` waits for it).

    The caller goes on meanwhile (a cache is best effort: a child that fails stores
    nothing). The child holds ``<key>.lock`` while it writes, so a :func:`load` in another
    process waits for it instead of missing; its stdin/stdout/stderr are /dev/null, so it
    never holds the caller's pipes open. Without ``fork`` the value is stored before
    returning.
    """
    if directory is None or key is None or not hasattr(os, "fork"):
        store(directory, key, value)
        return
    lock = directory / f"{key}.lock"
    try:
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(lock, os.O_CREAT | os.O_RDWR | os.O_CLOEXEC, 0o600)
        fcntl.flock(fd, fcntl.LOCK_EX)  # shared with the child, which keeps it after we close
    except OSError:
        store(directory, key, value)
        return
    pid = os.fork()
    if pid == 0:  # the child: store, and never return into the caller
        try:
            _detach_stdio()
            store(directory, key, value)
        finally:
            with contextlib.suppress(OSError):
                os.unlink(lock)  # after the entry is in place: a reader sees one or the other
            os._exit(0)
    os.close(fd)

    def wait() -> None:
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, 0)

    _pending.append(wait)


@contextlib.contextmanager
def claimed(directory: Path | None, key: str | None) -> Iterator[bool]:
    """Hold ``<key>.lock`` while the body computes and stores the entry of ``key``.

    Yields False (and holds nothing) when the entry exists already, another process holds
    the lock, or the lock cannot be made; the body should then skip the work. A
    :func:`load` in another process waits for the entry while the lock is held.
    """
    if directory is None or key is None:
        yield False
        return
    lock = directory / f"{key}.lock"
    try:
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not trusted(directory) or (directory / f"{key}.pickle").exists():
            yield False
            return
        fd = os.open(lock, os.O_CREAT | os.O_RDWR | os.O_CLOEXEC, 0o600)
    except OSError:
        yield False
        return
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            yield False  # someone else computes it
            return
        try:
            yield True
        finally:
            with contextlib.suppress(OSError):
                os.unlink(lock)  # after the entry is in place: a reader sees one or the other
    finally:
        os.close(fd)


def _detach_stdio() -> None:
    null = os.open(os.devnull, os.O_RDWR)
    for target in (0, 1, 2):
        os.dup2(null, target)
    os.close(null)


def wait_for_stores() -> None:
    """Wait for every background store this process started (tests, embedding)."""
    while _pending:
        _pending.pop()()


def store(directory: Path | None, key: str | None, value: object) -> None:
    """Store ``value`` under ``key`` (best effort: a cache that cannot be written is skipped)."""
    if directory is None or key is None:
        return
    try:
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not trusted(directory):
            return
        data = dumps(value)
        atomic_write(directory / f"{key}.pickle", data, mode=0o600, durable=False)
        entries = sorted(directory.glob("*.pickle"), key=lambda p: p.stat().st_mtime_ns)
        for old in entries[:-KEEP]:
            with contextlib.suppress(OSError):
                old.unlink()
    except (OSError, pickle.PicklingError, TypeError, AttributeError):
        return
