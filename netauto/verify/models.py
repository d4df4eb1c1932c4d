"""Verification results: the typed output of ``netauto verify`` that reports are built from.

A run is a list of :class:`CheckResult` (one probe each: one source, one target, one address
family) plus :class:`RunInfo` saying when, against what and from which SoT it ran. Reports
read runs from the history store; they never re-run or re-derive checks.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from netauto.sot.models import Family, SiteKind

CheckKind = Literal["reachability", "isolation", "routing", "drift"]
Probe = Literal["ping", "tcp", "ospf", "ospf6", "bgp", "address"]
Status = Literal["pass", "fail", "error", "skip"]
"""``error``: the probe could not run or its output could not be read; never a pass."""


class VerifyModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CheckResult(VerifyModel):
    id: str = Field(description="stable check id, e.g. 'reach:phuong-an-xuyen:lgsp:ipv6:tcp443'")
    kind: CheckKind
    probe: Probe
    site: str = Field(description="slug of the site the check is about")
    host: str = Field(description="where the probe ran (device, or lab LAN client)")
    source: str = Field("", description="source address or interface the probe used")
    target: str = Field(description="service name, site slug, neighbour or interface")
    target_address: str = ""
    family: Family | None = None
    port: int | None = None
    expect: Literal["reach", "blocked", "up", "match"]
    status: Status
    rtt_ms: float | None = None
    evidence: str = Field("", description="probe output or the reason it failed, trimmed")
    duration_s: float = 0.0


class SiteInfo(VerifyModel):
    slug: str
    site_id: int
    name: str
    kind: SiteKind
    hub: str | None = None
    commune_code: str | None = None


class RunInfo(VerifyModel):
    run_id: int | None = None
    started: str = Field(description="UTC, ISO 8601")
    finished: str
    target: str = Field(description="'lab' or 'prod'")
    province: str
    province_code: int
    inventory: str = Field(description="SoT directory the checks were derived from")
    sot_sha256: str = ""
    netauto_version: str = ""
    operator: str = ""


class VerifyRun(VerifyModel):
    info: RunInfo
    sites: list[SiteInfo]
    services: list[str]
    checks: list[CheckResult]

    @property
    def passed(self) -> bool:
        return all(c.status in ("pass", "skip") for c in self.checks)
