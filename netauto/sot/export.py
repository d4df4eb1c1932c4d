"""Inventories derived from the SoT (pure: SoT in, typed data out, no I/O).

* :func:`host_inventory`: every router and data-centre VM with its site, hub, platform and
  role, plus a summary: what ``netauto inventory`` prints.
* :func:`nornir_inventory`: Nornir SimpleInventory (``hosts.yaml``, ``groups.yaml``,
  ``defaults.yaml``) with groups per platform, site kind, hub and site.
* :func:`ansible_inventory`: an Ansible YAML inventory with groups per site kind, hub and
  platform; data-centre VMs under ``dc_vms``.

Group names are shared by both exports: ``<prefix>_<value>`` with ``-`` turned into ``_``
(Ansible warns about ``-`` in group names), e.g. ``kind_commune``, ``hub_hub_01``.
"""

from __future__ import annotations

from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field

from netauto import ansible_yaml, platforms
from netauto.sot.models import SITE_KINDS, VM, Device, Platform, SiteKind, SoT

HostKind = Literal["router", "vm"]
_Dumper: type[Any] = getattr(yaml, "CSafeDumper", yaml.SafeDumper)

class ExportModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class HostRow(ExportModel):
    """One host of the inventory: a router or a data-centre VM."""

    name: str
    kind: HostKind
    platform: Platform
    role: str = Field(description="router role (core, hub, cpe, router) or 'vm'")
    site_id: int
    site: str = Field(description="site slug")
    site_name: str
    site_kind: SiteKind
    hub: str | None = Field(description="hub serving the site (a hub's own slug for a hub)")
    commune_code: str | None
    address: str = Field(description="what to connect to: mgmt address, lab name or hostname")
    services: list[str] = Field(default_factory=list, description="VMs: services hosted")


class Summary(ExportModel):
    sites: dict[str, int] = Field(description="number of sites per kind")
    devices: int
    lans: int
    vms: int
    links: int

    def __str__(self) -> str:
        kinds = ", ".join(f"{n} {kind}" for kind, n in self.sites.items())
        return (
            f"{sum(self.sites.values())} sites ({kinds}), {self.devices} devices, "
            f"{self.lans} LANs, {self.vms} VMs, {self.links} links"
        )


class HostInventory(ExportModel):
    province: str
    province_code: int
    hosts: list[HostRow]
    summary: Summary


def group_name(prefix: str, value: str) -> str:
    """A group name valid for both Nornir and Ansible.

    Examples:
        >>> group_name("kind", "data-centre")
        'kind_data_centre'
        >>> group_name("hub", "hub-01")
        'hub_hub_01'
    """
    return f"{prefix}_{value}".replace("-", "_")


def _router_address(device: Device) -> str:
    if device.mgmt_address is not None:
        return str(device.mgmt_address)
    return device.lab_name or device.hostname


def _vm_site(sot: SoT, vm: VM) -> str | None:
    if vm.site is not None:
        return vm.site
    centres = [s.slug for s in sot.sites if s.kind == "data-centre"]
    return centres[0] if len(centres) == 1 else None


def host_inventory(sot: SoT) -> HostInventory:
    """Every router and VM, ordered by site kind, hub, site id, then name.

    Examples:
        >>> from netauto.sot.models import SoT
        >>> sot = SoT.model_validate({
        ...     "province": {"name": "Demo", "code": 96},
        ...     "addressing": {"ipv6": {"allocation": "2001:db8:9600::/40"},
        ...                    "ipv4": {"supernets": ["10.96.0.0/16"]}},
        ...     "sites": [{"site_id": 7, "slug": "h", "kind": "hub", "name": "H",
        ...                "devices": [{"hostname": "h-r1", "mgmt_address": "10.96.0.1"}]}]})
        >>> inv = host_inventory(sot)
        >>> [(h.name, h.role, h.hub, h.address) for h in inv.hosts]
        [('h-r1', 'hub', 'h', '10.96.0.1')]
        >>> str(inv.summary)
        '1 sites (1 hub), 1 devices, 0 LANs, 0 VMs, 0 links'
    """
    sites = sot.site_by_slug()
    hosts: list[HostRow] = []
    for site, device in sot.all_devices():
        hosts.append(
            HostRow(
                name=device.hostname,
                kind="router",
                platform=device.platform,
                role=sot.device_role(site, device),
                site_id=site.site_id,
                site=site.slug,
                site_name=site.name,
                site_kind=site.kind,
                hub=site.slug if site.kind == "hub" else site.hub,
                commune_code=site.commune_code,
                address=_router_address(device),
            )
        )
    for vm in sot.vms:
        slug = _vm_site(sot, vm)
        if slug is None or slug not in sites:
            continue
        site = sites[slug]
        hosts.append(
            HostRow(
                name=vm.name,
                kind="vm",
                platform="linux",
                role="vm",
                site_id=site.site_id,
                site=site.slug,
                site_name=site.name,
                site_kind=site.kind,
                hub=site.hub,
                commune_code=site.commune_code,
                address=str(vm.ipv4) if vm.ipv4 is not None else vm.name,
                services=list(vm.services),
            )
        )
    hosts.sort(
        key=lambda h: (
            SITE_KINDS.index(h.site_kind),
            h.hub or "",
            h.site_id,
            h.kind != "router",
            h.name,
        )
    )
    counts = {kind: sum(1 for s in sot.sites if s.kind == kind) for kind in SITE_KINDS}
    summary = Summary(
        sites={kind: n for kind, n in counts.items() if n},
        devices=len(sot.all_devices()),
        lans=sum(len(s.lans) for s in sot.sites),
        vms=len(sot.vms),
        links=len(sot.links),
    )
    return HostInventory(
        province=sot.province.name,
        province_code=sot.province.code,
        hosts=hosts,
        summary=summary,
    )


def host_groups(host: HostRow) -> list[str]:
    """The groups a host belongs to, most general first.

    Examples:
        >>> row = HostRow(name="r1", kind="router", platform="frr", role="cpe", site_id=1,
        ...               site="xa-a", site_name="A", site_kind="commune", hub="hub-01",
        ...               commune_code=None, address="r1")
        >>> host_groups(row)
        ['routers', 'platform_frr', 'kind_commune', 'hub_hub_01', 'site_xa_a']
    """
    if host.kind == "vm":
        return ["dc_vms", group_name("platform", host.platform), group_name("site", host.site)]
    groups = ["routers", group_name("platform", host.platform), group_name("kind", host.site_kind)]
    if host.hub is not None:
        groups.append(group_name("hub", host.hub))
    groups.append(group_name("site", host.site))
    return groups


# Nornir SimpleInventory.


class NornirConnection(ExportModel):
    platform: str | None = None
    extras: dict[str, Any] | None = None


class HostData(ExportModel):
    """``data`` of a Nornir host: what tasks and templates read as ``host["site_id"]``..."""

    kind: HostKind
    role: str
    site_id: int
    site: str
    site_name: str
    site_kind: SiteKind
    hub: str | None
    commune_code: str | None
    services: list[str] = Field(default_factory=list)


class NornirHost(ExportModel):
    hostname: str
    platform: str
    groups: list[str]
    data: HostData


class NornirGroup(ExportModel):
    platform: str | None = None
    data: dict[str, str] = Field(default_factory=dict)
    connection_options: dict[str, NornirConnection] = Field(default_factory=dict)


class NornirDefaults(ExportModel):
    data: dict[str, str | int] = Field(default_factory=dict)


class NornirInventory(ExportModel):
    hosts: dict[str, NornirHost]
    groups: dict[str, NornirGroup]
    defaults: NornirDefaults

    def files(self) -> dict[str, str]:
        """The three SimpleInventory files, as YAML text, by file name."""
        return {
            "hosts.yaml": _dump({k: _plain(v) for k, v in self.hosts.items()}),
            "groups.yaml": _dump({k: _plain(v) for k, v in self.groups.items()}),
            "defaults.yaml": _dump(_plain(self.defaults)),
        }


def _plain(model: BaseModel) -> dict[str, Any]:
    return model.model_dump(mode="json", exclude_defaults=False)


HEADER = "# Generated by `netauto inventory` from the source of truth: do not edit.\n"


def _dump(data: Any) -> str:
    return HEADER + yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)


def _platform_group(platform: str) -> NornirGroup:
    options: dict[str, NornirConnection] = {}
    known = platforms.get(platform)
    if known.napalm_driver is not None:
        options["napalm"] = NornirConnection(platform=known.napalm_driver)
    options["netmiko"] = NornirConnection(platform=known.netmiko_device_type)
    return NornirGroup(platform=platform, connection_options=options)


def nornir_inventory(sot: SoT) -> NornirInventory:
    """The Nornir SimpleInventory of ``sot``.

    Examples:
        >>> from netauto.sot.models import SoT
        >>> sot = SoT.model_validate({
        ...     "province": {"name": "Demo", "code": 96},
        ...     "addressing": {"ipv6": {"allocation": "2001:db8:9600::/40"},
        ...                    "ipv4": {"supernets": ["10.96.0.0/16"]}},
        ...     "sites": [{"site_id": 7, "slug": "h", "kind": "hub", "name": "H",
        ...                "devices": [{"hostname": "h-r1"}]}]})
        >>> inv = nornir_inventory(sot)
        >>> inv.hosts["h-r1"].groups
        ['routers', 'platform_frr', 'kind_hub', 'hub_h', 'site_h']
        >>> inv.groups["platform_frr"].connection_options["napalm"].platform
        'frr'
    """
    inventory = host_inventory(sot)
    hosts: dict[str, NornirHost] = {}
    groups: dict[str, NornirGroup] = {}
    for row in inventory.hosts:
        names = host_groups(row)
        hosts[row.name] = NornirHost(
            hostname=row.address,
            platform=row.platform,
            groups=names,
            data=HostData(
                kind=row.kind,
                role=row.role,
                site_id=row.site_id,
                site=row.site,
                site_name=row.site_name,
                site_kind=row.site_kind,
                hub=row.hub,
                commune_code=row.commune_code,
                services=row.services,
            ),
        )
        for name in names:
            if name in groups:
                continue
            if name.startswith("platform_"):
                groups[name] = _platform_group(row.platform)
            elif name.startswith("kind_"):
                groups[name] = NornirGroup(data={"site_kind": row.site_kind})
            elif name.startswith("hub_") and row.hub is not None:
                groups[name] = NornirGroup(data={"hub": row.hub})
            elif name.startswith("site_"):
                groups[name] = NornirGroup(data={"site": row.site, "site_name": row.site_name})
            else:
                groups[name] = NornirGroup()
    defaults = NornirDefaults(
        data={"province": inventory.province, "province_code": inventory.province_code}
    )
    return NornirInventory(hosts=hosts, groups=dict(sorted(groups.items())), defaults=defaults)


# Ansible YAML inventory.


class AnsibleHostVars(ExportModel):
    ansible_host: str | None = None
    netauto_kind: HostKind
    netauto_platform: str
    netauto_role: str
    netauto_site_id: int
    netauto_site: str
    netauto_site_kind: str
    netauto_hub: str | None = None
    netauto_commune_code: str | None = None
    netauto_services: list[str] | None = None


class AnsibleGroup(ExportModel):
    hosts: dict[str, AnsibleHostVars | None] | None = None
    vars: dict[str, str] | None = None
    children: dict[str, AnsibleGroup] | None = None


class AnsibleInventory(ExportModel):
    all: AnsibleGroup

    def text(self) -> str:
        """The inventory as Ansible YAML, every string value ``!unsafe`` (never templated:
        :mod:`netauto.ansible_yaml`)."""
        return HEADER + ansible_yaml.dump(self.model_dump(mode="json", exclude_none=True))


def ansible_inventory(sot: SoT) -> AnsibleInventory:
    """The Ansible YAML inventory of ``sot`` (host variables once, under ``all.hosts``).

    Examples:
        >>> from netauto.sot.models import SoT
        >>> sot = SoT.model_validate({
        ...     "province": {"name": "Demo", "code": 96},
        ...     "addressing": {"ipv6": {"allocation": "2001:db8:9600::/40"},
        ...                    "ipv4": {"supernets": ["10.96.0.0/16"]}},
        ...     "sites": [{"site_id": 7, "slug": "h", "kind": "hub", "name": "H",
        ...                "devices": [{"hostname": "h-r1"}]}]})
        >>> sorted((ansible_inventory(sot).all.children or {}).keys())
        ['hub_h', 'kind_hub', 'platform_frr']
    """
    inventory = host_inventory(sot)
    hostvars: dict[str, AnsibleHostVars | None] = {}
    members: dict[str, list[str]] = {}
    for row in inventory.hosts:
        hostvars[row.name] = AnsibleHostVars(
            ansible_host=row.address if row.address != row.name else None,
            netauto_kind=row.kind,
            netauto_platform=row.platform,
            netauto_role=row.role,
            netauto_site_id=row.site_id,
            netauto_site=row.site,
            netauto_site_kind=row.site_kind,
            netauto_hub=row.hub,
            netauto_commune_code=row.commune_code,
            netauto_services=row.services or None,
        )
        if row.kind == "vm":
            names = ["dc_vms"]
        else:
            names = [group_name("kind", row.site_kind), group_name("platform", row.platform)]
            if row.hub is not None:
                names.append(group_name("hub", row.hub))
        for name in names:
            members.setdefault(name, []).append(row.name)
    children: dict[str, AnsibleGroup] = {}
    for name, hosts in sorted(members.items()):
        group_vars = None
        network_os = None
        if name.startswith("platform_"):
            network_os = platforms.get(name.removeprefix("platform_")).ansible_network_os
        if network_os is not None:
            group_vars = {
                "ansible_network_os": network_os,
                "ansible_connection": "ansible.netcommon.network_cli",
            }
        children[name] = AnsibleGroup(hosts=dict.fromkeys(hosts), vars=group_vars)
    return AnsibleInventory(
        all=AnsibleGroup(
            hosts=hostvars,
            vars={"netauto_province": inventory.province},
            children=children,
        )
    )
