"""Routing adjacencies from FRR's JSON output (pure).

Used by ``push`` (post-checks: adjacencies must not regress) and ``verify`` (every planned
point-to-point link has its OSPFv2 and OSPFv3 adjacency up).
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
