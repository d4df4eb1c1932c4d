"""The pure core: the samples of every platform reconcile cleanly; LLDP, scope, unreachable
hosts, VMs, hostnames and an earlier import, from small crafted observations."""

from __future__ import annotations

import ipaddress
from pathlib import Path

import pytest

from netauto.adopt import ObservedVm, reconcile
from netauto.adopt.run import without_addresses
from netauto.parse.configs import parse_config
from netauto.parse.observed import Neighbor, ObservedDevice
from netauto.plan import build_plan
from netauto.plan.models import Plan
from netauto.sot.loader import load_sot
from netauto.sot.models import Imported, SoT
from tests.adopt.conftest import CONFIGS
from tests.conftest import TINY
from tests.parse.province import DEVICES, PLATFORMS
from tests.parse.test_samples_match_plan import tiny_on


def samples(platform: str) -> list[ObservedDevice]:
    return [
        parse_config(platform, path.read_text(encoding="utf-8"), str(path))
        for path in sorted((CONFIGS / platform).iterdir())
        if path.suffix in (".conf", ".cfg")
    ]


def sot_and_plan(inventory: Path = TINY) -> tuple[SoT, Plan]:
    sot = load_sot(inventory).sot
    return sot, build_plan(without_addresses(sot)).plan


def device(devices: list[ObservedDevice], host: str) -> ObservedDevice:
    return next(d for d in devices if d.hostname == host)


def replace(devices: list[ObservedDevice], new: ObservedDevice) -> list[ObservedDevice]:
    return [new if d.hostname == new.hostname else d for d in devices]


@pytest.mark.parametrize("platform", PLATFORMS)
def test_the_samples_of_every_platform_reconcile_without_conflict(
    platform: str, tmp_path: Path
) -> None:
    sot, plan = sot_and_plan(tiny_on(platform, tmp_path / "inventory"))
    result = reconcile(sot, plan, samples(platform), source="samples")
    assert result.conflicts == []
    imported = result.imported
    assert sorted(imported.devices) == sorted(DEVICES)
    assert {k: str(v) for k, v in imported.lans.items()} == {
        "dc/services": "172.21.1.1/24",
        "phuong-an-xuyen/office": "172.21.11.1/24",
        "phuong-an-xuyen/wifi": "172.21.12.1/24",
        "phuong-ly-van-lam/office": "172.21.21.1/24",
        "xa-tan-thanh/office": "172.21.31.1/24",
    }
    assert {k: (str(v.a), str(v.b)) for k, v in imported.links.items()} == {
        "l-1001": ("172.21.250.5/30", "172.21.250.6/30"),
        "l-1002": ("172.21.250.9/30", "172.21.250.10/30"),
        "l-1003": ("172.21.250.13/30", "172.21.250.14/30"),
        "l-dc-hub-01": ("172.21.250.1/30", "172.21.250.2/30"),
    }
    loopbacks = {h: str(d.loopback) for h, d in imported.devices.items()}
    assert loopbacks["dc-core-r1"] == "172.21.255.1/32" and loopbacks["cm-tanthanh-r1"] == (
        "172.21.255.5/32"
    )
    dc = imported.devices["dc-core-r1"]
    lan = next(i for i in dc.interfaces if i.secondary)
    assert [str(a) for a in lan.secondary] == ["172.21.2.1/24"]
    assert any(i.shutdown for i in dc.interfaces)  # the spare port
    assert imported.vms == {}  # saved router configurations do not show VMs
    assert result.stats.devices == 5 and result.stats.addresses == 18


def test_an_lldp_neighbour_that_contradicts_the_link_is_a_conflict() -> None:
    sot, plan = sot_and_plan()
    devices = samples("frr")
    hub = device(devices, "hub-01-r1")
    lldp = [
        Neighbor(local_interface="eth1", remote_system="cm-lyvanlam-r1", remote_port="eth0"),
        Neighbor(local_interface="eth2", remote_system="cm-anxuyen-r1", remote_port="eth0"),
    ]
    result = reconcile(sot, plan, replace(devices, hub.model_copy(update={"neighbors": lldp})))
    found = [(c.kind, c.device, c.interface) for c in result.conflicts]
    assert found == [
        ("lldp-contradicts-link", "hub-01-r1", "eth1"),
        ("lldp-contradicts-link", "hub-01-r1", "eth2"),
    ]
    first = result.conflicts[0]
    assert first.live == "LLDP neighbour cm-lyvanlam-r1 eth0"
    assert first.sot == "link l-1001 to cm-anxuyen-r1 eth0"
    assert 'write "hub-01-r1:eth2" as its end' in first.hint
    assert first.source is not None and first.source.endswith("hub-01-r1.conf")


def test_lldp_that_agrees_confirms_the_link_and_names_the_address_as_the_fault() -> None:
    sot, plan = sot_and_plan()
    devices = samples("frr")
    hub = device(devices, "hub-01-r1")
    lldp = [Neighbor(local_interface="eth1", remote_system="CM-ANXUYEN-R1.camau.example",
                     remote_port="eth0")]  # fmt: skip
    good = reconcile(sot, plan, replace(devices, hub.model_copy(update={"neighbors": lldp})))
    assert good.conflicts == []
    anxuyen = device(devices, "cm-anxuyen-r1")
    text = (CONFIGS / "frr" / "cm-anxuyen-r1.conf").read_text()
    moved = parse_config("frr", text.replace("172.21.250.6/30", "172.21.9.6/30"), "x.conf")
    bad = reconcile(
        sot,
        plan,
        replace(replace(devices, hub.model_copy(update={"neighbors": lldp})), moved),
    )
    assert anxuyen.hostname == moved.hostname
    (conflict,) = bad.conflicts
    assert (conflict.kind, conflict.device, conflict.interface) == (
        "link-subnets", "hub-01-r1", "eth1",
    )  # fmt: skip
    assert "LLDP confirms the cabling" in conflict.hint
    assert conflict.live == "172.21.250.5/30" and conflict.sot == "cm-anxuyen-r1 eth0 172.21.9.6/30"


def test_without_lldp_a_subnet_shared_elsewhere_is_the_hint() -> None:
    sot, plan = sot_and_plan()
    devices = samples("frr")
    text = (CONFIGS / "frr" / "hub-01-r1.conf").read_text()
    swapped = text.replace("172.21.250.5/30", "172.21.250.99/30").replace(
        "interface eth4\n description spare\n shutdown",
        "interface eth4\n ip address 172.21.250.5/30",
    )
    hub = parse_config("frr", swapped, "hub-01-r1.conf")
    result = reconcile(sot, plan, replace(devices, hub))
    (conflict,) = [c for c in result.conflicts if c.kind == "link-subnets"]
    assert "hub-01-r1 eth4 and cm-anxuyen-r1 eth0 share 172.21.250.4/30" in conflict.hint


def test_hostnames_match_without_case_or_domain() -> None:
    sot, plan = sot_and_plan()
    devices = samples("frr")
    hub = device(devices, "hub-01-r1")
    shouting = hub.model_copy(update={"hostname": "HUB-01-R1.camau.example"})
    result = reconcile(sot, plan, [*replace(devices, hub)[:-1], shouting])
    assert result.conflicts == [] and "hub-01-r1" in result.imported.devices


def test_a_subset_network_imports_what_it_holds_and_keeps_the_rest() -> None:
    sot, plan = sot_and_plan()
    earlier = Imported.model_validate(
        {"devices": {"cm-tanthanh-r1": {"loopback": "172.21.255.5/32"}},
         "links": {"l-1003": {"a": "172.21.250.13/30", "b": "172.21.250.14/30"}},
         "lans": {"xa-tan-thanh/office": "172.21.31.1/24"},
         "vms": {"dc-lgsp-01": "172.21.1.11/24"}}
    )  # fmt: skip
    sot = sot.model_copy(update={"imported": earlier})
    held = ["dc-core-r1", "hub-01-r1", "cm-anxuyen-r1", "cm-lyvanlam-r1"]
    devices = [d for d in samples("frr") if d.hostname in held]
    result = reconcile(sot, plan, devices, vms=[], scope=held)
    assert result.conflicts == []
    imported = result.imported
    assert str(imported.devices["cm-tanthanh-r1"].loopback) == "172.21.255.5/32"
    assert "l-1003" in imported.links and "xa-tan-thanh/office" in imported.lans
    assert str(imported.vms["dc-lgsp-01"]) == "172.21.1.11/24"  # not on this target
    assert sorted(imported.devices) == sorted([*held, "cm-tanthanh-r1"])


def test_a_host_that_did_not_answer_is_in_the_sot_but_not_in_the_network() -> None:
    sot, plan = sot_and_plan()
    devices = [d for d in samples("frr") if d.hostname != "hub-01-r1"]
    result = reconcile(sot, plan, devices, unreachable={"hub-01-r1": "TimeoutError: timed out"})
    (conflict,) = result.conflicts
    assert (conflict.kind, conflict.device, conflict.interface) == (
        "missing-device", "hub-01-r1", "-",
    )  # fmt: skip
    assert conflict.live == "not read: TimeoutError: timed out"
    # every link of the tiny SoT touches the hub: the end that was read keeps its address
    # and, on these /30s, the hub's end is the other host address
    links = {key: (str(v.a), str(v.b)) for key, v in result.imported.links.items()}
    assert links["l-1001"] == ("172.21.250.5/30", "172.21.250.6/30")
    assert len(links) == 4


def test_the_far_end_of_a_half_read_link_is_the_other_host_of_its_slash_30() -> None:
    sot, plan = sot_and_plan()
    devices = [d for d in samples("frr") if d.hostname != "cm-anxuyen-r1"]
    result = reconcile(sot, plan, devices, unreachable={"cm-anxuyen-r1": "not in the lab"})
    full = reconcile(sot, plan, samples("frr")).imported.links
    assert result.imported.links["l-1001"] == full["l-1001"]


def vm(name: str, *addresses: str) -> ObservedVm:
    return ObservedVm(
        name=name,
        addresses=[(f"eth{i}", ipaddress.IPv4Interface(a)) for i, a in enumerate(addresses)],
    )


def test_a_vm_keeps_its_address_on_its_lan() -> None:
    sot, plan = sot_and_plan()
    vms = [vm("dc-lgsp-01", "192.0.2.7/24", "172.21.1.11/24"), vm("dc-portal-01", "172.21.1.12/24")]
    result = reconcile(sot, plan, samples("frr"), vms=vms)
    assert result.conflicts == []
    assert {k: str(v) for k, v in result.imported.vms.items()} == {
        "dc-lgsp-01": "172.21.1.11/24", "dc-portal-01": "172.21.1.12/24",
    }  # fmt: skip
    assert result.stats.vms == 2


@pytest.mark.parametrize(
    ("vms", "kind", "name", "interface"),
    [
        ([vm("dc-lgsp-01", "172.21.1.11/24", "172.21.1.13/24"),
          vm("dc-portal-01", "172.21.1.12/24")], "vm-address", "dc-lgsp-01", "eth0"),
        ([vm("dc-lgsp-01", "172.21.1.11/24")], "missing-device", "dc-portal-01", "-"),
        ([vm("dc-lgsp-01", "172.21.1.11/24"), vm("dc-portal-01", "172.21.1.12/24"),
          vm("dc-mail-01", "172.21.1.13/24")], "unknown-device", "dc-mail-01", "-"),
        ([vm("dc-lgsp-01", "172.21.1.11/24"), vm("dc-portal-01", "172.21.1.1/24")],
         "address-used-twice", "dc-portal-01", "eth0"),
    ],
)  # fmt: skip
def test_vm_conflicts(vms: list[ObservedVm], kind: str, name: str, interface: str) -> None:
    sot, plan = sot_and_plan()
    result = reconcile(sot, plan, samples("frr"), vms=vms)
    assert [(c.kind, c.device, c.interface) for c in result.conflicts] == [(kind, name, interface)]


def test_vms_not_read_keep_their_earlier_import() -> None:
    sot, plan = sot_and_plan()
    sot = sot.model_copy(
        update={"imported": Imported.model_validate({"vms": {"dc-lgsp-01": "172.21.1.11/24"}})}
    )
    result = reconcile(sot, plan, samples("frr"), vms=None)
    assert str(result.imported.vms["dc-lgsp-01"]) == "172.21.1.11/24"


def test_importing_again_gives_the_same_section_and_no_conflict() -> None:
    sot, plan = sot_and_plan()
    first = reconcile(sot, plan, samples("frr"), source="samples")
    again = reconcile(
        sot.model_copy(update={"imported": first.imported}), plan, samples("frr"), source="samples"
    )
    assert again.conflicts == [] and again.imported == first.imported


def test_an_earlier_import_that_the_network_contradicts_is_named() -> None:
    sot, plan = sot_and_plan()
    first = reconcile(sot, plan, samples("frr")).imported
    moved = first.model_copy(
        update={
            "links": {**first.links, "l-1002": first.links["l-1002"].model_copy(
                update={"b": ipaddress.IPv4Interface("172.21.250.11/30")})},
            "lans": {**first.lans, "dc/services": ipaddress.IPv4Interface("172.21.1.254/24")},
        }
    )  # fmt: skip
    result = reconcile(sot.model_copy(update={"imported": moved}), plan, samples("frr"))
    assert [(c.kind, c.device, c.interface, c.sot) for c in result.conflicts] == [
        ("contradicts-imported", "cm-lyvanlam-r1", "eth0",
         "imported.links.l-1002.b 172.21.250.11/30"),
        ("contradicts-imported", "dc-core-r1", "lan100",
         "imported.lans.dc/services 172.21.1.254/24"),
    ]  # fmt: skip


def test_a_loopback_under_another_name_is_still_the_loopback(tmp_path: Path) -> None:
    sot, plan = sot_and_plan(tiny_on("cisco_ios", tmp_path / "inventory"))
    devices = samples("cisco_ios")
    path = CONFIGS / "cisco_ios" / "hub-01-r1.cfg"
    renamed = parse_config(
        "cisco_ios", path.read_text().replace("Loopback0", "Loopback7"), str(path)
    )
    result = reconcile(sot, plan, replace(devices, renamed))
    assert result.conflicts == []
    assert str(result.imported.devices["hub-01-r1"].loopback) == "172.21.255.2/32"


def test_a_device_without_a_loopback_gets_one_from_the_plan() -> None:
    sot, plan = sot_and_plan()
    text = (CONFIGS / "frr" / "cm-tanthanh-r1.conf").read_text()
    bare = parse_config(
        "frr", text.replace("interface lo\n ip address 172.21.255.5/32\nexit\n", ""), "t.conf"
    )
    assert not any(i.is_loopback for i in bare.interfaces)
    result = reconcile(sot, plan, replace(samples("frr"), bare))
    assert result.conflicts == []
    assert result.imported.devices["cm-tanthanh-r1"].loopback is None
    assert "cm-tanthanh-r1 has no loopback: the plan gives its lo an address" in result.notes
    earlier = sot.model_copy(update={"imported": result.imported.model_copy(update={
        "devices": {**result.imported.devices, "cm-tanthanh-r1": result.imported.devices[
            "cm-tanthanh-r1"].model_copy(update={"loopback": ipaddress.IPv4Interface(
                "172.21.255.5/32")})}})})  # fmt: skip
    again = reconcile(earlier, plan, replace(samples("frr"), bare))
    assert [(c.kind, c.device, c.interface) for c in again.conflicts] == [
        ("contradicts-imported", "cm-tanthanh-r1", "lo")
    ]


@pytest.mark.parametrize(
    ("system", "port"),
    [("cm-anxuyen-r1", "520"), ("cm-anxuyen-r1", "fe:d6:fb:0d:b2:32"), ("", "eth7")],
)
def test_lldp_without_a_port_name_or_a_system_name_does_not_contradict(
    system: str, port: str
) -> None:
    """Some devices send an ifIndex or a MAC as the port id, or no system name: that says
    nothing about which interface it is, so only what it does say is checked."""
    sot, plan = sot_and_plan()
    devices = samples("frr")
    hub = device(devices, "hub-01-r1")
    lldp = [Neighbor(local_interface="eth1", remote_system=system, remote_port=port)]
    result = reconcile(sot, plan, replace(devices, hub.model_copy(update={"neighbors": lldp})))
    assert result.conflicts == []
