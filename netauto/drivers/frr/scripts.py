"""What the FRR driver runs on the box: POSIX shell scripts and command lines, as text.

Each builder is pure (arguments in, script text out); the driver sends the text through its
SSH shell (:mod:`netauto.drivers.frr.transport`) and reads the answer with the exit statuses
named here. A script that does several things in one round trip prints :data:`SECTION_MARK`
between the outputs of its steps (:func:`split_sections` cuts them apart).

The driver's files live in one 0700 directory on the box (:class:`Layout`): the uploaded
``candidate.conf``, ``rollback.conf`` (the running config saved before each commit),
``pending.pid`` (the revert timer), ``history.log`` (one line per commit) and the box helper
``frr_remote-<hash>.py`` (:mod:`netauto.drivers.frr.remote`, installed once per version).
"""

from __future__ import annotations

import hashlib
import shlex
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from napalm.base import constants as c

from netauto.parse import frr_state as parse

DEFAULT_STATE_DIR = "/etc/frr/netauto"
DEFAULT_FRR_RELOAD = "/usr/lib/frr/frr-reload.py"
REVERT_MARK = "netauto-revert"
"""Word in the revert timer's command line: a pid in ``pending.pid`` is the driver's timer
only while ``/proc/<pid>/cmdline`` carries it (a reused pid is not)."""
SECTION_MARK = "@@netauto-section@@"
"""Printed on a line of its own between the outputs of one remote script's steps."""
REMOTE_HELPER = Path(__file__).with_name("remote.py").read_text(encoding="utf-8")
"""The box side of a replace (:mod:`netauto.drivers.frr.remote`), copied to the state dir."""
HELPER_DIGEST = hashlib.sha256(REMOTE_HELPER.encode()).hexdigest()[:16]
"""Version of the helper in its file name on the box: a new one is installed beside the old."""

# Exit statuses of the scripts below and of the box helper (see remote.py's docstring).
PARSER_REFUSED = 3
"""Load: FRR's parser (``vtysh --dryrun``, ``vtysh -m``) refuses the candidate."""
COMPARE_FAILED = 4
"""Load: the comparison (``frr-reload.py --test``) failed; compare_config runs it again."""
PENDING = 90
"""Commit: a commit made with ``revert_in`` waits for confirmation or rollback."""
SAVE_FAILED = 91
"""A file in the state dir cannot be written (the candidate, the running config as
``rollback.conf``), or the running config cannot be read."""
RELOAD_REFUSED = 92
"""Commit: FRR refused part of the change; the driver restores ``rollback.conf``."""
TIMER_FAILED = 93
"""Commit: the revert timer did not start; the driver restores ``rollback.conf``."""
VERIFY_FAILED = 94
"""Commit without the helper: ``frr-reload.py --test`` failed after the reload."""
HELPER_UNAVAILABLE = (95, 126, 127)
"""Exit statuses of a box where the helper cannot run (no python3, another frr-reload.py):
nothing was changed, the driver then runs ``frr-reload.py`` itself."""
MISSING_DAEMON = 96
"""Exit status of the box helper: the candidate configures a daemon that is not running."""
FIRST_CLI_STATUS = 100
"""``cli`` with several commands: command number N failed when the script exits 100 + N."""
DAEMON_HINT = (
    "enable it in /etc/frr/daemons; lab: routing: ebgp in the SoT or "
    "netauto lab up --ebgp-site SLUG"
)

FRR_ANSWERS = (
    'p=$(cat /var/run/frr/zebra.pid 2>/dev/null) && kill -0 "$p" 2>/dev/null && '
    "command -v vtysh >/dev/null && echo FRRouting || vtysh -c 'show version'"
)
"""Prints ``FRRouting`` when FRR runs: zebra's pid alive is enough (no vtysh run: each costs
the box ~25 ms of CPU to build its command graph); elsewhere, or for a user who may not
signal zebra, vtysh's ``show version`` answers."""
UPTIME = "cat /proc/uptime"
MACHINE_ID = "cat /etc/machine-id 2>/dev/null"
ADDRESSES = "ip -j addr show"
STARTUP_CONFIG = "cat /etc/frr/frr.conf"


@dataclass(frozen=True)
class Layout:
    """Where the driver keeps its files on the box, and which ``frr-reload.py`` it runs.

    Examples:
        >>> Layout("/etc/frr/netauto").path("rollback.conf")
        '/etc/frr/netauto/rollback.conf'
        >>> Layout("/var/lib/my state").path("candidate.conf")
        "'/var/lib/my state/candidate.conf'"
    """

    state_dir: str = DEFAULT_STATE_DIR
    frr_reload: str = DEFAULT_FRR_RELOAD

    def path(self, name: str) -> str:
        """The file ``name`` of the state dir, quoted for the shell."""
        return shlex.quote(f"{self.state_dir}/{name}")

    @property
    def reload(self) -> str:
        """``frr-reload.py``, quoted for the shell."""
        return shlex.quote(self.frr_reload)


def split_sections(output: str) -> list[str]:
    """The outputs of a remote script's steps, split at :data:`SECTION_MARK` lines.

    Examples:
        >>> split_sections("a\\n@@netauto-section@@\\nb\\nc\\n@@netauto-section@@\\n")
        ['a\\n', 'b\\nc\\n', '']
        >>> split_sections("no marks")
        ['no marks']
    """
    return output.split(SECTION_MARK + "\n")


def missing_daemon_message(host: str, stderr: str) -> str:
    """One line for the box helper's "daemon not running" report (exit 96), with the hint.

    Examples:
        >>> missing_daemon_message("r1", "the candidate configures router bgp but bgpd is "
        ...     "not running\\n")  # doctest: +NORMALIZE_WHITESPACE
        'r1: the candidate configures router bgp but bgpd is not running (enable it in
        /etc/frr/daemons; lab: routing: ebgp in the SoT or netauto lab up --ebgp-site SLUG)'
    """
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    reason = "; ".join(lines) or "the candidate configures a daemon that is not running"
    return f"{host}: {reason} ({DAEMON_HINT})"


# -- reading ---------------------------------------------------------------------------------


def vtysh(*commands: str) -> str:
    """One vtysh run of ``commands``.

    Examples:
        >>> vtysh("show ip route 10.0.0.0/8 json")
        "vtysh -c 'show ip route 10.0.0.0/8 json'"
    """
    argv = ["vtysh"]
    for command in commands:
        argv += ["-c", command]
    return shlex.join(argv)


def vtysh_batch(commands: Sequence[str]) -> str:
    """Each command its own vtysh run, outputs between section marks; the first failure
    stops the script with :data:`FIRST_CLI_STATUS` + its number.

    Examples:
        >>> vtysh_batch(["show version", "show bgp summary"])  # doctest: +NORMALIZE_WHITESPACE
        "vtysh -c 'show version' || exit 100; echo @@netauto-section@@;
         vtysh -c 'show bgp summary' || exit 101; echo @@netauto-section@@"
    """
    return "; ".join(
        f"{vtysh(command)} || exit {FIRST_CLI_STATUS + index}; echo {SECTION_MARK}"
        for index, command in enumerate(commands)
    )


def ping_command(
    destination: str,
    source: str = "",
    ttl: int = c.PING_TTL,
    timeout: int = c.PING_TIMEOUT,
    size: int = c.PING_SIZE,
    count: int = c.PING_COUNT,
    vrf: str = "",
    source_interface: str = "",
) -> str:
    """The iputils ``ping`` command for Napalm's ``ping`` arguments.

    Examples:
        >>> ping_command("fd00:12::2", count=3)
        'ping -6 -c 3 -W 2 -t 255 -s 100 fd00:12::2'
        >>> ping_command("10.0.12.2", source="10.0.12.1", vrf="mgmt")
        'ip vrf exec mgmt ping -4 -c 5 -W 2 -t 255 -s 100 -I 10.0.12.1 10.0.12.2'
    """
    version = parse.ip_version(destination)
    argv = ["ping"] + ([f"-{version}"] if version else [])
    argv += ["-c", str(count), "-W", str(timeout), "-t", str(ttl), "-s", str(size)]
    if source or source_interface:
        argv += ["-I", source or source_interface]
    argv.append(destination)
    if vrf:
        argv = ["ip", "vrf", "exec", vrf, *argv]
    return shlex.join(argv)


def traceroute_command(
    destination: str,
    source: str = "",
    ttl: int = c.TRACEROUTE_TTL,
    timeout: int = c.TRACEROUTE_TIMEOUT,
    vrf: str = "",
) -> str:
    """The ``traceroute`` command (numeric, three probes per hop) for Napalm's arguments.

    Examples:
        >>> traceroute_command("fd00:ff::2", ttl=5)
        'traceroute -6 -n -q 3 -w 2 -m 5 fd00:ff::2'
    """
    version = parse.ip_version(destination)
    argv = ["traceroute"] + ([f"-{version}"] if version else [])
    argv += ["-n", "-q", "3", "-w", str(timeout), "-m", str(max(1, min(ttl, 255)))]
    if source:
        argv += ["-s", source]
    argv.append(destination)
    if vrf:
        argv = ["ip", "vrf", "exec", vrf, *argv]
    return shlex.join(argv)


# -- files and frr-reload.py -----------------------------------------------------------------


def upload(layout: Layout, name: str) -> str:
    """Store stdin as the state dir's file ``name`` (private: umask 077).

    Examples:
        >>> upload(Layout(), "merged.conf")
        'umask 077 && mkdir -p /etc/frr/netauto && cat > /etc/frr/netauto/merged.conf'
    """
    return f"umask 077 && mkdir -p {shlex.quote(layout.state_dir)} && cat > {layout.path(name)}"


def has_file(layout: Layout, name: str) -> str:
    """Exit 0 when the state dir's file ``name`` exists and is not empty.

    Examples:
        >>> has_file(Layout(), "rollback.conf")
        'test -s /etc/frr/netauto/rollback.conf'
    """
    return f"test -s {layout.path(name)}"


def frr_reload(layout: Layout, mode: str, name: str) -> str:
    """``frr-reload.py --<mode>`` (``test`` or ``reload``) on the state dir's file ``name``.

    Examples:
        >>> frr_reload(Layout(), "test", "candidate.conf")
        '/usr/lib/frr/frr-reload.py --test /etc/frr/netauto/candidate.conf'
    """
    return f"{layout.reload} --{mode} {layout.path(name)}"


def load_check(layout: Layout, merge: bool) -> str:
    """The load on a box without the helper, in one round trip: store stdin as
    ``candidate.conf``, FRR's parser on it (exit :data:`PARSER_REFUSED`) and, for a replace,
    the change set after a section mark (exit :data:`COMPARE_FAILED` if frr-reload fails).

    Examples:
        >>> print(load_check(Layout(), merge=False))  # doctest: +NORMALIZE_WHITESPACE
        umask 077 && mkdir -p /etc/frr/netauto && cat > /etc/frr/netauto/candidate.conf &&
        vtysh --dryrun -f /etc/frr/netauto/candidate.conf || exit 3
        echo @@netauto-section@@
        /usr/lib/frr/frr-reload.py --test /etc/frr/netauto/candidate.conf
        2>/etc/frr/netauto/test.err || { cat /etc/frr/netauto/test.err; exit 4; }
    """
    candidate = layout.path("candidate.conf")
    script = (
        f"{upload(layout, 'candidate.conf')} && "
        f"vtysh --dryrun -f {candidate} || exit {PARSER_REFUSED}"
    )
    if not merge:
        script += (
            f"\necho {SECTION_MARK}\n{layout.reload} --test {candidate} "
            f"2>{layout.path('test.err')} || "
            f"{{ cat {layout.path('test.err')}; exit {COMPARE_FAILED}; }}"
        )
    return script


def helper(layout: Layout, mode: str, timer: str = "") -> str:
    """Run the box helper in ``mode`` (``diff`` first stores stdin as the candidate).

    The helper is installed once per version (its file name carries :data:`HELPER_DIGEST`);
    a box without python3 exits with one of :data:`HELPER_UNAVAILABLE`. ``timer`` is the
    shell snippet the helper starts as the revert timer (:func:`revert_timer`).

    Examples:
        >>> lines = helper(Layout(), "diff").splitlines()
        >>> lines[:2]
        ['umask 077 && mkdir -p /etc/frr/netauto || exit 91', 'cat > /etc/frr/netauto/candidate.conf || exit 91']
        >>> print(lines[-1].replace(HELPER_DIGEST, "<hash>"))  # doctest: +NORMALIZE_WHITESPACE
        python3 -I -S /etc/frr/netauto/frr_remote-<hash>.py diff
        --frr-reload /usr/lib/frr/frr-reload.py --dir /etc/frr/netauto
        --candidate /etc/frr/netauto/candidate.conf
    """  # noqa: E501
    installed = f"{layout.state_dir}/frr_remote-{HELPER_DIGEST}.py"
    argv = ["python3", "-I", "-S", installed, mode,
            "--frr-reload", layout.frr_reload, "--dir", layout.state_dir,
            "--candidate", f"{layout.state_dir}/candidate.conf"]  # fmt: skip
    if timer:
        argv += ["--timer", timer]
    script = shlex.quote(installed)
    lines = [f"umask 077 && mkdir -p {shlex.quote(layout.state_dir)} || exit {SAVE_FAILED}"]
    if mode == "diff":
        lines.append(f"cat > {layout.path('candidate.conf')} || exit {SAVE_FAILED}")
    lines += [
        f"[ -s {script} ] || {{ cat > {script}.tmp <<'@@NETAUTO_HELPER@@'",
        REMOTE_HELPER.rstrip("\n"),
        "@@NETAUTO_HELPER@@",
        f"mv {script}.tmp {script} || exit {HELPER_UNAVAILABLE[0]}; }}",
        f"command -v python3 >/dev/null || exit {HELPER_UNAVAILABLE[0]}",
        shlex.join(argv),
    ]
    return "\n".join(lines)


# -- commit, revert timer, history -----------------------------------------------------------


def history_line(layout: Layout, stamp: str, message: str) -> str:
    """Append one line (time stamp, ``commit``, the commit message) to ``history.log``.

    Examples:
        >>> history_line(Layout(), "2026-12-01T10:00:00+0700", "add lan 20")
        "echo '2026-12-01T10:00:00+0700 commit add lan 20' >> /etc/frr/netauto/history.log"
    """
    note = shlex.quote(f"{stamp} commit {message}".strip())
    return f"echo {note} >> {layout.path('history.log')}"


def pending_test(layout: Layout) -> str:
    """Shell test: true when a revert timer of this driver runs on the box.

    Examples:
        >>> pending_test(Layout())  # doctest: +NORMALIZE_WHITESPACE
        'p=$(cat /etc/frr/netauto/pending.pid 2>/dev/null) && [ -n "$p" ] &&
         grep -q netauto-revert /proc/"$p"/cmdline 2>/dev/null'
    """
    return (
        f'p=$(cat {layout.path("pending.pid")} 2>/dev/null) && [ -n "$p" ] && '
        f'grep -q {REVERT_MARK} /proc/"$p"/cmdline 2>/dev/null'
    )


def pending_pid(layout: Layout) -> str:
    """Print the pid of the running revert timer (nothing, exit non-zero, when none runs)."""
    return (
        f"p=$(cat {layout.path('pending.pid')} 2>/dev/null) && "
        f'grep -q {REVERT_MARK} /proc/"$p"/cmdline 2>/dev/null && echo "$p"'
    )


def cancel_revert(layout: Layout) -> str:
    """Stop the revert timer (its process group) if it runs, printing its pid; forget it."""
    pid_file = layout.path("pending.pid")
    return (
        f'p=$(cat {pid_file} 2>/dev/null); if [ -n "$p" ] && '
        f'grep -q {REVERT_MARK} /proc/"$p"/cmdline 2>/dev/null; then '
        f'kill -TERM -- -"$p" 2>/dev/null; kill -TERM "$p" 2>/dev/null; echo "$p"; fi; '
        f"rm -f {pid_file}"
    )


def revert_timer(layout: Layout, seconds: int) -> str:
    """Start the detached revert timer (``setsid``: it outlives the SSH session) that puts
    ``rollback.conf`` back after ``seconds``, and wait (5 s at most) for its pid file; exit
    :data:`TIMER_FAILED` if it does not show up.

    Examples:
        >>> print(revert_timer(Layout(), 60).splitlines()[0])  # doctest: +NORMALIZE_WHITESPACE
        rm -f /etc/frr/netauto/pending.pid; setsid sh -c ': netauto-revert;
        echo $$ > /etc/frr/netauto/pending.pid; sleep 60; /usr/lib/frr/frr-reload.py --reload
        /etc/frr/netauto/rollback.conf; rm -f /etc/frr/netauto/pending.pid'
        </dev/null >/dev/null 2>&1 &
    """
    pid_file = layout.path("pending.pid")
    timer = (
        f": {REVERT_MARK}; echo $$ > {pid_file}; sleep {seconds}; "
        f"{frr_reload(layout, 'reload', 'rollback.conf')}; "
        f"rm -f {pid_file}"
    )
    return (
        f"rm -f {pid_file}; setsid sh -c {shlex.quote(timer)} </dev/null >/dev/null 2>&1 &\n"
        f"i=0; until {pending_test(layout)}; do "
        f"i=$((i + 1)); [ $i -gt 100 ] && exit {TIMER_FAILED}; sleep 0.05; done"
    )


def commit_with_helper(layout: Layout, timer: str, history: str) -> str:
    """A replace commit by the box helper, in one round trip: refuse while a commit is
    pending (exit :data:`PENDING`), run the helper's ``commit`` (it saves ``rollback.conf``,
    starts ``timer``, applies, verifies), and on success append ``history``."""
    return "\n".join(
        [
            f"{pending_test(layout)} && exit {PENDING}",
            helper(layout, "commit", timer),
            "rc=$?",
            f'[ "$rc" -eq 0 ] && {history}',
            'exit "$rc"',
        ]
    )


def commit_with_frr_reload(layout: Layout, timer: str, history: str, verify: bool) -> str:
    """A replace commit as ``frr-reload.py`` runs (boxes where the helper cannot run): refuse
    while a commit is pending, save the running config as ``rollback.conf``, ``--reload``, the
    revert ``timer``, a section mark, ``--test`` as the verification (with ``verify``), then
    ``history``."""
    running, rollback = layout.path("running.txt"), layout.path("rollback.conf")
    out = layout.path("reload.out")
    header = r"1,3{/^Building configuration\.\.\.$/d;/^Current configuration:$/d;/^$/d}"
    check = (
        f"{layout.reload} --test {layout.path('candidate.conf')} 2>{layout.path('test.err')} "
        f"|| {{ cat {layout.path('test.err')}; exit {VERIFY_FAILED}; }}"
        if verify
        else ""
    )
    return "\n".join(
        [
            f"{pending_test(layout)} && exit {PENDING}",
            f"vtysh -c 'show running-config' > {running} && "
            f"sed {shlex.quote(header)} {running} > {rollback} || exit {SAVE_FAILED}",
            f"{frr_reload(layout, 'reload', 'candidate.conf')} > {out} 2>&1 || "
            f"{{ cat {out}; exit {RELOAD_REFUSED}; }}",
            timer,
            f"echo {SECTION_MARK}",
            check,
            history,
        ]
    )


def merge_apply(layout: Layout) -> str:
    """A merge commit: the candidate's lines through vtysh, then ``write memory``.

    Examples:
        >>> merge_apply(Layout())
        "vtysh -f /etc/frr/netauto/candidate.conf && vtysh -c 'write memory'"
    """
    return f"vtysh -f {layout.path('candidate.conf')} && vtysh -c 'write memory'"
