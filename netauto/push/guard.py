"""The traffic guard of a rollout: probe every commune's path to the DC services, judge each wave.

``netauto push --commit --guard [--max-loss N]`` keeps a probe stream running for the whole
rollout: from every commune to every data-centre VM hosting a service the policy lets
communes reach, IPv4 throughout and IPv6 from the end of the commune's own wave, ``RATE``
probes per second per commune and family. Each wave (the canary, then each batch) is judged
on it: a commune that loses more than ``max_loss`` IPv4 probes during the wave — from its
first commit until all its post-checks are done, plus ``MARGIN`` seconds — makes the whole
wave roll back (its commit-confirms are reverted) and the rollout stop. IPv6 loss is
reported, not judged: in a brownfield migration a commune's IPv6 path to the data centre
only exists once its hub and the core are on their new configs, which is later waves.

The pieces, pure first:

* :func:`probe_plan`: which commune probes which VM address, per family, from where (its
  LAN client in the lab, its LAN gateway address in production), from the SoT, the plan and
  the target's LAN clients;
* :class:`Ledger`: the counts the probe stream reports, per commune, family and tick;
  :meth:`Ledger.window` sums a time window, :func:`judge` turns it into a :class:`Verdict`;
* :class:`Guard`: the gates the devices of a wave wait at before confirming (the rollout
  calls it, see :class:`RolloutGuard`), and the report (:class:`GuardReport`, per wave and
  per commune, for the migration report to keep);
* :class:`ProbeStream`: the one prober process (:mod:`netauto.push.guard_stream`) that sends
  every commune's probes from its client's network namespace, and its reader.

What runs today: probes from the lab's LAN clients (local namespaces, root). In production
the probes would leave from each commune router's LAN gateway address, by a prober run on
the router over SSH (the stream is stdlib only for that reason); that runner is not built
yet, and ``--guard`` says so on a target without LAN clients.
"""

from __future__ import annotations

import array
import bisect
import contextlib
import datetime as dt
import json
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Literal, Protocol

from pydantic import BaseModel, ConfigDict, Field

from netauto.connect.targets import LanClient
from netauto.plan.models import Plan
from netauto.push.core import DeviceResult
from netauto.sot.checks import group_members
from netauto.sot.models import FAMILIES, Family, SoT

RATE = 5.0
"""Probes per second per commune and family."""
TICK = 0.5
"""Seconds of one accounting tick: windows are rounded out to whole ticks."""
TIMEOUT = 1.0
"""Seconds an echo request may take before it counts as lost."""
MARGIN = 2.0
"""Seconds a wave is watched after its last post-check, before its verdict."""
BASELINE = 3.0
"""Seconds of probing before the first wave: every commune must pass this too."""
TAIL = 3.0
"""Seconds of probing after the rollout (the ``after`` window: where things ended)."""
OVERHEAD = MARGIN + TIMEOUT + 2 * TICK + 5.0
"""Longest a verdict may take after the last post-check (the prober's reports included)."""
STREAM = Path(__file__).with_name("guard_stream.py")

_EPOCH = dt.datetime.fromtimestamp(0, dt.UTC)


class GuardModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# --- the probe plan -----------------------------------------------------------------------


class ProbeTarget(GuardModel):
    """A VM address a commune probes, and the services it hosts there."""

    vm: str
    address: str
    services: list[str]


class ProbeFlow(GuardModel):
    """The probes of one commune in one family: where they leave from, where they go."""

    commune: str = Field(description="site slug")
    router: str = Field(description="the router of the commune's probe LAN")
    family: Family
    origin: Literal["client", "gateway"] = Field(
        description="a host on the LAN (the lab's client) or the router's LAN gateway address"
    )
    source: str = Field(description='source address; "" lets the kernel choose (SLAAC)')
    netns: str = Field("", description="network namespace file of the client")
    client: str = ""
    targets: list[ProbeTarget]


class Unguarded(GuardModel):
    commune: str
    reason: str


class ProbePlan(GuardModel):
    flows: list[ProbeFlow]
    unguarded: list[Unguarded] = []

    def communes(self) -> list[str]:
        """The guarded communes, in SoT order."""
        return list(dict.fromkeys(f.commune for f in self.flows))


def _service_targets(sot: SoT, plan: Plan) -> dict[str, dict[Family, dict[str, ProbeTarget]]]:
    """Per commune, per family: the VM addresses (with their services) the policy opens."""
    hosting: dict[str, list[tuple[str, dict[Family, str]]]] = {}
    for vm in plan.vms:
        for service in vm.services:
            hosting.setdefault(service, []).append(
                (vm.name, {"ipv4": str(vm.ipv4.ip), "ipv6": str(vm.ipv6.ip)})
            )
    kinds = {s.slug: s.kind for s in sot.sites}
    found: dict[str, dict[Family, dict[str, ProbeTarget]]] = {}
    for rule in sot.policy:
        services = [t for t in rule.to if t in sot.services]
        if rule.deny or not services:
            continue
        for slug in group_members(sot, rule.source):
            if kinds.get(slug) != "commune":
                continue
            for family in rule.families:
                targets = found.setdefault(slug, {}).setdefault(family, {})
                for service in services:
                    for vm_name, addresses in hosting.get(service, []):
                        old = targets.get(vm_name)
                        names = [*(old.services if old else []), service]
                        targets[vm_name] = ProbeTarget(
                            vm=vm_name, address=addresses[family], services=sorted(set(names))
                        )
    return found


def probe_plan(
    sot: SoT, plan: Plan, clients: Sequence[LanClient], sites: Iterable[str] | None = None
) -> ProbePlan:
    """The probe flows of the guard: every commune (of ``sites``, default all) → every VM
    hosting a service the policy lets it reach, per family the rule allows.

    A commune probes from its probe LAN (its first LAN): from that LAN's client when the
    target has one (the lab), else from the router's LAN gateway address (production). A
    commune the policy opens no service to, or with no LAN, is listed as unguarded.
    """
    wanted = set(sites) if sites is not None else None
    targets = _service_targets(sot, plan)
    by_lan = {(c.router, c.lan): c for c in clients}
    site_plans = {s.slug: s for s in plan.sites}
    flows: list[ProbeFlow] = []
    unguarded: list[Unguarded] = []
    for site in sot.sites:
        if site.kind != "commune" or (wanted is not None and site.slug not in wanted):
            continue
        site_plan = site_plans.get(site.slug)
        if site.slug not in targets:
            unguarded.append(Unguarded(commune=site.slug, reason="the policy opens no service"))
            continue
        if site_plan is None or not site_plan.lans:
            unguarded.append(Unguarded(commune=site.slug, reason="no LAN to probe from"))
            continue
        lan = site_plan.lans[0]
        client = by_lan.get((lan.device, lan.key))
        for family in FAMILIES:
            chosen = targets[site.slug].get(family)
            if not chosen:
                continue
            if client is not None:
                version = 4 if family == "ipv4" else 6
                own = [str(a.ip) for a in client.addresses if a.version == version]
                origin: Literal["client", "gateway"] = "client"
                source, netns, name = (own[0] if own else ""), client.netns, client.name
            else:
                gateway = lan.gateway4 if family == "ipv4" else lan.gateway6
                origin, source, netns, name = "gateway", str(gateway), "", ""
            flows.append(
                ProbeFlow(
                    commune=site.slug, router=lan.device, family=family, origin=origin,
                    source=source, netns=netns, client=name,
                    targets=[chosen[vm] for vm in sorted(chosen)],
                )
            )  # fmt: skip
    return ProbePlan(flows=flows, unguarded=unguarded)


# --- accounting and verdict ---------------------------------------------------------------


class Counts(GuardModel):
    """Probes sent, and of those lost (no echo reply within ``TIMEOUT``)."""

    sent: int = 0
    lost: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(sent=self.sent + other.sent, lost=self.lost + other.lost)

    def text(self) -> str:
        """Examples:
        >>> Counts(sent=40, lost=3).text()
        '40 sent, 3 lost'
        """
        return f"{self.sent} sent, {self.lost} lost"


class CommuneCounts(GuardModel):
    router: str
    ipv4: Counts = Counts()
    ipv6: Counts = Counts()

    def family(self, family: Family) -> Counts:
        return self.ipv4 if family == "ipv4" else self.ipv6


class WindowCounts(GuardModel):
    """What every commune sent and lost between ``start`` and ``end`` (epoch seconds)."""

    start: float
    end: float
    communes: dict[str, CommuneCounts]

    def total(self, family: Family) -> Counts:
        found = Counts()
        for counts in self.communes.values():
            found += counts.family(family)
        return found


class CommuneLoss(GuardModel):
    commune: str
    router: str
    sent: int
    lost: int


def when(epoch: float) -> dt.datetime:
    """An epoch time as an aware UTC datetime.

    Examples:
        >>> when(90.5).isoformat()
        '1970-01-01T00:01:30.500000+00:00'
    """
    return _EPOCH + dt.timedelta(seconds=epoch)


def span(start: dt.datetime, end: dt.datetime) -> str:
    """A time window as the guard's messages name it.

    Examples:
        >>> span(when(3600.2), when(3611.9))
        '1970-01-01 01:00:00–01:00:11 UTC (11.7 s)'
    """
    seconds = (end - start).total_seconds()
    return f"{start:%Y-%m-%d %H:%M:%S}–{end:%H:%M:%S} UTC ({seconds:.1f} s)"


class Verdict(GuardModel):
    """A window judged: ``over`` names the communes that lost more than ``max_loss``."""

    ok: bool
    family: Family = "ipv4"
    start: dt.datetime
    end: dt.datetime
    max_loss: int
    over: list[CommuneLoss] = []

    def message(self) -> str:
        """The communes over the limit and the window (empty when ok)."""
        if self.ok:
            return ""
        who = ", ".join(f"{o.commune} ({o.router}) lost {o.lost} of {o.sent}" for o in self.over)
        version = "IPv4" if self.family == "ipv4" else "IPv6"
        return (f"{version} probes lost {span(self.start, self.end)}, at most "
                f"{self.max_loss} allowed per commune: {who}")  # fmt: skip


def judge(window: WindowCounts, max_loss: int, family: Family = "ipv4") -> Verdict:
    """Judge ``window``: every commune may lose at most ``max_loss`` probes of ``family``.

    Examples:
        >>> w = WindowCounts(start=0, end=10, communes={
        ...     "a": CommuneCounts(router="a-r1", ipv4=Counts(sent=50, lost=0)),
        ...     "b": CommuneCounts(router="b-r1", ipv4=Counts(sent=50, lost=7))})
        >>> judge(w, 0).over
        [CommuneLoss(commune='b', router='b-r1', sent=50, lost=7)]
        >>> judge(w, 7).ok
        True
    """
    over = [
        CommuneLoss(commune=name, router=c.router, sent=c.family(family).sent,
                    lost=c.family(family).lost)
        for name, c in window.communes.items()
        if c.family(family).lost > max_loss
    ]  # fmt: skip
    return Verdict(ok=not over, family=family, start=when(window.start), end=when(window.end),
                   max_loss=max_loss, over=over)  # fmt: skip


@dataclass(frozen=True)
class FlowKey:
    commune: str
    router: str
    family: Family


class Ledger:
    """The probe stream's counts, by tick; thread-safe (a reader thread adds, the gates read).

    Each tick keeps the running totals of every flow up to it (one array of integers), so a
    window is one subtraction, and an hour of 452 flows takes about 26 MB.

    Examples:
        >>> ledger = Ledger({0: FlowKey("a", "a-r1", "ipv4"), 1: FlowKey("a", "a-r1", "ipv6")})
        >>> ledger.add(100.0, 0.5, {"0": [3, 0], "1": [2, 2]})
        >>> ledger.add(100.5, 0.5, {"0": [2, 1]})
        >>> ledger.complete_until
        101.0
        >>> w = ledger.window(100.2, 100.6)
        >>> w.communes["a"].ipv4, w.communes["a"].ipv6
        (Counts(sent=5, lost=1), Counts(sent=2, lost=2))
        >>> ledger.window(100.5, 101.0).communes["a"].ipv4
        Counts(sent=2, lost=1)
    """

    def __init__(
        self,
        flows: dict[int, FlowKey],
        listener: Callable[[float, float, dict[Family, Counts]], None] | None = None,
    ) -> None:
        self.flows = flows
        self.listener = listener
        self.complete_until = 0.0
        self._slot = {flow: n for n, flow in enumerate(flows)}
        self._starts: list[float] = []
        self._ends: list[float] = []
        self._totals: list[array.array[int]] = [array.array("I", bytes(8 * len(flows)))]
        """(sent, lost) of every flow slot summed over the first k ticks: ``_totals[k]``."""
        self._changed = threading.Condition()

    def add(self, start: float, length: float, counts: dict[str, list[int]]) -> None:
        """Record one tick the stream reported (ticks come in order)."""
        families = {family: [0, 0] for family in FAMILIES}
        with self._changed:
            running = array.array("I", self._totals[-1])
            for name, (sent, lost) in counts.items():
                slot = self._slot.get(int(name))
                if slot is None:
                    continue
                running[2 * slot] += int(sent)
                running[2 * slot + 1] += int(lost)
                pair = families[self.flows[int(name)].family]
                pair[0] += int(sent)
                pair[1] += int(lost)
            self._starts.append(start)
            self._ends.append(start + length)
            self._totals.append(running)
            self.complete_until = max(self.complete_until, start + length)
            self._changed.notify_all()
        if self.listener is not None:
            self.listener(start, length, {f: Counts(sent=s, lost=lo)
                                          for f, (s, lo) in families.items()})  # fmt: skip

    def wait_complete(self, until: float, timeout: float) -> bool:
        """Wait until every tick before ``until`` is reported; False after ``timeout`` s."""
        with self._changed:
            return self._changed.wait_for(lambda: self.complete_until >= until, timeout)

    def window(self, start: float, end: float) -> WindowCounts:
        """The counts of every flow over the ticks that overlap ``[start, end)``."""
        with self._changed:
            first = bisect.bisect_right(self._ends, start)  # the first tick ending after start
            last = bisect.bisect_left(self._starts, end)  # the ticks starting before end
            low, high = self._totals[first], self._totals[max(first, last)]
        communes: dict[str, dict[str, Any]] = {}
        for flow, key in self.flows.items():
            slot = self._slot[flow]
            entry = communes.setdefault(key.commune, {"router": key.router})
            entry[key.family] = Counts(sent=high[2 * slot] - low[2 * slot],
                                       lost=high[2 * slot + 1] - low[2 * slot + 1])  # fmt: skip
        return WindowCounts(
            start=start, end=end,
            communes={k: CommuneCounts(**v) for k, v in communes.items()},
        )  # fmt: skip


# --- the report ---------------------------------------------------------------------------


class WaveReport(GuardModel):
    """One wave as the guard saw it (also the baseline before and the tail after)."""

    name: str
    hosts: list[str] = []
    start: dt.datetime
    end: dt.datetime
    ipv4: Counts
    ipv6: Counts
    judged: bool = Field(description="devices waited for this verdict before confirming")
    ok: bool
    over: list[CommuneLoss] = []
    rolled_back: bool = Field(False, description="the guard rolled the wave back")
    message: str = ""

    def summary(self) -> str:
        """One line: the counts per family, the window and the verdict."""
        verdict = "ok" if self.ok else ("rolled back" if self.rolled_back else "loss")
        return (f"{self.name}: IPv4 {self.ipv4.text()}, IPv6 {self.ipv6.text()}; "
                f"{span(self.start, self.end)}; {verdict}")  # fmt: skip


class CommuneWave(GuardModel):
    wave: str
    ipv4: Counts
    ipv6: Counts


class CommuneReport(GuardModel):
    """One commune through the rollout: its probes per wave, and whether its router was
    rolled back (by the guard or by its own post-check)."""

    commune: str
    router: str
    client: str = ""
    origin: Literal["client", "gateway"]
    waves: list[CommuneWave] = []
    rolled_back: bool = False
    rolled_back_in: str = ""
    ipv6_from: dt.datetime | None = Field(None, description="when its IPv6 probes started")


class GuardReport(GuardModel):
    """Everything the guard measured and decided: kept with the push results."""

    rate: float
    tick: float
    timeout: float
    margin: float
    max_loss: int
    baseline: WaveReport | None = None
    waves: list[WaveReport] = []
    after: WaveReport | None = None
    communes: list[CommuneReport] = []
    unguarded: list[Unguarded] = []
    stopped: str = Field("", description="why the guard stopped the rollout, if it did")
    prober: dict[str, float] = Field(default_factory=lambda: {})

    def wave(self, name: str) -> WaveReport | None:
        return next((w for w in self.waves if w.name == name), None)


class WaveProgress(GuardModel):
    """What the progress display shows for the wave being watched."""

    wave: str
    ipv4: Counts
    ipv6: Counts
    done: bool = False
    ok: bool = True
    summary: str = ""


# --- the guard ----------------------------------------------------------------------------


class RolloutGuard(Protocol):
    """What :func:`netauto.push.run.run_rollout` asks of a guard, per wave and per device."""

    def begin_wave(self, name: str, hosts: list[str]) -> None:
        """A wave starts (before any of its devices is touched)."""

    def committing(self, host: str) -> None:
        """``host`` is about to commit (the first one opens the wave's window)."""

    def hold(self, host: str) -> str | None:
        """``host`` passed its post-check: wait for the wave's verdict; None = confirm,
        else the reason to roll back."""

    def leave(self, host: str) -> None:
        """``host`` is done with the wave, whatever its outcome (the gate stops waiting)."""

    def end_wave(self, name: str, results: list[DeviceResult]) -> bool:
        """Every device of the wave is done; False: the guard stops the rollout (even with
        ``--continue-on-error``)."""


class StreamControl(Protocol):
    def activate(self, flows: list[int]) -> None:
        """Start these flows' probes."""

    def close(self) -> dict[str, float]:
        """Stop probing; the stream's closing figures."""


@dataclass
class _Wave:
    name: str
    hosts: list[str]
    begun: float
    outstanding: set[str]
    first_commit: float | None = None
    waiting: int = 0
    deciding: bool = False
    decided: bool = False
    veto: str | None = None
    window: WindowCounts | None = None
    verdict: Verdict | None = None
    live: dict[Family, Counts] = field(default_factory=lambda: {f: Counts() for f in FAMILIES})


class Guard:
    """The gates and the bookkeeping of a guarded rollout (see the module doc).

    The devices of a wave call :meth:`committing`, then :meth:`hold` once their post-check
    passed, and :meth:`leave` when done. When every device of the wave is either holding or
    done, the last one to arrive takes the verdict for all (``MARGIN`` seconds more of
    probing, then :func:`judge` on the window from the wave's first commit), and every
    holding device confirms, or rolls back with the verdict's message. A device that fails
    early never blocks the others: leaving counts as arriving.
    """

    def __init__(
        self,
        plan: ProbePlan,
        max_loss: int,
        stream: StreamControl,
        ledger: Ledger,
        *,
        margin: float = MARGIN,
        wait: float = TIMEOUT + 2 * TICK + 5.0,
        on_progress: Callable[[WaveProgress], None] | None = None,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
        rate: float = RATE,
    ) -> None:
        self.plan = plan
        self.max_loss = max_loss
        self.stream = stream
        self.ledger = ledger
        self.margin = margin
        self.wait = wait
        self.on_progress = on_progress
        self.clock = clock
        self.sleep = sleep
        self.rate = rate
        self._cond = threading.Condition()
        self._wave: _Wave | None = None
        self._waves: list[WaveReport] = []
        self._per_commune: dict[str, list[CommuneWave]] = {c: [] for c in plan.communes()}
        self._rolled_back: dict[str, str] = {}
        self._ipv6_from: dict[str, dt.datetime] = {}
        self._baseline: WaveReport | None = None
        self._after: WaveReport | None = None
        self._stopped = ""
        ledger.listener = self._tick

    @classmethod
    def start(
        cls,
        plan: ProbePlan,
        max_loss: int,
        on_progress: Callable[[WaveProgress], None] | None = None,
        rate: float = RATE,
    ) -> Guard:
        """A guard with its probe stream running (IPv4 flows on, IPv6 flows waiting).

        Raises:
            GuardError: the stream could not start a flow (a client namespace is gone, a
                source address is missing) or did not start at all.
        """
        ledger = Ledger(
            {i: FlowKey(f.commune, f.router, f.family) for i, f in enumerate(plan.flows)}
        )
        stream = ProbeStream(plan.flows, ledger, rate=rate)
        stream.open()
        return cls(plan, max_loss, stream, ledger, on_progress=on_progress, rate=rate)

    # The rollout's side (RolloutGuard) --------------------------------------------------

    def begin_wave(self, name: str, hosts: list[str]) -> None:
        with self._cond:
            self._wave = _Wave(name=name, hosts=list(hosts), begun=self.clock(),
                               outstanding=set(hosts))  # fmt: skip

    def committing(self, host: str) -> None:
        with self._cond:
            if self._wave is not None and self._wave.first_commit is None:
                self._wave.first_commit = self.clock()

    def hold(self, host: str) -> str | None:
        with self._cond:
            wave = self._wave
            if wave is None:
                return None
            wave.outstanding.discard(host)
            wave.waiting += 1
            decide = self._take_decision(wave)
        if decide:
            self._decide(wave)
        with self._cond:
            if not self._cond.wait_for(lambda: wave.decided, timeout=3600):
                return "guard: no verdict for the wave"
            return wave.veto

    def leave(self, host: str) -> None:
        with self._cond:
            wave = self._wave
            if wave is None or host not in wave.outstanding:
                return
            wave.outstanding.discard(host)
            decide = self._take_decision(wave)
        if decide:
            self._decide(wave)

    def end_wave(self, name: str, results: list[DeviceResult]) -> bool:
        with self._cond:
            wave = self._wave
            self._wave = None
        if wave is None:
            return True
        if wave.window is None:  # nobody held (nothing committed, or all failed): report it
            end = self.clock()
            self.ledger.wait_complete(end, self.wait)
            wave.window = self.ledger.window(wave.first_commit or wave.begun, end)
            wave.verdict = judge(wave.window, self.max_loss)
        assert wave.verdict is not None
        verdict = wave.verdict
        report = self._report(wave.name, wave.hosts, wave.window, wave.waiting > 0, verdict,
                              rolled_back=wave.veto is not None,
                              message=wave.veto or verdict.message())  # fmt: skip
        self._waves.append(report)
        if wave.veto is not None:
            self._stopped = wave.veto
        self._record(wave.name, wave.window)
        outcome = {r.host: r.outcome for r in results}
        started = []
        for index, flow in enumerate(self.plan.flows):
            state = outcome.get(flow.router)
            if state == "rolled-back":
                self._rolled_back.setdefault(flow.commune, wave.name)
            elif (
                state in ("committed", "unchanged")
                and flow.family == "ipv6"
                and flow.commune not in self._ipv6_from
            ):
                self._ipv6_from[flow.commune] = when(self.clock())
                started.append(index)
        if started:
            self.stream.activate(started)
        self._show(WaveProgress(wave=report.name, ipv4=report.ipv4, ipv6=report.ipv6,
                                done=True, ok=report.ok, summary=report.summary()))  # fmt: skip
        return wave.veto is None

    # Before and after -----------------------------------------------------------------

    def baseline(self, seconds: float = BASELINE) -> WaveReport:
        """Probe for ``seconds`` before anything changes and judge it like a wave: a
        commune that already loses probes would fail the first wave for nothing."""
        self._baseline = self._watch("baseline", seconds)
        return self._baseline

    def finish(self, tail: float = TAIL, settle: float = 0.0) -> GuardReport:
        """Watch ``tail`` seconds more (``after``: where the rollout left things, IPv6 of
        every confirmed commune included), stop the stream and return the whole report.

        With ``settle``, windows of ``tail`` seconds are watched until one loses no probe in
        either family (routing of the last wave still converging), for up to ``settle``
        seconds; the last one is the ``after`` window."""
        try:
            if tail > 0:
                deadline = time.monotonic() + settle
                self._after = self._watch("after", tail)
                while (self._after.ipv4.lost or self._after.ipv6.lost) and (
                    time.monotonic() < deadline
                ):
                    self._after = self._watch("after", tail)
        finally:
            figures = self.stream.close()
        return self.report(figures)

    def report(self, prober: dict[str, float] | None = None) -> GuardReport:
        """The report so far."""
        origin = {f.commune: f for f in self.plan.flows}
        communes = [
            CommuneReport(
                commune=name, router=origin[name].router, client=origin[name].client,
                origin=origin[name].origin, waves=self._per_commune.get(name, []),
                rolled_back=name in self._rolled_back,
                rolled_back_in=self._rolled_back.get(name, ""),
                ipv6_from=self._ipv6_from.get(name),
            )
            for name in self.plan.communes()
        ]  # fmt: skip
        return GuardReport(
            rate=self.rate, tick=TICK, timeout=TIMEOUT, margin=self.margin,
            max_loss=self.max_loss, baseline=self._baseline, waves=list(self._waves),
            after=self._after, communes=communes, unguarded=self.plan.unguarded,
            stopped=self._stopped, prober=prober or {},
        )  # fmt: skip

    # Inside ---------------------------------------------------------------------------

    def _take_decision(self, wave: _Wave) -> bool:
        """Whether the caller (holding the lock) is the one to decide the wave now."""
        if wave.outstanding or not wave.waiting or wave.deciding or wave.decided:
            return False
        wave.deciding = True
        return True

    def _decide(self, wave: _Wave) -> None:
        """Watch ``margin`` more seconds, then judge the wave's window; wake the holders."""
        end = self.clock()
        self.sleep(max(0.0, end + self.margin - self.clock()))
        end += self.margin
        start = wave.first_commit if wave.first_commit is not None else wave.begun
        veto: str | None
        if self.ledger.wait_complete(end, self.wait):
            wave.window = self.ledger.window(start, end)
            wave.verdict = judge(wave.window, self.max_loss)
            veto = None
            if not wave.verdict.ok:
                veto = (f"guard: {wave.name}: {wave.verdict.message()}; the wave is rolled "
                        "back and the rollout stops")  # fmt: skip
        else:
            wave.window = self.ledger.window(start, end)
            gone = WindowCounts(start=start, end=end, communes={})
            wave.verdict = judge(gone, self.max_loss).model_copy(update={"ok": False})
            veto = (f"guard: {wave.name}: no probe results since "
                    f"{when(self.ledger.complete_until):%H:%M:%S} UTC (the probe stream "
                    "stopped); the wave is rolled back and the rollout stops")  # fmt: skip
        with self._cond:
            wave.veto = veto
            wave.decided = True
            self._cond.notify_all()

    def _watch(self, name: str, seconds: float) -> WaveReport:
        start = self.clock()
        with self._cond:
            self._wave = _Wave(name=name, hosts=[], begun=start, outstanding=set())
        self.sleep(seconds)
        end = start + seconds
        complete = self.ledger.wait_complete(end, self.wait)
        with self._cond:
            self._wave = None
        window = self.ledger.window(start, end)
        verdict = judge(window, self.max_loss)
        message = verdict.message()
        if not complete:
            verdict = verdict.model_copy(update={"ok": False})
            message = "no probe results (the probe stream stopped)"
        report = self._report(name, [], window, False, verdict, message=message)
        self._record(name, window)
        self._show(WaveProgress(wave=name, ipv4=report.ipv4, ipv6=report.ipv6, done=True,
                                ok=report.ok, summary=report.summary()))  # fmt: skip
        return report

    def _record(self, name: str, window: WindowCounts) -> None:
        """Keep each commune's counts of one window (a wave, the baseline, the tail); a
        window watched again (a baseline waited for, a tail settling) replaces the last."""
        for commune, counts in window.communes.items():
            kept = [w for w in self._per_commune.get(commune, []) if w.wave != name]
            self._per_commune[commune] = [
                *kept, CommuneWave(wave=name, ipv4=counts.ipv4, ipv6=counts.ipv6)
            ]

    def _report(
        self,
        name: str,
        hosts: list[str],
        window: WindowCounts,
        judged: bool,
        verdict: Verdict,
        rolled_back: bool = False,
        message: str = "",
    ) -> WaveReport:
        return WaveReport(
            name=name, hosts=hosts, start=when(window.start), end=when(window.end),
            ipv4=window.total("ipv4"), ipv6=window.total("ipv6"), judged=judged,
            ok=verdict.ok, over=verdict.over, rolled_back=rolled_back, message=message,
        )  # fmt: skip

    def _tick(self, start: float, length: float, totals: dict[Family, Counts]) -> None:
        """A tick came in: add it to the watched wave's running counts and show them."""
        with self._cond:
            wave = self._wave
            if wave is None or start + length <= wave.begun:
                return
            for family in FAMILIES:
                wave.live[family] += totals[family]
            shown = WaveProgress(wave=wave.name, ipv4=wave.live["ipv4"], ipv6=wave.live["ipv6"])
        self._show(shown)

    def _show(self, progress: WaveProgress) -> None:
        if self.on_progress is not None:
            try:
                self.on_progress(progress)
            except Exception:  # a display error must never stop a verdict
                return


# --- the probe stream ---------------------------------------------------------------------


class GuardError(Exception):
    """The probe stream could not start (the CLI turns this into a user-facing error)."""


class ProbeStream:
    """The prober process (:mod:`netauto.push.guard_stream`) and the thread reading it."""

    def __init__(
        self,
        flows: list[ProbeFlow],
        ledger: Ledger,
        rate: float = RATE,
        python: str = sys.executable,
    ) -> None:
        self.flows = flows
        self.ledger = ledger
        self.rate = rate
        self.python = python
        self.figures: dict[str, float] = {}
        self._proc: subprocess.Popen[bytes] | None = None
        self._reader: threading.Thread | None = None
        self._ready = threading.Event()
        self._started = False
        self._errors: dict[str, str] = {}
        self._write = threading.Lock()

    def open(self, timeout: float = 30.0) -> None:
        """Start the prober, give it the flows and wait until every socket is made.

        Raises:
            GuardError: a flow could not be set up, or the prober did not answer.
        """
        local = [f for f in self.flows if f.origin == "client"]
        if len(local) != len(self.flows):
            raise GuardError("probes from a router's LAN gateway need a prober on the router, "
                             "which is not implemented yet")  # fmt: skip
        config = {
            "rate": self.rate, "tick": TICK, "timeout": TIMEOUT,
            "flows": [
                [i, 4 if f.family == "ipv4" else 6, f.source, f.netns,
                 [t.address for t in f.targets], f.family == "ipv4"]
                for i, f in enumerate(self.flows)
            ],
        }  # fmt: skip
        self._proc = subprocess.Popen(
            [self.python, "-I", str(STREAM)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )  # fmt: skip
        assert self._proc.stdin is not None and self._proc.stdout is not None
        self._reader = threading.Thread(
            target=self._read, args=(self._proc.stdout,), name="guard-stream", daemon=True
        )
        self._reader.start()
        with contextlib.suppress(OSError):  # a prober dead at once: said below
            self._send(config)
        if not self._ready.wait(timeout) or not self._started:
            self._kill()
            raise GuardError(f"the probe stream did not start: {self._stderr()}")
        if self._errors:
            self._kill()
            names = {str(i): f for i, f in enumerate(self.flows)}
            raise GuardError("cannot probe from " + "; ".join(
                f"{names[k].commune} ({names[k].client or names[k].router}, "
                f"{names[k].family}): {why}" for k, why in sorted(self._errors.items())
            ))  # fmt: skip

    def activate(self, flows: list[int]) -> None:
        try:
            self._send({"start": flows})
        except OSError:  # the stream is gone: the next verdict says so
            return

    def close(self) -> dict[str, float]:
        """End the stream's input; it settles the probes in flight and exits."""
        proc = self._proc
        if proc is None:
            return self.figures
        try:
            if proc.stdin is not None:
                proc.stdin.close()
            proc.wait(timeout=TIMEOUT + 10)
        except (OSError, subprocess.TimeoutExpired):
            self._kill()
        if self._reader is not None:
            self._reader.join(timeout=5)
        if proc.stderr is not None:
            proc.stderr.close()
        self._proc = None
        return self.figures

    def _send(self, message: dict[str, Any]) -> None:
        with self._write:
            assert self._proc is not None and self._proc.stdin is not None
            self._proc.stdin.write(json.dumps(message).encode() + b"\n")
            self._proc.stdin.flush()

    def _read(self, stdout: IO[bytes]) -> None:
        for raw in stdout:
            try:
                message = json.loads(raw)
            except ValueError:
                continue
            if "t" in message:
                self.ledger.add(float(message["t"]), float(message["d"]), message["f"])
            elif "ready" in message:
                self._errors = dict(message["ready"].get("errors", {}))
                self._started = True
                self._ready.set()
            elif "end" in message:
                self.figures = {k: float(v) for k, v in message["end"].items()}
        self._ready.set()  # the stream ended: nobody waits for it any more

    def _stderr(self) -> str:
        proc = self._proc
        if proc is None or proc.stderr is None:
            return "no answer"
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        text = proc.stderr.read().decode(errors="replace").strip().splitlines()
        return text[-1] if text else f"exit {proc.returncode}"

    def _kill(self) -> None:
        if self._proc is not None and self._proc.poll() is None:
            self._proc.kill()
            self._proc.wait()
