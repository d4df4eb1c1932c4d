"""The probe runs: the Python prober's transcripts and verdicts, against ping/nc's.

The pure parts are table-driven here (and doctests in the modules). The root tests build a
throw-away network namespace (``unshare --net``: loopback, a veth LAN with a silent
neighbour, an nftables filter rejecting one address with "administratively prohibited", a
TCP listener) and run the same probes twice, through the shell script (real ``ping``/``nc``)
and through the prober: every probe must get the same verdict.
"""

from __future__ import annotations

import errno
import os
import shutil
import subprocess

import pytest

from netauto.verify.derive import CheckSpec
from netauto.verify.prober import SEND_RETRIES, Ping, Prober, parse_icmp, ping_report, tcp_report
from netauto.verify.probes import (
    build_script,
    judge,
    outcome,
    parse_output,
    probe_argv,
    probe_command,
    prober_probe,
    prober_program,
)
from netauto.verify.run import shell_probes


def spec(probe: str, family: str, target: str, expect: str = "reach", port: int = 0,
         source: str = "") -> CheckSpec:  # fmt: skip
    return CheckSpec(
        id=f"{probe}:{family}:{target}:{port}", kind="reachability" if expect == "reach"
        else "isolation", probe=probe, site="s", device="r", source=source, target="t",
        target_address=target, family=family, port=port or None, expect=expect,
    )  # type: ignore[arg-type]  # fmt: skip


@pytest.mark.parametrize(
    ("probe", "report", "seen"),
    [
        ("ping", ping_report("10.0.0.9", "", [], 2, [0.1, 0.2], 0), "reached"),
        ("ping", ping_report("10.0.0.9", "", [], 2, [0.1], 0), "reached"),
        ("ping", ping_report("10.0.0.9", "", [], 2, [], 0), "blocked"),
        ("ping", ping_report("10.0.0.9", "", ["From 10.0.0.1 icmp_seq=1 Packet filtered"],
                             2, [], 1), "blocked"),
        ("ping", ping_report("2001:db8::9", "", [], 0, [], 0), "unknown"),
        ("ping", (2, "ping: bind icmp socket: Cannot assign requested address"), "unknown"),
        ("tcp", tcp_report("10.0.0.9", 22, None), "reached"),
        ("tcp", tcp_report("10.0.0.9", 22, 111), "blocked"),  # ECONNREFUSED
        ("tcp", tcp_report("10.0.0.9", 22, 113), "blocked"),  # EHOSTUNREACH
        ("tcp", tcp_report("10.0.0.9", 22, 110), "blocked"),  # ETIMEDOUT
        ("tcp", (1, "nc: Cannot assign requested address"), "unknown"),
    ],
)
def test_prober_transcripts_read_like_ping_and_nc(
    probe: str, report: tuple[int, str], seen: str
) -> None:
    code, text = report
    assert outcome(probe, code, text) == seen


def test_prober_rtt_is_read_back() -> None:
    code, text = ping_report("10.0.0.9", "10.0.0.1", [], 2, [1.0, 3.0], 0)
    status, rtt, _ = judge(spec("ping", "ipv4", "10.0.0.9"), code, text)
    assert (status, rtt) == ("pass", 2.0)


def test_parse_icmp_ignores_foreign_and_short_messages() -> None:
    assert parse_icmp(4, b"") is None
    assert parse_icmp(6, bytes([128, 0, 0, 0, 0, 1, 0, 1])) is None  # an echo request
    assert parse_icmp(6, bytes([1, 1, 0, 0, 0, 0, 0, 0])) is None  # error without the packet


def test_prober_program_compiles_and_carries_every_probe() -> None:
    specs = [spec("ping", "ipv4", "10.0.0.9"), spec("tcp", "ipv6", "2001:db8::9", port=443)]
    probes = [prober_probe(n, s) for n, s in enumerate(specs)]
    program = prober_program(probes)
    compile(program, "<prober>", "exec")
    assert "import netauto" not in program
    assert program.endswith(
        'main([[0, "ping", 4, "", "10.0.0.9", 0], [1, "tcp", 6, "", "2001:db8::9", 443]]))\n'
    )
    assert probe_command("S").startswith("if command -v python3 ")


needs_root = pytest.mark.skipif(
    os.geteuid() != 0 or not all(shutil.which(t) for t in ("unshare", "nft", "ping", "nc")),
    reason="needs root (network namespace, raw sockets), unshare, nft, ping and nc",
)

SETUP = """
set -e
ip link set lo up
ip link add lan0 type veth peer name lan1
ip addr add 10.9.9.1/24 dev lan0
ip -6 addr add 2001:db8:9::1/64 dev lan0 nodad
ip link set lan1 up
ip link set lan0 up
ip neigh replace 10.9.9.2 lladdr 02:00:00:00:00:02 dev lan0 nud permanent
ip neigh replace 2001:db8:9::2 lladdr 02:00:00:00:00:02 dev lan0 nud permanent
nft -f - <<'EOF'
table inet t {
    chain output {
        type filter hook output priority filter; policy accept;
        ip daddr 10.9.9.3 reject with icmpx type admin-prohibited
        ip6 daddr 2001:db8:9::3 reject with icmpx type admin-prohibited
        tcp dport 8081 reject with icmpx type admin-prohibited
    }
}
EOF
python3 -c '
import os, socket, sys
s = socket.create_server(("::", 8080), family=socket.AF_INET6, dualstack_ipv6=True)
if os.fork():
    sys.exit(0)
os.setsid()
s.settimeout(30)
try:
    while True:
        s.accept()[0].close()
except OSError:
    pass
' </dev/null >/dev/null 2>&1
set +e
"""

CASES = [
    spec("ping", "ipv4", "127.0.0.1"),
    spec("ping", "ipv6", "::1"),
    spec("ping", "ipv4", "10.9.9.1", source="10.9.9.1"),
    spec("ping", "ipv4", "10.9.9.2", "blocked"),  # silent neighbour
    spec("ping", "ipv6", "2001:db8:9::2", "blocked"),
    spec("ping", "ipv4", "10.9.9.3", "blocked"),  # rejected: admin-prohibited
    spec("ping", "ipv6", "2001:db8:9::3", "blocked"),
    spec("ping", "ipv4", "192.0.2.1", "blocked"),  # no route
    spec("ping", "ipv6", "2001:db8:77::1", "blocked"),
    spec("ping", "ipv4", "127.0.0.1", source="10.99.0.1"),  # source not on the box: error
    spec("tcp", "ipv4", "127.0.0.1", port=8080),
    spec("tcp", "ipv6", "::1", port=8080),
    spec("tcp", "ipv4", "127.0.0.1", "blocked", port=8081),  # rejected
    spec("tcp", "ipv4", "127.0.0.1", "blocked", port=8082),  # refused
    spec("tcp", "ipv6", "2001:db8:9::2", "blocked", port=22),  # times out
    spec("tcp", "ipv4", "192.0.2.1", "blocked", port=22),  # no route
]


def in_namespace(script: str, stdin: bytes | None) -> tuple[int, str, str]:
    proc = subprocess.run(
        ["unshare", "--net", "sh", "-c", SETUP + script], input=stdin or b"",
        capture_output=True, timeout=120, check=False,
    )  # fmt: skip
    return proc.returncode, proc.stdout.decode(), proc.stderr.decode()


@pytest.mark.lab
@needs_root
def test_prober_gives_the_verdicts_of_ping_and_nc() -> None:
    shell = shell_probes(CASES, "r", in_namespace, python=False)
    prober = shell_probes(CASES, "r", in_namespace, python=True)
    assert [(c.id, c.status) for c in prober] == [(c.id, c.status) for c in shell], "\n".join(
        f"{a.id}: shell {a.status} ({a.evidence}) / prober {b.status} ({b.evidence})"
        for a, b in zip(shell, prober, strict=True)
        if a.status != b.status
    )
    assert [c.status for c in prober] == ["pass"] * 9 + ["error"] + ["pass"] * 6
    assert "+2 errors" in prober[5].evidence  # the filter refused both echo requests
    assert prober[0].rtt_ms is not None and prober[0].duration_s is not None


def test_shell_script_still_reads_back() -> None:
    script = build_script([probe_argv(spec("ping", "ipv4", "10.0.0.9"))])
    assert "ping -4 -n -c 2" in script
    assert parse_output("x\n@@NA 0 1\n") == {0: (1, "x")}


class NoBuffers:
    """A socket the kernel has no buffer for: every send fails with ENOBUFS."""

    def sendto(self, data: bytes, address: object) -> int:
        raise OSError(errno.ENOBUFS, os.strerror(errno.ENOBUFS))


def test_a_send_the_box_has_no_buffer_for_is_no_proof_of_a_closed_path() -> None:
    prober = Prober()
    ping = Ping(0, 4, "", "192.0.2.1")
    ping.sock = NoBuffers()  # type: ignore[assignment]
    prober.pings_in_flight = 1
    prober.send_echo(ping, 0)
    assert (ping.sent, ping.errors, len(prober.timers)) == (0, set(), 1)  # tried again later
    for _ in range(SEND_RETRIES):
        prober.send_echo(ping, 0)
    code, text = prober.results[0]
    assert outcome("ping", code, text) == "unknown"
    assert judge(spec("ping", "ipv4", "192.0.2.1", "blocked"), code, text)[0] == "error"
