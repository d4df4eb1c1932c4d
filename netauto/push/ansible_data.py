"""The Ansible side of the data-centre VMs, computed from SoT + plan (pure, no I/O).

``netauto push --vms`` runs the ``playbooks/`` role ``netauto_vm`` through ansible-runner. This
module decides *what* the role is told: one :class:`VmVars` per VM (addresses, gateways,
namespace sysctls, resolver, host firewall) and the inventory that says *how* to reach it
(:class:`VmTarget`: the lab's SSH client config, or production defaults). It also turns facts
gathered from the VMs into typed :class:`VmFacts` and compares them with the plan
(:func:`vm_drift`), for the same drift check as the routers.

Firewall policy: a VM opens the ports of the services it hosts to the LAN prefixes of the
sites whose first matching SoT policy rule (in SoT order, family by family) *permits* that
service: the same first-match semantics as the routers' LAN filters
(:mod:`netauto.render.policy`). SSH is open to ``management.networks``; loopback and ICMP
always pass; everything else inbound is dropped.
"""

from __future__ import annotations

import ipaddress
from pathlib import Path
from typing import Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from netauto import ansible_yaml
from netauto.errors import InputError, Problem
from netauto.plan.models import Plan, VmPlan
from netauto.sot.checks import group_members
from netauto.sot.models import Family, SoT

DEFAULT_INTERFACE = "eth0"
"""The VM's NIC when nothing else says (the lab's VM namespaces have ``eth0``)."""
GROUP = "netauto_vms"
"""Inventory group the playbook ``site.yml`` targets."""
PROD_FILES_DIR = Path("/etc/netauto")
PROD_RESOLV_CONF = Path("/etc/resolv.conf")

IPNet = ipaddress.IPv4Network | ipaddress.IPv6Network


class AnsibleModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FirewallRule(AnsibleModel):
    """One opened service port and the networks allowed to reach it."""

    service: str
    proto: Literal["tcp", "udp"]
    port: int
    sources4: list[ipaddress.IPv4Network] = Field(default_factory=list)
    sources6: list[ipaddress.IPv6Network] = Field(default_factory=list)


class VmTarget(AnsibleModel):
    """How Ansible reaches the VMs and where the role may write on them.

    ``files_root`` set (the lab): every VM keeps its files under ``files_root/<vm>/netauto``,
    resolver included, so nothing is written to the host's ``/etc``. ``None`` (real VMs):
    ``/etc/netauto`` and ``/etc/resolv.conf``.
    """

    name: str = Field(description="'lab' or 'prod': shown in results and the audit log")
    ssh_config: Path | None = Field(None, description="OpenSSH client config (ssh -F)")
    private_key: Path | None = None
    user: str = "root"
    files_root: Path | None = None
    interface: str = DEFAULT_INTERFACE
    ipv6_nodad: bool = Field(False, description="skip IPv6 DAD (lab links)")
    python: str = "/usr/bin/python3"
    domain_suffix: bool = Field(
        True, description="prod: reach a VM as <name>.<management.domain> when a domain is set"
    )

    def files_dir(self, vm: str) -> Path:
        """Where the role keeps the VM's files.

        Examples:
            >>> VmTarget(name="lab", files_root=Path("/run/l/hosts")).files_dir("v1").as_posix()
            '/run/l/hosts/v1/netauto'
            >>> VmTarget(name="prod").files_dir("v1").as_posix()
            '/etc/netauto'
        """
        return self.files_root / vm / "netauto" if self.files_root else PROD_FILES_DIR

    def resolv_conf(self, vm: str) -> Path:
        """The resolver file the role writes (a per-VM file in the lab).

        Examples:
            >>> VmTarget(name="lab", files_root=Path("/l")).resolv_conf("v1").as_posix()
            '/l/v1/netauto/resolv.conf'
            >>> VmTarget(name="prod").resolv_conf("v1").as_posix()
            '/etc/resolv.conf'
        """
        return self.files_dir(vm) / "resolv.conf" if self.files_root else PROD_RESOLV_CONF


class VmConnection(AnsibleModel):
    """Connection variables of one inventory host."""

    ansible_host: str
    ansible_user: str
    ansible_python_interpreter: str
    ansible_ssh_common_args: str = ""
    ansible_ssh_private_key_file: str | None = None
    ansible_remote_tmp: str | None = None


class VmVars(AnsibleModel):
    """The ``host_vars`` of one VM: everything the role ``netauto_vm`` configures."""

    netauto_vm_interface: str
    netauto_vm_addresses: list[str]
    netauto_vm_gateway4: str
    netauto_vm_gateway6: str
    netauto_vm_ipv6_nodad: bool
    netauto_vm_sysctls: dict[str, str]
    netauto_vm_dns: list[str]
    netauto_vm_domain: str
    netauto_vm_resolv_conf: str
    netauto_vm_files_dir: str
    netauto_vm_ssh_sources4: list[str]
    netauto_vm_ssh_sources6: list[str]
    netauto_vm_firewall: list[dict[str, object]]
    netauto_vm_services: list[str]


class AnsibleInventory(AnsibleModel):
    """Inventory + host_vars for one run, as the files ansible-runner reads."""

    hosts: list[str]
    connections: dict[str, VmConnection]
    variables: dict[str, VmVars]

    def files(self) -> dict[str, str]:
        """Relative path (inside the private data dir) → YAML text.

        Examples:
            >>> inv = AnsibleInventory(hosts=[], connections={}, variables={})
            >>> print(inv.files()["inventory/hosts.yml"], end="")
            all:
              children:
                netauto_vms:
                  hosts: {}
        """
        hosts = {h: self.connections[h].model_dump(exclude_none=True) for h in self.hosts}
        out = {"inventory/hosts.yml": _yaml({"all": {"children": {GROUP: {"hosts": hosts}}}})}
        for host in self.hosts:
            out[f"inventory/host_vars/{host}.yml"] = _yaml(
                self.variables[host].model_dump(mode="json")
            )
        return out


def _yaml(data: object) -> str:
    # Every string value !unsafe: Ansible must never template SoT text (netauto.ansible_yaml).
    return ansible_yaml.dump(data)


def collapse4(nets: list[ipaddress.IPv4Network]) -> list[ipaddress.IPv4Network]:
    """Deduplicated, merged IPv4 networks in address order.

    Examples:
        >>> from ipaddress import IPv4Network as N
        >>> [str(n) for n in collapse4([N("10.0.0.64/26"), N("10.0.0.0/26"), N("10.0.0.0/26")])]
        ['10.0.0.0/25']
    """
    return list(ipaddress.collapse_addresses(nets))


def collapse6(nets: list[ipaddress.IPv6Network]) -> list[ipaddress.IPv6Network]:
    """Deduplicated, merged IPv6 networks in address order.

    Examples:
        >>> from ipaddress import IPv6Network as N
        >>> [str(n) for n in collapse6([N("2001:db8:0:1::/64"), N("2001:db8::/64")])]
        ['2001:db8::/63']
    """
    return list(ipaddress.collapse_addresses(nets))


def permitted_sites(sot: SoT, service: str, family: Family) -> list[str]:
    """Slugs of the sites whose first policy rule naming ``service`` (for ``family``) permits it.

    Examples:
        >>> from netauto.sot.models import SoT
        >>> sot = SoT.model_validate({
        ...     "province": {"name": "Demo", "code": 96},
        ...     "addressing": {"ipv6": {"allocation": "2001:db8:9600::/40"},
        ...                    "ipv4": {"supernets": ["10.96.0.0/16"]}},
        ...     "services": {"mail": {"ports": [{"port": 25}]}},
        ...     "groups": {"bad": {"sites": ["c2"]}},
        ...     "policy": [{"from": "bad", "to": "mail", "deny": True},
        ...                {"from": "communes", "to": "mail", "families": ["ipv6"]}],
        ...     "sites": [{"site_id": 1, "slug": "h", "kind": "hub", "name": "H"},
        ...               {"site_id": 2, "slug": "c1", "kind": "commune", "name": "C1",
        ...                "commune_code": "32002", "hub": "h"},
        ...               {"site_id": 3, "slug": "c2", "kind": "commune", "name": "C2",
        ...                "commune_code": "32005", "hub": "h"}]})
        >>> permitted_sites(sot, "mail", "ipv6"), permitted_sites(sot, "mail", "ipv4")
        (['c1'], [])
    """
    decided: dict[str, bool] = {}
    for rule in sot.policy:
        if service not in rule.to or family not in rule.families:
            continue
        for slug in group_members(sot, rule.source):
            decided.setdefault(slug, not rule.deny)
    return [s.slug for s in sot.sites if decided.get(s.slug)]


def firewall_rules(sot: SoT, plan: Plan, vm: VmPlan) -> list[FirewallRule]:
    """The ports a VM opens, each with the LAN prefixes the policy lets reach it."""
    lans = {site.slug: site.lans for site in plan.sites}
    rules: list[FirewallRule] = []
    for service in vm.services:
        spec = sot.services.get(service)
        if spec is None:
            continue
        sources4 = collapse4(
            [
                lan.ipv4
                for slug in permitted_sites(sot, service, "ipv4")
                for lan in lans.get(slug, [])
            ]
        )
        sources6 = collapse6(
            [
                lan.ipv6
                for slug in permitted_sites(sot, service, "ipv6")
                for lan in lans.get(slug, [])
            ]
        )
        for port in spec.ports:
            rules.append(
                FirewallRule(
                    service=service,
                    proto=port.proto,
                    port=port.port,
                    sources4=sources4,
                    sources6=sources6,
                )
            )
    return rules


def vm_sysctls(interface: str) -> dict[str, str]:
    """The namespace sysctls of a VM: a host, not a router; static addresses, no RA.

    Examples:
        >>> vm_sysctls("eth0")["net.ipv6.conf.eth0.accept_ra"]
        '0'
    """
    return {
        "net.ipv4.ip_forward": "0",
        "net.ipv6.conf.all.forwarding": "0",
        "net.ipv4.conf.all.rp_filter": "1",
        f"net.ipv6.conf.{interface}.disable_ipv6": "0",
        f"net.ipv6.conf.{interface}.accept_ra": "0",
        f"net.ipv6.conf.{interface}.autoconf": "0",
    }


def vm_vars(sot: SoT, plan: Plan, vm: VmPlan, target: VmTarget) -> VmVars:
    """The host_vars of one VM."""
    mgmt = sot.management
    ssh4 = collapse4([n for n in mgmt.networks if isinstance(n, ipaddress.IPv4Network)])
    ssh6 = collapse6([n for n in mgmt.networks if isinstance(n, ipaddress.IPv6Network)])
    return VmVars(
        netauto_vm_interface=target.interface,
        netauto_vm_addresses=[str(vm.ipv4), str(vm.ipv6)],
        netauto_vm_gateway4=str(vm.gateway4),
        netauto_vm_gateway6=str(vm.gateway6),
        netauto_vm_ipv6_nodad=target.ipv6_nodad,
        netauto_vm_sysctls=vm_sysctls(target.interface),
        netauto_vm_dns=[str(a) for a in mgmt.dns],
        netauto_vm_domain=mgmt.domain or "",
        netauto_vm_resolv_conf=str(target.resolv_conf(vm.name)),
        netauto_vm_files_dir=str(target.files_dir(vm.name)),
        netauto_vm_ssh_sources4=[str(n) for n in ssh4],
        netauto_vm_ssh_sources6=[str(n) for n in ssh6],
        netauto_vm_firewall=[r.model_dump(mode="json") for r in firewall_rules(sot, plan, vm)],
        netauto_vm_services=list(vm.services),
    )


def vm_connection(sot: SoT, vm: VmPlan, target: VmTarget) -> VmConnection:
    """How Ansible logs in to one VM."""
    host = vm.name
    if target.ssh_config is None and target.domain_suffix and sot.management.domain:
        host = f"{vm.name}.{sot.management.domain}"
    return VmConnection(
        ansible_host=host,
        ansible_user=target.user,
        ansible_python_interpreter=target.python,
        ansible_ssh_common_args=f"-F {target.ssh_config}" if target.ssh_config else "",
        ansible_ssh_private_key_file=str(target.private_key) if target.private_key else None,
        ansible_remote_tmp=(
            str(target.files_dir(vm.name) / "tmp") if target.files_root is not None else None
        ),
    )


def select_vms(plan: Plan, hosts: list[str] | None) -> list[VmPlan]:
    """The plan's VMs named in ``hosts`` (all when None), in plan order.

    Raises:
        InputError: a name that is not a VM of the plan (with the known names as hint).
    """
    if hosts is None:
        return list(plan.vms)
    known = {vm.name for vm in plan.vms}
    unknown = [h for h in hosts if h not in known]
    if unknown:
        shown = ", ".join(sorted(known)[:8]) or "none"
        raise InputError(
            [
                Problem(
                    None,
                    None,
                    "--host",
                    f"{name!r} is not a data-centre VM of the SoT",
                    hint=f"known VMs: {shown}",
                )
                for name in unknown
            ]
        )
    wanted = set(hosts)
    return [vm for vm in plan.vms if vm.name in wanted]


def build_inventory(
    sot: SoT, plan: Plan, target: VmTarget, hosts: list[str] | None = None
) -> AnsibleInventory:
    """The Ansible inventory and host_vars of the selected VMs."""
    vms = select_vms(plan, hosts)
    return AnsibleInventory(
        hosts=[vm.name for vm in vms],
        connections={vm.name: vm_connection(sot, vm, target) for vm in vms},
        variables={vm.name: vm_vars(sot, plan, vm, target) for vm in vms},
    )


# --- drift -------------------------------------------------------------------------------------


class VmFacts(AnsibleModel):
    """What a VM actually carries, as gathered from it (Ansible ``setup`` facts)."""

    host: str
    reachable: bool = True
    error: str = ""
    interface: str = DEFAULT_INTERFACE
    ipv4: list[ipaddress.IPv4Interface] = Field(default_factory=list)
    ipv6: list[ipaddress.IPv6Interface] = Field(default_factory=list)
    gateway4: ipaddress.IPv4Address | None = None
    gateway6: ipaddress.IPv6Address | None = None


class VmDrift(AnsibleModel):
    """One difference between the plan and a VM."""

    host: str
    field: str
    expected: str
    actual: str


def facts_from_setup(host: str, interface: str, facts: dict[str, object]) -> VmFacts:
    """Typed facts from the ``ansible_facts`` of a ``setup`` run (global addresses only).

    Examples:
        >>> f = facts_from_setup("v1", "eth0", {
        ...     "ansible_eth0": {"ipv4": {"address": "10.0.0.5", "prefix": "24"},
        ...                      "ipv6": [{"address": "2001:db8::5", "prefix": "64",
        ...                                "scope": "global"},
        ...                               {"address": "fe80::1", "prefix": "64",
        ...                                "scope": "link"}]},
        ...     "ansible_default_ipv4": {"gateway": "10.0.0.1", "interface": "eth0"},
        ...     "ansible_default_ipv6": {}})
        >>> [str(a) for a in f.ipv4 + f.ipv6], f.gateway4, f.gateway6
        (['10.0.0.5/24', '2001:db8::5/64'], IPv4Address('10.0.0.1'), None)
    """
    nic = facts.get(f"ansible_{interface.replace('-', '_')}")
    if not isinstance(nic, dict):
        return VmFacts(host=host, interface=interface, error=f"no interface {interface}")
    v4: list[ipaddress.IPv4Interface] = []
    entries: list[object] = [nic.get("ipv4"), *_as_list(nic.get("ipv4_secondaries"))]
    for entry in entries:
        if isinstance(entry, dict) and entry.get("address"):
            v4.append(ipaddress.IPv4Interface(f"{entry['address']}/{entry.get('prefix', 32)}"))
    v6 = [
        ipaddress.IPv6Interface(f"{e['address']}/{e.get('prefix', 128)}")
        for e in _as_list(nic.get("ipv6"))
        if isinstance(e, dict) and e.get("scope") == "global" and e.get("address")
    ]
    return VmFacts(
        host=host,
        interface=interface,
        ipv4=sorted(set(v4)),
        ipv6=sorted(set(v6)),
        gateway4=_gateway(facts.get("ansible_default_ipv4"), ipaddress.IPv4Address),
        gateway6=_gateway(facts.get("ansible_default_ipv6"), ipaddress.IPv6Address),
    )


def _as_list(value: object) -> list[object]:
    return list(value) if isinstance(value, list) else []


_Addr = TypeVar("_Addr", ipaddress.IPv4Address, ipaddress.IPv6Address)


def _gateway(value: object, kind: type[_Addr]) -> _Addr | None:
    if isinstance(value, dict) and value.get("gateway"):
        return kind(str(value["gateway"]))
    return None


def vm_drift(plan: Plan, facts: list[VmFacts]) -> list[VmDrift]:
    """Every difference between the plan's VMs and the gathered facts (empty: no drift).

    Examples:
        >>> import ipaddress as ip
        >>> from netauto.plan.models import VmPlan
        >>> vm = VmPlan(name="v1", site="dc", network="s", cluster="c", services=[],
        ...             ipv4="10.0.0.5/24", ipv6="2001:db8::5/64",
        ...             gateway4="10.0.0.1", gateway6="2001:db8::1")
        >>> plan = Plan(province="p", province_code=1, allocation6=ip.IPv6Network("2001:db8::/32"),
        ...             sites=[], devices=[], links=[], vms=[vm])
        >>> seen = VmFacts(host="v1", ipv4=[ip.IPv4Interface("10.0.0.99/24")],
        ...                ipv6=[ip.IPv6Interface("2001:db8::5/64")],
        ...                gateway4="10.0.0.1", gateway6="2001:db8::1")
        >>> [(d.field, d.expected, d.actual) for d in vm_drift(plan, [seen])]
        [('ipv4', '10.0.0.5/24', '10.0.0.99/24')]
    """
    planned = {vm.name: vm for vm in plan.vms}
    out: list[VmDrift] = []
    for seen in facts:
        vm = planned.get(seen.host)
        if vm is None:
            continue
        if not seen.reachable or seen.error:
            out.append(
                VmDrift(
                    host=seen.host,
                    field="reachable",
                    expected="facts",
                    actual=seen.error or "unreachable",
                )
            )
            continue
        pairs = [
            ("ipv4", str(vm.ipv4), ", ".join(str(a) for a in seen.ipv4) or "none"),
            ("ipv6", str(vm.ipv6), ", ".join(str(a) for a in seen.ipv6) or "none"),
            ("gateway4", str(vm.gateway4), str(seen.gateway4 or "none")),
            ("gateway6", str(vm.gateway6), str(seen.gateway6 or "none")),
        ]
        for field, expected, actual in pairs:
            if expected != actual:
                out.append(VmDrift(host=seen.host, field=field, expected=expected, actual=actual))
    return out
