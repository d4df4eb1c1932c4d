"""Cross-reference checks on a schema-valid SoT (pure: SoT in, problems out).

Each problem is a :class:`Finding` (path, message, hint, and for duplicates the path of the
first occurrence); the loader turns paths into file and line.
"""

from __future__ import annotations

import difflib
from collections import defaultdict
from collections.abc import Iterable, Iterator
from typing import NamedTuple

from netauto.sot.models import BUILTIN_GROUPS, SoT
from netauto.sot.source import PathKey


class Finding(NamedTuple):
    """One cross-reference problem: where, what, how to fix, and the other value involved."""

    path: PathKey
    message: str
    hint: str = ""
    also: PathKey | None = None
    """For duplicates: the first occurrence (the loader adds its file and line)."""


def _suggest(name: str, known: Iterable[str]) -> str:
    close = difflib.get_close_matches(name, list(known), n=1)
    return f"did you mean {close[0]!r}?" if close else ""


def _duplicates(
    items: Iterable[tuple[PathKey, object]], what: str, hint: str = ""
) -> Iterator[Finding]:
    seen: dict[object, PathKey] = {}
    for path, value in items:
        if value is None:
            continue
        if value in seen:
            yield Finding(path, f"duplicate {what} {value!r}", hint, also=seen[value])
        else:
            seen[value] = path


def check(sot: SoT) -> list[Finding]:
    """Every cross-reference problem in ``sot``.

    Examples:
        >>> from netauto.sot.models import SoT
        >>> sot = SoT.model_validate({
        ...     "province": {"name": "Demo", "code": 96},
        ...     "addressing": {"ipv6": {"allocation": "2001:db8:9600::/40"},
        ...                    "ipv4": {"supernets": ["10.96.0.0/16"]}},
        ...     "sites": [{"site_id": 1, "slug": "a", "kind": "commune", "name": "A",
        ...                "hub": "nowhere"}]})
        >>> [(f.path, f.message, f.hint) for f in check(sot)]
        [(('sites', 0, 'hub'), "unknown hub 'nowhere'", 'hubs are sites of kind hub')]
    """
    found: list[Finding] = []
    sites = sot.site_by_slug()

    # Identity: ids, slugs, hostnames, commune codes.
    found += _duplicates(
        ((("sites", i, "site_id"), s.site_id) for i, s in enumerate(sot.sites)), "site_id"
    )
    found += _duplicates(((("sites", i, "slug"), s.slug) for i, s in enumerate(sot.sites)), "slug")
    hostnames: list[tuple[PathKey, object]] = []
    for i, site in enumerate(sot.sites):
        hostnames += [
            (("sites", i, "devices", j, "hostname"), d.hostname) for j, d in enumerate(site.devices)
        ]
    hostnames += [(("devices", i, "hostname"), d.hostname) for i, d in enumerate(sot.devices)]
    hostnames += [(("vms", i, "name"), vm.name) for i, vm in enumerate(sot.vms)]
    found += _duplicates(hostnames, "hostname")
    primaries = (
        (("sites", i, "commune_code"), s.commune_code)
        for i, s in enumerate(sot.sites)
        if s.commune_role == "primary"
    )
    found += _duplicates(
        primaries,
        "commune code",
        "a commune has one primary site; mark the others `commune_role: annex` "
        "(e.g. the former People's Committee of a merged commune)",
    )

    # Sites: hubs and LANs.
    hubs = {slug for slug, s in sites.items() if s.kind == "hub"}
    for i, site in enumerate(sot.sites):
        if site.hub is not None:
            if site.kind == "hub":
                found.append(Finding(("sites", i, "hub"), "a hub cannot have a parent hub"))
            elif site.hub not in hubs:
                found.append(
                    Finding(
                        ("sites", i, "hub"),
                        f"unknown hub {site.hub!r}",
                        _suggest(site.hub, hubs) or "hubs are sites of kind hub",
                    )
                )
        local = {d.hostname for d in site.devices} | {
            d.hostname for d in sot.devices if d.site == site.slug
        }
        lan_keys: dict[str, int] = {}
        vlans: dict[int, int] = {}
        for j, lan in enumerate(site.lans):
            if lan.device is not None and lan.device not in local:
                found.append(
                    Finding(
                        ("sites", i, "lans", j, "device"),
                        f"device {lan.device!r} is not on site {site.slug!r}",
                        _suggest(lan.device, local),
                    )
                )
            if lan.device is None and not local:
                found.append(
                    Finding(
                        ("sites", i, "lans", j),
                        f"site {site.slug!r} has a LAN but no router to serve it",
                        "add a device to the site",
                    )
                )
            if lan.key in lan_keys:
                found.append(
                    Finding(
                        ("sites", i, "lans", j, "name"),
                        f"duplicate LAN {lan.key!r} on site {site.slug!r}",
                        "give each LAN of one function a distinct `name`",
                    )
                )
            lan_keys[lan.key] = j
            if lan.vlan in vlans:
                found.append(
                    Finding(
                        ("sites", i, "lans", j, "vlan"),
                        f"VLAN {lan.vlan} used twice on site {site.slug!r}",
                        "",
                    )
                )
            vlans[lan.vlan] = j

    for i, dev in enumerate(sot.devices):
        if dev.site not in sites:
            found.append(
                Finding(
                    ("devices", i, "site"),
                    f"device on unknown site {dev.site!r}",
                    _suggest(dev.site, sites),
                )
            )

    # Links.
    all_hosts = {d.hostname for _, d in sot.all_devices()}
    found += _duplicates(
        ((("links", i, "id"), link.key) for i, link in enumerate(sot.links)),
        "link id",
        "two links between the same routers need distinct `id`s",
    )
    used_ports: dict[tuple[str, str], PathKey] = {}
    for i, site in enumerate(sot.sites):
        first_router = site.devices[0].hostname if site.devices else None
        for j, lan in enumerate(site.lans):
            router = lan.device or first_router
            if lan.interface and router:
                used_ports.setdefault((router, lan.interface), ("sites", i, "lans", j))
    for i, link in enumerate(sot.links):
        for side, end in (("a", link.a), ("b", link.b)):
            if end.device not in all_hosts:
                found.append(
                    Finding(
                        ("links", i, side, "device"),
                        f"unknown device {end.device!r}",
                        _suggest(end.device, all_hosts),
                    )
                )
            if end.interface:
                port = (end.device, end.interface)
                if port in used_ports:
                    found.append(
                        Finding(
                            ("links", i, side, "interface"),
                            f"interface {end.interface} of {end.device} is used twice",
                            "each interface carries one link or LAN",
                            also=used_ports[port],
                        )
                    )
                used_ports.setdefault(port, ("links", i, side))
            if end.ipv4 is not None and end.ipv4.network.prefixlen != 31:
                found.append(
                    Finding(
                        ("links", i, side, "ipv4"),
                        f"point-to-point links use /31, got {end.ipv4}",
                        "",
                    )
                )
        if link.a.device == link.b.device:
            found.append(Finding(("links", i), f"link from {link.a.device} to itself"))

    # Services, VMs.
    dc_sites = {slug: s for slug, s in sites.items() if s.kind == "data-centre"}
    for i, vm in enumerate(sot.vms):
        for j, service in enumerate(vm.services):
            if service not in sot.services:
                found.append(
                    Finding(
                        ("vms", i, "services", j),
                        f"unknown service {service!r}",
                        _suggest(service, sot.services) or "define it under `services:`",
                    )
                )
        site_slug = vm.site
        if site_slug is None:
            if len(dc_sites) != 1:
                found.append(
                    Finding(
                        ("vms", i),
                        f"VM {vm.name!r} has no `site` and there are "
                        f"{len(dc_sites)} data-centre sites",
                        "set `site:`",
                    )
                )
                continue
            site_slug = next(iter(dc_sites))
        elif site_slug not in dc_sites:
            found.append(
                Finding(
                    ("vms", i, "site"),
                    f"{site_slug!r} is not a data-centre site",
                    _suggest(site_slug, dc_sites),
                )
            )
            continue
        networks = {lan.key for lan in dc_sites[site_slug].lans}
        if vm.network not in networks:
            found.append(
                Finding(
                    ("vms", i, "network"),
                    f"no network {vm.network!r} on data-centre site {site_slug!r}",
                    _suggest(vm.network, networks) or "add it to the site's `lans:`",
                )
            )

    # Addressing.
    supernets = sot.addressing.ipv4.supernets
    for i, net in enumerate(supernets):
        for j in range(i):
            if net.overlaps(supernets[j]):
                found.append(
                    Finding(
                        ("addressing", "ipv4", "supernets", i),
                        f"{net} overlaps {supernets[j]}",
                        "IPv4 supernets must be disjoint",
                    )
                )

    # Policy and groups.
    group_names = set(BUILTIN_GROUPS) | set(sot.groups)
    targets = group_names | set(sot.services)
    for name, group in sot.groups.items():
        for j, slug in enumerate(group.sites):
            if slug not in sites:
                found.append(
                    Finding(
                        ("groups", name, "sites", j),
                        f"unknown site {slug!r}",
                        _suggest(slug, sites),
                    )
                )
        for j, hub in enumerate(group.hubs):
            if hub not in hubs:
                found.append(
                    Finding(
                        ("groups", name, "hubs", j), f"unknown hub {hub!r}", _suggest(hub, hubs)
                    )
                )
    for i, rule in enumerate(sot.policy):
        if rule.source not in group_names:
            found.append(
                Finding(
                    ("policy", i, "from"),
                    f"unknown group {rule.source!r}",
                    _suggest(rule.source, group_names)
                    or f"built-in groups: {', '.join(BUILTIN_GROUPS)}",
                )
            )
        for j, target in enumerate(rule.to):
            if target not in targets:
                found.append(
                    Finding(
                        ("policy", i, "to", j),
                        f"unknown service or group {target!r}",
                        _suggest(target, targets),
                    )
                )
    found += _imported(sot)
    return found


def _imported(sot: SoT) -> list[Finding]:
    """What ``imported`` names exists in the SoT, link ends share a subnet, and no address
    is used twice.

    Examples:
        >>> from netauto.sot.models import SoT
        >>> sot = SoT.model_validate({
        ...     "province": {"name": "Demo", "code": 96},
        ...     "addressing": {"ipv6": {"allocation": "2001:db8:9600::/40"},
        ...                    "ipv4": {"supernets": ["10.96.0.0/16"]}},
        ...     "imported": {"devices": {"r9": {"loopback": "172.31.0.9/32"}},
        ...                  "vms": {"v1": "172.20.0.9/24"}}})
        >>> [f.message for f in _imported(sot)]
        ["unknown device 'r9'", "unknown VM 'v1'"]
    """
    found: list[Finding] = []
    imported = sot.imported
    devices = {d.hostname for _, d in sot.all_devices()}
    links = {link.key: link for link in sot.links}
    lans = {f"{site.slug}/{lan.key}" for site in sot.sites for lan in site.lans}
    vms = {vm.name for vm in sot.vms}
    where = ("imported",)
    for name in imported.devices:
        if name not in devices:
            found.append(
                Finding(
                    (*where, "devices", name),
                    f"unknown device {name!r}",
                    _suggest(name, devices) or "import only what the SoT has",
                )
            )
    for key, ends in imported.links.items():
        if key not in links:
            found.append(
                Finding(
                    (*where, "links", key),
                    f"unknown link {key!r}",
                    _suggest(key, links) or "link ids are links[].id or 'a--b'",
                )
            )
        elif ends.a.network != ends.b.network or ends.a.ip == ends.b.ip:
            found.append(
                Finding(
                    (*where, "links", key, "b"),
                    f"link ends {ends.a} and {ends.b} are not two addresses of one subnet",
                    "both ends of a link share one subnet",
                )
            )
    for ref in imported.lans:
        if ref not in lans:
            found.append(
                Finding(
                    (*where, "lans", ref),
                    f"unknown LAN {ref!r}",
                    _suggest(ref, lans) or "LANs are <site slug>/<LAN key>",
                )
            )
    for name in imported.vms:
        if name not in vms:
            found.append(
                Finding((*where, "vms", name), f"unknown VM {name!r}", _suggest(name, vms))
            )
    used: list[tuple[PathKey, object]] = []
    for name, device in imported.devices.items():
        if device.loopback is not None:
            used.append(((*where, "devices", name, "loopback"), device.loopback.ip))
        for i, iface in enumerate(device.interfaces):
            used += [
                ((*where, "devices", name, "interfaces", i, "secondary", j), a.ip)
                for j, a in enumerate(iface.secondary)
            ]
    for key, ends in imported.links.items():
        used += [((*where, "links", key, "a"), ends.a.ip), ((*where, "links", key, "b"), ends.b.ip)]
    used += [((*where, "lans", ref), gateway.ip) for ref, gateway in imported.lans.items()]
    used += [((*where, "vms", name), address.ip) for name, address in imported.vms.items()]
    found += _duplicates(used, "IPv4 address", "every address belongs to one interface")
    return found


def group_members(sot: SoT, group: str) -> list[str]:
    """Slugs of the sites in a built-in or defined group, in SoT order.

    Examples:
        >>> from netauto.sot.models import SoT
        >>> sot = SoT.model_validate({
        ...     "province": {"name": "Demo", "code": 96},
        ...     "addressing": {"ipv6": {"allocation": "2001:db8:9600::/40"},
        ...                    "ipv4": {"supernets": ["10.96.0.0/16"]}},
        ...     "sites": [{"site_id": 1, "slug": "h", "kind": "hub", "name": "H"},
        ...               {"site_id": 2, "slug": "c", "kind": "commune", "name": "C",
        ...                "commune_code": "32002", "hub": "h"}]})
        >>> group_members(sot, "communes")
        ['c']
    """
    if group in BUILTIN_GROUPS:
        kind = BUILTIN_GROUPS[group]
        return [s.slug for s in sot.sites if s.kind == kind]
    spec = sot.groups[group]
    members = set(spec.sites)
    members |= {s.slug for s in sot.sites if s.hub in spec.hubs or s.kind in spec.kinds}
    return [s.slug for s in sot.sites if s.slug in members]


def by_hub(sot: SoT) -> dict[str | None, list[str]]:
    """Site slugs grouped by their hub (None for sites without one)."""
    out: dict[str | None, list[str]] = defaultdict(list)
    for site in sot.sites:
        out[site.hub].append(site.slug)
    return dict(out)
