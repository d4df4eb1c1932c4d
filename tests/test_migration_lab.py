"""The main job: a running IPv4 province adopted and moved to dual-stack without a lost probe.

On a subset of the bundled example (``lab up --legacy --hubs 1``: the data centre, one hub
and its communes, configured by hand as a province runs before netauto): import the running
network into a copy of the SoT, plan, render, check the diff keeps every IPv4 line, push with
the traffic guard, configure the VMs, verify in both families, and report. Every router
interface's IPv4 addresses, read from the kernel, are the same before and after; the legacy
static routes, descriptions, secondary address and filter are still in place; not one IPv4
probe was lost. Needs root.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from netauto.lab import runner
from netauto.lab.state import LabInfo, info
from tests.conftest import EXAMPLE, CliResult
from tests.push import FRR_LAB

pytestmark = FRR_LAB

PREFIX = "nz-"
Cli = Callable[..., CliResult]


def sh(lab: LabInfo, host: str, *argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(lab.exec_argv(host, list(argv)), capture_output=True, text=True,
                          timeout=60, check=False)  # fmt: skip


def kernel_ipv4(lab: LabInfo) -> dict[str, dict[str, list[str]]]:
    """Every router's interfaces with their IPv4 addresses, as the kernel has them."""
    out: dict[str, dict[str, list[str]]] = {}
    for router in lab.routers:
        data = json.loads(sh(lab, router.name, "ip", "-4", "-j", "addr", "show").stdout or "[]")
        out[router.name] = {
            link["ifname"]: sorted(f"{a['local']}/{a['prefixlen']}" for a in link["addr_info"])
            for link in data
            if link.get("addr_info")
        }
    return out


def wait_for(check: Callable[[], bool], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(1)
    return check()


@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    base = tmp_path_factory.mktemp("migration")
    shutil.copytree(EXAMPLE, base / "inventory")
    env = {"NETAUTO_LAB_PREFIX": PREFIX, "NETAUTO_STATE_DIR": str(base / "state")}
    old = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        yield base
    finally:
        runner.down(PREFIX)
        for key, value in old.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def test_a_running_ipv4_province_moves_to_dual_stack_without_losing_a_probe(
    cli: Cli, work: Path
) -> None:
    inv, configs = work / "inventory", work / "configs"
    up = cli("-i", inv, "lab", "up", "--legacy", "--hubs", "1")
    assert up.code == 0, up.err
    lab = info(PREFIX)
    clients = [c for c in lab.clients if c.lan == "office"]
    vm4 = [str(a.ip) for vm in lab.vms for a in vm.addresses if a.version == 4]
    assert clients and vm4

    def ipv4_everywhere() -> bool:
        return all(
            sh(lab, c.name, "ping", "-4", "-c", "1", "-W", "1", vm4[0]).returncode == 0
            for c in clients
        )

    assert wait_for(ipv4_everywhere, 90), "the legacy network never converged"
    before = kernel_ipv4(lab)
    hub = next(r.name for r in lab.routers if r.name.startswith("hub-"))
    legacy_before = sh(lab, hub, "vtysh", "-c", "show running-config").stdout

    imported = cli("-i", inv, "import", "--target", "lab", "--write")
    assert imported.code == 0, imported.out + imported.err
    assert (inv / "imported.yml").is_file()
    assert cli("-i", inv, "plan").code == 0
    rendered = cli("-i", inv, "render", "-o", configs, "-q")
    assert rendered.code == 0, rendered.err
    diff = cli("-i", inv, "diff", "--configs", configs, "-f", "json")
    assert diff.code == 0, diff.err
    for device in json.loads(diff.out):
        assert "IPv4 lines removed or changed: 0" in device["summary"], device

    # the VMs first (their IPv6 is there once the routers carry it), then the routers
    vms = cli("-i", inv, "push", "--vms", "--commit", "-f", "json")
    assert vms.code == 0, vms.out[-2000:] + vms.err[-2000:]
    pushed = cli("-i", inv, "push", "--configs", configs, "--commit", "--guard", "-f", "json")
    assert pushed.code == 0, pushed.out[-2000:] + pushed.err[-2000:]
    document = json.loads(pushed.out)
    assert {d["outcome"] for d in document["devices"]} <= {"committed", "unchanged"}
    guard = document["guard"]
    assert guard["stopped"] == ""
    assert sum(w["ipv4"]["sent"] for w in guard["waves"]) > 0
    assert sum(w["ipv4"]["lost"] for w in guard["waves"]) == 0
    assert "migration run" in pushed.err
    assert guard["after"]["ipv4"]["lost"] == 0 and guard["after"]["ipv6"]["sent"] > 0

    verified = cli("-i", inv, "verify", "--wait", "90")
    assert verified.code == 0, verified.out[-3000:] + verified.err[-2000:]

    assert kernel_ipv4(lab) == before  # every IPv4 address where it was
    legacy_after = sh(lab, hub, "vtysh", "-c", "show running-config").stdout
    kept = [line for line in legacy_before.splitlines()
            if line.startswith(("ip route", "access-list")) or "description" in line
            or " ip address" in line]  # fmt: skip
    assert kept and all(line in legacy_after.splitlines() for line in kept), kept
    dc = sh(lab, "dc-core-r1", "vtysh", "-c", "show running-config").stdout
    assert "distribute-list LEGACY-REDIST out static" in dc
    report = cli("-i", inv, "report", "--run", "1", "--format", "md")
    assert report.code == 0, report.err
    assert "IPv4 probes during the waves: **" in report.out and ", 0 lost**" in report.out
    communes = len([s for s in lab.clients if s.lan == "office"])
    assert f"Communes dual-stack verified after: **{communes}/{communes}**" in report.out
