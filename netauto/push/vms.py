"""`netauto push --vms`: configure the data-centre VMs with real Ansible (ansible-runner).

Each run gets a private data directory ``<state_dir>/ansible/<run>/`` that ansible-runner reads
and fills::

    inventory/hosts.yml, inventory/host_vars/<vm>.yml   generated from SoT + plan
    env/envvars                                          Ansible settings for this run
    project -> playbooks/                                the role netauto_vm and site.yml
    artifacts/<run>/                                     Ansible's stdout, events, status

Ansible's own output stays in the artifacts; netauto reports one :class:`VmResult` per VM
(outcome, changed count, failed task and error, diff, artifact directory) and appends one
audit record per VM. A dry run is Ansible's ``--check --diff``; ``commit`` applies.
:func:`vm_facts` gathers what the VMs really carry (Ansible ``setup`` facts) for the drift
check (:func:`netauto.push.ansible_data.vm_drift`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import difflib
import json
import os
import secrets
import shutil
import sys
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict

from netauto.connect.targets import VmAccess
from netauto.errors import InputError, Problem
from netauto.fileio import atomic_write
from netauto.plan.models import Plan
from netauto.push import audit
from netauto.push.ansible_data import (
    AnsibleInventory,
    VmFacts,
    VmTarget,
    build_inventory,
    facts_from_setup,
)
from netauto.sot.models import SoT

PLAYBOOKS = Path(__file__).resolve().parents[2] / "playbooks"
"""The playbooks shipped with netauto (``site.yml`` + ``roles/netauto_vm``)."""
PLAYBOOK = "site.yml"
VmOutcome = Literal["unchanged", "would-change", "committed", "failed", "unreachable"]


class VmResult(BaseModel):
    """The result of one VM in one run (data, not log lines)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    host: str
    ok: bool
    outcome: VmOutcome
    changed: int = 0
    failed_task: str = ""
    error: str = ""
    artifact_dir: Path
    diff: str = ""


def vm_target(name: str, access: VmAccess) -> VmTarget:
    """How Ansible reaches the VMs of target ``name`` (from its ``vm_access()``).

    Examples:
        >>> vm_target("prod", VmAccess(user="ops")).user
        'ops'
    """
    return VmTarget(
        name=name,
        ssh_config=access.ssh_config,
        private_key=access.private_key,
        user=access.user,
        files_root=access.files_root,
        ipv6_nodad=access.ipv6_nodad,
    )


# --- the private data directory ----------------------------------------------------------------


def run_id(commit: bool) -> str:
    """A sortable, unique name for one run.

    Examples:
        >>> run_id(False).split("-")[1]
        'check'
    """
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    return f"{stamp}-{'commit' if commit else 'check'}-{secrets.token_hex(3)}"


def ansible_env(data_dir: Path, control_dir: Path) -> dict[str, str]:
    """Ansible settings of a run: quiet, no retry files, everything inside the run's directory.

    Examples:
        >>> env = ansible_env(Path("/s/ansible/r1"), Path("/tmp/cp"))
        >>> env["ANSIBLE_LOCAL_TEMP"], env["ANSIBLE_SSH_CONTROL_PATH_DIR"]
        ('/s/ansible/r1/tmp', '/tmp/cp')
    """
    venv_bin = str(Path(sys.executable).parent)
    return {
        "PATH": f"{venv_bin}{os.pathsep}{os.environ.get('PATH', '/usr/bin:/bin')}",
        "ANSIBLE_HOME": str(data_dir / ".ansible"),
        "ANSIBLE_LOCAL_TEMP": str(data_dir / "tmp"),
        "ANSIBLE_SSH_CONTROL_PATH_DIR": str(control_dir),
        "ANSIBLE_PIPELINING": "True",
        "ANSIBLE_RETRY_FILES_ENABLED": "False",
        "ANSIBLE_NOCOLOR": "1",
        "ANSIBLE_TIMEOUT": "20",
        "ANSIBLE_GATHERING": "explicit",
    }


def write_data_dir(
    data_dir: Path, inventory: AnsibleInventory, env: Mapping[str, str], playbooks: Path
) -> None:
    """Write the private data directory of one run (every file through ``atomic_write``)."""
    for rel, text in inventory.files().items():
        atomic_write(data_dir / rel, text, mode=0o600)
    atomic_write(data_dir / "env" / "envvars", yaml.safe_dump(dict(env)), mode=0o600)
    (data_dir / "tmp").mkdir(parents=True, exist_ok=True)
    project = data_dir / "project"
    if not project.exists():
        project.symlink_to(playbooks.resolve(), target_is_directory=True)


@contextlib.contextmanager
def _control_dir() -> Iterator[Path]:
    # ssh ControlPath sockets must fit in 108 bytes: keep them in a short /tmp directory.
    path = Path(tempfile.mkdtemp(prefix="na-cp-"))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


# --- results from Ansible's events -------------------------------------------------------------


def diff_text(diff: object) -> str:
    """A readable unified diff from a module's ``diff`` result (a dict or a list of them).

    Examples:
        >>> print(diff_text({"before": "a\\n", "after": "b\\n", "before_header": "x"}), end="")
        --- x
        +++ after
        @@ -1 +1 @@
        -a
        +b
        >>> diff_text([{"prepared": "ok\\n"}])
        'ok\\n'
    """
    parts = diff if isinstance(diff, list) else [diff]
    out: list[str] = []
    for part in parts:
        if not isinstance(part, dict):
            continue
        if "prepared" in part:
            out.append(str(part["prepared"]))
            continue
        before, after = part.get("before", ""), part.get("after", "")
        if not isinstance(before, str) or not isinstance(after, str) or before == after:
            continue
        out.extend(
            difflib.unified_diff(
                before.splitlines(keepends=True),
                after.splitlines(keepends=True),
                fromfile=str(part.get("before_header") or "before"),
                tofile=str(part.get("after_header") or "after"),
            )
        )
    text = "".join(out)
    return text if not text or text.endswith("\n") else text + "\n"


def _message(res: Mapping[str, Any]) -> str:
    for key in ("msg", "stderr", "module_stderr", "reason"):
        value = res.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip().splitlines()[0][:500] if key != "msg" else value.strip()[:500]
    return "failed (see the artifacts)"


def results_from_events(
    events: Iterable[Mapping[str, Any]],
    hosts: list[str],
    *,
    commit: bool,
    artifact_dir: Path,
    run_error: str = "",
) -> list[VmResult]:
    """One :class:`VmResult` per host from ansible-runner events (pure).

    A host with a ``runner_on_failed`` event (not ignored) is ``failed`` with the task's name
    and message; ``runner_on_unreachable`` makes it ``unreachable``; otherwise the count of
    changed tasks decides between ``unchanged`` and ``would-change``/``committed``. A host
    with no event at all failed before Ansible reached it (``run_error`` says why).
    """
    changed: dict[str, int] = dict.fromkeys(hosts, 0)
    diffs: dict[str, list[str]] = {h: [] for h in hosts}
    failed: dict[str, tuple[str, str]] = {}
    unreachable: dict[str, str] = {}
    seen: set[str] = set()
    for event in events:
        kind = event.get("event", "")
        data = event.get("event_data") or {}
        host = data.get("host")
        if not isinstance(host, str) or host not in changed:
            continue
        seen.add(host)
        res = data.get("res") or {}
        task = str(data.get("task") or "")
        if kind == "runner_on_ok" and res.get("changed"):
            changed[host] += 1
            if "diff" in res:
                text = diff_text(res["diff"])
                if text:
                    diffs[host].append(f"# {task}\n{text}")
        elif kind == "runner_on_failed" and not data.get("ignore_errors"):
            failed.setdefault(host, (task, _message(res)))
        elif kind == "runner_on_unreachable":
            unreachable.setdefault(host, _message(res))
    out: list[VmResult] = []
    for host in hosts:
        common = {"host": host, "artifact_dir": artifact_dir, "diff": "".join(diffs[host])}
        if host in unreachable:
            out.append(
                VmResult(
                    ok=False,
                    outcome="unreachable",
                    error=unreachable[host],
                    changed=changed[host],
                    **common,
                )
            )
        elif host in failed:
            task, error = failed[host]
            out.append(
                VmResult(
                    ok=False,
                    outcome="failed",
                    failed_task=task,
                    error=error,
                    changed=changed[host],
                    **common,
                )
            )
        elif host not in seen and run_error:
            out.append(VmResult(ok=False, outcome="failed", error=run_error, **common))
        elif changed[host]:
            outcome: VmOutcome = "committed" if commit else "would-change"
            out.append(VmResult(ok=True, outcome=outcome, changed=changed[host], **common))
        else:
            out.append(VmResult(ok=True, outcome="unchanged", **common))
    return out


def _runner_error(runner: Any, artifact_dir: Path) -> str:
    rc = getattr(runner, "rc", None)
    status = getattr(runner, "status", "")
    if rc == 0:
        return ""
    tail = ""
    stdout = artifact_dir / "stdout"
    with contextlib.suppress(OSError):
        lines = [ln for ln in stdout.read_text(errors="replace").splitlines() if ln.strip()]
        tail = lines[-1][:300] if lines else ""
    return f"ansible-playbook {status} (rc={rc}){': ' + tail if tail else ''}"


def _run(data_dir: Path, ident: str, env: Mapping[str, str], **kwargs: Any) -> Any:
    import ansible_runner  # imported late: it is slow to import and only this verb needs it

    return ansible_runner.run(
        private_data_dir=str(data_dir),
        ident=ident,
        envvars=dict(env),
        quiet=True,
        suppress_env_files=True,
        **kwargs,
    )


# --- the stage functions -----------------------------------------------------------------------


def push_vms(
    sot: SoT,
    plan: Plan,
    target: VmTarget,
    commit: bool,
    state_dir: Path,
    hosts: list[str] | None = None,
    *,
    playbooks: Path = PLAYBOOKS,
    forks: int = 10,
) -> list[VmResult]:
    """Run the playbooks on the data-centre VMs: ``--check --diff``, or applied with ``commit``.

    Every VM gets a result, also when another VM fails (Ansible continues with the others).
    One audit record per VM is appended to ``state_dir``'s audit log.

    Raises:
        InputError: ``hosts`` names something that is not a VM, or the playbooks are missing.
    """

    if not (playbooks / PLAYBOOK).is_file():
        raise InputError(
            Problem(
                playbooks,
                None,
                "",
                f"{PLAYBOOK} not found",
                hint="run netauto from its source tree, or pass the playbooks directory",
            )
        )
    inventory = build_inventory(sot, plan, target, hosts)
    if not inventory.hosts:
        return []
    ident = run_id(commit)
    data_dir = state_dir / "ansible" / ident
    with _control_dir() as control:
        env = ansible_env(data_dir, control)
        write_data_dir(data_dir, inventory, env, playbooks)
        cmdline = "--diff" if commit else "--check --diff"
        runner = _run(data_dir, ident, env, playbook=PLAYBOOK, cmdline=cmdline, forks=forks)
        artifact_dir = data_dir / "artifacts" / ident
        results = results_from_events(
            runner.events,
            inventory.hosts,
            commit=commit,
            artifact_dir=artifact_dir,
            run_error=_runner_error(runner, artifact_dir),
        )
    atomic_write(
        artifact_dir / "netauto-results.json",
        json.dumps([r.model_dump(mode="json") for r in results], indent=1) + "\n",
    )
    audit.append(state_dir, audit_records(results, target.name, commit))
    return results


def audit_records(results: list[VmResult], target: str, commit: bool) -> list[audit.AuditRecord]:
    """The audit lines of a VM run: who, when, which VM, diff hash, outcome, changed count."""
    when, who = audit.now(), audit.who()
    return [
        audit.AuditRecord(
            when=when,
            who=who,
            action="push" if commit else "push-dry-run",
            target=target,
            device=r.host,
            diff_sha256=audit.diff_hash(r.diff),
            result=r.outcome,
            changed=r.changed > 0 and commit,
            detail=(
                f"vm; task {r.failed_task!r}: {r.error}"
                if r.failed_task
                else f"vm; changed={r.changed}; artifacts={r.artifact_dir}"
                + (f"; {r.error}" if r.error else "")
            ),
        )
        for r in results
    ]


def vm_facts(
    sot: SoT,
    plan: Plan,
    target: VmTarget,
    state_dir: Path,
    hosts: list[str] | None = None,
) -> list[VmFacts]:
    """What the VMs really carry (addresses, default gateways), from Ansible ``setup`` facts."""

    inventory = build_inventory(sot, plan, target, hosts)
    if not inventory.hosts:
        return []
    ident = f"{run_id(False).replace('-check-', '-facts-')}"
    data_dir = state_dir / "ansible" / ident
    with _control_dir() as control:
        env = ansible_env(data_dir, control)
        for rel, text in inventory.files().items():
            atomic_write(data_dir / rel, text, mode=0o600)
        atomic_write(data_dir / "env" / "envvars", yaml.safe_dump(env), mode=0o600)
        (data_dir / "tmp").mkdir(parents=True, exist_ok=True)
        runner = _run(
            data_dir,
            ident,
            env,
            module="ansible.builtin.setup",
            module_args="gather_subset=!all,!min,network",
            host_pattern="netauto_vms",
        )
        gathered: dict[str, VmFacts] = {}
        for event in runner.events:
            data = event.get("event_data") or {}
            host = data.get("host")
            if not isinstance(host, str) or host not in inventory.hosts:
                continue
            res = data.get("res") or {}
            iface = inventory.variables[host].netauto_vm_interface
            if event.get("event") == "runner_on_ok":
                gathered[host] = facts_from_setup(host, iface, res.get("ansible_facts") or {})
            elif event.get("event") in ("runner_on_failed", "runner_on_unreachable"):
                gathered[host] = VmFacts(
                    host=host, interface=iface, reachable=False, error=_message(res)
                )
    return [
        gathered.get(h) or VmFacts(host=h, reachable=False, error="no facts gathered")
        for h in inventory.hosts
    ]
