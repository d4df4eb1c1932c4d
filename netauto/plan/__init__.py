"""Stage: plan. SoT (+ the allocation ledger) in, a typed address :class:`Plan` out.

Public API: :func:`build_plan` (pure), :func:`load_ledger` / :func:`save_ledger` (the only
I/O) and :func:`plan_inventory` (load SoT + ledger, build, no writes) for later stages.
"""

from __future__ import annotations

from pathlib import Path

from netauto.plan.build import Change, PlanResult, build_plan, diff_ledgers
from netauto.plan.ledger import Ledger, ledger_path, load_ledger, save_ledger
from netauto.plan.models import Plan

__all__ = [
    "Change",
    "Ledger",
    "Plan",
    "PlanResult",
    "build_plan",
    "diff_ledgers",
    "ledger_path",
    "load_ledger",
    "plan_for",
    "save_ledger",
]


def plan_for(inventory: Path) -> PlanResult:
    """Load the SoT at ``inventory`` and its ledger, and build the plan (writes nothing).

    Raises:
        InputError: the SoT or the ledger is invalid, or a pool is exhausted.
    """
    from netauto.sot.loader import load_sot

    loaded = load_sot(inventory)
    ledger = load_ledger(ledger_path(inventory))
    return build_plan(loaded.sot, ledger, locations=loaded.locations)
