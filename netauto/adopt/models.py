"""What ``netauto import`` reads and what it finds: typed data between its readers, its pure
core (:func:`netauto.adopt.reconcile.reconcile`) and the command line.

Readers (offline: :mod:`netauto.adopt.offline`; live: :mod:`netauto.adopt.live`) give an
:class:`Observation`; the core turns it, with the SoT and its plan, into an
:class:`ImportResult`: the SoT's new ``imported`` section, the conflicts that stop the
import (:class:`Conflict`, one line each) and what the running network has that the
``imported`` section cannot hold (:class:`NotKept`, listed for the reviewer).
"""

from __future__ import annotations

from ipaddress import IPv4Interface
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from netauto.parse.observed import ObservedDevice
from netauto.sot.models import Imported

ConflictKind = Literal[
    "address-used-twice",
    "subnet-used-twice",
    "link-subnets",
    "unknown-device",
    "missing-device",
    "duplicate-device",
    "contradicts-sot",
    "contradicts-imported",
    "missing-interface",
    "lldp-contradicts-link",
    "vm-address",
]
"""What disagrees:

- ``address-used-twice``: one IPv4 address on two interfaces (or a VM);
- ``subnet-used-twice``: one subnet on two LANs, links or loopbacks (or one inside another);
- ``link-subnets``: the two ends of a SoT link are not two addresses of one subnet;
- ``unknown-device``: a device in the network that the SoT does not have;
- ``missing-device``: a device (router or VM) of the SoT that is not in the network;
- ``duplicate-device``: two configurations (or hosts) for one device;
- ``contradicts-sot``: a live address against one the SoT fixes (``lans[].ipv4``,
  ``links[].a/b.ipv4``, ``vms[].ipv4``);
- ``contradicts-imported``: a live address against the SoT's existing ``imported`` entry;
- ``missing-interface``: an interface the plan gives the device is not on it;
- ``lldp-contradicts-link``: LLDP sees another neighbour on a link's interface than the
  SoT's link says;
- ``vm-address``: a VM has no address on its network, or several.
"""

ALSO_KINDS: frozenset[str] = frozenset(
    {"address-used-twice", "subnet-used-twice", "duplicate-device"}
)
"""Kinds whose second value is another place in the network, not a SoT value."""


class AdoptModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Conflict(AdoptModel):
    """One disagreement that stops the import (nothing is written while there is one).

    Examples:
        >>> print(Conflict(device="hub-01-r1", interface="eth1", kind="link-subnets",
        ...     message="link l-1001: the two ends are in different subnets",
        ...     live="172.16.0.1/30", sot="cm-anxuyen-r1 eth0 172.16.1.2/30",
        ...     hint="fix the address of one end", source="hub-01-r1.conf", line=22))
        ... # doctest: +NORMALIZE_WHITESPACE
        hub-01-r1 eth1: link l-1001: the two ends are in different subnets (live
        172.16.0.1/30, SoT cm-anxuyen-r1 eth0 172.16.1.2/30) (hint: fix the address of one
        end) [hub-01-r1.conf:22]
    """

    device: str
    interface: str = Field(description="'-' when the conflict is about the whole device")
    kind: ConflictKind
    message: str
    live: str = Field(description="what the network runs")
    sot: str = Field(description="what the SoT (or, for ALSO_KINDS, another place) says")
    hint: str
    source: str | None = Field(None, description="the saved configuration read (offline)")
    line: int | None = None

    def __str__(self) -> str:
        label = "also" if self.kind in ALSO_KINDS else "SoT"
        text = (
            f"{self.device} {self.interface}: {self.message} "
            f"(live {self.live}, {label} {self.sot}) (hint: {self.hint})"
        )
        if self.source:
            text += f" [{self.source}{f':{self.line}' if self.line else ''}]"
        return text


class NotKept(AdoptModel):
    """Something the device runs that the SoT's ``imported`` section cannot hold.

    It does not stop the import; the reviewer reads the list (it stays on the device only
    as configuration netauto does not own).

    Examples:
        >>> print(NotKept(device="dc-core-r1", what="route map STATIC-TO-OSPF",
        ...     why="route maps are not imported", source="dc-core-r1.conf", line=61))
        dc-core-r1: route map STATIC-TO-OSPF: route maps are not imported [dc-core-r1.conf:61]
    """

    device: str
    interface: str | None = None
    what: str
    why: str
    source: str | None = None
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.device} {self.interface}" if self.interface else self.device
        text = f"{where}: {self.what}: {self.why}"
        if self.source:
            text += f" [{self.source}{f':{self.line}' if self.line else ''}]"
        return text


class ObservedVm(AdoptModel):
    """A data-centre VM as it runs: its global IPv4 addresses, by interface."""

    name: str
    addresses: list[tuple[str, IPv4Interface]] = Field(
        default_factory=list, description="(interface, address), loopback left out"
    )
    source: str = "live"


class Observation(AdoptModel):
    """Everything a reader found: the input of :func:`~netauto.adopt.reconcile.reconcile`."""

    source: str = Field(description="what was read, written into the imported section")
    devices: list[ObservedDevice] = Field(default_factory=list)
    vms: list[ObservedVm] | None = Field(
        None, description="None: VMs were not read (offline without a VM file)"
    )
    unreachable: dict[str, str] = Field(
        default_factory=dict, description="hosts that did not answer: name -> why"
    )
    scope: list[str] | None = Field(
        None,
        description="the SoT hosts this network holds (a subset lab); None: all of them",
    )
    notes: list[str] = Field(default_factory=list, description="what the reader wants said")


class ImportStats(AdoptModel):
    """How much the import fixes and keeps (the summary line)."""

    devices: int = Field(description="SoT routers read from the network")
    vms: int = Field(description="SoT VMs read from the network")
    addresses: int = Field(
        description="IPv4 addresses fixed: loopbacks, link ends, LAN gateways, VMs"
    )
    legacy: int = Field(
        description="legacy items kept: descriptions, secondaries, shut interfaces, static "
        "routes, filters, OSPF router-ids, redistributions and distribute-lists"
    )


class ImportResult(AdoptModel):
    """The reconciled running network."""

    imported: Imported
    conflicts: list[Conflict] = Field(default_factory=list)
    not_kept: list[NotKept] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)
    stats: ImportStats
