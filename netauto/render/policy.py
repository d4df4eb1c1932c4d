"""The reachability policy of the SoT turned into per-device filters (pure).

Where the policy is enforced: on the router of the *source* site, inbound on each of its
LAN interfaces. For every SoT policy rule whose ``from`` group holds the site, in SoT
order, the router gets one entry per destination and port:

* a service (``to: [lgsp]``) means the addresses of the VMs hosting it, with the
  service's ports (any IP protocol when the service lists no port);
* a group (``to: communes``) means the LAN prefixes of the group's *other* sites: a
  site's own LANs keep talking to each other (a permit for them comes first).

``deny: true`` rules drop, the others permit; the first matching entry wins and anything
no entry matches is permitted. Destinations are collapsed (adjacent prefixes merged) so
a filter stays as short as the plan allows.
"""

from __future__ import annotations

import bisect
import contextlib
import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from netauto.plan.models import Plan
from netauto.render.models import FilterEntry, FilterSet, IPNetwork, Proto
from netauto.sot.checks import group_members
from netauto.sot.models import FAMILIES, Family, SoT

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
    kind: type[IPNetwork] = ipaddress.IPv4Network if family == "ipv4" else ipaddress.IPv6Network
    bits = 32 if family == "ipv4" else 128
    # Integer ranges merged, then cut into CIDR blocks: the result of
    # ipaddress.collapse_addresses, several times faster.
    ranges = sorted(
        (int(n.network_address), int(n.broadcast_address)) for n in networks if isinstance(n, kind)
    )
    merged: list[list[int]] = []
    for lo, hi in ranges:
        if merged and lo <= merged[-1][1] + 1:
            merged[-1][1] = max(merged[-1][1], hi)
        else:
            merged.append([lo, hi])
    return [
        kind((lo, length))
        for first, last in merged
        for lo, length in cidr_blocks(first, last, bits)
    ]


def cidr_blocks(first: int, last: int, bits: int) -> list[tuple[int, int]]:
    """The fewest CIDR blocks (network as an integer, prefix length) covering first..last.

    Examples:
        >>> cidr_blocks(0, 255, 32)
        [(0, 24)]
        >>> cidr_blocks(1, 6, 32)
        [(1, 32), (2, 31), (4, 31), (6, 32)]
    """
    out: list[tuple[int, int]] = []
    while first <= last:
        size = first & -first if first else 1 << bits  # the largest block aligned at first
        while size > last - first + 1:
            size >>= 1
        out.append((first, bits - size.bit_length() + 1))
        first += size
    return out


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


def aggregate(
    members: Iterable[IPNetwork], others: Iterable[IPNetwork], bounds: Iterable[IPNetwork]
) -> list[IPNetwork]:
    """Summarise ``members`` as far as possible without covering any of ``others``.

    Each member prefix grows to its supernet while the supernet overlaps no other
    allocated prefix and stays inside one of ``bounds`` (the zone or supernet it lives
    in); then the results are collapsed. Used for group destinations, so that "every
    commune LAN" is a handful of entries instead of one per LAN.

    Examples:
        >>> from ipaddress import ip_network as n
        >>> lans = [n("10.0.0.0/26"), n("10.0.1.0/26")]
        >>> [str(x) for x in aggregate(lans, [n("10.0.2.0/24")], [n("10.0.0.0/16")])]
        ['10.0.0.0/23']
        >>> [str(x) for x in aggregate(lans, [n("10.0.0.64/26")], [n("10.0.0.0/16")])]
        ['10.0.0.0/26', '10.0.1.0/24']
    """
    members = list(members)
    if not members:
        return []
    version = members[0].version
    bits = 32 if version == 4 else 128
    # Integer ranges, one family: ipaddress objects are far too slow for the inner loop.
    ranges = sorted(
        (int(o.network_address), int(o.network_address) | int(o.hostmask))
        for o in others
        if o.version == version
    )
    starts = [r[0] for r in ranges]
    # running maximum of range ends, for "does anything overlap [lo, hi]" in O(log n)
    max_end: list[int] = []
    for _, end in ranges:
        max_end.append(max(end, max_end[-1]) if max_end else end)
    bound_ranges = [
        (int(b.network_address), int(b.network_address) | int(b.hostmask))
        for b in bounds
        if b.version == version
    ]

    def clear(lo: int, hi: int, within: list[tuple[int, int]]) -> bool:
        for b_lo, b_hi in within:
            if b_lo <= lo and hi <= b_hi:
                break
        else:
            return False
        pos = bisect.bisect_right(starts, hi)  # ranges starting at or before hi
        return pos == 0 or max_end[pos - 1] < lo

    out: list[IPNetwork] = []
    last_lo, last_hi = 1, 0  # the range of the last result (none yet)
    for net in members:
        lo, length = int(net.network_address), net.prefixlen
        top = lo | ((1 << (bits - length)) - 1)
        if last_lo <= lo and top <= last_hi:
            # Inside what the previous member grew to: this one cannot grow past it (a
            # parent clear for it would be clear for the previous one), so the collapse
            # below would absorb it. Members in address order share most supernets.
            continue
        # a supernet stays inside a bound only if the member does: test those bounds only
        within = [(b_lo, b_hi) for b_lo, b_hi in bound_ranges if b_lo <= lo and top <= b_hi]
        while length > 0:
            size = 1 << (bits - length + 1)
            parent_lo = lo & ~(size - 1)
            if not clear(parent_lo, parent_lo + size - 1, within):
                break
            lo, length = parent_lo, length - 1
        out.append(net if length == net.prefixlen else ipaddress.ip_network((lo, length)))
        last_lo, last_hi = lo, lo | ((1 << (bits - length)) - 1)
    family: Family = "ipv4" if all(n.version == 4 for n in out) else "ipv6"
    return collapse(out, family)


def _group_scope(
    sot: SoT,
    plan: Plan,
    group: frozenset[str],
    site_lans: dict[str, list[IPNetwork]],
    fixed: dict[str, list[IPNetwork]],
    shared: list[IPNetwork],
) -> tuple[list[IPNetwork], list[IPNetwork], list[IPNetwork]]:
    """A group target's LAN prefixes, what aggregating them must not cover, and the bounds
    (IPv4 supernets, IPv6 zones) they stay in: the same for both families."""
    nets = [n for slug in group for n in site_lans.get(slug, [])]
    others = [n for slug, ns in fixed.items() if slug not in group for n in ns] + shared
    zone = sot.addressing.ipv6.effective_zone_prefix
    bounds: list[IPNetwork] = list(sot.addressing.ipv4.supernets)
    bounds += sorted({s.prefix6.supernet(new_prefix=zone) for s in plan.sites if s.slug in group})
    return nets, others, bounds


@dataclass(frozen=True)
class PolicyIndex:
    """What every device's filters share, computed once per SoT and plan.

    ``targets[(rule, target, family)]`` holds the entries of one rule target with *every*
    member of a group target, own site included; :func:`device_filters` puts a permit for
    the device's own LANs in front of a group target that holds its site (same effect as
    leaving them out, and the long collapsed list is computed once, not once per site).
    """

    members: dict[str, frozenset[str]]
    site_lans: dict[str, list[IPNetwork]]
    targets: dict[tuple[int, str, Family], list[FilterEntry]]


def policy_index(sot: SoT, plan: Plan) -> PolicyIndex:
    """Precompute group members, LAN prefixes per site and every rule target's entries."""
    groups = {rule.source for rule in sot.policy}
    groups |= {t for rule in sot.policy for t in rule.to if t not in sot.services}
    members = {g: frozenset(group_members(sot, g)) for g in sorted(groups)}
    site_lans: dict[str, list[IPNetwork]] = {
        site.slug: [n for lan in site.lans for n in (lan.ipv4, lan.ipv6)] for site in plan.sites
    }
    # What aggregated group destinations must never cover: every other site (its /56 and
    # its IPv4 LANs), loopbacks, links, VMs and the management plane.
    fixed: dict[str, list[IPNetwork]] = {
        site.slug: [site.prefix6, *(lan.ipv4 for lan in site.lans)] for site in plan.sites
    }
    shared: list[IPNetwork] = []
    for dev in plan.devices:
        shared += [dev.loopback4.network, dev.loopback6.network]
    for link in plan.links:
        shared += [link.network4, link.reserved6]
    for vm in plan.vms:
        shared += [vm.ipv4.network, vm.ipv6.network]
    shared += list(sot.management.networks)
    shared += [ipaddress.ip_network(a) for a in sot.management.dns]
    for server in [*sot.management.ntp, *sot.management.syslog]:
        with contextlib.suppress(ValueError):
            shared.append(ipaddress.ip_network(server))
    targets: dict[tuple[int, str, Family], list[FilterEntry]] = {}
    scopes: dict[str, tuple[list[IPNetwork], list[IPNetwork], list[IPNetwork]]] = {}
    for index, rule in enumerate(sot.policy):
        action: Literal["permit", "deny"] = "deny" if rule.deny else "permit"
        for target in rule.to:
            remark = f"{rule.source} -> {target}"
            for family in rule.families:
                entries: list[FilterEntry] = []
                if target in sot.services:
                    hosts, ports = _service_targets(sot, plan, target)
                    for dest in collapse(hosts, family):
                        for proto, port in ports:
                            entries.append(
                                FilterEntry(
                                    action=action,
                                    family=family,
                                    destination=dest,
                                    proto=proto,
                                    port=port,
                                    rule=index,
                                    remark=remark,
                                )
                            )
                else:
                    if target not in scopes:  # the same for both families and every rule
                        scopes[target] = _group_scope(
                            sot, plan, members[target], site_lans, fixed, shared
                        )
                    nets, others, bounds = scopes[target]
                    mine = collapse(nets, family)
                    for dest in aggregate(mine, others, bounds):
                        entries.append(
                            FilterEntry(
                                action=action,
                                family=family,
                                destination=dest,
                                rule=index,
                                remark=remark,
                            )
                        )
                targets[(index, target, family)] = entries
    return PolicyIndex(members=members, site_lans=site_lans, targets=targets)


def device_filters(
    sot: SoT, plan: Plan, hostname: str, index: PolicyIndex | None = None
) -> list[FilterSet]:
    """The LAN-inbound filters of one device (empty when no rule concerns its site)."""
    index = index or policy_index(sot, plan)
    device = plan.device(hostname)
    lans = [i.name for i in device.interfaces if i.kind == "lan"]
    if not lans:
        return []
    site = device.site
    own = index.site_lans.get(site, [])
    filters: list[FilterSet] = []
    for family in FAMILIES:
        entries: list[FilterEntry] = []
        for number, rule in enumerate(sot.policy):
            if family not in rule.families or site not in index.members[rule.source]:
                continue
            for target in rule.to:
                if target not in sot.services and site in index.members[target]:
                    entries += [
                        FilterEntry(
                            action="permit",
                            family=family,
                            destination=dest,
                            rule=number,
                            remark=f"{rule.source} -> {target}: own site",
                        )
                        for dest in collapse(own, family)
                    ]
                entries += index.targets[(number, target, family)]
        if entries:
            filters.append(
                FilterSet(
                    name=FILTER_NAMES[family], family=family, entries=entries, interfaces=lans
                )
            )
    return filters
