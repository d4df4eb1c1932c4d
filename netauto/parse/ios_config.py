"""Cisco IOS configuration (``show running-config``) to an :class:`ObservedDevice`.

What is read: ``version``, ``hostname``; ``interface NAME`` with ``description``,
``ip address A M [secondary]``, ``ipv6 address``, ``shutdown``, ``encapsulation dot1Q N``
(the subinterface's VLAN; ``VlanN`` interfaces show theirs in the name), ``vrf forwarding``,
``ip ospf PID area A``, ``ip access-group NAME in|out``; ``router ospf PID`` with
``router-id``, ``network A WILDCARD area A``, ``passive-interface``, ``distribute-list``,
``redistribute … route-map``; ``ip route [vrf V] P M …`` (next hop, interface, ``Null0``,
distance, ``tag``, ``name``); ``ip access-list standard|extended NAME`` blocks and numbered
``access-list N`` lines, ``ip prefix-list``, ``route-map`` blocks and the filters they
reference, ``line vty`` ``access-class``. Everything else (banners included) is kept
verbatim in ``other_lines``. Interface names get netutils' canonical form (``Gi0/0/0`` is
``GigabitEthernet0/0/0``).
"""

from __future__ import annotations

from netutils.interface import canonical_interface_name

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
    integer,
    ipv4_cidr,
    ipv4_with_mask,
    ipv6_cidr,
    require_statements,
    require_trailer,
    router_id,
    wildcard_network,
)
from netauto.parse.observed import (
    ConfigLine,
    ObservedDevice,
    ObservedInterface,
    OspfNetwork,
    OspfProcess,
)


def canonical_ios_name(name: str) -> str:
    """The full IOS name of an interface, however abbreviated.

    Examples:
        >>> canonical_ios_name("Gi0/0/0"), canonical_ios_name("GigabitEthernet0/1.10")
        ('GigabitEthernet0/0/0', 'GigabitEthernet0/1.10')
        >>> canonical_ios_name("Lo0")
        'Loopback0'
    """
    return canonical_interface_name(name)


def parse_ios_config(text: str, source: str) -> ObservedDevice:
    """Read a Cisco IOS configuration.

    Examples:
        >>> device = parse_ios_config(
        ...     "version 15.7\\nhostname r1\\n!\\ninterface GigabitEthernet0/1.10\\n"
        ...     " encapsulation dot1Q 10\\n ip address 10.0.0.1 255.255.255.0\\n"
        ...     " ip address 10.9.0.1 255.255.255.0 secondary\\n!\\nend\\n", "r1.cfg")
        >>> item = device.interfaces[0]
        >>> item.vlan, [(str(a.address), a.secondary) for a in item.ipv4]
        (10, [('10.0.0.1/24', False), ('10.9.0.1/24', True)])

    Raises:
        InputError: the text is not an IOS configuration (or was cut short), or a value in
            it is malformed (the message names the file and the line).
    """
    refuse_foreign(text.split("\n"), source, "cisco_ios")
    tree = config_tree(text, source, CISCO_STYLE)
    require_statements(tree, "Cisco IOS", ["hostname", "interface"])
    require_trailer(tree, "end", "Cisco IOS")
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
                case ["version", value]:
                    version = value
                case ["hostname", _]:
                    pass
                case ["interface", _, *_]:
                    interfaces.append(self.interface(stmt))
                case ["router", "ospf", *_] if ospf is None:
                    ospf = self.ospf(stmt)
                case ["ip" | "ipv6", "route", *_]:
                    routes.append(cisco_style_route(stmt, self.source))
                case ["ip", "access-list", "standard" | "extended", name]:
                    self.book.add_block("access-list", name, stmt)
                case ["ipv6", "access-list", name]:
                    self.book.add_block("access-list", name, stmt, "ipv6")
                case ["access-list", name, *_]:
                    self.book.add_entry("access-list", name, stmt)
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
            platform="cisco_ios",
            source=self.source,
            os_version=version,
            interfaces=interfaces,
            static_routes=routes,
            ospf=ospf,
            filters=self.book.filters(),
            other_lines=other,
        )

    def interface(self, stmt: Statement) -> ObservedInterface:
        name = stmt.words[1]
        canonical = canonical_ios_name(name)
        where = f"interface {name}"
        vlan = None
        if canonical.startswith("Vlan") and canonical[4:].isdigit():
            vlan = int(canonical[4:])
        draft = InterfaceDraft(
            name, canonical, stmt.line, is_loopback=canonical.startswith("Loopback"), vlan=vlan
        )
        for sub in stmt.children:
            match sub.words:
                case ["description", *_]:
                    draft.description = sub.rest(1)
                case ["ip", "address", address] | ["ip", "address", address, "secondary"] if (
                    "/" in address
                ):
                    draft.add_ipv4(
                        ipv4_cidr(address, sub, self.source, where),
                        sub,
                        sub.words[-1] == "secondary",
                    )
                case ["ip", "address", address, mask]:
                    draft.add_ipv4(
                        ipv4_with_mask(address, mask, sub, self.source, where), sub, False
                    )
                case ["ip", "address", address, mask, "secondary"]:
                    draft.add_ipv4(
                        ipv4_with_mask(address, mask, sub, self.source, where), sub, True
                    )
                case ["ipv6", "address", address] if "/" in address:
                    draft.add_ipv6(ipv6_cidr(address, sub, self.source, where), sub)
                case ["no", "ip", "address"]:
                    pass
                case ["shutdown"]:
                    draft.enabled = False
                case ["no", "shutdown"]:
                    draft.enabled = True
                case ["encapsulation", kind, tag, *_] if kind.lower() == "dot1q":
                    draft.vlan = integer(tag, sub, self.source, where, "a VLAN number")
                case ["vrf", "forwarding", vrf] | ["ip", "vrf", "forwarding", vrf]:
                    draft.vrf = vrf
                case ["ip", "ospf", _, "area", area]:
                    draft.ospf_area = area_or_fail(area, sub, self.source, where)
                case ["ip", "access-group", acl, direction]:
                    draft.filters.append(self.book.use("access-list", acl, where, sub, direction))
                case ["ipv6", "traffic-filter", acl, direction]:
                    draft.filters.append(
                        self.book.use("access-list", acl, where, sub, direction, "ipv6")
                    )
                case _:
                    draft.other_lines.append(kept(sub))
        return draft.build()

    def ospf(self, stmt: Statement) -> OspfProcess:
        words = stmt.words
        where = " ".join(words[:3])
        draft = OspfDraft(stmt.line, process_id=words[2] if len(words) > 2 else None)
        for sub in stmt.children:
            match sub.words:
                case ["router-id", value]:
                    draft.router_id = router_id(value, sub, self.source, where)
                case ["network", address, wildcard, "area", area]:
                    found = wildcard_network(address, wildcard, sub, self.source, where)
                    draft.networks.append(
                        OspfNetwork(
                            prefix=found,
                            area=area_or_fail(area, sub, self.source, where),
                            line=sub.line,
                        )
                    )
                case ["passive-interface", "default"]:
                    draft.passive_default = True
                case ["passive-interface", name]:
                    draft.passive_interfaces.append(name)
                case ["no", "passive-interface", name]:
                    draft.non_passive_interfaces.append(name)
                case ["distribute-list", "prefix", name, direction, *_]:
                    draft.filters.append(self.book.use("prefix-list", name, where, sub, direction))
                case ["distribute-list", "route-map", name, direction, *_]:
                    draft.filters.append(self.book.use("route-map", name, where, sub, direction))
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
                case ["access-class", name, direction, *_]:
                    self.book.use("access-list", name, " ".join(stmt.words), sub, direction)
