"""Migration runs in the history: built from a recorded guard report, stored, read back,
hashed; one id space with verify runs; the schema upgrade of an older store."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path

import pytest

from netauto.errors import InputError
from netauto.verify import history
from netauto.verify.history import (
    StoredMigration,
    StoredRun,
    canonical_json,
    db_path,
    list_runs,
    load_entry,
    load_migration,
    load_run,
    load_stored,
    save_migration,
    save_run,
    summaries,
    verify_after,
)
from netauto.verify.migration import (
    commune_outcome,
    reachable_before,
    summarise_migration,
    wave_probes,
)
from tests.conftest import ROOT
from tests.verify.migrations import LOST, X, broken, clean, verify_run

V1_DUMP = ROOT / "tests" / "data" / "history" / "v1.sql"


def v1_store(state: Path) -> Path:
    """A history as netauto wrote it before migration runs (schema version 1)."""
    state.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(db_path(state)) as conn:
        conn.executescript(V1_DUMP.read_text(encoding="utf-8"))
    with sqlite3.connect(db_path(state)) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
    return db_path(state)


# --- the record, from the guard's report -------------------------------------------------


def test_broken_rollout_as_recorded() -> None:
    run = broken()
    assert [w.name for w in run.windows()] == ["baseline", "canary", "batch 1", "after"]
    assert [w.kind for w in run.windows()] == ["baseline", "wave", "wave", "after"]
    wave = run.waves[1]
    assert wave.rolled_back and not wave.ok and wave.over == [X]
    assert wave.ipv4.lost == LOST and wave.start == "2025-11-03T02:00:15+00:00"
    assert run.stopped.startswith("guard: batch 1: IPv4 probes lost ")
    by = {c.commune: c for c in run.communes}
    assert by[X].rolled_back_in == "batch 1" and by[X].window("batch 1").ipv4.lost == LOST
    assert by["xa-tan-thanh"].rolled_back and not by["phuong-an-xuyen"].rolled_back
    assert by["phuong-an-xuyen"].ipv6_from == "2025-11-03T02:00:15+00:00"
    assert by[X].ipv6_from is None
    assert {d.host: (d.site, d.outcome) for d in run.devices} == {
        "cm-anxuyen-r1": ("phuong-an-xuyen", "committed"),
        "cm-lyvanlam-r1": (X, "rolled-back"),
        "cm-tanthanh-r1": ("xa-tan-thanh", "rolled-back"),
        "hub-01-r1": ("hub-01", "skipped"),
        "dc-core-r1": ("dc", "skipped"),
    }
    # The sites: the communes probed and the others (the hub's name), Vietnamese intact.
    assert {s.slug: s.name for s in run.sites}[X] == "Phường Lý Văn Lâm"
    assert "hub-01" in {s.slug for s in run.sites}


def test_per_commune_definitions() -> None:
    run = broken()
    by = {c.commune: c for c in run.communes}
    assert [reachable_before(c, run) for c in run.communes] == ["yes", "yes", "yes"]
    assert [commune_outcome(c.commune, run) for c in run.communes] == [
        "migrated", "rolled-back", "rolled-back"]  # fmt: skip
    assert wave_probes(by[X], run, "ipv4").lost == LOST
    assert wave_probes(by["phuong-an-xuyen"], run, "ipv6").sent == 120  # from batch 1 on
    # The baseline is judged like a wave: a loss there means "not reachable before".
    lossy = run.model_copy(update={"communes": [
        by[X].model_copy(update={"windows": [
            w.model_copy(update={"ipv4": w.ipv4.model_copy(update={"lost": 1})})
            if w.window == "baseline" else w for w in by[X].windows]})]})  # fmt: skip
    assert reachable_before(lossy.communes[0], lossy) == "no"
    assert reachable_before(by[X], run.model_copy(update={"baseline": None})) == "unknown"


def test_summaries_of_both_rollouts() -> None:
    bad, good = summarise_migration(broken()), summarise_migration(clean())
    assert (bad.communes, bad.communes_migrated, bad.communes_rolled_back) == (3, 1, 2)
    assert bad.communes_ipv4_loss == 1 and bad.ipv4.lost == LOST and bad.stopped
    assert (bad.waves, bad.waves_rolled_back) == (2, 1)
    assert bad.devices == {"committed": 1, "rolled-back": 2, "skipped": 2}
    assert good.communes_migrated == 3 and good.ipv4.lost == 0 and not good.stopped
    assert good.ipv4.sent == 3 * 10 * (10 + 12 + 8 + 8)  # the waves only
    assert (good.waves, good.waves_rolled_back) == (4, 0)


# --- stored and read back ------------------------------------------------------------------


def test_migration_round_trip_and_hash(tmp_path: Path) -> None:
    run = broken()
    run_id = save_migration(tmp_path, run)
    assert run_id == 1
    stored = load_migration(tmp_path, run_id)
    assert stored.run.info.run_id == 1
    assert stored.run.model_copy(update={"info": run.info}) == run
    raw = stored.raw_json
    assert hashlib.sha256(raw.encode("utf-8")).hexdigest() == stored.sha256
    assert raw == canonical_json(stored.run)
    assert raw == json.dumps(json.loads(raw), sort_keys=True, ensure_ascii=False,
                             separators=(",", ":")) + "\n"  # fmt: skip
    data = json.loads(raw)
    assert data["kind"] == "migration" and data["info"]["run_id"] == 1
    assert "Phường Lý Văn Lâm" in raw and "\\u" not in raw


def test_verify_and_migration_runs_share_one_id_space(tmp_path: Path) -> None:
    assert save_run(tmp_path, verify_run("2025-11-03T01:00:00+00:00")) == 1
    assert save_migration(tmp_path, broken()) == 2
    assert save_run(tmp_path, verify_run()) == 3
    assert isinstance(load_entry(tmp_path, 2), StoredMigration)
    assert isinstance(load_entry(tmp_path, 3), StoredRun)
    assert load_entry(tmp_path).run.info.run_id == 3  # the latest verify run
    assert load_run(tmp_path).info.run_id == 3
    with pytest.raises(InputError, match="run 2 is a migration run, not a verify run"):
        load_stored(tmp_path, 2)
    with pytest.raises(InputError, match="run 1 is a verify run, not a migration run"):
        load_migration(tmp_path, 1)
    # Trends and listings are of verify runs.
    assert [s.run_id for s in summaries(tmp_path)] == [1, 3]
    assert [s.run_id for s in list_runs(tmp_path)] == [1, 3]
    with pytest.raises(InputError) as caught:
        load_entry(tmp_path, 9)
    assert "runs 1..3 exist" in caught.value.problems[0].hint


def test_only_migration_runs_yet(tmp_path: Path) -> None:
    save_migration(tmp_path, clean())
    with pytest.raises(InputError) as caught:
        load_entry(tmp_path)
    problem = caught.value.problems[0]
    assert "no verification history yet" in problem.message
    assert "only migration runs so far (run 1)" in problem.hint
    assert "netauto report --run 1" in problem.hint


def test_migration_tables_are_queryable(tmp_path: Path) -> None:
    run = broken()
    run_id = save_migration(tmp_path, run)
    with sqlite3.connect(db_path(tmp_path)) as conn:
        assert conn.execute("SELECT kind FROM runs WHERE id = ?", (run_id,)).fetchone() == (
            "migration",)  # fmt: skip
        row = conn.execute(
            "SELECT communes, communes_migrated, communes_ipv4_loss, waves_rolled_back, "
            "ipv4_lost, stopped FROM migrations WHERE run_id = ?", (run_id,)
        ).fetchone()  # fmt: skip
        assert row[:5] == (3, 1, 1, 1, LOST) and row[5] == run.stopped
        n = conn.execute("SELECT COUNT(*) FROM migration_probes").fetchone()[0]
        assert n == 3 * 4 * 2  # communes × windows × families
        lost = conn.execute(
            "SELECT p.window_name, s.name, p.sent, p.lost FROM migration_probes p JOIN sites s "
            "ON s.run_id = p.run_id AND s.slug = p.commune "
            "WHERE p.family = 'ipv4' AND p.lost > 0"
        ).fetchall()
        assert lost == [("batch 1", "Phường Lý Văn Lâm", 120, LOST)]
        rolled = conn.execute(
            "SELECT host, wave FROM migration_devices WHERE rolled_back ORDER BY seq"
        ).fetchall()
        assert rolled == [("cm-lyvanlam-r1", "batch 1"), ("cm-tanthanh-r1", "batch 1")]


def test_tampered_migration_is_refused(tmp_path: Path) -> None:
    run_id = save_migration(tmp_path, broken())
    with sqlite3.connect(db_path(tmp_path)) as conn:
        conn.execute(f"UPDATE runs SET raw_json = replace(raw_json, '\"lost\":{LOST}', "
                     "'\"lost\":0') WHERE id = ?", (run_id,))  # fmt: skip
    with pytest.raises(InputError, match="do not match their SHA-256"):
        load_entry(tmp_path, run_id)


def test_crash_mid_save_leaves_no_half_migration(tmp_path: Path) -> None:
    save_migration(tmp_path, clean())
    with sqlite3.connect(db_path(tmp_path)) as conn:
        conn.execute("CREATE TRIGGER boom BEFORE INSERT ON migration_devices WHEN NEW.seq = 3 "
                     "BEGIN SELECT RAISE(ABORT, 'disk on fire'); END")  # fmt: skip
    with pytest.raises(sqlite3.IntegrityError, match="disk on fire"):
        save_migration(tmp_path, broken())
    with sqlite3.connect(db_path(tmp_path)) as conn:
        for table in ("runs", "migrations"):
            assert conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] == 1
        for table in ("sites", "migration_probes", "migration_devices"):
            count = conn.execute(f"SELECT COUNT(*) FROM {table} WHERE run_id != 1").fetchone()
            assert count[0] == 0, table


# --- the verify run after ------------------------------------------------------------------


def test_verify_after_is_the_first_later_run_of_the_same_target_and_sot(tmp_path: Path) -> None:
    save_run(tmp_path, verify_run("2025-11-03T01:00:00+00:00"))  # 1, before
    migration_id = save_migration(tmp_path, broken())  # 2
    migration = load_migration(tmp_path, migration_id).run
    assert verify_after(tmp_path, migration) is None
    save_run(tmp_path, verify_run(sot_sha256="ef" * 32))  # 3: another SoT
    save_run(tmp_path, verify_run(target="prod"))  # 4: another target
    assert verify_after(tmp_path, migration) is None
    save_run(tmp_path, verify_run())  # 5: this one
    save_run(tmp_path, verify_run("2025-11-03T03:00:00+00:00"))  # 6
    found = verify_after(tmp_path, migration)
    assert found is not None and found.run.info.run_id == 5
    assert found.sha256 == load_stored(tmp_path, 5).sha256
    # A record that was never stored has nothing after it.
    assert verify_after(tmp_path, broken()) is None


# --- schema versions -----------------------------------------------------------------------


def test_an_older_store_is_upgraded_in_place(tmp_path: Path) -> None:
    path = v1_store(tmp_path)
    with sqlite3.connect(path) as conn:
        old_sha = conn.execute("SELECT sha256 FROM runs WHERE id = 1").fetchone()[0]
    # Reading upgrades it; the old run reads back with its hash intact.
    stored = load_stored(tmp_path, 1)
    assert stored.sha256 == old_sha
    assert hashlib.sha256(stored.raw_json.encode("utf-8")).hexdigest() == old_sha
    assert stored.run.info.operator == "Nguyễn Văn Kiểm"
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == history.SCHEMA_VERSION == 2
        assert conn.execute("SELECT id, kind FROM runs").fetchall() == [(1, "verify")]
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        assert {"migrations", "migration_probes", "migration_devices"} <= tables
    # New runs continue the old ids, of both kinds.
    assert save_migration(tmp_path, broken()) == 2
    assert save_run(tmp_path, verify_run()) == 3
    assert [s.run_id for s in summaries(tmp_path)] == [1, 3]
    assert load_migration(tmp_path, 2).run.stopped


def test_upgraded_and_new_stores_have_the_same_schema(tmp_path: Path) -> None:
    def schema(path: Path) -> list[tuple[str, str]]:
        with sqlite3.connect(path) as conn:
            rows = conn.execute("SELECT name, sql FROM sqlite_master WHERE name NOT LIKE "
                                "'sqlite_%' ORDER BY name").fetchall()  # fmt: skip
        return [(name, " ".join(sql.split())) for name, sql in rows]

    old = v1_store(tmp_path / "old")
    load_run(tmp_path / "old")
    save_migration(tmp_path / "new", clean())
    assert schema(old) == schema(db_path(tmp_path / "new"))


def test_a_failed_upgrade_changes_nothing(tmp_path: Path) -> None:
    path = v1_store(tmp_path)
    with sqlite3.connect(path) as conn:  # a step of the upgrade cannot run on this store
        conn.execute("ALTER TABLE runs ADD COLUMN kind TEXT")
    with pytest.raises(InputError) as caught:
        load_run(tmp_path)
    message = caught.value.problems[0].message
    assert "cannot upgrade the history from schema version 1 to 2" in message
    assert "duplicate column name: kind" in message
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        assert "migrations" not in tables


def test_a_newer_store_is_refused_before_any_upgrade(tmp_path: Path) -> None:
    save_migration(tmp_path, clean())
    with sqlite3.connect(db_path(tmp_path)) as conn:
        conn.execute("PRAGMA user_version = 3")
    with pytest.raises(InputError, match="schema version 3 is newer than this netauto"):
        load_entry(tmp_path, 1)
    with pytest.raises(InputError, match="schema version 3 is newer"):
        save_migration(tmp_path, clean())
