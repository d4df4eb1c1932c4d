"""Offline round trip of the shipped samples: ``import --from-configs DIR --write``, then
``plan``, then ``render`` reproduce every IPv4 address of every sample interface on the same
interface: read back from the rendered configuration, primary addresses being the plan's
and secondaries the imported section's."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from netauto import platforms
from netauto.parse.configs import parse_config
from netauto.parse.readback import read_text
from netauto.plan import plan_for
from netauto.sot.loader import load_sot
from tests.adopt.conftest import CONFIGS, snapshot
from tests.conftest import CliResult
from tests.parse.test_samples_match_plan import tiny_on


@pytest.mark.parametrize("platform", ["frr", "cisco_ios", "huawei_vrp"])
def test_import_plan_render_reproduce_every_ipv4_address_of_the_samples(
    platform: str, tmp_path: Path, cli: Callable[..., CliResult]
) -> None:
    inventory = tiny_on(platform, tmp_path / "inventory")
    state, out = tmp_path / "state", tmp_path / "configs"
    imported = cli("-i", inventory, "import", "--from-configs", CONFIGS / platform, "--write")
    assert imported.code == 0, imported.err
    assert (inventory / "imported.yml").is_file() and (inventory / "allocations.yml").is_file()
    assert "wrote a fresh ledger" in imported.err
    planned = cli("-i", inventory, "--state-dir", state, "plan")
    assert planned.code == 0, planned.err
    assert "no changes" in planned.out  # the import wrote the ledger plan would write
    rendered = cli("-i", inventory, "--state-dir", state, "render", "-o", out, "-q")
    assert rendered.code == 0, rendered.out + rendered.err
    plan = plan_for(inventory).plan
    section = load_sot(inventory).sot.imported
    reader = platforms.get(platform).reader
    checked = 0
    for path in sorted((CONFIGS / platform).iterdir()):
        if path.suffix not in (".conf", ".cfg"):
            continue
        sample = parse_config(platform, path.read_text(encoding="utf-8"), str(path))
        facts = read_text(reader, (out / f"{sample.hostname}.conf").read_text(encoding="utf-8"))
        kept = {i.name: i for i in section.devices[sample.hostname].interfaces}
        device_plan = plan.device(sample.hostname)
        for item in sample.interfaces:
            rendered_here = facts.interfaces.get(item.canonical_name) or facts.interfaces.get(
                item.name
            )
            on_device = {str(a) for a in rendered_here.ipv4} if rendered_here else set()
            for address in item.ipv4:
                assert str(address.address) in on_device, (path, item.name, address)
                if address.secondary:
                    assert address.address in kept[item.canonical_name].secondary, (path, item)
                else:
                    assert device_plan.interface(item.canonical_name).ipv4 == address.address
                checked += 1
    assert checked == 19  # 5 loopbacks, 8 link ends, 5 LAN gateways, 1 secondary


def test_a_second_import_changes_nothing(
    sot_dir: Path, frr_dir: Path, cli: Callable[..., CliResult]
) -> None:
    assert cli("-i", sot_dir, "import", "--from-configs", frr_dir, "--write").code == 0
    before = snapshot(sot_dir)
    again = cli("-i", sot_dir, "import", "--from-configs", frr_dir)
    assert again.code == 0 and again.out == ""
    assert f"{sot_dir / 'imported.yml'}: no change" in again.err
    written = cli("-i", sot_dir, "import", "--from-configs", frr_dir, "--write")
    assert written.code == 0 and "no change" in written.err
    assert snapshot(sot_dir) == before
