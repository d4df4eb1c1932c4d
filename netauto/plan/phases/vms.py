"""Phase vms: a host number for every data-centre VM, the same in both families.

A VM's IPv4 and IPv6 addresses are host number ``n`` of its network's IPv4 subnet and
/64 (``.1`` / ``::1`` is the gateway). Addresses the SoT fixes come first, then valid
ledger entries, then new VMs from :data:`VM_FIRST_HOST` up in SoT order.
"""

from __future__ import annotations

from netauto.plan.prefixes import SlotAllocator
from netauto.plan.state import LanId, PlanState, VmAddress
from netauto.sot.models import Site

VM_FIRST_HOST = 10
"""VMs get host numbers from 10 up (1 is the gateway; 2-9 stay free for infrastructure)."""

_Placed = tuple[int, str, Site]
"""A VM the plan can place: (position in the SoT's list, name, site)."""


def run(state: PlanState) -> None:
    """Give every VM its host number.

    Reads ``sot.vms``, ``by_slug``, ``old.vms``, ``prune``, ``lan4``, ``lan6`` and
    ``shortfall`` (a VM whose LAN got no subnet is not reported twice); writes
    ``vm_addr``, ``removed_vms``, ``problems`` and ``shortfall``.
    """
    hosts = _HostNumbers(state)
    placed = place(state)
    fixed(state, placed, hosts)
    keep_ledger(state, placed, hosts)
    allocate(state, placed, hosts)


class _HostNumbers:
    """The host numbers used in each VM network (0 and 1 are never handed out)."""

    def __init__(self, state: PlanState) -> None:
        self.lan4 = state.lan4
        self.slots: dict[LanId, SlotAllocator] = {}

    def __call__(self, lan: LanId) -> SlotAllocator:
        if lan not in self.slots:
            slots = SlotAllocator(self.lan4[lan].num_addresses - 1)
            slots.reserve(0)
            slots.reserve(1)
            self.slots[lan] = slots
        return self.slots[lan]


def first_host(slots: SlotAllocator) -> int | None:
    """The host number a new VM gets: the first free from :data:`VM_FIRST_HOST` (from 2
    in a network too small for that), else the first free from 2.

    Examples:
        >>> big, small = SlotAllocator(255), SlotAllocator(15)
        >>> first_host(big), first_host(small)
        (10, 2)
    """
    free = slots.first_free(VM_FIRST_HOST if slots.capacity > 2 * VM_FIRST_HOST else 2)
    return free if free is not None else slots.first_free(2)


def place(state: PlanState) -> list[_Placed]:
    """The VMs whose network is a planned LAN (the others are problems)."""
    dcs = [s for s in state.sot.sites if s.kind == "data-centre"]
    placed: list[_Placed] = []
    for i, vm in enumerate(state.sot.vms):
        site = state.by_slug.get(vm.site) if vm.site else (dcs[0] if dcs else None)
        if site is None or (site.site_id, vm.network) not in state.lan4:
            if state.shortfall:  # the LAN could not be allocated: already reported
                continue
            state.problem(
                ("vms", i, "network"),
                f"no planned LAN {vm.network!r} for VM {vm.name}",
                "name a LAN of the data-centre site",
            )
            continue
        placed.append((i, vm.name, site))
    return placed


def fixed(state: PlanState, placed: list[_Placed], hosts: _HostNumbers) -> None:
    """Reserve the addresses the SoT fixes; one outside its network or taken is a problem."""
    for i, name, site in placed:
        vm = state.sot.vms[i]
        found = state.vm4.get(name)
        address = vm.ipv4 if vm.ipv4 is not None else (found.ip if found else None)
        if address is None:
            continue
        net4 = state.lan4[(site.site_id, vm.network)]
        path = ("vms", i, "ipv4") if vm.ipv4 is not None else ("imported", "vms", name)
        if vm.ipv4 is not None and found is not None and found.ip != vm.ipv4:
            state.problem(path, f"the VM runs {found.ip}, the SoT fixes {vm.ipv4}",
                          "the SoT and the running network disagree: fix one of them")  # fmt: skip
            continue
        index = int(address) - int(net4.network_address)
        gateway = state.lan_gw4.get((site.site_id, vm.network), net4.network_address + 1)
        taken = address == gateway
        if address not in net4 or taken or not hosts((site.site_id, vm.network)).reserve(index):
            state.problem(
                path,
                f"fixed IPv4 {address} is not a free host address of {net4}",
                "pick a free address inside the VM network (not .0, the gateway or broadcast)",
            )
            continue
        state.vm_addr[name] = VmAddress(site, vm.network, index)


def keep_ledger(state: PlanState, placed: list[_Placed], hosts: _HostNumbers) -> None:
    """Keep each ledger entry whose network is still planned and the VM still there (or,
    for a removed VM, unless ``prune``) and whose two addresses agree."""
    by_name = {name: (i, site) for i, name, site in placed}
    for name in sorted(state.old.vms):
        if name in state.vm_addr or (name not in by_name and state.prune):
            continue
        entry = state.old.vms[name]
        key = (entry.site_id, entry.network)
        if key not in state.lan4:
            continue
        site_now: Site | None = None
        if name in by_name:
            i, site_now = by_name[name]
            if (site_now.site_id, state.sot.vms[i].network) != key:
                continue
        net4, net6 = state.lan4[key], state.lan6[key]
        index = int(entry.ipv4) - int(net4.network_address)
        consistent = int(entry.ipv6) - int(net6.network_address) == index
        if entry.ipv4 in net4 and consistent and hosts(key).reserve(index):
            if site_now is not None:
                state.vm_addr[name] = VmAddress(site_now, entry.network, index)
            else:
                state.removed_vms[name] = entry


def allocate(state: PlanState, placed: list[_Placed], hosts: _HostNumbers) -> None:
    """A fresh host number for every VM still without one, in SoT order."""
    for i, name, site in placed:
        if name in state.vm_addr:
            continue
        network = state.sot.vms[i].network
        slots = hosts((site.site_id, network))
        free = first_host(slots)
        if free is None:
            state.short("ipv4", f"VM network {state.lan4[(site.site_id, network)]}", "/32")
            continue
        slots.reserve(free)
        state.vm_addr[name] = VmAddress(site, network, free)
