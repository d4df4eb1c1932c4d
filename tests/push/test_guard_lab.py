"""`netauto push --commit --guard` against the real lab: the tiny province with LAN clients.

The lab (prefix ng-) is brought up greenfield and converged on the rendered configs first: a
factory-fresh router has no IPv4 to lose, so the guard is tried on the second push. One test
is a clean guarded rollout (core-first, its default: 0 IPv4 probes lost, every wave judged
and confirmed); the other pushes (edge-first) the candidates of a SoT that fixes one
commune's LAN to a wrong subnet (with --allow-ipv4-change): the guard sees that commune lose
its probes, that wave is rolled back (the commune next to it too), IPv4 is back at once, the
rollout stops, and the message and the stored migration report name the commune.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from netauto.lab import runner
from netauto.lab.state import LabInfo, info
from netauto.push import audit
from tests.conftest import TINY, CliResult
from tests.push import FRR_LAB

pytestmark = FRR_LAB

PREFIX = "ng-"
NETAUTO = Path(sys.executable).parent / "netauto"
ROUTERS = ["cm-anxuyen-r1", "cm-lyvanlam-r1", "cm-tanthanh-r1", "hub-01-r1", "dc-core-r1"]
CLIENTS = {  # commune → its probe LAN's client
    "phuong-an-xuyen": "c-cm-anxuyen-r1-office",
    "phuong-ly-van-lam": "c-cm-lyvanlam-r1-office",
    "xa-tan-thanh": "c-cm-tanthanh-r1-office",
}
VMS = {"ipv4": ["10.96.2.10", "10.96.2.11"], "ipv6": ["2001:db8:9610:150::a",
                                                     "2001:db8:9610:150::b"]}  # fmt: skip
LAN4 = " ip address 10.96.3.129/26\n"
"""cm-lyvanlam-r1's office LAN gateway (lan10): without it the commune has no IPv4."""
PENDING = "/etc/frr/netauto/pending.pid"
REVERT_IN = 120

Cli = Callable[..., CliResult]


@dataclass
class GuardLab:
    info: LabInfo
    configs: Path
    state: Path
    work: Path

    def push(self, cli: Cli, configs: Path, *extra: str) -> CliResult:
        return cli("-i", TINY, "--state-dir", self.state, "push", "--lab-prefix", PREFIX,
                   "--configs", configs, "-f", "json", "--commit", "--settle", "40",
                   "--revert-in", str(REVERT_IN), *extra)  # fmt: skip

    def sh(self, host: str, *argv: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(self.info.exec_argv(host, list(argv)), capture_output=True,
                              text=True, timeout=60, check=False)  # fmt: skip

    def running(self, host: str) -> str:
        return self.sh(host, "vtysh", "-c", "show running-config").stdout

    def reaches(self, commune: str, family: str = "ipv4") -> bool:
        """Whether the commune's client pings every VM in ``family`` (one echo each)."""
        flag = "-4" if family == "ipv4" else "-6"
        return all(
            self.sh(CLIENTS[commune], "ping", flag, "-c", "1", "-W", "1", vm).returncode == 0
            for vm in VMS[family]
        )

    def variant(self, name: str, edit: Callable[[str, str], str]) -> Path:
        """A copy of the rendered configs, each router's config through ``edit(host, text)``."""
        directory = self.work / name
        if directory.exists():
            shutil.rmtree(directory)
        shutil.copytree(self.configs, directory)
        for host in ROUTERS:
            conf = directory / f"{host}.conf"
            conf.write_text(edit(host, conf.read_text(encoding="utf-8")), encoding="utf-8")
        return directory


def netauto(*args: str | Path) -> subprocess.CompletedProcess[str]:
    argv = [str(NETAUTO), *map(str, args)]
    return subprocess.run(argv, capture_output=True, text=True, timeout=300, check=False)


def wait_for(condition: Callable[[], bool], seconds: float) -> float | None:
    """Seconds until ``condition`` held (None: it never did within ``seconds``)."""
    start = time.monotonic()
    while time.monotonic() - start < seconds:
        if condition():
            return time.monotonic() - start
        time.sleep(0.2)
    return None


def described(host: str, config: str) -> str:
    """A harmless change on every router: a description on the loopback."""
    assert "\ninterface lo\n" in config
    return config.replace("\ninterface lo\n", "\ninterface lo\n description guarded\n")


def document(res: CliResult) -> dict[str, Any]:
    doc = json.loads(res.out)
    assert isinstance(doc, dict) and set(doc) == {"devices", "guard"}, res.out[:300]
    return doc


def outcomes(doc: dict[str, Any]) -> dict[str, str]:
    return {d["host"]: d["outcome"] for d in doc["devices"]}


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GuardLab]:
    """The tiny province as a greenfield lab with LAN clients, converged on its configs."""
    if runner.lab_namespaces(PREFIX):
        pytest.skip(f"a {PREFIX} lab is already running (netauto lab down --prefix {PREFIX})")
    work = tmp_path_factory.mktemp("guard-lab")
    state, configs = work / "state", work / "configs"
    try:
        up = netauto("-i", TINY, "--state-dir", state, "lab", "up", "--prefix", PREFIX)
        assert up.returncode == 0, up.stdout + up.stderr
        render = netauto("-i", TINY, "--state-dir", state, "render", "-q", "-o", configs)
        assert render.returncode == 0, render.stdout + render.stderr
        first = netauto("-i", TINY, "--state-dir", state, "push", "--lab-prefix", PREFIX,
                        "--configs", configs, "--commit", "--settle", "40")  # fmt: skip
        assert first.returncode == 0, first.stdout + first.stderr
        guarded = GuardLab(info=info(PREFIX), configs=configs, state=state, work=work)
        # The routes to the data centre follow the last adjacencies by a moment.
        for commune in CLIENTS:
            for family in ("ipv4", "ipv6"):
                assert wait_for(lambda c=commune, f=family: guarded.reaches(c, f), 60) is not None
        yield guarded
    finally:
        down = netauto("lab", "down", "--prefix", PREFIX)
        assert down.returncode == 0, down.stdout + down.stderr
        assert not runner.lab_namespaces(PREFIX)


def ipv4_change_flag(cli: Cli) -> list[str]:
    """``--allow-ipv4-change --prune-legacy``: the IPv4-invariant check refuses, before any
    commit, a candidate that changes IPv4 or drops lines the router has (the descriptions
    the test added before); this test means to push one."""
    return ["--allow-ipv4-change", "--prune-legacy"]


def test_clean_guarded_rollout_loses_no_ipv4_probe(lab: GuardLab, cli: Cli) -> None:
    changed = lab.variant("described", described)
    res = lab.push(cli, changed, "--guard")
    assert res.code == 0, res.err
    doc = document(res)
    assert outcomes(doc) == dict.fromkeys(ROUTERS, "committed")
    guard = doc["guard"]
    assert guard["stopped"] == "" and guard["max_loss"] == 0
    assert guard["baseline"]["ok"] and guard["baseline"]["ipv4"]["lost"] == 0
    assert [w["name"] for w in guard["waves"]] == ["canary", "batch 1", "batch 2", "batch 3"]
    for wave in guard["waves"]:
        assert wave["judged"] and wave["ok"] and not wave["rolled_back"], wave
        assert wave["ipv4"]["lost"] == 0 and wave["ipv6"]["lost"] == 0, wave
        start, end = (dt.datetime.fromisoformat(wave[k]) for k in ("start", "end"))
        seconds = (end - start).total_seconds()
        # 3 communes × 5 probes/s, windows rounded out to whole ticks (a little slack).
        assert wave["ipv4"]["sent"] >= 3 * 5 * seconds * 0.8, wave
    # Core-first (the default with --guard): canary commune, core, hub, the other communes.
    by_host = {d["host"]: d["stage"] for d in doc["devices"]}
    assert by_host["dc-core-r1"] == "batch 1" and by_host["hub-01-r1"] == "batch 2"
    assert by_host["cm-lyvanlam-r1"] == by_host["cm-tanthanh-r1"] == "batch 3"
    # IPv6 from the end of each commune's wave: the canary's commune from batch 1 on.
    by_commune = {c["commune"]: c for c in guard["communes"]}
    ipv6 = {c: [w["ipv6"]["sent"] > 0 for w in r["waves"]] for c, r in by_commune.items()}
    # baseline, canary, batch 1, batch 2, batch 3, after
    assert ipv6["phuong-an-xuyen"] == [False, False, True, True, True, True]
    assert ipv6["phuong-ly-van-lam"] == [False, False, False, False, False, True]
    assert guard["after"]["ipv6"]["sent"] > 0 and guard["after"]["ipv6"]["lost"] == 0
    assert not any(c["rolled_back"] for c in guard["communes"])
    assert guard["prober"]["sent"] >= guard["baseline"]["ipv4"]["sent"]
    for host in ROUTERS:
        assert " description guarded" in lab.running(host)
    records = audit.read(lab.state)[-5:]
    assert {r.device for r in records} == set(ROUTERS)
    assert all(re.match(r".*IPv4 \d+ sent, 0 lost, IPv6 \d+ sent, 0 lost; .*; ok$", r.traffic_guard)
               for r in records), [r.traffic_guard for r in records]  # fmt: skip


def test_a_wave_that_breaks_a_commune_is_rolled_back(lab: GuardLab, cli: Cli) -> None:
    # Start from the described configs (pushed by the test before, or here), then push the
    # plain ones, with cm-lyvanlam-r1's LAN gateway gone: the canary (cm-anxuyen-r1) is
    # fine, batch 1 (cm-lyvanlam-r1, cm-tanthanh-r1) cuts phuong-ly-van-lam off.
    described_configs = lab.variant("described", described)
    again = lab.push(cli, described_configs)
    assert again.code == 0, again.err
    assert lab.reaches("phuong-ly-van-lam")

    # A SoT that fixes cm-lyvanlam-r1's office LAN to a wrong subnet: its candidate moves the
    # LAN gateway away from the hosts on it (an IPv4 change, pushed deliberately).
    wrong = lab.work / "wrong-lan"
    if wrong.exists():
        shutil.rmtree(wrong)
    shutil.copytree(TINY, wrong)
    # Its ledger first, as a real SoT has one: without it the freed subnet would go to the
    # next commune, renumbering it too (the ledger is what keeps every other site's).
    planned = netauto("-i", wrong, "--state-dir", lab.state, "plan")
    assert planned.returncode == 0 and (wrong / "allocations.yml").exists(), planned.stderr
    hub_file = wrong / "hub-01.yml"
    text = hub_file.read_text(encoding="utf-8")
    lan = "    devices: [{hostname: cm-lyvanlam-r1}]\n    lans: [{function: office, vlan: 10}]"
    assert lan in text
    fixed = lan.replace("vlan: 10}", "vlan: 10, ipv4: 10.96.200.0/26}")
    hub_file.write_text(text.replace(lan, fixed), encoding="utf-8")
    bad = lab.work / "configs-wrong-lan"
    if bad.exists():
        shutil.rmtree(bad)
    rendered = netauto("-i", wrong, "--state-dir", lab.state, "render", "-q", "-o", bad)
    assert rendered.returncode == 0, rendered.stdout + rendered.stderr
    assert LAN4 not in (bad / "cm-lyvanlam-r1.conf").read_text(encoding="utf-8")
    neighbour = (bad / "cm-tanthanh-r1.conf").read_text(encoding="utf-8")
    assert " ip address 10.96.3.193/26\n" in neighbour  # not renumbered

    before = {h: lab.running(h) for h in ROUTERS}
    res = lab.push(cli, bad, "--guard", "--batch", "2", "--order", "edge-first",
                   *ipv4_change_flag(cli))  # fmt: skip
    pushed = time.monotonic()
    back = wait_for(lambda: lab.reaches("phuong-ly-van-lam"), REVERT_IN)
    assert res.code == 1
    doc = document(res)
    assert outcomes(doc) == {
        "cm-anxuyen-r1": "committed", "cm-lyvanlam-r1": "rolled-back",
        "cm-tanthanh-r1": "rolled-back", "hub-01-r1": "skipped", "dc-core-r1": "skipped",
    }  # fmt: skip
    # IPv4 is back within the revert time (at once: the guard rolled the wave back).
    assert back is not None and back < 10, back
    assert time.monotonic() - pushed < REVERT_IN
    guard = doc["guard"]
    wave = next(w for w in guard["waves"] if w["name"] == "batch 1")
    assert wave["rolled_back"] and not wave["ok"]
    assert [o["commune"] for o in wave["over"]] == ["phuong-ly-van-lam"]
    assert wave["over"][0]["lost"] > 0
    message = guard["stopped"]
    assert message.startswith("guard: batch 1: IPv4 probes lost ")
    assert "phuong-ly-van-lam (cm-lyvanlam-r1) lost " in message
    assert "xa-tan-thanh" not in message and "phuong-an-xuyen" not in message
    window = re.search(r"lost (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)–(\d\d:\d\d:\d\d) UTC", message)
    assert window is not None
    assert "phuong-ly-van-lam" in " ".join(res.err.split())  # the command's error names it
    by_host = {d["host"]: d for d in doc["devices"]}
    assert by_host["cm-tanthanh-r1"]["error"] == message
    assert by_host["cm-lyvanlam-r1"]["rolled_back"] is True
    by_commune = {c["commune"]: c for c in guard["communes"]}
    assert by_commune["phuong-ly-van-lam"]["rolled_back_in"] == "batch 1"
    assert by_commune["xa-tan-thanh"]["rolled_back"] and not by_commune["phuong-an-xuyen"][
        "rolled_back"]  # fmt: skip
    # The wave is on its old configuration again, nothing waits for a confirm.
    assert lab.running("cm-lyvanlam-r1") == before["cm-lyvanlam-r1"]
    assert lab.running("cm-tanthanh-r1") == before["cm-tanthanh-r1"]
    assert " description guarded" not in lab.running("cm-anxuyen-r1")  # the canary stayed
    for host in ROUTERS:
        assert lab.sh(host, "test", "-e", PENDING).returncode != 0, host
    records = {r.device: r for r in audit.read(lab.state)[-5:]}
    assert records["cm-lyvanlam-r1"].rolled_back
    assert "rolled back" in records["cm-lyvanlam-r1"].traffic_guard
    # The migration is stored, and its report names the commune that was rolled back.
    run = re.search(r"migration run (\d+):", " ".join(res.err.split()))
    assert run is not None, res.err[-500:]
    report = cli("--state-dir", lab.state, "report", "--run", run.group(1), "--format", "md")
    assert report.code == 0, report.err
    line = next(x for x in report.out.splitlines() if x.startswith("| Phường Lý Văn Lâm |"))
    assert "yes (batch 1)" in line
