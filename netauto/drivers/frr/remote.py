"""The box side of the FRR driver's replace: diff and commit with FRR's own reload logic.

This file is copied to the router (``<state_dir>/frr_remote-<hash>.py``) and run there with
the box's ``python3 -I -S`` (standard library only). It imports FRR's ``frr-reload.py`` as a
module and drives its parts (``Vtysh``, ``Config``, ``compare_context_objects``,
``lines_to_config``) so that one process does what three ``frr-reload.py`` runs did, with
fewer ``vtysh`` runs (each one builds vtysh's whole command graph and connects to every
daemon: ~25 ms of CPU):

``diff``
    Reads ``show running-config`` once. When its text and the candidate are byte for byte the
    ones recorded after the last verified commit (``verified.sha``), the change set is empty
    without marking anything (a router changed by hand has another running text, so it gets a
    real diff). Otherwise the candidate and the running config are marked (``vtysh -m``,
    FRR's parser: a candidate it refuses is then run through ``vtysh --dryrun``, which reports
    every error) and compared by frr-reload's comparison, printed as ``frr-reload.py --test``
    prints it. Marked texts are cached by content, so the commit that follows marks neither
    again if nothing changed in between.

``commit``
    Saves the running config as ``rollback.conf``, starts the revert timer (a shell snippet
    given by the driver), applies the change set as ``frr-reload.py --reload`` does (each
    ``no`` line on its own, retried shorter; the additions in one ``vtysh -f``), reads the
    running config again and compares: that comparison *is* the verification (frr-reload's
    second pass). Only when something is left is the second pass applied and compared again.
    On success the config is written (``write memory``) and ``verified.sha`` records the
    candidate and the running text. After :data:`SECTION_MARK` the residual change set is
    printed in ``--test`` format (empty when the running config matches the candidate).

Both modes refuse a change set that adds lines to a ``router bgp`` / ``router ospf`` /
``router ospf6`` block whose daemon (bgpd, ospfd, ospf6d) is not running: vtysh would accept
the lines and silently drop them. Only such change sets pay for the check: the daemon's pid
file in ``/var/run/frr`` (and ``vtysh -c 'show daemons'`` where there is none, e.g. an FRR
with a pathspace).

Exit status: 0 done; 91 running config unreadable; 92 FRR refused part of the change (the
driver restores ``rollback.conf``); 93 the revert timer did not start; 95 this helper cannot
use the box's ``frr-reload.py`` (nothing was changed: the driver falls back to running
``frr-reload.py`` itself); 96 the candidate configures a daemon that is not running (nothing
was changed; stderr has one line per daemon, see :func:`missing_daemons`). ``diff`` also
exits 3 (FRR's parser refuses the candidate) and 4 (the comparison failed).
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.machinery
import importlib.util
import os
import re
import subprocess
import sys
from typing import Any

SECTION_MARK = "@@netauto-section@@"
UNAVAILABLE = 95
MISSING_DAEMON = 96
RUN_DIR = "/var/run/frr"
BLOCK_DAEMONS = {"bgp": "bgpd", "ospf": "ospfd", "ospf6": "ospf6d"}
"""``router X`` blocks and the FRR daemon that takes them."""
NEVER_SHOWN = re.compile(r"^(frr version \S+|ip forwarding|ipv6 forwarding)$")
"""Lines FRR accepts but never shows in its running config (frr-reload always lists them)."""


def sha(text: str) -> str:
    """SHA-256 of a text, hex.

    Examples:
        >>> sha("hostname r1\\n")[:12]
        '7e139a0aa1a3'
    """
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def load_frr_reload(path: str) -> Any:
    """FRR's ``frr-reload.py`` as a module (its command line only runs as ``__main__``)."""
    loader = importlib.machinery.SourceFileLoader("netauto_frr_reload", path)
    spec = importlib.util.spec_from_loader(loader.name, loader)
    if spec is None:
        raise ImportError(path)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    for name in ("Vtysh", "Config", "compare_context_objects", "lines_to_config"):
        if not hasattr(module, name):
            raise ImportError(f"{path} has no {name}")
    return module


def write_private(path: str, text: str) -> None:
    """Write ``text`` to ``path`` (mode 0600) through a temporary file and a rename."""
    temporary = f"{path}.tmp"
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.replace(temporary, path)


def read_text(path: str) -> str:
    try:
        with open(path, encoding="utf-8") as handle:
            return handle.read()
    except OSError:
        return ""


def meaningful(fr: Any, lines: list[tuple[Any, str]], delete: bool) -> list[str]:
    """The config lines of a change set, without ``!`` and lines FRR never shows."""
    rendered: list[str] = []
    for ctx_keys, line in lines:
        if line == "!":
            continue
        text = "\n".join(fr.lines_to_config(ctx_keys, line, delete))
        if not NEVER_SHOWN.match(text.strip()):
            rendered.append(text)
    return rendered


def test_format(fr: Any, to_add: list[tuple[Any, str]], to_del: list[tuple[Any, str]]) -> str:
    """A change set printed as ``frr-reload.py --test`` prints it."""
    out = ""
    deleted = ["\n".join(fr.lines_to_config(k, line, True)) for k, line in to_del if line != "!"]
    added = ["\n".join(fr.lines_to_config(k, line, False)) for k, line in to_add if line != "!"]
    if deleted:
        out += "\nLines To Delete\n===============\n" + "".join(f"{x}\n" for x in deleted)
    if added:
        out += "\nLines To Add\n============\n" + "".join(f"{x}\n" for x in added)
    return out


def block_daemon(context: str) -> str | None:
    """The daemon that takes a ``router ...`` block, from the block's first line.

    Examples:
        >>> block_daemon("router bgp 4200001001"), block_daemon("router ospf6")
        ('bgpd', 'ospf6d')
        >>> block_daemon("router ospf"), block_daemon("interface eth0")
        ('ospfd', None)
    """
    words = context.split()
    if len(words) >= 2 and words[0] == "router":
        return BLOCK_DAEMONS.get(words[1])
    return None


def daemon_alive(name: str, run_dir: str = RUN_DIR) -> bool | None:
    """Whether FRR daemon ``name`` runs, from its pid file; None when there is no pid file."""
    try:
        with open(os.path.join(run_dir, f"{name}.pid"), encoding="ascii") as handle:
            pid = int(handle.read().split()[0])
    except (OSError, ValueError, IndexError):
        return None
    try:
        with open(f"/proc/{pid}/comm", encoding="ascii", errors="replace") as handle:
            return handle.read().strip() == name  # a reused pid is another process
    except OSError:
        return False


def shown_daemons() -> set[str] | None:
    """The daemons ``vtysh -c 'show daemons'`` lists; None when vtysh does not answer."""
    show = subprocess.run(
        ["/usr/bin/vtysh", "-c", "show daemons"], capture_output=True, text=True, check=False
    )
    return set(show.stdout.split()) if show.returncode == 0 else None


def missing_daemons(
    to_add: list[tuple[Any, str]],
    alive: Any = daemon_alive,
    shown: Any = shown_daemons,
) -> list[str]:
    """A line per ``router X`` block the change set adds to while X's daemon is not running.

    ``alive(daemon)`` says whether a daemon runs (None: unknown); ``shown()`` lists the
    running daemons (asked at most once, only for unknowns; None: unknown, not refused).

    Examples:
        >>> adds = [(("router bgp 65001",), None), (("router bgp 65001",), "bgp router-id x"),
        ...         (("interface eth0",), "ip ospf area 0"), (("router ospf",), None)]
        >>> missing_daemons(adds, {"bgpd": False, "ospfd": True}.get, lambda: None)
        ['the candidate configures router bgp but bgpd is not running']
        >>> missing_daemons(adds, lambda d: None, lambda: {"zebra", "ospfd"})
        ['the candidate configures router bgp but bgpd is not running']
        >>> missing_daemons([(("interface lo",), None)], lambda d: False, lambda: set())
        []
    """
    needed: dict[str, str] = {}
    for ctx_keys, _line in to_add:
        daemon = block_daemon(ctx_keys[0]) if ctx_keys else None
        if daemon:
            needed.setdefault(daemon, " ".join(ctx_keys[0].split()[:2]))
    state = {daemon: alive(daemon) for daemon in needed}
    listed = shown() if None in state.values() else None
    missing = [
        daemon
        for daemon, running in state.items()
        if running is False or (running is None and listed is not None and daemon not in listed)
    ]
    return [
        f"the candidate configures {needed[daemon]} but {daemon} is not running"
        for daemon in sorted(missing)
    ]


def refuse_missing(to_add: list[tuple[Any, str]]) -> bool:
    """Print :func:`missing_daemons` to stderr; whether there were any."""
    missing = missing_daemons(to_add)
    for line in missing:
        print(line, file=sys.stderr)
    return bool(missing)


class Box:
    """The router's FRR through frr-reload's ``Vtysh``, with the marked texts kept."""

    def __init__(self, fr: Any, directory: str) -> None:
        self.fr = fr
        self.dir = directory
        self.vtysh = fr.Vtysh("/usr/bin", "/etc/frr", None, None)
        self.running_text = ""

    def path(self, name: str) -> str:
        return os.path.join(self.dir, name)

    def read_running(self, save_as: str) -> str:
        """``show running-config`` (no header), saved as ``save_as``."""
        self.running_text = self.vtysh("show running-config no-header")
        write_private(self.path(save_as), self.running_text)
        return self.running_text

    def mark(self, filename: str, cache: str) -> str:
        """``vtysh -m -f filename`` (the text marked with its contexts), cached by content."""
        key = sha(read_text(filename))
        cached = read_text(self.path(cache))
        if cached.startswith(key + "\n"):
            return cached.split("\n", 1)[1]
        marked = str(self.vtysh.mark_file(filename))
        write_private(self.path(cache), f"{key}\n{marked}")
        return marked

    def running(self, saved: str) -> Any:
        """frr-reload's ``Config`` of the running text saved in ``saved``."""
        marked = self.mark(self.path(saved), "running.marked")

        class Marked(self.fr.Vtysh):  # type: ignore[misc,name-defined]
            def mark_show_run(self, daemon: str | None = None) -> str:
                return marked

        config = self.fr.Config(Marked("/usr/bin", "/etc/frr", None, None))
        config.load_from_show_running(None)
        return config

    def candidate(self, filename: str) -> Any:
        """frr-reload's ``Config`` of the candidate."""
        marked = self.mark(filename, "candidate.marked")

        class Marked(self.fr.Vtysh):  # type: ignore[misc,name-defined]
            def mark_file(self, name: str, stdin: Any = None) -> str:
                return marked

        config = self.fr.Config(Marked("/usr/bin", "/etc/frr", None, None))
        config.load_from_file(filename)
        return config

    def parser_check(self, filename: str) -> subprocess.CompletedProcess[str]:
        """FRR's parser on ``filename`` (``vtysh --dryrun``: every error, not only the first)."""
        return subprocess.run(
            [*self.vtysh.common_args, "--dryrun", "-f", filename],
            capture_output=True,
            text=True,
            check=False,
        )


def unchanged(directory: str, candidate: str) -> bool:
    """Whether the running text is the one verified against this very candidate at commit.

    The running config read here is kept as ``running.txt`` for the diff that follows when
    it is not.
    """
    verified = read_text(os.path.join(directory, "verified.sha")).split()
    if len(verified) != 2 or verified[0] != sha(read_text(candidate)):
        return False
    show = subprocess.run(
        ["/usr/bin/vtysh", "-c", "show running-config no-header"],
        capture_output=True,
        text=True,
        check=False,
    )
    if show.returncode != 0:
        return False
    write_private(os.path.join(directory, "running.txt"), show.stdout)
    return verified[1] == sha(show.stdout)


def diff(fr: Any, box: Box, candidate: str) -> int:
    try:
        box.read_running("running.txt")
    except Exception as exc:
        print(f"cannot read the running config: {exc}", file=sys.stderr)
        return 4
    try:
        # Marking the candidate is FRR's parser too (it stops at the first error): --dryrun
        # runs only to report every error of a candidate it refuses.
        new = box.candidate(candidate)
    except fr.VtyshException:
        check = box.parser_check(candidate)
        sys.stdout.write(check.stdout)
        sys.stderr.write(check.stderr)
        return 3
    try:
        to_add, to_del = fr.compare_context_objects(new, box.running("running.txt"))
    except fr.VtyshException as exc:
        print(f"frr-reload's comparison failed: {exc}", file=sys.stderr)
        return 4
    if refuse_missing(to_add):
        return MISSING_DAEMON
    sys.stdout.write(test_format(fr, to_add, to_del))
    return 0


def apply_deletes(fr: Any, box: Box, to_del: list[tuple[Any, str]]) -> bool:
    """Each ``no`` line on its own; a refused one is retried a word shorter (as frr-reload)."""
    ok = True
    for ctx_keys, line in to_del:
        if line == "!":
            continue
        command = fr.lines_to_config(ctx_keys, line, True)
        while True:
            try:
                box.vtysh(["configure", *command])
                break
            except fr.VtyshException:
                words = command[-1].split(" ")
                if len(words) <= 2:
                    print(f"FRR refused: {' -- '.join(command)}", file=sys.stderr)
                    ok = False
                    break
                command[-1] = " ".join(words[:-1])
    return ok


def apply_adds(fr: Any, box: Box, to_add: list[tuple[Any, str]], second: bool) -> bool:
    """The additions in one ``vtysh -f`` (on a second pass, no ``no ...`` contexts)."""
    lines = [
        "\n".join(fr.lines_to_config(ctx_keys, line, False)) + "\n"
        for ctx_keys, line in to_add
        if line != "!" and not (second and ctx_keys[0].startswith("no "))
    ]
    if not lines:
        return True
    name = box.path("apply.conf")
    write_private(name, "".join(f"{x}\n" for x in lines))
    try:
        box.vtysh.exec_file(name)
    except fr.VtyshException as exc:
        print(f"FRR refused part of the change: {exc}", file=sys.stderr)
        return False
    return True


def commit(fr: Any, box: Box, candidate: str, timer: str) -> int:
    text = read_text(candidate)
    try:
        box.read_running("rollback.conf")
    except Exception as exc:  # vtysh down or the file unwritable: nothing changed
        print(f"cannot save the running config: {exc}", file=sys.stderr)
        return 91
    try:
        new = box.candidate(candidate)
        to_add, to_del = fr.compare_context_objects(new, box.running("rollback.conf"))
    except fr.VtyshException as exc:  # nothing changed yet; the driver restores anyway
        print(f"FRR refused the candidate: {exc}", file=sys.stderr)
        return 92
    if refuse_missing(to_add):
        return MISSING_DAEMON
    if timer and subprocess.run(["sh", "-c", timer], check=False).returncode != 0:
        return 93
    first_adds = list(to_add)
    ok = apply_deletes(fr, box, to_del)
    ok = apply_adds(fr, box, to_add, second=False) and ok
    if not ok:
        return 92
    box.read_running("running.txt")
    to_add, to_del = fr.compare_context_objects(new, box.running("running.txt"))
    if meaningful(fr, to_add, False) or meaningful(fr, to_del, True):
        # frr-reload's second pass: a removal may have taken other lines with it.
        if not apply_adds(fr, box, to_add + first_adds, second=True):
            return 92
        box.read_running("running.txt")
        to_add, to_del = fr.compare_context_objects(new, box.running("running.txt"))
    print(SECTION_MARK)
    residual = meaningful(fr, to_add, False) or meaningful(fr, to_del, True)
    sys.stdout.write(test_format(fr, to_add, to_del))
    if not residual:
        box.vtysh("write memory")
        write_private(box.path("verified.sha"), f"{sha(text)} {sha(box.running_text)}\n")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="netauto's FRR replace, run on the box")
    parser.add_argument("mode", choices=["diff", "commit"])
    parser.add_argument("--frr-reload", required=True)
    parser.add_argument("--dir", required=True)
    parser.add_argument("--candidate", required=True)
    parser.add_argument("--timer", default="")
    args = parser.parse_args(argv)
    if args.mode == "diff" and unchanged(args.dir, args.candidate):
        return 0  # decided without loading frr-reload.py (~30 ms of imports on the box)
    try:
        fr = load_frr_reload(args.frr_reload)
        box = Box(fr, args.dir)
    except Exception as exc:  # another FRR's frr-reload: the driver runs it the old way
        print(f"frr-reload.py not usable as a module: {exc}", file=sys.stderr)
        return UNAVAILABLE
    if args.mode == "diff":
        return diff(fr, box, args.candidate)
    return commit(fr, box, args.candidate, args.timer)


if __name__ == "__main__":
    sys.exit(main())
