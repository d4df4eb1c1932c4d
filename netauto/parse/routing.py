"""Routing adjacencies and BGP sessions from FRR's JSON output (pure).

Used by ``push`` (post-checks: adjacencies and sessions must not regress) and ``verify``
(every planned point-to-point link has its OSPFv2 and OSPFv3 adjacency up, or, on an eBGP
link, its IPv4 and IPv6 BGP sessions Established).
"""

from __future__ import annotations

from typing import Any

OSPF_COMMANDS = {
    "ospf": "show ip ospf neighbor json",
    "ospf6": "show ipv6 ospf6 neighbor json",
}


def full_adjacencies(data: Any) -> dict[str, str]:
    """Interfaces with a Full adjacency → the neighbour's router id, from either FRR command.

    Accepts ``show ip ospf neighbor json`` (neighbours keyed by router id, ``ifaceName`` like
    ``eth0:10.0.0.1``, ``nbrState`` like ``Full/-``) and ``show ipv6 ospf6 neighbor json``
    (a list with ``interfaceName`` and ``state``).

    Examples:
        >>> full_adjacencies({"neighbors": {"10.0.0.2": [
        ...     {"ifaceName": "eth0:10.0.1.1", "nbrState": "Full/-"}]}})
        {'eth0': '10.0.0.2'}
        >>> full_adjacencies({"neighbors": [
        ...     {"neighborId": "10.0.0.2", "interfaceName": "eth0", "state": "Full"},
        ...     {"neighborId": "10.0.0.3", "interfaceName": "eth1", "state": "ExStart"}]})
        {'eth0': '10.0.0.2'}
        >>> full_adjacencies({})
        {}
    """
    found: dict[str, str] = {}
    if not isinstance(data, dict):
        return found
    neighbors = data.get("neighbors", {})
    entries: list[tuple[str, dict[str, Any]]] = []
    if isinstance(neighbors, dict):
        for router_id, items in neighbors.items():
            for item in items if isinstance(items, list) else [items]:
                if isinstance(item, dict):
                    entries.append((str(router_id), item))
    elif isinstance(neighbors, list):
        entries = [
            (str(item.get("neighborId", "")), item) for item in neighbors if isinstance(item, dict)
        ]
    for router_id, item in entries:
        iface = str(item.get("ifaceName") or item.get("interfaceName") or "").split(":")[0]
        state = str(item.get("nbrState") or item.get("state") or "")
        if iface and state.startswith("Full"):
            found[iface] = router_id
    return found


BGP_COMMAND = "show bgp summary json"
"""FRR's BGP sessions of every address family (peers keyed by address, with a ``state``)."""


def established_peers(data: Any) -> dict[str, str]:
    """BGP peers whose session is Established → the address family they were listed under.

    Accepts ``show bgp summary json`` (address families such as ``ipv4Unicast``, each with
    ``peers`` keyed by address and a ``state``), a single family's summary (``peers`` at
    the top) and ``show bgp neighbors json`` (addresses at the top, with ``bgpState``).

    Examples:
        >>> established_peers({"ipv4Unicast": {"peers": {
        ...     "10.0.0.1": {"state": "Established"}, "10.0.0.3": {"state": "Active"}}},
        ...     "ipv6Unicast": {"peers": {"2001:db8::1": {"state": "Established"}}}})
        {'10.0.0.1': 'ipv4Unicast', '2001:db8::1': 'ipv6Unicast'}
        >>> established_peers({"peers": {"10.0.0.1": {"state": "Established"}}})
        {'10.0.0.1': 'peers'}
        >>> established_peers({"10.0.0.1": {"bgpState": "Established"},
        ...                    "10.0.0.5": {"bgpState": "Connect"}})
        {'10.0.0.1': 'neighbors'}
        >>> established_peers({}), established_peers("% BGP instance not found")
        ({}, {})
    """
    found: dict[str, str] = {}
    if not isinstance(data, dict):
        return found
    tables = {"peers": data} if isinstance(data.get("peers"), dict) else data
    for key, value in tables.items():
        if not isinstance(value, dict):
            continue
        if "bgpState" in value:  # show bgp neighbors json: one neighbour per key
            if value.get("bgpState") == "Established":
                found[str(key)] = "neighbors"
            continue
        peers = value.get("peers")
        for address, peer in peers.items() if isinstance(peers, dict) else ():
            if isinstance(peer, dict) and peer.get("state") == "Established":
                found.setdefault(str(address), str(key))
    return found


ROUTE_COMMANDS = {
    "ipv4": "show ip route json",
    "ipv6": "show ipv6 route json",
}
"""FRR's routing tables (prefixes as keys, each a list of routes with ``selected``)."""


def installed_prefixes(data: Any) -> set[str]:
    """The prefixes of ``show ip route json`` / ``show ipv6 route json`` with a selected route.

    Examples:
        >>> installed_prefixes({"10.0.0.0/24": [{"selected": True}],
        ...                     "10.0.1.0/24": [{"selected": False}], "x": "y"})
        {'10.0.0.0/24'}
        >>> installed_prefixes("% Unknown command")
        set()
    """
    if not isinstance(data, dict):
        return set()
    return {
        str(prefix)
        for prefix, routes in data.items()
        if isinstance(routes, list)
        and any(isinstance(r, dict) and r.get("selected") for r in routes)
    }
