"""The legacy configuration of one device that the SoT does not model, kept as it runs.

From an :class:`~netauto.parse.observed.ObservedDevice`, what goes into its
:class:`~netauto.sot.models.ImportedDevice` besides the loopback: interface descriptions,
secondary addresses and shut interfaces (interfaces the plan does not have included, such
as a spare port), IPv4 static routes, access-lists and prefix-lists, and what its OSPFv2
process does beyond the plan (router-id, redistribution, distribute-lists).

What the ``imported`` section cannot hold is listed as :class:`~netauto.adopt.models.NotKept`
instead of being kept in part or silently dropped: route maps, static-route tags and names,
IPv6 and VRF static routes, filters that match on more than a source prefix, filters
applied to interfaces or lines, a redistribution through a route map, an address on an
interface the SoT does not model.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Literal, cast

from pydantic import ValidationError

from netauto.adopt import filters
from netauto.adopt.models import NotKept
from netauto.parse.observed import (
    ConfigLine,
    FilterUse,
    ObservedDevice,
    ObservedInterface,
    OspfProcess,
    StaticRoute,
    primary_ipv4,
)
from netauto.sot.models import (
    ImportedDistributeList,
    ImportedFilter,
    ImportedInterface,
    ImportedOspf,
    ImportedStaticRoute,
)

Protocol = Literal["static", "connected", "kernel", "bgp"]
PROTOCOLS: dict[str, Protocol] = {
    "static": "static",
    "connected": "connected",
    "direct": "connected",  # Huawei VRP's name for connected routes
    "kernel": "kernel",
    "bgp": "bgp",
}
HARMLESS_OPTIONS = frozenset({"subnets"})
"""Options of ``redistribute`` that change nothing the imported section would render
differently (IOS's ``subnets``: FRR and VRP redistribute classless anyway)."""


class Kept:
    """Collects one device's legacy configuration and what could not be kept of it."""

    def __init__(self, device: ObservedDevice) -> None:
        self.device = device
        self.not_kept: list[NotKept] = []

    def lost(self, what: str, why: str, line: int | None, interface: str | None = None) -> None:
        """Record that ``what`` is not kept, and why."""
        source = None if self.device.source == "live" else self.device.source
        self.not_kept.append(
            NotKept(
                device=self.device.hostname,
                interface=interface,
                what=what,
                why=why,
                source=source,
                line=line if source else None,
            )
        )


def interfaces(kept: Kept, matched: Collection[str]) -> list[ImportedInterface]:
    """Description, secondaries and shutdown of every interface that has one of them.

    ``matched``: the device's interfaces (canonical names) matched to the plan's; a primary
    address on any other interface cannot be kept (the SoT has no link or LAN for it).
    """
    found: list[ImportedInterface] = []
    for item in kept.device.interfaces:
        name = item.canonical_name
        primary = primary_ipv4(item)
        if primary is not None and name not in matched:
            kept.lost(
                f"address {primary}",
                "on an interface the SoT does not model: add a link or a LAN for it to the "
                "SoT, or it is not rendered",
                next((a.line for a in item.ipv4 if not a.secondary), item.line),
                name,
            )
        _applied_filters(kept, item)
        secondary = [a.address for a in item.ipv4 if a.secondary]
        if item.description is None and not secondary and item.enabled:
            continue
        try:
            found.append(
                ImportedInterface(
                    name=name,
                    description=item.description,
                    secondary=secondary,
                    shutdown=not item.enabled,
                )
            )
        except ValidationError as exc:
            kept.lost(
                f"interface {item.name}",
                f"its name or description cannot be kept ({_first_error(exc)})",
                item.line,
                name,
            )
    return found


def _applied_filters(kept: Kept, item: ObservedInterface) -> None:
    for use in item.filters:
        kept.lost(
            f"{use.kind} {use.name} applied ({use.text.strip() or use.where})",
            "filters applied to interfaces are not imported",
            use.line,
            item.canonical_name,
        )


def static_routes(kept: Kept) -> list[ImportedStaticRoute]:
    """The device's IPv4 static routes (default VRF), in configuration order."""
    found: list[ImportedStaticRoute] = []
    for route in kept.device.static_routes:
        if route.prefix.version != 4 or (route.next_hop and route.next_hop.version != 4):
            kept.lost(
                f"static route {route.text}", "IPv6 static routes are not imported", route.line
            )
            continue
        if route.vrf:
            kept.lost(
                f"static route {route.text}",
                "static routes in a VRF are not imported",
                route.line,
            )
            continue
        _route_extras(kept, route)
        try:
            found.append(
                ImportedStaticRoute.model_validate(
                    {
                        "prefix": route.prefix,
                        "next_hop": route.next_hop,
                        # a discard route keeps the form the device runs (Null0 or blackhole)
                        "interface": route.interface
                        or ("Null0" if route.blackhole and _says_null0(route.text) else None),
                        "blackhole": route.blackhole,
                        "distance": route.distance,
                    }
                )
            )
        except ValidationError as exc:
            kept.lost(f"static route {route.text}", _first_error(exc), route.line)
    return found


def _says_null0(text: str) -> bool:
    """Whether a static route's text discards through the ``Null0`` interface.

    Examples:
        >>> _says_null0("ip route 10.0.0.0/8 Null0"), _says_null0("ip route 10.0.0.0/8 blackhole")
        (True, False)
    """
    return any(word.lower() == "null0" for word in text.split())


def _route_extras(kept: Kept, route: StaticRoute) -> None:
    if route.tag is not None:
        kept.lost(
            f"static route {route.prefix}: tag {route.tag}",
            "route tags are not imported (the route is kept without it)",
            route.line,
        )
    if route.description:
        kept.lost(
            f"static route {route.prefix}: name {route.description!r}",
            "route names are not imported (the route is kept without it)",
            route.line,
        )


def filter_lists(kept: Kept) -> list[ImportedFilter]:
    """The device's IPv4 access-lists and prefix-lists that match on prefixes only."""
    found: list[ImportedFilter] = []
    for item in kept.device.filters:
        label = f"{item.kind} {item.name}"
        if item.kind == "route-map":
            kept.lost(label, "route maps are not imported", item.line)
            continue
        if item.family != "ipv4":
            kept.lost(label, "IPv6 filters are not imported", item.line)
            continue
        try:
            entries, comments = filters.entries([e.text for e in item.entries], item.name)
            found.append(ImportedFilter(name=item.name, kind=item.kind, entries=entries))
        except filters.Unreadable as exc:
            kept.lost(label, f"{exc}: only filters on source prefixes are imported", item.line)
            continue
        except ValidationError as exc:
            kept.lost(label, _first_error(exc), item.line)
            continue
        if comments:
            kept.lost(
                f"{label}: {comments} remark line{'s' if comments > 1 else ''}",
                "comments of filters are not imported (the entries are kept)",
                item.line,
            )
        for use in item.applied:
            if use.where.startswith("line ") or use.where.startswith("user-interface "):
                kept.lost(
                    f"{label} applied at {use.where} ({use.text.strip()})",
                    "filters on management lines are not imported",
                    use.line,
                )
    return found


def ospf(kept: Kept) -> ImportedOspf | None:
    """Router-id, redistribution and distribute-lists of the OSPFv2 process, if any."""
    process = kept.device.ospf
    if process is None:
        return None
    redistribute: list[Protocol] = []
    for line in process.redistribute:
        protocol = _redistribution(kept, line)
        if protocol is not None and protocol not in redistribute:
            redistribute.append(protocol)
    lists = [d for use in process.filters if (d := _distribute_list(kept, process, use))]
    if process.router_id is None and not redistribute and not lists:
        return None
    return ImportedOspf(
        router_id=process.router_id, redistribute=redistribute, distribute_lists=lists
    )


def _redistribution(kept: Kept, line: ConfigLine) -> Protocol | None:
    """The protocol a ``redistribute``/``import-route`` line brings into OSPF, or None (and
    why) when the imported section cannot hold it as it is."""
    words = line.text.split()
    protocol = PROTOCOLS.get(words[1]) if len(words) > 1 else None
    if protocol is None:
        kept.lost(
            line.text.strip(), "only static, connected, kernel and bgp are imported", line.line
        )
        return None
    rest = words[2:]
    if protocol == "bgp" and rest[:1] and rest[0].isdigit():
        rest = rest[1:]  # IOS: redistribute bgp <asn>
    if "route-map" in rest or "route-policy" in rest:
        kept.lost(
            line.text.strip(),
            "route maps are not imported, and without its route map the imported section "
            "would redistribute every route: not kept",
            line.line,
        )
        return None
    extras = [w for w in rest if w not in HARMLESS_OPTIONS]
    if extras:
        kept.lost(
            line.text.strip(),
            f"{' '.join(extras)} is not imported (kept as a plain redistribution)",
            line.line,
        )
    return protocol


def _distribute_list(
    kept: Kept, process: OspfProcess, use: FilterUse
) -> ImportedDistributeList | None:
    """A distribute-list (FRR/IOS) or filter-policy (VRP) of an access-list, or None."""
    if use.kind == "route-map":
        return None  # the route map of a redistribution: reported with it
    words = use.text.split()
    if use.kind != "access-list" or len(words) < 3:
        kept.lost(use.text.strip(), f"{use.kind} distribute-lists are not imported", use.line)
        return None
    direction = {"out": "out", "in": "in", "export": "out", "import": "in"}.get(words[2])
    protocol = PROTOCOLS.get(words[3]) if len(words) > 3 else None
    if direction is None or (len(words) > 3 and protocol is None) or len(words) > 4:
        kept.lost(use.text.strip(), "this distribute-list is not imported", use.line)
        return None
    return ImportedDistributeList(
        name=use.name, direction=cast(Literal["in", "out"], direction), protocol=protocol
    )


def _first_error(exc: ValidationError) -> str:
    """The first message of a validation error, for a not-kept line.

    Examples:
        >>> try:
        ...     ImportedInterface(name="bad name!")
        ... except ValidationError as exc:
        ...     print(_first_error(exc))
        name: String should match pattern '^[A-Za-z0-9][A-Za-z0-9/._:-]{0,63}$'
    """
    error = exc.errors()[0]
    where = ".".join(str(p) for p in error["loc"])
    return f"{where}: {error['msg']}" if where else str(error["msg"])
