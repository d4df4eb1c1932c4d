"""Render and check on every core: the devices are split between this process and a fork.

Rendering and the offline checks are pure per device, so a province's devices split into
two halves that are rendered, read back and parsed by FRR (``vtysh --dryrun``, one per
half, each fed its half's configs) side by side. The child sends its results back through
a pipe; the parent joins them in plan order, so the output is byte-for-byte the serial one.
The parent started both vtysh processes, so it also collects what they found. When the
child fails for any reason, the parent renders the child's half itself: a template error
is then raised in the parent, with its file and line, exactly as in a serial run.
"""

from __future__ import annotations

import contextlib
import copyreg
import io
import ipaddress
import os
import pickle
from pathlib import Path
from typing import Any

from netauto.fileio import write_new
from netauto.plan.models import Plan
from netauto.render.checks import check_rendered
from netauto.render.engine import render_hosts, select
from netauto.render.frrsyntax import SyntaxRun, discard, start_syntax_runs
from netauto.render.models import Finding, RenderedConfig, RenderOptions
from netauto.render.policy import PolicyIndex, policy_index
from netauto.sot.models import SoT

MIN_PARALLEL = 64
"""Fewer devices than this are rendered in one process (a fork costs more than it saves)."""

Result = tuple[list[RenderedConfig], list[Finding]]
"""Rendered configs and their offline-check findings (FRR's parser reports separately)."""


def _address(obj: ipaddress.IPv4Address | ipaddress.IPv6Address) -> tuple[Any, ...]:
    if getattr(obj, "scope_id", None):
        return type(obj), (str(obj),)
    return type(obj), (int(obj),)


def _network(obj: ipaddress.IPv4Network | ipaddress.IPv6Network) -> tuple[Any, ...]:
    return type(obj), ((int(obj.network_address), obj.prefixlen),)


def _interface(obj: ipaddress.IPv4Interface | ipaddress.IPv6Interface) -> tuple[Any, ...]:
    if getattr(obj.ip, "scope_id", None):
        return type(obj), (str(obj),)
    return type(obj), ((int(obj.ip), obj.network.prefixlen),)


_DISPATCH: dict[type, Any] = {
    **copyreg.dispatch_table,
    ipaddress.IPv4Address: _address,
    ipaddress.IPv6Address: _address,
    ipaddress.IPv4Network: _network,
    ipaddress.IPv6Network: _network,
    ipaddress.IPv4Interface: _interface,
    ipaddress.IPv6Interface: _interface,
}
"""The child's results reach the parent with addresses pickled as integers (rebuilding
thousands of them from their text is most of the unpickling time)."""


def dumps(value: object) -> bytes:
    """Pickle ``value`` with IP addresses, networks and interfaces stored as integers.

    Examples:
        >>> import ipaddress, pickle
        >>> net = ipaddress.ip_interface("2001:db8::1/64")
        >>> pickle.loads(dumps([net, net.network, net.ip])) == [net, net.network, net.ip]
        True
    """
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.dispatch_table = _DISPATCH
    pickler.dump(value)
    return buffer.getvalue()


def cores() -> int:
    """CPUs this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def _write(stage: Path, rendered: list[RenderedConfig], redo: bool) -> None:
    """Write every file of ``rendered`` into ``stage`` (``redo``: replacing what a failed
    half may have left)."""
    for config in rendered:
        names_texts = [(config.filename, config.text)]
        names_texts += [(side.filename, side.text) for side in config.extra]
        for name, text in names_texts:
            path = stage / name
            if redo:
                with contextlib.suppress(FileNotFoundError):
                    path.unlink()
            write_new(path, text)


def _work(
    sot: SoT,
    plan: Plan,
    devices: list[str],
    vms: list[str],
    options: RenderOptions | None,
    template_dir: Path | None,
    policy: PolicyIndex,
    stage: Path | None,
    syntax: SyntaxRun | None,
    redo: bool = False,
) -> Result:
    rendered = render_hosts(sot, plan, devices, vms, options, template_dir, policy)
    if syntax is not None:
        syntax.feed(rendered)  # FRR's parser runs while Python checks
    findings = check_rendered(plan, rendered)
    if stage is not None and not any(f.severity == "error" for f in findings):
        _write(stage, rendered, redo)  # while FRR's parser still runs
    return rendered, findings


def _read_all(fd: int) -> bytes:
    chunks = []
    while chunk := os.read(fd, 1 << 20):
        chunks.append(chunk)
    return b"".join(chunks)


def render_checked(
    sot: SoT,
    plan: Plan,
    hosts: list[str] | None = None,
    sites: list[str] | None = None,
    options: RenderOptions | None = None,
    template_dir: Path | None = None,
    workers: int | None = None,
    stage: Path | None = None,
    syntax: list[SyntaxRun] | None = None,
) -> tuple[list[RenderedConfig], list[Finding]]:
    """Render the selected devices and VMs and run every offline check on them.

    Returns the configs in plan order and the findings (address and parity checks first,
    then FRR's parser), the same as rendering and checking serially. With ``stage`` (an
    empty private directory, see :func:`netauto.fileio.staging_dir`) every process also
    writes its files there; the caller publishes the directory only when nothing failed.
    ``syntax``: vtysh runs started ahead (:func:`~netauto.render.frrsyntax.start_syntax_runs`,
    two for two processes); they are used and waited for here. Without it they are started
    here when FRR is installed.
    """
    devices, vms = select(sot, plan, hosts, sites)
    policy = policy_index(sot, plan)
    workers = cores() if workers is None else workers
    serial = workers < 2 or len(devices) < MIN_PARALLEL or not hasattr(os, "fork")
    runs: list[SyntaxRun | None] = list(
        syntax if syntax is not None else start_syntax_runs(1 if serial else 2)
    )
    runs += [None] * (2 - len(runs))
    mine_run, their_run = runs[0], runs[1]
    if serial:
        discard(runs[1:])
        try:
            rendered, checks = _work(
                sot, plan, devices, vms, options, template_dir, policy, stage, mine_run
            )
        finally:
            found = mine_run.findings() if mine_run else []
        return rendered, checks + found
    half = len(devices) // 2
    mine, theirs = devices[:half], devices[half:]
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: render its half, send it back, never return into the CLI
        code = 0
        try:
            os.close(read_fd)
            if mine_run is not None:
                mine_run.close_input()  # the parent's vtysh: only the parent feeds it
            result = _work(sot, plan, theirs, vms, options, template_dir, policy, stage, their_run)
            if their_run is not None:
                their_run.fed()  # the parent waits for this vtysh; its input must be complete
            with os.fdopen(write_fd, "wb") as pipe:
                pipe.write(dumps(result))
        except BaseException:
            code = 1
        finally:
            os._exit(code)
    os.close(write_fd)
    if their_run is not None:
        their_run.close_input()  # the child's vtysh: only the child feeds it
    try:
        first = _work(sot, plan, mine, [], options, template_dir, policy, stage, mine_run)
    except BaseException:
        discard(runs)
        raise
    finally:
        data = _read_all(read_fd)
        os.close(read_fd)
        _, status = os.waitpid(pid, 0)
    second: Result | None = None
    if os.waitstatus_to_exitcode(status) == 0:
        with contextlib.suppress(Exception):
            second = pickle.loads(data)  # from our own fork, through our own pipe
    if second is not None and their_run is not None:
        their_run.expect(second[0])  # what the child fed it
    if second is None:
        discard([their_run])  # fed partly or not at all: parse the half again
        their_run = next(iter(start_syntax_runs(1)), None) if their_run else None
        try:
            second = _work(
                sot, plan, theirs, vms, options, template_dir, policy, stage, their_run, True
            )
        except BaseException:
            discard([mine_run, their_run])
            raise
    found = [f for run in (mine_run, their_run) if run is not None for f in run.findings()]
    return first[0] + second[0], first[1] + second[1] + found
