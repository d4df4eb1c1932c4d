"""eBGP sites end to end in the real lab: push, a second push, verify (needs root).

The tiny province with one commune on eBGP (``routing: ebgp`` on phuong-an-xuyen in a copy
of the SoT): render, ``lab up`` (bgpd on that commune's router and the hub), ``push
--commit`` commits every router (the hub's post-check waits for the BGP sessions of the
eBGP link and OSPF on the others, instead of OSPF everywhere), a second push changes
nothing, and ``verify`` checks the eBGP link by its two BGP sessions. A second lab without
bgpd anywhere takes configs rendered with ``--ebgp-site``: the two BGP routers fail before
committing, with a message that says which daemon is missing, and keep their config.

Every push and verify goes through the real CLI in-process (the ``cli`` fixture); ``lab
up`` / ``lab down`` run the ``netauto`` executable. Prefixes ``ng-`` and ``nk-``, own state
directories, labs always torn down.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from netauto.lab import runner
from netauto.lab.state import LabInfo, info
from tests.conftest import TINY, CliResult
from tests.push import FRR_LAB

pytestmark = FRR_LAB

PREFIX, BARE = "ng-", "nk-"
NETAUTO = Path(sys.executable).parent / "netauto"
SITE = "phuong-an-xuyen"
BGP_ROUTERS = ["cm-anxuyen-r1", "hub-01-r1"]
OSPF_ROUTERS = ["cm-lyvanlam-r1", "cm-tanthanh-r1", "dc-core-r1"]
ROUTERS = BGP_ROUTERS + OSPF_ROUTERS
MISSING = (
    "{host}: the candidate configures router bgp but bgpd is not running (enable it in "
    "/etc/frr/daemons; lab: routing: ebgp in the SoT or netauto lab up --ebgp-site SLUG)"
)

Cli = Callable[..., CliResult]


def netauto(*args: str | Path) -> None:
    """Run the real ``netauto`` executable; fail the test on a non-zero exit."""
    proc = subprocess.run(
        [str(NETAUTO), *map(str, args)], capture_output=True, text=True, timeout=300, check=False
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def ebgp_inventory(target: Path) -> Path:
    """A copy of the tiny SoT where :data:`SITE` talks eBGP to its hub."""
    shutil.copytree(TINY, target)
    sites = target / "hub-01.yml"
    text = sites.read_text(encoding="utf-8")
    old = "    devices: [{hostname: cm-anxuyen-r1}]\n"
    assert old in text
    sites.write_text(text.replace(old, "    routing: ebgp\n" + old), encoding="utf-8")
    return target


@dataclass
class EbgpLab:
    info: LabInfo
    inventory: Path
    configs: Path
    state: Path

    def args(self, *extra: str | Path) -> list[str | Path]:
        return ["-i", self.inventory, "--state-dir", self.state, *extra]


def push(cli: Cli, lab: EbgpLab, prefix: str, *extra: str) -> dict[str, dict[str, object]]:
    """``netauto push`` (JSON) against lab ``prefix``: the results by host."""
    res = cli(*lab.args("push", "--lab-prefix", prefix, "--configs", lab.configs, "-f", "json",
                        *extra))  # fmt: skip
    return {r["host"]: r for r in json.loads(res.out)} | {"": {"code": res.code, "err": res.err}}


def running(lab: LabInfo, host: str) -> str:
    argv = lab.exec_argv(host, ["vtysh", "-c", "show running-config"])
    return subprocess.run(argv, capture_output=True, text=True, check=True, timeout=60).stdout


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EbgpLab]:
    """The eBGP variant of the tiny province as a fresh lab (prefix ng-), rendered."""
    if runner.lab_namespaces(PREFIX):
        pytest.skip(f"a {PREFIX} lab is already running (netauto lab down --prefix {PREFIX})")
    work = tmp_path_factory.mktemp("push-ebgp")
    inventory, state, configs = ebgp_inventory(work / "inventory"), work / "state", work / "out"
    try:
        netauto("-i", inventory, "--state-dir", state, "lab", "up", "--prefix", PREFIX,
                "--no-clients")  # fmt: skip
        netauto("-i", inventory, "--state-dir", state, "render", "-o", configs)
        yield EbgpLab(info=info(PREFIX), inventory=inventory, configs=configs, state=state)
    finally:
        netauto("lab", "down", "--prefix", PREFIX)
        assert not runner.lab_namespaces(PREFIX)


def test_push_commits_every_router_then_nothing_then_verify_passes(lab: EbgpLab, cli: Cli) -> None:
    first = push(cli, lab, PREFIX, "--commit", "--settle", "40")
    assert first.pop("")["code"] == 0, first
    assert {h: r["outcome"] for h, r in first.items()} == dict.fromkeys(ROUTERS, "committed")
    # The hub kept its commit: OSPF on its three OSPF links, BGP (both families) on the eBGP one.
    assert first["hub-01-r1"]["post_check"] == (
        "4 OSPFv2/v3 adjacencies up, 2 BGP sessions Established"
    )
    assert "router bgp" in running(lab.info, "hub-01-r1")
    assert "router ospf" not in running(lab.info, "cm-anxuyen-r1")

    second = push(cli, lab, PREFIX, "--commit")
    assert second.pop("")["code"] == 0, second
    assert {h: r["outcome"] for h, r in second.items()} == dict.fromkeys(ROUTERS, "unchanged")

    # Routes follow the adjacencies by a few seconds (SPF, redistribution): verify until
    # everything passes, 30 s at most.
    deadline = time.monotonic() + 30
    while True:
        res = cli(*lab.args("verify", "--lab-prefix", PREFIX, "--no-clients", "-f", "json"))
        checks = json.loads(res.out)["checks"]
        failed = [c for c in checks if c["status"] != "pass"]
        if not failed or time.monotonic() > deadline:
            break
        time.sleep(3)
    routing = {c["id"]: c for c in checks if c["kind"] == "routing"}
    bgp = sorted(i for i, c in routing.items() if c["probe"] == "bgp")
    assert bgp == [
        f"routing:{host}:{iface}:bgp:{family}"
        for host, iface in (("cm-anxuyen-r1", "eth0"), ("hub-01-r1", "eth1"))
        for family in ("ipv4", "ipv6")
    ]
    assert {c["status"] for c in routing.values()} == {"pass"}, routing
    assert len(routing) == 4 + 2 * 6  # 4 BGP checks, OSPFv2 + v3 on both ends of 3 links
    assert res.code == 0, failed


def test_missing_bgpd_fails_those_routers_before_commit(tmp_path: Path, cli: Cli) -> None:
    """Configs rendered with --ebgp-site on a lab started without it (no bgpd anywhere)."""
    if runner.lab_namespaces(BARE):
        pytest.skip(f"a {BARE} lab is already running (netauto lab down --prefix {BARE})")
    state, configs = tmp_path / "state", tmp_path / "out"
    try:
        netauto("-i", TINY, "--state-dir", state, "lab", "up", "--prefix", BARE, "--no-clients")
        netauto("-i", TINY, "--state-dir", state, "render", "--ebgp-site", SITE, "-o", configs)
        bare = EbgpLab(info=info(BARE), inventory=TINY, configs=configs, state=state)
        before = {host: running(bare.info, host) for host in BGP_ROUTERS}
        results = push(cli, bare, BARE, "--commit", "--continue-on-error", "--settle", "20")
        assert results.pop("")["code"] == 1
        outcomes = {h: r["outcome"] for h, r in results.items()}
        assert outcomes == {**dict.fromkeys(BGP_ROUTERS, "failed"),
                            **dict.fromkeys(OSPF_ROUTERS, "committed")}  # fmt: skip
        for host in BGP_ROUTERS:
            assert results[host]["error"] == "ReplaceConfigException: " + MISSING.format(host=host)
            assert running(bare.info, host) == before[host]  # untouched
    finally:
        netauto("lab", "down", "--prefix", BARE)
        assert not runner.lab_namespaces(BARE)
