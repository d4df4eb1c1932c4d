"""Fixtures for the FRR driver tests: a live two-router lab (root only)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.drivers.frr import nslab

# The two lab routers: eBGP (IPv4 and IPv6 sessions) over eth1, a static route on r1.
R1_CONF = """\
frr defaults traditional
hostname r1
!
interface eth1
 description to r2
 ip address 10.0.12.1/30
 ipv6 address fd00:12::1/64
exit
!
interface lo
 ip address 10.255.0.1/32
 ipv6 address fd00:ff::1/128
exit
!
router bgp 65001
 bgp router-id 10.255.0.1
 no bgp ebgp-requires-policy
 neighbor 10.0.12.2 remote-as 65002
 neighbor 10.0.12.2 description r2 over IPv4
 neighbor fd00:12::2 remote-as 65002
 !
 address-family ipv4 unicast
  network 10.255.0.1/32
 exit-address-family
 !
 address-family ipv6 unicast
  network fd00:ff::1/128
  neighbor fd00:12::2 activate
 exit-address-family
exit
!
ip route 192.0.2.0/24 10.0.12.2
!
"""

R2_CONF = """\
frr defaults traditional
hostname r2
!
interface eth1
 description to r1
 ip address 10.0.12.2/30
 ipv6 address fd00:12::2/64
exit
!
interface lo
 ip address 10.255.0.2/32
 ipv6 address fd00:ff::2/128
exit
!
router bgp 65002
 bgp router-id 10.255.0.2
 no bgp ebgp-requires-policy
 neighbor 10.0.12.1 remote-as 65001
 neighbor fd00:12::1 remote-as 65001
 !
 address-family ipv4 unicast
  network 10.255.0.2/32
 exit-address-family
 !
 address-family ipv6 unicast
  network fd00:ff::2/128
  neighbor fd00:12::1 activate
 exit-address-family
exit
!
"""


def _lab_possible() -> str:
    if os.geteuid() != 0:
        return "needs root"
    for tool in (
        "ip",
        "unshare",
        "nc",
        "/usr/sbin/sshd",
        "/usr/lib/frr/zebra",
        "vtysh",
        "/usr/lib/frr/frr-reload.py",
    ):
        if shutil.which(tool) is None and not Path(tool).exists():
            return f"needs {tool}"
    return ""


@pytest.fixture(scope="session")
def lab() -> Iterator[nslab.Lab]:
    """Two FRR routers r1 and r2 in namespaces nd-r1/nd-r2, reachable over SSH."""
    reason = _lab_possible()
    if reason:
        pytest.skip(reason)
    root = nslab.new_root()
    started: nslab.Lab | None = None
    try:
        started = nslab.start(root, {"r1": R1_CONF, "r2": R2_CONF}, [("r1", "r2")])
        yield started
    finally:
        if started is not None:
            nslab.stop(started)
        else:
            nslab.stop(
                nslab.Lab(
                    root, {n: nslab.Router(n, root / n, "") for n in ("r1", "r2")}, root, root
                )
            )
        shutil.rmtree(root, ignore_errors=True)
    assert not nslab.leftover_namespaces(), "the lab left namespaces behind"
