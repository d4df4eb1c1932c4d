"""The pure core of a migration report: a stored migration run (+ the verify run after it)
-> :class:`~netauto.report.models.MigrationReportData`.

No I/O: the CLI reads the migration run from the history, and the first verify run stored
after it on the same target and SoT (:func:`netauto.verify.history.verify_after`), and hands
both here. Definitions are those of :mod:`netauto.verify.migration` (reachable before,
migrated, probe totals of the waves) and :mod:`netauto.verify.history` (a commune is
*dual-stack connected* when every reachability check of both families passed there).
"""

from __future__ import annotations

from datetime import datetime

from netauto import __version__
from netauto.report.build import NO_HUB
from netauto.report.models import (
    CommuneWindowCell,
    DualStackAfter,
    MigrationCommuneRow,
    MigrationDeviceRow,
    MigrationHeadline,
    MigrationMeta,
    MigrationReportData,
    MigrationWaveRow,
    UnguardedRow,
    VerifiedAfter,
    WindowVerdict,
)
from netauto.verify.history import commune_connectivity, summarise
from netauto.verify.migration import (
    MigrationCommune,
    MigrationRun,
    MigrationWindow,
    Probes,
    commune_outcome,
    reachable_before,
    summarise_migration,
    wave_probes,
)
from netauto.verify.models import SiteInfo, VerifyRun


def build_migration_report(
    run: MigrationRun,
    *,
    sha256: str,
    after: VerifyRun | None = None,
    after_sha256: str = "",
    generated: str = "",
) -> MigrationReportData:
    """Everything a report shows about a migration.

    Args:
        run: the stored migration run (``info.run_id`` set).
        sha256: SHA-256 of the run's canonical JSON as stored in the history.
        after: the first verify run after it on the same target and SoT, if any.
        after_sha256: that run's SHA-256.
        generated: when the report was produced (UTC, ISO 8601), shown as is.
    """
    sites = {s.slug: s for s in run.sites}
    connectivity = commune_connectivity(after) if after is not None else None
    rows = [_commune_row(c, run, sites, connectivity) for c in run.communes]
    summary = summarise_migration(run)
    verified = None
    if after is not None and after.info.run_id is not None:
        figures = summarise(after, after_sha256)
        verified = VerifiedAfter(
            run_id=after.info.run_id, started=after.info.started, sha256=after_sha256,
            communes_total=figures.communes_total,
            communes_dual_stack=figures.communes_dual_stack,
        )  # fmt: skip
    headline = MigrationHeadline(
        communes=summary.communes,
        communes_migrated=summary.communes_migrated,
        communes_reachable_before=summary.communes_reachable_before,
        communes_rolled_back=summary.communes_rolled_back,
        communes_ipv4_loss=summary.communes_ipv4_loss,
        ipv4=summary.ipv4,
        ipv6=summary.ipv6,
        waves=summary.waves,
        waves_rolled_back=summary.waves_rolled_back,
        dual_stack_after=None
        if verified is None
        else sum(r.dual_stack_after == "yes" for r in rows),
        devices=summary.devices,
        stopped=summary.stopped,
        stopped_message=_stop_message(run),
    )
    return MigrationReportData(
        meta=_meta(run, sha256, generated),
        headline=headline,
        waves=[_wave_row(w, sites) for w in run.windows()],
        wave_names=[w.name for w in run.waves],
        communes=rows,
        devices=[
            MigrationDeviceRow(
                host=d.host,
                site=d.site,
                site_name=_name(d.site, sites),
                wave=d.wave,
                outcome=d.outcome,
                detail=d.detail,
            )
            for d in run.devices
        ],
        unguarded=[
            UnguardedRow(slug=u.commune, name=_name(u.commune, sites), reason=u.reason)
            for u in run.unguarded
        ],
        verified=verified,
    )


def _meta(run: MigrationRun, sha256: str, generated: str) -> MigrationMeta:
    info = run.info
    return MigrationMeta(
        run_id=info.run_id, province=info.province, province_code=info.province_code,
        started=info.started, finished=info.finished, target=info.target,
        inventory=info.inventory, sot_sha256=info.sot_sha256, operator=info.operator,
        run_netauto_version=info.netauto_version, report_netauto_version=__version__,
        generated=generated, sha256=sha256, max_loss=run.guard.max_loss, rate=run.guard.rate,
    )  # fmt: skip


def _stop_message(run: MigrationRun) -> str:
    """Why the rollout stopped: the guard's message, else the devices that failed.

    Examples:
        >>> from netauto.verify.migration import _example
        >>> run = _example()
        >>> _stop_message(run.model_copy(update={"stopped": "guard: batch 1: lost"}))
        'guard: batch 1: lost'
        >>> _stop_message(run)
        ''
    """
    if run.stopped:
        return run.stopped
    if not any(d.outcome == "skipped" for d in run.devices):
        return ""
    failed = [d for d in run.devices if d.outcome in ("rolled-back", "failed", "unreachable",
                                                       "refused")]  # fmt: skip
    who = ", ".join(f"{d.host} {d.outcome}" for d in failed) or "a device failed"
    return f"the rollout stopped after a failure: {who}"


def _name(slug: str, sites: dict[str, SiteInfo]) -> str:
    site = sites.get(slug)
    return site.name if site is not None else slug


def _hub_name(slug: str | None, sites: dict[str, SiteInfo]) -> str:
    return NO_HUB if slug is None else _name(slug, sites)


def window_verdict(window: MigrationWindow) -> WindowVerdict:
    """How a window ended: judged and ok, watched only, lost probes, or rolled back.

    Examples:
        >>> from netauto.verify.migration import _example
        >>> [window_verdict(w) for w in _example().windows()]
        ['watched', 'ok', 'rolled-back']
    """
    if window.rolled_back:
        return "rolled-back"
    if not window.ok:
        return "loss"
    return "ok" if window.judged else "watched"


def _wave_row(window: MigrationWindow, sites: dict[str, SiteInfo]) -> MigrationWaveRow:
    try:
        seconds = (
            datetime.fromisoformat(window.end) - datetime.fromisoformat(window.start)
        ).total_seconds()
    except ValueError:
        seconds = 0.0
    return MigrationWaveRow(
        name=window.name, kind=window.kind, hosts=list(window.hosts), start=window.start,
        end=window.end, seconds=round(seconds, 1), ipv4=window.ipv4, ipv6=window.ipv6,
        verdict=window_verdict(window), over=[_name(c, sites) for c in window.over],
        message=window.message,
    )  # fmt: skip


def _dual_stack_after(
    slug: str, connectivity: dict[str, dict[str, bool]] | None
) -> tuple[DualStackAfter, bool | None, bool | None]:
    """The commune in the verify run after: dual-stack or not, and per family.

    Examples:
        >>> _dual_stack_after("a", {"a": {"ipv4": True, "ipv6": False}})
        ('no', True, False)
        >>> _dual_stack_after("b", {"a": {"ipv4": True, "ipv6": True}})
        ('not-verified', None, None)
        >>> _dual_stack_after("a", None)
        ('no-run', None, None)
    """
    if connectivity is None:
        return "no-run", None, None
    found = connectivity.get(slug)
    if found is None:
        return "not-verified", None, None
    return ("yes" if all(found.values()) else "no"), found["ipv4"], found["ipv6"]


def _commune_row(
    commune: MigrationCommune,
    run: MigrationRun,
    sites: dict[str, SiteInfo],
    connectivity: dict[str, dict[str, bool]] | None,
) -> MigrationCommuneRow:
    site = sites.get(commune.commune)
    pushed = [d for d in run.devices if d.site == commune.commune]
    own = {d.wave for d in pushed}
    cells = []
    for window in run.windows():
        counts = commune.window(window.name)
        cells.append(
            CommuneWindowCell(
                window=window.name, kind=window.kind, ipv4=counts.ipv4, ipv6=counts.ipv6,
                own=window.kind == "wave" and window.name in own,
                rolled_back=commune.rolled_back_in == window.name,
            )
        )  # fmt: skip
    after, ipv4, ipv6 = _dual_stack_after(commune.commune, connectivity)
    before = commune.window(run.baseline.name).ipv4 if run.baseline is not None else Probes()
    return MigrationCommuneRow(
        slug=commune.commune,
        name=site.name if site is not None else commune.commune,
        commune_code=site.commune_code if site is not None else None,
        hub=site.hub if site is not None else None,
        hub_name=_hub_name(site.hub if site is not None else None, sites),
        router=commune.router,
        before=reachable_before(commune, run),
        before_probes=before,
        windows=cells,
        ipv4_waves=wave_probes(commune, run, "ipv4"),
        ipv6_waves=wave_probes(commune, run, "ipv6"),
        outcome=commune_outcome(commune.commune, run),
        wave=pushed[0].wave if pushed else "",
        rolled_back=commune.rolled_back,
        rolled_back_in=commune.rolled_back_in,
        ipv6_from=commune.ipv6_from,
        dual_stack_after=after,
        ipv4_after=ipv4,
        ipv6_after=ipv6,
    )
