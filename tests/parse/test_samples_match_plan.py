"""The samples describe the tiny SoT's routers with the interface names netauto's plan
gives them, so that an import can match every observed interface to a planned one."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from netauto.parse.configs import parse_config
from netauto.parse.observed import ipv4_addresses
from netauto.plan import plan_for
from netauto.render.vtysh import vtysh_path
from tests.conftest import TINY
from tests.parse.province import DEVICES, PLATFORMS, sample


def tiny_on(platform: str, target: Path) -> Path:
    """The tiny SoT with every router on ``platform``; for a vendor platform the link ends
    name no interface, so the plan gives that platform's default names."""
    shutil.copytree(TINY, target)
    for path in target.glob("*.yml"):
        text = re.sub(
            r"\{hostname: ([a-z0-9-]+)\}",
            rf"{{hostname: \1, platform: {platform}}}",
            path.read_text(encoding="utf-8"),
        )
        if platform != "frr":
            text = re.sub(r'"([a-z0-9-]+-r1):eth\d+"', r'"\1"', text)
        path.write_text(text, encoding="utf-8")
    return target


@pytest.mark.parametrize("platform", PLATFORMS)
def test_every_addressed_interface_of_a_sample_is_a_planned_interface(
    platform: str, tmp_path: Path
) -> None:
    plan = plan_for(tiny_on(platform, tmp_path / "inventory")).plan
    for device in DEVICES:
        path = sample(platform, device)
        observed = parse_config(platform, path.read_text(encoding="utf-8"), str(path))
        planned = {item.name for item in plan.device(device).interfaces}
        addressed = {address.interface for address in ipv4_addresses(observed)}
        assert addressed == planned, device
        canonical = {item.canonical_name for item in observed.interfaces if item.ipv4}
        assert canonical == planned, device


@pytest.mark.skipif(vtysh_path() is None, reason="FRR (vtysh) is not installed")
@pytest.mark.parametrize("device", DEVICES)
def test_frr_samples_pass_frrs_own_parser(device: str, tmp_path: Path) -> None:
    """``vtysh --dryrun`` reads each FRR sample (less the show-run preamble it prints
    before the configuration)."""
    lines = sample("frr", device).read_text(encoding="utf-8").split("\n")
    body = tmp_path / f"{device}.conf"
    body.write_text("\n".join(lines[3:]), encoding="utf-8")
    vtysh = vtysh_path()
    assert vtysh is not None
    run = subprocess.run(
        [vtysh, "--dryrun", "-f", str(body)], capture_output=True, text=True, timeout=60
    )
    assert run.returncode == 0, run.stdout + run.stderr
