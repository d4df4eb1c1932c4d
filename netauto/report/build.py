"""The pure core of ``netauto report``: a verified run (+ earlier summaries) -> :class:`ReportData`.

No I/O: the CLI reads the run from the history store and hands it here with the summaries
of earlier runs; the renderers lay out what this returns.

Definitions (the same as :mod:`netauto.verify.history`, whose :func:`summarise` this uses):

* a commune is *connected over a family* when it has at least one reachability check in
  that family and all of them passed; ``skip`` and ``error`` prove nothing;
* *dual-stack connected*: connected over IPv4 and over IPv6;
* a group of checks shows its worst status: fail, then error, then skip, then pass;
  ``none`` when nothing was checked.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence

from netauto import __version__
from netauto.report.models import (
    Cell,
    CommuneRow,
    FailureRow,
    Headline,
    HubRow,
    MatrixCell,
    MatrixRow,
    ReportData,
    ReportMeta,
    TrendRow,
)
from netauto.verify.history import RunSummary, commune_connectivity, summarise
from netauto.verify.models import CheckResult, SiteInfo, VerifyRun

_SEVERITY: dict[str, int] = {"pass": 0, "skip": 1, "error": 2, "fail": 3}
_KIND_ORDER: dict[str, int] = {"reachability": 0, "isolation": 1, "routing": 2, "drift": 3}
NO_HUB = "(không có điểm tập trung)"


def worst(statuses: Iterable[str]) -> Cell:
    """The status a group of checks shows: its worst member, ``none`` when empty.

    Examples:
        >>> worst(["pass", "skip", "pass"])
        'skip'
        >>> worst(["pass", "fail", "error"])
        'fail'
        >>> worst([])
        'none'
    """
    found: Cell = "none"
    for status in statuses:
        if found == "none" or _SEVERITY[status] > _SEVERITY[found]:
            found = status  # type: ignore[assignment]
    return found


def median_rtt(checks: Iterable[CheckResult]) -> float | None:
    """Median RTT (ms, 3 decimals) of the passed checks that measured one.

    Examples:
        >>> from netauto.verify.models import CheckResult
        >>> def ping(rtt, status="pass"):
        ...     return CheckResult(id="x", kind="reachability", probe="ping", site="s",
        ...         host="h", target="t", expect="reach", status=status, rtt_ms=rtt)
        >>> median_rtt([ping(1.0), ping(3.0), ping(2.5), ping(90.0, "fail")])
        2.5
        >>> median_rtt([ping(None)]) is None
        True
    """
    values = [c.rtt_ms for c in checks if c.status == "pass" and c.rtt_ms is not None]
    return round(statistics.median(values), 3) if values else None


def build_report(
    run: VerifyRun,
    *,
    sha256: str,
    earlier: Sequence[RunSummary] = (),
    generated: str = "",
) -> ReportData:
    """Everything a report shows about ``run``.

    Args:
        run: the verified run (``info.run_id`` set once stored).
        sha256: SHA-256 of the run's canonical JSON as stored in the history.
        earlier: summaries of earlier runs, oldest first, for the trend (a summary of
            ``run`` itself in it is ignored: the current run is always added last).
        generated: when the report was produced (UTC, ISO 8601), shown as is.
    """
    sites = {s.slug: s for s in run.sites}
    by_site: dict[str, list[CheckResult]] = {}
    for check in run.checks:
        by_site.setdefault(check.site, []).append(check)
    current = summarise(run, sha256)
    connectivity = commune_connectivity(run)
    communes = [s for s in run.sites if s.kind == "commune"]

    return ReportData(
        meta=_meta(run, sha256, generated),
        headline=_headline(run, current),
        hubs=_hubs(communes, sites, by_site, connectivity),
        communes=[_commune_row(s, sites, by_site.get(s.slug, []), connectivity) for s in communes],
        services=list(run.services),
        matrix=[_matrix_row(s, run.services, by_site.get(s.slug, [])) for s in communes],
        failures=_failures(run, sites),
        trend=_trend(earlier, current),
    )


def _meta(run: VerifyRun, sha256: str, generated: str) -> ReportMeta:
    info = run.info
    return ReportMeta(
        run_id=info.run_id,
        province=info.province,
        province_code=info.province_code,
        started=info.started,
        finished=info.finished,
        target=info.target,
        inventory=info.inventory,
        sot_sha256=info.sot_sha256,
        operator=info.operator,
        run_netauto_version=info.netauto_version,
        report_netauto_version=__version__,
        generated=generated,
        sha256=sha256,
    )


def _headline(run: VerifyRun, summary: RunSummary) -> Headline:
    return Headline(
        communes_total=summary.communes_total,
        communes_dual_stack=summary.communes_dual_stack,
        communes_ipv4=summary.communes_ipv4,
        communes_ipv6=summary.communes_ipv6,
        isolation_total=summary.isolation_total,
        isolation_holding=summary.isolation_holding,
        routing_findings=sum(
            c.kind == "routing" and c.status in ("fail", "error") for c in run.checks
        ),
        drift_findings=sum(c.kind == "drift" and c.status in ("fail", "error") for c in run.checks),
        checks_total=summary.checks_total,
        checks_pass=summary.checks_pass,
        checks_fail=summary.checks_fail,
        checks_error=summary.checks_error,
        checks_skip=summary.checks_skip,
    )


def _failed(checks: Iterable[CheckResult]) -> int:
    return sum(c.status in ("fail", "error") for c in checks)


def _hub_name(slug: str | None, sites: dict[str, SiteInfo]) -> str:
    if slug is None:
        return NO_HUB
    hub = sites.get(slug)
    return hub.name if hub is not None else slug


def _hubs(
    communes: list[SiteInfo],
    sites: dict[str, SiteInfo],
    by_site: dict[str, list[CheckResult]],
    connectivity: dict[str, dict[str, bool]],
) -> list[HubRow]:
    groups: dict[str | None, list[SiteInfo]] = {}
    for commune in communes:
        groups.setdefault(commune.hub, []).append(commune)
    rows = []
    for hub, members in groups.items():
        own = by_site.get(hub, []) if hub is not None else []
        rows.append(
            HubRow(
                slug=hub or "",
                name=_hub_name(hub, sites),
                communes=len(members),
                dual_stack=sum(all(connectivity[m.slug].values()) for m in members),
                ipv4=sum(connectivity[m.slug]["ipv4"] for m in members),
                ipv6=sum(connectivity[m.slug]["ipv6"] for m in members),
                failed_checks=_failed(own) + sum(_failed(by_site.get(m.slug, [])) for m in members),
            )
        )
    return rows


def _commune_row(
    site: SiteInfo,
    sites: dict[str, SiteInfo],
    checks: list[CheckResult],
    connectivity: dict[str, dict[str, bool]],
) -> CommuneRow:
    reach = [c for c in checks if c.kind == "reachability"]
    return CommuneRow(
        slug=site.slug,
        name=site.name,
        site_id=site.site_id,
        commune_code=site.commune_code,
        hub=site.hub,
        hub_name=_hub_name(site.hub, sites),
        ipv4=worst(c.status for c in reach if c.family == "ipv4"),
        ipv6=worst(c.status for c in reach if c.family == "ipv6"),
        dual_stack=all(connectivity[site.slug].values()),
        checks=len(checks),
        failed_checks=_failed(checks),
        median_rtt_ms=median_rtt(reach),
    )


def _matrix_row(site: SiteInfo, services: list[str], checks: list[CheckResult]) -> MatrixRow:
    reach = [c for c in checks if c.kind == "reachability"]
    cells = [
        MatrixCell(
            service=service,
            ipv4=worst(c.status for c in reach if c.target == service and c.family == "ipv4"),
            ipv6=worst(c.status for c in reach if c.target == service and c.family == "ipv6"),
        )
        for service in services
    ]
    return MatrixRow(slug=site.slug, name=site.name, cells=cells)


def _failures(run: VerifyRun, sites: dict[str, SiteInfo]) -> list[FailureRow]:
    order = {s.slug: i for i, s in enumerate(run.sites)}
    bad = [c for c in run.checks if c.status in ("fail", "error")]
    bad.sort(key=lambda c: (_KIND_ORDER[c.kind], order.get(c.site, len(order)), c.id))
    return [
        FailureRow(
            check_id=c.id,
            kind=c.kind,
            probe=c.probe,
            site=c.site,
            site_name=sites[c.site].name if c.site in sites else c.site,
            host=c.host,
            target=c.target,
            target_address=c.target_address,
            family=c.family or "",
            port=c.port,
            expect=c.expect,
            status=c.status,
            evidence=c.evidence,
        )
        for c in bad
    ]


def _trend(earlier: Sequence[RunSummary], current: RunSummary) -> list[TrendRow]:
    rows: list[TrendRow] = []
    previous: int | None = None
    chosen = [s for s in earlier if current.run_id is None or s.run_id != current.run_id]
    for summary in [*chosen, current]:
        is_current = summary is current
        rows.append(
            TrendRow(
                run_id=summary.run_id,
                started=summary.started,
                target=summary.target,
                communes_total=summary.communes_total,
                communes_dual_stack=summary.communes_dual_stack,
                communes_ipv4=summary.communes_ipv4,
                communes_ipv6=summary.communes_ipv6,
                isolation_total=summary.isolation_total,
                isolation_holding=summary.isolation_holding,
                findings=summary.findings,
                checks_fail=summary.checks_fail,
                checks_error=summary.checks_error,
                delta_dual_stack=None
                if previous is None
                else summary.communes_dual_stack - previous,
                current=is_current,
            )
        )
        previous = summary.communes_dual_stack
    return rows
