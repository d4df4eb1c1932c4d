"""The ssh (lockout) check: render refuses an SSH allow-list that would cut the push's own
session, i.e. an empty ``management.networks`` or one without a known push source."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from netauto.plan import sot_and_plan
from netauto.plan.models import Plan
from netauto.render.checks import check_rendered, check_ssh_access, ssh_allow_list, ssh_findings
from netauto.render.engine import render_device
from netauto.render.models import RenderedConfig
from netauto.sot.models import SoT
from tests.conftest import TINY, CliResult

Cli = Callable[..., CliResult]
FRR_HOST = "cm-anxuyen-r1"


def without_ssh_networks(inv: Path, networks: str = "[]") -> None:
    province = inv / "province.yml"
    text = province.read_text(encoding="utf-8")
    line = 'networks: ["10.96.255.0/24", "2001:db8:96ff::/48"]'
    assert line in text
    province.write_text(text.replace(line, f"networks: {networks}"), encoding="utf-8")


def rendered(inventory: Path, host: str = FRR_HOST) -> tuple[RenderedConfig, SoT, Plan]:
    loaded, plan = sot_and_plan(inventory)
    return render_device(loaded.sot, plan, host), loaded.sot, plan


def test_the_ssh_chain_accepts_established_sessions_first() -> None:
    config, _, _ = rendered(TINY)
    nft = config.extra[0].text
    chain = nft[nft.index("chain ssh {") :]
    lines = [line.strip() for line in chain.splitlines()[1:4]]
    assert lines == ["ct state established,related accept", 'iif "lo" accept',
                     "ip saddr 10.96.255.0/24 accept"]  # fmt: skip
    assert ssh_allow_list(nft) == [
        ipaddress.ip_network("10.96.255.0/24"),
        ipaddress.ip_network("2001:db8:96ff::/48"),
    ]


def test_the_tiny_province_passes() -> None:
    config, sot, _ = rendered(TINY)
    assert ssh_findings(config, sot.management.networks) == []


def test_an_empty_allow_list_is_an_error_naming_the_file_and_field(inv: Path) -> None:
    without_ssh_networks(inv)
    config, _, plan = rendered(inv)
    nft = config.extra[0].text
    assert ssh_allow_list(nft) == []  # what the issue found: iif "lo" accept; drop
    findings = check_rendered(plan, [config], None, [])
    ssh = [f for f in findings if f.check == "ssh"]
    assert len(ssh) == 1 and ssh[0].severity == "error"
    assert str(ssh[0]).startswith(
        f"{FRR_HOST}: ssh: {FRR_HOST}.nft: management.networks: the SSH allow-list is empty"
    )


@pytest.mark.parametrize(
    ("sources", "missing"),
    [
        (["10.96.255.10"], []),
        (["10.96.255.10", "2001:db8:96ff::10"], []),
        (["198.51.100.7"], ["198.51.100.7"]),
        (["2001:db8:1::7", "10.96.255.10"], ["2001:db8:1::7"]),
        (["::ffff:10.96.255.10"], ["::ffff:a60:ff0a"]),  # IPv6 (mapped): not in the IPv4 /24
    ],
)
def test_a_known_push_source_must_be_in_the_allow_list(
    sources: list[str], missing: list[str]
) -> None:
    allowed = [ipaddress.ip_network("10.96.255.0/24"), ipaddress.ip_network("2001:db8:96ff::/48")]
    found = check_ssh_access("r1", "r1.nft", allowed, [ipaddress.ip_address(s) for s in sources])
    named = [re.search(r"does not contain (\S+),", f.message) for f in found]
    assert [m[1] for m in named if m] == missing
    assert all("management.networks" in f.message for f in found)


def test_other_platforms_are_checked_on_the_sot_networks() -> None:
    config = RenderedConfig(
        hostname="r9", platform="cisco_ios", text="hostname r9\n", filename="r9.conf", templates=[]
    )
    (finding,) = ssh_findings(config, [])
    assert finding.message.startswith("r9.conf: management.networks: the SSH allow-list is empty")
    assert ssh_findings(config, None) == []
    assert ssh_findings(config, [ipaddress.ip_network("192.0.2.0/24")]) == []


def test_render_refuses_an_empty_allow_list_and_writes_nothing(
    cli: Cli, inv: Path, tmp_path: Path
) -> None:
    without_ssh_networks(inv)
    result = cli("-i", inv, "render", "-o", tmp_path / "out")
    assert result.code == 1
    assert f"{FRR_HOST}: ssh: {FRR_HOST}.nft: management.networks:" in result.err
    assert "SSH allow-list is empty" in result.err
    assert not (tmp_path / "out").exists()


def test_render_accepts_a_one_family_allow_list(cli: Cli, inv: Path, tmp_path: Path) -> None:
    without_ssh_networks(inv, '["10.96.255.0/24"]')
    result = cli("-i", inv, "render", "--check")
    assert result.code == 0, result.err
    assert ": ssh: " not in result.err
