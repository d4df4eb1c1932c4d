"""Convergence: what every router must show before verify probes."""

from __future__ import annotations

from netauto.plan import plan_for
from netauto.verify.converge import Seen, expectations, missing
from tests.conftest import TINY


def test_every_router_expects_its_links_and_every_planned_prefix() -> None:
    plan = plan_for(TINY).plan
    routers = {d.hostname for d in plan.devices}
    expected = expectations(plan, routers)
    hub = expected["hub-01-r1"]
    assert len(hub.adjacencies) == 4  # the DC core and three communes
    lans = {str(lan.ipv4) for site in plan.sites for lan in site.lans}
    assert lans <= hub.prefixes["ipv4"]
    nothing = Seen(
        {"ospf": frozenset(), "ospf6": frozenset()}, {"ipv4": frozenset(), "ipv6": frozenset()}
    )
    assert len(missing(hub, nothing)) == 8 + len(hub.prefixes["ipv4"]) + len(hub.prefixes["ipv6"])
    everything = Seen(
        {"ospf": hub.adjacencies, "ospf6": hub.adjacencies},
        {"ipv4": hub.prefixes["ipv4"], "ipv6": hub.prefixes["ipv6"]},
    )
    assert missing(hub, everything) == []


def test_a_subset_expects_only_what_it_holds() -> None:
    plan = plan_for(TINY).plan
    expected = expectations(plan, {"hub-01-r1", "cm-anxuyen-r1"})
    assert set(expected) == {"hub-01-r1", "cm-anxuyen-r1"}
    assert len(expected["hub-01-r1"].adjacencies) == 1
