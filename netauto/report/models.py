"""The typed content of a report: what every output format (HTML, CSV, Markdown) is drawn from.

:func:`netauto.report.build.build_report` fills a :class:`ReportData` from one
:class:`~netauto.verify.models.VerifyRun` and the summaries of earlier runs; renderers only
lay it out and never look at raw checks again (except CSV, one row per check by design).
:func:`netauto.report.migration.build_migration_report` fills a :class:`MigrationReportData`
from one :class:`~netauto.verify.migration.MigrationRun` and the verify run after it.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

from netauto.verify.migration import CommuneOutcome, Probes, Reachable, WindowKind
from netauto.verify.models import CheckKind, Status

Cell = Literal["pass", "fail", "error", "skip", "none"]
"""Aggregated status of a group of checks; ``none``: nothing was checked."""


class ReportModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ReportMeta(ReportModel):
    """When, against what and by whom the run was made, and how to prove its results."""

    run_id: int | None
    province: str
    province_code: int
    started: str
    finished: str
    target: str
    inventory: str
    sot_sha256: str
    operator: str
    run_netauto_version: str
    report_netauto_version: str
    generated: str
    sha256: str


class Headline(ReportModel):
    """The figures an auditor reads first."""

    communes_total: int
    communes_dual_stack: int
    communes_ipv4: int
    communes_ipv6: int
    isolation_total: int
    isolation_holding: int
    routing_findings: int
    drift_findings: int
    checks_total: int
    checks_pass: int
    checks_fail: int
    checks_error: int
    checks_skip: int

    @property
    def verdict(self) -> bool:
        """Every commune dual-stack connected, isolation holding, no finding, no error."""
        return (
            self.communes_dual_stack == self.communes_total
            and self.isolation_holding == self.isolation_total
            and self.routing_findings == 0
            and self.drift_findings == 0
            and self.checks_fail == 0
            and self.checks_error == 0
        )


class HubRow(ReportModel):
    slug: str
    name: str
    communes: int
    dual_stack: int
    ipv4: int
    ipv6: int
    failed_checks: int


class CommuneRow(ReportModel):
    slug: str
    name: str
    site_id: int
    commune_code: str | None
    hub: str | None
    hub_name: str
    ipv4: Cell
    ipv6: Cell
    dual_stack: bool
    checks: int
    failed_checks: int
    median_rtt_ms: float | None


class MatrixCell(ReportModel):
    service: str
    ipv4: Cell
    ipv6: Cell


class MatrixRow(ReportModel):
    slug: str
    name: str
    cells: list[MatrixCell]


class FailureRow(ReportModel):
    check_id: str
    kind: CheckKind
    probe: str
    site: str
    site_name: str
    host: str
    target: str
    target_address: str
    family: str
    port: int | None
    expect: str
    status: Status
    evidence: str


class TrendRow(ReportModel):
    run_id: int | None
    started: str
    target: str
    communes_total: int
    communes_dual_stack: int
    communes_ipv4: int
    communes_ipv6: int
    isolation_total: int
    isolation_holding: int
    findings: int
    checks_fail: int
    checks_error: int
    delta_dual_stack: int | None
    current: bool


class ReportData(ReportModel):
    meta: ReportMeta
    headline: Headline
    hubs: list[HubRow]
    communes: list[CommuneRow]
    services: list[str]
    matrix: list[MatrixRow]
    failures: list[FailureRow]
    trend: list[TrendRow]


# --- the migration report ------------------------------------------------------------------

DualStackAfter = Literal["yes", "no", "not-verified", "no-run"]
"""Per commune, from the first verify run after the migration: fully dual-stack connected
there, not, not among the communes that run checked, or no such run yet."""
WindowVerdict = Literal["ok", "watched", "loss", "rolled-back"]


class MigrationMeta(ReportModel):
    """When, against what and by whom the guarded rollout ran, and how to prove its record."""

    run_id: int | None
    province: str
    province_code: int
    started: str
    finished: str
    target: str
    inventory: str
    sot_sha256: str
    operator: str
    run_netauto_version: str
    report_netauto_version: str
    generated: str
    sha256: str
    max_loss: int
    rate: float


class VerifiedAfter(ReportModel):
    """The verify run the "dual-stack after" column comes from."""

    run_id: int
    started: str
    sha256: str
    communes_total: int
    communes_dual_stack: int


class MigrationHeadline(ReportModel):
    """The figures an auditor reads first (probe totals are those of the waves)."""

    communes: int
    communes_migrated: int
    communes_reachable_before: int
    communes_rolled_back: int
    communes_ipv4_loss: int
    ipv4: Probes
    ipv6: Probes
    waves: int
    waves_rolled_back: int
    dual_stack_after: int | None
    """Communes fully dual-stack connected in the verify run after; None: no such run."""
    devices: dict[str, int]
    stopped: bool
    stopped_message: str

    @property
    def verdict(self) -> bool:
        """Every commune migrated without an IPv4 probe lost, and dual-stack verified after."""
        return (
            not self.stopped
            and self.communes_migrated == self.communes
            and self.communes_ipv4_loss == 0
            and self.waves_rolled_back == 0
            and self.dual_stack_after == self.communes
        )


class CommuneWindowCell(ReportModel):
    """One commune's probes in one window."""

    window: str
    kind: WindowKind
    ipv4: Probes
    ipv6: Probes
    own: bool
    """The commune's router was pushed in this wave."""
    rolled_back: bool
    """The commune's router was rolled back in this wave."""


class MigrationCommuneRow(ReportModel):
    slug: str
    name: str
    commune_code: str | None
    hub: str | None
    hub_name: str
    router: str
    before: Reachable
    before_probes: Probes
    windows: list[CommuneWindowCell]
    """Every window in time order: baseline, the waves, after."""
    ipv4_waves: Probes
    ipv6_waves: Probes
    outcome: CommuneOutcome
    wave: str
    """The wave its router was pushed in ("" when it was not pushed)."""
    rolled_back: bool
    rolled_back_in: str
    ipv6_from: str | None
    dual_stack_after: DualStackAfter
    ipv4_after: bool | None
    ipv6_after: bool | None

    def wave_cells(self) -> list[CommuneWindowCell]:
        """The cells of the rollout's waves only."""
        return [w for w in self.windows if w.kind == "wave"]


class MigrationWaveRow(ReportModel):
    name: str
    kind: WindowKind
    hosts: list[str]
    start: str
    end: str
    seconds: float
    ipv4: Probes
    ipv6: Probes
    verdict: WindowVerdict
    over: list[str]
    """Names of the communes that lost more IPv4 probes than allowed."""
    message: str


class MigrationDeviceRow(ReportModel):
    host: str
    site: str
    site_name: str
    wave: str
    outcome: str
    detail: str


class UnguardedRow(ReportModel):
    slug: str
    name: str
    reason: str


class MigrationReportData(ReportModel):
    meta: MigrationMeta
    headline: MigrationHeadline
    waves: list[MigrationWaveRow]
    """Every window: baseline, the waves, after."""
    wave_names: list[str]
    """The rollout's waves, in order (the per-commune table's columns)."""
    communes: list[MigrationCommuneRow]
    devices: list[MigrationDeviceRow]
    unguarded: list[UnguardedRow]
    verified: VerifiedAfter | None
