"""`netauto verify` and `netauto inventory --live` against the real lab (tiny SoT, needs root).

One lab for the module (its own prefix and state directory), built, rendered and pushed
through the CLI, always torn down. Then: verify passes; faults are injected inside the lab's
namespaces and verify must name exactly what broke: a commune's uplink down (that commune's
reachability in both families, and the routing checks of that link); a LAN's IPv6 address
removed (that commune's IPv6 only, and drift names the interface); the firewall of two
communes removed (the isolation between them). Each fault is undone before the next test.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from netauto.lab import runner
from netauto.lab.state import LabInfo, info
from netauto.parse.routing import OSPF_COMMANDS, full_adjacencies
from netauto.plan import plan_for
from netauto.plan.models import Plan
from netauto.verify.derive import probe_lan
from tests.conftest import TINY, CliResult

pytestmark = [
    pytest.mark.lab,
    pytest.mark.skipif(os.geteuid() != 0, reason="needs root (network namespaces, FRR, sshd)"),
    pytest.mark.skipif(not shutil.which("vtysh"), reason="needs FRR (vtysh)"),
]

PREFIX = "nv-"
CLI = Callable[..., CliResult]


@dataclass
class Lab:
    info: LabInfo
    plan: Plan
    state: Path
    configs: Path

    def sh(self, host: str, *argv: str, stdin: str | None = None) -> str:
        proc = subprocess.run(
            self.info.exec_argv(host, list(argv)),
            input=stdin, capture_output=True, text=True, timeout=60, check=True,
        )  # fmt: skip
        return proc.stdout

    def verify(self, cli: CLI, *extra: str) -> tuple[int, dict[str, Any]]:
        result = cli("-i", TINY, "--state-dir", self.state, "verify", "--lab-prefix", PREFIX,
                     "--format", "json", *extra)  # fmt: skip
        assert result.code in (0, 1), result.err
        return result.code, json.loads(result.out)

    def wait_adjacency(self, router: str, iface: str, timeout: float = 60) -> None:
        """Until ``router`` has a Full OSPFv2 and OSPFv3 adjacency on ``iface``."""
        deadline = time.monotonic() + timeout
        while True:
            up = [
                iface in full_adjacencies(json.loads(self.sh(router, "vtysh", "-c", cmd) or "{}"))
                for cmd in OSPF_COMMANDS.values()
            ]
            if all(up):
                return
            assert time.monotonic() < deadline, f"{router} {iface}: OSPF not Full after {timeout}s"
            time.sleep(1)


def wait_converged(lab: Lab, timeout: float = 90) -> None:
    """Until every commune router has a route to every VM, and back, in both families.

    ``push`` returns once the OSPF adjacencies are Full; the routes follow a few seconds
    later (LSA flooding and SPF), as they do after a link comes back. Verifying before that
    would report a transient state.
    """
    vms = [str(a) for vm in lab.plan.vms for a in (vm.ipv4.ip, vm.ipv6.ip)]
    lans = [lan for s in lab.plan.sites if s.kind == "commune" for lan in s.lans[:1]]
    dc_router = lab.info.host(lab.plan.vms[0].name).router
    assert dc_router is not None
    pairs = [(lan.device, address) for lan in lans for address in vms]
    pairs += [(dc_router, str(a)) for lan in lans for a in (lan.gateway4, lan.gateway6)]
    deadline = time.monotonic() + timeout
    for router, address in pairs:
        while subprocess.run(
            lab.info.exec_argv(router, ["ip", "route", "get", address]),
            capture_output=True, check=False,
        ).returncode:  # fmt: skip
            assert time.monotonic() < deadline, f"{router}: no route to {address}"
            time.sleep(0.5)


def _netauto(state: Path, *args: str | Path) -> None:
    env = {**os.environ, "NETAUTO_LAB_PREFIX": PREFIX, "NETAUTO_STATE_DIR": str(state)}
    proc = subprocess.run(
        [sys.executable, "-m", "netauto.cli", "-i", str(TINY), *map(str, args)],
        capture_output=True, text=True, env=env, timeout=600, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, f"netauto {args}: {proc.stdout[-2000:]}\n{proc.stderr[-2000:]}"


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    if runner.lab_namespaces(PREFIX):
        pytest.skip(f"a {PREFIX} lab is already running")
    state = tmp_path_factory.mktemp("verify-state")
    configs = tmp_path_factory.mktemp("verify-configs")
    try:
        _netauto(state, "lab", "up")
        _netauto(state, "render", "-o", configs)
        _netauto(state, "push", "--configs", configs, "--commit")
        built = Lab(info(PREFIX), plan_for(TINY).plan, state, configs)
        wait_converged(built)
        yield built
    finally:
        runner.down(PREFIX)


def failing(run: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {c["id"]: c for c in run["checks"] if c["status"] != "pass"}


def brief(checks: dict[str, dict[str, Any]]) -> str:
    return "\n".join(f"{c['status']} {i} @{c['host']}: {c['evidence'][:160]}"
                     for i, c in checks.items())  # fmt: skip


def verdicts(run: dict[str, Any]) -> dict[str, str]:
    return {c["id"]: c["status"] for c in run["checks"]}


def same_verdicts(prober: dict[str, Any], shell: dict[str, Any]) -> None:
    """The Python prober and the shell script (ping/nc) judged every check alike."""
    a, b = verdicts(prober), verdicts(shell)
    assert set(a) == set(b)
    differ = {i: (a[i], b[i]) for i in a if a[i] != b[i]}
    assert differ == {}, differ


def uplink(plan: Plan, router: str) -> tuple[str, str, str]:
    """The router's interface on its (only) WAN link, the peer and the peer's interface."""
    for link in plan.links:
        for end, peer in ((link.a, link.b), (link.b, link.a)):
            if end.device == router:
                return end.interface, peer.device, peer.interface
    raise AssertionError(f"{router} has no link")


def test_verify_passes_after_push(lab: Lab, cli: CLI, tmp_path: Path) -> None:
    junit = tmp_path / "verify.xml"
    code, run = lab.verify(cli, "--junit", str(junit))
    assert failing(run) == {}, brief(failing(run))
    assert code == 0
    kinds = {c["kind"] for c in run["checks"]}
    assert kinds == {"reachability", "isolation", "routing", "drift"}
    # Every commune probes from its router and from a real host on its LAN, in both families.
    hosts = {c["host"] for c in run["checks"] if c["kind"] == "reachability"}
    probe_lans = {(lan.device, lan.key) for s in lab.plan.sites if s.kind == "commune"
                  for lan in [probe_lan(s)] if lan is not None}  # fmt: skip
    clients = {c.name for c in lab.info.clients if (c.router, c.lan) in probe_lans}
    assert len(clients) == 3
    assert {h for h in hosts if h.startswith("c-")} == clients
    suites = ET.parse(junit).getroot()
    assert sum(int(s.get("tests", "0")) for s in suites) == len(run["checks"])
    assert sum(int(s.get("failures", "0")) + int(s.get("errors", "0")) for s in suites) == 0
    # The run is in the history, byte for byte.
    stored = cli("--state-dir", lab.state, "report", "--run", str(run["info"]["run_id"]),
                 "--format", "json")  # fmt: skip
    assert stored.code == 0
    assert json.loads(stored.out)["checks"] == run["checks"]


def test_inventory_live_has_every_router_and_vm(lab: Lab, cli: CLI) -> None:
    result = cli("-i", TINY, "--state-dir", lab.state, "inventory", "--live", "--target", "lab",
                 "--lab-prefix", PREFIX, "--format", "json")  # fmt: skip
    assert result.code == 0, result.err
    data = json.loads(result.out)
    expected = {h.name for h in lab.info.routers + lab.info.vms}
    assert len(expected) == 7
    assert {h["name"] for h in data["hosts"]} == expected
    assert {r["name"]: r["status"] for r in data["rows"]} == dict.fromkeys(expected, "ok")
    for host in data["hosts"]:
        assert host["reachable"] and host["vendor"] and host["os_version"], host
        assert host["serial_number"] and host["uptime_s"] > 0 and host["interfaces"], host
    routers = {h["name"]: h for h in data["hosts"] if h["kind"] == "router"}
    vms = {h["name"]: h for h in data["hosts"] if h["kind"] == "vm"}
    assert {h["vendor"] for h in routers.values()} == {"FRRouting"}
    assert {h["vendor"] for h in vms.values()} == {"Linux"}
    for vm in lab.plan.vms:
        assert str(vm.ipv6.ip) in vms[vm.name]["interfaces_ip"]["eth0"]["ipv6"]
    lan = probe_lan(next(s for s in lab.plan.sites if s.kind == "commune"))
    assert lan is not None
    assert str(lan.gateway6) in routers[lan.device]["interfaces_ip"][lan.interface]["ipv6"]
    assert (lab.state / "snapshots" / "latest.json").is_file()
    assert Path(data["snapshot"]).is_file()

    # Drift from the stored snapshot instead of the devices (one commune, to stay quick).
    site = lab.plan.device(lan.device).site
    code, run = lab.verify(cli, "--snapshot", "latest", "--site", site, "--no-clients")
    assert code == 0 and failing(run) == {}
    assert {c["kind"] for c in run["checks"]} >= {"drift"}


def test_uplink_down_fails_exactly_that_commune(lab: Lab, cli: CLI) -> None:
    router = "cm-tanthanh-r1"
    site = lab.plan.device(router).site
    iface, hub, hub_iface = uplink(lab.plan, router)
    planned6 = next(i.ipv6 for i in lab.plan.device(router).interfaces if i.name == iface)
    lab.sh(router, "ip", "link", "set", iface, "down")
    try:
        code, run = lab.verify(cli)
        _, shell = lab.verify(cli, "--prober", "shell")
    finally:
        lab.sh(router, "ip", "link", "set", iface, "up")
        # Linux drops IPv6 addresses of a downed link; put the planned one back.
        lab.sh(router, "ip", "-6", "addr", "replace", str(planned6), "dev", iface, "nodad")
    bad = failing(run)
    assert code == 1
    same_verdicts(run, shell)
    assert {c["status"] for c in bad.values()} == {"fail"}
    reach = [c for c in run["checks"] if c["kind"] == "reachability"]
    assert {c["id"] for c in reach if c["site"] == site} == {
        i for i, c in bad.items() if c["kind"] == "reachability"
    }
    assert {c["family"] for c in reach if c["site"] == site} == {"ipv4", "ipv6"}
    assert {c["kind"] for c in bad.values()} == {"reachability", "routing", "drift"}
    assert {i for i, c in bad.items() if c["kind"] == "routing"} == {
        f"routing:{router}:{iface}:ospf", f"routing:{router}:{iface}:ospf6",
        f"routing:{hub}:{hub_iface}:ospf", f"routing:{hub}:{hub_iface}:ospf6",
    }  # fmt: skip
    assert {i for i, c in bad.items() if c["kind"] == "drift"} == {f"drift:{router}:{iface}:ipv6"}

    md = cli("--state-dir", lab.state, "report", "--format", "md")
    assert md.code == 0
    assert "Communes fully dual-stack connected: **2/3**" in md.out
    assert "Isolation checks holding: **24/24**" in md.out
    lab.wait_adjacency(hub, hub_iface)
    wait_converged(lab)


def test_lan_without_ipv6_fails_ipv6_only_and_drift_names_it(lab: Lab, cli: CLI) -> None:
    router = "cm-anxuyen-r1"
    site = lab.plan.device(router).site
    lan = probe_lan(next(s for s in lab.plan.sites if s.slug == site))
    assert lan is not None and lan.interface == "lan10"
    gateway = f"{lan.gateway6}/{lan.ipv6.prefixlen}"
    lab.sh(router, "ip", "-6", "addr", "del", gateway, "dev", lan.interface)
    try:
        code, run = lab.verify(cli)
    finally:
        lab.sh(router, "ip", "-6", "addr", "replace", gateway, "dev", lan.interface, "nodad")
        wait_converged(lab)
    bad = failing(run)
    assert code == 1
    assert {c["family"] for c in bad.values()} == {"ipv6"}
    assert {c["site"] for c in bad.values()} == {site}
    reach = [c for c in run["checks"] if c["kind"] == "reachability" and c["site"] == site]
    assert {c["id"] for c in reach if c["family"] == "ipv6"} <= set(bad)
    assert all(c["status"] == "pass" for c in reach if c["family"] == "ipv4")
    drift = {i: c for i, c in bad.items() if c["kind"] == "drift"}
    assert list(drift) == [f"drift:{router}:lan10:ipv6"]
    assert "lan10" in drift[f"drift:{router}:lan10:ipv6"]["evidence"]
    assert str(lan.gateway6) in drift[f"drift:{router}:lan10:ipv6"]["evidence"]


def test_open_forbidden_path_fails_isolation(lab: Lab, cli: CLI) -> None:
    # Isolation is enforced at both ends (LAN ingress and the router's own LAN-sourced
    # output), so a path opens only when both communes lose their firewall.
    pair = ["cm-anxuyen-r1", "cm-lyvanlam-r1"]
    sites = {lab.plan.device(r).site for r in pair}
    for router in pair:
        lab.sh(router, "nft", "delete", "table", "inet", "netauto")
    try:
        code, run = lab.verify(cli)
        _, shell = lab.verify(cli, "--prober", "shell")
    finally:
        for router in pair:
            lab.sh(router, "nft", "-f", "-", stdin=(lab.configs / f"{router}.nft").read_text())
    bad = failing(run)
    assert code == 1
    same_verdicts(run, shell)
    assert bad, "no check noticed the open path"
    assert {c["kind"] for c in bad.values()} == {"isolation"}
    assert {(c["site"], c["target"]) for c in bad.values()} == {
        (a, b) for a in sites for b in sites if a != b
    }
    assert {c["family"] for c in bad.values()} == {"ipv4", "ipv6"}
    assert all("received" in c["evidence"] for c in bad.values())

    code, run = lab.verify(cli, "--no-clients", "--site", sorted(sites)[0])
    assert (code, failing(run)) == (0, {})


def test_vm_with_a_wrong_address_is_drift(lab: Lab, cli: CLI) -> None:
    vm = lab.plan.vms[0]
    wrong = "2001:db8:9610:150::bad/64"
    lab.sh(vm.name, "ip", "-6", "addr", "add", wrong, "dev", "eth0", "nodad")
    try:
        code, run = lab.verify(cli, "--no-clients", "--site", vm.site)
    finally:
        lab.sh(vm.name, "ip", "-6", "addr", "del", wrong, "dev", "eth0")
    bad = failing(run)
    assert code == 1
    assert list(bad) == [f"drift:{vm.name}:eth0:unknown:{wrong}"], brief(bad)
    assert {c["id"] for c in run["checks"] if c["host"] == vm.name} >= {
        f"drift:{vm.name}:ipv4", f"drift:{vm.name}:ipv6"
    }
    code, run = lab.verify(cli, "--no-clients", "--site", vm.site)
    assert (code, failing(run)) == (0, {}), brief(failing(run))
