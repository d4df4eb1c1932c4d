"""Structural invariants every plan must satisfy (used by example and property tests)."""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from itertools import pairwise

from netauto.plan.models import Plan
from netauto.sot.models import SoT


def _no_overlap(nets: Sequence[ipaddress.IPv4Network | ipaddress.IPv6Network], what: str) -> None:
    ordered = sorted(nets, key=lambda n: (int(n.network_address), n.prefixlen))
    for left, right in pairwise(ordered):
        assert int(left.broadcast_address) < int(right.network_address), (
            f"{what}: {left} overlaps {right}"
        )


def check_plan(sot: SoT, plan: Plan) -> None:
    """Assert containment, nibble alignment, sizes and no overlaps, in both families."""
    policy = sot.addressing.ipv6
    alloc = policy.allocation
    zone_len = policy.effective_zone_prefix
    infra = ipaddress.IPv6Network(
        (int(alloc.network_address) + (policy.zones["infra"] << (128 - zone_len)), zone_len)
    )
    top6: list[ipaddress.IPv6Network] = []
    for site in plan.sites:
        assert site.prefix6.subnet_of(alloc)
        assert site.prefix6.prefixlen == policy.site_prefix
        assert site.prefix6.prefixlen % 4 == 0
        zone = ipaddress.IPv6Network((site.prefix6.network_address, zone_len), strict=False)
        assert int(zone.network_address) - int(alloc.network_address) == policy.zones[
            site.kind
        ] << (128 - zone_len), f"{site.slug} not in zone {site.kind}"
        top6.append(site.prefix6)
        lan6 = []
        for lan in site.lans:
            assert lan.ipv6.prefixlen == 64
            assert lan.ipv6.subnet_of(site.prefix6)
            assert lan.gateway6 == lan.ipv6.network_address + 1
            assert lan.gateway4 == lan.ipv4.network_address + 1
            lan6.append(lan.ipv6)
        _no_overlap(lan6, f"LANs of {site.slug}")
    for link in plan.links:
        assert link.reserved6.prefixlen == 64 and link.reserved6.subnet_of(infra)
        assert link.network4.prefixlen == 31
        for end in (link.a, link.b):
            assert end.ipv6.network.prefixlen == 127
            assert end.ipv6.network.subnet_of(link.reserved6)
            assert end.ipv4.network == link.network4
        assert link.a.ipv6 != link.b.ipv6 and link.a.ipv4 != link.b.ipv4
        top6.append(link.reserved6)
    loop6 = [d.loopback6 for d in plan.devices]
    assert all(lo.network.prefixlen == 128 and lo.network.subnet_of(infra) for lo in loop6)
    assert len({lo.ip for lo in loop6}) == len(loop6)
    loop_block = {ipaddress.IPv6Network((int(lo.ip) >> 64 << 64, 64)) for lo in loop6}
    assert len(loop_block) <= 1
    top6.extend(loop_block)
    _no_overlap(top6, "IPv6 sites, links and loopbacks")
    nets4: list[ipaddress.IPv4Network] = [link.network4 for link in plan.links]
    nets4 += [lan.ipv4 for site in plan.sites for lan in site.lans]
    loops4 = [d.loopback4 for d in plan.devices]
    assert all(lo.network.prefixlen == 32 for lo in loops4)
    nets4 += [lo.network for lo in loops4]
    _no_overlap(nets4, "IPv4")
    supernets = sot.addressing.ipv4.supernets
    for net in nets4:
        assert any(net.subnet_of(s) for s in supernets), f"{net} outside the supernets"
    for vm in plan.vms:
        home = plan.site(vm.site)
        network = next(x for x in home.lans if x.key == vm.network)
        assert vm.ipv4.network == network.ipv4 and vm.ipv6.network == network.ipv6
        assert vm.ipv4.ip not in (network.ipv4.network_address, vm.gateway4)
    assert len({vm.ipv4.ip for vm in plan.vms}) == len(plan.vms)
    for dev in plan.devices:
        names = [i.name for i in dev.interfaces]
        assert len(names) == len(set(names)), f"{dev.hostname}: duplicate interface names"
