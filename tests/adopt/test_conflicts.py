"""Conflicts stop the import: each names the device and the interface, the CLI exits 1, and
nothing is written (the inventory directory is byte-for-byte what it was), even with --write.

Every case starts from the tiny SoT and its FRR sample configurations (which import
cleanly) and breaks one thing.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.adopt.conftest import edit, snapshot
from tests.conftest import CliResult

Case = Callable[[Path, Path], None]


def address_used_twice(sot: Path, cfg: Path) -> None:
    edit(cfg / "cm-lyvanlam-r1.conf", "ip address 172.21.21.1/24", "ip address 172.21.11.1/24")


def subnet_used_twice(sot: Path, cfg: Path) -> None:
    edit(cfg / "cm-lyvanlam-r1.conf", "ip address 172.21.21.1/24", "ip address 172.21.11.2/24")


def link_ends_in_different_subnets(sot: Path, cfg: Path) -> None:
    edit(cfg / "cm-anxuyen-r1.conf", "ip address 172.21.250.6/30", "ip address 172.21.251.6/30")


def device_not_in_the_sot(sot: Path, cfg: Path) -> None:
    text = (cfg / "hub-01-r1.conf").read_text().replace("hostname hub-01-r1", "hostname hub-09-r1")
    (cfg / "hub-09-r1.conf").write_text(text)


def device_not_in_the_network(sot: Path, cfg: Path) -> None:
    (cfg / "cm-tanthanh-r1.conf").unlink()


def device_read_twice(sot: Path, cfg: Path) -> None:
    shutil.copy(cfg / "hub-01-r1.conf", cfg / "hub-01-r1-2025.txt")


def lan_fixed_in_the_sot(sot: Path, cfg: Path) -> None:
    edit(sot / "province.yml", "name: services, vlan: 100}", "name: services, vlan: 100, "
         "ipv4: 10.96.5.0/24}")  # fmt: skip


def link_end_fixed_in_the_sot(sot: Path, cfg: Path) -> None:
    edit(sot / "hub-01.yml", 'a: "hub-01-r1:eth1"', 'a: {device: hub-01-r1, interface: eth1, '
         "ipv4: 10.96.9.0/31}")  # fmt: skip


def vm_fixed_in_the_sot(sot: Path, cfg: Path) -> None:
    edit(sot / "province.yml", "{name: dc-lgsp-01, network: services,",
         "{name: dc-lgsp-01, network: services, ipv4: 172.21.1.99,")  # fmt: skip
    (cfg / "vms.yml").write_text("dc-lgsp-01: 172.21.1.11/24\ndc-portal-01: 172.21.1.12/24\n")


def contradicts_the_last_import(sot: Path, cfg: Path) -> None:
    (sot / "imported.yml").write_text(
        "imported:\n  devices:\n    hub-01-r1: {loopback: 172.21.255.99/32}\n"
    )


def planned_interface_missing(sot: Path, cfg: Path) -> None:
    edit(cfg / "cm-anxuyen-r1.conf", "interface lan20", "interface lan30")


def vm_off_its_lan(sot: Path, cfg: Path) -> None:
    (cfg / "vms.yml").write_text("dc-lgsp-01: 10.1.1.11/24\ndc-portal-01: 172.21.1.12/24\n")


CASES: list[tuple[Case, str, str, str]] = [
    (address_used_twice, "address-used-twice", "cm-lyvanlam-r1", "lan10"),
    (subnet_used_twice, "subnet-used-twice", "cm-lyvanlam-r1", "lan10"),
    (link_ends_in_different_subnets, "link-subnets", "hub-01-r1", "eth1"),
    (device_not_in_the_sot, "unknown-device", "hub-09-r1", "-"),
    (device_not_in_the_network, "missing-device", "cm-tanthanh-r1", "-"),
    (device_read_twice, "duplicate-device", "hub-01-r1", "-"),
    (lan_fixed_in_the_sot, "contradicts-sot", "dc-core-r1", "lan100"),
    (link_end_fixed_in_the_sot, "contradicts-sot", "hub-01-r1", "eth1"),
    (vm_fixed_in_the_sot, "contradicts-sot", "dc-lgsp-01", "-"),
    (contradicts_the_last_import, "contradicts-imported", "hub-01-r1", "lo"),
    (planned_interface_missing, "missing-interface", "cm-anxuyen-r1", "lan20"),
    (vm_off_its_lan, "vm-address", "dc-lgsp-01", "-"),
]


@pytest.mark.parametrize(
    ("case", "kind", "device", "interface"), CASES, ids=[c[0].__name__ for c in CASES]
)
def test_a_conflict_names_device_and_interface_exits_1_and_writes_nothing(
    case: Case,
    kind: str,
    device: str,
    interface: str,
    sot_dir: Path,
    frr_dir: Path,
    cli: Callable[..., CliResult],
) -> None:
    case(sot_dir, frr_dir)
    before = snapshot(sot_dir)
    result = cli("-i", sot_dir, "import", "--from-configs", frr_dir, "--write")
    assert result.code == 1, result.err
    lines = [line for line in result.err.splitlines() if line.startswith("conflict: ")]
    assert len(lines) == 1, result.err
    assert lines[0].startswith(f"conflict: {device} {interface}: "), lines[0]
    assert "(live " in lines[0] and "(hint: " in lines[0]
    assert "nothing written" in result.err and "Traceback" not in result.err
    assert snapshot(sot_dir) == before
    data = cli("-i", sot_dir, "import", "--from-configs", frr_dir, "--write", "--format", "json")
    assert data.code == 1
    import json

    found = json.loads(data.out)["conflicts"]
    assert [(c["kind"], c["device"], c["interface"]) for c in found] == [(kind, device, interface)]
    assert snapshot(sot_dir) == before


def test_an_offline_conflict_names_the_file_and_line(
    sot_dir: Path, frr_dir: Path, cli: Callable[..., CliResult]
) -> None:
    address_used_twice(sot_dir, frr_dir)
    result = cli("-i", sot_dir, "import", "--from-configs", frr_dir)
    assert result.code == 1
    assert f"[{frr_dir / 'cm-lyvanlam-r1.conf'}:25]" in result.err
    assert "(live 172.21.11.1/24, also on cm-anxuyen-r1 lan10)" in result.err


def test_several_conflicts_are_all_listed_one_per_line(
    sot_dir: Path, frr_dir: Path, cli: Callable[..., CliResult]
) -> None:
    for case in (link_ends_in_different_subnets, device_not_in_the_network, lan_fixed_in_the_sot):
        case(sot_dir, frr_dir)
    result = cli("-i", sot_dir, "import", "--from-configs", frr_dir, "--write")
    assert result.code == 1
    conflicts = [line for line in result.err.splitlines() if line.startswith("conflict: ")]
    assert [line.split(":")[1].strip() for line in conflicts] == [
        "cm-tanthanh-r1 -", "dc-core-r1 lan100", "hub-01-r1 eth1",
    ]  # fmt: skip
    assert "3 conflicts between" in result.err and not (sot_dir / "imported.yml").exists()
