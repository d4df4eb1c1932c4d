"""The planner core: SoT + ledger in, :class:`Plan` + new ledger + changes out (no I/O).

Allocation scheme (DESIGN.md §3, overridable by ``addressing`` in the SoT):

* **IPv6**: the province block (e.g. a /40) is cut into nibble **zones** (``zone_prefix``,
  default block + 4) indexed by ``addressing.ipv6.zones`` (infra 0, data-centre 1,
  department 2, hub 3, commune 4). A site gets a ``site_prefix`` slot (/56) in the zone of
  its kind. The preferred slot is ``site_id mod slots``: ids are sparse and stable, so
  sites spread over the zone with room to grow, and a site's slot does not depend on its
  position in any list or on its hub, commune code or merge history. A taken slot probes
  forward. LAN /64s inside the site: byte ``0xFN`` style, function code in the high nibble
  (office 1, wifi 2, camera 3, mgmt 4, server 5, voice 6, guest 7) and the n-th LAN of that
  function in the low one. The infra zone's first nibble block holds the loopback /64
  (``/128`` per router at ``::<site_id>:<n>``); the rest of the zone holds one /64 per
  point-to-point link, whose first /127 is configured.
* **IPv4**: from ``addressing.ipv4.supernets``. Two pools are carved first, loopbacks (/32)
  and p2p links (/31), each a list of blocks that grows by whole blocks (min /24, sized for
  twice the demand); LANs (``lan_prefix``, ``ipv4_prefix``, or ``vm_prefix`` for data-centre
  VM networks) are aligned first-fit in the rest. Addresses the SoT fixes are kept and must
  not collide.
* **Ledger**: every valid entry is kept (and reserved) before anything new is allocated;
  entries of removed sites, devices, links, LANs and VMs stay reserved unless ``prune``.
  Fresh allocations happen in ``site_id`` / key order, so one SoT always gives one plan.
"""

from __future__ import annotations

import gc
import ipaddress
from collections import defaultdict
from collections.abc import Mapping
from typing import Literal

from pydantic import BaseModel, ConfigDict

from netauto.errors import InputError, Problem
from netauto.plan import interfaces as names
from netauto.plan.ledger import DeviceEntry, LanEntry, Ledger, LinkEntry, SiteEntry, VmEntry
from netauto.plan.models import (
    DevicePlan,
    InterfacePlan,
    LanPlan,
    LinkEndPlan,
    LinkPlan,
    Plan,
    PoolUsage,
    SitePlan,
    VmPlan,
)
from netauto.plan.prefixes import BlockAllocator, SlotAllocator, index_in, subnet_at
from netauto.sot.loader import problem_at
from netauto.sot.models import Lan, Site, SoT
from netauto.sot.source import Location, PathKey

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

LOOPBACK_POOL = "loopback4"
P2P_POOL = "p2p4"
VM_FIRST_HOST = 10
"""VMs get host numbers from 10 up (1 is the gateway; 2-9 stay free for infrastructure)."""


class Change(BaseModel):
    """One line of ``netauto plan --diff``."""

    model_config = ConfigDict(frozen=True, defer_build=True)

    action: Literal["add", "change", "free"]
    key: str
    old: str | None = None
    new: str | None = None

    def __str__(self) -> str:
        if self.action == "add":
            return f"+ {self.key}: {self.new}"
        if self.action == "free":
            return f"- {self.key}: {self.old}"
        return f"~ {self.key}: {self.old} -> {self.new}"


class PlanResult(BaseModel):
    """What :func:`build_plan` returns: the plan, the ledger to save and what changed."""

    model_config = ConfigDict(frozen=True, defer_build=True)

    plan: Plan
    ledger: Ledger
    changes: list[Change]


def ledger_text_after(result: PlanResult, old: Ledger | None) -> str | None:
    """The ledger text ``netauto plan`` writes for ``result`` built on the ledger ``old``;
    None when the file stays as it is (no change, and a ledger file exists)."""
    return result.ledger.to_yaml() if result.changes or old is None else None


def diff_ledgers(old: Ledger, new: Ledger) -> list[Change]:
    """Every allocation added, changed or freed between two ledgers, in key order.

    Examples:
        >>> from netauto.plan.ledger import DeviceEntry
        >>> a = Ledger(devices={"r1": DeviceEntry(
        ...     site_id=1, loopback6="2001:db8::1:1", loopback4="10.0.0.1")})
        >>> b = Ledger(devices={"r1": DeviceEntry(
        ...     site_id=1, loopback6="2001:db8::1:1", loopback4="10.0.0.2")})
        >>> [str(c) for c in diff_ledgers(a, b)]
        ['~ device r1 loopback4: 10.0.0.1 -> 10.0.0.2']
        >>> diff_ledgers(b, b)
        []
    """
    before, after = old.flatten(), new.flatten()
    changes: list[Change] = []
    for key in sorted(before.keys() | after.keys()):
        was, now = before.get(key), after.get(key)
        if was == now:
            continue
        if was is None:
            changes.append(Change(action="add", key=key, new=now))
        elif now is None:
            changes.append(Change(action="free", key=key, old=was))
        else:
            changes.append(Change(action="change", key=key, old=was, new=now))
    return changes


def build_plan(
    sot: SoT,
    ledger: Ledger | None = None,
    *,
    prune: bool = False,
    locations: Mapping[PathKey, Location] | None = None,
) -> PlanResult:
    """Plan every address of the province, keeping what ``ledger`` already allocated.

    Args:
        sot: the validated source of truth.
        ledger: the previous allocations (None: a fresh plan).
        prune: drop ledger entries of sites, devices, links, LANs and VMs no longer in the SoT.
        locations: where each SoT value was written (``LoadedSoT.locations``), for errors.

    Raises:
        InputError: a pool is exhausted (which pool, how many more were needed) or an
            address the SoT fixes collides with another; nothing is returned then.
    """
    # The planner makes tens of thousands of small acyclic objects; on Python 3.11 the
    # cyclic collector would re-scan the whole SoT many times meanwhile (half the run time
    # for the whole country). Pause it for the run and restore it afterwards.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _Planner(sot, ledger or Ledger(), prune, dict(locations or {})).run()
    finally:
        if was_enabled:
            gc.enable()


class _Planner:
    """One planning run; the state is private and thrown away afterwards."""

    def __init__(
        self, sot: SoT, old: Ledger, prune: bool, locations: dict[PathKey, Location]
    ) -> None:
        self.sot = sot
        self.old = old
        self.prune = prune
        self.locations = locations
        self.problems: list[Problem] = []
        self.shortfall: dict[tuple[str, str, str], int] = defaultdict(int)
        self.new = Ledger(allocation6=sot.addressing.ipv6.allocation)
        policy = sot.addressing.ipv6
        self.alloc6 = policy.allocation
        self.zone_len = policy.effective_zone_prefix
        self.site_len = policy.site_prefix
        self.zones = dict(policy.zones)
        self.sites = sorted(sot.sites, key=lambda s: s.site_id)
        self.site_index = {s.site_id: i for i, s in enumerate(sot.sites)}
        self.by_slug = {s.slug: s for s in sot.sites}
        self.devices = sot.all_devices()
        self.device_site = {d.hostname: s for s, d in self.devices}
        self.platform = {d.hostname: d.platform for _, d in self.devices}
        self.links = sorted(enumerate(sot.links), key=lambda il: il[1].key)

    # ---- helpers -----------------------------------------------------------------------

    def problem(self, path: PathKey, message: str, hint: str = "") -> None:
        self.problems.append(problem_at(self.locations, path, message, hint))

    def short(self, family: str, pool: str, size: str) -> None:
        self.shortfall[(family, pool, size)] += 1

    def zone_net(self, zone: str) -> ipaddress.IPv6Network:
        net = subnet_at(self.alloc6, self.zone_len, self.zones[zone])
        assert isinstance(net, ipaddress.IPv6Network)
        return net

    def site_path(self, site: Site, *rest: str | int) -> PathKey:
        return ("sites", self.site_index[site.site_id], *rest)

    def lan_prefixlen4(self, site: Site, lan: Lan) -> int:
        key = lan.key
        if lan.ipv4 is not None:
            return lan.ipv4.prefixlen
        if lan.ipv4_prefix is not None:
            return lan.ipv4_prefix
        if site.kind == "data-centre" and key in self.vm_networks.get(site.slug, set()):
            return self.sot.addressing.ipv4.vm_prefix
        return self.sot.addressing.ipv4.lan_prefix

    # ---- the run -----------------------------------------------------------------------

    def run(self) -> PlanResult:
        self.check_zones()
        if self.problems:
            raise InputError(self.problems)
        self.vm_networks = self.vm_network_keys()
        self.plan_sites6()
        self.plan_lans6()
        self.plan_loopbacks6()
        self.plan_links6()
        self.plan_ipv4()
        self.plan_interfaces()
        self.plan_vms()
        if self.problems or self.shortfall:
            raise InputError(self.problems + self.exhaustion_problems())
        plan = self.assemble()
        return PlanResult(plan=plan, ledger=self.new, changes=diff_ledgers(self.old, self.new))

    def check_zones(self) -> None:
        needed = {"infra"} | {s.kind for s in self.sot.sites}
        for zone in sorted(needed - self.zones.keys()):
            self.problem(
                ("addressing", "ipv6", "zones"),
                f"no zone {zone!r} for the sites that need it",
                f"add '{zone}: <index>' to addressing.ipv6.zones",
            )

    def vm_network_keys(self) -> dict[str, set[str]]:
        dcs = [s.slug for s in self.sot.sites if s.kind == "data-centre"]
        found: dict[str, set[str]] = defaultdict(set)
        for vm in self.sot.vms:
            site = vm.site or (dcs[0] if dcs else None)
            if site is not None:
                found[site].add(vm.network)
        return found

    # ---- IPv6: sites, LANs, loopbacks, links -------------------------------------------

    def plan_sites6(self) -> None:
        slots: dict[str, SlotAllocator] = {
            zone: SlotAllocator(1 << (self.site_len - self.zone_len)) for zone in self.zones
        }
        self.zone_slots = slots
        present = {s.site_id: s for s in self.sot.sites}
        for sid in sorted(self.old.sites):
            entry = self.old.sites[sid]
            site = present.get(sid)
            if site is None and self.prune:
                continue
            zone = site.kind if site is not None else entry.zone
            if zone not in self.zones or entry.prefix6.prefixlen != self.site_len:
                continue
            slot = index_in(self.zone_net(zone), entry.prefix6)
            if slot is None or not slots[zone].reserve(slot):
                continue
            slug = site.slug if site is not None else entry.slug
            self.new.sites[sid] = SiteEntry(slug=slug, zone=zone, prefix6=entry.prefix6)
        for site in self.sites:
            if site.site_id in self.new.sites:
                continue
            found = slots[site.kind].take(site.site_id)
            if found is None:
                self.short(
                    "ipv6", f"zone {site.kind} {self.zone_net(site.kind)}", f"/{self.site_len}"
                )
                continue
            prefix = subnet_at(self.zone_net(site.kind), self.site_len, found)
            assert isinstance(prefix, ipaddress.IPv6Network)
            self.new.sites[site.site_id] = SiteEntry(slug=site.slug, zone=site.kind, prefix6=prefix)

    def plan_lans6(self) -> None:
        capacity = 1 << (64 - self.site_len)
        self.lan6: dict[tuple[int, str], ipaddress.IPv6Network] = {}
        present = {s.site_id: s for s in self.sot.sites}
        for sid, entry in self.new.sites.items():
            slots = SlotAllocator(capacity)
            site = present.get(sid)
            wanted = {lan.key for lan in site.lans} if site is not None else None
            old = self.old.sites.get(sid)
            for key, kept in sorted((old.lans if old else {}).items()):
                if wanted is not None and key not in wanted and self.prune:
                    continue
                slot = index_in(entry.prefix6, kept.ipv6)
                if kept.ipv6.prefixlen == 64 and slot is not None and slots.reserve(slot):
                    self.lan6[(sid, key)] = kept.ipv6
            if site is None:
                continue
            for lan in site.lans:
                if (sid, lan.key) in self.lan6:
                    continue
                slot = self.lan_slot(slots, FUNCTION_CODES[lan.function], capacity)
                if slot is None:
                    self.short("ipv6", f"site {site.slug} {entry.prefix6}", "/64")
                    continue
                net = subnet_at(entry.prefix6, 64, slot)
                assert isinstance(net, ipaddress.IPv6Network)
                self.lan6[(sid, lan.key)] = net

    @staticmethod
    def lan_slot(slots: SlotAllocator, code: int, capacity: int) -> int | None:
        """Slot ``code*16 + n`` (first free n), else any free slot from 0x80, else any."""
        if capacity >= 256:
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

    def infra_block(self) -> ipaddress.IPv6Network:
        net = subnet_at(self.zone_net("infra"), self.zone_len + 4, 0)
        assert isinstance(net, ipaddress.IPv6Network)
        return net

    def plan_loopbacks6(self) -> None:
        loop64 = subnet_at(self.infra_block(), 64, 0)
        self.loop64 = loop64
        base = int(loop64.network_address)
        used: set[int] = set()
        self.loop6: dict[str, ipaddress.IPv6Address] = {}
        for host in sorted(self.old.devices):
            entry = self.old.devices[host]
            if host not in self.device_site and self.prune:
                continue
            value = int(entry.loopback6)
            if entry.loopback6 in loop64 and value != base and value not in used:
                used.add(value)
                self.loop6[host] = entry.loopback6
        for site, dev in sorted(self.devices, key=lambda sd: (sd[0].site_id, sd[1].hostname)):
            if dev.hostname in self.loop6:
                continue
            n = 1
            while base + (site.site_id << 16) + n in used:
                n += 1
            value = base + (site.site_id << 16) + n
            used.add(value)
            self.loop6[dev.hostname] = ipaddress.IPv6Address(value)

    def plan_links6(self) -> None:
        infra = self.zone_net("infra")
        first = 1 << (64 - self.zone_len - 4)
        slots = SlotAllocator((1 << (64 - self.zone_len)) - first)
        self.link_slots = slots
        self.link6: dict[str, ipaddress.IPv6Network] = {}
        keys = {link.key for link in self.sot.links}
        for key in sorted(self.old.links):
            entry = self.old.links[key]
            if key not in keys and self.prune:
                continue
            slot = index_in(infra, entry.reserved6)
            valid = entry.reserved6.prefixlen == 64 and slot is not None and slot >= first
            if valid and slot is not None and slots.reserve(slot - first):
                self.link6[key] = entry.reserved6
        for _, link in self.links:
            if link.key in self.link6:
                continue
            found = slots.take_lowest()
            if found is None:
                self.short("ipv6", f"p2p links in zone infra {infra}", "/64")
                continue
            net = subnet_at(infra, 64, found + first)
            assert isinstance(net, ipaddress.IPv6Network)
            self.link6[link.key] = net

    # ---- IPv4 --------------------------------------------------------------------------

    def plan_ipv4(self) -> None:
        supernets = self.sot.addressing.ipv4.supernets
        self.space = BlockAllocator(32, supernets)
        self.pools: dict[str, BlockAllocator] = {}
        self.pool_blocks: dict[str, list[ipaddress.IPv4Network]] = {}
        for name in (LOOPBACK_POOL, P2P_POOL):
            self.pools[name] = BlockAllocator(32, [])
            self.pool_blocks[name] = []
            for block in self.old.pools4.get(name, []):
                inside = any(block.subnet_of(s) for s in supernets)
                if inside and self.space.reserve(int(block.network_address), block.prefixlen):
                    self.add_pool_block(name, block)
        self.reserve_fixed4()
        self.keep_ledger4()
        self.allocate4()
        for name, blocks in self.pool_blocks.items():
            if blocks:
                self.new.pools4[name] = sorted(blocks)

    def reserve_net4(self, net: ipaddress.IPv4Network) -> bool:
        """Reserve a fixed or ledger block in the pool that holds it, else in the space."""
        start = int(net.network_address)
        for name, blocks in self.pool_blocks.items():
            if any(net.subnet_of(b) for b in blocks):
                return self.pools[name].reserve(start, net.prefixlen)
            if any(b.subnet_of(net) for b in blocks):
                return False
        return self.space.reserve(start, net.prefixlen)

    def reserve_fixed4(self) -> None:
        self.lan4: dict[tuple[int, str], ipaddress.IPv4Network] = {}
        self.link4: dict[str, ipaddress.IPv4Network] = {}
        self.fixed_lan4: set[tuple[int, str]] = set()
        for site in self.sites:
            for j, lan in enumerate(site.lans):
                if lan.ipv4 is None:
                    continue
                if not self.reserve_net4(lan.ipv4):
                    self.problem(
                        self.site_path(site, "lans", j, "ipv4"),
                        f"fixed IPv4 {lan.ipv4} overlaps another fixed subnet or pool",
                        "give it a subnet nothing else uses, or drop it to let the plan choose",
                    )
                self.lan4[(site.site_id, lan.key)] = lan.ipv4
                self.fixed_lan4.add((site.site_id, lan.key))
        for i, link in self.links:
            ends = [(e, side) for e, side in ((link.a, "a"), (link.b, "b")) if e.ipv4]
            nets = {e.ipv4.network for e, _ in ends if e.ipv4 is not None}
            if not nets:
                continue
            if len(nets) > 1:
                self.problem(
                    ("links", i, "b", "ipv4"),
                    f"the two ends fix different /31s: {', '.join(sorted(map(str, nets)))}",
                    "both ends of a link share one /31",
                )
                continue
            net = nets.pop()
            if not self.reserve_net4(net):
                self.problem(
                    ("links", i, ends[0][1], "ipv4"),
                    f"fixed IPv4 {net} overlaps another fixed subnet or pool",
                    "give the link a /31 nothing else uses, or drop it to let the plan choose",
                )
            self.link4[link.key] = net

    def keep_ledger4(self) -> None:
        self.loop4: dict[str, ipaddress.IPv4Address] = {}
        loop_pool = self.pool_blocks[LOOPBACK_POOL]
        for host in sorted(self.old.devices):
            if host not in self.loop6:
                continue
            address = self.old.devices[host].loopback4
            in_pool = any(address in b for b in loop_pool)
            if in_pool and self.pools[LOOPBACK_POOL].reserve(int(address), 32):
                self.loop4[host] = address
        p2p_pool = self.pool_blocks[P2P_POOL]
        for key in sorted(self.old.links):
            if key not in self.link6 or key in self.link4:
                continue
            net = self.old.links[key].network4
            in_pool = net.prefixlen == 31 and any(net.subnet_of(b) for b in p2p_pool)
            if in_pool and self.pools[P2P_POOL].reserve(int(net.network_address), 31):
                self.link4[key] = net
        present = {s.site_id: s for s in self.sot.sites}
        supernets = self.sot.addressing.ipv4.supernets
        for sid in sorted(self.old.sites):
            if sid not in self.new.sites:
                continue
            site = present.get(sid)
            current = {x.key: x for x in site.lans} if site is not None else {}
            for key, lan in sorted(self.old.sites[sid].lans.items()):
                if (sid, key) not in self.lan6 or (sid, key) in self.lan4:
                    continue
                if site is not None and key in current:
                    wanted = self.lan_prefixlen4(site, current[key])
                    if lan.ipv4.prefixlen != wanted:
                        continue
                if any(lan.ipv4.subnet_of(s) for s in supernets) and self.reserve_net4(lan.ipv4):
                    self.lan4[(sid, key)] = lan.ipv4

    def pool_take(self, name: str, prefixlen: int, demand: int) -> int | None:
        """A block from pool ``name``, growing the pool from the space when it is full."""
        pool = self.pools[name]
        found = pool.allocate(prefixlen)
        if found is not None:
            return found
        size = max(256, 1 << max(demand * 2 * (1 << (32 - prefixlen)) - 1, 1).bit_length())
        block_len = 32 - (size.bit_length() - 1)
        start = self.space.allocate(block_len)
        while start is None and block_len < 32 - (32 - prefixlen):
            block_len += 1
            start = self.space.allocate(block_len)
        if start is None:
            return None
        self.add_pool_block(name, ipaddress.IPv4Network((start, block_len)))
        return pool.allocate(prefixlen)

    def add_pool_block(self, name: str, block: ipaddress.IPv4Network) -> None:
        """Add a block to a pool; a loopback block never hands out its ``.0``."""
        self.pools[name].add_space(block)
        self.pool_blocks[name].append(block)
        if name == LOOPBACK_POOL and block.prefixlen < 31:
            self.pools[name].reserve(int(block.network_address), 32)

    def allocate4(self) -> None:
        supernets = ", ".join(str(s) for s in self.sot.addressing.ipv4.supernets)
        todo_loop = [
            d.hostname
            for s, d in sorted(self.devices, key=lambda sd: (sd[0].site_id, sd[1].hostname))
            if d.hostname not in self.loop4
        ]
        for n, host in enumerate(todo_loop):
            found = self.pool_take(LOOPBACK_POOL, 32, len(todo_loop) - n)
            if found is None:
                self.short("ipv4", f"loopbacks from {supernets}", "/32")
                continue
            self.loop4[host] = ipaddress.IPv4Address(found)
        todo_links = [link.key for _, link in self.links if link.key not in self.link4]
        for n, key in enumerate(todo_links):
            found = self.pool_take(P2P_POOL, 31, len(todo_links) - n)
            if found is None:
                self.short("ipv4", f"p2p links from {supernets}", "/31")
                continue
            self.link4[key] = ipaddress.IPv4Network((found, 31))
        for site in self.sites:
            for lan in site.lans:
                lan_id = (site.site_id, lan.key)
                if lan_id in self.lan4 or lan_id not in self.lan6:
                    continue
                prefixlen = self.lan_prefixlen4(site, lan)
                found = self.space.allocate(prefixlen)
                if found is None:
                    self.short("ipv4", f"LANs from {supernets}", f"/{prefixlen}")
                    continue
                self.lan4[lan_id] = ipaddress.IPv4Network((found, prefixlen))
        # Ledger entries: sites (kept or new) with their LANs, loopbacks, links.
        for (sid, key), net6 in sorted(self.lan6.items()):
            net4 = self.lan4.get((sid, key))
            if net4 is not None:
                self.new.sites[sid].lans[key] = LanEntry(ipv6=net6, ipv4=net4)
        for host, addr6 in sorted(self.loop6.items()):
            addr4 = self.loop4.get(host)
            if addr4 is None:
                continue
            site_now = self.device_site.get(host)
            sid = site_now.site_id if site_now else self.old.devices[host].site_id
            self.new.devices[host] = DeviceEntry(site_id=sid, loopback6=addr6, loopback4=addr4)

    # ---- interface names ---------------------------------------------------------------

    def plan_interfaces(self) -> None:
        taken: dict[str, set[str]] = defaultdict(set)
        for hostname, platform in self.platform.items():
            taken[hostname].add(names.loopback_name(platform))
        self.lan_iface: dict[tuple[int, str], tuple[str, str]] = {}
        for site in self.sites:
            for j, lan in enumerate(site.lans):
                host: str | None = lan.device
                if host is None and site.devices:
                    host = site.devices[0].hostname
                if host is None:
                    host = next((d.hostname for s, d in self.devices if s is site), None)
                if host is None or host not in self.platform:
                    self.problem(
                        self.site_path(site, "lans", j),
                        f"LAN {lan.key!r} has no router to serve it",
                        "add a device to the site or set the LAN's device",
                    )
                    continue
                ifname = lan.interface or names.lan_name(self.platform[host], lan.vlan)
                taken[host].add(ifname)
                self.lan_iface[(site.site_id, lan.key)] = (host, ifname)
        ends: dict[tuple[str, str], str] = {}
        for _, link in self.links:
            for end in (link.a, link.b):
                if end.interface:
                    ends[(link.key, end.device)] = end.interface
                    taken[end.device].add(end.interface)
        for _, link in self.links:
            pinned = self.old.links.get(link.key)
            for end in (link.a, link.b):
                if end.interface or pinned is None:
                    continue
                name = pinned.interfaces.get(end.device)
                if name is not None and name not in taken[end.device]:
                    ends[(link.key, end.device)] = name
                    taken[end.device].add(name)
        for _, link in self.links:
            for end in (link.a, link.b):
                if (link.key, end.device) in ends or end.device not in self.platform:
                    continue
                name = names.next_wan_name(self.platform[end.device], taken[end.device])
                ends[(link.key, end.device)] = name
                taken[end.device].add(name)
        self.link_iface = ends
        links_by_key = {lk.key: lk for _, lk in self.links}
        for key in sorted(self.link6):
            net4 = self.link4.get(key)
            if net4 is None:
                continue
            link_now = links_by_key.get(key)
            if link_now is not None:
                ifaces = {
                    e.device: ends[(key, e.device)]
                    for e in (link_now.a, link_now.b)
                    if (key, e.device) in ends
                }
            else:
                ifaces = dict(self.old.links[key].interfaces)
            self.new.links[key] = LinkEntry(
                reserved6=self.link6[key], network4=net4, interfaces=ifaces
            )

    # ---- VMs ---------------------------------------------------------------------------

    def plan_vms(self) -> None:
        dcs = [s for s in self.sot.sites if s.kind == "data-centre"]
        self.vm_addr: dict[str, tuple[Site, str, int]] = {}
        hosts: dict[tuple[int, str], SlotAllocator] = {}

        def slots_for(sid: int, key: str) -> SlotAllocator:
            if (sid, key) not in hosts:
                net4 = self.lan4[(sid, key)]
                slots = SlotAllocator(net4.num_addresses - 1)
                slots.reserve(0)
                slots.reserve(1)
                hosts[(sid, key)] = slots
            return hosts[(sid, key)]

        placed: list[tuple[int, str, Site]] = []
        placed_by_name: dict[str, tuple[int, str, Site]] = {}
        for i, vm in enumerate(self.sot.vms):
            site = self.by_slug.get(vm.site) if vm.site else (dcs[0] if dcs else None)
            if site is None or (site.site_id, vm.network) not in self.lan4:
                if self.shortfall:  # the LAN could not be allocated: already reported
                    continue
                self.problem(
                    ("vms", i, "network"),
                    f"no planned LAN {vm.network!r} for VM {vm.name}",
                    "name a LAN of the data-centre site",
                )
                continue
            placed.append((i, vm.name, site))
            placed_by_name[vm.name] = (i, vm.name, site)
        # Fixed addresses first, then ledger entries, then new ones.
        for i, name, site in placed:
            vm = self.sot.vms[i]
            if vm.ipv4 is None:
                continue
            net4 = self.lan4[(site.site_id, vm.network)]
            index = int(vm.ipv4) - int(net4.network_address)
            if vm.ipv4 not in net4 or not slots_for(site.site_id, vm.network).reserve(index):
                self.problem(
                    ("vms", i, "ipv4"),
                    f"fixed IPv4 {vm.ipv4} is not a free host address of {net4}",
                    "pick a free address inside the VM network (not .0, .1 or broadcast)",
                )
                continue
            self.vm_addr[name] = (site, vm.network, index)
        present = {name for _, name, _ in placed}
        for name in sorted(self.old.vms):
            if name in self.vm_addr or (name not in present and self.prune):
                continue
            entry = self.old.vms[name]
            key = (entry.site_id, entry.network)
            if key not in self.lan4:
                continue
            site_now: Site | None = None
            if name in present:
                i, _, site_now = placed_by_name[name]
                if (site_now.site_id, self.sot.vms[i].network) != key:
                    continue
            net4, net6 = self.lan4[key], self.lan6[key]
            index = int(entry.ipv4) - int(net4.network_address)
            consistent = int(entry.ipv6) - int(net6.network_address) == index
            if entry.ipv4 in net4 and consistent and slots_for(*key).reserve(index):
                if site_now is not None:
                    self.vm_addr[name] = (site_now, entry.network, index)
                else:
                    self.new.vms[name] = entry
        for i, name, site in placed:
            if name in self.vm_addr:
                continue
            vm = self.sot.vms[i]
            slots = slots_for(site.site_id, vm.network)
            start = VM_FIRST_HOST if slots.capacity > 2 * VM_FIRST_HOST else 2
            free = slots.first_free(start)
            if free is None:
                free = slots.first_free(2)
            if free is None:
                self.short("ipv4", f"VM network {self.lan4[(site.site_id, vm.network)]}", "/32")
                continue
            slots.reserve(free)
            self.vm_addr[name] = (site, vm.network, free)
        for name, (site, net_key, host_no) in sorted(self.vm_addr.items()):
            lan_id = (site.site_id, net_key)
            net4, net6 = self.lan4[lan_id], self.lan6[lan_id]
            self.new.vms[name] = VmEntry(
                site_id=site.site_id,
                network=net_key,
                ipv4=net4.network_address + host_no,
                ipv6=net6.network_address + host_no,
            )

    # ---- errors and output ------------------------------------------------------------

    def exhaustion_problems(self) -> list[Problem]:
        problems = []
        for (family, pool, size), count in sorted(self.shortfall.items()):
            if family == "ipv4":
                field, hint = (
                    "addressing.ipv4.supernets",
                    "add a supernet, or use longer LAN prefixes (lan_prefix, vm_prefix)",
                )
            else:
                field, hint = (
                    "addressing.ipv6",
                    "use a larger allocation, a shorter zone_prefix or a longer site_prefix",
                )
            loc = problem_at(self.locations, tuple(field.split(".")), "")
            problems.append(
                Problem(
                    loc.file,
                    loc.line,
                    field,
                    f"{family} pool exhausted: {pool}: {count} more {size} needed; "
                    "nothing was written",
                    hint,
                )
            )
        return problems

    def assemble(self) -> Plan:
        ifaces: dict[str, list[InterfacePlan]] = {host: [] for host in self.platform}
        link_plans: list[LinkPlan] = []
        for _, link in self.links:
            key = link.key
            net4, net6 = self.link4[key], self.link6[key]
            base6 = net6.network_address
            a_if, b_if = (
                self.link_iface[(key, link.a.device)],
                self.link_iface[(key, link.b.device)],
            )
            a4 = ipaddress.IPv4Interface((int(net4.network_address), 31))
            b4 = ipaddress.IPv4Interface((int(net4.network_address) + 1, 31))
            a6 = ipaddress.IPv6Interface((int(base6), 127))
            b6 = ipaddress.IPv6Interface((int(base6) + 1, 127))
            link_plans.append(
                LinkPlan(
                    id=key,
                    reserved6=net6,
                    network4=net4,
                    a=LinkEndPlan(device=link.a.device, interface=a_if, ipv4=a4, ipv6=a6),
                    b=LinkEndPlan(device=link.b.device, interface=b_if, ipv4=b4, ipv6=b6),
                )
            )
            for me, mine, v4, v6, peer, peer_if in (
                (link.a.device, a_if, a4, a6, link.b.device, b_if),
                (link.b.device, b_if, b4, b6, link.a.device, a_if),
            ):
                ifaces[me].append(
                    InterfacePlan(
                        name=mine,
                        kind="p2p",
                        description=f"{key} to {peer}",
                        ipv4=v4,
                        ipv6=v6,
                        link_id=key,
                        peer=peer,
                        peer_interface=peer_if,
                    )
                )
        site_plans: list[SitePlan] = []
        hosts_of: dict[int, list[str]] = defaultdict(list)
        for owner, dev in self.devices:
            hosts_of[owner.site_id].append(dev.hostname)
        for site in self.sot.sites:
            lans: list[LanPlan] = []
            for lan in site.lans:
                net4, net6 = self.lan4[(site.site_id, lan.key)], self.lan6[(site.site_id, lan.key)]
                host, ifname = self.lan_iface[(site.site_id, lan.key)]
                gw4, gw6 = net4.network_address + 1, net6.network_address + 1
                lans.append(
                    LanPlan(
                        key=lan.key,
                        function=lan.function,
                        vlan=lan.vlan,
                        device=host,
                        interface=ifname,
                        ipv4=net4,
                        ipv6=net6,
                        gateway4=gw4,
                        gateway6=gw6,
                        ipv6_mode=lan.ipv6_mode,
                    )
                )
                ifaces[host].append(
                    InterfacePlan(
                        name=ifname,
                        kind="lan",
                        description=f"{site.slug} {lan.key}",
                        ipv4=ipaddress.IPv4Interface((int(gw4), net4.prefixlen)),
                        ipv6=ipaddress.IPv6Interface((int(gw6), 64)),
                        lan=lan.key,
                        vlan=lan.vlan,
                        ipv6_mode=lan.ipv6_mode,
                    )
                )
            site_plans.append(
                SitePlan(
                    site_id=site.site_id,
                    slug=site.slug,
                    name=site.name,
                    kind=site.kind,
                    hub=site.hub,
                    commune_code=site.commune_code,
                    zone=site.kind,
                    prefix6=self.new.sites[site.site_id].prefix6,
                    lans=lans,
                    devices=hosts_of.get(site.site_id, []),
                )
            )
        device_plans: list[DevicePlan] = []
        for site, dev in self.devices:
            lo4 = ipaddress.IPv4Interface((int(self.loop4[dev.hostname]), 32))
            lo6 = ipaddress.IPv6Interface((int(self.loop6[dev.hostname]), 128))
            loopback = InterfacePlan(
                name=names.loopback_name(dev.platform),
                kind="loopback",
                description="router id",
                ipv4=lo4,
                ipv6=lo6,
            )
            device_plans.append(
                DevicePlan(
                    hostname=dev.hostname,
                    site_id=site.site_id,
                    site=site.slug,
                    platform=dev.platform,
                    role=self.sot.device_role(site, dev),
                    loopback4=lo4,
                    loopback6=lo6,
                    interfaces=[loopback, *ifaces[dev.hostname]],
                )
            )
        vm_plans: list[VmPlan] = []
        for vm in self.sot.vms:
            site, key, index = self.vm_addr[vm.name]
            net4, net6 = self.lan4[(site.site_id, key)], self.lan6[(site.site_id, key)]
            vm_plans.append(
                VmPlan(
                    name=vm.name,
                    site=site.slug,
                    network=key,
                    cluster=vm.cluster,
                    services=list(vm.services),
                    ipv4=ipaddress.IPv4Interface(
                        (int(net4.network_address) + index, net4.prefixlen)
                    ),
                    ipv6=ipaddress.IPv6Interface((int(net6.network_address) + index, 64)),
                    gateway4=net4.network_address + 1,
                    gateway6=net6.network_address + 1,
                )
            )
        return Plan(
            province=self.sot.province.name,
            province_code=self.sot.province.code,
            allocation6=self.alloc6,
            sites=site_plans,
            devices=device_plans,
            links=link_plans,
            vms=vm_plans,
            usage=self.usage(),
        )

    def usage(self) -> list[PoolUsage]:
        rows: list[PoolUsage] = []
        for zone in sorted(self.zones, key=lambda z: self.zones[z]):
            if zone == "infra":
                continue
            slots = self.zone_slots[zone]
            rows.append(
                PoolUsage(
                    pool=f"zone {zone}",
                    family="ipv6",
                    prefix=str(self.zone_net(zone)),
                    used=len(slots.used),
                    capacity=slots.capacity,
                )
            )
        rows.append(
            PoolUsage(
                pool="p2p links",
                family="ipv6",
                prefix=str(self.zone_net("infra")),
                used=len(self.link_slots.used),
                capacity=self.link_slots.capacity,
            )
        )
        hubs = [s for s in self.sites if s.kind == "hub"]
        for hub in hubs:
            members = [s for s in self.sites if s.hub == hub.slug]
            zones = sorted({s.kind for s in members}) or ["commune"]
            rows.append(
                PoolUsage(
                    pool=f"hub {hub.slug}",
                    family="ipv6",
                    prefix=" ".join(str(self.zone_net(z)) for z in zones if z in self.zones),
                    used=len(members),
                    capacity=sum(self.zone_slots[z].capacity for z in zones if z in self.zones),
                )
            )
            used4 = sum(
                self.lan4[(s.site_id, lan.key)].num_addresses
                for s in members
                for lan in s.lans
                if (s.site_id, lan.key) in self.lan4
            )
            rows.append(
                PoolUsage(
                    pool=f"hub {hub.slug}",
                    family="ipv4",
                    prefix=" ".join(str(n) for n in self.sot.addressing.ipv4.supernets),
                    used=used4,
                    capacity=self.space.capacity,
                )
            )
        for name, pool in self.pools.items():
            rows.append(
                PoolUsage(
                    pool=name,
                    family="ipv4",
                    prefix=" ".join(str(b) for b in sorted(self.pool_blocks[name])),
                    used=pool.used,
                    capacity=pool.capacity,
                )
            )
        for net in self.sot.addressing.ipv4.supernets:
            start = int(net.network_address)
            rows.append(
                PoolUsage(
                    pool="supernet",
                    family="ipv4",
                    prefix=str(net),
                    used=self.space.used_in(start, start + net.num_addresses),
                    capacity=net.num_addresses,
                )
            )
        return rows
