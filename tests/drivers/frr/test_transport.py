"""The command session of :class:`SSHShell`, with the SSH exec channel played by a local ``sh``:
each script gets its own exit status, stdout and stderr, byte for byte, over one channel."""

from __future__ import annotations

import os
import select
import subprocess
from collections.abc import Iterator
from types import SimpleNamespace
from typing import IO

import pytest
from napalm.base.exceptions import CommandErrorException, ConnectionException

from netauto.drivers.frr.transport import SSHShell


class PipeChannel:
    """What the session uses of a paramiko channel, backed by a local process."""

    def __init__(self, login_noise: str) -> None:
        self.login_noise = login_noise
        self.proc: subprocess.Popen[bytes] | None = None
        self.timeout: float | None = None

    def _pipe(self, name: str) -> IO[bytes]:
        assert self.proc is not None
        pipe = getattr(self.proc, name)
        assert pipe is not None
        return pipe  # type: ignore[no-any-return]

    def exec_command(self, command: str) -> None:
        self.proc = subprocess.Popen(
            ["sh", "-c", self.login_noise + command],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )

    def sendall(self, data: bytes) -> None:
        self._pipe("stdin").write(data)
        self._pipe("stdin").flush()

    def settimeout(self, timeout: float) -> None:
        self.timeout = timeout

    def recv(self, size: int) -> bytes:
        stdout = self._pipe("stdout")
        ready, _, _ = select.select([stdout], [], [], self.timeout)
        if not ready:
            raise TimeoutError()  # paramiko raises socket.timeout, the same class
        return os.read(stdout.fileno(), size)

    def recv_stderr_ready(self) -> bool:
        return False

    def close(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
        if self.proc is not None:
            self.proc.wait()


class PipeTransport:
    """A paramiko transport whose channels are local processes."""

    def __init__(self, login_noise: str = "") -> None:
        self.login_noise = login_noise
        self.channels: list[PipeChannel] = []

    def open_session(self, timeout: float | None = None) -> PipeChannel:
        channel = PipeChannel(self.login_noise)
        self.channels.append(channel)
        return channel

    def is_active(self) -> bool:
        return True


def connected(transport: PipeTransport) -> SSHShell:
    shell = SSHShell("r1", "root", "", timeout=10, connection_args={}, sudo=False)
    shell.device = SimpleNamespace(
        remote_conn_pre=SimpleNamespace(get_transport=lambda: transport),
        disconnect=lambda: None,
    )
    return shell


@pytest.fixture
def transport() -> Iterator[PipeTransport]:
    made = PipeTransport()
    yield made
    for channel in made.channels:
        channel.close()


def test_each_script_gets_its_status_stdout_and_stderr_on_one_channel(
    transport: PipeTransport,
) -> None:
    shell = connected(transport)
    assert shell.run("echo out; echo err >&2; exit 3", None, 10) == (3, "out\n", "err\n")
    assert shell.run("cat", b"line 1\nno newline at the end", 10) == (
        0,
        "line 1\nno newline at the end",
        "",
    )
    big = shell.run("head -c 300000 /dev/zero | tr '\\0' x", None, 10)
    assert big == (0, "x" * 300000, "")
    assert shell.run("printf ''", None, 10) == (0, "", "")
    assert len(transport.channels) == 1
    assert shell.is_active()


def test_what_the_login_shell_prints_first_is_not_taken_for_output() -> None:
    noisy = PipeTransport(login_noise="echo 'Welcome to r1'; echo @@netauto; ")
    try:
        assert connected(noisy).run("echo ok", None, 10) == (0, "ok\n", "")
    finally:
        for channel in noisy.channels:
            channel.close()


def test_a_command_over_time_ends_the_session_and_the_next_gets_a_new_one(
    transport: PipeTransport,
) -> None:
    shell = connected(transport)
    with pytest.raises(CommandErrorException, match="did not finish"):
        shell.run("sleep 5", None, 0.3)
    assert transport.channels[0].proc is not None
    assert transport.channels[0].proc.poll() is not None  # the old session is gone
    assert shell.run("echo ok", None, 10) == (0, "ok\n", "")
    assert len(transport.channels) == 2


def test_close_ends_the_session_and_forgets_the_connection(transport: PipeTransport) -> None:
    shell = connected(transport)
    shell.run("true", None, 10)
    shell.close()
    assert shell.device is None and not shell.is_active()
    with pytest.raises(ConnectionException, match="not connected"):
        shell.run("true", None, 10)
