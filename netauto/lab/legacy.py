"""The as-built network of ``netauto lab up --legacy``: the province as it ran before netauto.

A brownfield province is IPv4 only, numbered by whoever built it, runs OSPFv2 and carries
the quirks of years of hand configuration. :func:`as_built` derives such a network from the
SoT and the plan, with no I/O: the *wiring* is the plan's (the same routers, links,
interface names, LANs, VMs and LAN clients the greenfield lab builds), the *addressing and
configuration* are not. The planner never sees it; only the lab writes it.

The as-built scheme (:data:`DEFAULT_BLOCKS`; every block is checked to be outside the SoT's
``addressing.ipv4.supernets``, its management networks and every address of the plan):

* loopbacks: one ``/32`` per router from ``172.31.0.0/22`` (``.1``-``.254`` of each /24),
  routers in the order of (site_id, hostname);
* WAN links: one ``/30`` per link from ``172.16.0.0/16``, links in the order of their key
  (the SoT link id); the link's ``a`` end takes ``.1``, its ``b`` end ``.2``;
* LANs: one ``/24`` per LAN from ``172.20.0.0/14``, gateway ``.1``, the LAN client ``.10``,
  data-centre VMs ``.11`` onwards (by name). LANs are grouped in *regions*: the data centre
  and sites without a hub first, then one region per hub (by site_id) holding the hub's and
  its sites' LANs, each region an aligned power-of-two block (a hub can summarise it);
  inside a region LANs go by (site_id, router, VLAN);
* OSPFv2 only, area 0, router-id = loopback, enabled per interface; WAN links
  point-to-point; LANs and the loopback passive. No IPv6 anywhere (beyond link-local).

Quirks (:class:`Quirk`, all deterministic):

* data-centre core (the first data-centre router with a LAN): a static route to the
  "legacy servers" ``192.168.50.0/24`` and one to the "backup network" ``192.168.51.0/24``,
  both via next hops on its server LAN (``.250``, ``.251``); ``redistribute static``
  filtered by the hand-written access-list ``LEGACY-REDIST`` (``distribute-list
  LEGACY-REDIST out static``) that lets only the legacy servers into OSPF. Remove the
  filter and every router learns ``192.168.51.0/24`` too: losing it shows in every
  routing table.
* every hub: a ``Null0`` (blackhole) static route for its region, redistributed.
* every WAN interface: a description with the circuit id (the SoT link's ``circuit_id``,
  else a made-up ``NA<province>-<link number>``) and the far end.
* the first commune LAN (by site_id, router, VLAN): the secondary address
  ``192.168.1.1/24`` (an old subnet kept alive), in OSPF like the primary.
* the first hub router: a spare port ``eth<N>`` (the first free number; in the lab a TAP
  device with nothing attached, an Ethernet port with no cable), described and
  administratively down.
"""

from __future__ import annotations

import ipaddress
import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Literal, NamedTuple

import jinja2
from pydantic import BaseModel, ConfigDict, Field, model_validator

from netauto.errors import InputError, Problem
from netauto.lab import naming
from netauto.lab.topology import LabHost, LabTopology
from netauto.plan.models import LanPlan, Plan
from netauto.sot.models import SoT

IPv4Net = ipaddress.IPv4Network
IPv4If = ipaddress.IPv4Interface
IPv4Addr = ipaddress.IPv4Address

LAN_PREFIX = 24
LINK_PREFIX = 30
GATEWAY_INDEX = 1
CLIENT_INDEX = 10
FIRST_VM_INDEX = 11
LEGACY_SERVER_HOP = 250
BACKUP_HOP = 251
"""Host numbers on a /24 LAN: gateway .1, client .10, VMs .11-.249, static next hops .250/.251."""
OSPF_AREA = "0"
FILTER_NAME = "LEGACY-REDIST"
TEMPLATE_DIR = Path(__file__).with_name("templates")
TEMPLATE = "legacy-frr.conf.j2"
FIELD = "lab --legacy"
"""The field a refusal names: the as-built network comes from the lab, not from the SoT."""


class LegacyModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class LegacyBlocks(LegacyModel):
    """The IPv4 blocks the as-built network is numbered from (pairwise disjoint)."""

    loopbacks: IPv4Net = Field(description="router loopbacks, /32 each (.1-.254 of each /24)")
    links: IPv4Net = Field(description="WAN links, /30 each")
    lans: IPv4Net = Field(description="LANs, /24 each, in per-hub regions")
    legacy_servers: IPv4Net = Field(description="static route on the DC core, advertised")
    backup: IPv4Net = Field(description="static route on the DC core, kept local by the filter")
    secondary: IPv4Net = Field(description="the secondary subnet of one LAN")

    @model_validator(mode="after")
    def _disjoint(self) -> LegacyBlocks:
        named = self.named()
        for i, (name, net) in enumerate(named):
            for other, net2 in named[i + 1 :]:
                if net.overlaps(net2):
                    raise ValueError(f"legacy blocks {name} and {other} overlap")
        return self

    def named(self) -> list[tuple[str, IPv4Net]]:
        """Every block with its field name."""
        return [(name, getattr(self, name)) for name in type(self).model_fields]


DEFAULT_BLOCKS = LegacyBlocks(
    loopbacks=IPv4Net("172.31.0.0/22"),
    links=IPv4Net("172.16.0.0/16"),
    lans=IPv4Net("172.20.0.0/14"),
    legacy_servers=IPv4Net("192.168.50.0/24"),
    backup=IPv4Net("192.168.51.0/24"),
    secondary=IPv4Net("192.168.1.0/24"),
)

InterfaceRole = Literal["loopback", "wan", "lan", "spare"]
QuirkKind = Literal["static-route", "blackhole", "filter", "description", "secondary", "shutdown"]


class AsBuiltInterface(LegacyModel):
    """One interface of a legacy router, as configured by hand."""

    name: str
    role: InterfaceRole
    addresses: list[IPv4If] = Field(
        default_factory=lambda: [], description="primary first, then secondaries"
    )
    description: str = ""
    enabled: bool = Field(True, description="False: administratively down (shutdown)")
    ospf: bool = Field(True, description="OSPFv2 area 0 on this interface")
    passive: bool = False
    point_to_point: bool = False
    link_id: str | None = None
    peer: str | None = None
    peer_interface: str | None = None
    lan: str | None = Field(None, description="LAN key (lan interfaces)")

    @property
    def primary(self) -> IPv4If | None:
        return self.addresses[0] if self.addresses else None

    @property
    def secondaries(self) -> list[IPv4If]:
        return self.addresses[1:]


class StaticRoute(LegacyModel):
    prefix: IPv4Net
    next_hop: IPv4Addr | None = Field(None, description="None: blackhole (Null0)")
    comment: str = Field("", description="why it is there (a comment line in frr.conf)")


class AccessListEntry(LegacyModel):
    seq: int
    action: Literal["permit", "deny"]
    prefix: IPv4Net | None = Field(None, description="None: any")


class AccessList(LegacyModel):
    name: str
    entries: list[AccessListEntry]
    comment: str = ""


class Ospf(LegacyModel):
    router_id: IPv4Addr
    area: str = OSPF_AREA
    redistribute_static: bool = False
    distribute_list: str | None = Field(None, description="access-list filtering redistribution")


class AsBuiltRouter(LegacyModel):
    hostname: str
    site: str
    site_id: int
    platform: str
    loopback: IPv4If
    interfaces: list[AsBuiltInterface]
    ospf: Ospf
    static_routes: list[StaticRoute] = Field(default_factory=lambda: [])
    access_lists: list[AccessList] = Field(default_factory=lambda: [])

    def interface(self, name: str) -> AsBuiltInterface:
        for iface in self.interfaces:
            if iface.name == name:
                return iface
        raise KeyError(name)

    @property
    def spare_interfaces(self) -> list[str]:
        return [i.name for i in self.interfaces if i.role == "spare"]


class AsBuiltLan(LegacyModel):
    site: str
    router: str
    interface: str
    key: str
    vlan: int
    network: IPv4Net
    gateway: IPv4Addr
    region: str = Field(description="hub slug of its region, '' for the core region")


class AsBuiltHost(LegacyModel):
    """A data-centre VM or a LAN client: one IPv4 address and a default route."""

    name: str
    kind: Literal["vm", "client"]
    site: str
    router: str
    lan: str
    address: IPv4If
    gateway: IPv4Addr


class Quirk(LegacyModel):
    kind: QuirkKind
    router: str
    interface: str | None = None
    detail: str


class Region(LegacyModel):
    hub: str = Field(description="hub slug, '' for the core region (data centre, hubless sites)")
    prefix: IPv4Net


class AsBuilt(LegacyModel):
    """The whole as-built province (all routers of the plan, whichever the lab runs)."""

    province: str
    blocks: LegacyBlocks
    routers: list[AsBuiltRouter]
    lans: list[AsBuiltLan]
    regions: list[Region]
    hosts: list[AsBuiltHost]
    quirks: list[Quirk]

    def router(self, hostname: str) -> AsBuiltRouter:
        for router in self.routers:
            if router.hostname == hostname:
                return router
        raise KeyError(hostname)

    def host(self, name: str) -> AsBuiltHost:
        for host in self.hosts:
            if host.name == name:
                return host
        raise KeyError(name)

    def addresses(self) -> list[IPv4If]:
        """Every configured address: router interfaces (secondaries included), then hosts."""
        found = [a for r in self.routers for i in r.interfaces for a in i.addresses]
        return found + [h.address for h in self.hosts]


# --------------------------------------------------------------------------- helpers


def one_line(text: str, limit: int = 80) -> str:
    """SoT text made safe for a description line: ASCII, printable, one line, bounded.

    Examples:
        >>> one_line("VNPT-CM-1001")
        'VNPT-CM-1001'
        >>> one_line("Phường An Xuyên\\n  interface evil")
        'Phuong An Xuyen interface evil'
        >>> len(one_line("x" * 200))
        80
    """
    text = text.replace("đ", "d").replace("Đ", "D")
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if ord(c) < 128)
    text = "".join(c if c.isprintable() else " " for c in text)
    return " ".join(text.split())[:limit].strip()


def natural_key(name: str) -> tuple[tuple[int, str | int], ...]:
    """Sort key of interface names with their numbers compared as numbers (as FRR lists them).

    Examples:
        >>> sorted(["lo", "eth10", "lan10", "eth2"], key=natural_key)
        ['eth2', 'eth10', 'lan10', 'lo']
    """
    parts = re.split(r"(\d+)", name)
    return tuple((1, int(p)) if p.isdigit() else (0, p) for p in parts if p)


def loopback_address(block: IPv4Net, index: int) -> IPv4Addr:
    """The ``index``-th loopback (0-based) of ``block``: ``.1``-``.254`` of each /24.

    Examples:
        >>> b = IPv4Net("172.31.0.0/22")
        >>> [str(loopback_address(b, n)) for n in (0, 253, 254)]
        ['172.31.0.1', '172.31.0.254', '172.31.1.1']
    """
    return block.network_address + (index // 254) * 256 + index % 254 + 1


def loopback_capacity(block: IPv4Net) -> int:
    """How many loopbacks ``block`` holds.

    Examples:
        >>> loopback_capacity(IPv4Net("172.31.0.0/22")), loopback_capacity(IPv4Net("10.0.0.0/24"))
        (1016, 254)
    """
    return max(block.num_addresses // 256, 1) * 254 if block.prefixlen <= 24 else 0


def subnet(block: IPv4Net, prefixlen: int, index: int) -> IPv4Net:
    """The ``index``-th subnet of length ``prefixlen`` inside ``block``.

    Examples:
        >>> str(subnet(IPv4Net("172.16.0.0/16"), 30, 3))
        '172.16.0.12/30'
    """
    size = 1 << (32 - prefixlen)
    return IPv4Net(f"{block.network_address + index * size}/{prefixlen}")


def host(network: IPv4Net, index: int) -> IPv4If:
    """Host ``index`` of ``network`` with the network's length.

    Examples:
        >>> str(host(IPv4Net("172.20.0.0/24"), 1))
        '172.20.0.1/24'
    """
    return IPv4If(f"{network.network_address + index}/{network.prefixlen}")


def pow2(count: int) -> int:
    """The smallest power of two that holds ``count`` (at least 1).

    Examples:
        >>> pow2(0), pow2(1), pow2(3), pow2(46)
        (1, 1, 4, 64)
    """
    return 1 << max(count - 1, 0).bit_length()


def _too_big(what: str, need: int, block: IPv4Net, room: int) -> Problem:
    return Problem(
        None,
        None,
        FIELD,
        f"the as-built network needs {need} {what} but {block} holds {room}",
        hint="the as-built network always numbers the whole province (--hubs/--sites do "
        "not shrink it); its blocks hold 1,016 routers, 16,384 links and 1,024 LANs",
    )


# --------------------------------------------------------------------------- stages


def _check_blocks(sot: SoT, plan: Plan, blocks: LegacyBlocks) -> None:
    """Every legacy block lies outside the SoT's IPv4 space and every plan address."""
    taken: list[tuple[str, IPv4Net]] = [
        (f"addressing.ipv4.supernets {n}", n) for n in sot.addressing.ipv4.supernets
    ]
    taken += [
        (f"management.networks {n}", n) for n in sot.management.networks if isinstance(n, IPv4Net)
    ]
    for dev in plan.devices:
        taken += [
            (f"the plan's {dev.hostname} {i.name} {i.ipv4}", i.ipv4.network)
            for i in dev.interfaces
            if i.ipv4 is not None
        ]
    taken += [(f"the plan's VM {vm.name} {vm.ipv4}", vm.ipv4.network) for vm in plan.vms]
    problems = [
        Problem(
            None,
            None,
            FIELD,
            f"the as-built block {name} {net} overlaps {what}",
            hint="the legacy lab numbers from 172.16.0.0/12 and 192.168.0.0/16; a SoT "
            "whose IPv4 space uses them cannot run `lab up --legacy`",
        )
        for name, net in blocks.named()
        for what, other in taken
        if net.overlaps(other)
    ]
    if problems:
        raise InputError(problems[:10])


class _Numbering(NamedTuple):
    loopbacks: dict[str, IPv4If]
    links: dict[str, IPv4Net]
    lans: list[AsBuiltLan]
    regions: list[Region]


def _router_order(plan: Plan) -> list[str]:
    """Router hostnames by (site_id, hostname): the order loopbacks are numbered in."""
    return [d.hostname for d in sorted(plan.devices, key=lambda d: (d.site_id, d.hostname))]


def _region_of(plan: Plan) -> dict[str, str]:
    """Site slug -> its LAN region: the hub's slug, or '' (data centre, hubless sites)."""
    hubs = {s.slug for s in plan.sites if s.kind == "hub"}
    region: dict[str, str] = {}
    for site in plan.sites:
        if site.kind == "hub":
            region[site.slug] = site.slug
        elif site.kind != "data-centre" and site.hub in hubs:
            region[site.slug] = site.hub or ""
        else:
            region[site.slug] = ""
    return region


def _region_members(plan: Plan) -> dict[str, list[tuple[str, LanPlan]]]:
    """The LANs of each region, regions in order (core, then hubs by site_id), LANs sorted."""
    region_of = _region_of(plan)
    ordered = sorted(plan.sites, key=lambda s: (s.site_id, s.slug))
    members: dict[str, list[tuple[str, LanPlan]]] = {"": []}
    members |= {s.slug: [] for s in ordered if s.kind == "hub"}
    for site in ordered:
        lans = sorted(site.lans, key=lambda lan: (lan.device, lan.vlan, lan.key))
        members[region_of[site.slug]] += [(site.slug, lan) for lan in lans]
    return members


def _number(plan: Plan, blocks: LegacyBlocks) -> _Numbering:
    """Loopbacks, link /30s and LAN /24s (with their regions), by stable identity."""
    problems: list[Problem] = []
    routers = _router_order(plan)
    room = loopback_capacity(blocks.loopbacks)
    if len(routers) > room:
        problems.append(_too_big("loopbacks", len(routers), blocks.loopbacks, room))
    link_ids = sorted(link.id for link in plan.links)
    room = blocks.links.num_addresses >> (32 - LINK_PREFIX)
    if len(link_ids) > room:
        problems.append(_too_big("/30 links", len(link_ids), blocks.links, room))

    room = blocks.lans.num_addresses >> (32 - LAN_PREFIX)
    cursor = 0
    lans: list[AsBuiltLan] = []
    regions: list[Region] = []
    placed: list[tuple[str, int, int, list[tuple[str, LanPlan]]]] = []
    for region, items in _region_members(plan).items():
        size = pow2(len(items))
        cursor = -(-cursor // size) * size  # aligned: the region is one CIDR block
        placed.append((region, cursor, size, items))
        cursor += size
    if cursor > room:
        problems.append(_too_big("/24s of LANs (per-hub regions)", cursor, blocks.lans, room))
    if problems:
        raise InputError(problems)
    for region, start, size, items in placed:
        length = LAN_PREFIX + 1 - size.bit_length()
        regions.append(Region(hub=region, prefix=subnet(blocks.lans, length, start // size)))
        for offset, (slug, lan) in enumerate(items):
            net = subnet(blocks.lans, LAN_PREFIX, start + offset)
            lans.append(
                AsBuiltLan(
                    site=slug,
                    router=lan.device,
                    interface=lan.interface,
                    key=lan.key,
                    vlan=lan.vlan,
                    network=net,
                    gateway=net.network_address + GATEWAY_INDEX,
                    region=region,
                )
            )
    return _Numbering(
        loopbacks={
            h: IPv4If(f"{loopback_address(blocks.loopbacks, n)}/32") for n, h in enumerate(routers)
        },
        links={lid: subnet(blocks.links, LINK_PREFIX, n) for n, lid in enumerate(link_ids)},
        lans=lans,
        regions=regions,
    )


class _Choices(NamedTuple):
    """Where the quirks go (hostnames, LANs), chosen by stable identity."""

    core: str | None
    server_lan: AsBuiltLan | None
    hubs: dict[str, Region]
    secondary_lan: AsBuiltLan | None
    spare: tuple[str, str] | None


def _choose(plan: Plan, numbering: _Numbering) -> _Choices:
    kind = {s.slug: s.kind for s in plan.sites}
    devices = sorted(plan.devices, key=lambda d: (d.site_id, d.hostname))
    lans_of: dict[str, list[AsBuiltLan]] = {}
    for lan in numbering.lans:
        lans_of.setdefault(lan.router, []).append(lan)
    core = next(
        (d.hostname for d in devices if kind[d.site] == "data-centre" and d.hostname in lans_of),
        None,
    )
    server_lan = None
    if core is not None:
        functions = {(x.device, x.interface): x.function for s in plan.sites for x in s.lans}
        core_lans = lans_of[core]
        server_lan = next(
            (x for x in core_lans if functions[(x.router, x.interface)] == "server"), core_lans[0]
        )
    region = {r.hub: r for r in numbering.regions}
    hubs: dict[str, Region] = {}
    for dev in devices:
        if kind[dev.site] == "hub" and dev.site not in {r.hub for r in hubs.values()}:
            hubs[dev.hostname] = region[dev.site]
    commune_lans = [x for x in numbering.lans if kind[x.site] == "commune"]
    ordered = sorted(
        commune_lans or numbering.lans,
        key=lambda x: (plan.site(x.site).site_id, x.router, x.vlan, x.key),
    )
    spare = None
    first_hub = next(iter(hubs), None) or (devices[0].hostname if devices else None)
    if first_hub is not None:
        used = {i.name for i in plan.device(first_hub).interfaces}
        number = next(n for n in range(len(used) + 1) if f"eth{n}" not in used)
        spare = (first_hub, f"eth{number}")
    return _Choices(
        core=core,
        server_lan=server_lan,
        hubs=hubs,
        secondary_lan=ordered[0] if ordered else None,
        spare=spare,
    )


def _circuits(sot: SoT) -> dict[str, str]:
    """The SoT's circuit ids by link key."""
    return {link.key: link.circuit_id for link in sot.links if link.circuit_id}


def _interfaces(
    plan: Plan,
    hostname: str,
    numbering: _Numbering,
    choices: _Choices,
    blocks: LegacyBlocks,
    circuits: dict[str, str],
) -> list[AsBuiltInterface]:
    dev = plan.device(hostname)
    lans = {(x.router, x.interface): x for x in numbering.lans}
    link_numbers = {lid: n for n, lid in enumerate(sorted(numbering.links))}
    found: list[AsBuiltInterface] = []
    for iface in dev.interfaces:
        if iface.kind == "loopback":
            found.append(
                AsBuiltInterface(
                    name=iface.name,
                    role="loopback",
                    passive=True,
                    addresses=[numbering.loopbacks[hostname]],
                )
            )
        elif iface.kind == "p2p" and iface.link_id is not None:
            link = plan.link(iface.link_id)
            if link is None:
                continue
            net = numbering.links[link.id]
            is_a = link.a.device == hostname and link.a.interface == iface.name
            made_up = f"NA{plan.province_code:02d}-{link_numbers[link.id] + 1:05d}"
            cid = circuits.get(link.id) or made_up
            far = f"{iface.peer or '?'} {iface.peer_interface or ''}".strip()
            found.append(
                AsBuiltInterface(
                    name=iface.name,
                    role="wan",
                    addresses=[host(net, 1 if is_a else 2)],
                    description=one_line(f"{cid} to {far}"),
                    point_to_point=True,
                    link_id=link.id,
                    peer=iface.peer,
                    peer_interface=iface.peer_interface,
                )
            )
        elif iface.kind == "lan" and (hostname, iface.name) in lans:
            lan = lans[(hostname, iface.name)]
            addresses = [host(lan.network, GATEWAY_INDEX)]
            if choices.secondary_lan == lan:
                addresses.append(host(blocks.secondary, GATEWAY_INDEX))
            found.append(
                AsBuiltInterface(
                    name=iface.name,
                    role="lan",
                    addresses=addresses,
                    description=one_line(f"LAN {lan.key} vlan {lan.vlan}"),
                    passive=True,
                    lan=lan.key,
                )
            )
    if choices.spare is not None and choices.spare[0] == hostname:
        found.append(
            AsBuiltInterface(
                name=choices.spare[1],
                role="spare",
                enabled=False,
                ospf=False,
                description="SPARE - not in use",
            )
        )
    return sorted(found, key=lambda i: natural_key(i.name))


def _routing(
    hostname: str, choices: _Choices, blocks: LegacyBlocks
) -> tuple[list[StaticRoute], list[AccessList], bool, str | None]:
    """Static routes, access-lists, ``redistribute static`` and its filter of one router."""
    statics: list[StaticRoute] = []
    acls: list[AccessList] = []
    if hostname == choices.core and choices.server_lan is not None:
        net = choices.server_lan.network
        statics += [
            StaticRoute(
                prefix=blocks.legacy_servers,
                next_hop=net.network_address + LEGACY_SERVER_HOP,
                comment="legacy servers behind the old firewall",
            ),
            StaticRoute(
                prefix=blocks.backup,
                next_hop=net.network_address + BACKUP_HOP,
                comment="backup network: local to the data centre",
            ),
        ]
        acls.append(
            AccessList(
                name=FILTER_NAME,
                comment="only the legacy servers go into OSPF",
                entries=[
                    AccessListEntry(seq=5, action="permit", prefix=blocks.legacy_servers),
                    AccessListEntry(seq=10, action="deny"),
                ],
            )
        )
        return statics, acls, True, FILTER_NAME
    if hostname in choices.hubs:
        statics.append(
            StaticRoute(prefix=choices.hubs[hostname].prefix, comment="summary of the hub's region")
        )
        return statics, acls, True, None
    return statics, acls, False, None


def _quirks(routers: list[AsBuiltRouter], choices: _Choices) -> list[Quirk]:
    """What a reader of the as-built network should know is odd, router by router."""
    found: list[Quirk] = []
    for router in routers:
        for route in router.static_routes:
            kind: QuirkKind = "blackhole" if route.next_hop is None else "static-route"
            via = route.next_hop or "Null0"
            found.append(
                Quirk(
                    kind=kind,
                    router=router.hostname,
                    detail=f"ip route {route.prefix} {via}: {route.comment}",
                )
            )
        for acl in router.access_lists:
            found.append(
                Quirk(
                    kind="filter",
                    router=router.hostname,
                    detail=f"access-list {acl.name} as OSPF distribute-list out "
                    f"static: {acl.comment}",
                )
            )
        for iface in router.interfaces:
            if iface.role == "wan":
                found.append(
                    Quirk(
                        kind="description",
                        router=router.hostname,
                        interface=iface.name,
                        detail=iface.description,
                    )
                )
            if iface.secondaries:
                found.append(
                    Quirk(
                        kind="secondary",
                        router=router.hostname,
                        interface=iface.name,
                        detail=f"secondary {', '.join(map(str, iface.secondaries))}",
                    )
                )
            if not iface.enabled:
                found.append(
                    Quirk(
                        kind="shutdown",
                        router=router.hostname,
                        interface=iface.name,
                        detail=f"spare interface, shut down ({iface.description})",
                    )
                )
    return found


def _hosts(plan: Plan, numbering: _Numbering) -> list[AsBuiltHost]:
    """LAN clients (.10 of every LAN) and data-centre VMs (.11 onwards, by name)."""
    problems: list[Problem] = []
    found: list[AsBuiltHost] = []
    by_key = {(x.site, x.key): x for x in numbering.lans}
    for net in numbering.lans:
        found.append(
            AsBuiltHost(
                name=naming.client_name(net.router, net.key),
                kind="client",
                site=net.site,
                router=net.router,
                lan=net.key,
                address=host(net.network, CLIENT_INDEX),
                gateway=net.gateway,
            )
        )
    per_lan: dict[tuple[str, str], int] = {}
    for vm in sorted(plan.vms, key=lambda v: v.name):
        lan = by_key.get((vm.site, vm.network))
        if lan is None:
            continue
        index = FIRST_VM_INDEX + per_lan.get((vm.site, vm.network), 0)
        per_lan[(vm.site, vm.network)] = index - FIRST_VM_INDEX + 1
        if index >= LEGACY_SERVER_HOP:
            room = LEGACY_SERVER_HOP - FIRST_VM_INDEX
            problems.append(
                Problem(
                    None,
                    None,
                    FIELD,
                    f"too many VMs on LAN {vm.network}",
                    hint=f"the as-built /24 holds {room} VMs (.11-.249)",
                )
            )
            continue
        found.append(
            AsBuiltHost(
                name=vm.name,
                kind="vm",
                site=vm.site,
                router=lan.router,
                lan=lan.key,
                address=host(lan.network, index),
                gateway=lan.gateway,
            )
        )
    if problems:
        raise InputError(problems[:1])
    return found


def as_built(sot: SoT, plan: Plan, blocks: LegacyBlocks = DEFAULT_BLOCKS) -> AsBuilt:
    """The as-built (pre-netauto) network of the whole province; pure, deterministic.

    Everything is numbered by stable identity (site_id, hostname, link key, VLAN, VM
    name), never by list position: the same SoT gives the same network.

    Raises:
        InputError: a block overlaps the SoT's IPv4 space or the plan, or the province is
            too big for the blocks.
    """
    _check_blocks(sot, plan, blocks)
    numbering = _number(plan, blocks)
    choices = _choose(plan, numbering)
    circuits = _circuits(sot)
    routers: list[AsBuiltRouter] = []
    for hostname in _router_order(plan):
        dev = plan.device(hostname)
        statics, acls, redistribute, dlist = _routing(hostname, choices, blocks)
        loopback = numbering.loopbacks[hostname]
        routers.append(
            AsBuiltRouter(
                hostname=hostname,
                site=dev.site,
                site_id=dev.site_id,
                platform=dev.platform,
                loopback=loopback,
                interfaces=_interfaces(plan, hostname, numbering, choices, blocks, circuits),
                ospf=Ospf(
                    router_id=loopback.ip, redistribute_static=redistribute, distribute_list=dlist
                ),
                static_routes=sorted(statics, key=lambda s: s.prefix),
                access_lists=acls,
            )
        )
    return AsBuilt(
        province=plan.province,
        blocks=blocks,
        routers=routers,
        lans=numbering.lans,
        regions=numbering.regions,
        hosts=_hosts(plan, numbering),
        quirks=_quirks(routers, choices),
    )


# --------------------------------------------------------------------------- rendering


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATE_DIR)),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,
    )


def frr_config(router: AsBuiltRouter) -> str:
    """The ``frr.conf`` of a legacy router (``templates/legacy-frr.conf.j2``)."""
    return _environment().get_template(TEMPLATE).render(r=router)


def frr_configs(built: AsBuilt, hostnames: Iterable[str] | None = None) -> dict[str, str]:
    """``frr.conf`` text of the FRR routers of ``built`` (all, or ``hostnames``), by hostname."""
    wanted = None if hostnames is None else set(hostnames)
    return {
        r.hostname: frr_config(r)
        for r in built.routers
        if r.platform == "frr" and (wanted is None or r.hostname in wanted)
    }


# --------------------------------------------------------------------------- the lab


def legacy_topology(topo: LabTopology, built: AsBuilt) -> LabTopology:
    """``topo`` (the greenfield lab) turned into the legacy lab of ``built``.

    Routers boot with their as-built ``frr.conf``, get their spare interfaces and run
    lldpd; VMs and LAN clients get their as-built IPv4 address and default route only.
    The wiring (namespaces, links, bridges, daemons) stays the greenfield lab's.
    """
    hosts: list[LabHost] = []
    for lab_host in topo.hosts:
        if lab_host.kind == "router":
            router = built.router(lab_host.name)
            update: dict[str, object] = {"spare_interfaces": router.spare_interfaces, "lldpd": True}
            if lab_host.frr:
                update["startup_config"] = frr_config(router)
            hosts.append(lab_host.model_copy(update=update))
        else:
            entry = built.host(lab_host.name)
            hosts.append(
                lab_host.model_copy(
                    update={
                        "addresses": [entry.address],
                        "gateway4": entry.gateway,
                        "gateway6": None,
                    }
                )
            )
    return topo.model_copy(update={"hosts": hosts, "legacy": True})
