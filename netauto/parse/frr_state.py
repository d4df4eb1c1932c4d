"""Pure parsers: output of vtysh (JSON and text), iproute2 (JSON), ping and traceroute on an
FRR box, turned into Napalm's documented structures (``napalm.base.models``).

No I/O here: the FRR driver (:mod:`netauto.drivers.frr`), push and verify run the commands and
hand the text over, so each output is read the same way wherever it is read.
"""

from __future__ import annotations

import ipaddress
import re
from typing import Any

from napalm.base import models

JSON = dict[str, Any]

AFI_NAMES = {"ipv4Unicast": "ipv4", "ipv6Unicast": "ipv6"}
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_DURATION = re.compile(r"(\d+)([wdhms])")
_UNIT_SECONDS = {"w": 604800, "d": 86400, "h": 3600, "m": 60, "s": 1}
_RUNNING_HEADER = re.compile(
    r"\A(?:Building configuration\.\.\.\s*\n)?\s*(?:Current configuration:\s*\n)?"
)
_SECRETS = re.compile(
    r"^([ \t]*(?:.*[ \t])?(?:password|authentication-key|key-string|md5))"
    r"([ \t]+\d+)?[ \t]+\S+[ \t]*$",
    re.MULTILINE,
)


def os_version(show_version: str) -> str:
    """The FRR version from ``show version``.

    Examples:
        >>> os_version("FRRouting 8.4.4 (r1) on Linux(6.1.0).\\nCopyright ...")
        '8.4.4'
        >>> os_version("something else")
        ''
    """
    match = re.search(r"FRRouting (\S+)", show_version)
    return match.group(1) if match else ""


def uptime_seconds(proc_uptime: str) -> float:
    """Seconds since boot from ``/proc/uptime``.

    Examples:
        >>> uptime_seconds("1735.09 2868.39\\n")
        1735.09
    """
    return float(proc_uptime.split()[0])


def config_hostname(running_config: str) -> str:
    """The ``hostname`` line of an FRR configuration, or ``""``.

    Examples:
        >>> config_hostname("frr version 8.4.4\\nhostname r1\\n!")
        'r1'
        >>> config_hostname("!")
        ''
    """
    match = re.search(r"^hostname (\S+)", running_config, re.MULTILINE)
    return match.group(1) if match else ""


def config_domainname(running_config: str) -> str:
    """The ``domainname`` line of an FRR configuration, or ``""``.

    Examples:
        >>> config_domainname("hostname r1\\ndomainname gov.vn\\n")
        'gov.vn'
    """
    match = re.search(r"^domainname (\S+)", running_config, re.MULTILINE)
    return match.group(1) if match else ""


def running_config_text(show_running: str) -> str:
    """``show running-config`` without vtysh's banner, so the text is a loadable config.

    Examples:
        >>> running_config_text("Building configuration...\\n\\nCurrent configuration:\\n!\\n"
        ...     "hostname r1\\n")
        '!\\nhostname r1\\n'
    """
    return _RUNNING_HEADER.sub("", show_running, count=1)


def sanitize(config: str) -> str:
    """Mask secrets (passwords, keys) in an FRR configuration.

    Examples:
        >>> sanitize(" neighbor 10.0.0.1 password s3cret\\n ip ospf message-digest-key 1 md5 k\\n")
        ' neighbor 10.0.0.1 password <removed>\\n ip ospf message-digest-key 1 md5 <removed>\\n'
    """
    return _SECRETS.sub(lambda m: f"{m.group(1)} <removed>", config)


def daemon_not_running(vtysh_stderr: str, daemon: str) -> bool:
    """Whether vtysh refused a command because ``daemon`` is not running on the box.

    vtysh then exits non-zero and prints ``<daemon> is not running`` on stderr: for a show
    command of that daemon this means "nothing configured", not a failure.

    Examples:
        >>> daemon_not_running("bgpd is not running\\n", "bgpd")
        True
        >>> daemon_not_running("% Unknown command: show bgp\\n", "bgpd")
        False
    """
    return any(line.strip() == f"{daemon} is not running" for line in vtysh_stderr.splitlines())


def duration_seconds(text: str) -> int:
    """Seconds in an FRR uptime string (``00:00:19``, ``1d02h03m``, ``01w2d03h``).

    Examples:
        >>> duration_seconds("00:00:19")
        19
        >>> duration_seconds("01:02:03")
        3723
        >>> duration_seconds("1d02h03m")
        93780
        >>> duration_seconds("01w2d03h")
        788400
        >>> duration_seconds("never")
        0
    """
    if ":" in text:
        seconds = 0
        for part in text.split(":"):
            if not part.isdigit():
                return 0
            seconds = seconds * 60 + int(part)
        return seconds
    return sum(int(n) * _UNIT_SECONDS[unit] for n, unit in _DURATION.findall(text))


def mac_address(text: str) -> str:
    """A MAC address in Napalm's canonical form (upper-case, colon separated).

    Examples:
        >>> mac_address("ca:9f:79:66:3f:bd")
        'CA:9F:79:66:3F:BD'
        >>> mac_address("")
        ''
    """
    return text.upper()


def interface_list(show_interface: JSON) -> list[str]:
    """Interface names from ``show interface json``, sorted.

    Examples:
        >>> interface_list({"lo": {}, "eth1": {}})
        ['eth1', 'lo']
    """
    return sorted(show_interface)


def interfaces(show_interface: JSON) -> dict[str, models.InterfaceDict]:
    """Napalm ``get_interfaces`` from ``vtysh -c 'show interface json'``.

    FRR gives speed in Mbit/s; it has no flap timestamp in JSON, so ``last_flapped`` is -1.0
    as Napalm documents for "unknown".

    Examples:
        >>> interfaces({"eth1": {"administrativeStatus": "up", "operationalStatus": "down",
        ...     "mtu": 1500, "speed": 10000, "hardwareAddress": "ca:9f:79:66:3f:bd"}})["eth1"]
        ... # doctest: +NORMALIZE_WHITESPACE
        {'is_up': False, 'is_enabled': True, 'description': '', 'last_flapped': -1.0,
         'mtu': 1500, 'speed': 10000.0, 'mac_address': 'CA:9F:79:66:3F:BD'}
    """
    result: dict[str, models.InterfaceDict] = {}
    for name, data in sorted(show_interface.items()):
        result[name] = {
            "is_up": data.get("operationalStatus") == "up",
            "is_enabled": data.get("administrativeStatus") == "up",
            "description": str(data.get("description", "")),
            "last_flapped": -1.0,
            "mtu": int(data.get("mtu", 0)),
            "speed": float(data.get("speed", 0)),
            "mac_address": mac_address(str(data.get("hardwareAddress", ""))),
        }
    return result


def interfaces_ip(ip_addr: list[JSON]) -> dict[str, models.InterfacesIPDict]:
    """Napalm ``get_interfaces_ip`` from ``ip -j addr show``.

    Host-scope addresses (127.0.0.1, ::1) are left out; link-local IPv6 addresses are kept,
    as Napalm's example does. Interfaces without addresses are absent.

    Examples:
        >>> interfaces_ip([{"ifname": "eth1", "addr_info": [
        ...     {"family": "inet", "local": "10.0.12.1", "prefixlen": 30, "scope": "global"},
        ...     {"family": "inet6", "local": "fe80::1", "prefixlen": 64, "scope": "link"}]},
        ...     {"ifname": "lo", "addr_info": [
        ...     {"family": "inet", "local": "127.0.0.1", "prefixlen": 8, "scope": "host"}]}])
        {'eth1': {'ipv4': {'10.0.12.1': {'prefix_length': 30}}, 'ipv6': {'fe80::1': {'prefix_length': 64}}}}
    """  # noqa: E501
    result: dict[str, models.InterfacesIPDict] = {}
    for link in ip_addr:
        entry: dict[str, dict[str, models.InterfacesIPDictEntry]] = {}
        for addr in link.get("addr_info", []):
            if addr.get("scope") == "host" or "local" not in addr:
                continue
            family = {"inet": "ipv4", "inet6": "ipv6"}.get(str(addr.get("family")))
            if family is None:
                continue
            entry.setdefault(family, {})[str(addr["local"])] = {
                "prefix_length": int(addr["prefixlen"])
            }
        if entry:
            result[str(link["ifname"])] = entry
    return result


def _peer_enabled(summary_peer: JSON, detail: JSON) -> bool:
    state = str(summary_peer.get("state", detail.get("bgpState", "")))
    return "Admin" not in state and not detail.get("adminShutDown", False)


def bgp_neighbors(summary: JSON, neighbors: JSON) -> dict[str, models.BGPStateNeighborsPerVRFDict]:
    """Napalm ``get_bgp_neighbors`` from ``show bgp vrf all summary json`` and
    ``show bgp vrf all neighbors json``.

    The default VRF is called ``global``, as Napalm requires, and is always there: without
    BGP (empty output) the result is Napalm's empty shape, ``global`` with no router id and no
    peers. Address families are ``ipv4`` (IPv4 unicast) and ``ipv6`` (IPv6 unicast).

    Examples:
        >>> summary = {"default": {"ipv4Unicast": {"routerId": "10.255.0.1", "as": 65001,
        ...     "peers": {"10.0.12.2": {"remoteAs": 65002, "localAs": 65001,
        ...     "state": "Established", "peerUptimeMsec": 6000, "pfxRcd": 1, "pfxSnt": 2}}}}}
        >>> neighbors = {"default": {"10.0.12.2": {"remoteRouterId": "10.255.0.2",
        ...     "addressFamilyInfo": {"ipv4Unicast": {"acceptedPrefixCounter": 1}}}}}
        >>> out = bgp_neighbors(summary, neighbors)
        >>> out["global"]["router_id"], out["global"]["peers"]["10.0.12.2"]["address_family"]
        ('10.255.0.1', {'ipv4': {'received_prefixes': 1, 'accepted_prefixes': 1, 'sent_prefixes': 2}})
        >>> bgp_neighbors({}, {})
        {'global': {'router_id': '', 'peers': {}}}
    """  # noqa: E501
    result: dict[str, models.BGPStateNeighborsPerVRFDict] = {}
    for vrf, families in summary.items():
        if not isinstance(families, dict):
            continue
        vrf_key = "global" if vrf == "default" else vrf
        vrf_details = neighbors.get(vrf, {}) if isinstance(neighbors.get(vrf), dict) else {}
        router_id = ""
        peers: dict[str, models.BGPStateNeighborDict] = {}
        for afi_key, af in families.items():
            if not isinstance(af, dict) or "peers" not in af:
                continue
            router_id = router_id or str(af.get("routerId", ""))
            afi = AFI_NAMES.get(afi_key)
            for address, peer in af["peers"].items():
                detail = vrf_details.get(address, {})
                if address not in peers:
                    peers[address] = {
                        "local_as": int(peer.get("localAs", af.get("as", 0))),
                        "remote_as": int(peer.get("remoteAs", detail.get("remoteAs", 0))),
                        "remote_id": str(detail.get("remoteRouterId", "0.0.0.0")),
                        "is_up": peer.get("state") == "Established",
                        "is_enabled": _peer_enabled(peer, detail),
                        "description": str(peer.get("desc", detail.get("nbrDesc", ""))),
                        "uptime": int(peer.get("peerUptimeMsec", 0)) // 1000,
                        "address_family": {},
                    }
                if afi is None:
                    continue
                af_detail = detail.get("addressFamilyInfo", {}).get(afi_key, {})
                received = int(peer.get("pfxRcd", 0))
                peers[address]["address_family"][afi] = {
                    "received_prefixes": received,
                    "accepted_prefixes": int(af_detail.get("acceptedPrefixCounter", received)),
                    "sent_prefixes": int(peer.get("pfxSnt", af_detail.get("sentPrefixCounter", 0))),
                }
        if router_id or peers:
            result[vrf_key] = {"router_id": router_id, "peers": peers}
    result.setdefault("global", {"router_id": "", "peers": {}})
    return result


def bgp_attributes(show_bgp_prefix: JSON, local_as: int) -> JSON:
    """Napalm's BGP ``protocol_attributes`` from the best path of
    ``show bgp <afi> unicast <prefix> json``; ``{}`` when there is no best path.

    Examples:
        >>> bgp_attributes({"paths": [{"aspath": {"string": "65002 65010"}, "metric": 0,
        ...     "locPrf": 200, "bestpath": {"overall": True},
        ...     "community": {"string": "65002:1 65002:2"},
        ...     "peer": {"peerId": "10.0.12.2", "routerId": "10.255.0.2"}}]}, 65001)
        ... # doctest: +NORMALIZE_WHITESPACE
        {'local_as': 65001, 'remote_as': 65002, 'peer_id': '10.255.0.2',
         'as_path': '65002 65010', 'communities': ['65002:1', '65002:2'],
         'local_preference': 200, 'preference2': 0, 'metric': 0, 'metric2': 0}
    """
    for path in show_bgp_prefix.get("paths", []):
        if not path.get("bestpath", {}).get("overall"):
            continue
        as_path = str(path.get("aspath", {}).get("string", ""))
        first_as = as_path.split()[0] if as_path.split() else ""
        communities = str(path.get("community", {}).get("string", "")).split()
        return {
            "local_as": local_as,
            "remote_as": int(first_as) if first_as.isdigit() else local_as,
            "peer_id": str(path.get("peer", {}).get("routerId", "")),
            "as_path": as_path,
            "communities": communities,
            "local_preference": int(path.get("locPrf", 100)),
            "preference2": 0,
            "metric": int(path.get("metric", 0)),
            "metric2": 0,
        }
    return {}


def routes(
    show_route: JSON, protocol: str = "", bgp: dict[str, JSON] | None = None
) -> dict[str, list[models.RouteDict]]:
    """Napalm ``get_route_to`` from ``show ip route ... json`` / ``show ipv6 route ... json``.

    One entry per (route, next hop). ``protocol`` filters (FRR's names: ``bgp``, ``ospf``,
    ``static``, ``connected``...). ``bgp`` maps a prefix to its BGP protocol attributes.

    Examples:
        >>> r = routes({"192.0.2.0/24": [{"protocol": "static", "selected": True,
        ...     "distance": 1, "vrfName": "default", "uptime": "00:01:00",
        ...     "nexthops": [{"ip": "10.0.12.2", "interfaceName": "eth1", "fib": True}]}]})
        >>> r["192.0.2.0/24"][0]["next_hop"], r["192.0.2.0/24"][0]["age"]
        ('10.0.12.2', 60)
        >>> routes({"192.0.2.0/24": [{"protocol": "static", "nexthops": []}]}, "bgp")
        {}
    """
    result: dict[str, list[models.RouteDict]] = {}
    for prefix, entries in show_route.items():
        for route in entries:
            proto = str(route.get("protocol", ""))
            if protocol and proto != protocol.lower():
                continue
            selected = bool(route.get("selected", False))
            attributes = (bgp or {}).get(prefix, {}) if proto == "bgp" else {}
            for hop in route.get("nexthops", []) or [{}]:
                result.setdefault(prefix, []).append(
                    {
                        "protocol": proto,
                        "current_active": selected,
                        "last_active": selected,
                        "age": duration_seconds(str(route.get("uptime", ""))),
                        "next_hop": str(hop.get("ip", "")),
                        "outgoing_interface": str(hop.get("interfaceName", "")),
                        "selected_next_hop": bool(hop.get("fib", False)),
                        "preference": int(route.get("distance", 0)),
                        "inactive_reason": "" if selected else "not selected",
                        "routing_table": str(route.get("vrfName", "default")),
                        "protocol_attributes": dict(attributes),
                    }
                )
    return result


def ip_version(destination: str) -> int:
    """4 or 6 for an address or prefix; 0 for a host name.

    Examples:
        >>> ip_version("10.0.12.2"), ip_version("fd00::/64"), ip_version("example.org")
        (4, 6, 0)
    """
    try:
        return ipaddress.ip_network(destination, strict=False).version
    except ValueError:
        return 0


_PING_REPLY = re.compile(r"bytes from (?:\S+ \()?([^\s()]+?)\)?: icmp_seq=.*time=([\d.]+) ms")
_PING_STATS = re.compile(r"(\d+) packets transmitted, (\d+) received")
_PING_RTT = re.compile(r"= ([\d.]+)/([\d.]+)/([\d.]+)/([\d.]+) ms")


def ping_result(text: str) -> models.PingResultDict:
    """Napalm ``ping`` from iputils ``ping`` output (``packet_loss`` counts lost probes).

    Examples:
        >>> ping_result("64 bytes from 10.0.12.2: icmp_seq=1 ttl=64 time=0.6 ms\\n"
        ...     "1 packets transmitted, 1 received, 0% packet loss, time 0ms\\n"
        ...     "rtt min/avg/max/mdev = 0.600/0.600/0.600/0.000 ms")["success"]["results"]
        [{'ip_address': '10.0.12.2', 'rtt': 0.6}]
        >>> ping_result("64 bytes from fd00:12::2: icmp_seq=1 ttl=64 time=0.06 ms\\n"
        ...     "1 packets transmitted, 1 received")["success"]["results"]
        [{'ip_address': 'fd00:12::2', 'rtt': 0.06}]
        >>> ping_result("ping: connect: Network is unreachable")
        {'error': 'ping: connect: Network is unreachable'}
    """
    stats = _PING_STATS.search(text)
    if stats is None:
        return {"error": _ANSI.sub("", text).strip() or "ping produced no output"}
    sent, received = int(stats.group(1)), int(stats.group(2))
    rtt = _PING_RTT.search(text)
    rtt_min, rtt_avg, rtt_max, rtt_dev = (
        (float(rtt.group(i)) for i in range(1, 5)) if rtt else (0.0, 0.0, 0.0, 0.0)
    )
    results: list[models.PingResultDictEntry] = [
        {"ip_address": m.group(1), "rtt": float(m.group(2))} for m in _PING_REPLY.finditer(text)
    ]
    return {
        "success": {
            "probes_sent": sent,
            "packet_loss": sent - received,
            "rtt_min": rtt_min,
            "rtt_max": rtt_max,
            "rtt_avg": rtt_avg,
            "rtt_stddev": rtt_dev,
            "results": results,
        }
    }


def _traceroute_hop(tokens: list[str]) -> dict[int, models.TracerouteDict]:
    probes: dict[int, models.TracerouteDict] = {}
    address = "*"
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token == "*":
            probes[len(probes) + 1] = {"rtt": 0.0, "ip_address": "*", "host_name": "*"}
        elif i + 1 < len(tokens) and tokens[i + 1] == "ms":
            probes[len(probes) + 1] = {
                "rtt": float(token),
                "ip_address": address,
                "host_name": address,
            }
            i += 1
        elif token.startswith("!"):
            pass  # an ICMP annotation (!N, !H...) on the previous probe
        elif token.startswith("(") and token.endswith(")"):
            address = token.strip("()")
        else:
            address = token
        i += 1
    return probes


def traceroute_result(text: str) -> models.TracerouteResultDict:
    """Napalm ``traceroute`` from ``traceroute -n`` output; a timed-out probe is ``*``.

    Examples:
        >>> out = traceroute_result("traceroute to 10.255.0.2 (10.255.0.2), 5 hops max\\n"
        ...     " 1  10.0.12.2  0.132 ms !N *\\n")
        >>> out["success"][1]["probes"][1]["ip_address"], out["success"][1]["probes"][2]["rtt"]
        ('10.0.12.2', 0.0)
        >>> traceroute_result("x.invalid: Name or service not known")
        {'error': 'x.invalid: Name or service not known'}
    """
    lines = text.strip().splitlines()
    if not lines or not lines[0].startswith("traceroute to"):
        return {"error": _ANSI.sub("", text).strip() or "traceroute produced no output"}
    hops: dict[int, models.TracerouteResultDictEntry] = {}
    for line in lines[1:]:
        tokens = line.split()
        if not tokens or not tokens[0].isdigit():
            continue
        hops[int(tokens[0])] = {"probes": _traceroute_hop(tokens[1:])}
    return {"success": hops}


_NEVER_SHOWN = re.compile(r"^(frr version \S+|ip forwarding|ipv6 forwarding)$")
"""Lines FRR accepts but never shows in its running config when they are in effect."""


def reload_diff(frr_reload_test: str) -> str:
    """The change set from ``frr-reload.py --test``; ``""`` when there is nothing to change.

    Keeps frr-reload's own sections ("Lines To Delete", "Lines To Add") and drops colour codes,
    blank padding, and lines FRR never shows when in effect (``frr version``, ``ip forwarding``,
    ``ipv6 forwarding``), which frr-reload would otherwise report as a change forever.

    Examples:
        >>> reload_diff("\\nLines To Add\\n============\\nip route 198.51.100.0/24 Null0\\n\\n")
        'Lines To Add\\n============\\nip route 198.51.100.0/24 Null0'
        >>> reload_diff("\\n\\n")
        ''
        >>> reload_diff("Lines To Add\\n============\\nfrr version 8.4\\nip forwarding\\n")
        ''
    """
    text = _ANSI.sub("", frr_reload_test).strip()
    sections: list[list[str]] = []
    for line in text.splitlines():
        if line.startswith("Lines To ") or not sections:
            sections.append([line])
        elif not _NEVER_SHOWN.match(line.strip()):
            sections[-1].append(line)
    kept = []
    for section in sections:
        body = [x for x in section[1:] if x.strip() and not set(x.strip()) <= {"="}]
        if section[0].startswith("Lines To ") and not body:
            continue
        kept.append("\n".join(section).strip())
    return "\n\n".join(k for k in kept if k)


def reload_added(frr_reload_test: str) -> str:
    """Only the "Lines To Add" section of ``frr-reload.py --test`` (a merge never deletes).

    Examples:
        >>> reload_added("Lines To Delete\\n===============\\nno ip route 1.0.0.0/8 Null0\\n"
        ...     "\\nLines To Add\\n============\\nip route 2.0.0.0/8 Null0\\n")
        'Lines To Add\\n============\\nip route 2.0.0.0/8 Null0'
        >>> reload_added("Lines To Delete\\n===============\\nno ip route 1.0.0.0/8 Null0\\n")
        ''
    """
    text = reload_diff(frr_reload_test)
    start = text.find("Lines To Add")
    return text[start:].strip() if start >= 0 else ""


_CAPABILITIES = {
    "other": "other",
    "repeater": "repeater",
    "bridge": "bridge",
    "wlan": "wlan-access-point",
    "router": "router",
    "telephone": "telephone",
    "docsis": "docsis-cable-device",
    "station": "station",
}
"""lldpd's capability names → Napalm's (``get_lldp_neighbors_detail``)."""


def _lldp_items(value: Any) -> list[tuple[str, JSON]]:
    """``(name, body)`` pairs of an lldpd JSON collection.

    lldpcli's ``-f json`` writes a collection of one as a mapping and of several as a list
    of one-key mappings; both give the same pairs here.

    Examples:
        >>> _lldp_items({"eth0": {"rid": "1"}})
        [('eth0', {'rid': '1'})]
        >>> _lldp_items([{"eth1": {"rid": "1"}}, {"eth1": {"rid": "2"}}])
        [('eth1', {'rid': '1'}), ('eth1', {'rid': '2'})]
        >>> _lldp_items(None)
        []
    """
    items = value if isinstance(value, list) else [value] if isinstance(value, dict) else []
    return [
        (str(name), body if isinstance(body, dict) else {})
        for item in items
        if isinstance(item, dict)
        for name, body in item.items()
    ]


def _lldp_neighbour(body: JSON) -> tuple[str, JSON, JSON]:
    """The system name, the chassis and the port of one lldpd neighbour entry.

    A chassis that sends no system name is written without its name level
    (``{"id": {...}, ...}``): its name is then ``""``.

    Examples:
        >>> _lldp_neighbour({"chassis": {"r2": {"id": {"value": "aa"}}},
        ...                  "port": {"id": {"type": "ifname", "value": "eth0"}}})
        ('r2', {'id': {'value': 'aa'}}, {'id': {'type': 'ifname', 'value': 'eth0'}})
        >>> _lldp_neighbour({"chassis": {"id": {"value": "aa"}}})[0]
        ''
    """
    chassis = body.get("chassis")
    port = body.get("port")
    port = port if isinstance(port, dict) else {}
    if not isinstance(chassis, dict) or "id" in chassis:
        return "", chassis if isinstance(chassis, dict) else {}, port
    named = _lldp_items(chassis)
    return (named[0][0], named[0][1], port) if named else ("", {}, port)


def _lldp_value(data: Any) -> str:
    """The ``value`` of an lldpd id (``{"type": ..., "value": ...}``), or a plain string.

    Examples:
        >>> _lldp_value({"type": "ifname", "value": "eth0"}), _lldp_value("eth1"), _lldp_value(None)
        ('eth0', 'eth1', '')
    """
    if isinstance(data, dict):
        return str(data.get("value", ""))
    return str(data) if isinstance(data, str) else ""


def _lldp_port(port: JSON) -> str:
    """The neighbour's port as Napalm names it: its id when that is an interface name (or a
    local name), else its description, else whatever id it sent.

    Examples:
        >>> _lldp_port({"id": {"type": "ifname", "value": "eth0"}, "descr": "uplink"})
        'eth0'
        >>> _lldp_port({"id": {"type": "mac", "value": "aa:bb:cc:dd:ee:ff"}, "descr": "Gi0/1"})
        'Gi0/1'
    """
    ident = port.get("id")
    kind = ident.get("type", "") if isinstance(ident, dict) else ""
    value = _lldp_value(ident)
    if kind in ("ifname", "local", "ifalias") or not port.get("descr"):
        return value
    return str(port["descr"])


def lldp_neighbors(lldpcli: JSON) -> dict[str, list[models.LLDPNeighborDict]]:
    """Napalm ``get_lldp_neighbors`` from ``lldpcli -f json show neighbors``.

    Examples:
        >>> lldp_neighbors({"lldp": {"interface": {"eth0": {
        ...     "chassis": {"hub-01-r1": {"id": {"type": "mac", "value": "3e:a1"}}},
        ...     "port": {"id": {"type": "ifname", "value": "eth1"}, "descr": "eth1"}}}}})
        {'eth0': [{'hostname': 'hub-01-r1', 'port': 'eth1'}]}
        >>> lldp_neighbors({"lldp": {}})
        {}
    """
    result: dict[str, list[models.LLDPNeighborDict]] = {}
    lldp = lldpcli.get("lldp")
    for local, body in _lldp_items(lldp.get("interface") if isinstance(lldp, dict) else None):
        name, _, port = _lldp_neighbour(body)
        result.setdefault(local, []).append({"hostname": name, "port": _lldp_port(port)})
    return result


def lldp_neighbors_detail(
    lldpcli: JSON, interface: str = ""
) -> dict[str, list[models.LLDPNeighborDetailDict]]:
    """Napalm ``get_lldp_neighbors_detail`` from ``lldpcli -f json show neighbors`` (the
    plain listing already carries every field Napalm asks for); ``interface``: only that
    local port.

    Examples:
        >>> detail = lldp_neighbors_detail({"lldp": {"interface": {"eth0": {
        ...     "chassis": {"r2": {"id": {"type": "mac", "value": "3e:a1"}, "descr": "Debian",
        ...                 "capability": [{"type": "Bridge", "enabled": False},
        ...                                {"type": "Router", "enabled": True}]}},
        ...     "port": {"id": {"type": "ifname", "value": "eth1"}, "descr": "to r1"}}}}})
        >>> detail["eth0"][0]  # doctest: +NORMALIZE_WHITESPACE
        {'parent_interface': '', 'remote_port': 'eth1', 'remote_port_description': 'to r1',
         'remote_chassis_id': '3e:a1', 'remote_system_name': 'r2',
         'remote_system_description': 'Debian', 'remote_system_capab': ['bridge', 'router'],
         'remote_system_enable_capab': ['router']}
    """
    result: dict[str, list[models.LLDPNeighborDetailDict]] = {}
    lldp = lldpcli.get("lldp")
    for local, body in _lldp_items(lldp.get("interface") if isinstance(lldp, dict) else None):
        if interface and local != interface:
            continue
        name, chassis, port = _lldp_neighbour(body)
        raw = chassis.get("capability", [])
        capabilities = [c for c in (raw if isinstance(raw, list) else [raw]) if isinstance(c, dict)]
        names = [_CAPABILITIES.get(str(c.get("type", "")).lower(), "other") for c in capabilities]
        result.setdefault(local, []).append(
            {
                "parent_interface": "",
                "remote_port": _lldp_value(port.get("id")),
                "remote_port_description": str(port.get("descr", "")),
                "remote_chassis_id": _lldp_value(chassis.get("id")),
                "remote_system_name": name,
                "remote_system_description": str(chassis.get("descr", "")),
                "remote_system_capab": names,
                "remote_system_enable_capab": [
                    n for n, c in zip(names, capabilities, strict=True) if c.get("enabled")
                ],
            }
        )
    return result


def lldpd_absent(rc: int, stderr: str) -> bool:
    """Whether ``lldpcli`` failed because the box runs no LLDP daemon (not installed, or
    its socket does not answer): the box then has no neighbours to report.

    Examples:
        >>> lldpd_absent(127, "sh: 1: lldpcli: not found")
        True
        >>> lldpd_absent(1, "[WARN/control] unable to connect to socket /run/lldpd.socket")
        True
        >>> lldpd_absent(1, "something else")
        False
    """
    return rc == 127 or "unable to connect to socket" in stderr
