"""The charts render real PNG and SVG bytes and write no file; the caller writes them through ``reverie.outputs``."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from reverie.domain import Response
from reverie.errors import InputError
from reverie.measures.progress import progress
from reverie.reports.charts import chart_format, render_h_profile, render_plot


def _progress() -> dict:
    totals = [20, 21, 20, 12, 11, 10]  # a candidate sudden gain at session 4
    rs = [Response("P1", "phq9", [min(3, max(0, t - 3 * k)) for k in range(8)] + [1 if s == 2 else 0], session=s)
          for s, t in enumerate(totals, start=1)]
    rs += [Response("P1", "scs_sf", [2] * 12, session=1), Response("P1", "scs_sf", [3] * 12, session=4)]
    return progress("P1", rs)


def test_reports_charts_progress_png_bytes_and_no_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    p = _progress()
    assert p["instruments"]["phq9"]["sudden_gains"] and p["flags"]  # the plot has events to mark
    data = render_plot(p, "png")
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 5000
    assert list(tmp_path.iterdir()) == []  # nothing written, not even a temporary file


def test_reports_charts_progress_svg_parses() -> None:
    data = render_plot(_progress(), "svg")
    assert ET.fromstring(data).tag.endswith("svg")
    assert b"feeling better" in data


def test_reports_charts_h_profile_svg() -> None:
    result = {"dreams": 3, "norms": "female", "profile": [
        {"indicator": "Aggression/Friendliness", "h": 0.4, "beyond_chance": True},
        {"indicator": "Male/Female", "h": -0.1, "beyond_chance": False}]}
    data = render_h_profile(result, "svg")
    assert ET.fromstring(data).tag.endswith("svg")
    assert b"3 dreams" in data


@pytest.mark.parametrize("name, fmt", [("a.png", "png"), ("b.SVG", "svg")])
def test_reports_charts_format_by_suffix(name: str, fmt: str) -> None:
    assert chart_format(name) == fmt


def test_reports_charts_format_rejects_unknown_suffix() -> None:
    with pytest.raises(InputError, match=".png or .svg"):
        chart_format("progress.jpg")
