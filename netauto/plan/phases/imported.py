"""Phase imported: the IPv4 addresses the running network already uses are kept.

``netauto import`` records, in the SoT's ``imported`` section, the address of every
router loopback, link end, LAN gateway and VM as the network runs it. This phase fixes
them before any pool hands out an address, so a brownfield province keeps its IPv4
numbering exactly (its /30 links and its LANs' own gateway addresses included) and only
IPv6 is planned afresh. An imported address inside the SoT's supernets is reserved there
(nothing else is allocated over it); one outside needs no reservation. A SoT value that
fixes the same thing differently is a problem: the running network and the SoT disagree.
"""

from __future__ import annotations

import ipaddress

from netauto.plan.phases.ipv4 import reserve_net
from netauto.plan.state import PlanState

HINT = "the SoT and the running network disagree: fix one of them, then `netauto import` again"


def run(state: PlanState) -> None:
    """Fix the imported loopbacks, link ends, LAN gateways and VM addresses.

    Reads ``sot.imported`` and what ``phases.ipv4``'s fixed pass wrote; writes ``loop4``,
    ``link4``, ``link4_ends``, ``lan4``, ``lan_gw4``, ``vm4`` and ``problems``.
    """
    imported = state.sot.imported
    where = ("imported",)
    for host, device in sorted(imported.devices.items()):
        if device.loopback is None or host not in state.device_site:
            continue
        if _inside(state, device.loopback.network) and not reserve_net(
            state, device.loopback.network
        ):
            state.problem(
                (*where, "devices", host, "loopback"),
                f"imported loopback {device.loopback} overlaps a fixed subnet",
                HINT,
            )
        state.loop4[host] = device.loopback.ip
    links = {link.key: link for _, link in state.links}
    for key, ends in sorted(imported.links.items()):
        link = links.get(key)
        if link is None:
            continue
        fixed = state.link4.get(key)
        if fixed is not None and fixed != ends.a.network:
            state.problem(
                (*where, "links", key),
                f"the link runs {ends.a.network}, the SoT fixes {fixed}",
                HINT,
            )
            continue
        if (
            fixed is None
            and _inside(state, ends.a.network)
            and not reserve_net(state, ends.a.network)
        ):
            state.problem(
                (*where, "links", key),
                f"imported {ends.a.network} overlaps a fixed subnet or pool",
                HINT,
            )
        state.link4[key] = ends.a.network
        state.link4_ends[key] = (ends.a, ends.b)
    site_ids = {site.slug: site.site_id for site in state.sites}
    for ref, gateway in sorted(imported.lans.items()):
        slug, key = ref.split("/", 1)
        if slug not in site_ids:
            continue
        lan_id = (site_ids[slug], key)
        fixed_net = state.lan4.get(lan_id)
        if fixed_net is not None and fixed_net != gateway.network:
            state.problem(
                (*where, "lans", ref),
                f"the LAN runs {gateway.network}, the SoT fixes {fixed_net}",
                HINT,
            )
            continue
        if (
            fixed_net is None
            and _inside(state, gateway.network)
            and not reserve_net(state, gateway.network)
        ):
            state.problem(
                (*where, "lans", ref),
                f"imported {gateway.network} overlaps a fixed subnet or pool",
                HINT,
            )
        state.lan4[lan_id] = gateway.network
        state.lan_gw4[lan_id] = gateway.ip
    for name, address in sorted(imported.vms.items()):
        state.vm4[name] = address


def _inside(state: PlanState, net: ipaddress.IPv4Network) -> bool:
    """Whether ``net`` lies in one of the SoT's supernets (then it must be reserved there).

    Examples:
        >>> from netauto.plan.ledger import Ledger
        >>> from netauto.plan.state import PlanState
        >>> from netauto.sot.models import SoT
        >>> sot = SoT.model_validate({"province": {"name": "D", "code": 96},
        ...     "addressing": {"ipv6": {"allocation": "2001:db8:9600::/40"},
        ...                    "ipv4": {"supernets": ["10.96.0.0/16"]}}})
        >>> state = PlanState(sot, Ledger())
        >>> _inside(state, ipaddress.ip_network("10.96.1.0/30")), _inside(
        ...     state, ipaddress.ip_network("172.16.0.0/30"))
        (True, False)
    """
    return any(net.subnet_of(s) for s in state.sot.addressing.ipv4.supernets)
