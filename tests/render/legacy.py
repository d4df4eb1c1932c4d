"""Test helpers: the SoT's ``imported`` section that ``netauto import`` would write for the
legacy lab (``netauto.lab.legacy``), built from its as-built data instead of read from the
routers, and the tiny SoT with it.
"""

from __future__ import annotations

from ipaddress import IPv4Interface
from pathlib import Path

from netauto import platforms
from netauto.lab.legacy import AsBuilt, AsBuiltRouter, as_built
from netauto.plan import build_plan
from netauto.plan.models import Plan
from netauto.sot.loader import load_sot
from netauto.sot.models import (
    Imported,
    ImportedDevice,
    ImportedDistributeList,
    ImportedFilter,
    ImportedFilterEntry,
    ImportedInterface,
    ImportedLink,
    ImportedOspf,
    ImportedStaticRoute,
    Platform,
    SoT,
)
from tests.render.variants import platform_variant

TINY = Path(__file__).parents[1] / "data" / "tiny"


def _device(router: AsBuiltRouter) -> ImportedDevice:
    interfaces = [
        ImportedInterface(
            name=i.name,
            description=i.description or None,
            # a spare port has no primary address of the plan's: every address is kept
            secondary=i.addresses if i.role == "spare" else i.secondaries,
            shutdown=not i.enabled,
        )
        for i in router.interfaces
        if i.description or i.secondaries or not i.enabled or i.role == "spare"
    ]
    statics = [
        # FRR writes what the lab configured, `Null0`: the import records the interface
        ImportedStaticRoute(prefix=s.prefix, next_hop=s.next_hop)
        if s.next_hop is not None
        else ImportedStaticRoute(prefix=s.prefix, blackhole=True, interface="Null0")
        for s in router.static_routes
    ]
    filters = [
        ImportedFilter(
            name=acl.name,
            kind="access-list",
            entries=[
                ImportedFilterEntry(seq=e.seq, action=e.action, prefix=e.prefix)
                for e in acl.entries
            ],
        )
        for acl in router.access_lists
    ]
    ospf = router.ospf
    return ImportedDevice(
        loopback=router.loopback,
        interfaces=interfaces,
        static_routes=statics,
        filters=filters,
        ospf=ImportedOspf(
            router_id=ospf.router_id,
            redistribute=["static"] if ospf.redistribute_static else [],
            distribute_lists=[
                ImportedDistributeList(
                    name=ospf.distribute_list, direction="out", protocol="static"
                )
            ]
            if ospf.distribute_list
            else [],
        ),
    )


def imported_from_as_built(built: AsBuilt) -> Imported:
    """What ``netauto import`` records of the legacy lab of ``built``: every router's
    loopback and the configuration netauto keeps, every link's two ends, every LAN's
    gateway and every VM's address."""
    ends: dict[str, list[IPv4Interface]] = {}
    for router in built.routers:
        for iface in router.interfaces:
            if iface.link_id is not None and iface.primary is not None:
                ends.setdefault(iface.link_id, []).append(iface.primary)
    # the as-built scheme gives a link's `a` end .1 and its `b` end .2
    links = {key: ImportedLink(a=min(found), b=max(found)) for key, found in ends.items()}
    return Imported(
        source="test: netauto.lab.legacy as-built",
        devices={r.hostname: _device(r) for r in built.routers},
        links=links,
        lans={
            f"{lan.site}/{lan.key}": IPv4Interface((int(lan.gateway), lan.network.prefixlen))
            for lan in built.lans
        },
        vms={h.name: h.address for h in built.hosts if h.kind == "vm"},
    )


def spare_names_for(imported: Imported, plan: Plan) -> Imported:
    """``imported`` with the interfaces the plan lacks (the legacy lab's spare port, named
    ``ethN`` as on FRR) renamed to the first free WAN names of the device's platform."""
    devices = {}
    for host, device in imported.devices.items():
        planned = plan.device(host)
        platform = platforms.get(planned.platform)
        used = {i.name for i in planned.interfaces}
        free = (name for name in map(platform.wan_name, range(64)) if name not in used)
        interfaces = [
            i if i.name in used else i.model_copy(update={"name": next(free)})
            for i in device.interfaces
        ]
        devices[host] = device.model_copy(update={"interfaces": interfaces})
    return imported.model_copy(update={"devices": devices})


def imported_sot(platform: Platform = "frr") -> tuple[SoT, Plan, AsBuilt]:
    """The tiny SoT (on ``platform``) with the legacy lab's ``imported`` section, its plan
    (which keeps every as-built address) and the as-built network it was taken from."""
    sot = load_sot(TINY).sot
    if platform != "frr":
        sot = platform_variant(sot, platform)
    green = build_plan(sot).plan
    built = as_built(sot, green)
    imported = imported_from_as_built(built)
    if platform != "frr":
        imported = spare_names_for(imported, green)
    brown = SoT.model_validate({**sot.model_dump(by_alias=True), "imported": imported.model_dump()})
    return brown, build_plan(brown).plan, built
