"""What the planner's phases share: one :class:`PlanState` per run of ``build_plan``.

:func:`netauto.plan.build.build_plan` makes a state from its arguments and hands it to the
phases in :mod:`netauto.plan.phases` in order; the phases talk to each other only through
it. Each phase's docstring says which fields it reads and which it writes. The state is
private to one run and thrown away afterwards; nothing outside the planner sees it.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NamedTuple

from netauto.errors import InputError, Problem
from netauto.plan.ledger import Ledger, VmEntry
from netauto.plan.prefixes import BlockAllocator, SlotAllocator, subnet_at
from netauto.sot.loader import problem_at
from netauto.sot.models import Device, Link, Platform, Site, SoT
from netauto.sot.source import Location, PathKey

if TYPE_CHECKING:
    from netauto.plan.models import Plan
    from netauto.plan.phases.diff import Change

LanId = tuple[int, str]
"""A LAN by identity: (site_id, LAN key)."""

Shortage = tuple[str, str, str]
"""An exhausted pool: (family, pool, size of what did not fit), e.g. ("ipv4", ..., "/31")."""


class VmAddress(NamedTuple):
    """Where a VM's addresses come from: its site, the LAN key, its host number there."""

    site: Site
    network: str
    host: int


def _shortage_problem(
    locations: dict[PathKey, Location], shortage: Shortage, count: int
) -> Problem:
    """The problem reported for ``count`` allocations that did not fit in a pool.

    Examples:
        >>> p = _shortage_problem({}, ("ipv4", "p2p links from 10.0.0.0/30", "/31"), 2)
        >>> p.field
        'addressing.ipv4.supernets'
        >>> print(p.message)
        ipv4 pool exhausted: p2p links from 10.0.0.0/30: 2 more /31 needed; nothing was written
    """
    family, pool, size = shortage
    if family == "ipv4":
        where = "addressing.ipv4.supernets"
        hint = "add a supernet, or use longer LAN prefixes (lan_prefix, vm_prefix)"
    else:
        where = "addressing.ipv6"
        hint = "use a larger allocation, a shorter zone_prefix or a longer site_prefix"
    loc = problem_at(locations, tuple(where.split(".")), "")
    message = f"{family} pool exhausted: {pool}: {count} more {size} needed; nothing was written"
    return Problem(loc.file, loc.line, where, message, hint)


@dataclass(eq=False)
class PlanState:
    """Inputs, indexes, problems, allocators and partial results of one planning run.

    The first four fields are the run's inputs; the indexes after them are derived from
    the SoT once, when the state is made, and only read by the phases. Every other field
    starts empty and is written by the phase named beside it.
    """

    sot: SoT
    old: Ledger
    """The previous allocations (an empty ledger for a fresh plan)."""
    prune: bool = False
    """Drop ledger entries of whatever is no longer in the SoT (else they stay reserved)."""
    locations: dict[PathKey, Location] = field(default_factory=lambda: {})
    """Where each SoT value was written, for problems."""

    # ---- derived from the inputs (read-only) -------------------------------------------
    sites: list[Site] = field(init=False)
    """The SoT's sites in ``site_id`` order: the order of fresh allocations."""
    site_index: dict[int, int] = field(init=False)
    """Position of each site (by ``site_id``) in the SoT's list, for problem paths."""
    by_slug: dict[str, Site] = field(init=False)
    present: dict[int, Site] = field(init=False)
    """The SoT's sites by ``site_id``."""
    devices: list[tuple[Site, Device]] = field(init=False)
    """Every router with its site (``SoT.all_devices``)."""
    device_site: dict[str, Site] = field(init=False)
    platform: dict[str, Platform] = field(init=False)
    """Every router's platform, by hostname."""
    links: list[tuple[int, Link]] = field(init=False)
    """The SoT's links with their position in the SoT's list, in link-key order."""
    zones: dict[str, int] = field(init=False)
    """Zone index of each zone name (``addressing.ipv6.zones``)."""
    zone_len: int = field(init=False)
    """Prefix length of a zone (``addressing.ipv6.zone_prefix``, default block + 4)."""
    site_len: int = field(init=False)
    """Prefix length of a site (``addressing.ipv6.site_prefix``)."""

    # ---- problems (every phase) ----------------------------------------------------
    problems: list[Problem] = field(default_factory=lambda: [], init=False)
    shortfall: dict[Shortage, int] = field(default_factory=lambda: {}, init=False)
    """How many allocations did not fit, per pool: reported together at the checkpoint."""

    # ---- written by phases.ipv6 ------------------------------------------------------
    site6: dict[int, ipaddress.IPv6Network] = field(default_factory=lambda: {}, init=False)
    """The /56 of every site planned: the SoT's, and the ledger's removed ones it keeps."""
    zone_slots: dict[str, SlotAllocator] = field(default_factory=lambda: {}, init=False)
    """The site slots of each zone."""
    lan6: dict[LanId, ipaddress.IPv6Network] = field(default_factory=lambda: {}, init=False)
    loop6: dict[str, ipaddress.IPv6Address] = field(default_factory=lambda: {}, init=False)
    link_slots: SlotAllocator = field(default_factory=lambda: SlotAllocator(0), init=False)
    """The link /64s of the infra zone (after its loopback block)."""
    link6: dict[str, ipaddress.IPv6Network] = field(default_factory=lambda: {}, init=False)

    # ---- written by phases.ipv4 ------------------------------------------------------
    space: BlockAllocator = field(default_factory=lambda: BlockAllocator(32, []), init=False)
    """The IPv4 supernets: pool blocks and LANs are carved from it."""
    pools: dict[str, BlockAllocator] = field(default_factory=lambda: {}, init=False)
    """The loopback and p2p pools, by name; each grows by blocks taken from the space."""
    pool_blocks: dict[str, list[ipaddress.IPv4Network]] = field(
        default_factory=lambda: {}, init=False
    )
    lan4: dict[LanId, ipaddress.IPv4Network] = field(default_factory=lambda: {}, init=False)
    link4: dict[str, ipaddress.IPv4Network] = field(default_factory=lambda: {}, init=False)
    loop4: dict[str, ipaddress.IPv4Address] = field(default_factory=lambda: {}, init=False)

    # ---- written by phases.imported (the running network's own addresses) ------------
    link4_ends: dict[str, tuple[ipaddress.IPv4Interface, ipaddress.IPv4Interface]] = field(
        default_factory=lambda: {}, init=False
    )
    """The (a, b) end addresses of imported links (else the first two of the /31)."""
    lan_gw4: dict[LanId, ipaddress.IPv4Address] = field(default_factory=lambda: {}, init=False)
    """The router's address on imported LANs (else the subnet's first address)."""
    vm4: dict[str, ipaddress.IPv4Interface] = field(default_factory=lambda: {}, init=False)
    """Imported VM addresses."""

    # ---- written by phases.interfaces ------------------------------------------------
    lan_iface: dict[LanId, tuple[str, str]] = field(default_factory=lambda: {}, init=False)
    """(router, interface name) serving each LAN."""
    link_iface: dict[tuple[str, str], str] = field(default_factory=lambda: {}, init=False)
    """Interface name of each link end, by (link key, hostname)."""

    # ---- written by phases.vms --------------------------------------------------------
    vm_addr: dict[str, VmAddress] = field(default_factory=lambda: {}, init=False)
    """Where the addresses of every VM the plan could place come from."""
    removed_vms: dict[str, VmEntry] = field(default_factory=lambda: {}, init=False)
    """Ledger entries of VMs no longer in the SoT that stay reserved (without ``prune``)."""

    # ---- written by phases.assemble and phases.diff ----------------------------------
    plan: Plan | None = field(default=None, init=False)
    ledger: Ledger | None = field(default=None, init=False)
    """The new ledger: what the phases allocated, as ``netauto plan`` saves it."""
    changes: list[Change] = field(default_factory=lambda: [], init=False)

    def __post_init__(self) -> None:
        sot = self.sot
        self.sites = sorted(sot.sites, key=lambda s: s.site_id)
        self.site_index = {s.site_id: i for i, s in enumerate(sot.sites)}
        self.by_slug = {s.slug: s for s in sot.sites}
        self.present = {s.site_id: s for s in sot.sites}
        self.devices = sot.all_devices()
        self.device_site = {d.hostname: s for s, d in self.devices}
        self.platform = {d.hostname: d.platform for _, d in self.devices}
        self.links = sorted(enumerate(sot.links), key=lambda il: il[1].key)
        policy = sot.addressing.ipv6
        self.zones = dict(policy.zones)
        self.zone_len = policy.effective_zone_prefix
        self.site_len = policy.site_prefix

    # ---- helpers shared by the phases ----------------------------------------------

    def zone_net(self, zone: str) -> ipaddress.IPv6Network:
        """The prefix of ``zone`` inside the province's IPv6 allocation."""
        net = subnet_at(self.sot.addressing.ipv6.allocation, self.zone_len, self.zones[zone])
        assert isinstance(net, ipaddress.IPv6Network)
        return net

    def site_path(self, site: Site, *rest: str | int) -> PathKey:
        """The SoT path of a value of ``site`` (for problems)."""
        return ("sites", self.site_index[site.site_id], *rest)

    def problem(self, path: PathKey, message: str, hint: str = "") -> None:
        """Collect a problem about the SoT value at ``path``."""
        self.problems.append(problem_at(self.locations, path, message, hint))

    def short(self, family: str, pool: str, size: str) -> None:
        """Count one allocation of ``size`` that did not fit in ``pool``."""
        key = (family, pool, size)
        self.shortfall[key] = self.shortfall.get(key, 0) + 1

    def checkpoint(self) -> None:
        """Stop the run if any phase so far collected a problem or an exhausted pool.

        Raises:
            InputError: every problem collected, then one per exhausted pool.
        """
        if self.problems or self.shortfall:
            exhausted = [
                _shortage_problem(self.locations, shortage, count)
                for shortage, count in sorted(self.shortfall.items())
            ]
            raise InputError(self.problems + exhausted)
