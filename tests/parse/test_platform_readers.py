"""What each platform reader understands beyond the samples, one statement form a row."""

from __future__ import annotations

from ipaddress import IPv4Address, IPv6Interface

import pytest
from pydantic import ValidationError

from netauto.parse.config_tree import CISCO_STYLE, VRP, config_tree
from netauto.parse.configs import guess_platform, parse_config
from netauto.parse.frr_config import parse_frr_config
from netauto.parse.ios_config import parse_ios_config
from netauto.parse.observed import ObservedInterface, find_filter, interface
from netauto.parse.vrp_config import parse_vrp_config


def test_frr_vrf_subinterface_ipv6_and_reject_route() -> None:
    device = parse_frr_config(
        "hostname r1\n"
        "interface eth0.30 vrf CAMERAS\n"
        " ip address 10.3.0.1/24\n"
        " ipv6 address 2001:db8:3::1/64\n"
        " no ip ospf passive\n"
        "exit\n"
        "ip route 10.9.0.0/16 reject\n"
        "ip route 10.8.0.0 255.255.0.0 10.3.0.9 vrf CAMERAS\n"
        "ipv6 route 2001:db8:9::/48 2001:db8:3::9 tag 9\n"
        "router ospf vrf CAMERAS\n"
        " router-id 10.3.0.1\n"
        "exit\n",
        "r1.conf",
    )
    item = device.interfaces[0]
    assert (item.vlan, item.vrf, item.ospf_passive) == (30, "CAMERAS", False)
    assert item.ipv6[0].address == IPv6Interface("2001:db8:3::1/64")
    reject, masked, v6 = device.static_routes
    assert reject.blackhole and str(masked.prefix) == "10.8.0.0/16" and masked.vrf == "CAMERAS"
    assert v6.prefix.version == 6 and v6.tag == 9
    assert device.ospf is not None and device.ospf.router_id == IPv4Address("10.3.0.1")


def test_frr_second_ospf_process_is_kept_not_merged() -> None:
    device = parse_frr_config(
        "hostname r1\nrouter ospf 1\n router-id 1.1.1.1\nexit\nrouter ospf 2\n router-id 2.2.2.2\n",
        "r1.conf",
    )
    assert device.ospf is not None and device.ospf.process_id == "1"
    assert [k.text for k in device.other_lines] == ["router ospf 2\n router-id 2.2.2.2"]


def test_frr_ipv6_filters_and_route_map_references() -> None:
    device = parse_frr_config(
        "hostname r1\n"
        "ipv6 access-list V6 seq 5 permit any\n"
        "ipv6 prefix-list P6 seq 5 permit 2001:db8::/32 le 64\n"
        "route-map RM permit 10\n match ipv6 address prefix-list P6\n"
        "exit\nroute-map RM permit 20\n match ipv6 address V6\nexit\n",
        "r1.conf",
    )
    p6 = find_filter(device, "prefix-list", "P6")
    v6 = find_filter(device, "access-list", "V6")
    assert (
        p6 is not None and p6.family == "ipv6" and p6.applied[0].where == "route-map RM permit 10"
    )
    assert v6 is not None and v6.family == "ipv6" and v6.applied[0].text == "match ipv6 address V6"


def test_ios_cidr_addresses_vrf_svi_and_ospf_filters() -> None:
    device = parse_ios_config(
        "version 17.3\nhostname r1\n"
        "interface Vlan30\n vrf forwarding CAMERAS\n ip address 10.3.0.1/24\n"
        " ip address 10.4.0.1/24 secondary\n ipv6 traffic-filter V6-IN in\n no shutdown\n"
        "interface Gi0/0/0\n ip address dhcp\n"
        "router ospf 7\n distribute-list prefix PL in GigabitEthernet0/0/0\n"
        " distribute-list route-map RM in\n"
        "ip route vrf CAMERAS 10.9.0.0 255.255.0.0 10.3.0.9 permanent\n"
        "ipv6 access-list V6-IN\n permit ipv6 any any\n"
        "end\n",
        "r1.cfg",
    )
    svi = device.interfaces[0]
    assert (svi.vlan, svi.vrf, svi.enabled) == (30, "CAMERAS", True)
    assert [(str(a.address), a.secondary) for a in svi.ipv4] == [
        ("10.3.0.1/24", False),
        ("10.4.0.1/24", True),
    ]
    dhcp = device.interfaces[1]
    assert dhcp.canonical_name == "GigabitEthernet0/0/0" and not dhcp.ipv4
    assert [k.text for k in dhcp.other_lines] == [" ip address dhcp"]
    assert interface(device, "GigabitEthernet0/0/0") is dhcp
    assert device.ospf is not None
    assert [(u.kind, u.name, u.direction) for u in device.ospf.filters] == [
        ("prefix-list", "PL", "in"),
        ("route-map", "RM", "in"),
    ]
    assert device.static_routes[0].vrf == "CAMERAS"
    acl = find_filter(device, "access-list", "V6-IN")
    assert acl is not None and acl.family == "ipv6" and acl.applied[0].direction == "in"


def test_vrp_named_acl_vpn_route_undo_shutdown_and_area_blocks() -> None:
    device = parse_vrp_config(
        "#\n sysname r1\n#\nacl name MGMT 2999\n rule 5 permit source 10.0.0.0 0.255.255.255\n"
        "#\ninterface GE0/0/1.30\n dot1q termination vid 30\n ip binding vpn-instance CAM\n"
        " ip address 10.3.0.1 24\n traffic-filter inbound acl name MGMT\n undo shutdown\n"
        "#\nospf 1\n filter-policy ip-prefix PL import\n area 0.0.0.1\n"
        "  network 10.3.0.0 0.0.0.255\n  stub\n#\n"
        "ip route-static vpn-instance CAM 10.9.0.0 16 10.3.0.9 preference 70\n"
        "#\nreturn\n",
        "r1.cfg",
    )
    item = device.interfaces[0]
    assert (item.canonical_name, item.vlan, item.vrf, item.enabled) == (
        "GigabitEthernet0/0/1.30",
        30,
        "CAM",
        True,
    )
    assert str(item.ipv4[0].address) == "10.3.0.1/24"
    acl = find_filter(device, "access-list", "MGMT")
    assert acl is not None and acl.applied[0].where == "interface GE0/0/1.30"
    assert device.ospf is not None and device.ospf.router_id is None
    assert [(str(n.prefix), n.area) for n in device.ospf.networks] == [("10.3.0.0/24", "0.0.0.1")]
    assert [k.text for k in device.ospf.other_lines] == [
        " area 0.0.0.1\n  network 10.3.0.0 0.0.0.255\n  stub"
    ]
    assert [(u.kind, u.direction) for u in device.ospf.filters] == [("prefix-list", "in")]
    route = device.static_routes[0]
    assert (str(route.prefix), route.vrf, route.distance) == ("10.9.0.0/16", "CAM", 70)


def test_vrp_global_commands_after_a_separator_are_top_level() -> None:
    tree = config_tree(
        "#\ninterface Vlanif10\n ip address 10.0.0.1 24\n#\n sysname r1\n stp enable\n#\n",
        "r1.cfg",
        VRP,
    )
    assert [(s.text, s.line) for s in tree.statements] == [
        ("interface Vlanif10", 2),
        ("sysname r1", 5),
        ("stp enable", 6),
    ]
    assert tree.statements[1].block == " sysname r1"  # as written


def test_statements_keep_their_lines_through_banners_and_comments() -> None:
    tree = config_tree(
        "!\nbanner motd ^C\nline one\n\nline three\n^C\n!\nhostname r1\n"
        "interface Gi0/0\n description  two  spaces\n!\nend\n",
        "r1.cfg",
        CISCO_STYLE,
    )
    banner, hostname, item = tree.statements
    assert (banner.line, hostname.line, item.line, item.children[0].line) == (2, 8, 9, 10)
    assert item.children[0].rest(1) == "two  spaces"


def test_identical_sub_lines_are_allowed() -> None:
    device = parse_ios_config(
        "hostname r1\ninterface Gi0/0\n!\nip access-list extended A\n remark x\n remark x\n"
        " permit ip any any\nend\n",
        "r1.cfg",
    )
    acl = find_filter(device, "access-list", "A")
    assert acl is not None and [e.line for e in acl.entries] == [5, 6, 7]


def test_guess_platform_without_markers() -> None:
    assert guess_platform("hostname r1\ninterface Gi0/0\n ip address 10.0.0.1 255.0.0.0\n") == (
        "cisco_ios"
    )
    assert guess_platform("#\ninterface GE0/0/0\n#\nreturn\n") == "huawei_vrp"
    assert guess_platform("interface eth0\n ip address 10.0.0.1/31\n") == "frr"
    assert guess_platform("") is None


def test_frr_conf_without_the_show_run_header_needs_no_end() -> None:
    device = parse_config("frr", "hostname r1\ninterface lo\n ip address 10.0.0.1/32\n", "frr.conf")
    assert device.interfaces[0].is_loopback


def test_hostname_falls_back_to_the_file_name() -> None:
    device = parse_frr_config("interface lo\n ip address 10.0.0.1/32\n", "configs/cm-x-r1.conf")
    assert (device.hostname, device.hostname_line) == ("cm-x-r1", None)


def test_the_model_is_frozen_and_refuses_unknown_fields() -> None:
    item = ObservedInterface(name="eth0", canonical_name="eth0")
    with pytest.raises(ValidationError):
        item.name = "eth1"  # type: ignore[misc]
    with pytest.raises(ValidationError):
        ObservedInterface.model_validate({"name": "eth0", "canonical_name": "eth0", "mtu": 1500})
