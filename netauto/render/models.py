"""Typed data of the render stage: what templates receive and what rendering produces.

The template context (:class:`DeviceContext`, :class:`VmContext`) is computed in Python
from the SoT and the plan; templates only format it. Nothing here allocates an address or
invents an interface name: every name and address comes from the plan.
"""

import ipaddress
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from netauto.sot.models import Family, Platform, Role

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
Severity = Literal["error", "warning"]
Routing = Literal["ospf", "bgp"]
Proto = Literal["tcp", "udp"]


class RenderModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class FilterEntry(RenderModel):
    """One line of a reachability filter; first match wins, in SoT policy order."""

    action: Literal["permit", "deny"]
    family: Family
    destination: IPNetwork
    proto: Proto | None = Field(None, description="None: any IP protocol")
    port: int | None = None
    rule: int = Field(description="index of the SoT policy rule this entry comes from")
    remark: str = ""


class FilterSet(RenderModel):
    """The filter of one family applied inbound on a device's LAN interfaces.

    Anything no entry matches is permitted: the SoT policy lists the paths it opens and
    the paths it closes, it is not a whitelist of everything a LAN may reach.
    """

    name: str
    family: Family
    entries: list[FilterEntry]
    interfaces: list[str] = Field(description="LAN interfaces the filter is applied on")


class WanInterface(RenderModel):
    name: str
    description: str
    ipv4: ipaddress.IPv4Interface | None
    ipv6: ipaddress.IPv6Interface | None
    secondary4: list[ipaddress.IPv4Interface] = Field(
        default_factory=lambda: [], description="imported secondary IPv4 addresses, in order"
    )
    shutdown: bool = Field(False, description="imported: administratively down")
    peer: str | None
    peer_interface: str | None
    routing: Routing = "ospf"
    peer_ipv4: ipaddress.IPv4Address | None = None
    peer_ipv6: ipaddress.IPv6Address | None = None
    peer_asn: int | None = None


class LanInterface(RenderModel):
    name: str
    description: str
    key: str
    vlan: int | None
    ipv4: ipaddress.IPv4Interface | None
    ipv6: ipaddress.IPv6Interface | None
    network4: ipaddress.IPv4Network | None
    network6: ipaddress.IPv6Network | None
    ipv6_mode: Literal["slaac", "dhcpv6"] = "slaac"
    secondary4: list[ipaddress.IPv4Interface] = Field(
        default_factory=lambda: [], description="imported secondary IPv4 addresses, in order"
    )
    shutdown: bool = Field(False, description="imported: administratively down")


class ManagementContext(RenderModel):
    domain: str | None
    ntp: list[str]
    syslog: list[str]
    dns6: list[ipaddress.IPv6Address]
    dns4: list[ipaddress.IPv4Address]
    ssh4: list[ipaddress.IPv4Network]
    ssh6: list[ipaddress.IPv6Network]


class BgpContext(RenderModel):
    """eBGP on this device: its AS and what it originates (WAN peers carry their own AS)."""

    asn: int
    networks4: list[ipaddress.IPv4Network]
    networks6: list[ipaddress.IPv6Network]
    default_originate: bool = Field(False, description="hubs send a default route to eBGP sites")


class SpareInterface(RenderModel):
    """An interface the running device has and the plan does not (a spare port): kept as
    the import saw it."""

    name: str
    description: str | None = None
    addresses4: list[ipaddress.IPv4Interface] = Field(
        default_factory=lambda: [], description="as configured, the first one primary"
    )
    shutdown: bool = False


class StaticRoute4(RenderModel):
    """An imported IPv4 static route (kept as it runs)."""

    prefix: ipaddress.IPv4Network
    next_hop: ipaddress.IPv4Address | None = None
    interface: str | None = Field(None, description="outgoing interface, never a discard one")
    discard: Literal["blackhole", "Null0"] | None = Field(
        None, description="a discard route, in the form the running config writes it"
    )
    distance: int | None = None


class LegacyFilterEntry(RenderModel):
    seq: int = Field(description="as the device numbers it (FRR's own numbering if unset)")
    action: Literal["permit", "deny"]
    prefix: ipaddress.IPv4Network | None = Field(None, description="None: any")


class LegacyFilter(RenderModel):
    """An imported IPv4 access-list or prefix-list (kept as it runs)."""

    name: str
    kind: Literal["access-list", "prefix-list"]
    entries: list[LegacyFilterEntry]


class DistributeList(RenderModel):
    name: str
    direction: Literal["in", "out"]
    protocol: Literal["static", "connected", "kernel", "bgp"] | None = None


class LegacyConfig(RenderModel):
    """What the running device does that the plan does not model, from the SoT's
    ``imported`` section: rendered back as it runs, so a candidate keeps every IPv4 line.

    Empty for a device that was not imported (a greenfield device renders as before).
    """

    imported: bool = Field(False, description="the SoT's imported section has this device")
    spare: list[SpareInterface] = Field(default_factory=lambda: [])
    static_routes: list[StaticRoute4] = Field(default_factory=lambda: [])
    filters: list[LegacyFilter] = Field(default_factory=lambda: [])
    redistribute: list[Literal["kernel", "connected", "static", "bgp"]] = Field(
        default_factory=lambda: [],
        description="into OSPFv2, in FRR's order; bgp only when netauto does not already",
    )
    distribute_lists: list[DistributeList] = Field(default_factory=lambda: [])


class DeviceContext(RenderModel):
    """Everything a device template may use."""

    hostname: str
    platform: Platform
    role: Role
    site: str
    site_name: str
    site_kind: str
    province: str
    router_id: ipaddress.IPv4Address
    loopback_name: str
    loopback4: ipaddress.IPv4Interface
    loopback6: ipaddress.IPv6Interface
    loopback_description: str | None = Field(None, description="imported")
    loopback_secondary4: list[ipaddress.IPv4Interface] = Field(
        default_factory=lambda: [], description="imported"
    )
    wan: list[WanInterface]
    lans: list[LanInterface]
    ospf: bool
    bgp: BgpContext | None
    management: ManagementContext
    filters: list[FilterSet]
    header: list[str]
    legacy: LegacyConfig = Field(default_factory=lambda: LegacyConfig())


class VmContext(RenderModel):
    """A data-centre Linux VM's network settings, for the playbooks."""

    name: str
    site: str
    network: str
    services: list[str]
    ipv4: ipaddress.IPv4Interface
    ipv6: ipaddress.IPv6Interface
    gateway4: ipaddress.IPv4Address
    gateway6: ipaddress.IPv6Address
    dns: list[ipaddress.IPv4Address | ipaddress.IPv6Address]
    domain: str | None
    header: list[str]


class RenderedFile(RenderModel):
    """One output file: its name in the output directory, its text, the templates used."""

    filename: str
    text: str
    templates: list[str]


class RenderedConfig(RenderModel):
    """The rendered configuration of one device or VM (plus side files such as nftables)."""

    hostname: str
    platform: Platform
    kind: Literal["device", "vm"] = "device"
    text: str
    filename: str
    templates: list[str]
    extra: list[RenderedFile] = Field(default_factory=list)

    def files(self) -> list[RenderedFile]:
        """The main config first, then the side files."""
        main = RenderedFile(filename=self.filename, text=self.text, templates=self.templates)
        return [main, *self.extra]


class Finding(RenderModel):
    """One problem an offline check found in a rendered config."""

    hostname: str
    check: Literal["addresses", "blocks", "parity", "ssh", "syntax", "template"]
    severity: Severity = "error"
    message: str

    def __str__(self) -> str:
        return f"{self.hostname}: {self.check}: {self.message}"


class RenderOptions(RenderModel):
    """Render choices on top of the SoT (command-line overrides)."""

    ebgp_sites: frozenset[str] = Field(
        default_factory=frozenset,
        description="site slugs that talk eBGP to their hub, added to the SoT's ebgp sites",
    )
    asn_base: int = Field(
        4_200_000_000, description="private 4-byte ASN base; ASN = base + site_id"
    )
