"""A hand-written plan for the tiny SoT, so lab tests do not depend on the plan stage.

The addresses are made up but consistent (p2p /31 + /127, LAN /26 + /64, gateways .1/::1).
"""

from __future__ import annotations

import ipaddress as ip

from netauto.plan.models import (
    DevicePlan,
    InterfacePlan,
    LanPlan,
    LinkEndPlan,
    LinkPlan,
    Plan,
    SitePlan,
    VmPlan,
)

SITES = [
    # slug, site_id, kind, hub, hostname, [(lan key, function, vlan)]
    ("dc", 1, "data-centre", None, "dc-core-r1", [("services", "server", 100)]),
    ("hub-01", 10, "hub", None, "hub-01-r1", []),
    ("phuong-an-xuyen", 1001, "commune", "hub-01", "cm-anxuyen-r1",
     [("office", "office", 10), ("wifi", "wifi", 20)]),
    ("phuong-ly-van-lam", 1002, "commune", "hub-01", "cm-lyvanlam-r1", [("office", "office", 10)]),
    ("xa-tan-thanh", 1003, "commune", "hub-01", "cm-tanthanh-r1", [("office", "office", 10)]),
]  # fmt: skip
LINKS = [
    ("l-dc-hub-01", "dc-core-r1", "eth1", "hub-01-r1", "eth0"),
    ("l-1001", "hub-01-r1", "eth1", "cm-anxuyen-r1", "eth0"),
    ("l-1002", "hub-01-r1", "eth2", "cm-lyvanlam-r1", "eth0"),
    ("l-1003", "hub-01-r1", "eth3", "cm-tanthanh-r1", "eth0"),
]


def _lan(site_index: int, key: str, function: str, vlan: int, device: str) -> LanPlan:
    net4 = ip.ip_network(f"10.96.{site_index * 4 + vlan // 10 % 4}.0/26")
    net6 = ip.ip_network(f"2001:db8:9640:{site_index:x}{vlan:02x}::/64")
    return LanPlan(
        key=key,
        function=function,  # type: ignore[arg-type]
        vlan=vlan,
        device=device,
        interface=f"lan{vlan}",
        ipv4=net4,  # type: ignore[arg-type]
        ipv6=net6,  # type: ignore[arg-type]
        gateway4=net4.network_address + 1,  # type: ignore[arg-type]
        gateway6=net6.network_address + 1,  # type: ignore[arg-type]
    )


def tiny_plan() -> Plan:
    """The plan of ``tests/data/tiny`` (by hand)."""
    sites: list[SitePlan] = []
    lans: dict[str, list[LanPlan]] = {}
    for index, (slug, site_id, kind, hub, host, lan_specs) in enumerate(SITES, start=1):
        site_lans = [_lan(index, k, f, v, host) for k, f, v in lan_specs]
        lans[host] = site_lans
        sites.append(
            SitePlan(
                site_id=site_id,
                slug=slug,
                name=slug,
                kind=kind,  # type: ignore[arg-type]
                hub=hub,
                commune_code=None,
                zone="commune" if kind == "commune" else "infra",
                prefix6=ip.ip_network(f"2001:db8:9640:{index:x}00::/56"),  # type: ignore[arg-type]
                lans=site_lans,
                devices=[host],
            )
        )
    links: list[LinkPlan] = []
    ifaces: dict[str, list[InterfacePlan]] = {s[4]: [] for s in SITES}
    for n, (link_id, a, a_if, b, b_if) in enumerate(LINKS):
        ends = []
        for offset, (dev, name, peer, peer_if) in enumerate(
            ((a, a_if, b, b_if), (b, b_if, a, a_if))
        ):
            v4 = ip.IPv4Interface(f"10.96.250.{2 * n + offset}/31")
            v6 = ip.IPv6Interface(f"2001:db8:9600:1{n:02x}::{offset}/127")
            ends.append(LinkEndPlan(device=dev, interface=name, ipv4=v4, ipv6=v6))
            ifaces[dev].append(
                InterfacePlan(
                    name=name, kind="p2p", ipv4=v4, ipv6=v6, link_id=link_id, peer=peer,
                    peer_interface=peer_if,
                )
            )  # fmt: skip
        links.append(
            LinkPlan(
                id=link_id,
                reserved6=ip.ip_network(f"2001:db8:9600:1{n:02x}::/64"),  # type: ignore[arg-type]
                network4=ip.ip_network(f"10.96.250.{2 * n}/31"),  # type: ignore[arg-type]
                a=ends[0],
                b=ends[1],
            )
        )
    devices = []
    for index, (slug, _sid, kind, _hub, host, _l) in enumerate(SITES, start=1):
        lo4 = ip.IPv4Interface(f"10.96.255.{index}/32")
        lo6 = ip.IPv6Interface(f"2001:db8:9600::{index}/128")
        lan_ifaces = [
            InterfacePlan(name=lan.interface, kind="lan", ipv4=ip.IPv4Interface(
                f"{lan.gateway4}/{lan.ipv4.prefixlen}"), ipv6=ip.IPv6Interface(
                f"{lan.gateway6}/64"), lan=lan.key, vlan=lan.vlan)
            for lan in lans[host]
        ]  # fmt: skip
        role = {"data-centre": "core", "hub": "hub"}.get(kind, "cpe")
        devices.append(
            DevicePlan(
                hostname=host,
                site_id=SITES[index - 1][1],
                site=slug,
                platform="frr",
                role=role,  # type: ignore[arg-type]
                loopback4=lo4,
                loopback6=lo6,
                interfaces=[
                    InterfacePlan(name="lo", kind="loopback", ipv4=lo4, ipv6=lo6),
                    *ifaces[host],
                    *lan_ifaces,
                ],
            )
        )
    services_lan = lans["dc-core-r1"][0]
    vms = [
        VmPlan(
            name=name,
            site="dc",
            network="services",
            cluster="default",
            services=[svc],
            ipv4=ip.IPv4Interface(f"{services_lan.ipv4.network_address + 20 + i}/26"),
            ipv6=ip.IPv6Interface(f"{services_lan.ipv6.network_address + 0x20 + i}/64"),
            gateway4=services_lan.gateway4,
            gateway6=services_lan.gateway6,
        )
        for i, (name, svc) in enumerate((("dc-lgsp-01", "lgsp"), ("dc-portal-01", "portal")))
    ]
    return Plan(
        province="Cà Mau",
        province_code=96,
        allocation6=ip.ip_network("2001:db8:9600::/40"),  # type: ignore[arg-type]
        sites=sites,
        devices=devices,
        links=links,
        vms=vms,
    )
