"""What a running lab is made of, on disk: the state file and :class:`LabInfo`.

``state.json`` is written *before* anything is created and records the whole topology, so
``netauto lab down`` can remove a lab after a crashed ``up``. ``lab.json`` is written once
the lab is ready; push and verify read it with :func:`info` to reach the lab
(``--target lab``): the SSH client config, the key, the Nornir config file, every host.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Literal

from pydantic import Field, ValidationError

from netauto.errors import InputError, Problem
from netauto.fileio import atomic_write
from netauto.lab import naming
from netauto.lab.topology import LabHost, LabModel, LabTopology

STATE_FILE = "state.json"
INFO_FILE = "lab.json"
AS_BUILT_FILE = "as-built.json"
"""The as-built network of a legacy lab (:class:`netauto.lab.legacy.AsBuilt` as JSON)."""
PREFIX_ENV = "NETAUTO_LAB_PREFIX"


class LabState(LabModel):
    """Recorded by ``up`` before it creates anything; ``phase`` becomes ``ready`` at the end."""

    prefix: str
    runtime_dir: Path
    phase: Literal["building", "ready"]
    fingerprint: str
    started: dt.datetime
    topology: LabTopology


class LabInfo(LabModel):
    """How to reach a running lab (read by push and verify for ``--target lab``)."""

    prefix: str
    runtime_dir: Path
    ssh_config: Path
    private_key: Path
    known_hosts: Path
    nornir_config: Path
    hosts: list[LabHost]
    legacy: bool = Field(False, description="the routers booted as-built (`lab up --legacy`)")
    as_built: Path | None = Field(
        None, description="legacy lab: the as-built network as JSON (netauto.lab.legacy.AsBuilt)"
    )

    def host(self, name: str) -> LabHost:
        for host in self.hosts:
            if name in (host.name, host.namespace):
                return host
        raise KeyError(name)

    @property
    def routers(self) -> list[LabHost]:
        return [h for h in self.hosts if h.kind == "router"]

    @property
    def vms(self) -> list[LabHost]:
        return [h for h in self.hosts if h.kind == "vm"]

    @property
    def clients(self) -> list[LabHost]:
        return [h for h in self.hosts if h.kind == "client"]

    def anchor_pid(self, name: str) -> int:
        """The pid whose namespaces (net, mount, uts) are the host's."""
        return read_pid(self.runtime_dir / "hosts" / self.host(name).name / "anchor.pid") or 0

    def exec_argv(self, name: str, argv: list[str]) -> list[str]:
        """The command line that runs ``argv`` inside host ``name`` (as its sshd would).

        Examples:
            >>> from netauto.lab.topology import LabHost
            >>> h = LabHost(name="r1", kind="router", namespace="na-r1", platform="frr",
            ...             site="s", ssh=True, daemons=["zebra"])
            >>> t = LabTopology(prefix="na-", province="p", hosts=[h], veths=[], bridges=[])
            >>> info = make_info("na-", Path("/nonexistent"), t)
            >>> info.exec_argv("r1", ["vtysh"])
            ['ip', 'netns', 'exec', 'na-r1', 'vtysh']
        """
        pid = self.anchor_pid(name)
        if pid and Path(f"/proc/{pid}").exists():
            return ["nsenter", "-t", str(pid), "-m", "-u", "-n", "--", *argv]
        return ["ip", "netns", "exec", self.host(name).namespace, *argv]


def make_info(prefix: str, runtime: Path, topo: LabTopology) -> LabInfo:
    """The :class:`LabInfo` of a lab built in ``runtime``."""
    return LabInfo(
        prefix=prefix,
        runtime_dir=runtime,
        ssh_config=runtime / "ssh_config",
        private_key=runtime / "id_ed25519",
        known_hosts=runtime / "known_hosts",
        nornir_config=runtime / "nornir" / "config.yaml",
        hosts=topo.hosts,
        legacy=topo.legacy,
        as_built=runtime / AS_BUILT_FILE if topo.legacy else None,
    )


def default_prefix() -> str:
    """The lab prefix: ``$NETAUTO_LAB_PREFIX`` or ``na-``."""
    return os.environ.get(PREFIX_ENV) or naming.DEFAULT_PREFIX


def resolve_runtime(where: str | Path | None) -> Path:
    """A runtime directory from a prefix (``"na-"``), a directory, or nothing (default prefix).

    Examples:
        >>> resolve_runtime("nt-").as_posix()
        '/run/netauto/nt'
        >>> resolve_runtime(Path("/tmp/lab")).as_posix()
        '/tmp/lab'
    """
    if isinstance(where, Path):
        return where
    return naming.runtime_dir(where or default_prefix())


def read_state(runtime: Path) -> LabState | None:
    """The state file of the lab in ``runtime``, or None (no lab, or an unreadable file)."""
    try:
        return LabState.model_validate_json((runtime / STATE_FILE).read_text())
    except (OSError, ValidationError, ValueError):
        return None


def write_state(state: LabState) -> None:
    atomic_write(state.runtime_dir / STATE_FILE, state.model_dump_json(indent=1), mode=0o600)


def write_info(info_: LabInfo) -> None:
    atomic_write(info_.runtime_dir / INFO_FILE, info_.model_dump_json(indent=1), mode=0o644)


def info(where: str | Path | None = None) -> LabInfo:
    """The running lab: by prefix (``"na-"``), runtime directory, or the default prefix.

    Raises:
        InputError: no ready lab there (with a hint to run ``netauto lab up``).
    """
    runtime = resolve_runtime(where)
    path = runtime / INFO_FILE
    try:
        return LabInfo.model_validate_json(path.read_text())
    except FileNotFoundError:
        raise InputError(
            Problem(path, None, "", "no lab is running here", hint="run `netauto lab up` first")
        ) from None
    except (OSError, ValidationError, ValueError) as exc:
        raise InputError(
            Problem(
                path,
                None,
                "",
                f"unreadable lab information: {exc}",
                hint="rebuild the lab: `netauto lab down && netauto lab up`",
            )
        ) from None


def read_pid(path: Path) -> int | None:
    """The pid in a pid file, or None if missing or not a number.

    Examples:
        >>> read_pid(Path("/nonexistent.pid")) is None
        True
    """
    try:
        text = path.read_text().strip()
    except OSError:
        return None
    return int(text) if text.isdigit() else None
