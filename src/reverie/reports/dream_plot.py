"""The dream h-profile chart: one bar of Cohen's h per HVdC indicator, marked where beyond chance.

matplotlib is imported lazily and used without pyplot, so importing this module draws nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from reverie.errors import InputError
from reverie.outputs import NOTHING, Protected, check_target, write_output


def chart_format(path: str | Path) -> str:
    """PNG or SVG, by the file's suffix; anything else is refused before any work."""
    fmt = Path(path).suffix.lower().lstrip(".")
    if fmt not in ("png", "svg"):
        raise InputError(f"cannot write a chart to '{Path(path).name}'", hint="end the file name in .png or .svg")
    return fmt


def plot_h_profile(result: dict[str, Any], path: str | Path, *, force: bool = False,
                   protected: Protected = NOTHING) -> Path:
    """Write the chart of ``result["profile"]`` (from ``Workspace.dreams``), written like every output."""
    fmt = chart_format(path)
    check_target(path, force=force, protected=protected)
    return write_output(path, render_h_profile(result, fmt), force=force, protected=protected)


def render_h_profile(result: dict[str, Any], fmt: str = "svg") -> bytes:
    """The chart as PNG or SVG bytes (no file written)."""
    import io

    from matplotlib.figure import Figure

    rows = [r for r in result.get("profile") or [] if r.get("h") is not None]
    fig = Figure(figsize=(8, 0.32 * max(len(rows), 4) + 1.4), dpi=100)
    ax = fig.add_subplot(1, 1, 1)
    names = [r["indicator"] for r in rows][::-1]
    hs = [r["h"] for r in rows][::-1]
    colours = ["#d62728" if r["beyond_chance"] else "#7f7f7f" for r in rows][::-1]
    ax.barh(range(len(rows)), hs, color=colours)
    ax.set_yticks(range(len(rows)), names, fontsize=8)
    ax.axvline(0, color="black", linewidth=0.8)
    for x in (-0.2, 0.2):
        ax.axvline(x, color="#bbbbbb", linewidth=0.6, linestyle="--")
    ax.set_xlabel("Cohen's h against the norms (red: beyond chance for this sample)")
    ax.set_title(f"HVdC h-profile: {result.get('dreams', 0)} dreams against the {result.get('norms', '')} norms",
                 fontsize=10)
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format=fmt)
    return buffer.getvalue()
