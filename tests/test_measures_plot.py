"""The progress plot writes real PNG and SVG files."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from reverie.domain import Response
from reverie.errors import InputError
from reverie.measures.plot import plot_progress
from reverie.measures.progress import progress


def _progress() -> dict:
    totals = [20, 21, 20, 12, 11, 10]  # a candidate sudden gain at session 4
    rs = [Response("P1", "phq9", [min(3, max(0, t - 3 * k)) for k in range(8)] + [1 if s == 2 else 0], session=s)
          for s, t in enumerate(totals, start=1)]
    rs += [Response("P1", "scs_sf", [2] * 12, session=1), Response("P1", "scs_sf", [3] * 12, session=4)]
    return progress("P1", rs)


def test_plot_writes_png(tmp_path):
    p = _progress()
    assert p["instruments"]["phq9"]["sudden_gains"] and p["flags"]  # the plot has events to mark
    out = plot_progress(p, tmp_path / "progress.png")
    data = out.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 5000


def test_plot_writes_parseable_svg(tmp_path):
    out = plot_progress(_progress(), tmp_path / "sub" / "progress.svg")
    root = ET.parse(out).getroot()
    assert root.tag.endswith("svg")
    assert "feeling better" in out.read_text()


def test_plot_rejects_unknown_suffix(tmp_path):
    with pytest.raises(InputError, match=".png or .svg"):
        plot_progress(_progress(), tmp_path / "progress.jpg")
