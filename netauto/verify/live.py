"""Live inventory: facts collected from every router and VM, stored as a snapshot.

``netauto inventory --live`` collects, per host, what the network says about itself: vendor,
model, serial, OS version, uptime, interfaces and their addresses. Routers answer Napalm
getters (``get_facts``, ``get_interfaces``, ``get_interfaces_ip``) over their Napalm driver;
Linux VMs answer a few shell commands over Netmiko (``uname``, ``/proc/uptime``,
``/etc/machine-id``, ``ip -j addr``). The result is a :class:`Snapshot`, stored under
``<state-dir>/snapshots/<timestamp>.json`` and ``latest.json``; the drift check of
``netauto verify --snapshot`` reads addresses from it instead of asking the devices again.

:func:`compare` sets the snapshot beside the SoT: hosts the SoT knows that did not answer
(missing from the network) and hosts that answered but the SoT does not know.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from netauto.connect.targets import Target
from netauto.errors import InputError, Problem
from netauto.fileio import atomic_write
from netauto.sot.models import SoT

HostKind = Literal["router", "vm"]
SNAPSHOT_DIR = "snapshots"
LATEST = "latest.json"

AddressTable = dict[str, dict[str, dict[str, dict[str, int]]]]
"""Napalm ``get_interfaces_ip`` shape: interface → family → address → {prefix_length}."""


class LiveModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class InterfaceFacts(LiveModel):
    """One interface as the device reports it."""

    name: str
    is_up: bool | None = None
    is_enabled: bool | None = None
    mac_address: str = ""
    mtu: int | None = None
    addresses: list[str] = Field(default_factory=list, description="'address/prefix_length'")


class HostFacts(LiveModel):
    """What one host said about itself (or why it said nothing)."""

    name: str
    kind: HostKind
    platform: str
    reachable: bool
    error: str = ""
    hostname: str = ""
    vendor: str = ""
    model: str = ""
    serial_number: str = ""
    os_version: str = ""
    uptime_s: float | None = None
    interfaces: list[InterfaceFacts] = Field(default_factory=list)
    interfaces_ip: AddressTable = Field(default_factory=dict)
    collected: str = Field("", description="UTC, ISO 8601")


class Snapshot(LiveModel):
    """Facts of every host of a target at one moment."""

    taken: str = Field(description="UTC, ISO 8601")
    target: str
    province: str
    inventory: str
    hosts: list[HostFacts]

    def host(self, name: str) -> HostFacts | None:
        return next((h for h in self.hosts if h.name == name), None)


class InventoryRow(LiveModel):
    """One host of the SoT or of the network, and how the two agree."""

    name: str
    kind: HostKind | None
    in_sot: bool
    answered: bool
    status: Literal["ok", "missing", "unreachable", "unknown"]
    """ok: in the SoT and answered; missing: in the SoT, not on this target; unreachable:
    on the target but did not answer; unknown: answered, but the SoT does not know it."""
    detail: str = ""


def address_list(table: AddressTable, interface: str) -> list[str]:
    """The addresses of ``interface`` in a Napalm address table, as ``address/length``.

    Examples:
        >>> address_list({"eth0": {"ipv4": {"10.0.0.1": {"prefix_length": 31}},
        ...                        "ipv6": {"2001:db8::1": {"prefix_length": 127}}}}, "eth0")
        ['10.0.0.1/31', '2001:db8::1/127']
        >>> address_list({}, "eth0")
        []
    """
    families = table.get(interface, {})
    return [
        f"{address}/{info.get('prefix_length')}"
        for family in ("ipv4", "ipv6")
        for address, info in families.get(family, {}).items()
    ]


def linux_interfaces(ip_addr: list[dict[str, Any]]) -> list[InterfaceFacts]:
    """Interfaces from ``ip -j addr show`` (operational state, MAC, MTU, addresses).

    Examples:
        >>> [i.model_dump() for i in linux_interfaces([{"ifname": "eth0", "flags": ["UP"],
        ...     "operstate": "UP", "address": "aa:bb:cc:dd:ee:ff", "mtu": 1500,
        ...     "addr_info": [{"family": "inet", "local": "10.0.0.2", "prefixlen": 24}]}])]
        ... # doctest: +NORMALIZE_WHITESPACE
        [{'name': 'eth0', 'is_up': True, 'is_enabled': True, 'mac_address': 'aa:bb:cc:dd:ee:ff',
          'mtu': 1500, 'addresses': ['10.0.0.2/24']}]
    """
    found = []
    for link in ip_addr:
        flags = [str(f) for f in link.get("flags", [])]
        found.append(
            InterfaceFacts(
                name=str(link.get("ifname", "")),
                is_up=link.get("operstate") in ("UP", "UNKNOWN") and "UP" in flags,
                is_enabled="UP" in flags,
                mac_address=str(link.get("address", "")),
                mtu=int(link["mtu"]) if "mtu" in link else None,
                addresses=[
                    f"{a['local']}/{a['prefixlen']}"
                    for a in link.get("addr_info", [])
                    if "local" in a and a.get("scope") != "host"
                ],
            )
        )
    return found


def split_sections(text: str, marker: str = "@@NA-SECTION") -> dict[str, str]:
    """Split the output of commands separated by ``echo MARKER NAME`` lines.

    Examples:
        >>> split_sections("@@NA-SECTION a\\n1\\n@@NA-SECTION b\\n2\\n3\\n")
        {'a': '1', 'b': '2\\n3'}
    """
    sections: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in text.replace("\r", "").split("\n"):
        if line.startswith(marker + " "):
            current = sections.setdefault(line[len(marker) + 1 :].strip(), [])
        elif current is not None:
            current.append(line)
    return {name: "\n".join(lines).strip() for name, lines in sections.items()}


LINUX_SCRIPT = "; ".join(
    f"echo '@@NA-SECTION {name}'; {command}"
    for name, command in (
        ("hostname", "hostname"),
        ("kernel", "uname -sr"),
        ("os", '. /etc/os-release 2>/dev/null && echo "$PRETTY_NAME"'),
        ("machine", "cat /etc/machine-id 2>/dev/null"),
        ("uptime", "cat /proc/uptime"),
        ("ip", "ip -j addr show"),
    )
)
"""One command line that prints every fact of a Linux host, section by section."""


def linux_facts(name: str, platform: str, output: str, when: str) -> HostFacts:
    """The facts of a Linux host from the output of :data:`LINUX_SCRIPT`."""
    from netauto.parse.frr_state import interfaces_ip, uptime_seconds

    sections = split_sections(output)
    try:
        links = json.loads(sections.get("ip") or "[]")
        uptime = uptime_seconds(sections["uptime"]) if sections.get("uptime") else None
    except (ValueError, IndexError) as exc:
        return HostFacts(name=name, kind="vm", platform=platform, reachable=True,
                         error=f"unreadable facts: {exc}", collected=when)  # fmt: skip
    table: AddressTable = {
        iface: {fam: {a: dict(info) for a, info in addrs.items()} for fam, addrs in fams.items()}
        for iface, fams in interfaces_ip(links).items()
    }
    return HostFacts(
        name=name, kind="vm", platform=platform, reachable=True,
        hostname=sections.get("hostname", ""), vendor="Linux",
        model=sections.get("kernel", ""), serial_number=sections.get("machine", ""),
        os_version=sections.get("os") or sections.get("kernel", ""), uptime_s=uptime,
        interfaces=linux_interfaces(links), interfaces_ip=table, collected=when,
    )  # fmt: skip


def router_facts(name: str, platform: str, driver: Any, when: str) -> HostFacts:
    """The facts of a router from its Napalm getters."""
    facts = driver.get_facts()
    interfaces = driver.get_interfaces()
    raw_ip = driver.get_interfaces_ip()
    table: AddressTable = {
        iface: {fam: {a: dict(info) for a, info in addrs.items()} for fam, addrs in fams.items()}
        for iface, fams in raw_ip.items()
    }
    return HostFacts(
        name=name, kind="router", platform=platform, reachable=True,
        hostname=str(facts.get("hostname", "")), vendor=str(facts.get("vendor", "")),
        model=str(facts.get("model", "")), serial_number=str(facts.get("serial_number", "")),
        os_version=str(facts.get("os_version", "")),
        uptime_s=float(facts["uptime"]) if facts.get("uptime") is not None else None,
        interfaces=[
            InterfaceFacts(
                name=iface, is_up=bool(info.get("is_up")),
                is_enabled=bool(info.get("is_enabled")),
                mac_address=str(info.get("mac_address", "")),
                mtu=int(info["mtu"]) if info.get("mtu") not in (None, -1) else None,
                addresses=address_list(table, iface),
            )
            for iface, info in sorted(interfaces.items())
        ],
        interfaces_ip=table, collected=when,
    )  # fmt: skip


def now() -> str:
    """The current UTC time, ISO 8601, to the second."""
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


def exec_command(conn: Any, command: str, timeout: float = 60) -> str:
    """Run ``command`` over the SSH transport of a Netmiko connection; return its stdout.

    An exec channel (not the interactive shell) has no prompt to match, so a slow host
    cannot be mistaken for a broken one.
    """
    channel = conn.remote_conn_pre.get_transport().open_session(timeout=timeout)
    try:
        channel.settimeout(timeout)
        channel.exec_command(command)
        chunks: list[bytes] = []
        while True:
            data = channel.recv(65536)
            if not data:
                break
            chunks.append(data)
        status = channel.recv_exit_status()
    finally:
        channel.close()
    text = b"".join(chunks).decode("utf-8", "replace")
    if status != 0 and not text:
        raise RuntimeError(f"exit {status}")
    return text


def collect(
    nr: Any, hosts: dict[str, HostKind], done: Callable[[str], None] | None = None
) -> list[HostFacts]:
    """Facts of ``hosts`` (name → kind) over Nornir: Napalm for routers, SSH for VMs.

    A host is tried twice (a new connection the second time): SSH setup and reads time out
    on a busy machine. A host that still cannot be read gives a :class:`HostFacts` with
    ``reachable`` false and the reason in ``error``; collection never stops at one bad host.
    """
    from nornir.core.task import Result, Task

    def once(task: Task, name: str, platform: str, kind: HostKind, when: str) -> HostFacts:
        if kind == "vm":
            conn = task.host.get_connection("netmiko", task.nornir.config)
            return linux_facts(name, platform, exec_command(conn, LINUX_SCRIPT), when)
        driver = task.host.get_connection("napalm", task.nornir.config)
        return router_facts(name, platform, driver, when)

    def task(task: Task) -> Result:
        name = task.host.name
        platform = str(task.host.platform or "")
        kind = hosts[name]
        plugin = "netmiko" if kind == "vm" else "napalm"
        facts: HostFacts | None = None
        for _attempt in (1, 2):
            when = now()
            try:
                facts = once(task, name, platform, kind, when)
                break
            except Exception as exc:
                facts = HostFacts(name=name, kind=kind, platform=platform, reachable=False,
                                  error=f"{type(exc).__name__}: {exc}"[:500],
                                  collected=when)  # fmt: skip
                if plugin in task.host.connections:
                    try:
                        task.host.close_connection(plugin)
                    except Exception:  # the connection is broken already; drop it
                        task.host.connections.pop(plugin, None)
        if done is not None:
            done(name)
        return Result(host=task.host, result=facts)

    wanted = set(hosts)
    chosen = nr.filter(filter_func=lambda h: h.name in wanted)
    aggregated = chosen.run(task=task, on_failed=True)
    chosen.close_connections(on_good=True, on_failed=True)  # only these: verify runs others
    results: list[HostFacts] = []
    for name in sorted(wanted):
        value = aggregated[name][0].result if name in aggregated else None
        if isinstance(value, HostFacts):
            results.append(value)
        else:
            results.append(HostFacts(name=name, kind=hosts[name], platform="", reachable=False,
                                     error="no result from the host", collected=now()))  # fmt: skip
    return results


def sot_hosts(sot: SoT) -> dict[str, HostKind]:
    """Every router and VM the SoT knows: name → kind."""
    found: dict[str, HostKind] = {}
    for _, device in sot.all_devices():
        found[device.hostname] = "router"
    for vm in sot.vms:
        found[vm.name] = "vm"
    return found


def compare(known: dict[str, HostKind], snapshot: Snapshot) -> list[InventoryRow]:
    """The SoT's hosts beside the snapshot's, one row each, sorted by name.

    Examples:
        >>> snap = Snapshot(taken="t", target="lab", province="P", inventory="i", hosts=[
        ...     HostFacts(name="r1", kind="router", platform="frr", reachable=True),
        ...     HostFacts(name="r2", kind="router", platform="frr", reachable=False,
        ...               error="timeout"),
        ...     HostFacts(name="x9", kind="vm", platform="linux", reachable=True)])
        >>> [(r.name, r.status) for r in compare({"r1": "router", "r2": "router",
        ...                                        "r3": "router"}, snap)]
        [('r1', 'ok'), ('r2', 'unreachable'), ('r3', 'missing'), ('x9', 'unknown')]
    """
    rows: list[InventoryRow] = []
    for name in sorted(set(known) | {h.name for h in snapshot.hosts}):
        facts = snapshot.host(name)
        if facts is None:
            rows.append(InventoryRow(name=name, kind=known[name], in_sot=True, answered=False,
                                     status="missing",
                                     detail=f"not on target {snapshot.target}"))  # fmt: skip
        elif name not in known:
            rows.append(InventoryRow(name=name, kind=facts.kind, in_sot=False,
                                     answered=facts.reachable, status="unknown",
                                     detail="answers, but the SoT does not know it"))  # fmt: skip
        elif not facts.reachable:
            rows.append(InventoryRow(name=name, kind=facts.kind, in_sot=True, answered=False,
                                     status="unreachable", detail=facts.error))  # fmt: skip
        else:
            detail = ""
            if facts.hostname and facts.hostname.split(".")[0] != name:
                detail = f"reports hostname {facts.hostname!r}"
            rows.append(InventoryRow(name=name, kind=facts.kind, in_sot=True, answered=True,
                                     status="ok", detail=detail))  # fmt: skip
    return rows


def snapshot_stamp(taken: str) -> str:
    """A file-name-safe form of a snapshot's time.

    Examples:
        >>> snapshot_stamp("2025-07-01T08:30:00+00:00")
        '20250701T083000Z'
    """
    return dt.datetime.fromisoformat(taken).astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def save_snapshot(state_dir: Path, snapshot: Snapshot, source: str = "") -> Path:
    """Store ``snapshot`` as ``snapshots/<timestamp>-<target>[-<source>].json``.

    A full snapshot (``source`` empty: ``inventory --live``) also becomes
    ``snapshots/latest.json``; a partial one (``source="verify"``: addresses only) does not.
    """
    directory = state_dir / SNAPSHOT_DIR
    text = snapshot.model_dump_json(indent=1)
    suffix = f"-{source}" if source else ""
    path = directory / f"{snapshot_stamp(snapshot.taken)}-{snapshot.target}{suffix}.json"
    atomic_write(path, text)
    if not source:
        atomic_write(directory / LATEST, text)
    return path


def addresses_snapshot(
    taken: str, target: str, province: str, inventory: str, tables: dict[str, Any]
) -> Snapshot:
    """A snapshot holding only routers' interface addresses (what a live verify read).

    Examples:
        >>> snap = addresses_snapshot("2025-07-01T08:30:00+00:00", "lab", "P", "inv",
        ...     {"r1": {"lo": {"ipv4": {"10.0.0.1": {"prefix_length": 32}}}}})
        >>> snap.hosts[0].interfaces[0].addresses
        ['10.0.0.1/32']
    """
    hosts = []
    for name, raw in sorted(tables.items()):
        table: AddressTable = {
            iface: {
                fam: {a: dict(info) for a, info in addrs.items()} for fam, addrs in fams.items()
            }
            for iface, fams in raw.items()
        }
        hosts.append(
            HostFacts(
                name=name, kind="router", platform="", reachable=True, hostname=name,
                interfaces=[InterfaceFacts(name=i, addresses=address_list(table, i))
                            for i in sorted(table)],
                interfaces_ip=table, collected=taken,
            )
        )  # fmt: skip
    return Snapshot(taken=taken, target=target, province=province, inventory=inventory,
                    hosts=hosts)  # fmt: skip


def snapshot_addresses(snapshot: Snapshot) -> dict[str, AddressTable]:
    """Hostname → interface addresses, for every host that answered in ``snapshot``."""
    return {h.name: h.interfaces_ip for h in snapshot.hosts if h.reachable}


def load_snapshot(state_dir: Path, which: str) -> Snapshot:
    """A stored snapshot: ``latest``, a file name under ``snapshots/``, or a path.

    Raises:
        InputError: no such snapshot, or it cannot be read.
    """
    directory = state_dir / SNAPSHOT_DIR
    if which == "latest":
        path = directory / LATEST
    elif (directory / which).is_file():
        path = directory / which
    else:
        path = Path(which)
    try:
        return Snapshot.model_validate_json(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(
            Problem(path, None, "--snapshot", "no such snapshot",
                    "take one with `netauto inventory --live` (or a live `netauto verify`)")
        ) from None  # fmt: skip
    except (OSError, ValidationError, ValueError) as exc:
        raise InputError(
            Problem(path, None, "--snapshot", f"unreadable snapshot: {exc}"[:300],
                    "take a new one with `netauto inventory --live`")
        ) from None  # fmt: skip


def take_snapshot(
    target: Target,
    sot: SoT,
    inventory: str,
    *,
    workers: int = 20,
    done: Callable[[str], None] | None = None,
) -> Snapshot:
    """Collect the facts of every router and VM of ``target`` (see :func:`collect`).

    Every host the target holds (a lab: its routers and VMs); a target that holds the whole
    SoT (prod): every host of its Nornir inventory (Linux hosts are VMs, the rest routers).
    """
    taken = now()
    nr, _ = target.open_nornir(sot, workers)
    held = target.hosts()
    hosts: dict[str, HostKind] = {}
    if held is not None:
        hosts = {name: "vm" if kind == "vm" else "router" for name, kind in held.items()}
    else:
        for name, host in nr.inventory.hosts.items():
            hosts[name] = "vm" if host.platform == "linux" else "router"
    return Snapshot(
        taken=taken,
        target=target.name,
        province=sot.province.name,
        inventory=inventory,
        hosts=collect(nr, hosts, done),
    )
