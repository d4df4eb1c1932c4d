"""Default interface names of a device, from its platform (:mod:`netauto.platforms`).

The plan names every interface; render and lab never invent one. A link end or LAN that
names its interface in the SoT keeps that name; otherwise these defaults apply, with ``N``
the next index free on the device (link ends taken in link-key order, then pinned in the
ledger so that later links never rename earlier ones).
"""

from __future__ import annotations

from netauto import platforms
from netauto.sot.models import Platform


def wan_name(platform: Platform, index: int) -> str:
    """Default name of the ``index``-th WAN (point-to-point) interface.

    Examples:
        >>> wan_name("frr", 0), wan_name("linux", 2)
        ('eth0', 'eth2')
        >>> wan_name("cisco_ios", 1), wan_name("huawei_vrp", 1)
        ('GigabitEthernet0/0/1', 'GigabitEthernet0/0/1')
        >>> wan_name("junos", 3), wan_name("eos", 0)
        ('ge-0/0/3', 'Ethernet1')
    """
    return platforms.get(platform).wan_name(index)


def lan_name(platform: Platform, vlan: int) -> str:
    """Default name of the routed interface serving VLAN ``vlan``.

    Examples:
        >>> lan_name("frr", 10), lan_name("linux", 100)
        ('lan10', 'lan100')
        >>> lan_name("cisco_ios", 20), lan_name("junos", 20)
        ('GigabitEthernet0/1.20', 'irb.20')
        >>> lan_name("eos", 30), lan_name("huawei_vrp", 30)
        ('Vlan30', 'Vlanif30')
    """
    return platforms.get(platform).lan_name(vlan)


def loopback_name(platform: Platform) -> str:
    """Name of the loopback that carries the router's /32 and /128.

    Examples:
        >>> [loopback_name(p) for p in ("frr", "cisco_ios", "eos", "junos", "huawei_vrp")]
        ['lo', 'Loopback0', 'Loopback0', 'lo0.0', 'LoopBack0']
    """
    return platforms.get(platform).loopback


def next_wan_name(platform: Platform, taken: set[str]) -> str:
    """The first default WAN name not in ``taken``.

    Examples:
        >>> next_wan_name("frr", {"eth0", "eth2"})
        'eth1'
    """
    index = 0
    while wan_name(platform, index) in taken:
        index += 1
    return wan_name(platform, index)
