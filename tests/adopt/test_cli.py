"""``netauto import`` on the command line: the diff without --write, the write, JSON, a lost
ledger rebuilt, bad options, and its help."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from netauto.plan import load_ledger
from netauto.sot.loader import load_sot
from tests.adopt.conftest import snapshot
from tests.conftest import CliResult

Cli = Callable[..., CliResult]


def test_without_write_it_prints_the_diff_and_writes_nothing(
    sot_dir: Path, frr_dir: Path, cli: Cli
) -> None:
    before = snapshot(sot_dir)
    result = cli("-i", sot_dir, "import", "--from-configs", frr_dir)
    assert result.code == 0, result.err
    assert result.out.startswith("--- /dev/null\n+++ b/")
    assert "+    l-1001: {a: 172.21.250.5/30, b: 172.21.250.6/30}\n" in result.out
    assert "5 devices, 18 addresses fixed, 39 legacy items kept, 6 not kept, 0 conflicts" in (
        result.err
    )
    assert "not kept: hub-01-r1: route-map STATIC-TO-OSPF: route maps are not imported" in (
        result.err
    )
    assert "would change; run again with --write" in result.err
    assert snapshot(sot_dir) == before


def test_write_writes_the_section_and_plan_keeps_it(sot_dir: Path, frr_dir: Path, cli: Cli) -> None:
    result = cli("-i", sot_dir, "import", "--from-configs", frr_dir, "--write")
    assert result.code == 0, result.err
    assert f"wrote {sot_dir / 'imported.yml'}" in result.err
    imported = load_sot(sot_dir).sot.imported
    assert str(imported.devices["hub-01-r1"].loopback) == "172.21.255.2/32"
    ledger = load_ledger(sot_dir / "allocations.yml")
    assert ledger is not None and str(ledger.devices["hub-01-r1"].loopback4) == "172.21.255.2"
    assert str(ledger.links["l-1001"].network4) == "172.21.250.4/30"


def test_the_section_is_written_into_the_file_that_holds_it(
    sot_dir: Path, frr_dir: Path, cli: Cli
) -> None:
    hub = sot_dir / "hub-01.yml"
    original = hub.read_text()
    hub.write_text(original + "imported:\n  source: typed in\n")
    assert cli("-i", sot_dir, "import", "--from-configs", frr_dir, "--write").code == 0
    assert not (sot_dir / "imported.yml").exists()
    text = hub.read_text()
    assert text.startswith(original) and "typed in" not in text
    assert load_sot(sot_dir).sot.imported.links["l-1001"].a.ip.exploded == "172.21.250.5"


@pytest.mark.parametrize("broken", ["", "sites: [\n"])
def test_a_lost_ledger_is_rebuilt_by_write_only(
    broken: str, sot_dir: Path, frr_dir: Path, cli: Cli, tmp_path: Path
) -> None:
    ledger = sot_dir / "allocations.yml"
    ledger.write_text(broken)
    assert cli("-i", sot_dir, "--state-dir", tmp_path / "s", "plan").code == 2  # plan refuses
    dry = cli("-i", sot_dir, "import", "--from-configs", frr_dir)
    assert dry.code == 0 and "--write writes a fresh one" in dry.err
    assert ledger.read_text() == broken
    result = cli("-i", sot_dir, "import", "--from-configs", frr_dir, "--write")
    assert result.code == 0, result.err
    assert f"wrote a fresh ledger {ledger}" in result.err
    rebuilt = load_ledger(ledger)
    assert rebuilt is not None and str(rebuilt.devices["dc-core-r1"].loopback4) == "172.21.255.1"
    assert rebuilt.devices["dc-core-r1"].loopback6.exploded.startswith("2001:0db8:96")
    planned = cli("-i", sot_dir, "--state-dir", tmp_path / "s", "plan")
    assert planned.code == 0 and "no changes" in planned.out


def test_a_sound_ledger_is_left_alone(
    sot_dir: Path, frr_dir: Path, cli: Cli, tmp_path: Path
) -> None:
    assert cli("-i", sot_dir, "--state-dir", tmp_path / "s", "plan").code == 0
    ledger = (sot_dir / "allocations.yml").read_bytes()
    result = cli("-i", sot_dir, "import", "--from-configs", frr_dir, "--write")
    assert result.code == 0 and "fresh ledger" not in result.err
    assert (sot_dir / "allocations.yml").read_bytes() == ledger
    planned = cli("-i", sot_dir, "--state-dir", tmp_path / "s", "plan")
    assert planned.code == 0, planned.err  # plan now moves the imported addresses in


def test_json_has_the_summary_the_diff_and_the_section(
    sot_dir: Path, frr_dir: Path, cli: Cli
) -> None:
    result = cli("-i", sot_dir, "import", "--from-configs", frr_dir, "--format", "json")
    assert result.code == 0, result.err
    data = json.loads(result.out)
    assert data["changed"] is True and data["written"] == [] and data["conflicts"] == []
    assert data["stats"] == {"devices": 5, "vms": 0, "addresses": 18, "legacy": 39}
    assert data["ledger"] == {"path": str(sot_dir / "allocations.yml"), "lost": "missing",
                              "rebuilt": False}  # fmt: skip
    assert data["diff"].startswith("--- /dev/null")
    assert data["imported"]["links"]["l-1001"] == {"a": "172.21.250.5/30", "b": "172.21.250.6/30"}
    assert len(data["not_kept"]) == 6 and data["not_kept"][0]["text"].startswith("cm-anxuyen-r1")
    written = cli("-i", sot_dir, "import", "--from-configs", frr_dir, "--format", "json", "--write")
    assert json.loads(written.out)["written"] == [
        str(sot_dir / "imported.yml"), str(sot_dir / "allocations.yml"),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--target", "lab", "--from-configs", "x"], "give --target or --from-configs, not both"),
        (["--from-configs", "x", "--format", "xml"], "unknown format 'xml'"),
        (["--from-configs", "nowhere"], "not a directory"),
        (["--target", "moon"], "unknown target 'moon'"),
    ],
)
def test_bad_options_are_input_errors(
    args: list[str], message: str, sot_dir: Path, cli: Cli
) -> None:
    result = cli("-i", sot_dir, "import", *args)
    assert result.code == 2 and message in result.err and "Traceback" not in result.err


def test_help_teaches_with_examples(cli: Cli) -> None:
    result = cli("import", "--help")
    assert result.code == 0
    for text in ("--from-configs", "--write", "git diff", "netauto import --target lab",
                 "Conflicts stop the import", "allocations.yml"):  # fmt: skip
        assert text in result.out, text


def test_the_readme_documents_the_verb() -> None:
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    assert "### `netauto import`" in readme and "--from-configs DIR" in readme


def test_a_ledger_of_an_unknown_version_is_not_taken_for_lost(
    sot_dir: Path, frr_dir: Path, cli: Cli
) -> None:
    ledger = sot_dir / "allocations.yml"
    ledger.write_text("version: 99\n")
    result = cli("-i", sot_dir, "import", "--from-configs", frr_dir, "--write")
    assert result.code == 2 and "unsupported ledger version 99" in result.err
    assert ledger.read_text() == "version: 99\n" and not (sot_dir / "imported.yml").exists()
