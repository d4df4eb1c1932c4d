"""The pure parsers, fed with output recorded from FRR 8.4.4 (two routers, eBGP v4 + v6)."""

from __future__ import annotations

import pytest

from netauto.parse import frr_state as parse
from tests.parse.frr_recorded import fixture_json, fixture_text


def test_facts_pieces_from_recorded_output() -> None:
    assert parse.os_version(fixture_text("get_facts", "show_version.txt")) == "8.4.4"
    assert parse.uptime_seconds(fixture_text("get_facts", "proc_uptime.txt")) > 0
    running = fixture_text("get_facts", "show_running_config.txt")
    assert parse.config_hostname(running) in ("r1", "vm")
    assert parse.interface_list(fixture_json("get_facts", "show_interface.json")) == ["eth1", "lo"]


def test_interfaces_from_recorded_show_interface() -> None:
    result = parse.interfaces(fixture_json("get_interfaces", "show_interface.json"))
    assert set(result) == {"eth1", "lo"}
    eth1 = result["eth1"]
    assert eth1["is_up"] and eth1["is_enabled"]
    assert eth1["description"] == "to r2"
    assert eth1["mtu"] == 1500 and eth1["speed"] == 10000.0
    assert eth1["mac_address"] == "CA:9F:79:66:3F:BD"
    assert result["lo"]["mtu"] == 65536


def test_interfaces_ip_from_recorded_ip_addr() -> None:
    result = parse.interfaces_ip(fixture_json("get_interfaces_ip", "ip_addr.json"))
    assert result["eth1"]["ipv4"] == {"10.0.12.1": {"prefix_length": 30}}
    assert result["eth1"]["ipv6"]["fd00:12::1"] == {"prefix_length": 64}
    assert any(a.startswith("fe80::") for a in result["eth1"]["ipv6"])
    assert result["lo"] == {
        "ipv4": {"10.255.0.1": {"prefix_length": 32}},
        "ipv6": {"fd00:ff::1": {"prefix_length": 128}},
    }


def test_bgp_neighbors_from_recorded_summary_and_neighbors() -> None:
    result = parse.bgp_neighbors(
        fixture_json("get_bgp_neighbors", "show_bgp_vrf_all_summary.json"),
        fixture_json("get_bgp_neighbors", "show_bgp_vrf_all_neighbors.json"),
    )
    assert list(result) == ["global"]
    assert result["global"]["router_id"] == "10.255.0.1"
    v4 = result["global"]["peers"]["10.0.12.2"]
    assert (v4["local_as"], v4["remote_as"], v4["remote_id"]) == (65001, 65002, "10.255.0.2")
    assert v4["is_up"] and v4["is_enabled"] and v4["description"] == "r2 over IPv4"
    assert v4["uptime"] == 19
    assert v4["address_family"] == {
        "ipv4": {"received_prefixes": 1, "accepted_prefixes": 1, "sent_prefixes": 2}
    }
    v6 = result["global"]["peers"]["fd00:12::2"]
    assert set(v6["address_family"]) == {"ipv4", "ipv6"}


def test_bgp_neighbor_admin_down_and_idle() -> None:
    summary = {
        "default": {
            "ipv4Unicast": {
                "routerId": "1.1.1.1",
                "as": 1,
                "peers": {"10.0.0.2": {"remoteAs": 2, "localAs": 1, "state": "Idle (Admin)"}},
            }
        }
    }
    peer = parse.bgp_neighbors(summary, {})["global"]["peers"]["10.0.0.2"]
    assert not peer["is_up"] and not peer["is_enabled"]
    assert peer["uptime"] == 0 and peer["remote_id"] == "0.0.0.0"


def test_routes_bgp_with_attributes() -> None:
    table = fixture_json("get_route_to", "show_ip_route_bgp.json")
    attributes = parse.bgp_attributes(
        fixture_json("get_route_to", "show_bgp_ipv4_prefix.json"), 65001
    )
    result = parse.routes(table, "bgp", {"10.255.0.2/32": attributes})
    (route,) = result["10.255.0.2/32"]
    assert route["protocol"] == "bgp" and route["current_active"]
    assert (route["next_hop"], route["outgoing_interface"]) == ("10.0.12.2", "eth1")
    assert route["preference"] == 20 and route["age"] == 19
    assert route["protocol_attributes"]["as_path"] == "65002"
    assert route["protocol_attributes"]["peer_id"] == "10.255.0.2"
    assert route["protocol_attributes"]["remote_as"] == 65002


def test_routes_static_ipv6_and_longer() -> None:
    static = parse.routes(fixture_json("get_route_to", "show_ip_route_static.json"))
    assert static["192.0.2.0/24"][0]["protocol"] == "static"
    assert static["192.0.2.0/24"][0]["protocol_attributes"] == {}
    v6 = parse.routes(fixture_json("get_route_to", "show_ipv6_route_bgp.json"))
    assert v6["fd00:ff::2/128"][0]["outgoing_interface"] == "eth1"
    longer = parse.routes(fixture_json("get_route_to", "show_ip_route_longer.json"))
    assert {"10.0.12.0/30", "10.255.0.2/32"} <= set(longer)
    assert parse.routes(fixture_json("get_route_to", "show_ip_route_longer.json"), "ospf") == {}


@pytest.mark.parametrize(
    ("name", "sent", "lost", "first"),
    [
        ("ping_v4.txt", 3, 0, "10.0.12.2"),
        ("ping_v6.txt", 3, 0, "fd00:12::2"),
        ("ping_loss.txt", 2, 2, None),
    ],
)
def test_ping_recorded(name: str, sent: int, lost: int, first: str | None) -> None:
    result = parse.ping_result(fixture_text("ping", name))
    success = result["success"]
    assert success["probes_sent"] == sent and success["packet_loss"] == lost
    if first is None:
        assert success["results"] == [] and success["rtt_avg"] == 0.0
    else:
        assert success["results"][0]["ip_address"] == first
        assert success["rtt_min"] <= success["rtt_avg"] <= success["rtt_max"]


def test_ping_error_recorded() -> None:
    assert parse.ping_result(fixture_text("ping", "ping_unreachable.txt")) == {
        "error": "ping: connect: Network is unreachable"
    }


def test_traceroute_recorded() -> None:
    v4 = parse.traceroute_result(fixture_text("traceroute", "traceroute_v4.txt"))["success"]
    assert list(v4) == [1] and len(v4[1]["probes"]) == 3
    assert v4[1]["probes"][1] == {
        "rtt": 0.405,
        "ip_address": "10.255.0.2",
        "host_name": "10.255.0.2",
    }
    v6 = parse.traceroute_result(fixture_text("traceroute", "traceroute_v6.txt"))["success"]
    assert v6[1]["probes"][3]["ip_address"] == "fd00:ff::2"
    timeout = parse.traceroute_result(fixture_text("traceroute", "traceroute_timeout.txt"))
    assert timeout["success"][1]["probes"][2]["ip_address"] == "*"
    assert "error" in parse.traceroute_result(fixture_text("traceroute", "traceroute_error.txt"))


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("00:00:00", 0), ("23:59:59", 86399), ("3d04h05m", 273900), ("02w1d00h", 1296000), ("", 0)],
)
def test_duration_seconds(text: str, seconds: int) -> None:
    assert parse.duration_seconds(text) == seconds


def test_bgp_neighbors_without_bgp_is_napalms_empty_shape() -> None:
    assert parse.bgp_neighbors({}, {}) == {"global": {"router_id": "", "peers": {}}}


def test_bgp_neighbors_in_a_vrf_only_still_has_global() -> None:
    summary = {"blue": {"ipv4Unicast": {"routerId": "10.9.0.1", "as": 9, "peers": {}}}}
    result = parse.bgp_neighbors(summary, {})
    assert result == {
        "blue": {"router_id": "10.9.0.1", "peers": {}},
        "global": {"router_id": "", "peers": {}},
    }


@pytest.mark.parametrize(
    ("stderr", "daemon", "expected"),
    [
        ("bgpd is not running\n", "bgpd", True),
        ("zebra is not running\nbgpd is not running\n", "bgpd", True),
        ("ospfd is not running\n", "bgpd", False),
        ("% Unknown command: show bgp vrf all summary json\n", "bgpd", False),
        ("", "bgpd", False),
    ],
)
def test_daemon_not_running(stderr: str, daemon: str, expected: bool) -> None:
    assert parse.daemon_not_running(stderr, daemon) is expected


def test_running_config_text_of_recorded_show_running_config() -> None:
    text = parse.running_config_text(fixture_text("get_config", "show_running_config.txt"))
    assert text.startswith("!\nfrr version 8.4.4")
    assert "Building configuration" not in text and "Current configuration" not in text


# LLDP: ``lldpcli -f json show neighbors`` recorded in the legacy lab (``netauto lab up
# --legacy`` on tests/data/tiny; lldpd 1.0.16, port ids are interface names).


def test_lldp_neighbors_of_the_hub_from_recorded_lldpcli() -> None:
    result = parse.lldp_neighbors(fixture_json("get_lldp_neighbors", "hub-01-r1.json"))
    assert result == {
        "eth0": [{"hostname": "dc-core-r1", "port": "eth1"}],
        "eth1": [{"hostname": "cm-anxuyen-r1", "port": "eth0"}],
        "eth2": [{"hostname": "cm-lyvanlam-r1", "port": "eth0"}],
        "eth3": [{"hostname": "cm-tanthanh-r1", "port": "eth0"}],
    }


def test_lldp_one_neighbour_is_a_mapping_not_a_list_in_lldpcli_json() -> None:
    """lldpcli writes a lone interface as a mapping: read the same as a list of one."""
    result = parse.lldp_neighbors(fixture_json("get_lldp_neighbors", "cm-anxuyen-r1.json"))
    assert result == {"eth0": [{"hostname": "hub-01-r1", "port": "eth1"}]}


def test_lldp_no_neighbours_is_empty() -> None:
    assert parse.lldp_neighbors(fixture_json("get_lldp_neighbors", "none.json")) == {}
    assert parse.lldp_neighbors_detail(fixture_json("get_lldp_neighbors", "none.json")) == {}


def test_lldp_several_neighbours_on_one_port_are_all_listed() -> None:
    one = fixture_json("get_lldp_neighbors", "hub-01-r1.json")["lldp"]["interface"][0]
    assert list(one) == ["eth1"]
    two = {"eth1": dict(one["eth1"], chassis={"sw9": {"id": {"type": "mac", "value": "aa"}}})}
    result = parse.lldp_neighbors({"lldp": {"interface": [one, two]}})
    assert result == {
        "eth1": [{"hostname": "cm-anxuyen-r1", "port": "eth0"}, {"hostname": "sw9", "port": "eth0"}]
    }


def test_lldp_neighbors_detail_from_recorded_lldpcli() -> None:
    result = parse.lldp_neighbors_detail(fixture_json("get_lldp_neighbors", "dc-core-r1.json"))
    assert list(result) == ["eth1"]
    (hub,) = result["eth1"]
    assert hub["remote_system_name"] == "hub-01-r1" and hub["remote_port"] == "eth0"
    assert hub["remote_port_description"] == "eth0"
    assert hub["remote_chassis_id"].count(":") == 5
    assert hub["remote_system_description"].startswith("Debian GNU/Linux")
    assert hub["remote_system_capab"] == ["bridge", "router", "wlan-access-point", "station"]
    assert "router" in hub["remote_system_enable_capab"]
    only = parse.lldp_neighbors_detail(fixture_json("get_lldp_neighbors", "hub-01-r1.json"), "eth2")
    assert list(only) == ["eth2"]
