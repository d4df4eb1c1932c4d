"""The plan's cache: used only for byte-identical inputs, never a different result."""

from __future__ import annotations

import shutil
from pathlib import Path

from netauto.plan import cache, plan_for, sot_and_plan, store_plan
from tests.conftest import TINY


def test_an_entry_is_used_only_while_every_input_is_unchanged(tmp_path: Path) -> None:
    inv = tmp_path / "inv"
    shutil.copytree(TINY, inv)
    where = tmp_path / "cache"
    loaded, plan = sot_and_plan(inv, where)  # a miss: built and stored
    assert len(list(where.glob("*.pickle"))) == 1
    again_loaded, again = sot_and_plan(inv, where)  # a hit
    assert again == plan and again_loaded.sot == loaded.sot
    (inv / "hub-01.yml").write_text((inv / "hub-01.yml").read_text().replace("Xã", "Phường", 1))
    changed_loaded, _ = sot_and_plan(inv, where)  # the SoT changed: a miss, rebuilt
    assert changed_loaded.sot != loaded.sot
    assert len(list(where.glob("*.pickle"))) == 2


def test_what_plan_stores_equals_a_fresh_build(tmp_path: Path) -> None:
    inv = tmp_path / "inv"
    shutil.copytree(TINY, inv)
    where = tmp_path / "cache"
    loaded, plan = sot_and_plan(inv)
    store_plan(inv, where, loaded, plan)
    assert sot_and_plan(inv, where)[1] == plan_for(inv).plan


def test_a_cache_others_can_write_is_never_read(tmp_path: Path) -> None:
    where = tmp_path / "cache"
    cache.store(where, "k", {"a": 1})
    assert cache.load(where, "k") == {"a": 1}
    assert where.stat().st_mode & 0o777 == 0o700
    assert (where / "k.pickle").stat().st_mode & 0o777 == 0o600
    where.chmod(0o777)
    assert cache.load(where, "k") is None
    where.chmod(0o700)
    (where / "k.pickle").chmod(0o666)
    assert cache.load(where, "k") is None
    (where / "k.pickle").chmod(0o600)
    (where / "k.pickle").write_bytes(b"not a pickle")
    assert cache.load(where, "k") is None
