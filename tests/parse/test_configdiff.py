"""The structured config diff, on real FRR 8.4.4 running configs against rendered candidates.

``fixtures/configdiff/<host>.<state>.txt`` is ``vtysh -c 'show running-config'`` on a lab
router of ``tests/data/tiny`` (``netauto lab up``): ``fresh`` (factory-fresh), ``pushed``
(after ``push --commit`` of the golden configs: FRR sorted the blocks and lines its own
way), ``legacy`` (``lab up --legacy``: the as-built IPv4 province). Candidates are the
golden renders of ``tests/render/golden/frr``. Other running configs are the same shape,
made up (an IPv4-only router, a legacy static route, a changed address, ...).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from netauto.parse.configdiff import ConfigDiff, compare, is_ipv4, normalise, pair_key

HERE = Path(__file__).parent
FIXTURES = HERE / "fixtures" / "configdiff"
GOLDEN = HERE.parent / "render" / "golden" / "frr"
ROUTERS = ["cm-anxuyen-r1", "cm-lyvanlam-r1", "cm-tanthanh-r1", "hub-01-r1", "dc-core-r1"]


def running(host: str, state: str) -> str:
    return (FIXTURES / f"{host}.{state}.txt").read_text(encoding="utf-8")


def golden(host: str) -> str:
    return (GOLDEN / f"{host}.conf").read_text(encoding="utf-8")


def edit(text: str, old: str, new: str) -> str:
    """``text`` with ``old`` (which must be there) replaced by ``new``."""
    assert old in text, old
    return text.replace(old, new)


def patch(old: str, unified: str) -> str:
    """Apply a unified diff to ``old``, checking every context and removed line and every
    hunk's counts (the diff must be a real one)."""
    if not unified:
        return old
    lines = old.splitlines()
    out: list[str] = []
    at = 0  # lines of ``old`` consumed
    body = unified.splitlines()
    assert body[0].startswith("--- ") and body[1].startswith("+++ "), body[:2]
    index = 2
    while index < len(body):
        header = re.match(r"^@@ -(\d+),(\d+) \+(\d+),(\d+) @@", body[index])
        assert header, body[index]
        old_start, old_count, new_start, new_count = map(int, header.groups())
        start = old_start - 1 if old_count else old_start
        assert start >= at, "hunks overlap or go backwards"
        out += lines[at:start]
        assert len(out) + 1 == new_start or (new_count == 0 and len(out) == new_start)
        at = start
        index += 1
        seen_old = seen_new = 0
        while index < len(body) and not body[index].startswith("@@"):
            tag, text = body[index][0], body[index][1:]
            if tag in " -":
                assert lines[at] == text, (at, lines[at], text)
                at += 1
                seen_old += 1
            if tag in " +":
                out.append(text)
                seen_new += 1
            index += 1
        assert (seen_old, seen_new) == (old_count, new_count), body
    return "\n".join(out + lines[at:]) + "\n"


@dataclass(frozen=True)
class Case:
    """A running config, a candidate and what their diff must say."""

    name: str
    running: str
    candidate: str
    summary: str
    ipv4: tuple[str, ...] = ()
    legacy: tuple[str, ...] = ()


IPV4_ONLY = """\
Building configuration...

Current configuration:
!
frr version 8.4.4
frr defaults traditional
hostname cm-anxuyen-r1
log syslog informational
service integrated-vtysh-config
!
interface eth0
 description l-1001 to hub-01-r1
 ip address 10.96.1.1/31
 ip ospf area 0
 ip ospf network point-to-point
exit
!
interface lan10
 description phuong-an-xuyen office
 ip address 10.96.3.1/26
 ip ospf area 0
 ip ospf passive
exit
!
interface lan20
 description phuong-an-xuyen wifi
 ip address 10.96.3.65/26
 ip ospf area 0
 ip ospf passive
exit
!
interface lo
 ip address 10.96.0.3/32
 ip ospf area 0
 ip ospf passive
exit
!
router ospf
 ospf router-id 10.96.0.3
exit
!
end
"""
"""cm-anxuyen-r1 as it ran before IPv6: the same IPv4 lines as its candidate."""

HUB_KEPT = edit(
    edit(
        edit(
            running("hub-01-r1", "legacy"),
            "interface eth1\n description VNPT-CM-1001 to cm-anxuyen-r1 eth0\n"
            " ip address 172.16.0.1/30\n",
            "interface eth1\n description VNPT-CM-1001 to cm-anxuyen-r1 eth0\n"
            " ip address 172.16.0.1/30\n ipv6 address 2001:db8:9601::/127\n"
            " ipv6 ospf6 area 0\n ipv6 ospf6 network point-to-point\n",
        ),
        "interface lo\n ip address 172.31.0.2/32\n",
        "interface lo\n ipv6 address 2001:db8:9600::a:1/128\n ip address 172.31.0.2/32\n",
    ),
    "end\n",
    "router ospf6\n ospf6 router-id 172.31.0.2\nexit\n!\nip forwarding\nipv6 forwarding\nend\n",
)
"""The legacy hub as the brownfield migration wants it: every IPv4 line kept, IPv6 added."""

HUB = golden("hub-01-r1")
HUB_PUSHED = running("hub-01-r1", "pushed")
ANXUYEN = golden("cm-anxuyen-r1")
ANXUYEN_PUSHED = running("cm-anxuyen-r1", "pushed")
DC_PUSHED = running("dc-core-r1", "pushed")

CASES = [
    *(
        Case(
            f"{host} after a push",
            running(host, "pushed"),
            golden(host),
            "+0 -0 ~0; IPv4 lines removed or changed: 0",
        )
        for host in ROUTERS
    ),
    Case(
        "factory-fresh",
        running("hub-01-r1", "fresh"),
        HUB,
        "+44 -0 ~0; IPv4 lines removed or changed: 0",
    ),
    Case(
        "IPv4-only router gets IPv6",
        IPV4_ONLY,
        ANXUYEN,
        "+22 -0 ~0; IPv4 lines removed or changed: 0",
    ),
    Case(
        "legacy hub, IPv4 kept, IPv6 added",
        running("hub-01-r1", "legacy"),
        HUB_KEPT,
        "+6 -0 ~0; IPv4 lines removed or changed: 0",
    ),
    Case(
        "a legacy static route",
        edit(
            HUB_PUSHED,
            "service integrated-vtysh-config\n!\n",
            "service integrated-vtysh-config\n!\nip route 192.0.2.0/24 10.96.1.1\n!\n",
        ),
        HUB,
        "+0 -1 ~0; IPv4 lines removed or changed: 1",
        ipv4=("ip route 192.0.2.0/24 10.96.1.1",),
    ),
    Case(
        "a changed IPv4 address",
        edit(ANXUYEN_PUSHED, " ip address 10.96.1.1/31\n", " ip address 10.96.1.9/31\n"),
        ANXUYEN,
        "+0 -0 ~1; IPv4 lines removed or changed: 1",
        ipv4=("interface eth0: ip address 10.96.1.9/31 -> ip address 10.96.1.1/31",),
    ),
    Case(
        "a removed access-list",
        edit(
            DC_PUSHED,
            "end\n",
            "access-list LEGACY-REDIST seq 5 permit 192.168.50.0/24\n"
            "access-list LEGACY-REDIST seq 10 deny any\n!\nend\n",
        ),
        golden("dc-core-r1"),
        "+0 -2 ~0; IPv4 lines removed or changed: 2",
        ipv4=(
            "access-list LEGACY-REDIST seq 5 permit 192.168.50.0/24",
            "access-list LEGACY-REDIST seq 10 deny any",
        ),
    ),
    Case(
        "a shut spare port",
        edit(
            HUB_PUSHED,
            "interface lo\n",
            "interface eth4\n description SPARE - not in use\n shutdown\nexit\n!\ninterface lo\n",
        ),
        HUB,
        "+0 -3 ~0; IPv4 lines removed or changed: 0; legacy lines removed: 3",
        legacy=(
            "interface eth4",
            "interface eth4: description SPARE - not in use",
            "interface eth4: shutdown",
        ),
    ),
    Case(
        "a new circuit in a description",
        HUB_PUSHED,
        edit(
            HUB,
            " description l-1001 to cm-anxuyen-r1\n",
            " description l-1001 to cm-anxuyen-r1 (VNPT)\n",
        ),
        "+0 -0 ~1; IPv4 lines removed or changed: 0",
    ),
    Case(
        "IPv6 forwarding was off",
        edit(
            HUB_PUSHED,
            "service integrated-vtysh-config\n",
            "service integrated-vtysh-config\nno ipv6 forwarding\n",
        ),
        HUB,
        "+0 -0 ~1; IPv4 lines removed or changed: 0",
    ),
    Case(
        "the legacy hub, as netauto renders it without an import",
        running("hub-01-r1", "legacy"),
        HUB,
        "+17 -5 ~10; IPv4 lines removed or changed: 8; legacy lines removed: 3",
        ipv4=(
            "ip route 172.20.4.0/22 Null0",
            "interface eth0: ip address 172.16.0.14/30 -> ip address 10.96.1.7/31",
            "interface eth1: ip address 172.16.0.1/30 -> ip address 10.96.1.0/31",
            "interface eth2: ip address 172.16.0.5/30 -> ip address 10.96.1.2/31",
            "interface eth3: ip address 172.16.0.9/30 -> ip address 10.96.1.4/31",
            "interface lo: ip address 172.31.0.2/32 -> ip address 10.96.0.2/32",
            "router ospf: ospf router-id 172.31.0.2 -> ospf router-id 10.96.0.2",
            "router ospf: redistribute static",
        ),
        legacy=(
            "interface eth4",
            "interface eth4: description SPARE - not in use",
            "interface eth4: shutdown",
        ),
    ),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_diff_of_real_running_configs(case: Case) -> None:
    diff = compare(case.running, case.candidate)
    assert diff.summary() == case.summary
    assert diff.ipv4_removed_or_changed == case.ipv4
    assert diff.legacy_removed == case.legacy
    assert diff.differs == (case.summary != "+0 -0 ~0; IPv4 lines removed or changed: 0")
    # The unified rendering is a real diff of the normalised texts.
    assert patch(normalise(case.running), diff.unified()) == normalise(case.candidate)


def test_unified_shows_each_block_once_with_its_lines() -> None:
    diff = compare(
        edit(ANXUYEN_PUSHED, " ip address 10.96.1.1/31\n", " ip address 10.96.1.9/31\n"),
        ANXUYEN,
    )
    assert diff.unified("cm-anxuyen-r1 (running)", "cm-anxuyen-r1 (candidate)") == (
        "--- cm-anxuyen-r1 (running)\n"
        "+++ cm-anxuyen-r1 (candidate)\n"
        "@@ -4,8 +4,8 @@\n"
        " interface eth0\n"
        "  description l-1001 to hub-01-r1\n"
        "- ip address 10.96.1.9/31\n"
        "+ ip address 10.96.1.1/31\n"
        "  ip ospf area 0\n"
        "  ip ospf network point-to-point\n"
        "  ipv6 address 2001:db8:9601::1/127\n"
        "  ipv6 ospf6 area 0\n"
        "  ipv6 ospf6 network point-to-point\n"
    )
    (block,) = diff.blocks
    assert block.context == ("interface eth0",)
    assert block.changed == (("ip address 10.96.1.9/31", "ip address 10.96.1.1/31"),)


def test_legacy_hub_diff_is_per_interface_not_frr_reload_lines() -> None:
    """Issue #22: no ``interface eth1`` before every line; each block's context once."""
    text = compare(running("hub-01-r1", "legacy"), HUB).unified()
    assert text.count("interface eth1\n") == 1
    assert "-interface eth4\n- description SPARE - not in use\n- shutdown\n" in text
    assert "+router ospf6\n+ ospf6 router-id 10.96.0.2\n" in text
    assert "Lines To" not in text


def test_nested_blocks_bgp_address_families() -> None:
    bgp = (HERE / "fixtures" / "frr" / "get_config" / "show_running_config.txt").read_text()
    candidate = edit(
        edit(bgp, "  network 10.255.0.1/32\n", "  network 10.255.0.9/32\n"),
        " neighbor 10.0.12.2 description r2 over IPv4\n",
        "",
    )
    diff = compare(bgp, candidate)
    assert [(b.context, b.status) for b in diff.blocks] == [
        (("router bgp 65001",), "changed"),
        (("router bgp 65001", "address-family ipv4 unicast"), "changed"),
    ]
    assert diff.ipv4_removed_or_changed == (
        "router bgp 65001: neighbor 10.0.12.2 description r2 over IPv4",
        "router bgp 65001 / address-family ipv4 unicast: network 10.255.0.1/32 -> "
        "network 10.255.0.9/32",
    )
    text = diff.unified()
    assert "@@ router bgp 65001\n  address-family ipv4 unicast\n-  network 10.255.0.1/32\n" in (
        re.sub(r"@@ -\S+ \+\S+ @@", "@@", text)
    )
    assert patch(normalise(bgp), text) == normalise(candidate)


def test_what_frr_does_not_care_about_is_no_change() -> None:
    shuffled = "\n".join(
        [
            "! a comment",
            "frr version 9.1",
            "router ospf6",
            "   ospf6 router-id   10.96.0.3",
            "exit",
            *HUB_PUSHED.replace("router-id 10.96.0.2", "router-id 10.96.0.3").splitlines()[4:],
        ]
    )
    assert not compare(HUB_PUSHED, HUB).differs
    assert compare(HUB_PUSHED, shuffled).summary().startswith("+0 -0 ~2;")  # the router-ids
    assert not compare(
        "interface lo\n ipv6 address 2001:DB8:0::1/128\nexit\n",
        "interface lo\n ipv6 address 2001:db8::1/128\n",
    ).differs
    assert (
        compare(
            "interface lo\n description A\nexit\n", "interface lo\n description a\nexit\n"
        ).changed
        == 1
    )


def test_an_empty_diff_renders_nothing() -> None:
    diff = compare(HUB_PUSHED, HUB)
    assert diff == ConfigDiff() and diff.unified() == ""
    assert diff.refusal() == ""


def test_refusal_names_the_first_lines_and_the_override() -> None:
    diff = compare(running("hub-01-r1", "legacy"), HUB)
    reason = diff.refusal()
    assert reason.startswith("removes or changes 8 IPv4 lines: ip route 172.20.4.0/22 Null0; ")
    assert "(--allow-ipv4-change); removes 3 lines: interface eth4; " in reason
    assert reason.endswith("netauto does not own (--prune-legacy)")
    assert diff.refusal(allow_ipv4_change=True).startswith("removes 3 lines")
    assert diff.refusal(allow_ipv4_change=True, prune_legacy=True) == ""


IPV4_LINES = [
    ("ip address 10.0.0.1/30", ("interface eth0",), True),
    ("ip ospf area 0", ("interface eth0",), True),
    ("ip ospf network point-to-point", ("interface eth0",), True),
    ("ip route 0.0.0.0/0 10.0.0.2", (), True),
    ("ip prefix-list P seq 5 permit 10.0.0.0/8", (), True),
    ("access-list A seq 10 deny any", (), True),
    ("no ip forwarding", (), True),
    ("router ospf", (), True),
    ("network 10.0.0.0/24 area 0", ("router ospf",), True),
    ("redistribute connected", ("router ospf",), True),
    ("passive-interface default", ("router ospf",), True),
    ("neighbor 10.0.12.2 remote-as 65002", ("router bgp 65001",), True),
    ("bgp router-id 10.255.0.1", ("router bgp 65001",), True),
    ("network 10.0.0.0/24", ("router bgp 65001", "address-family ipv4 unicast"), True),
    ("redistribute static", ("router bgp 65001", "address-family ipv4 unicast"), True),
    ("match ip address prefix-list P", ("route-map RM permit 10",), True),
    ("permit tcp any any eq 22", ("ip access-list extended MGMT",), True),
    ("ipv6 address 2001:db8::1/64", ("interface eth0",), False),
    ("ipv6 ospf6 area 0.0.0.0", ("interface eth0",), False),
    ("ipv6 route ::/0 2001:db8::ffff", (), False),
    ("ospf6 router-id 10.96.0.3", ("router ospf6",), False),
    ("redistribute static", ("router bgp 65001", "address-family ipv6 unicast"), False),
    ("neighbor 10.0.12.2 activate", ("router bgp 65001", "address-family ipv6 unicast"), False),
    ("description uplink 10.0.0.1", ("interface eth0",), False),
    ("hostname r1", (), False),
    ("shutdown", ("interface eth4",), False),
    ("no ipv6 nd suppress-ra", ("interface lan10",), False),
    ("route-map RM permit 10", (), False),
    ("interface eth0", (), False),
]


@pytest.mark.parametrize(("line", "context", "expected"), IPV4_LINES)
def test_is_ipv4(line: str, context: tuple[str, ...], expected: bool) -> None:
    assert is_ipv4(line, context) is expected


@pytest.mark.parametrize(
    ("old", "new", "paired"),
    [
        ("ip address 10.0.0.1/30", "ip address 10.0.0.5/30", True),
        ("description A", "description B and more", True),
        ("ip route 192.0.2.0/24 10.0.0.1", "ip route 192.0.2.0/24 10.0.0.5", True),
        ("ip route 192.0.2.0/24 10.0.0.1", "ip route 198.51.100.0/24 10.0.0.1", False),
        ("ip ospf cost 10", "ip ospf cost 20", True),
        ("redistribute static", "redistribute connected", False),
        ("ipv6 nd ra-interval 30", "ipv6 nd suppress-ra", False),
        ("neighbor 10.0.0.1 remote-as 1", "neighbor 10.0.0.2 remote-as 1", False),
    ],
)
def test_pair_key(old: str, new: str, paired: bool) -> None:
    assert (pair_key(old) == pair_key(new)) is paired


def test_ipv4_only_router_only_gets_ipv6_lines() -> None:
    diff = compare(IPV4_ONLY, ANXUYEN)
    added = [(b.context, line) for b in diff.blocks for line in b.added]
    assert added and not any(is_ipv4(line, context) for context, line in added)
    assert all(b.removed == () and b.changed == () for b in diff.blocks)
    assert [b.context for b in diff.blocks if b.status == "added"] == [("router ospf6",)]


def test_named_lines_mask_secrets() -> None:
    diff = compare(
        "router bgp 1\n neighbor 10.0.0.1 password abc\n password zebra\nexit\n",
        "router bgp 1\n neighbor 10.0.0.1 password xyz\nexit\n",
    )
    assert diff.ipv4_removed_or_changed == (
        "router bgp 1: neighbor 10.0.0.1 password <removed> -> "
        "neighbor 10.0.0.1 password <removed>",
    )
    assert diff.legacy_removed == ("router bgp 1: password <removed>",)
    assert "abc" not in diff.refusal() and "zebra" not in diff.refusal()
