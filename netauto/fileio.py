"""Atomic file output: write to a temporary file beside the target, then rename.

A failed or interrupted run never leaves half a file behind.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import stat
from pathlib import Path

_serial = itertools.count()
"""Makes temporary names unique within a process (threads included)."""


def atomic_write(
    path: Path, content: str | bytes, mode: int | None = None, *, durable: bool = True
) -> None:
    """Write ``content`` to ``path`` atomically (same directory temp file + ``os.replace``).

    ``durable`` also flushes the data to disk before the rename (``fsync``), so the file
    survives a power cut; bulk outputs that can be regenerated (rendered configs) skip it:
    the rename alone keeps readers from ever seeing half a file.

    Examples:
        >>> import tempfile, pathlib
        >>> target = pathlib.Path(tempfile.mkdtemp()) / "out.txt"
        >>> atomic_write(target, "hello\\n")
        >>> target.read_text()
        'hello\\n'
    """
    data = content.encode("utf-8") if isinstance(content, str) else content
    if mode is None:
        try:
            mode = os.stat(path).st_mode & 0o7777  # keep the permissions of the file replaced
        except FileNotFoundError:
            mode = 0o644
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{next(_serial)}.tmp")
    fd = _create(tmp)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            if durable:
                os.fsync(handle.fileno())
            os.fchmod(handle.fileno(), mode)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _create(tmp: Path) -> int:
    """Open a new private temporary file (creating its directory; replacing a stale one
    that a killed process with the same pid left behind)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC
    try:
        return os.open(tmp, flags, 0o600)
    except FileNotFoundError:
        tmp.parent.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        os.unlink(tmp)
    return os.open(tmp, flags, 0o600)


def write_new(path: Path, content: str | bytes, mode: int = 0o644) -> None:
    """Create ``path`` with ``content``; it must not exist yet (no temporary, no rename).

    For files inside a private staging directory that becomes visible in one rename
    (see :func:`publish_dir`): half a file can never be seen under its final name.

    Examples:
        >>> import tempfile, pathlib
        >>> target = pathlib.Path(tempfile.mkdtemp()) / "new.txt"
        >>> write_new(target, "hi\\n"); target.read_text(), oct(target.stat().st_mode & 0o777)
        ('hi\\n', '0o644')
    """
    data = content.encode("utf-8") if isinstance(content, str) else content
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
    try:
        os.fchmod(fd, mode)
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
    finally:
        os.close(fd)


def staging_name(target: Path) -> Path:
    """A name for a private directory beside ``target`` that no other run uses."""
    target = target.absolute()  # "-o ." has no name of its own
    return target.with_name(f".{target.name}.{os.getpid()}.{next(_serial)}.tmp")


def staging_dir(target: Path) -> Path:
    """A new private directory beside ``target``, to be published as ``target`` later."""
    stage = staging_name(target)
    stage.parent.mkdir(parents=True, exist_ok=True)
    os.mkdir(stage, 0o755)
    return stage


def publish_dir(stage: Path, target: Path) -> None:
    """Make the files of ``stage`` appear in ``target``: one rename when ``target`` does not
    exist, else one atomic rename per file (files only in ``target`` are kept).
    """
    try:
        os.rename(stage, target)
        return
    except OSError:
        if not target.is_dir():
            raise
    for entry in os.scandir(stage):
        final = target / entry.name
        with contextlib.suppress(FileNotFoundError):
            os.chmod(entry.path, os.stat(final).st_mode & 0o7777)  # keep a replaced file's mode
        os.replace(entry.path, final)
    os.rmdir(stage)


def trusted(path: Path) -> bool:
    """Owned by us and writable by nobody else (code or data loaded from it is our own).

    Examples:
        >>> import tempfile, pathlib
        >>> trusted(pathlib.Path(tempfile.mkdtemp())), trusted(pathlib.Path("/nonexistent"))
        (True, False)
    """
    try:
        info = path.stat()
    except OSError:
        return False
    return info.st_uid == os.geteuid() and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)
