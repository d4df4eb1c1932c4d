"""Stage: plan. SoT (+ the allocation ledger) in, a typed address :class:`Plan` out.

Public API: :func:`build_plan` (pure: the planner's phases in order, see
:mod:`netauto.plan.build`) and :func:`diff_ledgers`; :func:`load_ledger` /
:func:`save_ledger` (the ledger file); for later stages, :func:`plan_for` (load the SoT and
its ledger, build, write nothing) and :func:`sot_and_plan` (the same through the plan's
cache, :mod:`netauto.plan.cache`). The addressing policy is in ``docs/ADDRESSING.md``.
"""

from __future__ import annotations

from pathlib import Path

from netauto.errors import InputError
from netauto.plan import cache
from netauto.plan.build import Change, PlanResult, build_plan, diff_ledgers
from netauto.plan.ledger import Ledger, load_ledger, save_ledger
from netauto.plan.models import Plan
from netauto.sot.loader import load_sot
from netauto.sot.source import LoadedSoT, ledger_path, sot_files

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
    "store_plan",
]


def sot_and_plan(inventory: Path, cache_dir: Path | None = None) -> tuple[LoadedSoT, Plan]:
    """The validated SoT at ``inventory`` and its plan (with the ledger; writes no ledger).

    With ``cache_dir`` (``<state-dir>/cache``), what ``netauto plan`` stored for these very
    SoT files, ledger and code is used (:mod:`netauto.plan.cache`); on a miss the plan is
    built and stored.

    Raises:
        InputError: the SoT or the ledger is invalid, or a pool is exhausted.
    """
    key = _cache_key(inventory) if cache_dir is not None else None
    if cache_dir is not None:
        hit = cache.load(cache_dir, key)
        if isinstance(hit, tuple) and len(hit) == 2:
            loaded, plan = hit
            if isinstance(loaded, LoadedSoT) and isinstance(plan, Plan):
                return loaded, plan
    loaded = load_sot(inventory)
    ledger = load_ledger(ledger_path(inventory))
    plan = build_plan(loaded.sot, ledger, locations=loaded.locations).plan
    if cache_dir is not None:
        cache.store(cache_dir, key, (loaded, plan))
    return loaded, plan


def store_plan(inventory: Path, cache_dir: Path, loaded: LoadedSoT, plan: Plan) -> None:
    """Keep ``loaded`` and ``plan`` for the verbs that follow (``netauto plan`` calls this
    once the ledger is saved)."""
    cache.store(cache_dir, _cache_key(inventory), (loaded, plan))


def _cache_key(inventory: Path) -> str | None:
    try:
        files = sot_files(inventory)
    except InputError:
        return None  # loading the SoT says why
    return cache.key_of(files, ledger_path(inventory))


def plan_for(inventory: Path) -> PlanResult:
    """Load the SoT at ``inventory`` and its ledger, and build the plan (writes nothing).

    Raises:
        InputError: the SoT or the ledger is invalid, or a pool is exhausted.
    """
    loaded = load_sot(inventory)
    ledger = load_ledger(ledger_path(inventory))
    return build_plan(loaded.sot, ledger, locations=loaded.locations)
