"""``--target lab``: the running virtual lab, as a :class:`netauto.connect.Target`.

The command line registers it (:func:`register`); nothing below the command line imports
the lab, so production code never depends on the test harness.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from netauto.connect.targets import LanClient, TargetOptions, VmAccess
from netauto.connect.targets import register as register_target
from netauto.lab import state
from netauto.lab.state import LabInfo
from netauto.sot.models import SoT


class LabTarget:
    """A running lab (``--lab-prefix``, default ``$NETAUTO_LAB_PREFIX`` or ``na-``)."""

    name = "lab"
    needs_root = True

    def __init__(self, options: TargetOptions | None = None, info: LabInfo | None = None) -> None:
        self._options = options or TargetOptions()
        self._info = info

    @property
    def info(self) -> LabInfo:
        """The lab's connection settings (read once).

        Raises:
            InputError: no ready lab with that prefix.
        """
        if self._info is None:
            self._info = state.info(self._options.lab_prefix)
        return self._info

    def open_nornir(self, sot: SoT, workers: int) -> tuple[Any, list[str]]:
        from nornir import InitNornir

        nr = InitNornir(
            config_file=str(self.info.nornir_config),
            runner={"plugin": "threaded", "options": {"num_workers": workers}},
        )
        return nr, [h.name for h in self.info.routers]

    def hosts(self) -> dict[str, str] | None:
        found = {h.name: "router" for h in self.info.routers}
        found.update({h.name: "vm" for h in self.info.vms})
        return found

    def sites(self) -> set[str] | None:
        return {h.site for h in self.info.routers}

    def clients(self) -> list[LanClient]:
        out = []
        for host in self.info.clients:
            pid = self.info.anchor_pid(host.name)
            alive = bool(pid) and Path(f"/proc/{pid}").exists()
            out.append(
                LanClient(
                    name=host.name,
                    router=host.router or "",
                    lan=host.lan or "",
                    addresses=tuple(host.addresses),
                    netns=f"/proc/{pid}/ns/net" if alive else f"/run/netns/{host.namespace}",
                    exec_prefix=tuple(self.info.exec_argv(host.name, [])),
                )
            )
        return out

    def vm_access(self) -> VmAccess:
        return VmAccess(
            ssh_config=self.info.ssh_config,
            private_key=self.info.private_key,
            files_root=self.info.runtime_dir / "hosts",
            ipv6_nodad=True,
        )


def register() -> None:
    """Make ``--target lab`` reach the running lab."""
    register_target("lab", LabTarget)
