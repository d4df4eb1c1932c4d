"""Phase ipv6: the zones check, then every site /56, LAN /64, loopback /128 and link /64.

The policy is in ``docs/ADDRESSING.md``. In short: the province block is cut into nibble
zones; a site's /56 sits at slot ``site_id mod slots`` of its kind's zone (probing forward
when taken); a LAN /64 at ``function code * 16 + n`` inside its site; loopbacks at
``::<site_id>:<n>`` in the infra zone's first /64; links one /64 each in the rest of the
infra zone. Ledger entries are kept first, fresh allocations follow in identity order.
"""

from __future__ import annotations

import ipaddress

from netauto.plan.prefixes import SlotAllocator, index_in, subnet_at
from netauto.plan.state import PlanState

FUNCTION_CODES: dict[str, int] = {
    "office": 1,
    "wifi": 2,
    "camera": 3,
    "mgmt": 4,
    "server": 5,
    "voice": 6,
    "guest": 7,
}
"""High nibble of a LAN /64's last byte, per LAN function."""


def check_zones(state: PlanState) -> None:
    """Every site kind in the SoT, and infra, has a zone.

    Reads ``sot``, ``zones``; writes ``problems``.
    """
    needed = {"infra"} | {s.kind for s in state.sot.sites}
    for zone in sorted(needed - state.zones.keys()):
        state.problem(
            ("addressing", "ipv6", "zones"),
            f"no zone {zone!r} for the sites that need it",
            f"add '{zone}: <index>' to addressing.ipv6.zones",
        )


def run(state: PlanState) -> None:
    """Plan the IPv6 side of everything: sites, their LANs, loopbacks, links.

    Needs :func:`check_zones` to have passed. Reads the SoT indexes, ``old`` and ``prune``;
    writes ``zone_slots``, ``site6``, ``lan6``, ``loop6``, ``link_slots``, ``link6`` and
    ``shortfall``.
    """
    plan_sites(state)
    plan_lans(state)
    plan_loopbacks(state)
    plan_links(state)


def plan_sites(state: PlanState) -> None:
    """A /56 per site: the ledger's where still valid, else the preferred slot or next."""
    slots = {zone: SlotAllocator(1 << (state.site_len - state.zone_len)) for zone in state.zones}
    state.zone_slots = slots
    for sid in sorted(state.old.sites):
        entry = state.old.sites[sid]
        site = state.present.get(sid)
        if site is None and state.prune:
            continue
        zone = site.kind if site is not None else entry.zone
        if zone not in state.zones or entry.prefix6.prefixlen != state.site_len:
            continue
        slot = index_in(state.zone_net(zone), entry.prefix6)
        if slot is None or not slots[zone].reserve(slot):
            continue
        state.site6[sid] = entry.prefix6
    for site in state.sites:
        if site.site_id in state.site6:
            continue
        zone_net = state.zone_net(site.kind)
        found = slots[site.kind].take(site.site_id)
        if found is None:
            state.short("ipv6", f"zone {site.kind} {zone_net}", f"/{state.site_len}")
            continue
        prefix = subnet_at(zone_net, state.site_len, found)
        assert isinstance(prefix, ipaddress.IPv6Network)
        state.site6[site.site_id] = prefix


def plan_lans(state: PlanState) -> None:
    """A /64 per LAN of every planned site (kept sites of the ledger keep their LANs)."""
    capacity = 1 << (64 - state.site_len)
    for sid, prefix6 in state.site6.items():
        slots = SlotAllocator(capacity)
        site = state.present.get(sid)
        wanted = {lan.key for lan in site.lans} if site is not None else None
        old = state.old.sites.get(sid)
        for key, kept in sorted((old.lans if old else {}).items()):
            if wanted is not None and key not in wanted and state.prune:
                continue
            slot = index_in(prefix6, kept.ipv6)
            if kept.ipv6.prefixlen == 64 and slot is not None and slots.reserve(slot):
                state.lan6[(sid, key)] = kept.ipv6
        if site is None:
            continue
        for lan in site.lans:
            if (sid, lan.key) in state.lan6:
                continue
            slot = lan_slot(slots, FUNCTION_CODES[lan.function])
            if slot is None:
                state.short("ipv6", f"site {site.slug} {prefix6}", "/64")
                continue
            net = subnet_at(prefix6, 64, slot)
            assert isinstance(net, ipaddress.IPv6Network)
            state.lan6[(sid, lan.key)] = net


def lan_slot(slots: SlotAllocator, code: int) -> int | None:
    """Reserve a LAN's /64 slot: ``code*16 + n`` (first free n), else any free slot from
    0x80, else any; in a site too small for that scheme (under 256 /64s), the first free
    from 1, else 0.

    Examples:
        >>> slots = SlotAllocator(256)
        >>> hex(lan_slot(slots, 1)), hex(lan_slot(slots, 1)), hex(lan_slot(slots, 2))
        ('0x10', '0x11', '0x20')
        >>> small = SlotAllocator(4)
        >>> lan_slot(small, 1), lan_slot(small, 1), lan_slot(small, 1), lan_slot(small, 1)
        (1, 2, 3, 0)
        >>> lan_slot(small, 1) is None
        True
    """
    if slots.capacity >= 256:
        for n in range(16):
            if slots.reserve(code * 16 + n):
                return code * 16 + n
        spare = slots.first_free(0x80)
        if spare is not None:
            slots.reserve(spare)
            return spare
    spare = slots.first_free(1)
    if spare is None:
        spare = slots.first_free(0)
    if spare is not None:
        slots.reserve(spare)
    return spare


def loopback_net(state: PlanState) -> ipaddress.IPv6Network:
    """The /64 of loopbacks: the first of the infra zone's first nibble block."""
    block = subnet_at(state.zone_net("infra"), state.zone_len + 4, 0)
    net = subnet_at(block, 64, 0)
    assert isinstance(net, ipaddress.IPv6Network)
    return net


def plan_loopbacks(state: PlanState) -> None:
    """A /128 per router at ``<loopback /64>::<site_id>:<n>`` (n from 1, first free)."""
    loop64 = loopback_net(state)
    base = int(loop64.network_address)
    used: set[int] = set()
    for host in sorted(state.old.devices):
        entry = state.old.devices[host]
        if host not in state.device_site and state.prune:
            continue
        value = int(entry.loopback6)
        if entry.loopback6 in loop64 and value != base and value not in used:
            used.add(value)
            state.loop6[host] = entry.loopback6
    for site, dev in sorted(state.devices, key=lambda sd: (sd[0].site_id, sd[1].hostname)):
        if dev.hostname in state.loop6:
            continue
        n = 1
        while base + (site.site_id << 16) + n in used:
            n += 1
        value = base + (site.site_id << 16) + n
        used.add(value)
        state.loop6[dev.hostname] = ipaddress.IPv6Address(value)


def plan_links(state: PlanState) -> None:
    """A /64 per link from the infra zone after its first nibble block, lowest free first."""
    infra = state.zone_net("infra")
    first = 1 << (64 - state.zone_len - 4)
    slots = SlotAllocator((1 << (64 - state.zone_len)) - first)
    state.link_slots = slots
    keys = {link.key for link in state.sot.links}
    for key in sorted(state.old.links):
        entry = state.old.links[key]
        if key not in keys and state.prune:
            continue
        slot = index_in(infra, entry.reserved6)
        valid = entry.reserved6.prefixlen == 64 and slot is not None and slot >= first
        if valid and slot is not None and slots.reserve(slot - first):
            state.link6[key] = entry.reserved6
    for _, link in state.links:
        if link.key in state.link6:
            continue
        found = slots.take_lowest()
        if found is None:
            state.short("ipv6", f"p2p links in zone infra {infra}", "/64")
            continue
        net = subnet_at(infra, 64, found + first)
        assert isinstance(net, ipaddress.IPv6Network)
        state.link6[link.key] = net
