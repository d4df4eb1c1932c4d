"""`netauto push --guard` without a lab: what is refused before anything is touched, and a
guarded rollout (the guard and the rollout faked with recorded results) stored in the history
as a migration run."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from netauto.connect import targets
from netauto.sot.models import SoT
from tests.conftest import TINY, CliResult

Cli = Callable[..., CliResult]


class NoClientsTarget:
    """A target like production: routers, no LAN clients to probe from."""

    name = "ng-noclients"
    needs_root = False

    def __init__(self, options: targets.TargetOptions) -> None:
        self.options = options

    def open_nornir(self, sot: SoT, workers: int) -> tuple[Any, list[str]]:
        return None, ["cm-anxuyen-r1", "cm-lyvanlam-r1", "cm-tanthanh-r1", "hub-01-r1",
                      "dc-core-r1"]  # fmt: skip

    def hosts(self) -> dict[str, str] | None:
        return None

    def sites(self) -> set[str] | None:
        return None

    def clients(self) -> list[targets.LanClient]:
        return []

    def vm_access(self) -> targets.VmAccess:
        return targets.VmAccess()


@pytest.fixture
def no_clients() -> Iterator[str]:
    targets.register(NoClientsTarget.name, NoClientsTarget)
    yield NoClientsTarget.name
    targets._REGISTRY.pop(NoClientsTarget.name, None)


@pytest.mark.parametrize(
    ("args", "field", "message"),
    [
        (["--guard"], "--guard", "needs --commit"),
        (["--guard", "--commit", "--vms"], "--guard", "guards router rollouts, not --vms"),
        (["--guard", "--commit", "--settle", "60", "--revert-in", "65"], "--revert-in",
         "must be longer than --settle + "),
    ],
)  # fmt: skip
def test_guard_preconditions(cli: Cli, args: list[str], field: str, message: str) -> None:
    res = cli("-i", TINY, "push", *args)
    assert res.code == 2
    assert field in res.err and message in res.err


def test_guard_on_a_target_without_lan_clients_says_it_is_not_there_yet(
    cli: Cli, no_clients: str, tmp_path: Path
) -> None:
    configs, state = tmp_path / "configs", tmp_path / "state"
    assert cli("-i", TINY, "--state-dir", state, "render", "-q", "-o", configs).code == 0
    res = cli("-i", TINY, "--state-dir", state, "push", "--commit", "--guard", "-t", no_clients,
              "--configs", configs)  # fmt: skip
    assert res.code == 2
    text = " ".join(res.err.split())
    assert "no LAN client to probe from for 3 communes (phuong-an-xuyen," in text
    assert "LAN gateway addresses (production) is not implemented yet" in text
    assert not (state / "audit.jsonl").exists()


# --- a guarded rollout is stored as a migration run ----------------------------------------

ROUTERS = ["cm-anxuyen-r1", "cm-lyvanlam-r1", "cm-tanthanh-r1", "hub-01-r1", "dc-core-r1"]
GOLDEN = Path(__file__).parent.parent / "render" / "golden" / "frr"


class GuardedTarget:
    name = "lab"
    needs_root = False

    def open_nornir(self, sot: SoT, workers: int) -> tuple[None, list[str]]:
        return None, ROUTERS


@pytest.fixture
def recorded(monkeypatch: pytest.MonkeyPatch) -> Callable[[tuple[Any, Any]], list[Any]]:
    """Push with the guard faked: the rollout returns recorded device results and the guard
    its recorded report; everything after (audit, output, the history) runs for real."""
    calls: list[Any] = []

    def use(recording: tuple[Any, Any]) -> list[Any]:
        results, report = recording

        def rollout(nr: Any, plan: Any, candidates: Any, options: Any, on_done: Any = None,
                    guard: Any = None) -> list[Any]:  # fmt: skip
            assert guard == "guard" and options.commit
            assert sorted(c.host for c in candidates) == sorted(ROUTERS)
            return results

        def guarded(
            progress: Any, probes: Any, max_loss: int, run: Any, baseline_wait: float = 0
        ) -> tuple[Any, Any]:
            calls.append((probes, max_loss))
            return run("guard"), report

        monkeypatch.setattr("netauto.cli.push.open_target", lambda *args: GuardedTarget())
        monkeypatch.setattr("netauto.cli.push._probe_plan", lambda sot, plan, where: "probes")
        monkeypatch.setattr("netauto.cli.push._guarded", guarded)
        monkeypatch.setattr("netauto.push.run.run_rollout", rollout)
        return calls

    return use


def guarded_push(cli: Cli, state: Path, *extra: str) -> CliResult:
    return cli("-i", TINY, "--state-dir", state, "push", "--commit", "--guard", "--configs",
               GOLDEN, *extra)  # fmt: skip


def test_a_stopped_guarded_rollout_is_stored_and_reported(
    cli: Cli, recorded: Any, tmp_path: Path
) -> None:
    from netauto import __version__
    from netauto.cli.verify import sot_digest
    from netauto.sot import load_sot
    from netauto.verify.history import load_migration
    from tests.verify.migrations import LOST, X, broken, broken_rollout

    calls = recorded(broken_rollout())
    state = tmp_path / "state"
    res = guarded_push(cli, state, "--batch", "2", "--max-loss", "0", "-f", "json")
    assert res.code == 1
    assert calls == [("probes", 0)]
    doc = json.loads(res.out)
    assert set(doc) == {"devices", "guard"}  # the push's JSON is unchanged
    text = " ".join(res.err.split())
    assert (f"migration run 1: 1 of 3 communes migrated; IPv4 probes 660 sent, {LOST} lost; "
            "IPv6 probes 120 sent, 0 lost; 1 of 2 waves rolled back") in text  # fmt: skip
    assert "report: netauto report --run 1" in text
    assert f"{X} (cm-lyvanlam-r1) lost {LOST} of 120" in text  # the stop, as before
    stored = load_migration(state, 1).run
    info = stored.info
    assert (info.run_id, info.target, info.province_code) == (1, "lab", 96)
    assert info.province == "Cà Mau"
    assert info.sot_sha256 == sot_digest(load_sot(TINY).files)
    assert info.netauto_version == __version__ and info.operator
    assert info.started <= info.finished and info.inventory == str(TINY)
    # What was stored is the record of the recorded rollout.
    expected = broken()
    assert stored.model_copy(update={"info": expected.info}) == expected
    # And the report names the commune.
    md = cli("--state-dir", state, "report", "--run", "1", "-f", "md")
    assert md.code == 0, md.err
    line = next(x for x in md.out.splitlines() if x.startswith("| Phường Lý Văn Lâm |"))
    assert "| rolled-back | yes (batch 1) |" in line
    csv_out = cli("--state-dir", state, "report", "--run", "1", "-f", "csv")
    assert f"{X},Phường Lý Văn Lâm,32005,hub-01,cm-lyvanlam-r1,batch 1,wave,ipv4,120,{LOST}," in (
        csv_out.out)  # fmt: skip


def test_a_clean_guarded_rollout_continues_the_history(
    cli: Cli, recorded: Any, tmp_path: Path
) -> None:
    from netauto.verify.history import load_entry, save_run
    from tests.verify.migrations import clean_rollout, verify_run

    recorded(clean_rollout())
    state = tmp_path / "state"
    save_run(state, verify_run("2025-11-03T01:00:00+00:00"))
    res = guarded_push(cli, state)
    assert res.code == 0, res.err
    text = " ".join(res.err.split())
    assert ("migration run 2: 3 of 3 communes migrated; IPv4 probes 1140 sent, 0 lost; IPv6 "
            "probes 600 sent, 0 lost; 0 of 4 waves rolled back; after the rollout: IPv4 90 "
            "sent, 0 lost, IPv6 90 sent, 0 lost; report: netauto report --run 2"
            ) in text  # fmt: skip
    assert load_entry(state, 2).run.kind == "migration"  # type: ignore[union-attr]
    html = cli("--state-dir", state, "report", "--run", "2")
    assert html.code == 0, html.err
    page = (state / "reports" / "run-2.html").read_text(encoding="utf-8")
    assert 'id="fig-migrated" data-figure="migrated" data-value="3"' in page
    assert "No verify run after this migration" in page  # run 1 came before it


def test_an_unguarded_push_stores_no_migration(cli: Cli, tmp_path: Path, monkeypatch: Any) -> None:
    from tests.verify.migrations import clean_rollout

    results, _ = clean_rollout()
    monkeypatch.setattr("netauto.cli.push.open_target", lambda *args: GuardedTarget())
    monkeypatch.setattr("netauto.push.run.run_rollout", lambda *args, **kwargs: results)
    state = tmp_path / "state"
    res = cli("-i", TINY, "--state-dir", state, "push", "--commit", "--configs", GOLDEN)
    assert res.code == 0, res.err
    assert "migration run" not in res.err
    assert not (state / "history.sqlite").exists()


class FakeTime:
    """The guard's clock and sleep; sleeping plays the prober: one probe per active flow and
    0.5 s tick, IPv4 lost while the flow's router is in ``broken``."""

    def __init__(self, plan: Any, ledger: Any) -> None:
        self.now = 1_762_135_200.0  # 2025-11-03 02:00:00 UTC
        self.plan, self.ledger = plan, ledger
        self.active = {i for i, f in enumerate(plan.flows) if f.family == "ipv4"}
        self.broken: set[str] = set()
        self.lock = threading.Lock()

    def clock(self) -> float:
        with self.lock:
            return self.now

    def sleep(self, seconds: float) -> None:
        """Only one thread sleeps at a time (the one taking a verdict); the ledger is fed
        outside the lock, as its listener takes the guard's own lock."""
        with self.lock:
            now = self.now
        until = now + seconds
        while self.ledger.complete_until < until:
            start = max(self.ledger.complete_until, now - 0.5)
            self.ledger.add(start, 0.5, {
                str(i): [1, int(f.family == "ipv4" and f.router in self.broken)]
                for i, f in enumerate(self.plan.flows) if i in self.active
            })  # fmt: skip
        with self.lock:
            self.now = until

    def activate(self, flows: list[int]) -> None:
        self.active.update(flows)

    def close(self) -> dict[str, float]:
        return {"sent": 1.0}


def test_the_real_guards_report_is_stored_as_recorded(tmp_path: Path) -> None:
    """The guard itself (real gates, ledger and verdicts; clock and prober simulated) makes
    the report; the CLI's builder stores what it says."""
    from netauto.cli.push import migration_run
    from netauto.push import guard as g
    from netauto.push.core import DeviceResult
    from netauto.verify.history import load_migration, save_migration
    from tests.verify.migrations import COMMUNES, info, tiny

    target = g.ProbeTarget(vm="dc-lgsp-01", address="10.96.2.10", services=["lgsp"])
    plan = g.ProbePlan(flows=[
        g.ProbeFlow(commune=c, router=r, family=family, origin="client", source="",
                    client=f"c-{r}-office", targets=[target])
        for c, r in COMMUNES.items() for family in ("ipv4", "ipv6")
    ])  # fmt: skip
    ledger = g.Ledger({i: g.FlowKey(f.commune, f.router, f.family)
                       for i, f in enumerate(plan.flows)})  # fmt: skip
    fake = FakeTime(plan, ledger)
    guard = g.Guard(plan, 0, fake, ledger, margin=2.0, wait=1.0, clock=fake.clock,
                    sleep=fake.sleep)  # fmt: skip
    assert guard.baseline(2.0).ok
    results: list[DeviceResult] = []
    waves = [("canary", ["cm-anxuyen-r1"]), ("batch 1", ["cm-lyvanlam-r1", "cm-tanthanh-r1"])]
    for name, hosts in waves:
        fake.broken = {"cm-lyvanlam-r1"} if name == "batch 1" else set()
        guard.begin_wave(name, hosts)
        vetoes: dict[str, str | None] = {}

        def device(host: str, vetoes: dict[str, str | None] = vetoes) -> None:
            guard.committing(host)
            vetoes[host] = guard.hold(host)

        threads = [threading.Thread(target=device, args=(h,)) for h in hosts]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        wave = [DeviceResult(host=h, platform="frr", stage=name,
                             outcome="committed" if vetoes[h] is None else "rolled-back",
                             rolled_back=vetoes[h] is not None, error=vetoes[h] or "")
                for h in hosts]  # fmt: skip
        results += wave
        fake.broken = set()  # the wave's commit-confirms are reverted
        if not guard.end_wave(name, wave):
            break
    report = guard.finish(tail=1.0)
    assert report.stopped.startswith("guard: batch 1: IPv4 probes lost ")

    sot, plan_ = tiny()
    run_id = save_migration(tmp_path, migration_run(info(), sot, plan_, results, report))
    stored = load_migration(tmp_path, run_id).run
    assert [w.name for w in stored.windows()] == ["baseline", "canary", "batch 1", "after"]
    x = next(c for c in stored.communes if c.commune == "phuong-ly-van-lam")
    assert x.rolled_back_in == "batch 1"
    assert x.window("batch 1").ipv4.lost > 0 and x.window("canary").ipv4.lost == 0
    assert x.window("baseline").ipv4.sent > 0 and x.window("after").ipv4.lost == 0
    assert stored.waves[1].over == ["phuong-ly-van-lam"] and stored.waves[1].rolled_back
    first = next(c for c in stored.communes if c.commune == "phuong-an-xuyen")
    assert first.ipv6_from is not None and first.window("batch 1").ipv6.sent > 0
    assert stored.stopped == report.stopped
    assert stored.waves[1].start == report.waves[1].start.isoformat()
