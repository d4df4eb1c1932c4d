"""SoT text is never evaluated as a template by Ansible (issue #17, point 2).

A hostile SoT puts a Jinja2 expression that would create a canary file into the fields that
reach Ansible: the province name, a site name, a device's ``lab_name``, the management
domain. Each is either refused by ``validate`` (exit 2) or carried as inert text: through
``inventory --export ansible`` followed by a real ``ansible-playbook`` run that prints every
variable, and through the inventory ``push --vms`` hands ansible-runner, run by a real
``ansible-playbook`` that uses the variables the role uses. The canary never appears.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from netauto.plan import plan_for
from netauto.push.ansible_data import VmTarget, build_inventory
from netauto.push.vms import write_data_dir
from netauto.sot.loader import load_sot
from tests.conftest import TINY

BIN = Path(sys.executable).parent
PLAYBOOKS = Path(__file__).resolve().parents[2] / "playbooks"


def payloads(canary: Path) -> list[str]:
    """Template expressions that would each create ``canary`` if Ansible evaluated them."""
    return [
        f"x{{{{ lookup('pipe', 'touch {canary}') }}}}",
        f"{{% set x = lookup('pipe', 'touch {canary}') %}}y",
        f"{{{{ query('pipe', 'touch {canary}') | first }}}}",
    ]


Edit = Callable[[dict[str, object], dict[str, object], str], None]


def _province(province: dict[str, object], hub: dict[str, object], text: str) -> None:
    province["province"]["name"] = text  # type: ignore[index]


def _site_name(province: dict[str, object], hub: dict[str, object], text: str) -> None:
    hub["sites"][0]["name"] = text  # type: ignore[index]


def _lab_name(province: dict[str, object], hub: dict[str, object], text: str) -> None:
    hub["sites"][0]["devices"][0]["lab_name"] = text  # type: ignore[index]


def _domain(province: dict[str, object], hub: dict[str, object], text: str) -> None:
    province["management"]["domain"] = text  # type: ignore[index]


FIELDS: dict[str, Edit] = {
    "province.name": _province,
    "site name": _site_name,
    "lab_name": _lab_name,
    "management.domain": _domain,
}


def hostile_sot(tmp_path: Path, edit: Edit, text: str) -> Path:
    sot = tmp_path / "sot"
    shutil.copytree(TINY, sot)
    province = yaml.safe_load((sot / "province.yml").read_text(encoding="utf-8"))
    hub = yaml.safe_load((sot / "hub-01.yml").read_text(encoding="utf-8"))
    edit(province, hub, text)
    for name, data in (("province.yml", province), ("hub-01.yml", hub)):
        (sot / name).write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return sot


def netauto(*args: str | Path) -> subprocess.CompletedProcess[str]:
    argv = [str(BIN / "netauto"), *map(str, args)]
    return subprocess.run(argv, capture_output=True, text=True, timeout=120, check=False)


def ansible_playbook(inventory: Path, play: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BIN / "ansible-playbook"), "-i", str(inventory), "-e", "ansible_connection=local",
         str(play)],
        capture_output=True, text=True, timeout=180, check=False,
        env={"PATH": "/usr/bin:/bin", "ANSIBLE_NOCOLOR": "1", "HOME": str(play.parent),
             "ANSIBLE_LOCAL_TEMP": str(play.parent / "tmp")},
    )  # fmt: skip


PRINT_ALL = """\
- hosts: all
  gather_facts: false
  connection: local
  tasks:
    - ansible.builtin.debug:
        msg: "{{ item.key }}={{ item.value }}"
      loop: "{{ hostvars[inventory_hostname] | dict2items
                | selectattr('key', 'match', '^(netauto_|ansible_host$)') | list }}"
"""


@pytest.mark.parametrize("field", sorted(FIELDS))
@pytest.mark.parametrize("number", range(3))
def test_exported_ansible_inventory_is_inert(tmp_path: Path, field: str, number: int) -> None:
    canary = tmp_path / "CANARY"
    text = payloads(canary)[number]
    sot = hostile_sot(tmp_path, FIELDS[field], text)
    validated = netauto("-i", sot, "validate")
    assert "Traceback" not in validated.stderr
    if validated.returncode == 2:  # refused, with the file named
        assert ".yml" in validated.stderr, validated.stderr
        return
    assert validated.returncode == 0, validated.stderr
    exported = tmp_path / "hosts.yml"
    done = netauto("-i", sot, "--state-dir", tmp_path / "state", "inventory", "--export",
                   "ansible", exported)  # fmt: skip
    assert done.returncode == 0, done.stderr
    play = tmp_path / "play.yml"
    play.write_text(PRINT_ALL, encoding="utf-8")
    ran = ansible_playbook(exported, play)
    assert ran.returncode == 0, ran.stdout[-2000:] + ran.stderr[-2000:]
    assert not canary.exists(), f"{field}: the payload ran"
    if "pipe" in exported.read_text(encoding="utf-8"):  # the field is in the export:
        assert "!unsafe" in exported.read_text(encoding="utf-8")
        assert "('pipe', 'touch" in ran.stdout, ran.stdout[-2000:]  # printed as text


ROLE_VARS = """\
- hosts: netauto_vms
  gather_facts: false
  connection: local
  tasks:
    - ansible.builtin.debug:
        msg: "domain={{ netauto_vm_domain }} files={{ netauto_vm_files_dir }}"
    - ansible.builtin.copy:
        content: "search {{ netauto_vm_domain }}\\n"
        dest: "{{ playbook_dir }}/resolv-{{ inventory_hostname }}.conf"
"""


@pytest.mark.parametrize("number", range(3))
def test_push_vms_inventory_is_inert(tmp_path: Path, number: int) -> None:
    canary = tmp_path / "CANARY"
    text = payloads(canary)[number]
    sot_dir = hostile_sot(tmp_path, _domain, text)
    loaded = load_sot(sot_dir)
    assert loaded.sot.management.domain == text  # a domain of any text is accepted today
    lab = VmTarget(name="lab", files_root=tmp_path / "files")
    write_data_dir(tmp_path / "run", build_inventory(loaded.sot, plan_for(sot_dir).plan, lab),
                   {}, PLAYBOOKS)  # fmt: skip
    play = tmp_path / "run" / "play.yml"
    play.write_text(ROLE_VARS, encoding="utf-8")
    ran = ansible_playbook(tmp_path / "run" / "inventory", play)
    assert ran.returncode == 0, ran.stdout[-2000:] + ran.stderr[-2000:]
    assert not canary.exists(), "the payload ran"
    written = (tmp_path / "run" / "resolv-dc-lgsp-01.conf").read_text(encoding="utf-8")
    assert written == f"search {text}\n"  # the text itself, not its value
