"""A push can never lock anyone out (issue #17, point 4), against the real lab (needs root).

The host firewall is committed with the FRR config, under the same commit-confirm revert
timer. The candidate here changes both: a harmless description in the config, and a ruleset
that drops every SSH packet, the pushing session's too. The push loses its session and never
confirms; when the confirm window ends the box itself loads the old ruleset and the old FRR
config back, and SSH works again.

Its own lab (prefix ``nf-``: one commune, its hub and the data centre) and state directory,
always torn down.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from subprocess import PIPE

import pytest

from netauto.lab import runner
from netauto.lab.state import LabInfo, info
from tests.conftest import TINY
from tests.push import FRR_LAB

pytestmark = FRR_LAB

PREFIX = "nf-"
NETAUTO = Path(sys.executable).parent / "netauto"
HOST = "cm-anxuyen-r1"
SITE = "phuong-an-xuyen"
PENDING = "/etc/frr/netauto/pending.pid"
REVERT_IN = 30
LOCKOUT = '\t\ttcp dport 22 drop comment "lockout: every SSH packet, the push too"\n'


@dataclass
class LockoutLab:
    info: LabInfo
    configs: Path
    state: Path
    work: Path

    def sh(self, *argv: str) -> str:
        """Run ``argv`` inside the router (nsenter: not over SSH); its stdout."""
        proc = subprocess.run(
            self.info.exec_argv(HOST, list(argv)),
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert proc.returncode == 0, (argv, proc.stderr)
        return proc.stdout

    def running(self) -> str:
        return self.sh("vtysh", "-c", "show running-config")

    def ruleset(self) -> str:
        return self.sh("nft", "list", "table", "inet", "netauto")

    def pending(self) -> bool:
        argv = self.info.exec_argv(HOST, ["test", "-e", PENDING])
        return subprocess.run(argv, check=False, timeout=60).returncode == 0

    def push(self, *extra: str | Path, configs: Path | None = None) -> list[str]:
        """argv of ``netauto push`` on this lab's router."""
        return [
            str(a)
            for a in [
                NETAUTO, "-i", TINY, "--state-dir", self.state, "push", "--lab-prefix", PREFIX,
                "--configs", configs or self.configs, "--host", HOST, "-f", "json", *extra,
            ]
        ]  # fmt: skip


def netauto(*args: str | Path) -> subprocess.CompletedProcess[str]:
    argv = [str(NETAUTO), *map(str, args)]
    return subprocess.run(argv, capture_output=True, text=True, timeout=300, check=False)


def wait_for(condition: Callable[[], bool], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(1.0)
    return condition()


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LockoutLab]:
    if runner.lab_namespaces(PREFIX):
        pytest.skip(f"a {PREFIX} lab is already running (netauto lab down --prefix {PREFIX})")
    work = tmp_path_factory.mktemp("lockout-lab")
    state, configs = work / "state", work / "configs"
    try:
        up = netauto(
            "-i", TINY, "--state-dir", state, "lab", "up", "--prefix", PREFIX,
            "--sites", SITE, "--no-clients",
        )  # fmt: skip
        assert up.returncode == 0, up.stdout + up.stderr
        render = netauto("-i", TINY, "--state-dir", state, "render", "-o", configs)
        assert render.returncode == 0, render.stdout + render.stderr
        yield LockoutLab(info=info(PREFIX), configs=configs, state=state, work=work)
    finally:
        down = netauto("lab", "down", "--prefix", PREFIX)
        assert down.returncode == 0, down.stdout + down.stderr
        assert not runner.lab_namespaces(PREFIX)


def lockout_variant(lab: LockoutLab) -> Path:
    """The rendered configs, where the router's config has a new description and its
    firewall drops every packet to port 22 before anything else (no established accept)."""
    directory = lab.work / "lockout"
    directory.mkdir()
    for file in lab.configs.iterdir():
        (directory / file.name).write_text(file.read_text(encoding="utf-8"), encoding="utf-8")
    conf = directory / f"{HOST}.conf"
    old = " description l-1001 to hub-01-r1\n"
    text = conf.read_text(encoding="utf-8")
    assert old in text
    conf.write_text(text.replace(old, " description l-1001 to hub-01-r1 (moved)\n"))
    nft = directory / f"{HOST}.nft"
    hook = "\t\ttype filter hook input priority filter; policy accept;\n"
    ruleset = nft.read_text(encoding="utf-8")
    assert hook in ruleset
    nft.write_text(ruleset.replace(hook, hook + LOCKOUT), encoding="utf-8")
    return directory


def test_a_firewall_that_cuts_the_push_is_reverted_by_the_box(lab: LockoutLab) -> None:
    first = subprocess.run(
        lab.push("--commit", "--settle", "5"), capture_output=True, text=True, timeout=300
    )
    assert first.returncode == 0, first.stdout + first.stderr
    config, ruleset = lab.running(), lab.ruleset()
    assert "ct state established,related accept" in ruleset
    assert "lockout" not in ruleset and not lab.pending()

    bad = lockout_variant(lab)
    argv = lab.push("--commit", "--settle", "5", "--revert-in", str(REVERT_IN), configs=bad)
    env = {**os.environ, "NETAUTO_LAB_PREFIX": PREFIX}
    pusher = subprocess.Popen(argv, stdout=PIPE, stderr=PIPE, text=True, env=env)
    try:
        # Committed: the new ruleset (the box saved the old one) and the new config.
        assert wait_for(lambda: "lockout" in lab.ruleset(), 90), "the firewall never applied"
        assert lab.pending(), "no revert timer runs"
        assert "(moved)" in lab.running()
        # The push has lost its session: a new one cannot even connect.
        probe = subprocess.run(
            ["ssh", "-F", str(lab.info.ssh_config), "-o", "ConnectTimeout=3", HOST, "true"],
            capture_output=True,
            timeout=60,
            check=False,
        )
        assert probe.returncode != 0
        # Nothing confirms: the box reverts both by itself when the window ends.
        assert wait_for(lambda: not lab.pending(), REVERT_IN + 60), "no automatic revert"
    finally:
        if pusher.poll() is None:
            pusher.send_signal(signal.SIGKILL)
        out, _ = pusher.communicate(timeout=60)
    assert pusher.returncode != 0 and '"outcome": "committed"' not in out, out
    assert lab.ruleset() == ruleset
    assert lab.running() == config
    # SSH works again, and the box is back on what was pushed first (config and ruleset).
    again = subprocess.run(lab.push(), capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stdout + again.stderr
    assert '"outcome": "unchanged"' in again.stdout, again.stdout
