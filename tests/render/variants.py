"""Copies of a SoT with every device switched to one vendor platform (for golden tests)."""

from __future__ import annotations

from netauto.sot.models import Platform, SoT

#: Interface names in each vendor's usual style (the plan's per-platform defaults).
WAN: dict[str, str] = {
    "cisco_ios": "GigabitEthernet0/0/{}",
    "huawei_vrp": "GigabitEthernet0/0/{}",
    "junos": "ge-0/0/{}",
    "eos": "Ethernet{}",
}
LAN: dict[str, str] = {
    "cisco_ios": "GigabitEthernet0/1.{}",
    "huawei_vrp": "Vlanif{}",
    "junos": "irb.{}",
    "eos": "Vlan{}",
}


def platform_variant(sot: SoT, platform: Platform) -> SoT:
    """``sot`` with every device on ``platform`` and interface names in that platform's style.

    Link ends ``ethN`` become the platform's N-th WAN interface; LANs get the platform's
    default LAN interface name, so the copy stays a valid, realistic SoT.
    """
    data = sot.model_dump(by_alias=True, exclude_none=True)
    for site in data["sites"]:
        for device in site["devices"]:
            device["platform"] = platform
        for lan in site["lans"]:
            lan["interface"] = LAN[platform].format(lan["vlan"])
    for link in data["links"]:
        for end in ("a", "b"):
            name = link[end].get("interface")
            if name and name.startswith("eth"):
                index = int(name.removeprefix("eth")) + (platform == "eos")
                link[end]["interface"] = WAN[platform].format(index)
    return SoT.model_validate(data)
