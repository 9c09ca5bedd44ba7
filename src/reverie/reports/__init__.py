"""Case and session reports (self-contained HTML)."""

from reverie.reports.case_report import render_case_report

__all__ = ["render_case_report"]
