"""Derive the check matrix from the SoT's reachability policy and the plan (pure).

* ``allow`` rule, target a service → from every source site's probe LAN, over every family
  of the rule: ping each VM hosting the service, and open a TCP connection to each TCP port.
* ``allow`` rule, target a group → ping the probe LAN gateway of every site of the group.
* ``deny`` rule, target a group → the probe LAN of every source site must *not* reach the
  probe LAN of any other site of the group (ping), each family.
* ``deny`` rule, target a service → no TCP connection to the service's ports.
* Routing: every point-to-point link must have its OSPFv2 and OSPFv3 adjacency up; an eBGP
  link (:func:`netauto.plan.routing.link_is_ebgp`: a site with ``routing: ebgp`` at either
  end) must instead have its IPv4 and IPv6 BGP sessions Established, to the planned peer
  addresses.
* Drift: every planned interface address is present on the device, nothing else is.

A site's *probe LAN* is its first LAN (the office LAN in generated SoTs); probes leave from
the LAN gateway address on its router (and, in the lab, from the LAN's client host).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

from pydantic import BaseModel, ConfigDict

from netauto.plan.models import LanPlan, Plan, SitePlan
from netauto.plan.routing import device_sites, ebgp_sites, link_is_ebgp
from netauto.sot.checks import group_members
from netauto.sot.models import Family, SoT
from netauto.verify.models import CheckKind, Probe

ROUTING_PROBES: tuple[tuple[Probe, Family], ...] = (("ospf", "ipv4"), ("ospf6", "ipv6"))
EBGP_PROBES: tuple[tuple[Probe, Family], ...] = (("bgp", "ipv4"), ("bgp", "ipv6"))


class CheckSpec(BaseModel):
    """One probe to run: where from, to what, how, and what must happen."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    kind: CheckKind
    probe: Probe
    site: str
    device: str
    source: str = ""
    lan: str = ""
    target: str
    target_address: str = ""
    family: Family | None = None
    port: int | None = None
    expect: Literal["reach", "blocked", "up", "match"]


def probe_lan(site: SitePlan) -> LanPlan | None:
    """The LAN a site's probes leave from: its first LAN, if it has one."""
    return site.lans[0] if site.lans else None


def _address(lan: LanPlan, family: Family) -> str:
    return str(lan.gateway4 if family == "ipv4" else lan.gateway6)


def routing_check_id(device: str, interface: str, probe: Probe, family: Family) -> str:
    """The id of a routing check: OSPF names its protocol, BGP also its family.

    Examples:
        >>> routing_check_id("hub-01-r1", "eth2", "ospf6", "ipv6")
        'routing:hub-01-r1:eth2:ospf6'
        >>> routing_check_id("hub-01-r1", "eth1", "bgp", "ipv4")
        'routing:hub-01-r1:eth1:bgp:ipv4'
    """
    suffix = f"{probe}:{family}" if probe == "bgp" else probe
    return f"routing:{device}:{interface}:{suffix}"


def derive_checks(
    sot: SoT, plan: Plan, sites: Iterable[str] | None = None, ebgp: Iterable[str] = ()
) -> list[CheckSpec]:
    """Every check the policy and plan imply, optionally only for the given site slugs.

    ``ebgp`` adds sites that talk eBGP to their hub on top of the SoT's ``routing: ebgp``
    (as ``netauto render --ebgp-site`` does).
    """
    wanted = set(sites) if sites is not None else None
    site_plans = {s.slug: s for s in plan.sites}
    vms_by_service: dict[str, list[tuple[str, str, str]]] = {}
    for vm in plan.vms:
        for service in vm.services:
            vms_by_service.setdefault(service, []).append(
                (vm.name, str(vm.ipv4.ip), str(vm.ipv6.ip))
            )
    checks: list[CheckSpec] = []
    seen: set[str] = set()

    def add(spec: CheckSpec) -> None:
        if spec.id not in seen:
            seen.add(spec.id)
            checks.append(spec)

    for rule in sot.policy:
        kind: CheckKind = "isolation" if rule.deny else "reachability"
        expect: Literal["reach", "blocked"] = "blocked" if rule.deny else "reach"
        for slug in group_members(sot, rule.source):
            if wanted is not None and slug not in wanted:
                continue
            site = site_plans.get(slug)
            lan = probe_lan(site) if site else None
            if site is None or lan is None:
                continue
            for target, family in ((t, f) for t in rule.to for f in rule.families):
                common = {
                    "kind": kind, "site": slug, "device": lan.device, "lan": lan.key,
                    "source": _address(lan, family), "family": family, "expect": expect,
                }  # fmt: skip
                if target in sot.services:
                    for vm_name, addr4, addr6 in vms_by_service.get(target, []):
                        addr = addr4 if family == "ipv4" else addr6
                        prefix = f"{slug}:{target}:{vm_name}:{family}"
                        if not rule.deny:
                            add(CheckSpec(id=f"reach:{prefix}:ping", probe="ping", target=target,
                                          target_address=addr, **common))  # fmt: skip
                        for port in sot.services[target].ports:
                            if port.proto == "tcp":
                                add(CheckSpec(id=f"{kind}:{prefix}:tcp{port.port}", probe="tcp",
                                              target=target, target_address=addr,
                                              port=port.port, **common))  # fmt: skip
                    continue
                for other in group_members(sot, target):
                    other_site = site_plans.get(other)
                    other_lan = probe_lan(other_site) if other_site else None
                    if other != slug and other_lan is not None:
                        add(CheckSpec(id=f"{kind}:{slug}:{other}:{family}:ping", probe="ping",
                                      target=other, target_address=_address(other_lan, family),
                                      **common))  # fmt: skip

    bgp_sites = ebgp_sites(sot, ebgp)
    site_of = device_sites(plan)
    for link in plan.links:
        probes = EBGP_PROBES if link_is_ebgp(link, site_of, bgp_sites) else ROUTING_PROBES
        for end, peer in ((link.a, link.b), (link.b, link.a)):
            device = plan.device(end.device)
            if wanted is not None and device.site not in wanted:
                continue
            for probe, family in probes:
                add(
                    CheckSpec(
                        id=routing_check_id(end.device, end.interface, probe, family),
                        kind="routing",
                        probe=probe,
                        site=device.site,
                        device=end.device,
                        source=end.interface,
                        target=peer.device,
                        target_address=str(peer.ipv4.ip if family == "ipv4" else peer.ipv6.ip),
                        family=family,
                        expect="up",
                    )
                )

    for device in plan.devices:
        if wanted is not None and device.site not in wanted:
            continue
        for iface in device.interfaces:
            addresses: tuple[tuple[Family, object], ...] = (
                ("ipv4", iface.ipv4),
                ("ipv6", iface.ipv6),
            )
            for family, address in addresses:
                if address is None:
                    continue
                add(
                    CheckSpec(
                        id=f"drift:{device.hostname}:{iface.name}:{family}",
                        kind="drift",
                        probe="address",
                        site=device.site,
                        device=device.hostname,
                        source=iface.name,
                        target=iface.name,
                        target_address=str(address),
                        family=family,
                        expect="match",
                    )
                )
        kept = sot.imported.devices.get(device.hostname)
        for item in kept.interfaces if kept is not None else []:
            for secondary in item.secondary:  # the running network's own, kept by the import
                add(
                    CheckSpec(
                        id=f"drift:{device.hostname}:{item.name}:secondary:{secondary}",
                        kind="drift",
                        probe="address",
                        site=device.site,
                        device=device.hostname,
                        source=item.name,
                        target=item.name,
                        target_address=str(secondary),
                        family="ipv4",
                        expect="match",
                    )
                )
    return checks
