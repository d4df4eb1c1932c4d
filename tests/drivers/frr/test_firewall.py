"""The host firewall under the commit-confirm revert timer, end to end on a local shell.

The real ``FRRDriver`` runs its box scripts with ``sh`` here (no SSH, no FRR): ``nft``,
``vtysh`` and ``frr-reload.py`` are small fakes on ``PATH`` (the fake ``nft`` keeps the
``inet netauto`` table as a file). What is checked is what the box does: the old ruleset is
saved in a directory of its own, the new one applied with the config, and the timer, a
failed commit and ``rollback`` load the old one back; ``confirm_commit`` keeps both.
"""

from __future__ import annotations

import os
import stat
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from napalm.base.exceptions import CommitError, ReplaceConfigException

from netauto.drivers.frr import FRRDriver, scripts
from netauto.push import hostfw
from netauto.push.core import PostCheck, push_device

OLD = "table inet netauto\ndelete table inet netauto\ntable inet netauto {\n\tchain ssh {\n\t}\n}\n"
NEW = OLD.replace("chain ssh {\n", "chain ssh {\n\t\tct state established,related accept\n")
CONFIG = "frr defaults traditional\nhostname r1\n"

FAKE_NFT = """#!/bin/sh
# fake nft: the table inet netauto is the file $LIVE (without the create/delete idiom)
echo "$*" >> "{log}"
LIVE="{live}"
case "$1" in
  list) [ -f "$LIVE" ] || {{ echo "Error: No such file or directory" >&2; exit 1; }}
        cat "$LIVE" ;;
  -c) grep -q REFUSE "$3" && {{ echo "Error: syntax error" >&2; exit 1; }}; exit 0 ;;
  -f) grep -q -e REFUSE -e FAIL "$2" && {{ echo "Error: could not process rule" >&2; exit 1; }}
      grep -v -x -e 'table inet netauto' -e 'delete table inet netauto' "$2" > "$LIVE.new"
      if [ -s "$LIVE.new" ]; then mv "$LIVE.new" "$LIVE"; else rm -f "$LIVE.new" "$LIVE"; fi ;;
  delete) rm -f "$LIVE" ;;
  *) exit 2 ;;
esac
"""
FAKE_VTYSH = """#!/bin/sh
[ "$1" = "-c" ] && printf 'Building configuration...\\n\\nCurrent configuration:\\n{config}'
exit 0
"""
FAKE_RELOAD = """#!/bin/sh
echo "$@" >> "{calls}"
"""


class LocalFRR(FRRDriver):
    """FRRDriver whose box is this machine's ``sh`` with the fakes first on ``PATH``."""

    def __init__(self, root: Path) -> None:
        self.root = root
        fakes = root / "bin"
        fakes.mkdir(exist_ok=True)
        for name, text in {
            "nft": FAKE_NFT.format(log=root / "nft.log", live=root / "live.nft"),
            "vtysh": FAKE_VTYSH.format(config=CONFIG.replace("\n", "\\n")),
            "frr-reload.py": FAKE_RELOAD.format(calls=root / "reload.calls"),
        }.items():
            (fakes / name).write_text(text)
            (fakes / name).chmod(0o755)
        super().__init__(
            "r1",
            "root",
            "",
            optional_args={
                "state_dir": str(root / "state dir's"),
                "frr_reload": str(fakes / "frr-reload.py"),
                "remote_helper": False,
            },
        )
        self.env = {**os.environ, "PATH": f"{fakes}:{os.environ['PATH']}"}

    def _run(
        self, command: str, stdin: bytes | None = None, timeout: float | None = None
    ) -> tuple[int, str, str]:
        proc = subprocess.run(
            ["sh", "-c", command], input=stdin or b"", capture_output=True, timeout=30,
            env=self.env, check=False,
        )  # fmt: skip
        return proc.returncode, proc.stdout.decode(), proc.stderr.decode()

    @property
    def state(self) -> Path:
        return Path(self._box.state_dir)

    def live(self) -> str | None:
        """The loaded table (as the fake nft keeps it), None when there is none."""
        path = self.root / "live.nft"
        return path.read_text() if path.exists() else None

    def record(self) -> str | None:
        path = self.state / scripts.FIREWALL_RECORD
        return path.read_text() if path.exists() else None

    def staged(self) -> list[Path]:
        return sorted(self.state.glob("firewall.??????")) if self.state.exists() else []

    def reloads(self) -> list[str]:
        path = self.root / "reload.calls"
        return path.read_text().splitlines() if path.exists() else []


def loaded(text: str) -> str:
    """The table the fake nft holds after loading ``text``."""
    return "".join(
        line + "\n"
        for line in text.splitlines()
        if line not in ("table inet netauto", "delete table inet netauto")
    )


def wait_for(condition: Callable[[], bool], seconds: float = 15) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


@pytest.fixture
def box(tmp_path: Path) -> LocalFRR:
    """A box on the ``OLD`` ruleset, applied and recorded by an earlier confirmed commit."""
    driver = LocalFRR(tmp_path)
    driver.load_replace_candidate(config=CONFIG)
    driver._load_firewall(OLD)
    driver.commit_config(revert_in=30)
    driver.confirm_commit()
    assert driver.live() == loaded(OLD) and driver.record() == OLD
    (tmp_path / "reload.calls").unlink(missing_ok=True)
    return driver


def commit_new(box: LocalFRR, revert_in: int | None, ruleset: str = NEW) -> None:
    box.load_replace_candidate(config=CONFIG)
    box._load_firewall(ruleset)
    box.commit_config(revert_in=revert_in)


def test_staging_makes_a_private_directory_of_its_own(tmp_path: Path) -> None:
    driver = LocalFRR(tmp_path)
    driver._load_firewall(NEW)
    first = driver.staged()
    assert len(first) == 1 and (first[0] / "candidate.nft").read_text() == NEW
    assert stat.S_IMODE(first[0].stat().st_mode) == 0o700
    driver._load_firewall(NEW)  # a second stage replaces the first, under a new name
    second = driver.staged()
    assert len(second) == 1 and second != first
    driver.discard_config()
    assert driver.staged() == [] and driver.live() is None


def test_a_ruleset_nftables_refuses_is_refused_at_load(tmp_path: Path) -> None:
    driver = LocalFRR(tmp_path)
    with pytest.raises(ReplaceConfigException, match="nftables refuses the ruleset"):
        driver._load_firewall(NEW + "# REFUSE\n")
    assert driver.staged() == []


def test_the_unconfirmed_commit_reverts_the_firewall_and_the_config(box: LocalFRR) -> None:
    commit_new(box, revert_in=1)
    assert box.live() == loaded(NEW) and box.record() == NEW
    assert box.has_pending_commit()
    assert wait_for(lambda: not box.has_pending_commit())
    assert box.live() == loaded(OLD) and box.record() == OLD
    assert box.reloads()[-1] == f"--reload {box.state}/rollback.conf"


def test_confirm_keeps_both_and_rollback_restores_both(box: LocalFRR) -> None:
    commit_new(box, revert_in=30)
    box.confirm_commit()
    assert not box.has_pending_commit()
    assert box.live() == loaded(NEW) and box.record() == NEW
    box.rollback()
    assert box.live() == loaded(OLD) and box.record() == OLD
    assert box.reloads()[-1] == f"--reload {box.state}/rollback.conf"


def test_rollback_during_the_window_cancels_the_timer(box: LocalFRR) -> None:
    commit_new(box, revert_in=30)
    LocalFRR(box.root).rollback()  # another session: it finds the saved ruleset on the box
    assert not box.has_pending_commit()
    assert box.live() == loaded(OLD) and box.record() == OLD


def test_the_first_firewall_reverts_to_none(tmp_path: Path) -> None:
    driver = LocalFRR(tmp_path)
    commit_new(driver, revert_in=1)
    assert driver.live() == loaded(NEW)
    assert wait_for(lambda: not driver.has_pending_commit())
    assert driver.live() is None and driver.record() is None


def test_a_ruleset_that_fails_to_apply_restores_both(box: LocalFRR) -> None:
    with pytest.raises(CommitError, match="nftables refused the host firewall"):
        commit_new(box, revert_in=30, ruleset=NEW + "# FAIL at apply time\n")
    assert not box.has_pending_commit()
    assert box.live() == loaded(OLD) and box.record() == OLD
    assert box.reloads()[-1] == f"--reload {box.state}/rollback.conf"


def test_only_the_last_commit_s_directory_is_kept(box: LocalFRR) -> None:
    for _ in range(3):
        commit_new(box, revert_in=30)
        box.confirm_commit()
    assert len(box.staged()) == 1
    assert (box.state / scripts.FIREWALL_LAST).read_text().strip() == str(box.staged()[0])
    box.load_replace_candidate(config=CONFIG)  # a commit without a firewall forgets it
    box.commit_config()
    assert box.staged() == [] and not (box.state / scripts.FIREWALL_LAST).exists()
    box.rollback()  # the config only: the firewall did not change in that commit
    assert box.live() == loaded(NEW)


def test_the_firewall_diff_reads_the_record_and_the_live_table(box: LocalFRR) -> None:
    assert hostfw.diff(box, OLD, "r1") == ""
    changed = hostfw.diff(box, NEW, "r1")
    assert "+\t\tct state established,related accept" in changed
    (box.root / "live.nft").unlink()  # e.g. after a reboot: recorded, not loaded
    assert hostfw.diff(box, OLD, "r1").startswith("--- r1.nft (running)")


def test_a_firewall_only_push_is_a_commit_under_the_timer(box: LocalFRR) -> None:
    """push_device: the config is unchanged, the firewall changes: committed with
    commit-confirm; a failing post-check rolls both back, a passing one confirms."""

    def check(ok: bool) -> Callable[[], PostCheck]:
        def post_check() -> PostCheck:
            assert box.has_pending_commit()  # the timer covers the new ruleset
            assert box.live() == loaded(NEW)
            return PostCheck(ok=ok, detail="ok" if ok else "lost an adjacency")

        return post_check

    failed = push_device(box, "r1", "frr", CONFIG, commit=True, revert_in=60,
                         post_check=check(False), firewall=NEW)  # fmt: skip
    assert failed.outcome == "rolled-back", failed
    assert box.live() == loaded(OLD) and not box.has_pending_commit()
    done = push_device(box, "r1", "frr", CONFIG, commit=True, revert_in=60,
                       post_check=check(True), firewall=NEW)  # fmt: skip
    assert done.outcome == "committed", done
    assert "host firewall changes" in done.summary
    assert box.live() == loaded(NEW) and not box.has_pending_commit()
    again = push_device(box, "r1", "frr", CONFIG, commit=True, firewall=NEW)
    assert again.outcome == "unchanged"


def test_every_firewall_script_is_valid_posix_shell() -> None:
    layout, d = scripts.Layout("/var/lib/my state"), "/var/lib/my state/firewall.Ab12Cd"
    timer = scripts.revert_timer(layout, 30, d)
    every = [
        scripts.firewall_state(layout),
        scripts.firewall_stage(layout),
        scripts.firewall_save(layout, d),
        scripts.firewall_save(layout, ""),
        scripts.firewall_apply(layout, d),
        scripts.firewall_restore(layout, '"$d"'),
        scripts.firewall_rollback(layout),
        scripts.firewall_discard(d),
        timer,
        scripts.commit_with_helper(layout, timer, ":", d),
        scripts.commit_with_frr_reload(layout, timer, ":", True, d),
    ]
    for script in every:
        proc = subprocess.run(["sh", "-n", "-c", script], capture_output=True, check=False)
        assert proc.returncode == 0, (script, proc.stderr)
