"""The address plan: the typed output of ``netauto plan`` that every later stage reads.

Render, lab, push and verify consume a :class:`Plan` (plus the SoT); none of them
allocates an address of its own.
"""

import ipaddress
from collections.abc import Callable, Iterable, Mapping
from typing import Literal, NamedTuple, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from netauto.sot.models import Family, LanFunction, Platform, Role, SiteKind

InterfaceKind = Literal["loopback", "p2p", "lan"]


_T = TypeVar("_T")


def _first_by(items: Iterable[_T], key: Callable[[_T], str]) -> dict[str, _T]:
    """Index ``items`` by ``key``; the first of equal keys wins (as a linear search would).

    Examples:
        >>> _first_by(["ab", "ac", "b"], lambda s: s[0])
        {'a': 'ab', 'b': 'b'}
    """
    index: dict[str, _T] = {}
    for item in items:
        index.setdefault(key(item), item)
    return index


class PlanModel(BaseModel):
    # Empty defaults come from ``lambda: []`` / ``lambda: {}``, not ``list`` / ``dict``:
    # pydantic reads each default factory's signature when it builds the schema, and for a
    # builtin that means parsing its C signature text (~5.7 ms per plan run in all).
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class InterfacePlan(PlanModel):
    """One configured interface of a device, with exactly the addresses it must carry."""

    name: str
    kind: InterfaceKind
    description: str = ""
    ipv4: ipaddress.IPv4Interface | None = None
    ipv6: ipaddress.IPv6Interface | None = None
    link_id: str | None = None
    peer: str | None = Field(None, description="hostname at the other end of a p2p link")
    peer_interface: str | None = None
    lan: str | None = Field(None, description="LAN key (name or function) for LAN interfaces")
    vlan: int | None = None
    ipv6_mode: Literal["slaac", "dhcpv6"] | None = None


class DevicePlan(PlanModel):
    hostname: str
    site_id: int
    site: str = Field(description="site slug")
    platform: Platform
    role: Role
    loopback4: ipaddress.IPv4Interface
    loopback6: ipaddress.IPv6Interface
    interfaces: list[InterfacePlan]

    def interface(self, name: str) -> InterfacePlan:
        for iface in self.interfaces:
            if iface.name == name:
                return iface
        raise KeyError(name)


class LanPlan(PlanModel):
    key: str
    function: LanFunction
    vlan: int
    device: str
    interface: str
    ipv4: ipaddress.IPv4Network
    ipv6: ipaddress.IPv6Network
    gateway4: ipaddress.IPv4Address
    gateway6: ipaddress.IPv6Address
    ipv6_mode: Literal["slaac", "dhcpv6"] = "slaac"


class SitePlan(PlanModel):
    site_id: int
    slug: str
    name: str
    kind: SiteKind
    hub: str | None
    commune_code: str | None
    zone: str
    prefix6: ipaddress.IPv6Network
    lans: list[LanPlan]
    devices: list[str]


class LinkEndPlan(PlanModel):
    device: str
    interface: str
    ipv4: ipaddress.IPv4Interface
    ipv6: ipaddress.IPv6Interface


class LinkPlan(PlanModel):
    id: str
    reserved6: ipaddress.IPv6Network = Field(description="the /64 kept for the link")
    network4: ipaddress.IPv4Network = Field(description="the /31")
    a: LinkEndPlan
    b: LinkEndPlan


class VmPlan(PlanModel):
    name: str
    site: str
    network: str
    cluster: str
    services: list[str]
    ipv4: ipaddress.IPv4Interface
    ipv6: ipaddress.IPv6Interface
    gateway4: ipaddress.IPv4Address
    gateway6: ipaddress.IPv6Address


class PoolUsage(PlanModel):
    """Utilisation of one pool (a zone, a hub's sites, an IPv4 pool)."""

    pool: str
    family: Family
    prefix: str
    used: int
    capacity: int

    @property
    def percent(self) -> float:
        return 100.0 * self.used / self.capacity if self.capacity else 100.0


class Plan(PlanModel):
    province: str
    province_code: int
    allocation6: ipaddress.IPv6Network
    sites: list[SitePlan]
    devices: list[DevicePlan]
    links: list[LinkPlan]
    vms: list[VmPlan]
    usage: list[PoolUsage] = Field(default_factory=lambda: [])

    def device(self, hostname: str) -> DevicePlan:
        """The plan of device ``hostname`` (KeyError if none)."""
        return _index_of(self).devices[hostname]

    def site(self, slug: str) -> SitePlan:
        """The plan of site ``slug`` (KeyError if none)."""
        return _index_of(self).sites[slug]

    def link(self, link_id: str) -> LinkPlan | None:
        """The plan of link ``link_id`` (None if none)."""
        return _index_of(self).links.get(link_id)

    def link_table(self) -> Mapping[str, LinkPlan]:
        """Every link by its ID (computed once per plan; do not modify)."""
        return _index_of(self).links

    def device_sites(self) -> Mapping[str, str]:
        """The site slug of every device, by hostname (computed once per plan)."""
        return _index_of(self).device_sites


class _PlanIndex(NamedTuple):
    devices: dict[str, DevicePlan]
    sites: dict[str, SitePlan]
    links: dict[str, LinkPlan]
    device_sites: dict[str, str]


_INDEXES: dict[int, tuple[Plan, _PlanIndex]] = {}
"""Lookup tables of the last plans asked (a plan is frozen, so they never go stale). Kept
outside the model: a private attribute would take part in ``==`` and pickling."""


def _index_of(plan: Plan) -> _PlanIndex:
    entry = _INDEXES.get(id(plan))
    if entry is not None and entry[0] is plan:
        return entry[1]
    index = _PlanIndex(
        devices=_first_by(plan.devices, lambda d: d.hostname),
        sites=_first_by(plan.sites, lambda s: s.slug),
        links=_first_by(plan.links, lambda link: link.id),
        device_sites={d.hostname: d.site for d in plan.devices},
    )
    if len(_INDEXES) >= 8:
        _INDEXES.pop(next(iter(_INDEXES)))
    _INDEXES[id(plan)] = (plan, index)  # holding the plan keeps its id from being reused
    return index
