"""A tiny service responder for lab VMs (standard library only; run as a script).

One process per VM listens on every service port of that VM, on ``::`` dual-stack, and
answers each TCP connection (or UDP datagram) with one line naming the VM and the service::

    netauto-lab dc-lgsp-01 lgsp tcp/443

so verification can test service reachability, not only ping. Usage::

    python -I responder.py --name dc-lgsp-01 tcp:443:lgsp [udp:53:dns ...]
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import signal
import socket
from dataclasses import dataclass


@dataclass(frozen=True)
class Endpoint:
    proto: str
    port: int
    service: str


def parse_endpoint(text: str) -> Endpoint:
    """Parse ``proto:port:service``.

    Examples:
        >>> parse_endpoint("tcp:443:lgsp")
        Endpoint(proto='tcp', port=443, service='lgsp')
        >>> parse_endpoint("ftp:21:x")
        Traceback (most recent call last):
        ...
        ValueError: bad endpoint 'ftp:21:x': expected tcp|udp:PORT:SERVICE
    """
    proto, _, rest = text.partition(":")
    port, _, service = rest.partition(":")
    if proto not in ("tcp", "udp") or not port.isdigit() or not 0 < int(port) < 65536:
        raise ValueError(f"bad endpoint {text!r}: expected tcp|udp:PORT:SERVICE")
    return Endpoint(proto, int(port), service or port)


def banner(name: str, endpoint: Endpoint) -> bytes:
    """The line the responder answers with.

    Examples:
        >>> banner("dc-lgsp-01", Endpoint("tcp", 443, "lgsp"))
        b'netauto-lab dc-lgsp-01 lgsp tcp/443\\n'
    """
    return f"netauto-lab {name} {endpoint.service} {endpoint.proto}/{endpoint.port}\n".encode()


def _socket(endpoint: Endpoint) -> socket.socket:
    kind = socket.SOCK_STREAM if endpoint.proto == "tcp" else socket.SOCK_DGRAM
    sock = socket.socket(socket.AF_INET6, kind)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    sock.bind(("::", endpoint.port))
    if kind == socket.SOCK_STREAM:
        sock.listen(128)
    sock.setblocking(False)
    return sock


class _Datagrams(asyncio.DatagramProtocol):
    def __init__(self, line: bytes) -> None:
        self.line = line
        self.transport: asyncio.DatagramTransport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.DatagramTransport)
        self.transport = transport

    def datagram_received(self, data: bytes, addr: tuple[str | int, ...]) -> None:
        if self.transport is not None:
            self.transport.sendto(self.line, addr)


async def serve(name: str, endpoints: list[Endpoint]) -> None:
    """Answer on every endpoint until SIGTERM."""
    loop = asyncio.get_running_loop()
    stop = loop.create_future()
    loop.add_signal_handler(signal.SIGTERM, stop.set_result, None)
    for endpoint in endpoints:
        line = banner(name, endpoint)
        sock = _socket(endpoint)
        if endpoint.proto == "tcp":

            async def answer(
                reader: asyncio.StreamReader, writer: asyncio.StreamWriter, line: bytes = line
            ) -> None:
                writer.write(line)
                try:
                    await writer.drain()
                finally:
                    writer.close()

            await asyncio.start_server(answer, sock=sock)
        else:
            await loop.create_datagram_endpoint(functools.partial(_Datagrams, line), sock=sock)
    await stop


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="netauto lab service responder")
    parser.add_argument("--name", required=True)
    parser.add_argument("endpoints", nargs="+", type=parse_endpoint)
    args = parser.parse_args(argv)
    asyncio.run(serve(args.name, args.endpoints))


if __name__ == "__main__":
    main()
