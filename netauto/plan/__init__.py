"""Stage: plan. SoT (+ the allocation ledger) in, a typed address :class:`Plan` out.

Public API: :func:`build_plan` (pure: SoT + old ledger in, plan + new ledger + changes out),
:func:`load_ledger` / :func:`save_ledger` (the stage's only I/O), and for later stages
:func:`plan_for` / :func:`sot_and_plan` (load the SoT and its ledger, build; write nothing).
"""

from __future__ import annotations

from pathlib import Path

from netauto.plan.build import Change, PlanResult, build_plan, diff_ledgers
from netauto.plan.ledger import Ledger, load_ledger, save_ledger
from netauto.plan.models import Plan
from netauto.sot.loader import load_sot
from netauto.sot.source import LoadedSoT, ledger_path

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
    "sot_and_plan",
]


def sot_and_plan(inventory: Path) -> tuple[LoadedSoT, Plan]:
    """The validated SoT at ``inventory`` and its plan (with the ledger; writes nothing).

    Raises:
        InputError: the SoT or the ledger is invalid, or a pool is exhausted.
    """
    loaded = load_sot(inventory)
    ledger = load_ledger(ledger_path(inventory))
    return loaded, build_plan(loaded.sot, ledger, locations=loaded.locations).plan


def plan_for(inventory: Path) -> PlanResult:
    """Load the SoT at ``inventory`` and its ledger, and build the plan (writes nothing).

    Raises:
        InputError: the SoT or the ledger is invalid, or a pool is exhausted.
    """
    loaded = load_sot(inventory)
    ledger = load_ledger(ledger_path(inventory))
    return build_plan(loaded.sot, ledger, locations=loaded.locations)
