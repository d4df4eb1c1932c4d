"""`netauto diff` and `netauto push`: rendered configs onto devices, safely (thin CLI)."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from rich import box
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.syntax import Syntax
from rich.table import Table

from netauto.cli.options import (
    credentials_option,
    lab_prefix_option,
    open_target,
    settings,
    target_option,
)
from netauto.cli.output import err, out, write
from netauto.errors import CheckFailed, InputError, Problem

if TYPE_CHECKING:
    from netauto.plan.models import Plan
    from netauto.push.core import DeviceResult
    from netauto.push.guard import GuardReport, WaveReport
    from netauto.sot.models import SoT
    from netauto.verify.migration import MigrationRun, MigrationWindow, WindowKind
    from netauto.verify.models import RunInfo

CONFIGS_HELP = "Rendered configs to push (written by `netauto render`)."

PUSH_HELP = """Push the rendered configs to the routers: dry-run unless --commit.

Every device is diffed first (running config vs the file `netauto render` wrote). With
--commit the rollout is staged: a canary first (the first commune router, or --canary), then
batches of --batch devices of one role each, in --order: edge-first (communes, hubs, then
the data-centre core: the default) or core-first (core, hubs, then communes: the default
with --guard, where each commune's IPv6 works from the end of its own wave).
Each device is committed with commit-confirm (native on FRR, EOS, Junos, IOS; emulated
elsewhere), then post-checked: OSPFv2/OSPFv3 adjacencies that were up stay up, and those to
neighbours already on their new config come up within --settle seconds. If the check holds
the commit is confirmed; if not, the device rolls back by itself and the rollout stops
(--continue-on-error goes on). FRR routers also get their nftables ruleset (policy + SSH
limit). Every device's result goes to the audit log (<state-dir>/audit.jsonl); a lock stops
two pushes at once. Credentials (prod) come from NETAUTO_USERNAME / NETAUTO_PASSWORD or a
0600 --credentials file, never from the SoT.

IPv4 is kept: with --commit, a device whose candidate removes or changes any IPv4 line it
has (an address, a static route, an access-list, OSPFv2, a BGP neighbour over IPv4, ...) is
[bold]refused[/] before anything changes, the first lines named, unless --allow-ipv4-change
(written to the audit log). A candidate that removes other lines the device has (a line of a
kind the candidate does not set there, or a whole block such as a shut spare port: lines
netauto does not own) is refused the same way unless --prune-legacy. A changed setting
(a new description, hostname) is netauto's to change. A dry-run reports what --commit would
refuse. Platforms whose configuration is not FRR/IOS-like text (Junos, VRP) cannot be
checked: --allow-ipv4-change is needed to commit them.

--guard keeps a probe stream running for the whole rollout: every commune (its LAN client
in the lab) pings every data-centre VM hosting a service the policy opens to it, 5 probes
per second, IPv4 throughout and IPv6 from the end of the commune's own wave. A wave's
devices commit and pass their post-checks, then wait for the wave's verdict: a commune
that lost more than --max-loss IPv4 probes (default 0) during the wave rolls the whole wave
back, and the rollout stops with the communes and the time window named. IPv6 loss is
shown and kept, not judged. The guarded rollout is stored in the run history as a migration
run (also when the guard stopped it): `netauto report --run N` shows it per commune. Not
available yet on targets without LAN clients (prod).

[bold]Examples[/]

  netauto render && netauto push        # what would change in the lab
  netauto push --commit                  # staged rollout to the lab
  netauto push --commit --site hub-01    # one site
  netauto push --commit --host hub-01-r1 --allow-ipv4-change   # a deliberate renumbering
  netauto push --commit --guard          # judged on live probes, wave by wave
  netauto push -t prod --credentials ~/.netauto.yml
"""

DIFF_HELP = """Show what a push would change: a unified diff per router, and a summary.

Compares each router's running configuration (and, for FRR, its nftables ruleset) with the
file `netauto render` wrote, block by block: order, blank and `!` lines, `exit`/`end` and
FRR's header lines do not count. Per router: a unified diff of the normalised configs (each
changed block once, its context line first: `interface eth1`, `router ospf`), then one line
"+added -removed ~changed; IPv4 lines removed or changed: N" (and "legacy lines removed: N"
when the candidate drops lines netauto does not own: `push --commit` refuses both), then a
total. --format json gives the structured diff (config_diff: blocks with added, removed,
changed lines; the IPv4 lines removed or changed). Changes nothing on the devices; the diff's
hash goes to the audit log.

Exit status: 1 if a router was unreachable or could not be diffed; otherwise, with
--exit-code, 1 if any router differs (as `git diff --exit-code`), else 0.

[bold]Examples[/]

  netauto diff                      # every lab router
  netauto diff --host cm-anxuyen-r1
  netauto diff --exit-code -q || echo "the routers differ from the rendered configs"
  netauto diff --format json | jq '.[] | select(.outcome != "unchanged") | .summary'
"""


def _select(plan: Any, reachable: list[str], hosts: list[str], sites: list[str]) -> list[str]:
    known = {d.hostname: d for d in plan.devices}
    problems = [Problem(None, None, "--host", f"unknown device {h!r}") for h in hosts
                if h not in known]  # fmt: skip
    site_slugs = {s.slug for s in plan.sites}
    problems += [Problem(None, None, "--site", f"unknown site {s!r}") for s in sites
                 if s not in site_slugs]  # fmt: skip
    if problems:
        raise InputError(problems)
    chosen = [
        d.hostname
        for d in plan.devices
        if d.hostname in reachable
        and (not hosts or d.hostname in hosts)
        and (not sites or d.site in sites)
    ]
    if not chosen:
        raise InputError("no router selected (check --host/--site and the target)")
    return chosen


def _results_table(results: list[Any], title: str) -> Table:
    table = Table(box=box.SIMPLE, title=title)
    for column in ("host", "stage", "outcome", "detail", "s"):
        table.add_column(column, justify="right" if column == "s" else "left")
    colours = {
        "committed": "green",
        "unchanged": "dim",
        "would-change": "yellow",
        "rolled-back": "red",
        "failed": "red",
        "unreachable": "red",
        "skipped": "dim",
        "refused": "red",
    }
    for r in results:
        detail = r.error or r.post_check or _summary(r)
        table.add_row(r.host, r.stage, f"[{colours.get(r.outcome, 'white')}]{r.outcome}[/]",
                      detail[:120], f"{r.duration_s:.1f}")  # fmt: skip
    return table


def _summary(r: Any) -> str:
    """What a device's diff does, and what push --commit would refuse (the table's detail)."""
    text = r.summary or (f"{len(r.diff.splitlines())} diff lines" if r.diff else "")
    if r.guard and r.outcome == "would-change":
        text += f" (push --commit refuses: {r.guard})"
    return text


def summary_lines(results: list[Any]) -> list[str]:
    """One line per router: unchanged, its diff's summary, or why it was not diffed.

    Examples:
        >>> from netauto.push.core import DeviceResult
        >>> summary_lines([DeviceResult(host="r1", platform="frr", outcome="unchanged"),
        ...     DeviceResult(host="r2", platform="frr", outcome="unreachable", error="timeout")])
        ['r1: unchanged', 'r2: unreachable: timeout']
    """
    lines = []
    for r in results:
        if r.outcome in ("unreachable", "failed", "skipped"):
            lines.append(f"{r.host}: {r.outcome}: {r.error}")
        elif r.outcome == "unchanged":
            lines.append(f"{r.host}: unchanged")
        else:
            lines.append(f"{r.host}: {_summary(r)}")
    return lines


def total_line(results: list[Any]) -> str:
    """The total over every router: how many differ, lines, IPv4 and legacy lines.

    Examples:
        >>> from netauto.parse.configdiff import ConfigDiff
        >>> from netauto.push.core import DeviceResult
        >>> total_line([DeviceResult(host="r1", platform="frr", outcome="would-change",
        ...     config_diff=ConfigDiff(added=3, changed=1)),
        ...     DeviceResult(host="r2", platform="frr", outcome="unchanged")])
        'total: 1 of 2 routers differ; +3 -0 ~1; IPv4 lines removed or changed: 0'
    """
    diffs = [r.config_diff for r in results if r.config_diff is not None]
    differ = sum(r.outcome == "would-change" for r in results)
    text = (
        f"total: {differ} of {len(results)} routers differ; +{sum(d.added for d in diffs)} "
        f"-{sum(d.removed for d in diffs)} ~{sum(d.changed for d in diffs)}; IPv4 lines "
        f"removed or changed: {sum(len(d.ipv4_removed_or_changed) for d in diffs)}"
    )
    legacy = sum(len(d.legacy_removed) for d in diffs)
    if legacy:
        text += f"; legacy lines removed: {legacy}"
    missed = sum(r.outcome in ("unreachable", "failed") for r in results)
    if missed:
        text += f"; {missed} not diffed (unreachable or failed)"
    return text


def _run(
    ctx: typer.Context,
    *,
    action: str,
    commit: bool,
    target: str,
    hosts: list[str],
    sites: list[str],
    configs: Path,
    lab_prefix: str | None,
    credentials: Path | None,
    batch: int,
    canary: list[str],
    revert_in: int,
    settle: float,
    continue_on_error: bool,
    fmt: str,
    order: str = "edge-first",
    workers: int = 20,
    allow_ipv4_change: bool = False,
    prune_legacy: bool = False,
    quiet: bool = False,
    guard: bool = False,
    max_loss: int = 0,
    baseline_wait: float = 0.0,
) -> tuple[list[Any], Any]:
    """Diff or push; the results, and the guard's report (None without ``guard``)."""
    from netauto.plan import sot_and_plan
    from netauto.push import audit
    from netauto.push.lock import push_lock
    from netauto.push.rollout import ORDERS
    from netauto.push.run import PushOptions, load_candidates, run_rollout

    opts = settings(ctx)
    if fmt not in ("table", "json"):
        raise InputError(Problem(None, None, "--format", f"expected table or json, got {fmt!r}"))
    where = open_target(target, lab_prefix, credentials)
    if not configs.is_dir():
        raise InputError(Problem(configs, None, "", "no rendered configs here",
                                 "run `netauto render` first"))  # fmt: skip
    loaded, plan = sot_and_plan(opts.inventory, opts.state_dir / "cache")
    nr, reachable = where.open_nornir(loaded.sot, workers)
    chosen = _select(plan, reachable, hosts, sites)
    candidates, missing = load_candidates(plan, configs, chosen)
    if missing:
        raise InputError(Problem(configs, None, "", f"no rendered config for {', '.join(missing)}",
                                 "run `netauto render` first"))  # fmt: skip
    if order not in ORDERS:
        raise InputError(Problem(None, None, "--order",
                                 f"expected {' or '.join(ORDERS)}, got {order!r}"))  # fmt: skip
    options = PushOptions(commit=commit, batch=batch, canary=canary, revert_in=revert_in,
                          order=order,
                          settle=settle, continue_on_error=continue_on_error,
                          allow_ipv4_change=allow_ipv4_change,
                          prune_legacy=prune_legacy)  # fmt: skip
    probes = _probe_plan(loaded.sot, plan, where) if guard else None
    report = None
    started = audit.now()
    with push_lock(opts.state_dir):
        with Progress(
            TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
            TimeElapsedColumn(), console=err, transient=True,
        ) as progress:  # fmt: skip
            bar = progress.add_task(f"{action} ({target})", total=len(candidates))
            lock = threading.Lock()

            def done(result: Any) -> None:
                with lock:
                    progress.advance(bar)

            if probes is None:
                results = run_rollout(nr, plan, candidates, options, on_done=done)
            else:
                results, report = _guarded(progress, probes, max_loss, lambda g: run_rollout(
                    nr, plan, candidates, options, on_done=done, guard=g),
                    baseline_wait)  # fmt: skip
        summaries = {w.name: w.summary() for w in report.waves} if report else {}
        records = [
            audit.AuditRecord(
                when=audit.now(), who=audit.who(),
                action="diff" if action == "diff" else ("push" if commit else "push-dry-run"),
                target=target, device=r.host, diff_sha256=audit.diff_hash(r.diff),
                result=r.outcome, changed=r.changed, rolled_back=r.rolled_back,
                detail=r.error[:300], summary=r.summary,
                allow_ipv4_change=allow_ipv4_change, prune_legacy=prune_legacy,
                traffic_guard=summaries.get(r.stage, "")[:300],
            )
            for r in results
        ]  # fmt: skip
        audit.append(opts.state_dir, records)
    if fmt == "json":
        devices = [r.model_dump() for r in results]
        document: Any = devices if report is None else {
            "devices": devices, "guard": report.model_dump(mode="json")}  # fmt: skip
        typer.echo(json.dumps(document, ensure_ascii=False, indent=1))
    else:
        if (action == "diff" or not commit) and not quiet:
            for r in results:
                if r.diff:
                    out.rule(f"{r.host}", style="yellow")
                    out.print(Syntax(r.diff, "diff", theme="ansi_dark", word_wrap=True))
        if action == "diff" or not commit:  # a dry-run is a diff
            for line in [*summary_lines(results), total_line(results)]:
                write(line)
        else:
            out.print(_results_table(results, f"push → {target}"))
            for r in results:  # the table cuts details short: a refusal is read whole
                if r.outcome == "refused":
                    write(f"{r.host}: refused: {r.error}")
        if report is not None:
            out.print(_guard_table(report))
    if report is not None:
        _save_migration(ctx, loaded, plan, target, started, results, report)
    counts: dict[str, int] = {}
    for r in results:
        counts[r.outcome] = counts.get(r.outcome, 0) + 1
    err.print(", ".join(f"{n} {k}" for k, n in sorted(counts.items())) or "nothing to do")
    return results, report


def _probe_plan(sot: Any, plan: Any, where: Any) -> Any:
    """The guard's probe plan on this target.

    Raises:
        InputError: nothing to probe from, or only from routers (production: not yet).
    """
    from netauto.push.guard import probe_plan

    probes = probe_plan(sot, plan, where.clients(), where.sites())
    if not probes.flows:
        raise InputError(Problem(None, None, "--guard", "no commune to probe from (the policy "
                                 "opens no data-centre service to a commune here)"))  # fmt: skip
    gateways = sorted({f.commune for f in probes.flows if f.origin == "gateway"})
    if gateways:
        raise InputError(Problem(
            None, None, "--guard",
            f"no LAN client to probe from for {len(gateways)} communes ({', '.join(gateways[:5])}"
            f"{', …' if len(gateways) > 5 else ''})",
            "the guard probes from LAN clients (the lab's, `netauto lab up` with clients); "
            "probing from the commune routers' LAN gateway addresses (production) is not "
            "implemented yet",
        ))  # fmt: skip
    return probes


def _guarded(
    progress: Progress, probes: Any, max_loss: int, rollout: Any, baseline_wait: float = 0.0
) -> tuple[Any, Any]:
    """Run ``rollout(guard)`` under a traffic guard; its results and the guard's report.

    The guard's counts are shown per wave as they come in, and each wave's verdict stays
    on screen. Before any change the guard watches baseline windows until one loses no
    probe, for up to ``baseline_wait`` seconds; a baseline that still loses probes stops
    everything before any change.
    """
    from netauto.push.guard import Guard, GuardError, WaveProgress

    line = progress.add_task("guard: starting the probe stream", total=None)

    def show(event: WaveProgress) -> None:
        text = (f"guard {event.wave}: IPv4 {event.ipv4.text()} · "
                f"IPv6 {event.ipv6.text()}")  # fmt: skip
        progress.update(line, description=escape(text))
        if event.done:
            style = "green" if event.ok else "red"
            progress.console.print(f"[{style}]guard[/] {escape(event.summary)}")

    try:
        guard = Guard.start(probes, max_loss, on_progress=show)
    except GuardError as exc:
        raise CheckFailed(f"guard: {exc}") from None
    try:
        deadline = time.monotonic() + baseline_wait
        baseline = guard.baseline()
        while not baseline.ok and time.monotonic() < deadline:
            progress.update(line, description=escape(f"guard: waiting for a clean baseline "
                                                     f"({baseline.message})"))  # fmt: skip
            baseline = guard.baseline()
        if not baseline.ok:
            raise CheckFailed(f"guard: before any change, {baseline.message}; nothing was "
                              "pushed (fix those paths, or push without --guard)")  # fmt: skip
        results = rollout(guard)
    except BaseException:
        guard.finish(tail=0)
        raise
    return results, guard.finish(settle=baseline_wait)  # IPv6 of the last wave converging


def _save_migration(
    ctx: typer.Context,
    loaded: Any,
    plan: Plan,
    target: str,
    started: str,
    results: list[DeviceResult],
    report: GuardReport,
) -> int:
    """Store the guarded rollout in the run history and say where its report is."""
    from netauto import __version__
    from netauto.cli.verify import sot_digest
    from netauto.push.audit import now, who
    from netauto.verify.history import save_migration
    from netauto.verify.migration import summary_line
    from netauto.verify.models import RunInfo

    sot = loaded.sot
    info = RunInfo(
        started=started, finished=now(), target=target, province=sot.province.name,
        province_code=sot.province.code, inventory=str(settings(ctx).inventory),
        sot_sha256=sot_digest(loaded.files), netauto_version=__version__, operator=who(),
    )  # fmt: skip
    record = migration_run(info, sot, plan, results, report)
    run_id = save_migration(settings(ctx).state_dir, record)
    err.print(f"migration run {run_id}: {summary_line(record)}; report: netauto report --run "
              f"{run_id}", markup=False, highlight=False)  # fmt: skip
    return run_id


def migration_run(
    info: RunInfo, sot: SoT, plan: Plan, results: list[DeviceResult], report: GuardReport
) -> MigrationRun:
    """The history's record of a guarded rollout: the push's results and the guard's report
    restated as a :class:`~netauto.verify.migration.MigrationRun` (push and verify never
    import each other; the command line is where they meet)."""
    from netauto.verify.migration import (
        CommuneWindow,
        GuardSettings,
        MigrationCommune,
        MigrationDevice,
        MigrationRun,
        Probes,
        UnguardedCommune,
    )
    from netauto.verify.models import SiteInfo

    probed = {c.commune for c in report.communes} | {u.commune for u in report.unguarded}
    sites = plan.device_sites()
    return MigrationRun(
        info=info,
        guard=GuardSettings(max_loss=report.max_loss, rate=report.rate, tick=report.tick,
                            timeout=report.timeout, margin=report.margin),
        sites=[
            SiteInfo(slug=s.slug, site_id=s.site_id, name=s.name, kind=s.kind, hub=s.hub,
                     commune_code=s.commune_code)
            for s in sot.sites if s.slug in probed or s.kind != "commune"
        ],
        baseline=_window(report.baseline, "baseline"),
        waves=[w for w in (_window(r, "wave") for r in report.waves) if w is not None],
        after=_window(report.after, "after"),
        devices=[
            MigrationDevice(host=r.host, site=sites.get(r.host, ""), wave=r.stage,
                            outcome=r.outcome, rolled_back=r.rolled_back,
                            detail=(r.error or r.post_check)[:300])
            for r in results
        ],
        communes=[
            MigrationCommune(
                commune=c.commune, router=c.router, origin=c.origin, client=c.client,
                windows=[CommuneWindow(window=w.wave,
                                       ipv4=Probes(sent=w.ipv4.sent, lost=w.ipv4.lost),
                                       ipv6=Probes(sent=w.ipv6.sent, lost=w.ipv6.lost))
                         for w in c.waves],
                rolled_back=c.rolled_back, rolled_back_in=c.rolled_back_in,
                ipv6_from=c.ipv6_from.isoformat() if c.ipv6_from is not None else None,
            )
            for c in report.communes
        ],
        unguarded=[UnguardedCommune(commune=u.commune, reason=u.reason)
                   for u in report.unguarded],
        stopped=report.stopped,
    )  # fmt: skip


def _window(wave: WaveReport | None, kind: WindowKind) -> MigrationWindow | None:
    """One window of the guard's report as the history keeps it."""
    from netauto.verify.migration import MigrationWindow, Probes

    if wave is None:
        return None
    return MigrationWindow(
        name=wave.name, kind=kind, hosts=list(wave.hosts), start=wave.start.isoformat(),
        end=wave.end.isoformat(), ipv4=Probes(sent=wave.ipv4.sent, lost=wave.ipv4.lost),
        ipv6=Probes(sent=wave.ipv6.sent, lost=wave.ipv6.lost), judged=wave.judged, ok=wave.ok,
        over=[o.commune for o in wave.over], rolled_back=wave.rolled_back, message=wave.message,
    )  # fmt: skip


def _guard_table(report: Any) -> Table:
    """One row per wave (and the baseline and the tail): probes per family, window, verdict."""
    table = Table(box=box.SIMPLE, title=f"guard: at most {report.max_loss} IPv4 probes lost "
                  "per commune and wave")  # fmt: skip
    for column in ("wave", "IPv4 sent", "lost", "IPv6 sent", "lost ", "from (UTC)", "s",
                   "verdict"):  # fmt: skip
        table.add_column(column, justify="left" if column in ("wave", "verdict") else "right")
    for w in (report.baseline, *report.waves, report.after):
        if w is None:
            continue
        verdict = ("[green]ok[/]" if w.judged else "[dim]watched[/]") if w.ok else (
            "[red]rolled back[/]" if w.rolled_back else "[red]loss[/]")  # fmt: skip
        seconds = (w.end - w.start).total_seconds()
        table.add_row(w.name, str(w.ipv4.sent), str(w.ipv4.lost), str(w.ipv6.sent),
                      str(w.ipv6.lost), f"{w.start:%H:%M:%S}", f"{seconds:.1f}",
                      verdict)  # fmt: skip
    return table


def _push_vms(
    ctx: typer.Context,
    *,
    commit: bool,
    target: str,
    hosts: list[str],
    lab_prefix: str | None,
    credentials: Path | None,
    fmt: str,
) -> None:
    """``netauto push --vms``: the data-centre VMs through ansible-runner, then the table."""
    from netauto.plan import sot_and_plan
    from netauto.push.lock import push_lock
    from netauto.push.vms import push_vms, vm_target

    if fmt not in ("table", "json"):
        raise InputError(Problem(None, None, "--format", f"expected table or json, got {fmt!r}"))
    opts = settings(ctx)
    where = open_target(target, lab_prefix, credentials)
    loaded, plan = sot_and_plan(opts.inventory, opts.state_dir / "cache")
    access = vm_target(where.name, where.vm_access())
    with push_lock(opts.state_dir):
        results = push_vms(loaded.sot, plan, access, commit, opts.state_dir, hosts or None)
    if fmt == "json":
        out.print_json(json.dumps([r.model_dump(mode="json") for r in results]))
    else:
        out.print(_vm_table(results))
    failed = [r for r in results if not r.ok]
    if failed:
        raise CheckFailed(
            f"push --vms failed on {len(failed)} of {len(results)} VMs: "
            + "; ".join(f"{r.host}: {r.failed_task or r.outcome}: {r.error}" for r in failed)
            + " (see the table, the audit log and <state-dir>/ansible/<run>/artifacts)"
        )


def _vm_table(results: list[Any]) -> Table:
    """One row per VM: outcome, changed tasks, the failed task and its error, artifacts."""
    table = Table(title="data-centre VMs (ansible-runner)")
    for column in ("VM", "outcome", "changed", "failed task", "error", "artifacts"):
        table.add_column(column)
    for r in results:
        style = "red" if not r.ok else ("yellow" if r.changed else "green")
        table.add_row(
            escape(r.host),
            f"[{style}]{r.outcome}[/{style}]",
            str(r.changed),
            escape(r.failed_task),
            escape(r.error),
            escape(str(r.artifact_dir)),
        )
    return table


def _check_guard(*, commit: bool, vms: bool, settle: float, revert_in: int) -> None:
    """--guard's preconditions.

    Raises:
        InputError: without --commit, with --vms, or a revert timer too short for a verdict.
    """
    from netauto.push.guard import OVERHEAD

    if not commit:
        raise InputError(Problem(None, None, "--guard", "needs --commit (a dry-run changes "
                                 "nothing to guard)"))  # fmt: skip
    if vms:
        raise InputError(Problem(None, None, "--guard", "guards router rollouts, not --vms"))
    if settle + OVERHEAD >= revert_in:
        raise InputError(Problem(
            None, None, "--revert-in",
            f"must be longer than --settle + {OVERHEAD:.0f} s with --guard",
            "a wave's devices wait for its verdict before confirming",
        ))  # fmt: skip


def register(app: typer.Typer) -> None:
    """Add `diff` and `push`."""
    target_opt = target_option()
    host_opt = typer.Option([], "--host", help="Only this router (repeatable).")
    site_opt = typer.Option([], "--site", help="Only this site's routers (repeatable).")
    configs_opt = typer.Option(Path("build/configs"), "--configs", help=CONFIGS_HELP)
    prefix_opt = lab_prefix_option()
    creds_opt = credentials_option()
    format_opt = typer.Option("table", "--format", "-f", help="table or json")
    workers_opt = typer.Option(20, "--workers", min=1, help="Devices handled at once (SSH "
                               "sessions in parallel).")  # fmt: skip

    @app.command("diff", help=DIFF_HELP)
    def diff(
        ctx: typer.Context,
        target: str = target_opt,
        host: list[str] = host_opt,
        site: list[str] = site_opt,
        configs: Path = configs_opt,
        lab_prefix: str | None = prefix_opt,
        credentials: Path | None = creds_opt,
        fmt: str = format_opt,
        workers: int = workers_opt,
        exit_code: bool = typer.Option(
            False, "--exit-code", help="Exit 1 when any router differs (as git diff --exit-code)."
        ),
        quiet: bool = typer.Option(
            False, "--quiet", "-q", help="Only the summary lines (no diffs)."
        ),
    ) -> None:
        results, _ = _run(ctx, action="diff", commit=False, target=target, hosts=host,
                          sites=site, configs=configs, lab_prefix=lab_prefix,
                          credentials=credentials, batch=1000, canary=[], revert_in=0,
                          settle=0, continue_on_error=True, fmt=fmt,
                          workers=workers, quiet=quiet)  # fmt: skip
        if any(r.outcome in ("unreachable", "failed") for r in results):
            raise CheckFailed("some devices could not be diffed")
        if exit_code and any(r.outcome == "would-change" for r in results):
            raise typer.Exit(1)

    @app.command("push", help=PUSH_HELP)
    def push(
        ctx: typer.Context,
        commit: bool = typer.Option(False, "--commit", help="Apply (default: dry-run)."),
        target: str = target_opt,
        host: list[str] = host_opt,
        site: list[str] = site_opt,
        configs: Path = configs_opt,
        batch: int = typer.Option(10, "--batch", min=1, help="Devices per batch after the canary."),
        canary: list[str] = typer.Option([], "--canary", help="Canary device(s) (repeatable)."),
        order: str | None = typer.Option(
            None, "--order", metavar="edge-first|core-first",
            help="Stage order after the canary (default: edge-first; core-first with --guard).",
        ),
        revert_in: int = typer.Option(
            180, "--revert-in", min=30, help="Seconds before an unconfirmed commit reverts."
        ),
        settle: float = typer.Option(
            60.0, "--settle", min=0, help="Seconds the post-check waits for adjacencies."
        ),
        continue_on_error: bool = typer.Option(
            False, "--continue-on-error", help="Go on with later batches after a failure."
        ),
        allow_ipv4_change: bool = typer.Option(
            False, "--allow-ipv4-change", help="Commit candidates that remove or change IPv4 "
            "lines the device has (refused otherwise; written to the audit log).",
        ),
        prune_legacy: bool = typer.Option(
            False, "--prune-legacy", help="Commit candidates that remove lines netauto does "
            "not own (kept otherwise: such a candidate is refused; written to the audit log).",
        ),
        lab_prefix: str | None = prefix_opt,
        credentials: Path | None = creds_opt,
        fmt: str = format_opt,
        workers: int = workers_opt,
        vms: bool = typer.Option(
            False, "--vms", help="Configure the data-centre VMs with Ansible instead of the "
            "routers (check mode + diff unless --commit).",
        ),
        guard: bool = typer.Option(
            False, "--guard", help="Judge each wave on live probes from every commune to the "
            "DC services; a wave that loses IPv4 probes rolls back and the rollout stops.",
        ),
        max_loss: int = typer.Option(
            0, "--max-loss", min=0,
            help="IPv4 probes a commune may lose during a wave (with --guard).",
        ),
        baseline_wait: float = typer.Option(
            60.0, "--baseline-wait", min=0,
            help="With --guard: seconds to wait, before any change, for every commune to "
            "reach the data centre without a lost probe (a network still converging); "
            "then the push is refused if one still loses probes.",
        ),
    ) -> None:
        if guard:
            _check_guard(commit=commit, vms=vms, settle=settle, revert_in=revert_in)
        if vms:
            _push_vms(ctx, commit=commit, target=target, hosts=host, lab_prefix=lab_prefix,
                      credentials=credentials, fmt=fmt)  # fmt: skip
            return
        if settle >= revert_in:
            raise InputError(Problem(None, None, "--settle", "must be shorter than --revert-in"))
        results, report = _run(ctx, action="push", commit=commit, target=target, hosts=host,
                               sites=site, configs=configs, lab_prefix=lab_prefix,
                               credentials=credentials, batch=batch, canary=canary,
                               revert_in=revert_in, settle=settle,
                               continue_on_error=continue_on_error, fmt=fmt,
                               order=order or ("core-first" if guard else "edge-first"),
                               workers=workers, allow_ipv4_change=allow_ipv4_change,
                               prune_legacy=prune_legacy, guard=guard,
                               max_loss=max_loss, baseline_wait=baseline_wait)  # fmt: skip
        if report is not None and report.stopped:
            raise CheckFailed(f"{report.stopped} (see the tables and the audit log)")
        if any(r.failed for r in results):
            raise CheckFailed("push failed on some devices (see the table and the audit log)")
