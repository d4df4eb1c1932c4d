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

from netauto.parse.config_build import (
    FilterBook,
    InterfaceDraft,
    OspfDraft,
    cisco_style_route,
    kept,
)
from netauto.parse.config_markers import refuse_foreign
from netauto.parse.config_tree import (
    CISCO_STYLE,
    ConfigText,
    Statement,
    area_or_fail,
    config_tree,
    hostname_of,
    ipv4_cidr,
    ipv6_cidr,
    network,
    require_statements,
    require_trailer,
    router_id,
    subinterface_vlan,
    value_error,
)
from netauto.parse.observed import (
    ConfigLine,
    ObservedDevice,
    ObservedInterface,
    OspfNetwork,
    OspfProcess,
)


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
    refuse_foreign(text.split("\n"), source, "frr")
    tree = config_tree(text, source, CISCO_STYLE)
    require_statements(tree, "FRR", ["hostname", "interface", "router"])
    if any(line.startswith("Current configuration") for line in tree.lines[:5]):
        require_trailer(tree, "end", "FRR show running-config")
    return _Reader(source).read(tree)


class _Reader:
    def __init__(self, source: str) -> None:
        self.source = source
        self.book = FilterBook()

    def read(self, tree: ConfigText) -> ObservedDevice:
        interfaces = []
        routes = []
        ospf: OspfProcess | None = None
        other: list[ConfigLine] = []
        hostname, hostname_line = hostname_of(tree, "hostname")
        version = None
        for stmt in tree.statements:
            match stmt.words:
                case ["frr", "version", value]:
                    version = value
                case ["hostname", _]:
                    pass
                case ["interface", _, *_]:
                    interfaces.append(self.interface(stmt))
                case ["router", "ospf", *_] if ospf is None:
                    ospf = self.ospf(stmt)
                case ["ip" | "ipv6", "route", *_]:
                    routes.append(cisco_style_route(stmt, self.source))
                case ["access-list", name, *_]:
                    self.book.add_entry("access-list", name, stmt)
                case ["ipv6", "access-list", name, *_]:
                    self.book.add_entry("access-list", name, stmt, "ipv6")
                case ["ip", "prefix-list", name, *_]:
                    self.book.add_entry("prefix-list", name, stmt)
                case ["ipv6", "prefix-list", name, *_]:
                    self.book.add_entry("prefix-list", name, stmt, "ipv6")
                case ["route-map", name, *_]:
                    self.book.add_route_map(name, stmt)
                case ["line", "vty", *_]:
                    self.vty(stmt)
                    other.append(kept(stmt))
                case _:
                    other.append(kept(stmt))
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
        where = f"interface {name}"
        draft = InterfaceDraft(
            name,
            name,
            stmt.line,
            is_loopback=name == "lo" or name.startswith("loopback"),
            vlan=subinterface_vlan(name),
            vrf=words[3] if words[2:3] == ["vrf"] and len(words) > 3 else None,
        )
        for sub in stmt.children:
            match sub.words:
                case ["description", *_]:
                    draft.description = sub.rest(1)
                case ["ip", "address", address, *_]:
                    draft.add_ipv4(
                        ipv4_cidr(address, sub, self.source, where), sub, bool(draft.ipv4)
                    )
                case ["ipv6", "address", address, *_]:
                    draft.add_ipv6(ipv6_cidr(address, sub, self.source, where), sub)
                case ["shutdown"]:
                    draft.enabled = False
                case ["no", "shutdown"]:
                    draft.enabled = True
                case ["ip", "ospf", "area", area]:
                    draft.ospf_area = area_or_fail(area, sub, self.source, where)
                case ["ip", "ospf", "passive"]:
                    draft.ospf_passive = True
                case ["no", "ip", "ospf", "passive"]:
                    draft.ospf_passive = False
                case _:
                    draft.other_lines.append(kept(sub))
        return draft.build()

    def ospf(self, stmt: Statement) -> OspfProcess:
        words = stmt.words
        where = "router ospf"
        draft = OspfDraft(
            stmt.line, process_id=words[2] if words[2:3] and words[2].isdigit() else None
        )
        for sub in stmt.children:
            match sub.words:
                case ["ospf", "router-id", value] | ["router-id", value]:
                    draft.router_id = router_id(value, sub, self.source, where)
                case ["network", prefix, "area", area]:
                    found = network(prefix, None, sub, self.source, where)
                    if found.version != 4:
                        raise value_error(sub, self.source, where, "an IPv4 prefix")
                    draft.networks.append(
                        OspfNetwork(
                            prefix=found,
                            area=area_or_fail(area, sub, self.source, where),
                            line=sub.line,
                        )
                    )
                case ["passive-interface", "default"]:
                    draft.passive_default = True
                case ["passive-interface", name, *_]:
                    draft.passive_interfaces.append(name)
                case ["no", "passive-interface", name, *_]:
                    draft.non_passive_interfaces.append(name)
                case ["distribute-list", "prefix", name, direction, *_]:
                    draft.filters.append(self.book.use("prefix-list", name, where, sub, direction))
                case ["distribute-list", name, direction, *_]:
                    draft.filters.append(self.book.use("access-list", name, where, sub, direction))
                case ["redistribute", *rest]:
                    draft.redistribute.append(kept(sub))
                    if "route-map" in rest[:-1]:
                        name = rest[rest.index("route-map") + 1]
                        draft.filters.append(self.book.use("route-map", name, where, sub))
                case _:
                    draft.other_lines.append(kept(sub))
        return draft.build()

    def vty(self, stmt: Statement) -> None:
        for sub in stmt.children:
            match sub.words:
                case ["access-class", name]:
                    self.book.use("access-list", name, "line vty", sub, "in")
                case ["ipv6", "access-class", name]:
                    self.book.use("access-list", name, "line vty", sub, "in", "ipv6")
