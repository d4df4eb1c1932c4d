"""The imported candidates against real routers: ``netauto lab up --legacy`` on the tiny SoT
(marker ``lab``, prefix ``nr-``).

For every legacy router, FRR itself normalises both sides: the IPv4 lines of the candidate
are exactly the lines of the router's running config, block by block; frr-reload finds
nothing to delete; and once the candidate is applied (``frr-reload.py --reload``, as a push
does) the running config still holds every line it had, now with IPv6 beside it, every
interface keeps its IPv4 addresses and the legacy filter still keeps the backup network
out of OSPF.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Callable, Iterator

import pytest

from netauto.lab import runner
from netauto.lab.legacy import AsBuilt
from netauto.lab.state import LabInfo, info
from netauto.render.engine import render_all
from netauto.render.models import RenderedConfig
from tests.conftest import ROOT, TINY
from tests.render.legacy import imported_sot

PREFIX = "nr-"
NETAUTO = [sys.executable, "-m", "netauto.cli"]
NEVER_SHOWN = re.compile(r"^(frr version \S+|ip forwarding|ipv6 forwarding)$")
IPV6 = re.compile(r"\bipv6\b|\bospf6\b")


def _usable() -> str | None:
    if os.geteuid() != 0:
        return "needs root"
    try:
        runner.require_root_and_tools()
    except Exception as exc:
        return str(exc)
    return None


pytestmark = [pytest.mark.lab, pytest.mark.skipif(_usable() is not None, reason=str(_usable()))]


class Lab:
    def __init__(self, lab: LabInfo, built: AsBuilt, configs: dict[str, RenderedConfig]):
        self.info, self.built, self.configs = lab, built, configs
        self.before: dict[str, str] = {}
        self.addresses: dict[str, set[str]] = {}

    def run(self, host: str, *argv: str, stdin: str | None = None) -> str:
        proc = subprocess.run(
            self.info.exec_argv(host, list(argv)),
            input=stdin, capture_output=True, text=True, timeout=60, check=False,
        )  # fmt: skip
        assert proc.returncode == 0, (host, argv, proc.stderr)
        return proc.stdout

    def running(self, host: str) -> str:
        return self.run(host, "vtysh", "-c", "show running-config no-header")

    def kernel4(self, host: str) -> set[str]:
        data = json.loads(self.run(host, "ip", "-j", "-4", "address"))
        return {f"{a['local']}/{a['prefixlen']}" for link in data for a in link["addr_info"]}

    def reload(self, host: str, *flags: str) -> str:
        """``frr-reload.py FLAGS`` of the host's candidate, run on the router."""
        script = 'cat > /var/tmp/nr-candidate.conf && exec /usr/lib/frr/frr-reload.py "$@"'
        argv = ["sh", "-c", script, "sh", *flags, "--stdout", "/var/tmp/nr-candidate.conf"]
        return self.run(host, *argv, stdin=self.configs[host].text)


def _until(check: Callable[[], bool], timeout: float = 60.0) -> bool:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            return False
        time.sleep(1)
    return True


def blocks(text: str) -> dict[str, set[str]]:
    """An FRR config as {top-level line: its sub-lines}; comments, ``exit``, ``end`` and
    lines FRR never shows left out."""
    out: dict[str, set[str]] = {}
    current: set[str] = set()
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("!") or stripped in ("exit", "end"):
            continue
        if NEVER_SHOWN.match(stripped):
            continue
        if line[0].isspace():
            current.add(stripped)
        else:
            current = out.setdefault(line, set())
    return out


def ipv4_only(config: dict[str, set[str]]) -> dict[str, set[str]]:
    """The blocks and lines that are not IPv6 (``router ospf6``, ``ipv6 ...``, ND)."""
    return {
        head: {x for x in lines if not IPV6.search(x)}
        for head, lines in config.items()
        if not IPV6.search(head)
    }


@pytest.fixture(scope="module")
def lab() -> Iterator[Lab]:
    """The legacy lab of the tiny SoT, and the candidates render gives it once imported."""
    assert not runner.lab_namespaces(PREFIX), f"a lab {PREFIX} is already on this machine"
    try:
        proc = subprocess.run(
            [*NETAUTO, "-i", str(TINY), "lab", "up", "--legacy", "--prefix", PREFIX],
            capture_output=True, text=True, timeout=300, check=False, cwd=ROOT,
        )  # fmt: skip
        assert proc.returncode == 0, proc.stderr
        lab_info = info(PREFIX)
        sot, plan, built = imported_sot("frr")
        assert lab_info.as_built is not None
        assert AsBuilt.model_validate_json(lab_info.as_built.read_text()) == built
        configs = {r.hostname: r for r in render_all(sot, plan) if r.kind == "device"}
        running = Lab(lab_info, built, configs)
        for router in lab_info.routers:
            running.before[router.name] = running.running(router.name)
            running.addresses[router.name] = running.kernel4(router.name)
        yield running
    finally:
        runner.down(PREFIX)


def test_the_candidates_ipv4_lines_are_the_running_config(lab: Lab) -> None:
    """Block by block, after FRR's normalisation of the running side, nothing more, nothing
    less: every IPv4 line the router shows is in the candidate and the candidate has no IPv4
    line the router does not show."""
    assert sorted(lab.before) == sorted(lab.configs)
    for host, text in lab.before.items():
        assert ipv4_only(blocks(lab.configs[host].text)) == blocks(text), host


def test_frr_reload_finds_nothing_to_delete(lab: Lab) -> None:
    for host in lab.before:
        report = lab.reload(host, "--test")
        assert "Lines To Delete" not in report, (host, report)
        assert "Lines To Add" in report and "ipv6 address" in report


def test_applied_the_candidate_keeps_every_line_and_adds_ipv6(lab: Lab) -> None:
    for host in lab.before:
        lab.reload(host, "--reload")
    for host, before in lab.before.items():
        after = blocks(lab.running(host))
        for head, lines in blocks(before).items():
            assert lines <= after.get(head, set()), (host, head, lines - after.get(head, set()))
        # FRR shows the candidate as it is written: it is in FRR's own normal form
        assert after == blocks(lab.configs[host].text), host
        assert any("ipv6 address" in x for lines in after.values() for x in lines)
        assert lab.kernel4(host) == lab.addresses[host], host


def test_the_legacy_filter_still_keeps_the_backup_network_local(lab: Lab) -> None:
    """After the candidates are applied (the test above): OSPFv2 as it was."""

    def routes() -> dict[str, object]:
        out = lab.run("hub-01-r1", "vtysh", "-c", "show ip route ospf json")
        return dict(json.loads(out or "{}"))

    assert _until(lambda: "192.168.50.0/24" in routes()), "the legacy servers left OSPF"
    assert "192.168.51.0/24" not in routes()

    def full() -> bool:
        out = lab.run("hub-01-r1", "vtysh", "-c", "show ip ospf neighbor json")
        states = [n["nbrState"] for ns in json.loads(out)["neighbors"].values() for n in ns]
        return len(states) == 4 and all(s.startswith("Full") for s in states)

    assert _until(full), "an OSPFv2 adjacency of the hub is not Full"
