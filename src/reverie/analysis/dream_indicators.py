"""Hall & Van de Castle indicators over a set of coded dreams, and the h-profile against the norms.

Pure functions of HVdC codes (human or Reverie's; see :mod:`reverie.analysis.dream_coder` for the
notation). Percentages are returned as proportions (0.68, not 68); an indicator whose denominator
is zero is ``None``. Formulas (Hall & Van de Castle 1966; Domhoff 2003):

- Male/Female % = male ÷ (male + female) human characters; Familiarity % = familiar ÷ (familiar +
  unfamiliar); Friends %, Family %, Group % over all humans; Animal % over all characters;
- Aggression/Friendliness % = dreamer-involved aggressions ÷ (those + dreamer-involved friendliness);
  Befriender % = dreamer as befriender ÷ (befriender + befriended); Aggressor % likewise with victim
  (one-directional ``>`` acts); Physical Aggression % = intensity 5-8 ÷ all aggressions;
- A/C, F/C, S/C = all aggressions, friendliness, sexuality ÷ all characters;
- Indoor Setting %, Familiar Setting % (F, D, G familiar; U unfamiliar; Q left out);
- Self-Negativity %, Dreamer-Involved Success %, Bodily Misfortunes % (codes 5, 6),
  Torso/Anatomy % (BT, BA, BS ÷ all body parts), Negative Emotions % (AN AP SD CO ÷ all);
- and the share of dreams with at least one aggression, friendliness... (``Dreams with ...``).

Cohen's h = 2·asin√p₁ − 2·asin√p₂ (indices above 1 are capped at 1 first). Whether a difference is
beyond chance for the sample follows Domhoff's table of expected sampling deviations where it has
the indicator, else a one-sample z-test of the proportion against the norm on its own denominator.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from typing import Any

PRESENCE: tuple[str, ...] = ("aggression", "friendliness", "sexuality", "anger", "apprehension", "sadness",
                             "confusion", "happiness", "misfortune", "success", "failure")
EMOTIONS = {"AN": "anger", "AP": "apprehension", "SD": "sadness", "CO": "confusion", "HA": "happiness"}
FAMILIAR_IDS = frozenset("FMXBTHWADCIYRKP")
UNFAMILIAR_IDS = frozenset("OESU")
FAMILY_IDS = frozenset("FMXBTHWADCIYR")
MIN_DREAMS = 25  # below this, Domhoff's tables give no bound: no verdict

Codes = Mapping[str, Sequence[Mapping[str, Any]]]


def presence(codes: Codes) -> dict[str, bool]:
    """Per category: does the dream hold at least one such code?"""
    emos = {e.get("code") for e in codes.get("emotions", ())}
    out = {"aggression": bool(codes.get("aggression")), "friendliness": bool(codes.get("friendliness")),
           "sexuality": bool(codes.get("sexuality"))}
    out.update({name: code in emos for code, name in EMOTIONS.items()})
    out.update({"misfortune": bool(codes.get("misfortunes")), "success": bool(codes.get("successes")),
                "failure": bool(codes.get("failures"))})
    return out


def _ratio(num: float, den: float) -> float | None:
    return num / den if den else None


def _is_dreamer(who: Any) -> bool:
    return isinstance(who, str) and who.strip().startswith("D")


def counts(dreams: Iterable[Codes]) -> dict[str, int]:
    """The raw counts the indicators are made of (kept so a reader can check every figure)."""
    c: dict[str, int] = dict.fromkeys((
        "dreams", "characters", "humans", "animals", "male", "female", "familiar", "unfamiliar", "friends", "family",
        "groups", "dead_imaginary", "aggressions", "physical", "friendliness", "sexuality", "d_aggression",
        "d_friendliness", "aggressor", "victim", "befriender", "befriended", "emotions", "negative_emotions",
        "misfortunes", "bodily", "d_misfortunes", "d_good_fortunes", "d_successes", "d_failures", "indoor", "outdoor",
        "familiar_settings", "unfamiliar_settings", "body_parts", "torso_anatomy",
        *(f"with_{k}" for k in ("aggression", "friendliness", "sexuality", "misfortune", "success", "failure"))), 0)
    for d in dreams:
        c["dreams"] += 1
        for ch in d.get("characters", ()):
            code = str(ch.get("code", ""))
            if len(code) < 2:
                continue
            c["characters"] += 1
            if code[1] == "A":
                c["animals"] += 1
                continue
            if code[1] == "C":
                continue
            c["humans"] += 1
            c["male"] += code[1] == "M"
            c["female"] += code[1] == "F"
            c["groups"] += code[0] in "246"
            c["dead_imaginary"] += code[0] in "3456"
            ident = code[2] if len(code) > 2 else ""
            c["familiar"] += ident in FAMILIAR_IDS
            c["unfamiliar"] += ident in UNFAMILIAR_IDS
            c["friends"] += ident == "K"
            c["family"] += ident in FAMILY_IDS
        for kind, key in (("aggression", "aggressions"), ("friendliness", "friendliness"), ("sexuality", "sexuality")):
            for act in d.get(kind, ()):
                c[key] += 1
                code = str(act.get("code", ""))
                init, rec = act.get("init"), act.get("rec")
                if kind == "aggression" and code[:1] in "5678":
                    c["physical"] += 1
                if kind == "sexuality" or not (_is_dreamer(init) or _is_dreamer(rec)):
                    continue
                c["d_" + kind] += 1
                if ">" in code:
                    active, passive = ("aggressor", "victim") if kind == "aggression" else ("befriender", "befriended")
                    c[active] += _is_dreamer(init)
                    c[passive] += _is_dreamer(rec) and not _is_dreamer(init)
        for e in d.get("emotions", ()):
            c["emotions"] += 1
            c["negative_emotions"] += e.get("code") in ("AN", "AP", "SD", "CO")
        for m in d.get("misfortunes", ()):
            c["misfortunes"] += 1
            c["bodily"] += str(m.get("code", ""))[:1] in ("5", "6")
            c["d_misfortunes"] += _is_dreamer(m.get("char"))
        c["d_good_fortunes"] += sum(_is_dreamer(g.get("char")) for g in d.get("good_fortunes", ()))
        c["d_successes"] += sum(_is_dreamer(g.get("char")) for g in d.get("successes", ()))
        c["d_failures"] += sum(_is_dreamer(g.get("char")) for g in d.get("failures", ()))
        for s in d.get("settings", ()):
            code = str(s.get("code", ""))
            c["indoor"] += code[:1] == "I"
            c["outdoor"] += code[:1] == "O"
            c["familiar_settings"] += code[1:2] in ("F", "D", "G")
            c["unfamiliar_settings"] += code[1:2] == "U"
        for o in d.get("objects", ()):
            code = str(o.get("code", ""))
            if code[:1] == "B":
                c["body_parts"] += 1
                c["torso_anatomy"] += code in ("BT", "BA", "BS")
        p = presence(d)
        for k in ("aggression", "friendliness", "sexuality", "misfortune", "success", "failure"):
            c[f"with_{k}"] += p[k]
    return c


# indicator name -> (numerator, denominator) over counts; a tuple denominator is a sum
FORMULAS: dict[str, tuple[str, tuple[str, ...]]] = {
    "Male/Female %": ("male", ("male", "female")),
    "Familiarity %": ("familiar", ("familiar", "unfamiliar")),
    "Friends %": ("friends", ("humans",)),
    "Family %": ("family", ("humans",)),
    "Group %": ("groups", ("humans",)),
    "Animal %": ("animals", ("characters",)),
    "Aggression/Friendliness %": ("d_aggression", ("d_aggression", "d_friendliness")),
    "Befriender %": ("befriender", ("befriender", "befriended")),
    "Aggressor %": ("aggressor", ("aggressor", "victim")),
    "Physical Aggression %": ("physical", ("aggressions",)),
    "A/C Index": ("aggressions", ("characters",)),
    "F/C Index": ("friendliness", ("characters",)),
    "S/C Index": ("sexuality", ("characters",)),
    "Indoor Setting %": ("indoor", ("indoor", "outdoor")),
    "Familiar Setting %": ("familiar_settings", ("familiar_settings", "unfamiliar_settings")),
    "Dreamer-Involved Success %": ("d_successes", ("d_successes", "d_failures")),
    "Bodily Misfortunes %": ("bodily", ("misfortunes",)),
    "Torso/Anatomy %": ("torso_anatomy", ("body_parts",)),
    "Negative Emotions %": ("negative_emotions", ("emotions",)),
    "Dreams with ≥ 1 aggression %": ("with_aggression", ("dreams",)),
    "Dreams with ≥ 1 friendliness %": ("with_friendliness", ("dreams",)),
    "Dreams with ≥ 1 sexuality %": ("with_sexuality", ("dreams",)),
    "Dreams with ≥ 1 misfortune %": ("with_misfortune", ("dreams",)),
    "Dreams with ≥ 1 success %": ("with_success", ("dreams",)),
    "Dreams with ≥ 1 failure %": ("with_failure", ("dreams",)),
}
SELF_NEGATIVITY = "Self-Negativity %"


def _denominator(c: Mapping[str, int], name: str) -> int:
    if name == SELF_NEGATIVITY:
        return (c["victim"] + c["d_misfortunes"] + c["d_failures"] + c["befriended"] + c["d_good_fortunes"]
                + c["d_successes"])
    return sum(c[k] for k in FORMULAS[name][1])


def from_counts(c: Mapping[str, int]) -> dict[str, float | None]:
    """Every indicator from the counts (``None`` where the denominator is zero)."""
    out = {name: _ratio(c[num], _denominator(c, name)) for name, (num, _den) in FORMULAS.items()}
    out[SELF_NEGATIVITY] = _ratio(c["victim"] + c["d_misfortunes"] + c["d_failures"], _denominator(c, SELF_NEGATIVITY))
    return out


def indicators(dreams: Iterable[Codes]) -> dict[str, float | None]:
    """Every HVdC indicator over a set of coded dreams."""
    return from_counts(counts(dreams))


def cohens_h(p1: float, p2: float) -> float:
    """Cohen's h = 2·asin√p₁ − 2·asin√p₂ (each proportion clipped to [0, 1])."""
    clip = (lambda p: min(1.0, max(0.0, p)))
    return 2 * math.asin(math.sqrt(clip(p1))) - 2 * math.asin(math.sqrt(clip(p2)))


@cache
def norms() -> dict[str, Any]:
    """The HVdC norms shipped in ``resources/dreams/norms.yaml`` (values as proportions)."""
    from reverie.analysis.lexicons import resource_yaml
    return resource_yaml("dreams", "norms.yaml")  # type: ignore[return-value]


def sampling_bound(name: str, n_dreams: int, table: Mapping[str, Any] | None = None) -> float | None:
    """Domhoff's expected sampling deviation (a proportion) for a sample of ``n_dreams``, if tabled.

    A sample between two tabled sizes takes the bound of the smaller size (the wider, safer one).
    """
    table = table if table is not None else norms()["sampling_deviation"]
    rows = table.get("indicators", {}).get(name)
    if rows is None or n_dreams < MIN_DREAMS:
        return None
    sizes = list(table["sizes"])
    fitting = [(s, b) for s, b in zip(sizes, rows) if s <= n_dreams]
    return max(fitting, key=lambda sb: sb[0])[1]


def h_profile(dreams: Sequence[Codes], sex: str | None, norm_table: Mapping[str, Any] | None = None
              ) -> dict[str, Any]:
    """The client's indicators against the male or female norms: value, norm, h and a verdict each.

    ``beyond_chance`` is ``True``/``False`` where a bound applies and ``None`` below ``MIN_DREAMS``
    dreams or with no data; ``basis`` says which test gave it.
    """
    table = norm_table if norm_table is not None else norms()
    group = "female" if (sex or "").upper().startswith("F") else "male"
    c = counts(dreams)
    values = from_counts(c)
    rows = []
    for name, norm in table[group].items():
        value = values.get(name)
        if value is None or norm is None:
            rows.append({"indicator": name, "value": value, "norm": norm, "h": None, "n": 0,
                         "beyond_chance": None, "basis": None})
            continue
        den = _denominator(c, name) if name in FORMULAS or name == SELF_NEGATIVITY else 0
        h = cohens_h(value, norm)
        bound = sampling_bound(name, c["dreams"], table.get("sampling_deviation"))
        if c["dreams"] < MIN_DREAMS:
            verdict, basis = None, f"fewer than {MIN_DREAMS} dreams"
        elif bound is not None:
            verdict, basis = abs(value - norm) > bound, "Domhoff sampling deviation"
        else:
            p0 = min(max(norm, 1e-6), 1 - 1e-6)
            verdict, basis = abs(value - p0) > 1.96 * math.sqrt(p0 * (1 - p0) / den), "z-test against the norm"
        rows.append({"indicator": name, "value": round(value, 4), "norm": norm, "h": round(h, 3), "n": den,
                     "beyond_chance": verdict, "basis": basis})
    warning = (f"only {c['dreams']} dreams: differences from the norms cannot be told from chance "
               f"(Domhoff's tables start at {MIN_DREAMS})") if c["dreams"] < MIN_DREAMS else None
    return {"norms": group, "dreams": c["dreams"], "counts": c, "profile": rows, "warning": warning}
