"""``ipv6_text`` writes every IPv6 address and network exactly as ``str`` does."""

from __future__ import annotations

import ipaddress
import random

import pytest

from netauto.plan.prefixes import ipv6_text

AWKWARD = [
    "::",
    "::1",
    "1::",
    "::ffff:10.0.0.1",  # IPv4-mapped: inet_ntop would write a dotted quad
    "::10.0.0.1",  # IPv4-compatible (deprecated), the same
    "64:ff9b::10.0.0.1",
    "fe80::1%eth0",  # scoped
    "2001:db8:0:1:0:0:0:1",  # two zero runs: the longer one is compressed
    "2001:db8:0:0:1:0:0:1",  # equal runs: the first one
    "2001:db8:0:1:1:1:1:1",  # a single zero group stays
    "2001:DB8::ABCD",
]


@pytest.mark.parametrize("text", AWKWARD)
def test_awkward_addresses_read_as_str_writes_them(text: str) -> None:
    address = ipaddress.IPv6Address(text)
    assert ipv6_text(address) == str(address)


def test_random_addresses_and_networks_read_as_str_writes_them() -> None:
    rng = random.Random(5952)
    for _ in range(20_000):
        value = 0
        for _ in range(8):  # zero groups are common, so are runs of them
            value = value << 16 | rng.choice((0, 0, 0, 1, 0xFFFF, rng.randrange(1 << 16)))
        address = ipaddress.IPv6Address(value)
        assert ipv6_text(address) == str(address)
        length = rng.randrange(129)
        network = ipaddress.IPv6Network((value >> (128 - length) << (128 - length), length))
        assert ipv6_text(network) == str(network)
