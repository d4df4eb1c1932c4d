"""The migration report: built from a stored migration run and the verify run after it,
rendered as HTML (self-contained), CSV (one row per commune × window × family) and Markdown."""

from __future__ import annotations

import csv
import io

from netauto.report.formats import (
    MIGRATION_CSV_COLUMNS,
    migration_csv,
    migration_html,
    migration_markdown,
)
from netauto.report.migration import build_migration_report
from netauto.report.models import MigrationReportData
from netauto.verify.migration import MigrationRun
from netauto.verify.models import VerifyRun
from tests.report.factory import run_from_sot
from tests.report.test_formats import _Collect
from tests.verify import migrations
from tests.verify.migrations import LOST, X_NAME, X, broken, clean


def stored(run: MigrationRun, run_id: int = 4) -> MigrationRun:
    return run.model_copy(update={"info": run.info.model_copy(update={"run_id": run_id})})


def verified(statuses: dict[tuple[str, str, str], str] | None = None) -> VerifyRun:
    """The verify run after the migration (run 5), everything passing but ``statuses``."""
    sot, _ = migrations.tiny()
    run = run_from_sot(sot, statuses, started="2025-11-03T02:05:00+00:00")  # type: ignore[arg-type]
    return run.model_copy(update={"info": run.info.model_copy(update={"run_id": 5})})


def report(
    run: MigrationRun, after: VerifyRun | None = None, run_id: int = 4
) -> MigrationReportData:
    return build_migration_report(
        stored(run, run_id), sha256="a" * 64, after=after,
        after_sha256="b" * 64 if after is not None else "", generated="2025-11-03T03:00:00+00:00",
    )  # fmt: skip


def rows(text: str) -> list[dict[str, str]]:
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))


# --- the core ------------------------------------------------------------------------------


def test_broken_rollout_headline_and_communes() -> None:
    data = report(broken())
    h = data.headline
    assert (h.communes, h.communes_migrated, h.communes_reachable_before) == (3, 1, 3)
    assert (h.ipv4.lost, h.communes_ipv4_loss, h.waves, h.waves_rolled_back) == (LOST, 1, 2, 1)
    assert h.dual_stack_after is None and data.verified is None
    assert h.stopped and h.stopped_message.startswith("guard: batch 1: IPv4 probes lost")
    assert not h.verdict
    assert data.wave_names == ["canary", "batch 1"]
    assert [w.name for w in data.waves] == ["baseline", "canary", "batch 1", "after"]
    assert [w.verdict for w in data.waves] == ["watched", "ok", "rolled-back", "watched"]
    assert data.waves[2].over == [X_NAME]
    by = {c.slug: c for c in data.communes}
    x = by[X]
    assert (x.name, x.hub_name, x.router) == (X_NAME, "Điểm tập trung 01", "cm-lyvanlam-r1")
    assert x.before == "yes" and x.before_probes.sent == 30
    assert x.outcome == "rolled-back" and x.rolled_back_in == "batch 1" and x.wave == "batch 1"
    cells = {c.window: c for c in x.wave_cells()}
    assert cells["batch 1"].ipv4.lost == LOST and cells["batch 1"].own
    assert cells["batch 1"].rolled_back and not cells["canary"].own
    assert x.dual_stack_after == "no-run"
    assert by["phuong-an-xuyen"].outcome == "migrated"
    assert [d.outcome for d in data.devices].count("skipped") == 2


def test_dual_stack_after_comes_from_the_verify_run_after() -> None:
    after = verified({("xa-tan-thanh", "lgsp", "ipv6"): "fail"})
    data = report(clean(), after)
    assert data.verified is not None and data.verified.run_id == 5
    assert data.verified.communes_dual_stack == 2 and data.verified.sha256 == "b" * 64
    by = {c.slug: c for c in data.communes}
    assert by["phuong-an-xuyen"].dual_stack_after == "yes"
    assert (by["xa-tan-thanh"].dual_stack_after, by["xa-tan-thanh"].ipv4_after,
            by["xa-tan-thanh"].ipv6_after) == ("no", True, False)  # fmt: skip
    assert data.headline.dual_stack_after == 2 and not data.headline.verdict
    # A commune the verify run did not check is not verified (not "no").
    partial = after.model_copy(
        update={
            "sites": [s for s in after.sites if s.slug != X],
            "checks": [c for c in after.checks if c.site != X],
        }
    )
    assert {c.slug: c.dual_stack_after for c in report(clean(), partial).communes}[X] == (
        "not-verified")  # fmt: skip


def test_clean_rollout_verified_after_passes() -> None:
    data = report(clean(), verified())
    h = data.headline
    assert h.communes_migrated == 3 and h.ipv4.lost == 0 and h.waves_rolled_back == 0
    assert h.dual_stack_after == 3 and not h.stopped and h.verdict
    assert not report(clean()).headline.verdict  # not verified after: not a pass yet


# --- HTML ----------------------------------------------------------------------------------


def test_html_is_self_contained_and_names_the_rolled_back_commune() -> None:
    html = migration_html(report(broken()))
    parser = _Collect()
    parser.feed(html)
    assert html.startswith("<!DOCTYPE html>") and '<meta charset="utf-8">' in html
    assert parser.loads == []
    assert not parser.tags & {"script", "link", "img", "iframe", "object", "embed", "svg"}
    assert "url(" not in html and "http" not in html.lower() and "@media print" in html
    assert parser.ids["run-id"]["data-kind"] == "migration"
    assert parser.text["fig-migrated"] == "1/3"
    assert parser.ids["fig-ipv4-probes"]["data-lost"] == str(LOST)
    assert parser.text["fig-ipv4-loss"] == "1" and parser.text["fig-rolled-back"] == "1/2"
    assert parser.text["fig-dual-stack-after"] == "—"
    assert "No verify run after this migration" in html
    assert parser.ids["verdict"]["data-verdict"] == "fail"
    assert f'<tr data-commune="{X}" data-outcome="rolled-back" data-rolled-back="yes"' in html
    assert f"{X_NAME}<br>" in html and "Có — batch 1" in html
    assert f'data-wave="batch 1" data-ipv4-sent="120" data-ipv4-lost="{LOST}"' in html
    assert parser.ids["stopped"]["data-stopped"] == "yes"
    assert "phuong-ly-van-lam (cm-lyvanlam-r1) lost 37 of 120" in html
    assert html.count('data-window="') == 4 and 'data-verdict="rolled-back"' in html
    assert "a" * 64 in html


def test_html_with_the_verify_run_after() -> None:
    html = migration_html(report(clean(), verified({("xa-tan-thanh", "lgsp", "ipv6"): "fail"})))
    parser = _Collect()
    parser.feed(html)
    assert parser.text["fig-dual-stack-after"] == "2/3"
    assert parser.ids["verified-after"]["data-run"] == "5"
    assert 'data-commune="xa-tan-thanh" data-outcome="migrated" data-rolled-back="no" ' \
           'data-before="yes" data-dual-stack-after="no"' in html  # fmt: skip
    assert "netauto report --run 5 --format json | sha256sum" in html and "b" * 64 in html
    assert "stopped" not in parser.ids


def test_html_escapes_what_it_shows() -> None:
    run = broken()
    hostile = [s.model_copy(update={"name": '<script>alert("x")</script>'}) if s.slug == X
               else s for s in run.sites]  # fmt: skip
    html = migration_html(report(run.model_copy(update={"sites": hostile})))
    assert "<script>" not in html and "&lt;script&gt;" in html


# --- CSV -----------------------------------------------------------------------------------


def test_csv_one_row_per_commune_window_and_family() -> None:
    data = report(broken())
    text = migration_csv(data)
    found = rows(text)
    assert tuple(found[0]) == MIGRATION_CSV_COLUMNS
    assert len(found) == 3 * 4 * 2
    assert text.encode("utf-8")[:3] == b"\xef\xbb\xbf" and "\r\n" in text
    bad = [r for r in found if r["lost"] != "0"]
    assert len(bad) == 1
    row = bad[0]
    assert (row["commune"], row["commune_name"], row["window"], row["family"]) == (
        X, X_NAME, "batch 1", "ipv4")  # fmt: skip
    assert (row["sent"], row["lost"], row["window_verdict"]) == ("120", str(LOST), "rolled-back")
    assert (row["own_wave"], row["rolled_back"], row["outcome"]) == ("yes", "yes", "rolled-back")
    assert row["run_id"] == "4" and row["ipv4_before"] == "yes" and row["hub"] == "hub-01"
    assert {r["window_kind"] for r in found} == {"baseline", "wave", "after"}
    assert {r["dual_stack_after"] for r in found} == {"no-run"}


def test_csv_neutralises_formula_cells() -> None:
    run = broken()
    names = {X: '=HYPERLINK("http://evil")', "xa-tan-thanh": "+1", "phuong-an-xuyen": "@sum"}
    hostile = [s.model_copy(update={"name": names[s.slug]}) if s.slug in names else s
               for s in run.sites]  # fmt: skip
    found = rows(migration_csv(report(run.model_copy(update={"sites": hostile}))))
    assert {r["commune_name"] for r in found} == {"'" + n for n in names.values()}
    assert all(not r["commune_name"].startswith(("=", "+", "-", "@")) for r in found)


# --- Markdown ------------------------------------------------------------------------------


def test_markdown_names_the_rolled_back_commune() -> None:
    md = migration_markdown(report(broken()))
    assert md.startswith("# Báo cáo chuyển đổi sang IPv4 + IPv6 — Cà Mau (mã 96)")
    assert "- Communes migrated: **1/3**" in md
    assert f"- IPv4 probes during the waves: **660 sent, {LOST} lost**" in md
    assert "- Waves rolled back: **1/2**" in md
    assert "no verify run after this migration yet" in md
    assert "- Rollout stopped: guard: batch 1: IPv4 probes lost" in md
    line = next(x for x in md.splitlines() if x.startswith(f"| {X_NAME} |"))
    assert f"120/{LOST} · 0/0 * ↺" in line and "| rolled-back | yes (batch 1) |" in line
    assert "| batch 1 | cm-lyvanlam-r1, cm-tanthanh-r1 |" in md
    assert f"| {X_NAME} |" in md.split("## Các đợt")[1].split("## Theo")[0]  # over the limit
    assert "- Verdict: **FAIL**" in md


def test_markdown_of_a_verified_clean_rollout() -> None:
    md = migration_markdown(report(clean(), verified()))
    assert "- Communes dual-stack verified after: **3/3** (verify run 5)" in md
    assert "- Verdict: **PASS**" in md and "Rollout stopped" not in md
