"""Report renderers: HTML (for the auditor), CSV (for spreadsheets), Markdown (for tickets).

All are pure: data in, text out. JSON is not here: the JSON format is the run's canonical
raw results exactly as stored and hashed (:func:`netauto.verify.history.canonical_json`).

CSV choice: UTF-8 *with* a byte-order mark and CRLF line ends, so that Excel (which
otherwise assumes the local ANSI code page) shows Vietnamese names correctly; Python's
``csv`` reads it back with ``encoding="utf-8-sig"``.
"""

from __future__ import annotations

import csv
import io

import jinja2

from netauto.report.models import Cell, ReportData
from netauto.verify.models import VerifyRun

LABELS: dict[str, str] = {
    "pass": "Đạt",
    "fail": "Không đạt",
    "error": "Lỗi",
    "skip": "Bỏ qua",
    "none": "Chưa kiểm tra",
}
"""Vietnamese wording of each status, as the HTML report shows it."""

MARKS: dict[str, str] = {"pass": "✓", "fail": "✗", "error": "!", "skip": "–", "none": "·"}
"""One-character status marks for the matrix (the cell colour says the same)."""

KINDS: dict[str, str] = {
    "reachability": "Kết nối",
    "isolation": "Cách ly",
    "routing": "Định tuyến",
    "drift": "Sai lệch cấu hình",
}

EXPECTS: dict[str, str] = {
    "reach": "thông (reach)",
    "blocked": "bị chặn (blocked)",
    "up": "hoạt động (up)",
    "match": "khớp SoT (match)",
}

CSV_COLUMNS: tuple[str, ...] = (
    "run_id",
    "check_id",
    "kind",
    "probe",
    "site",
    "site_name",
    "site_kind",
    "hub",
    "host",
    "source",
    "target",
    "target_address",
    "family",
    "port",
    "expect",
    "status",
    "rtt_ms",
    "duration_s",
    "evidence",
)


def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("netauto.report", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )


def to_html(data: ReportData) -> str:
    """The self-contained HTML report (inline CSS; no script, font, image or external link)."""
    template = _environment().get_template("report.html.j2")
    return template.render(data=data, labels=LABELS, marks=MARKS, kinds=KINDS, expects=EXPECTS)


def to_csv(run: VerifyRun) -> str:
    """One row per check, with the site's name and hub; UTF-8 BOM first (see module notes).

    Examples:
        >>> from netauto.verify.models import RunInfo, SiteInfo, CheckResult
        >>> info = RunInfo(run_id=7, started="t0", finished="t1", target="lab",
        ...                province="Cà Mau", province_code=96, inventory="inventory")
        >>> site = SiteInfo(slug="xa-tan-thanh", site_id=3, name="Xã Tân Thành", kind="commune")
        >>> check = CheckResult(id="r1", kind="reachability", probe="ping", site="xa-tan-thanh",
        ...     host="cm-r1", target="lgsp", family="ipv6", expect="reach", status="pass",
        ...     rtt_ms=1.5)
        >>> text = to_csv(VerifyRun(info=info, sites=[site], services=["lgsp"], checks=[check]))
        >>> text.startswith("\\ufeffrun_id,check_id,kind")
        True
        >>> text.splitlines()[1].split(",")[:8]
        ['7', 'r1', 'reachability', 'ping', 'xa-tan-thanh', 'Xã Tân Thành', 'commune', '']
        >>> text.splitlines()[1].split(",")[12:]
        ['ipv6', '', 'reach', 'pass', '1.5', '0.0', '']
    """
    sites = {s.slug: s for s in run.sites}
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for c in run.checks:
        site = sites.get(c.site)
        writer.writerow(
            [
                "" if run.info.run_id is None else run.info.run_id,
                c.id,
                c.kind,
                c.probe,
                c.site,
                site.name if site else "",
                site.kind if site else "",
                (site.hub or "") if site else "",
                c.host,
                c.source,
                c.target,
                c.target_address,
                c.family or "",
                "" if c.port is None else c.port,
                c.expect,
                c.status,
                "" if c.rtt_ms is None else c.rtt_ms,
                c.duration_s,
                c.evidence,
            ]
        )
    return "\ufeff" + buffer.getvalue()


def md_cell(text: object) -> str:
    """Make ``text`` safe inside a Markdown table cell (pipes escaped, one line).

    Examples:
        >>> md_cell("a|b\\nc")
        'a\\\\|b<br>c'
        >>> md_cell(None)
        '—'
    """
    if text is None or text == "":
        return "—"
    return (
        str(text).replace("\\", "\\\\").replace("|", "\\|").replace("\r", "").replace("\n", "<br>")
    )


def _status(cell: Cell) -> str:
    return f"{MARKS[cell]} {LABELS[cell]}"


def _table(header: list[str], rows: list[list[object]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(md_cell(v) for v in row) + " |" for row in rows]
    return lines


def to_markdown(data: ReportData) -> str:
    """The report as Markdown: the same sections as the HTML, matrix as marks."""
    m, h = data.meta, data.headline
    run = "—" if m.run_id is None else str(m.run_id)
    lines = [
        f"# Báo cáo kiểm tra kết nối xã/phường — {m.province} (mã {m.province_code})",
        "",
        f"Commune connectivity verification report, run {run}.",
        "",
        f"- Run: {run}; started {m.started}, finished {m.finished} (UTC)",
        f"- Target: {m.target}",
        f"- SoT: `{m.inventory}`" + (f" (SHA-256 `{m.sot_sha256}`)" if m.sot_sha256 else ""),
        f"- netauto: run {m.run_netauto_version or '—'}, report {m.report_netauto_version}",
        f"- SHA-256 of the raw results: `{m.sha256}` "
        f"(`netauto report --run {run} --format json | sha256sum`)",
        "",
        "## Kết quả chính (headline)",
        "",
        f"- Communes fully dual-stack connected: **{h.communes_dual_stack}/{h.communes_total}**",
        f"- Connected over IPv4: **{h.communes_ipv4}/{h.communes_total}**",
        f"- Connected over IPv6: **{h.communes_ipv6}/{h.communes_total}**",
        f"- Isolation checks holding: **{h.isolation_holding}/{h.isolation_total}**",
        f"- Routing findings: **{h.routing_findings}**; drift findings: **{h.drift_findings}**",
        f"- Checks: {h.checks_total} (pass {h.checks_pass}, fail {h.checks_fail}, "
        f"error {h.checks_error}, skip {h.checks_skip})",
        f"- Verdict: **{'PASS' if h.verdict else 'FAIL'}**",
        "",
        "## Theo điểm tập trung (per hub)",
        "",
    ]
    lines += _table(
        ["Hub", "Communes", "Dual-stack", "IPv4", "IPv6", "Failed checks"],
        [
            [
                f"{r.name} ({r.slug})" if r.slug else r.name,
                r.communes,
                r.dual_stack,
                r.ipv4,
                r.ipv6,
                r.failed_checks,
            ]
            for r in data.hubs
        ],
    )
    lines += ["", "## Theo xã/phường (per commune)", ""]
    lines += _table(
        ["Commune", "Code", "Hub", "IPv4", "IPv6", "Dual-stack", "Median RTT ms", "Failed"],
        [
            [
                r.name,
                r.commune_code,
                r.hub_name,
                _status(r.ipv4),
                _status(r.ipv6),
                "yes" if r.dual_stack else "no",
                r.median_rtt_ms,
                f"{r.failed_checks}/{r.checks}",
            ]
            for r in data.communes
        ],
    )
    lines += ["", "## Ma trận xã/phường × dịch vụ (IPv4 / IPv6)", ""]
    lines += _table(
        ["Commune", *data.services],
        [
            [row.name, *(f"{MARKS[c.ipv4]} / {MARKS[c.ipv6]}" for c in row.cells)]
            for row in data.matrix
        ],
    )
    lines += ["", f"## Lỗi và bằng chứng (failures: {len(data.failures)})", ""]
    if data.failures:
        lines += _table(
            ["Kind", "Site", "Host", "Target", "Family", "Status", "Evidence", "Check"],
            [
                [
                    f.kind,
                    f.site_name,
                    f.host,
                    f.target + (f" {f.target_address}" if f.target_address else ""),
                    f.family,
                    f.status,
                    f.evidence,
                    f.check_id,
                ]
                for f in data.failures
            ],
        )
    else:
        lines.append("No check failed.")
    lines += ["", "## Xu hướng (trend)", ""]
    lines += _table(
        [
            "Run",
            "Started",
            "Target",
            "Dual-stack",
            "Change",
            "IPv4",
            "IPv6",
            "Isolation",
            "Findings",
            "Fail/error",
        ],
        [
            [
                f"{t.run_id if t.run_id is not None else '—'}{' (this run)' if t.current else ''}",
                t.started,
                t.target,
                f"{t.communes_dual_stack}/{t.communes_total}",
                None if t.delta_dual_stack is None else f"{t.delta_dual_stack:+d}",
                t.communes_ipv4,
                t.communes_ipv6,
                f"{t.isolation_holding}/{t.isolation_total}",
                t.findings,
                f"{t.checks_fail}/{t.checks_error}",
            ]
            for t in data.trend
        ],
    )
    return "\n".join(lines) + "\n"
