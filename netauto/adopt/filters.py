"""Access-list and prefix-list entries, as the readers kept them (statements as written),
read into the SoT's ``imported`` filter entries (``seq``, ``permit``/``deny``, a prefix or
any).

The readers of :mod:`netauto.parse` keep each entry verbatim; what an entry *matches* is
read here, token by token, for the three syntaxes netauto reads:

- FRR: ``access-list NAME [seq N] permit|deny PREFIX|any``,
  ``ip prefix-list NAME [seq N] permit|deny PREFIX|any``;
- Cisco IOS: ``access-list N permit|deny ADDRESS [WILDCARD]|host A|any``, the sub-lines of
  ``ip access-list standard NAME`` (``permit ADDRESS WILDCARD``), ``ip prefix-list`` as FRR;
- Huawei VRP: basic ACL rules (``rule N permit|deny [source ADDRESS WILDCARD|any]``),
  ``ip ip-prefix NAME index N permit|deny ADDRESS LENGTH``.

An entry that matches on more than a source prefix (extended ACLs: protocols, ports,
destinations; prefix lists with ``ge``/``le``) cannot be held by the ``imported`` section:
the whole filter is then reported as not kept rather than kept in part.
"""

from __future__ import annotations

import ipaddress
from typing import Literal

from netauto.sot.models import ImportedFilterEntry

Action = Literal["permit", "deny"]
COMMENTS = frozenset({"remark", "description"})
"""Entry keywords that carry a comment, not a match (dropped, and said so)."""


class Unreadable(ValueError):
    """An entry that matches on more than one source prefix (the message says what)."""


def _prefix(tokens: list[str]) -> ipaddress.IPv4Network | None:
    """The prefix a match written as ``tokens`` covers (None: any).

    Examples:
        >>> [str(_prefix(t)) for t in (["any"], ["10.0.0.0/8"], ["10.1.0.0", "0.0.255.255"],
        ...  ["host", "10.1.1.1"], ["10.2.0.0", "16"], ["source", "10.3.0.0", "0.0.0.255"],
        ...  ["10.9.9.9"], [], ["source", "any"])]
        ... # doctest: +NORMALIZE_WHITESPACE
        ['None', '10.0.0.0/8', '10.1.0.0/16', '10.1.1.1/32', '10.2.0.0/16', '10.3.0.0/24',
         '10.9.9.9/32', 'None', 'None']
        >>> _prefix(["10.0.0.0/8", "le", "24"])
        Traceback (most recent call last):
        ...
        netauto.adopt.filters.Unreadable: matches on more than a prefix: 10.0.0.0/8 le 24
    """
    if tokens[:1] == ["source"]:
        tokens = tokens[1:]
    try:
        match tokens:
            case [] | ["any"]:
                return None
            case ["host", address]:
                return ipaddress.IPv4Network(f"{address}/32")
            case [text] if "/" in text:
                return ipaddress.IPv4Network(text)
            case [address]:
                return ipaddress.IPv4Network(f"{address}/32")
            case [address, length] if length.isdigit():
                return ipaddress.IPv4Network(f"{address}/{length}")
            case [address, wildcard] if wildcard.count(".") == 3:
                return ipaddress.IPv4Network(f"{address}/{wildcard}")
    except ValueError as exc:
        raise Unreadable(f"not an IPv4 prefix: {' '.join(tokens)}") from exc
    raise Unreadable(f"matches on more than a prefix: {' '.join(tokens)}")


def _after_name(tokens: list[str], name: str) -> list[str]:
    """The tokens of an entry after its list keyword and name (``access-list NAME``, ``ip
    prefix-list NAME``, ``ip ip-prefix NAME``), or all of them for a block's sub-line.

    Examples:
        >>> _after_name("ip prefix-list P seq 5 permit any".split(), "P")
        ['seq', '5', 'permit', 'any']
        >>> _after_name(["permit", "any"], "MGMT")
        ['permit', 'any']
    """
    for index, token in enumerate(tokens[:3]):
        if token == name and index > 0:
            return tokens[index + 1 :]
    return tokens


def entry(text: str, name: str) -> ImportedFilterEntry | None:
    """One filter entry read from its statement; None for a comment line.

    Examples:
        >>> entry("access-list MGMT seq 5 permit 172.21.255.0/24", "MGMT")
        ImportedFilterEntry(seq=5, action='permit', prefix=IPv4Network('172.21.255.0/24'))
        >>> entry(" deny   192.0.2.0 0.0.0.255", "NO-PARTNER").prefix
        IPv4Network('192.0.2.0/24')
        >>> entry(" rule 10 permit", "2001")
        ImportedFilterEntry(seq=10, action='permit', prefix=None)
        >>> entry("ip ip-prefix P index 10 deny 172.21.31.0 24", "P").seq
        10
        >>> entry("access-list 10 remark management hosts", "10") is None
        True
        >>> entry(" permit tcp any any eq 443", "X")
        Traceback (most recent call last):
        ...
        netauto.adopt.filters.Unreadable: matches on more than a prefix: tcp any any eq 443

    Raises:
        Unreadable: the entry matches on more than a source prefix.
    """
    tokens = _after_name(text.split(), name)
    if tokens and tokens[0] in COMMENTS:
        return None
    seq: int | None = None
    if len(tokens) >= 2 and tokens[0] in ("seq", "index", "rule") and tokens[1].isdigit():
        seq, tokens = int(tokens[1]), tokens[2:]
    elif tokens and tokens[0].isdigit():
        seq, tokens = int(tokens[0]), tokens[1:]
    if not tokens or tokens[0] not in ("permit", "deny"):
        raise Unreadable(f"not a permit or deny entry: {text.strip()}")
    action: Action = "permit" if tokens[0] == "permit" else "deny"
    if seq is not None and not 1 <= seq <= 4294967295:
        raise Unreadable(f"sequence number out of range: {seq}")
    return ImportedFilterEntry(seq=seq, action=action, prefix=_prefix(tokens[1:]))


def entries(lines: list[str], name: str) -> tuple[list[ImportedFilterEntry], int]:
    """Every entry of a filter and how many comment lines were dropped.

    Examples:
        >>> found, comments = entries(["access-list 10 remark mgmt",
        ...     "access-list 10 permit 172.21.255.0 0.0.0.255"], "10")
        >>> [str(e.prefix) for e in found], comments
        (['172.21.255.0/24'], 1)

    Raises:
        Unreadable: one entry matches on more than a source prefix.
    """
    found: list[ImportedFilterEntry] = []
    comments = 0
    for text in lines:
        item = entry(text, name)
        if item is None:
            comments += 1
        else:
            found.append(item)
    return found, comments
