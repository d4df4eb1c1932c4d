"""Napalm contract: every getter of the real ``FRRDriver`` class, fed with output recorded
from FRR 8.4.4, returns exactly Napalm's documented structures (``napalm.base.models``),
checked with Napalm's own ``test_model`` helper, as Napalm's shared getter tests do.

Only the transport is replaced: ``_run`` answers each command from ``fixtures/``.
"""

from __future__ import annotations

from typing import Any

import napalm
import pytest
from napalm.base import models
from napalm.base.test import helpers

from netauto.drivers.frr import FRRDriver
from tests.drivers.conftest import FIXTURES

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
