"""Stage: import (``netauto import``; ``import`` is a Python keyword, hence *adopt*).

Adopts a running IPv4 province: the network is read (live: :mod:`netauto.adopt.live`;
offline from saved configurations: :mod:`netauto.adopt.offline`), set beside the SoT and
its plan by the pure core (:func:`reconcile`), and the result is the SoT's ``imported``
section (:mod:`netauto.adopt.document`) that ``netauto plan`` keeps. :mod:`netauto.adopt.run`
is the procedure around the core (ledger, checks, the file, the write).
"""

from __future__ import annotations

from netauto.adopt.models import (
    Conflict,
    ConflictKind,
    ImportResult,
    ImportStats,
    NotKept,
    Observation,
    ObservedVm,
)
from netauto.adopt.reconcile import reconcile, reconcile_observation

__all__ = [
    "Conflict",
    "ConflictKind",
    "ImportResult",
    "ImportStats",
    "NotKept",
    "Observation",
    "ObservedVm",
    "reconcile",
    "reconcile_observation",
]
