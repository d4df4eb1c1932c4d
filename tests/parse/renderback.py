"""Writing an ObservedDevice back as configuration text of its platform (tests only).

Not netauto's renderer (that is Jinja templates from the plan): a plain writer of what a
reader found, so that ``parse(render_back(x)) == x`` can be checked. Kept statements are
written verbatim; modelled ones from their fields.
"""

from __future__ import annotations

from collections.abc import Iterator
from ipaddress import IPv4Network
from typing import Any

from netauto.parse.observed import ObservedDevice, ObservedInterface, StaticRoute


def render_back(device: ObservedDevice) -> str:
    """The configuration text of ``device`` on its platform."""
    writer = {"frr": _frr, "cisco_ios": _ios, "huawei_vrp": _vrp}[device.platform]
    return "\n".join(writer(device)) + "\n"


def essence(device: ObservedDevice) -> Any:
    """What a round trip must keep: everything but line numbers, the source and the
    statements' own text (rebuilt from their fields)."""

    def strip(value: Any) -> Any:
        if isinstance(value, dict):
            return {
                k: strip(v)
                for k, v in value.items()
                if k not in ("line", "hostname_line", "source")
                and not (k == "text" and "prefix" in value)
            }
        if isinstance(value, list):
            return [strip(v) for v in value]
        return value

    return strip(device.model_dump(mode="json"))


def _kept(lines: list[Any]) -> Iterator[str]:
    for kept in lines:
        yield kept.text


def _frr(device: ObservedDevice) -> Iterator[str]:
    if device.os_version:
        yield f"frr version {device.os_version}"
    yield f"hostname {device.hostname}"
    yield "!"
    for route in device.static_routes:
        yield _cisco_route(route, mask=False)
    for item in device.interfaces:
        yield "!"
        yield f"interface {item.name}" + (f" vrf {item.vrf}" if item.vrf else "")
        if item.description is not None:
            yield f" description {item.description}"
        yield from (f" ip address {a.address}" for a in item.ipv4)
        yield from (f" ipv6 address {a.address}" for a in item.ipv6)
        if item.ospf_area is not None:
            yield f" ip ospf area {item.ospf_area}"
        if item.ospf_passive is not None:
            yield " ip ospf passive" if item.ospf_passive else " no ip ospf passive"
        if not item.enabled:
            yield " shutdown"
        yield from _kept(item.other_lines)
        yield "exit"
    if device.ospf:
        ospf = device.ospf
        yield "!"
        yield "router ospf" + (f" {ospf.process_id}" if ospf.process_id else "")
        if ospf.router_id:
            yield f" ospf router-id {ospf.router_id}"
        yield from _kept(ospf.redistribute)
        yield from _passive(
            ospf.passive_default,
            ospf.passive_interfaces,
            ospf.non_passive_interfaces,
            "passive-interface",
            "no ",
        )
        for net in ospf.networks:
            yield f" network {net.prefix} area {net.area}"
        yield from (f" {use.text}" for use in ospf.filters if not use.text.startswith("redis"))
        yield from _kept(ospf.other_lines)
        yield "exit"
    yield from _filters(device)
    yield from _kept(device.other_lines)
    yield "end"


def _ios(device: ObservedDevice) -> Iterator[str]:
    if device.os_version:
        yield f"version {device.os_version}"
    yield f"hostname {device.hostname}"
    for item in device.interfaces:
        yield "!"
        yield f"interface {item.name}"
        if item.description is not None:
            yield f" description {item.description}"
        if item.vlan is not None and "." in item.name:
            yield f" encapsulation dot1Q {item.vlan}"
        if item.vrf:
            yield f" vrf forwarding {item.vrf}"
        for a in item.ipv4:
            yield f" ip address {a.address.ip} {a.address.netmask}" + (
                " secondary" if a.secondary else ""
            )
        yield from (f" ipv6 address {a.address}" for a in item.ipv6)
        yield from (f" {use.text}" for use in item.filters)
        if item.ospf_area is not None:
            pid = device.ospf.process_id if device.ospf and device.ospf.process_id else "1"
            yield f" ip ospf {pid} area {item.ospf_area}"
        if not item.enabled:
            yield " shutdown"
        yield from _kept(item.other_lines)
    if device.ospf:
        ospf = device.ospf
        yield "!"
        yield f"router ospf {ospf.process_id or 1}"
        if ospf.router_id:
            yield f" router-id {ospf.router_id}"
        yield from _kept(ospf.redistribute)
        yield from _passive(
            ospf.passive_default,
            ospf.passive_interfaces,
            ospf.non_passive_interfaces,
            "passive-interface",
            "no ",
        )
        for net in ospf.networks:
            yield f" network {net.prefix.network_address} {net.prefix.hostmask} area {net.area}"
        yield from (f" {use.text}" for use in ospf.filters if not use.text.startswith("redis"))
        yield from _kept(ospf.other_lines)
    yield "!"
    for route in device.static_routes:
        yield _cisco_route(route, mask=True)
    yield from _filters(device)
    yield from _kept(device.other_lines)
    yield "end"


def _vrp(device: ObservedDevice) -> Iterator[str]:
    if device.os_version:
        yield f"!Software Version {device.os_version}"
    yield "#"
    yield f" sysname {device.hostname}"
    yield "#"
    for item in device.interfaces:
        yield from _vrp_interface(item, device)
    if device.ospf:
        ospf = device.ospf
        yield f"ospf {ospf.process_id or 1}" + (
            f" router-id {ospf.router_id}" if ospf.router_id else ""
        )
        yield from (f" {use.text}" for use in ospf.filters if use.text.startswith("filter"))
        yield from _kept(ospf.redistribute)
        yield from _passive(
            ospf.passive_default,
            ospf.passive_interfaces,
            ospf.non_passive_interfaces,
            "silent-interface",
            "undo ",
            "all",
        )
        areas: dict[str, list[IPv4Network]] = {}
        for net in ospf.networks:
            areas.setdefault(net.area, []).append(net.prefix)
        for area, prefixes in areas.items():
            yield f" area {area}"
            yield from (f"  network {p.network_address} {p.hostmask}" for p in prefixes)
        yield from _kept(ospf.other_lines)
        yield "#"
    for route in device.static_routes:
        yield _vrp_route(route)
    for item in device.filters:
        yield "#"
        if item.header is not None:
            yield item.header
        yield from (entry.text for entry in item.entries)
    for line in _kept(device.other_lines):
        yield "#"
        yield line
    yield "#"
    yield "return"


def _vrp_interface(item: ObservedInterface, device: ObservedDevice) -> Iterator[str]:
    yield f"interface {item.name}"
    if item.description is not None:
        yield f" description {item.description}"
    if item.vlan is not None and "." in item.name:
        yield f" dot1q termination vid {item.vlan}"
    if item.vrf:
        yield f" ip binding vpn-instance {item.vrf}"
    for a in item.ipv4:
        yield f" ip address {a.address.ip} {a.address.netmask}" + (" sub" if a.secondary else "")
    yield from (f" ipv6 address {a.address}" for a in item.ipv6)
    yield from (f" {use.text}" for use in item.filters)
    if item.ospf_area is not None:
        pid = device.ospf.process_id if device.ospf and device.ospf.process_id else "1"
        yield f" ospf enable {pid} area {item.ospf_area}"
    if not item.enabled:
        yield " shutdown"
    yield from _kept(item.other_lines)
    yield "#"


def _passive(
    default: bool,
    passive: list[str],
    active: list[str],
    word: str,
    negation: str,
    all_word: str = "default",
) -> Iterator[str]:
    if default:
        yield f" {word} {all_word}"
    yield from (f" {word} {name}" for name in passive)
    yield from (f" {negation}{word} {name}" for name in active)


def _filters(device: ObservedDevice) -> Iterator[str]:
    for item in device.filters:
        if item.header is not None:
            yield item.header
        yield from (entry.text for entry in item.entries)


def _cisco_route(route: StaticRoute, mask: bool) -> str:
    words = ["ipv6" if route.prefix.version == 6 else "ip", "route"]
    if route.vrf and mask:
        words += ["vrf", route.vrf]
    if mask and route.prefix.version == 4:
        words += [str(route.prefix.network_address), str(route.prefix.netmask)]
    else:
        words.append(str(route.prefix))
    if route.interface:
        words.append(route.interface)
    if route.next_hop:
        words.append(str(route.next_hop))
    if route.blackhole:
        words.append("Null0")
    if route.distance is not None:
        words.append(str(route.distance))
    if route.tag is not None:
        words += ["tag", str(route.tag)]
    if route.description:
        words += ["name", route.description]
    if route.vrf and not mask:
        words += ["vrf", route.vrf]
    return " ".join(words)


def _vrp_route(route: StaticRoute) -> str:
    words = ["ip", "route-static"]
    if route.vrf:
        words += ["vpn-instance", route.vrf]
    words += [str(route.prefix.network_address), str(route.prefix.netmask)]
    if route.interface:
        words.append(route.interface)
    if route.next_hop:
        words.append(str(route.next_hop))
    if route.blackhole:
        words.append("NULL0")
    if route.distance is not None:
        words += ["preference", str(route.distance)]
    if route.tag is not None:
        words += ["tag", str(route.tag)]
    if route.description:
        words += ["description", route.description]
    return " ".join(words)
