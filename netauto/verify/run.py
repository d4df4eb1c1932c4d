"""Run the check matrix against a target: routers over Nornir + Napalm, lab LAN clients locally.

One Nornir task per router does all of that router's work in one command over its SSH
session: it reads the OSPF adjacencies and BGP sessions (``vtysh ... json``) and the
interface addresses (``ip -j addr show``, read by the FRR driver's ``get_interfaces_ip``
parser: the drift check), then runs the router's probes (the Python prober, or the shell
script where the box has no python3; see :mod:`netauto.verify.probes`). In the lab, every
reachability and isolation probe is also run from the LAN's client namespace, a real host
on the LAN: one local prober process serves every client at once, each probe's sockets made
in its client's network namespace.
"""

from __future__ import annotations

import concurrent.futures
import ipaddress
import shlex
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

from netauto.connect.targets import LanClient
from netauto.parse.routing import (
    BGP_COMMAND,
    OSPF_COMMANDS,
    established_peers,
    full_adjacencies,
)
from netauto.plan.models import Plan
from netauto.verify.derive import CheckSpec
from netauto.verify.models import CheckResult, Status
from netauto.verify.probes import (
    build_script,
    judge,
    parse_blocks,
    parse_output,
    probe_argv,
    probe_command,
    prober_probe,
    prober_program,
)

Done = Callable[[int], None]
Addresses = dict[str, Any]
"""Napalm ``get_interfaces_ip`` of one router: interface → family → address → info."""


def _result(spec: CheckSpec, host: str, status: Status, evidence: str, **extra: Any) -> CheckResult:
    return CheckResult(
        id=spec.id if host == spec.device else f"{spec.id}:{host}",
        kind=spec.kind, probe=spec.probe, site=spec.site, host=host,
        source=extra.pop("source", spec.source), target=spec.target,
        target_address=spec.target_address, family=spec.family, port=spec.port,
        expect=spec.expect, status=status, evidence=evidence[:500], **extra,
    )  # fmt: skip


def skipped(spec: CheckSpec, reason: str) -> CheckResult:
    """The ``skip`` result of a check that cannot be judged here, with the reason."""
    return _result(spec, spec.device, "skip", reason)


def out_of_reach(plan: Plan, specs: list[CheckSpec], held: set[str]) -> dict[str, str]:
    """Check id → why it is skipped, for the routing and drift checks of interfaces whose far
    end is not among the ``held`` routers (a subset lab: a DC-core link to a hub left out).

    Examples:
        >>> from netauto.plan import plan_for
        >>> from pathlib import Path
        >>> plan = plan_for(Path("tests/data/tiny")).plan
        >>> spec = CheckSpec(id="routing:x", kind="routing", probe="ospf", site="dc",
        ...     device="dc-core-r1", target="hub-01-r1", expect="up")
        >>> out_of_reach(plan, [spec], {"dc-core-r1"})
        {'routing:x': 'far end hub-01-r1 is not in this lab'}
    """
    reasons: dict[str, str] = {}
    for spec in specs:
        peer: str | None = None
        if spec.kind == "routing":
            peer = spec.target
        elif spec.kind == "drift" and spec.device in plan.device_sites():
            device = plan.device(spec.device)
            iface = next((i for i in device.interfaces if i.name == spec.target), None)
            peer = iface.peer if iface is not None and iface.kind == "p2p" else None
        if peer is not None and peer not in held:
            reasons[spec.id] = f"far end {peer} is not in this lab"
    return reasons


Shell = Callable[[str, bytes | None], tuple[int, str, str]]
"""Runs a POSIX shell command (with optional stdin) on a host: (exit status, stdout, stderr)."""


def shell_probes(
    specs: list[CheckSpec],
    host: str,
    run: Shell,
    sources: dict[str, str] | None = None,
    python: bool = True,
) -> list[CheckResult]:
    """Run reachability/isolation ``specs`` on one host through ``run`` (a shell runner).

    ``sources`` maps a family to the source address to use (a LAN client's own address);
    by default each spec's own source (the router's LAN gateway) is used. With ``python``
    the host runs the prober if it has python3 (else the shell script); without, always the
    shell script.
    """
    return host_run(specs, host, run, sources, python)[0]


Reads = dict[str, tuple[int, str]]
"""What the read commands of a host run printed: name → (exit status, output)."""


def host_run(
    specs: list[CheckSpec],
    host: str,
    run: Shell,
    sources: dict[str, str] | None = None,
    python: bool = True,
    reads: dict[str, str] | None = None,
) -> tuple[list[CheckResult], Reads | str]:
    """:func:`shell_probes` that also runs ``reads`` (name → shell command) first, in the
    same round trip; returns the probes' results and the reads' outputs (or why the run
    failed)."""
    if not specs and not reads:
        return [], {}

    def source_of(spec: CheckSpec) -> str:
        return (sources or {}).get(spec.family or "", spec.source)

    script = build_script([probe_argv(s, source_of(s)) for s in specs]) if specs else ""
    python = python and bool(specs)
    program = None
    if python:
        program = prober_program([prober_probe(n, s, source_of(s)) for n, s in enumerate(specs)])
    start = time.monotonic()
    try:
        code, stdout, stderr = run(probe_command(script, python, reads),
                                   program.encode() if program is not None else None)  # fmt: skip
    except Exception as exc:
        failed = f"probe script failed: {exc}"
        return [_result(s, host, "error", failed) for s in specs], failed
    took = round(time.monotonic() - start, 3)
    owners = [(host, s, source_of(s)) for s in specs]
    blocks = parse_blocks(stdout)
    read = {name: blocks[name] for name in reads or {} if name in blocks}
    if len(read) < len(reads or {}):
        return (_verdicts(owners, code, stdout, stderr, took),
                f"no output (exit {code}): {stderr.strip()[:300]}")  # fmt: skip
    return _verdicts(owners, code, stdout, stderr, took), read


Owner = tuple[str, CheckSpec, str]
"""Who ran probe number n of a run: the host, the check, the source address used."""


def _verdicts(
    owners: list[Owner], code: int, stdout: str, stderr: str, took: float
) -> list[CheckResult]:
    """Each probe's verdict from a run's output (probe n belongs to ``owners[n]``)."""
    parsed = parse_output(stdout)
    results = []
    for index, (host, spec, source) in enumerate(owners):
        rc, output = parsed.get(index, (None, ""))
        if rc is None and not parsed:
            output = f"script exit {code}: {stderr.strip()[:300]}"
        status, rtt, evidence = judge(spec, rc, output)
        results.append(_result(spec, host, status, evidence, rtt_ms=rtt, duration_s=took,
                               source=source))  # fmt: skip
    return results


def routing_commands(specs: list[CheckSpec]) -> dict[str, str]:
    """The vtysh commands the routing ``specs`` of one router need, by protocol.

    Examples:
        >>> from netauto.verify.derive import CheckSpec
        >>> spec = CheckSpec(id="r", kind="routing", probe="bgp", site="s", device="d",
        ...                  target="p", expect="up")
        >>> routing_commands([spec])
        {'bgp': 'show bgp summary json'}
    """
    probes = {s.probe for s in specs}
    commands: dict[str, str] = {p: c for p, c in OSPF_COMMANDS.items() if p in probes}
    if "bgp" in probes:
        commands["bgp"] = BGP_COMMAND
    return commands


def routing_results(specs: list[CheckSpec], driver: Any) -> list[CheckResult]:
    """OSPFv2/OSPFv3 adjacency and BGP session checks of one router."""
    if not specs:
        return []
    commands = routing_commands(specs)
    try:
        outputs = driver.cli(list(commands.values()))
    except Exception as exc:
        return [_result(s, s.device, "error", f"cannot read routing state: {exc}") for s in specs]
    return routing_verdicts(specs, outputs)


def routing_verdicts(specs: list[CheckSpec], outputs: dict[str, str]) -> list[CheckResult]:
    """Routing checks from the output of each command of :func:`routing_commands`: an OSPF
    check passes with a Full adjacency on its interface, a BGP check with an Established
    session to its peer address."""
    import json

    state: dict[str, dict[str, str]] = {}
    for proto, command in {**OSPF_COMMANDS, "bgp": BGP_COMMAND}.items():
        text = outputs.get(command, "").strip()
        try:
            data = json.loads(text) if text else {}
        except ValueError:
            data = {}
        state[proto] = established_peers(data) if proto == "bgp" else full_adjacencies(data)
    results = []
    for spec in specs:
        up = state.get(spec.probe, {})
        if spec.probe == "bgp":
            peer = f"{spec.target_address} ({spec.target})"
            if spec.target_address in up:
                evidence = f"BGP session to {peer} Established on {spec.source}"
                results.append(_result(spec, spec.device, "pass", evidence))
            else:
                seen = ", ".join(sorted(up)) or "none"
                evidence = (f"no Established BGP session to {peer} on {spec.source} "
                            f"(Established: {seen})")  # fmt: skip
                results.append(_result(spec, spec.device, "fail", evidence))
        elif spec.source in up:
            results.append(
                _result(
                    spec,
                    spec.device,
                    "pass",
                    f"{spec.probe} Full on {spec.source} with {up[spec.source]}",
                )
            )
        else:
            seen = ", ".join(f"{i}:{r}" for i, r in sorted(up.items())) or "none"
            results.append(_result(spec, spec.device, "fail",
                                   f"no Full {spec.probe} adjacency on {spec.source} "
                                   f"(Full adjacencies: {seen})"))  # fmt: skip
    return results


def drift_results(
    specs: list[CheckSpec], plan: Plan, hostname: str, interfaces_ip: dict[str, Any]
) -> list[CheckResult]:
    """Compare live interface addresses (Napalm ``get_interfaces_ip``) with the plan."""
    live: dict[str, set[str]] = {}
    for iface, families in interfaces_ip.items():
        for family in ("ipv4", "ipv6"):
            for address, info in (families.get(family) or {}).items():
                live.setdefault(iface, set()).add(f"{address}/{info.get('prefix_length')}")
    results = []
    for spec in specs:
        have = live.get(spec.source, set())
        wanted = str(ipaddress.ip_interface(spec.target_address))
        if wanted in have:
            results.append(_result(spec, hostname, "pass", f"{spec.source} has {wanted}"))
        else:
            shown = ", ".join(sorted(have)) or "no address"
            results.append(_result(spec, hostname, "fail",
                                   f"{spec.source}: missing {wanted} (has {shown})"))  # fmt: skip
    device = plan.device(hostname)
    planned = {
        i.name: {str(a) for a in (i.ipv4, i.ipv6) if a is not None} for i in device.interfaces
    }
    for spec in specs:  # what the SoT keeps beside the plan (an imported secondary address)
        planned.setdefault(spec.source, set()).add(str(ipaddress.ip_interface(spec.target_address)))
    for iface, addresses in sorted(live.items()):
        for address in sorted(addresses):
            ip = ipaddress.ip_interface(address)
            if ip.is_link_local or ip.is_loopback or address in planned.get(iface, set()):
                continue
            family = "ipv4" if ip.version == 4 else "ipv6"
            results.append(CheckResult(
                id=f"drift:{hostname}:{iface}:unknown:{address}", kind="drift",
                probe="address", site=device.site, host=hostname, source=iface, target=iface,
                target_address=address, family=family, expect="match", status="fail",
                evidence=f"{iface} carries {address}, which the plan does not know",
            ))  # fmt: skip
    return results


def run_router(
    driver: Any,
    plan: Plan,
    hostname: str,
    specs: list[CheckSpec],
    addresses: Addresses | None = None,
    seen: dict[str, Addresses] | None = None,
    python: bool = True,
) -> list[CheckResult]:
    """Every check of one router, over one Napalm session.

    ``addresses`` (from a stored snapshot) replaces asking the device for its interface
    addresses; otherwise the addresses read live are put in ``seen`` under ``hostname``.
    """
    probes = [s for s in specs if s.probe in ("ping", "tcp")]
    routing = [s for s in specs if s.kind == "routing"]
    drift = [s for s in specs if s.kind == "drift"]
    if callable(getattr(driver, "_run_shell", None)):
        return _one_round_trip(driver, plan, hostname, probes, routing, drift, addresses,
                               seen, python)  # fmt: skip
    results = shell_probes(probes, hostname, driver._run_shell, python=python) if probes else []
    results += routing_results(routing, driver)
    if drift and addresses is not None:
        results += drift_results(drift, plan, hostname, addresses)
    elif drift:
        try:
            interfaces = driver.get_interfaces_ip()
        except Exception as exc:
            results += [_result(s, hostname, "error", f"cannot read addresses: {exc}")
                        for s in drift]  # fmt: skip
        else:
            results += _remembered_drift(drift, plan, hostname, interfaces, seen)
    return results


def _remembered_drift(
    drift: list[CheckSpec],
    plan: Plan,
    hostname: str,
    interfaces: dict[str, Any],
    seen: dict[str, Any] | None,
) -> list[CheckResult]:
    """Drift results of one router; its addresses are kept in ``seen`` (the snapshot)."""
    if seen is not None:
        seen[hostname] = interfaces
    return drift_results(drift, plan, hostname, interfaces)


ADDRESSES_COMMAND = "ip -j addr show"
"""What the FRR driver's ``get_interfaces_ip`` runs; its parser reads the output here too."""


def _one_round_trip(
    driver: Any,
    plan: Plan,
    hostname: str,
    probes: list[CheckSpec],
    routing: list[CheckSpec],
    drift: list[CheckSpec],
    addresses: Addresses | None,
    seen: dict[str, Addresses] | None,
    python: bool,
) -> list[CheckResult]:
    """A router's checks in one command over its SSH session (a shell-capable driver):
    the routing state (``vtysh``) and the addresses (``ip -j addr show``, read by the driver's
    own ``get_interfaces_ip`` parser) first, then the probes."""
    import json

    from netauto.parse.frr_state import interfaces_ip

    commands = routing_commands(routing)
    reads: dict[str, str] = {proto: shlex.join(["vtysh", "-c", command])
                             for proto, command in commands.items()}  # fmt: skip
    if drift and addresses is None:
        reads["addresses"] = ADDRESSES_COMMAND
    results, read = host_run(probes, hostname, driver._run_shell, python=python, reads=reads)

    def failed(name: str) -> str | None:
        if isinstance(read, str):
            return read
        code, output = read[name]
        return f"{reads[name]}: exit {code}: {output.strip()[:200]}" if code else None

    if routing:
        why = next((w for w in map(failed, commands) if w), None)
        if why is None and not isinstance(read, str):
            outputs = {command: read[proto][1] for proto, command in commands.items()}
            results += routing_verdicts(routing, outputs)
        else:
            results += [_result(s, s.device, "error", f"cannot read routing state: {why}")
                        for s in routing]  # fmt: skip
    if drift and addresses is not None:
        results += drift_results(drift, plan, hostname, addresses)
    elif drift:
        why = failed("addresses")
        interfaces: Addresses | None = None
        if why is None and not isinstance(read, str):
            try:
                interfaces = interfaces_ip(json.loads(read["addresses"][1] or "[]"))
            except (ValueError, TypeError, KeyError) as exc:
                why = f"{ADDRESSES_COMMAND}: unreadable output: {exc}"
        if interfaces is None:
            results += [_result(s, hostname, "error", f"cannot read addresses: {why}")
                        for s in drift]  # fmt: skip
        else:
            results += _remembered_drift(drift, plan, hostname, interfaces, seen)
    return results


def run_on_routers(
    nr: Any,
    plan: Plan,
    specs: list[CheckSpec],
    hosts: list[str],
    done: Done | None = None,
    snapshot: dict[str, Addresses] | None = None,
    seen: dict[str, Addresses] | None = None,
    python: bool = True,
) -> list[CheckResult]:
    """Run the router checks of ``hosts`` concurrently with Nornir.

    With ``snapshot`` (hostname → interface addresses from a stored snapshot) the drift
    checks read addresses from it; a router missing from it gets drift ``error``s. Without,
    the addresses read live from each router are collected into ``seen``.
    """
    from nornir.core.task import Result, Task

    by_device: dict[str, list[CheckSpec]] = {}
    for spec in specs:
        by_device.setdefault(spec.device, []).append(spec)

    def task(task: Task) -> Result:
        name = task.host.name
        mine = by_device.get(name, [])
        stored: Addresses | None = None
        early: list[CheckResult] = []
        if snapshot is not None:
            stored = snapshot.get(name)
            if stored is None:
                missing = [s for s in mine if s.kind == "drift"]
                mine = [s for s in mine if s.kind != "drift"]
                early = [_result(s, name, "error", "host not in the snapshot") for s in missing]
        try:
            try:
                driver = task.host.get_connection("napalm", task.nornir.config)
            except Exception:  # one retry: SSH setup times out on a busy machine
                if "napalm" in task.host.connections:
                    task.host.close_connection("napalm")
                time.sleep(1)
                driver = task.host.get_connection("napalm", task.nornir.config)
            results = run_router(driver, plan, name, mine, stored, seen, python)
        except Exception as exc:
            results = [_result(s, s.device, "error", f"unreachable: {type(exc).__name__}: {exc}")
                       for s in mine]  # fmt: skip
        if done is not None:
            done(len(mine) + len(early))
        return Result(host=task.host, result=early + results)

    wanted = set(hosts) & set(by_device)
    chosen = nr.filter(filter_func=lambda h: h.name in wanted)
    aggregated = chosen.run(task=task, on_failed=True)
    results: list[CheckResult] = []
    for name in sorted(wanted):
        value = aggregated[name][0].result if name in aggregated else None
        if isinstance(value, list):
            results += value
        else:
            results += [_result(s, name, "error", "no result from the device")
                        for s in by_device[name]]  # fmt: skip
    chosen.close_connections(on_good=True, on_failed=True)  # only these: VMs are read meanwhile
    missing = set(by_device) - set(hosts)
    for name in sorted(missing):
        results += [_result(s, name, "error", "device not reachable on this target")
                    for s in by_device[name]]  # fmt: skip
    return results


def run_on_clients(
    lan_clients: list[LanClient],
    specs: list[CheckSpec],
    done: Done | None = None,
    workers: int = 16,
    python: bool = True,
) -> list[CheckResult]:
    """Run reachability/isolation probes from LAN clients (the lab's: they are local).

    With ``python``, one local prober process runs every client's probes at once, each in
    its client's network namespace (no process per client, no SSH). Without, each client
    runs the shell script (``nsenter``, ``workers`` clients at once).
    """
    clients = {(c.router, c.lan): c for c in lan_clients}
    jobs: dict[str, tuple[LanClient, list[CheckSpec]]] = {}
    for spec in specs:
        if spec.probe not in ("ping", "tcp"):
            continue
        client = clients.get((spec.device, spec.lan))
        if client is not None:
            jobs.setdefault(client.name, (client, []))[1].append(spec)

    def sources_of(client: LanClient) -> dict[str, str]:
        """The client's address per family; "" lets the kernel choose (a client that got
        its IPv6 address by SLAAC, as a legacy LAN's hosts do once the router sends RAs)."""
        sources: dict[str, str] = {"ipv4": "", "ipv6": ""}
        for address in client.addresses:
            family = "ipv4" if address.version == 4 else "ipv6"
            sources[family] = sources[family] or str(address.ip)
        return sources

    if python:
        owners: list[Owner] = []
        probes: list[list[Any]] = []
        for name in sorted(jobs):
            client, mine = jobs[name]
            sources, netns = sources_of(client), client.netns
            for spec in mine:
                source = sources.get(spec.family or "", spec.source)
                probes.append([*prober_probe(len(owners), spec, source), netns])
                owners.append((name, spec, source))
        start = time.monotonic()
        try:
            proc = subprocess.run(
                [sys.executable, "-I", "-"], input=prober_program(probes).encode(),
                capture_output=True, timeout=300, check=False,
            )  # fmt: skip
        except (OSError, subprocess.SubprocessError) as exc:
            return [_result(s, h, "error", f"prober failed: {exc}", source=src)
                    for h, s, src in owners]  # fmt: skip
        results = _verdicts(owners, proc.returncode, proc.stdout.decode(errors="replace"),
                            proc.stderr.decode(errors="replace"),
                            round(time.monotonic() - start, 3))  # fmt: skip
        if done is not None:
            done(len(owners))
        return results

    def one(name: str) -> list[CheckResult]:
        client, mine = jobs[name]

        def runner(script: str, stdin: bytes | None) -> tuple[int, str, str]:
            proc = subprocess.run(
                client.exec_argv(["sh", "-c", script]),
                input=stdin or b"", capture_output=True, timeout=300, check=False,
            )  # fmt: skip
            return (proc.returncode, proc.stdout.decode(errors="replace"),
                    proc.stderr.decode(errors="replace"))  # fmt: skip

        results = shell_probes(mine, name, runner, sources_of(client), python=False)
        if done is not None:
            done(len(mine))
        return results

    out: list[CheckResult] = []
    with concurrent.futures.ThreadPoolExecutor(max_workers=workers) as pool:
        for results in pool.map(one, sorted(jobs)):
            out += results
    return out


def vm_drift_results(
    plan: Plan, names: list[str], tables: dict[str, Any], errors: dict[str, str]
) -> list[CheckResult]:
    """Drift of data-centre VMs: each must carry its planned IPv4 and IPv6 address, nothing else.

    ``tables`` holds each VM's addresses in Napalm's ``get_interfaces_ip`` shape (from a live
    collection or a stored snapshot); the plan does not name a VM's interface, so a planned
    address counts wherever it sits.
    """
    results: list[CheckResult] = []
    for vm in plan.vms:
        if vm.name not in names:
            continue
        planned = {"ipv4": str(vm.ipv4), "ipv6": str(vm.ipv6)}
        where: dict[str, str] = {}
        for iface, families in (tables.get(vm.name) or {}).items():
            for family in ("ipv4", "ipv6"):
                for address, info in (families.get(family) or {}).items():
                    where[f"{address}/{info.get('prefix_length')}"] = iface
        for family, address in planned.items():
            base = {
                "id": f"drift:{vm.name}:{family}", "kind": "drift", "probe": "address",
                "site": vm.site, "host": vm.name, "target": vm.network,
                "target_address": address, "family": family, "expect": "match",
            }  # fmt: skip
            if vm.name not in tables:
                reason = errors.get(vm.name, "no address data")
                results.append(CheckResult(**base, status="error", evidence=reason[:500]))
            elif address in where:
                results.append(CheckResult(**base, status="pass", source=where[address],
                                           evidence=f"{where[address]} has {address}"))  # fmt: skip
            else:
                shown = ", ".join(sorted(where)) or "no address"
                evidence = f"missing {address} (has {shown})"
                results.append(CheckResult(**base, status="fail", evidence=evidence))
        for address, iface in sorted(where.items()):
            ip = ipaddress.ip_interface(address)
            if ip.is_link_local or ip.is_loopback or address in planned.values():
                continue
            results.append(CheckResult(
                id=f"drift:{vm.name}:{iface}:unknown:{address}", kind="drift", probe="address",
                site=vm.site, host=vm.name, source=iface, target=vm.network,
                target_address=address, family="ipv4" if ip.version == 4 else "ipv6",
                expect="match", status="fail",
                evidence=f"{iface} carries {address}, which the plan does not know",
            ))  # fmt: skip
    return results
