"""Every sample configuration of tests/data/configs read on its platform: what the legacy
province holds is all found, on the line where the file has it."""

from __future__ import annotations

from ipaddress import IPv4Interface, ip_address, ip_network

import pytest

from netauto.parse.configs import guess_platform, parse_config
from netauto.parse.observed import (
    ObservedDevice,
    find_filter,
    interface,
    interface_subnets,
    ipv4_addresses,
    loopback_address,
    shut_interfaces,
)
from tests.parse.province import (
    ADDRESSES,
    CIRCUITS,
    DEVICES,
    FILTERS,
    NAMES,
    PLATFORMS,
    ROUTER_IDS,
    SHUT,
    STATIC_ROUTES,
    all_samples,
    sample,
)

SAMPLES = all_samples()


def read(platform: str, device: str) -> ObservedDevice:
    path = sample(platform, device)
    return parse_config(platform, path.read_text(encoding="utf-8"), str(path))


def _interface_lines(platform: str, device: str) -> list[tuple[int, str, str]]:
    """(line number, interface, sub-line) of every line inside an interface block,
    found by indentation alone (an oracle independent of the reader)."""
    found = []
    current = None
    for number, line in enumerate(sample(platform, device).read_text().split("\n"), 1):
        if line.startswith("interface "):
            current = line.split()[1]
        elif line and not line[0].isspace():
            current = None
        elif current and line.strip():
            found.append((number, current, line.strip()))
    return found


@pytest.mark.parametrize(("platform", "device"), SAMPLES)
def test_every_sample_parses_with_its_hostname(platform: str, device: str) -> None:
    observed = read(platform, device)
    assert observed.hostname == device
    assert observed.platform == platform
    assert observed.source == str(sample(platform, device))
    assert observed.hostname_line is not None
    assert observed.os_version in ("8.4.4", "15.7", "V200R010C10SPC700")


@pytest.mark.parametrize(("platform", "device"), SAMPLES)
def test_guess_platform_tells_every_sample(platform: str, device: str) -> None:
    assert guess_platform(sample(platform, device).read_text()) == platform


@pytest.mark.parametrize("platform", PLATFORMS)
@pytest.mark.parametrize(("device", "role", "address", "secondary"), ADDRESSES)
def test_every_address_is_on_its_interface(
    platform: str, device: str, role: str, address: str, secondary: bool
) -> None:
    observed = read(platform, device)
    item = interface(observed, NAMES[platform][role])
    assert item is not None, f"{NAMES[platform][role]} missing"
    assert (IPv4Interface(address), secondary) in [(a.address, a.secondary) for a in item.ipv4]


@pytest.mark.parametrize(("platform", "device"), SAMPLES)
def test_no_address_beyond_the_table_and_primaries_come_first(platform: str, device: str) -> None:
    observed = read(platform, device)
    expected = {
        (NAMES[platform][role], IPv4Interface(address), secondary)
        for dev, role, address, secondary in ADDRESSES
        if dev == device
    }
    assert {(a.interface, a.address, a.secondary) for a in ipv4_addresses(observed)} == expected
    for item in observed.interfaces:
        flags = [a.secondary for a in item.ipv4]
        assert flags == sorted(flags), item.name  # no secondary before the primary


@pytest.mark.parametrize(("platform", "device"), SAMPLES)
def test_every_address_line_of_the_file_is_read_at_its_line(platform: str, device: str) -> None:
    observed = read(platform, device)
    by_line = {a.line: a for a in ipv4_addresses(observed)}
    lines = [(n, i, text) for n, i, text in _interface_lines(platform, device)]
    address_lines = [(n, i, t) for n, i, t in lines if t.startswith("ip address ")]
    assert address_lines
    firsts = {name: number for number, name, _ in reversed(address_lines)}
    for number, name, text in address_lines:
        assert number in by_line, f"line {number}: {text}"
        assert by_line[number].interface == name
        assert str(by_line[number].address.ip) == text.split()[2].split("/")[0]
        # IOS and VRP mark a secondary; FRR's secondaries are the addresses after the first
        marked = text.split()[-1] in ("secondary", "sub")
        assert by_line[number].secondary == (marked or firsts[name] != number)
    assert len(by_line) == len(address_lines)


@pytest.mark.parametrize(("platform", "device"), SAMPLES)
def test_every_interface_description_is_kept_whole(platform: str, device: str) -> None:
    observed = read(platform, device)
    descriptions = [
        (name, text.removeprefix("description "))
        for _, name, text in _interface_lines(platform, device)
        if text.startswith("description ")
    ]
    assert descriptions
    for name, text in descriptions:
        item = interface(observed, name)
        assert item is not None and item.description == text
    seen = " ".join(item.description or "" for item in observed.interfaces)
    for circuit in CIRCUITS[device]:
        assert circuit in seen


@pytest.mark.parametrize("platform", PLATFORMS)
def test_shut_interfaces_are_exactly_the_spare_ports(platform: str) -> None:
    for device in DEVICES:
        expected = [NAMES[platform][role] for dev, role in SHUT if dev == device]
        assert shut_interfaces(read(platform, device)) == expected, device


@pytest.mark.parametrize(("platform", "device"), SAMPLES)
def test_loopback_and_subnets(platform: str, device: str) -> None:
    observed = read(platform, device)
    router_id = ROUTER_IDS[device]
    assert loopback_address(observed) == IPv4Interface(f"{router_id}/32")
    subnets = interface_subnets(observed)
    assert subnets[NAMES[platform]["lo"]] == [ip_network(f"{router_id}/32")]
    if device == "dc-core-r1":
        assert subnets[NAMES[platform]["lan100"]] == [
            ip_network("172.21.1.0/24"),
            ip_network("172.21.2.0/24"),
        ]


@pytest.mark.parametrize(("platform", "device"), SAMPLES)
def test_every_static_route_is_found(platform: str, device: str) -> None:
    observed = read(platform, device)
    got = [
        (
            str(r.prefix),
            None if r.next_hop is None else str(r.next_hop),
            r.blackhole,
            r.distance,
            r.tag,
        )
        for r in observed.static_routes
    ]
    expected = STATIC_ROUTES[device]
    if platform != "frr" and device == "cm-tanthanh-r1":
        # IOS and VRP name the next hop beside the interface of the floating default.
        expected = [expected[0], ("0.0.0.0/0", "172.21.250.13", False, 250, None), expected[2]]
    assert got == expected
    text = sample(platform, device).read_text().split("\n")
    for route in observed.static_routes:
        assert route.line is not None and text[route.line - 1] == route.text


def test_static_route_interfaces_names_and_descriptions() -> None:
    frr = read("frr", "cm-tanthanh-r1").static_routes
    assert frr[1].interface == "eth0" and frr[1].next_hop is None
    ios = read("cisco_ios", "cm-tanthanh-r1").static_routes
    assert ios[0].description == "DEFAULT-TO-HUB"
    assert ios[1].interface == "GigabitEthernet0/0/0"
    assert ios[1].next_hop == ip_address("172.21.250.13")
    vrp = read("huawei_vrp", "dc-core-r1").static_routes
    assert vrp[1].description == "partner via LGSP"  # the rest of the line, spaces kept
    assert read("cisco_ios", "hub-01-r1").static_routes[1].description == "TANTHANH-LOOPBACK"


@pytest.mark.parametrize(("platform", "device"), SAMPLES)
def test_every_filter_with_its_entries_and_uses(platform: str, device: str) -> None:
    observed = read(platform, device)
    got = [
        (f.kind, f.name, len(f.entries), [use.where for use in f.applied]) for f in observed.filters
    ]
    assert got == FILTERS[platform][device]
    text = sample(platform, device).read_text().split("\n")
    for item in observed.filters:
        for entry in item.entries:
            assert entry.line is not None
            assert entry.text.split("\n")[0] == text[entry.line - 1].rstrip()


@pytest.mark.parametrize("platform", PLATFORMS)
def test_ospf_router_id_networks_and_passive(platform: str) -> None:
    hub = read(platform, "hub-01-r1").ospf
    assert hub is not None and str(hub.router_id) == ROUTER_IDS["hub-01-r1"]
    assert [str(n.prefix) for n in hub.networks] == [
        "172.21.250.0/30",
        "172.21.250.4/30",
        "172.21.250.8/30",
        "172.21.255.2/32",
    ]
    assert {n.area for n in hub.networks} == {"0.0.0.0"}
    assert [use.kind for use in hub.filters] == ["route-map"]
    assert len(hub.redistribute) == 1
    lyvanlam = read(platform, "cm-lyvanlam-r1").ospf
    assert lyvanlam is not None and lyvanlam.passive_default
    assert lyvanlam.non_passive_interfaces == [NAMES[platform]["uplink"]]
    dc = read(platform, "dc-core-r1").ospf
    assert dc is not None and dc.passive_interfaces == [NAMES[platform]["lan100"]]
    assert [(use.kind, use.direction) for use in dc.filters] == [("access-list", "out")]
    assert read(platform, "cm-tanthanh-r1").ospf is None  # static routes only


@pytest.mark.parametrize("platform", PLATFORMS)
def test_interface_level_ospf_area(platform: str) -> None:
    anxuyen = read(platform, "cm-anxuyen-r1")
    areas = {item.name: item.ospf_area for item in anxuyen.interfaces if item.ipv4}
    assert set(areas.values()) == {"0.0.0.0"}


def test_frr_interface_passive_and_dotted_areas() -> None:
    anxuyen = read("frr", "cm-anxuyen-r1")
    assert [i.name for i in anxuyen.interfaces if i.ospf_passive] == ["lan10", "lan20"]
    lyvanlam = read("frr", "cm-lyvanlam-r1")
    assert interface(lyvanlam, "eth0").ospf_area == "0.0.0.0"  # type: ignore[union-attr]


@pytest.mark.parametrize("platform", ("cisco_ios", "huawei_vrp"))
def test_vlans_of_lan_interfaces(platform: str) -> None:
    anxuyen = read(platform, "cm-anxuyen-r1")
    for role, vlan in (("lan10", 10), ("lan20", 20)):
        item = interface(anxuyen, NAMES[platform][role])
        assert item is not None and item.vlan == vlan


@pytest.mark.parametrize(("platform", "device"), SAMPLES)
def test_nothing_is_lost(platform: str, device: str) -> None:
    """Every statement line of the file is modelled or kept: as an interface, address,
    route, filter, OSPF element, or verbatim in other_lines."""
    observed = read(platform, device)
    seen: set[int] = {observed.hostname_line or 0}
    for item in observed.interfaces:
        seen.add(item.line or 0)
        seen.update(a.line or 0 for a in item.ipv4)
        seen.update(u.line or 0 for u in item.filters)
        for kept in item.other_lines:
            seen.update(range(kept.line or 0, (kept.line or 0) + kept.text.count("\n") + 1))
    seen.update(r.line or 0 for r in observed.static_routes)
    for f in observed.filters:
        seen.add(f.line or 0)
        for entry in f.entries:
            seen.update(range(entry.line or 0, (entry.line or 0) + entry.text.count("\n") + 1))
    if observed.ospf:
        ospf = observed.ospf
        seen.add(ospf.line or 0)
        seen.update(n.line or 0 for n in ospf.networks)
        seen.update(u.line or 0 for u in ospf.filters)
        for kept in [*ospf.redistribute, *ospf.other_lines]:
            seen.update(range(kept.line or 0, (kept.line or 0) + kept.text.count("\n") + 1))
    for kept in observed.other_lines:
        seen.update(range(kept.line or 0, (kept.line or 0) + kept.text.count("\n") + 1))
    lines = sample(platform, device).read_text().split("\n")
    modelled_elsewhere = (
        "description", "shutdown", "no ip address", "encapsulation", "ip ospf 1 area",
        "ip ospf area", "ip ospf passive", "ospf enable", "passive-interface",
        "no passive-interface", "silent-interface", "undo silent-interface", "router-id",
        "ospf router-id", "area 0.0.0.0", "version", "frr version",
    )  # fmt: skip
    for number, line in enumerate(lines, 1):
        text = line.strip()
        if not text or text[0] in "!#" or text in ("exit", "end", "return"):
            continue
        if text.startswith(("Building configuration", "Current configuration")):
            continue
        if number in seen or text.startswith(modelled_elsewhere):
            continue
        pytest.fail(f"{sample(platform, device)}:{number}: {text!r} is neither read nor kept")


def test_frr_filters_keep_their_entries_verbatim() -> None:
    hub = read("frr", "hub-01-r1")
    route_map = find_filter(hub, "route-map", "STATIC-TO-OSPF")
    assert route_map is not None
    assert [e.text for e in route_map.entries] == [
        "route-map STATIC-TO-OSPF permit 10\n match ip address prefix-list TANTHANH",
        "route-map STATIC-TO-OSPF deny 20",
    ]
    assert route_map.header is None


def test_ios_named_acl_keeps_header_remark_and_spacing() -> None:
    dc = read("cisco_ios", "dc-core-r1")
    acl = find_filter(dc, "access-list", "SERVERS-IN")
    assert acl is not None and acl.header == "ip access-list extended SERVERS-IN"
    assert acl.entries[0].text == " remark web and mail from the province only"
    assert acl.entries[-1].text == " deny   ip any any log"
    assert [(u.where, u.direction) for u in acl.applied] == [
        ("interface GigabitEthernet0/1.100", "out")
    ]
    banner = next(k for k in dc.other_lines if k.text.startswith("banner motd"))
    assert banner.text.split("\n")[1] == "Trung tam du lieu tinh - authorised access only"
