"""The pure core of ``netauto import``: the running network set beside the SoT and its plan.

:func:`reconcile` takes what the readers observed (routers as
:class:`~netauto.parse.observed.ObservedDevice`, VMs as
:class:`~netauto.adopt.models.ObservedVm`) and returns the SoT's new ``imported`` section
with every conflict found. No I/O.

How things are matched:

- **devices** by hostname (exactly, else ignoring case and a domain suffix);
- **interfaces**: each interface the plan gives a device (loopback, link ends, LAN
  interfaces) to the observed interface of that name (readers give IOS and VRP names in
  their canonical long form, as the plan writes them); the loopback, if not found by
  name, is the device's first loopback;
- **links**: a SoT link's two planned ends are checked against LLDP where the device has
  neighbours on that port (the neighbour must be the link's other device and port), and in
  every case the two ends' primary addresses must be two addresses of one subnet;
- **LANs**: the gateway is the primary address of the planned LAN interface;
- **VMs**: the VM's address on its network (the imported LAN's subnet), when VMs were read.

What the SoT does not model (descriptions, secondaries, shut interfaces, static routes,
filters, OSPF router-id, redistribution and distribute-lists) is kept per device by
:mod:`netauto.adopt.kept`.

Existing ``imported`` entries of hosts the network does not hold (a subset lab) or that
were not read (VMs offline) are kept as they are; an entry of a host that was read is
replaced by what the host runs, and an address that differs from it is a conflict (the
network changed since the last import).
"""

from __future__ import annotations

import difflib
import ipaddress
import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property

from netutils.interface import canonical_interface_name

from netauto.adopt import kept as legacy
from netauto.adopt.models import (
    Conflict,
    ConflictKind,
    ImportResult,
    ImportStats,
    NotKept,
    Observation,
    ObservedVm,
)
from netauto.parse.observed import (
    ObservedDevice,
    ObservedInterface,
    interface,
    primary_ipv4,
)
from netauto.plan.models import DevicePlan, InterfacePlan, LinkEndPlan, LinkPlan, Plan
from netauto.sot.models import (
    Imported,
    ImportedDevice,
    ImportedLink,
    Lan,
    Link,
    SoT,
)

IPv4If = ipaddress.IPv4Interface
IPv4Net = ipaddress.IPv4Network

REIMPORT_HINT = (
    "the network changed since the last import: if the new value is right, delete that "
    "entry of the imported section and import again; if not, put the device back"
)
SOT_HINT = "the SoT and the network disagree: correct the SoT (or the device), then import again"


def hostkey(name: str) -> str:
    """A hostname as devices are matched: lower case, without a domain.

    Examples:
        >>> hostkey("HUB-01-R1.camau.example"), hostkey("hub-01-r1")
        ('hub-01-r1', 'hub-01-r1')
    """
    return name.strip().lower().split(".", 1)[0]


def same_port(one: str, other: str) -> bool:
    """Whether two interface names are one port (``Gi0/0/1`` is ``GigabitEthernet0/0/1``).

    Examples:
        >>> same_port("eth0", "eth0"), same_port("Gi0/0/1", "GigabitEthernet0/0/1")
        (True, True)
        >>> same_port("eth0", "eth1")
        False
    """
    if one == other:
        return True
    return bool(canonical_interface_name(one) == canonical_interface_name(other))


def port_name(port: str) -> bool:
    """Whether an LLDP port id is an interface name (some devices send an ifIndex or a MAC
    address instead, which says nothing about which interface it is).

    Examples:
        >>> ids = ("eth0", "Gi0/0/1", "520", "aa:bb:cc:00:11:22", "aabb.cc00.1122")
        >>> [port_name(p) for p in ids]
        [True, True, False, False, False]
    """
    if not any(c.isalpha() for c in port):
        return False
    return not re.fullmatch(
        r"[0-9a-fA-F]{2}([:.-]?[0-9a-fA-F]{2}){5}|[0-9a-fA-F]{4}(\.[0-9a-fA-F]{4}){2}", port
    )


def reconcile(
    sot: SoT,
    plan: Plan,
    observed: Sequence[ObservedDevice],
    *,
    vms: Sequence[ObservedVm] | None = None,
    unreachable: Mapping[str, str] | None = None,
    scope: Collection[str] | None = None,
    source: str = "",
) -> ImportResult:
    """The SoT's ``imported`` section for the running network, and every conflict.

    Args:
        sot: the validated SoT (its ``imported`` section is the previous import, if any).
        plan: the plan of ``sot``: the interfaces, links and LANs to match.
        observed: every router read (offline or live).
        vms: every data-centre VM read; None when VMs were not read (their imported
            addresses, if any, are kept).
        unreachable: hosts that did not answer, with why (a conflict each).
        scope: the SoT hosts the network holds (a subset lab); None: every one.
        source: what was read (written into the section).

    Examples:
        >>> from netauto.adopt.models import ObservedVm
        >>> from netauto.plan import build_plan
        >>> from netauto.sot.models import SoT
        >>> sot = SoT.model_validate({"province": {"name": "D", "code": 96},
        ...     "addressing": {"ipv6": {"allocation": "2001:db8:9600::/40"},
        ...                    "ipv4": {"supernets": ["10.96.0.0/16"]}},
        ...     "sites": [{"site_id": 1, "slug": "dc", "kind": "data-centre", "name": "DC",
        ...                "devices": [{"hostname": "r1"}]}]})
        >>> plan = build_plan(sot).plan
        >>> r1 = ObservedDevice.model_validate({"hostname": "r1", "platform": "frr",
        ...     "source": "r1.conf", "interfaces": [{"name": "lo", "canonical_name": "lo",
        ...     "is_loopback": True, "ipv4": [{"address": "172.31.0.1/32"}]}]})
        >>> result = reconcile(sot, plan, [r1], source="test")
        >>> result.imported.devices["r1"].loopback, result.conflicts
        (IPv4Interface('172.31.0.1/32'), [])
        >>> r9 = r1.model_copy(update={"hostname": "r9", "source": "r9.conf"})
        >>> print(reconcile(sot, plan, [r1, r9]).conflicts[0])  # doctest: +ELLIPSIS
        r9 -: a device in the network that the SoT does not have (live hostname r9, SoT ...
    """
    run = _Run(sot, plan, sot.imported, set(scope) if scope is not None else None)
    run.match_devices(observed, unreachable or {})
    for host in sorted(run.seen):
        run.device(host)
    for link in plan.links:
        run.link(link)
    run.vms(vms, unreachable or {})
    run.shared_addresses(vms or [])
    return run.result(source)


def reconcile_observation(sot: SoT, plan: Plan, observation: Observation) -> ImportResult:
    """:func:`reconcile` of what one reader found (its notes are carried over)."""
    result = reconcile(
        sot,
        plan,
        observation.devices,
        vms=observation.vms,
        unreachable=observation.unreachable,
        scope=observation.scope,
        source=observation.source,
    )
    return result.model_copy(update={"notes": [*observation.notes, *result.notes]})


@dataclass
class _Owner:
    """Who a live subnet belongs to (a link, a LAN, a loopback) and where it was seen."""

    owner: tuple[str, str]
    device: str
    interface: str
    address: IPv4If
    source: str | None
    line: int | None


@dataclass
class _Run:
    sot: SoT
    plan: Plan
    old: Imported
    scope: set[str] | None
    seen: dict[str, ObservedDevice] = field(default_factory=dict)
    ports: dict[tuple[str, str], ObservedInterface] = field(default_factory=dict)
    conflicts: list[Conflict] = field(default_factory=list)
    not_kept: list[NotKept] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    devices: dict[str, ImportedDevice] = field(default_factory=dict)
    links: dict[str, ImportedLink] = field(default_factory=dict)
    lans: dict[str, IPv4If] = field(default_factory=dict)
    vm_addresses: dict[str, IPv4If] = field(default_factory=dict)
    vms_read: bool = False
    vm_seen: set[str] = field(default_factory=set)

    # -- helpers ------------------------------------------------------------------------

    def in_scope(self, host: str) -> bool:
        return self.scope is None or host in self.scope

    def conflict(
        self,
        kind: ConflictKind,
        device: str,
        interface: str,
        message: str,
        live: str,
        sot: str,
        hint: str,
        line: int | None = None,
    ) -> None:
        observed = self.seen.get(device)
        source = observed.source if observed is not None and observed.source != "live" else None
        self.conflicts.append(
            Conflict(
                device=device,
                interface=interface,
                kind=kind,
                message=message,
                live=live,
                sot=sot,
                hint=hint,
                source=source,
                line=line if source else None,
            )
        )

    @cached_property
    def lan_refs(self) -> dict[tuple[str, str], tuple[str, Lan | None]]:
        """(router, interface) of every planned LAN -> its ``<site>/<key>`` and SoT LAN."""
        sot_lans = {(s.slug, lan.key): lan for s in self.sot.sites for lan in s.lans}
        return {
            (lan.device, lan.interface): (
                f"{site.slug}/{lan.key}",
                sot_lans.get((site.slug, lan.key)),
            )
            for site in self.plan.sites
            for lan in site.lans
        }

    @cached_property
    def sot_links(self) -> dict[str, Link]:
        """The SoT's links by key (the plan's link ids)."""
        return {link.key: link for link in self.sot.links}

    # -- devices ------------------------------------------------------------------------

    def match_devices(
        self, observed: Sequence[ObservedDevice], unreachable: Mapping[str, str]
    ) -> None:
        """Observed devices to SoT hostnames; unknown, doubled and missing ones are conflicts."""
        sites = {d.hostname: s.slug for s, d in self.sot.all_devices()}
        by_key = {hostkey(h): h for h in sites}
        for obs in sorted(observed, key=lambda o: (o.hostname, o.source)):
            host = obs.hostname if obs.hostname in sites else by_key.get(hostkey(obs.hostname))
            if host is None:
                close = difflib.get_close_matches(obs.hostname, list(sites), n=1)
                self.conflicts.append(
                    Conflict(
                        device=obs.hostname, interface="-", kind="unknown-device",
                        message="a device in the network that the SoT does not have",
                        live=f"hostname {obs.hostname}", sot="no such device",
                        hint=(f"did you mean {close[0]!r}? " if close else "")
                        + "add it to the SoT (a site's devices:), or leave it out of the import",
                        source=None if obs.source == "live" else obs.source,
                        line=obs.hostname_line if obs.source != "live" else None,
                    )
                )  # fmt: skip
            elif host in self.seen:
                first = self.seen[host]
                self.conflicts.append(
                    Conflict(
                        device=host, interface="-", kind="duplicate-device",
                        message="the device was read twice", live=obs.source,
                        sot=first.source,
                        hint="keep one configuration per device in the directory",
                        source=None if obs.source == "live" else obs.source,
                    )
                )  # fmt: skip
            elif self.in_scope(host):
                self.seen[host] = obs.model_copy(update={"hostname": host})
        for host, slug in sorted(sites.items()):
            if host in self.seen or not self.in_scope(host):
                continue
            reason = unreachable.get(host)
            self.conflicts.append(
                Conflict(
                    device=host, interface="-", kind="missing-device",
                    message="a router of the SoT that is not in the network",
                    live=f"not read: {reason}" if reason else "not found",
                    sot=f"router of site {slug}",
                    hint="give its saved running configuration (--from-configs: a file named "
                    "after the hostname) or make it answer (`netauto inventory --live`), or take "
                    "it out of the SoT",
                )
            )  # fmt: skip

    def device(self, host: str) -> None:
        """Match the device's planned interfaces; its loopback, LANs and legacy config."""
        obs = self.seen[host]
        plan = self.plan.device(host)
        lan_refs = self.lan_refs
        for planned in plan.interfaces:
            found = interface(obs, planned.name)
            if found is None and planned.kind == "loopback":
                found = next((i for i in obs.interfaces if i.is_loopback), None)
                if found is None:  # a loopback is made by configuration: the plan makes it
                    self.notes.append(
                        f"{host} has no loopback: the plan gives its {planned.name} an address"
                    )
                    continue
            if found is None:
                self.missing_interface(obs, plan, planned)
                continue
            self.ports[(host, planned.name)] = found
        loopback = self.loopback(host, plan)
        for planned in plan.interfaces:
            if planned.kind == "lan" and (host, planned.name) in self.ports:
                ref, lan = lan_refs.get((host, planned.name), (None, None))
                if ref is not None:
                    self.lan(host, planned, ref, lan)
        kept = legacy.Kept(obs)
        entry = ImportedDevice(
            loopback=loopback,
            interfaces=legacy.interfaces(
                kept, {port.canonical_name for (h, _), port in self.ports.items() if h == host}
            ),
            static_routes=legacy.static_routes(kept),
            filters=legacy.filter_lists(kept),
            ospf=legacy.ospf(kept),
        )
        self.not_kept += kept.not_kept
        if entry != ImportedDevice():
            self.devices[host] = entry

    def missing_interface(
        self, obs: ObservedDevice, plan: DevicePlan, planned: InterfacePlan
    ) -> None:
        names = [i.canonical_name for i in obs.interfaces]
        live = (
            f"interfaces {', '.join(names[:8])}{', ...' if len(names) > 8 else ''}"
            if names
            else "no interfaces"
        )
        if planned.kind == "p2p":
            what = f"link {planned.link_id} to {planned.peer} {planned.peer_interface}"
            hint = (
                f"write the interface the link uses as its end in the SoT: links[] "
                f'"{plan.hostname}:<interface>" (the plan chose {planned.name})'
            )
        else:
            what = f"LAN {planned.lan} (VLAN {planned.vlan})"
            hint = (
                "give the LAN the interface that serves it in the SoT (lans[].interface; the "
                f"plan chose {planned.name})"
            )
        self.conflict(
            "missing-interface", plan.hostname, planned.name,
            f"the plan's interface for {what} is not on the device", live,
            f"{planned.name} ({planned.kind})", hint,
        )  # fmt: skip

    def loopback(self, host: str, plan: DevicePlan) -> IPv4If | None:
        planned = next((i for i in plan.interfaces if i.kind == "loopback"), None)
        found = self.ports.get((host, planned.name)) if planned is not None else None
        address = primary_ipv4(found) if found is not None else None
        old = self.old.devices.get(host)
        before = old.loopback if old is not None else None
        if before is not None and address != before:
            name = found.canonical_name if found is not None else planned.name if planned else "-"
            self.conflict(
                "contradicts-imported", host, name,
                "the loopback address differs from the imported one",
                str(address) if address else "no address",
                f"imported.devices.{host}.loopback {before}", REIMPORT_HINT,
                _address_line(found, address) if found is not None else None,
            )  # fmt: skip
        return address

    def lan(self, host: str, planned: InterfacePlan, ref: str, lan: Lan | None) -> None:
        found = self.ports[(host, planned.name)]
        gateway = primary_ipv4(found)
        before = self.old.lans.get(ref)
        line = _address_line(found, gateway)
        if gateway is None:
            if before is not None:
                self.conflict(
                    "contradicts-imported", host, planned.name,
                    f"LAN {ref} has no address, the imported section has one", "no address",
                    f"imported.lans.{ref} {before}", REIMPORT_HINT, found.line,
                )  # fmt: skip
            return
        if lan is not None and lan.ipv4 is not None and lan.ipv4 != gateway.network:
            self.conflict(
                "contradicts-sot", host, planned.name,
                f"LAN {ref} runs another subnet than the SoT fixes", str(gateway),
                f"lans[{lan.key}].ipv4 {lan.ipv4}", SOT_HINT, line,
            )  # fmt: skip
        if before is not None and before != gateway:
            self.conflict(
                "contradicts-imported", host, planned.name,
                f"LAN {ref}'s gateway differs from the imported one", str(gateway),
                f"imported.lans.{ref} {before}", REIMPORT_HINT, line,
            )  # fmt: skip
        self.lans[ref] = gateway

    # -- links --------------------------------------------------------------------------

    def link(self, link: LinkPlan) -> None:
        """Check one SoT link against LLDP and its ends' subnet; import its addresses."""
        a, b = link.a, link.b
        if a.device not in self.seen and b.device not in self.seen:
            return
        if a.device not in self.seen or b.device not in self.seen:
            self.half_link(link)
            return
        port_a, port_b = (
            self.ports.get((a.device, a.interface)),
            self.ports.get((b.device, b.interface)),
        )
        if port_a is None or port_b is None:
            return  # reported as a missing interface
        lldp_a = self.lldp(link, a, b, port_a)
        lldp_b = self.lldp(link, b, a, port_b)
        if lldp_a is False or lldp_b is False:
            return
        addr_a, addr_b = primary_ipv4(port_a), primary_ipv4(port_b)
        before = self.old.links.get(link.id)
        if addr_a is None and addr_b is None:
            if before is not None:
                self.conflict(
                    "contradicts-imported", a.device, a.interface,
                    f"link {link.id} has no addresses, the imported section has them",
                    "no address", f"imported.links.{link.id} {before.a} {before.b}",
                    REIMPORT_HINT, port_a.line,
                )  # fmt: skip
            return
        if (
            addr_a is None
            or addr_b is None
            or addr_a.network != addr_b.network
            or addr_a.ip == addr_b.ip
        ):
            self.link_subnets(
                link, port_a, port_b, addr_a, addr_b, confirmed=bool(lldp_a or lldp_b)
            )
            return
        sot_link = self.sot_links.get(link.id)
        for end, side, address, port in ((a, "a", addr_a, port_a), (b, "b", addr_b, port_b)):
            self.link_end(link, sot_link, end, side, address, port, before)
        self.links[link.id] = ImportedLink(a=addr_a, b=addr_b)

    def half_link(self, link: LinkPlan) -> None:
        """A link whose far end is not read (outside a subset lab, or not answering): the
        end that is read keeps its address, and on a /30 or /31 the far end's is the other
        host address of that subnet (so the far router keeps its number when it is read
        later); on a larger subnet the far end is unknown and the link is left alone."""
        here = link.a if link.a.device in self.seen else link.b
        port = self.ports.get((here.device, here.interface))
        address = primary_ipv4(port) if port is not None else None
        if address is None or address.network.prefixlen < 30:
            return
        other = other_host(address)
        if other is None:
            return
        a, b = (address, other) if here is link.a else (other, address)
        self.links[link.id] = ImportedLink(a=a, b=b)

    def lldp(
        self, link: LinkPlan, end: LinkEndPlan, other: LinkEndPlan, port: ObservedInterface
    ) -> bool | None:
        """Whether LLDP on ``end``'s port sees the link's other end (None: no neighbour)."""
        obs = self.seen[end.device]
        here = [
            n
            for n in obs.neighbors
            if n.remote_system
            and (
                same_port(n.local_interface, port.name)
                or same_port(n.local_interface, port.canonical_name)
            )
        ]
        if not here:
            return None  # no neighbour, or one that sends no system name: nothing to check
        if any(
            hostkey(n.remote_system) == hostkey(other.device)
            and (not port_name(n.remote_port) or same_port(n.remote_port, other.interface))
            for n in here
        ):
            return True
        seen_elsewhere = [
            n.local_interface
            for n in obs.neighbors
            if hostkey(n.remote_system) == hostkey(other.device)
        ]
        hint = (
            f"LLDP sees {other.device} on {seen_elsewhere[0]}: if that is link {link.id}, write "
            f'"{end.device}:{seen_elsewhere[0]}" as its end in the SoT'
            if seen_elsewhere
            else "check the cabling, or correct the link's ends in the SoT "
            '(links[].a/b as "host:interface")'
        )
        first = here[0]
        self.conflict(
            "lldp-contradicts-link", end.device, end.interface,
            f"LLDP sees another neighbour on link {link.id}",
            f"LLDP neighbour {first.remote_system or '(no name)'} {first.remote_port}",
            f"link {link.id} to {other.device} {other.interface}", hint, port.line,
        )  # fmt: skip
        return False

    def link_subnets(
        self,
        link: LinkPlan,
        port_a: ObservedInterface,
        port_b: ObservedInterface,
        addr_a: IPv4If | None,
        addr_b: IPv4If | None,
        *,
        confirmed: bool,
    ) -> None:
        a, b = link.a, link.b
        if confirmed:
            hint = "LLDP confirms the cabling: correct the address of one end"
        else:
            pair = self.shared_subnet(a.device, b.device)
            hint = (
                f"{a.device} {pair[0]} and {b.device} {pair[1]} share {pair[2]}: if that is link "
                f"{link.id}, name those interfaces as its ends in the SoT"
                if pair
                else "correct the address of one end, or the link's ends in the SoT"
            )
        if addr_a is None or addr_b is None:
            message = f"one end of link {link.id} has no IPv4 address"
        elif addr_a.ip == addr_b.ip:
            message = f"both ends of link {link.id} have the same address"
        else:
            message = f"the ends of link {link.id} are in different subnets"
        self.conflict(
            "link-subnets", a.device, a.interface, message, str(addr_a or "no address"),
            f"{b.device} {b.interface} {addr_b or 'no address'}", hint,
            _address_line(port_a, addr_a),
        )  # fmt: skip

    def shared_subnet(self, one: str, other: str) -> tuple[str, str, IPv4Net] | None:
        """Two interfaces of ``one`` and ``other`` whose primaries share a subnet."""
        for x in self.seen[one].interfaces:
            for y in self.seen[other].interfaces:
                ax, ay = primary_ipv4(x), primary_ipv4(y)
                if ax and ay and ax.network == ay.network and ax.ip != ay.ip:
                    return x.canonical_name, y.canonical_name, ax.network
        return None

    def link_end(
        self,
        link: LinkPlan,
        sot_link: Link | None,
        end: LinkEndPlan,
        side: str,
        address: IPv4If,
        port: ObservedInterface,
        before: ImportedLink | None,
    ) -> None:
        fixed = getattr(sot_link, side).ipv4 if sot_link is not None else None
        line = _address_line(port, address)
        if fixed is not None and fixed != address:
            self.conflict(
                "contradicts-sot", end.device, end.interface,
                f"the {side} end of link {link.id} runs another address than the SoT fixes",
                str(address), f"links[{link.id}].{side}.ipv4 {fixed}", SOT_HINT, line,
            )  # fmt: skip
        old = getattr(before, side) if before is not None else None
        if old is not None and old != address:
            self.conflict(
                "contradicts-imported", end.device, end.interface,
                f"the {side} end of link {link.id} differs from the imported one", str(address),
                f"imported.links.{link.id}.{side} {old}", REIMPORT_HINT, line,
            )  # fmt: skip

    # -- VMs ----------------------------------------------------------------------------

    def vms(self, observed: Sequence[ObservedVm] | None, unreachable: Mapping[str, str]) -> None:
        if observed is None:
            return
        self.vms_read = True
        known = {vm.name: vm for vm in self.sot.vms}
        dcs = [s.slug for s in self.sot.sites if s.kind == "data-centre"]
        by_name: dict[str, ObservedVm] = {}
        for item in observed:
            if item.name not in known:
                self.conflict(
                    "unknown-device", item.name, "-",
                    "a VM in the network that the SoT does not have", f"VM {item.name}",
                    "no such VM", "add it to the SoT's vms:, or leave it out",
                )  # fmt: skip
            elif self.in_scope(item.name):
                by_name[item.name] = item
        for name, vm in sorted(known.items()):
            if not self.in_scope(name):
                continue
            seen_vm = by_name.get(name)
            if seen_vm is None:
                reason = unreachable.get(name)
                self.conflict(
                    "missing-device", name, "-", "a VM of the SoT that is not in the network",
                    f"not read: {reason}" if reason else "not found", f"VM on {vm.network}",
                    "make it answer over SSH, or take it out of the SoT",
                )  # fmt: skip
                continue
            self.vm_seen.add(name)
            site = vm.site or (dcs[0] if dcs else "")
            gateway = self.lans.get(f"{site}/{vm.network}") or self.old.lans.get(
                f"{site}/{vm.network}"
            )
            choices = [
                (i, a) for i, a in seen_vm.addresses if gateway is None or a.ip in gateway.network
            ]
            if len(choices) != 1:
                listed = ", ".join(f"{i} {a}" for i, a in seen_vm.addresses) or "no IPv4 address"
                self.conflict(
                    "vm-address", name, choices[0][0] if choices else "-",
                    "several addresses on its network" if choices else "no address on its network",
                    listed,
                    f"network {vm.network} {gateway.network if gateway else '(not imported)'}",
                    "give the VM one address on its LAN, or fix vms[].ipv4 in the SoT",
                )  # fmt: skip
                continue
            ifname, address = choices[0]
            if vm.ipv4 is not None and vm.ipv4 != address.ip:
                self.conflict(
                    "contradicts-sot", name, ifname,
                    "the VM runs another address than the SoT fixes", str(address),
                    f"vms[{name}].ipv4 {vm.ipv4}", SOT_HINT,
                )  # fmt: skip
            before = self.old.vms.get(name)
            if before is not None and before != address:
                self.conflict(
                    "contradicts-imported", name, ifname,
                    "the VM's address differs from the imported one", str(address),
                    f"imported.vms.{name} {before}", REIMPORT_HINT,
                )  # fmt: skip
            self.vm_addresses[name] = address

    # -- addresses and subnets used twice ----------------------------------------------

    def shared_addresses(self, vms: Iterable[ObservedVm]) -> None:
        """One IPv4 address on two interfaces; one subnet for two links, LANs or loopbacks."""
        first: dict[ipaddress.IPv4Address, tuple[str, str]] = {}
        doubled: set[tuple[str, str]] = set()
        for host in sorted(self.seen):
            for item in self.seen[host].interfaces:
                for address in item.ipv4:
                    place = (host, item.canonical_name)
                    if address.address.ip in first and first[address.address.ip] != place:
                        other = first[address.address.ip]
                        doubled.add(place)
                        self.conflict(
                            "address-used-twice", host, item.canonical_name,
                            "an address used twice", str(address.address),
                            f"on {other[0]} {other[1]}",
                            "every address belongs to one interface: renumber one of them",
                            address.line,
                        )  # fmt: skip
                    first.setdefault(address.address.ip, place)
        for vm in vms:
            if vm.name not in self.vm_seen:
                continue
            for ifname, vm_address in vm.addresses:
                if vm_address.ip in first:
                    other = first[vm_address.ip]
                    self.conflict(
                        "address-used-twice", vm.name, ifname, "an address used twice",
                        str(vm_address), f"on {other[0]} {other[1]}",
                        "every address belongs to one interface: renumber one of them",
                    )  # fmt: skip
                first.setdefault(vm_address.ip, (vm.name, ifname))
        self.shared_subnets(doubled)

    def shared_subnets(self, doubled: set[tuple[str, str]]) -> None:
        lan_refs = self.lan_refs
        owners: list[_Owner] = []
        for host in sorted(self.seen):
            obs = self.seen[host]
            source = obs.source if obs.source != "live" else None
            for planned in self.plan.device(host).interfaces:
                port = self.ports.get((host, planned.name))
                address = primary_ipv4(port) if port is not None else None
                if port is None or address is None or (host, port.canonical_name) in doubled:
                    continue
                if planned.kind == "p2p":
                    owner = ("link", planned.link_id or "")
                elif planned.kind == "lan":
                    owner = ("LAN", lan_refs.get((host, planned.name), ("?", None))[0])
                else:
                    owner = ("loopback of", host)
                line = _address_line(port, address)
                owners.append(_Owner(owner, host, port.canonical_name, address, source, line))
        owners.sort(key=lambda o: (o.address.network.prefixlen, o.address.network, o.device))
        held: dict[IPv4Net, _Owner] = {}
        for item in owners:
            net = item.address.network
            clash = next(
                (
                    held[n]
                    for n in (net.supernet(new_prefix=p) for p in range(net.prefixlen, -1, -1))
                    if n in held and held[n].owner != item.owner
                ),
                None,
            )
            if clash is not None:
                self.conflict(
                    "subnet-used-twice", item.device, item.interface,
                    f"{' '.join(item.owner)} uses a subnet that {' '.join(clash.owner)} uses",
                    str(item.address), f"{clash.device} {clash.interface} {clash.address}",
                    "every link, LAN and loopback has a subnet of its own: renumber one of them",
                    item.line,
                )  # fmt: skip
                continue
            held.setdefault(net, item)

    # -- result -------------------------------------------------------------------------

    def result(self, source: str) -> ImportResult:
        """The new section: what was read, plus the old entries of what was not."""
        old = self.old
        read_hosts = set(self.seen)
        devices = dict(self.devices)
        for host, entry in old.devices.items():
            if host not in read_hosts and not self.in_scope(host):
                devices.setdefault(host, entry)
        links = dict(self.links)
        ends = {link.id: (link.a.device, link.b.device) for link in self.plan.links}
        for key, pair in old.links.items():
            if any(not self.in_scope(h) for h in ends.get(key, ())):
                links.setdefault(key, pair)
        lans = dict(self.lans)
        lan_devices = {f"{s.slug}/{lan.key}": lan.device for s in self.plan.sites for lan in s.lans}
        for ref, gateway in old.lans.items():
            if not self.in_scope(lan_devices.get(ref, "")):
                lans.setdefault(ref, gateway)
        vm_addresses = dict(self.vm_addresses)
        for name, address in old.vms.items():
            if not self.vms_read or not self.in_scope(name):
                vm_addresses.setdefault(name, address)
        imported = Imported(
            source=source,
            devices=dict(sorted(devices.items())),
            links=dict(sorted(links.items())),
            lans=dict(sorted(lans.items())),
            vms=dict(sorted(vm_addresses.items())),
        )
        conflicts = sorted(self.conflicts, key=lambda c: (c.device, c.interface))
        return ImportResult(
            imported=imported,
            conflicts=conflicts,
            not_kept=self.not_kept,
            notes=self.notes,
            stats=stats(imported, len(read_hosts), len(self.vm_seen)),
        )


def stats(imported: Imported, devices: int, vms: int) -> ImportStats:
    """Counts of an imported section (addresses fixed, legacy items kept).

    Examples:
        >>> imported = Imported.model_validate({"devices": {"r1": {
        ...     "loopback": "10.0.0.1/32", "interfaces": [{"name": "eth9", "shutdown": True,
        ...     "description": "spare"}], "static_routes": [{"prefix": "0.0.0.0/0",
        ...     "next_hop": "10.0.0.2"}]}}, "links": {"l1": {"a": "10.1.0.1/30",
        ...     "b": "10.1.0.2/30"}}})
        >>> stats(imported, 1, 0)
        ImportStats(devices=1, vms=0, addresses=3, legacy=3)
    """
    addresses = 2 * len(imported.links) + len(imported.lans) + len(imported.vms)
    legacy_items = 0
    for entry in imported.devices.values():
        addresses += entry.loopback is not None
        for item in entry.interfaces:
            legacy_items += (item.description is not None) + len(item.secondary) + item.shutdown
        legacy_items += len(entry.static_routes) + len(entry.filters)
        if entry.ospf is not None:
            legacy_items += (entry.ospf.router_id is not None) + len(entry.ospf.redistribute)
            legacy_items += len(entry.ospf.distribute_lists)
    return ImportStats(devices=devices, vms=vms, addresses=addresses, legacy=legacy_items)


def _address_line(port: ObservedInterface, address: IPv4If | None) -> int | None:
    """The line of ``address`` on ``port`` (else the interface's own line)."""
    for item in port.ipv4:
        if item.address == address:
            return item.line
    return port.line


def other_host(address: IPv4If) -> IPv4If | None:
    """The other host address of a point-to-point /30 or /31 (None on a larger subnet, or
    when ``address`` is not a host address of its /30).

    Examples:
        >>> import ipaddress
        >>> str(other_host(ipaddress.IPv4Interface("172.16.1.5/30")))
        '172.16.1.6/30'
        >>> str(other_host(ipaddress.IPv4Interface("10.0.0.1/31")))
        '10.0.0.0/31'
        >>> other_host(ipaddress.IPv4Interface("172.16.1.4/30")) is None
        True
    """
    net = address.network
    if net.prefixlen == 31:
        hosts = [net.network_address, net.network_address + 1]
    elif net.prefixlen == 30:
        hosts = [net.network_address + 1, net.network_address + 2]
    else:
        return None
    if address.ip not in hosts:
        return None
    peer = hosts[1] if address.ip == hosts[0] else hosts[0]
    return type(address)((int(peer), net.prefixlen))
