"""The running network's IPv4 addresses (the SoT's ``imported`` section) are kept by plan."""

from __future__ import annotations

import ipaddress
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from netauto.errors import InputError
from netauto.plan import plan_for
from tests.conftest import TINY, CliResult

IMPORTED = """\
imported:
  source: test
  devices:
    dc-core-r1: {loopback: 172.31.0.1/32}
    hub-01-r1: {loopback: 172.31.0.2/32}
    cm-anxuyen-r1: {loopback: 172.31.0.3/32}
  links:
    l-1001: {a: 172.16.0.5/30, b: 172.16.0.6/30}
  lans:
    phuong-an-xuyen/office: 172.20.1.254/24
    dc/services: 172.20.0.1/24
  vms:
    dc-lgsp-01: 172.20.0.11/24
"""


@pytest.fixture
def brownfield(tmp_path: Path) -> Path:
    inv = tmp_path / "inv"
    shutil.copytree(TINY, inv)
    (inv / "imported.yml").write_text(IMPORTED)
    return inv


def test_imported_addresses_are_kept_and_the_rest_planned(brownfield: Path) -> None:
    plan = plan_for(brownfield).plan
    assert str(plan.device("cm-anxuyen-r1").loopback4) == "172.31.0.3/32"
    link = plan.link("l-1001")
    assert link is not None
    assert (str(link.a.ipv4), str(link.b.ipv4), str(link.network4)) == (
        "172.16.0.5/30", "172.16.0.6/30", "172.16.0.4/30",
    )  # fmt: skip
    hub_end = plan.device("hub-01-r1").interface(link.a.interface)
    assert str(hub_end.ipv4) == "172.16.0.5/30" and hub_end.ipv6 is not None
    office = next(lan for lan in plan.site("phuong-an-xuyen").lans if lan.key == "office")
    assert (str(office.ipv4), str(office.gateway4)) == ("172.20.1.0/24", "172.20.1.254")
    lan_if = plan.device("cm-anxuyen-r1").interface(office.interface)
    assert str(lan_if.ipv4) == "172.20.1.254/24"
    vm = next(v for v in plan.vms if v.name == "dc-lgsp-01")
    assert (str(vm.ipv4), str(vm.gateway4)) == ("172.20.0.11/24", "172.20.0.1")
    assert vm.ipv6.ip == ipaddress.ip_network(vm.ipv6.network).network_address + 11
    # what was not imported comes from the pools, as before
    other = plan.link("l-1002")
    assert other is not None and other.network4.prefixlen == 31
    assert other.network4.subnet_of(ipaddress.ip_network("10.96.0.0/16"))


def test_a_sot_value_that_contradicts_the_running_network_is_refused(brownfield: Path) -> None:
    province = brownfield / "province.yml"
    province.write_text(
        province.read_text().replace(
            "name: services, vlan: 100}", "name: services, vlan: 100, ipv4: 10.96.5.0/24}"
        )
    )
    with pytest.raises(InputError) as info:
        plan_for(brownfield)
    messages = [p.message for p in info.value.problems]
    assert "the LAN runs 172.20.0.0/24, the SoT fixes 10.96.5.0/24" in messages


def test_an_address_used_twice_is_refused(brownfield: Path) -> None:
    (brownfield / "imported.yml").write_text(
        IMPORTED.replace("dc-lgsp-01: 172.20.0.11/24", "dc-lgsp-01: 172.20.0.1/24")
    )
    with pytest.raises(InputError) as info:
        plan_for(brownfield)
    assert any("duplicate IPv4 address" in p.message for p in info.value.problems)


def test_imported_entries_must_name_what_the_sot_has(
    brownfield: Path, cli: Callable[..., CliResult]
) -> None:
    (brownfield / "imported.yml").write_text(
        IMPORTED.replace("cm-anxuyen-r1: {loopback", "cm-anxuyen-r9: {loopback").replace(
            "l-1001: {a: 172.16.0.5/30, b: 172.16.0.6/30}",
            "l-1001: {a: 172.16.0.5/30, b: 172.16.1.6/30}",
        )
    )
    result = cli("-i", brownfield, "validate")
    assert result.code == 2
    assert "imported.yml:6: imported.devices.cm-anxuyen-r9: unknown device" in result.err
    assert "did you mean 'cm-anxuyen-r1'" in result.err
    assert "imported.yml:8: imported.links.l-1001.b:" in result.err and "one subnet" in result.err


def test_an_emptied_or_unreadable_ledger_is_refused_not_rebuilt(
    brownfield: Path, cli: Callable[..., CliResult]
) -> None:
    assert cli("-i", brownfield, "plan").code == 0
    ledger = brownfield / "allocations.yml"
    for broken in ("", "sites: [\n", "\x00\x01"):
        ledger.write_text(broken)
        result = cli("-i", brownfield, "plan")
        assert result.code == 2, result.err
        assert str(ledger) in result.err and "Traceback" not in result.err
        assert "netauto import --write" in result.err
        assert ledger.read_text() == broken  # nothing written over it
