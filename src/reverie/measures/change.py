"""Change statistics clinicians and researchers trust: reliable change, clinical significance, sudden gains.

References
- Jacobson NS, Truax P (1991). Clinical significance: a statistical approach to defining meaningful
  change in psychotherapy research. J Consult Clin Psychol 59(1):12-19.
- Tang TZ, DeRubeis RJ (1999). Sudden gains and critical sessions in cognitive-behavioral therapy for
  depression. J Consult Clin Psychol 67(6):894-904.
Sudden gains are labelled *candidate* events: simulation studies show high false-positive rates
when the criteria are applied to noisy session-by-session data.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from statistics import mean, variance
from typing import Any, Sequence

Z_RELIABLE = 1.96
# Critical t for the third Tang & DeRubeis criterion by degrees of freedom (n_pre + n_post - 2):
# 3 + 3 points -> 2.776, one point missing -> 3.182, two missing -> 4.303.
CRITICAL_T: dict[int, float] = {4: 2.776, 3: 3.182, 2: 4.303}


def s_diff(sd: float, r: float) -> float:
    """Standard error of the difference: S_diff = SD * sqrt(2) * sqrt(1 - r)."""
    if sd is None or r is None or sd <= 0 or not 0 <= r < 1:
        raise ValueError(f"need SD > 0 and 0 <= r < 1, got SD={sd}, r={r}")
    return sd * math.sqrt(2) * math.sqrt(1 - r)


def rc_cutoff(sd: float, r: float, z: float = Z_RELIABLE) -> float:
    """The smallest raw change that is reliable at ``z``: z * S_diff."""
    return z * s_diff(sd, r)


@dataclass
class ReliableChange:
    """One pre/post comparison. ``direction`` is in clinical terms (improved / deteriorated / none)."""

    pre: float
    post: float
    change: float
    s_diff: float | None
    rci: float | None
    rci_cutoff_points: float | None
    points_threshold: float | None
    criterion: str
    reliable: bool
    direction: str

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        for k in ("change", "s_diff", "rci", "rci_cutoff_points"):
            if d[k] is not None:
                d[k] = round(d[k], 3)
        return d


def reliable_change(pre: float, post: float, sd: float | None, r: float | None, *,
                    lower_is_better: bool = True, points_threshold: float | None = None,
                    criterion: str = "rci", z: float = Z_RELIABLE) -> ReliableChange:
    """Jacobson & Truax RC = (post - pre) / S_diff, reliable when |RC| > z.

    With ``criterion="points"`` the verdict uses the raw-point threshold (|post - pre| >= points)
    instead, and the RCI is still reported where SD and r are known.
    """
    change = post - pre
    sdiff = s_diff(sd, r) if sd is not None and r is not None else None
    rci = change / sdiff if sdiff else None
    if criterion == "points":
        if points_threshold is None:
            raise ValueError("criterion 'points' needs points_threshold")
        reliable = abs(change) >= points_threshold
    elif criterion == "rci":
        if rci is None:
            raise ValueError("criterion 'rci' needs SD and r")
        reliable = abs(rci) > z
    else:
        raise ValueError(f"unknown criterion '{criterion}'")
    better = change < 0 if lower_is_better else change > 0
    direction = "none" if not reliable or change == 0 else ("improved" if better else "deteriorated")
    return ReliableChange(pre, post, change, sdiff, rci, z * sdiff if sdiff else None, points_threshold,
                          criterion, reliable, direction)


def clinical_significance(post: float, *, clinical_mean: float | None = None, clinical_sd: float | None = None,
                          functional_mean: float | None = None, functional_sd: float | None = None,
                          cutoff: float | None = None, lower_is_better: bool = True) -> dict[str, Any]:
    """Jacobson & Truax criteria for where the post score lies.

    a: beyond 2 SD of the clinical mean, toward health  (M_clin - 2 SD_clin for lower-is-better scales)
    b: within 2 SD of the functional mean               (M_func + 2 SD_func)
    c: nearer the functional than the clinical mean     ((SD_clin M_func + SD_func M_clin) / (SD_clin + SD_func))
    ``published`` is the instrument's own cut-off. A criterion whose norms are missing is None.
    """
    sign = 1 if lower_is_better else -1
    cut: dict[str, float | None] = {"a": None, "b": None, "c": None, "published": cutoff}
    if clinical_mean is not None and clinical_sd is not None:
        cut["a"] = clinical_mean - sign * 2 * clinical_sd
    if functional_mean is not None and functional_sd is not None:
        cut["b"] = functional_mean + sign * 2 * functional_sd
    if None not in (clinical_mean, clinical_sd, functional_mean, functional_sd):
        cut["c"] = (clinical_sd * functional_mean + functional_sd * clinical_mean) / (clinical_sd + functional_sd)
    met = {k: None if v is None else (post < v if lower_is_better else post >= v) for k, v in cut.items()}
    return {"post": post, "cutoffs": {k: None if v is None else round(v, 3) for k, v in cut.items()}, "met": met}


def is_clinical(value: float, cutoff: float, lower_is_better: bool = True) -> bool:
    """On the clinical side of a cut-off: >= cut-off for symptom scales, < cut-off for strength scales."""
    return value >= cutoff if lower_is_better else value < cutoff


def classify(pre: float, post: float, *, sd: float | None = None, r: float | None = None,
             cutoff: float | None = None, lower_is_better: bool = True,
             points_threshold: float | None = None, criterion: str = "rci") -> str:
    """recovered | improved | unchanged | deteriorated (Jacobson & Truax).

    recovered: reliable improvement that also crosses the cut-off from the clinical to the functional
    side; improved: reliable improvement without that crossing; deteriorated: reliable worsening.
    """
    rc = reliable_change(pre, post, sd, r, lower_is_better=lower_is_better,
                         points_threshold=points_threshold, criterion=criterion)
    if rc.direction == "deteriorated":
        return "deteriorated"
    if rc.direction != "improved":
        return "unchanged"
    if cutoff is not None and is_clinical(pre, cutoff, lower_is_better) and not is_clinical(post, cutoff, lower_is_better):
        return "recovered"
    return "improved"


@dataclass
class Event:
    """A candidate sudden gain or loss between two consecutive administrations."""

    kind: str  # "gain" | "loss"
    session: int  # the first post-gain session
    pre_session: int
    magnitude: float  # raw points in the improving (gain) or worsening (loss) direction
    pre_value: float
    post_value: float
    relative: float  # magnitude as a share of the pre-gain score
    pre_mean: float
    post_mean: float
    pooled_sd: float
    t_critical: float
    instrument: str | None = None
    label: str = "candidate"

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        for k in ("magnitude", "relative", "pre_mean", "post_mean", "pooled_sd"):
            d[k] = None if math.isinf(d[k]) else round(d[k], 3)  # a loss from a score of 0 has no share
        return d


def _pooled_sd(pre: list[float], post: list[float]) -> float:
    ss = sum((len(w) - 1) * variance(w) for w in (pre, post) if len(w) > 1)
    return math.sqrt(ss / (len(pre) + len(post) - 2))


def sudden_gains(series: Sequence[tuple[int, float]], *, cutoff: float, lower_is_better: bool = True,
                 relative: float = 0.25, include_losses: bool = True,
                 instrument: str | None = None) -> list[Event]:
    """Candidate sudden gains (and losses) by the three Tang & DeRubeis criteria.

    ``series`` is (session, score) in session order, one point per administration. Between
    consecutive points N and N+1 (positions in the series) a gain needs:
      1. an improvement of at least ``cutoff`` raw points (the reliable-change cut-off);
      2. an improvement of at least ``relative`` (25 %) of the pre-gain score;
      3. mean(N-2..N) and mean(N+1..N+3) differing by more than t_crit x pooled SD, where
         t_crit is 2.776 / 3.182 / 4.303 for 3+3 / 5 / 4 available points (each window needs >= 2).
    A loss is the mirror image (worsening by the same criteria).
    """
    points = sorted((int(s), float(v)) for s, v in series)
    sign = 1.0 if lower_is_better else -1.0
    events: list[Event] = []
    for i in range(len(points) - 1):
        (s0, x0), (s1, x1) = points[i], points[i + 1]
        pre = [v for _, v in points[max(0, i - 2):i + 1]]
        post = [v for _, v in points[i + 1:i + 4]]
        if len(pre) < 2 or len(post) < 2:
            continue
        t_crit = CRITICAL_T[len(pre) + len(post) - 2]
        pooled = _pooled_sd(pre, post)
        for kind, k in (("gain", 1.0), ("loss", -1.0)):
            if kind == "loss" and not include_losses:
                continue
            magnitude = k * sign * (x0 - x1)
            if magnitude <= 0 or magnitude < cutoff:
                continue
            share = magnitude / abs(x0) if x0 else math.inf
            if share < relative:
                continue
            mean_diff = k * sign * (mean(pre) - mean(post))
            if mean_diff <= t_crit * pooled:
                continue
            events.append(Event(kind, s1, s0, magnitude, x0, x1, share, mean(pre), mean(post), pooled, t_crit,
                                instrument))
    return events
