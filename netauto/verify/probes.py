"""Probe runs for Linux-based boxes (FRR routers, lab LAN clients, VMs), and their verdicts.

Hundreds of probes per site would cost one SSH round trip each; instead every probe of a host
goes into one run that prints, per probe, the probe's output followed by a trailer line
``@@NA <n> <exit code>``. Where the host has ``python3`` (FRR boxes do: frr-pythontools needs
it) the run is :mod:`netauto.verify.prober`, sent on stdin: one process doing every ping and
TCP connect concurrently. Elsewhere the same command falls back to a POSIX shell script
running ``ping``/``nc`` in parallel batches (one process per probe). Both print the same
transcripts: :func:`parse_output` reads them back, and :func:`judge` gives each a verdict.

A probe that must *fail* (isolation) still has to prove it ran: its output must show packets
sent and none received, or the kernel's "unreachable/prohibited" answer, or a TCP timeout or
refusal. An empty or garbled output is an ``error``, never a pass.
"""

from __future__ import annotations

import json
import re
import shlex
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

from netauto.verify.derive import CheckSpec
from netauto.verify.models import Status

MARK = "@@NA"
BATCH = 32
"""Probes started at once on one host."""

_RTT = re.compile(r"= [\d.]+/([\d.]+)/[\d.]+/[\d.]+ ms")
_SENT = re.compile(r"(\d+) packets transmitted, (\d+) (?:packets )?received")
_BLOCKED_MARKS = (
    "Packet filtered",
    "Administratively prohibited",
    "Destination Host Prohibited",
    "Destination Net Prohibited",
    "Destination unreachable",
    "Destination Host Unreachable",
    "Network is unreachable",
    "No route to host",
)


def probe_argv(spec: CheckSpec, source: str | None = None) -> list[str]:
    """The command line of one reachability/isolation probe.

    ``source`` overrides the spec's source address (a LAN client probes from its own address).

    Examples:
        >>> spec = CheckSpec(id="x", kind="reachability", probe="tcp", site="s", device="r",
        ...                  source="10.0.0.1", target="lgsp", target_address="10.1.0.10",
        ...                  family="ipv4", port=443, expect="reach")
        >>> probe_argv(spec)
        ['nc', '-z', '-v', '-n', '-w', '2', '-s', '10.0.0.1', '10.1.0.10', '443']
        >>> " ".join(probe_argv(spec.model_copy(update={"probe": "ping", "family": "ipv6",
        ...     "target_address": "2001:db8::a", "source": "2001:db8:1::1"})))
        'ping -6 -n -c 2 -i 0.2 -W 1 -I 2001:db8:1::1 2001:db8::a'
    """
    src = spec.source if source is None else source
    if spec.probe == "tcp":
        cmd = ["nc", "-z", "-v", "-n", "-w", "2"]
        if src:
            cmd += ["-s", src]
        return [*cmd, spec.target_address, str(spec.port)]
    if spec.probe == "ping":
        flag = "-4" if spec.family == "ipv4" else "-6"
        cmd = ["ping", flag, "-n", "-c", "2", "-i", "0.2", "-W", "1"]
        if src:
            cmd += ["-I", src]
        return [*cmd, spec.target_address]
    raise ValueError(f"{spec.probe} is not a shell probe")


def prober_probe(number: int, spec: CheckSpec, source: str | None = None) -> list[Any]:
    """One probe as :func:`netauto.verify.prober.main` takes it.

    Examples:
        >>> spec = CheckSpec(id="x", kind="reachability", probe="tcp", site="s", device="r",
        ...                  source="10.0.0.1", target="lgsp", target_address="10.1.0.10",
        ...                  family="ipv4", port=443, expect="reach")
        >>> prober_probe(7, spec)
        [7, 'tcp', 4, '10.0.0.1', '10.1.0.10', 443]
        >>> prober_probe(0, spec.model_copy(update={"probe": "ping", "port": None}), "")
        [0, 'ping', 4, '', '10.1.0.10', 0]
    """
    if spec.probe not in ("ping", "tcp"):
        raise ValueError(f"{spec.probe} is not a shell probe")
    src = spec.source if source is None else source
    version = 4 if spec.family == "ipv4" else 6
    return [number, spec.probe, version, src, spec.target_address, spec.port or 0]


def prober_program(probes: list[list[Any]]) -> str:
    """The Python program running ``probes`` (see :func:`prober_probe`): the prober module's
    source and a call of its ``main``.

    Examples:
        >>> prober_program([[0, "ping", 6, "", "::1", 0]]).splitlines()[-1]
        'raise SystemExit(main([[0, "ping", 6, "", "::1", 0]]))'
    """
    source = (Path(__file__).parent / "prober.py").read_text(encoding="utf-8")
    return f"{source}\nraise SystemExit(main({json.dumps(probes)}))\n"


def probe_command(script: str, python: bool = True, reads: dict[str, str] | None = None) -> str:
    """The command run on a host: first the ``reads`` (see :func:`read_lines`), then the
    prober (its program comes on stdin) if the host has ``python3`` (3.7 or later: an older
    one fails every probe as an error, visibly), else the shell ``script`` (see
    :func:`build_script`).

    Examples:
        >>> print(probe_command("echo fallback"))
        if command -v python3 >/dev/null 2>&1; then exec python3 -I -; fi
        echo fallback
        >>> probe_command("echo fallback", python=False)
        'echo fallback'
        >>> probe_command("", python=False, reads={"addr": "ip -j addr show"}).count("@@NA")
        1
    """
    head = read_lines(reads) + "\n" if reads else ""
    if not python:
        return head + script
    return f"{head}if command -v python3 >/dev/null 2>&1; then exec python3 -I -; fi\n{script}"


def build_script(commands: Sequence[Sequence[str]], batch: int = BATCH) -> str:
    r"""One POSIX shell script running ``commands`` in parallel batches (see the module doc).

    Each probe runs in the background with its output in its own file; the shell then
    waits for each one by pid and appends the trailer ``@@NA <n> <exit code>``; one ``cat``
    prints every file at the end. A probe costs exactly one process (the probe itself):
    at thousands of probes on a small machine, process creation is what costs time.

    Examples:
        >>> print(build_script([["true"], ["false"]]))
        d=$(mktemp -d) || exit 3
        true > "$d/0" 2>&1 & p0=$!
        false > "$d/1" 2>&1 & p1=$!
        wait $p0; printf '\n@@NA %s %s\n' 0 $? >> "$d/0"
        wait $p1; printf '\n@@NA %s %s\n' 1 $? >> "$d/1"
        cat "$d"/* 2>/dev/null
        rm -rf "$d"
    """
    lines = ["d=$(mktemp -d) || exit 3"]
    for first in range(0, len(commands), batch):
        numbers = range(first, min(first + batch, len(commands)))
        lines += [f'{shlex.join(commands[n])} > "$d/{n}" 2>&1 & p{n}=$!' for n in numbers]
        lines += [f"wait $p{n}; printf '\\n{MARK} %s %s\\n' {n} $? >> \"$d/{n}\"" for n in numbers]
    lines += ['cat "$d"/* 2>/dev/null', 'rm -rf "$d"']
    return "\n".join(lines)


def parse_blocks(text: str) -> dict[str, tuple[int, str]]:
    r"""Every block of a run's output: its trailer's key → (exit code, the whole block).

    Probes have numbers as keys; the reads before them (see :func:`read_lines`) have names.

    Examples:
        >>> parse_blocks('{"a": 1}\n@@NA addr 0\nhello\n\n@@NA 0 0\n')
        {'addr': (0, '{"a": 1}'), '0': (0, 'hello')}
    """
    results: dict[str, tuple[int, str]] = {}
    block: list[str] = []
    for line in text.replace("\r", "").split("\n"):
        parts = line.strip().split()
        if len(parts) == 3 and parts[0] == MARK:
            try:
                code = int(parts[2])
            except ValueError:
                block = []
                continue
            results[parts[1]] = (code, "\n".join(block).strip())
            block = []
        else:
            block.append(line)
    return results


def parse_output(text: str) -> dict[int, tuple[int, str]]:
    r"""Read a run's probes back: probe number → (exit code, output, at most 2,000 chars).

    Examples:
        >>> parse_output("hello\n\n@@NA 0 0\n\n@@NA 1 1\n")
        {0: (0, 'hello'), 1: (1, '')}
        >>> parse_output("garbage")
        {}
    """
    return {int(key): (code, output[:2000])
            for key, (code, output) in parse_blocks(text).items() if key.isdigit()}  # fmt: skip


def read_lines(reads: dict[str, str]) -> str:
    r"""Shell lines running each read command (name → command) before the probes, each
    followed by its trailer ``@@NA <name> <exit code>`` (names are not numbers).

    Examples:
        >>> print(read_lines({"addr": "ip -j addr show"}))
        ip -j addr show; printf '\n@@NA %s %s\n' addr $?
    """
    for name in reads:
        if name.isdigit() or not name or any(c.isspace() for c in name):
            raise ValueError(f"bad read name {name!r}")
    return "\n".join(f"{command}; printf '\\n{MARK} %s %s\\n' {name} $?"
                     for name, command in reads.items())  # fmt: skip


def rtt_ms(output: str) -> float | None:
    """The average round-trip time in a ping summary, if any.

    Examples:
        >>> rtt_ms("rtt min/avg/max/mdev = 0.041/0.052/0.063/0.011 ms")
        0.052
        >>> rtt_ms("100% packet loss") is None
        True
    """
    found = _RTT.search(output)
    return float(found.group(1)) if found else None


Outcome = Literal["reached", "blocked", "unknown"]


def outcome(probe: str, code: int, output: str) -> Outcome:
    """What a probe's output proves: the target answered, the path is closed, or nothing.

    Examples:
        >>> outcome("ping", 0, "2 packets transmitted, 2 received, 0% packet loss")
        'reached'
        >>> outcome("ping", 1, "2 packets transmitted, 0 received, 100% packet loss")
        'blocked'
        >>> outcome("ping", 1, "")
        'unknown'
        >>> outcome("tcp", 1, "nc: connect to 10.1.0.10 port 443 (tcp) timed out")
        'blocked'
        >>> outcome("tcp", 0, "Connection to 10.1.0.10 443 port [tcp/*] succeeded!")
        'reached'
    """
    if probe == "ping":
        sent = _SENT.search(output)
        if sent and int(sent.group(2)) > 0 and code == 0:
            return "reached"
        if sent and int(sent.group(1)) > 0 and int(sent.group(2)) == 0:
            return "blocked"
        if any(mark in output for mark in _BLOCKED_MARKS):
            return "blocked"
        return "unknown"
    if probe == "tcp":
        if code == 0 and ("succeeded" in output or "open" in output):
            return "reached"
        lowered = output.lower()
        if code != 0 and any(
            mark in lowered
            for mark in ("timed out", "refused", "unreachable", "prohibited", "no route")
        ):
            return "blocked"
        return "unknown"
    return "unknown"


def judge(spec: CheckSpec, code: int | None, output: str) -> tuple[Status, float | None, str]:
    """The verdict on one probe: status, RTT and evidence (trimmed output or the reason)."""
    evidence = " | ".join(line.strip() for line in output.strip().splitlines()[-3:])[:500]
    if code is None:
        return "error", None, "probe did not report (script failed or output garbled)"
    seen = outcome(spec.probe, code, output)
    if seen == "unknown":
        return "error", None, f"no proof either way (exit {code}): {evidence or 'empty output'}"
    want = "reached" if spec.expect == "reach" else "blocked"
    status: Status = "pass" if seen == want else "fail"
    return status, rtt_ms(output) if seen == "reached" else None, evidence
