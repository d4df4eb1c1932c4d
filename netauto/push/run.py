"""Staged rollout over Nornir + Napalm: canary, batches, post-checks, stop on failure.

The pure decisions live elsewhere (:mod:`netauto.push.rollout` orders the devices,
:mod:`netauto.push.core` pushes one device); this module runs them concurrently with Nornir's
threaded runner and the ``napalm`` connection plugin.
"""

from __future__ import annotations

import json
import shlex
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict

from netauto import platforms
from netauto.parse.routing import (
    BGP_COMMAND,
    OSPF_COMMANDS,
    established_peers,
    full_adjacencies,
)
from netauto.plan.models import Plan
from netauto.push import rollout
from netauto.push.core import DeviceResult, PostCheck, push_device
from netauto.push.guard import RolloutGuard
from netauto.push.routing import PROTOCOLS, LinkRouting, RoutingState, link_routing

POLL_INTERVAL = 0.5
"""First pause between two reads of a device's routing state in its post-check."""
POLL_BACKOFF = 1.5
POLL_MAX = 4.0
"""The pause grows by ``POLL_BACKOFF`` up to ``POLL_MAX`` seconds: each read is an SSH
exec of vtysh on the box, and a wave of 50 routers polling twice a second was a large part
of the load on a 237-router lab; adjacencies form on the scale of OSPF's 10 s hellos."""
"""Seconds between two routing polls of a post-check (one SSH round trip each)."""


class Candidate(BaseModel):
    """What to push to one device: its rendered config, and for FRR its firewall ruleset."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    host: str
    platform: str
    role: str
    config: str
    firewall: str | None = None


class PushOptions(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    commit: bool = False
    batch: int = 10
    canary: list[str] = []
    order: rollout.Order = "edge-first"
    """Stage order (:mod:`netauto.push.rollout`)."""
    revert_in: int = 120
    settle: float = 60.0
    continue_on_error: bool = False
    allow_ipv4_change: bool = False
    """Commit candidates that remove or change IPv4 lines (see :func:`push_device`)."""
    prune_legacy: bool = False
    """Commit candidates that remove lines netauto does not own."""


def load_candidates(
    plan: Plan, configs: Path, hosts: list[str]
) -> tuple[list[Candidate], list[str]]:
    """Read the rendered files of ``hosts`` from ``configs``; also return hosts with no file."""
    found: list[Candidate] = []
    missing: list[str] = []
    for name in hosts:
        device = plan.device(name)
        conf = configs / f"{name}.conf"
        if not conf.is_file():
            missing.append(name)
            continue
        nft = configs / f"{name}.nft"
        found.append(
            Candidate(
                host=name,
                platform=device.platform,
                role=device.role,
                config=conf.read_text(encoding="utf-8"),
                firewall=nft.read_text(encoding="utf-8") if nft.is_file() else None,
            )
        )
    return found, missing


def json_documents(text: str) -> list[Any]:
    """The JSON documents written one after the other in ``text`` (vtysh with several -c).

    Examples:
        >>> json_documents('{"a": 1}\\n{\\n}\\n')
        [{'a': 1}, {}]
        >>> json_documents("ospf6d is not running")
        Traceback (most recent call last):
        ...
        json.decoder.JSONDecodeError: Expecting value: line 1 column 1 (char 0)
    """
    decoder = json.JSONDecoder()
    documents: list[Any] = []
    position = 0
    while position < len(text.rstrip()):
        while text[position].isspace():
            position += 1
        document, position = decoder.raw_decode(text, position)
        documents.append(document)
    return documents


def routing_state(driver: Any, ospf: bool = True, bgp: bool = False) -> RoutingState:
    """Interfaces with a Full OSPFv2 / OSPFv3 adjacency ('ospf', 'ospf6') and, with ``bgp``,
    addresses of Established BGP peers ('bgp'); protocols not asked for are empty.

    With ``_run_shell`` (FRR) everything comes from one vtysh run; otherwise from ``cli``.
    """
    wanted = {**(OSPF_COMMANDS if ospf else {}), **({"bgp": BGP_COMMAND} if bgp else {})}
    state: RoutingState = {proto: set() for proto in PROTOCOLS}
    if not wanted:
        return state
    commands = list(wanted.values())
    texts: list[str] = []
    if hasattr(driver, "_run_shell"):
        argv = ["vtysh", *(word for command in commands for word in ("-c", command))]
        rc, out, _ = driver._run_shell(shlex.join(argv))
        try:
            documents = json_documents(out) if rc == 0 else []
        except ValueError:
            documents = []
        if len(documents) == len(commands):
            texts = [json.dumps(document) for document in documents]
    if not texts:
        try:
            outputs = driver.cli(commands)
        except Exception:  # e.g. a daemon not running: read each command on its own
            outputs = {}
            for command in commands:
                try:
                    outputs.update(driver.cli([command]))
                except Exception:
                    outputs[command] = ""
        texts = [outputs.get(command, "") for command in commands]
    for proto, text in zip(wanted, texts, strict=True):
        try:
            data = json.loads(text) if text.strip() else {}
        except ValueError:
            data = {}
        found = established_peers(data) if proto == "bgp" else full_adjacencies(data)
        state[proto] = set(found)
    return state


def _missing(proto: str, key: str, names: dict[str, str], links: LinkRouting) -> str:
    """How a missing adjacency or session is shown: ``ospf eth1 (to hub-01-r1)``,
    ``bgp 10.0.0.1 (eth1 to hub-01-r1)``."""
    if proto != "bgp":
        return f"{proto} {key}" + (f" (to {names[key]})" if key in names else "")
    iface = links.bgp.get(key, "")
    peer = f" to {names[iface]}" if iface in names else ""
    return f"bgp {key} ({iface}{peer})" if iface else f"bgp {key}"


def make_post_check(
    driver: Any,
    before: RoutingState,
    ready: set[str],
    settle: float,
    names: dict[str, str],
    links: LinkRouting,
) -> Callable[[], PostCheck]:
    """A post-check: adjacencies and BGP sessions up before stay up, those to ready peers
    (``ready``: local interfaces whose peer is on its new config) come up, wherever the
    candidate runs that protocol (``links``, see :mod:`netauto.push.routing`).

    ``before`` is filled by the baseline snapshot right before the commit.
    """

    def check() -> PostCheck:
        required = links.required(before, ready)
        if not any(required.values()):
            # Nothing was up and no neighbour is on its new config yet: nothing to wait for.
            return PostCheck(ok=True, detail="0 OSPFv2/v3 adjacencies up")
        deadline = time.monotonic() + settle
        ospf = bool(required["ospf"] or required["ospf6"])
        missing: list[str] = []
        pause = POLL_INTERVAL
        while True:
            now = routing_state(driver, ospf=ospf, bgp=bool(required["bgp"]))
            missing = [
                _missing(proto, key, names, links)
                for proto in PROTOCOLS
                for key in sorted(required[proto])
                if key not in now.get(proto, set())
            ]
            left = deadline - time.monotonic()
            if not missing or left <= 0:
                break
            time.sleep(min(pause, left))
            pause = min(pause * POLL_BACKOFF, POLL_MAX)
        if missing:
            return PostCheck(
                ok=False, detail=f"adjacency down after {settle:.0f} s: " + ", ".join(missing)
            )
        count = len(required["ospf"]) + len(required["ospf6"])
        detail = f"{count} OSPFv2/v3 adjacencies up"
        if required["bgp"]:
            detail += f", {len(required['bgp'])} BGP sessions Established"
        return PostCheck(ok=True, detail=detail)

    return check


def run_rollout(
    nr: Any,
    plan: Plan,
    candidates: list[Candidate],
    options: PushOptions,
    on_done: Callable[[DeviceResult], None] | None = None,
    guard: RolloutGuard | None = None,
) -> list[DeviceResult]:
    """Push ``candidates`` stage by stage; stop after a failed stage unless told to go on.

    With a ``guard`` (:mod:`netauto.push.guard`) each stage is a wave: its devices wait
    for the wave's verdict before confirming (a stage's devices then all run at once, or
    those holding would wait for those queued behind them) and roll back on its veto.
    """
    from nornir.core.task import Result, Task

    by_host = {c.host: c for c in candidates}
    if options.commit:
        stages = rollout.stages(
            [(c.host, c.role) for c in candidates], options.batch, options.canary,
            options.order,
        )
    else:  # a dry-run changes nothing: no reason to stage it
        stages = [rollout.Stage(index=0, name="dry-run", hosts=[c.host for c in candidates])]
    ready: set[str] = set()
    results: list[DeviceResult] = []
    lock = threading.Lock()

    def task(task: Task, stage: str) -> Result:
        try:
            return push_one(task, stage)
        finally:
            if guard is not None:
                guard.leave(task.host.name)

    def push_one(task: Task, stage: str) -> Result:
        candidate = by_host[task.host.name]
        try:
            driver = task.host.get_connection("napalm", task.nornir.config)
        except Exception as exc:
            outcome = DeviceResult(
                host=candidate.host,
                platform=candidate.platform,
                stage=stage,
                outcome="unreachable",
                error=f"{type(exc).__name__}: {exc}"[:500],
            )
            return Result(host=task.host, result=outcome, failed=True)
        post: Callable[[], PostCheck] | None = None
        baseline: Callable[[], None] | None = None
        if platforms.get(candidate.platform).vtysh and options.commit:
            device = plan.device(candidate.host)
            peers = {i.name: i.peer for i in device.interfaces if i.kind == "p2p" and i.peer}
            links = link_routing(candidate.config, device, plan)
            with lock:
                expected = {name for name, peer in peers.items() if peer in ready}
            before: RoutingState = {}

            def snapshot(
                driver: Any = driver, before: RoutingState = before, links: LinkRouting = links
            ) -> None:
                try:
                    before.update(routing_state(driver, links.runs_ospf, bool(links.bgp)))
                except Exception:  # no baseline: only what runs to ready peers is checked
                    before.clear()

            baseline = snapshot
            post = make_post_check(
                driver,
                before,
                expected,
                options.settle,
                {k: v for k, v in peers.items() if v},
                links,
            )
        if guard is not None:
            baseline = _marking(guard, candidate.host, baseline)
        outcome = push_device(
            driver,
            candidate.host,
            candidate.platform,
            candidate.config,
            commit=options.commit,
            revert_in=options.revert_in,
            post_check=post,
            before_commit=baseline,
            firewall=candidate.firewall,
            stage=stage,
            allow_ipv4_change=options.allow_ipv4_change,
            prune_legacy=options.prune_legacy,
            hold=(lambda: guard.hold(candidate.host)) if guard is not None else None,
        )
        if on_done is not None:
            on_done(outcome)
        return Result(host=task.host, result=outcome, failed=outcome.failed)

    stopped = False
    for stage in stages:
        if stopped:
            results += [
                DeviceResult(
                    host=h,
                    platform=by_host[h].platform,
                    stage=stage.name,
                    outcome="skipped",
                    error="rollout stopped after a failure",
                )
                for h in stage.hosts
            ]
            continue
        members = set(stage.hosts)
        if guard is not None:
            guard.begin_wave(stage.name, stage.hosts)
        runner = _wide(nr, len(stage.hosts)) if guard is not None else nr
        aggregated = runner.filter(filter_func=lambda h, m=members: h.name in m).run(
            task=task, stage=stage.name, on_failed=True
        )
        done = len(results)
        for name in stage.hosts:
            multi = aggregated.get(name)
            first = multi[0] if multi else None
            value = getattr(first, "result", None)
            if isinstance(value, DeviceResult):
                outcome = value
            else:
                error = getattr(first, "exception", None) or "no result"
                outcome = DeviceResult(
                    host=name,
                    platform=by_host[name].platform,
                    stage=stage.name,
                    outcome="failed",
                    error=f"{type(error).__name__}: {error}"[:500],
                )
                if on_done is not None:
                    on_done(outcome)
            results.append(outcome)
            if outcome.outcome in ("committed", "unchanged"):
                ready.add(name)
        vetoed = guard is not None and not guard.end_wave(stage.name, results[done:])
        if vetoed or (any(r.failed for r in results) and not options.continue_on_error):
            stopped = True
    nr.close_connections(on_good=True, on_failed=True)
    return results


def _marking(
    guard: RolloutGuard, host: str, inner: Callable[[], None] | None
) -> Callable[[], None]:
    """``inner`` (the post-check's baseline), after telling the guard ``host`` commits."""

    def before_commit() -> None:
        guard.committing(host)
        if inner is not None:
            inner()

    return before_commit


def _wide(nr: Any, devices: int) -> Any:
    """``nr``, or a copy with a threaded runner that runs at least ``devices`` tasks at once."""
    from nornir.plugins.runners import ThreadedRunner

    runner = getattr(nr, "runner", None)
    workers = getattr(runner, "num_workers", 0)
    if isinstance(runner, ThreadedRunner) and workers >= devices:
        return nr
    return nr.with_runner(ThreadedRunner(num_workers=max(devices, workers, 1)))
