"""What the platform readers fill as they go, before the frozen models are made.

A configuration defines a filter in one place (or over several lines, as numbered access
lists and prefix lists are) and applies it elsewhere, possibly before it is defined; the
readers note both as they go and :meth:`FilterBook.filters` joins them at the end.
:class:`InterfaceDraft` and :class:`OspfDraft` collect one interface or OSPF process.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from ipaddress import IPv4Address, IPv4Interface, IPv6Address, IPv6Interface, ip_address

from netauto.parse.config_tree import Statement, integer, is_address, network, value_error
from netauto.parse.observed import (
    ConfigLine,
    Family,
    Filter,
    FilterKind,
    FilterUse,
    ObservedInterface,
    ObservedIPv4,
    ObservedIPv6,
    OspfNetwork,
    OspfProcess,
    StaticRoute,
)


@dataclass
class _Entries:
    line: int
    header: str | None = None
    entries: list[ConfigLine] = field(default_factory=list)


@dataclass
class FilterBook:
    """Filters and their uses seen so far, in configuration order."""

    _defined: dict[tuple[FilterKind, Family, str], _Entries] = field(default_factory=dict)
    uses: list[FilterUse] = field(default_factory=list)

    def add_entry(
        self, kind: FilterKind, name: str, stmt: Statement, family: Family = "ipv4"
    ) -> None:
        """One more entry (a line, or a block such as one route-map sequence) of a filter.

        Examples:
            >>> book = FilterBook()
            >>> book.add_entry("access-list", "MGMT",
            ...     Statement("access-list MGMT seq 5 permit 10.0.0.0/8", 7,
            ...               "access-list MGMT seq 5 permit 10.0.0.0/8", (), "x"))
            >>> [(f.name, f.line, [e.text for e in f.entries]) for f in book.filters()]
            [('MGMT', 7, ['x'])]
        """
        entries = self._defined.setdefault((kind, family, name), _Entries(stmt.line))
        entries.entries.append(ConfigLine(text=stmt.block, line=stmt.line))

    def add_route_map(self, name: str, stmt: Statement) -> None:
        """One route-map sequence (FRR and IOS write them alike), and the access- and
        prefix-lists its ``match`` lines use.

        Examples:
            >>> child = Statement("match ip address prefix-list P1 P2", 2,
            ...                   " match ip address prefix-list P1 P2", (), "")
            >>> book = FilterBook()
            >>> book.add_route_map("RM", Statement("route-map RM permit 10", 1,
            ...     "route-map RM permit 10", (child,), "route-map RM permit 10"))
            >>> [(u.kind, u.name, u.where) for u in book.uses][1]
            ('prefix-list', 'P2', 'route-map RM permit 10')
        """
        where = " ".join(stmt.words[:4])
        self.add_entry("route-map", name, stmt)
        for sub in stmt.children:
            match sub.words:
                case ["match", "ip" | "ipv6" as family, "address", "prefix-list", *refs]:
                    for ref in refs:
                        self.use("prefix-list", ref, where, sub, family=_family(family))
                case ["match", "ip" | "ipv6" as family, "address", *refs]:
                    for ref in refs:
                        self.use("access-list", ref, where, sub, family=_family(family))

    def add_block(
        self, kind: FilterKind, name: str, stmt: Statement, family: Family = "ipv4"
    ) -> None:
        """A filter written as a block: its opening line, then one entry per sub-line.

        Examples:
            >>> book = FilterBook()
            >>> entry = Statement("permit any", 4, " permit any", (), " permit any")
            >>> book.add_block("access-list", "MGMT", Statement(
            ...     "ip access-list standard MGMT", 3, "ip access-list standard MGMT",
            ...     (entry,), ""))
            >>> [(f.header, f.line, [e.text for e in f.entries]) for f in book.filters()]
            [('ip access-list standard MGMT', 3, [' permit any'])]
        """
        entries = self._defined.setdefault(
            (kind, family, name), _Entries(stmt.line, stmt.source.strip())
        )
        entries.entries.extend(ConfigLine(text=sub.block, line=sub.line) for sub in stmt.children)

    def use(
        self,
        kind: FilterKind,
        name: str,
        where: str,
        stmt: Statement,
        direction: str | None = None,
        family: Family = "ipv4",
    ) -> FilterUse:
        """Note that ``where`` applies the filter; returns the use for the context's model.

        Examples:
            >>> book = FilterBook()
            >>> s = Statement("access-class MGMT", 9, " access-class MGMT", (), "")
            >>> book.use("access-list", "MGMT", "line vty", s, "in").line
            9
        """
        item = FilterUse(
            kind=kind,
            name=name,
            where=where,
            direction="in" if direction == "in" else "out" if direction == "out" else None,
            family=family,
            text=stmt.source.strip(),
            line=stmt.line,
        )
        self.uses.append(item)
        return item

    def filters(self) -> list[Filter]:
        """Every defined filter with its entries and uses (a use of a filter that is not
        defined stays only with its context)."""
        return [
            Filter(
                kind=kind,
                name=name,
                family=family,
                header=entries.header,
                entries=entries.entries,
                applied=[
                    u for u in self.uses if (u.kind, u.family, u.name) == (kind, family, name)
                ],
                line=entries.line,
            )
            for (kind, family, name), entries in self._defined.items()
        ]


def kept(stmt: Statement) -> ConfigLine:
    """A statement kept verbatim (with its sub-lines) and its line."""
    return ConfigLine(text=stmt.block, line=stmt.line)


@dataclass
class InterfaceDraft:
    """One interface being read."""

    name: str
    canonical_name: str
    line: int
    is_loopback: bool = False
    description: str | None = None
    enabled: bool = True
    ipv4: list[ObservedIPv4] = field(default_factory=list)
    ipv6: list[ObservedIPv6] = field(default_factory=list)
    vlan: int | None = None
    vrf: str | None = None
    ospf_area: str | None = None
    ospf_passive: bool | None = None
    filters: list[FilterUse] = field(default_factory=list)
    other_lines: list[ConfigLine] = field(default_factory=list)

    def add_ipv4(self, address: IPv4Interface, stmt: Statement, secondary: bool) -> None:
        """One more IPv4 address (a secondary is never listed before the primary).

        Examples:
            >>> draft = InterfaceDraft("eth0", "eth0", 1)
            >>> draft.add_ipv4(IPv4Interface("10.0.0.9/24"), Statement("", 3, "", (), ""), True)
            >>> draft.add_ipv4(IPv4Interface("10.0.1.1/24"), Statement("", 2, "", (), ""), False)
            >>> [(str(a.address), a.secondary) for a in draft.build().ipv4]
            [('10.0.1.1/24', False), ('10.0.0.9/24', True)]
        """
        self.ipv4.append(ObservedIPv4(address=address, secondary=secondary, line=stmt.line))

    def add_ipv6(self, address: IPv6Interface, stmt: Statement) -> None:
        """One more IPv6 address."""
        self.ipv6.append(ObservedIPv6(address=address, line=stmt.line))

    def build(self) -> ObservedInterface:
        """The frozen interface, primary address first."""
        return ObservedInterface(
            name=self.name,
            canonical_name=self.canonical_name,
            description=self.description,
            enabled=self.enabled,
            ipv4=sorted(self.ipv4, key=lambda address: address.secondary),
            ipv6=self.ipv6,
            vlan=self.vlan,
            vrf=self.vrf,
            ospf_area=self.ospf_area,
            ospf_passive=self.ospf_passive,
            is_loopback=self.is_loopback,
            filters=self.filters,
            other_lines=self.other_lines,
            line=self.line,
        )


@dataclass
class OspfDraft:
    """One OSPF process being read."""

    line: int
    process_id: str | None = None
    router_id: IPv4Address | None = None
    networks: list[OspfNetwork] = field(default_factory=list)
    passive_default: bool = False
    passive_interfaces: list[str] = field(default_factory=list)
    non_passive_interfaces: list[str] = field(default_factory=list)
    redistribute: list[ConfigLine] = field(default_factory=list)
    filters: list[FilterUse] = field(default_factory=list)
    other_lines: list[ConfigLine] = field(default_factory=list)

    def build(self) -> OspfProcess:
        """The frozen process."""
        return OspfProcess(
            process_id=self.process_id,
            router_id=self.router_id,
            networks=self.networks,
            passive_default=self.passive_default,
            passive_interfaces=self.passive_interfaces,
            non_passive_interfaces=self.non_passive_interfaces,
            redistribute=self.redistribute,
            filters=self.filters,
            other_lines=self.other_lines,
            line=self.line,
        )


_DISCARD = {"blackhole", "reject", "null0"}
_VALUED = {"tag", "label", "table", "vrf", "nexthop-vrf", "color", "segments", "name", "track"}
_FLAGS = {"onlink", "permanent", "multicast", "global"}


def cisco_style_route(stmt: Statement, source: str) -> StaticRoute:
    """An FRR or IOS static route: ``ip route [vrf V] PREFIX[/LEN] [MASK]
    (NEXTHOP | IFNAME [NEXTHOP] | blackhole | reject | Null0) [DISTANCE] [tag N] [name X]
    [vrf V] …`` (``ipv6 route`` alike).

    Examples:
        >>> def route(text):
        ...     r = cisco_style_route(Statement(text, 5, text, (), text), "r.cfg")
        ...     return str(r.prefix), r.next_hop, r.interface, r.blackhole, r.distance, r.tag
        >>> route("ip route 0.0.0.0 0.0.0.0 GigabitEthernet0/0/0 172.21.250.13 250")
        ('0.0.0.0/0', IPv4Address('172.21.250.13'), 'GigabitEthernet0/0/0', False, 250, None)
        >>> route("ip route 172.21.0.0/16 blackhole 254 tag 7")
        ('172.21.0.0/16', None, None, True, 254, 7)
        >>> cisco_style_route(Statement("ip route 10.0.0.0/8", 5, "", (), ""), "r.conf")
        ... # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        netauto.errors.InputError: r.conf:5: ip route: 'ip route 10.0.0.0/8': expected a next hop...
    """
    words = stmt.words
    where = " ".join(words[:2])
    rest = words[2:]
    vrf: str | None = None
    if rest[:1] == ["vrf"] and len(rest) > 2:
        vrf, rest = rest[1], rest[2:]
    if not rest:
        raise value_error(stmt, source, where, "a prefix")
    has_mask = len(rest) > 1 and "/" not in rest[0] and is_address(rest[1])
    prefix = network(rest[0], rest[1] if has_mask else None, stmt, source, where)
    if not has_mask and "/" not in rest[0]:
        raise value_error(stmt, source, where, "a prefix with its length or mask")
    parts = _RouteParts(vrf=vrf)
    parts.read(rest[2 if has_mask else 1 :], stmt, source, where)
    if parts.next_hop is None and parts.interface is None and not parts.blackhole:
        raise value_error(stmt, source, where, "a next hop, an interface or blackhole")
    return StaticRoute(
        prefix=prefix,
        next_hop=parts.next_hop,
        interface=parts.interface,
        blackhole=parts.blackhole,
        distance=parts.distance,
        tag=parts.tag,
        description=parts.description,
        vrf=parts.vrf,
        text=stmt.source.strip(),
        line=stmt.line,
    )


@dataclass
class _RouteParts:
    """What follows a static route's prefix."""

    vrf: str | None = None
    next_hop: IPv4Address | IPv6Address | None = None
    interface: str | None = None
    blackhole: bool = False
    distance: int | None = None
    tag: int | None = None
    description: str | None = None

    def read(self, words: list[str], stmt: Statement, source: str, where: str) -> None:
        index = 0
        while index < len(words):
            word = words[index]
            if word in _VALUED:
                if index + 1 == len(words):
                    raise value_error(stmt, source, where, f"a value after {word!r}")
                value = words[index + 1]
                if word == "tag":
                    self.tag = integer(value, stmt, source, where, "a tag number")
                elif word == "name":
                    self.description = value
                elif word == "vrf":
                    self.vrf = value
                index += 2
                continue
            if word.lower() in _DISCARD:
                self.blackhole = True
            elif word in _FLAGS:
                pass
            elif word.isdigit():
                self.distance = int(word)
            elif is_address(word) and self.next_hop is None:
                self.next_hop = ip_address(word)
            else:
                self.interface = word
            index += 1


def _family(word: str) -> Family:
    """``ip`` → ``ipv4``, ``ipv6`` → ``ipv6`` (the first word of a filter statement)."""
    return "ipv6" if word == "ipv6" else "ipv4"
