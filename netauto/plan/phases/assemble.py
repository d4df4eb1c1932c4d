"""Phase assemble: the typed :class:`Plan` (with pool usage) and the new ledger.

Nothing is allocated here: every prefix and number was chosen by the phases before; this
turns them into the output models. A link's /64 is configured as its first /127 and its
/31 as ``.0``/``.1`` (end a, end b); a LAN's gateway is host 1 of its subnet and /64; a
VM's addresses are host ``n`` of both. Imported links and LANs keep the addresses the
running network gives them (``phases.imported``).
"""

from __future__ import annotations

import ipaddress

from netauto.plan import interfaces as names
from netauto.plan.ledger import DeviceEntry, LanEntry, Ledger, LinkEntry, SiteEntry, VmEntry
from netauto.plan.models import (
    DevicePlan,
    InterfacePlan,
    LanPlan,
    LinkEndPlan,
    LinkPlan,
    Plan,
    PoolUsage,
    SitePlan,
    VmPlan,
)
from netauto.plan.state import PlanState


def run(state: PlanState) -> None:
    """Build the plan and the ledger from what the phases allocated.

    Needs every planning phase to have passed the checkpoint (nothing missing). Reads
    every field written before; writes ``plan`` and ``ledger``.
    """
    ifaces: dict[str, list[InterfacePlan]] = {host: [] for host in state.platform}
    links = link_plans(state, ifaces)
    sites = site_plans(state, ifaces)
    state.plan = Plan(
        province=state.sot.province.name,
        province_code=state.sot.province.code,
        allocation6=state.sot.addressing.ipv6.allocation,
        sites=sites,
        devices=device_plans(state, ifaces),
        links=links,
        vms=vm_plans(state),
        usage=usage(state),
    )
    state.ledger = ledger(state)


def link_plans(state: PlanState, ifaces: dict[str, list[InterfacePlan]]) -> list[LinkPlan]:
    """Every link in link-key order; adds both ends to ``ifaces``."""
    plans: list[LinkPlan] = []
    for _, link in state.links:
        key = link.key
        net4, net6 = state.link4[key], state.link6[key]
        a_if = state.link_iface[(key, link.a.device)]
        b_if = state.link_iface[(key, link.b.device)]
        a4, b4 = state.link4_ends.get(key) or (
            ipaddress.IPv4Interface((int(net4.network_address), 31)),
            ipaddress.IPv4Interface((int(net4.network_address) + 1, 31)),
        )
        a6 = ipaddress.IPv6Interface((int(net6.network_address), 127))
        b6 = ipaddress.IPv6Interface((int(net6.network_address) + 1, 127))
        plans.append(
            LinkPlan(
                id=key,
                reserved6=net6,
                network4=net4,
                a=LinkEndPlan(device=link.a.device, interface=a_if, ipv4=a4, ipv6=a6),
                b=LinkEndPlan(device=link.b.device, interface=b_if, ipv4=b4, ipv6=b6),
            )
        )
        for me, mine, v4, v6, peer, peer_if in (
            (link.a.device, a_if, a4, a6, link.b.device, b_if),
            (link.b.device, b_if, b4, b6, link.a.device, a_if),
        ):
            ifaces[me].append(
                InterfacePlan(
                    name=mine,
                    kind="p2p",
                    description=f"{key} to {peer}",
                    ipv4=v4,
                    ipv6=v6,
                    link_id=key,
                    peer=peer,
                    peer_interface=peer_if,
                )
            )
    return plans


def site_plans(state: PlanState, ifaces: dict[str, list[InterfacePlan]]) -> list[SitePlan]:
    """Every site in SoT order with its LANs; adds each LAN's gateway interface to ``ifaces``."""
    hosts_of: dict[int, list[str]] = {}
    for owner, dev in state.devices:
        hosts_of.setdefault(owner.site_id, []).append(dev.hostname)
    plans: list[SitePlan] = []
    for site in state.sot.sites:
        lans: list[LanPlan] = []
        for lan in site.lans:
            lan_id = (site.site_id, lan.key)
            net4, net6 = state.lan4[lan_id], state.lan6[lan_id]
            host, ifname = state.lan_iface[lan_id]
            gw4 = state.lan_gw4.get(lan_id, net4.network_address + 1)
            gw6 = net6.network_address + 1
            lans.append(
                LanPlan(
                    key=lan.key,
                    function=lan.function,
                    vlan=lan.vlan,
                    device=host,
                    interface=ifname,
                    ipv4=net4,
                    ipv6=net6,
                    gateway4=gw4,
                    gateway6=gw6,
                    ipv6_mode=lan.ipv6_mode,
                )
            )
            ifaces[host].append(
                InterfacePlan(
                    name=ifname,
                    kind="lan",
                    description=f"{site.slug} {lan.key}",
                    ipv4=ipaddress.IPv4Interface((int(gw4), net4.prefixlen)),
                    ipv6=ipaddress.IPv6Interface((int(gw6), 64)),
                    lan=lan.key,
                    vlan=lan.vlan,
                    ipv6_mode=lan.ipv6_mode,
                )
            )
        plans.append(
            SitePlan(
                site_id=site.site_id,
                slug=site.slug,
                name=site.name,
                kind=site.kind,
                hub=site.hub,
                commune_code=site.commune_code,
                zone=site.kind,
                prefix6=state.site6[site.site_id],
                lans=lans,
                devices=hosts_of.get(site.site_id, []),
            )
        )
    return plans


def device_plans(state: PlanState, ifaces: dict[str, list[InterfacePlan]]) -> list[DevicePlan]:
    """Every router: its loopback first, then its interfaces from ``ifaces``."""
    plans: list[DevicePlan] = []
    for site, dev in state.devices:
        lo4 = ipaddress.IPv4Interface((int(state.loop4[dev.hostname]), 32))
        lo6 = ipaddress.IPv6Interface((int(state.loop6[dev.hostname]), 128))
        loopback = InterfacePlan(
            name=names.loopback_name(dev.platform),
            kind="loopback",
            description="router id",
            ipv4=lo4,
            ipv6=lo6,
        )
        plans.append(
            DevicePlan(
                hostname=dev.hostname,
                site_id=site.site_id,
                site=site.slug,
                platform=dev.platform,
                role=state.sot.device_role(site, dev),
                loopback4=lo4,
                loopback6=lo6,
                interfaces=[loopback, *ifaces[dev.hostname]],
            )
        )
    return plans


def vm_plans(state: PlanState) -> list[VmPlan]:
    """Every VM in SoT order."""
    plans: list[VmPlan] = []
    for vm in state.sot.vms:
        site, key, host = state.vm_addr[vm.name]
        net4, net6 = state.lan4[(site.site_id, key)], state.lan6[(site.site_id, key)]
        plans.append(
            VmPlan(
                name=vm.name,
                site=site.slug,
                network=key,
                cluster=vm.cluster,
                services=list(vm.services),
                ipv4=ipaddress.IPv4Interface((int(net4.network_address) + host, net4.prefixlen)),
                ipv6=ipaddress.IPv6Interface((int(net6.network_address) + host, 64)),
                gateway4=state.lan_gw4.get((site.site_id, key), net4.network_address + 1),
                gateway6=net6.network_address + 1,
            )
        )
    return plans


def usage(state: PlanState) -> list[PoolUsage]:
    """Utilisation rows: each zone, the p2p links, each hub (both families), the IPv4
    pools and each supernet."""
    rows: list[PoolUsage] = []
    for zone in sorted(state.zones, key=lambda z: state.zones[z]):
        if zone == "infra":
            continue
        slots = state.zone_slots[zone]
        rows.append(
            PoolUsage(
                pool=f"zone {zone}",
                family="ipv6",
                prefix=str(state.zone_net(zone)),
                used=len(slots.used),
                capacity=slots.capacity,
            )
        )
    rows.append(
        PoolUsage(
            pool="p2p links",
            family="ipv6",
            prefix=str(state.zone_net("infra")),
            used=len(state.link_slots.used),
            capacity=state.link_slots.capacity,
        )
    )
    supernets = state.sot.addressing.ipv4.supernets
    for hub in (s for s in state.sites if s.kind == "hub"):
        members = [s for s in state.sites if s.hub == hub.slug]
        zones = [z for z in sorted({s.kind for s in members}) or ["commune"] if z in state.zones]
        rows.append(
            PoolUsage(
                pool=f"hub {hub.slug}",
                family="ipv6",
                prefix=" ".join(str(state.zone_net(z)) for z in zones),
                used=len(members),
                capacity=sum(state.zone_slots[z].capacity for z in zones),
            )
        )
        used4 = sum(
            state.lan4[(s.site_id, lan.key)].num_addresses
            for s in members
            for lan in s.lans
            if (s.site_id, lan.key) in state.lan4
        )
        rows.append(
            PoolUsage(
                pool=f"hub {hub.slug}",
                family="ipv4",
                prefix=" ".join(str(n) for n in supernets),
                used=used4,
                capacity=state.space.capacity,
            )
        )
    for name, pool in state.pools.items():
        rows.append(
            PoolUsage(
                pool=name,
                family="ipv4",
                prefix=" ".join(str(b) for b in sorted(state.pool_blocks[name])),
                used=pool.used,
                capacity=pool.capacity,
            )
        )
    for net in supernets:
        start = int(net.network_address)
        rows.append(
            PoolUsage(
                pool="supernet",
                family="ipv4",
                prefix=str(net),
                used=state.space.used_in(start, start + net.num_addresses),
                capacity=net.num_addresses,
            )
        )
    return rows


def ledger(state: PlanState) -> Ledger:
    """The new ledger: every allocation of this run, removed things still reserved included.

    An entry needs both families (a site its /56; a LAN, router or link its IPv6 and
    IPv4 parts); a removed link keeps the interface names it had.
    """
    new = Ledger(allocation6=state.sot.addressing.ipv6.allocation)
    for name, blocks in state.pool_blocks.items():
        if blocks:
            new.pools4[name] = sorted(blocks)
    for sid, prefix6 in state.site6.items():
        now = state.present.get(sid)
        if now is None:  # a removed site the ledger keeps
            slug, zone = state.old.sites[sid].slug, state.old.sites[sid].zone
        else:
            slug, zone = now.slug, str(now.kind)
        new.sites[sid] = SiteEntry(slug=slug, zone=zone, prefix6=prefix6)
    for (sid, key), net6 in sorted(state.lan6.items()):
        net4 = state.lan4.get((sid, key))
        if net4 is not None:
            new.sites[sid].lans[key] = LanEntry(ipv6=net6, ipv4=net4)
    for hostname, addr6 in sorted(state.loop6.items()):
        addr4 = state.loop4.get(hostname)
        if addr4 is None:
            continue
        owner = state.device_site.get(hostname)
        sid = owner.site_id if owner else state.old.devices[hostname].site_id
        new.devices[hostname] = DeviceEntry(site_id=sid, loopback6=addr6, loopback4=addr4)
    links_now = {link.key: link for _, link in state.links}
    for key in sorted(state.link6):
        net4 = state.link4.get(key)
        if net4 is None:
            continue
        link_now = links_now.get(key)
        if link_now is not None:
            ifaces = {
                e.device: state.link_iface[(key, e.device)]
                for e in (link_now.a, link_now.b)
                if (key, e.device) in state.link_iface
            }
        else:
            ifaces = dict(state.old.links[key].interfaces)
        new.links[key] = LinkEntry(reserved6=state.link6[key], network4=net4, interfaces=ifaces)
    new.vms.update(sorted(state.removed_vms.items()))
    for name, (site, network, host) in sorted(state.vm_addr.items()):
        net4, net6 = state.lan4[(site.site_id, network)], state.lan6[(site.site_id, network)]
        new.vms[name] = VmEntry(
            site_id=site.site_id,
            network=network,
            ipv4=net4.network_address + host,
            ipv6=net6.network_address + host,
        )
    return new
