"""`netauto push` against the real lab: the tiny province on namespace routers (needs root).

The acceptance of "Napalm driver for FRR, and `netauto diff` / `netauto push`": a fresh lab takes
the rendered configs (all commit, OSPFv2 + OSPFv3 Full on every link, a second push changes
nothing), and each fault is a test: a line FRR refuses, a change that takes a link down (the
post-check fails and the device rolls back), sshd dead on one router, two pushes at once, and
a push that dies holding an unconfirmed commit (the router reverts by itself).

Every push goes through the real CLI: in-process (the ``cli`` fixture) or, where two
processes must run at once, ``.venv/bin/netauto`` as a subprocess. The lab has its own prefix
and state directory and is always torn down.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from subprocess import PIPE

import pytest

from netauto.lab import hostfiles, runner
from netauto.lab.state import LabInfo, info
from netauto.parse.routing import OSPF_COMMANDS, full_adjacencies
from netauto.plan import plan_for
from netauto.push import audit
from tests.conftest import TINY, CliResult
from tests.push import FRR_LAB

pytestmark = FRR_LAB

PREFIX = "np-"
NETAUTO = Path(sys.executable).parent / "netauto"
ROUTERS = ["cm-anxuyen-r1", "cm-lyvanlam-r1", "cm-tanthanh-r1", "hub-01-r1", "dc-core-r1"]
CANARY = ROUTERS[0]
# Syntax FRR's parser accepts (vtysh --dryrun), but bgpd refuses: a neighbour with no remote-as.
REFUSED = "router ospf\n network 192.0.2.0/24 area 0\nexit\n"
"""Valid syntax that ospfd refuses when applied: the routers enable OSPF per interface
(``ip ospf area``), and ospfd takes no ``network`` statement then. (A BGP line no longer
does: OSPF-only lab routers run no bgpd, so vtysh has no daemon to refuse it.)"""
PENDING = "/etc/frr/netauto/pending.pid"

Cli = Callable[..., CliResult]


@dataclass
class PushLab:
    """The running lab of this module and where its inputs and state live."""

    info: LabInfo
    configs: Path
    state: Path
    work: Path

    def args(self, *extra: str | Path) -> list[str | Path]:
        """Global options + ``extra`` (a verb and its options) for ``netauto``."""
        return ["-i", TINY, "--state-dir", self.state, *extra]

    def push(self, cli: Cli, *extra: str | Path, configs: Path | None = None) -> CliResult:
        """``netauto push`` in-process against this lab, JSON output."""
        return cli(
            *self.args(
                "push",
                "--lab-prefix",
                PREFIX,
                "--configs",
                configs or self.configs,
                "-f",
                "json",
                *extra,
            )
        )

    def sh(self, host: str, *argv: str, check: bool = True) -> str:
        """Run ``argv`` inside lab host ``host``; its stdout."""
        proc = subprocess.run(
            self.info.exec_argv(host, list(argv)),
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        if check and proc.returncode != 0:
            raise AssertionError(f"{host}: {argv} exit {proc.returncode}: {proc.stderr}")
        return proc.stdout

    def running(self, host: str) -> str:
        return self.sh(host, "vtysh", "-c", "show running-config")

    def all_running(self) -> dict[str, str]:
        return {host: self.running(host) for host in ROUTERS}

    def pending(self, host: str) -> bool:
        """Whether a commit on ``host`` waits for confirmation (its revert timer runs)."""
        argv = self.info.exec_argv(host, ["test", "-e", PENDING])
        return subprocess.run(argv, check=False, timeout=60).returncode == 0

    def adjacencies(self, host: str) -> dict[str, set[str]]:
        """Interfaces with a Full adjacency, per protocol ('ospf', 'ospf6')."""
        state = {}
        for proto, command in OSPF_COMMANDS.items():
            text = self.sh(host, "vtysh", "-c", command).strip()
            state[proto] = set(full_adjacencies(json.loads(text) if text else {}))
        return state


def netauto(*args: str | Path) -> subprocess.CompletedProcess[str]:
    """The real ``netauto`` executable as a subprocess."""
    argv = [str(NETAUTO), *map(str, args)]
    return subprocess.run(argv, capture_output=True, text=True, timeout=300, check=False)


def results(res: CliResult) -> dict[str, dict[str, object]]:
    """The JSON results of a push, by host."""
    return {r["host"]: r for r in json.loads(res.out)}


def outcomes(res: CliResult) -> dict[str, str]:
    return {host: str(r["outcome"]) for host, r in results(res).items()}


def wait_for(condition: Callable[[], bool], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(1.0)
    return condition()


def p2p_links() -> dict[str, set[str]]:
    """Every router's point-to-point interfaces in the plan (where OSPF must be Full)."""
    plan = plan_for(TINY).plan
    return {
        d.hostname: {i.name for i in d.interfaces if i.kind == "p2p" and i.peer}
        for d in plan.devices
        if d.hostname in ROUTERS
    }


def variant(lab: PushLab, name: str, host: str, edit: Callable[[str], str]) -> Path:
    """A copy of the rendered configs where ``host``'s config went through ``edit``."""
    directory = lab.work / name
    if directory.exists():
        shutil.rmtree(directory)
    shutil.copytree(lab.configs, directory)
    conf = directory / f"{host}.conf"
    conf.write_text(edit(conf.read_text(encoding="utf-8")), encoding="utf-8")
    return directory


def hub_description(config: str) -> str:
    """A harmless change on the hub: a circuit note in one link description."""
    old = " description l-1001 to cm-anxuyen-r1\n"
    assert old in config
    return config.replace(old, " description l-1001 to cm-anxuyen-r1 (VNPT)\n")


def uplink_shut(config: str) -> str:
    """A fat-fingered change: a new uplink description, and the uplink shut down."""
    old = " description l-1003 to hub-01-r1\n"
    assert old in config
    return config.replace(old, " description l-1003 to hub-01-r1 (moved)\n shutdown\n")


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PushLab]:
    """The tiny province as a fresh lab (prefix np-) and its rendered configs."""
    if runner.lab_namespaces(PREFIX):
        pytest.skip(f"a {PREFIX} lab is already running (netauto lab down --prefix {PREFIX})")
    work = tmp_path_factory.mktemp("push-lab")
    state, configs = work / "state", work / "configs"
    try:
        up = netauto(
            "-i", TINY, "--state-dir", state, "lab", "up", "--prefix", PREFIX, "--no-clients"
        )
        assert up.returncode == 0, up.stdout + up.stderr
        render = netauto("-i", TINY, "--state-dir", state, "render", "-o", configs)
        assert render.returncode == 0, render.stdout + render.stderr
        yield PushLab(info=info(PREFIX), configs=configs, state=state, work=work)
    finally:
        down = netauto("lab", "down", "--prefix", PREFIX)
        assert down.returncode == 0, down.stdout + down.stderr
        assert not runner.lab_namespaces(PREFIX)


@pytest.fixture
def converged(lab: PushLab, cli: Cli) -> PushLab:
    """The lab on the rendered configs (pushed once if a test before did not)."""
    if any(
        "hostname" not in lab.running(h) or "router ospf" not in lab.running(h) for h in ROUTERS
    ):
        res = lab.push(cli, "--commit", "--settle", "40")
        assert res.code == 0, res.err
    return lab


def test_dry_run_on_fresh_routers_changes_nothing(lab: PushLab, cli: Cli) -> None:
    before = lab.all_running()
    res = lab.push(cli)
    assert res.code == 0, res.err
    assert outcomes(res) == dict.fromkeys(ROUTERS, "would-change")
    diff = str(results(res)["hub-01-r1"]["diff"])
    assert "ip ospf network point-to-point" in diff and "table inet netauto" in diff
    assert lab.all_running() == before
    assert lab.sh("hub-01-r1", "nft", "list", "tables").strip() == ""


def test_fresh_push_commits_converges_then_no_changes(lab: PushLab, cli: Cli) -> None:
    first = lab.push(cli, "--commit", "--settle", "40")
    assert first.code == 0, first.err
    assert outcomes(first) == dict.fromkeys(ROUTERS, "committed")
    by_host = results(first)
    assert by_host[CANARY]["stage"] == "canary"
    assert [by_host[h]["stage"] for h in ROUTERS[3:]] == ["batch 2", "batch 3"]
    # OSPFv2 and OSPFv3 Full on both ends of every link, without waiting: the post-checks did.
    expected = p2p_links()
    for host in ROUTERS:
        state = lab.adjacencies(host)
        assert state["ospf"] == expected[host], (host, state)
        assert state["ospf6"] == expected[host], (host, state)
        assert not lab.pending(host)
        assert "table inet netauto" in lab.sh(host, "nft", "list", "tables")
    # The configs are saved (a restarted FRR comes back on them).
    assert "ip ospf network point-to-point" in lab.sh("hub-01-r1", "cat", "/etc/frr/frr.conf")

    second = lab.push(cli, "--commit")
    assert second.code == 0, second.err
    assert outcomes(second) == dict.fromkeys(ROUTERS, "unchanged")
    assert all(r["diff"] == "" for r in results(second).values())

    records = audit.read(lab.state)
    commit_run, unchanged_run = records[-10:-5], records[-5:]
    assert sorted(r.device for r in commit_run) == sorted(ROUTERS)
    assert {(r.action, r.result, r.changed) for r in commit_run} == {("push", "committed", True)}
    assert all(r.diff_sha256 and len(r.diff_sha256) == 64 for r in commit_run)
    assert {(r.result, r.changed, r.diff_sha256) for r in unchanged_run} == {
        ("unchanged", False, None)
    }


def test_diff_verb_after_push_is_empty(converged: PushLab, cli: Cli) -> None:
    res = cli(
        *converged.args(
            "diff", "--lab-prefix", PREFIX, "--configs", converged.configs, "-f", "json"
        )
    )
    assert res.code == 0, res.err
    assert outcomes(res) == dict.fromkeys(ROUTERS, "unchanged")


def test_refused_line_keeps_old_config_and_stops_rollout(converged: PushLab, cli: Cli) -> None:
    lab = converged
    before = lab.all_running()
    bad = variant(
        lab, "refused", CANARY, lambda text: text.replace("\nend\n", "\n" + REFUSED + "end\n")
    )
    res = lab.push(cli, "--commit", configs=bad)
    assert res.code == 1
    by_host = results(res)
    assert by_host[CANARY]["outcome"] == "failed"
    assert "refused" in str(by_host[CANARY]["error"]), by_host[CANARY]
    assert {h: by_host[h]["outcome"] for h in ROUTERS[1:]} == dict.fromkeys(ROUTERS[1:], "skipped")
    assert lab.all_running() == before  # byte for byte, on every router
    assert not lab.pending(CANARY)
    last = audit.read(lab.state)[-5:]
    assert {(r.device, r.result) for r in last} >= {(CANARY, "failed")}


def test_link_down_fails_post_check_and_rolls_back(converged: PushLab, cli: Cli) -> None:
    lab, host = converged, "cm-tanthanh-r1"
    before = lab.all_running()
    assert lab.adjacencies(host) == {"ospf": {"eth0"}, "ospf6": {"eth0"}}
    bad = variant(lab, "uplink-shut", host, uplink_shut)
    started = time.monotonic()
    res = lab.push(
        cli, "--commit", "--host", host, "--settle", "6", "--revert-in", "60", configs=bad
    )
    assert time.monotonic() - started < 60  # inside the confirm window
    assert res.code == 1
    result = results(res)[host]
    assert result["outcome"] == "rolled-back" and result["rolled_back"] is True
    assert "eth0" in str(result["post_check"]) and "hub-01-r1" in str(result["post_check"])
    assert lab.all_running() == before
    assert not lab.pending(host)
    assert "state UP" in lab.sh(host, "ip", "link", "show", "eth0")
    assert wait_for(lambda: lab.adjacencies(host) == {"ospf": {"eth0"}, "ospf6": {"eth0"}}, 60)
    assert audit.read(lab.state)[-1].rolled_back


def test_second_push_refused_then_killed_push_reverts(converged: PushLab, cli: Cli) -> None:
    """Two pushes at once: the second refuses. The first then dies holding an unconfirmed
    commit: the router reverts by itself when the confirm window ends."""
    lab, host = converged, "cm-tanthanh-r1"
    before = lab.running(host)
    bad = variant(lab, "hold", host, uplink_shut)
    env = {**os.environ, "NETAUTO_LAB_PREFIX": PREFIX}
    options = ["--commit", "--host", host, "--settle", "25", "--revert-in", "30"]
    argv = [str(a) for a in [NETAUTO, *lab.args("push", "--configs", bad, *options)]]
    holder = subprocess.Popen(argv, stdout=PIPE, stderr=PIPE, text=True, env=env)
    try:
        assert wait_for(lambda: lab.pending(host), 60), "the first push never committed"
        second = lab.push(cli, "--commit")
        assert second.code == 1
        assert "another push is running" in second.err
        assert f"pid {holder.pid}" in second.err
        assert holder.poll() is None  # the first push is still in its post-check
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.communicate(timeout=30)
    assert "shutdown" in lab.running(host)  # committed, never confirmed
    assert wait_for(lambda: not lab.pending(host), 45), "no automatic revert"
    assert lab.running(host) == before
    assert wait_for(lambda: lab.adjacencies(host) == {"ospf": {"eth0"}, "ospf6": {"eth0"}}, 60)
    # The lock died with its process: the next push runs.
    again = lab.push(cli, "--host", host)
    assert again.code == 0, again.err
    assert outcomes(again) == {host: "unchanged"}


def test_dead_sshd_is_unreachable_others_unaffected(converged: PushLab, cli: Cli) -> None:
    lab, host = converged, "cm-lyvanlam-r1"
    hdir = hostfiles.host_dir(lab.info.runtime_dir, lab.info.host(host))
    before = lab.all_running()
    pid = int((hdir / "sshd.pid").read_text().strip())
    os.kill(pid, signal.SIGTERM)
    assert wait_for(lambda: not Path(f"/proc/{pid}").exists(), 10)
    try:
        changed = variant(lab, "ssh-dead", "hub-01-r1", hub_description)
        res = lab.push(cli, "--commit", "--continue-on-error", "--settle", "20", configs=changed)
        assert res.code == 1
        by_host = results(res)
        assert by_host[host]["outcome"] == "unreachable", by_host[host]
        assert "Cannot connect" in str(by_host[host]["error"])
        assert by_host["hub-01-r1"]["outcome"] == "committed", by_host["hub-01-r1"]
        others = set(ROUTERS) - {host, "hub-01-r1"}
        assert {by_host[h]["outcome"] for h in others} == {"unchanged"}
        after = lab.all_running()
        assert {h: after[h] for h in others | {host}} == {h: before[h] for h in others | {host}}
        assert "(VNPT)" in after["hub-01-r1"]
    finally:
        subprocess.run(
            lab.info.exec_argv(
                host,
                ["/usr/sbin/sshd", "-f", str(hdir / "sshd_config"), "-E", str(hdir / "sshd.log")],
            ),
            check=True,
            timeout=30,
        )
    again = lab.push(cli, "--host", host)  # reachable again, still on its config
    assert again.code == 0, again.err
    assert outcomes(again) == {host: "unchanged"}
