"""The pure report core: a VerifyRun (+ earlier summaries) -> ReportData."""

from __future__ import annotations

import pytest

from netauto.report.build import build_report, worst
from netauto.verify.history import summarise
from tests.report.factory import PROVINCE_FAILURES, province_run, tiny_run


def test_headline_of_the_province_run() -> None:
    data = build_report(province_run(), sha256="f" * 64)
    h = data.headline
    assert (h.communes_dual_stack, h.communes_total) == (61, 64)
    assert (h.communes_ipv4, h.communes_ipv6) == (63, 62)
    assert (h.isolation_holding, h.isolation_total) == (128, 128)
    assert h.routing_findings == h.drift_findings == 0
    assert not h.verdict
    assert data.meta.sha256 == "f" * 64 and data.meta.province == "Cà Mau"


def test_all_green_run_passes() -> None:
    data = build_report(province_run({}), sha256="0" * 64)
    assert data.headline.communes_dual_stack == 64
    assert data.headline.verdict
    assert data.failures == []


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        (["pass", "pass"], "pass"),
        (["pass", "skip"], "skip"),
        (["skip", "error"], "error"),
        (["error", "fail", "pass"], "fail"),
        ([], "none"),
    ],
)
def test_worst_status(statuses: list[str], expected: str) -> None:
    assert worst(statuses) == expected


def test_per_hub_rows_add_up() -> None:
    data = build_report(province_run(), sha256="")
    assert [r.slug for r in data.hubs] == ["hub-01", "hub-02", "hub-03", "hub-04"]
    assert data.hubs[0].name == "Điểm tập trung 01"
    assert sum(r.communes for r in data.hubs) == 64
    assert sum(r.dual_stack for r in data.hubs) == 61
    # site-3005 (index 4) is on hub-01; site-3012 (index 11) and site-3020 (index 19) on hub-04;
    # the skip at site-3020 costs dual-stack but is not a failed check.
    by_slug = {r.slug: r for r in data.hubs}
    assert by_slug["hub-01"].dual_stack == 15 and by_slug["hub-04"].dual_stack == 14
    assert by_slug["hub-01"].failed_checks == 1 and by_slug["hub-04"].failed_checks == 1


def test_commune_rows_and_matrix() -> None:
    data = build_report(province_run(), sha256="")
    rows = {r.slug: r for r in data.communes}
    assert rows["site-3005"].name == "Phường Bạc Liêu"
    assert (rows["site-3005"].ipv4, rows["site-3005"].ipv6) == ("pass", "fail")
    assert (rows["site-3012"].ipv4, rows["site-3012"].ipv6) == ("error", "pass")
    assert (rows["site-3020"].ipv4, rows["site-3020"].ipv6) == ("pass", "skip")
    assert not rows["site-3020"].dual_stack and rows["site-3001"].dual_stack
    assert rows["site-3001"].median_rtt_ms is not None
    assert data.services == ["lgsp", "portal", "mail", "one-stop", "video"]
    matrix = {r.slug: {c.service: (c.ipv4, c.ipv6) for c in r.cells} for r in data.matrix}
    assert matrix["site-3005"]["lgsp"] == ("pass", "fail")
    assert matrix["site-3005"]["portal"] == ("pass", "pass")
    assert matrix["site-3012"]["portal"] == ("error", "pass")
    assert matrix["site-3020"]["video"] == ("pass", "skip")


def test_failures_carry_evidence_in_a_stable_order() -> None:
    run = province_run(
        isolation_breaks=frozenset({("site-3002", "site-3003")}),
        route_findings=frozenset({"hub-02"}),
    )
    data = build_report(run, sha256="")
    kinds = [f.kind for f in data.failures]
    assert kinds == ["reachability", "reachability", "isolation", "isolation", "routing"]
    first = data.failures[0]
    assert first.site_name == "Phường Bạc Liêu" and "timed out" in first.evidence
    assert data.failures[1].status == "error" and "ssh" in data.failures[1].evidence
    assert data.failures[-1].site_name == "Điểm tập trung 02"
    assert data.headline.routing_findings == 1
    assert data.headline.isolation_holding == 126


def test_trend_marks_current_and_deltas() -> None:
    earlier = [
        summarise(
            province_run({**PROVINCE_FAILURES, ("site-3030", "mail", "ipv6"): "fail"})
        ).model_copy(update={"run_id": 1}),
        summarise(province_run()).model_copy(update={"run_id": 2}),
    ]
    run = province_run({})
    run = run.model_copy(update={"info": run.info.model_copy(update={"run_id": 3})})
    # The current run may be in `earlier` too (the store returns it): it is shown once, last.
    earlier.append(summarise(run))
    data = build_report(run, sha256="", earlier=earlier)
    assert [t.run_id for t in data.trend] == [1, 2, 3]
    assert [t.delta_dual_stack for t in data.trend] == [None, 1, 3]
    assert [t.current for t in data.trend] == [False, False, True]


def test_tiny_run_has_one_hub_three_communes() -> None:
    data = build_report(tiny_run(), sha256="")
    assert [r.name for r in data.communes] == [
        "Phường An Xuyên",
        "Phường Lý Văn Lâm",
        "Xã Tân Thành",
    ]
    assert data.hubs[0].communes == 3 and data.hubs[0].name == "Điểm tập trung 01"
    assert data.headline.verdict
