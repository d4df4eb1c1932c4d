"""Saved configuration text as a tree of statements that know their line numbers.

The platform readers (``frr_config``, ``ios_config``, ``vrp_config``) decode statements;
this module turns text into statements, and refuses text that is not a configuration.

Parser choice: **hier_config** (MIT, one dependency: pydantic, which netauto already has)
builds the tree. It knows IOS-style indentation, banners, sectional exits and has a
Huawei VRP driver; netauto gives it its own small drivers (below) so that none of
hier_config's remediation rewrites run (its IOS driver drops ACL remarks, renumbers ACL
entries and removes ``version``), and the tree holds what the device wrote. The other
candidates: ciscoconfparse2 keeps line numbers, but it is GPL-3.0-only (netauto is
Apache-2.0, and GPL code stays out of the core, as with ``vietnam-provinces``) and pins
exact versions of hypothesis, pyparsing and an old hier_config that conflict with
constraints.txt; ttp (installed with napalm) extracts values by templates, but silently
skips lines no template matches, so it can neither keep the unmodelled configuration nor
refuse text that is not a configuration, and its results are untyped dictionaries.
hier_config keeps statements in document order, so their line numbers are recovered by one
forward scan of the text (:func:`config_tree`).

Statements are decoded by their words (``match stmt.words: case ["ip", "address", a, m]``),
not by regular expressions over the text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from ipaddress import (
    IPv4Address,
    IPv4Interface,
    IPv4Network,
    IPv6Address,
    IPv6Interface,
    IPv6Network,
    ip_address,
    ip_network,
)
from pathlib import PurePath

from hier_config import HConfig, HConfigChild
from hier_config.constructors import get_hconfig
from hier_config.exceptions import DuplicateChildError
from hier_config.models import MatchRule, ParentAllowsDuplicateChildRule, PerLineSubRule
from hier_config.platforms.driver_base import HConfigDriverBase, HConfigDriverRules

from netauto.errors import InputError, Problem
from netauto.parse.observed import area_id

_ANY_DEPTH = [
    ParentAllowsDuplicateChildRule(match_rules=(MatchRule(),) * depth) for depth in range(1, 5)
]
"""Identical sub-lines are legal (two equal ACL remarks); only the root refuses them."""


def _blank(*patterns: str) -> list[PerLineSubRule]:
    return [PerLineSubRule(search=pattern, replace="") for pattern in patterns]


class _CiscoStyle(HConfigDriverBase):
    """FRR and IOS: ``!`` comments, the show-run preamble, ``exit`` and ``end`` are no
    statements; nothing else is rewritten."""

    @staticmethod
    def _instantiate_rules() -> HConfigDriverRules:
        return HConfigDriverRules(
            parent_allows_duplicate_child=_ANY_DEPTH,
            per_line_sub=_blank(
                r"^\s*!.*",
                r"^Building configuration.*",
                r"^Current configuration.*",
                r"^exit$",
                r"^end$",
            ),
        )


class _Vrp(HConfigDriverBase):
    """Huawei VRP: ``#`` separates sections, ``!`` lines are comments, ``return`` ends."""

    @staticmethod
    def _instantiate_rules() -> HConfigDriverRules:
        return HConfigDriverRules(
            parent_allows_duplicate_child=_ANY_DEPTH,
            per_line_sub=_blank(r"^\s*[#!].*", r"^return$", r"^quit$"),
        )

    @staticmethod
    def config_preprocessor(config_text: str) -> str:
        return dedent_vrp_globals(config_text)


def dedent_vrp_globals(text: str) -> str:
    """Put VRP's global commands at column 0 (the line count is kept).

    ``display current-configuration`` prints a global command indented by one space right
    after a ``#`` (`` sysname hub-01-r1``), which read by indentation alone would make it
    a sub-line of the section before the ``#``.

    Examples:
        >>> dedent_vrp_globals("interface Vlanif10\\n ip address 10.0.0.1 24\\n#\\n sysname r1\\n#")
        'interface Vlanif10\\n ip address 10.0.0.1 24\\n#\\nsysname r1\\n#'
    """
    out: list[str] = []
    in_globals = False
    after_separator = False
    for line in text.split("\n"):
        stripped = line.strip()
        if stripped.startswith("#"):
            after_separator = True
            out.append(line)
            continue
        if after_separator and stripped:
            in_globals = line[:1].isspace()
            after_separator = False
        out.append(stripped if in_globals and stripped else line)
    return "\n".join(out)


CISCO_STYLE = _CiscoStyle()
VRP = _Vrp()


@dataclass(frozen=True)
class Statement:
    """One configuration statement, its sub-statements and where it was written."""

    text: str
    """Whitespace-normalised: words separated by one space."""
    line: int
    source: str
    """The statement's own line as written (for text that keeps its spacing)."""
    children: tuple[Statement, ...]
    block: str
    """The statement and its sub-lines as written; for a top-level statement, every line
    up to the next one (less trailing separators), so nothing between them is lost."""

    @property
    def words(self) -> list[str]:
        """The statement's words."""
        return self.text.split()

    def rest(self, count: int) -> str:
        """The text after the first ``count`` words, with its own spacing.

        Examples:
            >>> Statement("description to hub | VNPT-1", 3,
            ...     " description  to hub | VNPT-1", (), "").rest(1)
            'to hub | VNPT-1'
        """
        parts = self.source.strip().split(maxsplit=count)
        return parts[count] if len(parts) > count else ""

    def walk(self) -> Iterator[Statement]:
        """This statement and all below it, in document order."""
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass(frozen=True)
class ConfigText:
    """A configuration split into lines and parsed into statements."""

    source: str
    lines: list[str]
    statements: tuple[Statement, ...]


def problem(
    source: str, line: int | None, message: str, hint: str = "", field: str = ""
) -> InputError:
    """An :class:`InputError` about ``source:line``.

    Examples:
        >>> str(problem("r1.conf", 4, "not an address", field="interface eth0"))
        'r1.conf:4: interface eth0: not an address'
    """
    return InputError(Problem(source, line, field, message, hint))


def _bad_character(line: str) -> str | None:
    for char in line:
        if char == "\t":
            continue
        code = ord(char)
        if code < 0x20 or code == 0x7F or 0x80 <= code < 0xA0 or char in "\u2028\u2029\ufffd":
            return char
    return None


def split_lines(text: str, source: str) -> list[str]:
    """The lines of ``text`` (CR-LF ends allowed), refusing binary and control characters.

    Examples:
        >>> split_lines("hostname r1\\r\\n!\\r\\n", "r1.conf")
        ['hostname r1', '!', '']
        >>> split_lines("hostname r1\\n\\x00\\x01", "r1.conf")  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        netauto.errors.InputError: r1.conf:2: binary or control character '\\x00': not a ...
    """
    lines = [line.removesuffix("\r") for line in text.split("\n")]
    for number, line in enumerate(lines, 1):
        bad = _bad_character(line)
        if bad is not None:
            raise problem(
                source,
                number,
                f"binary or control character {bad!r}: not a configuration text",
                "give the configuration as saved text, e.g. the output of show running-config",
            )
    return lines


def decode(data: bytes, source: str) -> str:
    """The text of a saved configuration file (UTF-8), or an InputError naming the line.

    Examples:
        >>> decode(b"hostname r1\\n", "r1.conf")
        'hostname r1\\n'
        >>> decode(b"hostname r1\\ndescription \\xff\\n", "r1.conf")  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        netauto.errors.InputError: r1.conf:2: not UTF-8 text (hint: save the ... as UTF-8 text)
    """
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise problem(
            source, line, "not UTF-8 text", "save the configuration as UTF-8 text"
        ) from None


_COMMAND_WORD = re.compile(r"[a-z][a-z0-9_-]*")


def _normalise(line: str) -> str:
    return " ".join(line.split())


def _first_duplicate(lines: Sequence[str], driver: HConfigDriverBase) -> int | None:
    """The line of the first top-level statement that repeats an earlier one (lines the
    driver blanks, such as ``exit`` and ``!``, are no statements)."""
    seen: set[str] = set()
    for number, raw in enumerate(lines, 1):
        if raw[:1].isspace():
            continue
        line = raw
        for rule in driver.rules.per_line_sub:
            line = re.sub(rule.search, rule.replace, line)
        text = _normalise(line)
        if not text:
            continue
        if text in seen:
            return number
        seen.add(text)
    return None


def config_tree(text: str, source: str, driver: HConfigDriverBase) -> ConfigText:
    """Parse ``text`` into statements with their line numbers.

    Examples:
        >>> tree = config_tree("!\\nhostname r1\\n!\\ninterface eth0\\n ip address 10.0.0.1/31\\n"
        ...     "exit\\n!\\nend\\n", "r1.conf", CISCO_STYLE)
        >>> [(s.text, s.line) for s in tree.statements]
        [('hostname r1', 2), ('interface eth0', 4)]
        >>> [(s.text, s.line) for s in tree.statements[1].children]
        [('ip address 10.0.0.1/31', 5)]
        >>> tree.statements[1].block
        'interface eth0\\n ip address 10.0.0.1/31'

    Raises:
        InputError: binary text, a top-level line that is no command, a section that
            appears twice, or a banner that never ends.
    """
    lines = split_lines(text, source)
    _refuse_deep_nesting(lines, source)
    try:
        root = get_hconfig(driver, "\n".join(lines))
    except DuplicateChildError:
        shown = driver.config_preprocessor("\n".join(lines)).split("\n")
        raise problem(
            source,
            _first_duplicate(shown, driver),
            "this top-level statement appears twice",
            "merge the two blocks into one, as show running-config prints it",
        ) from None
    except ValueError as exc:  # hier_config: a banner without its end
        if "banner" not in str(exc):
            raise problem(source, len(lines), f"not a configuration text ({exc})") from None
        raise problem(
            source,
            len(lines),
            "the configuration ends inside a banner",
            "the file looks truncated: save the whole configuration",
        ) from None
    statements = _locate(root, lines)
    for statement in statements:
        word = statement.words[0]
        if not _COMMAND_WORD.fullmatch(word):
            raise problem(
                source,
                statement.line,
                f"{statement.source.strip()[:60]!r} is not a configuration command",
                "give the saved configuration text of the device, nothing else",
            )
    return ConfigText(source, lines, statements)


MAX_DEPTH = 16
"""No device nests configuration this deep (IOS and VRP go to 3 or 4 levels)."""


def _refuse_deep_nesting(lines: Sequence[str], source: str) -> None:
    """Refuse text indented deeper than :data:`MAX_DEPTH` levels (a configuration never
    is; tree walks recurse once per level).

    Examples:
        >>> _refuse_deep_nesting([" " * n + "x" for n in range(40)], "r.cfg")  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        netauto.errors.InputError: r.cfg:18: nested more than 16 levels deep: not a ...
    """
    indents: list[int] = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        indent = len(line) - len(line.lstrip())
        while indents and indents[-1] >= indent:
            indents.pop()
        indents.append(indent)
        if len(indents) > MAX_DEPTH + 1:
            raise problem(
                source,
                number,
                f"nested more than {MAX_DEPTH} levels deep: not a device configuration",
            )


def _locate(root: HConfig, lines: list[str]) -> tuple[Statement, ...]:
    """Give every hier_config node its source line: nodes are in document order, so one
    forward scan finds each node's line."""
    normalised = [_normalise(line) for line in lines]
    cursor = 0

    def visit(node: HConfigChild) -> Statement:
        nonlocal cursor
        head, _, banner = node.text.partition("\n")
        extra = banner.count("\n") + 1 if banner else 0  # a banner's own lines
        wanted = _normalise(head)
        found = cursor
        while found < len(normalised) and normalised[found] != wanted:
            found += 1
        if found == len(normalised):  # never expected: keep the last line seen
            found = max(cursor - 1, 0)
        else:
            cursor = found + 1 + extra
        own = [line.rstrip() for line in lines[found : found + 1 + extra]]
        children = tuple(visit(child) for child in node.children)
        block = "\n".join([*own, *(child.block for child in children)])
        return Statement(wanted, found + 1, own[0], children, block)

    located = [visit(node) for node in root.children]
    return tuple(
        _with_block(statement, lines, located[index + 1].line if index + 1 < len(located) else None)
        for index, statement in enumerate(located)
    )


_TRAILERS = {"exit", "end", "return", "quit"}


def _with_block(statement: Statement, lines: list[str], next_line: int | None) -> Statement:
    """A top-level statement with its verbatim block: its lines up to the next top-level
    statement, less the separators and closing words after its last sub-line."""
    if not statement.children:
        return statement
    end = next_line - 1 if next_line is not None else len(lines)
    block = [line.rstrip() for line in lines[statement.line - 1 : end]]
    while len(block) > 1 and (
        not block[-1].strip() or block[-1].lstrip()[:1] in "!#" or block[-1] in _TRAILERS
    ):
        block.pop()
    return Statement(
        statement.text, statement.line, statement.source, statement.children, "\n".join(block)
    )


def last_word(lines: Sequence[str]) -> tuple[str, int]:
    """The last non-blank line, stripped, and its number (0 when there is none).

    Examples:
        >>> last_word(["hostname r1", "end", "", ""])
        ('end', 2)
    """
    for number in range(len(lines), 0, -1):
        if lines[number - 1].strip():
            return lines[number - 1].strip(), number
    return "", 0


def require_trailer(tree: ConfigText, trailer: str, platform: str) -> None:
    """Refuse a configuration whose last line is not ``trailer`` (it was cut short).

    Examples:
        >>> tree = ConfigText("r1.cfg", ["hostname r1", "interface Gi0/0", " ip add"], ())
        >>> require_trailer(tree, "end", "Cisco IOS")  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        netauto.errors.InputError: r1.cfg:3: a Cisco IOS configuration ends with 'end', ...
    """
    word, number = last_word(tree.lines)
    if word != trailer:
        raise problem(
            tree.source,
            number or None,
            f"a {platform} configuration ends with {trailer!r}, this one ends with "
            f"{tree.lines[number - 1] if number else 'nothing'!r}",
            "the file looks truncated: save the whole configuration",
        )


def require_statements(tree: ConfigText, platform: str, keywords: Sequence[str]) -> None:
    """Refuse a text with none of the statements every ``platform`` configuration has.

    Examples:
        >>> tree = ConfigText("x.txt", ["hello"], ())
        >>> require_statements(tree, "FRR", ["hostname", "interface"])  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        netauto.errors.InputError: x.txt:1: no hostname or interface statement: not a FRR ...
    """
    if not any(statement.words[0] in keywords for statement in tree.statements):
        raise problem(
            tree.source,
            1,
            f"no {' or '.join(keywords)} statement: not a {platform} configuration",
        )


def value_error(stmt: Statement, source: str, context: str, what: str) -> InputError:
    """An InputError for a statement whose value is not what ``what`` says."""
    return problem(source, stmt.line, f"{stmt.text!r}: expected {what}", field=context)


def ipv4_with_mask(
    address: str, mask: str, stmt: Statement, source: str, context: str
) -> IPv4Interface:
    """``A.B.C.D M.M.M.M`` (or a prefix length) as an interface address.

    Examples:
        >>> s = Statement("ip address 10.0.0.1 255.255.255.252", 1, "", (), "")
        >>> ipv4_with_mask("10.0.0.1", "255.255.255.252", s, "r.cfg", "interface Gi0/0")
        IPv4Interface('10.0.0.1/30')
    """
    try:
        return IPv4Interface(f"{IPv4Address(address)}/{mask}")
    except ValueError:
        raise value_error(stmt, source, context, "an IPv4 address and mask") from None


def ipv4_cidr(text: str, stmt: Statement, source: str, context: str) -> IPv4Interface:
    """``A.B.C.D/LEN`` as an interface address.

    Examples:
        >>> ipv4_cidr("10.0.0.1/31", Statement("", 1, "", (), ""), "r.conf", "interface eth0")
        IPv4Interface('10.0.0.1/31')
    """
    address, length = _cidr_parts(text, stmt, source, context, "an IPv4 address/length")
    try:
        return IPv4Interface(f"{IPv4Address(address)}/{length}")
    except ValueError:
        raise value_error(stmt, source, context, "an IPv4 address/length") from None


def ipv6_cidr(text: str, stmt: Statement, source: str, context: str) -> IPv6Interface:
    """``X:X::X/LEN`` as an interface address.

    Examples:
        >>> ipv6_cidr("2001:db8::1/64", Statement("", 1, "", (), ""), "r.conf", "interface eth0")
        IPv6Interface('2001:db8::1/64')
    """
    address, length = _cidr_parts(text, stmt, source, context, "an IPv6 address/length")
    try:
        return IPv6Interface(f"{IPv6Address(address)}/{length}")
    except ValueError:
        raise value_error(stmt, source, context, "an IPv6 address/length") from None


def _cidr_parts(
    text: str, stmt: Statement, source: str, context: str, expected: str
) -> tuple[str, int]:
    """``ADDRESS/LEN`` split in two; anything else is the value error of ``expected``."""
    address, slash, length = text.partition("/")
    if not slash or not length.isdigit():
        raise value_error(stmt, source, context, expected)
    return address, int(length)


def network(
    text: str, mask: str | None, stmt: Statement, source: str, context: str
) -> IPv4Network | IPv6Network:
    """A route's prefix: ``P/LEN``, or ``P`` and a netmask; host bits are cleared.

    Examples:
        >>> s = Statement("", 1, "", (), "")
        >>> network("0.0.0.0", "0.0.0.0", s, "r.cfg", "ip route")
        IPv4Network('0.0.0.0/0')
        >>> network("172.21.255.5", "255.255.255.255", s, "r.cfg", "ip route")
        IPv4Network('172.21.255.5/32')
        >>> network("2001:db8::/32", None, s, "r.conf", "ipv6 route")
        IPv6Network('2001:db8::/32')
    """
    try:
        if mask is None:
            return ip_network(text, strict=False)
        netmask = IPv4Address(mask)
        length = 32 - (~int(netmask) & 0xFFFFFFFF).bit_length()
        if int(IPv4Network(f"0.0.0.0/{length}").netmask) != int(netmask):
            raise ValueError(mask)
        return IPv4Network(f"{IPv4Address(text)}/{length}", strict=False)
    except ValueError:
        raise value_error(stmt, source, context, "a prefix") from None


def wildcard_network(
    text: str, wildcard: str, stmt: Statement, source: str, context: str
) -> IPv4Network:
    """An OSPF ``network`` (or ACL) address with its wildcard mask; host bits are cleared.

    Examples:
        >>> s = Statement("", 1, "", (), "")
        >>> wildcard_network("172.21.250.4", "0.0.0.3", s, "r.cfg", "router ospf 1")
        IPv4Network('172.21.250.4/30')
        >>> wildcard_network("172.21.255.1", "0.0.0.0", s, "r.cfg", "router ospf 1")
        IPv4Network('172.21.255.1/32')
        >>> wildcard_network("10.0.0.0", "0.255.0.255", s, "r.cfg", "router ospf 1")
        ... # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        netauto.errors.InputError: r.cfg:1: router ospf 1: '': expected an address and a ...
    """
    try:
        host_bits = int(IPv4Address(wildcard))
        length = 32 - host_bits.bit_length()
        if host_bits != (1 << (32 - length)) - 1:
            raise ValueError(wildcard)
        return IPv4Network(f"{IPv4Address(text)}/{length}", strict=False)
    except ValueError:
        raise value_error(
            stmt, source, context, "an address and a contiguous wildcard mask"
        ) from None


def is_address(text: str) -> bool:
    """Whether ``text`` is an IPv4 or IPv6 address.

    Examples:
        >>> is_address("10.0.0.1"), is_address("eth0"), is_address("2001:db8::1")
        (True, False, True)
    """
    try:
        ip_address(text)
    except ValueError:
        return False
    return True


def integer(text: str, stmt: Statement, source: str, context: str, what: str) -> int:
    """A decimal number in a statement.

    Examples:
        >>> integer("250", Statement("", 1, "", (), ""), "r.conf", "ip route", "a distance")
        250
    """
    if not text.isdigit():
        raise value_error(stmt, source, context, what)
    return int(text)


def subinterface_vlan(name: str) -> int | None:
    """The VLAN a Linux-style subinterface name shows (``eth0.10``), or None.

    Examples:
        >>> subinterface_vlan("eth0.10"), subinterface_vlan("eth0")
        (10, None)
    """
    _, dot, tail = name.rpartition(".")
    return int(tail) if dot and tail.isdigit() else None


def router_id(text: str, stmt: Statement, source: str, context: str) -> IPv4Address:
    """An OSPF router id.

    Examples:
        >>> router_id("172.21.255.1", Statement("", 1, "", (), ""), "r.conf", "router ospf")
        IPv4Address('172.21.255.1')
    """
    try:
        return IPv4Address(text)
    except ValueError:
        raise value_error(stmt, source, context, "an IPv4 router id") from None


def area_or_fail(text: str, stmt: Statement, source: str, context: str) -> str:
    """An OSPF area in dotted form, or an InputError naming the statement.

    Examples:
        >>> area_or_fail("0", Statement("", 1, "", (), ""), "r.conf", "router ospf")
        '0.0.0.0'
    """
    try:
        return area_id(text)
    except ValueError:
        raise value_error(stmt, source, context, "an OSPF area (a number or A.B.C.D)") from None


def hostname_of(tree: ConfigText, keyword: str) -> tuple[str, int | None]:
    """The device's name from its ``keyword`` statement (``hostname``, ``sysname``), else
    the file's name without its suffix.

    Examples:
        >>> hostname_of(ConfigText("cfg/r1.conf", [], (Statement("hostname r9", 2, "", (), ""),)),
        ...     "hostname")
        ('r9', 2)
        >>> hostname_of(ConfigText("cfg/r1.conf", [], ()), "hostname")
        ('r1', None)
    """
    for stmt in tree.statements:
        words = stmt.words
        if words[0] == keyword and len(words) == 2:
            return words[1], stmt.line
    return PurePath(tree.source).stem, None
