"""``--from-configs DIR``: which files, which platform, which device, and the VM file."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from netauto.adopt.offline import read_configs
from netauto.errors import InputError
from netauto.sot.loader import load_sot
from tests.adopt.conftest import CONFIGS
from tests.conftest import TINY
from tests.parse.test_samples_match_plan import tiny_on


def test_every_config_file_is_read_and_other_files_are_not(tmp_path: Path) -> None:
    directory = tmp_path / "configs"
    shutil.copytree(CONFIGS / "frr", directory)
    (directory / "notes.md").write_text("not a config")
    (directory / "old").mkdir()
    shutil.copy(CONFIGS / "frr" / "hub-01-r1.conf", directory / "old" / "hub-01-r1.conf")
    shutil.move(directory / "cm-tanthanh-r1.conf", directory / "cm-tanthanh-r1.txt")
    found = read_configs(directory, load_sot(TINY).sot)
    assert sorted(d.hostname for d in found.devices) == [
        "cm-anxuyen-r1", "cm-lyvanlam-r1", "cm-tanthanh-r1", "dc-core-r1", "hub-01-r1",
    ]  # fmt: skip
    assert found.vms is None and "VMs were not read" in found.notes[0]
    assert found.source == f"saved configurations in {directory.as_posix()}"


def test_the_platform_is_the_sot_devices_else_what_the_text_shows(tmp_path: Path) -> None:
    sot = load_sot(tiny_on("cisco_ios", tmp_path / "inventory")).sot
    directory = tmp_path / "configs"
    directory.mkdir()
    for name in ("hub-01-r1", "dc-core-r1"):  # named after their SoT hostname
        shutil.copy(CONFIGS / "cisco_ios" / f"{name}.cfg", directory / f"{name}.cfg")
    shutil.copy(CONFIGS / "cisco_ios" / "cm-anxuyen-r1.cfg", directory / "backup-7.txt")
    found = {d.hostname: d for d in read_configs(directory, sot).devices}
    assert sorted(found) == ["cm-anxuyen-r1", "dc-core-r1", "hub-01-r1"]  # by its hostname line
    assert {d.platform for d in found.values()} == {"cisco_ios"}
    assert found["cm-anxuyen-r1"].source.endswith("backup-7.txt")


def test_a_file_named_after_the_device_names_it_when_its_hostname_does_not(
    tmp_path: Path,
) -> None:
    directory = tmp_path / "configs"
    directory.mkdir()
    text = (
        (CONFIGS / "frr" / "hub-01-r1.conf")
        .read_text()
        .replace("hostname hub-01-r1", "hostname HUB01")
    )
    (directory / "hub-01-r1.conf").write_text(text)
    (device,) = read_configs(directory, load_sot(TINY).sot).devices
    assert device.hostname == "hub-01-r1"


def test_a_file_of_no_known_platform_is_refused_with_its_name(tmp_path: Path) -> None:
    directory = tmp_path / "configs"
    directory.mkdir()
    (directory / "switch-9.cfg").write_text("hello\nworld\n")
    with pytest.raises(InputError) as info:
        read_configs(directory, load_sot(TINY).sot)
    (problem,) = info.value.problems
    assert str(problem.file).endswith("switch-9.cfg") and "platform" in problem.message


def test_an_empty_or_missing_directory_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not a directory"):
        read_configs(tmp_path / "nowhere", load_sot(TINY).sot)
    with pytest.raises(InputError, match="no saved configuration"):
        read_configs(tmp_path, load_sot(TINY).sot)


def test_vms_come_from_vms_yml(tmp_path: Path) -> None:
    directory = tmp_path / "configs"
    shutil.copytree(CONFIGS / "frr", directory)
    (directory / "vms.yml").write_text("dc-lgsp-01: 172.21.1.11/24\ndc-portal-01: 172.21.1.12/24\n")
    found = read_configs(directory, load_sot(TINY).sot)
    assert found.vms is not None and found.notes == []
    assert [(v.name, str(v.addresses[0][1])) for v in found.vms] == [
        ("dc-lgsp-01", "172.21.1.11/24"), ("dc-portal-01", "172.21.1.12/24"),
    ]  # fmt: skip
    (directory / "vms.yml").write_text("dc-lgsp-01: 172.21.1.11\n")
    with pytest.raises(InputError, match="not an IPv4 address with its length"):
        read_configs(directory, load_sot(TINY).sot)
