"""`netauto plan` end to end through the CLI, on a copy of the tiny SoT."""

from __future__ import annotations

import csv
import io
import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from tests.conftest import CliResult

Cli = Callable[..., CliResult]


def test_plan_writes_the_ledger_then_reports_no_changes(cli: Cli, inv: Path) -> None:
    first = cli("-i", inv, "plan")
    assert first.code == 0, first.err
    assert "47 added, 0 changed, 0 freed" in first.out
    assert "zone commune" in first.out  # pool utilisation table
    ledger = inv / "allocations.yml"
    text = ledger.read_text()
    assert "1001:" in text and "cm-anxuyen-r1" in text
    second = cli("-i", inv, "plan")
    assert second.code == 0 and "no changes" in second.out
    assert ledger.read_text() == text
    assert not [p for p in inv.iterdir() if p.name.endswith(".tmp")]


def test_check_and_diff(cli: Cli, inv: Path) -> None:
    missing = cli("-i", inv, "plan", "--check")
    assert missing.code == 1 and "out of date" in missing.err
    assert not (inv / "allocations.yml").exists()
    assert cli("-i", inv, "plan").code == 0
    assert cli("-i", inv, "plan", "--check").code == 0
    hub = inv / "hub-01.yml"
    hub.write_text(
        hub.read_text().replace(
            "links:",
            "  - site_id: 1004\n    slug: xa-moi\n    kind: commune\n    name: Xã Mới\n"
            "    hub: hub-01\n    devices: [{hostname: cm-moi-r1}]\n"
            "    lans: [{function: office, vlan: 10}]\n"
            "links:\n  - {id: l-1004, a: hub-01-r1, b: cm-moi-r1}",
        )
    )
    before = (inv / "allocations.yml").read_text()
    diff = cli("-i", inv, "plan", "--diff")
    assert diff.code == 0
    assert "+ site 1004 prefix6: 2001:db8:9643:ec00::/56" in diff.out
    assert "link l-1004 hub-01-r1 interface: eth4" in diff.out
    assert "~" not in diff.out
    assert (inv / "allocations.yml").read_text() == before
    assert cli("-i", inv, "plan", "--check").code == 1
    assert cli("-i", inv, "plan").code == 0
    assert cli("-i", inv, "plan", "--check").code == 0


def test_formats(cli: Cli, inv: Path) -> None:
    as_json = cli("-i", inv, "plan", "--format", "json")
    assert as_json.code == 0
    plan = json.loads(as_json.out)
    assert {s["slug"] for s in plan["sites"]} >= {"dc", "hub-01", "xa-tan-thanh"}
    as_yaml = yaml.safe_load(cli("-i", inv, "plan", "-f", "yaml").out)
    assert as_yaml == plan
    rows = list(csv.DictReader(io.StringIO(cli("-i", inv, "plan", "-f", "csv").out)))
    lo = [r for r in rows if r["record"] == "interface-loopback" and r["device"] == "hub-01-r1"]
    assert lo and lo[0]["ipv6"].endswith("/128") and lo[0]["ipv4"].endswith("/32")
    bad = cli("-i", inv, "plan", "-f", "xml")
    assert bad.code == 2 and "use json, yaml or csv" in bad.err


def test_explain(cli: Cli, inv: Path) -> None:
    result = cli("-i", inv, "plan", "--explain", "phuong-an-xuyen")
    assert result.code == 0, result.err
    assert "preferred slot = site_id 1001 mod 4096 = 1001" in result.out
    assert "function office = 1 in the high nibble" in result.out
    assert "re-parenting or merging renumbers nothing" in result.out
    by_id = cli("-i", inv, "plan", "--explain", "1001")
    assert by_id.out == result.out
    wrong = cli("-i", inv, "plan", "--explain", "phuong-an-xuye")
    assert wrong.code == 2 and "did you mean phuong-an-xuyen" in wrong.err


def test_exhausted_pool_writes_nothing(cli: Cli, inv: Path) -> None:
    province = inv / "province.yml"
    province.write_text(province.read_text().replace("10.96.0.0/16", "10.96.0.0/23"))
    result = cli("-i", inv, "plan")
    assert result.code == 2
    assert "pool exhausted" in result.err and "more /26 needed" in result.err
    assert "province.yml" in result.err
    assert not (inv / "allocations.yml").exists()


def test_broken_ledger_is_an_input_error(cli: Cli, inv: Path) -> None:
    (inv / "allocations.yml").write_text("sites: {1: {slug: dc, zone: x, prefix6: nonsense}}\n")
    result = cli("-i", inv, "plan")
    assert result.code == 2
    assert "allocations.yml:1: sites[1].prefix6" in result.err


def test_prune_frees_a_removed_site(cli: Cli, inv: Path) -> None:
    assert cli("-i", inv, "plan").code == 0
    hub = inv / "hub-01.yml"
    text = hub.read_text()
    start = text.index("  - site_id: 1003")
    end = text.index("links:")
    text = text[:start] + text[end:]
    text = text.replace('  - {id: l-1003, a: "hub-01-r1:eth3", b: "cm-tanthanh-r1:eth0"}\n', "")
    hub.write_text(text)
    kept = cli("-i", inv, "plan")
    assert kept.code == 0 and "no changes" in kept.out
    assert "1003:" in (inv / "allocations.yml").read_text()
    pruned = cli("-i", inv, "plan", "--prune")
    assert pruned.code == 0 and "freed" in pruned.out
    assert "1003:" not in (inv / "allocations.yml").read_text()


def test_ledger_round_trips_and_an_interrupted_save_keeps_the_old_one(
    tiny: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    from netauto.plan import build_plan, load_ledger, save_ledger
    from netauto.sot.loader import load_sot

    result = build_plan(load_sot(tiny).sot)
    path = tmp_path / "allocations.yml"
    save_ledger(path, result.ledger)
    assert load_ledger(path) == result.ledger
    before = path.read_bytes()

    def crash(src: str, dst: str) -> None:
        raise OSError("disk pulled out")

    monkeypatch.setattr(os, "replace", crash)
    smaller = result.ledger.model_copy(update={"vms": {}})
    with pytest.raises(OSError):
        save_ledger(path, smaller)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["allocations.yml"]


def test_example_province_plans_then_reports_no_changes(cli: Cli, tmp_path: Path) -> None:
    from tests.conftest import EXAMPLE

    if not (EXAMPLE / "province.yml").exists():
        pytest.skip("the example province is not generated yet")
    inv = tmp_path / "inventory"
    shutil.copytree(EXAMPLE, inv, ignore=shutil.ignore_patterns("allocations.yml"))
    first = cli("-i", inv, "plan")
    assert first.code == 0, first.err
    assert "wrote" in first.out and (inv / "allocations.yml").exists()
    second = cli("-i", inv, "plan")
    assert second.code == 0 and "no changes" in second.out
    if (EXAMPLE / "allocations.yml").exists():  # the committed ledger must be up to date
        assert cli("-i", EXAMPLE, "plan", "--check").code == 0
