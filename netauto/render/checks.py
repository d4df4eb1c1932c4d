"""Offline checks of rendered configurations, before anything is pushed.

* **addresses**: every address statement in a rendered config belongs to the interface the
  plan gives it, every planned address is there, and no other address is configured;
* **parity** (dual-stack): every interface, routing source and kind of filter entry with IPv4 has
  its IPv6 counterpart; IPv4-only leftovers are reported. Interfaces and routing gaps are
  errors; filter gaps are warnings (the SoT may restrict a policy rule to one family on
  purpose, e.g. a management network that is still IPv4-only);
* **syntax** (FRR): see :mod:`netauto.render.frrsyntax` (needs FRR installed).

Every function here is pure: rendered text and the plan in, findings out.
"""

from __future__ import annotations

from collections import Counter

from netauto import platforms
from netauto.parse.readback import ConfigAddress, ConfigFacts, read_nft, read_text
from netauto.plan.models import DevicePlan, Plan
from netauto.render.models import Finding, RenderedConfig

Address = ConfigAddress


def expected_addresses(device: DevicePlan) -> dict[str, set[Address]]:
    """Interface name (as the platform's reader reports it) -> the addresses it must carry."""
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
    return out


def check_addresses(device: DevicePlan, facts: ConfigFacts) -> list[Finding]:
    """Rendered addresses versus planned addresses, interface by interface."""
    host = device.hostname
    found: list[Finding] = []
    expected = expected_addresses(device)
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


def check_parity(hostname: str, facts: ConfigFacts) -> list[Finding]:
    """Dual-stack parity: IPv4 things without their IPv6 counterpart."""
    found: list[Finding] = []
    for name, iface in sorted(facts.interfaces.items()):
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
        if (group, action, proto, port) in v6:
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


def read_config(rendered: RenderedConfig) -> ConfigFacts:
    """Facts of a rendered device config (read back the way its platform says) and of its
    side files (an nftables ruleset)."""
    facts = read_text(platforms.get(rendered.platform).reader, rendered.text)
    for side in rendered.extra:
        if side.filename.endswith(".nft"):
            read_nft(side.text, facts)
    return facts


def check_rendered(plan: Plan, rendered: list[RenderedConfig]) -> list[Finding]:
    """Run the address and parity checks on every rendered device config."""
    found: list[Finding] = []
    for config in rendered:
        if config.kind != "device":
            continue
        facts = read_config(config)
        found += check_addresses(plan.device(config.hostname), facts)
        found += check_parity(config.hostname, facts)
    return found
