"""Phase interfaces: the name of every LAN interface and link end.

A name the SoT gives is kept; a link end the ledger pinned keeps its pinned name if it is
still free; every other end gets the platform's next free default WAN name
(:mod:`netauto.plan.interfaces`), in link-key order, so a new link never renames an old one.
"""

from __future__ import annotations

from collections import defaultdict

from netauto.plan import interfaces as names
from netauto.plan.state import PlanState


def run(state: PlanState) -> None:
    """Name every interface the plan configures.

    Reads the SoT indexes and ``old.links``; writes ``lan_iface``, ``link_iface`` and
    ``problems`` (a LAN with no router to serve it).
    """
    taken: defaultdict[str, set[str]] = defaultdict(set)
    for hostname, platform in state.platform.items():
        taken[hostname].add(names.loopback_name(platform))
    name_lans(state, taken)
    name_link_ends(state, taken)


def name_lans(state: PlanState, taken: defaultdict[str, set[str]]) -> None:
    """The router and interface of each LAN: the LAN's device, else the site's first."""
    for site in state.sites:
        for j, lan in enumerate(site.lans):
            host: str | None = lan.device
            if host is None and site.devices:
                host = site.devices[0].hostname
            if host is None:
                host = next((d.hostname for s, d in state.devices if s is site), None)
            if host is None or host not in state.platform:
                state.problem(
                    state.site_path(site, "lans", j),
                    f"LAN {lan.key!r} has no router to serve it",
                    "add a device to the site or set the LAN's device",
                )
                continue
            ifname = lan.interface or names.lan_name(state.platform[host], lan.vlan)
            taken[host].add(ifname)
            state.lan_iface[(site.site_id, lan.key)] = (host, ifname)


def name_link_ends(state: PlanState, taken: defaultdict[str, set[str]]) -> None:
    """Each link end's interface: from the SoT, else pinned by the ledger, else default."""
    ends = state.link_iface
    for _, link in state.links:
        for end in (link.a, link.b):
            if end.interface:
                ends[(link.key, end.device)] = end.interface
                taken[end.device].add(end.interface)
    for _, link in state.links:
        pinned = state.old.links.get(link.key)
        for end in (link.a, link.b):
            if end.interface or pinned is None:
                continue
            name = pinned.interfaces.get(end.device)
            if name is not None and name not in taken[end.device]:
                ends[(link.key, end.device)] = name
                taken[end.device].add(name)
    for _, link in state.links:
        for end in (link.a, link.b):
            if (link.key, end.device) in ends or end.device not in state.platform:
                continue
            name = names.next_wan_name(state.platform[end.device], taken[end.device])
            ends[(link.key, end.device)] = name
            taken[end.device].add(name)
