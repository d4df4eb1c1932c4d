"""Stage: report. A stored verification run -> an auditor's report (HTML, CSV, JSON, Markdown).

Public API: :func:`build_report` (pure core) -> :class:`ReportData`, laid out by
:func:`to_html`, :func:`to_csv` and :func:`to_markdown`; runs come from
:mod:`netauto.verify.history`.
"""

from netauto.report.build import build_report
from netauto.report.formats import to_csv, to_html, to_markdown
from netauto.report.models import ReportData

__all__ = ["ReportData", "build_report", "to_csv", "to_html", "to_markdown"]
