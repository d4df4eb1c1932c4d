"""The eBGP rule shared by render and the lab (``netauto.plan.routing``)."""

from __future__ import annotations

from pathlib import Path

from netauto.plan import build_plan
from netauto.plan.routing import bgp_routers, ebgp_sites
from netauto.sot.loader import load_sot


def test_bgp_routers_are_both_ends_of_every_ebgp_link(tiny: Path) -> None:
    sot = load_sot(tiny).sot
    plan = build_plan(sot).plan
    assert ebgp_sites(sot) == frozenset()
    assert bgp_routers(plan, ebgp_sites(sot)) == frozenset()
    assert bgp_routers(plan, frozenset({"phuong-an-xuyen"})) == {"hub-01-r1", "cm-anxuyen-r1"}
    # A hub that talks eBGP does so on all its links: to the DC and to every commune.
    assert bgp_routers(plan, frozenset({"hub-01"})) == {d.hostname for d in plan.devices}


def test_sot_routing_and_extra_sites_add_up(tiny: Path) -> None:
    sot = load_sot(tiny).sot
    sites = [
        s.model_copy(update={"routing": "ebgp"}) if s.slug == "xa-tan-thanh" else s
        for s in sot.sites
    ]
    ebgp = ebgp_sites(sot.model_copy(update={"sites": sites}), ["phuong-an-xuyen"])
    assert ebgp == {"xa-tan-thanh", "phuong-an-xuyen"}
