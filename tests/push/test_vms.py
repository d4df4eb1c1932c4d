"""`push --vms`, the parts that need no VM: inventory, firewall policy, results, facts, CLI."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from netauto.errors import InputError
from netauto.plan import plan_for
from netauto.plan.models import Plan
from netauto.push.ansible_data import (
    VmTarget,
    build_inventory,
    facts_from_setup,
    firewall_rules,
    vm_drift,
)
from netauto.push.vms import PLAYBOOKS, results_from_events, write_data_dir
from netauto.sot.loader import load_sot
from netauto.sot.models import SoT
from tests.conftest import TINY, CliResult

ANSIBLE_BIN = Path(sys.executable).parent
LAB = VmTarget(
    name="lab",
    ssh_config=Path("/run/netauto/na/ssh_config"),
    private_key=Path("/run/netauto/na/id_ed25519"),
    files_root=Path("/run/netauto/na/hosts"),
    ipv6_nodad=True,
)


@pytest.fixture(scope="module")
def tiny() -> tuple[SoT, Plan]:
    return load_sot(TINY).sot, plan_for(TINY).plan


def with_policy(sot: SoT, policy: list[dict[str, Any]]) -> SoT:
    data = sot.model_dump(by_alias=True)
    data["policy"] = policy
    return SoT.model_validate(data)


def sources(sot: SoT, plan: Plan, vm: str) -> dict[tuple[str, int], tuple[list[str], list[str]]]:
    vm_plan = next(v for v in plan.vms if v.name == vm)
    return {
        (r.service, r.port): ([str(n) for n in r.sources4], [str(n) for n in r.sources6])
        for r in firewall_rules(sot, plan, vm_plan)
    }


def test_firewall_opens_service_ports_to_commune_lans(tiny: tuple[SoT, Plan]) -> None:
    sot, plan = tiny
    commune6 = [f"2001:db8:9643:{n}::/64" for n in ("e910", "e920", "ea10", "eb10")]
    assert sources(sot, plan, "dc-lgsp-01") == {("lgsp", 443): (["10.96.3.0/24"], commune6)}
    assert set(sources(sot, plan, "dc-portal-01")) == {("portal", 443), ("portal", 80)}


@pytest.mark.parametrize(
    ("policy", "expected4", "expected6"),
    [
        pytest.param([], [], [], id="no-rule-nothing-open"),
        pytest.param(
            [{"from": "communes", "to": ["lgsp"], "families": ["ipv6"]}],
            [],
            [
                "2001:db8:9643:e910::/64",
                "2001:db8:9643:e920::/64",
                "2001:db8:9643:ea10::/64",
                "2001:db8:9643:eb10::/64",
            ],
            id="ipv6-only-rule",
        ),
        pytest.param(
            [
                {"from": "communes", "to": ["lgsp"], "deny": True},
                {"from": "communes", "to": ["lgsp"]},
            ],
            [],
            [],
            id="first-match-deny-wins",
        ),
        pytest.param(
            [{"from": "communes", "to": ["portal"]}],
            [],
            [],
            id="rule-for-another-service",
        ),
        pytest.param(
            [{"from": "hubs", "to": ["lgsp"]}, {"from": "communes", "to": ["lgsp"]}],
            ["10.96.3.0/24"],
            [
                "2001:db8:9643:e910::/64",
                "2001:db8:9643:e920::/64",
                "2001:db8:9643:ea10::/64",
                "2001:db8:9643:eb10::/64",
            ],
            id="group-without-lans-adds-nothing",
        ),
    ],
)
def test_firewall_follows_policy_first_match(
    tiny: tuple[SoT, Plan],
    policy: list[dict[str, Any]],
    expected4: list[str],
    expected6: list[str],
) -> None:
    sot, plan = tiny
    got = sources(with_policy(sot, policy), plan, "dc-lgsp-01")
    assert got == {("lgsp", 443): (expected4, expected6)}


def test_inventory_for_the_lab(tiny: tuple[SoT, Plan]) -> None:
    sot, plan = tiny
    inv = build_inventory(sot, plan, LAB)
    assert inv.hosts == ["dc-lgsp-01", "dc-portal-01"]
    conn = inv.connections["dc-lgsp-01"]
    assert conn.ansible_host == "dc-lgsp-01"
    assert conn.ansible_ssh_common_args == "-F /run/netauto/na/ssh_config"
    assert conn.ansible_remote_tmp == "/run/netauto/na/hosts/dc-lgsp-01/netauto/tmp"
    v = inv.variables["dc-portal-01"]
    assert v.netauto_vm_addresses == ["10.96.2.11/24", "2001:db8:9610:150::b/64"]
    assert (v.netauto_vm_gateway4, v.netauto_vm_gateway6) == ("10.96.2.1", "2001:db8:9610:150::1")
    assert v.netauto_vm_resolv_conf == "/run/netauto/na/hosts/dc-portal-01/netauto/resolv.conf"
    assert v.netauto_vm_sysctls["net.ipv6.conf.eth0.accept_ra"] == "0"
    assert v.netauto_vm_ssh_sources4 == ["10.96.255.0/24"]
    assert v.netauto_vm_domain == "camau.example"
    # Nothing of the lab's VMs may point into the host's /etc.
    for vm in inv.hosts:
        dump = inv.variables[vm].model_dump_json()
        assert "/etc/" not in dump, dump


def test_inventory_for_production(tiny: tuple[SoT, Plan]) -> None:
    sot, plan = tiny
    inv = build_inventory(sot, plan, VmTarget(name="prod"), ["dc-portal-01"])
    assert inv.hosts == ["dc-portal-01"]
    conn = inv.connections["dc-portal-01"]
    assert conn.ansible_host == "dc-portal-01.camau.example"
    assert conn.ansible_remote_tmp is None and conn.ansible_ssh_common_args == ""
    v = inv.variables["dc-portal-01"]
    assert (v.netauto_vm_resolv_conf, v.netauto_vm_files_dir) == (
        "/etc/resolv.conf",
        "/etc/netauto",
    )


def test_unknown_vm_is_an_input_error(tiny: tuple[SoT, Plan]) -> None:
    sot, plan = tiny
    with pytest.raises(InputError) as caught:
        build_inventory(sot, plan, LAB, ["dc-lgsp-01", "dc-nope-01"])
    assert "'dc-nope-01' is not a data-centre VM" in str(caught.value)
    assert "known VMs: dc-lgsp-01, dc-portal-01" in str(caught.value)


def test_generated_inventory_is_what_ansible_reads(tiny: tuple[SoT, Plan], tmp_path: Path) -> None:
    sot, plan = tiny
    inv = build_inventory(sot, plan, LAB)
    write_data_dir(tmp_path, inv, {}, PLAYBOOKS)
    done = subprocess.run(
        [str(ANSIBLE_BIN / "ansible-inventory"), "-i", str(tmp_path / "inventory"), "--list"],
        capture_output=True,
        text=True,
        check=True,
    )
    data = json.loads(done.stdout)
    assert sorted(data["netauto_vms"]["hosts"]) == ["dc-lgsp-01", "dc-portal-01"]
    hostvars = data["_meta"]["hostvars"]["dc-lgsp-01"]
    assert hostvars["netauto_vm_firewall"][0]["port"] == 443
    assert hostvars["ansible_ssh_common_args"] == "-F /run/netauto/na/ssh_config"
    assert (tmp_path / "project" / "site.yml").is_file()


def test_playbook_passes_ansible_syntax_check(tiny: tuple[SoT, Plan], tmp_path: Path) -> None:
    sot, plan = tiny
    write_data_dir(tmp_path, build_inventory(sot, plan, LAB), {}, PLAYBOOKS)
    done = subprocess.run(
        [
            str(ANSIBLE_BIN / "ansible-playbook"),
            "--syntax-check",
            "-i",
            str(tmp_path / "inventory"),
            str(PLAYBOOKS / "site.yml"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr


def event(kind: str, host: str, task: str, **res: Any) -> dict[str, Any]:
    return {"event": kind, "event_data": {"host": host, "task": task, "res": res}}


def test_results_from_events() -> None:
    events = [
        {"event": "playbook_on_start", "event_data": {}},
        event("runner_on_ok", "a", "Files", changed=False),
        event(
            "runner_on_ok",
            "a",
            "Addresses",
            changed=True,
            diff={"before": "address x\n", "after": "address y\n"},
        ),
        event("runner_on_ok", "b", "Files", changed=True),
        event("runner_on_failed", "b", "Addresses", msg="interface eth0 not found"),
        event("runner_on_unreachable", "c", "Files", msg="ssh: connect timed out"),
        event("runner_on_ok", "d", "Files", changed=False),
        event("runner_on_ok", "zz", "Files", changed=True),  # not a host of this run
    ]
    results = results_from_events(
        events,
        ["a", "b", "c", "d", "e"],
        commit=False,
        artifact_dir=Path("/x"),
        run_error="ansible-playbook failed (rc=4)",
    )
    got = {r.host: (r.ok, r.outcome, r.changed, r.failed_task, r.error) for r in results}
    assert got == {
        "a": (True, "would-change", 1, "", ""),
        "b": (False, "failed", 1, "Addresses", "interface eth0 not found"),
        "c": (False, "unreachable", 0, "", "ssh: connect timed out"),
        "d": (True, "unchanged", 0, "", ""),
        "e": (False, "failed", 0, "", "ansible-playbook failed (rc=4)"),
    }
    assert (
        results[0].diff
        == "# Addresses\n--- before\n+++ after\n@@ -1 +1 @@\n-address x\n+address y\n"
    )
    committed = results_from_events(events[:3], ["a"], commit=True, artifact_dir=Path("/x"))
    assert committed[0].outcome == "committed"


def test_facts_and_drift(tiny: tuple[SoT, Plan]) -> None:
    _, plan = tiny
    ok = {
        "ansible_eth0": {
            "ipv4": {"address": "10.96.2.10", "prefix": "24"},
            "ipv6": [{"address": "2001:db8:9610:150::a", "prefix": "64", "scope": "global"}],
        },
        "ansible_default_ipv4": {"gateway": "10.96.2.1"},
        "ansible_default_ipv6": {"gateway": "2001:db8:9610:150::1"},
    }
    wrong = json.loads(json.dumps(ok))
    wrong["ansible_eth0"]["ipv4_secondaries"] = [{"address": "10.96.2.77", "prefix": "24"}]
    wrong["ansible_default_ipv6"] = {}
    facts = [
        facts_from_setup("dc-lgsp-01", "eth0", ok),
        facts_from_setup("dc-portal-01", "eth0", wrong),
    ]
    drift = vm_drift(plan, facts)
    assert [(d.host, d.field, d.expected, d.actual) for d in drift] == [
        ("dc-portal-01", "ipv4", "10.96.2.11/24", "10.96.2.10/24, 10.96.2.77/24"),
        ("dc-portal-01", "ipv6", "2001:db8:9610:150::b/64", "2001:db8:9610:150::a/64"),
        ("dc-portal-01", "gateway6", "2001:db8:9610:150::1", "none"),
    ]
    missing = facts_from_setup("dc-lgsp-01", "ens18", ok)
    assert [(d.field, d.actual) for d in vm_drift(plan, [missing])] == [
        ("reachable", "no interface ens18")
    ]


def test_vms_command_reports_unreachable_vms_without_traceback(
    tmp_path: Path, cli: Callable[..., CliResult]
) -> None:
    # Production target: the VMs' names do not resolve here, so every VM is unreachable.
    result = cli("-i", TINY, "--state-dir", tmp_path, "push", "--vms", "--target", "prod",
                 "--host", "dc-lgsp-01", "--format", "json")  # fmt: skip
    assert result.code == 1 and "Traceback" not in result.err, result.err
    rows = json.loads(result.out)
    assert [(r["host"], r["outcome"], r["ok"]) for r in rows] == [
        ("dc-lgsp-01", "unreachable", False)
    ]
    assert Path(rows[0]["artifact_dir"], "stdout").is_file()
    audit_lines = (tmp_path / "audit.jsonl").read_text().splitlines()
    record = json.loads(audit_lines[-1])
    assert (record["action"], record["device"], record["result"], record["target"]) == (
        "push-dry-run",
        "dc-lgsp-01",
        "unreachable",
        "prod",
    )
