"""Renderers: HTML (self-contained, Vietnamese intact), CSV (BOM, one row per check), Markdown."""

from __future__ import annotations

import csv
import io
import re
from html.parser import HTMLParser

from netauto.report.build import build_report
from netauto.report.formats import CSV_COLUMNS, to_csv, to_html, to_markdown
from tests.report.factory import province_run, tiny_run


class _Collect(HTMLParser):
    """Elements by id, every tag name and every attribute that could load something."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: dict[str, dict[str, str | None]] = {}
        self.tags: set[str] = set()
        self.loads: list[tuple[str, str, str | None]] = []
        self.text: dict[str, str] = {}
        self._open: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        found = dict(attrs)
        ident = found.get("id")
        if ident:
            self.ids[ident] = found
            self._open = ident
        for name, value in attrs:
            if name in ("src", "href", "srcset", "poster", "data") or name.startswith("on"):
                self.loads.append((tag, name, value))

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            self.text[self._open] = self.text.get(self._open, "") + data

    def handle_endtag(self, tag: str) -> None:
        self._open = None


def _html(run_statuses: object = None) -> str:
    run = province_run() if run_statuses is None else province_run(run_statuses)  # type: ignore[arg-type]
    run = run.model_copy(update={"info": run.info.model_copy(update={"run_id": 7})})
    return to_html(build_report(run, sha256="9" * 64, generated="2025-11-03T03:00:00+00:00"))


def test_html_is_self_contained() -> None:
    html = _html()
    parser = _Collect()
    parser.feed(html)
    assert html.startswith("<!DOCTYPE html>")
    assert '<html lang="vi">' in html and '<meta charset="utf-8">' in html
    assert parser.loads == []  # no src/href/on* at all: nothing is fetched, nothing runs
    assert not parser.tags & {"script", "link", "img", "iframe", "object", "embed", "svg"}
    assert "@import" not in html and "url(" not in html and "http" not in html.lower()
    assert "@media print" in html


def test_html_headline_figures_are_addressable() -> None:
    parser = _Collect()
    parser.feed(_html())
    assert parser.text["fig-dual-stack"] == "61/64"
    assert parser.ids["fig-dual-stack"]["data-value"] == "61"
    assert parser.ids["fig-dual-stack"]["data-total"] == "64"
    assert parser.text["fig-ipv4"] == "63/64" and parser.text["fig-ipv6"] == "62/64"
    assert parser.text["fig-isolation"] == "128/128"
    assert parser.ids["run-sha256"]["data-sha256"] == "9" * 64
    assert parser.ids["run-target"]["data-target"] == "lab"
    assert parser.ids["verdict"]["data-verdict"] == "fail"
    assert parser.ids["run-id"]["data-run-id"] == "7"


def test_html_vietnamese_and_escaping() -> None:
    html = _html()
    for name in ("Phường Bạc Liêu", "Xã Trần Văn Thời", "Xã Tạ An Khương", "Nguyễn Văn Kiểm"):
        assert name in html
    assert "Báo cáo kiểm tra kết nối" in html and "Người kiểm tra" in html  # sign-off
    assert "--format json | sha256sum" in html
    # Evidence is escaped, never interpreted.
    run = province_run()
    bad = run.checks[0].model_copy(update={"status": "fail", "evidence": "<script>x</script>"})
    run = run.model_copy(update={"checks": [bad, *run.checks[1:]]})
    html = to_html(build_report(run, sha256=""))
    assert "<script>" not in html and "&lt;script&gt;x&lt;/script&gt;" in html


def test_html_matrix_cells_carry_status() -> None:
    html = _html()
    cell = re.search(
        r'<tr data-commune="site-3005">.*?data-service="lgsp" data-family="ipv6" '
        r'data-status="(\w+)"',
        html,
    )
    assert cell is not None and cell.group(1) == "fail"
    assert html.count('class="cell ') == 64 * 5 * 2


def test_html_green_run_says_pass() -> None:
    parser = _Collect()
    parser.feed(_html({}))
    assert parser.ids["verdict"]["data-verdict"] == "pass"
    assert parser.text["fig-dual-stack"] == "64/64"


def test_csv_one_row_per_check_with_bom() -> None:
    run = province_run()
    text = to_csv(run)
    assert text.startswith("\ufeff")
    raw = text.encode("utf-8")
    assert raw[:3] == b"\xef\xbb\xbf"
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert len(rows) == len(run.checks)
    assert tuple(rows[0]) == CSV_COLUMNS
    failed = [r for r in rows if r["status"] == "fail"]
    assert len(failed) == 1
    assert failed[0]["site_name"] == "Phường Bạc Liêu" and failed[0]["hub"] == "hub-01"
    assert failed[0]["family"] == "ipv6" and "timed out" in failed[0]["evidence"]
    assert all(r["rtt_ms"] for r in rows if r["status"] == "pass" and r["kind"] == "reachability")


def test_csv_keeps_commas_and_newlines_in_evidence() -> None:
    run = tiny_run()
    evidence = 'PING 10.96.100.10, 5 packets\n5 packets transmitted, 0 received, "100%" loss'
    bad = run.checks[0].model_copy(update={"status": "fail", "evidence": evidence})
    run = run.model_copy(update={"checks": [bad, *run.checks[1:]]})
    rows = list(csv.DictReader(io.StringIO(to_csv(run).removeprefix("\ufeff"))))
    assert rows[0]["evidence"] == evidence


def test_markdown_sections_and_escaping() -> None:
    run = province_run()
    bad = run.checks[0].model_copy(update={"status": "fail", "evidence": "a | b\nc"})
    run = run.model_copy(update={"checks": [bad, *run.checks[1:]]})
    md = to_markdown(build_report(run, sha256="e" * 64))
    assert md.startswith("# Báo cáo kiểm tra kết nối xã/phường — Cà Mau (mã 96)")
    assert "**60/64**" in md  # one more failure than the default run
    for heading in (
        "## Theo điểm tập trung",
        "## Theo xã/phường",
        "## Ma trận",
        "## Lỗi",
        "## Xu hướng",
    ):
        assert heading in md
    assert "a \\| b<br>c" in md
    assert "`" + "e" * 64 + "`" in md
    # Every table row has as many cells as its header.
    for block in md.split("\n\n"):
        lines = [ln for ln in block.splitlines() if ln.startswith("|")]
        if lines:
            widths = {len(re.split(r"(?<!\\)\|", ln)) for ln in lines}
            assert len(widths) == 1, block
