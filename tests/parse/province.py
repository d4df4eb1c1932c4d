"""What the sample configurations in tests/data/configs hold: one legacy province (the
tiny SoT's five routers) written for three platforms.

Interfaces are named here by their role; :data:`NAMES` gives each platform's name for a
role (the names the SoT plan gives that platform).
"""

from __future__ import annotations

from pathlib import Path

CONFIGS = Path(__file__).resolve().parent.parent / "data" / "configs"

PLATFORMS = ("frr", "cisco_ios", "huawei_vrp")
SUFFIX = {"frr": ".conf", "cisco_ios": ".cfg", "huawei_vrp": ".cfg"}
DEVICES = ("dc-core-r1", "hub-01-r1", "cm-anxuyen-r1", "cm-lyvanlam-r1", "cm-tanthanh-r1")


def sample(platform: str, device: str) -> Path:
    """The sample configuration of ``device`` on ``platform``."""
    return CONFIGS / platform / f"{device}{SUFFIX[platform]}"


def all_samples() -> list[tuple[str, str]]:
    """Every (platform, device) with a sample."""
    return [(p, d) for p in PLATFORMS for d in DEVICES]


_GE = "GigabitEthernet0/0/"
NAMES: dict[str, dict[str, str]] = {
    "frr": {
        "lo": "lo",
        "lan10": "lan10",
        "lan20": "lan20",
        "lan100": "lan100",
        "uplink": "eth0",  # a commune's link to the hub
        "dc-to-hub": "eth1",
        "hub-to-dc": "eth0",
        "hub-to-anxuyen": "eth1",
        "hub-to-lyvanlam": "eth2",
        "hub-to-tanthanh": "eth3",
        "dc-spare": "eth2",
        "hub-spare": "eth4",
        "lyvanlam-spare": "eth1",
    },
    "cisco_ios": {
        "lo": "Loopback0",
        "lan10": "GigabitEthernet0/1.10",
        "lan20": "GigabitEthernet0/1.20",
        "lan100": "GigabitEthernet0/1.100",
        "uplink": _GE + "0",
        "dc-to-hub": _GE + "0",
        "hub-to-dc": _GE + "3",
        "hub-to-anxuyen": _GE + "0",
        "hub-to-lyvanlam": _GE + "1",
        "hub-to-tanthanh": _GE + "2",
        "dc-spare": _GE + "1",
        "hub-spare": _GE + "4",
        "lyvanlam-spare": _GE + "1",
    },
    "huawei_vrp": {
        "lo": "LoopBack0",
        "lan10": "Vlanif10",
        "lan20": "Vlanif20",
        "lan100": "Vlanif100",
        "uplink": _GE + "0",
        "dc-to-hub": _GE + "0",
        "hub-to-dc": _GE + "3",
        "hub-to-anxuyen": _GE + "0",
        "hub-to-lyvanlam": _GE + "1",
        "hub-to-tanthanh": _GE + "2",
        "dc-spare": _GE + "1",
        "hub-spare": _GE + "4",
        "lyvanlam-spare": _GE + "1",
    },
}

ADDRESSES: list[tuple[str, str, str, bool]] = [
    # device, interface role, address, secondary
    ("dc-core-r1", "dc-to-hub", "172.21.250.1/30", False),
    ("dc-core-r1", "lan100", "172.21.1.1/24", False),
    ("dc-core-r1", "lan100", "172.21.2.1/24", True),
    ("dc-core-r1", "lo", "172.21.255.1/32", False),
    ("hub-01-r1", "hub-to-dc", "172.21.250.2/30", False),
    ("hub-01-r1", "hub-to-anxuyen", "172.21.250.5/30", False),
    ("hub-01-r1", "hub-to-lyvanlam", "172.21.250.9/30", False),
    ("hub-01-r1", "hub-to-tanthanh", "172.21.250.13/30", False),
    ("hub-01-r1", "lo", "172.21.255.2/32", False),
    ("cm-anxuyen-r1", "uplink", "172.21.250.6/30", False),
    ("cm-anxuyen-r1", "lan10", "172.21.11.1/24", False),
    ("cm-anxuyen-r1", "lan20", "172.21.12.1/24", False),
    ("cm-anxuyen-r1", "lo", "172.21.255.3/32", False),
    ("cm-lyvanlam-r1", "uplink", "172.21.250.10/30", False),
    ("cm-lyvanlam-r1", "lan10", "172.21.21.1/24", False),
    ("cm-lyvanlam-r1", "lo", "172.21.255.4/32", False),
    ("cm-tanthanh-r1", "uplink", "172.21.250.14/30", False),
    ("cm-tanthanh-r1", "lan10", "172.21.31.1/24", False),
    ("cm-tanthanh-r1", "lo", "172.21.255.5/32", False),
]

SHUT: list[tuple[str, str]] = [
    ("dc-core-r1", "dc-spare"),
    ("hub-01-r1", "hub-spare"),
    ("cm-lyvanlam-r1", "lyvanlam-spare"),
]

ROUTER_IDS = {device: f"172.21.255.{n}" for n, device in enumerate(DEVICES, 1)}

# device -> (prefix, next hop, blackhole, distance, tag) of every static route, per platform
# family: FRR writes a blackhole distance as 254 like the others.
STATIC_ROUTES: dict[str, list[tuple[str, str | None, bool, int | None, int | None]]] = {
    "dc-core-r1": [
        ("172.21.0.0/16", None, True, 254, None),
        ("192.0.2.0/24", "172.21.1.20", False, None, 120),
    ],
    "hub-01-r1": [
        ("172.21.31.0/24", "172.21.250.14", False, None, None),
        ("172.21.255.5/32", "172.21.250.14", False, None, None),
    ],
    "cm-anxuyen-r1": [],
    "cm-lyvanlam-r1": [],
    "cm-tanthanh-r1": [
        ("0.0.0.0/0", "172.21.250.13", False, None, None),
        ("0.0.0.0/0", None, False, 250, None),  # FRR: interface only; IOS/VRP: both
        ("172.21.31.128/25", None, True, None, None),
    ],
}

# platform -> device -> [(kind, name, entry count, [where it is applied])]
FILTERS: dict[str, dict[str, list[tuple[str, str, int, list[str]]]]] = {
    "frr": {
        "dc-core-r1": [
            ("access-list", "MGMT", 2, ["line vty"]),
            ("access-list", "NO-PARTNER", 2, ["router ospf"]),
        ],
        "hub-01-r1": [
            ("access-list", "MGMT", 2, ["line vty"]),
            ("prefix-list", "TANTHANH", 2, ["route-map STATIC-TO-OSPF permit 10"]),
            ("route-map", "STATIC-TO-OSPF", 2, ["router ospf"]),
        ],
        "cm-anxuyen-r1": [("access-list", "MGMT", 2, ["line vty"])],
        "cm-lyvanlam-r1": [],
        "cm-tanthanh-r1": [("prefix-list", "ONLY-DEFAULT", 2, [])],
    },
    "cisco_ios": {
        "dc-core-r1": [
            ("access-list", "MGMT", 2, ["line vty 0 4"]),
            ("access-list", "NO-PARTNER", 2, ["router ospf 1"]),
            ("access-list", "SERVERS-IN", 5, ["interface GigabitEthernet0/1.100"]),
        ],
        "hub-01-r1": [
            ("prefix-list", "TANTHANH", 2, ["route-map STATIC-TO-OSPF permit 10"]),
            ("access-list", "10", 3, ["line vty 0 4"]),
            ("route-map", "STATIC-TO-OSPF", 2, ["router ospf 1"]),
        ],
        "cm-anxuyen-r1": [
            ("access-list", "WIFI-IN", 3, ["interface GigabitEthernet0/1.20"]),
            ("access-list", "10", 2, ["line vty 0 4"]),
        ],
        "cm-lyvanlam-r1": [],
        "cm-tanthanh-r1": [("prefix-list", "ONLY-DEFAULT", 2, [])],
    },
    "huawei_vrp": {
        "dc-core-r1": [
            ("access-list", "2000", 3, ["user-interface vty 0 4"]),
            ("access-list", "2010", 3, ["ospf 1"]),
            ("access-list", "3000", 5, ["interface Vlanif100"]),
        ],
        "hub-01-r1": [
            ("access-list", "2000", 3, ["user-interface vty 0 4"]),
            ("prefix-list", "TANTHANH", 2, ["route-policy STATIC-TO-OSPF permit node 10"]),
            ("route-map", "STATIC-TO-OSPF", 2, ["ospf 1"]),
        ],
        "cm-anxuyen-r1": [
            ("access-list", "2000", 2, ["user-interface vty 0 4"]),
            ("access-list", "3001", 4, ["interface Vlanif20"]),
        ],
        "cm-lyvanlam-r1": [],
        "cm-tanthanh-r1": [("prefix-list", "ONLY-DEFAULT", 2, [])],
    },
}

# Circuit ids in the descriptions of each router's links (every platform writes them).
CIRCUITS = {
    "dc-core-r1": ["VNPT-CM-0001"],
    "hub-01-r1": ["VNPT-CM-0001", "VNPT-CM-1001", "VNPT-CM-1002", "VNPT-CM-1003"],
    "cm-anxuyen-r1": ["VNPT-CM-1001"],
    "cm-lyvanlam-r1": ["VNPT-CM-1002"],
    "cm-tanthanh-r1": ["VNPT-CM-1003"],
}
