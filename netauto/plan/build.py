"""The planner: SoT + ledger in, :class:`Plan` + new ledger + changes out (no I/O).

:func:`build_plan` runs the phases of :mod:`netauto.plan.phases` in order over one
:class:`~netauto.plan.state.PlanState`, with a checkpoint wherever later phases need the
earlier ones to have succeeded. The addressing policy they implement (zones, site slots,
LAN codes, pools, the ledger's stability rules) is written down in ``docs/ADDRESSING.md``.
"""

from __future__ import annotations

from collections.abc import Mapping

from pydantic import BaseModel, ConfigDict

from netauto.plan.ledger import Ledger
from netauto.plan.models import Plan
from netauto.plan.phases import assemble, diff, interfaces, ipv4, ipv6, vms
from netauto.plan.phases.diff import Change, diff_ledgers
from netauto.plan.phases.ipv4 import LOOPBACK_POOL, P2P_POOL
from netauto.plan.phases.ipv6 import FUNCTION_CODES
from netauto.plan.phases.vms import VM_FIRST_HOST
from netauto.plan.state import PlanState
from netauto.sot.models import SoT
from netauto.sot.source import Location, PathKey

__all__ = [
    "FUNCTION_CODES",
    "LOOPBACK_POOL",
    "P2P_POOL",
    "VM_FIRST_HOST",
    "Change",
    "PlanResult",
    "build_plan",
    "diff_ledgers",
    "ledger_text_after",
]


class PlanResult(BaseModel):
    """What :func:`build_plan` returns: the plan, the ledger to save and what changed."""

    model_config = ConfigDict(frozen=True, defer_build=True)

    plan: Plan
    ledger: Ledger
    changes: list[Change]


def build_plan(
    sot: SoT,
    ledger: Ledger | None = None,
    *,
    prune: bool = False,
    locations: Mapping[PathKey, Location] | None = None,
) -> PlanResult:
    """Plan every address of the province, keeping what ``ledger`` already allocated.

    Args:
        sot: the validated source of truth.
        ledger: the previous allocations (None: a fresh plan).
        prune: drop ledger entries of sites, devices, links, LANs and VMs no longer in the SoT.
        locations: where each SoT value was written (``LoadedSoT.locations``), for errors.

    Raises:
        InputError: every problem the phases found (a missing zone, a fixed address that
            collides, a LAN without a router, a VM without a LAN) and every exhausted pool
            (which pool, how many more were needed); nothing is returned then.
    """
    state = PlanState(sot, ledger or Ledger(), prune, dict(locations or {}))
    ipv6.check_zones(state)
    state.checkpoint()  # every later phase needs a zone for each site kind
    ipv6.run(state)
    ipv4.run(state)
    interfaces.run(state)
    vms.run(state)
    state.checkpoint()  # assembling needs every allocation to have been made
    assemble.run(state)
    diff.run(state)
    assert state.plan is not None and state.ledger is not None
    return PlanResult(plan=state.plan, ledger=state.ledger, changes=state.changes)


def ledger_text_after(result: PlanResult, old: Ledger | None) -> str | None:
    """The ledger text ``netauto plan`` writes for ``result`` built on the ledger ``old``;
    None when the file stays as it is (no change, and a ledger file exists)."""
    return result.ledger.to_yaml() if result.changes or old is None else None
