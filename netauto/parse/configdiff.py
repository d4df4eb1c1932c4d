"""Structured diff of two configurations: a device's running config and its candidate (pure).

It reads FRR / IOS-style hierarchical text: top-level lines, and blocks opened by a context
line (``interface eth0``, ``router ospf``, ``router bgp 65001`` and its ``address-family``)
whose sub-lines are indented under it. Both inputs have that shape: FRR's ``show
running-config`` and the configs netauto renders.

**What counts as a change** (what FRR itself does not care about is normalised away):

* leading/trailing blanks, repeated inner blanks, ``!`` lines (separators and comments),
  ``exit``/``exit-address-family``/``exit-vrf``, ``end``, vtysh's banner, and the header lines
  ``frr version``/``frr defaults`` are not configuration;
* ``ip forwarding``/``ipv6 forwarding`` are never shown by FRR when in effect: a candidate
  line of that kind is not an addition (a device's ``no ipv6 forwarding`` it replaces is
  still a change);
* IPv6 addresses and prefixes are compared in canonical form (``2001:DB8:0::1`` is
  ``2001:db8::1``); free text (descriptions, hostname, banners, passwords) is kept as is;
* the order of blocks, and of the lines inside a block, does not count (FRR sorts both in
  its running config; sequence numbers are part of the lines that need them); a block given
  twice is one block.

**Changed lines.** In one block, a removed and an added line are one *changed* line when
they are the same setting with another value: first a line and its ``no`` form
(``shutdown`` / ``no shutdown``); then lines with the same :func:`pair_key`, the line without
its value (``ip address 10.0.0.1/30`` → ``ip address 10.0.0.5/30``, ``description A`` →
``description B``), matched in order. Everything else is added or removed.

**IPv4 lines** (:func:`is_ipv4`) and **legacy lines**: every removed or changed line that
carries IPv4 configuration is listed in :attr:`ConfigDiff.ipv4_removed_or_changed` (push
refuses to break that); every other *removed* line (a line of a kind the candidate does not
set there, or a whole block the candidate does not have) is listed in
:attr:`ConfigDiff.legacy_removed`. A changed non-IPv4 line is not legacy: the candidate sets
that setting, so netauto owns it.

**Rendering.** :meth:`ConfigDiff.unified` is a unified diff between the normalised texts of
both sides (:func:`normalise`: top-level lines, then every block in order, each sorted), one
hunk per changed block starting with its context line (``patch`` applies it to
the normalised running text; ``git apply`` would want trailing context it does not have).

Examples:
    >>> d = compare("interface eth0\\n ip address 10.0.0.1/30\\nexit\\n",
    ...     "interface eth0\\n ip address 10.0.0.5/30\\n ipv6 address 2001:db8::1/64\\nexit\\n")
    >>> d.summary()
    '+1 -0 ~1; IPv4 lines removed or changed: 1'
    >>> print(d.unified(), end="")
    --- running
    +++ candidate
    @@ -1,2 +1,3 @@
     interface eth0
    - ip address 10.0.0.1/30
    + ip address 10.0.0.5/30
    + ipv6 address 2001:db8::1/64
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

from pydantic import BaseModel, ConfigDict

from netauto.parse.frr_state import (
    _NEVER_SHOWN,  # one home for "FRR never shows these"
    sanitize,
)

Context = tuple[str, ...]
"""Where a line is: the context lines above it, outermost first (``()``: top level)."""

HUNK_CONTEXT = 3
"""Unchanged top-level lines shown around a change (a block's hunk shows the whole block)."""

_EXITS = frozenset({"exit", "exit-address-family", "exit-vrf", "exit-vnc", "quit"})
_NOT_CONFIG = re.compile(
    r"^(frr (version|defaults)\b.*|Building configuration\.\.\.|Current configuration:?)$"
)
_OPENS = re.compile(
    r"^(interface|router|route-map|vrf|key chain|line|address-family|pbr-map|nexthop-group|"
    r"segment-routing|rpki)\b"
)
"""Context lines that open a block even when nothing is configured inside it."""
_FREE_TEXT = frozenset({"description", "hostname", "domainname", "banner", "password"})
"""Words after which a line is free text: not compared as addresses, never a value to pair."""
_VALUE = re.compile(r"[0-9.:/]")
_IPV4 = re.compile(r"^\d{1,3}(\.\d{1,3}){3}(/\d{1,2})?$")
_DIGITS = re.compile(r"(\d+)")
_IPV4_BLOCKS = {
    ("router", "ospf"),
    ("router", "rip"),
    ("router", "eigrp"),
    ("address-family", "ipv4"),
}
_IPV6_BLOCKS = {
    ("router", "ospf6"),
    ("router", "ospfv3"),
    ("router", "ripng"),
    ("address-family", "ipv6"),
}


class BlockDiff(BaseModel):
    """The differences inside one block (``context == ()``: the top-level lines).

    ``status``: ``added`` (only in the candidate), ``removed`` (only on the device) or
    ``changed`` (on both). ``unchanged`` are the lines both have (shown as context);
    ``old_line``/``new_line`` the line where the block starts in the normalised running
    and candidate texts (for :meth:`ConfigDiff.unified`).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    context: Context
    status: Literal["added", "removed", "changed"] = "changed"
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    changed: tuple[tuple[str, str], ...] = ()
    unchanged: tuple[str, ...] = ()
    old_line: int = 1
    new_line: int = 1


class ConfigDiff(BaseModel):
    """Running config → candidate, block by block (see the module docstring).

    Counts are lines as a reviewer sees them: a block the candidate adds or removes counts
    its context line too. ``ipv4_removed_or_changed`` and ``legacy_removed`` name each line
    with its context (``interface eth0: ip address 10.0.0.1/30 -> ip address 10.0.0.5/30``),
    secrets masked (these lists name lines in messages and in the audit log).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    blocks: tuple[BlockDiff, ...] = ()
    added: int = 0
    removed: int = 0
    changed: int = 0
    ipv4_removed_or_changed: tuple[str, ...] = ()
    legacy_removed: tuple[str, ...] = ()

    @property
    def differs(self) -> bool:
        """Whether the candidate changes anything."""
        return bool(self.blocks)

    def summary(self) -> str:
        """One line: counts, IPv4 lines removed or changed, and legacy lines removed if any.

        Examples:
            >>> ConfigDiff(added=12, changed=1).summary()
            '+12 -0 ~1; IPv4 lines removed or changed: 0'
            >>> ConfigDiff(removed=2, legacy_removed=("a", "b")).summary()
            '+0 -2 ~0; IPv4 lines removed or changed: 0; legacy lines removed: 2'
        """
        text = (
            f"+{self.added} -{self.removed} ~{self.changed}; "
            f"IPv4 lines removed or changed: {len(self.ipv4_removed_or_changed)}"
        )
        if self.legacy_removed:
            text += f"; legacy lines removed: {len(self.legacy_removed)}"
        return text

    def refusal(self, allow_ipv4_change: bool = False, prune_legacy: bool = False) -> str:
        """Why this change must not be committed ("" when it may), naming the first lines.

        Removing or changing an IPv4 line needs ``allow_ipv4_change``; removing a line
        netauto does not own (:attr:`legacy_removed`) needs ``prune_legacy``.

        Examples:
            >>> d = ConfigDiff(removed=1, ipv4_removed_or_changed=("ip route 192.0.2.0/24 Null0",))
            >>> d.refusal()
            'removes or changes 1 IPv4 line: ip route 192.0.2.0/24 Null0 (--allow-ipv4-change)'
            >>> d.refusal(allow_ipv4_change=True)
            ''
        """
        reasons = []
        if self.ipv4_removed_or_changed and not allow_ipv4_change:
            reasons.append(
                f"removes or changes {_lines(self.ipv4_removed_or_changed, 'IPv4 line')}"
                " (--allow-ipv4-change)"
            )
        if self.legacy_removed and not prune_legacy:
            reasons.append(
                f"removes {_lines(self.legacy_removed, 'line')} netauto does not own"
                " (--prune-legacy)"
            )
        return "; ".join(reasons)

    def unified(self, old_label: str = "running", new_label: str = "candidate") -> str:
        """A unified diff between the normalised running config and candidate ("" if equal).

        Each changed block is one hunk that starts with its context line (an ``@@`` header
        names the enclosing block of a nested one); top-level lines get hunks with
        :data:`HUNK_CONTEXT` lines of context.
        """
        if not self.blocks:
            return ""
        out = [f"--- {old_label}", f"+++ {new_label}"]
        for block in self.blocks:
            rows = _rows(block)
            spans = [(0, len(rows))] if block.context else _spans(rows, HUNK_CONTEXT)
            heading = " / ".join(block.context[:-1])
            for start, end in spans:
                old_start = block.old_line + sum(tag != "+" for tag, _ in rows[:start])
                new_start = block.new_line + sum(tag != "-" for tag, _ in rows[:start])
                old_count = sum(tag != "+" for tag, _ in rows[start:end])
                new_count = sum(tag != "-" for tag, _ in rows[start:end])
                out.append(
                    f"@@ -{_range(old_start, old_count)} +{_range(new_start, new_count)} @@"
                    + (f" {heading}" if heading else "")
                )
                out += [tag + text for tag, text in rows[start:end]]
        return "\n".join(out) + "\n"


def compare(running: str, candidate: str) -> ConfigDiff:
    """The structured diff from ``running`` (the device's config) to ``candidate``.

    Examples:
        >>> running = ("hostname r1\\nip route 192.0.2.0/24 Null0\\n"
        ...     "interface eth3\\n shutdown\\nexit\\n")
        >>> d = compare(running, "hostname r1\\n")
        >>> d.ipv4_removed_or_changed, d.legacy_removed
        (('ip route 192.0.2.0/24 Null0',), ('interface eth3', 'interface eth3: shutdown'))
        >>> compare("!\\nfrr version 8.4.4\\nhostname r1\\n!\\nend\\n", "hostname  r1 \\n").differs
        False
    """
    old, new = _parse(running), _parse(candidate)
    blocks: list[BlockDiff] = []
    old_at = new_at = 1
    for path in sorted(old.keys() | new.keys(), key=_path_key):
        block = _block_diff(path, old.get(path), new.get(path), old_at, new_at)
        if block is not None:
            blocks.append(block)
        old_at += _size(path, old.get(path))
        new_at += _size(path, new.get(path))
    ipv4: list[str] = []
    legacy: list[str] = []
    for block in blocks:
        if block.status == "removed":
            where, line = block.context[:-1], block.context[-1]
            (ipv4 if is_ipv4(line, where) else legacy).append(_named(where, sanitize(line)))
        lost = [(line, sanitize(line)) for line in block.removed] + [
            (o, f"{sanitize(o)} -> {sanitize(n)}") for o, n in block.changed
        ]
        for had, shown in sorted(lost, key=lambda item: _line_key(item[0])):
            if is_ipv4(had, block.context):
                ipv4.append(_named(block.context, shown))
            elif had in block.removed:  # a changed setting is netauto's, not legacy
                legacy.append(_named(block.context, shown))
    return ConfigDiff(
        blocks=tuple(blocks),
        added=sum(len(b.added) + (b.status == "added") for b in blocks),
        removed=sum(len(b.removed) + (b.status == "removed") for b in blocks),
        changed=sum(len(b.changed) for b in blocks),
        ipv4_removed_or_changed=tuple(ipv4),
        legacy_removed=tuple(legacy),
    )


def normalise(config: str) -> str:
    """The normalised text of one configuration, the one :meth:`ConfigDiff.unified` diffs.

    Top-level lines first, then every block (its context line, then its sub-lines one
    space deeper), blocks and lines sorted, numbers by value.

    Examples:
        >>> print(normalise("hostname r1\\n!\\ninterface eth10\\n ip address 10.0.0.9/31\\nexit\\n"
        ...     "interface eth9\\n description to  r2\\nexit\\nip forwarding\\nend\\n"), end="")
        hostname r1
        interface eth9
         description to r2
        interface eth10
         ip address 10.0.0.9/31
    """
    blocks = _parse(config)
    out: list[str] = []
    for path in sorted(blocks, key=_path_key):
        if path:
            out.append(" " * (len(path) - 1) + path[-1])
        out += [" " * len(path) + line for line in _shown(path, blocks[path])]
    return "".join(line + "\n" for line in out)


def is_ipv4(line: str, context: Context = ()) -> bool:
    """Whether ``line`` (in ``context``) is IPv4 configuration.

    In order: inside a block of one family (``router ospf``/``rip``/``eigrp``,
    ``address-family ipv4 …``, a block opened by an ``ip …`` line) every line is that
    family's, innermost block first (``router ospf6``, ``router ripng``, ``address-family
    ipv6 …``, ``ipv6 …`` blocks: IPv6); then a line is IPv4 when its first word is ``ip``
    or ``access-list`` (``match ip …``/``set ip …`` in route-maps), when it opens an IPv4
    block itself, and otherwise when it carries an IPv4 address or prefix (``neighbor
    10.0.0.2 …``, ``network 10.0.0.0/24``, router-ids), free text (descriptions) aside. An
    ``ipv6 …`` line is never IPv4 (OSPFv3 areas are written like addresses).

    Examples:
        >>> is_ipv4("ip address 10.0.0.1/30"), is_ipv4("ipv6 address 2001:db8::1/64")
        (True, False)
        >>> is_ipv4("redistribute static", ("router ospf",)), is_ipv4("redistribute static")
        (True, False)
        >>> is_ipv4("ospf6 router-id 10.0.0.1", ("router ospf6",))
        False
        >>> is_ipv4("neighbor 10.0.12.2 remote-as 65002", ("router bgp 65001",))
        True
        >>> is_ipv4("neighbor fd00:12::2 activate", ("router bgp 1", "address-family ipv6 unicast"))
        False
        >>> is_ipv4("network 10.255.0.1/32", ("router bgp 65001", "address-family ipv4 unicast"))
        True
        >>> is_ipv4("access-list LEGACY seq 10 deny any"), is_ipv4("match ip address prefix-list P")
        (True, True)
        >>> is_ipv4("description uplink 10.0.0.1 (VNPT)"), is_ipv4("ipv6 ospf6 area 0.0.0.0")
        (False, False)
        >>> is_ipv4("no ip forwarding"), is_ipv4("router ospf"), is_ipv4("shutdown", ("interface",))
        (True, True, False)
    """
    for outer in reversed(context):
        family = _family(outer)
        if family:
            return family == 4
    words = _settings(line)
    if not words:
        return False
    if words[0] in ("ip", "access-list") or (words[0] in ("match", "set") and words[1:2] == ["ip"]):
        return True
    if words[0] == "ipv6":
        return False
    return _family(line) == 4 or any(_IPV4.match(w) and _valid_ipv4(w) for w in words)


def pair_key(line: str) -> str:
    """The setting a line sets: a removed and an added line with the same key are one change.

    The line without a leading ``no`` and without its last word when that word is a value
    (it holds a digit, ``.``, ``:`` or ``/``); a line with free text keeps the words up to
    the free-text keyword (``description``, ``hostname``, ``banner``, ``password``, …).

    Examples:
        >>> pair_key("ip address 10.0.0.1/30"), pair_key("description l-1001 to hub-01-r1")
        ('ip address', 'description')
        >>> pair_key("ip route 192.0.2.0/24 10.0.0.2"), pair_key("no shutdown")
        ('ip route 192.0.2.0/24', 'shutdown')
        >>> pair_key("redistribute static"), pair_key("ip ospf area 0")
        ('redistribute static', 'ip ospf area')
        >>> pair_key("neighbor 10.0.12.2 description r2 over IPv4")
        'neighbor 10.0.12.2 description'
    """
    words = _positive(line).split()
    for index, word in enumerate(words):
        if word in _FREE_TEXT:
            return " ".join(words[: index + 1])
    if len(words) > 1 and _VALUE.search(words[-1]):
        words = words[:-1]
    return " ".join(words)


# -- reading -------------------------------------------------------------------------------


@dataclass
class _Node:
    text: str
    indent: int
    children: list[_Node] = field(default_factory=list)


def _parse(config: str) -> dict[Context, dict[str, None]]:
    """Every block of ``config`` (``()``: top level) → its lines, in order, normalised."""
    roots: list[_Node] = []
    stack: list[_Node] = []
    for raw in config.splitlines():
        text = raw.strip()
        if not text or text.startswith("!") or _NOT_CONFIG.match(text):
            continue
        indent = len(raw) - len(raw.lstrip())
        if text == "end":
            stack.clear()
            continue
        if text in _EXITS:  # closes the block opened at its own indentation
            while stack and stack[-1].indent > indent:
                stack.pop()
            if stack and stack[-1].indent == indent:
                stack.pop()
            continue
        while stack and stack[-1].indent >= indent:
            stack.pop()
        node = _Node(_clean(text), indent)
        (stack[-1].children if stack else roots).append(node)
        stack.append(node)
    blocks: dict[Context, dict[str, None]] = {}
    _collect(roots, (), blocks)
    return blocks


def _collect(nodes: list[_Node], path: Context, blocks: dict[Context, dict[str, None]]) -> None:
    lines = blocks.setdefault(path, {})
    for node in nodes:
        if node.children or _OPENS.match(node.text):
            _collect(node.children, (*path, node.text), blocks)
        else:
            lines[node.text] = None


def _clean(text: str) -> str:
    """One line as FRR keeps it: single blanks, IPv6 addresses canonical (not in free text).

    Examples:
        >>> _clean("ipv6  address 2001:DB8:0::1/64"), _clean("description A  2001:DB8::1")
        ('ipv6 address 2001:db8::1/64', 'description A 2001:DB8::1')
    """
    words = text.split()
    for index, word in enumerate(words):
        if word in _FREE_TEXT:
            break
        if ":" in word:
            words[index] = _canonical_ipv6(word)
    return " ".join(words)


def _canonical_ipv6(word: str) -> str:
    try:
        if "/" in word:
            iface = ipaddress.ip_interface(word)
            return str(iface) if iface.version == 6 else word
        address = ipaddress.ip_address(word)
        return str(address) if address.version == 6 else word
    except ValueError:
        return word


def _positive(line: str) -> str:
    return line[3:] if line.startswith("no ") else line


def _settings(line: str) -> list[str]:
    """The words of a line before any free text, without a leading ``no``."""
    words = _positive(line).split()
    for index, word in enumerate(words):
        if word in _FREE_TEXT:
            return words[:index]
    return words


def _family(context_line: str) -> Literal[4, 6, None]:
    """The address family a block is about, from its context line (None: either, or none).

    Examples:
        >>> _family("router ospf vrf blue"), _family("router ospf6"), _family("interface eth0")
        (4, 6, None)
    """
    words = context_line.split()
    if words[:1] == ["ip"] or tuple(words[:2]) in _IPV4_BLOCKS:
        return 4
    if words[:1] == ["ipv6"] or tuple(words[:2]) in _IPV6_BLOCKS:
        return 6
    return None


def _valid_ipv4(word: str) -> bool:
    try:
        ipaddress.IPv4Interface(word)
    except ValueError:
        return False
    return True


# -- comparing -----------------------------------------------------------------------------


def _shown(path: Context, lines: Iterable[str]) -> list[str]:
    """The lines of a block as the normalised text has them: sorted, never-shown ones out."""
    return sorted((x for x in lines if not _never_shown(path, x)), key=_line_key)


def _never_shown(path: Context, line: str) -> bool:
    return not path and bool(_NEVER_SHOWN.match(line))


def _size(path: Context, lines: dict[str, None] | None) -> int:
    """Lines a block takes in the normalised text (its context line included)."""
    if lines is None:
        return 0
    return (1 if path else 0) + len(_shown(path, lines))


def _block_diff(
    path: Context,
    old: dict[str, None] | None,
    new: dict[str, None] | None,
    old_at: int,
    new_at: int,
) -> BlockDiff | None:
    """The differences of one block (None when there are none)."""
    before, after = old or {}, new or {}
    gone = [x for x in _shown(path, before) if x not in after]
    came = [x for x in after if x not in before]  # never-shown lines take part in pairing
    changed = _pairs(gone, came)
    paired_old = {o for o, _ in changed}
    paired_new = {n for _, n in changed}
    status: Literal["added", "removed", "changed"] = (
        "changed" if (old is None) == (new is None) else ("added" if old is None else "removed")
    )
    block = BlockDiff(
        context=path,
        status=status,
        added=tuple(x for x in _shown(path, came) if x not in paired_new),
        removed=tuple(x for x in gone if x not in paired_old),
        changed=tuple(changed),
        unchanged=tuple(x for x in _shown(path, before) if x in after),
        old_line=old_at,
        new_line=new_at,
    )
    if status == "changed" and not (block.added or block.removed or block.changed):
        return None
    return block


def _pairs(gone: list[str], came: list[str]) -> list[tuple[str, str]]:
    """Removed and added lines that are one changed setting (see the module docstring).

    Examples:
        >>> _pairs(["shutdown", "ip address 10.0.0.1/30", "ip address 10.0.0.9/30"],
        ...        ["no shutdown", "ip address 10.0.0.5/30", "ipv6 address 2001:db8::1/64"])
        [('shutdown', 'no shutdown'), ('ip address 10.0.0.1/30', 'ip address 10.0.0.5/30')]
    """
    pairs: list[tuple[str, str]] = []
    waiting = dict.fromkeys(came)  # added lines not paired yet, in order
    unpaired = []
    for old in gone:
        toggled = old[3:] if old.startswith("no ") else f"no {old}"
        if toggled in waiting:
            pairs.append((old, toggled))
            del waiting[toggled]
        else:
            unpaired.append(old)
    by_key: dict[str, list[str]] = {}
    for new in waiting:
        by_key.setdefault(pair_key(new), []).append(new)
    for old in unpaired:
        candidates = by_key.get(pair_key(old))
        if candidates:
            pairs.append((old, candidates.pop(0)))
    return pairs


# -- rendering -----------------------------------------------------------------------------


def _rows(block: BlockDiff) -> list[tuple[str, str]]:
    """The hunk lines of a block: (tag, text), both sides' sorted lines merged."""
    depth = len(block.context)
    rows: list[tuple[str, str]] = []
    if block.context:
        tag = {"changed": " ", "added": "+", "removed": "-"}[block.status]
        rows.append((tag, " " * (depth - 1) + block.context[-1]))
    old = set(block.unchanged) | set(block.removed) | {o for o, _ in block.changed}
    new = set(block.unchanged) | set(block.added) | {n for _, n in block.changed}
    gone: list[tuple[str, str]] = []
    came: list[tuple[str, str]] = []
    for line in _shown(block.context, old | new):
        if line in old and line in new:  # between two unchanged lines: removals, then additions
            rows += gone + came + [(" ", " " * depth + line)]
            gone, came = [], []
        else:
            (gone if line in old else came).append(
                ("-" if line in old else "+", " " * depth + line)
            )
    return rows + gone + came


def _spans(rows: list[tuple[str, str]], context: int) -> list[tuple[int, int]]:
    """[start, end) of each hunk: changed rows with ``context`` rows around, merged.

    Examples:
        >>> _spans([(" ", "a")] * 8 + [("+", "b")] + [(" ", "c")] * 8 + [("-", "d")], 2)
        [(6, 11), (15, 18)]
    """
    spans: list[tuple[int, int]] = []
    for index, (tag, _) in enumerate(rows):
        if tag == " ":
            continue
        start, end = max(0, index - context), min(len(rows), index + context + 1)
        if spans and start <= spans[-1][1]:
            spans[-1] = (spans[-1][0], end)
        else:
            spans.append((start, end))
    return spans


def _range(start: int, count: int) -> str:
    """A hunk range; an empty one names the line before it, as diff does."""
    return f"{start - 1 if count == 0 else start},{count}"


def _named(context: Context, line: str) -> str:
    return f"{' / '.join(context)}: {line}" if context else line


def _lines(lines: tuple[str, ...], noun: str, shown: int = 3) -> str:
    """``2 IPv4 lines: a; b`` (the first ``shown`` of them, then ``…``).

    Examples:
        >>> _lines(("a", "b", "c", "d"), "line")
        '4 lines: a; b; c; ...'
    """
    more = "; ..." if len(lines) > shown else ""
    plural = "s" if len(lines) != 1 else ""
    return f"{len(lines)} {noun}{plural}: " + "; ".join(lines[:shown]) + more


def _line_key(line: str) -> tuple[tuple[str | int, ...], str]:
    """Sort key: numbers by value (``eth2`` before ``eth10``, ``seq 5`` before ``seq 10``)."""
    parts = _DIGITS.split(line)
    return tuple(int(p) if i % 2 else p for i, p in enumerate(parts)), line


def _path_key(path: Context) -> tuple[tuple[tuple[str | int, ...], str], ...]:
    return tuple(_line_key(x) for x in path)
