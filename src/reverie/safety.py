"""Crisis safety: the client-facing safety message, crisis contacts, the Stanley-Brown plan, risk flags.

Domain objects only, no I/O. The safety message is a fixed, human-written text plus the
crisis contacts for the client's locale and the note that the journal is not watched in
real time: nothing in it is generated, so every surface (CLI, portal, e-mail) renders the
same words. Risk flags come from the ``risk`` analyser's annotations or from questionnaire
critical items (PHQ-9 item 9, CORE-10 item 6).
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from typing import Any

from reverie.domain import RiskFlag
from reverie.errors import InputError, ScoringError

SAFETY_INTRO = (
    "Thank you for writing this down. Some of what you wrote sounds very painful, "
    "and you deserve support with it now.\n"
    "If you are thinking about ending your life, or about hurting yourself or someone else, "
    "please contact one of these services now. They are free and confidential:"
)
SAFETY_EMERGENCY = "If you or someone else is in immediate danger, call your local emergency number now."
NOT_WATCHED_NOTE = (
    "This journal is not watched in real time. Your therapist will see what you wrote, "
    "but not straight away, so please do not wait for a reply if you need help now."
)

EU_COUNTRIES = frozenset(
    "AT BE BG HR CY CZ DK EE FI FR DE GR HU IT LV LT LU MT NL PL PT RO SK SI ES SE".split())


@dataclass(frozen=True)
class CrisisContact:
    """A crisis line or emergency number: who, the number, how to reach it and when."""

    name: str
    number: str
    how: str = "call"  # call | text | call or text
    hours: str = ""
    url: str = ""

    def render_text(self) -> str:
        line = f"{self.name}: {self.how} {self.number}" if self.number else self.name
        return line + (f" ({self.hours})" if self.hours else "") + (f" - {self.url}" if self.url else "")

    def to_dict(self) -> dict[str, str]:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> CrisisContact:
        if not isinstance(d, Mapping) or not d.get("name"):
            raise InputError(f"a crisis contact needs at least a name, got {d!r}",
                             hint="write contacts as {name, number, how, hours, url}")
        return cls(**{f.name: str(d.get(f.name) or "") for f in fields(cls) if f.name in d})


US_CONTACTS = (
    CrisisContact("988 Suicide & Crisis Lifeline", "988", "call or text", "24 hours a day", "https://988lifeline.org"),
    CrisisContact("Emergency services", "911", "call"),
)
UK_IE_CONTACTS = (
    CrisisContact("Samaritans", "116 123", "call", "free, 24 hours a day", "https://www.samaritans.org"),
)
UK_EMERGENCY = CrisisContact("Emergency services", "999", "call")
IE_EMERGENCY = CrisisContact("Emergency services", "112 or 999", "call")
EU_CONTACTS = (CrisisContact("European emergency number", "112", "call", "free, 24 hours a day"),)
FALLBACK_CONTACTS = (
    CrisisContact("Your local emergency services: call the emergency number of the country you are in", ""),
)

DEFAULT_CONTACTS: dict[str, tuple[CrisisContact, ...]] = {
    "US": US_CONTACTS,
    "GB": UK_IE_CONTACTS + (UK_EMERGENCY,),
    "IE": UK_IE_CONTACTS + (IE_EMERGENCY,),
    "EU": EU_CONTACTS,
    "*": FALLBACK_CONTACTS,
}


def _region(locale: str | None) -> str | None:
    """'en-GB' / 'en_gb' / 'GB' / 'UK' -> 'GB'; a bare language ('en') gives None."""
    if not locale:
        return None
    parts = locale.replace("_", "-").split("-")
    candidates = [p for p in parts[1:] if len(p) == 2] or ([parts[0]] if parts[0].isupper() else [])
    if not candidates:
        return None
    region = candidates[-1].upper()
    return "GB" if region == "UK" else region


def _as_contacts(value: Any, key: str) -> list[CrisisContact]:
    items = value if isinstance(value, (list, tuple)) else [value]
    out = [c if isinstance(c, CrisisContact) else CrisisContact.from_dict(c) for c in items]
    if not out:
        raise InputError(f"crisis contacts for '{key}' are empty",
                         hint="every locale must keep at least one contact; remove the override to use the defaults")
    return out


def crisis_contacts(locale: str | None, overrides: Mapping[str, Any] | None = None) -> list[CrisisContact]:
    """Contacts for a locale: a workspace override (by full locale, region, 'EU' or '*') wins over the defaults."""
    table: dict[str, Any] = dict(DEFAULT_CONTACTS)
    for key, value in (overrides or {}).items():
        table[key if key == "*" or "-" in key or "_" in key else key.upper()] = value
    region = _region(locale)
    keys = []
    if locale:
        keys += [locale, locale.replace("_", "-")]
    if region:
        keys += [region] + (["EU"] if region in EU_COUNTRIES else [])
    keys.append("*")
    for key in keys:
        if key in table:
            return _as_contacts(table[key], key)
    return list(FALLBACK_CONTACTS)  # pragma: no cover - '*' is always in the table


@dataclass(frozen=True)
class SafetyMessage:
    """The calm message a client sees at once when their words raise a risk flag. Nothing in it is generated."""

    locale: str | None
    contacts: tuple[CrisisContact, ...]
    intro: str = SAFETY_INTRO
    emergency: str = SAFETY_EMERGENCY
    note: str = NOT_WATCHED_NOTE

    def render_text(self) -> str:
        lines = "\n".join(f"- {c.render_text()}" for c in self.contacts)
        return f"{self.intro}\n{lines}\n\n{self.emergency}\n\n{self.note}"

    def render_html(self) -> str:
        esc = html.escape
        items = []
        for c in self.contacts:
            text = esc(c.render_text())
            digits = "".join(ch for ch in c.number if ch.isdigit())
            if digits and "or" not in c.number:
                text += f' <a href="tel:{esc(digits)}">{esc(c.how)} {esc(c.number)}</a>'
            items.append(f"<li>{text}</li>")
        intro = "".join(f"<p>{esc(p)}</p>" for p in self.intro.split("\n"))
        return (f'<section class="reverie-safety" role="alert">{intro}<ul>{"".join(items)}</ul>'
                f"<p>{esc(self.emergency)}</p><p>{esc(self.note)}</p></section>")

    def to_dict(self) -> dict[str, Any]:
        return {"locale": self.locale, "intro": self.intro, "emergency": self.emergency, "note": self.note,
                "contacts": [c.to_dict() for c in self.contacts], "text": self.render_text()}


def safety_message(locale: str | None, overrides: Mapping[str, Any] | None = None) -> SafetyMessage:
    """The fixed safety message with the crisis contacts for ``locale``."""
    return SafetyMessage(locale, tuple(crisis_contacts(locale, overrides)))


PLAN_STEPS: dict[str, str] = {  # Stanley & Brown (2012), the six steps in order
    "warning_signs": "Warning signs that a crisis may be developing",
    "internal_coping": "Things I can do on my own to take my mind off my problems",
    "distraction_people_places": "People and social places that help me take my mind off things",
    "people_to_ask": "People I can ask for help",
    "professionals_and_lines": "Professionals, services and crisis lines I can contact",
    "environment_safety": "Making the environment safe",
}


@dataclass
class SafetyPlan:
    """A Stanley-Brown safety plan, written by therapist and client together."""

    warning_signs: list[str] = field(default_factory=list)
    internal_coping: list[str] = field(default_factory=list)
    distraction_people_places: list[str] = field(default_factory=list)
    people_to_ask: list[str] = field(default_factory=list)
    professionals_and_lines: list[str] = field(default_factory=list)
    environment_safety: list[str] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not any(getattr(self, k) for k in PLAN_STEPS)

    def to_dict(self) -> dict[str, list[str]]:
        return {k: list(getattr(self, k)) for k in PLAN_STEPS}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> SafetyPlan:
        unknown = set(d) - set(PLAN_STEPS)
        if unknown:
            raise InputError(f"safety plan has unknown section(s) {sorted(unknown)}",
                             hint=f"the sections are: {', '.join(PLAN_STEPS)}")
        values: dict[str, list[str]] = {}
        for key in PLAN_STEPS:
            items = d.get(key) or []
            if isinstance(items, str) or not all(isinstance(i, str) for i in items):
                raise InputError(f"safety plan section '{key}' must be a list of texts",
                                 hint='write e.g. "warning_signs": ["I stop answering messages"]')
            values[key] = [i.strip() for i in items if i.strip()]
        return cls(**values)

    def render_text(self) -> str:
        out = ["My safety plan"]
        for n, (key, title) in enumerate(PLAN_STEPS.items(), start=1):
            out.append(f"\n{n}. {title}")
            out += [f"   - {item}" for item in getattr(self, key)] or ["   (not filled in yet)"]
        return "\n".join(out)


def flags_from_annotation(annotation: Any, source_kind: str = "entry", source_id: str | None = None,
                          text: str | None = None) -> list[RiskFlag]:
    """The flag (one, or none) that a ``risk`` annotation raises. ``annotation`` is an Annotation or its dict."""
    if isinstance(annotation, Mapping):
        values, spans, unit_id = dict(annotation), list(annotation.get("evidence") or []), None
    else:
        values, spans, unit_id = dict(annotation.values), list(annotation.evidence), annotation.unit_id
    if not values.get("risk"):
        return []
    spans = [(int(a), int(b)) for a, b in spans]
    quotes = list(values.get("quotes") or ([text[a:b] for a, b in spans] if text else []))
    categories = values.get("categories") or [values.get("category")]
    reason = (f"Risk-language marker ({', '.join(c.replace('_', ' ') for c in categories if c)}; "
              f"severity: {values.get('severity_label') or values.get('severity')}): " + "; ".join(f"\u201c{q}\u201d" for q in quotes))
    discounted = values.get("discounted") or []
    if discounted:
        reason += f". Also found and discounted: {', '.join(discounted)}"
    return [RiskFlag(source_kind, str(source_id if source_id is not None else unit_id), values.get("category"),
                     values.get("severity"), quotes, spans, reason, values.get("urgency") or "", list(discounted))]


def _critical_item(key: str) -> dict[str, Any] | None:
    """The instrument's critical item that raises a flag, with the instrument's size and answer range.

    The item's ladder step, category and urgency per answer live in the instrument file
    (``measures/instruments/*.yaml``), so that one risk vocabulary runs from the screen to every surface.
    """
    from reverie.measures.instruments import INSTRUMENT_IDS, get_instrument
    if key not in INSTRUMENT_IDS:
        return None
    instrument = get_instrument(key)
    spec = next((c for c in instrument.critical_items if "severity" in c), None)
    if spec is None:
        return None
    return {**spec, "count": instrument.n_items, "max": instrument.max_value}


def flag_from_questionnaire(instrument_id: str, answers: Sequence[int | None],
                            source_id: str | None = None) -> RiskFlag | None:
    """A flag when a critical item is answered above 0 (PHQ-9 item 9, CORE-10 item 6); None otherwise."""
    key = instrument_id.lower().replace("-", "").replace("_", "").replace(" ", "")
    spec = _critical_item(key)
    if spec is None:
        return None
    if len(answers) != spec["count"]:
        raise ScoringError(f"{instrument_id}: expected {spec['count']} answers, got {len(answers)}",
                           hint="give one answer per item, None for an unanswered item")
    answer = answers[spec["item"] - 1]
    if answer is None:
        return None
    if not 0 <= int(answer) <= spec["max"]:
        raise ScoringError(f"{instrument_id} item {spec['item']}: answer {answer} is outside 0-{spec['max']}",
                           hint="check the answer scale of the form")
    if int(answer) == 0:
        return None
    evidence = f"{spec['label']} answered {int(answer)}"
    return RiskFlag("questionnaire", str(source_id if source_id is not None else key), spec["category"][int(answer)],
                    spec["severity"][int(answer)], [evidence], [],
                    f"Questionnaire critical item: {evidence} (above 0).", urgency=spec["urgency"][int(answer)])
