"""The production target: the real network, reached at the SoT's management addresses.

The Nornir inventory is derived from the SoT (never hand-written) and holds no secret;
credentials come from the environment or a 0600 file (:mod:`netauto.connect.credentials`)
and are set in memory only.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from netauto.connect import credentials as creds
from netauto.connect.targets import LanClient, TargetOptions, VmAccess, register
from netauto.errors import InputError, Problem
from netauto.sot.models import SoT


class ProdTarget:
    """``--target prod``."""

    name = "prod"
    needs_root = False

    def __init__(self, options: TargetOptions) -> None:
        self.options = options

    def open_nornir(self, sot: SoT, workers: int) -> tuple[Any, list[str]]:
        from nornir import InitNornir

        from netauto.sot.export import nornir_inventory

        secret = creds.load(self.options.credentials_file)
        if secret.username is None:
            raise InputError(
                Problem(None, None, "", "no credentials for --target prod",
                        "set NETAUTO_USERNAME and NETAUTO_PASSWORD (or NETAUTO_SSH_KEY), "
                        "or pass --credentials FILE (mode 0600)")
            )  # fmt: skip
        with tempfile.TemporaryDirectory(prefix="netauto-nornir-") as tmp:
            for name, text in nornir_inventory(sot).files().items():
                (Path(tmp) / name).write_text(text, encoding="utf-8")
            nr = InitNornir(
                inventory={
                    "plugin": "SimpleInventory",
                    "options": {
                        "host_file": f"{tmp}/hosts.yaml",
                        "group_file": f"{tmp}/groups.yaml",
                        "defaults_file": f"{tmp}/defaults.yaml",
                    },
                },
                runner={"plugin": "threaded", "options": {"num_workers": workers}},
                logging={"enabled": False},
            )
        nr.inventory.defaults.username = secret.username
        if secret.password is not None:
            nr.inventory.defaults.password = secret.password.get_secret_value()
        routers = [name for name, host in nr.inventory.hosts.items() if host.platform != "linux"]
        return nr, routers

    def hosts(self) -> dict[str, str] | None:
        return None

    def sites(self) -> set[str] | None:
        return None

    def clients(self) -> list[LanClient]:
        return []

    def vm_access(self) -> VmAccess:
        found = creds.load(self.options.credentials_file)
        return VmAccess(user=found.username or "root", private_key=found.key_file)


register("prod", ProdTarget)
