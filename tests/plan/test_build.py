"""Example-based tests of build_plan on the tiny SoT and hand-made edge cases."""

from __future__ import annotations

import copy
import difflib
import ipaddress
import os
from pathlib import Path
from typing import Any

import pytest

from netauto.errors import InputError
from netauto.plan import build_plan, plan_for
from netauto.plan.formats import plan_text
from netauto.sot.loader import load_sot
from tests.plan.invariants import check_plan
from tests.plan.sotgen import province, province_dict, to_sot

GOLDEN = Path(__file__).parent / "golden"


def test_tiny_matches_golden(tiny: Path) -> None:
    """The plan of tests/data/tiny, as YAML; NETAUTO_UPDATE_GOLDEN=1 rewrites it."""
    text = plan_text(plan_for(tiny).plan, "yaml")
    golden = GOLDEN / "tiny.yml"
    if os.environ.get("NETAUTO_UPDATE_GOLDEN"):
        golden.write_text(text, encoding="utf-8")
    expected = golden.read_text(encoding="utf-8")
    diff = "".join(
        difflib.unified_diff(
            expected.splitlines(True), text.splitlines(True), "golden/tiny.yml", "plan"
        )
    )
    assert not diff, f"plan differs from the golden file:\n{diff}"


def test_tiny_invariants_and_readable_numbers(tiny: Path) -> None:
    loaded = load_sot(tiny)
    plan = build_plan(loaded.sot).plan
    check_plan(loaded.sot, plan)
    site = plan.site("phuong-an-xuyen")
    # zone commune = 4 -> 2001:db8:9640::/44; slot = site_id 1001 = 0x3e9.
    assert site.prefix6 == ipaddress.IPv6Network("2001:db8:9643:e900::/56")
    assert [str(lan.ipv6) for lan in site.lans] == [
        "2001:db8:9643:e910::/64",  # office = 1, first office LAN
        "2001:db8:9643:e920::/64",  # wifi = 2
    ]
    router = plan.device("cm-anxuyen-r1")
    assert str(router.loopback6) == "2001:db8:9600::3e9:1/128"
    assert router.interface("eth0").peer == "hub-01-r1"
    assert router.interface("lan10").ipv4 == ipaddress.IPv4Interface("10.96.3.1/26")
    assert plan.device("dc-core-r1").interface("lo").kind == "loopback"
    vm = next(v for v in plan.vms if v.name == "dc-lgsp-01")
    assert vm.ipv4.network.prefixlen == 24  # vm_prefix
    assert int(vm.ipv4.ip) - int(vm.ipv4.network.network_address) == 10


def test_default_interface_names_follow_platform_and_are_pinned() -> None:
    data = province_dict()
    data["sites"].append(
        {
            "site_id": 7,
            "slug": "hub-a",
            "kind": "hub",
            "name": "A",
            "devices": [{"hostname": "hub-a-r1", "platform": "eos"}],
            "lans": [{"function": "mgmt", "vlan": 99}],
        }
    )
    data["links"] = [{"id": "l-b", "a": "dc-r1:eth5", "b": "hub-a-r1"}]
    first = build_plan(to_sot(data))
    plan = first.plan
    assert plan.links[0].a.interface == "eth5"
    assert plan.links[0].b.interface == "Ethernet1"
    assert plan.device("hub-a-r1").interface("Vlan99").kind == "lan"
    assert plan.device("hub-a-r1").loopback6 == plan.device("hub-a-r1").interface("Loopback0").ipv6
    # A new link whose key sorts first must not rename the existing one.
    data["links"].insert(0, {"id": "l-a", "a": "dc-r1", "b": "hub-a-r1"})
    second = build_plan(to_sot(data), first.ledger)
    link_b = next(lk for lk in second.plan.links if lk.id == "l-b")
    link_a = next(lk for lk in second.plan.links if lk.id == "l-a")
    assert link_b.b.interface == "Ethernet1" and link_a.b.interface == "Ethernet2"
    assert link_a.a.interface == "eth0"
    assert all(c.action == "add" for c in second.changes)


def test_fixed_ipv4_is_kept_and_wins_over_the_ledger() -> None:
    data = province(3, hubs=1)
    before = build_plan(to_sot(data))
    changed = copy.deepcopy(data)
    site = changed["sites"][2]
    site["lans"][0]["ipv4"] = "10.96.200.0/24"
    changed["links"][1]["b"] = {"device": site["devices"][0]["hostname"], "ipv4": "10.96.201.1/31"}
    after = build_plan(to_sot(changed), before.ledger)
    plan_site = after.plan.site(site["slug"])
    assert str(plan_site.lans[0].ipv4) == "10.96.200.0/24"
    link = after.plan.links[[lk.id for lk in after.plan.links].index(changed["links"][1]["id"])]
    assert str(link.b.ipv4) == "10.96.201.1/31" and str(link.a.ipv4) == "10.96.201.0/31"
    kinds = {(c.action, c.key.split()[-1]) for c in after.changes}
    assert kinds <= {("change", "ipv4"), ("change", "network4")}
    check_plan(to_sot(changed), after.plan)


def test_fixed_ipv4_collision_is_an_input_error() -> None:
    data = province(2, hubs=1)
    data["sites"][2]["lans"][0]["ipv4"] = "10.96.50.0/24"
    data["sites"][3]["lans"][0]["ipv4"] = "10.96.50.128/25"
    with pytest.raises(InputError) as caught:
        build_plan(to_sot(data))
    message = str(caught.value)
    assert "sites[3].lans[0].ipv4" in message and "overlaps" in message


def _tight(communes: int) -> dict[str, Any]:
    data = province(communes, hubs=1)
    data["addressing"]["ipv4"]["supernets"] = ["10.96.0.0/23"]
    return data


def test_exhausted_ipv4_pool_says_which_and_how_many() -> None:
    # /23 = loopback /24 + p2p /24 would already fill it: the LANs cannot fit.
    with pytest.raises(InputError) as caught:
        build_plan(to_sot(_tight(3)))
    message = str(caught.value)
    assert "addressing.ipv4.supernets" in message
    assert "LANs from 10.96.0.0/23: 6 more /26 needed" in message
    assert "/24 needed" in message  # the VM network


def test_exhausted_ipv6_zone() -> None:
    data = province(17, hubs=1)
    data["addressing"]["ipv6"]["allocation"] = "2001:db8:96::/48"
    with pytest.raises(InputError) as caught:
        build_plan(to_sot(data))
    assert "zone commune 2001:db8:96:4000::/52: 1 more /56 needed" in str(caught.value)


def test_missing_zone_is_reported() -> None:
    data = province(1, hubs=1)
    data["addressing"]["ipv6"]["zones"] = {"infra": 0, "data-centre": 1, "hub": 2}
    with pytest.raises(InputError, match="no zone 'commune'"):
        build_plan(to_sot(data))


def test_zone_override_and_site_prefix_from_the_sot() -> None:
    data = province(5, hubs=2)
    data["addressing"]["ipv6"].update(
        {"site_prefix": 60, "zones": {"infra": 15, "data-centre": 1, "hub": 2, "commune": 8}}
    )
    sot = to_sot(data)
    plan = build_plan(sot).plan
    check_plan(sot, plan)
    assert all(s.prefix6.prefixlen == 60 for s in plan.sites)
    commune = next(s for s in plan.sites if s.kind == "commune")
    assert str(commune.prefix6).startswith("2001:db8:968")


def test_a_changed_kind_moves_the_site_to_its_new_zone() -> None:
    data = province(2, hubs=1)
    before = build_plan(to_sot(data))
    data["sites"][2]["kind"] = "department"
    data["sites"][2].pop("commune_code")
    after = build_plan(to_sot(data), before.ledger)
    moved = {c.key for c in after.changes}
    sid = data["sites"][2]["site_id"]
    assert f"site {sid} prefix6" in moved
    assert after.plan.site(data["sites"][2]["slug"]).zone == "department"
