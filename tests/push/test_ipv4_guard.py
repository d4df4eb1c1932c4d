"""push_device's IPv4 guard, against a recording fake driver: refused before anything changes."""

from __future__ import annotations

from typing import Any

import pytest

from netauto.parse.configdiff import normalise
from netauto.push.core import DeviceResult, push_device
from netauto.push.run import PushOptions

RUNNING = """\
frr version 8.4.4
frr defaults traditional
hostname r1
service integrated-vtysh-config
!
ip route 192.0.2.0/24 10.0.0.2
!
interface eth0
 description to r2
 ip address 10.0.0.1/30
 ip ospf area 0
exit
!
interface eth4
 description SPARE
 shutdown
exit
!
router ospf
 ospf router-id 10.255.0.1
exit
!
end
"""
"""An IPv4-only router with a static route nobody documented and a shut spare port."""

DUAL_STACK = RUNNING.replace(
    " ip address 10.0.0.1/30\n", " ip address 10.0.0.1/30\n ipv6 address 2001:db8::1/127\n"
)
"""The migration's candidate: every line kept, IPv6 added."""
RENUMBERED = DUAL_STACK.replace(" ip address 10.0.0.1/30\n", " ip address 10.0.0.5/30\n")
NO_SPARE = DUAL_STACK.replace("interface eth4\n description SPARE\n shutdown\nexit\n", "")


class FakeDriver:
    """The napalm subset push uses; a replace commit makes the candidate the running config."""

    def __init__(self, running: str) -> None:
        self.running = running
        self.candidate: str | None = None
        self.calls: list[str] = []

    def load_replace_candidate(
        self, filename: str | None = None, config: str | None = None
    ) -> None:
        self.calls.append("load")
        self.candidate = config

    def compare_config(self) -> str:
        self.calls.append("compare")
        # frr-reload's verdict: nothing to change when FRR would read the same configuration
        if self.candidate is None or normalise(self.candidate) == normalise(self.running):
            return ""
        return "Lines To Add\n============\n(frr-reload's change set)"

    def commit_config(self, message: str = "", revert_in: int | None = None) -> None:
        self.calls.append("commit")
        assert self.candidate is not None
        self.running = self.candidate

    def confirm_commit(self) -> None:
        self.calls.append("confirm")

    def discard_config(self) -> None:
        self.calls.append("discard")
        self.candidate = None

    def rollback(self) -> None:  # pragma: no cover - no post-check fails here
        self.calls.append("rollback")

    def get_config(self, retrieve: str = "all", full: bool = False, sanitized: bool = False) -> Any:
        self.calls.append("get_config")
        return {"running": self.running, "startup": "", "candidate": ""}


def push(driver: FakeDriver, candidate: str, platform: str = "frr", **options: Any) -> DeviceResult:
    baseline: list[str] = []
    result = push_device(
        driver,
        "r1",
        platform,
        candidate,
        before_commit=lambda: baseline.append("baseline"),
        **{"commit": True, **options},
    )
    if result.outcome == "refused":
        assert baseline == [], "the post-check baseline ran for a refused device"
    return result


def test_ipv4_kept_and_ipv6_added_is_committed() -> None:
    driver = FakeDriver(RUNNING)
    result = push(driver, DUAL_STACK)
    assert result.outcome == "committed", result
    assert result.summary == "+1 -0 ~0; IPv4 lines removed or changed: 0"
    assert result.config_diff is not None and result.guard == ""
    assert result.diff.startswith("--- r1 (running)\n+++ r1 (candidate)\n@@ ")
    assert "+ ipv6 address 2001:db8::1/127\n" in result.diff
    assert driver.running == DUAL_STACK


def test_changed_ipv4_address_is_refused_before_anything_changes() -> None:
    driver = FakeDriver(RUNNING)
    result = push(driver, RENUMBERED)
    assert result.outcome == "refused" and result.failed and not result.changed
    assert result.error == (
        "removes or changes 1 IPv4 line: interface eth0: ip address 10.0.0.1/30 -> "
        "ip address 10.0.0.5/30 (--allow-ipv4-change)"
    )
    assert result.summary == "+1 -0 ~1; IPv4 lines removed or changed: 1"
    assert "commit" not in driver.calls and driver.calls[-1] == "discard"
    assert driver.running == RUNNING


def test_allow_ipv4_change_commits_it() -> None:
    driver = FakeDriver(RUNNING)
    result = push(driver, RENUMBERED, allow_ipv4_change=True)
    assert result.outcome == "committed", result
    assert result.guard == "" and driver.running == RENUMBERED


def test_removed_ipv4_line_is_refused() -> None:
    driver = FakeDriver(RUNNING)
    result = push(driver, DUAL_STACK.replace("ip route 192.0.2.0/24 10.0.0.2\n", ""))
    assert result.outcome == "refused"
    assert "1 IPv4 line: ip route 192.0.2.0/24 10.0.0.2" in result.error


def test_legacy_lines_stay_unless_prune_legacy() -> None:
    driver = FakeDriver(RUNNING)
    refused = push(driver, NO_SPARE)
    assert refused.outcome == "refused"
    assert refused.error == (
        "removes 3 lines: interface eth4; interface eth4: description SPARE; "
        "interface eth4: shutdown netauto does not own (--prune-legacy)"
    )
    assert refused.summary.endswith("; legacy lines removed: 3")
    # --allow-ipv4-change is about IPv4 lines only.
    assert push(driver, NO_SPARE, allow_ipv4_change=True).outcome == "refused"
    assert driver.running == RUNNING
    pruned = push(driver, NO_SPARE, prune_legacy=True)
    assert pruned.outcome == "committed" and driver.running == NO_SPARE


def test_a_changed_setting_is_not_legacy() -> None:
    driver = FakeDriver(RUNNING)
    result = push(driver, DUAL_STACK.replace(" description SPARE\n", " description spare port\n"))
    assert result.outcome == "committed", result
    assert result.summary == "+1 -0 ~1; IPv4 lines removed or changed: 0"


def test_dry_run_says_what_a_commit_would_refuse() -> None:
    driver = FakeDriver(RUNNING)
    result = push(driver, RENUMBERED, commit=False)
    assert result.outcome == "would-change" and not result.failed
    assert result.guard.startswith("removes or changes 1 IPv4 line: interface eth0: ")
    assert result.error == "" and "commit" not in driver.calls


def test_unchanged_device_costs_no_running_config_read() -> None:
    driver = FakeDriver(RUNNING)
    result = push(driver, RUNNING)
    assert result.outcome == "unchanged" and result.summary == "" and result.config_diff is None
    assert "get_config" not in driver.calls


def test_unreadable_syntax_is_refused_unless_allowed() -> None:
    """Junos configs are not FRR/IOS-like text: the guard cannot check them, so it refuses."""
    driver = FakeDriver(
        "interfaces { ge-0/0/0 { unit 0 { family inet { address 10.0.0.1/30; } } } }"
    )
    result = push(driver, "interfaces { }", platform="junos")
    assert result.outcome == "refused"
    assert result.error == "cannot check IPv4 lines of junos configurations (--allow-ipv4-change)"
    assert "get_config" not in driver.calls
    allowed = push(driver, "interfaces { }", platform="junos", allow_ipv4_change=True)
    assert allowed.outcome == "committed"


@pytest.mark.parametrize("flag", ["allow_ipv4_change", "prune_legacy"])
def test_push_options_carry_the_overrides(flag: str) -> None:
    assert getattr(PushOptions(), flag) is False
    assert getattr(PushOptions(**{flag: True}), flag) is True
