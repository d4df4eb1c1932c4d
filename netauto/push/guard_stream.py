"""The traffic guard's probe stream: one process, one ICMP echo flow per commune and family.

Standard library only, no netauto import, Python 3.7+ syntax: it runs as a script
(``python3 -I guard_stream.py``), here for the lab's LAN clients and, later, on a box that
probes for its own LAN. :class:`netauto.push.guard.ProbeStream` starts it and reads it.

Input (stdin): one JSON line with the settings and the flows, then command lines::

    {"rate": 5, "tick": 0.5, "timeout": 1.0,
     "flows": [[0, 4, "10.96.3.130", "/proc/123/ns/net", ["10.96.2.10", "10.96.2.11"], true],
               [1, 6, "2001:db8:9643:ea10::2", "/proc/123/ns/net", ["2001:..."], false]]}
    {"start": [1]}

A flow is ``[id, 4|6, source address ("" = the kernel chooses), network namespace file
("" = the prober's own), targets, active]``; ``start`` activates flows (the guard starts a
commune's IPv6 flow once its router is confirmed). End of input stops the stream.

Output (stdout), one JSON object per line:

* ``{"ready": {"errors": {"<id>": "why"}}}`` once every flow has its socket (or the error);
* ``{"t": <start, epoch s>, "d": <tick>, "f": {"<id>": [sent, lost]}}`` for each tick, in
  order and without gaps, once every echo request sent during it is answered or timed out
  (``timeout`` after the tick): a probe belongs to the tick it was *sent* in;
* ``{"end": {"sent": n, "lost": n, "cpu_s": x, "wall_s": x}}`` when it stops.

Why this shape: an active flow sends ``rate`` echo requests per second, round-robin over
its targets, each flow offset in phase so the sends spread evenly; every flow has its own
raw socket made once inside its client's network namespace (``setns``), so there is no
process, socket or namespace switch per probe, and one ``selectors`` loop carries
thousands of probes per second. ICMP echo is stateless (one packet each way, matched by
id/sequence number): loss is counted exactly per probe, with no retransmission hiding it,
and the VM's kernel answers, not a service process. A send the kernel refuses counts as
sent and lost.
"""

from __future__ import annotations

import collections
import heapq
import json
import os
import resource
import selectors
import signal
import socket
import struct
import sys
import time
from typing import Any

CLONE_NEWNET = 0x40000000
SOL_RAW = 255
ICMP_FILTER = 1
"""Linux raw ICMP socket option: a bit mask of ICMP types *not* to deliver (types < 32)."""
ICMP6_FILTER = 1
"""Linux raw ICMPv6 socket option: 256 bits, one per ICMPv6 type, set = not delivered."""
PAYLOAD = b"netauto-guard"


def checksum(data: bytes) -> int:
    """The Internet checksum (RFC 1071) of ``data``.

    Examples:
        >>> hex(checksum(bytes([8, 0, 0, 0, 0x12, 0x34, 0, 1])))
        '0xe5ca'
    """
    if len(data) % 2:
        data += b"\0"
    total: int = sum(word for (word,) in struct.iter_unpack("!H", data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def echo_request(version: int, ident: int, seq: int) -> bytes:
    """An ICMP (4) or ICMPv6 (6) echo request; the kernel sums ICMPv6 itself.

    Examples:
        >>> echo_request(4, 0x1234, 1)[:8]
        b'\\x08\\x00\\xf1y\\x124\\x00\\x01'
        >>> echo_request(6, 0x1234, 1)[:8]
        b'\\x80\\x00\\x00\\x00\\x124\\x00\\x01'
    """
    kind = 8 if version == 4 else 128
    header = struct.pack("!BBHHH", kind, 0, 0, ident, seq)
    if version == 6:
        return header + PAYLOAD
    total = checksum(header + PAYLOAD)
    return struct.pack("!BBHHH", kind, 0, total, ident, seq) + PAYLOAD


def echo_reply(version: int, data: bytes, peer: str) -> tuple[int, int, str] | None:
    """(id, sequence, replier) of an echo reply read from a raw socket, else None.

    IPv4 raw sockets read the IP header too; ICMPv6 ones only the message (the replier is
    then the peer address ``recvfrom`` gave).

    Examples:
        >>> head = bytes([0x45]) + bytes(11) + bytes([10, 0, 0, 9]) + bytes(4)
        >>> echo_reply(4, head + bytes([0, 0, 0, 0, 0x12, 0x34, 0, 7]), "10.0.0.9")
        (4660, 7, '10.0.0.9')
        >>> echo_reply(6, bytes([129, 0, 0, 0, 0, 5, 0, 3]), "2001:db8::1")
        (5, 3, '2001:db8::1')
        >>> echo_reply(4, head + bytes([3, 1, 0, 0, 0, 0, 0, 0]), "10.0.0.9") is None
        True
    """
    try:
        if version == 4:
            icmp = data[(data[0] & 0x0F) * 4 :]
            if icmp[0] != 0:
                return None
            replier = socket.inet_ntop(socket.AF_INET, data[12:16])
        else:
            icmp = data
            if icmp[0] != 129:
                return None
            replier = peer
        ident, seq = struct.unpack("!HH", icmp[4:8])
    except (IndexError, ValueError, struct.error, OSError):
        return None
    return ident, seq, replier


def enter_netns(fd: int) -> None:
    """Make this thread's new sockets in the network namespace open as ``fd`` (root).

    ``os.setns`` exists from Python 3.12; before, libc's ``setns(2)`` through ctypes.
    """
    setns = getattr(os, "setns", None)
    if setns is not None:
        setns(fd, CLONE_NEWNET)
        return
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    if libc.setns(fd, CLONE_NEWNET) != 0:
        code = ctypes.get_errno()
        raise OSError(code, os.strerror(code))


class Flow:
    """One commune's probes in one family: its socket, targets and schedule."""

    def __init__(self, spec: list[Any], ident: int) -> None:
        self.id = int(spec[0])
        self.version = int(spec[1])
        self.source = str(spec[2])
        self.netns = str(spec[3])
        self.targets = [str(t) for t in spec[4]]
        self.active = bool(spec[5])
        self.scheduled = False
        self.ident = ident & 0xFFFF
        self.seq = 0
        self.sock: socket.socket | None = None
        self.error = ""

    def open(self) -> socket.socket:
        """The raw socket of this flow, made in the namespace the caller is in."""
        family = socket.AF_INET if self.version == 4 else socket.AF_INET6
        proto = socket.IPPROTO_ICMP if self.version == 4 else socket.IPPROTO_ICMPV6
        sock = socket.socket(family, socket.SOCK_RAW, proto)
        try:
            if self.source:
                sock.bind((self.source, 0))
            sock.setblocking(False)
            try:  # deliver echo replies only: the rest of the LAN's ICMP is not ours to read
                if self.version == 4:
                    sock.setsockopt(SOL_RAW, ICMP_FILTER, struct.pack("=I", 0xFFFFFFFE))
                else:
                    words = [0xFFFFFFFF] * 8
                    words[129 >> 5] &= ~(1 << (129 & 31)) & 0xFFFFFFFF
                    sock.setsockopt(socket.IPPROTO_ICMPV6, ICMP6_FILTER,
                                    struct.pack("=8I", *words))  # fmt: skip
            except OSError:  # a kernel without the filter: replies are matched anyway
                pass
        except OSError:
            sock.close()
            raise
        return sock


class Stream:
    """The probe loop: sends on schedule, matches replies, expires, reports each tick."""

    def __init__(self, config: dict[str, Any]) -> None:
        self.rate = float(config.get("rate", 5.0))
        self.tick = float(config.get("tick", 0.5))
        self.timeout = float(config.get("timeout", 1.0))
        base = (os.getpid() * 7) & 0xFFFF
        self.flows = {int(s[0]): Flow(s, base + int(s[0])) for s in config["flows"]}
        self.selector = selectors.DefaultSelector()
        self.due: list[tuple[float, int]] = []
        self.pending: dict[tuple[int, int], tuple[int, str]] = {}
        """(flow, seq) → (tick index it was sent in, target)."""
        self.deadlines: collections.deque[tuple[float, int, int]] = collections.deque()
        self.ticks: dict[int, dict[int, list[int]]] = {}
        self.next_tick: int | None = None
        self.sent = self.lost = 0
        self.stdin_buffer = b""
        self.open = True

    def setup(self) -> dict[str, str]:
        """Make every flow's socket in its namespace; the errors by flow id."""
        errors: dict[str, str] = {}
        home = os.open("/proc/self/ns/net", os.O_RDONLY)
        fds: dict[str, int] = {}
        try:
            for flow in self.flows.values():
                try:
                    if flow.netns:
                        if flow.netns not in fds:
                            fds[flow.netns] = os.open(flow.netns, os.O_RDONLY)
                        enter_netns(fds[flow.netns])
                    try:
                        flow.sock = flow.open()
                    finally:
                        if flow.netns:
                            enter_netns(home)
                except OSError as exc:
                    flow.error = f"{flow.netns or 'here'}: {exc.strerror or exc}"
                    errors[str(flow.id)] = flow.error
                    continue
                self.selector.register(flow.sock, selectors.EVENT_READ, flow)
        finally:
            for fd in [home, *fds.values()]:
                os.close(fd)
        return errors

    def activate(self, ids: list[int], now: float) -> None:
        """Schedule ``ids`` (with their sockets), spread evenly over one period."""
        period = 1.0 / self.rate
        chosen = [self.flows[i] for i in ids if i in self.flows]
        chosen = [f for f in chosen if f.sock is not None and not f.scheduled]
        for k, flow in enumerate(chosen):
            flow.scheduled = True
            heapq.heappush(self.due, (now + period * k / max(1, len(chosen)), flow.id))

    def send(self, flow: Flow, now: float, wall: float) -> None:
        flow.seq = (flow.seq + 1) & 0xFFFF
        target = flow.targets[flow.seq % len(flow.targets)]
        index = int(wall // self.tick)
        counts = self.ticks.setdefault(index, {}).setdefault(flow.id, [0, 0])
        counts[0] += 1
        self.sent += 1
        assert flow.sock is not None
        try:
            flow.sock.sendto(echo_request(flow.version, flow.ident, flow.seq), (target, 0))
        except OSError:  # no route, no source address, no buffer: a lost probe all the same
            counts[1] += 1
            self.lost += 1
            return
        self.pending[(flow.id, flow.seq)] = (index, target)
        self.deadlines.append((now + self.timeout, flow.id, flow.seq))

    def receive(self, flow: Flow) -> None:
        assert flow.sock is not None
        while True:
            try:
                data, peer = flow.sock.recvfrom(2048)
            except OSError:  # nothing more to read
                return
            seen = echo_reply(flow.version, data, str(peer[0]))
            if seen is None or seen[0] != flow.ident:
                continue
            sent = self.pending.get((flow.id, seen[1]))
            if sent is not None and _same(flow.version, sent[1], seen[2]):
                del self.pending[(flow.id, seen[1])]

    def expire(self, now: float) -> None:
        while self.deadlines and self.deadlines[0][0] <= now:
            _, flow_id, seq = self.deadlines.popleft()
            sent = self.pending.pop((flow_id, seq), None)
            if sent is not None:
                self.ticks.setdefault(sent[0], {}).setdefault(flow_id, [0, 0])[1] += 1
                self.lost += 1

    def report(self, wall: float, final: bool = False) -> None:
        """Print every tick whose probes are all settled (all of them when ``final``)."""
        current = int(wall // self.tick)
        if self.next_tick is None:
            self.next_tick = current
        lines = []
        while self.next_tick < current and (
            final or wall >= (self.next_tick + 1) * self.tick + self.timeout + 0.02
        ):
            counts = self.ticks.pop(self.next_tick, {})
            lines.append(json.dumps({
                "t": round(self.next_tick * self.tick, 3), "d": self.tick,
                "f": {str(k): v for k, v in sorted(counts.items())},
            }, separators=(",", ":")))  # fmt: skip
            self.next_tick += 1
        if lines:
            write("\n".join(lines) + "\n")

    def commands(self) -> None:
        """Read what the guard wrote on stdin: start flows, or end of input (stop)."""
        try:
            chunk = os.read(0, 65536)
        except BlockingIOError:
            return
        if not chunk:
            self.open = False
            self.selector.unregister(0)
            return
        self.stdin_buffer += chunk
        self.handle()

    def handle(self) -> None:
        """Carry out the complete command lines read so far."""
        *lines, self.stdin_buffer = self.stdin_buffer.split(b"\n")
        for line in lines:
            if line.strip():
                message = json.loads(line)
                self.activate([int(i) for i in message.get("start", [])], time.monotonic())

    def run(self) -> None:
        """Probe until stdin ends, then settle what is in flight and report the rest."""
        errors = self.setup()
        write(json.dumps({"ready": {"errors": errors}}) + "\n")
        os.set_blocking(0, False)
        self.selector.register(0, selectors.EVENT_READ, None)
        start_wall, start_cpu = time.time(), time.process_time()
        self.activate([f.id for f in self.flows.values() if f.active], time.monotonic())
        self.handle()
        period = 1.0 / self.rate
        stop_at: float | None = None
        while True:
            now, wall = time.monotonic(), time.time()
            while self.open and self.due and self.due[0][0] <= now:
                when, flow_id = heapq.heappop(self.due)
                self.send(self.flows[flow_id], now, wall)
                # Never catch up in a burst after a stall: the next send is one period on.
                heapq.heappush(self.due, (max(when + period, now), flow_id))
            self.expire(now)
            self.report(wall)
            if not self.open:
                if stop_at is None:
                    stop_at = now + self.timeout
                if now >= stop_at:
                    self.expire(float("inf"))
                    self.report(time.time() + self.tick, final=True)
                    break
            wake = [now + self.tick / 2]
            if self.open and self.due:
                wake.append(self.due[0][0])
            if self.deadlines:
                wake.append(self.deadlines[0][0])
            for key, _ in self.selector.select(max(0.0, min(wake) - time.monotonic())):
                if key.data is None:
                    self.commands()
                else:
                    self.receive(key.data)
        usage = resource.getrusage(resource.RUSAGE_SELF)
        write(json.dumps({"end": {
            "sent": self.sent, "lost": self.lost,
            "cpu_s": round(time.process_time() - start_cpu, 3),
            "wall_s": round(time.time() - start_wall, 3), "max_rss_kb": usage.ru_maxrss,
        }}) + "\n")  # fmt: skip


def _same(version: int, a: str, b: str) -> bool:
    """Whether two spellings name one address.

    Examples:
        >>> _same(6, "2001:db8::a", "2001:0db8:0:0::a")
        True
    """
    family = socket.AF_INET if version == 4 else socket.AF_INET6
    try:
        return socket.inet_pton(family, a) == socket.inet_pton(family, b)
    except OSError:
        return False


def write(text: str) -> None:
    sys.stdout.write(text)
    sys.stdout.flush()


def main() -> int:
    """Read the settings line, then probe until stdin ends.

    Ctrl-C is ignored: the guard that started the stream ends it (end of input), after the
    verdict it may still be waiting for.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    data = b""
    while b"\n" not in data:  # os.read, not a buffered reader: the rest stays for run()
        chunk = os.read(0, 65536)
        if not chunk:
            return 2
        data += chunk
    line, _, rest = data.partition(b"\n")
    stream = Stream(json.loads(line))
    stream.stdin_buffer = rest
    stream.run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
