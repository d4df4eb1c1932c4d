"""The executor of the lab: creates, probes and removes what a :class:`LabTopology` says.

Every host is a named network namespace ``<prefix><name>``. A router or VM also has an
*anchor* process (``sleep``) that holds its private mount and UTS namespaces; daemons (FRR,
sshd, the responder) are started with ``nsenter`` into the anchor, so over SSH a lab router
looks like a plain FRR box (``/etc/frr``, ``/var/run/frr`` are its own). A LAN client runs
nothing: its named namespace lives without a process. Nothing on the machine outside the
lab's namespaces and its runtime directory is changed: no users, no host sshd/FRR, no routes.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import select
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from pydantic import Field

from netauto.errors import CheckFailed, InputError, Problem
from netauto.fileio import atomic_write
from netauto.lab import hostfiles, naming, neigh
from netauto.lab.keys import new_keypair
from netauto.lab.state import (
    AS_BUILT_FILE,
    INFO_FILE,
    STATE_FILE,
    LabInfo,
    LabState,
    make_info,
    read_pid,
    read_state,
    write_info,
    write_state,
)
from netauto.lab.topology import LabHost, LabModel, LabTopology
from netauto.progress import NoProgress, Progress

if TYPE_CHECKING:
    from netauto.lab.legacy import AsBuilt

NETNS_DIR = Path("/run/netns")
ETC_NETNS = Path("/etc/netns")
RESPONDER = Path(__file__).with_name("responder.py")
REQUIRED_TOOLS = {
    "ip": "iproute2",
    "nsenter": "util-linux",
    "unshare": "util-linux",
    "nc": "netcat-openbsd",
    "/usr/sbin/sshd": "openssh-server",
    "/usr/lib/frr/zebra": "frr",
}
LEGACY_TOOLS = {hostfiles.LLDPD: "lldpd", "/usr/sbin/lldpcli": "lldpd"}
"""Needed only by a lab whose routers run lldpd (``lab up --legacy``)."""
T = TypeVar("T")
R = TypeVar("R")


class HostStatus(LabModel):
    name: str
    kind: str
    namespace: str
    namespace_exists: bool
    anchor_alive: bool | None = Field(description="None: the host needs no anchor (a client)")
    daemons: dict[str, bool] = Field(default_factory=dict)
    sshd_alive: bool | None = None
    ssh_banner: bool | None = None

    @property
    def ok(self) -> bool:
        return (
            self.namespace_exists
            and self.anchor_alive is not False
            and all(self.daemons.values())
            and self.ssh_banner is not False
        )


class LabStatus(LabModel):
    prefix: str
    runtime_dir: Path
    phase: str
    hosts: list[HostStatus]
    legacy: bool = False

    @property
    def ok(self) -> bool:
        return self.phase == "ready" and all(h.ok for h in self.hosts)


class DownReport(LabModel):
    namespaces: list[str]
    processes: int
    runtime_removed: bool


# --------------------------------------------------------------------------- checks


def require_root_and_tools() -> None:
    """Fail with a clear message unless we are root and every tool the lab runs exists."""
    problems: list[Problem] = []
    if os.geteuid() != 0:
        problems.append(
            Problem(
                None,
                None,
                "",
                "netauto lab needs root (network namespaces, FRR, sshd)",
                hint="run it with sudo, e.g. `sudo .venv/bin/netauto lab up`",
            )
        )
    for tool, package in REQUIRED_TOOLS.items():
        found = Path(tool).exists() if tool.startswith("/") else shutil.which(tool)
        if not found:
            problems.append(
                Problem(None, None, "", f"{tool} not found", hint=f"apt-get install {package}")
            )
    if problems:
        raise InputError(problems)


def require_lab_tools(topo: LabTopology) -> None:
    """Fail with a clear message if a tool only this topology needs (lldpd) is missing."""
    if not any(h.lldpd for h in topo.hosts):
        return
    problems = [
        Problem(None, None, "", f"{tool} not found", hint=f"apt-get install {package}")
        for tool, package in LEGACY_TOOLS.items()
        if not Path(tool).exists()
    ]
    if problems:
        raise InputError(problems)


# --------------------------------------------------------------------------- helpers


def _run(argv: Sequence[str], *, stdin: str | None = None, timeout: float = 60) -> str:
    """Run a command; raise :class:`CheckFailed` with its stderr if it fails."""
    proc = subprocess.run(
        list(argv), input=stdin, capture_output=True, text=True, timeout=timeout, check=False
    )
    if proc.returncode != 0:
        raise CheckFailed(f"{' '.join(argv[:6])}... failed: {proc.stderr.strip()}")
    return proc.stdout


def _parallel(
    items: Sequence[T], work: Callable[[T], R], progress: Progress, label: str, workers: int
) -> list[R]:
    task = progress.add_task(label, total=len(items))

    def one(item: T) -> R:
        try:
            return work(item)
        finally:
            progress.advance(task)

    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        return list(pool.map(one, items))


def _alive(pid: int | None) -> bool:
    if not pid:
        return False
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as handle:
            state = handle.read().rsplit(")", 1)[-1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")


def _comm(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return ""


def lab_namespaces(prefix: str) -> list[str]:
    """Namespaces under /run/netns whose name carries ``prefix`` (the lab's, by contract)."""
    if not NETNS_DIR.is_dir():
        return []
    return sorted(p.name for p in NETNS_DIR.iterdir() if p.name.startswith(prefix))


def _netns_inodes(names: Iterable[str]) -> set[tuple[int, int]]:
    found = set()
    for name in names:
        with contextlib.suppress(OSError):
            st = (NETNS_DIR / name).stat()
            found.add((st.st_dev, st.st_ino))
    return found


def lab_processes(prefix: str, runtime: Path, namespaces: Iterable[str]) -> set[int]:
    """Processes that belong to the lab: inside one of its namespaces, or running its files."""
    inodes = _netns_inodes(namespaces)
    marker = str(runtime).encode()
    own = {os.getpid(), os.getppid()}
    found: set[int] = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        pid = int(entry.name)
        if pid in own:
            continue
        try:
            st = (entry / "ns" / "net").stat()
            if (st.st_dev, st.st_ino) in inodes:
                found.add(pid)
                continue
            if marker in (entry / "cmdline").read_bytes():
                found.add(pid)
        except OSError:
            continue
    return found


def _kill(pids: set[int], grace: float = 3.0) -> None:
    for sig in (signal.SIGTERM, signal.SIGKILL):
        for pid in pids:
            with contextlib.suppress(OSError):
                os.kill(pid, sig)
        deadline = time.monotonic() + (grace if sig == signal.SIGTERM else 5.0)
        while time.monotonic() < deadline:
            pids = {p for p in pids if _alive(p)}
            if not pids:
                return
            time.sleep(0.05)


def ssh_banner(namespace: str, timeout: float = 3.0) -> str | None:
    """The SSH banner of the sshd in ``namespace``, read through the ProxyCommand path."""
    with subprocess.Popen(
        ["ip", "netns", "exec", namespace, "nc", "127.0.0.1", "22"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    ) as proc:
        assert proc.stdout is not None
        try:
            ready, _, _ = select.select([proc.stdout], [], [], timeout)
            line = proc.stdout.readline().decode(errors="replace") if ready else ""
        finally:
            proc.kill()
    return line.strip() if line.startswith("SSH-") else None


# --------------------------------------------------------------------------- up


def _write_files(runtime: Path, topo: LabTopology) -> dict[str, str]:
    """Every file the hosts need; returns the host public keys (for known_hosts)."""
    runtime.mkdir(parents=True, exist_ok=True)
    os.chmod(runtime, 0o755)
    user = new_keypair(f"netauto-lab-{topo.prefix}")
    atomic_write(runtime / "id_ed25519", user.private, mode=0o600)
    atomic_write(runtime / "id_ed25519.pub", user.public + "\n", mode=0o644)
    atomic_write(runtime / "authorized_keys", user.public + "\n", mode=0o600)
    host_keys: dict[str, str] = {}
    mountpoint = hostfiles.runtime_mountpoint(runtime)
    for host in topo.hosts:
        if not hostfiles.needs_anchor(host):
            continue
        hdir = hostfiles.host_dir(runtime, host)
        (hdir / "tmp").mkdir(parents=True, exist_ok=True)
        os.chmod(hdir / "tmp", 0o1777)
        if host.ssh:
            pair = new_keypair(f"root@{host.name}")
            atomic_write(hdir / "ssh_host_ed25519_key", pair.private, mode=0o600)
            atomic_write(hdir / "ssh_host_ed25519_key.pub", pair.public + "\n")
            host_keys[host.name] = " ".join(pair.public.split()[:2])
            atomic_write(hdir / "sshd_config", hostfiles.sshd_config(runtime, host))
            (hdir / "home").mkdir(mode=0o700, parents=True, exist_ok=True)
            for sub in ("sshd", "frr"):
                (hdir / "run" / sub).mkdir(parents=True, exist_ok=True)
            os.chmod(hdir / "run" / "sshd", 0o755)
            shutil.chown(hdir / "run" / "frr", "frr", "frr")
            if mountpoint is not None:
                (hdir / "run" / mountpoint).mkdir(parents=True, exist_ok=True)
        if host.frr:
            etc = hdir / "etc" / "frr"
            atomic_write(etc / "daemons", hostfiles.frr_daemons_file(host), mode=0o640)
            atomic_write(etc / "vtysh.conf", hostfiles.VTYSH_CONF, mode=0o640)
            atomic_write(etc / "frr.conf", hostfiles.frr_conf(host), mode=0o640)
            for path in (etc, etc / "daemons", etc / "vtysh.conf", etc / "frr.conf"):
                shutil.chown(path, "frr", "frr")
            os.chmod(etc, 0o755)
        if host.lldpd:
            atomic_write(hdir / "lldpd.conf", hostfiles.LLDPD_CONF)
    atomic_write(runtime / "ssh_config", hostfiles.ssh_client_config(runtime, topo))
    atomic_write(runtime / "known_hosts", hostfiles.known_hosts(topo, host_keys))
    for name, text in hostfiles.nornir_files(runtime, topo).items():
        atomic_write(runtime / "nornir" / name, text)
    return host_keys


def _start_anchors(runtime: Path, topo: LabTopology, progress: Progress, timeout: float) -> None:
    """Set up every namespace: anchored hosts until their ``sleep``, clients until done."""
    task = progress.add_task("namespaces", total=len(topo.hosts))
    procs: dict[str, subprocess.Popen[bytes]] = {}
    for host in topo.hosts:
        script = hostfiles.anchor_script(runtime, host)
        if not hostfiles.needs_anchor(host):
            procs[host.name] = subprocess.Popen(
                ["ip", "netns", "exec", host.namespace, "/bin/sh", "-c", script],
                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            )  # fmt: skip
            continue
        hdir = hostfiles.host_dir(runtime, host)
        with open(hdir / "anchor.log", "wb") as log:
            procs[host.name] = subprocess.Popen(
                ["ip", "netns", "exec", host.namespace, "unshare", "--mount", "--uts",
                 "--propagation", "private", "--", "/bin/sh", "-c", script],
                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip
        atomic_write(hdir / "anchor.pid", f"{procs[host.name].pid}\n")
    deadline = time.monotonic() + timeout
    waiting = dict(procs)
    while waiting:
        for name, proc in list(waiting.items()):
            code = proc.poll()
            if proc.stdout is not None and code is not None:  # a client's set-up
                text = proc.stdout.read().decode(errors="replace")
                proc.stdout.close()
                if code != 0:
                    raise CheckFailed(f"{name}: namespace set-up failed: {text.strip()[-300:]}")
            elif code is not None:
                text = (hostfiles.host_dir(runtime, topo.host(name)) / "anchor.log").read_text()
                raise CheckFailed(f"{name}: namespace set-up failed: {text.strip()[-300:]}")
            elif _comm(proc.pid) != "sleep":
                continue
            del waiting[name]
            progress.advance(task)
        if waiting and time.monotonic() > deadline:
            raise CheckFailed(f"namespace set-up timed out for: {', '.join(sorted(waiting))}")
        time.sleep(0.02)


def _link_batch(topo: LabTopology) -> str:
    return "".join(
        f"link add {v.if_a} netns {v.ns_a} type veth peer name {v.if_b} netns {v.ns_b}\n"
        for v in topo.veths
    )


def namespace_batch(topo: LabTopology, host: LabHost) -> str:
    """``ip -batch`` commands that finish one namespace: bridges, link state, host addresses."""
    lines: list[str] = []
    bridges = [b for b in topo.bridges if b.namespace == host.namespace]
    for bridge in bridges:
        lines.append(f"link add {bridge.name} type bridge")
    # A spare port (legacy lab): a TAP device nothing is attached to, so an Ethernet port
    # with no cable (no carrier); the router's config keeps it shut. (This kernel has no
    # `dummy` driver; a persistent TAP goes away with the namespace.)
    lines += [f"tuntap add dev {name} mode tap" for name in host.spare_interfaces]
    for bridge in bridges:
        lines += [f"link set {port} master {bridge.name}" for port in bridge.ports]
        lines += [f"link set {port} up" for port in bridge.ports]
    lines += [f"link set {name} up" for name in host.interfaces]
    for address in host.addresses:
        lines.append(f"address add {address} dev eth0")
    if host.gateway4 is not None:
        lines.append(f"route add default via {host.gateway4}")
    if host.gateway6 is not None:
        lines.append(f"route add ::/0 via {host.gateway6}")
    return "".join(line + "\n" for line in lines)


def _start_daemons(runtime: Path, host: LabHost) -> None:
    if not (host.ssh or host.frr or host.services or host.lldpd):
        return
    hdir = hostfiles.host_dir(runtime, host)
    pid = read_pid(hdir / "anchor.pid")
    script = hostfiles.start_script(runtime, host, sys.executable, RESPONDER)
    with open(hdir / "start.log", "wb") as log:
        proc = subprocess.run(
            ["nsenter", "-t", str(pid), "-m", "-u", "-n", "--", "/bin/sh", "-c", script],
            stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, timeout=120,
            check=False,
        )  # fmt: skip
    if proc.returncode != 0:
        text = (hdir / "start.log").read_text().strip()[-400:]
        raise CheckFailed(f"{host.name}: daemons did not start: {text}")


def frr_ready(info_: LabInfo, name: str) -> bool:
    """Whether every FRR daemon router ``name`` runs answers vtysh."""
    argv = info_.exec_argv(name, ["vtysh", "-c", "show daemons"])
    try:
        proc = subprocess.run(argv, capture_output=True, text=True, timeout=10, check=False)
    except subprocess.TimeoutExpired:
        return False
    answering = proc.stdout.split()
    return proc.returncode == 0 and all(d in answering for d in info_.host(name).daemons)


def lldpd_ready(info_: LabInfo, name: str) -> bool:
    """Whether the lldpd of host ``name`` answers ``lldpcli`` on its default socket."""
    argv = info_.exec_argv(name, ["lldpcli", "show", "chassis"])
    try:
        proc = subprocess.run(argv, capture_output=True, text=True, timeout=10, check=False)
    except subprocess.TimeoutExpired:
        return False
    return proc.returncode == 0 and "Chassis" in proc.stdout


def _wait_ready(info_: LabInfo, host: LabHost, deadline: float) -> str | None:
    """Wait until the host answers; return None when ready, else what is missing."""
    while True:
        missing = []
        if host.ssh and ssh_banner(host.namespace, timeout=2.0) is None:
            missing.append("sshd")
        if host.frr and not frr_ready(info_, host.name):
            missing.append("FRR")
        if host.lldpd and not lldpd_ready(info_, host.name):
            missing.append("lldpd")
        if not missing:
            return None
        if time.monotonic() > deadline:
            return " and ".join(missing)
        time.sleep(0.3)


def up(
    topo: LabTopology,
    runtime: Path | None = None,
    *,
    timeout: float = 180.0,
    workers: int = 16,
    rebuild: bool = False,
    as_built: AsBuilt | None = None,
    progress: Progress | None = None,
    notify: Callable[[str], None] | None = None,
) -> LabInfo:
    """Build the lab (or keep it, if the same lab is already up and healthy).

    ``as_built`` (a legacy lab, ``topo`` from :func:`netauto.lab.legacy.legacy_topology`)
    is written to ``as-built.json`` in the runtime directory, where ``lab.json`` points.
    ``progress`` is told how far each phase is; ``notify`` gets one-line news.

    Raises:
        InputError: not root, or a tool is missing.
        CheckFailed: a host did not come up in time (named); ``down`` cleans up.
    """
    require_root_and_tools()
    require_lab_tools(topo)
    runtime = runtime or naming.runtime_dir(topo.prefix)
    old = read_state(runtime)
    if old is not None and not rebuild and old.fingerprint == topo.fingerprint():
        current = status(topo.prefix, runtime, probe=True)
        if current.ok:
            if notify is not None:
                notify(f"Lab {topo.prefix} is already up with this topology: nothing to do.")
            return make_info(topo.prefix, runtime, topo)
    if old is not None or lab_namespaces(topo.prefix) or runtime.exists():
        down(topo.prefix, runtime)
    deadline = time.monotonic() + timeout
    state = LabState(
        prefix=topo.prefix,
        runtime_dir=runtime,
        phase="building",
        fingerprint=topo.fingerprint(),
        started=dt.datetime.now(dt.UTC),
        topology=topo,
    )
    runtime.mkdir(parents=True, exist_ok=True)
    write_state(state)
    sized = neigh.raise_limits(neigh.wanted(2 * len(topo.veths)), naming.RUNTIME_ROOT)
    if sized and notify is not None:
        notify("Kernel neighbour tables sized for the lab (put back by the last `lab down`): "
               + ", ".join(sized))  # fmt: skip
    info_ = make_info(topo.prefix, runtime, topo)
    progress = progress or NoProgress()
    _write_files(runtime, topo)
    if as_built is not None:
        atomic_write(runtime / AS_BUILT_FILE, as_built.model_dump_json(indent=1))
    _run(["ip", "-batch", "-"], stdin="".join(f"netns add {ns}\n" for ns in topo.namespaces))
    _start_anchors(runtime, topo, progress, timeout)
    if topo.veths:
        _run(["ip", "-batch", "-"], stdin=_link_batch(topo), timeout=timeout)
    _parallel(
        topo.hosts,
        lambda h: _run(["ip", "-n", h.namespace, "-batch", "-"],
                       stdin=namespace_batch(topo, h)),
        progress, "links", workers,
    )  # fmt: skip
    starters = [h for h in topo.hosts if h.ssh or h.frr or h.services or h.lldpd]
    _parallel(starters, lambda h: _start_daemons(runtime, h), progress, "daemons", workers)
    probed = [h for h in topo.hosts if h.ssh or h.frr or h.lldpd]
    missing = _parallel(
        probed, lambda h: _wait_ready(info_, h, deadline), progress, "ready", workers
    )
    failed = [f"{h.name} ({m})" for h, m in zip(probed, missing, strict=True) if m]
    if failed:
        raise CheckFailed(
            f"not ready after {timeout:.0f} s: {', '.join(failed)}; logs in "
            f"{runtime}/hosts/<name>/; clean up with `netauto lab down`"
        )
    write_info(info_)
    write_state(state.model_copy(update={"phase": "ready"}))
    return info_


# --------------------------------------------------------------------------- down


def down(prefix: str, runtime: Path | None = None) -> DownReport:
    """Remove every namespace, process and file of the lab ``prefix``; safe to run twice."""
    require_root_and_tools()
    runtime = runtime or naming.runtime_dir(prefix)
    state = read_state(runtime)
    names = set(lab_namespaces(prefix))
    if state is not None:
        names |= {ns for ns in state.topology.namespaces if (NETNS_DIR / ns).exists()}
    pids = lab_processes(prefix, runtime, names)
    _kill(pids)
    # A process started during the kill (e.g. a probe) would keep a namespace busy: look again.
    late = lab_processes(prefix, runtime, names)
    if late:
        _kill(late)
    if names:
        subprocess.run(
            ["ip", "-force", "-batch", "-"],
            input="".join(f"netns del {ns}\n" for ns in sorted(names)),
            capture_output=True,
            text=True,
            check=False,
        )
    for ns in names:
        etc = ETC_NETNS / ns
        if ns.startswith(prefix) and etc.is_dir():
            shutil.rmtree(etc, ignore_errors=True)
    existed = runtime.exists()
    if existed:
        shutil.rmtree(runtime, ignore_errors=True)
    if not any((d / STATE_FILE).exists() for d in _children(naming.RUNTIME_ROOT)):
        neigh.restore_limits(naming.RUNTIME_ROOT)  # the last lab is gone
    with contextlib.suppress(OSError):
        runtime.parent.rmdir()  # /run/netauto, only when no other lab uses it
    return DownReport(namespaces=sorted(names), processes=len(pids | late), runtime_removed=existed)


def _children(root: Path) -> list[Path]:
    try:
        return [d for d in root.iterdir() if d.is_dir()]
    except OSError:
        return []


# --------------------------------------------------------------------------- status, exec


def status(prefix: str, runtime: Path | None = None, *, probe: bool = True) -> LabStatus:
    """Per host: namespace, anchor, FRR daemons and sshd alive, SSH banner reachable.

    Raises:
        InputError: no lab with this prefix.
    """
    runtime = runtime or naming.runtime_dir(prefix)
    state = read_state(runtime)
    if state is None:
        raise InputError(
            Problem(
                runtime,
                None,
                "",
                f"no lab with prefix {prefix!r}",
                hint="start one with `netauto lab up`",
            )
        )
    topo = state.topology

    def one(host: LabHost) -> HostStatus:
        hdir = hostfiles.host_dir(runtime, host)
        daemons = {}
        if host.frr:
            for daemon in host.daemons:
                daemons[daemon] = _alive(read_pid(hdir / "run" / "frr" / f"{daemon}.pid"))
        if host.lldpd:
            daemons["lldpd"] = _alive(read_pid(hdir / "lldpd.pid"))
        if host.services:
            daemons["responder"] = _alive(read_pid(hdir / "responder.pid"))
        sshd = _alive(read_pid(hdir / "sshd.pid")) if host.ssh else None
        banner = None
        if host.ssh and probe:
            banner = sshd and ssh_banner(host.namespace, timeout=2.0) is not None
        return HostStatus(
            name=host.name,
            kind=host.kind,
            namespace=host.namespace,
            namespace_exists=(NETNS_DIR / host.namespace).exists(),
            anchor_alive=(
                _alive(read_pid(hdir / "anchor.pid")) if hostfiles.needs_anchor(host) else None
            ),
            daemons=daemons,
            sshd_alive=sshd,
            ssh_banner=banner,
        )

    with ThreadPoolExecutor(max_workers=16) as pool:
        hosts = list(pool.map(one, topo.hosts))
    phase = state.phase if (runtime / INFO_FILE).exists() or state.phase == "building" else "?"
    return LabStatus(
        prefix=prefix, runtime_dir=runtime, phase=phase, hosts=hosts, legacy=topo.legacy
    )


def exec_in(info_: LabInfo, name: str, argv: list[str]) -> int:
    """Run ``argv`` inside lab host ``name`` with the terminal attached; its exit code."""
    try:
        info_.host(name)
    except KeyError:
        known = ", ".join(h.name for h in info_.hosts[:10])
        raise InputError(
            Problem(None, None, "HOST", f"no lab host {name!r}", hint=f"one of: {known}")
        ) from None
    return subprocess.call(info_.exec_argv(name, argv or ["/bin/sh"]))
