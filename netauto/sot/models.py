"""The source-of-truth schema (pydantic v2).

One province: its addressing policy, its services and reachability policy, its sites
(data centre, hubs, communes, departments) with devices and LAN segments, the WAN links
between devices, and the data-centre VMs.

Identity rules that keep addressing stable:

* ``site_id`` is the stable identity of a physical site; addresses hang off it and it
  never changes. ``slug`` is the readable handle other entries refer to.
* Official commune codes, the former district, the parent hub and merge history are
  metadata: changing them must never renumber anything.
"""

import datetime as dt
import difflib
import ipaddress
from typing import Annotated, Any, Literal, Self

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator

from netauto import platforms


def _known_platform(value: str) -> str:
    if value not in platforms.names():
        close = difflib.get_close_matches(value, platforms.names(), n=1, cutoff=0.5)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        raise ValueError(
            f"unknown platform {value!r}: expected one of {', '.join(platforms.names())}{hint}"
        )
    return value


Platform = Annotated[str, AfterValidator(_known_platform)]
"""A platform of :mod:`netauto.platforms` (``frr``, ``cisco_ios``, ...)."""
SiteKind = Literal["data-centre", "hub", "commune", "department"]
SITE_KINDS: tuple[str, ...] = ("data-centre", "hub", "commune", "department")
LanFunction = Literal["office", "wifi", "camera", "mgmt", "server", "voice", "guest"]
Family = Literal["ipv4", "ipv6"]
FAMILIES: tuple[Family, ...] = ("ipv4", "ipv6")
Role = Literal["core", "hub", "cpe", "router"]

NAME_PATTERN = r"^[a-z0-9][a-z0-9-]{0,62}$"
Name = Annotated[str, Field(pattern=NAME_PATTERN)]
"""Hostnames, slugs and other handles: lowercase letters, digits and '-'."""

#: Site groups every policy may name without defining them.
BUILTIN_GROUPS: dict[str, str] = {
    "communes": "commune",
    "hubs": "hub",
    "departments": "department",
    "data-centre": "data-centre",
}


class Model(BaseModel):
    """Base of every SoT model: unknown fields are errors (typos never pass silently)."""

    # Empty defaults come from ``lambda: []`` / ``lambda: {}``, not ``list`` / ``dict``:
    # pydantic reads each default factory's signature when it builds the schema, and for a
    # builtin that means parsing its C signature text (~5.7 ms per plan run in all).
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class Province(Model):
    name: str = Field(min_length=1)
    code: int = Field(ge=1, le=99, description="official province code (GSO)")
    structure: Literal["two-level", "three-level"] = Field(
        "two-level",
        description="two-level: province > commune (since 1 July 2025); "
        "three-level: province > district > commune (legacy data)",
    )


DEFAULT_ZONES: dict[str, int] = {
    "infra": 0,
    "data-centre": 1,
    "department": 2,
    "hub": 3,
    "commune": 4,
}


class IPv6Policy(Model):
    allocation: ipaddress.IPv6Network = Field(description="the province's IPv6 block, e.g. a /40")
    zone_prefix: int | None = Field(
        None, ge=8, le=60, description="zone size; default: allocation length + 4 (one nibble)"
    )
    site_prefix: int = Field(56, ge=44, le=60)
    zones: dict[str, int] = Field(
        default_factory=lambda: dict(DEFAULT_ZONES),
        description="zone name -> index of the zone inside the allocation",
    )

    @field_validator("allocation")
    @classmethod
    def _allocation_size(cls, value: ipaddress.IPv6Network) -> ipaddress.IPv6Network:
        if value.prefixlen > 48:
            raise ValueError(f"allocation {value} is too small: expected a /48 or larger")
        if value.prefixlen % 4:
            raise ValueError(f"allocation {value} must end on a nibble boundary (/32, /36, /40...)")
        return value

    @model_validator(mode="after")
    def _sizes(self) -> Self:
        zone = self.effective_zone_prefix
        if zone % 4:
            raise ValueError(f"zone_prefix /{zone} must be on a nibble boundary")
        if not self.allocation.prefixlen < zone < self.site_prefix:
            raise ValueError(
                f"expected allocation /{self.allocation.prefixlen} < zone /{zone} "
                f"< site /{self.site_prefix}"
            )
        if self.site_prefix % 4:
            raise ValueError(f"site_prefix /{self.site_prefix} must be on a nibble boundary")
        capacity = 2 ** (zone - self.allocation.prefixlen)
        for name, index in self.zones.items():
            if not 0 <= index < capacity:
                raise ValueError(f"zone {name!r} index {index} outside 0..{capacity - 1}")
        if len(set(self.zones.values())) != len(self.zones):
            raise ValueError("two zones share one index")
        return self

    @property
    def effective_zone_prefix(self) -> int:
        return self.zone_prefix or self.allocation.prefixlen + 4


class IPv4Policy(Model):
    supernets: list[ipaddress.IPv4Network] = Field(
        min_length=1, description="existing IPv4 blocks the province may use"
    )
    lan_prefix: int = Field(26, ge=16, le=30, description="default size of a LAN subnet")
    vm_prefix: int = Field(24, ge=16, le=29, description="default size of a DC VM network")


class Addressing(Model):
    ipv6: IPv6Policy
    ipv4: IPv4Policy


class Management(Model):
    domain: str | None = None
    ntp: list[str] = Field(default_factory=lambda: [])
    syslog: list[str] = Field(default_factory=lambda: [])
    dns: list[ipaddress.IPv4Address | ipaddress.IPv6Address] = Field(default_factory=lambda: [])
    networks: list[ipaddress.IPv4Network | ipaddress.IPv6Network] = Field(
        default_factory=lambda: [], description="networks SSH to devices is allowed from"
    )


class ServicePort(Model):
    proto: Literal["tcp", "udp"] = "tcp"
    port: int = Field(ge=1, le=65535)


class Service(Model):
    description: str = ""
    ports: list[ServicePort] = Field(default_factory=lambda: [])


class PolicyRule(Model):
    """Which group must reach which services or groups; ``deny`` closes a path instead."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, defer_build=True)

    source: str = Field(alias="from")
    to: list[str]
    families: list[Family] = Field(default_factory=lambda: list(FAMILIES), min_length=1)
    deny: bool = False
    description: str = ""

    @field_validator("to", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value


class Group(Model):
    """A named set of sites, by slug and/or by hub."""

    sites: list[str] = Field(default_factory=lambda: [])
    hubs: list[str] = Field(default_factory=lambda: [])
    kinds: list[SiteKind] = Field(default_factory=lambda: [])


class MergeRecord(Model):
    """A commune that was merged into this site's commune (metadata only)."""

    commune_code: str | None = None
    name: str
    date: dt.date | None = None


class Device(Model):
    hostname: Name
    platform: Platform = "frr"
    role: Role | None = Field(None, description="default: from the site kind")
    mgmt_address: ipaddress.IPv4Address | ipaddress.IPv6Address | None = None
    lab_name: str | None = Field(None, description="name in the virtual lab, if not the hostname")
    model: str | None = None
    serial: str | None = None


class Lan(Model):
    function: LanFunction
    name: Name | None = Field(None, description="default: the function")
    vlan: int = Field(ge=1, le=4094)
    device: Name | None = Field(
        None, description="router serving the LAN; default: the site's first"
    )
    interface: str | None = None
    ipv4: ipaddress.IPv4Network | None = Field(None, description="fixed IPv4 subnet, if any")
    ipv4_prefix: int | None = Field(None, ge=16, le=30)
    ipv6_mode: Literal["slaac", "dhcpv6"] = "slaac"

    @property
    def key(self) -> str:
        return self.name or self.function


class Site(Model):
    site_id: int = Field(ge=1, le=1_000_000, description="stable forever; addresses hang off it")
    slug: Name
    kind: SiteKind
    name: str = Field(min_length=1)
    commune_code: str | None = Field(None, pattern=r"^[0-9]{5}$")
    commune_role: Literal["primary", "annex"] = "primary"
    district: str | None = Field(None, description="district (three-level structure)")
    former_district: str | None = None
    merged_from: list[MergeRecord] = Field(default_factory=lambda: [])
    hub: Name | None = Field(None, description="slug of the aggregation hub serving this site")
    routing: Literal["ospf", "ebgp"] = Field(
        "ospf",
        description="how this site's router talks to its hub: OSPFv2 + OSPFv3 (default) or "
        "dual-stack eBGP (a private ASN from the site_id; the hub sends it a default route)",
    )
    devices: list[Device] = Field(default_factory=lambda: [])
    lans: list[Lan] = Field(default_factory=lambda: [])


class TopDevice(Device):
    """A device written outside its site (``devices:`` at the top of a file)."""

    site: Name


class LinkEnd(Model):
    device: Name
    interface: str | None = None
    ipv4: ipaddress.IPv4Interface | None = Field(None, description="fixed IPv4 /31, if any")


def _end(value: Any) -> Any:
    """Accept ``"hostname"`` or ``"hostname:interface"`` for a link end."""
    if isinstance(value, str):
        device, _, interface = value.partition(":")
        return {"device": device, "interface": interface or None}
    return value


class Link(Model):
    id: Name | None = Field(None, description="stable link id; default: '<a>--<b>'")
    a: LinkEnd
    b: LinkEnd
    circuit_id: str | None = None
    provider: str | None = None
    bandwidth_mbps: int | None = Field(None, ge=1)

    @field_validator("a", "b", mode="before")
    @classmethod
    def _short_end(cls, value: Any) -> Any:
        return _end(value)

    @property
    def key(self) -> str:
        return self.id or f"{self.a.device}--{self.b.device}"


class VM(Model):
    name: Name
    site: Name | None = Field(None, description="data-centre site slug; default: the only one")
    cluster: str = "default"
    network: Name = Field(description="name of a LAN of the data-centre site")
    services: list[str] = Field(default_factory=lambda: [])
    os: str = "debian-12"
    ipv4: ipaddress.IPv4Address | None = Field(None, description="fixed IPv4 address, if any")


InterfaceName = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9/._:-]{0,63}$")]
"""A device's interface name as the device writes it (``eth0``, ``GigabitEthernet0/0/1``)."""
FilterName = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")]
"""The name of an access-list or prefix-list."""
OneLineText = Annotated[str, Field(pattern=r"^[^\x00-\x1f\x7f]*$", max_length=240)]
"""Printable text on one line: no newline, carriage return or other control character."""


LanRef = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{0,62}/[a-z0-9][a-z0-9-]{0,62}$")]
"""A LAN by its site and key: ``<site slug>/<LAN key>``."""


class ImportedInterface(Model):
    """What a device's interface carries that the plan does not model (kept as it is)."""

    name: InterfaceName
    description: OneLineText | None = None
    secondary: list[ipaddress.IPv4Interface] = Field(
        default_factory=lambda: [], description="secondary IPv4 addresses, in order"
    )
    shutdown: bool = Field(False, description="administratively down")


class ImportedStaticRoute(Model):
    prefix: ipaddress.IPv4Network
    next_hop: ipaddress.IPv4Address | None = None
    interface: InterfaceName | None = None
    blackhole: bool = Field(False, description="Null0 / blackhole")
    distance: int | None = Field(None, ge=1, le=255)


class ImportedFilterEntry(Model):
    seq: int | None = Field(None, ge=1, le=4294967295)
    action: Literal["permit", "deny"]
    prefix: ipaddress.IPv4Network | None = Field(None, description="None: any")


class ImportedFilter(Model):
    """An access-list or prefix-list the device has (kept as it is)."""

    name: FilterName
    kind: Literal["access-list", "prefix-list"] = "access-list"
    entries: list[ImportedFilterEntry]


class ImportedDistributeList(Model):
    name: FilterName
    direction: Literal["in", "out"] = "out"
    protocol: Literal["static", "connected", "kernel", "bgp"] | None = None


class ImportedOspf(Model):
    """What the device's OSPFv2 process does beyond the plan (kept as it is)."""

    router_id: ipaddress.IPv4Address | None = None
    redistribute: list[Literal["static", "connected", "kernel", "bgp"]] = Field(
        default_factory=lambda: []
    )
    distribute_lists: list[ImportedDistributeList] = Field(default_factory=lambda: [])


class ImportedDevice(Model):
    """One device as it runs: its loopback address and the configuration netauto keeps."""

    loopback: ipaddress.IPv4Interface | None = None
    interfaces: list[ImportedInterface] = Field(default_factory=lambda: [])
    static_routes: list[ImportedStaticRoute] = Field(default_factory=lambda: [])
    filters: list[ImportedFilter] = Field(default_factory=lambda: [])
    ospf: ImportedOspf | None = None


class ImportedLink(Model):
    """The addresses a SoT link's two ends carry (``a`` and ``b`` as the link names them)."""

    a: ipaddress.IPv4Interface
    b: ipaddress.IPv4Interface


class Imported(Model):
    """The running network as ``netauto import`` found it: every existing IPv4 address is
    kept by the plan, and what the SoT does not model is rendered back as it was.

    Keys are SoT identities: device hostnames, link ids (``links[].id`` or ``a--b``), LANs as
    ``<site slug>/<LAN key>``, VM names. Written by ``netauto import --write`` (usually into
    ``imported.yml``); review it as a git diff.
    """

    source: OneLineText = ""
    devices: dict[Name, ImportedDevice] = Field(default_factory=lambda: {})
    links: dict[Name, ImportedLink] = Field(default_factory=lambda: {})
    lans: dict[LanRef, ipaddress.IPv4Interface] = Field(
        default_factory=lambda: {},
        description="the router's address on each LAN, with the LAN's prefix",
    )
    vms: dict[Name, ipaddress.IPv4Interface] = Field(default_factory=lambda: {})


class SoT(Model):
    """The whole source of truth once every file is merged."""

    province: Province
    addressing: Addressing
    management: Management = Field(default_factory=Management)
    services: dict[Name, Service] = Field(default_factory=lambda: {})
    groups: dict[Name, Group] = Field(default_factory=lambda: {})
    policy: list[PolicyRule] = Field(default_factory=lambda: [])
    sites: list[Site] = Field(default_factory=lambda: [])
    devices: list[TopDevice] = Field(default_factory=lambda: [])
    links: list[Link] = Field(default_factory=lambda: [])
    vms: list[VM] = Field(default_factory=lambda: [])
    imported: Imported = Field(default_factory=Imported)

    # Convenience views (computed on demand; the model is frozen).
    def site_by_slug(self) -> dict[str, Site]:
        return {s.slug: s for s in self.sites}

    def all_devices(self) -> list[tuple[Site, Device]]:
        """Every router with its site, top-level ``devices:`` entries included."""
        sites = self.site_by_slug()
        out = [(site, dev) for site in self.sites for dev in site.devices]
        out += [(sites[d.site], d) for d in self.devices if d.site in sites]
        return out

    def device_role(self, site: Site, device: Device) -> Role:
        """The device's role: as written, else from its site's kind."""
        return device.role or DEFAULT_ROLES[site.kind]


DEFAULT_ROLES: dict[str, Role] = {
    "data-centre": "core",
    "hub": "hub",
    "commune": "cpe",
    "department": "cpe",
}
