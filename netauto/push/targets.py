"""Where push, diff and verify connect: the virtual lab or the production network.

``lab``: the running lab's own Nornir inventory (written by ``netauto lab up``: SSH through
``ip netns exec`` with the lab's key). ``prod``: a Nornir inventory derived from the SoT
(management addresses), with credentials from the environment or a 0600 file.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any, Literal

from netauto.errors import InputError, Problem
from netauto.push import credentials as creds
from netauto.sot.models import SoT

Target = Literal["lab", "prod"]


def open_nornir(
    target: Target,
    sot: SoT,
    *,
    lab_prefix: str | None = None,
    credentials_file: Path | None = None,
    workers: int = 20,
) -> tuple[Any, list[str]]:
    """A Nornir object for ``target`` and the routers it can reach."""
    from nornir import InitNornir

    if target == "lab":
        from netauto.lab import state

        info = state.info(lab_prefix)
        nr = InitNornir(
            config_file=str(info.nornir_config),
            runner={"plugin": "threaded", "options": {"num_workers": workers}},
        )
        return nr, [h.name for h in info.routers]

    from netauto.sot.export import nornir_inventory

    secret = creds.load(credentials_file)
    if secret.username is None:
        raise InputError(
            Problem(None, None, "", "no credentials for --target prod",
                    "set NETAUTO_USERNAME and NETAUTO_PASSWORD (or NETAUTO_SSH_KEY), "
                    "or pass --credentials FILE (mode 0600)")
        )  # fmt: skip
    # The inventory files hold no secret; credentials are set in memory only.
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
