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

from netauto.plan.models import Plan
from netauto.push import rollout
from netauto.push.core import DeviceResult, PostCheck, push_device
from netauto.verify.routing import OSPF_COMMANDS, full_adjacencies

POLL_INTERVAL = 0.5
"""Seconds between two adjacency polls of a post-check (one SSH round trip each)."""


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
    revert_in: int = 120
    settle: float = 60.0
    continue_on_error: bool = False


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


def adjacency_state(driver: Any) -> dict[str, set[str]]:
    """Interfaces with a Full OSPFv2 / OSPFv3 adjacency, per protocol ('ospf', 'ospf6').

    With ``run_shell`` (FRR) both come from one vtysh run; otherwise from ``cli``.
    """
    commands = list(OSPF_COMMANDS.values())
    texts: list[str] = []
    if hasattr(driver, "run_shell"):
        argv = ["vtysh", *(word for command in commands for word in ("-c", command))]
        rc, out, _ = driver.run_shell(shlex.join(argv))
        try:
            documents = json_documents(out) if rc == 0 else []
        except ValueError:
            documents = []
        if len(documents) == len(commands):
            texts = [json.dumps(document) for document in documents]
    if not texts:
        outputs = driver.cli(commands)
        texts = [outputs.get(command, "") for command in commands]
    state: dict[str, set[str]] = {}
    for proto, text in zip(OSPF_COMMANDS, texts, strict=True):
        try:
            state[proto] = set(full_adjacencies(json.loads(text) if text.strip() else {}))
        except ValueError:
            state[proto] = set()
    return state


def make_post_check(
    driver: Any,
    before: dict[str, set[str]],
    expected: set[str],
    settle: float,
    names: dict[str, str],
) -> Callable[[], PostCheck]:
    """A post-check: adjacencies up before stay up, adjacencies to ready peers come up."""

    def check() -> PostCheck:
        if not expected and not any(before.values()):
            # Nothing was up and no neighbour is on its new config yet: nothing to wait for.
            return PostCheck(ok=True, detail="0 OSPFv2/v3 adjacencies up")
        deadline = time.monotonic() + settle
        missing: list[str] = []
        while True:
            now = adjacency_state(driver)
            missing = [
                f"{proto} {iface}" + (f" (to {names[iface]})" if iface in names else "")
                for proto in OSPF_COMMANDS
                for iface in sorted(before.get(proto, set()) | expected)
                if iface not in now.get(proto, set())
            ]
            if not missing or time.monotonic() > deadline:
                break
            time.sleep(POLL_INTERVAL)
        if missing:
            return PostCheck(
                ok=False, detail=f"adjacency down after {settle:.0f} s: " + ", ".join(missing)
            )
        count = sum(len(before.get(p, set()) | expected) for p in OSPF_COMMANDS)
        return PostCheck(ok=True, detail=f"{count} OSPFv2/v3 adjacencies up")

    return check


def run_rollout(
    nr: Any,
    plan: Plan,
    candidates: list[Candidate],
    options: PushOptions,
    on_done: Callable[[DeviceResult], None] | None = None,
) -> list[DeviceResult]:
    """Push ``candidates`` stage by stage; stop after a failed stage unless told to go on."""
    from nornir.core.task import Result, Task

    by_host = {c.host: c for c in candidates}
    if options.commit:
        stages = rollout.stages(
            [(c.host, c.role) for c in candidates], options.batch, options.canary
        )
    else:  # a dry-run changes nothing: no reason to stage it
        stages = [rollout.Stage(index=0, name="dry-run", hosts=[c.host for c in candidates])]
    ready: set[str] = set()
    results: list[DeviceResult] = []
    lock = threading.Lock()

    def task(task: Task, stage: str) -> Result:
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
        if candidate.platform == "frr" and options.commit:
            device = plan.device(candidate.host)
            peers = {i.name: i.peer for i in device.interfaces if i.kind == "p2p" and i.peer}
            with lock:
                expected = {name for name, peer in peers.items() if peer in ready}
            before: dict[str, set[str]] = {}

            def snapshot(driver: Any = driver, before: dict[str, set[str]] = before) -> None:
                try:
                    before.update(adjacency_state(driver))
                except Exception:  # no baseline: only adjacencies to ready peers are checked
                    before.clear()

            baseline = snapshot
            post = make_post_check(
                driver, before, expected, options.settle, {k: v for k, v in peers.items() if v}
            )
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
        aggregated = nr.filter(filter_func=lambda h, m=members: h.name in m).run(
            task=task, stage=stage.name, on_failed=True
        )
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
        if any(r.failed for r in results) and not options.continue_on_error:
            stopped = True
    nr.close_connections(on_good=True, on_failed=True)
    return results
