"""The box-side scripts, run by a local POSIX shell (no FRR, no SSH): their syntax, what they
do to the state directory, the revert timer's life, the exit statuses the driver reads."""

from __future__ import annotations

import ast
import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from netauto.drivers.frr import remote, scripts
from netauto.drivers.frr.scripts import Layout


def sh(script: str, stdin: bytes = b"", env: dict[str, str] | None = None) -> tuple[int, str]:
    """Run ``script`` with ``sh`` here; (exit status, stdout)."""
    proc = subprocess.run(
        ["sh", "-c", script], input=stdin, capture_output=True, timeout=20, env=env, check=False
    )
    return proc.returncode, proc.stdout.decode()


@pytest.fixture
def layout(tmp_path: Path) -> Layout:
    """A state dir whose path needs quoting (a space and a quote), a fake frr-reload.py that
    records its arguments in ``reload.calls``."""
    fake = tmp_path / "frr-reload.py"
    fake.write_text(f'#!/bin/sh\necho "$@" >> {tmp_path}/reload.calls\n')
    fake.chmod(0o755)
    return Layout(str(tmp_path / "state dir's"), str(fake))


def test_the_helper_and_the_driver_share_marks_and_exit_statuses() -> None:
    assert remote.SECTION_MARK == scripts.SECTION_MARK
    assert remote.MISSING_DAEMON == scripts.MISSING_DAEMON
    assert remote.UNAVAILABLE in scripts.HELPER_UNAVAILABLE
    assert Path(remote.__file__).read_text(encoding="utf-8") == scripts.REMOTE_HELPER


def test_the_helper_needs_only_the_standard_library() -> None:
    """It runs on the box with ``python3 -I -S``: nothing of netauto, nothing installed."""
    imported: set[str] = set()
    for node in ast.walk(ast.parse(scripts.REMOTE_HELPER)):
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module.split(".")[0])
    assert imported - {"__future__"} <= sys.stdlib_module_names


def test_every_script_is_valid_posix_shell(layout: Layout) -> None:
    timer = scripts.revert_timer(layout, 30)
    history = scripts.history_line(layout, "2026-12-01T10:00:00+0700", "it's done")
    every = [
        scripts.FRR_ANSWERS,
        scripts.vtysh_batch(["show version", "show ip route json"]),
        scripts.upload(layout, "merged.conf"),
        scripts.has_file(layout, "rollback.conf"),
        scripts.frr_reload(layout, "test", "candidate.conf"),
        scripts.load_check(layout, merge=False),
        scripts.load_check(layout, merge=True),
        scripts.helper(layout, "diff"),
        scripts.helper(layout, "commit", timer),
        scripts.pending_pid(layout),
        scripts.cancel_revert(layout),
        timer,
        scripts.commit_with_helper(layout, timer, history),
        scripts.commit_with_frr_reload(layout, timer, history, verify=True),
        scripts.commit_with_frr_reload(layout, "", history, verify=False),
        scripts.merge_apply(layout),
    ]
    for script in every:
        proc = subprocess.run(["sh", "-n", "-c", script], capture_output=True, check=False)
        assert proc.returncode == 0, (script, proc.stderr)


def test_upload_history_and_has_file_in_the_state_dir(layout: Layout) -> None:
    assert sh(scripts.upload(layout, "candidate.conf"), b"hostname r1\n")[0] == 0
    directory = Path(layout.state_dir)
    candidate = directory / "candidate.conf"
    assert candidate.read_text() == "hostname r1\n"
    assert stat.S_IMODE(directory.stat().st_mode) == 0o700
    assert stat.S_IMODE(candidate.stat().st_mode) == 0o600
    assert sh(scripts.has_file(layout, "candidate.conf"))[0] == 0
    assert sh(scripts.has_file(layout, "rollback.conf"))[0] != 0
    for message in ("first", "it's the second"):
        assert sh(scripts.history_line(layout, "2026-12-01T10:00:00+0700", message))[0] == 0
    assert (directory / "history.log").read_text().splitlines() == [
        "2026-12-01T10:00:00+0700 commit first",
        "2026-12-01T10:00:00+0700 commit it's the second",
    ]


def test_without_a_timer_nothing_is_pending(layout: Layout) -> None:
    Path(layout.state_dir).mkdir(mode=0o700)
    assert sh(scripts.pending_test(layout))[0] != 0
    assert sh(scripts.pending_pid(layout)) == (1, "")
    (Path(layout.state_dir) / "pending.pid").write_text(f"{os.getpid()}\n")  # not a timer
    assert sh(scripts.pending_pid(layout))[1] == ""
    assert sh(scripts.cancel_revert(layout)) == (0, "")
    assert not (Path(layout.state_dir) / "pending.pid").exists()


def test_the_revert_timer_reloads_rollback_conf_then_forgets_itself(
    layout: Layout, tmp_path: Path
) -> None:
    Path(layout.state_dir).mkdir(mode=0o700)
    assert sh(scripts.revert_timer(layout, 2))[0] == 0  # returns once the timer runs
    rc, pid = sh(scripts.pending_pid(layout))
    assert rc == 0 and pid.strip().isdigit()
    calls = tmp_path / "reload.calls"
    deadline = time.monotonic() + 10
    while not calls.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert calls.read_text() == f"--reload {layout.state_dir}/rollback.conf\n"
    while sh(scripts.pending_test(layout))[0] == 0 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not (Path(layout.state_dir) / "pending.pid").exists()


def test_cancel_revert_stops_the_timer_before_it_fires(layout: Layout, tmp_path: Path) -> None:
    Path(layout.state_dir).mkdir(mode=0o700)
    assert sh(scripts.revert_timer(layout, 30))[0] == 0
    rc, pid = sh(scripts.pending_pid(layout))
    assert rc == 0
    assert sh(scripts.cancel_revert(layout)) == (0, pid)
    deadline = time.monotonic() + 10
    while Path(f"/proc/{pid.strip()}").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not Path(f"/proc/{pid.strip()}").exists()
    assert sh(scripts.pending_test(layout))[0] != 0
    assert not (tmp_path / "reload.calls").exists()


def test_vtysh_batch_stops_at_the_first_failure_with_its_number(tmp_path: Path) -> None:
    fake = tmp_path / "vtysh"
    fake.write_text('#!/bin/sh\n[ "$2" = bad ] && { echo refused >&2; exit 1; }\necho "$2"\n')
    fake.chmod(0o755)
    env = {**os.environ, "PATH": f"{tmp_path}:{os.environ['PATH']}"}
    rc, out = sh(scripts.vtysh_batch(["one", "two"]), env=env)
    assert rc == 0 and scripts.split_sections(out) == ["one\n", "two\n", ""]
    rc, out = sh(scripts.vtysh_batch(["one", "bad", "three"]), env=env)
    assert rc == scripts.FIRST_CLI_STATUS + 1
    assert scripts.split_sections(out) == ["one\n", ""]
