"""The address plan: the typed output of ``netauto plan`` that every later stage reads.

Render, lab, push and verify consume a :class:`Plan` (plus the SoT); none of them
allocates an address of its own.
"""

from __future__ import annotations

import ipaddress
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from netauto.sot.models import Family, LanFunction, Platform, Role, SiteKind

InterfaceKind = Literal["loopback", "p2p", "lan"]


class PlanModel(BaseModel):
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
    usage: list[PoolUsage] = Field(default_factory=list)

    def device(self, hostname: str) -> DevicePlan:
        for dev in self.devices:
            if dev.hostname == hostname:
                return dev
        raise KeyError(hostname)

    def site(self, slug: str) -> SitePlan:
        for site in self.sites:
            if site.slug == slug:
                return site
        raise KeyError(slug)
