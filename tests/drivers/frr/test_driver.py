"""Napalm contract: every getter of the real ``FRRDriver`` class, fed with output recorded
from FRR 8.4.4, returns exactly Napalm's documented structures (``napalm.base.models``),
checked with Napalm's own ``test_model`` helper, as Napalm's shared getter tests do.

Only the transport is replaced: ``_run`` answers each command from the recordings in
``tests/parse/fixtures/frr/``.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import napalm
import pytest
from napalm.base import models
from napalm.base.exceptions import CommandErrorException
from napalm.base.test import getters, helpers

from netauto.drivers.frr import FRRDriver
from tests.parse.frr_recorded import FIXTURES

RECORDINGS: list[tuple[str, str]] = [
    ("vtysh -c 'show version'", "get_facts/show_version.txt"),
    ("vtysh -c 'show running-config'", "get_config/show_running_config.txt"),
    ("cat /proc/uptime", "get_facts/proc_uptime.txt"),
    ("cat /etc/frr/frr.conf", "get_config/frr_conf.txt"),
    ("vtysh -c 'show interface json'", "get_interfaces/show_interface.json"),
    ("ip -j addr show", "get_interfaces_ip/ip_addr.json"),
    (
        "vtysh -c 'show bgp vrf all summary json'",
        "get_bgp_neighbors/show_bgp_vrf_all_summary.json",
    ),
    (
        "vtysh -c 'show bgp vrf all neighbors json'",
        "get_bgp_neighbors/show_bgp_vrf_all_neighbors.json",
    ),
    ("vtysh -c 'show ip route 10.255.0.2/32 json'", "get_route_to/show_ip_route_bgp.json"),
    (
        "vtysh -c 'show ip route 10.0.0.0/8 longer-prefixes json'",
        "get_route_to/show_ip_route_longer.json",
    ),
    ("vtysh -c 'show ipv6 route fd00:ff::2/128 json'", "get_route_to/show_ipv6_route_bgp.json"),
    (
        "vtysh -c 'show bgp ipv4 unicast summary json'",
        "get_route_to/show_bgp_ipv4_unicast_summary.json",
    ),
    (
        "vtysh -c 'show bgp ipv4 unicast 10.255.0.2/32 json'",
        "get_route_to/show_bgp_ipv4_prefix.json",
    ),
    (
        "vtysh -c 'show bgp ipv6 unicast summary json'",
        "get_route_to/show_bgp_ipv6_unicast_summary.json",
    ),
    (
        "vtysh -c 'show bgp ipv6 unicast fd00:ff::2/128 json'",
        "get_route_to/show_bgp_ipv6_prefix.json",
    ),
    ("ping -4 -c 5 -W 2 -t 255 -s 100 10.0.12.2", "ping/ping_v4.txt"),
    ("ping -6 -c 5 -W 2 -t 255 -s 100 fd00:12::2", "ping/ping_v6.txt"),
    ("traceroute -4 -n -q 3 -w 2 -m 255 10.255.0.2", "traceroute/traceroute_v4.txt"),
    ("traceroute -6 -n -q 3 -w 2 -m 255 fd00:ff::2", "traceroute/traceroute_v6.txt"),
    ("lldpcli -f json show neighbors", "get_lldp_neighbors/hub-01-r1.json"),
]
RECORDED = dict(RECORDINGS)


class RecordedFRR(FRRDriver):
    """FRRDriver whose box is a directory of recorded output."""

    def _run(
        self, command: str, stdin: bytes | None = None, timeout: float | None = None
    ) -> tuple[int, str, str]:
        if command == "cat /etc/machine-id 2>/dev/null":
            return 0, "3d1219c7c4c5404aaa1f6d2a48adfda4\n", ""
        if command.startswith("vtysh -c 'show ipv6 route") and "fd00:ff::2" not in command:
            return 0, "{}", ""
        if command not in RECORDED:
            raise AssertionError(f"no recording for {command!r}")
        return 0, (FIXTURES / RECORDED[command]).read_text(), ""


@pytest.fixture
def device() -> RecordedFRR:
    return RecordedFRR("r1", "root", "")


def test_napalm_finds_the_driver_by_name() -> None:
    assert napalm.get_network_driver("frr") is FRRDriver


def test_get_facts(device: RecordedFRR) -> None:
    facts = device.get_facts()
    assert helpers.test_model(models.FactsDict, facts)
    assert facts["os_version"] == "8.4.4" and facts["vendor"] == "FRRouting"


def test_get_interfaces(device: RecordedFRR) -> None:
    interfaces = device.get_interfaces()
    assert len(interfaces) > 0
    for data in interfaces.values():
        assert helpers.test_model(models.InterfaceDict, data)


def test_get_interfaces_ip(device: RecordedFRR) -> None:
    addresses = device.get_interfaces_ip()
    assert len(addresses) > 0
    for details in addresses.values():
        assert set(details) <= {"ipv4", "ipv6"}
        for family in details.values():
            for entry in family.values():
                assert helpers.test_model(models.InterfacesIPDictEntry, entry)


def test_get_bgp_neighbors(device: RecordedFRR) -> None:
    bgp = device.get_bgp_neighbors()
    assert "global" in bgp
    for vrf in bgp.values():
        assert isinstance(vrf["router_id"], str)
        assert vrf["peers"]
        for peer in vrf["peers"].values():
            assert helpers.test_model(models.PeerDict, peer)
            for af in peer["address_family"].values():
                assert helpers.test_model(models.AFDict, af)


@pytest.mark.parametrize(
    ("destination", "protocol", "longer"),
    [("10.255.0.2/32", "bgp", False), ("10.0.0.0/8", "", True), ("fd00:ff::2/128", "", False)],
)
def test_get_route_to(device: RecordedFRR, destination: str, protocol: str, longer: bool) -> None:
    routes = device.get_route_to(destination=destination, protocol=protocol, longer=longer)
    assert len(routes) > 0
    for entries in routes.values():
        for route in entries:
            assert helpers.test_model(models.RouteDict, route)


def test_get_config(device: RecordedFRR) -> None:
    config = device.get_config()
    assert helpers.test_model(models.ConfigDict, config)
    assert config["running"].startswith("!\nfrr version 8.4.4")
    assert "hostname" in config["startup"] and config["candidate"] == ""
    for store in ("running", "startup", "candidate"):
        only = device.get_config(retrieve=store)
        assert all(only[k] == "" for k in only if k != store)


def test_get_lldp_neighbors(device: RecordedFRR) -> None:
    neighbours = device.get_lldp_neighbors()
    assert len(neighbours) > 0
    for entries in neighbours.values():
        for neighbour in entries:
            assert helpers.test_model(models.LLDPNeighborDict, neighbour)
    assert neighbours["eth1"] == [{"hostname": "cm-anxuyen-r1", "port": "eth0"}]


def test_get_lldp_neighbors_detail(device: RecordedFRR) -> None:
    detail = device.get_lldp_neighbors_detail()
    assert len(detail) > 0
    for entries in detail.values():
        for neighbour in entries:
            assert helpers.test_model(models.LLDPNeighborDetailDict, neighbour)
    assert list(device.get_lldp_neighbors_detail("eth3")) == ["eth3"]


class NoLLDPD(FRRDriver):
    """A box whose lldpcli answers with ``answer`` (exit status, stdout, stderr)."""

    def __init__(self, answer: tuple[int, str, str]) -> None:
        super().__init__("r9", "root", "")
        self.answer = answer

    def _run(
        self, command: str, stdin: bytes | None = None, timeout: float | None = None
    ) -> tuple[int, str, str]:
        assert command == "lldpcli -f json show neighbors"
        return self.answer


@pytest.mark.parametrize(
    "answer",
    [
        (127, "", "sh: 1: lldpcli: not found\n"),
        (1, "", "[WARN/control] unable to connect to socket /run/lldpd.socket: No such file\n"),
    ],
)
def test_a_box_without_lldpd_has_no_lldp_neighbours(answer: tuple[int, str, str]) -> None:
    assert NoLLDPD(answer).get_lldp_neighbors() == {}
    assert NoLLDPD(answer).get_lldp_neighbors_detail() == {}


def test_other_lldpcli_failures_raise() -> None:
    with pytest.raises(CommandErrorException, match="permission denied"):
        NoLLDPD((1, "", "permission denied")).get_lldp_neighbors()
    with pytest.raises(CommandErrorException, match="did not return JSON"):
        NoLLDPD((0, "Interface: eth0", "")).get_lldp_neighbors()


@pytest.mark.parametrize("destination", ["10.0.12.2", "fd00:12::2"])
def test_ping(device: RecordedFRR, destination: str) -> None:
    result: Any = device.ping(destination)
    assert helpers.test_model(models.PingDict, result["success"])
    for probe in result["success"]["results"]:
        assert helpers.test_model(models.PingResultDictEntry, probe)


@pytest.mark.parametrize("destination", ["10.255.0.2", "fd00:ff::2"])
def test_traceroute(device: RecordedFRR, destination: str) -> None:
    result: Any = device.traceroute(destination)
    assert isinstance(result.get("success"), dict) and result["success"]
    for hop in result["success"].values():
        for probe in hop["probes"].values():
            assert helpers.test_model(models.TracerouteDict, probe)


def test_method_signatures_are_napalms() -> None:
    """Napalm's own signature test: every public method is one of NetworkDriver's, with its
    arguments (netauto's shell access is the private ``_run_shell``)."""
    getters.BaseTestGetters.test_method_signatures(SimpleNamespace(driver=FRRDriver))
    assert not hasattr(FRRDriver, "run_shell")


def test_run_shell_runs_on_the_box_and_answers_status_and_output() -> None:
    class Box(FRRDriver):
        def _run(
            self, command: str, stdin: bytes | None = None, timeout: float | None = None
        ) -> tuple[int, str, str]:
            return 7, f"{command} <- {stdin!r}", "warning"

    assert Box("r1", "root", "")._run_shell("nft -f -", b"table") == (
        7,
        "nft -f - <- b'table'",
        "warning",
    )


class NoBGP(FRRDriver):
    """A router whose vtysh answers the BGP summary with ``summary`` (exit ``rc``, ``stderr``)."""

    def __init__(self, rc: int, summary: str, stderr: str) -> None:
        super().__init__("r9", "root", "")
        self.answer = (rc, summary, stderr)
        self.commands: list[str] = []

    def _run(
        self, command: str, stdin: bytes | None = None, timeout: float | None = None
    ) -> tuple[int, str, str]:
        self.commands.append(command)
        if command == "vtysh -c 'show bgp vrf all summary json'":
            return self.answer
        raise AssertionError(f"unexpected command {command!r}")


@pytest.mark.parametrize(
    ("rc", "summary", "stderr"),
    [
        (0, "{}\n", ""),  # bgpd runs, no router bgp configured
        (0, "", ""),
        (1, "", "bgpd is not running\n"),  # vtysh's answer on a router without bgpd
    ],
)
def test_get_bgp_neighbors_without_bgp_is_napalms_empty_shape(
    rc: int, summary: str, stderr: str
) -> None:
    device = NoBGP(rc, summary, stderr)
    bgp = device.get_bgp_neighbors()
    assert bgp == {"global": {"router_id": "", "peers": {}}}
    assert len(device.commands) == 1  # nothing else asked once the summary is empty


def test_get_bgp_neighbors_other_vtysh_failures_still_raise() -> None:
    with pytest.raises(CommandErrorException, match="Connection refused"):
        NoBGP(1, "", "vtysh: Connection refused\n").get_bgp_neighbors()
