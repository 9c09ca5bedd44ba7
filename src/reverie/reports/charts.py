"""Charts as PNG or SVG bytes: the progress plot (both indices over sessions, reliable-change bands, candidate
events and safety flags) and the dream h-profile. They write no file: the caller writes the bytes through
``reverie.outputs``.

matplotlib is imported lazily and used without pyplot (Agg for PNG), so importing this module draws nothing.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from reverie.errors import InputError

FEEL_COLOUR = "#1f77b4"
GET_COLOUR = "#2ca02c"


def chart_format(path: str | Path) -> str:
    """PNG or SVG, by the file's suffix; anything else is refused before any work."""
    fmt = Path(path).suffix.lower().lstrip(".")
    if fmt not in ("png", "svg"):
        raise InputError(f"cannot write a chart to '{Path(path).name}'", hint="end the file name in .png or .svg")
    return fmt


def _events(progress_dict: dict[str, Any]) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    gains, losses = [], []
    for inst_id, summary in (progress_dict.get("instruments") or {}).items():
        gains += [(int(e["session"]), inst_id) for e in summary.get("sudden_gains") or []]
        losses += [(int(e["session"]), inst_id) for e in summary.get("sudden_losses") or []]
    return gains, losses


def render_plot(progress_dict: dict[str, Any], fmt: str = "svg") -> bytes:
    """The plot as PNG or SVG bytes (no file written)."""
    from matplotlib.figure import Figure  # no pyplot: renders with Agg (PNG) / SVG, no GUI, no global state

    sessions = progress_dict.get("sessions") or []
    xs = [s["number"] for s in sessions]
    fig = Figure(figsize=(8, 5.2), dpi=100)
    ax = fig.add_subplot(1, 1, 1)
    bands = progress_dict.get("bands") or {}
    for key, colour, label in (("feeling_better", FEEL_COLOUR, "feeling better (symptoms)"),
                               ("getting_better", GET_COLOUR, "getting better (structure)")):
        pts = [(s["number"], s[key]) for s in sessions if s.get(key) is not None]
        if pts:
            # structure is measured monthly and carried forward between administrations: draw it as steps
            style = "steps-post" if key == "getting_better" else "default"
            ax.plot([p[0] for p in pts], [p[1] for p in pts], marker="o", color=colour, label=label,
                    drawstyle=style)
        if bands.get(key):
            ax.axhspan(-bands[key], bands[key], color=colour, alpha=0.08,
                       label=f"reliable-change band, {key.split('_')[0]} (+/-{bands[key]:.2f} SD)")
    ax.axhline(0, color="#888888", linewidth=0.8)
    feel = {s["number"]: s.get("feeling_better") for s in sessions}
    gains, losses = _events(progress_dict)
    for marker, colour, events, label in (("^", "#9467bd", gains, "candidate sudden gain"),
                                          ("v", "#8c564b", losses, "candidate sudden loss")):
        shown = [(x, feel.get(x) or 0.0) for x, _ in events]
        if shown:
            ax.scatter([p[0] for p in shown], [p[1] for p in shown], marker=marker, s=90, color=colour,
                       zorder=5, label=label)
    flagged = sorted({int(f["session"]) for f in progress_dict.get("flags") or [] if f.get("session") is not None})
    if flagged:
        bottom = min([v for s in sessions for v in (s.get("feeling_better"), s.get("getting_better")) if v is not None]
                     + [-1.0]) - 0.3
        ax.scatter(flagged, [bottom] * len(flagged), marker="X", s=80, color="#d62728", zorder=6,
                   label="safety flag (critical item)")
    ax.set_xlabel("session")
    ax.set_ylabel("change from baseline (SD units, + = better)")
    ax.set_title(f"Feeling better vs getting better - {progress_dict.get('client', '')}")
    if xs:
        ax.set_xticks(xs)
    ax.grid(alpha=0.3)
    if ax.get_legend_handles_labels()[0]:  # no questionnaires yet: no lines, no legend
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.13), ncol=2, fontsize=7, frameon=False)
    fig.tight_layout()
    metadata = {"Date": None} if fmt == "svg" else {"Software": None}
    buffer = io.BytesIO()
    fig.savefig(buffer, format=fmt, metadata=metadata)
    return buffer.getvalue()


def render_h_profile(result: dict[str, Any], fmt: str = "svg") -> bytes:
    """The chart as PNG or SVG bytes (no file written)."""
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
