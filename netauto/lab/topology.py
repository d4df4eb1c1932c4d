"""The pure core of the lab: what to build, computed from the plan with no I/O.

:func:`build_topology` turns a :class:`~netauto.plan.models.Plan` (plus the SoT's service
ports) into a :class:`LabTopology`: one network namespace per router, per data-centre VM
and per LAN client, the veth pairs of the WAN links, the LAN bridges and their ports.
The executor (:mod:`netauto.lab.runner`) only carries it out.

Routers get *no* addresses: a lab router starts as a factory-fresh box (interface names,
link state, LAN bridges) and receives its configuration from ``netauto push``. Only VMs and
LAN clients, which stand for end hosts, get their addresses and default routes here.
"""

from __future__ import annotations

import hashlib
import ipaddress
from collections.abc import Iterable
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from netauto import platforms
from netauto.errors import InputError, Problem
from netauto.lab import naming
from netauto.plan import routing
from netauto.plan.models import LanPlan, Plan
from netauto.sot.models import SoT

HostKind = Literal["router", "vm", "client"]
"""Platforms the lab can run for real (others are left out, with a note)."""
FRR_DAEMONS = ("zebra", "staticd", "ospfd", "ospf6d", "bgpd")
"""FRR daemons a lab router may run (zebra first)."""
BGP_DAEMON = "bgpd"
"""Started only on routers with an eBGP link (:func:`netauto.plan.routing.bgp_routers`)."""
CLIENT_HOST_INDEX = 10
"""A LAN client takes the LAN's .10 and ::10 (the next free one if taken)."""


class LabModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ServiceEndpoint(LabModel):
    """One service port a VM answers on (through the lab's TCP/UDP responder)."""

    service: str
    proto: Literal["tcp", "udp"]
    port: int


class LabHost(LabModel):
    """One namespace of the lab: a router, a data-centre VM or a LAN client."""

    name: str = Field(description="hostname (routers, VMs) or client name")
    kind: HostKind
    namespace: str
    platform: str = Field(description="'frr' for FRR routers, 'linux' otherwise")
    site: str
    ssh: bool = Field(description="runs an sshd reachable through the lab's ssh_config")
    daemons: list[str] = Field(
        default_factory=list,
        description="FRR daemons it runs, zebra first (bgpd only with an eBGP link); none: no FRR",
    )
    interfaces: list[str] = Field(
        default_factory=list, description="interfaces to bring up, besides lo"
    )
    addresses: list[ipaddress.IPv4Interface | ipaddress.IPv6Interface] = Field(default_factory=list)
    gateway4: ipaddress.IPv4Address | None = None
    gateway6: ipaddress.IPv6Address | None = None
    router: str | None = Field(None, description="router whose LAN this host sits on")
    lan: str | None = Field(None, description="LAN key (VMs: the VM network)")
    services: list[ServiceEndpoint] = Field(default_factory=list)
    startup_config: str | None = Field(
        None,
        description="frr.conf the router boots with (legacy lab); None: factory-fresh",
    )
    spare_interfaces: list[str] = Field(
        default_factory=list, description="unplugged ports (TAP devices), left down (legacy lab)"
    )
    lldpd: bool = Field(False, description="runs lldpd (legacy lab routers)")

    @property
    def frr(self) -> bool:
        """Whether the host runs FRR at all."""
        return bool(self.daemons)


def router_daemons(bgp: bool) -> list[str]:
    """The FRR daemons of a lab router, in start order (zebra first).

    A router runs ``bgpd`` only when its configuration has ``router bgp``: bgpd is the
    biggest daemon (~7 MB PSS per router), and most sites talk OSPF to their hub.

    Examples:
        >>> router_daemons(bgp=False)
        ['zebra', 'staticd', 'ospfd', 'ospf6d']
        >>> router_daemons(bgp=True)[-1]
        'bgpd'
    """
    return [d for d in FRR_DAEMONS if bgp or d != BGP_DAEMON]


class Veth(LabModel):
    """A veth pair between two namespaces (a WAN link or a LAN attachment)."""

    purpose: str = Field(description="link id, or 'lan:<router>:<lan>' for attachments")
    ns_a: str
    if_a: str
    ns_b: str
    if_b: str


class Bridge(LabModel):
    """A LAN of a router: a Linux bridge named as the plan says, in the router's namespace."""

    namespace: str
    name: str
    ports: list[str] = Field(default_factory=list)


class LabTopology(LabModel):
    """Everything one lab consists of; the executor creates exactly this, nothing else."""

    prefix: str
    province: str
    hosts: list[LabHost]
    veths: list[Veth]
    bridges: list[Bridge]
    notes: list[str] = Field(default_factory=list, description="what was left out, and why")
    legacy: bool = Field(
        False, description="the as-built (pre-netauto) network: `lab up --legacy`"
    )

    def host(self, name: str) -> LabHost:
        for host in self.hosts:
            if name in (host.name, host.namespace):
                return host
        raise KeyError(name)

    @property
    def namespaces(self) -> list[str]:
        return [h.namespace for h in self.hosts]

    def fingerprint(self) -> str:
        """A short digest of the topology: equal digests mean an identical lab."""
        return hashlib.sha256(self.model_dump_json().encode()).hexdigest()[:16]


def select_sites(plan: Plan, sites: Iterable[str] = (), hubs: int | None = None) -> list[str]:
    """The slugs of the sites a lab includes, in plan order.

    With neither option: every site. ``hubs=N``: the data centre, the first N hubs (by
    site id) and every site they serve. ``sites``: the named sites (slugs or router
    hostnames), plus their hub and the data centre, so that the subset stays connected.
    Both options together: the union.
    """
    wanted = list(sites)
    if not wanted and hubs is None:
        return [s.slug for s in plan.sites]
    by_slug = {s.slug: s for s in plan.sites}
    by_host = {h: s.slug for s in plan.sites for h in s.devices}
    chosen = {s.slug for s in plan.sites if s.kind == "data-centre"}
    problems: list[Problem] = []
    if hubs is not None:
        if hubs < 0:
            problems.append(Problem(None, None, "--hubs", f"must be 0 or more, not {hubs}"))
        hub_sites = sorted((s for s in plan.sites if s.kind == "hub"), key=lambda s: s.site_id)
        keep = {s.slug for s in hub_sites[: max(hubs, 0)]}
        chosen |= keep
        chosen |= {s.slug for s in plan.sites if s.hub in keep}
    for name in wanted:
        slug = name if name in by_slug else by_host.get(name)
        if slug is None:
            known = ", ".join(sorted(by_slug)[:8])
            problems.append(
                Problem(
                    None,
                    None,
                    "--sites",
                    f"unknown site or router {name!r}",
                    hint=f"use a site slug or a router hostname, e.g. {known}",
                )
            )
            continue
        chosen.add(slug)
        hub = by_slug[slug].hub
        if hub is not None and hub in by_slug:
            chosen.add(hub)
    if problems:
        raise InputError(problems)
    return [s.slug for s in plan.sites if s.slug in chosen]


def client_addresses(
    lan: LanPlan, taken: set[ipaddress.IPv4Address | ipaddress.IPv6Address]
) -> tuple[ipaddress.IPv4Interface, ipaddress.IPv6Interface]:
    """The LAN client's addresses: .10 and ::10 of the LAN, or the next ones not taken.

    Examples:
        >>> import ipaddress as ip
        >>> lan = LanPlan(key="office", function="office", vlan=10, device="r1",
        ...     interface="lan10", ipv4=ip.ip_network("10.0.0.0/26"),
        ...     ipv6=ip.ip_network("2001:db8:0:10::/64"), gateway4=ip.ip_address("10.0.0.1"),
        ...     gateway6=ip.ip_address("2001:db8:0:10::1"))
        >>> [str(a) for a in client_addresses(lan, set())]
        ['10.0.0.10/26', '2001:db8:0:10::10/64']
        >>> [str(a) for a in client_addresses(lan, {ip.ip_address("10.0.0.10")})]
        ['10.0.0.11/26', '2001:db8:0:10::10/64']
    """
    taken = set(taken) | {lan.gateway4, lan.gateway6}
    last4 = int(lan.ipv4.broadcast_address) - int(lan.ipv4.network_address) - 1
    index4 = min(CLIENT_HOST_INDEX, max(last4, 1))
    while lan.ipv4.network_address + index4 in taken and index4 < last4:
        index4 += 1
    index6 = 0x10
    while lan.ipv6.network_address + index6 in taken:
        index6 += 1
    addr4 = ipaddress.IPv4Interface(f"{lan.ipv4.network_address + index4}/{lan.ipv4.prefixlen}")
    addr6 = ipaddress.IPv6Interface(f"{lan.ipv6.network_address + index6}/{lan.ipv6.prefixlen}")
    return addr4, addr6


def build_topology(
    plan: Plan,
    sot: SoT,
    *,
    prefix: str = naming.DEFAULT_PREFIX,
    sites: Iterable[str] = (),
    hubs: int | None = None,
    clients: bool = True,
    ebgp_sites: Iterable[str] = (),
) -> LabTopology:
    """Compute the lab for ``plan`` (optionally a subset of its sites); no I/O.

    ``ebgp_sites`` adds sites that talk eBGP to their hub on top of the SoT's
    ``routing: ebgp`` (as ``netauto render --ebgp-site`` does): routers with an eBGP link
    run bgpd, the others do not.

    Raises:
        InputError: a bad prefix, an unknown site, or an interface name Linux refuses.
    """
    if not naming.valid_prefix(prefix):
        raise InputError(
            Problem(
                None,
                None,
                "--prefix",
                f"invalid lab prefix {prefix!r}",
                hint="1-8 lowercase letters or digits, starting with a letter, then '-' (na-)",
            )
        )
    chosen = set(select_sites(plan, sites, hubs))
    bgp = routing.bgp_routers(plan, _ebgp(plan, sot, ebgp_sites))
    notes: list[str] = []
    problems: list[Problem] = []
    hosts: list[LabHost] = []
    veths: list[Veth] = []
    bridges: list[Bridge] = []
    routers: dict[str, str] = {}  # hostname -> namespace

    for dev in plan.devices:
        if dev.site not in chosen:
            continue
        if not platforms.get(dev.platform).in_lab:
            notes.append(
                f"{dev.hostname}: platform {dev.platform} cannot run in the lab; left out "
                "(with its links and LANs)"
            )
            continue
        bad = [i.name for i in dev.interfaces if not naming.valid_ifname(i.name)]
        for name in bad:
            problems.append(
                Problem(
                    None,
                    None,
                    f"{dev.hostname}.interfaces",
                    f"interface name {name!r} is not a valid Linux interface name",
                    hint="lab routers use Linux names: at most 15 characters, no '/' or spaces",
                )
            )
        routers[dev.hostname] = naming.host_namespace(prefix, dev.hostname)
    if problems:
        raise InputError(problems)

    router_ifaces: dict[str, list[str]] = {h: [] for h in routers}
    for link in plan.links:
        if link.a.device not in routers or link.b.device not in routers:
            continue
        veths.append(
            Veth(
                purpose=link.id,
                ns_a=routers[link.a.device],
                if_a=link.a.interface,
                ns_b=routers[link.b.device],
                if_b=link.b.interface,
            )
        )
        router_ifaces[link.a.device].append(link.a.interface)
        router_ifaces[link.b.device].append(link.b.interface)

    lans = [
        (site.slug, lan)
        for site in plan.sites
        if site.slug in chosen
        for lan in site.lans
        if lan.device in routers
    ]
    vm_hosts: list[LabHost] = []
    client_hosts: list[LabHost] = []
    ports: dict[tuple[str, str], list[str]] = {}
    for site_slug, lan in lans:
        ns = routers[lan.device]
        router_ifaces[lan.device].append(lan.interface)
        members = ports.setdefault((lan.device, lan.interface), [])
        vms = [vm for vm in plan.vms if vm.site == site_slug and vm.network == lan.key]
        taken: set[ipaddress.IPv4Address | ipaddress.IPv6Address] = set()
        for index, vm in enumerate(vms, start=1):
            port = naming.port_name(lan.interface, f"v{index}")
            vm_ns = naming.host_namespace(prefix, vm.name)
            veths.append(
                Veth(
                    purpose=f"lan:{lan.device}:{lan.key}",
                    ns_a=ns,
                    if_a=port,
                    ns_b=vm_ns,
                    if_b="eth0",
                )
            )
            members.append(port)
            taken |= {vm.ipv4.ip, vm.ipv6.ip}
            endpoints = [
                ServiceEndpoint(service=svc, proto=p.proto, port=p.port)
                for svc in vm.services
                for p in (sot.services[svc].ports if svc in sot.services else [])
            ]
            vm_hosts.append(
                LabHost(
                    name=vm.name,
                    kind="vm",
                    namespace=vm_ns,
                    platform="linux",
                    site=vm.site,
                    ssh=True,
                    interfaces=["eth0"],
                    addresses=[vm.ipv4, vm.ipv6],
                    gateway4=vm.gateway4,
                    gateway6=vm.gateway6,
                    router=lan.device,
                    lan=lan.key,
                    services=endpoints,
                )
            )
        if clients:
            name = naming.client_name(lan.device, lan.key)
            port = naming.port_name(lan.interface, "c")
            client_ns = naming.host_namespace(prefix, name)
            veths.append(
                Veth(
                    purpose=f"lan:{lan.device}:{lan.key}",
                    ns_a=ns,
                    if_a=port,
                    ns_b=client_ns,
                    if_b="eth0",
                )
            )
            members.append(port)
            addr4, addr6 = client_addresses(lan, taken)
            client_hosts.append(
                LabHost(
                    name=name,
                    kind="client",
                    namespace=client_ns,
                    platform="linux",
                    site=site_slug,
                    ssh=False,
                    interfaces=["eth0"],
                    addresses=[addr4, addr6],
                    gateway4=lan.gateway4,
                    gateway6=lan.gateway6,
                    router=lan.device,
                    lan=lan.key,
                )
            )
        bridges.append(Bridge(namespace=ns, name=lan.interface, ports=members))

    for dev in plan.devices:
        if dev.hostname not in routers:
            continue
        hosts.append(
            LabHost(
                name=dev.hostname,
                kind="router",
                namespace=routers[dev.hostname],
                platform=dev.platform,
                site=dev.site,
                ssh=True,
                daemons=router_daemons(dev.hostname in bgp) if dev.platform == "frr" else [],
                interfaces=list(dict.fromkeys(router_ifaces[dev.hostname])),
            )
        )
    hosts += vm_hosts + client_hosts
    _check_unique(hosts)
    return LabTopology(
        prefix=prefix,
        province=plan.province,
        hosts=hosts,
        veths=veths,
        bridges=bridges,
        notes=notes,
    )


def _ebgp(plan: Plan, sot: SoT, extra: Iterable[str]) -> frozenset[str]:
    """The eBGP sites (SoT + ``extra``); an unknown slug in ``extra`` is an input error."""
    wanted = list(extra)
    known = {s.slug for s in plan.sites}
    bad = [slug for slug in wanted if slug not in known]
    if bad:
        examples = ", ".join(sorted(known)[:6])
        raise InputError(
            [
                Problem(None, None, "--ebgp-site", f"unknown site {slug!r}",
                        hint=f"use a site slug, e.g. {examples}")
                for slug in bad
            ]
        )  # fmt: skip
    return routing.ebgp_sites(sot, wanted)


def _check_unique(hosts: list[LabHost]) -> None:
    seen: dict[str, str] = {}
    problems: list[Problem] = []
    for host in hosts:
        if host.namespace in seen:
            problems.append(
                Problem(
                    None,
                    None,
                    host.name,
                    f"lab namespace {host.namespace!r} is used twice ({seen[host.namespace]})",
                    hint="give VMs and routers distinct names",
                )
            )
        seen[host.namespace] = host.name
    if problems:
        raise InputError(problems)
