"""The legacy configuration kept per device, and what the imported section cannot hold."""

from __future__ import annotations

import ipaddress

import pytest

from netauto.adopt import filters, kept
from netauto.parse.configs import parse_config
from netauto.sot.models import ImportedFilterEntry

Net = ipaddress.IPv4Network


@pytest.mark.parametrize(
    ("text", "name", "seq", "action", "prefix"),
    [
        ("access-list MGMT seq 5 permit 172.21.255.0/24", "MGMT", 5, "permit", "172.21.255.0/24"),
        ("access-list NO-PARTNER seq 10 permit any", "NO-PARTNER", 10, "permit", None),
        ("access-list X deny 10.0.0.0/8", "X", None, "deny", "10.0.0.0/8"),
        ("ip prefix-list P seq 5 permit 0.0.0.0/0", "P", 5, "permit", "0.0.0.0/0"),
        ("access-list 10 permit 172.21.255.0 0.0.0.255", "10", None, "permit", "172.21.255.0/24"),
        ("access-list 10 deny host 192.0.2.9", "10", None, "deny", "192.0.2.9/32"),
        ("access-list 10 permit 192.0.2.9", "10", None, "permit", "192.0.2.9/32"),
        (" deny   192.0.2.0 0.0.0.255", "NO-PARTNER", None, "deny", "192.0.2.0/24"),
        (" 20 permit any", "NO-PARTNER", 20, "permit", None),
        (" rule 5 permit source 172.21.255.0 0.0.0.255", "2000", 5, "permit", "172.21.255.0/24"),
        (" rule 10 deny source any", "2001", 10, "deny", None),
        (" rule 15 permit", "2001", 15, "permit", None),
        ("ip ip-prefix T index 10 permit 172.21.31.0 24", "T", 10, "permit", "172.21.31.0/24"),
    ],
)  # fmt: skip
def test_filter_entries_of_every_syntax(
    text: str, name: str, seq: int | None, action: str, prefix: str | None
) -> None:
    assert filters.entry(text, name) == ImportedFilterEntry.model_validate(
        {"seq": seq, "action": action, "prefix": prefix}
    )


@pytest.mark.parametrize(
    "text",
    [
        " permit tcp any any eq 443",
        "ip prefix-list P seq 5 permit 10.0.0.0/8 le 24",
        "ip ip-prefix P index 10 permit 0.0.0.0 0 less-equal 32",
        " rule 5 permit tcp source 10.0.0.0 0.0.0.255 destination-port eq 22",
        "access-list X seq 5 permit 10.0.0.1/24",
        "access-list X seq 5 permit 10.0.0.0/8 exact-match",
        "access-list X seq 0 permit any",
        "access-list X what",
    ],
)
def test_entries_that_match_on_more_than_a_prefix_are_unreadable(text: str) -> None:
    with pytest.raises(filters.Unreadable):
        filters.entry(text, "X" if "X" in text else "P")


def device(config: str, platform: str = "frr") -> kept.Kept:
    return kept.Kept(parse_config(platform, config, "r1.conf"))


def test_an_address_on_an_interface_the_sot_does_not_model_is_not_kept() -> None:
    item = device(
        "hostname r1\ninterface eth7\n description mgmt\n ip address 10.9.9.1/24\n"
        "exit\ninterface lo\n ip address 10.0.0.1/32\n ip address 10.0.0.9/32\nexit\n"
    )
    found = kept.interfaces(item, {"lo"})
    assert [(i.name, i.description, [str(a) for a in i.secondary]) for i in found] == [
        ("eth7", "mgmt", []), ("lo", None, ["10.0.0.9/32"]),
    ]  # fmt: skip
    (lost,) = item.not_kept
    assert (lost.interface, lost.what, lost.line) == ("eth7", "address 10.9.9.1/24", 4)
    assert "add a link or a LAN for it" in lost.why


def test_ipv6_and_vrf_static_routes_and_route_extras_are_not_kept() -> None:
    item = device(
        "hostname r1\nip route 10.1.0.0/16 10.0.0.2 tag 9\nip route 2001:db8::/32 fe80::1 eth0\n"
        "ip route 10.2.0.0/16 10.0.0.3 vrf red\n"
    )
    routes = kept.static_routes(item)
    assert [(str(r.prefix), str(r.next_hop)) for r in routes] == [("10.1.0.0/16", "10.0.0.2")]
    assert [n.what for n in item.not_kept] == [
        "static route 10.1.0.0/16: tag 9",
        "static route ip route 2001:db8::/32 fe80::1 eth0",
        "static route ip route 10.2.0.0/16 10.0.0.3 vrf red",
    ]


def test_ospf_redistribution_and_distribute_lists() -> None:
    item = device(
        "hostname r1\nrouter ospf\n ospf router-id 10.0.0.1\n redistribute static\n"
        " redistribute connected metric 20\n redistribute kernel route-map K\n"
        " distribute-list NO-PARTNER out static\n distribute-list prefix P out connected\n"
        "exit\naccess-list NO-PARTNER seq 5 deny 192.0.2.0/24\nip prefix-list P seq 5 permit any\n"
        "route-map K permit 10\nexit\n"
    )
    ospf = kept.ospf(item)
    assert ospf is not None and str(ospf.router_id) == "10.0.0.1"
    assert ospf.redistribute == ["static", "connected"]
    assert [(d.name, d.direction, d.protocol) for d in ospf.distribute_lists] == [
        ("NO-PARTNER", "out", "static")
    ]
    lost = {n.what: n.why for n in item.not_kept}
    assert (
        "is not imported (kept as a plain redistribution)"
        in lost["redistribute connected metric 20"]
    )
    assert "route maps are not imported" in lost["redistribute kernel route-map K"]
    assert any("distribute-list prefix P out connected" in w for w in lost)


def test_ios_redistribute_subnets_is_a_plain_redistribution() -> None:
    item = device(
        "hostname r1\n!\nrouter ospf 1\n redistribute static subnets\n redistribute bgp 65001"
        " subnets\n!\nend\n", "cisco_ios",
    )  # fmt: skip
    ospf = kept.ospf(item)
    assert ospf is not None and ospf.redistribute == ["static", "bgp"] and item.not_kept == []
