"""The ledger's fast YAML writer writes exactly what PyYAML writes, or defers to it."""

from __future__ import annotations

import random
from typing import Any

import yaml

from netauto.plan import ledger as led
from netauto.plan.build import build_plan
from netauto.sot.loader import load_sot


def _pyyaml(data: dict[str, Any]) -> str:
    return str(
        yaml.dump(data, Dumper=led._LedgerDumper, sort_keys=False, allow_unicode=True, width=100)
    )


def _doc(name: str, lan: str, host: str, iface: str, site_id: int) -> dict[str, Any]:
    return {
        "version": 1,
        "allocation6": None,
        "pools4": {"loopback4": ["10.0.0.0/24"], "p2p4": []},
        "sites": {
            site_id: {
                "slug": name,
                "zone": "commune",
                "prefix6": "2001:db8:1::/56",
                "lans": {lan: {"ipv6": "2001:db8:1:10::/64", "ipv4": "10.1.0.0/24"}},
            },
            2: {"slug": "b", "zone": "hub", "prefix6": "2001:db8:2::/56", "lans": {}},
        },
        "devices": {host: {"site_id": site_id, "loopback6": "2001:db8::1", "loopback4": "1.1.1.1"}},
        "links": {"l-1": {"reserved6": "2001:db8::/64", "network4": "10.0.0.0/31",
                          "interfaces": {host: iface}}},
        "vms": {},
    }  # fmt: skip


def test_example_ledger_is_byte_identical(inv: Any) -> None:
    loaded = load_sot(inv)
    text = build_plan(loaded.sot, None, locations=loaded.locations).ledger.to_yaml()
    data = yaml.safe_load(text)
    assert led._plain_yaml(data) == _pyyaml(data)


def test_awkward_values_are_quoted_as_pyyaml_does_or_deferred() -> None:
    awkward = ["yes", "no", "null", "on", "123", "1.5", "12:30", "2001:db8::", "-x", "a b",
               "#c", "x:", "~", "0x1f", "1e3", "Ngọc-Hiển", "eth0.10", "ge-0/0/1"]  # fmt: skip
    awkward += ["'q'", ""]
    fast = 0
    for word in awkward:
        for doc in (
            _doc(word, "office", "r1", "eth0", 1),
            _doc("a", word, "r1", "eth0", 1),
            _doc("a", "office", word or "r", "eth0", 1),
            _doc("a", "office", "r1", word, 1),
        ):
            text = led._plain_yaml(doc)
            if text is not None:
                fast += 1
                assert text == _pyyaml(doc), word
    assert fast > 10  # the common shapes take the fast path


def test_long_flow_lines_are_left_to_pyyaml() -> None:
    rng = random.Random(7)
    for _ in range(200):
        host = "r" + "x" * rng.randint(1, 90)
        doc = _doc("a", "office", host, "eth" + str(rng.randint(0, 9)), rng.randint(1, 10**6))
        text = led._plain_yaml(doc)
        assert text is None or text == _pyyaml(doc)
