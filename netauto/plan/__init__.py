"""Stage: plan. SoT (+ the allocation ledger) in, a typed address :class:`Plan` out.

Public API: :func:`build_plan` (pure: the planner's phases in order, see
:mod:`netauto.plan.build`) and :func:`diff_ledgers`; :func:`load_ledger` /
:func:`save_ledger` (the ledger file); for later stages, :func:`plan_for` (load the SoT
and its ledger, build, write nothing), :func:`sot_and_plan` (the same through the cache),
:func:`plan_as_saved` and :func:`plan_cache_key`. The addressing policy is in
``docs/ADDRESSING.md``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from netauto.lazy import lazy_exports

if TYPE_CHECKING:
    from netauto.plan.build import Change, PlanResult, build_plan, diff_ledgers
    from netauto.plan.ledger import Ledger, load_ledger, save_ledger
    from netauto.plan.models import Plan
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
    "plan_as_saved",
    "plan_cache_key",
    "plan_for",
    "save_ledger",
    "sot_and_plan",
]

_LAZY = {
    "Change": "netauto.plan.build",
    "PlanResult": "netauto.plan.build",
    "build_plan": "netauto.plan.build",
    "diff_ledgers": "netauto.plan.build",
    "Ledger": "netauto.plan.ledger",
    "Plan": "netauto.plan.models",
    "ledger_path": "netauto.sot.source",
    "load_ledger": "netauto.plan.ledger",
    "save_ledger": "netauto.plan.ledger",
}
"""Imported on first use: a stage that reads a cached plan needs only ``netauto.plan.models``,
and computing a cache key (:func:`plan_cache_key`) needs none of them."""

__getattr__ = lazy_exports(__name__, _LAZY)


def plan_for(inventory: Path) -> PlanResult:
    """Load the SoT at ``inventory`` and its ledger, and build the plan (writes nothing).

    Raises:
        InputError: the SoT or the ledger is invalid, or a pool is exhausted.
    """
    from netauto.plan.build import build_plan
    from netauto.plan.ledger import load_ledger
    from netauto.sot.loader import load_sot
    from netauto.sot.source import ledger_path

    loaded = load_sot(inventory)
    ledger = load_ledger(ledger_path(inventory))
    return build_plan(loaded.sot, ledger, locations=loaded.locations)


def plan_cache_key(
    inventory: Path, ledger: Path | None = None, ledger_text: bytes | None = None
) -> str | None:
    """The cache key of the SoT at ``inventory`` with its ledger (see :mod:`netauto.cache`).

    ``ledger_text``: the key for when the ledger holds these bytes (about to be written).
    None when the SoT directory cannot be listed (loading it reports why).
    """
    from netauto import cache
    from netauto.errors import InputError
    from netauto.sot.source import ledger_path, sot_files

    try:
        files = sot_files(inventory)
    except InputError:
        return None
    path = ledger or ledger_path(inventory)
    entry = ("ledger", path) if ledger_text is None else ("ledger", path, ledger_text)
    return cache.input_key("sot+plan", [*files, entry])


def plan_as_saved(inventory: Path) -> tuple[str | None, LoadedSoT, Plan]:
    """What a plain ``netauto plan`` computes, without writing anything: the cache key the
    SoT and plan will have once ``plan`` has saved the ledger (:func:`plan_cache_key`),
    the SoT and the plan.

    Raises:
        InputError: the SoT or the ledger is invalid, or a pool is exhausted.
    """
    from netauto.plan.build import build_plan, ledger_text_after
    from netauto.plan.ledger import load_ledger
    from netauto.sot.loader import load_sot
    from netauto.sot.source import ledger_path

    loaded = load_sot(inventory)
    old = load_ledger(ledger_path(inventory))
    result = build_plan(loaded.sot, old, locations=loaded.locations)
    text = ledger_text_after(result, old)
    key = plan_cache_key(inventory, ledger_text=None if text is None else text.encode("utf-8"))
    return key, loaded, result.plan


def sot_and_plan(inventory: Path, cache_dir: Path | None = None) -> tuple[LoadedSoT, Plan]:
    """The validated SoT at ``inventory`` and its plan (with the ledger; writes no ledger).

    With ``cache_dir`` (the state directory's ``cache``), a result stored by ``netauto plan``
    or an earlier call is reused when the SoT files, the ledger and netauto itself are
    byte-for-byte unchanged; otherwise the work is done and stored.

    Raises:
        InputError: the SoT or the ledger is invalid, or a pool is exhausted.
    """
    from netauto import cache
    from netauto.plan.models import Plan
    from netauto.sot.source import LoadedSoT

    key = plan_cache_key(inventory) if cache_dir is not None else None
    hit = cache.load(cache_dir, key)
    if (
        isinstance(hit, tuple)
        and len(hit) == 2
        and isinstance(hit[0], LoadedSoT)
        and isinstance(hit[1], Plan)
    ):
        return hit[0], hit[1]
    from netauto.plan.build import build_plan
    from netauto.plan.ledger import load_ledger
    from netauto.sot.loader import load_sot
    from netauto.sot.source import ledger_path

    loaded = load_sot(inventory)
    ledger = load_ledger(ledger_path(inventory))
    plan = build_plan(loaded.sot, ledger, locations=loaded.locations).plan
    cache.store(cache_dir, key, (loaded, plan))
    return loaded, plan
