"""``netauto import --target lab|prod``: the network read live, over Nornir and Napalm.

Per router (one Nornir task each, in parallel): the running configuration
(``get_config(retrieve="running")``), read by the same reader as a saved one
(:func:`netauto.parse.configs.parse_config`: one code path for configurations); the
interfaces (``get_interfaces``: every port the device has, its admin state, including
ports its configuration does not mention); and the LLDP neighbours
(``get_lldp_neighbors``). Per data-centre VM: its IPv4 addresses (``ip -j addr show`` over
SSH). A host that fails is tried once more on a new connection; one that still fails is
reported with why, and reading goes on.
"""

from __future__ import annotations

import ipaddress
import json
import time
from collections.abc import Callable
from typing import Any

from netutils.interface import canonical_interface_name

from netauto import platforms
from netauto.adopt.models import Observation, ObservedVm
from netauto.connect.targets import Target
from netauto.errors import InputError
from netauto.parse.configs import parse_config
from netauto.parse.frr_state import interfaces_ip
from netauto.parse.observed import Neighbor, ObservedDevice, ObservedInterface
from netauto.sot.models import SoT

VM_ADDRESSES = "ip -j addr show"
ATTEMPTS = 3
"""Tries per host: SSH set-up can fail on a busy machine (a banner read, a session refused);
the next try waits a little longer."""


def merge_state(
    device: ObservedDevice,
    platform: str,
    ports: dict[str, Any],
    lldp: dict[str, list[dict[str, str]]],
) -> ObservedDevice:
    """``device`` (read from its running config) with what the getters add: ports the
    configuration does not mention, and the LLDP neighbours.

    The admin state is the configuration's (``shutdown``): a port that is down because its
    link is absent (a cable out, a peer outside a subset lab) is not shut, and a port the
    configuration does not mention has no admin state netauto would keep.

    Examples:
        >>> device = ObservedDevice.model_validate({"hostname": "r1", "platform": "frr",
        ...     "source": "live", "interfaces": [{"name": "eth0", "canonical_name": "eth0"}]})
        >>> merged = merge_state(device, "frr", {"eth0": {"is_enabled": True},
        ...     "eth4": {"is_enabled": False}}, {"eth0": [{"hostname": "r2", "port": "eth1"}]})
        >>> [(i.name, i.enabled) for i in merged.interfaces]
        [('eth0', True), ('eth4', True)]
        >>> merged.neighbors[0].remote_system
        'r2'
    """
    kernel_names = platforms.get(platform).vtysh  # FRR: Linux names are canonical already
    known = {i.canonical_name for i in device.interfaces} | {i.name for i in device.interfaces}
    interfaces: list[ObservedInterface] = list(device.interfaces)
    for name in sorted(ports):
        canonical = name if kernel_names else str(canonical_interface_name(name))
        if name in known or canonical in known:
            continue
        interfaces.append(
            ObservedInterface(
                name=name,
                canonical_name=canonical,
            )
        )
    neighbors = [
        Neighbor(local_interface=local, remote_system=str(n.get("hostname", "")),
                 remote_port=str(n.get("port", "")))
        for local, entries in sorted(lldp.items())
        for n in entries
    ]  # fmt: skip
    return device.model_copy(
        update={"interfaces": interfaces, "neighbors": neighbors, "source": "live"}
    )


def vm_addresses(ip_addr_json: str) -> list[tuple[str, ipaddress.IPv4Interface]]:
    """A VM's global IPv4 addresses from ``ip -j addr show`` (loopback left out).

    Examples:
        >>> vm_addresses('[{"ifname": "lo", "addr_info": [{"family": "inet", '
        ...     '"local": "127.0.0.1", "prefixlen": 8, "scope": "host"}]}, {"ifname": "eth0", '
        ...     '"addr_info": [{"family": "inet", "local": "172.20.0.11", "prefixlen": 24, '
        ...     '"scope": "global"}]}]')
        [('eth0', IPv4Interface('172.20.0.11/24'))]
    """
    found = []
    for name, families in sorted(interfaces_ip(json.loads(ip_addr_json or "[]")).items()):
        for address, info in families.get("ipv4", {}).items():
            value = ipaddress.IPv4Interface(f"{address}/{info['prefix_length']}")
            if not value.ip.is_loopback:
                found.append((name, value))
    return found


def _exec(conn: Any, command: str, timeout: float = 60) -> str:
    """``command``'s output over an exec channel of a Netmiko connection's SSH transport
    (no prompt to match)."""
    channel = conn.remote_conn_pre.get_transport().open_session(timeout=timeout)
    try:
        channel.settimeout(timeout)
        channel.exec_command(command)
        chunks: list[bytes] = []
        while data := channel.recv(65536):
            chunks.append(data)
        status = channel.recv_exit_status()
    finally:
        channel.close()
    if status != 0:
        raise RuntimeError(f"{command!r} exited {status}")
    return b"".join(chunks).decode("utf-8", "replace")


def _router(task: Any, platform: str) -> ObservedDevice:
    driver = task.host.get_connection("napalm", task.nornir.config)
    running = driver.get_config(retrieve="running")["running"]
    ports = driver.get_interfaces()
    try:
        lldp = driver.get_lldp_neighbors()
    except NotImplementedError:
        lldp = {}
    device = parse_config(platform, running, f"{task.host.name} (running config)")
    device = device.model_copy(update={"hostname": task.host.name})
    return merge_state(device, platform, dict(ports), dict(lldp))


def _vm(task: Any) -> ObservedVm:
    conn = task.host.get_connection("netmiko", task.nornir.config)
    return ObservedVm(name=task.host.name, addresses=vm_addresses(_exec(conn, VM_ADDRESSES)))


def read_live(
    target: Target,
    sot: SoT,
    *,
    workers: int = 20,
    vms: bool = True,
    done: Callable[[str], None] | None = None,
) -> Observation:
    """Every router and VM of ``target``, read live (``done(host)`` after each one).

    Hosts the target holds define the network's scope (a subset lab holds some of the
    SoT's); a target that holds the whole SoT (prod) is asked for every host of its Nornir
    inventory (Linux hosts are VMs). ``vms`` false: routers only (the VMs' imported
    addresses, if any, stay as they are).
    """
    from nornir.core.task import Result, Task

    sot_platforms = {d.hostname: d.platform for _, d in sot.all_devices()}
    nr, _ = target.open_nornir(sot, workers)
    held = target.hosts()
    if held is not None:
        kinds = {name: "vm" if kind == "vm" else "router" for name, kind in held.items()}
    else:
        kinds = {
            name: "vm" if host.platform == "linux" else "router"
            for name, host in nr.inventory.hosts.items()
        }

    def task(task: Task) -> Result:
        name = task.host.name
        plugin = "netmiko" if kinds[name] == "vm" else "napalm"
        outcome: ObservedDevice | ObservedVm | str = "no answer"
        for attempt in range(ATTEMPTS):
            if attempt:
                time.sleep(attempt)  # a busy machine's SSH set-up: give it a moment
            try:
                if kinds[name] == "vm":
                    outcome = _vm(task)
                else:
                    outcome = _router(task, sot_platforms.get(name) or str(task.host.platform))
                break
            except InputError as exc:  # it answered, but its configuration is not readable
                outcome = f"its running configuration is unreadable: {exc}"[:300]
                break
            except Exception as exc:  # one host's failure is data, never the end of the run
                outcome = f"{type(exc).__name__}: {exc}"[:300]
                if plugin in task.host.connections:
                    try:
                        task.host.close_connection(plugin)
                    except Exception:  # already broken: drop it
                        task.host.connections.pop(plugin, None)
        if done is not None:
            done(name)
        return Result(host=task.host, result=outcome)

    scope = sorted(kinds) if held is not None else None
    if not vms:
        kinds = {name: kind for name, kind in kinds.items() if kind != "vm"}
    chosen = nr.filter(filter_func=lambda h: h.name in kinds)
    aggregated = chosen.run(task=task, on_failed=True)
    chosen.close_connections(on_good=True, on_failed=True)
    devices: list[ObservedDevice] = []
    found_vms: list[ObservedVm] = []
    unreachable: dict[str, str] = {}
    for name in sorted(kinds):
        value = aggregated[name][0].result if name in aggregated else "no result"
        if isinstance(value, ObservedDevice):
            devices.append(value)
        elif isinstance(value, ObservedVm):
            found_vms.append(value)
        else:
            unreachable[name] = str(value)
    return Observation(
        source=f"the live network (--target {target.name})",
        devices=devices,
        vms=found_vms if vms else None,
        unreachable=unreachable,
        scope=scope,
        notes=[]
        if vms
        else ["VMs were not read (--no-vms): their imported addresses, if any, are kept"],
    )
