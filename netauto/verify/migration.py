"""A guarded migration as the history keeps it: what ``netauto push --commit --guard`` did.

A :class:`MigrationRun` is the typed record of one guarded rollout: when, against what and
from which SoT it ran (:class:`~netauto.verify.models.RunInfo`, as a verify run has), the
guard's settings, every window the guard watched (the *baseline* before any change, one
*wave* per stage of the rollout, the *after* tail), each device's outcome, and per commune
its probes sent and lost per family in every window, whether its router was rolled back
(and in which wave) and when its IPv6 probes started. It is stored in the run history
(:mod:`netauto.verify.history`) in the same id space as verify runs, so ``netauto report
--run N`` reports either.

push and verify never import each other: this module restates what the push's results
and the guard's report say, and the command line (the only place that sees both) builds it.

Definitions the report and the history share (pure functions below):

* a commune was *reachable over IPv4 before* when the baseline sent it probes and it lost
  at most the guard's ``max_loss`` of them (the guard's own verdict on the baseline);
* a commune is *migrated* when every one of its routers in the push ended committed or
  unchanged (a rolled-back, failed, refused or skipped router is not);
* the probe totals of a migration are those of its waves (the baseline and the tail are
  shown on their own).
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from netauto.sot.models import Family
from netauto.verify.models import RunInfo, SiteInfo, VerifyModel

WindowKind = Literal["baseline", "wave", "after"]
DeviceOutcome = Literal[
    "unchanged", "would-change", "committed", "rolled-back", "failed", "unreachable", "skipped",
    "refused",
]  # fmt: skip
"""A device's outcome in the push (the same words as ``netauto push`` prints)."""
CommuneOutcome = Literal["migrated", "rolled-back", "failed", "refused", "skipped", "not-pushed"]
Reachable = Literal["yes", "no", "unknown"]


class Probes(VerifyModel):
    """Probes sent, and of those lost (no echo reply within the guard's timeout)."""

    sent: int = 0
    lost: int = 0

    def __add__(self, other: Probes) -> Probes:
        return Probes(sent=self.sent + other.sent, lost=self.lost + other.lost)

    def text(self) -> str:
        """Examples:
        >>> Probes(sent=40, lost=3).text()
        '40 sent, 3 lost'
        """
        return f"{self.sent} sent, {self.lost} lost"


class GuardSettings(VerifyModel):
    """How the guard probed and judged: the limit and the timing of its probes."""

    max_loss: int = Field(description="IPv4 probes a commune may lose in a wave")
    rate: float = Field(description="probes per second per commune and family")
    tick: float
    timeout: float = Field(description="seconds an echo may take before it counts as lost")
    margin: float = Field(description="seconds a wave is watched after its last post-check")


class MigrationWindow(VerifyModel):
    """One window the guard watched, summed over every commune."""

    name: str = Field(description="'baseline', the stage's name ('canary', 'batch 1'), 'after'")
    kind: WindowKind
    hosts: list[str] = Field(default_factory=list, description="the wave's devices")
    start: str = Field(description="UTC, ISO 8601")
    end: str
    ipv4: Probes
    ipv6: Probes
    judged: bool = Field(False, description="devices waited for this verdict before confirming")
    ok: bool
    over: list[str] = Field(
        default_factory=list, description="communes that lost more than max_loss IPv4 probes"
    )
    rolled_back: bool = Field(False, description="the guard rolled the wave back")
    message: str = ""


class CommuneWindow(VerifyModel):
    """One commune's probes in one window."""

    window: str
    ipv4: Probes = Probes()
    ipv6: Probes = Probes()

    def family(self, family: Family) -> Probes:
        return self.ipv4 if family == "ipv4" else self.ipv6


class MigrationCommune(VerifyModel):
    """One commune through the rollout."""

    commune: str = Field(description="site slug")
    router: str = Field(description="the router of the commune's probe LAN")
    origin: Literal["client", "gateway"]
    client: str = ""
    windows: list[CommuneWindow] = Field(default_factory=list, description="by window name")
    rolled_back: bool = False
    rolled_back_in: str = Field("", description="the wave its router was rolled back in")
    ipv6_from: str | None = Field(None, description="when its IPv6 probes started (UTC)")

    def window(self, name: str) -> CommuneWindow:
        """Its probes in window ``name`` (none sent when it was not probed there)."""
        return next((w for w in self.windows if w.window == name), CommuneWindow(window=name))


class MigrationDevice(VerifyModel):
    host: str
    site: str = Field(description="slug of the device's site")
    wave: str
    outcome: DeviceOutcome
    rolled_back: bool = False
    detail: str = Field("", description="the error or post-check, trimmed")


class UnguardedCommune(VerifyModel):
    commune: str
    reason: str


class MigrationRun(VerifyModel):
    """Everything a guarded rollout did, as stored and hashed in the history."""

    kind: Literal["migration"] = "migration"
    info: RunInfo
    guard: GuardSettings
    sites: list[SiteInfo] = Field(description="the communes probed, and the hubs they hang off")
    baseline: MigrationWindow | None = None
    waves: list[MigrationWindow] = Field(default_factory=list)
    after: MigrationWindow | None = None
    devices: list[MigrationDevice] = Field(default_factory=list)
    communes: list[MigrationCommune] = Field(default_factory=list)
    unguarded: list[UnguardedCommune] = Field(default_factory=list)
    stopped: str = Field("", description="why the guard stopped the rollout, if it did")

    def windows(self) -> list[MigrationWindow]:
        """Every window in time order: the baseline, the waves, the tail."""
        return [w for w in (self.baseline, *self.waves, self.after) if w is not None]


class MigrationSummary(VerifyModel):
    """The headline figures of a migration (what the history keeps per run for SQL)."""

    communes: int
    communes_migrated: int
    communes_rolled_back: int
    communes_reachable_before: int
    communes_ipv4_loss: int = Field(description="communes that lost an IPv4 probe in a wave")
    waves: int
    waves_rolled_back: int
    ipv4: Probes = Field(description="IPv4 probes of the waves")
    ipv6: Probes = Field(description="IPv6 probes of the waves")
    devices: dict[str, int] = Field(description="outcome -> devices")
    stopped: bool = Field(description="the rollout did not reach its last device")


def reachable_before(commune: MigrationCommune, run: MigrationRun) -> Reachable:
    """Whether ``commune`` reached the data centre over IPv4 in the baseline.

    Examples:
        >>> run = _example()
        >>> reachable_before(run.communes[0], run), reachable_before(run.communes[1], run)
        ('yes', 'no')
    """
    if run.baseline is None:
        return "unknown"
    probes = commune.window(run.baseline.name).ipv4
    if probes.sent == 0:
        return "unknown"
    return "yes" if probes.lost <= run.guard.max_loss else "no"


def commune_outcome(slug: str, run: MigrationRun) -> CommuneOutcome:
    """What the push did to the commune's routers, the worst outcome first.

    Examples:
        >>> run = _example()
        >>> commune_outcome("xa-a", run), commune_outcome("xa-b", run)
        ('migrated', 'rolled-back')
        >>> commune_outcome("xa-c", run)
        'not-pushed'
    """
    outcomes = {d.outcome for d in run.devices if d.site == slug}
    if not outcomes or outcomes == {"would-change"}:
        return "not-pushed"
    for outcome in ("rolled-back", "failed", "refused", "skipped"):
        if outcome in outcomes:
            return outcome
    if "unreachable" in outcomes:
        return "failed"
    return "migrated"


def wave_probes(commune: MigrationCommune, run: MigrationRun, family: Family) -> Probes:
    """The commune's probes of ``family`` over every wave (baseline and tail left out)."""
    total = Probes()
    for wave in run.waves:
        total += commune.window(wave.name).family(family)
    return total


def stopped(run: MigrationRun) -> bool:
    """Whether the rollout stopped before its end (the guard vetoed, or a device failed)."""
    return bool(run.stopped) or any(d.outcome == "skipped" for d in run.devices)


def summarise_migration(run: MigrationRun) -> MigrationSummary:
    """The headline figures of ``run`` (pure).

    Examples:
        >>> s = summarise_migration(_example())
        >>> s.communes, s.communes_migrated, s.communes_rolled_back, s.communes_ipv4_loss
        (2, 1, 1, 1)
        >>> s.ipv4, s.waves_rolled_back, s.devices
        (Probes(sent=80, lost=6), 1, {'committed': 1, 'rolled-back': 1})
    """
    ipv4, ipv6 = Probes(), Probes()
    for wave in run.waves:
        ipv4 += wave.ipv4
        ipv6 += wave.ipv6
    devices: dict[str, int] = {}
    for device in run.devices:
        devices[device.outcome] = devices.get(device.outcome, 0) + 1
    outcomes = [commune_outcome(c.commune, run) for c in run.communes]
    return MigrationSummary(
        communes=len(run.communes),
        communes_migrated=outcomes.count("migrated"),
        communes_rolled_back=sum(c.rolled_back for c in run.communes),
        communes_reachable_before=sum(reachable_before(c, run) == "yes" for c in run.communes),
        communes_ipv4_loss=sum(wave_probes(c, run, "ipv4").lost > 0 for c in run.communes),
        waves=len(run.waves),
        waves_rolled_back=sum(w.rolled_back for w in run.waves),
        ipv4=ipv4,
        ipv6=ipv6,
        devices=dict(sorted(devices.items())),
        stopped=stopped(run),
    )


def summary_line(run: MigrationRun) -> str:
    """One line of figures: communes migrated, probes per family, waves rolled back.

    Examples:
        >>> for part in summary_line(_example()).split("; "):
        ...     print(part)
        1 of 2 communes migrated
        IPv4 probes 80 sent, 6 lost
        IPv6 probes 20 sent, 0 lost
        1 of 2 waves rolled back
    """
    s = summarise_migration(run)
    line = (
        f"{s.communes_migrated} of {s.communes} communes migrated; IPv4 probes {s.ipv4.text()}; "
        f"IPv6 probes {s.ipv6.text()}; {s.waves_rolled_back} of {s.waves} waves rolled back"
    )
    if run.after is not None:  # IPv6 reaches the data centre once the core is done
        line += f"; after the rollout: IPv4 {run.after.ipv4.text()}, IPv6 {run.after.ipv6.text()}"
    return line


def _example() -> MigrationRun:
    """A two-commune migration for the examples: xa-b's wave lost IPv4 and rolled back."""
    info = RunInfo(started="t0", finished="t1", target="lab", province="P", province_code=1,
                   inventory="i")  # fmt: skip

    def window(name: str, kind: WindowKind, v4: tuple[int, int], v6: tuple[int, int] = (0, 0),
               rolled_back: bool = False) -> MigrationWindow:  # fmt: skip
        return MigrationWindow(name=name, kind=kind, start="t0", end="t1", judged=kind == "wave",
                               ipv4=Probes(sent=v4[0], lost=v4[1]),
                               ipv6=Probes(sent=v6[0], lost=v6[1]), ok=not rolled_back,
                               rolled_back=rolled_back)  # fmt: skip

    def commune(slug: str, router: str, *counts: tuple[str, int, int, int],
                rolled_back_in: str = "") -> MigrationCommune:  # fmt: skip
        return MigrationCommune(
            commune=slug, router=router, origin="client",
            windows=[CommuneWindow(window=n, ipv4=Probes(sent=s, lost=lo),
                                   ipv6=Probes(sent=s6, lost=0)) for n, s, lo, s6 in counts],
            rolled_back=bool(rolled_back_in), rolled_back_in=rolled_back_in,
        )  # fmt: skip

    return MigrationRun(
        info=info,
        guard=GuardSettings(max_loss=0, rate=5, tick=0.5, timeout=1, margin=2),
        sites=[SiteInfo(slug=s, site_id=i, name=s, kind="commune")
               for i, s in enumerate(["xa-a", "xa-b", "xa-c"], 1)],
        baseline=window("baseline", "baseline", (30, 1)),
        waves=[window("canary", "wave", (40, 0)),
               window("batch 1", "wave", (40, 6), (20, 0), rolled_back=True)],
        devices=[MigrationDevice(host="a-r1", site="xa-a", wave="canary", outcome="committed"),
                 MigrationDevice(host="b-r1", site="xa-b", wave="batch 1",
                                 outcome="rolled-back", rolled_back=True)],
        communes=[commune("xa-a", "a-r1", ("baseline", 15, 0, 0), ("canary", 20, 0, 0),
                          ("batch 1", 20, 0, 20)),
                  commune("xa-b", "b-r1", ("baseline", 15, 1, 0), ("canary", 20, 0, 0),
                          ("batch 1", 20, 6, 0), rolled_back_in="batch 1")],
    )  # fmt: skip
