"""Names the lab gives to what it creates: namespaces, runtime directory, LAN ports.

Every name carries the lab prefix (default ``na-``) so that a lab coexists with anything
else on the machine and ``netauto lab down`` removes only what is its own.
"""

from __future__ import annotations

import re
from pathlib import Path

DEFAULT_PREFIX = "na-"
RUNTIME_ROOT = Path("/run/netauto")
IFNAMSIZ = 15
"""Longest Linux interface name (16 bytes with the terminating NUL)."""

_PREFIX = re.compile(r"^[a-z][a-z0-9]{0,7}-$")
_IFNAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:-]*$")


def valid_prefix(prefix: str) -> bool:
    """Whether ``prefix`` is a usable lab prefix: a lowercase word of 1-8 characters and ``-``.

    Examples:
        >>> valid_prefix("na-"), valid_prefix("nt-"), valid_prefix("lab2-")
        (True, True, True)
        >>> valid_prefix("na"), valid_prefix("-"), valid_prefix("Na-"), valid_prefix("a/b-")
        (False, False, False, False)
    """
    return bool(_PREFIX.match(prefix))


def runtime_dir(prefix: str, root: Path = RUNTIME_ROOT) -> Path:
    """The lab's runtime directory: keys, configs, pid files, generated inventories.

    Examples:
        >>> runtime_dir("na-").as_posix()
        '/run/netauto/na'
        >>> runtime_dir("nt-", Path("/tmp/x")).as_posix()
        '/tmp/x/nt'
    """
    return root / prefix.rstrip("-")


def host_namespace(prefix: str, name: str) -> str:
    """The network namespace of a router or VM.

    Examples:
        >>> host_namespace("na-", "hub-01-r1")
        'na-hub-01-r1'
    """
    return f"{prefix}{name}"


def client_name(router: str, lan: str) -> str:
    """The name of the LAN client host that sits on ``lan`` of ``router``.

    Examples:
        >>> client_name("cm-anxuyen-r1", "office")
        'c-cm-anxuyen-r1-office'
    """
    return f"c-{router}-{lan}"


def valid_ifname(name: str) -> bool:
    """Whether Linux accepts ``name`` as an interface name.

    Examples:
        >>> valid_ifname("eth0"), valid_ifname("lan10"), valid_ifname("lo")
        (True, True, True)
        >>> valid_ifname("GigabitEthernet0/1"), valid_ifname(""), valid_ifname("a b")
        (False, False, False)
    """
    return 0 < len(name) <= IFNAMSIZ and bool(_IFNAME.match(name)) and name not in {".", ".."}


def port_name(bridge: str, tag: str) -> str:
    """The router-side end of a veth that plugs a client or VM into LAN bridge ``bridge``.

    The result fits in :data:`IFNAMSIZ` and always contains ``-``, which the plan's own
    interface names (``eth<N>``, ``lan<VLAN>``) never do.

    Examples:
        >>> port_name("lan10", "c")
        'lan10-c'
        >>> port_name("lan100", "v12")
        'lan100-v12'
        >>> port_name("averylongbridgename", "v3")
        'averylongbri-v3'
    """
    keep = IFNAMSIZ - len(tag) - 1
    return f"{bridge[:keep]}-{tag}"
