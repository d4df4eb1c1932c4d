"""Atomic file output: write to a temporary file beside the target, then rename.

A failed or interrupted run never leaves half a file behind.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


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
    path.parent.mkdir(parents=True, exist_ok=True)
    data = content.encode("utf-8") if isinstance(content, str) else content
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            if durable:
                os.fsync(handle.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        elif path.exists():
            os.chmod(tmp, path.stat().st_mode & 0o7777)
        else:
            os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
