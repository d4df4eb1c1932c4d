"""Offline checks of rendered configurations, before anything is pushed.

* **addresses**: every address statement in a rendered config belongs to the interface the
  plan gives it, every planned address is there, and no other address is configured. The
  addresses the SoT's ``imported`` section keeps (secondaries, a spare port's) are expected
  too: they come from the SoT, as the plan's do;
* **parity** (dual-stack): every interface, routing source and kind of filter entry with IPv4 has
  its IPv6 counterpart; IPv4-only leftovers are reported. Interfaces and routing gaps are
  errors; filter gaps are warnings (the SoT may restrict a policy rule to one family on
  purpose, e.g. a management network that is still IPv4-only). What the device runs and
  the import keeps (a spare port's addresses, its access-lists and prefix-lists, static
  routes) is legacy IPv4 configuration kept on purpose, not a gap: it is not reported;
* **blocks** (imported devices): no block (an interface, an ACL) is opened twice: an
  imported spare port or filter that has the name of one netauto writes (Huawei's ``acl
  number 2001``, IOS's ``NA-SSH-V4``) would merge two configurations into one;
* **ssh** (lockout): every device's SSH allow-list (``management.networks``; for FRR, the
  ``ssh`` chain of the rendered ``<host>.nft``) is not empty and contains every address the
  push connects from, where that is known: otherwise the push would cut its own session
  (and, with an empty list, every operator's);
* **syntax** (FRR): see :mod:`netauto.render.frrsyntax` (needs FRR installed).

Every function here is pure: rendered text and the plan in, findings out.
"""

from __future__ import annotations

import ipaddress
import re
from collections import Counter
from collections.abc import Sequence

from netauto import platforms
from netauto.parse.readback import ConfigAddress, ConfigFacts, filter_group, read_nft, read_text
from netauto.plan.models import DevicePlan, Plan
from netauto.render.models import Finding, RenderedConfig
from netauto.sot.models import Imported, ImportedDevice

Address = ConfigAddress
Network = ipaddress.IPv4Network | ipaddress.IPv6Network
SourceAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


def expected_addresses(
    device: DevicePlan, imported: ImportedDevice | None = None
) -> dict[str, set[Address]]:
    """Interface name (as the platform's reader reports it) -> the addresses it must carry:
    the plan's, and the imported secondaries and spare-port addresses of ``imported``."""
    out: dict[str, set[Address]] = {}
    platform = platforms.get(device.platform)
    loopback = next(
        (i.name for i in device.interfaces if i.kind == "loopback"), platform.loopback
    )
    of = ConfigAddress.of
    out[platform.canonical_interface(loopback)] = {of(device.loopback4), of(device.loopback6)}
    for iface in device.interfaces:
        name = platform.canonical_interface(iface.name)
        addrs = out.setdefault(name, set())
        addrs |= {of(a) for a in (iface.ipv4, iface.ipv6) if a is not None}
    for kept in imported.interfaces if imported else []:
        if kept.secondary:
            addrs = out.setdefault(platform.canonical_interface(kept.name), set())
            addrs |= {of(a) for a in kept.secondary}
    return out


def legacy_interfaces(device: DevicePlan, imported: ImportedDevice | None) -> set[str]:
    """The imported interfaces the plan does not have (spare ports), as read back."""
    if imported is None:
        return set()
    platform = platforms.get(device.platform)
    planned = {platform.canonical_interface(i.name) for i in device.interfaces}
    kept = {platform.canonical_interface(i.name) for i in imported.interfaces}
    return kept - planned


def check_addresses(
    device: DevicePlan, facts: ConfigFacts, imported: ImportedDevice | None = None
) -> list[Finding]:
    """Rendered addresses versus planned (and imported) addresses, interface by interface."""
    host = device.hostname
    found: list[Finding] = []
    expected = expected_addresses(device, imported)
    for name, iface in sorted(facts.interfaces.items()):
        rendered: list[Address] = [*iface.ipv4, *iface.ipv6]
        if not rendered:
            continue
        want = expected.get(name)
        if want is None:
            found.append(
                Finding(
                    hostname=host,
                    check="addresses",
                    message=f"interface {name} carries {', '.join(map(str, rendered))} "
                    "but the plan has no such interface",
                )
            )
            continue
        for addr in rendered:
            if addr not in want:
                found.append(
                    Finding(
                        hostname=host,
                        check="addresses",
                        message=f"{name}: {addr} is not the plan's address for this interface "
                        f"(plan: {', '.join(sorted(map(str, want))) or 'none'})",
                    )
                )
        for dup, count in Counter(rendered).items():
            if count > 1:
                found.append(
                    Finding(hostname=host, check="addresses", message=f"{name}: {dup} twice")
                )
    for name, want in sorted(expected.items()):
        have = facts.interfaces.get(name)
        present = set(have.ipv4) | set(have.ipv6) if have else set()
        for addr in sorted(want - present, key=str):
            found.append(
                Finding(
                    hostname=host,
                    check="addresses",
                    message=f"{name}: planned address {addr} is missing from the config",
                )
            )
    for stray in facts.stray:
        found.append(
            Finding(
                hostname=host,
                check="addresses",
                message=f"address {stray} is configured outside any interface",
            )
        )
    return found


def check_parity(
    hostname: str,
    facts: ConfigFacts,
    legacy_interfaces: frozenset[str] | set[str] = frozenset(),
    legacy_filters: frozenset[str] | set[str] = frozenset(),
) -> list[Finding]:
    """Dual-stack parity: IPv4 things without their IPv6 counterpart.

    ``legacy_interfaces`` (read-back names) and ``legacy_filters`` (filter groups, see
    :func:`~netauto.parse.readback.filter_group`) are imported IPv4 configuration the
    device keeps as it runs: not gaps of netauto's dual-stack plan, so not reported.
    """
    found: list[Finding] = []
    for name, iface in sorted(facts.interfaces.items()):
        if name in legacy_interfaces:
            continue
        if iface.ipv4 and not iface.ipv6:
            found.append(
                Finding(
                    hostname=hostname,
                    check="parity",
                    message=f"interface {name} has IPv4 ({iface.ipv4[0]}) but no IPv6 address",
                )
            )
        if iface.ospf2 and not iface.ospf3:
            found.append(
                Finding(
                    hostname=hostname,
                    check="parity",
                    message=f"interface {name} runs OSPFv2 but not OSPFv3",
                )
            )
    if facts.bgp4 != facts.bgp6:
        found.append(
            Finding(
                hostname=hostname,
                check="parity",
                message=f"{facts.bgp4} IPv4 BGP neighbours but {facts.bgp6} IPv6 ones",
            )
        )
    # Compared by kind of entry, not by count: aggregation legitimately gives IPv4 and
    # IPv6 different numbers of prefixes for the same rule.
    v4 = Counter((f.group, f.action, f.proto, f.port) for f in facts.filters if f.family == "ipv4")
    v6 = {(f.group, f.action, f.proto, f.port) for f in facts.filters if f.family == "ipv6"}
    for (group, action, proto, port), count in sorted(v4.items(), key=lambda item: str(item[0])):
        if (group, action, proto, port) in v6 or group in legacy_filters:
            continue
        what = f"{proto} {port}" if proto else "any protocol"
        found.append(
            Finding(
                hostname=hostname,
                check="parity",
                severity="warning",
                message=f"filter {group}: {count} IPv4-only {action} entr"
                f"{'y' if count == 1 else 'ies'} ({what}) without an IPv6 counterpart",
            )
        )
    return found


_BLOCK_HEAD = re.compile(r"^([^\s!#/][^\n]*)\n(?=[ \t])", re.MULTILINE)
"""A top-level line followed by an indented one: the line that opens a block."""


def check_blocks(hostname: str, text: str) -> list[Finding]:
    r"""Blocks opened more than once in one rendered config.

    Examples:
        >>> text = "acl number 2001\n rule 5 deny\n#\nacl number 2001\n rule 5 permit\n"
        >>> [f.message.split(":")[0] for f in check_blocks("r1", text)]
        ['`acl number 2001` opens 2 blocks']
    """
    counts = Counter(_BLOCK_HEAD.findall(text))
    return [
        Finding(
            hostname=hostname,
            check="blocks",
            message=f"`{head}` opens {count} blocks: an imported interface or filter has the "
            "name of one netauto writes (rename it on the device, then import again)",
        )
        for head, count in sorted(counts.items())
        if count > 1
    ]


_SSH_CHAIN = re.compile(r"^\s*chain ssh \{\n(?P<body>.*?)^\s*\}", re.MULTILINE | re.DOTALL)
_SSH_ALLOW = re.compile(r"^\s*ip6? saddr (\S+) accept\b", re.MULTILINE)


def ssh_allow_list(ruleset: str) -> list[Network] | None:
    r"""The source networks the ``ssh`` chain of an FRR ruleset accepts (None: no such chain).

    Examples:
        >>> ssh_allow_list('chain ssh {\n ct state established,related accept\n'
        ...                ' iif "lo" accept\n ip saddr 192.0.2.0/24 accept\n drop\n}\n')
        [IPv4Network('192.0.2.0/24')]
        >>> ssh_allow_list('chain ssh {\n iif "lo" accept\n drop\n}\n')
        []
        >>> ssh_allow_list("table inet netauto {\n}\n") is None
        True
    """
    chain = _SSH_CHAIN.search(ruleset)
    if chain is None:
        return None
    return [ipaddress.ip_network(n, strict=False) for n in _SSH_ALLOW.findall(chain["body"])]


def check_ssh_access(
    hostname: str,
    filename: str,
    allowed: Sequence[Network],
    sources: Sequence[SourceAddress] = (),
) -> list[Finding]:
    """Errors for an SSH allow-list that would lock the push out: an empty one, or one that
    lacks an address the push connects from (``sources``, where netauto knows them).

    Examples:
        >>> net = ipaddress.ip_network("192.0.2.0/24")
        >>> [f.message[:57] for f in check_ssh_access("r1", "r1.nft", [])]
        ['r1.nft: management.networks: the SSH allow-list is empty:']
        >>> check_ssh_access("r1", "r1.nft", [net], [ipaddress.ip_address("192.0.2.7")])
        []
        >>> [f.message[:64] for f in check_ssh_access("r1", "r1.nft", [net],
        ...                                          [ipaddress.ip_address("198.51.100.7")])]
        ['r1.nft: management.networks: the SSH allow-list does not contain']
    """
    where = f"{filename}: management.networks"
    hint = "(hint: list the networks netauto and the operators connect from in management.networks)"
    if not allowed:
        return [
            Finding(
                hostname=hostname,
                check="ssh",
                message=f"{where}: the SSH allow-list is empty: the device would accept SSH "
                f"from nowhere but itself, so a push would cut its own session {hint}",
            )
        ]
    return [
        Finding(
            hostname=hostname,
            check="ssh",
            message=f"{where}: the SSH allow-list does not contain {source}, the address the "
            f"push connects from: the push would cut its own session {hint}",
        )
        for source in sources
        if not any(source.version == n.version and source in n for n in allowed)
    ]


def ssh_findings(
    config: RenderedConfig,
    networks: Sequence[Network] | None,
    sources: Sequence[SourceAddress] = (),
) -> list[Finding]:
    """:func:`check_ssh_access` on one rendered device: an FRR router's allow-list is read
    from its rendered ruleset (what the push applies), any other device's is ``networks``
    (the SoT's ``management.networks``, which its template renders; None: not checked)."""
    for side in config.extra:
        allowed = ssh_allow_list(side.text) if side.filename.endswith(".nft") else None
        if allowed is not None:
            return check_ssh_access(config.hostname, side.filename, allowed, sources)
    if networks is None:
        return []
    return check_ssh_access(config.hostname, f"{config.hostname}.conf", networks, sources)


def read_config(rendered: RenderedConfig) -> ConfigFacts:
    """Facts of a rendered device config (read back the way its platform says) and of its
    side files (an nftables ruleset)."""
    facts = read_text(platforms.get(rendered.platform).reader, rendered.text)
    for side in rendered.extra:
        if side.filename.endswith(".nft"):
            read_nft(side.text, facts)
    return facts


def check_rendered(
    plan: Plan,
    rendered: list[RenderedConfig],
    imported: Imported | None = None,
    ssh_networks: Sequence[Network] | None = None,
    ssh_sources: Sequence[SourceAddress] = (),
) -> list[Finding]:
    """Run the block, address, parity and SSH (lockout) checks on every rendered device config.

    ``imported``: the SoT's ``imported`` section (what the running devices keep);
    ``ssh_networks``: the SoT's ``management.networks`` (the SSH allow-list of platforms
    without an nftables side file); ``ssh_sources``: the addresses the push connects from,
    when known (each allow-list must contain them).
    """
    found: list[Finding] = []
    for config in rendered:
        if config.kind != "device":
            continue
        facts = read_config(config)
        device = plan.device(config.hostname)
        kept = imported.devices.get(config.hostname) if imported else None
        if kept is not None:  # only an imported name can collide with one netauto writes
            found += check_blocks(config.hostname, config.text)
        found += ssh_findings(config, ssh_networks, ssh_sources)
        found += check_addresses(device, facts, kept)
        found += check_parity(
            config.hostname,
            facts,
            legacy_interfaces(device, kept),
            {filter_group(f.name) for f in kept.filters} if kept else frozenset(),
        )
    return found
