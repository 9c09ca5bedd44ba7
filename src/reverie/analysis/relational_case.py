"""The case formulation from ``relational`` annotations: pervasiveness, the CCRT, per-object table, replays.

A pure function of annotations (Luborsky's counting): a category's pervasiveness
is the share of episodes in which it appears; the CCRT is the most pervasive wish,
response of other and response of self. A *replay* is the same negative response
of other followed by the same negative response of self with two or more different
figures; with the therapist among them it is a transference hypothesis to explore,
never a conclusion. Names guessed in one text are settled across the case: a name
introduced with a role anywhere ("Margaret, she's the senior partner") wins, else
the most frequent guess.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from reverie.analysis.base import SessionUnits
from reverie.analysis.relational_lexicon import LABELS

PARTS = ("wish", "response_of_other", "response_of_self")
_PREFIX = {"wish": "W", "response_of_other": "RO", "response_of_self": "RS"}
_NOT_FIGURES = frozenset({"self"})


def episodes_of(session: SessionUnits) -> list[dict[str, Any]]:
    """The episodes among a session's annotations, each with its source and the quoted evidence."""
    texts = {u.id: u for u in session.units}
    out = []
    for a in session.annotations:
        v = a.values
        if not v.get("episode"):
            continue
        unit = texts.get(a.unit_id)
        out.append({
            "object": v["object"], "object_basis": v.get("object_basis"), "object_name": v.get("object_name"),
            "source": a.unit_id, "session": session.session_id, "kind": unit.kind if unit else None,
            "wish": v.get("wish"), "response_of_other": v.get("response_of_other"),
            "response_of_self": v.get("response_of_self"),
            "components": v.get("components") or [], "names": v.get("names") or {},
            "evidence": [{"component": c["component"], "cluster": c["cluster"], "quote": c["quote"], "span": c["span"]}
                         for c in v.get("components") or []],
            "text": unit.text if unit else None,
        })
    return out


def _settle_names(episodes: list[dict[str, Any]], names: dict[str, str], guesses: dict[str, Counter[str]]) -> None:
    """Re-resolve guessed names: a role given anywhere in the case wins, else the most frequent guess."""
    for e in episodes:
        name = e["object_name"]
        if e["object_basis"] == "guess" and name:
            common = guesses.get(name, Counter()).most_common(1)
            e["object"] = names.get(name) or (common[0][0] if common else e["object"])


def _clusters(episode: dict[str, Any], part: str) -> set[str]:
    prefix = _PREFIX[part]
    return {c["cluster"] for c in episode["components"] if c["cluster"].rstrip("12345678") == prefix}


def pervasiveness(episodes: list[dict[str, Any]]) -> dict[str, dict[str, float]]:
    """Share of episodes in which each cluster appears, per component, most pervasive first."""
    n = len(episodes) or 1
    out: dict[str, dict[str, float]] = {}
    for part in PARTS:
        counts = Counter(c for e in episodes for c in _clusters(e, part))
        out[part] = {c: round(k / n, 3) for c, k in sorted(counts.items(), key=lambda x: (-x[1], x[0]))}
    return out


def _ccrt(table: dict[str, dict[str, float]]) -> dict[str, Any]:
    return {part: ({"cluster": next(iter(table[part])), "label": LABELS[next(iter(table[part]))],
                    "share": next(iter(table[part].values()))} if table[part] else None) for part in PARTS}


def replays(episodes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Negative RO -> negative RS pairs told with two or more figures (the self is not a figure here).

    Every pair of a negative response of other and a negative response of self in an episode counts,
    not only its headline codes: an episode may tell "she brushed it off" and "I apologised and went quiet".
    """
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for e in episodes:
        if e["object"] in _NOT_FIGURES:
            continue
        negative = [c for c in e["components"] if c["valence"] == "negative"]
        ros = sorted({c["cluster"] for c in negative if c["component"] == "response_of_other"})
        rss = sorted({c["cluster"] for c in negative if c["component"] == "response_of_self"})
        for ro in ros:
            for rs in rss:
                groups[f"{ro}->{rs}"].append(e)
    out = []
    for pattern, eps in groups.items():
        objects = sorted({e["object"] for e in eps})
        if len(objects) < 2:
            continue
        ro, rs = pattern.split("->")
        wish = Counter(e["wish"]["cluster"] for e in eps if e["wish"]).most_common(1)
        note = (f"{LABELS[ro]} other -> {LABELS[rs]} self, told with {', '.join(objects)}")
        if "therapist" in objects:
            note += ": the pattern may be replayed with the therapist, a transference hypothesis to explore"
        out.append({"pattern": pattern, "response_of_other": ro, "response_of_self": rs,
                    "wish": wish[0][0] if wish else None, "objects": objects, "transference": "therapist" in objects,
                    "note": note, "episodes": [_brief(e) for e in eps]})
    return sorted(out, key=lambda r: (-len(r["objects"]), -len(r["episodes"]), r["pattern"]))


def _brief(e: dict[str, Any]) -> dict[str, Any]:
    return {"source": e["source"], "object": e["object"],
            **{p: (e[p]["cluster"] if e[p] else None) for p in PARTS},
            "quotes": [ev["quote"] for ev in e["evidence"]]}


def objects_table(episodes: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Per object: episode count, most frequent W, RO and RS, and the share of negative responses."""
    by: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for e in episodes:
        by[e["object"]].append(e)
    out = {}
    for obj, eps in sorted(by.items(), key=lambda x: (-len(x[1]), x[0])):
        row: dict[str, Any] = {"episodes": len(eps)}
        for part in PARTS:
            common = Counter(e[part]["cluster"] for e in eps if e[part]).most_common(1)
            row[part] = common[0][0] if common else None
        responses = [e[p] for e in eps for p in PARTS[1:] if e[p]]
        row["negative_share"] = round(sum(r["valence"] == "negative" for r in responses) / len(responses), 3) \
            if responses else None
        out[obj] = row
    return out


def formulate(episodes: list[dict[str, Any]], names: dict[str, str] | None = None,
              guesses: dict[str, Counter[str]] | None = None) -> dict[str, Any]:
    """The case formulation: ``{"episodes", "pervasiveness", "ccrt", "replays", "objects"}``.

    ``names`` are names introduced with a role anywhere in the case, ``guesses`` the objects guessed
    for other names in every text (not only episodes).
    """
    _settle_names(episodes, names or {}, guesses or {})
    table = pervasiveness(episodes)
    return {
        "episodes": [{k: e[k] for k in ("object", "source", "session", "kind", *PARTS, "evidence", "text")}
                     for e in episodes],
        "pervasiveness": table,
        "ccrt": _ccrt(table),
        "replays": replays(episodes),
        "objects": objects_table(episodes),
    }
