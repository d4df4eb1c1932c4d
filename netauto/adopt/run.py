"""The import procedure around the pure core: the SoT and its ledger in, the new
``imported`` file (and, for a lost ledger, a fresh ledger) out.

1. The plan to match against is built from the SoT *without* its ``imported`` section (a
   previous import must not decide what this one finds) and the ledger; a missing, empty
   or unreadable ledger counts as lost and a fresh one is used.
2. :func:`~netauto.adopt.reconcile.reconcile` sets the observation beside it.
3. Without conflicts, the SoT with the new section is checked as ``validate`` checks it
   and planned as ``plan`` would plan it: the import never writes what ``plan`` refuses.
4. :func:`write` replaces the file atomically; a lost ledger is written afresh from the
   plan built with the imported addresses (IPv4 as the network runs it, IPv6 as the
   deterministic plan gives it).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

from netauto.adopt import document
from netauto.adopt.models import ImportResult, Observation
from netauto.adopt.reconcile import reconcile_observation
from netauto.errors import InputError, Problem
from netauto.fileio import atomic_write
from netauto.plan import Ledger, build_plan, load_ledger, save_ledger
from netauto.sot import checks
from netauto.sot.models import Imported, SoT
from netauto.sot.source import LoadedSoT, ledger_path
from netauto.sot.yamlsource import format_path


@dataclass(frozen=True)
class LedgerState:
    """The ledger beside the SoT, and whether it is lost (then the import rebuilds it)."""

    path: Path
    ledger: Ledger | None
    lost: str | None = None
    """Why it must be rebuilt (``missing``, ``empty``, ``unreadable: ...``); None: it is fine."""


def ledger_state(inventory: Path) -> LedgerState:
    """Read the ledger of the SoT at ``inventory`` without refusing a lost one.

    Raises:
        InputError: the ledger is of a version this netauto does not know (written by a
            newer one: not lost, and not to be overwritten).
    """
    path = ledger_path(inventory)
    if not path.exists():
        return LedgerState(path, None, "missing")
    try:
        return LedgerState(path, load_ledger(path))
    except InputError as exc:
        if any(p.message.startswith("unsupported ledger version") for p in exc.problems):
            raise
        empty = any(p.message == "the ledger is empty" for p in exc.problems)
        why = "empty" if empty else f"unreadable: {exc.problems[0].message}"
        return LedgerState(path, None, why)


@dataclass(frozen=True)
class ImportPlan:
    """What an import would change (nothing is written until :func:`write`)."""

    result: ImportResult
    target: Path
    old_text: str | None
    new_text: str | None
    """None while there are conflicts."""
    ledger: LedgerState
    fresh_ledger: Ledger | None = None
    """The ledger to write when the ledger is lost (and nothing conflicts)."""

    @property
    def changed(self) -> bool:
        return self.new_text is not None and self.new_text != self.old_text

    def diff(self) -> str:
        """The unified diff of the imported file, as ``git diff`` will show it."""
        if self.new_text is None:
            return ""
        return document.diff(_relative(self.target), self.old_text, self.new_text)


def prepare(loaded: LoadedSoT, observation: Observation) -> ImportPlan:
    """Reconcile ``observation`` with the SoT and build the file texts (writes nothing).

    Raises:
        InputError: the SoT without its imported section cannot be planned, or the SoT with
            the new section is refused by its checks or by the planner (nothing written).
    """
    sot = loaded.sot
    ledger = ledger_state(loaded.directory)
    matching = build_plan(without_addresses(sot), ledger.ledger, locations=loaded.locations).plan
    result = reconcile_observation(sot, matching, observation)
    target = document.target_file(loaded)
    old_text = target.read_text(encoding="utf-8") if target.is_file() else None
    if result.conflicts:
        return ImportPlan(result, target, old_text, None, ledger)
    updated = sot.model_copy(update={"imported": result.imported})
    problems = [
        Problem(target, None, format_path(f.path), f.message, f.hint) for f in checks.check(updated)
    ]
    if problems:
        raise InputError(problems)
    try:
        after = build_plan(updated, ledger.ledger)
    except InputError as exc:
        raise InputError(
            [dataclasses.replace(p, file=p.file or target) for p in exc.problems]
        ) from None
    new_text = document.updated_text(target, old_text, document.section_text(result.imported))
    fresh = after.ledger if ledger.lost is not None else None
    return ImportPlan(result, target, old_text, new_text, ledger, fresh)


def without_addresses(sot: SoT) -> SoT:
    """``sot`` without its imported section and without the IPv4 values it fixes (LAN
    subnets, link ends, VM addresses): the plan to match against needs names, not
    addresses, and must not refuse what the import is about to report as a conflict.

    Examples:
        >>> sot = SoT.model_validate({"province": {"name": "D", "code": 96},
        ...     "addressing": {"ipv6": {"allocation": "2001:db8:9600::/40"},
        ...                    "ipv4": {"supernets": ["10.96.0.0/16"]}},
        ...     "vms": [{"name": "v1", "network": "services", "ipv4": "172.20.0.9"}],
        ...     "imported": {"vms": {"v1": "172.20.0.9/24"}}})
        >>> bare = without_addresses(sot)
        >>> bare.vms[0].ipv4, bare.imported.vms
        (None, {})
    """
    sites = [
        site.model_copy(
            update={"lans": [lan.model_copy(update={"ipv4": None}) for lan in site.lans]}
        )
        for site in sot.sites
    ]
    links = [
        link.model_copy(
            update={
                "a": link.a.model_copy(update={"ipv4": None}),
                "b": link.b.model_copy(update={"ipv4": None}),
            }
        )
        for link in sot.links
    ]
    vms = [vm.model_copy(update={"ipv4": None}) for vm in sot.vms]
    return sot.model_copy(
        update={"imported": Imported(), "sites": sites, "links": links, "vms": vms}
    )


def write(plan: ImportPlan) -> list[Path]:
    """Write the import: the imported file (atomically) when it changed, and a fresh
    ledger when the ledger was lost. Returns the files written.

    Raises:
        InputError: the import has conflicts (nothing is written).
    """
    if plan.new_text is None:
        raise InputError(
            Problem(plan.target, None, "imported", "the import has conflicts: nothing written")
        )
    written: list[Path] = []
    if plan.changed:
        atomic_write(plan.target, plan.new_text)
        written.append(plan.target)
    if plan.fresh_ledger is not None:
        save_ledger(plan.ledger.path, plan.fresh_ledger)
        written.append(plan.ledger.path)
    return written


def _relative(path: Path) -> Path:
    """``path`` relative to the working directory when it is below it (as git shows it)."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve())
    except ValueError:
        return path
