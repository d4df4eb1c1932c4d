"""The traffic guard without a lab: the probe plan, the accounting, the verdict, the wave gates
inside a real ``run_rollout`` (Nornir's threaded runner, fake Napalm drivers, a simulated
probe stream), and the real probe stream on this machine's loopback (root only)."""

from __future__ import annotations

import ipaddress
import math
import os
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from netauto.connect.targets import LanClient
from netauto.plan import plan_for
from netauto.plan.models import Plan
from netauto.push import guard as g
from netauto.push.run import Candidate, PushOptions, run_rollout
from netauto.sot.loader import load_sot
from netauto.sot.models import PolicyRule, SoT
from tests.conftest import TINY

COMMUNES = ["phuong-an-xuyen", "phuong-ly-van-lam", "xa-tan-thanh"]


@pytest.fixture(scope="module")
def tiny() -> tuple[SoT, Plan]:
    return load_sot(TINY).sot, plan_for(TINY).plan


def client(name: str, router: str, lan: str, *addresses: str) -> LanClient:
    return LanClient(
        name=name,
        router=router,
        lan=lan,
        addresses=tuple(ipaddress.ip_interface(a) for a in addresses),
        netns=f"/run/netns/{name}",
    )


def with_policy(sot: SoT, *rules: dict[str, Any]) -> SoT:
    return sot.model_copy(update={"policy": [PolicyRule.model_validate(r) for r in rules]})


# --- the probe plan -------------------------------------------------------------------------


def test_probe_plan_without_clients_probes_from_every_commune_gateway(
    tiny: tuple[SoT, Plan],
) -> None:
    sot, plan = tiny
    probes = g.probe_plan(sot, plan, [])
    assert probes.communes() == COMMUNES
    assert [(f.commune, f.family) for f in probes.flows] == [
        (c, family) for c in COMMUNES for family in ("ipv4", "ipv6")
    ]
    first = probes.flows[0]
    assert (first.router, first.origin, first.source, first.netns) == (
        "cm-anxuyen-r1",
        "gateway",
        "10.96.3.1",
        "",
    )  # fmt: skip  (the office LAN, the first one, not the wifi)
    assert [(t.vm, t.address, t.services) for t in first.targets] == [
        ("dc-lgsp-01", "10.96.2.10", ["lgsp"]),
        ("dc-portal-01", "10.96.2.11", ["portal"]),
    ]
    assert [t.address for t in probes.flows[1].targets] == [
        "2001:db8:9610:150::a", "2001:db8:9610:150::b",
    ]  # fmt: skip
    assert probes.unguarded == []


def test_probe_plan_uses_the_probe_lan_client(tiny: tuple[SoT, Plan]) -> None:
    sot, plan = tiny
    clients = [
        client("c-wifi", "cm-anxuyen-r1", "wifi", "10.96.3.66/26"),
        client("c-office", "cm-anxuyen-r1", "office", "10.96.3.2/26", "2001:db8:9643:e910::2/64"),
        client("c-lvl", "cm-lyvanlam-r1", "office", "10.96.3.130/26"),  # IPv4 only (legacy)
    ]
    flows = {(f.commune, f.family): f for f in g.probe_plan(sot, plan, clients).flows}
    office4 = flows[("phuong-an-xuyen", "ipv4")]
    assert (office4.origin, office4.client, office4.source, office4.netns) == (
        "client", "c-office", "10.96.3.2", "/run/netns/c-office",
    )  # fmt: skip
    assert flows[("phuong-an-xuyen", "ipv6")].source == "2001:db8:9643:e910::2"
    # No IPv6 address on the client yet: the kernel picks one (SLAAC) once there is one.
    assert flows[("phuong-ly-van-lam", "ipv6")].source == ""
    assert flows[("phuong-ly-van-lam", "ipv6")].origin == "client"
    # No client on that LAN: the router's gateway address.
    assert flows[("xa-tan-thanh", "ipv4")].origin == "gateway"


@pytest.mark.parametrize(
    ("rules", "sites", "expected", "unguarded"),
    [
        pytest.param(
            [{"from": "communes", "to": ["lgsp"], "families": ["ipv4"]}], None,
            {c: {"ipv4": ["dc-lgsp-01"]} for c in COMMUNES}, [], id="one-service-ipv4-only",
        ),
        pytest.param(
            [{"from": "communes", "to": ["lgsp"]}, {"from": "communes", "to": ["portal"],
                                                     "families": ["ipv6"]}], None,
            {c: {"ipv4": ["dc-lgsp-01"], "ipv6": ["dc-lgsp-01", "dc-portal-01"]}
             for c in COMMUNES}, [], id="rules-add-up-per-family",
        ),
        pytest.param(
            [{"from": "communes", "to": ["lgsp", "portal"], "deny": True},
             {"from": "communes", "to": "communes", "deny": True}], None,
            {}, [(c, "the policy opens no service") for c in COMMUNES], id="deny-only",
        ),
        pytest.param(
            [{"from": "communes", "to": ["lgsp"]}], ["phuong-ly-van-lam", "hub-01"],
            {"phuong-ly-van-lam": {"ipv4": ["dc-lgsp-01"], "ipv6": ["dc-lgsp-01"]}}, [],
            id="subset-of-sites",
        ),
        pytest.param(
            [{"from": "hubs", "to": ["lgsp"]}], None,
            {}, [(c, "the policy opens no service") for c in COMMUNES], id="not-communes",
        ),
    ],
)  # fmt: skip
def test_probe_plan_follows_the_policy(
    tiny: tuple[SoT, Plan],
    rules: list[dict[str, Any]],
    sites: list[str] | None,
    expected: dict[str, dict[str, list[str]]],
    unguarded: list[tuple[str, str]],
) -> None:
    sot, plan = tiny
    probes = g.probe_plan(with_policy(sot, *rules), plan, [], sites)
    found: dict[str, dict[str, list[str]]] = {}
    for f in probes.flows:
        found.setdefault(f.commune, {})[f.family] = [t.vm for t in f.targets]
    assert found == expected
    assert [(u.commune, u.reason) for u in probes.unguarded] == unguarded


# --- accounting and verdict -----------------------------------------------------------------

FLOWS = {
    0: g.FlowKey("a", "a-r1", "ipv4"),
    1: g.FlowKey("a", "a-r1", "ipv6"),
    2: g.FlowKey("b", "b-r1", "ipv4"),
}


def ledger_of(*ticks: tuple[float, dict[str, list[int]]]) -> g.Ledger:
    ledger = g.Ledger(FLOWS)
    for start, counts in ticks:
        ledger.add(start, 0.5, counts)
    return ledger


TICKS = (
    (10.0, {"0": [2, 0], "2": [3, 0]}),
    (10.5, {"0": [3, 1], "1": [2, 2], "2": [2, 0]}),
    (11.0, {"0": [2, 0], "1": [3, 0], "2": [3, 3]}),
)


@pytest.mark.parametrize(
    ("start", "end", "a4", "a6", "b4"),
    [
        (10.0, 11.5, (7, 1), (5, 2), (8, 3)),  # all of it
        (10.5, 11.0, (3, 1), (2, 2), (2, 0)),  # one tick exactly
        (10.7, 10.8, (3, 1), (2, 2), (2, 0)),  # inside a tick: the whole tick
        (10.4, 10.6, (5, 1), (2, 2), (5, 0)),  # across a boundary: both ticks
        (11.5, 12.0, (0, 0), (0, 0), (0, 0)),  # after the last tick
        (9.0, 10.0, (0, 0), (0, 0), (0, 0)),  # before the first: [start, end) is half-open
    ],
)
def test_ledger_windows_round_out_to_whole_ticks(
    start: float, end: float, a4: tuple[int, int], a6: tuple[int, int], b4: tuple[int, int]
) -> None:
    window = ledger_of(*TICKS).window(start, end)
    got = window.communes
    assert (got["a"].ipv4.sent, got["a"].ipv4.lost) == a4
    assert (got["a"].ipv6.sent, got["a"].ipv6.lost) == a6
    assert (got["b"].ipv4.sent, got["b"].ipv4.lost) == b4
    assert got["b"].ipv6 == g.Counts()  # b has no IPv6 flow
    assert window.total("ipv4").sent == a4[0] + b4[0]


def test_ledger_completeness_and_listener() -> None:
    seen: list[tuple[float, int, int]] = []
    ledger = g.Ledger(FLOWS, lambda t, d, c: seen.append((t, c["ipv4"].sent, c["ipv6"].lost)))
    assert not ledger.wait_complete(10.5, timeout=0.01)
    ledger.add(10.0, 0.5, {"0": [2, 0], "1": [1, 1], "9": [5, 5]})  # 9: not a known flow
    assert ledger.wait_complete(10.5, timeout=0.01)
    assert not ledger.wait_complete(10.6, timeout=0.01)
    assert seen == [(10.0, 2, 1)]


@pytest.mark.parametrize(
    ("max_loss", "ok", "over"),
    [
        (0, False, [("a", 1), ("b", 3)]),
        (1, False, [("b", 3)]),
        (2, False, [("b", 3)]),
        (3, True, []),
    ],
)
def test_judge_names_the_communes_over_the_limit(
    max_loss: int, ok: bool, over: list[tuple[str, int]]
) -> None:
    verdict = g.judge(ledger_of(*TICKS).window(10.0, 11.5), max_loss)
    assert verdict.ok is ok
    assert [(o.commune, o.lost) for o in verdict.over] == over
    assert verdict.start == g.when(10.0) and verdict.end == g.when(11.5)
    if ok:
        assert verdict.message() == ""
    else:
        message = verdict.message()
        assert message.startswith("IPv4 probes lost 1970-01-01 00:00:10–00:00:11 UTC (1.5 s)")
        assert "b (b-r1) lost 3 of 8" in message
        assert f"at most {max_loss} allowed" in message


def test_ipv6_is_judged_only_when_asked() -> None:
    window = ledger_of(*TICKS).window(10.0, 11.5)
    assert [o.commune for o in g.judge(window, 0, family="ipv6").over] == ["a"]
    assert "IPv6 probes lost" in g.judge(window, 0, family="ipv6").message()


# --- the gates in a real rollout --------------------------------------------------------------

HOSTS = ["cm-a-r1", "cm-b-r1", "cm-c-r1", "cm-d-r1", "hub-r1"]
ROLES = {h: ("hub" if h.startswith("hub") else "cpe") for h in HOSTS}
COMMUNE_OF = {f"cm-{x}-r1": x for x in "abcd"}


@dataclass
class World:
    """The simulated network: a router whose running config says BREAK drops its commune's
    IPv4; every driver call is logged."""

    running: dict[str, str]
    log: list[tuple[str, str]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def broken(self) -> set[str]:
        with self.lock:
            return {h for h, c in self.running.items() if "BREAK" in c}


class FakeDriver:
    """The napalm subset push_device uses, with native commit-confirm (platform eos)."""

    def __init__(self, host: str, world: World) -> None:
        self.host, self.world = host, world
        self.candidate: str | None = None
        self.previous = ""

    def _log(self, what: str) -> None:
        with self.world.lock:
            self.world.log.append((self.host, what))

    def load_replace_candidate(
        self, filename: str | None = None, config: str | None = None
    ) -> None:
        self.candidate = config

    def compare_config(self) -> str:
        return "" if self.candidate == self.world.running[self.host] else f"+{self.candidate}\n"

    def commit_config(self, message: str = "", revert_in: int | None = None) -> None:
        assert self.candidate is not None
        if "FAIL" in self.candidate:
            raise RuntimeError("commit refused")
        time.sleep(0.05)
        with self.world.lock:
            self.previous = self.world.running[self.host]
            self.world.running[self.host] = self.candidate
        self._log("commit")

    def confirm_commit(self) -> None:
        self._log("confirm")

    def rollback(self) -> None:
        with self.world.lock:
            self.world.running[self.host] = self.previous
        self._log("rollback")

    def discard_config(self) -> None:
        self.candidate = None

    def get_config(self, retrieve: str = "all", full: bool = False, sanitized: bool = False) -> Any:
        return {"running": self.world.running[self.host]}


class FakeConnection:
    def __init__(self, driver: FakeDriver) -> None:
        self.connection = driver

    def close(self) -> None:
        return None


class SimulatedStream:
    """Plays the prober: a tick every ``TICK_S`` seconds, one probe per active flow, lost
    while the flow's router runs a broken config (IPv4 only); ``stop()`` goes silent."""

    TICK_S = 0.05

    def __init__(self, plan: g.ProbePlan, world: World) -> None:
        self.plan, self.world = plan, world
        self.ledger = g.Ledger(
            {i: g.FlowKey(f.commune, f.router, f.family) for i, f in enumerate(plan.flows)}
        )
        self.active = {i for i, f in enumerate(plan.flows) if f.family == "ipv4"}
        self.activated: list[list[int]] = []
        self.silent = threading.Event()
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        tick = self.TICK_S
        start = math.ceil(time.time() / tick) * tick
        while not self.done.is_set():
            time.sleep(max(0.0, start + tick - time.time()))
            if self.silent.is_set():
                continue
            broken = self.world.broken()
            counts = {
                str(i): [1, int(f.family == "ipv4" and f.router in broken)]
                for i, f in enumerate(self.plan.flows)
                if i in self.active
            }
            self.ledger.add(start, tick, counts)
            start += tick

    def activate(self, flows: list[int]) -> None:
        self.activated.append(flows)
        self.active.update(flows)

    def close(self) -> dict[str, float]:
        self.done.set()
        self.thread.join()
        return {"sent": 1.0}


def probes_for(hosts: list[str]) -> g.ProbePlan:
    target = g.ProbeTarget(vm="dc-vm", address="192.0.2.10", services=["svc"])
    return g.ProbePlan(
        flows=[
            g.ProbeFlow(commune=COMMUNE_OF[h], router=h, family=family, origin="client",
                        source="", netns="", client=f"c-{h}", targets=[target])
            for h in hosts
            if h in COMMUNE_OF
            for family in ("ipv4", "ipv6")
        ]
    )  # fmt: skip


@dataclass
class Rollout:
    world: World
    stream: SimulatedStream
    guard: g.Guard
    progress: list[g.WaveProgress]

    def run(self, configs: dict[str, str], **options: Any) -> dict[str, Any]:
        from nornir.core import Nornir
        from nornir.core.inventory import Host, Hosts, Inventory
        from nornir.plugins.runners import ThreadedRunner

        hosts = Hosts({h: Host(name=h, platform="eos") for h in HOSTS})
        for name, host in hosts.items():
            host.connections["napalm"] = FakeConnection(FakeDriver(name, self.world))  # type: ignore[assignment]
        # One worker only: a guarded wave of three must still run all three at once.
        nr = Nornir(inventory=Inventory(hosts=hosts), runner=ThreadedRunner(num_workers=1))
        candidates = [Candidate(host=h, platform="eos", role=ROLES[h], config=configs[h])
                      for h in HOSTS]  # fmt: skip
        # the fake configs are one word each: the IPv4 invariant (tested elsewhere) is off here
        opts = PushOptions(
            commit=True, batch=3, prune_legacy=True, allow_ipv4_change=True, **options
        )
        results = run_rollout(nr, None, candidates, opts, guard=self.guard)  # type: ignore[arg-type]
        return {r.host: r for r in results}


@pytest.fixture
def rollout() -> Iterator[Rollout]:
    world = World(running=dict.fromkeys(HOSTS, "old"))
    stream = SimulatedStream(probes_for(HOSTS), world)
    progress: list[g.WaveProgress] = []
    guard = g.Guard(stream.plan, 0, stream, stream.ledger, margin=0.15, wait=1.0,
                    on_progress=progress.append)  # fmt: skip
    yield Rollout(world, stream, guard, progress)
    stream.close()


def test_clean_guarded_rollout_confirms_every_wave_and_starts_ipv6(rollout: Rollout) -> None:
    # canary cm-a-r1; batch 1: cm-b, cm-c, cm-d; batch 2: hub-r1
    results = rollout.run(dict.fromkeys(HOSTS, "new"))
    assert {h: r.outcome for h, r in results.items()} == dict.fromkeys(HOSTS, "committed")
    report = rollout.guard.finish(tail=0.2)
    assert [w.name for w in report.waves] == ["canary", "batch 1", "batch 2"]
    assert all(w.ok and w.judged and w.ipv4.sent > 0 and w.ipv4.lost == 0 for w in report.waves)
    assert report.waves[1].hosts == ["cm-b-r1", "cm-c-r1", "cm-d-r1"]
    assert report.stopped == ""
    # IPv6: the canary commune's flow after the canary, the others' after batch 1.
    assert rollout.stream.activated == [[1], [3, 5, 7]]
    by_commune = {c.commune: c for c in report.communes}
    assert by_commune["a"].waves[1].ipv6.sent > 0 and by_commune["b"].waves[1].ipv6.sent == 0
    assert by_commune["a"].ipv6_from is not None and not by_commune["a"].rolled_back
    assert report.after is not None and report.after.ipv6.sent > 0
    # Confirmed only after the verdict: every commit of a wave comes before its confirms.
    log = rollout.world.log
    batch = [what for host, what in log if host in ("cm-b-r1", "cm-c-r1", "cm-d-r1")]
    assert batch == ["commit"] * 3 + ["confirm"] * 3
    done = [p for p in rollout.progress if p.done]
    assert [p.wave for p in done] == ["canary", "batch 1", "batch 2", "after"]
    assert done[0].summary.startswith("canary: IPv4 ")


def test_a_wave_that_loses_ipv4_is_rolled_back_and_the_rollout_stops(rollout: Rollout) -> None:
    configs = dict.fromkeys(HOSTS, "new")
    configs["cm-c-r1"] = "new BREAK"
    results = rollout.run(configs, continue_on_error=True)  # the guard stops it all the same
    outcomes = {h: r.outcome for h, r in results.items()}
    assert outcomes == {"cm-a-r1": "committed", "cm-b-r1": "rolled-back",
                        "cm-c-r1": "rolled-back", "cm-d-r1": "rolled-back",
                        "hub-r1": "skipped"}  # fmt: skip
    error = results["cm-b-r1"].error
    assert error.startswith("guard: batch 1: IPv4 probes lost ")
    assert "c (cm-c-r1) lost " in error and "b (cm-b-r1)" not in error
    assert error.endswith("the wave is rolled back and the rollout stops")
    assert results["cm-b-r1"].rolled_back and results["cm-b-r1"].post_check == "no post-check"
    assert rollout.world.running == {"cm-a-r1": "new", "cm-b-r1": "old", "cm-c-r1": "old",
                                     "cm-d-r1": "old", "hub-r1": "old"}  # fmt: skip
    assert ("cm-c-r1", "confirm") not in rollout.world.log
    report = rollout.guard.finish(tail=0.2)
    batch = report.wave("batch 1")
    assert batch is not None and batch.rolled_back and not batch.ok
    assert [o.commune for o in batch.over] == ["c"] and batch.message == error
    assert report.stopped == error
    by_commune = {c.commune: c for c in report.communes}
    assert [c for c, r in by_commune.items() if r.rolled_back] == ["b", "c", "d"]
    assert by_commune["c"].rolled_back_in == "batch 1"
    # Only the canary's commune got IPv6; after the rollback IPv4 is whole again.
    assert rollout.stream.activated == [[1]]
    assert report.after is not None and report.after.ipv4.lost == 0


def test_a_device_that_fails_early_does_not_block_its_wave(rollout: Rollout) -> None:
    configs = dict.fromkeys(HOSTS, "new")
    configs["cm-b-r1"] = "new FAIL"
    results = rollout.run(configs)
    outcomes = {h: r.outcome for h, r in results.items()}
    assert outcomes == {"cm-a-r1": "committed", "cm-b-r1": "failed", "cm-c-r1": "committed",
                        "cm-d-r1": "committed", "hub-r1": "skipped"}  # fmt: skip
    report = rollout.guard.finish(tail=0)
    assert report.wave("batch 1") is not None and report.stopped == ""


def test_a_silent_probe_stream_rolls_the_wave_back(rollout: Rollout) -> None:
    rollout.stream.silent.set()
    results = rollout.run(dict.fromkeys(HOSTS, "new"))
    assert results["cm-a-r1"].outcome == "rolled-back"
    assert "no probe results since" in results["cm-a-r1"].error
    assert {r.outcome for h, r in results.items() if h != "cm-a-r1"} == {"skipped"}


def test_unchanged_waves_are_watched_not_held(rollout: Rollout) -> None:
    results = rollout.run(dict.fromkeys(HOSTS, "old"))
    assert {r.outcome for r in results.values()} == {"unchanged"}
    report = rollout.guard.finish(tail=0)
    assert [(w.name, w.judged, w.ok) for w in report.waves] == [
        ("canary", False, True), ("batch 1", False, True), ("batch 2", False, True),
    ]  # fmt: skip
    assert rollout.stream.activated == [[1], [3, 5, 7]]  # on their new config already


def test_the_baseline_is_judged_like_a_wave(rollout: Rollout) -> None:
    rollout.world.running["cm-d-r1"] = "BREAK"
    baseline = rollout.guard.baseline(0.3)
    assert not baseline.ok and not baseline.judged
    assert "d (cm-d-r1) lost" in baseline.message


# --- the real probe stream (root: raw sockets) --------------------------------------------------

ROOT = pytest.mark.skipif(os.geteuid() != 0, reason="raw ICMP sockets need root")


def loopback_plan(*targets: str, netns: str = "") -> g.ProbePlan:
    return g.ProbePlan(flows=[
        g.ProbeFlow(commune=f"c{i}", router=f"r{i}", family="ipv4" if ":" not in t else "ipv6",
                    origin="client", source="", netns=netns, client=f"k{i}",
                    targets=[g.ProbeTarget(vm="vm", address=t, services=["s"])])
        for i, t in enumerate(targets)
    ])  # fmt: skip


@ROOT
def test_probe_stream_counts_answers_and_losses() -> None:
    # 127.0.0.1 and ::1 answer; no packet can go to 0.0.0.1: every probe to it is lost.
    plan = loopback_plan("127.0.0.1", "::1", "0.0.0.1")
    ledger = g.Ledger({i: g.FlowKey(f.commune, f.router, f.family)
                       for i, f in enumerate(plan.flows)})  # fmt: skip
    stream = g.ProbeStream(plan.flows, ledger, rate=20)
    stream.open()
    started = time.time()
    stream.activate([1])
    time.sleep(1.5)
    figures = stream.close()
    window = ledger.window(started, time.time())
    c0, c1, c2 = (window.communes[f"c{i}"] for i in range(3))
    assert c0.ipv4.sent >= 25 and c0.ipv4.lost == 0
    assert c1.ipv6.sent >= 25 and c1.ipv6.lost == 0
    assert c2.ipv4.sent >= 25 and c2.ipv4.lost == c2.ipv4.sent
    assert figures["sent"] == window.total("ipv4").sent + window.total("ipv6").sent
    assert ledger.complete_until >= started + 1.5


@ROOT
def test_probe_stream_refuses_a_missing_namespace() -> None:
    plan = loopback_plan("127.0.0.1", netns="/run/netns/ng-no-such-namespace")
    stream = g.ProbeStream(plan.flows, g.Ledger({}))
    with pytest.raises(g.GuardError, match=r"cannot probe from c0 \(k0, ipv4\): "
                       r"/run/netns/ng-no-such-namespace: No such file"):  # fmt: skip
        stream.open()


def test_probe_stream_refuses_gateway_flows() -> None:
    flow = loopback_plan("127.0.0.1").flows[0].model_copy(update={"origin": "gateway"})
    with pytest.raises(g.GuardError, match="not implemented yet"):
        g.ProbeStream([flow], g.Ledger({})).open()
