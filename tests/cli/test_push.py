"""`netauto diff` and `netauto push` on the command line, with the devices faked.

The target and the rollout's transport are replaced (no lab, no SSH): every router of the
tiny SoT is a recording fake driver whose running config is a real FRR running config
(``tests/parse/fixtures/configdiff``), and each is pushed by the real ``push_device``. What
runs for real: option parsing, the plan, loading the rendered (golden) configs, the diff and
its guard, the output, the exit codes and the audit log.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from netauto.push import audit
from netauto.push.core import DeviceResult, push_device
from tests.conftest import CliResult
from tests.push.test_ipv4_guard import FakeDriver

Cli = Callable[..., CliResult]
HERE = Path(__file__).parent
GOLDEN = HERE.parent / "render" / "golden" / "frr"
FIXTURES = HERE.parent / "parse" / "fixtures" / "configdiff"
ROUTERS = ["cm-anxuyen-r1", "cm-lyvanlam-r1", "cm-tanthanh-r1", "hub-01-r1", "dc-core-r1"]


class FakeTarget:
    name = "lab"
    needs_root = False

    def open_nornir(self, sot: Any, workers: int) -> tuple[None, list[str]]:
        return None, ROUTERS


@pytest.fixture
def devices(monkeypatch: pytest.MonkeyPatch) -> dict[str, FakeDriver]:
    """Every router on its config after a netauto push, as FRR shows it."""
    drivers = {h: FakeDriver((FIXTURES / f"{h}.pushed.txt").read_text()) for h in ROUTERS}

    def rollout(
        nr: Any, plan: Any, candidates: Any, options: Any, on_done: Any = None
    ) -> list[DeviceResult]:
        results = []
        for c in candidates:
            result = push_device(
                drivers[c.host], c.host, c.platform, c.config, commit=options.commit,
                allow_ipv4_change=options.allow_ipv4_change, prune_legacy=options.prune_legacy,
            )  # fmt: skip
            if on_done is not None:
                on_done(result)
            results.append(result)
        return results

    monkeypatch.setattr("netauto.cli.push.open_target", lambda *args: FakeTarget())
    monkeypatch.setattr("netauto.push.run.run_rollout", rollout)
    return drivers


def run(cli: Cli, tiny: Path, state: Path, *args: str) -> CliResult:
    return cli("-i", tiny, "--state-dir", state, *args, "--configs", GOLDEN)


def renumber(driver: FakeDriver) -> None:
    """The hub's eth1 as an engineer left it by hand: another IPv4 address."""
    old = " ip address 10.96.1.0/31\n"
    assert old in driver.running
    driver.running = driver.running.replace(old, " ip address 10.96.1.8/31\n")


def test_diff_of_converged_routers(cli: Cli, tiny: Path, tmp_path: Path, devices: Any) -> None:
    res = run(cli, tiny, tmp_path, "diff", "--exit-code")
    assert res.code == 0, res.err
    lines = res.out.splitlines()
    assert sorted(lines[:-1]) == sorted(f"{h}: unchanged" for h in ROUTERS)
    assert lines[-1] == "total: 0 of 5 routers differ; +0 -0 ~0; IPv4 lines removed or changed: 0"


def test_diff_shows_blocks_summary_total_and_exit_code(
    cli: Cli, tiny: Path, tmp_path: Path, devices: dict[str, FakeDriver]
) -> None:
    renumber(devices["hub-01-r1"])
    devices["dc-core-r1"].running = (FIXTURES / "dc-core-r1.legacy.txt").read_text()
    res = run(cli, tiny, tmp_path, "diff")
    assert res.code == 0, res.err
    out = res.out
    assert out.count(" interface eth1\n") == 2  # hub and dc-core: each block's context once
    assert "- ip address 10.96.1.8/31\n+ ip address 10.96.1.0/31\n" in out
    assert "--- hub-01-r1 (running)\n+++ hub-01-r1 (candidate)\n" in out
    assert "hub-01-r1: +0 -0 ~1; IPv4 lines removed or changed: 1 (push --commit refuses: " in out
    assert "dc-core-r1: +15 -6 ~6; IPv4 lines removed or changed: 10 (push --commit" in out
    assert "cm-anxuyen-r1: unchanged\n" in out
    assert out.rstrip().splitlines()[-1] == (
        "total: 2 of 5 routers differ; +15 -6 ~7; IPv4 lines removed or changed: 11"
    )
    assert "Lines To" not in out
    assert run(cli, tiny, tmp_path, "diff", "--exit-code", "-q").code == 1
    quiet = run(cli, tiny, tmp_path, "diff", "-q")
    assert "@@" not in quiet.out and "hub-01-r1: +0 -0 ~1" in quiet.out


def test_diff_json_is_the_structured_diff(
    cli: Cli, tiny: Path, tmp_path: Path, devices: dict[str, FakeDriver]
) -> None:
    renumber(devices["hub-01-r1"])
    res = run(cli, tiny, tmp_path, "diff", "-f", "json", "--host", "hub-01-r1")
    assert res.code == 0, res.err
    (hub,) = json.loads(res.out)
    assert hub["outcome"] == "would-change"
    assert hub["config_diff"]["blocks"] == [
        {
            "context": ["interface eth1"],
            "status": "changed",
            "added": [],
            "removed": [],
            "changed": [["ip address 10.96.1.8/31", "ip address 10.96.1.0/31"]],
            "unchanged": [
                "description l-1001 to cm-anxuyen-r1",
                "ip ospf area 0",
                "ip ospf network point-to-point",
                "ipv6 address 2001:db8:9601::/127",
                "ipv6 ospf6 area 0",
                "ipv6 ospf6 network point-to-point",
            ],
            "old_line": 12,
            "new_line": 12,
        }
    ]
    assert hub["config_diff"]["ipv4_removed_or_changed"] == [
        "interface eth1: ip address 10.96.1.8/31 -> ip address 10.96.1.0/31"
    ]


def test_diff_exits_1_when_a_router_is_unreachable(
    cli: Cli, tiny: Path, tmp_path: Path, devices: dict[str, FakeDriver], monkeypatch: Any
) -> None:
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise OSError("no route to host")

    monkeypatch.setattr(devices["hub-01-r1"], "load_replace_candidate", broken)
    res = run(cli, tiny, tmp_path, "diff")
    assert res.code == 1
    assert "hub-01-r1: failed: OSError: no route to host" in res.out
    assert "; 1 not diffed (unreachable or failed)" in res.out
    assert "some devices could not be diffed" in res.err


def test_push_commit_refuses_then_allow_ipv4_change_is_audited(
    cli: Cli, tiny: Path, tmp_path: Path, devices: dict[str, FakeDriver]
) -> None:
    renumber(devices["hub-01-r1"])
    before = devices["hub-01-r1"].running
    refused = run(cli, tiny, tmp_path, "push", "--commit", "--host", "hub-01-r1", "-f", "json")
    assert refused.code == 1
    (result,) = json.loads(refused.out)
    assert result["outcome"] == "refused"
    assert result["error"] == (
        "removes or changes 1 IPv4 line: interface eth1: ip address 10.96.1.8/31 -> "
        "ip address 10.96.1.0/31 (--allow-ipv4-change)"
    )
    assert devices["hub-01-r1"].running == before
    assert "commit" not in devices["hub-01-r1"].calls

    allowed = run(
        cli, tiny, tmp_path, "push", "--commit", "--host", "hub-01-r1", "--allow-ipv4-change"
    )
    assert allowed.code == 0, allowed.err
    assert " ip address 10.96.1.0/31\n" in devices["hub-01-r1"].running
    first, second = audit.read(tmp_path)
    assert (first.result, first.allow_ipv4_change, first.prune_legacy) == ("refused", False, False)
    assert "10.96.1.8/31" in first.detail
    assert first.summary == "+0 -0 ~1; IPv4 lines removed or changed: 1"
    assert (second.result, second.allow_ipv4_change) == ("committed", True)


def test_push_prune_legacy(cli: Cli, tiny: Path, tmp_path: Path, devices: Any) -> None:
    hub = devices["hub-01-r1"]
    spare = "interface eth4\n description SPARE - not in use\n shutdown\nexit\n!\n"
    hub.running = hub.running.replace("interface lo\n", spare + "interface lo\n")
    dry = run(cli, tiny, tmp_path, "push", "--host", "hub-01-r1")
    assert dry.code == 0, dry.err
    assert "hub-01-r1: +0 -3 ~0; IPv4 lines removed or changed: 0; legacy lines removed: 3 " in (
        dry.out
    )
    assert "(push --commit refuses: removes 3 lines: interface eth4; " in dry.out
    assert dry.out.rstrip().endswith("netauto does not own (--prune-legacy))\ntotal: 1 of 1 "
                                     "routers differ; +0 -3 ~0; IPv4 lines removed or changed: "
                                     "0; legacy lines removed: 3")  # fmt: skip
    refused = run(cli, tiny, tmp_path, "push", "--commit", "--host", "hub-01-r1")
    assert refused.code == 1 and "interface eth4" in hub.running
    pruned = run(cli, tiny, tmp_path, "push", "--commit", "--host", "hub-01-r1", "--prune-legacy")
    assert pruned.code == 0, pruned.err
    assert "interface eth4" not in hub.running
    assert audit.read(tmp_path)[-1].prune_legacy is True


def test_help_documents_the_options(cli: Cli) -> None:
    push = cli("push", "--help").out
    assert "--allow-ipv4-change" in push and "--prune-legacy" in push and "refused" in push
    diff = cli("diff", "--help").out
    assert "--exit-code" in diff and "IPv4 lines removed or changed" in diff
