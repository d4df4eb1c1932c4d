"""Huawei VRP configuration (``display current-configuration``) to an :class:`ObservedDevice`.

What is read (VRP V200R0xx syntax, as AR routers print it): the ``!Software Version``
comment, ``sysname``; ``interface NAME`` with ``description``, ``ip address A M [sub]``,
``ipv6 address``, ``shutdown``/``undo shutdown``, ``dot1q termination vid N`` (a
subinterface's VLAN; ``VlanifN`` shows it in the name), ``ip binding vpn-instance``,
``ospf enable P area A``, ``traffic-filter inbound|outbound acl [name] X``; ``ospf P
router-id R`` with ``area A`` / ``network W WILDCARD``, ``silent-interface``,
``filter-policy``, ``import-route … route-policy``; ``ip route-static`` (next hop,
interface, ``NULL0``, ``preference``, ``tag``, ``description``, ``vpn-instance``); ``acl
[number] N`` and ``acl name NAME`` blocks, ``ip ip-prefix`` lines, ``route-policy`` nodes
and the filters they reference, ``user-interface vty`` ``acl N inbound``. Everything else is
kept verbatim in ``other_lines``. Interface names get netutils' canonical form (``GE0/0/1``
is ``GigabitEthernet0/0/1``).
"""

from __future__ import annotations

from ipaddress import ip_address

from netutils.interface import canonical_interface_name

from netauto.parse.config_build import FilterBook, InterfaceDraft, OspfDraft, kept
from netauto.parse.config_markers import refuse_foreign
from netauto.parse.config_tree import (
    VRP,
    ConfigText,
    Statement,
    area_or_fail,
    config_tree,
    hostname_of,
    integer,
    ipv4_with_mask,
    ipv6_cidr,
    is_address,
    network,
    require_statements,
    require_trailer,
    router_id,
    value_error,
    wildcard_network,
)
from netauto.parse.observed import (
    ConfigLine,
    ObservedDevice,
    ObservedInterface,
    OspfNetwork,
    OspfProcess,
    StaticRoute,
)


def canonical_vrp_name(name: str) -> str:
    """The full VRP name of an interface, however abbreviated.

    Examples:
        >>> canonical_vrp_name("GE0/0/1"), canonical_vrp_name("Vlanif10")
        ('GigabitEthernet0/0/1', 'Vlanif10')
        >>> canonical_vrp_name("LoopBack0")
        'LoopBack0'
    """
    return canonical_interface_name(name)


def parse_vrp_config(text: str, source: str) -> ObservedDevice:
    """Read a Huawei VRP configuration.

    Examples:
        >>> device = parse_vrp_config(
        ...     "#\\n sysname r1\\n#\\ninterface Vlanif10\\n ip address 10.0.0.1 255.255.255.0\\n"
        ...     " ip address 10.9.0.1 255.255.255.0 sub\\n#\\nreturn\\n", "r1.cfg")
        >>> item = device.interfaces[0]
        >>> device.hostname, item.vlan, [(str(a.address), a.secondary) for a in item.ipv4]
        ('r1', 10, [('10.0.0.1/24', False), ('10.9.0.1/24', True)])

    Raises:
        InputError: the text is not a VRP configuration (or was cut short), or a value in
            it is malformed (the message names the file and the line).
    """
    refuse_foreign(text.split("\n"), source, "huawei_vrp")
    tree = config_tree(text, source, VRP)
    require_statements(tree, "Huawei VRP", ["sysname", "interface"])
    require_trailer(tree, "return", "Huawei VRP")
    return _Reader(source).read(tree)


def _software_version(lines: list[str]) -> str | None:
    for line in lines[:10]:
        words = line.lstrip("!").split()
        if words[:2] == ["Software", "Version"] and len(words) > 2:
            return words[2]
    return None


class _Reader:
    def __init__(self, source: str) -> None:
        self.source = source
        self.book = FilterBook()

    def read(self, tree: ConfigText) -> ObservedDevice:
        interfaces = []
        routes = []
        ospf: OspfProcess | None = None
        other: list[ConfigLine] = []
        hostname, hostname_line = hostname_of(tree, "sysname")
        for stmt in tree.statements:
            match stmt.words:
                case ["sysname", _]:
                    pass
                case ["interface", _, *_]:
                    interfaces.append(self.interface(stmt))
                case ["ospf", *_] if ospf is None:
                    ospf = self.ospf(stmt)
                case ["ip", "route-static", *_]:
                    routes.append(self.route(stmt))
                case ["acl", "name", name, *_]:
                    self.book.add_block("access-list", name, stmt)
                case ["acl", "number", name, *_] | ["acl", name, *_] if name.isdigit():
                    self.book.add_block("access-list", name, stmt)
                case ["acl", "ipv6", "number", name, *_] | ["acl", "ipv6", "name", name, *_]:
                    self.book.add_block("access-list", name, stmt, "ipv6")
                case ["ip", "ip-prefix", name, *_]:
                    self.book.add_entry("prefix-list", name, stmt)
                case ["ip", "ipv6-prefix", name, *_]:
                    self.book.add_entry("prefix-list", name, stmt, "ipv6")
                case ["route-policy", name, *_]:
                    self.route_policy(name, stmt)
                case ["user-interface", "vty", *_]:
                    self.vty(stmt)
                    other.append(kept(stmt))
                case _:
                    other.append(kept(stmt))
        return ObservedDevice(
            hostname=hostname,
            hostname_line=hostname_line,
            platform="huawei_vrp",
            source=self.source,
            os_version=_software_version(tree.lines),
            interfaces=interfaces,
            static_routes=routes,
            ospf=ospf,
            filters=self.book.filters(),
            other_lines=other,
        )

    def interface(self, stmt: Statement) -> ObservedInterface:
        name = stmt.words[1]
        canonical = canonical_vrp_name(name)
        where = f"interface {name}"
        vlan = None
        if canonical.startswith("Vlanif") and canonical[6:].isdigit():
            vlan = int(canonical[6:])
        draft = InterfaceDraft(
            name, canonical, stmt.line, is_loopback=canonical.startswith("LoopBack"), vlan=vlan
        )
        for sub in stmt.children:
            match sub.words:
                case ["description", *_]:
                    draft.description = sub.rest(1)
                case ["ip", "address", address, mask]:
                    draft.add_ipv4(
                        ipv4_with_mask(address, mask, sub, self.source, where), sub, False
                    )
                case ["ip", "address", address, mask, "sub"]:
                    draft.add_ipv4(
                        ipv4_with_mask(address, mask, sub, self.source, where), sub, True
                    )
                case ["ipv6", "address", address] if "/" in address:
                    draft.add_ipv6(ipv6_cidr(address, sub, self.source, where), sub)
                case ["shutdown"]:
                    draft.enabled = False
                case ["undo", "shutdown"]:
                    draft.enabled = True
                case ["dot1q", "termination", "vid", tag, *_]:
                    draft.vlan = integer(tag, sub, self.source, where, "a VLAN number")
                case ["ip", "binding", "vpn-instance", vrf]:
                    draft.vrf = vrf
                case ["ospf", "enable", _, "area", area] | ["ospf", "enable", "area", area]:
                    draft.ospf_area = area_or_fail(area, sub, self.source, where)
                case ["traffic-filter", direction, "acl", *ref] if ref:
                    draft.filters.append(
                        self.book.use(
                            "access-list",
                            ref[-1],
                            where,
                            sub,
                            "in" if direction == "inbound" else "out",
                        )
                    )
                case _:
                    draft.other_lines.append(kept(sub))
        return draft.build()

    def ospf(self, stmt: Statement) -> OspfProcess:
        words = stmt.words
        where = " ".join(words[:2])
        draft = OspfDraft(
            stmt.line, process_id=words[1] if words[1:2] and words[1].isdigit() else None
        )
        if "router-id" in words[:-1]:
            draft.router_id = router_id(
                words[words.index("router-id") + 1], stmt, self.source, where
            )
        for sub in stmt.children:
            match sub.words:
                case ["area", area]:
                    self.area(draft, area_or_fail(area, sub, self.source, where), sub, where)
                case ["silent-interface", "all"]:
                    draft.passive_default = True
                case ["silent-interface", name]:
                    draft.passive_interfaces.append(name)
                case ["undo", "silent-interface", name]:
                    draft.non_passive_interfaces.append(name)
                case ["filter-policy", "ip-prefix", name, direction, *_]:
                    draft.filters.append(
                        self.book.use("prefix-list", name, where, sub, _direction(direction))
                    )
                case ["filter-policy", "route-policy", name, direction, *_]:
                    draft.filters.append(
                        self.book.use("route-map", name, where, sub, _direction(direction))
                    )
                case ["filter-policy", "acl-name", name, direction, *_] | [
                    "filter-policy",
                    name,
                    direction,
                    *_,
                ]:
                    draft.filters.append(
                        self.book.use("access-list", name, where, sub, _direction(direction))
                    )
                case ["import-route", *rest]:
                    draft.redistribute.append(kept(sub))
                    if "route-policy" in rest[:-1]:
                        name = rest[rest.index("route-policy") + 1]
                        draft.filters.append(self.book.use("route-map", name, where, sub))
                case _:
                    draft.other_lines.append(kept(sub))
        return draft.build()

    def area(self, draft: OspfDraft, area: str, stmt: Statement, where: str) -> None:
        """An ``area`` view: its ``network`` lines; an area with anything else in it, or
        with nothing, is kept whole."""
        keep = not stmt.children
        for sub in stmt.children:
            match sub.words:
                case ["network", address, wildcard, *_]:
                    draft.networks.append(
                        OspfNetwork(
                            prefix=wildcard_network(address, wildcard, sub, self.source, where),
                            area=area,
                            line=sub.line,
                        )
                    )
                case _:
                    keep = True
        if keep:
            draft.other_lines.append(kept(stmt))

    def route(self, stmt: Statement) -> StaticRoute:
        """``ip route-static [vpn-instance V] P (M|LEN) (NH | IF [NH] | NULL0)
        [preference N] [tag N] [description TEXT]``."""
        words = stmt.words
        where = "ip route-static"
        rest = words[2:]
        vrf = None
        if rest[:1] == ["vpn-instance"] and len(rest) > 1:
            vrf, rest = rest[1], rest[2:]
        if len(rest) < 3:
            raise value_error(stmt, self.source, where, "a prefix, a mask and a next hop")
        mask = rest[1]
        if mask.isdigit():
            prefix = network(f"{rest[0]}/{mask}", None, stmt, self.source, where)
        else:
            prefix = network(rest[0], mask, stmt, self.source, where)
        next_hop = None
        interface = None
        blackhole = False
        distance = None
        tag = None
        description = None
        index = 2
        while index < len(rest):
            word = rest[index]
            if word == "description":
                description = stmt.rest(2 + index + (2 if vrf else 0) + 1) or None
                break
            if word in ("preference", "tag", "track", "bfd", "nqa") and index + 1 < len(rest):
                if word == "preference":
                    distance = integer(rest[index + 1], stmt, self.source, where, "a preference")
                elif word == "tag":
                    tag = integer(rest[index + 1], stmt, self.source, where, "a tag number")
                index += 2
                continue
            if word.upper() == "NULL0":
                blackhole = True
            elif is_address(word) and next_hop is None:
                next_hop = ip_address(word)
            elif word in ("permanent", "no-advertise", "inherit-cost"):
                pass
            else:
                interface = word
            index += 1
        if next_hop is None and interface is None and not blackhole:
            raise value_error(stmt, self.source, where, "a next hop, an interface or NULL0")
        return StaticRoute(
            prefix=prefix,
            next_hop=next_hop,
            interface=interface,
            blackhole=blackhole,
            distance=distance,
            tag=tag,
            description=description,
            vrf=vrf,
            text=stmt.source.strip(),
            line=stmt.line,
        )

    def route_policy(self, name: str, stmt: Statement) -> None:
        where = " ".join(stmt.words[:5])
        self.book.add_entry("route-map", name, stmt)
        for sub in stmt.children:
            match sub.words:
                case ["if-match", "ip-prefix", ref]:
                    self.book.use("prefix-list", ref, where, sub)
                case ["if-match", "acl", ref]:
                    self.book.use("access-list", ref, where, sub)

    def vty(self, stmt: Statement) -> None:
        where = " ".join(stmt.words)
        for sub in stmt.children:
            match sub.words:
                case ["acl", name, direction]:
                    self.book.use("access-list", name, where, sub, _direction(direction))
                case ["acl", "ipv6", name, direction]:
                    self.book.use("access-list", name, where, sub, _direction(direction), "ipv6")


def _direction(word: str) -> str | None:
    """VRP's ``inbound``/``import`` and ``outbound``/``export`` as ``in``/``out``.

    Examples:
        >>> _direction("inbound"), _direction("export"), _direction("static")
        ('in', 'out', None)
    """
    if word in ("inbound", "import"):
        return "in"
    if word in ("outbound", "export"):
        return "out"
    return None
