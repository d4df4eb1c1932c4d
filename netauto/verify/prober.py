"""A self-contained probe runner: every ping and TCP probe of one host, in one process.

This module is sent as it is (stdlib only, no netauto import, Python 3.7+ syntax) to the host
that probes (over the router's SSH session, or into a lab client's namespace) and run there
by ``python3 -``; :func:`netauto.verify.probes.prober_program` appends the call to
:func:`main` with the host's probes. Instead of one ``ping``/``nc`` process per probe, it
sends ICMP echoes over raw sockets (root) and opens TCP connections without blocking, all
concurrently in one ``selectors`` loop, and matches answers by ICMP id/sequence number, also
inside ICMP errors (an "administratively prohibited" answer is proof the path is closed).

For each probe it prints what ``ping -c 2 -i 0.2 -W 1`` or ``nc -z -v -n -w 2`` would have
printed, followed by the ``@@NA <n> <exit code>`` trailer, so the shell fallback and this
runner share one reader (:func:`netauto.verify.probes.parse_output`) and one judge.
A probe that cannot even start (its source address is gone) prints the error, as ping and
nc do, and shows neither packets nor a connection: the judge calls that an error.
"""

from __future__ import annotations

import errno
import heapq
import os
import selectors
import socket
import struct
import sys
import time
from typing import Any

MARK = "@@NA"
COUNT = 2
"""Echo requests per ping probe (ping -c 2)."""
INTERVAL = 0.2
"""Seconds between a probe's echo requests (ping -i 0.2)."""
LINGER = 1.0
"""Seconds to wait for answers after the last echo request (ping -W 1)."""
TCP_TIMEOUT = 2.0
"""Seconds a TCP connection may take (nc -w 2)."""

UNREACH4 = {
    0: "Destination Net Unreachable",
    1: "Destination Host Unreachable",
    2: "Destination Protocol Unreachable",
    3: "Destination Port Unreachable",
    4: "Frag needed",
    5: "Source Route Failed",
    6: "Destination Net Unknown",
    7: "Destination Host Unknown",
    9: "Destination Net Prohibited",
    10: "Destination Host Prohibited",
    13: "Packet filtered",
}
UNREACH6 = {
    0: "Destination unreachable: No route",
    1: "Destination unreachable: Administratively prohibited",
    2: "Destination unreachable: Beyond scope",
    3: "Destination unreachable: Address unreachable",
    4: "Destination unreachable: Port unreachable",
    5: "Destination unreachable: Source address failed ingress/egress policy",
    6: "Destination unreachable: Reject route to destination",
}


def checksum(data: bytes) -> int:
    """The Internet checksum (RFC 1071) of ``data``.

    Examples:
        >>> hex(checksum(bytes([8, 0, 0, 0, 0x12, 0x34, 0, 1])))
        '0xe5ca'
    """
    if len(data) % 2:
        data += b"\0"
    total = 0
    for (word,) in struct.iter_unpack("!H", data):
        total += word
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def echo_request(version: int, ident: int, seq: int, payload: bytes = b"netauto-probe") -> bytes:
    """An ICMP (version 4) or ICMPv6 (6) echo request; the kernel sums ICMPv6 itself.

    Examples:
        >>> echo_request(4, 0x1234, 1, b"")
        b'\\x08\\x00\\xe5\\xca\\x124\\x00\\x01'
        >>> echo_request(6, 0x1234, 1, b"")
        b'\\x80\\x00\\x00\\x00\\x124\\x00\\x01'
    """
    kind = 8 if version == 4 else 128
    header = struct.pack("!BBHHH", kind, 0, 0, ident, seq)
    if version == 6:
        return header + payload
    total = checksum(header + payload)
    return struct.pack("!BBHHH", kind, 0, total, ident, seq) + payload


def parse_icmp(version: int, data: bytes) -> tuple[str, int, int, str, str] | None:
    """What an ICMP message says about one of our echo requests, if anything.

    ``data`` is what a raw socket reads: with the IPv4 header for version 4, the bare ICMPv6
    message for version 6. Returns (``"reply"`` or ``"error"``, id, sequence, the address the
    request went to (the replier for a reply), the error text as ping prints it).

    Examples:
        >>> reply = bytes([0x45]) + bytes(11) + bytes([10, 0, 0, 9]) + bytes(4)
        >>> parse_icmp(4, reply + bytes([0, 0, 0, 0, 0x12, 0x34, 0, 1]))
        ('reply', 4660, 1, '10.0.0.9', '')
        >>> inner = bytes([0x45]) + bytes(15) + bytes([10, 0, 0, 7])
        >>> error = bytes([3, 13, 0, 0, 0, 0, 0, 0]) + inner + bytes([8, 0, 0, 0, 0x12, 0x34, 0, 2])
        >>> parse_icmp(4, reply + error)
        ('error', 4660, 2, '10.0.0.7', 'Packet filtered')
        >>> parse_icmp(6, bytes([129, 0, 0, 0, 0x12, 0x34, 0, 3]))
        ('reply', 4660, 3, '', '')
        >>> inner6 = bytes(24) + bytes(15) + bytes([1])
        >>> parse_icmp(6, bytes([1, 1]) + bytes(6) + inner6 + bytes([128, 0, 0, 0, 0, 5, 0, 4]))
        ('error', 5, 4, '::1', 'Destination unreachable: Administratively prohibited')
        >>> parse_icmp(4, b"garbage") is None
        True
    """
    try:
        if version == 4:
            ihl = (data[0] & 0x0F) * 4
            source = socket.inet_ntop(socket.AF_INET, data[12:16])
            icmp = data[ihl:]
            kind, code = icmp[0], icmp[1]
            if kind == 0:
                ident, seq = struct.unpack("!HH", icmp[4:8])
                return "reply", ident, seq, source, ""
            if kind not in (3, 11):
                return None
            inner = icmp[8:]
            inner_ihl = (inner[0] & 0x0F) * 4
            target = socket.inet_ntop(socket.AF_INET, inner[16:20])
            echo = inner[inner_ihl : inner_ihl + 8]
            if len(echo) < 8 or echo[0] != 8:
                return None
            text = UNREACH4.get(code, f"Dest Unreachable, Bad Code: {code}")
            if kind == 11:
                text = "Time to live exceeded"
            ident, seq = struct.unpack("!HH", echo[4:8])
            return "error", ident, seq, target, text
        kind, code = data[0], data[1]
        if kind == 129:
            ident, seq = struct.unpack("!HH", data[4:8])
            return "reply", ident, seq, "", ""
        if kind not in (1, 3):
            return None
        inner = data[8:]
        target = socket.inet_ntop(socket.AF_INET6, inner[24:40])
        echo = inner[40:48]
        if len(echo) < 8 or echo[0] != 128:
            return None
        text = UNREACH6.get(code, f"Destination unreachable: Unknown code {code}")
        if kind == 3:
            text = "Time exceeded: Hop limit"
        ident, seq = struct.unpack("!HH", echo[4:8])
        return "error", ident, seq, target, text
    except (IndexError, ValueError, struct.error, OSError):
        return None


def ping_report(
    target: str, source: str, lines: list[str], sent: int, rtts: list[float], errors: int
) -> tuple[int, str]:
    """A ping-like transcript and exit code: 0 if any echo came back, else 1.

    Examples:
        >>> code, text = ping_report("10.0.0.9", "10.0.0.1", [], 2, [0.05, 0.07], 0)
        >>> code, text.splitlines()[-2:]
        (0, ['2 packets transmitted, 2 received, 0% packet loss', \
'rtt min/avg/max/mdev = 0.050/0.060/0.070/0.010 ms'])
        >>> ping_report("10.0.0.7", "", ["From 10.0.0.1 icmp_seq=1 Packet filtered"], 2, [], 1)
        (1, 'PING 10.0.0.7\\nFrom 10.0.0.1 icmp_seq=1 Packet filtered\\n--- 10.0.0.7 ping \
statistics ---\\n2 packets transmitted, 0 received, +1 errors, 100% packet loss')
    """
    head = f"PING {target} from {source}" if source else f"PING {target}"
    received = len(rtts)
    loss = round(100 * (sent - received) / sent) if sent else 0
    extra = f", +{errors} errors" if errors else ""
    summary = f"{sent} packets transmitted, {received} received{extra}, {loss}% packet loss"
    out = [head, *lines, f"--- {target} ping statistics ---", summary]
    if rtts:
        mean = sum(rtts) / len(rtts)
        mdev = (sum((r - mean) ** 2 for r in rtts) / len(rtts)) ** 0.5
        low, high = min(rtts), max(rtts)
        out.append(f"rtt min/avg/max/mdev = {low:.3f}/{mean:.3f}/{high:.3f}/{mdev:.3f} ms")
    return (0 if rtts else 1), "\n".join(out)


def tcp_report(target: str, port: int, error: int | None) -> tuple[int, str]:
    """An nc-like line and exit code for a TCP connect: ``error`` is an errno, or None for
    success, or ``errno.ETIMEDOUT`` for a connection that never completed.

    Examples:
        >>> tcp_report("10.1.0.10", 443, None)
        (0, 'Connection to 10.1.0.10 443 port [tcp/*] succeeded!')
        >>> tcp_report("10.1.0.10", 443, errno.ECONNREFUSED)[1]
        'nc: connect to 10.1.0.10 port 443 (tcp) failed: Connection refused'
        >>> tcp_report("10.1.0.10", 443, errno.ETIMEDOUT)[1]
        'nc: connect to 10.1.0.10 port 443 (tcp) timed out: Operation now in progress'
    """
    if error is None:
        return 0, f"Connection to {target} {port} port [tcp/*] succeeded!"
    if error == errno.ETIMEDOUT:
        return 1, f"nc: connect to {target} port {port} (tcp) timed out: Operation now in progress"
    return 1, f"nc: connect to {target} port {port} (tcp) failed: {os.strerror(error)}"


class Ping:
    """One ping probe in flight: COUNT echo requests, INTERVAL apart, then LINGER."""

    def __init__(self, number: int, version: int, source: str, target: str) -> None:
        family = socket.AF_INET if version == 4 else socket.AF_INET6
        canonical = socket.inet_ntop(family, socket.inet_pton(family, target))
        self.number, self.version, self.source, self.target = number, version, source, canonical
        self.sock: socket.socket | None = None
        self.sent = 0
        self.sent_at: dict[int, float] = {}
        self.rtts: list[float] = []
        self.answered: set[int] = set()
        self.errors: set[int] = set()
        self.lines: list[str] = []
        self.retries = 0
        self.finished = False

    def settled(self) -> bool:
        """Every echo request is sent and each got an answer or an error."""
        return self.sent >= COUNT and len(self.answered | self.errors) >= COUNT

    def report(self) -> tuple[int, str]:
        return ping_report(self.target, self.source, self.lines, self.sent, self.rtts,
                           len(self.errors - self.answered))  # fmt: skip


class Connect:
    """One TCP probe in flight."""

    def __init__(self, number: int, target: str, port: int, sock: socket.socket) -> None:
        self.number, self.target, self.port, self.sock = number, target, port, sock
        self.finished = False


PINGS_IN_FLIGHT = 2048
"""Ping probes in flight at once (they share one raw socket per namespace, family, source)."""
CONNECTS_IN_FLIGHT = 256
"""TCP probes in flight at once (one socket each)."""
CLONE_NEWNET = 0x40000000
LOCAL_SHORTAGE = {errno.EAGAIN, errno.EWOULDBLOCK, errno.ENOBUFS, errno.ENOMEM, errno.EINTR}
"""Send errors that say nothing about the path: the echo request is sent again."""
SEND_RETRIES = 100
"""Tries of an echo request the box has no buffer for (10 ms apart) before giving up."""


class Prober:
    """Runs every probe given; :meth:`run` returns each probe's (code, transcript).

    A probe may name a network namespace (a path such as ``/proc/<pid>/ns/net``): its
    sockets are then made in that namespace (``setns``, root), so one prober serves many
    hosts of a lab at once. Timers live in a heap; answers are matched by ICMP id/sequence.
    """

    def __init__(self) -> None:
        self.selector = selectors.DefaultSelector()
        self.base = os.getpid() & 0xFFFF
        self.icmp: dict[tuple[str, int, str], socket.socket | str] = {}
        self.pings: dict[tuple[int, int], tuple[Ping, int]] = {}
        self.results: dict[int, tuple[int, str]] = {}
        self.timers: list[tuple[float, int, str, Any, int]] = []
        self.ticket = 0
        self.netns = ""
        self.netns_fds: dict[str, int] = {}
        self.pings_in_flight = 0
        self.connects_in_flight = 0

    def later(self, when: float, action: str, probe: Any, attempt: int = 0) -> None:
        self.ticket += 1
        heapq.heappush(self.timers, (when, self.ticket, action, probe, attempt))

    def enter(self, netns: str) -> str | None:
        """Make new sockets in ``netns`` ("" = where the prober started); None or the error."""
        if netns == self.netns:
            return None
        try:
            if "" not in self.netns_fds:
                self.netns_fds[""] = os.open("/proc/self/ns/net", os.O_RDONLY)
            if netns not in self.netns_fds:
                self.netns_fds[netns] = os.open(netns, os.O_RDONLY)
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            if libc.setns(self.netns_fds[netns], CLONE_NEWNET) != 0:
                code = ctypes.get_errno()
                raise OSError(code, os.strerror(code))
        except OSError as exc:
            return f"prober: network namespace {netns}: {exc.strerror or exc}"
        self.netns = netns
        return None

    def icmp_socket(self, netns: str, version: int, source: str) -> socket.socket | str:
        """The raw socket sending from ``source`` (shared by its probes), or the error."""
        key = (netns, version, source)
        if key not in self.icmp:
            family = socket.AF_INET if version == 4 else socket.AF_INET6
            proto = socket.IPPROTO_ICMP if version == 4 else socket.IPPROTO_ICMPV6
            try:
                sock = socket.socket(family, socket.SOCK_RAW, proto)
            except OSError as exc:
                self.icmp[key] = f"ping: socket: {exc.strerror}"
            else:
                try:
                    if source:
                        sock.bind((source, 0))
                    sock.setblocking(False)
                    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
                except OSError as exc:
                    sock.close()
                    self.icmp[key] = f"ping: bind icmp socket: {exc.strerror}"
                else:
                    self.selector.register(sock, selectors.EVENT_READ, version)
                    self.icmp[key] = sock
        return self.icmp[key]

    def finish_ping(self, ping: Ping) -> None:
        if not ping.finished:
            ping.finished = True
            self.pings_in_flight -= 1
            self.results[ping.number] = ping.report()

    def finish_connect(self, conn: Connect, error: int | None) -> None:
        if not conn.finished:
            conn.finished = True
            self.connects_in_flight -= 1
            self.selector.unregister(conn.sock)
            conn.sock.close()
            self.results[conn.number] = tcp_report(conn.target, conn.port, error)

    def send_echo(self, ping: Ping, attempt: int) -> None:
        key = ping.number * COUNT + attempt
        ident, seq = (self.base + (key >> 16)) & 0xFFFF, key & 0xFFFF
        now = time.monotonic()
        assert ping.sock is not None
        try:
            ping.sock.sendto(echo_request(ping.version, ident, seq), (ping.target, 0))
        except OSError as exc:
            if exc.errno in LOCAL_SHORTAGE:
                # This box is short of buffers: no proof of anything. Try again shortly;
                # a probe that never gets out is reported as not run (an error, not a pass).
                ping.retries += 1
                if ping.retries > SEND_RETRIES:
                    ping.finished = True
                    self.pings_in_flight -= 1
                    self.results[ping.number] = (2, f"ping: sendmsg: {exc.strerror}")
                else:
                    self.later(now + 0.01, "send", ping, attempt)
                return
            ping.errors.add(attempt)
            ping.lines.append(f"ping: sendmsg: {exc.strerror}")
        ping.sent += 1
        ping.sent_at[attempt] = now
        self.pings[(ident, seq)] = (ping, attempt)
        if attempt + 1 < COUNT:
            self.later(now + INTERVAL, "send", ping, attempt + 1)
        else:
            self.later(now + LINGER, "linger", ping)
        if ping.settled():
            self.finish_ping(ping)

    def read_icmp(self, sock: socket.socket, version: int) -> None:
        while True:
            try:
                data, peer = sock.recvfrom(65535)
            except OSError:  # nothing more to read (or the socket failed)
                return
            now = time.monotonic()
            seen = parse_icmp(version, data)
            if seen is None:
                continue
            kind, ident, seq, address, text = seen
            found = self.pings.get((ident, seq))
            if found is None or found[0].finished:
                continue
            ping, attempt = found
            if kind == "reply":
                replier = address or peer[0]
                if replier != ping.target or attempt in ping.answered:
                    continue
                ping.answered.add(attempt)
                rtt = (now - ping.sent_at.get(attempt, now)) * 1000
                ping.rtts.append(rtt)
                ping.lines.append(f"64 bytes from {replier}: icmp_seq={attempt + 1} "
                                  f"time={rtt:.3f} ms")  # fmt: skip
            elif address == ping.target and attempt not in ping.errors:
                ping.errors.add(attempt)
                ping.lines.append(f"From {peer[0]} icmp_seq={attempt + 1} {text}")
            if ping.settled():
                self.finish_ping(ping)

    def start(self, probe: list[Any]) -> None:
        number, kind, version, source, target, port = probe[:6]
        netns = str(probe[6]) if len(probe) > 6 else ""
        failed = self.enter(netns)
        if failed is not None:
            self.results[number] = (2, failed)
        elif kind == "ping":
            sock = self.icmp_socket(netns, int(version), str(source))
            if isinstance(sock, str):
                self.results[number] = (2, sock)
                return
            try:
                ping = Ping(number, int(version), str(source), str(target))
            except (OSError, ValueError):
                self.results[number] = (2, f"ping: {target}: Name or service not known")
                return
            ping.sock = sock
            self.pings_in_flight += 1
            self.send_echo(ping, 0)
        else:
            self.start_connect(number, int(version), str(source), str(target), int(port))

    def start_connect(self, number: int, version: int, source: str, target: str,
                      port: int) -> None:  # fmt: skip
        family = socket.AF_INET if version == 4 else socket.AF_INET6
        try:
            sock = socket.socket(family, socket.SOCK_STREAM)
        except OSError as exc:
            self.results[number] = (1, f"nc: socket: {exc.strerror}")
            return
        try:
            sock.setblocking(False)
            if source:
                sock.bind((source, 0))
        except OSError as exc:
            sock.close()
            self.results[number] = (1, f"nc: {exc.strerror}")
            return
        code = sock.connect_ex((target, port))
        if code not in (0, errno.EINPROGRESS, errno.EAGAIN):
            sock.close()
            self.results[number] = tcp_report(target, port, code)
            return
        conn = Connect(number, target, port, sock)
        self.connects_in_flight += 1
        self.selector.register(sock, selectors.EVENT_WRITE, conn)
        self.later(time.monotonic() + TCP_TIMEOUT, "timeout", conn)

    def run(self, probes: list[list[Any]]) -> dict[int, tuple[int, str]]:
        """Run ``probes`` ([number, "ping"|"tcp", 4|6, source, target, port, netns?])."""
        pings = [p for p in probes if p[1] == "ping"]
        connects = [p for p in probes if p[1] != "ping"]
        pings.reverse()
        connects.reverse()
        while pings or connects or self.pings_in_flight or self.connects_in_flight:
            while pings and self.pings_in_flight < PINGS_IN_FLIGHT:
                self.start(pings.pop())
            while connects and self.connects_in_flight < CONNECTS_IN_FLIGHT:
                self.start(connects.pop())
            now = time.monotonic()
            while self.timers and self.timers[0][0] <= now:
                _, _, action, probe, attempt = heapq.heappop(self.timers)
                if probe.finished:
                    continue
                if action == "send":
                    self.send_echo(probe, attempt)
                elif action == "linger":
                    self.finish_ping(probe)
                else:
                    self.finish_connect(probe, errno.ETIMEDOUT)
            if not (self.pings_in_flight or self.connects_in_flight):
                continue
            wait = max(0.0, min(self.timers[0][0] - time.monotonic(), 1.0)) if self.timers else 1.0
            for key, _ in self.selector.select(wait):
                if isinstance(key.data, Connect):
                    conn = key.data
                    error = conn.sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
                    self.finish_connect(conn, error or None)
                else:
                    sock = key.fileobj
                    assert isinstance(sock, socket.socket)
                    self.read_icmp(sock, int(key.data))
        return self.results


def main(probes: list[list[Any]]) -> int:
    """Run ``probes`` and print each one's transcript and trailer; exit status 0."""
    try:
        import resource

        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        wanted = CONNECTS_IN_FLIGHT + 512
        if soft != resource.RLIM_INFINITY and soft < wanted:
            limit = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
            resource.setrlimit(resource.RLIMIT_NOFILE, (limit, hard))
    except (ImportError, ValueError, OSError):
        pass
    results = Prober().run(probes)
    out = []
    for probe in probes:
        number = probe[0]
        code, text = results.get(number, (3, "probe did not run"))
        out.append(f"{text}\n{MARK} {number} {code}\n")
    sys.stdout.write("".join(out))
    sys.stdout.flush()
    return 0
