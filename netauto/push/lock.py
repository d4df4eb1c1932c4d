"""One push at a time: an exclusive lock file under the state directory."""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator
from pathlib import Path

from netauto.errors import NetautoError

LOCK_FILE = "push.lock"


class PushLocked(NetautoError):
    """Another push holds the lock (exit 1: nothing was touched)."""

    exit_code = 1


@contextlib.contextmanager
def push_lock(state_dir: Path) -> Iterator[Path]:
    """Hold the push lock for the duration of the block, or raise :class:`PushLocked`.

    The lock is an ``flock`` on ``<state_dir>/push.lock``: the kernel drops it when the
    process dies, so a crashed push never leaves a stale lock behind.
    """
    state_dir.mkdir(parents=True, exist_ok=True)
    path = state_dir / LOCK_FILE
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o640)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 64, 0).decode("ascii", "replace").strip() or "?"
            raise PushLocked(
                f"another push is running (pid {holder}, lock {path}); "
                "wait for it to finish — two pushes at once are refused"
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
        yield path
    finally:
        os.close(fd)
