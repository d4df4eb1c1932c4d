"""Sizing the kernel's neighbour tables (netauto.lab.neigh), on a fake /proc/sys."""

from __future__ import annotations

import json
from pathlib import Path

from netauto.lab import neigh


def fake_proc(tmp_path: Path, value: int) -> Path:
    root = tmp_path / "proc"
    for knob in neigh.KNOBS:
        (root / knob).parent.mkdir(parents=True, exist_ok=True)
        (root / knob).write_text(f"{value}\n")
    return root


def read(root: Path, knob: str) -> int:
    return int((root / knob).read_text())


def test_raised_only_upwards_and_put_back(tmp_path: Path) -> None:
    root, run = fake_proc(tmp_path, 1024), tmp_path / "run"
    changed = neigh.raise_limits(neigh.wanted(1400), run, root)
    assert len(changed) == 4
    assert read(root, "net/ipv6/neigh/default/gc_thresh3") == 11200
    assert read(root, "net/ipv4/neigh/default/gc_thresh2") == 5600
    record = json.loads((run / neigh.RECORD).read_text())
    assert record["net/ipv6/neigh/default/gc_thresh3"] == {"original": 1024, "set": 11200}
    # A second, smaller lab changes nothing and keeps the first record.
    assert neigh.raise_limits(neigh.wanted(10), run, root) == []
    restored = neigh.restore_limits(run, root)
    assert len(restored) == 4
    assert all(read(root, knob) == 1024 for knob in neigh.KNOBS)
    assert not (run / neigh.RECORD).exists()


def test_a_host_with_larger_tables_is_left_alone(tmp_path: Path) -> None:
    root, run = fake_proc(tmp_path, 65536), tmp_path / "run"
    assert neigh.raise_limits(neigh.wanted(1400), run, root) == []
    assert not (run / neigh.RECORD).exists()
    assert neigh.restore_limits(run, root) == []


def test_a_knob_changed_since_is_not_put_back(tmp_path: Path) -> None:
    root, run = fake_proc(tmp_path, 1024), tmp_path / "run"
    neigh.raise_limits(neigh.wanted(1400), run, root)
    (root / "net/ipv4/neigh/default/gc_thresh3").write_text("20000\n")
    restored = neigh.restore_limits(run, root)
    assert len(restored) == 3
    assert read(root, "net/ipv4/neigh/default/gc_thresh3") == 20000
