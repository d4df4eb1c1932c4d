"""Report renderers: HTML (for the auditor), CSV (for spreadsheets), Markdown (for tickets),
of a verify run (:func:`to_html`, :func:`to_csv`, :func:`to_markdown`) and of a migration run
(:func:`migration_html`, :func:`migration_csv`, :func:`migration_markdown`).

All are pure: data in, text out. JSON is not here: the JSON format is the run's canonical
raw results exactly as stored and hashed (:func:`netauto.verify.history.canonical_json`).

CSV choice: UTF-8 *with* a byte-order mark and CRLF line ends, so that Excel (which
otherwise assumes the local ANSI code page) shows Vietnamese names correctly; Python's
``csv`` reads it back with ``encoding="utf-8-sig"``. A text cell that a spreadsheet would
take for a formula (it starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return:
device output such as ping's ``--- statistics ---`` line, or a hostile name) is written
with a leading ``'`` (:func:`csv_safe`).
"""

from __future__ import annotations

import csv
import io

import jinja2

from netauto.report.models import Cell, MigrationReportData, ReportData
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


_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: object) -> object:
    """``value`` as a CSV cell a spreadsheet will not evaluate: text that starts like a
    formula gets a leading ``'``; numbers and other text are kept.

    Examples:
        >>> print(csv_safe('=HYPERLINK("http://x")'))
        '=HYPERLINK("http://x")
        >>> csv_safe("--- 10.96.2.10 ping statistics ---")
        "'--- 10.96.2.10 ping statistics ---"
        >>> csv_safe("Xã Tân Thành"), csv_safe(-1), csv_safe("")
        ('Xã Tân Thành', -1, '')
    """
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def _csv_text(header: tuple[str, ...], rows: list[list[object]]) -> str:
    """A CSV document: BOM, header, CRLF rows, every cell through :func:`csv_safe`."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([csv_safe(v) for v in row] for row in rows)
    return "\ufeff" + buffer.getvalue()


def clock(iso: str) -> str:
    """The time of day of an ISO 8601 timestamp (as written), for narrow table cells.

    Examples:
        >>> clock("2025-11-03T02:00:07.500000+00:00")
        '02:00:07'
        >>> clock("t0")
        't0'
    """
    _, sep, rest = iso.partition("T")
    return rest[:8] if sep and len(rest) >= 8 else iso


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("netauto.report", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    env.filters["clock"] = clock
    return env


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
    rows: list[list[object]] = []
    for c in run.checks:
        site = sites.get(c.site)
        rows.append(
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
    return _csv_text(CSV_COLUMNS, rows)


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


# --- the migration report ------------------------------------------------------------------

OUTCOMES: dict[str, str] = {
    "migrated": "Đã chuyển đổi",
    "rolled-back": "Đã hoàn tác",
    "failed": "Lỗi",
    "refused": "Bị từ chối",
    "skipped": "Chưa đẩy (dừng)",
    "not-pushed": "Ngoài đợt đẩy",
}
"""Vietnamese wording of a commune's outcome in a migration."""

VERDICTS: dict[str, str] = {
    "ok": "Đạt",
    "watched": "Theo dõi",
    "loss": "Mất gói",
    "rolled-back": "Đã hoàn tác",
}
"""Vietnamese wording of how a window of the guard ended."""

BEFORE: dict[str, str] = {"yes": "Thông", "no": "Không thông", "unknown": "Chưa đo"}
AFTER: dict[str, str] = {
    "yes": "Có",
    "no": "Không",
    "not-verified": "Chưa kiểm tra",
    "no-run": "Chưa kiểm tra",
}
_BEFORE_CELL = {"yes": "pass", "no": "fail", "unknown": "none"}
_AFTER_CELL = {"yes": "pass", "no": "fail", "not-verified": "none", "no-run": "none"}

MIGRATION_CSV_COLUMNS: tuple[str, ...] = (
    "run_id",
    "commune",
    "commune_name",
    "commune_code",
    "hub",
    "router",
    "window",
    "window_kind",
    "family",
    "sent",
    "lost",
    "window_start",
    "window_end",
    "window_verdict",
    "own_wave",
    "rolled_back",
    "ipv4_before",
    "outcome",
    "ipv6_from",
    "dual_stack_after",
)


def migration_html(data: MigrationReportData) -> str:
    """The self-contained HTML report of a migration (inline CSS; nothing loaded, nothing run)."""
    template = _environment().get_template("migration.html.j2")
    return template.render(
        data=data, outcomes=OUTCOMES, verdicts=VERDICTS, before=BEFORE, after=AFTER,
        before_cell=_BEFORE_CELL, after_cell=_AFTER_CELL,
    )  # fmt: skip


def migration_csv(data: MigrationReportData) -> str:
    """One row per commune × window (baseline, each wave, after) × family; BOM first."""
    windows = {w.name: w for w in data.waves}
    run_id = "" if data.meta.run_id is None else data.meta.run_id
    rows: list[list[object]] = []
    for commune in data.communes:
        for cell in commune.windows:
            window = windows.get(cell.window)
            for family in ("ipv4", "ipv6"):
                probes = cell.ipv4 if family == "ipv4" else cell.ipv6
                rows.append(
                    [
                        run_id,
                        commune.slug,
                        commune.name,
                        commune.commune_code or "",
                        commune.hub or "",
                        commune.router,
                        cell.window,
                        cell.kind,
                        family,
                        probes.sent,
                        probes.lost,
                        window.start if window else "",
                        window.end if window else "",
                        window.verdict if window else "",
                        "yes" if cell.own else "no",
                        "yes" if cell.rolled_back else "no",
                        commune.before,
                        commune.outcome,
                        commune.ipv6_from or "",
                        commune.dual_stack_after,
                    ]
                )
    return _csv_text(MIGRATION_CSV_COLUMNS, rows)


def _pair(sent: int, lost: int) -> str:
    """Examples:
    >>> _pair(120, 0)
    '120/0'
    """
    return f"{sent}/{lost}"


def migration_markdown(data: MigrationReportData) -> str:
    """The migration report as Markdown: the same sections as the HTML."""
    m, h = data.meta, data.headline
    run = "—" if m.run_id is None else str(m.run_id)
    after = (
        f"**{h.dual_stack_after}/{h.communes}** (verify run {data.verified.run_id})"
        if data.verified is not None and h.dual_stack_after is not None
        else "no verify run after this migration yet (`netauto verify`)"
    )
    lines = [
        f"# Báo cáo chuyển đổi sang IPv4 + IPv6 — {m.province} (mã {m.province_code})",
        "",
        f"Dual-stack migration report (guarded rollout), run {run}.",
        "",
        f"- Run: {run}; started {m.started}, finished {m.finished} (UTC)",
        f"- Target: {m.target}",
        f"- SoT: `{m.inventory}`" + (f" (SHA-256 `{m.sot_sha256}`)" if m.sot_sha256 else ""),
        f"- Operator: {m.operator or '—'}",
        f"- netauto: run {m.run_netauto_version or '—'}, report {m.report_netauto_version}",
        f"- Guard: at most {m.max_loss} IPv4 probes lost per commune and wave, "
        f"{m.rate:g} probes/s per commune and family",
        f"- SHA-256 of the raw record: `{m.sha256}` "
        f"(`netauto report --run {run} --format json | sha256sum`)",
        "",
        "## Kết quả chính (headline)",
        "",
        f"- Communes migrated: **{h.communes_migrated}/{h.communes}**",
        f"- IPv4 probes during the waves: **{h.ipv4.sent} sent, {h.ipv4.lost} lost**",
        f"- IPv6 probes during the waves: {h.ipv6.sent} sent, {h.ipv6.lost} lost",
        f"- Communes whose IPv4 lost a probe: **{h.communes_ipv4_loss}**",
        f"- Communes reachable over IPv4 before: {h.communes_reachable_before}/{h.communes}",
        f"- Waves rolled back: **{h.waves_rolled_back}/{h.waves}**",
        f"- Communes dual-stack verified after: {after}",
        "- Devices: " + (", ".join(f"{n} {k}" for k, n in h.devices.items()) or "none"),
    ]
    if h.stopped:
        lines.append(f"- Rollout stopped: {md_cell(h.stopped_message or 'yes')}")
    lines += [f"- Verdict: **{'PASS' if h.verdict else 'FAIL'}**", "", "## Các đợt (waves)", ""]
    lines += _table(
        ["Window", "Devices", "From–to (UTC)", "s", "IPv4 sent/lost", "IPv6 sent/lost",
         "Verdict", "Communes over the limit"],
        [
            [w.name, ", ".join(w.hosts), f"{clock(w.start)}–{clock(w.end)}", f"{w.seconds:.1f}",
             _pair(w.ipv4.sent, w.ipv4.lost), _pair(w.ipv6.sent, w.ipv6.lost), w.verdict,
             ", ".join(w.over)]
            for w in data.waves
        ],
    )  # fmt: skip
    lines += [
        "",
        "## Theo xã/phường (per commune)",
        "",
        "Each wave: IPv4 sent/lost · IPv6 sent/lost; `*` the commune's own wave, "
        "`↺` rolled back there.",
        "",
    ]
    lines += _table(
        ["Commune", "Hub", "Router", "IPv4 before", *data.wave_names, "Outcome",
         "Rolled back", "IPv6 from (UTC)", "Dual-stack after"],
        [
            [
                c.name, c.hub_name, c.router,
                f"{_before(c.before)} ({_pair(c.before_probes.sent, c.before_probes.lost)})",
                *(
                    f"{_pair(w.ipv4.sent, w.ipv4.lost)} · {_pair(w.ipv6.sent, w.ipv6.lost)}"
                    + (" *" if w.own else "") + (" ↺" if w.rolled_back else "")
                    for w in c.wave_cells()
                ),
                c.outcome, f"yes ({c.rolled_back_in})" if c.rolled_back else "no",
                clock(c.ipv6_from) if c.ipv6_from else None,
                _after(c.dual_stack_after, c.ipv4_after, c.ipv6_after),
            ]
            for c in data.communes
        ],
    )  # fmt: skip
    lines += ["", "## Thiết bị (devices)", ""]
    lines += _table(
        ["Device", "Site", "Wave", "Outcome", "Detail"],
        [[d.host, d.site_name, d.wave, d.outcome, d.detail] for d in data.devices],
    )
    if data.unguarded:
        lines += ["", "## Không được giám sát (unguarded communes)", ""]
        lines += _table(["Commune", "Reason"], [[u.name, u.reason] for u in data.unguarded])
    return "\n".join(lines) + "\n"


def _before(value: str) -> str:
    """IPv4 reachability before, in words.

    Examples:
        >>> _before("yes"), _before("unknown")
        ('yes', 'not probed')
    """
    return {"yes": "yes", "no": "no", "unknown": "not probed"}[value]


def _after(value: str, ipv4: bool | None, ipv6: bool | None) -> str:
    """Dual-stack after, in words, with the family that failed.

    Examples:
        >>> _after("no", True, False)
        'no (IPv6 not connected)'
        >>> _after("no-run", None, None)
        'no verify run yet'
    """
    if value == "yes":
        return "yes"
    if value == "no":
        missing = [f for f, ok in (("IPv4", ipv4), ("IPv6", ipv6)) if not ok]
        return f"no ({' and '.join(missing)} not connected)"
    return "not in the verify run" if value == "not-verified" else "no verify run yet"
