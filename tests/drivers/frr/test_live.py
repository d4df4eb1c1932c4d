"""The FRR driver against real FRR 8.4 boxes: two namespace routers reached over SSH (root).

Covers the issue's acceptance for the driver: commit, second push with zero changes, a line
FRR rejects leaves the old config, an unconfirmed commit reverts by itself, confirm keeps it.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path

import napalm
import pytest
import yaml
from napalm.base import models
from napalm.base.exceptions import (
    CommitConfirmException,
    CommitError,
    ConnectionException,
    ReplaceConfigException,
)
from napalm.base.test import helpers

from netauto.drivers.frr import FRRDriver
from tests.drivers.frr import nslab

pytestmark = pytest.mark.lab

EXTRA_ROUTE = "ip route 198.51.100.0/24 Null0"
NO_BGP = {"global": {"router_id": "", "peers": {}}}
"""Napalm's answer for a router without BGP."""


def wait_for(condition: Callable[[], bool], seconds: float) -> bool:
    """Poll ``condition`` until true or ``seconds`` elapse."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.5)
    return condition()


@pytest.fixture
def connect(lab: nslab.Lab) -> Iterator[Callable[[str], FRRDriver]]:
    opened: list[FRRDriver] = []

    def open_router(name: str) -> FRRDriver:
        driver_class = napalm.get_network_driver("frr")
        assert driver_class is FRRDriver
        driver = FRRDriver(name, "root", "", timeout=30, optional_args=lab.optional_args())
        driver.open()
        opened.append(driver)
        return driver

    yield open_router
    for driver in opened:
        driver.close()


@pytest.fixture
def r1(connect: Callable[[str], FRRDriver]) -> Iterator[FRRDriver]:
    """r1, put back on its configuration of the test's start afterwards."""
    driver = connect("r1")
    before = driver.get_config(retrieve="running")["running"]
    yield driver
    if driver.has_pending_commit():
        driver.confirm_commit()
    if driver.get_config(retrieve="running")["running"] != before:
        driver.load_replace_candidate(config=before)
        driver.commit_config()


def with_extra_route(config: str) -> str:
    return config + EXTRA_ROUTE + "\n"


def test_open_facts_interfaces(r1: FRRDriver) -> None:
    assert r1.is_alive() == {"is_alive": True}
    facts = r1.get_facts()
    assert helpers.test_model(models.FactsDict, facts)
    assert facts["hostname"] == "r1" and facts["os_version"].startswith("8.")
    assert {"eth1", "lo"} <= set(facts["interface_list"])
    interfaces = r1.get_interfaces()
    assert interfaces["eth1"]["is_up"] and interfaces["eth1"]["description"] == "to r2"
    addresses = r1.get_interfaces_ip()
    assert addresses["eth1"]["ipv4"] == {"10.0.12.1": {"prefix_length": 30}}
    assert addresses["eth1"]["ipv6"]["fd00:12::1"] == {"prefix_length": 64}


def test_bgp_neighbors_between_namespaces(r1: FRRDriver) -> None:
    def both_up() -> bool:
        peers = r1.get_bgp_neighbors().get("global", {}).get("peers", {})
        return len(peers) == 2 and all(p["is_up"] for p in peers.values())

    assert wait_for(both_up, 60), r1.get_bgp_neighbors()
    bgp = r1.get_bgp_neighbors()
    assert bgp["global"]["router_id"] == "10.255.0.1"
    peer = bgp["global"]["peers"]["10.0.12.2"]
    assert helpers.test_model(models.PeerDict, peer)
    assert (peer["remote_as"], peer["remote_id"]) == (65002, "10.255.0.2")


def test_get_route_to_bgp_and_static(r1: FRRDriver) -> None:
    assert wait_for(lambda: bool(r1.get_route_to("10.255.0.2/32", "bgp")), 60)
    (route,) = r1.get_route_to("10.255.0.2", "bgp")["10.255.0.2/32"]
    assert helpers.test_model(models.RouteDict, route)
    assert route["next_hop"] == "10.0.12.2" and route["protocol_attributes"]["as_path"] == "65002"
    assert wait_for(lambda: bool(r1.get_route_to("fd00:ff::2/128")), 30)
    static = r1.get_route_to("192.0.2.0/24", "static")["192.0.2.0/24"]
    assert static[0]["next_hop"] == "10.0.12.2"


@pytest.mark.parametrize("destination", ["10.0.12.2", "fd00:12::2", "10.255.0.2", "fd00:ff::2"])
def test_ping_v4_v6(r1: FRRDriver, destination: str) -> None:
    if destination.startswith(("10.255", "fd00:ff")):
        assert wait_for(lambda: bool(r1.get_route_to(destination)), 60)
    result = r1.ping(destination, count=2, timeout=1)
    assert "success" in result, result
    assert result["success"]["packet_loss"] == 0
    assert result["success"]["results"][0]["ip_address"] == destination


@pytest.mark.parametrize("destination", ["10.255.0.2", "fd00:ff::2"])
def test_traceroute_v4_v6(r1: FRRDriver, destination: str) -> None:
    assert wait_for(lambda: bool(r1.get_route_to(destination)), 60)
    result = r1.traceroute(destination, ttl=3, timeout=1)
    hops = result["success"]
    assert hops[1]["probes"][1]["ip_address"] == destination


def test_replace_commit_then_second_push_has_no_changes(r1: FRRDriver) -> None:
    running = r1.get_config(retrieve="running")["running"]
    assert EXTRA_ROUTE not in running
    r1.load_replace_candidate(config=with_extra_route(running))
    diff = r1.compare_config()
    assert "Lines To Add" in diff and EXTRA_ROUTE in diff and "Lines To Delete" not in diff
    r1.commit_config(message="add a blackhole")
    assert EXTRA_ROUTE in r1.get_config(retrieve="running")["running"]
    assert EXTRA_ROUTE in r1.get_config(retrieve="startup")["startup"]  # written to frr.conf
    r1.load_replace_candidate(config=with_extra_route(running))
    assert r1.compare_config() == ""
    r1.commit_config()
    r1.load_replace_candidate(config=running)
    assert "Lines To Delete" in r1.compare_config() or "no " + EXTRA_ROUTE in r1.compare_config()
    r1.discard_config()
    assert r1.compare_config() == ""


def test_parser_rejects_candidate_at_load(r1: FRRDriver) -> None:
    with pytest.raises(ReplaceConfigException, match="Unknown command"):
        r1.load_replace_candidate(config="hostname r1\nthis is not frr\n")


def test_daemon_rejected_line_leaves_old_config(r1: FRRDriver) -> None:
    running = r1.get_config(retrieve="running")["running"]
    bad = with_extra_route(running) + "router bgp 65001\n neighbor 10.9.9.9 description x\nexit\n"
    r1.load_replace_candidate(config=bad)  # syntax is fine: only bgpd refuses it
    with pytest.raises(CommitError, match="remote-as"):
        r1.commit_config()
    assert r1.get_config(retrieve="running")["running"] == running


def test_unconfirmed_commit_reverts_by_itself(r1: FRRDriver) -> None:
    running = r1.get_config(retrieve="running")["running"]
    r1.load_replace_candidate(config=with_extra_route(running))
    r1.commit_config(revert_in=8)
    assert r1.has_pending_commit()
    assert EXTRA_ROUTE in r1.get_config(retrieve="running")["running"]
    r1.load_replace_candidate(config=running)
    with pytest.raises(CommitError, match="waits for confirmation"):
        r1.commit_config()
    assert wait_for(lambda: not r1.has_pending_commit(), 30)
    assert r1.get_config(retrieve="running")["running"] == running


def test_confirmed_commit_stays(r1: FRRDriver) -> None:
    running = r1.get_config(retrieve="running")["running"]
    r1.load_replace_candidate(config=with_extra_route(running))
    r1.commit_config(revert_in=2)
    r1.confirm_commit()
    assert not r1.has_pending_commit()
    time.sleep(3)
    assert EXTRA_ROUTE in r1.get_config(retrieve="running")["running"]
    with pytest.raises(CommitConfirmException):
        r1.confirm_commit()


def test_rollback_after_commit_and_during_pending(r1: FRRDriver) -> None:
    running = r1.get_config(retrieve="running")["running"]
    r1.load_replace_candidate(config=with_extra_route(running))
    r1.commit_config()
    r1.rollback()
    assert r1.get_config(retrieve="running")["running"] == running
    r1.load_replace_candidate(config=with_extra_route(running))
    r1.commit_config(revert_in=60)
    r1.rollback()
    assert not r1.has_pending_commit()
    assert r1.get_config(retrieve="running")["running"] == running


def test_merge_adds_lines_only(r1: FRRDriver) -> None:
    lines = f"router bgp 65001\n neighbor 10.0.12.2 description merged\nexit\n{EXTRA_ROUTE}\n"
    r1.load_merge_candidate(config=lines)
    diff = r1.compare_config()
    assert "description merged" in diff and EXTRA_ROUTE in diff and "Delete" not in diff
    r1.commit_config()
    peers = r1.get_bgp_neighbors()["global"]["peers"]
    assert peers["10.0.12.2"]["description"] == "merged"
    r1.load_merge_candidate(config=lines)
    assert r1.compare_config() == ""
    r1.discard_config()


def test_without_bgp_the_structure_is_empty(connect: Callable[[str], FRRDriver]) -> None:
    r2 = connect("r2")
    running = r2.get_config(retrieve="running")["running"]
    start = running.index("router bgp")
    end = running.index("exit\n!", start) + len("exit\n")
    r2.load_replace_candidate(config=running[:start] + running[end:])
    r2.commit_config()
    try:
        assert r2.get_bgp_neighbors() == NO_BGP
    finally:
        r2.rollback()
    assert "router bgp 65002" in r2.get_config(retrieve="running")["running"]


def test_unreachable_host_is_a_connection_error(lab: nslab.Lab) -> None:
    driver = FRRDriver(
        "not-a-lab-host.invalid", "root", "", timeout=5, optional_args=lab.optional_args()
    )
    with pytest.raises(ConnectionException):
        driver.open()


def test_nornir_napalm_platform_frr(lab: nslab.Lab, tmp_path: Path) -> None:
    from nornir import InitNornir
    from nornir_napalm.plugins.tasks import napalm_get

    hosts = {
        name: {
            "hostname": name,
            "platform": "frr",
            "username": "root",
            "password": "",
            "connection_options": {"napalm": {"extras": {"optional_args": lab.optional_args()}}},
        }
        for name in ("r1", "r2")
    }
    (tmp_path / "hosts.yaml").write_text(yaml.safe_dump(hosts))
    nr = InitNornir(
        runner={"plugin": "serial"},
        inventory={
            "plugin": "SimpleInventory",
            "options": {"host_file": str(tmp_path / "hosts.yaml")},
        },
        logging={"enabled": False},
    )
    result = nr.run(task=napalm_get, getters=["facts", "interfaces_ip"])
    nr.close_connections()
    assert not result.failed, result
    assert result["r2"][0].result["facts"]["hostname"] == "r2"
    assert result["r1"][0].result["interfaces_ip"]["lo"]["ipv4"] == {
        "10.255.0.1": {"prefix_length": 32}
    }


HAND_ROUTE = "ip route 203.0.113.0/24 Null0"


def test_change_by_hand_after_commit_shows_in_the_diff(r1: FRRDriver) -> None:
    """The "unchanged" shortcut (running text = the one verified at commit) stays truthful."""
    running = r1.get_config(retrieve="running")["running"]
    candidate = with_extra_route(running)
    r1.load_replace_candidate(config=candidate)
    r1.commit_config()
    r1.load_replace_candidate(config=candidate)
    assert r1.compare_config() == ""  # the shortcut: same candidate, same running text
    rc, _, err = r1._run_shell(f"vtysh -c 'configure terminal' -c '{HAND_ROUTE}'")
    assert rc == 0, err
    r1.load_replace_candidate(config=candidate)
    diff = r1.compare_config()
    assert f"no {HAND_ROUTE}" in diff  # frr-reload lists a static route removal as a "no" line
    r1.commit_config()
    assert HAND_ROUTE not in r1.get_config(retrieve="running")["running"]


def test_box_helper_and_plain_frr_reload_agree(lab: nslab.Lab, r1: FRRDriver) -> None:
    """A box that cannot run the helper gets three frr-reload.py runs: same diff, same result."""
    plain = FRRDriver(
        "r1", "root", "", timeout=30, optional_args={**lab.optional_args(), "remote_helper": False}
    )
    plain.open()
    try:
        running = r1.get_config(retrieve="running")["running"]
        candidate = with_extra_route(running).replace("description r2 over IPv4", "description v4")
        r1.load_replace_candidate(config=candidate)
        plain.load_replace_candidate(config=candidate)
        helper_diff, plain_diff = r1.compare_config(), plain.compare_config()
        assert helper_diff == plain_diff and EXTRA_ROUTE in helper_diff
        assert "description v4" in helper_diff
        r1.discard_config()
        plain.commit_config()
        assert plain.get_config(retrieve="running")["running"] != running
        r1.load_replace_candidate(config=candidate)
        assert r1.compare_config() == ""
        r1.load_replace_candidate(config=running)
        r1.commit_config()
        plain.load_replace_candidate(config=running)
        assert plain.compare_config() == ""
    finally:
        plain.close()


BGPD_PID = "/var/run/frr/bgpd.pid"


def test_without_bgpd_running_the_structure_is_empty(
    connect: Callable[[str], FRRDriver],
) -> None:
    """A router whose bgpd is stopped (vtysh: "bgpd is not running") has no BGP to report;
    bgpd and its configuration are put back afterwards."""
    r2 = connect("r2")
    running = r2.get_config(retrieve="running")["running"]
    rc, _, err = r2._run_shell(
        f'p=$(cat {BGPD_PID}) && kill "$p" && '
        'for i in $(seq 50); do kill -0 "$p" 2>/dev/null || exit 0; sleep 0.1; done; exit 1'
    )
    assert rc == 0, err
    try:
        rc, _, err = r2._run_shell("vtysh -c 'show bgp vrf all summary json'")
        assert "bgpd is not running" in err  # what the driver reads as "no BGP"
        assert r2.get_bgp_neighbors() == NO_BGP
    finally:
        rc, _, err = r2._run_shell(
            "rm -f /var/run/frr/bgpd.vty && "
            "/usr/lib/frr/bgpd -d -P 0 -A 127.0.0.1 </dev/null >/dev/null 2>&1 && "
            "for i in $(seq 50); do [ -S /var/run/frr/bgpd.vty ] && exit 0; sleep 0.1; done; "
            "exit 1"
        )
        assert rc == 0, err
        r2.load_replace_candidate(config=running)
        r2.commit_config()
    assert "router bgp 65002" in r2.get_config(retrieve="running")["running"]
