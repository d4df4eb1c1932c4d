"""The reachability policy of the SoT turned into per-device filters (pure).

Where the policy is enforced: on the router of the *source* site, inbound on each of its
LAN interfaces. For every SoT policy rule whose ``from`` group holds the site, in SoT
order, the router gets one entry per destination and port:

* a service (``to: [lgsp]``) means the addresses of the VMs hosting it, with the
  service's ports (any IP protocol when the service lists no port);
* a group (``to: communes``) means the LAN prefixes of the group's *other* sites (a
  site's own LANs keep talking to each other).

``deny: true`` rules drop, the others permit; the first matching entry wins and anything
no entry matches is permitted. Destinations are collapsed (adjacent prefixes merged) so
a filter stays as short as the plan allows.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

from netauto.plan.models import Plan
from netauto.render.models import FilterEntry, FilterSet, IPNetwork, Proto
from netauto.sot.checks import group_members
from netauto.sot.models import Family, PolicyRule, SoT

FILTER_NAMES: dict[Family, str] = {"ipv4": "NA-LAN-IN-V4", "ipv6": "NA-LAN-IN-V6"}


def collapse(networks: Iterable[IPNetwork], family: Family) -> list[IPNetwork]:
    """The networks of one family, deduplicated, merged where adjacent, in address order.

    Examples:
        >>> from ipaddress import ip_network as n
        >>> [str(x) for x in collapse([n("10.0.0.2/31"), n("10.0.0.0/31"), n("::/0")], "ipv4")]
        ['10.0.0.0/30']
        >>> [str(x) for x in collapse([n("2001:db8::/64"), n("10.0.0.0/8")], "ipv6")]
        ['2001:db8::/64']
    """
    if family == "ipv4":
        v4 = [n for n in networks if isinstance(n, ipaddress.IPv4Network)]
        return list(ipaddress.collapse_addresses(v4))
    v6 = [n for n in networks if isinstance(n, ipaddress.IPv6Network)]
    return list(ipaddress.collapse_addresses(v6))


def _service_targets(
    sot: SoT, plan: Plan, service: str
) -> tuple[list[IPNetwork], list[tuple[Proto | None, int | None]]]:
    hosts: list[IPNetwork] = []
    for vm in plan.vms:
        if service in vm.services:
            hosts += [ipaddress.ip_network(vm.ipv4.ip), ipaddress.ip_network(vm.ipv6.ip)]
    ports: list[tuple[Proto | None, int | None]] = [
        (p.proto, p.port) for p in sot.services[service].ports
    ] or [(None, None)]
    return hosts, ports


def _group_targets(plan: Plan, sot: SoT, group: str, own_site: str) -> list[IPNetwork]:
    members = set(group_members(sot, group)) - {own_site}
    nets: list[IPNetwork] = []
    for site in plan.sites:
        if site.slug in members:
            for lan in site.lans:
                nets += [lan.ipv4, lan.ipv6]
    return nets


def _rule_entries(
    sot: SoT, plan: Plan, index: int, rule: PolicyRule, site: str, family: Family
) -> list[FilterEntry]:
    action = "deny" if rule.deny else "permit"
    out: list[FilterEntry] = []
    for target in rule.to:
        if target in sot.services:
            hosts, ports = _service_targets(sot, plan, target)
            for dest in collapse(hosts, family):
                for proto, port in ports:
                    out.append(
                        FilterEntry(
                            action=action,
                            family=family,
                            destination=dest,
                            proto=proto,
                            port=port,
                            rule=index,
                            remark=f"{rule.source} -> {target}",
                        )
                    )
        else:
            for dest in collapse(_group_targets(plan, sot, target, site), family):
                out.append(
                    FilterEntry(
                        action=action,
                        family=family,
                        destination=dest,
                        rule=index,
                        remark=f"{rule.source} -> {target}",
                    )
                )
    return out


def device_filters(sot: SoT, plan: Plan, hostname: str) -> list[FilterSet]:
    """The LAN-inbound filters of one device (empty when no rule concerns its site)."""
    device = plan.device(hostname)
    lans = [i.name for i in device.interfaces if i.kind == "lan"]
    if not lans:
        return []
    rules = [
        (index, rule)
        for index, rule in enumerate(sot.policy)
        if device.site in group_members(sot, rule.source)
    ]
    filters: list[FilterSet] = []
    for family in ("ipv4", "ipv6"):
        entries: list[FilterEntry] = []
        for index, rule in rules:
            if family in rule.families:
                entries += _rule_entries(sot, plan, index, rule, device.site, family)
        if entries:
            filters.append(
                FilterSet(
                    name=FILTER_NAMES[family], family=family, entries=entries, interfaces=lans
                )
            )
    return filters
