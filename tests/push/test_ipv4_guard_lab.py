"""The IPv4 guard of `netauto push --commit` against the real lab (needs root; prefix ``ni-``).

The tiny province converges on its rendered configs; then a candidate that changes an IPv4
address on one router is refused with the line named and the router untouched, `diff
--exit-code` says it differs, and `--allow-ipv4-change` pushes it, written to the audit log.
Last, the same lab rebuilt as the legacy (IPv4-only) province: a push of the greenfield
candidates is refused on the canary and changes no router. Every push goes through the CLI.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from netauto.lab import runner
from netauto.lab.state import LabInfo, info
from netauto.push import audit
from tests.conftest import TINY, CliResult
from tests.push import FRR_LAB

pytestmark = FRR_LAB

PREFIX = "ni-"
NETAUTO = Path(sys.executable).parent / "netauto"
ROUTERS = ["cm-anxuyen-r1", "cm-lyvanlam-r1", "cm-tanthanh-r1", "hub-01-r1", "dc-core-r1"]
HOST = "cm-tanthanh-r1"
OLD, NEW = " ip address 10.96.3.193/26\n", " ip address 10.96.3.194/26\n"
"""cm-tanthanh-r1's office LAN gateway, and the address the bad candidate gives it (a LAN
interface: OSPF runs passive there, so the post-check passes once the change is allowed)."""

Cli = Callable[..., CliResult]


@dataclass
class GuardLab:
    info: LabInfo
    configs: Path
    renumbered: Path
    state: Path

    def run(
        self, cli: Cli, verb: str, *extra: str | Path, configs: Path | None = None
    ) -> CliResult:
        return cli(
            "-i", TINY, "--state-dir", self.state, verb, "--lab-prefix", PREFIX,
            "--configs", configs or self.configs, *extra,
        )  # fmt: skip

    def running(self, host: str) -> str:
        argv = self.info.exec_argv(host, ["vtysh", "-c", "show running-config"])
        proc = subprocess.run(argv, capture_output=True, text=True, timeout=60, check=True)
        return proc.stdout

    def all_running(self) -> dict[str, str]:
        return {host: self.running(host) for host in ROUTERS}

    def pending(self, host: str) -> bool:
        argv = self.info.exec_argv(host, ["test", "-e", "/etc/frr/netauto/pending.pid"])
        return subprocess.run(argv, check=False, timeout=60).returncode == 0


def netauto(*args: str | Path) -> subprocess.CompletedProcess[str]:
    argv = [str(NETAUTO), *map(str, args)]
    return subprocess.run(argv, capture_output=True, text=True, timeout=300, check=False)


def by_host(res: CliResult) -> dict[str, dict[str, object]]:
    return {r["host"]: r for r in json.loads(res.out)}


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GuardLab]:
    """The tiny province as a fresh lab (prefix ni-), its rendered configs, and a copy where
    cm-tanthanh-r1's office LAN has another IPv4 address."""
    if runner.lab_namespaces(PREFIX):
        pytest.skip(f"a {PREFIX} lab is already running (netauto lab down --prefix {PREFIX})")
    work = tmp_path_factory.mktemp("guard-lab")
    state, configs, renumbered = work / "state", work / "configs", work / "renumbered"
    try:
        up = netauto(
            "-i", TINY, "--state-dir", state, "lab", "up", "--prefix", PREFIX, "--no-clients"
        )
        assert up.returncode == 0, up.stdout + up.stderr
        render = netauto("-i", TINY, "--state-dir", state, "render", "-o", configs)
        assert render.returncode == 0, render.stdout + render.stderr
        shutil.copytree(configs, renumbered)
        conf = renumbered / f"{HOST}.conf"
        text = conf.read_text(encoding="utf-8")
        assert text.count(OLD) == 1
        conf.write_text(text.replace(OLD, NEW), encoding="utf-8")
        yield GuardLab(info(PREFIX), configs, renumbered, state)
    finally:
        down = netauto("lab", "down", "--prefix", PREFIX)
        assert down.returncode == 0, down.stdout + down.stderr
        assert not runner.lab_namespaces(PREFIX)


def test_converged_lab_does_not_differ(lab: GuardLab, cli: Cli) -> None:
    first = lab.run(cli, "push", "--commit", "--settle", "40", "-f", "json")
    assert first.code == 0, first.err
    assert {h: r["outcome"] for h, r in by_host(first).items()} == dict.fromkeys(
        ROUTERS, "committed"
    )
    # A factory-fresh router only gains lines: nothing IPv4 was removed or changed.
    summaries = [str(r["summary"]) for r in by_host(first).values()]
    assert all(" -0 ~0; IPv4 lines removed or changed: 0" in s for s in summaries), summaries
    diff = lab.run(cli, "diff", "--exit-code")
    assert diff.code == 0, diff.out + diff.err
    assert diff.out.splitlines()[-1] == (
        "total: 0 of 5 routers differ; +0 -0 ~0; IPv4 lines removed or changed: 0"
    )


def test_changed_ipv4_address_is_refused_then_allowed(lab: GuardLab, cli: Cli) -> None:
    before = lab.all_running()
    named = "interface lan10: ip address 10.96.3.193/26 -> ip address 10.96.3.194/26"

    diff = lab.run(cli, "diff", "--exit-code", "--host", HOST, configs=lab.renumbered)
    assert diff.code == 1, diff.err
    assert f"- {OLD.strip()}\n+ {NEW.strip()}\n" in diff.out
    assert f"{HOST}: +0 -0 ~1; IPv4 lines removed or changed: 1 (push --commit refuses" in (
        diff.out
    )

    refused = lab.run(cli, "push", "--commit", "--host", HOST, "-f", "json", configs=lab.renumbered)
    assert refused.code == 1
    result = by_host(refused)[HOST]
    assert result["outcome"] == "refused", result
    assert named in str(result["error"]) and "--allow-ipv4-change" in str(result["error"])
    assert lab.all_running() == before  # byte for byte, on every router
    assert not lab.pending(HOST)
    record = audit.read(lab.state)[-1]
    assert (record.device, record.result, record.allow_ipv4_change) == (HOST, "refused", False)
    assert named in record.detail

    allowed = lab.run(
        cli, "push", "--commit", "--host", HOST, "--allow-ipv4-change", "--settle", "30",
        "-f", "json", configs=lab.renumbered,
    )  # fmt: skip
    assert allowed.code == 0, allowed.err
    assert by_host(allowed)[HOST]["outcome"] == "committed", by_host(allowed)[HOST]
    after = lab.running(HOST)
    assert NEW in after and OLD not in after
    assert not lab.pending(HOST)
    record = audit.read(lab.state)[-1]
    assert (record.device, record.result, record.changed) == (HOST, "committed", True)
    assert record.allow_ipv4_change is True
    assert record.summary == "+0 -0 ~1; IPv4 lines removed or changed: 1"


def test_legacy_province_is_refused_and_left_alone(lab: GuardLab, cli: Cli) -> None:
    """Greenfield candidates on the as-built IPv4 province (no import): the canary is refused,
    the rollout stops, no router changes."""
    up = netauto(
        "-i", TINY, "--state-dir", lab.state, "lab", "up", "--prefix", PREFIX, "--no-clients",
        "--legacy", "--rebuild",
    )  # fmt: skip
    assert up.returncode == 0, up.stdout + up.stderr
    lab.info = info(PREFIX)
    before = lab.all_running()
    res = lab.run(cli, "push", "--commit", "-f", "json")
    assert res.code == 1
    results = by_host(res)
    refused = [h for h, r in results.items() if r["outcome"] == "refused"]
    assert len(refused) == 1 and results[refused[0]]["stage"] == "canary"
    assert {r["outcome"] for h, r in results.items() if h not in refused} == {"skipped"}
    error = str(results[refused[0]]["error"])
    assert "IPv4 lines: interface eth0: ip address 172.16." in error, error
    assert lab.all_running() == before
