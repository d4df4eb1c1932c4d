"""FRR configuration (``show running-config`` or ``frr.conf``) to an :class:`ObservedDevice`.

What is read (FRR 8.x syntax, as ``vtysh`` prints it): ``hostname``; ``interface NAME [vrf
V]`` with ``description``, ``ip address A/L`` (FRR allows several: the first is the primary,
the others are secondaries), ``ipv6 address``, ``shutdown``, ``ip ospf area``, ``ip ospf
passive``; ``router ospf`` with ``ospf router-id``, ``network P area A``,
``passive-interface``, ``distribute-list``, ``redistribute … route-map``; ``ip route`` /
``ipv6 route`` (next hop, interface, ``blackhole``/``reject``/``Null0``, distance, ``tag``,
``vrf``); ``access-list``, ``ip prefix-list`` (and their IPv6 forms), ``route-map`` blocks
and the filters they reference, ``line vty`` ``access-class``. Everything else is kept
verbatim in ``other_lines``. Interface names are Linux kernel names, canonical as they are.
"""

from __future__ import annotations

from ipaddress import IPv4Address, ip_address

from netauto.parse.config_filters import FilterBook
from netauto.parse.config_tree import (
    CISCO_STYLE,
    ConfigText,
    Statement,
    area_or_fail,
    config_tree,
    hostname_of,
    integer,
    ipv4_cidr,
    ipv6_cidr,
    is_address,
    network,
    problem,
    require_statements,
    require_trailer,
    router_id,
    subinterface_vlan,
)
from netauto.parse.observed import (
    ConfigLine,
    FilterUse,
    ObservedDevice,
    ObservedInterface,
    ObservedIPv4,
    ObservedIPv6,
    OspfNetwork,
    OspfProcess,
    StaticRoute,
)

_DISCARD = {"blackhole", "reject", "Null0"}


def parse_frr_config(text: str, source: str) -> ObservedDevice:
    """Read an FRR configuration.

    Examples:
        >>> device = parse_frr_config(
        ...     "frr version 8.4.4\\nhostname r1\\n!\\ninterface eth0\\n"
        ...     " ip address 10.0.0.1/31\\n ip address 10.9.0.1/24\\n shutdown\\nexit\\n"
        ...     "!\\nip route 0.0.0.0/0 10.0.0.0 250\\n!\\nend\\n", "r1.conf")
        >>> device.hostname, device.os_version
        ('r1', '8.4.4')
        >>> [(str(a.address), a.secondary, a.line) for a in device.interfaces[0].ipv4]
        [('10.0.0.1/31', False, 5), ('10.9.0.1/24', True, 6)]
        >>> device.interfaces[0].enabled, str(device.static_routes[0].next_hop)
        (False, '10.0.0.0')

    Raises:
        InputError: the text is not an FRR configuration, or a value in it is malformed
            (the message names the file and the line).
    """
    tree = config_tree(text, source, CISCO_STYLE)
    _refuse_other_platforms(tree)
    require_statements(tree, "FRR", ["hostname", "interface", "router"])
    if any(line.startswith("Current configuration") for line in tree.lines[:5]):
        require_trailer(tree, "end", "FRR show running-config")
    reader = _Reader(source)
    return reader.read(tree)


def _refuse_other_platforms(tree: ConfigText) -> None:
    for stmt in tree.statements:
        if stmt.words[0] in ("version", "sysname"):
            raise problem(
                tree.source,
                stmt.line,
                f"{stmt.text!r} is not FRR syntax: this looks like "
                f"{'Cisco IOS' if stmt.words[0] == 'version' else 'Huawei VRP'}",
                "read it with the platform it was saved from",
            )


class _Reader:
    def __init__(self, source: str) -> None:
        self.source = source
        self.book = FilterBook()

    def read(self, tree: ConfigText) -> ObservedDevice:
        interfaces: list[ObservedInterface] = []
        routes: list[StaticRoute] = []
        ospf: OspfProcess | None = None
        other: list[ConfigLine] = []
        hostname, hostname_line = hostname_of(tree, "hostname")
        version = next(
            (
                s.words[2]
                for s in tree.statements
                if s.words[:2] == ["frr", "version"] and len(s.words) > 2
            ),
            None,
        )
        for stmt in tree.statements:
            match stmt.words:
                case ["frr", "version", *_] | ["hostname", _]:
                    pass
                case ["interface", _, *_]:
                    interfaces.append(self.interface(stmt))
                case ["router", "ospf", *_] if ospf is None:
                    ospf = self.ospf(stmt)
                case ["ip" | "ipv6", "route", *_]:
                    routes.append(self.route(stmt))
                case ["access-list", name, *_]:
                    self.book.add_entry("access-list", name, stmt)
                case ["ipv6", "access-list", name, *_]:
                    self.book.add_entry("access-list", name, stmt, "ipv6")
                case ["ip", "prefix-list", name, *_]:
                    self.book.add_entry("prefix-list", name, stmt)
                case ["ipv6", "prefix-list", name, *_]:
                    self.book.add_entry("prefix-list", name, stmt, "ipv6")
                case ["route-map", name, *_]:
                    self.route_map(name, stmt)
                case _:
                    if stmt.words[:2] == ["line", "vty"]:
                        self.vty(stmt)
                    other.append(ConfigLine(text=stmt.block, line=stmt.line))
        return ObservedDevice(
            hostname=hostname,
            hostname_line=hostname_line,
            platform="frr",
            source=self.source,
            os_version=version,
            interfaces=interfaces,
            static_routes=routes,
            ospf=ospf,
            filters=self.book.filters(),
            other_lines=other,
        )

    def interface(self, stmt: Statement) -> ObservedInterface:
        words = stmt.words
        name = words[1]
        vrf = words[3] if len(words) >= 4 and words[2] == "vrf" else None
        where = f"interface {name}"
        ipv4: list[ObservedIPv4] = []
        ipv6: list[ObservedIPv6] = []
        description: str | None = None
        enabled = True
        area: str | None = None
        passive: bool | None = None
        other: list[ConfigLine] = []
        for sub in stmt.children:
            match sub.words:
                case ["description", *_]:
                    description = sub.rest(1)
                case ["ip", "address", address, *_]:
                    ipv4.append(
                        ObservedIPv4(
                            address=ipv4_cidr(address, sub, self.source, where),
                            secondary=bool(ipv4),
                            line=sub.line,
                        )
                    )
                case ["ipv6", "address", address, *_]:
                    ipv6.append(
                        ObservedIPv6(
                            address=ipv6_cidr(address, sub, self.source, where), line=sub.line
                        )
                    )
                case ["shutdown"]:
                    enabled = False
                case ["no", "shutdown"]:
                    enabled = True
                case ["ip", "ospf", "area", value]:
                    area = area_or_fail(value, sub, self.source, where)
                case ["ip", "ospf", "passive"]:
                    passive = True
                case ["no", "ip", "ospf", "passive"]:
                    passive = False
                case _:
                    other.append(ConfigLine(text=sub.block, line=sub.line))
        return ObservedInterface(
            name=name,
            canonical_name=name,
            description=description,
            enabled=enabled,
            ipv4=ipv4,
            ipv6=ipv6,
            vlan=subinterface_vlan(name),
            vrf=vrf,
            ospf_area=area,
            ospf_passive=passive,
            is_loopback=name == "lo" or name.startswith("loopback"),
            other_lines=other,
            line=stmt.line,
        )

    def ospf(self, stmt: Statement) -> OspfProcess:
        words = stmt.words
        where = "router ospf"
        process_id = words[2] if len(words) >= 3 and words[2].isdigit() else None
        rid: IPv4Address | None = None
        networks: list[OspfNetwork] = []
        passive_default = False
        passive: list[str] = []
        non_passive: list[str] = []
        redistribute: list[ConfigLine] = []
        uses: list[FilterUse] = []
        other: list[ConfigLine] = []
        for sub in stmt.children:
            match sub.words:
                case ["ospf", "router-id", value] | ["router-id", value]:
                    rid = router_id(value, sub, self.source, where)
                case ["network", prefix, "area", area]:
                    found = network(prefix, None, sub, self.source, where)
                    if found.version != 4:
                        raise problem(
                            self.source,
                            sub.line,
                            f"{sub.text!r}: expected an IPv4 prefix",
                            field=where,
                        )
                    networks.append(
                        OspfNetwork(
                            prefix=found,
                            area=area_or_fail(area, sub, self.source, where),
                            line=sub.line,
                        )
                    )
                case ["passive-interface", "default"]:
                    passive_default = True
                case ["passive-interface", name, *_]:
                    passive.append(name)
                case ["no", "passive-interface", name, *_]:
                    non_passive.append(name)
                case ["distribute-list", "prefix", name, direction, *_]:
                    uses.append(self.book.use("prefix-list", name, where, sub, direction))
                case ["distribute-list", name, direction, *_]:
                    uses.append(self.book.use("access-list", name, where, sub, direction))
                case ["redistribute", *rest]:
                    redistribute.append(ConfigLine(text=sub.block, line=sub.line))
                    if "route-map" in rest[:-1]:
                        name = rest[rest.index("route-map") + 1]
                        uses.append(self.book.use("route-map", name, where, sub))
                case _:
                    other.append(ConfigLine(text=sub.block, line=sub.line))
        return OspfProcess(
            process_id=process_id,
            router_id=rid,
            networks=networks,
            passive_default=passive_default,
            passive_interfaces=passive,
            non_passive_interfaces=non_passive,
            redistribute=redistribute,
            filters=uses,
            other_lines=other,
            line=stmt.line,
        )

    def route(self, stmt: Statement) -> StaticRoute:
        """``ip route PREFIX [MASK] (NEXTHOP|IFNAME|blackhole|reject|Null0) [IFNAME]
        [tag N] [DISTANCE] [label L] [table T] [vrf V] [nexthop-vrf V] [onlink]``."""
        words = stmt.words
        where = " ".join(words[:2])
        rest = words[2:]
        if not rest:
            raise problem(self.source, stmt.line, f"{stmt.text!r}: expected a prefix", field=where)
        mask = rest[1] if len(rest) > 1 and "/" not in rest[0] and is_address(rest[1]) else None
        prefix = network(rest[0], mask, stmt, self.source, where)
        rest = rest[2 if mask else 1 :]
        next_hop = None
        interface = None
        blackhole = False
        distance = None
        tag = None
        vrf = None
        index = 0
        while index < len(rest):
            word = rest[index]
            value = rest[index + 1] if index + 1 < len(rest) else None
            if word in ("tag", "label", "table", "vrf", "nexthop-vrf", "color", "segments"):
                if value is None:
                    raise problem(
                        self.source,
                        stmt.line,
                        f"{stmt.text!r}: {word} without a value",
                        field=where,
                    )
                if word == "tag":
                    tag = integer(value, stmt, self.source, where, "a tag number")
                elif word == "vrf":
                    vrf = value
                index += 2
                continue
            if word in _DISCARD:
                blackhole = True
            elif word == "onlink":
                pass
            elif word.isdigit():
                distance = int(word)
            elif is_address(word) and next_hop is None:
                next_hop = ip_address(word)
            else:
                interface = word
            index += 1
        if next_hop is None and interface is None and not blackhole:
            raise problem(
                self.source,
                stmt.line,
                f"{stmt.text!r}: expected a next hop, an interface or blackhole",
                field=where,
            )
        return StaticRoute(
            prefix=prefix,
            next_hop=next_hop,
            interface=interface,
            blackhole=blackhole,
            distance=distance,
            tag=tag,
            vrf=vrf,
            text=stmt.source.strip(),
            line=stmt.line,
        )

    def route_map(self, name: str, stmt: Statement) -> None:
        where = " ".join(stmt.words[:4])
        self.book.add_entry("route-map", name, stmt)
        for sub in stmt.children:
            match sub.words:
                case ["match", "ip" | "ipv6" as family, "address", "prefix-list", ref]:
                    self.book.use(
                        "prefix-list",
                        ref,
                        where,
                        sub,
                        family="ipv6" if family == "ipv6" else "ipv4",
                    )
                case ["match", "ip" | "ipv6" as family, "address", ref]:
                    self.book.use(
                        "access-list",
                        ref,
                        where,
                        sub,
                        family="ipv6" if family == "ipv6" else "ipv4",
                    )

    def vty(self, stmt: Statement) -> None:
        for sub in stmt.children:
            match sub.words:
                case ["access-class", name]:
                    self.book.use("access-list", name, "line vty", sub, "in")
                case ["ipv6", "access-class", name]:
                    self.book.use("access-list", name, "line vty", sub, "in", "ipv6")
