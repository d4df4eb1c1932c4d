"""The real lab on the tiny SoT (root, namespaces, FRR, sshd): marker ``lab``.

Each test uses its own prefix (``nt-``, ``nv-``, ``nw-``), never the default ``na-``, and
every lab is removed in a finalizer.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from netauto.lab import hostfiles, naming, runner
from netauto.lab.state import LabInfo, info
from netauto.lab.topology import LabTopology, build_topology
from netauto.plan import plan_for
from netauto.sot.loader import load_sot
from tests.conftest import TINY, CliResult

pytestmark = pytest.mark.lab
NETAUTO = [sys.executable, "-m", "netauto.cli"]


def _usable() -> str | None:
    if os.geteuid() != 0:
        return "needs root"
    try:
        runner.require_root_and_tools()
    except Exception as exc:
        return str(exc)
    return None


skip_reason = _usable()
if skip_reason:
    pytestmark = [pytest.mark.lab, pytest.mark.skip(reason=skip_reason)]  # type: ignore[list-item]


def leftovers(prefix: str) -> list[str]:
    """Everything of lab ``prefix`` still on the machine (empty when clean)."""
    runtime = naming.runtime_dir(prefix)
    found = [f"netns {ns}" for ns in runner.lab_namespaces(prefix)]
    for pid in runner.lab_processes(prefix, runtime, []):
        stat = Path(f"/proc/{pid}/stat").read_text() if Path(f"/proc/{pid}").exists() else ""
        if stat and stat.rsplit(")", 1)[-1].split()[0] != "Z":
            found.append(f"process {pid}")
    if runtime.exists():
        found.append(f"dir {runtime}")
    etc = Path("/etc/netns")
    if etc.is_dir():
        found += [f"/etc/netns/{p.name}" for p in etc.iterdir() if p.name.startswith(prefix)]
    return found


EBGP = ["phuong-an-xuyen"]
"""The lab's eBGP site: its router and the hub run bgpd, the other routers do not."""


def tiny_topology() -> LabTopology:
    return build_topology(plan_for(TINY).plan, load_sot(TINY).sot, prefix="nt-", ebgp_sites=EBGP)


@pytest.fixture(scope="module")
def lab() -> Iterator[LabInfo]:
    """The tiny SoT as a running lab with prefix ``nt-`` (removed afterwards)."""
    topo = tiny_topology()
    try:
        yield runner.up(topo, timeout=120)
    finally:
        runner.down("nt-")


def test_every_host_answers_over_ssh_with_netmiko(lab: LabInfo) -> None:
    from netmiko import ConnectHandler

    ssh_hosts = [h for h in lab.hosts if h.ssh]
    assert len(ssh_hosts) == 7
    for host in ssh_hosts:
        conn = ConnectHandler(
            device_type="linux",
            host=host.name,
            username="root",  # Netmiko's linux cleanup waits 10 s if it does not know
            ssh_config_file=str(lab.ssh_config),
            use_keys=True,
            key_file=str(lab.private_key),
            allow_agent=False,
        )
        try:
            assert conn.send_command("hostname").strip() == host.name
            if host.kind == "router":
                running = conn.send_command("vtysh -c 'show running-config'")
                assert f"hostname {host.name}" in running
                assert " ip address" not in running
        finally:
            conn.disconnect()


def test_routers_look_like_plain_frr_boxes(lab: LabInfo) -> None:
    argv = [
        "ssh", "-F", str(lab.ssh_config), "hub-01-r1",
        "test -f /etc/frr/daemons && test -f /etc/frr/vtysh.conf && ls /var/run/frr"
        " && grep -E '^(bgpd|ospfd)=' /etc/frr/daemons"
        " && /usr/lib/frr/frr-reload.py --test /etc/frr/frr.conf >/dev/null && echo OK"
        " && ip -br address",
    ]  # fmt: skip
    proc = subprocess.run(argv, capture_output=True, text=True, timeout=60, check=False)
    assert proc.returncode == 0, proc.stderr
    assert "zebra.vty" in proc.stdout and "OK" in proc.stdout
    assert "bgpd=yes" in proc.stdout and "ospfd=yes" in proc.stdout  # hub of an eBGP site
    addresses = [w for w in proc.stdout.split() if "/" in w and not w.startswith("fe80")]
    assert sorted(addresses) == ["127.0.0.1/8", "::1/128"], "factory-fresh: no addresses"
    links = {line.split("@")[0].split()[0] for line in proc.stdout.splitlines() if "UP" in line}
    assert {"eth0", "eth1", "eth2", "eth3"} <= links


def test_vm_services_answer_lan_clients_in_both_families(lab: LabInfo) -> None:
    client = lab.host("c-dc-core-r1-services")
    lgsp = lab.host("dc-lgsp-01")
    for address in lgsp.addresses:
        proc = subprocess.run(
            lab.exec_argv(client.name, ["nc", "-w", "3", str(address.ip), "443"]),
            capture_output=True, text=True, timeout=20, check=False,
        )  # fmt: skip
        assert proc.stdout == "netauto-lab dc-lgsp-01 lgsp tcp/443\n"


def test_lab_leaves_the_host_alone(lab: LabInfo) -> None:
    mounts = Path("/proc/self/mountinfo").read_text()
    assert "/run/netauto" not in mounts
    assert not any(Path("/run/frr").iterdir()), "the machine's own /run/frr stays empty"
    assert not (Path("/run/sshd")).exists()


def test_status_json_and_exec(lab: LabInfo, cli: Callable[..., CliResult]) -> None:
    result = cli("lab", "status", "--prefix", "nt-", "--format", "json")
    assert result.code == 0, result.err
    data = json.loads(result.out)
    assert data["ok"] is True and len(data["hosts"]) == 12
    daemons = {h["name"]: h["daemons"] for h in data["hosts"] if h["kind"] == "router"}
    ospf_only = dict.fromkeys(("zebra", "staticd", "ospfd", "ospf6d"), True)
    assert daemons["dc-core-r1"] == daemons["cm-lyvanlam-r1"] == ospf_only
    assert daemons["hub-01-r1"] == daemons["cm-anxuyen-r1"] == {**ospf_only, "bgpd": True}
    table = cli("lab", "status", "--prefix", "nt-")
    assert table.code == 0 and "bgpd" in table.out
    assert info("nt-").host("dc-lgsp-01").services[0].port == 443
    assert cli("lab", "exec", "--prefix", "nt-", "hub-01-r1", "--", "true").code == 0
    assert cli("lab", "exec", "--prefix", "nt-", "hub-01-r1", "--", "false").code == 1
    assert cli("lab", "exec", "--prefix", "nt-", "nowhere", "--", "true").code == 2


def test_up_again_keeps_the_running_lab(lab: LabInfo) -> None:
    anchors = {h.name: lab.anchor_pid(h.name) for h in lab.hosts}
    again = runner.up(tiny_topology(), timeout=120)
    assert {h.name: again.anchor_pid(h.name) for h in again.hosts} == anchors


def test_cli_up_then_down_leaves_nothing(cli: Callable[..., CliResult]) -> None:
    try:
        result = cli("-i", TINY, "lab", "up", "--prefix", "nv-", "--hubs", "0")
        assert result.code == 0, result.err
        assert "1 routers, 2 VMs, 1 LAN clients; bgpd on 0 routers" in result.out
        assert runner.lab_namespaces("nv-")
    finally:
        first = cli("lab", "down", "--prefix", "nv-")
        second = cli("lab", "down", "--prefix", "nv-")
    assert first.code == 0 and second.code == 0
    assert "0 namespaces" in second.out
    assert leftovers("nv-") == []


def test_down_cleans_up_a_crashed_up() -> None:
    proc = subprocess.Popen(
        [*NETAUTO, "-i", str(TINY), "lab", "up", "--prefix", "nw-"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        cwd=Path(__file__).resolve().parents[2],
    )
    try:
        deadline = time.monotonic() + 60
        # Kill it halfway: once some hosts have their daemons being started.
        while time.monotonic() < deadline and proc.poll() is None:
            hosts = naming.runtime_dir("nw-") / "hosts"
            if hosts.is_dir() and any(hosts.glob("*/start.log")):
                break
            time.sleep(0.02)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        assert runner.lab_namespaces("nw-"), "the crashed up left namespaces to clean"
    finally:
        report = runner.down("nw-")
    assert report.namespaces
    assert leftovers("nw-") == []


def test_nornir_inventory_reaches_every_ssh_host(lab: LabInfo) -> None:
    from nornir import InitNornir
    from nornir_netmiko.tasks import netmiko_send_command

    nr = InitNornir(config_file=str(lab.nornir_config))
    assert sorted(nr.inventory.hosts) == sorted(h.name for h in lab.hosts if h.ssh)
    assert nr.inventory.hosts["hub-01-r1"].platform == "frr"
    result = nr.run(task=netmiko_send_command, command_string="hostname")
    assert not result.failed, {h: r.exception for h, r in result.items() if r.failed}
    assert {h: r.result.strip() for h, r in result.items()} == {h: h for h in result}


def test_ebgp_configs_load_and_sessions_come_up_in_both_families(lab: LabInfo) -> None:
    """The configs rendered with the lab's eBGP site load as rendered (bgpd runs where
    render puts ``router bgp``) and the dual-stack session to the hub comes up."""
    from netauto.render.engine import render_all
    from netauto.render.models import RenderOptions

    sot = load_sot(TINY).sot
    hosts = ["hub-01-r1", "cm-anxuyen-r1"]
    options = RenderOptions(ebgp_sites=frozenset(EBGP))
    for config in render_all(sot, plan_for(TINY).plan, hosts=hosts, options=options):
        assert "router bgp" in config.text
        host = lab.host(config.hostname)
        # The host's /var/tmp is its own directory in the runtime dir.
        (hostfiles.host_dir(lab.runtime_dir, host) / "tmp" / "ebgp.conf").write_text(config.text)
        proc = subprocess.run(
            lab.exec_argv(host.name, ["vtysh", "-f", "/var/tmp/ebgp.conf"]),
            capture_output=True, text=True, timeout=60, check=False,
        )  # fmt: skip
        assert proc.returncode == 0 and "not running" not in proc.stdout + proc.stderr, proc

    def established() -> dict[str, int]:
        argv = lab.exec_argv("hub-01-r1", ["vtysh", "-c", "show bgp summary json"])
        out = subprocess.run(argv, capture_output=True, text=True, timeout=20, check=False)
        summary = json.loads(out.stdout or "{}")
        return {
            family: sum(p.get("state") == "Established" for p in data.get("peers", {}).values())
            for family, data in summary.items()
        }

    deadline = time.monotonic() + 60
    while established() != {"ipv4Unicast": 1, "ipv6Unicast": 1} and time.monotonic() < deadline:
        time.sleep(1)
    assert established() == {"ipv4Unicast": 1, "ipv6Unicast": 1}
