"""The derived-data cache: a hit only for byte-identical inputs, never a different result."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from pathlib import Path

import yaml

from netauto import cache
from netauto.plan import build_plan, ledger_path, load_ledger, plan_cache_key, sot_and_plan
from netauto.sot.loader import load_sot
from tests.conftest import CliResult

Cli = Callable[..., CliResult]


def test_store_then_load_round_trips(tmp_path: Path) -> None:
    directory = tmp_path / "cache"
    cache.store(directory, "k", {"a": [1, 2]})
    assert cache.load(directory, "k") == {"a": [1, 2]}
    assert oct(directory.stat().st_mode & 0o777) == "0o700"
    assert oct((directory / "k.pickle").stat().st_mode & 0o777) == "0o600"
    assert cache.load(directory, "other") is None
    assert cache.load(None, "k") is None and cache.load(directory, None) is None


def test_an_entry_others_can_write_is_never_loaded(tmp_path: Path) -> None:
    directory = tmp_path / "cache"
    cache.store(directory, "k", 1)
    os.chmod(directory / "k.pickle", 0o666)
    assert cache.load(directory, "k") is None
    os.chmod(directory / "k.pickle", 0o600)
    os.chmod(directory, 0o777)
    assert cache.load(directory, "k") is None


def test_a_garbled_entry_is_a_miss(tmp_path: Path) -> None:
    directory = tmp_path / "cache"
    cache.store(directory, "k", 1)
    (directory / "k.pickle").write_bytes(b"not a pickle")
    assert cache.load(directory, "k") is None


def test_the_key_follows_every_input_byte(inv: Path) -> None:
    before = plan_cache_key(inv)
    assert before == plan_cache_key(inv)
    province = inv / "province.yml"
    province.write_text(province.read_text() + "\n# a comment changes the bytes\n")
    changed = plan_cache_key(inv)
    assert changed != before
    ledger_path(inv).write_text("version: 1\n")
    assert plan_cache_key(inv) != changed
    assert plan_cache_key(inv / "missing") is None


def test_plan_stores_what_render_reuses_and_the_result_is_the_same(
    cli: Cli, inv: Path, tmp_path: Path
) -> None:
    state = tmp_path / "state"
    assert cli("-i", inv, "--state-dir", state, "plan").code == 0
    key = plan_cache_key(inv)
    assert (state / "cache" / f"{key}.pickle").exists()
    hit = cache.load(state / "cache", key)
    assert isinstance(hit, tuple)
    fresh = load_sot(inv)
    fresh_plan = build_plan(fresh.sot, load_ledger(ledger_path(inv)), locations=fresh.locations)
    assert hit[1] == fresh_plan.plan
    assert hit[0].sot == fresh.sot
    cached_out, plain_out = tmp_path / "a", tmp_path / "b"
    assert cli("-i", inv, "--state-dir", state, "render", "-q", "-o", cached_out).code == 0
    assert cli("-i", inv, "--state-dir", tmp_path / "s2", "render", "-q", "-o", plain_out).code == 0
    names = sorted(p.name for p in cached_out.iterdir())
    assert names == sorted(p.name for p in plain_out.iterdir())
    for name in names:
        assert (cached_out / name).read_bytes() == (plain_out / name).read_bytes()


def test_after_a_change_plan_caches_the_plan_the_new_ledger_gives(
    cli: Cli, inv: Path, tmp_path: Path
) -> None:
    """``plan`` caches the plan it built from the *old* ledger under the *new* ledger's key:
    both must be the same plan, also after adding a commune."""
    state = tmp_path / "state"
    assert cli("-i", inv, "--state-dir", state, "plan").code == 0
    sites_file = inv / "hub-01.yml"
    doc = yaml.safe_load(sites_file.read_text())
    doc["sites"].insert(1, {
        "site_id": 1004, "slug": "xa-moi", "kind": "commune", "name": "Xã Mới",
        "commune_code": "32011", "hub": "hub-01", "devices": [{"hostname": "cm-xamoi-r1"}],
        "lans": [{"function": "office", "vlan": 10}],
    })  # fmt: skip
    doc["links"].append({"id": "l-1004", "a": "hub-01-r1:eth4", "b": "cm-xamoi-r1:eth0"})
    sites_file.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False))
    result = cli("-i", inv, "--state-dir", state, "plan")
    assert result.code == 0, result.err
    hit = cache.load(state / "cache", plan_cache_key(inv))
    assert isinstance(hit, tuple)
    _, fresh = sot_and_plan(inv)  # no cache: from the SoT and the ledger on disk
    assert hit[1] == fresh


def test_a_reader_waits_for_an_entry_a_background_writer_is_storing(tmp_path: Path) -> None:
    directory = tmp_path / "cache"
    value = {"n": list(range(200_000))}  # big enough to be still writing when we look
    cache.store_in_background(directory, "k", value)
    assert cache.load(directory, "k") == value
    cache.wait_for_stores()
    assert sorted(p.name for p in directory.iterdir()) == ["k.pickle"]  # the lock is gone


def test_a_dead_writer_leaves_a_miss_not_a_hang(tmp_path: Path) -> None:
    directory = tmp_path / "cache"
    directory.mkdir(mode=0o700)
    (directory / "k.lock").write_text("")  # a writer killed before it stored anything
    assert cache.load(directory, "k") is None


def test_a_claimed_entry_is_waited_for_and_a_long_wait_is_announced(tmp_path: Path) -> None:
    directory, key = tmp_path / "cache", "k" * 64
    started, calls = threading.Event(), []

    def writer() -> None:
        with cache.claimed(directory, key) as mine:
            assert mine
            started.set()
            time.sleep(1.3)
            cache.store(directory, key, "value")

    thread = threading.Thread(target=writer)
    thread.start()
    started.wait()
    with cache.claimed(directory, key) as second:
        assert not second  # one process computes an entry
    assert cache.load(directory, key, 10, lambda: calls.append(1)) == "value"
    assert calls == [1]
    thread.join()
    with cache.claimed(directory, key) as again:
        assert not again  # stored already
