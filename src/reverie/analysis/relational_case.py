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


def _episodes(unit_id: str, session: str | None, kind: str | None, text: str | None,
              values: dict[str, Any]) -> list[dict[str, Any]]:
    """The episodes of one annotated text: its separate ``episodes`` when it tells several (numbered by
    ``part`` from 1), else the one episode of the text (``part`` None)."""
    parts = values.get("episodes") or []
    if not parts:
        return [_episode(unit_id, session, kind, text, values)] if values.get("episode") else []
    return [_episode(unit_id, session, kind, text, p, k) for k, p in enumerate(parts, 1)]


def _episode(unit_id: str, session: str | None, kind: str | None, text: str | None,
             values: dict[str, Any], part: int | None = None) -> dict[str, Any]:
    components = values.get("components") or []
    return {
        "object": values["object"], "object_basis": values.get("object_basis"),
        "object_name": values.get("object_name"), "source": unit_id, "part": part, "session": session, "kind": kind,
        "wish": values.get("wish"), "response_of_other": values.get("response_of_other"),
        "response_of_self": values.get("response_of_self"), "components": components,
        "evidence": [{"component": c["component"], "cluster": c["cluster"], "quote": c["quote"], "span": c["span"],
                      **{k: c[k] for k in ("confidence", "grounded") if k in c}} for c in components],
        "text": text,
    }


def episodes_of(session: SessionUnits) -> list[dict[str, Any]]:
    """The episodes among a session's annotations, each with its source and the quoted evidence."""
    units = {u.id: u for u in session.units}
    return [e for a in session.annotations
            for e in _episodes(a.unit_id, session.session_id, getattr(units.get(a.unit_id), "kind", None),
                               getattr(units.get(a.unit_id), "text", None), a.values)]


def names_of(values: list[dict[str, Any]]) -> tuple[dict[str, str], dict[str, Counter[str]]]:
    """Names introduced with a role, and the guesses for other names, over annotation values."""
    names: dict[str, str] = {}
    guesses: dict[str, Counter[str]] = defaultdict(Counter)
    for v in values:
        for name, obj in (v.get("names") or {}).items():
            names.setdefault(name, obj)
        for name, obj in (v.get("name_guesses") or {}).items():
            guesses[name][obj] += 1
    return names, guesses


def _key(session: dict[str, Any]) -> str:
    """The runner's session key: ``s<id>`` for a stored session, ``fileN`` for one read from a file."""
    return f"s{session['id']}" if isinstance(session["id"], int) else str(session["id"])


def from_analysis(analysis: dict[str, Any], names: dict[str, str] | None = None) -> dict[str, Any]:
    """The formulation rebuilt from an analysis result's stored annotations, with names known to the caller
    (the therapist's own name, ``--names``) taking precedence over those found in the texts."""
    rows = [(f"{_key(s)}:{u['index']}", _key(s), "utterance", u["text"], u["annotations"].get("relational"))
            for s in analysis.get("sessions", []) for u in s.get("utterances", [])]
    rows += [(f"e{e['id']}", "journal", e.get("kind"), e["text"], e["annotations"].get("relational"))
             for e in analysis.get("entries", [])]
    values = [v for *_, v in rows if v]
    found, guesses = names_of(values)
    episodes = [e for uid, session, kind, text, v in rows if v for e in _episodes(uid, session, kind, text, v)]
    return formulate(episodes, {**found, **(names or {})}, guesses)


def _settle_names(episodes: list[dict[str, Any]], names: dict[str, str], guesses: dict[str, Counter[str]]) -> None:
    """Re-resolve guessed names: a role given anywhere in the case wins, else the most frequent guess."""
    for e in episodes:
        name = e["object_name"]
        if e["object_basis"] == "guess" and name:
            common = guesses.get(name, Counter()).most_common(1)
            e["object"] = names.get(name) or (common[0][0] if common else e["object"])


def _grounded(episode: dict[str, Any]) -> list[dict[str, Any]]:
    """The components the case counts: not those the classifier alone gave with little confidence (v3's
    ``grounded`` False), which code an episode found on other grounds but are too weak to count across a case."""
    return [c for c in episode["components"] if c.get("grounded", True)]


def _clusters(episode: dict[str, Any], part: str) -> set[str]:
    prefix = _PREFIX[part]
    return {c["cluster"] for c in _grounded(episode) if c["cluster"].rstrip("12345678") == prefix}


def pervasiveness(episodes: list[dict[str, Any]]) -> dict[str, dict[str, float]]:
    """Share of episodes in which each cluster appears, per component, most pervasive first."""
    n = len(episodes) or 1
    out: dict[str, dict[str, float]] = {}
    for part in PARTS:
        counts = Counter(c for e in episodes for c in _clusters(e, part))
        # equal shares: the cluster coded with more confidence first (then by id)
        sure = Counter()
        for e in episodes:
            for c in _grounded(e):
                if c["cluster"] in counts and c["cluster"].rstrip("12345678") == _PREFIX[part]:
                    sure[c["cluster"]] += c.get("confidence", 1.0)
        out[part] = {c: round(k / n, 3) for c, k in sorted(counts.items(), key=lambda x: (-x[1], -sure[x[0]], x[0]))}
    return out


def _ccrt(table: dict[str, dict[str, float]]) -> dict[str, Any]:
    return {part: ({"cluster": next(iter(table[part])), "label": LABELS[next(iter(table[part]))],
                    "share": next(iter(table[part].values()))} if table[part] else None) for part in PARTS}


def _ccrt_figures(episodes: list[dict[str, Any]], ccrt: dict[str, Any]) -> dict[str, dict[str, int]]:
    """Per figure, how many of its episodes hold the case's CCRT wish, response of other, response of self."""
    out: dict[str, dict[str, int]] = {}
    for e in episodes:
        hits = {p: int(bool(ccrt[p]) and ccrt[p]["cluster"] in _clusters(e, p)) for p in PARTS}
        if any(hits.values()):
            row = out.setdefault(e["object"], dict.fromkeys(PARTS, 0))
            for p in PARTS:
                row[p] += hits[p]
    return dict(sorted(out.items(), key=lambda x: (-sum(x[1].values()), x[0])))


def replays(episodes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Negative RO -> negative RS pairs told with two or more figures (the self is not a figure here).

    Every pair of a negative response of other and a negative response of self in an episode counts,
    not only its headline codes: an episode may tell "she brushed it off" and "I apologised and went quiet".
    """
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for e in episodes:
        if e["object"] in _NOT_FIGURES:
            continue
        negative = [c for c in _grounded(e) if c["valence"] == "negative"]
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
    return {"source": e["source"], "part": e["part"], "session": e["session"], "object": e["object"],
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
    ccrt = _ccrt(table)
    ccrt["figures"] = _ccrt_figures(episodes, ccrt)
    return {
        "episodes": [{k: e[k] for k in ("object", "source", "part", "session", "kind", *PARTS, "evidence", "text")}
                     for e in episodes],
        "pervasiveness": table,
        "ccrt": ccrt,
        "replays": replays(episodes),
        "objects": objects_table(episodes),
    }


def session_view(episodes: list[dict[str, Any]], case: dict[str, Any]) -> dict[str, Any]:
    """What one session adds to the case: its CCRT (most pervasive clusters among its episodes), and the case's
    replays its episodes take part in, with only this session's quoted episodes (for panels and key moments)."""
    sources = {(e["source"], e["part"]) for e in episodes}
    replayed = []
    for r in case.get("replays", []):
        mine = [b for b in r["episodes"] if (b["source"], b["part"]) in sources]
        if mine:
            replayed.append({k: r[k] for k in ("pattern", "objects", "transference", "note")} | {"episodes": mine})
    return {"ccrt": _ccrt(pervasiveness(episodes)), "replays": replayed}
