"""The dream h-profile chart: one bar of Cohen's h per HVdC indicator, marked where beyond chance.

matplotlib is imported lazily and used without pyplot, so importing this module draws nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from reverie.errors import InputError


def plot_h_profile(result: dict[str, Any], path: str | Path) -> Path:
    """Write the chart of ``result["profile"]`` (from ``Workspace.dreams``) as PNG or SVG, by suffix."""
    path = Path(path)
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in ("png", "svg"):
        raise InputError(f"cannot write a chart to '{path.name}'", hint="end the file name in .png or .svg")
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
    fig.savefig(path, format=fmt)
    return path
