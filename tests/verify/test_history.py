"""The SQLite run history: round trip, hashing, transactions, errors, summaries."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path

import pytest

from netauto.errors import InputError
from netauto.verify import history
from netauto.verify.history import (
    canonical_json,
    db_path,
    list_runs,
    load_run,
    load_stored,
    save_run,
    summaries,
    summarise,
)
from tests.report.factory import PROVINCE_FAILURES, province_run, tiny_run


def test_round_trip_keeps_every_field(tmp_path: Path) -> None:
    run = tiny_run(statuses={("xa-tan-thanh", "lgsp", "ipv6"): "fail"})
    run_id = save_run(tmp_path, run)
    assert run_id == 1
    loaded = load_run(tmp_path, run_id)
    assert loaded.info.run_id == 1
    # Identical apart from the id the store assigned.
    assert loaded.model_copy(update={"info": run.info}) == run
    assert loaded.sites[2].name == "Phường An Xuyên"
    assert loaded.info.operator == "Nguyễn Văn Kiểm"


def test_latest_is_default_and_ids_increase(tmp_path: Path) -> None:
    first = save_run(tmp_path, tiny_run(started="2025-11-01T02:00:00+00:00"))
    second = save_run(tmp_path, tiny_run(started="2025-11-02T02:00:00+00:00"))
    assert (first, second) == (1, 2)
    assert load_run(tmp_path).info.started == "2025-11-02T02:00:00+00:00"
    assert load_run(tmp_path, 1).info.started == "2025-11-01T02:00:00+00:00"
    assert [s.run_id for s in list_runs(tmp_path)] == [1, 2]


def test_hash_is_sha256_of_canonical_bytes(tmp_path: Path) -> None:
    run_id = save_run(tmp_path, province_run())
    stored = load_stored(tmp_path, run_id)
    raw = stored.raw_json.encode("utf-8")
    assert hashlib.sha256(raw).hexdigest() == stored.sha256
    # Canonical: sorted keys, no whitespace between tokens, Vietnamese unescaped, final newline.
    assert stored.raw_json.endswith("}\n") and stored.raw_json.count("\n") == 1
    assert "Xã Trần Văn Thời" in stored.raw_json and "\\u" not in stored.raw_json
    assert (
        stored.raw_json
        == json.dumps(
            json.loads(stored.raw_json), sort_keys=True, ensure_ascii=False, separators=(",", ":")
        )
        + "\n"
    )
    # Re-serialising the loaded run gives the same bytes (hash is stable).
    assert canonical_json(stored.run) == stored.raw_json
    assert json.loads(stored.raw_json)["info"]["run_id"] == run_id


def test_same_results_same_hash_different_results_different_hash(tmp_path: Path) -> None:
    a = load_stored(tmp_path, save_run(tmp_path, tiny_run())).sha256
    b = load_stored(tmp_path, save_run(tmp_path, tiny_run())).sha256
    c_run = tiny_run(statuses={("phuong-an-xuyen", "portal", "ipv4"): "fail"})
    c = load_stored(tmp_path, save_run(tmp_path, c_run)).sha256
    assert a != b  # the run id is part of what is hashed
    assert len({a, b, c}) == 3
    other = tmp_path / "other"
    assert load_stored(other, save_run(other, tiny_run())).sha256 == a


def test_tables_are_queryable(tmp_path: Path) -> None:
    run = province_run()
    run_id = save_run(tmp_path, run)
    with sqlite3.connect(db_path(tmp_path)) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == history.SCHEMA_VERSION
        n = conn.execute("SELECT COUNT(*) FROM checks WHERE run_id = ?", (run_id,)).fetchone()[0]
        assert n == len(run.checks)
        row = conn.execute(
            "SELECT c.status, c.evidence, s.name FROM checks c JOIN sites s "
            "ON s.run_id = c.run_id AND s.slug = c.site "
            "WHERE c.family = 'ipv6' AND c.target = 'lgsp' AND c.status = 'fail'"
        ).fetchall()
        assert row == [("fail", row[0][1], "Phường Bạc Liêu")]
        assert "timed out" in row[0][1]
        rtts = conn.execute("SELECT rtt_ms FROM checks WHERE rtt_ms IS NOT NULL").fetchall()
        assert rtts and all(r[0] > 0 for r in rtts)


def test_crash_mid_save_leaves_no_half_run(tmp_path: Path) -> None:
    save_run(tmp_path, tiny_run())
    # A real SQLite failure in the middle of the inserts (after the run row and some checks).
    with sqlite3.connect(db_path(tmp_path)) as conn:
        conn.execute(
            "CREATE TRIGGER boom BEFORE INSERT ON checks WHEN NEW.seq = 5 "
            "BEGIN SELECT RAISE(ABORT, 'disk on fire'); END"
        )
    with pytest.raises(sqlite3.IntegrityError, match="disk on fire"):
        save_run(tmp_path, province_run())
    with sqlite3.connect(db_path(tmp_path)) as conn:
        assert conn.execute("SELECT COUNT(*) FROM runs").fetchone()[0] == 1
        assert conn.execute("SELECT COUNT(*) FROM sites WHERE run_id != 1").fetchone()[0] == 0
        assert conn.execute("SELECT COUNT(*) FROM checks WHERE run_id != 1").fetchone()[0] == 0
    assert load_run(tmp_path).info.run_id == 1


def test_no_history_is_a_clear_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError) as caught:
        load_run(tmp_path)
    text = str(caught.value)
    assert "no verification history yet" in text and "netauto verify" in text
    assert not db_path(tmp_path).exists()  # reading never creates the store
    assert list_runs(tmp_path) == [] and summaries(tmp_path) == []


def test_unknown_run_id_names_the_known_ones(tmp_path: Path) -> None:
    save_run(tmp_path, tiny_run())
    save_run(tmp_path, tiny_run())
    with pytest.raises(InputError) as caught:
        load_run(tmp_path, 9)
    problem = caught.value.problems[0]
    assert problem.field == "--run" and "no run 9" in problem.message
    assert "runs 1..2 exist" in problem.hint


def test_tampered_results_are_refused(tmp_path: Path) -> None:
    run_id = save_run(tmp_path, tiny_run(statuses={("xa-tan-thanh", "lgsp", "ipv4"): "fail"}))
    with sqlite3.connect(db_path(tmp_path)) as conn:
        conn.execute(
            'UPDATE runs SET raw_json = replace(raw_json, \'"status":"fail"\', '
            '\'"status":"pass"\') WHERE id = ?',
            (run_id,),
        )
    with pytest.raises(InputError, match="do not match their SHA-256"):
        load_run(tmp_path, run_id)


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    save_run(tmp_path, tiny_run())
    with sqlite3.connect(db_path(tmp_path)) as conn:
        conn.execute("PRAGMA user_version = 99")
    with pytest.raises(InputError, match="schema version 99 is newer"):
        load_run(tmp_path)


def test_not_a_database_is_an_input_error(tmp_path: Path) -> None:
    db_path(tmp_path).write_text("this is not sqlite\n" * 100)
    with pytest.raises(InputError, match="not a netauto history database"):
        load_run(tmp_path)


def test_summary_counts_dual_stack_per_family() -> None:
    summary = summarise(province_run())
    assert summary.communes_total == 64
    assert summary.communes_dual_stack == 61
    assert summary.communes_ipv4 == 63  # the error on portal/ipv4 proves nothing
    assert summary.communes_ipv6 == 62  # the fail and the skip
    assert summary.checks_fail == 1 and summary.checks_error == 1 and summary.checks_skip == 1
    assert summary.isolation_total == summary.isolation_holding == 128
    assert summary.findings == 0
    assert len(PROVINCE_FAILURES) == 3


def test_trend_with_three_runs(tmp_path: Path) -> None:
    days = ["2025-11-01", "2025-11-02", "2025-11-03"]
    failing = [
        {**PROVINCE_FAILURES, ("site-3030", "mail", "ipv6"): "fail"},
        PROVINCE_FAILURES,
        {},
    ]
    for day, statuses in zip(days, failing, strict=True):
        save_run(tmp_path, province_run(statuses, started=f"{day}T02:00:00+00:00"))
    trend = summaries(tmp_path)
    assert [t.communes_dual_stack for t in trend] == [60, 61, 64]
    assert [t.run_id for t in trend] == [1, 2, 3]
    assert [t.run_id for t in summaries(tmp_path, up_to=2)] == [1, 2]
    assert [t.run_id for t in summaries(tmp_path, limit=2)] == [2, 3]
    assert all(len(t.sha256) == 64 for t in trend)
