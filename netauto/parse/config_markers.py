"""The lines that tell which platform a saved configuration comes from.

FRR prints ``frr version``/``frr defaults``; IOS prints ``version 15.7`` and
``Current configuration : N bytes``; VRP prints ``!Software Version``, `` sysname`` and ends
with ``return``. :func:`guess` uses them to pick a reader, and each reader uses
:func:`refuse_foreign` so that a file read with the wrong platform is refused at the line
that shows what it is, rather than at some later statement the reader does not know.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from netauto.parse.config_tree import problem
from netauto.parse.observed import ConfigPlatform

LABELS: dict[ConfigPlatform, str] = {
    "frr": "FRR",
    "cisco_ios": "Cisco IOS",
    "huawei_vrp": "Huawei VRP",
}


class Marker(NamedTuple):
    """A line that shows the platform."""

    platform: ConfigPlatform
    line: int
    text: str


def _platform_of(line: str) -> ConfigPlatform | None:
    words = line.split()
    if not words:
        return None
    if words[:2] in (["frr", "version"], ["frr", "defaults"]) and not line[0].isspace():
        return "frr"
    if words[0] == "sysname" or line.startswith("!Software Version"):
        return "huawei_vrp"
    if words[0] == "version" and len(words) == 2 and words[1][:1].isdigit():
        return "cisco_ios" if not line[0].isspace() else None
    if line.startswith("Current configuration :"):
        return "cisco_ios"
    return None


def markers(lines: Sequence[str]) -> list[Marker]:
    """Every line that shows a platform, in order.

    Examples:
        >>> [(m.platform, m.line) for m in markers(["!", "version 15.7", "frr version 8.4.4"])]
        [('cisco_ios', 2), ('frr', 3)]
    """
    found = []
    for number, line in enumerate(lines, 1):
        platform = _platform_of(line)
        if platform is not None:
            found.append(Marker(platform, number, line.strip()))
    return found


def guess(lines: Sequence[str]) -> ConfigPlatform | None:
    """The platform the lines show, or one told by the form of their statements.

    Without a marker: ``#`` separators and a final ``return`` are VRP, ``ip address A/LEN``
    is FRR, ``hostname`` (with ``ip address A MASK``) is IOS.

    Examples:
        >>> guess(["interface eth0", " ip address 10.0.0.1/31"]), guess(["hello"])
        ('frr', None)
    """
    found = markers(lines)
    if found:
        return found[0].platform
    words = [line.split() for line in lines]
    heads = [w[:2] for w in words if w]
    if sum(1 for w in words if w == ["#"]) >= 2 and heads and heads[-1] == ["return"]:
        return "huawei_vrp"
    addresses = [w for w in words if w[:2] == ["ip", "address"]]
    if addresses and all(len(w) > 2 and "/" in w[2] for w in addresses):
        return "frr"
    if any(head[0] == "hostname" for head in heads):
        return "cisco_ios"
    return None


def refuse_foreign(lines: Sequence[str], source: str, platform: ConfigPlatform) -> None:
    """Refuse lines that show another platform and nothing of ``platform``.

    Examples:
        >>> refuse_foreign(["#", " sysname r1", "#"], "r1.cfg", "frr")  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        netauto.errors.InputError: r1.cfg:2: 'sysname r1' is not FRR syntax: this looks like a ...
    """
    found = markers(lines)
    if not found or any(marker.platform == platform for marker in found):
        return
    first = found[0]
    raise problem(
        source,
        first.line,
        f"{first.text!r} is not {LABELS[platform]} syntax: this looks like a "
        f"{LABELS[first.platform]} configuration",
        f"read it as {first.platform}",
    )
