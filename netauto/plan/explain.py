"""``netauto plan --explain SITE``: why each prefix of a site is what it is (pure text)."""

from __future__ import annotations

import ipaddress

from netauto.errors import InputError, Problem
from netauto.plan.build import PlanResult
from netauto.plan.models import SitePlan
from netauto.plan.phases.ipv6 import FUNCTION_CODES
from netauto.plan.phases.vms import VM_FIRST_HOST
from netauto.plan.prefixes import index_in
from netauto.sot.models import SoT


def ordinal(n: int) -> str:
    """English ordinal of a small number.

    Examples:
        >>> [ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 21)]
        ['1st', '2nd', '3rd', '4th', '11th', '12th', '13th', '21st']
    """
    if 10 <= n % 100 <= 20:
        return f"{n}th"
    return f"{n}{ {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th') }"


def find_site(result: PlanResult, name: str) -> SitePlan:
    """The planned site named by slug or by ``site_id``.

    Raises:
        InputError: no such site (with the closest slugs as a hint).
    """
    for site in result.plan.sites:
        if site.slug == name or str(site.site_id) == name:
            return site
    import difflib

    close = difflib.get_close_matches(name, [s.slug for s in result.plan.sites], n=3)
    hint = f"did you mean {', '.join(close)}?" if close else "give a site slug or site_id"
    raise InputError(Problem(None, None, "--explain", f"no site {name!r} in the SoT", hint))


def _origin(result: PlanResult, key: str) -> str:
    for change in result.changes:
        if change.key == key:
            return "new in this run" if change.action == "add" else "re-allocated in this run"
    return "kept from the ledger"


def explain_site(sot: SoT, result: PlanResult, name: str) -> list[str]:
    """Lines explaining every prefix and address of one site."""
    site = find_site(result, name)
    source = next(s for s in sot.sites if s.site_id == site.site_id)
    policy = sot.addressing.ipv6
    zone_len = policy.effective_zone_prefix
    zone_index = policy.zones[site.zone]
    zone_net = ipaddress.IPv6Network(
        (int(policy.allocation.network_address) + (zone_index << (128 - zone_len)), zone_len)
    )
    slots = 1 << (policy.site_prefix - zone_len)
    slot = index_in(zone_net, site.prefix6)
    preferred = site.site_id % slots
    lines = [
        f"Site {site.slug} (site_id {site.site_id}, {site.kind}"
        + (f", hub {site.hub}" if site.hub else "")
        + (f", commune code {site.commune_code}" if site.commune_code else "")
        + ")",
        f"IPv6 {site.prefix6} ({_origin(result, f'site {site.site_id} prefix6')})",
        f"  province allocation {policy.allocation} (addressing.ipv6.allocation)",
        f"  zone {site.zone!r} = index {zone_index} -> {zone_net} (zone /{zone_len}, one nibble "
        "per level)",
        f"  slot {slot} of {slots} /{policy.site_prefix}s in the zone; preferred slot = site_id "
        f"{site.site_id} mod {slots} = {preferred}"
        + ("" if slot == preferred else " was taken, so the next free slot was used"),
        "  the hub, commune code, merge history and list position play no part: "
        "re-parenting or merging renumbers nothing",
    ]
    ipv4 = sot.addressing.ipv4
    for lan in site.lans:
        lan_src = next(x for x in source.lans if x.key == lan.key)
        byte = index_in(site.prefix6, lan.ipv6)
        code = FUNCTION_CODES[lan.function]
        if byte is not None and byte >> 4 == code:
            why6 = (
                f"byte 0x{byte:02x}: function {lan.function} = {code} in the high nibble, "
                f"{ordinal((byte & 15) + 1)} {lan.function} LAN in the low one"
            )
        else:
            why6 = f"/64 number {byte} (the function's 16 slots were full)"
        if lan_src.ipv4 is not None:
            why4 = "fixed in the SoT"
        elif lan_src.ipv4_prefix is not None:
            why4 = f"/{lan.ipv4.prefixlen} from the LAN's ipv4_prefix"
        elif lan.ipv4.prefixlen == ipv4.vm_prefix and site.kind == "data-centre":
            why4 = f"/{lan.ipv4.prefixlen} = addressing.ipv4.vm_prefix (a VM network)"
        else:
            why4 = f"/{lan.ipv4.prefixlen} = addressing.ipv4.lan_prefix"
        supernets = ", ".join(str(n) for n in ipv4.supernets)
        lines += [
            f"LAN {lan.key} (vlan {lan.vlan}) on {lan.device} {lan.interface}",
            f"  IPv6 {lan.ipv6}: {why6} "
            f"({_origin(result, f'site {site.site_id} lan {lan.key} ipv6')})",
            f"  IPv4 {lan.ipv4}: {why4}, first free aligned block of {supernets} when allocated "
            f"({_origin(result, f'site {site.site_id} lan {lan.key} ipv4')})",
            f"  gateways {lan.gateway4} and {lan.gateway6}: the first host of the LAN",
        ]
    loop6_base = None
    for host in site.devices:
        dev = result.plan.device(host)
        if loop6_base is None:
            loop6_base = ipaddress.IPv6Network((int(dev.loopback6.ip) >> 64 << 64, 64))
        offset = int(dev.loopback6.ip) - int(loop6_base.network_address)
        lines += [
            f"Router {host} ({dev.platform}, {dev.role})",
            f"  loopback {dev.loopback6}: loopback /64 {loop6_base} + (site_id {site.site_id} "
            f"= 0x{site.site_id:x}) << 16 + router {offset & 0xFFFF} "
            f"({_origin(result, f'device {host} loopback6')})",
            f"  loopback {dev.loopback4}: next free /32 of the IPv4 loopback pool "
            f"{' '.join(str(b) for b in result.ledger.pools4.get('loopback4', []))} "
            f"({_origin(result, f'device {host} loopback4')})",
        ]
        for iface in dev.interfaces:
            if iface.kind != "p2p" or iface.link_id is None:
                continue
            link = next(lk for lk in result.plan.links if lk.id == iface.link_id)
            lines.append(
                f"  {iface.name} -> {iface.peer} {iface.peer_interface} (link {link.id}): "
                f"/64 {link.reserved6} reserved, first /127 configured; IPv4 {link.network4} "
                f"from the p2p pool ({_origin(result, f'link {link.id} reserved6')})"
            )
    for vm in result.plan.vms:
        if vm.site == site.slug:
            lines.append(
                f"VM {vm.name}: {vm.ipv4} and {vm.ipv6} in network {vm.network} "
                f"(host numbers from {VM_FIRST_HOST} up, the same in both families; "
                f"{_origin(result, f'vm {vm.name} ipv4')})"
            )
    return lines
