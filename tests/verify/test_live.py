"""Live inventory without a network: Linux facts from recorded output, the SoT comparison,
snapshot storage, and the drift check reading a stored snapshot."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from netauto.errors import InputError
from netauto.plan import plan_for
from netauto.sot.loader import load_sot
from netauto.verify import live
from netauto.verify.derive import derive_checks
from netauto.verify.run import drift_results
from tests.conftest import TINY

IP_ADDR = [
    {"ifname": "lo", "flags": ["LOOPBACK", "UP"], "operstate": "UNKNOWN", "mtu": 65536,
     "address": "00:00:00:00:00:00",
     "addr_info": [{"family": "inet", "local": "127.0.0.1", "prefixlen": 8, "scope": "host"}]},
    {"ifname": "eth0", "flags": ["BROADCAST", "UP", "LOWER_UP"], "operstate": "UP", "mtu": 1500,
     "address": "c6:cb:46:96:7a:dc",
     "addr_info": [
         {"family": "inet", "local": "10.96.2.10", "prefixlen": 24, "scope": "global"},
         {"family": "inet6", "local": "2001:db8:9610:150::a", "prefixlen": 64, "scope": "global"},
         {"family": "inet6", "local": "fe80::c4cb:46ff:fe96:7adc", "prefixlen": 64,
          "scope": "link"}]},
]  # fmt: skip

LINUX_OUTPUT = "\n".join(
    [
        "@@NA-SECTION hostname", "dc-lgsp-01",
        "@@NA-SECTION kernel", "Linux 6.1.0-21-amd64",
        "@@NA-SECTION os", "Debian GNU/Linux 12 (bookworm)",
        "@@NA-SECTION machine", "3d1219c7c4c5404aaa1f6d2a48adfda4",
        "@@NA-SECTION uptime", "3171.07 6000.00",
        "@@NA-SECTION ip", json.dumps(IP_ADDR),
    ]
)  # fmt: skip


def test_linux_facts_from_recorded_output() -> None:
    facts = live.linux_facts("dc-lgsp-01", "linux", LINUX_OUTPUT, "2025-07-01T08:30:00+00:00")
    assert (facts.reachable, facts.error) == (True, "")
    assert (facts.vendor, facts.model, facts.os_version) == (
        "Linux", "Linux 6.1.0-21-amd64", "Debian GNU/Linux 12 (bookworm)")  # fmt: skip
    assert facts.serial_number == "3d1219c7c4c5404aaa1f6d2a48adfda4"
    assert facts.uptime_s == 3171.07
    assert [i.name for i in facts.interfaces] == ["lo", "eth0"]
    eth0 = facts.interfaces[1]
    assert (eth0.is_up, eth0.mtu, eth0.mac_address) == (True, 1500, "c6:cb:46:96:7a:dc")
    assert facts.interfaces_ip == {
        "eth0": {
            "ipv4": {"10.96.2.10": {"prefix_length": 24}},
            "ipv6": {"2001:db8:9610:150::a": {"prefix_length": 64},
                     "fe80::c4cb:46ff:fe96:7adc": {"prefix_length": 64}},
        }
    }  # fmt: skip


def test_linux_facts_garbled_output_is_an_error_not_facts() -> None:
    facts = live.linux_facts("vm", "linux", "@@NA-SECTION ip\n{not json", "t")
    assert facts.reachable and facts.error.startswith("unreadable facts")
    assert facts.interfaces == []


def test_sot_hosts_and_compare_on_tiny() -> None:
    sot = load_sot(TINY).sot
    known = live.sot_hosts(sot)
    assert sorted(k for k, v in known.items() if v == "vm") == ["dc-lgsp-01", "dc-portal-01"]
    assert sum(v == "router" for v in known.values()) == 5
    snap = live.Snapshot(taken="t", target="lab", province="P", inventory="i", hosts=[
        live.HostFacts(name="hub-01-r1", kind="router", platform="frr", reachable=True,
                       hostname="hub-01-r1"),
        live.HostFacts(name="dc-core-r1", kind="router", platform="frr", reachable=True,
                       hostname="other-name"),
        live.HostFacts(name="rogue-r9", kind="router", platform="frr", reachable=True),
    ])  # fmt: skip
    rows = {r.name: r for r in live.compare(known, snap)}
    assert rows["hub-01-r1"].status == "ok" and rows["hub-01-r1"].detail == ""
    assert rows["dc-core-r1"].status == "ok" and "other-name" in rows["dc-core-r1"].detail
    assert rows["rogue-r9"].status == "unknown" and not rows["rogue-r9"].in_sot
    assert rows["dc-lgsp-01"].status == "missing"
    assert len(rows) == 8


def test_snapshot_store_and_load(tmp_path: Path) -> None:
    snap = live.addresses_snapshot(
        "2025-07-01T08:30:00+00:00",
        "lab",
        "P",
        "inv",
        {"r1": {"lo": {"ipv4": {"10.0.0.1": {"prefix_length": 32}}}}},
    )
    path = live.save_snapshot(tmp_path, snap)
    assert path.name == "20250701T083000Z-lab.json"
    assert live.load_snapshot(tmp_path, "latest") == snap
    assert live.load_snapshot(tmp_path, path.name) == snap
    assert live.load_snapshot(tmp_path, str(path)) == snap
    partial = live.save_snapshot(tmp_path, snap.model_copy(update={"target": "prod"}), "verify")
    assert partial.name == "20250701T083000Z-prod-verify.json"
    assert live.load_snapshot(tmp_path, "latest").target == "lab"  # not replaced


@pytest.mark.parametrize("content", [None, "{}", "not json"])
def test_load_snapshot_problems_are_input_errors(tmp_path: Path, content: str | None) -> None:
    if content is not None:
        (tmp_path / "snapshots").mkdir()
        (tmp_path / "snapshots" / "latest.json").write_text(content)
    with pytest.raises(InputError) as caught:
        live.load_snapshot(tmp_path, "latest")
    assert "--snapshot" in str(caught.value) and "inventory --live" in str(caught.value)


def test_drift_from_a_snapshot_names_the_interface() -> None:
    sot, plan = load_sot(TINY).sot, plan_for(TINY).plan
    router = plan.devices[0]
    specs = [
        s for s in derive_checks(sot, plan) if s.kind == "drift" and s.device == router.hostname
    ]
    table: dict[str, dict[str, dict[str, dict[str, int]]]] = {}
    for iface in router.interfaces:
        for address in (iface.ipv4, iface.ipv6):
            if address is not None:
                family = "ipv4" if address.version == 4 else "ipv6"
                table.setdefault(iface.name, {}).setdefault(family, {})[str(address.ip)] = {
                    "prefix_length": address.network.prefixlen}  # fmt: skip
    snap = live.addresses_snapshot("t", "lab", "P", "i", {router.hostname: table})
    stored = live.snapshot_addresses(snap)[router.hostname]
    assert all(r.status == "pass" for r in drift_results(specs, plan, router.hostname, stored))

    victim = next(i for i in router.interfaces if i.ipv6 is not None)
    del table[victim.name]["ipv6"]
    snap = live.addresses_snapshot("t", "lab", "P", "i", {router.hostname: table})
    results = drift_results(
        specs, plan, router.hostname, live.snapshot_addresses(snap)[router.hostname]
    )
    bad = [r for r in results if r.status != "pass"]
    assert [r.id for r in bad] == [f"drift:{router.hostname}:{victim.name}:ipv6"]
    assert victim.name in bad[0].evidence and str(victim.ipv6) in bad[0].evidence
