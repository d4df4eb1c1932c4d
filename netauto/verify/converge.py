"""Has routing converged? The planned adjacencies are up and every router has a route to
every planned prefix of the target, in both families.

``netauto verify --wait SECONDS`` polls this before it probes, so a verify right after a
push judges the network, not the moment OSPF is still flooding. The expectation is pure
(:func:`expectations` from the plan, :func:`missing` against what the routers report); the
poll (:func:`wait_converged`) reads every router's OSPF neighbours and routing tables in one
command session per round.
"""

from __future__ import annotations

import ipaddress
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from netauto.parse.routing import (
    OSPF_COMMANDS,
    ROUTE_COMMANDS,
    full_adjacencies,
    installed_prefixes,
)
from netauto.plan.models import Plan

DEFAULTS = {"ipv4": "0.0.0.0/0", "ipv6": "::/0"}


@dataclass(frozen=True)
class Expectation:
    """What one converged router shows."""

    adjacencies: frozenset[str] = frozenset()
    """Interfaces with an OSPF neighbour in both families (links to routers of the target)."""
    prefixes: dict[str, frozenset[str]] = field(default_factory=lambda: {})
    """Family → prefixes it must have a route to (or a default route, on an eBGP site)."""


def expectations(
    plan: Plan, routers: set[str], ebgp_links: frozenset[str] = frozenset()
) -> dict[str, Expectation]:
    """What every router of ``routers`` (those the target holds) must show once converged.

    Its OSPF links to other routers of the target must have a Full adjacency (eBGP links
    in ``ebgp_links`` are left to the routing checks), and it must route to every loopback
    and LAN of every router of the target.
    """
    wanted: dict[str, set[str]] = {"ipv4": set(), "ipv6": set()}
    for device in plan.devices:
        if device.hostname not in routers:
            continue
        wanted["ipv4"].add(str(device.loopback4.network))
        wanted["ipv6"].add(str(device.loopback6.network))
        for iface in device.interfaces:
            if iface.kind == "lan" and iface.ipv4 is not None and iface.ipv6 is not None:
                wanted["ipv4"].add(str(iface.ipv4.network))
                wanted["ipv6"].add(str(iface.ipv6.network))
    out: dict[str, Expectation] = {}
    for device in plan.devices:
        if device.hostname not in routers:
            continue
        adjacencies = frozenset(
            i.name
            for i in device.interfaces
            if i.kind == "p2p" and i.peer in routers and i.link_id not in ebgp_links
        )
        out[device.hostname] = Expectation(
            adjacencies, {family: frozenset(p) for family, p in wanted.items()}
        )
    return out


@dataclass(frozen=True)
class Seen:
    """What one router reports: Full adjacencies per family, installed prefixes per family."""

    adjacencies: dict[str, frozenset[str]]
    prefixes: dict[str, frozenset[str]]


def missing(expected: Expectation, seen: Seen) -> list[str]:
    """What ``seen`` lacks of ``expected``, one short text each (empty: converged).

    Examples:
        >>> want = Expectation(frozenset({"eth0"}), {"ipv4": frozenset({"10.0.0.0/24"}),
        ...                                          "ipv6": frozenset({"2001:db8::/64"})})
        >>> now = Seen({"ospf": frozenset({"eth0"}), "ospf6": frozenset()},
        ...            {"ipv4": frozenset({"0.0.0.0/0"}), "ipv6": frozenset()})
        >>> missing(want, now)
        ['ospf6 eth0', 'route 2001:db8::/64']
    """
    out: list[str] = []
    for proto in ("ospf", "ospf6"):
        out += [
            f"{proto} {i}"
            for i in sorted(expected.adjacencies - seen.adjacencies.get(proto, frozenset()))
        ]
    for family, prefixes in expected.prefixes.items():
        have = seen.prefixes.get(family, frozenset())
        if DEFAULTS[family] in have:
            continue
        covered = {p for p in prefixes if p in have or _inside_connected(p, have)}
        out += [f"route {p}" for p in sorted(prefixes - covered)]
    return out


def _inside_connected(prefix: str, have: frozenset[str]) -> bool:
    """Whether a shorter prefix that is installed covers ``prefix`` (a summary route)."""
    net = ipaddress.ip_network(prefix)
    for other in have:
        try:
            candidate = ipaddress.ip_network(other)
        except ValueError:
            continue
        if candidate.version != net.version or candidate.prefixlen >= net.prefixlen:
            continue
        if int(net.network_address) >> (net.max_prefixlen - candidate.prefixlen) == int(
            candidate.network_address
        ) >> (net.max_prefixlen - candidate.prefixlen):
            return True
    return False


COMMANDS = [
    OSPF_COMMANDS["ospf"],
    OSPF_COMMANDS["ospf6"],
    ROUTE_COMMANDS["ipv4"],
    ROUTE_COMMANDS["ipv6"],
]


def read_seen(outputs: dict[str, str]) -> Seen:
    """A router's :class:`Seen` from the outputs of :data:`COMMANDS` (napalm ``cli``)."""

    def parsed(command: str) -> Any:
        try:
            return json.loads(outputs.get(command) or "{}")
        except ValueError:
            return {}

    return Seen(
        adjacencies={
            proto: frozenset(full_adjacencies(parsed(OSPF_COMMANDS[proto])))
            for proto in ("ospf", "ospf6")
        },
        prefixes={
            family: frozenset(installed_prefixes(parsed(ROUTE_COMMANDS[family])))
            for family in ("ipv4", "ipv6")
        },
    )


def wait_converged(
    nr: Any,
    expected: dict[str, Expectation],
    timeout: float,
    poll: float = 1.0,
    news: Callable[[int, int, float], None] | None = None,
) -> dict[str, list[str]]:
    """Poll the routers of ``expected`` until each shows what it should, or ``timeout``
    seconds have passed; returns what is still missing per router (empty: converged).

    ``news(converged, total, seconds)`` is called after every round.
    """
    from nornir.core.task import Result, Task

    start = time.monotonic()
    left = dict(expected)
    gaps: dict[str, list[str]] = {}

    def task(task: Task) -> Result:
        driver = task.host.get_connection("napalm", task.nornir.config)
        return Result(host=task.host, result=read_seen(driver.cli(COMMANDS)))

    while left:
        chosen = nr.filter(filter_func=lambda h: h.name in left)
        results = chosen.run(task=task, on_failed=True)
        for name in list(left):
            value = results[name][0].result if name in results else None
            gaps[name] = missing(left[name], value) if isinstance(value, Seen) else ["no answer"]
            if not gaps[name]:
                del left[name]
                del gaps[name]
        elapsed = time.monotonic() - start
        if news is not None:
            news(len(expected) - len(left), len(expected), elapsed)
        if not left or elapsed >= timeout:
            break
        time.sleep(poll)
    return gaps
