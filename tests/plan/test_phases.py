"""The planner's phases over one PlanState: what each leaves for the next, and checkpoints."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from netauto.errors import InputError
from netauto.plan import build_plan
from netauto.plan.ledger import Ledger
from netauto.plan.phases import assemble, diff, interfaces, ipv4, ipv6, vms
from netauto.plan.state import PlanState
from netauto.sot.models import SoT
from tests.plan.sotgen import province, to_sot

PHASES: list[Callable[[PlanState], None]] = [
    ipv6.check_zones,
    ipv6.run,
    ipv4.run,
    interfaces.run,
    vms.run,
    assemble.run,
    diff.run,
]


def run_by_hand(sot: SoT, ledger: Ledger | None = None) -> PlanState:
    state = PlanState(sot, ledger or Ledger())
    for phase in PHASES:
        phase(state)
    return state


def test_the_phases_run_by_hand_give_what_build_plan_gives() -> None:
    sot = to_sot(province(30, hubs=3, seed=4))
    result = build_plan(sot)
    state = run_by_hand(sot)
    assert state.plan == result.plan
    assert state.ledger == result.ledger
    assert state.changes == result.changes
    assert run_by_hand(sot, result.ledger).changes == []


def test_each_phase_leaves_what_the_next_one_reads() -> None:
    sot = to_sot(province(6, hubs=2, seed=1))
    lans = {(s.site_id, lan.key) for s in sot.sites for lan in s.lans}
    links = {link.key for link in sot.links}
    state = PlanState(sot, Ledger())
    ipv6.check_zones(state)
    ipv6.run(state)
    assert set(state.site6) == {s.site_id for s in sot.sites}
    assert set(state.lan6) == lans
    assert set(state.loop6) == set(state.platform)
    assert set(state.link6) == links
    assert not state.lan4 and not state.loop4 and not state.link4
    ipv4.run(state)
    assert set(state.lan4) == lans
    assert set(state.loop4) == set(state.platform)
    assert set(state.link4) == links
    interfaces.run(state)
    assert set(state.lan_iface) == lans
    assert len(state.link_iface) == 2 * len(links)
    vms.run(state)
    assert set(state.vm_addr) == {vm.name for vm in sot.vms}
    assert state.plan is None and state.ledger is None and not state.problems
    assemble.run(state)
    diff.run(state)
    assert state.plan is not None and state.ledger is not None
    assert {c.action for c in state.changes} == {"add"}


def test_a_missing_zone_stops_the_run_before_anything_is_allocated() -> None:
    data = province(3, hubs=1)
    data["addressing"]["ipv6"]["zones"] = {"infra": 0, "data-centre": 1, "hub": 2}
    data["addressing"]["ipv4"]["supernets"] = ["10.96.0.0/24"]  # far too small as well
    with pytest.raises(InputError) as caught:
        build_plan(to_sot(data))
    assert [(p.field, p.message) for p in caught.value.problems] == [
        ("addressing.ipv6.zones", "no zone 'commune' for the sites that need it")
    ]


def test_the_problems_of_every_planning_phase_are_reported_together() -> None:
    data = province(2, hubs=1)
    communes = [i for i, s in enumerate(data["sites"]) if s["kind"] == "commune"]
    first, second = communes
    data["sites"][first]["lans"][0]["ipv4"] = "10.96.50.0/24"  # ipv4: collide
    data["sites"][second]["lans"][0]["ipv4"] = "10.96.50.128/25"
    data["sites"][first]["lans"][1]["device"] = "no-such-r1"  # interfaces: no router
    data["vms"][0]["network"] = "nowhere"  # vms: no such LAN
    with pytest.raises(InputError) as caught:
        build_plan(to_sot(data))
    fields = [p.field for p in caught.value.problems]
    assert len(fields) == 3
    assert fields[0] in {f"sites[{first}].lans[0].ipv4", f"sites[{second}].lans[0].ipv4"}
    assert fields[1:] == [f"sites[{first}].lans[1]", "vms[0].network"]


def test_problems_come_before_exhausted_pools_at_the_checkpoint() -> None:
    state = PlanState(to_sot(province(1, hubs=1)), Ledger())
    state.short("ipv4", "p2p links from 10.96.0.0/16", "/31")
    state.short("ipv4", "p2p links from 10.96.0.0/16", "/31")
    state.short("ipv6", "zone commune 2001:db8:9640::/44", "/56")
    state.problem(("links", 0, "b", "ipv4"), "the two ends fix different /31s")
    with pytest.raises(InputError) as caught:
        state.checkpoint()
    messages = [p.message for p in caught.value.problems]
    assert messages[0] == "the two ends fix different /31s"
    assert messages[1].startswith("ipv4 pool exhausted: p2p links from 10.96.0.0/16: 2 more /31")
    assert messages[2].startswith("ipv6 pool exhausted: zone commune")
    PlanState(to_sot(province(1, hubs=1)), Ledger()).checkpoint()  # nothing: no error
