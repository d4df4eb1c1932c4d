"""``netauto import --target lab`` on the real legacy lab (marker ``lab``, prefix ``nm-``).

``lab up --legacy`` on a copy of the tiny SoT, then ``import --target lab --write`` and
``plan``: every as-built address (from the lab's ``as-built.json``) is the plan's address
on that interface, the VMs keep theirs, and the legacy static routes, filter, descriptions,
secondary address and shut spare port are in the imported section; a second import reports
no change. The lab is removed afterwards.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from netauto.lab import runner
from netauto.lab.legacy import AsBuilt
from netauto.lab.state import info
from netauto.plan import plan_for
from netauto.sot.loader import load_sot
from netauto.sot.models import Imported
from tests.conftest import ROOT, TINY
from tests.lab.test_lab import leftovers
from tests.lab.test_legacy import _usable

PREFIX = "nm-"
NETAUTO = [sys.executable, "-m", "netauto.cli"]

pytestmark = [
    pytest.mark.lab,
    pytest.mark.skipif(_usable() is not None, reason=str(_usable())),
]


def netauto(*args: str | Path, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*NETAUTO, *map(str, args)], capture_output=True, text=True, timeout=timeout,
        check=False, cwd=ROOT,
    )  # fmt: skip


@dataclass
class Adopted:
    inventory: Path
    built: AsBuilt
    imported: Imported
    first: subprocess.CompletedProcess[str]
    plan: subprocess.CompletedProcess[str]


def _lldp_ready(hub: str) -> bool:
    """Whether the hub's lldpd sees all its neighbours (so the import checks links by LLDP)."""
    proc = subprocess.run(
        info(PREFIX).exec_argv(hub, ["lldpcli", "-f", "json", "show", "neighbors"]),
        capture_output=True, text=True, timeout=30, check=False,
    )  # fmt: skip
    if proc.returncode != 0:
        return False
    interfaces = json.loads(proc.stdout or "{}").get("lldp", {}).get("interface", [])
    return isinstance(interfaces, list) and len(interfaces) >= 4


@pytest.fixture(scope="module")
def adopted(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Adopted]:
    assert not runner.lab_namespaces(PREFIX), f"a lab {PREFIX} is already on this machine"
    work = tmp_path_factory.mktemp("adopt-lab")
    inventory, state = work / "inventory", work / "state"
    shutil.copytree(TINY, inventory)
    try:
        up = netauto("-i", inventory, "--state-dir", state, "lab", "up", "--legacy",
                     "--prefix", PREFIX)  # fmt: skip
        assert up.returncode == 0, up.stderr
        lab_info = info(PREFIX)
        assert lab_info.as_built is not None
        built = AsBuilt.model_validate_json(lab_info.as_built.read_text())
        deadline = time.monotonic() + 60
        while not _lldp_ready("hub-01-r1") and time.monotonic() < deadline:
            time.sleep(1)
        first = netauto("-i", inventory, "--state-dir", state, "import", "--target", "lab",
                        "--lab-prefix", PREFIX, "--write")  # fmt: skip
        planned = netauto("-i", inventory, "--state-dir", state, "plan")
        yield Adopted(inventory, built, load_sot(inventory).sot.imported, first, planned)
    finally:
        runner.down(PREFIX)
        assert not leftovers(PREFIX), leftovers(PREFIX)


def test_import_writes_and_plan_accepts(adopted: Adopted) -> None:
    assert adopted.first.returncode == 0, adopted.first.stderr
    print(adopted.first.stderr)
    assert "conflict: " not in adopted.first.stderr
    assert "5 devices, 2 VMs" in adopted.first.stderr
    assert "wrote a fresh ledger" in adopted.first.stderr  # the copy was never planned
    assert adopted.plan.returncode == 0, adopted.plan.stderr
    assert adopted.imported.source == "the live network (--target lab)"


def test_every_as_built_address_is_the_plans_address_on_that_interface(adopted: Adopted) -> None:
    plan = plan_for(adopted.inventory).plan
    checked = 0
    for router in adopted.built.routers:
        device = plan.device(router.hostname)
        assert device.loopback4 == router.loopback
        planned = {i.name: i for i in device.interfaces}
        for item in router.interfaces:
            if item.primary is None:
                continue
            assert planned[item.name].ipv4 == item.primary, (router.hostname, item.name)
            checked += 1
    vms = {vm.name: vm for vm in plan.vms}
    for host in adopted.built.hosts:
        if host.kind == "vm":
            assert vms[host.name].ipv4 == host.address
            assert str(vms[host.name].gateway4) == str(host.gateway)
            checked += 1
    assert checked >= 5 + 2 * 4 + 2


def test_the_legacy_configuration_is_in_the_imported_section(adopted: Adopted) -> None:
    imported, built = adopted.imported, adopted.built
    for router in built.routers:
        entry = imported.devices[router.hostname]
        assert entry.ospf is not None and entry.ospf.router_id == router.ospf.router_id
        kept = {i.name: i for i in entry.interfaces}
        for item in router.interfaces:
            if item.description:
                assert kept[item.name].description == item.description
            assert [str(a) for a in (kept[item.name].secondary if item.name in kept else [])] == [
                str(a) for a in item.secondaries
            ]
            if not item.enabled:
                assert kept[item.name].shutdown, (router.hostname, item.name)
        routes = {(str(r.prefix), str(r.next_hop) if r.next_hop else None, r.blackhole)
                  for r in entry.static_routes}  # fmt: skip
        for route in router.static_routes:
            hop = str(route.next_hop) if route.next_hop else None
            assert (str(route.prefix), hop, route.next_hop is None) in routes
        filters = {f.name: f for f in entry.filters}
        for acl in router.access_lists:
            assert [(e.seq, e.action, e.prefix) for e in filters[acl.name].entries] == [
                (e.seq, e.action, e.prefix) for e in acl.entries
            ]
        if router.ospf.redistribute_static:
            assert entry.ospf.redistribute == ["static"]
        if router.ospf.distribute_list:
            (listed,) = entry.ospf.distribute_lists
            assert (listed.name, listed.direction, listed.protocol) == (
                router.ospf.distribute_list, "out", "static",
            )  # fmt: skip
    kinds = {q.kind for q in built.quirks}
    assert {"static-route", "filter", "description", "secondary", "shutdown"} <= kinds


def test_a_second_import_reports_no_change(adopted: Adopted) -> None:
    again = netauto("-i", adopted.inventory, "import", "--target", "lab", "--lab-prefix", PREFIX)
    assert again.returncode == 0, again.stderr
    assert again.stdout == "" and f"{adopted.inventory / 'imported.yml'}: no change" in again.stderr


def test_a_sot_link_the_cabling_contradicts_is_named_by_lldp(
    adopted: Adopted, tmp_path: Path
) -> None:
    inventory = tmp_path / "inventory"
    shutil.copytree(TINY, inventory)
    hub = inventory / "hub-01.yml"
    text = hub.read_text()
    text = text.replace('b: "cm-anxuyen-r1:eth0"', 'b: "X"').replace(
        'b: "cm-lyvanlam-r1:eth0"', 'b: "cm-anxuyen-r1:eth0"').replace('b: "X"',
        'b: "cm-lyvanlam-r1:eth0"')  # fmt: skip
    hub.write_text(text)
    result = netauto("-i", inventory, "import", "--target", "lab", "--lab-prefix", PREFIX,
                     "--write")  # fmt: skip
    assert result.returncode == 1, result.stderr
    assert (
        "conflict: hub-01-r1 eth1: LLDP sees another neighbour on link l-1001 (live LLDP "
        "neighbour cm-anxuyen-r1 eth0, SoT link l-1001 to cm-lyvanlam-r1 eth0)"
    ) in result.stderr
    assert not (inventory / "imported.yml").exists()
