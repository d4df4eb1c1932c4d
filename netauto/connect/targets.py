"""Targets: where push, diff, verify and inventory connect, behind one small contract.

A :class:`Target` knows how to open Nornir on the routers it can reach, which hosts and
sites it holds (a subset lab holds some of the SoT's), how Ansible reaches its VMs, and
which LAN clients can probe from a commune's LAN. ``prod`` (:mod:`netauto.connect.prod`) is
registered here; the virtual lab registers its own (``netauto.lab.target``, wired by the
command line), so nothing below the command line imports the lab.

Adding a target is one module with a class following :class:`Target` and one
:func:`register` call (see docs/ARCHITECTURE.md).
"""

from __future__ import annotations

import difflib
import ipaddress
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from netauto.errors import InputError, Problem
from netauto.sot.models import SoT


@dataclass(frozen=True)
class TargetOptions:
    """What the user said about the target (``--lab-prefix``, ``--credentials``)."""

    lab_prefix: str | None = None
    credentials_file: Path | None = None


@dataclass(frozen=True)
class VmAccess:
    """How Ansible reaches a target's data-centre VMs and where the role may write on them
    (``files_root`` set: every VM keeps its files under ``files_root/<vm>/netauto``)."""

    ssh_config: Path | None = None
    private_key: Path | None = None
    user: str = "root"
    files_root: Path | None = None
    ipv6_nodad: bool = False


@dataclass(frozen=True)
class LanClient:
    """A host on a commune's LAN that probes can leave from (the lab's client namespaces)."""

    name: str
    router: str
    lan: str
    addresses: tuple[ipaddress.IPv4Interface | ipaddress.IPv6Interface, ...]
    netns: str
    """The network namespace file the client's probes run in."""
    exec_prefix: tuple[str, ...] = field(default=())
    """The command line prefix that runs a command inside the client."""

    def exec_argv(self, argv: list[str]) -> list[str]:
        """The command line that runs ``argv`` inside the client.

        Examples:
            >>> prefix = ("ip", "netns", "exec", "c1")
            >>> c = LanClient("c1", "r1", "office", (), "/run/netns/c1", prefix)
            >>> c.exec_argv(["ping", "x"])
            ['ip', 'netns', 'exec', 'c1', 'ping', 'x']
        """
        return [*self.exec_prefix, *argv]


class Target(Protocol):
    """The contract every target follows."""

    name: str
    needs_root: bool
    """True when reaching it needs root (the lab's namespaces)."""

    def open_nornir(self, sot: SoT, workers: int) -> tuple[Any, list[str]]:
        """A Nornir object for this target and the routers it can reach."""
        ...

    def hosts(self) -> dict[str, str] | None:
        """Host name → ``router`` or ``vm`` of every host it holds; None: all of the SoT's."""
        ...

    def sites(self) -> set[str] | None:
        """Slugs of the sites whose routers it holds; None: every site of the SoT."""
        ...

    def clients(self) -> list[LanClient]:
        """LAN hosts that probes can leave from (none in production)."""
        ...

    def vm_access(self) -> VmAccess:
        """How Ansible reaches its VMs."""
        ...


Factory = Callable[[TargetOptions], Target]
_REGISTRY: dict[str, Factory] = {}


def register(name: str, factory: Factory) -> None:
    """Make ``--target NAME`` open ``factory(options)`` (a later registration replaces one)."""
    _REGISTRY[name] = factory


def names() -> list[str]:
    """The registered targets, sorted."""
    return sorted(_REGISTRY)


def get(name: str, options: TargetOptions | None = None) -> Target:
    """The target called ``name``.

    Raises:
        InputError: no target has that name (the known ones are named).
    """
    factory = _REGISTRY.get(name)
    if factory is None:
        close = difflib.get_close_matches(name, names(), n=1)
        hint = f"did you mean {close[0]!r}?" if close else f"expected one of: {', '.join(names())}"
        raise InputError(Problem(None, None, "--target", f"unknown target {name!r}", hint))
    return factory(options or TargetOptions())
