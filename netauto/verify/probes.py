"""Probe scripts for Linux-based boxes (FRR routers, lab LAN clients, VMs), and their verdicts.

Hundreds of probes per site would cost one SSH round trip each; instead every probe of a host
goes into one POSIX shell script that runs them in parallel batches and prints, per probe, a
header line ``@@NA <n> <exit code>`` followed by the probe's output in base64 on one line.
:func:`parse_output` reads that back, and :func:`judge` turns each probe into a verdict.

A probe that must *fail* (isolation) still has to prove it ran: its output must show packets
sent and none received, or the kernel's "unreachable/prohibited" answer, or a TCP timeout or
refusal. An empty or garbled output is an ``error``, never a pass.
"""

from __future__ import annotations

import base64
import re
import shlex
from collections.abc import Sequence
from typing import Literal

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


def probe_command(spec: CheckSpec, source: str | None = None) -> list[str]:
    """The command line of one reachability/isolation probe.

    ``source`` overrides the spec's source address (a LAN client probes from its own address).

    Examples:
        >>> spec = CheckSpec(id="x", kind="reachability", probe="tcp", site="s", device="r",
        ...                  source="10.0.0.1", target="lgsp", target_address="10.1.0.10",
        ...                  family="ipv4", port=443, expect="reach")
        >>> probe_command(spec)
        ['nc', '-z', '-v', '-n', '-w', '2', '-s', '10.0.0.1', '10.1.0.10', '443']
        >>> " ".join(probe_command(spec.model_copy(update={"probe": "ping", "family": "ipv6",
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


def build_script(commands: Sequence[Sequence[str]], batch: int = BATCH) -> str:
    """One POSIX shell script running ``commands`` in parallel batches (see the module doc).

    Examples:
        >>> print(build_script([["true"], ["false"]]))  # doctest: +ELLIPSIS
        d=$(mktemp -d) || exit 3
        p() { n=$1; shift; o=$("$@" 2>&1); r=$?; ...
        p 0 true &
        p 1 false &
        wait
        for f in $(ls "$d" | sort -n); do cat "$d/$f"; done
        rm -rf "$d"
    """
    lines = [
        "d=$(mktemp -d) || exit 3",
        'p() { n=$1; shift; o=$("$@" 2>&1); r=$?; '
        f'{{ echo "{MARK} $n $r"; printf \'%s\' "$o" | head -c 2000 | base64 -w0; echo; }}'
        ' > "$d/$n"; }',
    ]
    for index, command in enumerate(commands):
        lines.append(f"p {index} {shlex.join(command)} &")
        if (index + 1) % batch == 0:
            lines.append("wait")
    lines += ["wait", 'for f in $(ls "$d" | sort -n); do cat "$d/$f"; done', 'rm -rf "$d"']
    return "\n".join(lines)


def parse_output(text: str) -> dict[int, tuple[int, str]]:
    """Read a script's output back: probe number → (exit code, output).

    Examples:
        >>> parse_output("@@NA 0 0\\naGVsbG8=\\n@@NA 1 1\\n\\n")
        {0: (0, 'hello'), 1: (1, '')}
        >>> parse_output("garbage")
        {}
    """
    results: dict[int, tuple[int, str]] = {}
    lines = text.replace("\r", "").split("\n")
    for index, line in enumerate(lines):
        parts = line.strip().split()
        if len(parts) != 3 or parts[0] != MARK:
            continue
        try:
            number, code = int(parts[1]), int(parts[2])
            payload = lines[index + 1].strip() if index + 1 < len(lines) else ""
            output = base64.b64decode(payload, validate=True).decode("utf-8", "replace")
        except (ValueError, IndexError):
            continue
        results[number] = (code, output)
    return results


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
