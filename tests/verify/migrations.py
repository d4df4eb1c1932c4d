"""Recorded guarded rollouts of the tiny SoT, as ``netauto push --commit --guard`` reports them.

Each is the push's device results and the guard's :class:`GuardReport`, made the way the
guard makes them (window totals are the sums of the communes' counts; a commune's windows
are the baseline, every wave and the tail), then turned into the history's
:class:`MigrationRun` by the command line's own :func:`netauto.cli.push.migration_run`.

* :func:`clean`: canary, batch 1..3, nothing lost, every commune's IPv6 from the end of
  its wave;
* :func:`broken`: the second wave (``batch 1``: cm-lyvanlam-r1 and cm-tanthanh-r1) makes
  phuong-ly-van-lam lose IPv4 probes: the guard rolls the wave back and the rollout stops
  (hub and core skipped), IPv4 is whole again in the tail.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from netauto.cli.push import migration_run
from netauto.plan import sot_and_plan
from netauto.plan.models import Plan
from netauto.push.core import DeviceResult
from netauto.push.guard import (
    CommuneLoss,
    CommuneReport,
    CommuneWave,
    Counts,
    GuardReport,
    WaveReport,
    span,
)
from netauto.sot.models import SoT
from netauto.verify.migration import MigrationRun
from netauto.verify.models import RunInfo, Status, VerifyRun
from tests.conftest import TINY
from tests.report.factory import run_from_sot

COMMUNES = {  # commune → the router of its probe LAN
    "phuong-an-xuyen": "cm-anxuyen-r1",
    "phuong-ly-van-lam": "cm-lyvanlam-r1",
    "xa-tan-thanh": "cm-tanthanh-r1",
}
WAVES = [  # name, devices, seconds
    ("canary", ["cm-anxuyen-r1"], 10.0),
    ("batch 1", ["cm-lyvanlam-r1", "cm-tanthanh-r1"], 12.0),
    ("batch 2", ["hub-01-r1"], 8.0),
    ("batch 3", ["dc-core-r1"], 8.0),
]
START = dt.datetime(2025, 11, 3, 2, 0, 0, tzinfo=dt.UTC)
PER_SECOND = 10
"""Probes per second of one commune and family: 5 per second to each of the two VMs."""
LOST = 37
"""IPv4 probes phuong-ly-van-lam loses in the broken wave."""
X = "phuong-ly-van-lam"
X_NAME = "Phường Lý Văn Lâm"


@lru_cache(maxsize=1)
def tiny() -> tuple[SoT, Plan]:
    loaded, plan = sot_and_plan(TINY)
    return loaded.sot, plan


def info(started: str = "2025-11-03T02:00:00+00:00", sot_sha256: str = "cd" * 32) -> RunInfo:
    return RunInfo(
        started=started, finished=started.replace("02:00:00", "02:01:10"), target="lab",
        province="Cà Mau", province_code=96, inventory="inventory", sot_sha256=sot_sha256,
        netauto_version="0.1.0", operator="Nguyễn Văn Kiểm",
    )  # fmt: skip


class _Recorder:
    """Windows in time order, each commune's counts in each, as the guard keeps them."""

    def __init__(self) -> None:
        self.clock = START
        self.per_commune: dict[str, list[CommuneWave]] = {c: [] for c in COMMUNES}
        self.ipv6_from: dict[str, dt.datetime] = {}

    def window(
        self,
        name: str,
        hosts: list[str],
        seconds: float,
        *,
        judged: bool,
        lost: dict[str, int] | None = None,
        max_loss: int = 0,
        rolled_back: bool = False,
    ) -> WaveReport:
        lost = lost or {}
        start, end = self.clock, self.clock + dt.timedelta(seconds=seconds)
        sent = int(PER_SECOND * seconds)
        total4, total6 = Counts(), Counts()
        over = []
        for commune, router in COMMUNES.items():
            ipv4 = Counts(sent=sent, lost=lost.get(commune, 0))
            ipv6 = Counts(sent=sent) if commune in self.ipv6_from else Counts()
            self.per_commune[commune].append(CommuneWave(wave=name, ipv4=ipv4, ipv6=ipv6))
            total4 += ipv4
            total6 += ipv6
            if ipv4.lost > max_loss:
                over.append(CommuneLoss(commune=commune, router=router, sent=ipv4.sent,
                                        lost=ipv4.lost))  # fmt: skip
        message = ""
        if over:
            who = ", ".join(f"{o.commune} ({o.router}) lost {o.lost} of {o.sent}" for o in over)
            message = (f"guard: {name}: IPv4 probes lost {span(start, end)}, at most {max_loss} "
                       f"allowed per commune: {who}; the wave is rolled back and the rollout "
                       "stops")  # fmt: skip
        self.clock = end + dt.timedelta(seconds=1)
        return WaveReport(name=name, hosts=hosts, start=start, end=end, ipv4=total4,
                          ipv6=total6, judged=judged, ok=not over, over=over,
                          rolled_back=rolled_back and bool(over), message=message)  # fmt: skip

    def confirmed(self, hosts: list[str]) -> None:
        """IPv6 probes start for the communes whose routers the wave confirmed."""
        for commune, router in COMMUNES.items():
            if router in hosts and commune not in self.ipv6_from:
                self.ipv6_from[commune] = self.clock

    def report(
        self, windows: list[WaveReport], rolled_back: dict[str, str], stopped: str = ""
    ) -> GuardReport:
        baseline, *waves, after = windows
        return GuardReport(
            rate=5.0, tick=0.5, timeout=1.0, margin=2.0, max_loss=0, baseline=baseline,
            waves=waves, after=after,
            communes=[
                CommuneReport(commune=c, router=r, client=f"c-{r}-office", origin="client",
                              waves=self.per_commune[c], rolled_back=c in rolled_back,
                              rolled_back_in=rolled_back.get(c, ""),
                              ipv6_from=self.ipv6_from.get(c))
                for c, r in COMMUNES.items()
            ],
            stopped=stopped, prober={"sent": 2000.0},
        )  # fmt: skip


def _device(host: str, stage: str, outcome: Any, error: str = "") -> DeviceResult:
    return DeviceResult(host=host, platform="frr", stage=stage, outcome=outcome, error=error,
                        rolled_back=outcome == "rolled-back",
                        post_check="2 OSPFv2/v3 adjacencies up")  # fmt: skip


def clean_rollout() -> tuple[list[DeviceResult], GuardReport]:
    """Every wave judged and confirmed, 0 probes lost."""
    rec = _Recorder()
    windows = [rec.window("baseline", [], 3.0, judged=False)]
    results = []
    for name, hosts, seconds in WAVES:
        windows.append(rec.window(name, hosts, seconds, judged=True))
        rec.confirmed(hosts)
        results += [_device(h, name, "committed") for h in hosts]
    windows.append(rec.window("after", [], 3.0, judged=False))
    return results, rec.report(windows, {})


def broken_rollout() -> tuple[list[DeviceResult], GuardReport]:
    """The second wave cuts phuong-ly-van-lam off: rolled back, the rollout stops."""
    rec = _Recorder()
    windows = [rec.window("baseline", [], 3.0, judged=False)]
    (canary, canary_hosts, canary_s), (batch, batch_hosts, batch_s), *rest = WAVES
    windows.append(rec.window(canary, canary_hosts, canary_s, judged=True))
    rec.confirmed(canary_hosts)
    wave = rec.window(batch, batch_hosts, batch_s, judged=True, lost={X: LOST}, rolled_back=True)
    windows.append(wave)
    windows.append(rec.window("after", [], 3.0, judged=False))
    results = [_device("cm-anxuyen-r1", canary, "committed")]
    results += [_device(h, batch, "rolled-back", wave.message) for h in batch_hosts]
    results += [_device(h, name, "skipped", "rollout stopped after a failure")
                for name, hosts, _ in rest for h in hosts]  # fmt: skip
    rolled = {c: batch for c, r in COMMUNES.items() if r in batch_hosts}
    return results, rec.report(windows, rolled, stopped=wave.message)


def clean(run_info: RunInfo | None = None) -> MigrationRun:
    sot, plan = tiny()
    results, report = clean_rollout()
    return migration_run(run_info or info(), sot, plan, results, report)


def broken(run_info: RunInfo | None = None) -> MigrationRun:
    sot, plan = tiny()
    results, report = broken_rollout()
    return migration_run(run_info or info(), sot, plan, results, report)


def verify_run(
    started: str = "2025-11-03T02:05:00+00:00",
    target: str = "lab",
    sot_sha256: str = "cd" * 32,
    statuses: Mapping[tuple[str, str, str], Status] | None = None,
) -> VerifyRun:
    """A verify run of the tiny SoT, by default on the migrations' target and SoT."""
    sot, _ = tiny()
    run = run_from_sot(sot, statuses, started=started, target=target)
    return run.model_copy(update={"info": run.info.model_copy(update={"sot_sha256": sot_sha256})})
