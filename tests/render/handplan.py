"""A small hand-written :class:`Plan` for render tests (independent of ``build_plan``).

Simple, fixed numbering so render tests do not move when the planner's algorithm does:
loopbacks ``10.96.0.<n>/32`` and ``<infra>::<n>/128``, links ``10.96.1.<2k>/31`` and
``<infra>:1<kk>::/127``, LANs ``10.96.<16+k>.0/26`` and ``<site /56>:<vlan>::/64``.
Interface names come from the SoT (link ends, ``lan.interface``), else ``lan<VLAN>``.
"""

from __future__ import annotations

import ipaddress

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
from netauto.sot.models import SoT

ZONES = {"data-centre": 1, "department": 2, "hub": 3, "commune": 4}


def hand_plan(sot: SoT) -> Plan:
    alloc = sot.addressing.ipv6.allocation
    base6 = int(alloc.network_address)
    infra6 = base6
    devices = sot.all_devices()
    loop: dict[str, tuple[ipaddress.IPv4Interface, ipaddress.IPv6Interface]] = {}
    for n, (_site, dev) in enumerate(devices, start=1):
        loop[dev.hostname] = (
            ipaddress.IPv4Interface(f"10.96.0.{n}/32"),
            ipaddress.IPv6Interface((infra6 + n, 128)),
        )
    ifaces: dict[str, list[InterfacePlan]] = {d.hostname: [] for _, d in devices}
    links: list[LinkPlan] = []
    for k, link in enumerate(sot.links, start=1):
        net4 = ipaddress.IPv4Network(f"10.96.1.{2 * (k - 1)}/31")
        res6 = ipaddress.IPv6Network((infra6 + ((0x100 + k) << 64), 64))
        ends = []
        for i, end in enumerate((link.a, link.b)):
            ends.append(
                LinkEndPlan(
                    device=end.device,
                    interface=end.interface or f"eth{k}",
                    ipv4=ipaddress.IPv4Interface((int(net4.network_address) + i, 31)),
                    ipv6=ipaddress.IPv6Interface((int(res6.network_address) + i, 127)),
                )
            )
        a, b = ends
        links.append(LinkPlan(id=link.key, reserved6=res6, network4=net4, a=a, b=b))
        for near, far in ((a, b), (b, a)):
            ifaces[near.device].append(
                InterfacePlan(
                    name=near.interface,
                    kind="p2p",
                    description=f"{link.key} to {far.device} {far.interface}",
                    ipv4=near.ipv4,
                    ipv6=near.ipv6,
                    link_id=link.key,
                    peer=far.device,
                    peer_interface=far.interface,
                )
            )
    sites: list[SitePlan] = []
    lan_counter = 0
    for site in sot.sites:
        prefix6 = ipaddress.IPv6Network(
            (base6 + (ZONES[site.kind] << 84) + (site.site_id << 72), 56)
        )
        lans = []
        for lan in site.lans:
            device = lan.device or site.devices[0].hostname
            name = lan.interface or f"lan{lan.vlan}"
            net4 = ipaddress.IPv4Network(f"10.96.{16 + lan_counter}.0/26")
            lan_counter += 1
            net6 = ipaddress.IPv6Network((int(prefix6.network_address) + (lan.vlan << 64), 64))
            gw4, gw6 = net4.network_address + 1, net6.network_address + 1
            lans.append(
                LanPlan(
                    key=lan.key,
                    function=lan.function,
                    vlan=lan.vlan,
                    device=device,
                    interface=name,
                    ipv4=net4,
                    ipv6=net6,
                    gateway4=gw4,
                    gateway6=gw6,
                    ipv6_mode=lan.ipv6_mode,
                )
            )
            ifaces[device].append(
                InterfacePlan(
                    name=name,
                    kind="lan",
                    description=f"LAN {lan.key} (vlan {lan.vlan})",
                    ipv4=ipaddress.IPv4Interface((int(gw4), 26)),
                    ipv6=ipaddress.IPv6Interface((int(gw6), 64)),
                    lan=lan.key,
                    vlan=lan.vlan,
                    ipv6_mode=lan.ipv6_mode,
                )
            )
        sites.append(
            SitePlan(
                site_id=site.site_id,
                slug=site.slug,
                name=site.name,
                kind=site.kind,
                hub=site.hub,
                commune_code=site.commune_code,
                zone=site.kind,
                prefix6=prefix6,
                lans=lans,
                devices=[d.hostname for d in site.devices],
            )
        )
    device_plans = [
        DevicePlan(
            hostname=dev.hostname,
            site_id=site.site_id,
            site=site.slug,
            platform=dev.platform,
            role=sot.device_role(site, dev),
            loopback4=loop[dev.hostname][0],
            loopback6=loop[dev.hostname][1],
            interfaces=ifaces[dev.hostname],
        )
        for site, dev in devices
    ]
    vms = []
    dc_lans = {lan.key: lan for s in sites if s.kind == "data-centre" for lan in s.lans}
    for n, vm in enumerate(sot.vms, start=10):
        dc_lan = dc_lans[vm.network]
        vms.append(
            VmPlan(
                name=vm.name,
                site=vm.site or "dc",
                network=vm.network,
                cluster=vm.cluster,
                services=list(vm.services),
                ipv4=ipaddress.IPv4Interface((int(dc_lan.ipv4.network_address) + n, 26)),
                ipv6=ipaddress.IPv6Interface((int(dc_lan.ipv6.network_address) + n, 64)),
                gateway4=dc_lan.gateway4,
                gateway6=dc_lan.gateway6,
            )
        )
    return Plan(
        province=sot.province.name,
        province_code=sot.province.code,
        allocation6=alloc,
        sites=sites,
        devices=device_plans,
        links=links,
        vms=vms,
    )
