"""Platforms: everything netauto knows about one kind of device, in one module each.

A :class:`Platform` says how netauto names its interfaces, which templates render it and
which side files it has, how Napalm, Netmiko and Ansible reach it, how it confirms a
commit, and how its configuration is read back. Every other module asks the registry
(:func:`get`, :func:`names`) instead of keeping a table of its own, so a platform is added
with one module here and its folder in ``templates/`` (see docs/ARCHITECTURE.md).

Examples:
    >>> get("cisco_ios").lan_name(20), get("junos").loopback
    ('GigabitEthernet0/1.20', 'lo0.0')
    >>> [p for p in names() if get(p).router]
    ['cisco_ios', 'eos', 'frr', 'huawei_vrp', 'junos']
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from netauto.errors import InputError, Problem

CommitConfirm = Literal["native", "emulated", "none"]
Reader = Literal["ios_like", "vrp", "junos", "none"]
Syntax = Literal["frr", "ios", "vrp", "none"]


@dataclass(frozen=True)
class Platform:
    """One platform (see the module docstring)."""

    name: str
    description: str
    router: bool
    """A router netauto renders a configuration for and pushes to (not a Linux VM)."""
    wan: Callable[[int], str]
    """Default name of the n-th WAN (point-to-point) interface."""
    lan: Callable[[int], str]
    """Default name of the routed interface serving a VLAN."""
    loopback: str
    templates: str
    """Folder under ``templates/`` (the device's ``device.j2`` is in it)."""
    netmiko_device_type: str
    napalm_driver: str | None = None
    napalm_module: str | None = None
    """The Python module that provides the Napalm driver (to tell whether it is installed)."""
    ansible_network_os: str | None = None
    commit_confirm: CommitConfirm = "none"
    """``native``: the driver's ``commit_config(revert_in=...)`` reverts on the box by itself;
    ``emulated``: netauto commits, checks and rolls back itself."""
    side_files: tuple[tuple[str, str], ...] = ()
    """(template, file suffix) rendered beside the config (FRR's nftables ruleset)."""
    reader: Reader = "none"
    """How a rendered configuration is read back (:mod:`netauto.parse.readback`)."""
    saved_config: Syntax = "none"
    """Which reader of :mod:`netauto.parse.configs` reads its saved running configuration
    (``netauto import --from-configs``); ``none``: not supported."""
    interface_unit: bool = False
    """Interfaces carry addresses on unit 0 (Junos): ``ge-0/0/1`` reads back as ``ge-0/0/1.0``."""
    vtysh: bool = False
    """An FRR box: rendered configs are checked with FRR's own parser (``vtysh --dryrun``) and
    a push reads its routing state as vtysh JSON for the post-checks."""
    in_lab: bool = False
    """The virtual lab can run it."""
    aliases: tuple[str, ...] = field(default=())

    def wan_name(self, index: int) -> str:
        """Default name of the ``index``-th WAN interface.

        Examples:
            >>> get("frr").wan_name(0), get("eos").wan_name(0)
            ('eth0', 'Ethernet1')
        """
        return self.wan(index)

    def lan_name(self, vlan: int) -> str:
        """Default name of the routed interface serving VLAN ``vlan``."""
        return self.lan(vlan)

    def canonical_interface(self, name: str) -> str:
        """The name a read-back reports for a plan interface name.

        Examples:
            >>> get("junos").canonical_interface("ge-0/0/1"), get("frr").canonical_interface("eth0")
            ('ge-0/0/1.0', 'eth0')
        """
        if self.interface_unit and "." not in name:
            return f"{name}.0"
        return name

    def driver_installed(self) -> bool:
        """Whether the Napalm driver is importable here (a push needs it).

        Examples:
            >>> get("frr").driver_installed(), get("linux").driver_installed()
            (True, False)
        """
        if self.napalm_module is None:
            return False
        try:
            return importlib.util.find_spec(self.napalm_module) is not None
        except (ImportError, ValueError):
            return False


_REGISTRY: dict[str, Platform] = {}


def register(platform: Platform) -> Platform:
    """Add ``platform`` to the registry (its module calls this once) and return it."""
    _REGISTRY[platform.name] = platform
    return platform


def names() -> list[str]:
    """Every platform's name, sorted."""
    return sorted(_REGISTRY)


def get(name: str) -> Platform:
    """The platform called ``name``.

    Raises:
        InputError: no platform has that name.
    """
    try:
        return _REGISTRY[name]
    except KeyError:
        raise InputError(
            Problem(None, None, "platform", f"unknown platform {name!r}",
                    f"expected one of: {', '.join(names())}")
        ) from None  # fmt: skip


def routers() -> list[Platform]:
    """The router platforms, by name."""
    return [get(n) for n in names() if get(n).router]


from netauto.platforms import (  # noqa: E402  (each module registers itself)
    cisco_ios,
    eos,
    frr,
    huawei_vrp,
    junos,
    linux,
)

__all__ = ["Platform", "get", "names", "register", "routers"]
del cisco_ios, eos, frr, huawei_vrp, junos, linux
