"""The typed content of a report: what every output format (HTML, CSV, Markdown) is drawn from.

:func:`netauto.report.build.build_report` fills a :class:`ReportData` from one
:class:`~netauto.verify.models.VerifyRun` and the summaries of earlier runs; renderers only
lay it out and never look at raw checks again (except CSV, one row per check by design).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

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
