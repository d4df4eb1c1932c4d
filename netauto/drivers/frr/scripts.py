"""What the FRR driver runs on the box: POSIX shell scripts and command lines, as text.

Each builder is pure (arguments in, script text out); the driver sends the text through its
SSH shell (:mod:`netauto.drivers.frr.transport`) and reads the answer with the exit statuses
named here. A script that does several things in one round trip prints :data:`SECTION_MARK`
between the outputs of its steps (:func:`split_sections` cuts them apart).

The driver's files live in one 0700 directory on the box (:class:`Layout`): the uploaded
``candidate.conf``, ``rollback.conf`` (the running config saved before each commit),
``pending.pid`` (the revert timer), ``history.log`` (one line per commit) and the box helper
``frr_remote-<hash>.py`` (:mod:`netauto.drivers.frr.remote`, installed once per version).

The host firewall (nftables table ``inet netauto``) is committed with the config and under
the same revert timer: its candidate is staged in a directory of its own
(``firewall.XXXXXX``, made by ``mktemp -d``), the commit saves the live table there as
``previous.nft`` before the timer starts, and the timer (like ``rollback``) loads it back
before it reloads ``rollback.conf``. ``netauto.nft`` records the ruleset last applied;
``firewall.last`` names the directory of the last commit (what ``rollback`` restores).
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
FIREWALL_FAILED = 97
"""Commit: nftables did not apply the staged ruleset; the driver restores both."""
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


def revert_timer(layout: Layout, seconds: int, firewall: str = "") -> str:
    """Start the detached revert timer (``setsid``: it outlives the SSH session) that puts
    ``rollback.conf`` back after ``seconds``, and wait (5 s at most) for its pid file; exit
    :data:`TIMER_FAILED` if it does not show up. With ``firewall`` (a staged directory, see
    :func:`firewall_stage`) the timer first loads the ruleset saved there back.

    Examples:
        >>> print(revert_timer(Layout(), 60).splitlines()[0])  # doctest: +NORMALIZE_WHITESPACE
        rm -f /etc/frr/netauto/pending.pid; setsid sh -c ': netauto-revert;
        echo $$ > /etc/frr/netauto/pending.pid; sleep 60; /usr/lib/frr/frr-reload.py --reload
        /etc/frr/netauto/rollback.conf; rm -f /etc/frr/netauto/pending.pid'
        </dev/null >/dev/null 2>&1 &
    """
    pid_file = layout.path("pending.pid")
    restore = f"{firewall_restore(layout, shlex.quote(firewall))}; " if firewall else ""
    timer = (
        f": {REVERT_MARK}; echo $$ > {pid_file}; sleep {seconds}; {restore}"
        f"{frr_reload(layout, 'reload', 'rollback.conf')}; "
        f"rm -f {pid_file}"
    )
    return (
        f"rm -f {pid_file}; setsid sh -c {shlex.quote(timer)} </dev/null >/dev/null 2>&1 &\n"
        f"i=0; until {pending_test(layout)}; do "
        f"i=$((i + 1)); [ $i -gt 100 ] && exit {TIMER_FAILED}; sleep 0.05; done"
    )


def commit_with_helper(layout: Layout, timer: str, history: str, firewall: str = "") -> str:
    """A replace commit by the box helper, in one round trip: refuse while a commit is
    pending (exit :data:`PENDING`), save the live firewall (with ``firewall``, a staged
    directory), run the helper's ``commit`` (it saves ``rollback.conf``, starts ``timer``,
    applies, verifies), apply the staged ruleset (the timer runs: it would undo both), and
    on success append ``history``."""
    return "\n".join(
        [
            f"{pending_test(layout)} && exit {PENDING}",
            firewall_save(layout, firewall),
            helper(layout, "commit", timer),
            "rc=$?",
            f'[ "$rc" -eq 0 ] && {{ {firewall_apply(layout, firewall)}; }}',
            f'[ "$rc" -eq 0 ] && {history}',
            'exit "$rc"',
        ]
    )


def commit_with_frr_reload(
    layout: Layout, timer: str, history: str, verify: bool, firewall: str = ""
) -> str:
    """A replace commit as ``frr-reload.py`` runs (boxes where the helper cannot run): refuse
    while a commit is pending, save the live firewall and the running config as
    ``rollback.conf``, ``--reload``, the revert ``timer``, the staged ruleset (``firewall``), a
    section mark, ``--test`` as the verification (with ``verify``), then ``history``."""
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
            firewall_save(layout, firewall),
            f"vtysh -c 'show running-config' > {running} && "
            f"sed {shlex.quote(header)} {running} > {rollback} || exit {SAVE_FAILED}",
            f"{frr_reload(layout, 'reload', 'candidate.conf')} > {out} 2>&1 || "
            f"{{ cat {out}; exit {RELOAD_REFUSED}; }}",
            timer,
            f"{{ {firewall_apply(layout, firewall)}; }} || exit {FIREWALL_FAILED}",
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


# -- host firewall (nftables) ----------------------------------------------------------------

FIREWALL_TABLE = "inet netauto"
"""The one nftables table netauto owns on a box (the rendered ruleset replaces only it)."""
FIREWALL_RECORD = "netauto.nft"
"""The ruleset last applied, in the state dir (what the next diff compares with)."""
FIREWALL_LAST = "firewall.last"
"""Names the staged directory of the last commit (what ``rollback`` loads back)."""
_EMPTY_TABLE = f"table {FIREWALL_TABLE}\ndelete table {FIREWALL_TABLE}\n"


def firewall_state(layout: Layout) -> str:
    """Print ``L`` when the table is loaded (``-`` when not), then the recorded ruleset.

    Examples:
        >>> firewall_state(Layout())  # doctest: +NORMALIZE_WHITESPACE
        'nft list table inet netauto >/dev/null 2>&1 && printf L || printf -;
         cat /etc/frr/netauto/netauto.nft 2>/dev/null'
    """
    return (
        f"nft list table {FIREWALL_TABLE} >/dev/null 2>&1 && printf L || printf -; "
        f"cat {layout.path(FIREWALL_RECORD)} 2>/dev/null"
    )


def firewall_stage(layout: Layout) -> str:
    """Store stdin (a ruleset) as ``candidate.nft`` in a new directory of the state dir
    (``mktemp -d``), check it (``nft -c``, exit :data:`PARSER_REFUSED` and nothing kept when
    refused) and print the directory's path."""
    state = shlex.quote(layout.state_dir)
    template = shlex.quote(f"{layout.state_dir}/firewall.XXXXXX")
    return (
        f"umask 077 && mkdir -p {state} && d=$(mktemp -d {template}) || exit {SAVE_FAILED}\n"
        f'cat > "$d/candidate.nft" || {{ rm -rf "$d"; exit {SAVE_FAILED}; }}\n'
        f'nft -c -f "$d/candidate.nft" >&2 || {{ rm -rf "$d"; exit {PARSER_REFUSED}; }}\n'
        'printf "%s\\n" "$d"'
    )


def firewall_save(layout: Layout, directory: str) -> str:
    """Before a commit: with a staged ``directory``, save the live table in it as
    ``previous.nft`` (a file that replaces the table with what it is now, or removes it when
    there is none), the record as ``previous.record``, and name it in ``firewall.last``
    (the directory of the commit before is removed); exit :data:`SAVE_FAILED` when that
    fails. Without one, forget the last commit's firewall (a rollback then restores FRR
    only).

    Examples:
        >>> firewall_save(Layout(), "")  # doctest: +NORMALIZE_WHITESPACE
        'o=$(cat /etc/frr/netauto/firewall.last 2>/dev/null); case "$o" in
         /etc/frr/netauto/firewall.??????) rm -rf -- "$o";; esac;
         rm -f /etc/frr/netauto/firewall.last'
    """
    last = layout.path(FIREWALL_LAST)
    pattern = shlex.quote(f"{layout.state_dir}/firewall.") + "??????"
    old = f'o=$(cat {last} 2>/dev/null); case "$o" in {pattern}) rm -rf -- "$o";; esac'
    forget = f"{old}; rm -f {last}"
    if not directory:
        return forget
    d, record = shlex.quote(directory), layout.path(FIREWALL_RECORD)
    empty = shlex.quote(_EMPTY_TABLE)
    return (
        f"test -s {d}/candidate.nft || exit {SAVE_FAILED}\n"
        f"if nft list table {FIREWALL_TABLE} >/dev/null 2>&1; then "
        f"{{ printf {empty}; nft list table {FIREWALL_TABLE}; }} > {d}/previous.nft "
        f"|| exit {SAVE_FAILED}; else printf {empty} > {d}/previous.nft || exit {SAVE_FAILED}; fi\n"
        f"rm -f {d}/previous.record; if [ -f {record} ]; then "
        f"cp {record} {d}/previous.record || exit {SAVE_FAILED}; fi\n"
        f'o=$(cat {last} 2>/dev/null); [ "$o" != {d} ] && case "$o" in '
        f'{pattern}) rm -rf -- "$o";; esac\n'
        f"printf '%s\\n' {d} > {last} || exit {SAVE_FAILED}"
    )


def firewall_apply(layout: Layout, directory: str) -> str:
    """Load the staged ruleset of ``directory`` (``nft -f``: atomic, all or nothing; exit
    :data:`FIREWALL_FAILED` when refused) and record it; ``:`` without a directory."""
    if not directory:
        return ":"
    d = shlex.quote(directory)
    return (
        f"nft -f {d}/candidate.nft || exit {FIREWALL_FAILED}; "
        f"cp {d}/candidate.nft {d}/record.new && mv -f {d}/record.new "
        f"{layout.path(FIREWALL_RECORD)}"
    )


def firewall_restore(layout: Layout, directory: str) -> str:
    """Load the table saved in ``directory`` (a shell word: quoted path or ``"$d"``) back
    and put its record back: the firewall as it was before that commit."""
    record = layout.path(FIREWALL_RECORD)
    return (
        f"nft -f {directory}/previous.nft && {{ if [ -f {directory}/previous.record ]; then "
        f"cp {directory}/previous.record {directory}/record.new && "
        f"mv -f {directory}/record.new {record}; else rm -f {record}; fi; }}"
    )


def firewall_rollback(layout: Layout) -> str:
    """``rollback``: restore the firewall of the last commit's staged directory, if any."""
    restore = firewall_restore(layout, '"$d"')
    return (
        f"d=$(cat {layout.path(FIREWALL_LAST)} 2>/dev/null) || exit 0; "
        f'[ -f "$d/previous.nft" ] || exit 0; {restore}'
    )


def firewall_discard(directory: str) -> str:
    """Remove a staged directory that will not be committed.

    Examples:
        >>> firewall_discard("/etc/frr/netauto/firewall.Ab12Cd")
        'rm -rf -- /etc/frr/netauto/firewall.Ab12Cd'
    """
    return f"rm -rf -- {shlex.quote(directory)}"
