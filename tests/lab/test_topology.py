"""The pure part of the lab: topology from a plan, no root needed."""

from __future__ import annotations

import ipaddress as ip
from pathlib import Path

import pytest

from netauto.errors import InputError
from netauto.lab.topology import LabTopology, build_topology, select_sites
from netauto.sot.loader import load_sot
from tests.lab.plans import tiny_plan


@pytest.fixture
def sot(tiny: Path):  # type: ignore[no-untyped-def]
    return load_sot(tiny).sot


def test_tiny_topology_has_every_router_vm_and_client(sot) -> None:  # type: ignore[no-untyped-def]
    topo = build_topology(tiny_plan(), sot, prefix="nt-")
    kinds = {h.name: h.kind for h in topo.hosts}
    assert [n for n, k in kinds.items() if k == "router"] == [
        "dc-core-r1", "hub-01-r1", "cm-anxuyen-r1", "cm-lyvanlam-r1", "cm-tanthanh-r1",
    ]  # fmt: skip
    assert sorted(n for n, k in kinds.items() if k == "vm") == ["dc-lgsp-01", "dc-portal-01"]
    assert sorted(n for n, k in kinds.items() if k == "client") == [
        "c-cm-anxuyen-r1-office", "c-cm-anxuyen-r1-wifi", "c-cm-lyvanlam-r1-office",
        "c-cm-tanthanh-r1-office", "c-dc-core-r1-services",
    ]  # fmt: skip
    assert all(ns.startswith("nt-") for ns in topo.namespaces)
    assert len(set(topo.namespaces)) == len(topo.namespaces)


def test_routers_are_factory_fresh_and_named_by_the_plan(sot) -> None:  # type: ignore[no-untyped-def]
    topo = build_topology(tiny_plan(), sot, prefix="nt-")
    hub = topo.host("hub-01-r1")
    assert hub.addresses == [] and hub.gateway4 is None
    assert hub.interfaces == ["eth0", "eth1", "eth2", "eth3"]
    dc = topo.host("dc-core-r1")
    assert dc.interfaces == ["eth1", "lan100"] and dc.frr and dc.ssh
    wan = {(v.ns_a, v.if_a, v.ns_b, v.if_b) for v in topo.veths if v.purpose.startswith("l-")}
    assert ("nt-hub-01-r1", "eth1", "nt-cm-anxuyen-r1", "eth0") in wan
    assert len(wan) == 4
    bridge = next(b for b in topo.bridges if b.namespace == "nt-dc-core-r1")
    assert bridge.name == "lan100"
    assert bridge.ports == ["lan100-v1", "lan100-v2", "lan100-c"]


def test_vms_and_clients_get_plan_addresses_and_gateways(sot) -> None:  # type: ignore[no-untyped-def]
    plan = tiny_plan()
    topo = build_topology(plan, sot, prefix="nt-")
    lgsp = topo.host("dc-lgsp-01")
    assert lgsp.addresses == [plan.vms[0].ipv4, plan.vms[0].ipv6]
    assert lgsp.gateway4 == plan.vms[0].gateway4
    assert [(s.service, s.proto, s.port) for s in lgsp.services] == [("lgsp", "tcp", 443)]
    portal = topo.host("dc-portal-01")
    assert sorted(s.port for s in portal.services) == [80, 443]
    client = topo.host("c-cm-anxuyen-r1-wifi")
    lan = plan.site("phuong-an-xuyen").lans[1]
    assert client.addresses[0].ip == lan.ipv4.network_address + 10
    assert client.addresses[1].ip == ip.ip_address(int(lan.ipv6.network_address) + 0x10)
    assert (client.gateway4, client.gateway6) == (lan.gateway4, lan.gateway6)
    assert not client.ssh and client.router == "cm-anxuyen-r1"


@pytest.mark.parametrize(
    ("sites", "hubs", "expected"),
    [
        ((), None, 5),
        ((), 0, 1),
        ((), 1, 5),
        (("phuong-an-xuyen",), None, 3),
        (("cm-tanthanh-r1",), None, 3),
    ],
)
def test_subsets_stay_connected(sites: tuple[str, ...], hubs: int | None, expected: int) -> None:
    assert len(select_sites(tiny_plan(), sites, hubs)) == expected


def test_unknown_site_and_bad_prefix_are_input_errors(sot) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InputError, match="unknown site or router 'nowhere'"):
        build_topology(tiny_plan(), sot, sites=["nowhere"])
    with pytest.raises(InputError, match="invalid lab prefix"):
        build_topology(tiny_plan(), sot, prefix="NA")


def test_subset_drops_links_to_routers_left_out(sot) -> None:  # type: ignore[no-untyped-def]
    topo = build_topology(tiny_plan(), sot, prefix="nt-", sites=["cm-anxuyen-r1"])
    assert {v.purpose for v in topo.veths if v.purpose.startswith("l-")} == {
        "l-dc-hub-01", "l-1001",
    }  # fmt: skip
    assert topo.host("hub-01-r1").interfaces == ["eth0", "eth1"]


def test_fingerprint_changes_with_the_topology(sot) -> None:  # type: ignore[no-untyped-def]
    full = build_topology(tiny_plan(), sot, prefix="nt-")
    again = build_topology(tiny_plan(), sot, prefix="nt-")
    part = build_topology(tiny_plan(), sot, prefix="nt-", hubs=0)
    assert full.fingerprint() == again.fingerprint() != part.fingerprint()


def test_only_routers_with_an_ebgp_link_run_bgpd(sot) -> None:  # type: ignore[no-untyped-def]
    def daemons(topo: LabTopology) -> dict[str, list[str]]:
        return {h.name: h.daemons for h in topo.hosts if h.kind == "router"}

    ospf = ["zebra", "staticd", "ospfd", "ospf6d"]
    plain = daemons(build_topology(tiny_plan(), sot, prefix="nt-"))
    assert set(map(tuple, plain.values())) == {tuple(ospf)}
    by_flag = daemons(build_topology(tiny_plan(), sot, ebgp_sites=["phuong-an-xuyen"]))
    assert {n for n, d in by_flag.items() if "bgpd" in d} == {"hub-01-r1", "cm-anxuyen-r1"}
    assert by_flag["cm-anxuyen-r1"] == [*ospf, "bgpd"]
    ebgp_sot = sot.model_copy(
        update={
            "sites": [
                s.model_copy(update={"routing": "ebgp"}) if s.slug == "xa-tan-thanh" else s
                for s in sot.sites
            ]
        }
    )
    by_sot = daemons(build_topology(tiny_plan(), ebgp_sot, ebgp_sites=["phuong-an-xuyen"]))
    assert {n for n, d in by_sot.items() if "bgpd" in d} == {
        "hub-01-r1", "cm-anxuyen-r1", "cm-tanthanh-r1",
    }  # fmt: skip


def test_bgpd_follows_the_plan_links_also_in_a_subset(sot) -> None:  # type: ignore[no-untyped-def]
    # The hub's configuration has BGP for its eBGP commune even when the lab leaves that
    # commune out: the hub runs bgpd, so a pushed config loads as rendered.
    topo = build_topology(tiny_plan(), sot, sites=["cm-anxuyen-r1"], ebgp_sites=["xa-tan-thanh"])
    routers = {h.name: h.daemons for h in topo.hosts if h.kind == "router"}
    assert sorted(routers) == ["cm-anxuyen-r1", "dc-core-r1", "hub-01-r1"]
    assert [n for n, d in routers.items() if "bgpd" in d] == ["hub-01-r1"]


def test_unknown_ebgp_site_is_an_input_error(sot) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InputError, match="unknown site 'nowhere'") as info:
        build_topology(tiny_plan(), sot, ebgp_sites=["phuong-an-xuyen", "nowhere"])
    assert info.value.problems[0].field == "--ebgp-site"


def test_ebgp_sites_change_the_fingerprint(sot) -> None:  # type: ignore[no-untyped-def]
    plain = build_topology(tiny_plan(), sot, prefix="nt-")
    ebgp = build_topology(tiny_plan(), sot, prefix="nt-", ebgp_sites=["phuong-an-xuyen"])
    assert plain.fingerprint() != ebgp.fingerprint()
