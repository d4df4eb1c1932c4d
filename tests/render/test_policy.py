"""Prefix aggregation of group destinations, against a plain ipaddress reference."""

from __future__ import annotations

import ipaddress
import random

import pytest

from netauto.render.models import IPNetwork
from netauto.render.policy import aggregate

V4 = ipaddress.IPv4Network


def _reference(members: list[V4], others: list[V4], bounds: list[V4]) -> list[IPNetwork]:
    """Every member grown, one prefix length at a time, while its supernet overlaps no
    other prefix and stays inside a bound; then collapsed by ipaddress itself."""
    grown = []
    for net in members:
        while net.prefixlen > 0:
            parent = net.supernet()
            inside = any(parent.subnet_of(b) for b in bounds)
            if not inside or any(parent.overlaps(o) for o in others):
                break
            net = parent
        grown.append(net)
    return list(ipaddress.collapse_addresses(grown))


def _random_case(seed: int) -> tuple[list[V4], list[V4], list[V4]]:
    rng = random.Random(seed)
    bound = V4("10.0.0.0/16")
    subnets = list(bound.subnets(new_prefix=24))
    rng.shuffle(subnets)
    picked: list[V4] = []
    for net in subnets[: rng.randint(5, 60)]:
        picked.append(net if rng.random() < 0.5 else net.supernet(rng.randint(0, 3)))
    picked = list(ipaddress.collapse_addresses(picked))
    rng.shuffle(picked)
    cut = rng.randint(1, len(picked))
    members = sorted(picked[:cut])  # as policy_index passes them: collapsed, in order
    others = [*picked[cut:], V4("10.1.0.0/16")]
    bounds = [bound]
    if rng.random() < 0.5:
        bounds.append(V4("10.0.128.0/17"))
    return members, others, bounds


@pytest.mark.parametrize("seed", range(200))
def test_aggregate_equals_growing_every_member(seed: int) -> None:
    members, others, bounds = _random_case(seed)
    assert aggregate(members, others, bounds) == _reference(members, others, bounds)


def test_a_member_nested_in_an_earlier_one_is_not_lost() -> None:
    n = ipaddress.ip_network
    members: list[IPNetwork] = [n("10.0.0.0/26"), n("10.0.0.0/25")]
    others: list[IPNetwork] = [n("10.0.0.128/25")]
    bounds: list[IPNetwork] = [n("10.0.0.0/16")]
    assert aggregate(members, others, bounds) == [n("10.0.0.0/25")]
