"""Napalm driver for FRRouting on Linux (driver name ``frr``): the Napalm contract.

The box is reached over SSH (:mod:`~netauto.drivers.frr.transport`: Netmiko's connection,
exec channels, no prompt scraping); what runs there is built by
:mod:`~netauto.drivers.frr.scripts`, and what it prints is read by :mod:`netauto.parse.frr_state`.
State is read with ``vtysh -c '... json'``, ``ip -j`` and (LLDP neighbours, from lldpd)
``lldpcli -f json``.

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
  ``<state_dir>/pending.pid``); ``confirm_commit`` kills it; ``rollback`` kills it and restores;
* the host firewall (nftables, not part of Napalm's contract: ``_load_firewall``) is staged
  beside the candidate and committed with it, under the same timer: the commit saves the
  live table and starts the timer before it applies the ruleset; the timer, a failed
  commit and ``rollback`` load the saved table back too, ``confirm_commit`` keeps both. A box
  that cuts the pushing session with its new firewall therefore reverts by itself.

A replace (load, compare, commit) is done on the box by a small Python helper
(:mod:`~netauto.drivers.frr.remote`, installed once in the state dir) that imports FRR's own
``frr-reload.py`` and does in one process what three ``frr-reload.py`` runs do; a box where it
cannot run (no python3, another frr-reload.py) gets the three runs, with the same result.

``optional_args``: ``ssh_config_file``, ``key_file``, ``port``, ``use_keys``, ``allow_agent``,
``passphrase``, ``conn_timeout`` (passed to Netmiko); ``sudo`` (default: when the user is not
root), ``state_dir``, ``frr_reload`` (path of frr-reload.py), ``commit_verify`` (default true),
``remote_helper`` (default true; false always runs ``frr-reload.py`` itself).
"""

from __future__ import annotations

import json
import shlex
import time
from pathlib import Path
from typing import Any

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

from netauto.drivers.frr import scripts
from netauto.drivers.frr.transport import SSHShell, netmiko_args
from netauto.parse import frr_state as parse

COMMIT_LIMIT = 300
"""Seconds a reload, a comparison or a commit may take on the box (frr-reload.py is slow on
large configurations)."""
LLDP_NEIGHBORS = "lldpcli -f json show neighbors"
"""The LLDP neighbour table of lldpd (the LLDP daemon FRR boxes run beside FRR)."""


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
        sudo = args.get("sudo")
        self._shell = SSHShell(
            hostname,
            username,
            password,
            timeout,
            netmiko_args(args),
            sudo=bool(sudo) if sudo is not None else username not in ("", "root"),
        )
        self._box = scripts.Layout(
            str(args.get("state_dir", scripts.DEFAULT_STATE_DIR)),
            str(args.get("frr_reload", scripts.DEFAULT_FRR_RELOAD)),
        )
        self._commit_verify = bool(args.get("commit_verify", True))
        self._use_helper = bool(args.get("remote_helper", True))
        self._candidate: str | None = None
        self._merge = False
        self._diff: str | None = None
        self._firewall: str | None = None
        """The staged directory of a host firewall ruleset on the box (``_load_firewall``)."""
        self.device: Any = None

    # -- connection -------------------------------------------------------------------------

    def open(self) -> None:
        """Connect over SSH and check that FRR answers."""
        self.device = self._shell.connect()
        rc, out, err = self._run(scripts.FRR_ANSWERS)
        if rc != 0 or "FRRouting" not in out:
            self.close()
            raise ConnectionException(
                f"{self.hostname}: vtysh does not answer ({(err or out).strip()})"
            )

    def close(self) -> None:
        """Close the SSH connection."""
        self._shell.close()
        self.device = None

    def is_alive(self) -> models.AliveDict:
        """Whether the SSH transport is up."""
        return {"is_alive": self._shell.is_active()}

    def _run(
        self, command: str, stdin: bytes | None = None, timeout: float | None = None
    ) -> tuple[int, str, str]:
        """Run ``command`` (POSIX sh) on the box; return (exit status, stdout, stderr).

        Everything the driver does on the box goes through here (the contract tests replace
        it with recorded output).
        """
        limit = float(timeout if timeout is not None else self.timeout)
        return self._shell.run(command, stdin, limit)

    def _run_shell(self, command: str, stdin: bytes | None = None) -> tuple[int, str, str]:
        """Run a POSIX shell command on the box: (exit status, stdout, stderr).

        Not part of Napalm's contract (hence private: Napalm allows no public method of its
        own): netauto's push uses it for the host firewall (nftables) of FRR routers and
        verify for batched probes, over the driver's SSH session.
        """
        return self._run(command, stdin=stdin)

    def _firewall_state(self) -> tuple[bool, str]:
        """Whether netauto's nftables table is loaded, and the ruleset recorded as applied
        (one round trip; not part of Napalm's contract, like :meth:`_run_shell`)."""
        _, answer, _ = self._run(scripts.firewall_state(self._box))
        return answer[:1] == "L", answer[1:]

    def _load_firewall(self, ruleset: str) -> None:
        """Stage a host firewall ruleset (nftables) for the next :meth:`commit_config`.

        Checked now (``nft -c``) and kept in a directory of its own on the box (``mktemp
        -d``); the commit applies it with the candidate, under the same revert timer, and
        :meth:`discard_config` forgets it.

        Raises:
            ReplaceConfigException: nftables refuses the ruleset, or it cannot be stored.
        """
        self._discard_firewall()
        rc, out, err = self._run(scripts.firewall_stage(self._box), stdin=ruleset.encode())
        directory = out.strip()
        prefix = f"{self._box.state_dir}/firewall."
        if rc == scripts.PARSER_REFUSED:
            raise ReplaceConfigException(
                f"{self.hostname}: nftables refuses the ruleset:\n{err.strip()[:400]}"
            )
        if rc != 0 or not directory.startswith(prefix) or "\n" in directory:
            raise ReplaceConfigException(
                f"{self.hostname}: cannot store the ruleset: {(err or out).strip()[:400]}"
            )
        self._firewall = directory

    def _discard_firewall(self) -> None:
        if self._firewall is not None:
            directory, self._firewall = self._firewall, None
            self._run(scripts.firewall_discard(directory))

    def _vtysh(self, *commands: str, daemon: str = "") -> str:
        """vtysh's output for ``commands``; with ``daemon``, ``""`` when that daemon is not
        running (nothing of it is configured, so there is nothing to show)."""
        rc, out, err = self._run(scripts.vtysh(*commands))
        if rc != 0 and daemon and parse.daemon_not_running(err, daemon):
            return ""
        if rc != 0:
            raise CommandErrorException(f"{self.hostname}: {' / '.join(commands)}: {err or out}")
        return out

    def _vtysh_json(self, command: str, daemon: str = "") -> Any:
        text = self._vtysh(command, daemon=daemon).strip()
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
        rc, out, err = self._run(scripts.vtysh_batch(commands))
        outputs = scripts.split_sections(out)
        if rc != 0:
            number = rc - scripts.FIRST_CLI_STATUS
            failed = commands[number] if 0 <= number < len(commands) else " / ".join(commands)
            raise CommandErrorException(f"{self.hostname}: {failed}: {err or outputs[-1]}")
        return dict(zip(commands, outputs, strict=False))

    # -- getters ----------------------------------------------------------------------------

    def get_facts(self) -> models.FactsDict:
        """Napalm facts: FRR version, uptime of the box, hostname from the running config."""
        version = self._vtysh("show version")
        running = self._vtysh("show running-config")
        _, uptime, _ = self._run(scripts.UPTIME)
        _, serial, _ = self._run(scripts.MACHINE_ID)
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
        rc, out, err = self._run(scripts.ADDRESSES)
        if rc != 0:
            raise CommandErrorException(f"{self.hostname}: {scripts.ADDRESSES}: {err}")
        return parse.interfaces_ip(json.loads(out or "[]"))

    def _lldp_json(self) -> Any:
        """lldpd's neighbour table as JSON; ``{}`` on a box without a running lldpd."""
        rc, out, err = self._run(LLDP_NEIGHBORS)
        if rc != 0 and parse.lldpd_absent(rc, err):
            return {}
        if rc != 0:
            raise CommandErrorException(f"{self.hostname}: {LLDP_NEIGHBORS}: {err or out}")
        try:
            return json.loads(out or "{}")
        except json.JSONDecodeError as exc:
            raise CommandErrorException(
                f"{self.hostname}: {LLDP_NEIGHBORS!r} did not return JSON: {out[:200]}"
            ) from exc

    def get_lldp_neighbors(self) -> dict[str, list[models.LLDPNeighborDict]]:
        """LLDP neighbours per local port, from lldpd (``lldpcli -f json show neighbors``).

        A box without lldpd (not installed or not running) has no neighbours: ``{}``.
        """
        return parse.lldp_neighbors(self._lldp_json())

    def get_lldp_neighbors_detail(
        self, interface: str = ""
    ) -> dict[str, list[models.LLDPNeighborDetailDict]]:
        """LLDP neighbours with chassis id, descriptions and capabilities (``interface``:
        only that local port), from the same lldpd table as :meth:`get_lldp_neighbors`."""
        return parse.lldp_neighbors_detail(self._lldp_json(), interface)

    def get_bgp_neighbors(self) -> dict[str, models.BGPStateNeighborsPerVRFDict]:
        """BGP sessions per VRF (``global`` for the default VRF).

        Without BGP (no ``router bgp``, or no bgpd running) the answer is Napalm's empty
        shape, ``{"global": {"router_id": "", "peers": {}}}``: a router with nothing to
        report is not an error.
        """
        summary = self._vtysh_json("show bgp vrf all summary json", daemon="bgpd")
        if not summary:
            return parse.bgp_neighbors({}, {})
        neighbors = self._vtysh_json("show bgp vrf all neighbors json", daemon="bgpd")
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
            config["running"] = parse.running_config_text(self._vtysh("show running-config"))
        if retrieve in ("all", "startup"):
            _, config["startup"], _ = self._run(scripts.STARTUP_CONFIG)
        if retrieve in ("all", "candidate"):
            config["candidate"] = self._candidate or ""
        if sanitized:
            config = {key: parse.sanitize(text) for key, text in config.items()}
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
        command = scripts.ping_command(
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
        command = scripts.traceroute_command(destination, source, ttl, timeout, vrf)
        limit = min(ttl, 255) * 3 * (timeout + 1) + self.timeout
        _, out, err = self._run(command, timeout=limit)
        return parse.traceroute_result(out + err)

    # -- configuration ----------------------------------------------------------------------

    def _upload(self, name: str, text: str) -> None:
        rc, _, err = self._run(scripts.upload(self._box, name), stdin=text.encode())
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
            rc, out, err = self._run(scripts.helper(self._box, "diff"), stdin=config.encode())
            if rc == scripts.MISSING_DAEMON:
                raise error(scripts.missing_daemon_message(self.hostname, err))
            if rc not in scripts.HELPER_UNAVAILABLE:
                sections = scripts.split_sections(out)
                if rc in (scripts.PARSER_REFUSED, scripts.SAVE_FAILED):
                    reason = (
                        "FRR rejects the candidate"
                        if rc == scripts.PARSER_REFUSED
                        else "cannot upload it"
                    )
                    raise error(f"{self.hostname}: {reason}:\n{(err + out).strip()}")
                self._candidate, self._merge = config, merge
                # COMPARE_FAILED: compare_config runs frr-reload and reports its error.
                self._diff = parse.reload_diff(sections[-1]) if rc == 0 else None
                return
            self._use_helper = False  # this box cannot run it: frr-reload.py from now on
        # One round trip: upload, FRR's parser on the uploaded file, and for a replace the
        # change set (kept for the next compare_config: the usual load/compare pair is one
        # round trip).
        rc, out, err = self._run(scripts.load_check(self._box, merge), stdin=config.encode())
        sections = scripts.split_sections(out)
        if rc != 0 and len(sections) < 2:
            raise error(f"{self.hostname}: FRR rejects the candidate:\n{(err + out).strip()}")
        self._candidate = config
        self._merge = merge
        # COMPARE_FAILED: frr-reload failed; compare_config runs it again and reports the error.
        self._diff = parse.reload_diff(sections[1]) if rc == 0 and len(sections) == 2 else None

    def load_replace_candidate(
        self, filename: str | None = None, config: str | None = None
    ) -> None:
        """Upload a full configuration; FRR's parser checks it now, commit replaces with it."""
        self._load(filename, config, merge=False)

    def load_merge_candidate(self, filename: str | None = None, config: str | None = None) -> None:
        """Upload configuration lines to add to the running configuration at commit."""
        self._load(filename, config, merge=True)

    def _reload(self, mode: str, name: str) -> tuple[int, str, str]:
        """``frr-reload.py --<mode>`` on the state dir's file ``name``."""
        return self._run(scripts.frr_reload(self._box, mode, name), timeout=COMMIT_LIMIT)

    def _merged_file(self) -> str:
        """Write running + candidate as ``merged.conf`` (what a merge would produce)."""
        running = parse.running_config_text(self._vtysh("show running-config"))
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
        rc, out, err = self._reload("test", target)
        if rc != 0:
            raise CommandErrorException(f"{self.hostname}: frr-reload --test failed:\n{err}")
        return parse.reload_added(out) if self._merge else parse.reload_diff(out)

    def has_pending_commit(self) -> bool:
        """Whether a commit made with ``revert_in`` waits for ``confirm_commit``."""
        rc, out, _ = self._run(scripts.pending_pid(self._box))
        return rc == 0 and out.strip().isdigit()

    def _cancel_revert(self) -> bool:
        """Stop the revert timer if it runs (one round trip); whether one ran."""
        rc, out, _ = self._run(scripts.cancel_revert(self._box))
        return rc == 0 and out.strip().isdigit()

    def _restore(self, firewall: str = "") -> str:
        """Put ``rollback.conf`` back (and the firewall saved in the staged directory
        ``firewall``); say how that went (for the error being raised)."""
        if firewall:
            self._run(scripts.firewall_restore(self._box, shlex.quote(firewall)))
        rc, out, err = self._reload("reload", "rollback.conf")
        if rc != 0:
            # frr-reload exits non-zero when a "no ..." line finds nothing left to remove
            # (e.g. an nd prefix that went away with its address): judge by the result.
            test_rc, test_out, _ = self._reload("test", "rollback.conf")
            if test_rc == 0 and not parse.reload_diff(test_out):
                return "restored the previous configuration"
        return "restored the previous configuration" if rc == 0 else f"restore failed: {out + err}"

    def commit_config(self, message: str = "", revert_in: int | None = None) -> None:
        """Apply the candidate; with ``revert_in`` the box reverts by itself unless confirmed.

        A replace commit is one round trip: refuse if a commit is pending, save the running
        config as ``rollback.conf``, ``frr-reload.py --reload``, start the revert timer (right
        after the reload, before anything else can fail), then ``frr-reload.py --test`` as
        the verification. A refused reload, a timer that does not start, or a residual
        difference puts the previous configuration back and raises.

        A staged host firewall (:meth:`_load_firewall`) is part of the same commit: its live
        table is saved first and the staged ruleset applied once the timer runs; the timer
        and every restore load the saved table back.

        Raises:
            CommitError: no candidate, a commit is pending, FRR refused the candidate or
                nftables the ruleset (the box is then back on its previous configuration
                and firewall).
        """
        if self._candidate is None:
            raise CommitError(f"{self.hostname}: no candidate loaded")
        if self._merge:
            if self._firewall is not None:
                raise CommitError(f"{self.hostname}: a host firewall goes with a replace commit")
            self._commit_merge(message, revert_in)
        else:
            firewall, self._firewall = self._firewall or "", None  # the box owns it now
            self._commit_replace(message, revert_in, firewall)
        self._candidate = None
        self._diff = None

    def _history_line(self, message: str) -> str:
        return scripts.history_line(self._box, time.strftime("%Y-%m-%dT%H:%M:%S%z"), message)

    def _revert_timer(self, revert_in: int | None, firewall: str = "") -> str:
        if revert_in is None:
            return ""
        return scripts.revert_timer(self._box, int(revert_in), firewall)

    def _commit_replace(self, message: str, revert_in: int | None, firewall: str = "") -> None:
        timer, history = self._revert_timer(revert_in, firewall), self._history_line(message)
        rc, output, err = scripts.HELPER_UNAVAILABLE[0], "", ""
        if self._use_helper:
            script = scripts.commit_with_helper(self._box, timer, history, firewall)
            rc, output, err = self._run(script, timeout=COMMIT_LIMIT)
        if rc in scripts.HELPER_UNAVAILABLE:
            self._use_helper = False
            script = scripts.commit_with_frr_reload(
                self._box, timer, history, self._commit_verify, firewall
            )
            rc, output, err = self._run(script, timeout=COMMIT_LIMIT)
        if rc == scripts.PENDING:
            if firewall:
                self._run(scripts.firewall_discard(firewall))
            raise CommitError(f"{self.hostname}: a commit waits for confirmation or rollback")
        if rc == scripts.MISSING_DAEMON:  # refused before anything changed
            raise CommitError(scripts.missing_daemon_message(self.hostname, err))
        if rc == scripts.SAVE_FAILED:
            raise CommitError(f"{self.hostname}: cannot save the running config: {err}")
        if rc == scripts.RELOAD_REFUSED:
            self._cancel_revert()
            outcome = self._restore(firewall)
            raise CommitError(
                f"{self.hostname}: FRR refused the commit ({outcome}):\n{(err + output).strip()}"
            )
        if rc == scripts.FIREWALL_FAILED:
            self._cancel_revert()
            outcome = self._restore(firewall)
            raise CommitError(
                f"{self.hostname}: nftables refused the host firewall ({outcome}):\n"
                f"{err.strip()[:400]}"
            )
        if rc == scripts.TIMER_FAILED:
            self._cancel_revert()
            outcome = self._restore(firewall)
            raise CommitError(
                f"{self.hostname}: could not start the automatic revert timer ({outcome})"
            )
        sections = scripts.split_sections(output)
        residual = parse.reload_diff(sections[-1]) if rc == 0 and len(sections) == 2 else ""
        if not self._commit_verify and rc == 0:
            residual = ""
        if rc != 0 or residual or len(sections) != 2:
            self._cancel_revert()
            outcome = self._restore(firewall)
            raise CommitError(
                f"{self.hostname}: running config differs from the candidate after commit "
                f"({outcome}):\n{residual or (err + output).strip()}"
            )

    def _commit_merge(self, message: str, revert_in: int | None) -> None:
        if self.has_pending_commit():
            raise CommitError(f"{self.hostname}: a commit waits for confirmation or rollback")
        self._upload(
            "rollback.conf", parse.running_config_text(self._vtysh("show running-config"))
        )
        rc, out, err = self._run(scripts.merge_apply(self._box), timeout=COMMIT_LIMIT)
        output, target = out + err, self._merged_file()
        if rc != 0:
            outcome = self._restore()
            raise CommitError(f"{self.hostname}: FRR refused the commit ({outcome}):\n{output}")
        if self._commit_verify:
            rc, out, err = self._reload("test", target)
            residual = parse.reload_added(out)
            if rc != 0 or residual:
                outcome = self._restore()
                raise CommitError(
                    f"{self.hostname}: running config differs from the candidate after commit "
                    f"({outcome}):\n{residual or err}"
                )
        self._run(self._history_line(message))
        if revert_in is not None:
            rc, _, _ = self._run(self._revert_timer(revert_in))
            if rc != 0:
                raise CommitError(f"{self.hostname}: could not start the automatic revert timer")

    def confirm_commit(self) -> None:
        """Keep the configuration committed with ``revert_in``."""
        if not self._cancel_revert():
            raise CommitConfirmException(f"{self.hostname}: no commit waits for confirmation")

    def discard_config(self) -> None:
        """Forget the loaded candidate (and a staged host firewall).

        No round trip, unless a firewall was staged (its directory is removed): the uploaded
        file stays in the 0700 state directory (like ``rollback.conf``) and is overwritten by
        the next load; nothing applies it without one.
        """
        self._discard_firewall()
        self._candidate = None
        self._merge = False
        self._diff = None

    def rollback(self) -> None:
        """Go back to the configuration (and host firewall) saved before the last commit
        (cancels a pending one)."""
        self._cancel_revert()
        rc, _, _ = self._run(scripts.has_file(self._box, "rollback.conf"))
        if rc != 0:
            raise CommitError(f"{self.hostname}: nothing to roll back to (no commit made yet)")
        rc, out, err = self._run(scripts.firewall_rollback(self._box))
        if rc != 0:
            raise CommitError(f"{self.hostname}: firewall rollback failed:\n{out + err}")
        rc, out, err = self._reload("reload", "rollback.conf")
        if rc != 0:
            raise CommitError(f"{self.hostname}: rollback failed:\n{out + err}")
