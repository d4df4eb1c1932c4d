"""Phase ipv4: pools, fixed addresses, what the ledger keeps, then fresh allocations.

From ``addressing.ipv4.supernets`` (the *space*): two pools, loopbacks (/32) and p2p
links (/31), each a list of blocks that grows by whole blocks from the space; LANs are
aligned first-fit in the rest of the space. Order matters and is the policy of
``docs/ADDRESSING.md``: pool blocks of the ledger, then addresses the SoT fixes (which
must not collide), then valid ledger entries, then new allocations in identity order.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

from netauto.plan.prefixes import BlockAllocator
from netauto.plan.state import PlanState
from netauto.sot.models import VM, Lan, Site

LOOPBACK_POOL = "loopback4"
P2P_POOL = "p2p4"


def run(state: PlanState) -> None:
    """Plan the IPv4 side of every router, link and LAN the IPv6 phase planned.

    Reads the SoT indexes, ``old``, ``site6``, ``loop6``, ``link6`` and ``lan6``; writes
    ``space``, ``pools``, ``pool_blocks``, ``lan4``, ``link4``, ``loop4``, ``problems``
    and ``shortfall``.
    """
    dcs = [s.slug for s in state.sot.sites if s.kind == "data-centre"]
    vm_nets = vm_network_keys(dcs, state.sot.vms)
    from netauto.plan.phases import imported

    carve_pools(state)
    reserve_fixed(state)
    imported.run(state)  # the running network's addresses, before the ledger and pools
    keep_ledger(state, vm_nets)
    allocate(state, vm_nets)


def vm_network_keys(dcs: list[str], vms: Iterable[VM]) -> dict[str, set[str]]:
    """LAN keys that hold VMs, by data-centre slug (a VM without a site: the first one).

    Examples:
        >>> vms = [VM(name="a", network="server"), VM(name="b", site="dc2", network="db")]
        >>> vm_network_keys(["dc1", "dc2"], vms)
        {'dc1': {'server'}, 'dc2': {'db'}}
    """
    found: dict[str, set[str]] = {}
    for vm in vms:
        site = vm.site or (dcs[0] if dcs else None)
        if site is not None:
            found.setdefault(site, set()).add(vm.network)
    return found


def lan_prefixlen(state: PlanState, site: Site, lan: Lan, vm_nets: dict[str, set[str]]) -> int:
    """The IPv4 prefix length a LAN gets: fixed, its own, ``vm_prefix`` or ``lan_prefix``."""
    if lan.ipv4 is not None:
        return lan.ipv4.prefixlen
    if lan.ipv4_prefix is not None:
        return lan.ipv4_prefix
    if site.kind == "data-centre" and lan.key in vm_nets.get(site.slug, set()):
        return state.sot.addressing.ipv4.vm_prefix
    return state.sot.addressing.ipv4.lan_prefix


def pool_block_size(prefixlen: int, demand: int) -> int:
    """Prefix length of the block a pool grows by: room for twice the ``demand`` still
    to come in blocks of ``prefixlen``, rounded up to a power of two, at least a /24.

    Examples:
        >>> pool_block_size(32, 10), pool_block_size(32, 200), pool_block_size(31, 300)
        (24, 23, 21)
    """
    size = max(256, 1 << max(demand * 2 * (1 << (32 - prefixlen)) - 1, 1).bit_length())
    return 32 - (size.bit_length() - 1)


def carve_pools(state: PlanState) -> None:
    """The space, and the two pools with the blocks the ledger gave them."""
    supernets = state.sot.addressing.ipv4.supernets
    state.space = BlockAllocator(32, supernets)
    for name in (LOOPBACK_POOL, P2P_POOL):
        state.pools[name] = BlockAllocator(32, [])
        state.pool_blocks[name] = []
        for block in state.old.pools4.get(name, []):
            inside = any(block.subnet_of(s) for s in supernets)
            if inside and state.space.reserve(int(block.network_address), block.prefixlen):
                add_pool_block(state, name, block)


def add_pool_block(state: PlanState, name: str, block: ipaddress.IPv4Network) -> None:
    """Add a block to a pool; a loopback block never hands out its ``.0``."""
    state.pools[name].add_space(block)
    state.pool_blocks[name].append(block)
    if name == LOOPBACK_POOL and block.prefixlen < 31:
        state.pools[name].reserve(int(block.network_address), 32)


def reserve_net(state: PlanState, net: ipaddress.IPv4Network) -> bool:
    """Reserve a fixed or ledger block in the pool that holds it, else in the space."""
    start = int(net.network_address)
    for name, blocks in state.pool_blocks.items():
        if any(net.subnet_of(b) for b in blocks):
            return state.pools[name].reserve(start, net.prefixlen)
        if any(b.subnet_of(net) for b in blocks):
            return False
    return state.space.reserve(start, net.prefixlen)


def reserve_fixed(state: PlanState) -> None:
    """Reserve the LAN subnets and link /31s the SoT fixes; collisions are problems."""
    for site in state.sites:
        for j, lan in enumerate(site.lans):
            if lan.ipv4 is None:
                continue
            if not reserve_net(state, lan.ipv4):
                state.problem(
                    state.site_path(site, "lans", j, "ipv4"),
                    f"fixed IPv4 {lan.ipv4} overlaps another fixed subnet or pool",
                    "give it a subnet nothing else uses, or drop it to let the plan choose",
                )
            state.lan4[(site.site_id, lan.key)] = lan.ipv4
    for i, link in state.links:
        ends = [(e, side) for e, side in ((link.a, "a"), (link.b, "b")) if e.ipv4]
        nets = {e.ipv4.network for e, _ in ends if e.ipv4 is not None}
        if not nets:
            continue
        if len(nets) > 1:
            state.problem(
                ("links", i, "b", "ipv4"),
                f"the two ends fix different /31s: {', '.join(sorted(map(str, nets)))}",
                "both ends of a link share one /31",
            )
            continue
        net = nets.pop()
        if not reserve_net(state, net):
            state.problem(
                ("links", i, ends[0][1], "ipv4"),
                f"fixed IPv4 {net} overlaps another fixed subnet or pool",
                "give the link a /31 nothing else uses, or drop it to let the plan choose",
            )
        state.link4[link.key] = net


def keep_ledger(state: PlanState, vm_nets: dict[str, set[str]]) -> None:
    """Keep the ledger's loopbacks, /31s and LAN subnets that are still valid and free.

    Only for what the IPv6 phase kept or planned; a LAN whose wanted prefix length
    changed is planned afresh.
    """
    loop_pool = state.pool_blocks[LOOPBACK_POOL]
    for host in sorted(state.old.devices):
        if host not in state.loop6 or host in state.loop4:  # fixed (imported) first
            continue
        address = state.old.devices[host].loopback4
        in_pool = any(address in b for b in loop_pool)
        if in_pool and state.pools[LOOPBACK_POOL].reserve(int(address), 32):
            state.loop4[host] = address
    p2p_pool = state.pool_blocks[P2P_POOL]
    for key in sorted(state.old.links):
        if key not in state.link6 or key in state.link4:
            continue
        net = state.old.links[key].network4
        in_pool = net.prefixlen == 31 and any(net.subnet_of(b) for b in p2p_pool)
        if in_pool and state.pools[P2P_POOL].reserve(int(net.network_address), 31):
            state.link4[key] = net
    supernets = state.sot.addressing.ipv4.supernets
    for sid in sorted(state.old.sites):
        if sid not in state.site6:
            continue
        site = state.present.get(sid)
        sizes: dict[str, int] = {}  # the IPv4 prefix length each LAN of the site wants now
        if site is not None:
            sizes = {x.key: lan_prefixlen(state, site, x, vm_nets) for x in site.lans}
        for key, lan in sorted(state.old.sites[sid].lans.items()):
            if (sid, key) not in state.lan6 or (sid, key) in state.lan4:
                continue
            if key in sizes and lan.ipv4.prefixlen != sizes[key]:
                continue  # the LAN now wants another size: planned afresh
            if any(lan.ipv4.subnet_of(s) for s in supernets) and reserve_net(state, lan.ipv4):
                state.lan4[(sid, key)] = lan.ipv4


def pool_take(state: PlanState, name: str, prefixlen: int, demand: int) -> int | None:
    """A block from pool ``name``, growing the pool from the space when it is full."""
    pool = state.pools[name]
    found = pool.allocate(prefixlen)
    if found is not None:
        return found
    block_len = pool_block_size(prefixlen, demand)
    start = state.space.allocate(block_len)
    while start is None and block_len < prefixlen:
        block_len += 1
        start = state.space.allocate(block_len)
    if start is None:
        return None
    add_pool_block(state, name, ipaddress.IPv4Network((start, block_len)))
    return pool.allocate(prefixlen)


def allocate(state: PlanState, vm_nets: dict[str, set[str]]) -> None:
    """Fresh loopbacks (site_id, hostname order), /31s (link-key order), LANs (site_id)."""
    supernets = ", ".join(str(s) for s in state.sot.addressing.ipv4.supernets)
    todo_loop = [
        d.hostname
        for s, d in sorted(state.devices, key=lambda sd: (sd[0].site_id, sd[1].hostname))
        if d.hostname not in state.loop4
    ]
    for n, host in enumerate(todo_loop):
        found = pool_take(state, LOOPBACK_POOL, 32, len(todo_loop) - n)
        if found is None:
            state.short("ipv4", f"loopbacks from {supernets}", "/32")
            continue
        state.loop4[host] = ipaddress.IPv4Address(found)
    todo_links = [link.key for _, link in state.links if link.key not in state.link4]
    for n, key in enumerate(todo_links):
        found = pool_take(state, P2P_POOL, 31, len(todo_links) - n)
        if found is None:
            state.short("ipv4", f"p2p links from {supernets}", "/31")
            continue
        state.link4[key] = ipaddress.IPv4Network((found, 31))
    for site in state.sites:
        for lan in site.lans:
            lan_id = (site.site_id, lan.key)
            if lan_id in state.lan4 or lan_id not in state.lan6:
                continue
            prefixlen = lan_prefixlen(state, site, lan, vm_nets)
            found = state.space.allocate(prefixlen)
            if found is None:
                state.short("ipv4", f"LANs from {supernets}", f"/{prefixlen}")
                continue
            state.lan4[lan_id] = ipaddress.IPv4Network((found, prefixlen))
