"""Stage: lab. A virtual copy of the province in network namespaces (FRR + sshd per router).

Public API for push and verify (``--target lab``): :func:`info` returns the running lab's
:class:`LabInfo` (ssh_config, key, Nornir config file, every host with its namespace and
addresses; ``LabInfo.exec_argv(host, argv)`` runs a command inside a host, e.g. a LAN
client). The pure core is :func:`build_topology`; :mod:`netauto.lab.runner` executes it.
"""

from __future__ import annotations

from netauto.lab.state import LabInfo, info
from netauto.lab.topology import LabHost, LabTopology, build_topology

__all__ = ["LabHost", "LabInfo", "LabTopology", "build_topology", "info"]
