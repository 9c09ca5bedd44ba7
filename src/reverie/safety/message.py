"""The client-facing safety message and the crisis contacts for the client's locale.

Domain objects only, no I/O. The safety message is a fixed, human-written text plus the
crisis contacts for the client's locale and the note that the journal is not watched in
real time: nothing in it is generated, so every surface (CLI, portal, e-mail) renders the
same words.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

from reverie.errors import InputError

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
