"""`push --vms` against the real `netauto lab` (the DC slice of the tiny province, needs root).

The lab's VM namespaces start with the plan's addresses (the lab sets them so its clients can
probe); the playbook still has work to do on a fresh lab VM (namespace sysctls, the host
firewall, the resolver), then nothing on a second run; facts feed the drift check.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from netauto.lab import runner
from netauto.lab.state import LabInfo
from netauto.lab.target import LabTarget
from netauto.lab.topology import build_topology
from netauto.plan import plan_for
from netauto.push.ansible_data import vm_drift
from netauto.push.vms import push_vms, vm_facts, vm_target
from netauto.sot.loader import load_sot
from tests.conftest import TINY

pytestmark = [
    pytest.mark.lab,
    pytest.mark.skipif(os.geteuid() != 0, reason="needs root (network namespaces, sshd)"),
    pytest.mark.skipif(not shutil.which("nft"), reason="needs nftables"),
]

PREFIX = "nhl-"


@pytest.fixture(scope="module")
def dc_lab() -> Iterator[LabInfo]:
    if runner.lab_namespaces(PREFIX):
        pytest.skip(f"a {PREFIX} lab is already running")
    sot = load_sot(TINY).sot
    topo = build_topology(plan_for(TINY).plan, sot, prefix=PREFIX, hubs=0)
    try:
        yield runner.up(topo, timeout=120)
    finally:
        runner.down(PREFIX)


def test_lab_vms_configured_then_unchanged_then_drift(dc_lab: LabInfo, tmp_path: Path) -> None:
    sot, plan = load_sot(TINY).sot, plan_for(TINY).plan
    vms = [h.name for h in dc_lab.vms]
    assert vms == ["dc-lgsp-01", "dc-portal-01"]

    target = vm_target("lab", LabTarget(info=dc_lab).vm_access())
    first = push_vms(sot, plan, target, commit=True, state_dir=tmp_path)
    assert [(r.host, r.outcome) for r in first] == [(vm, "committed") for vm in vms]
    assert all("table inet netauto" in r.diff for r in first)
    assert target.resolv_conf(vms[0]).is_file()
    assert str(target.resolv_conf(vms[0])).startswith(str(dc_lab.runtime_dir))

    second = push_vms(sot, plan, target, commit=True, state_dir=tmp_path)
    assert [(r.outcome, r.changed) for r in second] == [("unchanged", 0)] * len(vms)
    assert vm_drift(plan, vm_facts(sot, plan, target, tmp_path)) == []

    argv = dc_lab.exec_argv(
        vms[1], ["ip", "-6", "addr", "add", "2001:db8:9610:150::bad/64", "dev", "eth0", "nodad"]
    )
    subprocess.run(argv, check=True)
    drift = vm_drift(plan, vm_facts(sot, plan, target, tmp_path))
    assert [(d.host, d.field) for d in drift] == [(vms[1], "ipv6")]
    assert "2001:db8:9610:150::bad/64" in drift[0].actual
