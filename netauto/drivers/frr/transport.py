"""The FRR driver's SSH side: connect, run POSIX shell scripts, close.

The box is reached through Netmiko (device type ``linux``), for its connection parameters
(ssh_config, ProxyCommand, keys, timeouts) and its errors, but no interactive shell is opened
and no prompt is ever scraped: every script runs on an SSH exec channel of that connection, so
each has its own exit status, stdout and stderr. A *command session* (one ``sh`` on one exec
channel for the whole connection, see :data:`SESSION_SERVER`) carries the scripts, so the login
shell and its startup files run once per connection instead of once per command; a box where
it does not start gets one exec channel per command.

Errors are Napalm's: :class:`ConnectionException` when the box cannot be reached or the
connection breaks, :class:`CommandErrorException` when a command does not finish in time.
"""

from __future__ import annotations

import contextlib
import os
import select
import shlex
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any

import paramiko  # type: ignore[import-untyped]  # no stubs (types-paramiko is not installed)
from napalm.base.exceptions import CommandErrorException, ConnectionException
from netmiko.linux.linux_ssh import LinuxSSH

NETMIKO_ARGS = (
    "ssh_config_file",
    "key_file",
    "port",
    "use_keys",
    "allow_agent",
    "passphrase",
    "conn_timeout",
    "auth_timeout",
    "banner_timeout",
    "disabled_algorithms",
    "pkey",
)
"""The driver's ``optional_args`` that are Netmiko connection parameters."""
SESSION_READY = "@@netauto-session@@"
SESSION_SERVER = r"""umask 077
t=$(mktemp -d) || exit 1
trap 'rm -rf "$t"' EXIT
trap 'exit 1' HUP INT TERM
echo @@netauto-session@@
while IFS=' ' read -r slen ilen; do
  head -c "$slen" > "$t/s" && head -c "$ilen" > "$t/i" || exit 1
  sh "$t/s" < "$t/i" > "$t/o" 2> "$t/e"
  rc=$?
  echo "$rc $(wc -c < "$t/o") $(wc -c < "$t/e")"
  cat "$t/o" "$t/e"
done
"""
"""The command session: one POSIX shell per connection that runs each request (a line
``<script bytes> <stdin bytes>``, the script, its stdin) with ``sh`` and answers
``<exit status> <stdout bytes> <stderr bytes>``, stdout, stderr. GNU/busybox ``head -c N``
reads exactly N bytes from a pipe, and requests never overlap, so nothing is over-read."""


def netmiko_args(optional_args: Mapping[str, Any]) -> dict[str, Any]:
    """The Netmiko connection parameters among the driver's ``optional_args``.

    Examples:
        >>> netmiko_args({"ssh_config_file": "lab.cfg", "port": 2222, "state_dir": "/tmp/x"})
        {'ssh_config_file': 'lab.cfg', 'port': 2222}
    """
    return {key: optional_args[key] for key in NETMIKO_ARGS if key in optional_args}


def sudo_wrap(script: str) -> str:
    """``script`` run as root through ``sudo -n`` (never prompts: no password, no tty).

    Examples:
        >>> sudo_wrap("id -u")
        "sudo -n sh -c 'id -u'"
    """
    return "sudo -n sh -c " + shlex.quote(script)


class EofProxyCommand(paramiko.ProxyCommand):  # type: ignore[misc]  # paramiko is untyped
    """paramiko's ``ProxyCommand``, except that the end of the command's output ends a read.

    paramiko (5.1) keeps polling a pipe that reached end of file until its timeout: a router
    whose sshd is dead, reached through a ProxyCommand (the lab's ``ip netns exec ... nc``, a
    jump host), then costs a whole connection timeout of busy CPU. Returning what was read
    (``b""`` at end of file) makes paramiko see a closed connection at once, as on a socket.
    """

    def recv(self, size: int) -> bytes:
        buffer = b""
        deadline = None if self.timeout is None else time.monotonic() + self.timeout
        try:
            while len(buffer) < size:
                wait = None if deadline is None else deadline - time.monotonic()
                if wait is not None and wait <= 0:
                    if buffer:
                        return buffer
                    raise TimeoutError()
                ready, _, _ = select.select([self.process.stdout], [], [], wait)
                if ready:
                    chunk = os.read(self.process.stdout.fileno(), size - len(buffer))
                    if not chunk:
                        return buffer  # end of file: the proxy command is done
                    buffer += chunk
            return buffer
        except TimeoutError:
            raise
        except OSError as exc:
            raise paramiko.ProxyCommandFailure(" ".join(self.cmd), exc.strerror) from exc


class _LinuxSSH(LinuxSSH):
    """Netmiko's Linux connection for exec channels only, with an EOF-aware ProxyCommand.

    Netmiko's connection parameters (ssh_config, ProxyCommand, keys, timeouts) and errors are
    kept, but no interactive shell is opened: the driver never scrapes a prompt, and a login
    shell costs the box a run of the user's startup files (~0.1 s of CPU with a pyenv
    ``.bashrc``) plus Netmiko's prompt discovery on every connection.
    """

    def _use_ssh_config(self, dict_arg: dict[str, Any]) -> dict[str, Any]:
        connect = super()._use_ssh_config(dict_arg)
        sock = connect.get("sock")
        if type(sock) is paramiko.ProxyCommand:
            sock.__class__ = EofProxyCommand  # same object, same state: only recv() differs
        return connect

    def establish_connection(self, width: int = 511, height: int = 1000) -> None:
        client = self._build_ssh_client()
        self.remote_conn_pre = client
        try:
            client.connect(**self._connect_params_dict())
        except Exception:
            self.paramiko_cleanup()
            raise
        self.remote_conn = None

    def _try_session_preparation(self, force_data: bool = True) -> None:
        """Nothing to prepare: there is no interactive shell."""

    def cleanup(self, command: str = "") -> None:
        """Nothing to leave: there is no interactive shell (``disconnect`` closes SSH)."""


class SSHShell:
    """One SSH connection to a box that runs POSIX shell scripts on it.

    ``sudo`` runs every script as root through ``sudo -n`` (the command session itself when it
    starts, each exec channel's command otherwise). ``timeout`` bounds connecting and starting
    the command session; each :meth:`run` gives its own limit.
    """

    def __init__(
        self,
        hostname: str,
        username: str,
        password: str,
        timeout: int,
        connection_args: Mapping[str, Any],
        sudo: bool,
    ) -> None:
        self.hostname = hostname
        self.username = username
        self.password = password
        self.timeout = timeout
        self.sudo = sudo
        self._connection_args = dict(connection_args)
        self.device: Any = None
        """The Netmiko connection while connected (``None`` before and after)."""
        self._session: Any = None
        self._session_buffer = b""
        self._session_usable = True
        self._lock = threading.Lock()

    def connect(self) -> Any:
        """Open the SSH connection; return the Netmiko connection.

        Raises:
            ConnectionException: the box cannot be reached or refuses the login.
        """
        try:
            self.device = _LinuxSSH(
                host=self.hostname,
                username=self.username,
                password=self.password,
                timeout=self.timeout,
                **self._connection_args,
            )
        except Exception as exc:
            reason = " ".join(str(exc).split()) or type(exc).__name__
            raise ConnectionException(f"Cannot connect to {self.hostname}: {reason}") from exc
        return self.device

    def close(self) -> None:
        """End the command session and close the SSH connection (nothing if not connected)."""
        self._end_session()
        if self.device is not None:
            self.device.disconnect()
            self.device = None

    def is_active(self) -> bool:
        """Whether the SSH transport is up."""
        transport = self._transport(quiet=True)
        return bool(transport is not None and transport.is_active())

    def _transport(self, quiet: bool = False) -> Any:
        conn = getattr(self.device, "remote_conn_pre", None) if self.device else None
        transport = conn.get_transport() if conn is not None else None
        if transport is None and not quiet:
            raise ConnectionException(f"{self.hostname}: not connected (call open() first)")
        return transport

    def run(self, command: str, stdin: bytes | None, limit: float) -> tuple[int, str, str]:
        """Run ``command`` (POSIX sh) on the box within ``limit`` seconds; return (exit
        status, stdout, stderr).

        Commands go through the connection's command session (see :data:`SESSION_SERVER`):
        one exec channel, so the login shell and its startup files run once per connection,
        not once per command (with a pyenv ``.bashrc`` that is ~0.1 s of CPU each). A box
        where the session does not start gets one exec channel per command.

        Raises:
            ConnectionException: not connected, or the connection broke.
            CommandErrorException: the command did not finish within ``limit``.
        """
        with self._lock:
            if self._session_usable:
                session = self._session or self._start_session()
                if session is not None:
                    return self._session_run(session, command, stdin or b"", limit)
            return self._exec(command, stdin, limit)

    def _start_session(self) -> Any:
        """Start the command session; None (and exec channels from now on) if it fails."""
        server = "exec sh -c " + shlex.quote(SESSION_SERVER)
        if self.sudo:
            server = sudo_wrap(SESSION_SERVER)
        try:
            channel = self._transport().open_session(timeout=float(self.timeout))
            channel.exec_command(server)
            self._session, self._session_buffer = channel, b""
            self._session_read(lambda b: (SESSION_READY + "\n").encode() in b, self.timeout)
        except ConnectionException:
            raise
        except Exception:
            self._end_session()
            self._session_usable = False
            return None
        # Anything the startup files printed comes before the ready line: drop it.
        marker = (SESSION_READY + "\n").encode()
        self._session_buffer = self._session_buffer.split(marker, 1)[1]
        return channel

    def _end_session(self) -> None:
        if self._session is not None:
            with contextlib.suppress(Exception):  # already gone: nothing to close
                self._session.close()
        self._session, self._session_buffer = None, b""

    def _session_read(self, enough: Callable[[bytes], bool], limit: float) -> None:
        """Read from the session into its buffer until ``enough(buffer)``."""
        channel = self._session
        deadline = time.monotonic() + limit
        while not enough(self._session_buffer):
            wait = deadline - time.monotonic()
            if wait <= 0:
                raise TimeoutError()
            channel.settimeout(wait)
            chunk = channel.recv(65536)
            if not chunk:
                raise EOFError("the command session ended")
            self._session_buffer += chunk
            while channel.recv_stderr_ready():  # the session's own stderr: not ours
                channel.recv_stderr(65536)

    def _session_run(
        self, session: Any, command: str, stdin: bytes, limit: float
    ) -> tuple[int, str, str]:
        script = command.encode()
        try:
            session.sendall(f"{len(script)} {len(stdin)}\n".encode() + script + stdin)
            self._session_read(lambda b: b"\n" in b, limit)
            line, self._session_buffer = self._session_buffer.split(b"\n", 1)
            rc, out_len, err_len = (int(x) for x in line.split())
            self._session_read(lambda b: len(b) >= out_len + err_len, limit)
        except TimeoutError as exc:
            self._end_session()  # the command may still run: never reuse this session
            raise CommandErrorException(
                f"{self.hostname}: {command!r} did not finish in {limit:.0f} s"
            ) from exc
        except Exception as exc:
            self._end_session()
            raise ConnectionException(f"{self.hostname}: {command!r} failed: {exc}") from exc
        data = self._session_buffer
        out, err = data[:out_len], data[out_len : out_len + err_len]
        self._session_buffer = data[out_len + err_len :]
        return rc, out.decode(errors="replace"), err.decode(errors="replace")

    def _exec(self, command: str, stdin: bytes | None, limit: float) -> tuple[int, str, str]:
        """Run ``command`` on an exec channel of its own."""
        if self.sudo:
            command = sudo_wrap(command)
        try:
            channel = self._transport().open_session(timeout=limit)
            channel.settimeout(limit)
            channel.exec_command(command)
            if stdin is not None:
                channel.sendall(stdin)
            channel.shutdown_write()
            out, err = bytearray(), bytearray()
            deadline = time.monotonic() + limit
            while True:
                if channel.recv_ready():
                    out += channel.recv(65536)
                elif channel.recv_stderr_ready():
                    err += channel.recv_stderr(65536)
                elif channel.exit_status_ready() and (channel.eof_received or channel.closed):
                    # sshd may send the exit status before the last of the output: stop only
                    # once the output stream has ended too (EOF), or it gets cut short.
                    break
                elif time.monotonic() > deadline:
                    channel.close()
                    raise CommandErrorException(
                        f"{self.hostname}: {command!r} did not finish in {limit:.0f} s"
                    )
                elif not channel.exit_status_ready():
                    # Sleep until the exit status arrives (at once) or 20 ms pass (to drain
                    # output): many sessions in parallel then cost no busy polling.
                    channel.status_event.wait(0.02)
                else:
                    time.sleep(0.002)  # the status came: the end of output is close
            while channel.recv_ready():
                out += channel.recv(65536)
            while channel.recv_stderr_ready():
                err += channel.recv_stderr(65536)
            rc = channel.recv_exit_status()
            channel.close()
        except (CommandErrorException, ConnectionException):
            raise
        except Exception as exc:
            raise ConnectionException(f"{self.hostname}: {command!r} failed: {exc}") from exc
        return rc, out.decode(errors="replace"), err.decode(errors="replace")
