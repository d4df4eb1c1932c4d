"""`netauto inventory`: the table, JSON/YAML output, Nornir and Ansible exports."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from netauto.sot.export import ansible_inventory, host_inventory, nornir_inventory
from netauto.sot.loader import load_sot
from tests.conftest import TINY, CliResult

Cli = Callable[..., CliResult]
TINY_HOSTS = {
    "dc-core-r1",
    "hub-01-r1",
    "cm-anxuyen-r1",
    "cm-lyvanlam-r1",
    "cm-tanthanh-r1",
    "dc-lgsp-01",
    "dc-portal-01",
}


@pytest.fixture
def addressed(tmp_path: Path) -> Path:
    """The tiny SoT with a management address, a lab name and a fixed VM address."""
    target = tmp_path / "sot"
    shutil.copytree(TINY, target)
    province = target / "province.yml"
    text = province.read_text()
    text = text.replace(
        "devices: [{hostname: dc-core-r1}]",
        "devices: [{hostname: dc-core-r1, mgmt_address: 10.96.255.1}]",
    )
    text = text.replace(
        "devices: [{hostname: hub-01-r1}]", "devices: [{hostname: hub-01-r1, lab_name: hub1}]"
    )
    text = text.replace(
        "{name: dc-lgsp-01, network: services,",
        "{name: dc-lgsp-01, network: services, ipv4: 10.96.100.10,",
    )
    province.write_text(text)
    return target


def test_table_lists_every_host_and_the_summary(cli: Cli, tiny: Path) -> None:
    result = cli("-i", tiny, "inventory")
    assert result.code == 0, result.err
    for host in TINY_HOSTS:
        assert host in result.out
    assert "Commune sites: 3 sites, 3 hosts" in result.out
    assert "32005" in result.out
    assert (
        "Cà Mau (96): 5 sites (1 data-centre, 1 hub, 3 commune), 5 devices, 5 LANs, 2 VMs, "
        "4 links" in result.out
    )


def test_json_and_yaml_formats(cli: Cli, tiny: Path) -> None:
    as_json = json.loads(cli("-i", tiny, "inventory", "--format", "json").out)
    as_yaml = yaml.safe_load(cli("-i", tiny, "inventory", "-f", "yaml").out)
    assert as_json == as_yaml
    assert {h["name"] for h in as_json["hosts"]} == TINY_HOSTS
    anxuyen = next(h for h in as_json["hosts"] if h["name"] == "cm-anxuyen-r1")
    assert anxuyen == {
        "name": "cm-anxuyen-r1",
        "kind": "router",
        "platform": "frr",
        "role": "cpe",
        "site_id": 1001,
        "site": "phuong-an-xuyen",
        "site_name": "Phường An Xuyên",
        "site_kind": "commune",
        "hub": "hub-01",
        "commune_code": "32002",
        "address": "cm-anxuyen-r1",
        "services": [],
    }
    assert as_json["summary"] == {
        "sites": {"data-centre": 1, "hub": 1, "commune": 3},
        "devices": 5,
        "lans": 5,
        "vms": 2,
        "links": 4,
    }


def test_hosts_are_ordered_by_kind_hub_and_site() -> None:
    names = [h.name for h in host_inventory(load_sot(TINY).sot).hosts]
    assert names == [
        "dc-core-r1",
        "dc-lgsp-01",
        "dc-portal-01",
        "hub-01-r1",
        "cm-anxuyen-r1",
        "cm-lyvanlam-r1",
        "cm-tanthanh-r1",
    ]


def test_connection_address_prefers_mgmt_then_lab_name(addressed: Path) -> None:
    hosts = {h.name: h.address for h in host_inventory(load_sot(addressed).sot).hosts}
    assert hosts["dc-core-r1"] == "10.96.255.1"
    assert hosts["hub-01-r1"] == "hub1"
    assert hosts["cm-anxuyen-r1"] == "cm-anxuyen-r1"
    assert hosts["dc-lgsp-01"] == "10.96.100.10"


def test_nornir_export_loads_with_simple_inventory(
    cli: Cli, addressed: Path, tmp_path: Path
) -> None:
    from nornir import InitNornir
    from nornir.core.filter import F

    target = tmp_path / "out" / "nornir"
    result = cli("-i", addressed, "inventory", "--export", "nornir", target)
    assert result.code == 0, result.err
    assert sorted(p.name for p in target.iterdir()) == [
        "defaults.yaml",
        "groups.yaml",
        "hosts.yaml",
    ]
    nr = InitNornir(
        runner={"plugin": "serial"},
        logging={"enabled": False},
        inventory={
            "plugin": "SimpleInventory",
            "options": {
                "host_file": str(target / "hosts.yaml"),
                "group_file": str(target / "groups.yaml"),
                "defaults_file": str(target / "defaults.yaml"),
            },
        },
    )
    assert set(nr.inventory.hosts) == TINY_HOSTS
    core = nr.inventory.hosts["dc-core-r1"]
    assert core.hostname == "10.96.255.1"
    assert core.platform == "frr"
    assert core["site_id"] == 1
    assert core["role"] == "core"
    assert core["province"] == "Cà Mau"  # from defaults
    assert core.get_connection_parameters("napalm").platform == "frr"
    assert core.get_connection_parameters("netmiko").platform == "linux"
    assert nr.inventory.hosts["hub-01-r1"].hostname == "hub1"
    anxuyen = nr.inventory.hosts["cm-anxuyen-r1"]
    assert anxuyen["commune_code"] == "32002"
    assert anxuyen["site"] == "phuong-an-xuyen"
    assert nr.inventory.hosts["dc-lgsp-01"].platform == "linux"
    communes = nr.filter(F(groups__contains="kind_commune"))
    assert set(communes.inventory.hosts) == {"cm-anxuyen-r1", "cm-lyvanlam-r1", "cm-tanthanh-r1"}
    assert set(nr.filter(F(groups__contains="hub_hub_01")).inventory.hosts) == {
        "hub-01-r1",
        "cm-anxuyen-r1",
        "cm-lyvanlam-r1",
        "cm-tanthanh-r1",
    }
    assert set(nr.filter(F(groups__contains="dc_vms")).inventory.hosts) == {
        "dc-lgsp-01",
        "dc-portal-01",
    }


def test_nornir_export_is_deterministic_and_replaces_files(
    cli: Cli, tiny: Path, tmp_path: Path
) -> None:
    target = tmp_path / "nornir"
    target.mkdir()
    (target / "hosts.yaml").write_text("stale: {}\n")
    cli("-i", tiny, "inventory", "--export", "nornir", target)
    first = {p.name: p.read_text() for p in target.iterdir()}
    cli("-i", tiny, "inventory", "--export", "nornir", target)
    assert {p.name: p.read_text() for p in target.iterdir()} == first
    assert "stale" not in first["hosts.yaml"]
    assert first == nornir_inventory(load_sot(tiny).sot).files()


def test_ansible_export_lists_every_host(cli: Cli, tiny: Path, tmp_path: Path) -> None:
    target = tmp_path / "hosts.yml"
    result = cli("-i", tiny, "inventory", "--export", "ansible", target)
    assert result.code == 0, result.err
    assert "Wrote Ansible inventory (7 hosts)" in result.err
    data = yaml.safe_load(target.read_text())
    assert set(data["all"]["hosts"]) == TINY_HOSTS
    children = data["all"]["children"]
    assert set(children["dc_vms"]["hosts"]) == {"dc-lgsp-01", "dc-portal-01"}
    assert set(children["kind_commune"]["hosts"]) == {
        "cm-anxuyen-r1",
        "cm-lyvanlam-r1",
        "cm-tanthanh-r1",
    }
    assert children["platform_frr"]["vars"]["ansible_network_os"] == "frr.frr.frr"


def test_ansible_inventory_command_reads_the_export(tiny: Path, tmp_path: Path) -> None:
    program = Path(sys.executable).with_name("ansible-inventory")
    if not program.exists():
        pytest.skip("ansible-core is not installed in this environment")
    target = tmp_path / "hosts.yml"
    target.write_text(ansible_inventory(load_sot(tiny).sot).text())
    listed = subprocess.run(
        [str(program), "-i", str(target), "--list"],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    data = json.loads(listed.stdout)
    assert set(data["_meta"]["hostvars"]) == TINY_HOSTS
    assert data["_meta"]["hostvars"]["cm-anxuyen-r1"]["netauto_commune_code"] == "32002"
    assert set(data["hub_hub_01"]["hosts"]) == {
        "hub-01-r1",
        "cm-anxuyen-r1",
        "cm-lyvanlam-r1",
        "cm-tanthanh-r1",
    }
    assert "WARNING" not in listed.stderr


def test_export_to_the_wrong_kind_of_path_is_exit_2(cli: Cli, tiny: Path, tmp_path: Path) -> None:
    file = tmp_path / "file"
    file.write_text("keep me\n")
    result = cli("-i", tiny, "inventory", "--export", "nornir", file)
    assert result.code == 2
    assert "needs a directory" in result.err
    assert file.read_text() == "keep me\n"
    result = cli("-i", tiny, "inventory", "--export", "ansible", tmp_path)
    assert result.code == 2
    assert "needs a file" in result.err


def test_unknown_export_kind_is_a_usage_error(cli: Cli, tiny: Path, tmp_path: Path) -> None:
    result = cli("-i", tiny, "inventory", "--export", "netbox", tmp_path / "x")
    assert result.code == 2
    assert not (tmp_path / "x").exists()


@pytest.mark.parametrize("verb", ["validate", "inventory"])
def test_help_teaches_with_examples(cli: Cli, verb: str) -> None:
    result = cli(verb, "--help")
    assert result.code == 0
    assert "Examples" in result.out
    assert f"netauto {verb}" in result.out
