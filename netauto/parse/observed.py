"""What netauto reads from one device, offline (a saved configuration) or live.

An :class:`ObservedDevice` is the boundary between the readers (``frr_config``,
``ios_config``, ``vrp_config``, and the live reader built on Napalm) and the brownfield
import, which fixes every address the network already uses in the SoT and keeps what the
SoT does not model (static routes, filters, descriptions, other configuration) as legacy
configuration. The readers fill it; nothing here reads a file or a device.

Rules of the model:

- Everything is frozen and refuses unknown fields, so a reader cannot invent a field the
  import would silently ignore.
- Names are kept as the device wrote them (``name``); ``canonical_name`` is the form used
  to match the SoT plan (``Gi0/0/0`` and ``GigabitEthernet0/0/0`` are one port). On FRR the
  Linux kernel name is already canonical.
- Every element carries ``line``, the 1-based line of the configuration it came from, so a
  conflict can name ``file:line``; it is None for data read live.
- Order is the device's: interfaces, addresses (primary first, then secondaries), static
  routes and filter entries appear as they did in the configuration.
- ``other_lines`` holds, verbatim, what netauto does not model and must keep (top-level
  statements or whole blocks; per interface and per OSPF process the sub-lines).
"""

from __future__ import annotations

from ipaddress import (
    IPv4Address,
    IPv4Interface,
    IPv4Network,
    IPv6Address,
    IPv6Interface,
    IPv6Network,
)
from typing import Literal, NamedTuple

from pydantic import BaseModel, ConfigDict, Field

ConfigPlatform = Literal["frr", "cisco_ios", "huawei_vrp"]
"""Platforms whose saved configuration netauto can read."""

FilterKind = Literal["access-list", "prefix-list", "route-map"]
"""An access list (IOS standard/extended/numbered, FRR ``access-list``, VRP ``acl``), a
prefix list (VRP ``ip ip-prefix``) or a route map (VRP ``route-policy``)."""

Family = Literal["ipv4", "ipv6"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ConfigLine(_Frozen):
    """One statement, or one block with its sub-lines, as the device wrote it."""

    text: str
    """Verbatim (indentation kept, trailing spaces and comment separators dropped)."""
    line: int | None = None


class ObservedIPv4(_Frozen):
    """One IPv4 address of an interface."""

    address: IPv4Interface
    secondary: bool = False
    line: int | None = None


class ObservedIPv6(_Frozen):
    """One IPv6 address of an interface."""

    address: IPv6Interface
    line: int | None = None


class FilterUse(_Frozen):
    """One place a filter is applied (or referenced by another filter)."""

    kind: FilterKind
    name: str
    where: str
    """The statement's context: ``interface eth0``, ``router ospf``, ``line vty``,
    ``route-map STATIC-TO-OSPF permit 10``."""
    direction: Literal["in", "out"] | None = None
    family: Family = "ipv4"
    text: str = ""
    """The statement that applies it, as written (``distribute-list NO-PARTNER out static``)."""
    line: int | None = None


class ObservedInterface(_Frozen):
    """One interface as configured."""

    name: str
    canonical_name: str
    description: str | None = None
    enabled: bool = True
    """False when the interface is ``shutdown``."""
    ipv4: list[ObservedIPv4] = Field(default_factory=list)
    """Primary first, then secondaries (each flagged)."""
    ipv6: list[ObservedIPv6] = Field(default_factory=list)
    vlan: int | None = None
    """The 802.1Q tag of a subinterface or VLAN interface, when the configuration shows it."""
    vrf: str | None = None
    ospf_area: str | None = None
    """The area enabled on this interface itself (dotted form), not via ``network``."""
    ospf_passive: bool | None = None
    """Passive set (True) or unset (False) on the interface itself; None when not said."""
    is_loopback: bool = False
    filters: list[FilterUse] = Field(default_factory=list)
    """Access lists applied on this interface."""
    other_lines: list[ConfigLine] = Field(default_factory=list)
    line: int | None = None


class StaticRoute(_Frozen):
    """One static route."""

    prefix: IPv4Network | IPv6Network
    next_hop: IPv4Address | IPv6Address | None = None
    interface: str | None = None
    blackhole: bool = False
    """A discard route (``blackhole``, ``Null0``, ``reject``, ``NULL0``)."""
    distance: int | None = None
    tag: int | None = None
    description: str | None = None
    vrf: str | None = None
    text: str
    """The statement as written, to keep it whole."""
    line: int | None = None


class OspfNetwork(_Frozen):
    """One ``network … area …`` statement."""

    prefix: IPv4Network
    area: str
    """Dotted form: ``0`` is ``0.0.0.0``."""
    line: int | None = None


class OspfProcess(_Frozen):
    """The OSPFv2 process."""

    process_id: str | None = None
    router_id: IPv4Address | None = None
    networks: list[OspfNetwork] = Field(default_factory=list)
    passive_default: bool = False
    passive_interfaces: list[str] = Field(default_factory=list)
    non_passive_interfaces: list[str] = Field(default_factory=list)
    """``no passive-interface X`` under ``passive-interface default``."""
    redistribute: list[ConfigLine] = Field(default_factory=list)
    filters: list[FilterUse] = Field(default_factory=list)
    """Distribute lists and the route maps of ``redistribute``."""
    other_lines: list[ConfigLine] = Field(default_factory=list)
    line: int | None = None


class Filter(_Frozen):
    """One access list, prefix list or route map, with its entries in order."""

    kind: FilterKind
    name: str
    family: Family = "ipv4"
    header: str | None = None
    """The opening line of a filter written as a block (``ip access-list extended X``,
    ``acl number 3000``); None when every entry is a whole line of its own."""
    entries: list[ConfigLine] = Field(default_factory=list)
    """Its lines in order: whole lines (``access-list MGMT seq 5 permit …``), a block's
    sub-lines, or for a route map each sequence with its sub-lines."""
    applied: list[FilterUse] = Field(default_factory=list)
    """Every place the configuration applies or references it."""
    line: int | None = None


class Neighbor(_Frozen):
    """One LLDP neighbour (read live only)."""

    local_interface: str
    remote_system: str
    remote_port: str
    line: int | None = None


class ObservedDevice(_Frozen):
    """Everything read from one device."""

    hostname: str
    hostname_line: int | None = None
    platform: ConfigPlatform
    source: str
    """The configuration file read, or ``live``."""
    os_version: str | None = None
    interfaces: list[ObservedInterface] = Field(default_factory=list)
    static_routes: list[StaticRoute] = Field(default_factory=list)
    ospf: OspfProcess | None = None
    filters: list[Filter] = Field(default_factory=list)
    neighbors: list[Neighbor] = Field(default_factory=list)
    other_lines: list[ConfigLine] = Field(default_factory=list)


class AddressAt(NamedTuple):
    """An IPv4 address with the interface that carries it."""

    interface: str
    address: IPv4Interface
    secondary: bool
    line: int | None


def _example() -> ObservedDevice:
    """A small device for the examples below."""
    return ObservedDevice.model_validate(
        {
            "hostname": "hub-01-r1",
            "platform": "frr",
            "source": "hub-01-r1.conf",
            "interfaces": [
                {
                    "name": "eth0",
                    "canonical_name": "eth0",
                    "line": 12,
                    "ipv4": [{"address": "172.21.250.2/30", "line": 14}],
                },
                {
                    "name": "lan10",
                    "canonical_name": "lan10",
                    "line": 17,
                    "ipv4": [
                        {"address": "172.21.11.1/24", "line": 18},
                        {"address": "172.21.13.1/24", "secondary": True, "line": 19},
                    ],
                },
                {"name": "eth4", "canonical_name": "eth4", "enabled": False},
                {
                    "name": "lo",
                    "canonical_name": "lo",
                    "is_loopback": True,
                    "ipv4": [{"address": "172.21.255.2/32", "line": 24}],
                },
            ],
            "filters": [{"kind": "access-list", "name": "MGMT"}],
        }
    )


def interface(device: ObservedDevice, name: str) -> ObservedInterface | None:
    """The interface called ``name`` (as written or canonical), or None.

    Examples:
        >>> interface(_example(), "lan10").ipv4[0].address
        IPv4Interface('172.21.11.1/24')
        >>> interface(_example(), "eth9") is None
        True
    """
    for item in device.interfaces:
        if name in (item.name, item.canonical_name):
            return item
    return None


def loopback_address(device: ObservedDevice) -> IPv4Interface | None:
    """The router's loopback IPv4 address (the first loopback's primary), or None.

    Examples:
        >>> loopback_address(_example())
        IPv4Interface('172.21.255.2/32')
    """
    for item in device.interfaces:
        if item.is_loopback and item.ipv4:
            return item.ipv4[0].address
    return None


def ipv4_addresses(device: ObservedDevice) -> list[AddressAt]:
    """Every IPv4 address of the device with its interface, in configuration order.

    Examples:
        >>> [(a.interface, str(a.address), a.secondary) for a in ipv4_addresses(_example())]
        ... # doctest: +NORMALIZE_WHITESPACE
        [('eth0', '172.21.250.2/30', False), ('lan10', '172.21.11.1/24', False),
         ('lan10', '172.21.13.1/24', True), ('lo', '172.21.255.2/32', False)]
    """
    return [
        AddressAt(item.name, address.address, address.secondary, address.line)
        for item in device.interfaces
        for address in item.ipv4
    ]


def interface_subnets(device: ObservedDevice) -> dict[str, list[IPv4Network]]:
    """The IPv4 subnets of each interface that has an address (primary first).

    Examples:
        >>> interface_subnets(_example())["lan10"]
        [IPv4Network('172.21.11.0/24'), IPv4Network('172.21.13.0/24')]
        >>> "eth4" in interface_subnets(_example())
        False
    """
    return {
        item.name: [address.address.network for address in item.ipv4]
        for item in device.interfaces
        if item.ipv4
    }


def primary_ipv4(item: ObservedInterface) -> IPv4Interface | None:
    """The interface's primary IPv4 address, or None.

    Examples:
        >>> primary_ipv4(interface(_example(), "lan10"))
        IPv4Interface('172.21.11.1/24')
        >>> primary_ipv4(interface(_example(), "eth4")) is None
        True
    """
    for address in item.ipv4:
        if not address.secondary:
            return address.address
    return None


def shut_interfaces(device: ObservedDevice) -> list[str]:
    """Names of the interfaces configured ``shutdown``.

    Examples:
        >>> shut_interfaces(_example())
        ['eth4']
    """
    return [item.name for item in device.interfaces if not item.enabled]


def find_filter(device: ObservedDevice, kind: FilterKind, name: str) -> Filter | None:
    """The filter of that kind and name, or None.

    Examples:
        >>> find_filter(_example(), "access-list", "MGMT").name
        'MGMT'
        >>> find_filter(_example(), "prefix-list", "MGMT") is None
        True
    """
    for item in device.filters:
        if item.kind == kind and item.name == name:
            return item
    return None


def area_id(text: str) -> str:
    """An OSPF area in dotted form, as the SoT and the plan compare areas.

    Examples:
        >>> area_id("0"), area_id("0.0.0.0"), area_id("51")
        ('0.0.0.0', '0.0.0.0', '0.0.0.51')

    Raises:
        ValueError: ``text`` is neither a number up to 2^32-1 nor a dotted quad.
    """
    if text.isdigit():
        return str(IPv4Address(int(text)))
    return str(IPv4Address(text))
