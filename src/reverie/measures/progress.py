"""Feeling better vs getting better: the progress picture of one case.

Per session two indices, each a weighted mean of standardised change from baseline
(z = sign x (value - baseline) / reference SD, positive = better):
- *feeling better*: the symptom measures (PHQ-9, GAD-7, CORE-10);
- *getting better*: the structural measures (SCS-SF, RFQ-8, DSQ-40, LPFS-BF, WAI-SR) and, where
  analysers supply them, process markers (``MARKER_WEIGHTS``).
Structural measures are sparse (monthly), so the last value is carried forward and the evidence says so.
The classes are hypotheses for the clinician to weigh, never verdicts.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any, Mapping, Sequence

from reverie.domain import Response
from reverie.errors import ScoringError
from reverie.measures import change
from reverie.measures.instruments import Instrument, get_instrument
from reverie.measures.scoring import Score, score

# Process markers accepted from analysers: direction (+1 = higher is better), weight in the
# getting-better index (a questionnaire counts 1.0), and the SD used to standardise its change.
MARKER_WEIGHTS: dict[str, dict[str, Any]] = {
    "odf": {"direction": 1, "weight": 0.5, "sd": 0.5,
            "label": "overall defensive functioning (DMRS ODF, 1-7)"},
    # block classes shift a lot from session to session (about ten 150-word blocks each), hence the wide SD
    "connecting_share": {"direction": 1, "weight": 0.25, "sd": 0.20,
                         "label": "share of connecting blocks (high emotion tone and abstraction; therapeutic cycles)"},
    "referential_activity": {"direction": 1, "weight": 0.25, "sd": 0.10,
                             "label": "referential activity (words linking feeling and experience)"},
}
INSTRUMENT_WEIGHT = 1.0
IMPROVING = 0.5  # standardised units (a medium effect) for "improving" / "worsening"
MIN_SYMPTOM_POINTS = 3
EXPECTED_SESSION = 8  # by here some reliable symptom or structural improvement is expected
CLASSES = ("getting_better", "relief_without_change", "worse_before_better", "not_on_track", "too_early")
NOTICE = ("These are markers and hypotheses to explore with the client, not diagnoses or verdicts. "
          "Structural questionnaires are given monthly; between administrations their last value is "
          "carried forward. Sudden gains are candidate events (high false-positive rates).")


def _fmt(v: float | None) -> str:
    if v is None:
        return "n/a"
    return f"{v:g}" if float(v).is_integer() else f"{v:.2f}"


def _label(inst: Instrument, score_name: str) -> str:
    short = inst.name.split("(")[-1].rstrip(")") if "(" in inst.name else inst.id
    return short if score_name == "total" else f"{short} {score_name.replace('_', ' ')}"


class _Component:
    """One standardised series feeding an index: an instrument score or a process marker."""

    def __init__(self, key: str, label: str, domain: str, sign: float, weight: float, sd: float,
                 points: list[tuple[int, float]]):
        self.key, self.label, self.domain = key, label, domain
        self.sign, self.weight, self.sd = sign, weight, sd
        self.points = sorted(points)
        self.baseline_session, self.baseline = self.points[0]

    def at(self, session: int) -> dict[str, Any] | None:
        seen = [(s, v) for s, v in self.points if s <= session]
        if not seen:
            return None
        last_session, value = seen[-1]
        z = self.sign * (value - self.baseline) / self.sd
        carried = last_session != session
        text = (f"{self.label}: {_fmt(self.baseline)} (session {self.baseline_session}) -> {_fmt(value)}"
                f"{f' (carried forward from session {last_session})' if carried else ''}: {z:+.2f} SD")
        return {"key": self.key, "label": self.label, "domain": self.domain, "value": value, "baseline": self.baseline,
                "z": round(z, 3), "weight": self.weight, "carried_forward": carried,
                "observed_session": last_session, "follow_up": last_session > self.baseline_session,
                "evidence": text}


def _score_all(client: str, responses: Sequence[Response]) -> tuple[dict, list, list]:
    by_inst: dict[str, dict[int, tuple[Response, Score]]] = defaultdict(dict)
    skipped: list[str] = []
    flags: list[dict[str, Any]] = []
    ordered = sorted(responses, key=lambda r: (r.session if r.session is not None else 10**9, r.date or date.min))
    for r in ordered:
        if r.client and client and r.client != client:
            continue
        if r.session is None:
            skipped.append(f"{r.instrument} on {r.date}: no session number")
            continue
        try:
            sc = score(r.instrument, r.answers)
        except ScoringError as exc:
            skipped.append(f"{r.instrument} session {r.session}: {exc.message}")
            continue
        for d in sc.flag_details:
            flags.append({**d, "message": d["text"], "session": r.session,
                          "date": r.date.isoformat() if r.date else None})
        by_inst[sc.instrument][int(r.session)] = (r, sc)
    return by_inst, flags, skipped


def _components(by_inst: dict, markers: Mapping[int, Mapping[str, float]] | None) -> list[_Component]:
    comps: list[_Component] = []
    for inst_id, rows in by_inst.items():
        inst = get_instrument(inst_id)
        if inst.domain not in ("symptom", "structural"):
            continue
        for name, weight in inst.index_scores.items():
            sd, _ = inst.stats(name)
            points = [(s, sc.value(name)) for s, (_, sc) in rows.items() if sc.complete and sc.value(name) is not None]
            if sd and points:
                comps.append(_Component(f"{inst_id}.{name}", _label(inst, name), inst.domain,
                                        1.0 if weight > 0 else -1.0, abs(weight) * INSTRUMENT_WEIGHT, sd, points))
    series: dict[str, list[tuple[int, float]]] = defaultdict(list)
    for session, values in (markers or {}).items():
        for key, value in values.items():
            if key in MARKER_WEIGHTS and value is not None:
                series[key].append((int(session), float(value)))
    for key, points in series.items():
        spec = MARKER_WEIGHTS[key]
        comps.append(_Component(f"marker.{key}", spec["label"], "structural", float(spec["direction"]),
                                spec["weight"], spec["sd"], points))
    return comps


def _index(parts: list[dict[str, Any]]) -> float | None:
    total = sum(p["weight"] for p in parts)
    return round(sum(p["z"] * p["weight"] for p in parts) / total, 3) if total else None


def _symptom_verdicts(by_inst: dict, session: int) -> tuple[list[str], list[str]]:
    improved, deteriorated = [], []
    for inst_id, rows in by_inst.items():
        inst = get_instrument(inst_id)
        if inst.domain != "symptom":
            continue
        series = [(s, sc.total) for s, (_, sc) in sorted(rows.items()) if s <= session and sc.complete]
        if len(series) < 2:
            continue
        rc = _rc(inst, series[0][1], series[-1][1])
        if rc is None:
            continue
        text = (f"{_label(inst, 'total')} {_fmt(series[0][1])} -> {_fmt(series[-1][1])} "
                f"({'>=' if rc.criterion == 'points' else '|RC| >'} "
                f"{_fmt(rc.points_threshold) if rc.criterion == 'points' else '1.96'})")
        if rc.direction == "improved":
            improved.append(text)
        elif rc.direction == "deteriorated":
            deteriorated.append(text)
    return improved, deteriorated


def _rc(inst: Instrument, pre: float, post: float, name: str = "total") -> change.ReliableChange | None:
    sd, r = inst.stats(name)
    if inst.change_criterion == "none" or (inst.change_criterion == "rci" and (sd is None or r is None)):
        return None
    return change.reliable_change(pre, post, sd, r, lower_is_better=inst.score_direction(name) < 0,
                                  points_threshold=inst.points_threshold, criterion=inst.change_criterion)


def _state(index: float | None, deteriorated: bool = False) -> str:
    if index is None:
        return "unknown"
    if index >= IMPROVING:
        return "improving"
    if index <= -IMPROVING or deteriorated:
        return "worsening"
    return "steady"


def _classify(number: int, n_symptom: int, follow_up: bool, feel: float | None, get: float | None,
              improved: list[str], deteriorated: list[str]) -> tuple[str, str]:
    f_txt, g_txt = f"feeling better {_fmt_sd(feel)}", f"getting better {_fmt_sd(get)}"
    if n_symptom < MIN_SYMPTOM_POINTS:
        return "too_early", (f"Too early to tell: {n_symptom} session(s) with symptom measures so far "
                             f"({MIN_SYMPTOM_POINTS} needed).")
    if not follow_up or get is None:
        return "too_early", ("Too early to tell: no structural measure has been repeated since its baseline, "
                             f"so getting better cannot be judged yet ({f_txt}).")
    fs, gs = _state(feel, bool(deteriorated)), _state(get)
    rel = f" Reliable improvement: {'; '.join(improved)}." if improved else ""
    det = f" Reliable deterioration: {'; '.join(deteriorated)}." if deteriorated else ""
    if fs == "improving" and gs == "improving":
        return "getting_better", (f"Getting better: symptoms are easing ({f_txt}) and the structural measures are "
                                  f"improving too ({g_txt}).{rel}")
    if fs == "improving":
        return "relief_without_change", (
            f"Relief without structural change (a hypothesis to explore, not a verdict): symptoms are easing "
            f"({f_txt}) while the structural measures have not moved beyond {IMPROVING} SD ({g_txt}).{rel}")
    if gs == "improving":
        how = "have risen" if feel is not None and feel < 0 else "are not yet easing"
        return "worse_before_better", (
            f"Worse before better: the structural measures are improving ({g_txt}) while symptoms {how} "
            f"({f_txt}); common in deepening work - keep watching the symptom trend and safety items.{det}")
    if deteriorated:
        return "not_on_track", (f"Not on track: symptoms have reliably worsened ({f_txt}) without structural "
                                f"improvement ({g_txt}).{det}")
    if number >= EXPECTED_SESSION:
        return "not_on_track", (f"Not on track: no reliable improvement by session {number} (expected by session "
                                f"{EXPECTED_SESSION}; {f_txt}, {g_txt}).")
    if fs == "worsening":
        return "too_early", (f"Too early to tell: symptoms are up ({f_txt}) but not reliably, and structure has not "
                             f"moved ({g_txt}); watch the next sessions (expected point: session {EXPECTED_SESSION}).")
    return "too_early", (f"Too early to tell: changes so far are small ({f_txt}, {g_txt}); before session "
                         f"{EXPECTED_SESSION} this is within ordinary fluctuation.")


def _fmt_sd(v: float | None) -> str:
    return "n/a" if v is None else f"{v:+.2f} SD"


def _instrument_summary(inst: Instrument, rows: dict[int, tuple[Response, Score]]) -> dict[str, Any]:
    complete = [(s, sc) for s, (_, sc) in sorted(rows.items()) if sc.complete]
    out: dict[str, Any] = {
        "name": inst.name, "domain": inst.domain, "primary": inst.primary,
        "series": [{"session": s, "value": sc.value(inst.primary), "band": sc.band,
                    "subscales": sc.subscales, "prorated": sc.prorated} for s, sc in complete],
        "incomplete": [{"session": s, "reason": sc.reason} for s, (_, sc) in sorted(rows.items()) if not sc.complete],
        "baseline": None, "latest": None, "reliable_change": "none", "clinical": None,
        "rci": None, "sudden_gains": [], "sudden_losses": [],
    }
    values = [(s, sc.value(inst.primary)) for s, sc in complete if sc.value(inst.primary) is not None]
    if not values:
        return out
    out["baseline"], out["latest"] = values[0][1], values[-1][1]
    out["baseline_session"], out["latest_session"] = values[0][0], values[-1][0]
    rc = _rc(inst, values[0][1], values[-1][1], inst.primary) if len(values) > 1 else None
    if rc is None:
        out["note"] = ("unvalidated reflection prompts: no change statistics" if inst.change_criterion == "none"
                       else "a single administration: no change yet")
        return out
    out["reliable_change"] = rc.direction
    out["rci"] = rc.to_dict()
    lower = inst.score_direction(inst.primary) < 0
    sd, r = inst.stats(inst.primary)
    out["clinical"] = change.classify(values[0][1], values[-1][1], sd=sd, r=r, cutoff=inst.clinical_cutoff,
                                      lower_is_better=lower, points_threshold=inst.points_threshold,
                                      criterion=inst.change_criterion)
    norms = inst.functional_norms or {}
    out["clinical_significance"] = change.clinical_significance(
        values[-1][1], functional_mean=norms.get("mean"), functional_sd=norms.get("sd"),
        cutoff=inst.clinical_cutoff, lower_is_better=lower)
    if len(inst.index_scores) > 1:
        by_score = {}
        for name in inst.index_scores:
            pts = [(s, sc.value(name)) for s, sc in complete if sc.value(name) is not None]
            rcn = _rc(inst, pts[0][1], pts[-1][1], name) if len(pts) > 1 else None
            by_score[name] = {"baseline": pts[0][1] if pts else None, "latest": pts[-1][1] if pts else None,
                              "reliable_change": rcn.direction if rcn else "none",
                              "rci": rcn.to_dict() if rcn else None}
        out["by_score"] = by_score
    if inst.domain == "symptom":
        cutoff = inst.points_threshold if inst.change_criterion == "points" else rc.rci_cutoff_points
        events = change.sudden_gains(values, cutoff=cutoff, lower_is_better=lower, instrument=inst.id)
        out["sudden_gains"] = [e.to_dict() for e in events if e.kind == "gain"]
        out["sudden_losses"] = [e.to_dict() for e in events if e.kind == "loss"]
    else:
        out["sudden_gain_note"] = "not computed: sudden gains need session-by-session administrations"
    return out


def _band_z(inst: Instrument, name: str) -> float | None:
    sd, r = inst.stats(name)
    if not sd:
        return None
    if inst.change_criterion == "points" and inst.points_threshold:
        return inst.points_threshold / sd
    return change.rc_cutoff(sd, r) / sd if r is not None else None


def progress(client: str, responses: Sequence[Response],
             markers: Mapping[int, Mapping[str, float]] | None = None) -> dict[str, Any]:
    """The progress picture: per-session indices and classes, per-instrument change statistics, flags."""
    by_inst, flags, skipped = _score_all(client, responses)
    comps = _components(by_inst, markers)
    numbers = sorted({s for rows in by_inst.values() for s in rows} | {int(s) for s in (markers or {})})
    dates = {s: r.date.isoformat() for rows in by_inst.values() for s, (r, _) in rows.items() if r.date}
    sessions = []
    for number in numbers:
        parts = [p for c in comps if (p := c.at(number)) is not None]
        feel_parts = [p for p in parts if p["domain"] == "symptom"]
        get_parts = [p for p in parts if p["domain"] == "structural"]
        feel, get = _index(feel_parts), _index(get_parts)
        n_symptom = len({s for c in comps if c.domain == "symptom" for s, _ in c.points if s <= number})
        follow_up = any(p["follow_up"] for p in get_parts)
        improved, deteriorated = _symptom_verdicts(by_inst, number)
        cls, explanation = _classify(number, n_symptom, follow_up, feel, get, improved, deteriorated)
        sessions.append({
            "number": number, "date": dates.get(number), "feeling_better": feel, "getting_better": get,
            "class": cls, "explanation": explanation,
            "evidence": {"feeling_better": [p["evidence"] for p in feel_parts],
                         "getting_better": [p["evidence"] for p in get_parts]},
            "components": parts,
            "flags": [f["code"] for f in flags if f["session"] == number],
        })
    if sessions:
        last = sessions[-1]
        counts = {c: sum(s["class"] == c for s in sessions) for c in CLASSES}
        trail = ", ".join(f"{c} x{n}" for c, n in counts.items() if n)
        case = {"class": last["class"], "session": last["number"],
                "explanation": f"As of session {last['number']}: {last['explanation']} Sessions so far: {trail}."}
    else:
        case = {"class": "too_early", "session": None, "explanation": "Too early to tell: no questionnaires yet."}
    instruments = {i: _instrument_summary(get_instrument(i), rows) for i, rows in sorted(by_inst.items())}
    bands: dict[str, float | None] = {}
    for domain, key in (("symptom", "feeling_better"), ("structural", "getting_better")):
        zs = [z for i in by_inst for inst in [get_instrument(i)] if inst.domain == domain
              for name in inst.index_scores if (z := _band_z(inst, name)) is not None]
        bands[key] = round(sum(zs) / len(zs), 3) if zs else None
    return {
        "client": client, "sessions": sessions, "case": case, "instruments": instruments, "flags": flags,
        "bands": bands, "skipped": skipped, "notice": NOTICE,
        "weights": {"instrument": INSTRUMENT_WEIGHT,
                    "index_scores": {i: get_instrument(i).index_scores for i in by_inst},
                    "markers": MARKER_WEIGHTS},
        "thresholds": {"improving_sd": IMPROVING, "min_symptom_points": MIN_SYMPTOM_POINTS,
                       "expected_session": EXPECTED_SESSION},
    }
