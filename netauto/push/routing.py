"""What a push post-check expects of one router's routing, from its candidate config (pure).

The candidate is render's output, so it says which protocol each point-to-point link runs:
OSPFv2/OSPFv3 where the interface has ``ip ospf area`` / ``ipv6 ospf6 area``, eBGP where
``router bgp`` has a neighbour on the planned peer address of the link. After a commit:

* an OSPF adjacency up before the commit must still be up, if the candidate still runs
  OSPF on that interface (a link moved to eBGP loses it on purpose);
* an OSPF adjacency to a peer already on its new config must come up, if the candidate runs
  OSPF there;
* likewise for BGP sessions, per peer address (IPv4 and IPv6 are separate sessions).
"""

from __future__ import annotations

import ipaddress
import re

from pydantic import BaseModel, ConfigDict

from netauto.parse.readback import read_ios_like
from netauto.plan.models import DevicePlan, Plan

PROTOCOLS = ("ospf", "ospf6", "bgp")
"""The keys of a routing state: interfaces with a Full adjacency (``ospf``, ``ospf6``) and
addresses of Established BGP peers (``bgp``)."""

RoutingState = dict[str, set[str]]
"""Protocol (one of :data:`PROTOCOLS`) → interfaces (OSPF) or peer addresses (BGP) up."""

_NEIGHBOR = re.compile(r"^\s+neighbor (\S+) remote-as ", re.MULTILINE)


def bgp_neighbors(config: str) -> set[str]:
    """Addresses configured as BGP neighbours (``neighbor A remote-as N``) in an FRR config.

    Examples:
        >>> sorted(bgp_neighbors("router bgp 65001\\n neighbor 10.0.0.1 remote-as 65000\\n"
        ...     " neighbor 10.0.0.1 description hub\\n neighbor 2001:db8::1 remote-as 65000\\n"))
        ['10.0.0.1', '2001:db8::1']
        >>> bgp_neighbors(" neighbor 2001:DB8:0::1 remote-as 1\\n neighbor HUB remote-as 2\\n")
        {'2001:db8::1'}
    """
    found: set[str] = set()
    for name in _NEIGHBOR.findall(config):
        try:
            found.add(str(ipaddress.ip_address(name)))
        except ValueError:  # a peer group or an interface name: no planned address
            continue
    return found


class LinkRouting(BaseModel):
    """What the candidate runs on a router's point-to-point links."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    ospf: frozenset[str] = frozenset()
    """Interfaces with OSPFv2 in the candidate."""
    ospf6: frozenset[str] = frozenset()
    """Interfaces with OSPFv3 in the candidate."""
    bgp: dict[str, str] = {}
    """Planned peer address of an eBGP link → the local interface of that link."""

    @property
    def runs_ospf(self) -> bool:
        return bool(self.ospf or self.ospf6)

    def required(self, before: RoutingState, ready: set[str]) -> RoutingState:
        """What must be up after the commit: what was up before, or runs to a ``ready``
        interface (its peer is on its new config), and the candidate still runs.

        Examples:
            >>> links = LinkRouting(ospf=frozenset({"eth2"}), ospf6=frozenset({"eth2"}),
            ...                     bgp={"10.0.0.1": "eth1", "2001:db8::1": "eth1"})
            >>> need = links.required({"ospf": {"eth1", "eth2"}}, ready={"eth1"})
            >>> {proto: sorted(keys) for proto, keys in need.items()}
            {'ospf': ['eth2'], 'ospf6': [], 'bgp': ['10.0.0.1', '2001:db8::1']}
            >>> links.required({"bgp": {"10.0.0.1"}}, ready=set())
            {'ospf': set(), 'ospf6': set(), 'bgp': {'10.0.0.1'}}
        """
        return {
            "ospf": (before.get("ospf", set()) | ready) & self.ospf,
            "ospf6": (before.get("ospf6", set()) | ready) & self.ospf6,
            "bgp": {
                address
                for address, iface in self.bgp.items()
                if address in before.get("bgp", set()) or iface in ready
            },
        }


def link_routing(config: str, device: DevicePlan, plan: Plan) -> LinkRouting:
    """Which protocol the candidate ``config`` of ``device`` runs on each of its p2p links."""
    facts = read_ios_like(config)
    neighbors = bgp_neighbors(config)
    links = {link.id: link for link in plan.links}
    bgp: dict[str, str] = {}
    for iface in device.interfaces:
        link = links.get(iface.link_id or "")
        if iface.kind != "p2p" or link is None:
            continue
        far = link.b if link.a.device == device.hostname else link.a
        for address in (str(far.ipv4.ip), str(far.ipv6.ip)):
            if address in neighbors:
                bgp[address] = iface.name
    return LinkRouting(
        ospf=frozenset(name for name, f in facts.interfaces.items() if f.ospf2),
        ospf6=frozenset(name for name, f in facts.interfaces.items() if f.ospf3),
        bgp=bgp,
    )
