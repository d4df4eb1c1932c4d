"""The live reader over a recorded network: Nornir, Napalm drivers and the VMs' SSH are
replaced by fakes answering with the FRR samples and recorded ``lldpcli`` output, so the
whole ``netauto import --target`` path runs (the real lab run is in test_lab.py)."""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Iterator
from pathlib import Path
from typing import Any

import pytest

from netauto.adopt import live
from netauto.drivers.frr import FRRDriver
from netauto.sot.loader import load_sot
from tests.adopt.conftest import CONFIGS, snapshot
from tests.conftest import TINY, CliResult
from tests.parse.frr_recorded import FIXTURES

ROUTERS = ["cm-anxuyen-r1", "cm-lyvanlam-r1", "cm-tanthanh-r1", "dc-core-r1", "hub-01-r1"]
VMS = {"dc-lgsp-01": "172.21.1.11", "dc-portal-01": "172.21.1.12"}
LLDP = FIXTURES / "get_lldp_neighbors"


class RecordedBox(FRRDriver):
    """The FRR driver, its box answering from the samples and the recorded LLDP table."""

    def __init__(self, host: str, lldp: str | None) -> None:
        super().__init__(host, "root", "")
        self.host, self.lldp = host, lldp

    def _run(
        self, command: str, stdin: bytes | None = None, timeout: float | None = None
    ) -> tuple[int, str, str]:
        if command == "vtysh -c 'show running-config'":
            return 0, (CONFIGS / "frr" / f"{self.host}.conf").read_text(), ""
        if command == "vtysh -c 'show interface json'":
            ports = {"eth4": {"administrativeStatus": "down"}, "eth0": {}} if self.host == (
                "hub-01-r1") else {}  # fmt: skip
            return 0, json.dumps(ports), ""
        if command == "lldpcli -f json show neighbors":
            if self.lldp is None:
                return 127, "", "sh: 1: lldpcli: not found"
            return 0, self.lldp, ""
        raise AssertionError(f"unexpected command {command!r}")


class Host:
    def __init__(self, name: str, platform: str, connection: Any) -> None:
        self.name, self.platform, self.connection = name, platform, connection
        self.connections: dict[str, Any] = {}

    def get_connection(self, plugin: str, config: Any) -> Any:
        if isinstance(self.connection, Exception):
            raise self.connection
        self.connections[plugin] = self.connection
        return self.connection

    def close_connection(self, plugin: str) -> None:
        self.connections.pop(plugin, None)


class Nornir:
    """Just what the live reader uses of Nornir: filter, run, close_connections."""

    def __init__(self, hosts: dict[str, Host]) -> None:
        self.hosts = hosts
        self.config = None
        self.inventory = type("Inventory", (), {"hosts": hosts})()

    def filter(self, filter_func: Callable[[Host], bool]) -> Nornir:
        return Nornir({n: h for n, h in self.hosts.items() if filter_func(h)})

    def run(self, task: Callable[[Any], Any], on_failed: bool) -> dict[str, list[Any]]:
        return {name: [task(type("Task", (), {"host": h, "nornir": self})())]
                for name, h in self.hosts.items()}  # fmt: skip

    def close_connections(self, on_good: bool, on_failed: bool) -> None:
        for host in self.hosts.values():
            host.connections.clear()


class Target:
    name = "lab"
    needs_root = False

    def __init__(self, hosts: dict[str, Host]) -> None:
        self.nornir = Nornir(hosts)

    def open_nornir(self, sot: Any, workers: int) -> tuple[Nornir, list[str]]:
        return self.nornir, [n for n in self.nornir.hosts if n in ROUTERS]

    def hosts(self) -> dict[str, str]:
        return {n: "router" if n in ROUTERS else "vm" for n in self.nornir.hosts}


def network(lldp: dict[str, str | None], down: Collection[str] = ()) -> Target:
    hosts: dict[str, Host] = {}
    for name in ROUTERS:
        box: Any = ConnectionError("no route to host") if name in down else RecordedBox(
            name, lldp.get(name))  # fmt: skip
        hosts[name] = Host(name, "frr", box)
    for name, address in VMS.items():
        hosts[name] = Host(name, "linux", address)
    return Target(hosts)


@pytest.fixture(autouse=True)
def vm_shell(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A VM's ``ip -j addr show``: its connection object is its address."""

    def answer(conn: Any, command: str, timeout: float = 60) -> str:
        assert command == live.VM_ADDRESSES
        return json.dumps([{"ifname": "eth0", "addr_info": [
            {"family": "inet", "local": conn, "prefixlen": 24, "scope": "global"}]}])  # fmt: skip

    monkeypatch.setattr(live, "_exec", answer)
    yield


RECORDED = {h: (LLDP / f"{h}.json").read_text() for h in ("hub-01-r1", "cm-anxuyen-r1")}


def test_the_live_reader_reads_routers_and_vms() -> None:
    found = live.read_live(network(RECORDED), load_sot(TINY).sot)
    assert [d.hostname for d in found.devices] == ROUTERS
    assert {v.name: str(v.addresses[0][1]) for v in found.vms or []} == {
        "dc-lgsp-01": "172.21.1.11/24", "dc-portal-01": "172.21.1.12/24",
    }  # fmt: skip
    hub = next(d for d in found.devices if d.hostname == "hub-01-r1")
    assert hub.source == "live" and len(hub.neighbors) == 4
    assert next(i for i in hub.interfaces if i.name == "eth4").enabled is False
    assert found.unreachable == {} and sorted(found.scope or []) == sorted([*ROUTERS, *VMS])


def test_a_host_that_fails_is_reported_and_reading_goes_on() -> None:
    found = live.read_live(network({}, down={"cm-lyvanlam-r1"}), load_sot(TINY).sot)
    assert found.unreachable == {"cm-lyvanlam-r1": "ConnectionError: no route to host"}
    assert len(found.devices) == 4


def test_merge_state_adds_ports_the_config_does_not_mention() -> None:
    device = live.parse_config("frr", "hostname r1\ninterface eth0\n ip address 10.0.0.1/31\n", "x")
    merged = live.merge_state(device, "frr", {"eth0": {"is_enabled": True}, "eth7": {}}, {})
    assert [(i.name, i.canonical_name, i.ipv4 == []) for i in merged.interfaces] == [
        ("eth0", "eth0", False), ("eth7", "eth7", True),
    ]  # fmt: skip
    ios = live.parse_config(
        "cisco_ios", "hostname r1\n!\ninterface Gi0/0/1\n shutdown\n!\nend\n", "x"
    )
    merged = live.merge_state(ios, "cisco_ios", {"GigabitEthernet0/0/1": {"is_enabled": False},
                                                 "GigabitEthernet0/0/2": {}}, {})  # fmt: skip
    assert [i.canonical_name for i in merged.interfaces] == [
        "GigabitEthernet0/0/1", "GigabitEthernet0/0/2",
    ]  # fmt: skip


@pytest.fixture
def live_target(monkeypatch: pytest.MonkeyPatch) -> Callable[[Target], None]:
    def use(target: Target) -> None:
        monkeypatch.setattr("netauto.cli.adopt.open_target", lambda *args: target)

    return use


def test_import_target_writes_routers_and_vms(
    sot_dir: Path, cli: Callable[..., CliResult], live_target: Callable[[Target], None]
) -> None:
    live_target(network(RECORDED))
    result = cli("-i", sot_dir, "import", "--target", "lab", "--write")
    assert result.code == 0, result.err
    imported = load_sot(sot_dir).sot.imported
    assert {k: str(v) for k, v in imported.vms.items()} == {
        "dc-lgsp-01": "172.21.1.11/24", "dc-portal-01": "172.21.1.12/24",
    }  # fmt: skip
    assert imported.source == "the live network (--target lab)"
    assert "5 devices, 2 VMs, 20 addresses fixed" in result.err


def test_an_lldp_neighbour_contradicting_the_sot_stops_the_import(
    sot_dir: Path, cli: Callable[..., CliResult], live_target: Callable[[Target], None]
) -> None:
    swapped = RECORDED["hub-01-r1"].replace('"eth1": {', '"ethX": {').replace(
        '"eth2": {', '"eth1": {').replace('"ethX": {', '"eth2": {')  # fmt: skip
    live_target(network({"hub-01-r1": swapped}))
    before = snapshot(sot_dir)
    result = cli("-i", sot_dir, "import", "--target", "lab", "--write")
    assert result.code == 1
    conflicts = [line for line in result.err.splitlines() if line.startswith("conflict: ")]
    assert conflicts[0].startswith(
        "conflict: hub-01-r1 eth1: LLDP sees another neighbour on link l-1001 (live LLDP "
        "neighbour cm-lyvanlam-r1 eth0, SoT link l-1001 to cm-anxuyen-r1 eth0)"
    )
    assert conflicts[1].startswith("conflict: hub-01-r1 eth2: LLDP sees another neighbour")
    assert snapshot(sot_dir) == before


def test_a_router_that_does_not_answer_stops_the_import(
    sot_dir: Path, cli: Callable[..., CliResult], live_target: Callable[[Target], None]
) -> None:
    live_target(network({}, down={"dc-core-r1"}))
    result = cli("-i", sot_dir, "import", "--target", "lab", "--write")
    assert result.code == 1
    assert ("conflict: dc-core-r1 -: a router of the SoT that is not in the network (live not "
            "read: ConnectionError: no route to host") in result.err  # fmt: skip
    assert not (sot_dir / "imported.yml").exists()


def test_no_vms_reads_the_routers_only_and_keeps_the_vms_imported(
    sot_dir: Path, cli: Callable[..., CliResult], live_target: Callable[[Target], None]
) -> None:
    (sot_dir / "imported.yml").write_text("imported:\n  vms:\n    dc-lgsp-01: 172.21.1.11/24\n")
    target = network(RECORDED)
    target.nornir.hosts["dc-portal-01"].connection = ConnectionError("no SSH to VMs from here")
    live_target(target)
    result = cli("-i", sot_dir, "import", "--target", "lab", "--no-vms", "--write")
    assert result.code == 0, result.err
    assert "note: VMs were not read (--no-vms)" in result.err
    assert {k: str(v) for k, v in load_sot(sot_dir).sot.imported.vms.items()} == {
        "dc-lgsp-01": "172.21.1.11/24"
    }
