"""Napalm driver for FRRouting on Linux (driver name ``frr``).

The box is reached over SSH through Netmiko (device type ``linux``); commands run on SSH exec
channels of that same connection, so each has its own exit status, stdout and stderr (no
prompt scraping). State is read with ``vtysh -c '... json'`` and ``ip -j``.

Configuration follows FRR's own tools:

* the candidate is uploaded to ``<state_dir>/candidate.conf`` (default ``/etc/frr/netauto``)
  and checked with ``vtysh --dryrun`` (FRR's parser) when loaded;
* ``compare_config`` is ``frr-reload.py --test``; a replace commit is
  ``frr-reload.py --reload`` (which also writes ``/etc/frr/frr.conf``); a merge commit is
  ``vtysh -f`` followed by ``write memory``;
* before every commit the running configuration is saved as ``<state_dir>/rollback.conf``; a
  commit FRR refuses, or one that leaves a residual difference, is rolled back to it and raises
  ``CommitError``;
* ``commit_config(revert_in=N)`` starts a detached timer on the box
  (``setsid sh -c 'sleep N; frr-reload.py --reload rollback.conf'``, its pid in
  ``<state_dir>/pending.pid``); ``confirm_commit`` kills it; ``rollback`` kills it and restores.

``optional_args``: ``ssh_config_file``, ``key_file``, ``port``, ``use_keys``, ``allow_agent``,
``passphrase``, ``conn_timeout`` (passed to Netmiko); ``sudo`` (default: when the user is not
root), ``state_dir``, ``frr_reload`` (path of frr-reload.py), ``commit_verify`` (default true).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import select
import shlex
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import paramiko  # type: ignore[import-untyped]  # no stubs (types-paramiko is not installed)
from napalm.base import NetworkDriver, models
from napalm.base import constants as c
from napalm.base.exceptions import (
    CommandErrorException,
    CommitConfirmException,
    CommitError,
    ConnectionException,
    MergeConfigException,
    ReplaceConfigException,
)
from netmiko.linux.linux_ssh import LinuxSSH

from netauto.drivers import frr_output as parse

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
DEFAULT_STATE_DIR = "/etc/frr/netauto"
DEFAULT_FRR_RELOAD = "/usr/lib/frr/frr-reload.py"
REVERT_MARK = "netauto-revert"
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
SECTION_MARK = "@@netauto-section@@"
"""Printed on a line of its own between the outputs of one remote script's steps."""
REMOTE_HELPER = Path(__file__).with_name("frr_remote.py").read_text(encoding="utf-8")
"""The box side of a replace (:mod:`netauto.drivers.frr_remote`), copied to the state dir."""
MISSING_DAEMON = 96
"""Exit status of the box helper: the candidate configures a daemon that is not running."""
DAEMON_HINT = (
    "enable it in /etc/frr/daemons; lab: routing: ebgp in the SoT or "
    "netauto lab up --ebgp-site SLUG"
)
HELPER_UNAVAILABLE = (95, 126, 127)
"""Exit statuses of a box where the helper cannot run (no python3, another frr-reload.py):
nothing was changed, the driver then runs ``frr-reload.py`` itself."""
_RUNNING_HEADER = re.compile(
    r"\A(?:Building configuration\.\.\.\s*\n)?\s*(?:Current configuration:\s*\n)?"
)
_SECRETS = re.compile(
    r"^([ \t]*(?:.*[ \t])?(?:password|authentication-key|key-string|md5))"
    r"([ \t]+\d+)?[ \t]+\S+[ \t]*$",
    re.MULTILINE,
)


def running_config_text(show_running: str) -> str:
    """``show running-config`` without vtysh's banner, so the text is a loadable config.

    Examples:
        >>> running_config_text("Building configuration...\\n\\nCurrent configuration:\\n!\\n"
        ...     "hostname r1\\n")
        '!\\nhostname r1\\n'
    """
    return _RUNNING_HEADER.sub("", show_running, count=1)


def missing_daemon_message(host: str, stderr: str) -> str:
    """One line for the box helper's "daemon not running" report (exit 96), with the hint.

    Examples:
        >>> missing_daemon_message("r1", "the candidate configures router bgp but bgpd is "
        ...     "not running\\n")  # doctest: +NORMALIZE_WHITESPACE
        'r1: the candidate configures router bgp but bgpd is not running (enable it in
        /etc/frr/daemons; lab: routing: ebgp in the SoT or netauto lab up --ebgp-site SLUG)'
    """
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    reason = "; ".join(lines) or "the candidate configures a daemon that is not running"
    return f"{host}: {reason} ({DAEMON_HINT})"


def split_sections(output: str) -> list[str]:
    """The outputs of a remote script's steps, split at :data:`SECTION_MARK` lines.

    Examples:
        >>> split_sections("a\\n@@netauto-section@@\\nb\\nc\\n@@netauto-section@@\\n")
        ['a\\n', 'b\\nc\\n', '']
        >>> split_sections("no marks")
        ['no marks']
    """
    return output.split(SECTION_MARK + "\n")


def sanitize(config: str) -> str:
    """Mask secrets (passwords, keys) in an FRR configuration.

    Examples:
        >>> sanitize(" neighbor 10.0.0.1 password s3cret\\n ip ospf message-digest-key 1 md5 k\\n")
        ' neighbor 10.0.0.1 password <removed>\\n ip ospf message-digest-key 1 md5 <removed>\\n'
    """
    return _SECRETS.sub(lambda m: f"{m.group(1)} <removed>", config)


def ping_command(
    destination: str,
    source: str = "",
    ttl: int = c.PING_TTL,
    timeout: int = c.PING_TIMEOUT,
    size: int = c.PING_SIZE,
    count: int = c.PING_COUNT,
    vrf: str = "",
    source_interface: str = "",
) -> str:
    """The iputils ``ping`` command for Napalm's ``ping`` arguments.

    Examples:
        >>> ping_command("fd00:12::2", count=3)
        'ping -6 -c 3 -W 2 -t 255 -s 100 fd00:12::2'
        >>> ping_command("10.0.12.2", source="10.0.12.1", vrf="mgmt")
        'ip vrf exec mgmt ping -4 -c 5 -W 2 -t 255 -s 100 -I 10.0.12.1 10.0.12.2'
    """
    version = parse.ip_version(destination)
    argv = ["ping"] + ([f"-{version}"] if version else [])
    argv += ["-c", str(count), "-W", str(timeout), "-t", str(ttl), "-s", str(size)]
    if source or source_interface:
        argv += ["-I", source or source_interface]
    argv.append(destination)
    if vrf:
        argv = ["ip", "vrf", "exec", vrf, *argv]
    return shlex.join(argv)


def traceroute_command(
    destination: str,
    source: str = "",
    ttl: int = c.TRACEROUTE_TTL,
    timeout: int = c.TRACEROUTE_TIMEOUT,
    vrf: str = "",
) -> str:
    """The ``traceroute`` command (numeric, three probes per hop) for Napalm's arguments.

    Examples:
        >>> traceroute_command("fd00:ff::2", ttl=5)
        'traceroute -6 -n -q 3 -w 2 -m 5 fd00:ff::2'
    """
    version = parse.ip_version(destination)
    argv = ["traceroute"] + ([f"-{version}"] if version else [])
    argv += ["-n", "-q", "3", "-w", str(timeout), "-m", str(max(1, min(ttl, 255)))]
    if source:
        argv += ["-s", source]
    argv.append(destination)
    if vrf:
        argv = ["ip", "vrf", "exec", vrf, *argv]
    return shlex.join(argv)


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


class FRRDriver(NetworkDriver):  # type: ignore[misc]
    """Napalm driver for FRRouting (``napalm.get_network_driver("frr")``)."""

    platform = "frr"

    def __init__(
        self,
        hostname: str,
        username: str,
        password: str,
        timeout: int = 60,
        optional_args: dict[str, Any] | None = None,
    ) -> None:
        self.hostname = hostname
        self.username = username
        self.password = password
        self.timeout = timeout
        self.force_no_enable = True
        self.use_canonical_interface = False
        args = dict(optional_args or {})
        self._netmiko_args = {k: args[k] for k in NETMIKO_ARGS if k in args}
        sudo = args.get("sudo")
        self._sudo = bool(sudo) if sudo is not None else username not in ("", "root")
        self._state_dir = str(args.get("state_dir", DEFAULT_STATE_DIR))
        self._frr_reload = str(args.get("frr_reload", DEFAULT_FRR_RELOAD))
        self._commit_verify = bool(args.get("commit_verify", True))
        self._use_helper = bool(args.get("remote_helper", True))
        self._candidate: str | None = None
        self._merge = False
        self._diff: str | None = None
        self._session: Any = None
        self._session_buffer = b""
        self._session_usable = True
        self._lock = threading.Lock()
        self.device: Any = None

    # -- connection -------------------------------------------------------------------------

    def open(self) -> None:
        """Connect over SSH and check that FRR answers."""
        try:
            self.device = self._netmiko_device = _LinuxSSH(
                host=self.hostname,
                username=self.username,
                password=self.password,
                timeout=self.timeout,
                **self._netmiko_args,
            )
        except Exception as exc:
            reason = " ".join(str(exc).split()) or type(exc).__name__
            raise ConnectionException(f"Cannot connect to {self.hostname}: {reason}") from exc
        # zebra's pid alive is enough (no vtysh run: each costs the box ~25 ms of CPU to
        # build its command graph); elsewhere, or for a user who may not signal it, ask vtysh.
        rc, out, err = self._run(
            'p=$(cat /var/run/frr/zebra.pid 2>/dev/null) && kill -0 "$p" 2>/dev/null && '
            "command -v vtysh >/dev/null && echo FRRouting || vtysh -c 'show version'"
        )
        if rc != 0 or "FRRouting" not in out:
            self.close()
            raise ConnectionException(
                f"{self.hostname}: vtysh does not answer ({(err or out).strip()})"
            )

    def close(self) -> None:
        """Close the SSH connection."""
        self._end_session()
        if self.device is not None:
            self._netmiko_close()

    def is_alive(self) -> models.AliveDict:
        """Whether the SSH transport is up."""
        transport = self._transport(quiet=True)
        return {"is_alive": bool(transport is not None and transport.is_active())}

    def _transport(self, quiet: bool = False) -> Any:
        conn = getattr(self.device, "remote_conn_pre", None) if self.device else None
        transport = conn.get_transport() if conn is not None else None
        if transport is None and not quiet:
            raise ConnectionException(f"{self.hostname}: not connected (call open() first)")
        return transport

    def _run(
        self, command: str, stdin: bytes | None = None, timeout: float | None = None
    ) -> tuple[int, str, str]:
        """Run ``command`` (POSIX sh) on the box; return (exit status, stdout, stderr).

        Commands go through the connection's command session (see :data:`SESSION_SERVER`):
        one exec channel, so the login shell and its startup files run once per connection,
        not once per command (with a pyenv ``.bashrc`` that is ~0.1 s of CPU each). A box
        where the session does not start gets one exec channel per command.
        """
        limit = float(timeout if timeout is not None else self.timeout)
        with self._lock:
            if self._session_usable:
                session = self._session or self._start_session()
                if session is not None:
                    return self._session_run(session, command, stdin or b"", limit)
            return self._exec(command, stdin, limit)

    def _start_session(self) -> Any:
        """Start the command session; None (and exec channels from now on) if it fails."""
        server = "exec sh -c " + shlex.quote(SESSION_SERVER)
        if self._sudo:
            server = "sudo -n sh -c " + shlex.quote(SESSION_SERVER)
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
        if self._sudo:
            command = "sudo -n sh -c " + shlex.quote(command)
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

    def run_shell(self, command: str, stdin: bytes | None = None) -> tuple[int, str, str]:
        """Run a POSIX shell command on the box: (exit status, stdout, stderr).

        Not part of Napalm's contract: netauto uses it for the host firewall (nftables) of
        FRR routers and for batched verification probes.
        """
        return self._run(command, stdin=stdin)

    def _vtysh(self, *commands: str) -> str:
        argv = ["vtysh"]
        for command in commands:
            argv += ["-c", command]
        rc, out, err = self._run(shlex.join(argv))
        if rc != 0:
            raise CommandErrorException(f"{self.hostname}: {' / '.join(commands)}: {err or out}")
        return out

    def _vtysh_json(self, command: str) -> Any:
        text = self._vtysh(command).strip()
        if not text:
            return {}
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise CommandErrorException(
                f"{self.hostname}: {command!r} did not return JSON: {text[:200]}"
            ) from exc

    def cli(self, commands: list[str], encoding: str = "text") -> dict[str, str]:
        """Run vtysh commands (one SSH round trip for all); return each command's output."""
        if encoding != "text":
            raise NotImplementedError(f"{encoding} is not a supported encoding")
        if len(commands) < 2:
            return {command: self._vtysh(command) for command in commands}
        # Each command is its own vtysh run; a failure stops the script with its number.
        script = "; ".join(
            f"{shlex.join(['vtysh', '-c', command])} || exit {100 + index}; echo {SECTION_MARK}"
            for index, command in enumerate(commands)
        )
        rc, out, err = self._run(script)
        outputs = split_sections(out)
        if rc != 0:
            failed = commands[rc - 100] if 100 <= rc < 100 + len(commands) else " / ".join(commands)
            raise CommandErrorException(f"{self.hostname}: {failed}: {err or outputs[-1]}")
        return dict(zip(commands, outputs, strict=False))

    # -- getters ----------------------------------------------------------------------------

    def get_facts(self) -> models.FactsDict:
        """Napalm facts: FRR version, uptime of the box, hostname from the running config."""
        version = self._vtysh("show version")
        running = self._vtysh("show running-config")
        _, uptime, _ = self._run("cat /proc/uptime")
        _, serial, _ = self._run("cat /etc/machine-id 2>/dev/null")
        hostname = parse.config_hostname(running) or self.hostname
        domain = parse.config_domainname(running)
        return {
            "uptime": parse.uptime_seconds(uptime),
            "vendor": "FRRouting",
            "os_version": parse.os_version(version),
            "serial_number": serial.strip(),
            "model": "FRRouting",
            "hostname": hostname,
            "fqdn": f"{hostname}.{domain}" if domain else hostname,
            "interface_list": parse.interface_list(self._vtysh_json("show interface json")),
        }

    def get_interfaces(self) -> dict[str, models.InterfaceDict]:
        """Interfaces as zebra sees them (``show interface json``)."""
        return parse.interfaces(self._vtysh_json("show interface json"))

    def get_interfaces_ip(self) -> dict[str, models.InterfacesIPDict]:
        """Addresses from ``ip -j addr show``."""
        rc, out, err = self._run("ip -j addr show")
        if rc != 0:
            raise CommandErrorException(f"{self.hostname}: ip -j addr show: {err}")
        return parse.interfaces_ip(json.loads(out or "[]"))

    def get_bgp_neighbors(self) -> dict[str, models.BGPStateNeighborsPerVRFDict]:
        """BGP sessions per VRF (``global`` for the default VRF); ``{}`` without BGP."""
        summary = self._vtysh_json("show bgp vrf all summary json")
        if not summary:
            return {}
        neighbors = self._vtysh_json("show bgp vrf all neighbors json")
        return parse.bgp_neighbors(summary, neighbors)

    def get_route_to(
        self, destination: str = "", protocol: str = "", longer: bool = False
    ) -> dict[str, list[models.RouteDict]]:
        """Routes to ``destination`` (longest match, or all more specifics with ``longer``)."""
        versions = [parse.ip_version(destination)] if destination else [4, 6]
        if destination and versions[0] == 0:
            raise CommandErrorException(f"{destination!r} is not an IP address or prefix")
        result: dict[str, list[models.RouteDict]] = {}
        for version in versions:
            family = "ip" if version == 4 else "ipv6"
            command = f"show {family} route"
            if destination:
                command += f" {destination}" + (" longer-prefixes" if longer else "")
            table = self._vtysh_json(command + " json")
            bgp = self._bgp_attributes(table, version) if protocol in ("", "bgp") else {}
            result.update(parse.routes(table, protocol, bgp))
        return result

    def _bgp_attributes(self, table: dict[str, Any], version: int) -> dict[str, Any]:
        prefixes = [p for p, rs in table.items() if any(r.get("protocol") == "bgp" for r in rs)]
        if not prefixes:
            return {}
        afi = "ipv4" if version == 4 else "ipv6"
        summary = self._vtysh_json(f"show bgp {afi} unicast summary json")
        local_as = int(summary.get(f"{afi}Unicast", summary).get("as", 0))
        return {
            prefix: parse.bgp_attributes(
                self._vtysh_json(f"show bgp {afi} unicast {prefix} json"), local_as
            )
            for prefix in prefixes
        }

    def get_config(
        self,
        retrieve: str = "all",
        full: bool = False,
        sanitized: bool = False,
        format: str = "text",
    ) -> models.ConfigDict:
        """Running (``show running-config``), startup (``/etc/frr/frr.conf``), candidate."""
        if format != "text":
            raise NotImplementedError(f"format {format!r}: FRR configurations are text")
        config: models.ConfigDict = {"running": "", "startup": "", "candidate": ""}
        if retrieve in ("all", "running"):
            config["running"] = running_config_text(self._vtysh("show running-config"))
        if retrieve in ("all", "startup"):
            _, config["startup"], _ = self._run("cat /etc/frr/frr.conf")
        if retrieve in ("all", "candidate"):
            config["candidate"] = self._candidate or ""
        if sanitized:
            config = {key: sanitize(text) for key, text in config.items()}
        return config

    def ping(
        self,
        destination: str,
        source: str = c.PING_SOURCE,
        ttl: int = c.PING_TTL,
        timeout: int = c.PING_TIMEOUT,
        size: int = c.PING_SIZE,
        count: int = c.PING_COUNT,
        vrf: str = c.PING_VRF,
        source_interface: str = c.PING_SOURCE_INTERFACE,
    ) -> models.PingResultDict:
        """Ping from the box (IPv4 or IPv6, chosen from the destination)."""
        command = ping_command(
            destination, source, ttl, timeout, size, count, vrf, source_interface
        )
        _, out, err = self._run(command, timeout=count * (timeout + 1) + self.timeout)
        return parse.ping_result(out + err)

    def traceroute(
        self,
        destination: str,
        source: str = c.TRACEROUTE_SOURCE,
        ttl: int = c.TRACEROUTE_TTL,
        timeout: int = c.TRACEROUTE_TIMEOUT,
        vrf: str = c.TRACEROUTE_VRF,
    ) -> models.TracerouteResultDict:
        """Traceroute from the box (IPv4 or IPv6, chosen from the destination)."""
        command = traceroute_command(destination, source, ttl, timeout, vrf)
        limit = min(ttl, 255) * 3 * (timeout + 1) + self.timeout
        _, out, err = self._run(command, timeout=limit)
        return parse.traceroute_result(out + err)

    # -- configuration ----------------------------------------------------------------------

    def _path(self, name: str) -> str:
        return shlex.quote(f"{self._state_dir}/{name}")

    def _upload(self, name: str, text: str) -> None:
        directory = shlex.quote(self._state_dir)
        rc, _, err = self._run(
            f"umask 077 && mkdir -p {directory} && cat > {self._path(name)}", stdin=text.encode()
        )
        if rc != 0:
            raise CommandErrorException(f"{self.hostname}: cannot write {name}: {err}")

    def _load(self, filename: str | None, config: str | None, merge: bool) -> None:
        error = MergeConfigException if merge else ReplaceConfigException
        if filename is not None:
            try:
                config = Path(filename).read_text()
            except OSError as exc:
                raise error(f"cannot read {filename}: {exc}") from exc
        if config is None:
            raise error("give a filename or a config string")
        self._candidate = None
        self._diff = None
        if not merge and self._use_helper:
            rc, out, err = self._run(self._helper_script("diff"), stdin=config.encode())
            if rc == MISSING_DAEMON:
                raise error(missing_daemon_message(self.hostname, err))
            if rc not in HELPER_UNAVAILABLE:
                sections = split_sections(out)
                if rc in (3, 91):
                    reason = "FRR rejects the candidate" if rc == 3 else "cannot upload it"
                    raise error(f"{self.hostname}: {reason}:\n{(err + out).strip()}")
                self._candidate, self._merge = config, merge
                # rc 4: the comparison failed; compare_config runs frr-reload and reports it.
                self._diff = parse.reload_diff(sections[-1]) if rc == 0 else None
                return
            self._use_helper = False  # this box cannot run it: frr-reload.py from now on
        # One round trip: upload, FRR's parser on the uploaded file, and for a replace the
        # change set (kept for the next compare_config: the usual load/compare pair is one
        # round trip).
        candidate = self._path("candidate.conf")
        script = (
            f"umask 077 && mkdir -p {shlex.quote(self._state_dir)} && cat > {candidate} && "
            f"vtysh --dryrun -f {candidate} || exit 3"
        )
        if not merge:
            script += (
                f"\necho {SECTION_MARK}\n{shlex.quote(self._frr_reload)} --test {candidate} "
                f"2>{self._path('test.err')} || {{ cat {self._path('test.err')}; exit 4; }}"
            )
        rc, out, err = self._run(script, stdin=config.encode())
        sections = split_sections(out)
        if rc != 0 and len(sections) < 2:
            raise error(f"{self.hostname}: FRR rejects the candidate:\n{(err + out).strip()}")
        self._candidate = config
        self._merge = merge
        # rc 4: frr-reload failed; compare_config runs it again and reports the error.
        self._diff = parse.reload_diff(sections[1]) if rc == 0 and len(sections) == 2 else None

    def _helper_script(self, mode: str, timer: str = "") -> str:
        """Shell lines that store stdin as the candidate (``diff``), install the box helper
        (once: its file name carries its hash) and run it (see :mod:`netauto.drivers.frr_remote`).
        """
        digest = hashlib.sha256(REMOTE_HELPER.encode()).hexdigest()[:16]
        helper = self._path(f"frr_remote-{digest}.py")
        candidate = self._path("candidate.conf")
        argv = ["python3", "-I", "-S", f"{self._state_dir}/frr_remote-{digest}.py", mode,
                "--frr-reload", self._frr_reload, "--dir", self._state_dir,
                "--candidate", f"{self._state_dir}/candidate.conf"]  # fmt: skip
        if timer:
            argv += ["--timer", timer]
        lines = [f"umask 077 && mkdir -p {shlex.quote(self._state_dir)} || exit 91"]
        if mode == "diff":
            lines.append(f"cat > {candidate} || exit 91")
        lines += [
            f"[ -s {helper} ] || {{ cat > {helper}.tmp <<'@@NETAUTO_HELPER@@'",
            REMOTE_HELPER.rstrip("\n"),
            "@@NETAUTO_HELPER@@",
            f"mv {helper}.tmp {helper} || exit 95; }}",
            "command -v python3 >/dev/null || exit 95",
            shlex.join(argv),
        ]
        return "\n".join(lines)

    def load_replace_candidate(
        self, filename: str | None = None, config: str | None = None
    ) -> None:
        """Upload a full configuration; FRR's parser checks it now, commit replaces with it."""
        self._load(filename, config, merge=False)

    def load_merge_candidate(self, filename: str | None = None, config: str | None = None) -> None:
        """Upload configuration lines to add to the running configuration at commit."""
        self._load(filename, config, merge=True)

    def _reload(self, mode: str, name: str) -> tuple[int, str]:
        rc, out, err = self._run(
            f"{shlex.quote(self._frr_reload)} --{mode} {self._path(name)}", timeout=300
        )
        return rc, out + err

    def _merged_file(self) -> str:
        """Write running + candidate as ``merged.conf`` (what a merge would produce)."""
        running = running_config_text(self._vtysh("show running-config"))
        self._upload("merged.conf", running + "\n" + (self._candidate or "") + "\n")
        return "merged.conf"

    def compare_config(self) -> str:
        """frr-reload.py's change set between the running config and the candidate.

        The first compare after a replace load returns the change set computed by the load
        (same round trip); any later one runs ``frr-reload.py --test`` again.
        """
        if self._candidate is None:
            return ""
        if self._diff is not None:
            diff, self._diff = self._diff, None
            return diff
        target = self._merged_file() if self._merge else "candidate.conf"
        rc, out, err = self._run(
            f"{shlex.quote(self._frr_reload)} --test {self._path(target)}", timeout=300
        )
        if rc != 0:
            raise CommandErrorException(f"{self.hostname}: frr-reload --test failed:\n{err}")
        return parse.reload_added(out) if self._merge else parse.reload_diff(out)

    def _pending_pid(self) -> int | None:
        rc, out, _ = self._run(
            f"p=$(cat {self._path('pending.pid')} 2>/dev/null) && "
            f'grep -q {REVERT_MARK} /proc/"$p"/cmdline 2>/dev/null && echo "$p"'
        )
        return int(out.strip()) if rc == 0 and out.strip().isdigit() else None

    def has_pending_commit(self) -> bool:
        """Whether a commit made with ``revert_in`` waits for ``confirm_commit``."""
        return self._pending_pid() is not None

    def _cancel_revert(self) -> bool:
        # One round trip: stop the revert timer (its process group) if it runs, forget it.
        pid_file = self._path("pending.pid")
        rc, out, _ = self._run(
            f'p=$(cat {pid_file} 2>/dev/null); if [ -n "$p" ] && '
            f'grep -q {REVERT_MARK} /proc/"$p"/cmdline 2>/dev/null; then '
            f'kill -TERM -- -"$p" 2>/dev/null; kill -TERM "$p" 2>/dev/null; echo "$p"; fi; '
            f"rm -f {pid_file}"
        )
        return rc == 0 and out.strip().isdigit()

    def _restore(self) -> str:
        rc, out = self._reload("reload", "rollback.conf")
        if rc != 0:
            # frr-reload exits non-zero when a "no ..." line finds nothing left to remove
            # (e.g. an nd prefix that went away with its address): judge by the result.
            test_rc, test_out, _ = self._run(
                f"{shlex.quote(self._frr_reload)} --test {self._path('rollback.conf')}",
                timeout=300,
            )
            if test_rc == 0 and not parse.reload_diff(test_out):
                return "restored the previous configuration"
        return "restored the previous configuration" if rc == 0 else f"restore failed: {out}"

    def commit_config(self, message: str = "", revert_in: int | None = None) -> None:
        """Apply the candidate; with ``revert_in`` the box reverts by itself unless confirmed.

        A replace commit is one round trip: refuse if a commit is pending, save the running
        config as ``rollback.conf``, ``frr-reload.py --reload``, start the revert timer (right
        after the reload, before anything else can fail), then ``frr-reload.py --test`` as
        the verification. A refused reload, a timer that does not start, or a residual
        difference puts the previous configuration back and raises.

        Raises:
            CommitError: no candidate, a commit is pending, or FRR refused the candidate (the
                box is then back on its previous configuration).
        """
        if self._candidate is None:
            raise CommitError(f"{self.hostname}: no candidate loaded")
        if self._merge:
            self._commit_merge(message, revert_in)
        else:
            self._commit_replace(message, revert_in)
        self._candidate = None
        self._diff = None

    def _history_line(self, message: str) -> str:
        stamp = time.strftime("%Y-%m-%dT%H:%M:%S%z")
        note = shlex.quote(f"{stamp} commit {message}".strip())
        return f"echo {note} >> {self._path('history.log')}"

    def _commit_replace(self, message: str, revert_in: int | None) -> None:
        timer = self._revert_script(int(revert_in)) if revert_in is not None else ""
        rc, output, err = 95, "", ""
        if self._use_helper:
            script = "\n".join(
                [
                    f"{self._pending_test()} && exit 90",
                    self._helper_script("commit", timer),
                    "rc=$?",
                    f'[ "$rc" -eq 0 ] && {self._history_line(message)}',
                    'exit "$rc"',
                ]
            )
            rc, output, err = self._run(script, timeout=300)
        if rc in HELPER_UNAVAILABLE:
            self._use_helper = False
            rc, output, err = self._run(self._reload_script(message, timer), timeout=300)
        if rc == 90:
            raise CommitError(f"{self.hostname}: a commit waits for confirmation or rollback")
        if rc == MISSING_DAEMON:  # refused before anything changed
            raise CommitError(missing_daemon_message(self.hostname, err))
        if rc == 91:
            raise CommitError(f"{self.hostname}: cannot save the running config: {err}")
        if rc == 92:
            self._cancel_revert()
            outcome = self._restore()
            raise CommitError(
                f"{self.hostname}: FRR refused the commit ({outcome}):\n{(err + output).strip()}"
            )
        if rc == 93:
            self._cancel_revert()
            outcome = self._restore()
            raise CommitError(
                f"{self.hostname}: could not start the automatic revert timer ({outcome})"
            )
        sections = split_sections(output)
        residual = parse.reload_diff(sections[-1]) if rc == 0 and len(sections) == 2 else ""
        if not self._commit_verify and rc == 0:
            residual = ""
        if rc != 0 or residual or len(sections) != 2:
            self._cancel_revert()
            outcome = self._restore()
            raise CommitError(
                f"{self.hostname}: running config differs from the candidate after commit "
                f"({outcome}):\n{residual or (err + output).strip()}"
            )

    def _reload_script(self, message: str, timer: str) -> str:
        """The commit as three ``frr-reload.py`` runs (boxes where the helper cannot run):
        save the running config, ``--reload``, the revert timer, ``--test`` as verification."""
        reload = shlex.quote(self._frr_reload)
        running, rollback = self._path("running.txt"), self._path("rollback.conf")
        candidate, out = self._path("candidate.conf"), self._path("reload.out")
        header = r"1,3{/^Building configuration\.\.\.$/d;/^Current configuration:$/d;/^$/d}"
        verify = (
            f"{reload} --test {candidate} 2>{self._path('test.err')} || "
            f"{{ cat {self._path('test.err')}; exit 94; }}"
            if self._commit_verify
            else ""
        )
        return "\n".join(
            [
                f"{self._pending_test()} && exit 90",
                f"vtysh -c 'show running-config' > {running} && "
                f"sed {shlex.quote(header)} {running} > {rollback} || exit 91",
                f"{reload} --reload {candidate} > {out} 2>&1 || {{ cat {out}; exit 92; }}",
                timer,
                f"echo {SECTION_MARK}",
                verify,
                self._history_line(message),
            ]
        )

    def _commit_merge(self, message: str, revert_in: int | None) -> None:
        if self.has_pending_commit():
            raise CommitError(f"{self.hostname}: a commit waits for confirmation or rollback")
        self._upload("rollback.conf", running_config_text(self._vtysh("show running-config")))
        rc, out, err = self._run(
            f"vtysh -f {self._path('candidate.conf')} && vtysh -c 'write memory'",
            timeout=300,
        )
        output, target = out + err, self._merged_file()
        if rc != 0:
            outcome = self._restore()
            raise CommitError(f"{self.hostname}: FRR refused the commit ({outcome}):\n{output}")
        if self._commit_verify:
            rc, out, err = self._run(
                f"{shlex.quote(self._frr_reload)} --test {self._path(target)}", timeout=300
            )
            residual = parse.reload_added(out)
            if rc != 0 or residual:
                outcome = self._restore()
                raise CommitError(
                    f"{self.hostname}: running config differs from the candidate after commit "
                    f"({outcome}):\n{residual or err}"
                )
        self._run(self._history_line(message))
        if revert_in is not None:
            rc, _, _ = self._run(self._revert_script(int(revert_in)))
            if rc != 0:
                raise CommitError(f"{self.hostname}: could not start the automatic revert timer")

    def _pending_test(self) -> str:
        """Shell test: true when a revert timer of this driver runs on the box."""
        return (
            f'p=$(cat {self._path("pending.pid")} 2>/dev/null) && [ -n "$p" ] && '
            f'grep -q {REVERT_MARK} /proc/"$p"/cmdline 2>/dev/null'
        )

    def _revert_script(self, seconds: int) -> str:
        """Shell lines that start the detached revert timer and wait (5 s at most) for its pid
        file; exit 93 if it does not show up."""
        pid_file = self._path("pending.pid")
        timer = (
            f": {REVERT_MARK}; echo $$ > {pid_file}; sleep {seconds}; "
            f"{shlex.quote(self._frr_reload)} --reload {self._path('rollback.conf')}; "
            f"rm -f {pid_file}"
        )
        return (
            f"rm -f {pid_file}; setsid sh -c {shlex.quote(timer)} </dev/null >/dev/null 2>&1 &\n"
            f"i=0; until {self._pending_test()}; do "
            f"i=$((i + 1)); [ $i -gt 100 ] && exit 93; sleep 0.05; done"
        )

    def confirm_commit(self) -> None:
        """Keep the configuration committed with ``revert_in``."""
        if not self._cancel_revert():
            raise CommitConfirmException(f"{self.hostname}: no commit waits for confirmation")

    def discard_config(self) -> None:
        """Forget the loaded candidate.

        No round trip: the uploaded file stays in the 0700 state directory (like
        ``rollback.conf``) and is overwritten by the next load; nothing applies it without one.
        """
        self._candidate = None
        self._merge = False
        self._diff = None

    def rollback(self) -> None:
        """Go back to the configuration saved before the last commit (cancels a pending one)."""
        self._cancel_revert()
        rc, _, _ = self._run(f"test -s {self._path('rollback.conf')}")
        if rc != 0:
            raise CommitError(f"{self.hostname}: nothing to roll back to (no commit made yet)")
        rc, output = self._reload("reload", "rollback.conf")
        if rc != 0:
            raise CommitError(f"{self.hostname}: rollback failed:\n{output}")
