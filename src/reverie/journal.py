"""The four kinds of journal entry the portal offers, the parts each asks for, and how they become one entry.

A dream asks for the dream, the feelings in it, the day before and what comes to mind; a
moment (a reaction bigger than the situation) for what happened, what was felt and what it
recalled; free association and reflection are one text. The parts are kept in the entry's
text under their headings, so risk screening, themes and the therapist read all of them.
"""

from __future__ import annotations

from dataclasses import dataclass

from reverie.errors import InputError

MAX_ENTRY_CHARS = 100_000  # all parts of one entry together
MAX_TITLE_CHARS = 200


@dataclass(frozen=True)
class Part:
    name: str
    heading: str  # "" for a kind that is one text
    prompt: str


@dataclass(frozen=True)
class JournalKind:
    id: str
    label: str
    invitation: str
    parts: tuple[Part, ...]


KINDS: dict[str, JournalKind] = {k.id: k for k in (
    JournalKind("free_association", "Free association",
                "Write whatever comes to mind, as it comes, without choosing or correcting.",
                (Part("text", "", "Whatever comes to mind"),)),
    JournalKind("dream", "Dream", "Write the dream down as you remember it, even in fragments.",
                (Part("dream", "The dream", "The dream, as you remember it"),
                 Part("feelings", "The feelings in it", "What you felt in the dream"),
                 Part("day_before", "The day before", "What happened the day before"),
                 Part("associations", "What comes to mind", "What comes to mind when you think of it"))),
    JournalKind("moment", "A moment", "A reaction that felt bigger than the situation.",
                (Part("happened", "What happened", "What happened"),
                 Part("felt", "What I felt", "What you felt"),
                 Part("recalled", "What it recalled", "What it reminded you of"))),
    JournalKind("reflection", "Reflection", "Anything you want to think over, about therapy or your days.",
                (Part("text", "", "Your reflection"),)),
)}


def kind(kind_id: str) -> JournalKind:
    if kind_id not in KINDS:
        raise InputError(f"unknown kind of journal entry '{kind_id}'", hint=f"kinds: {', '.join(KINDS)}")
    return KINDS[kind_id]


def clean_fields(kind_id: str, fields: dict[str, object]) -> dict[str, str]:
    """The kind's parts and the title from ``fields`` (anything else dropped), bounded in size."""
    names = [p.name for p in kind(kind_id).parts] + ["title"]
    out = {n: str(fields.get(n) or "") for n in names if fields.get(n)}
    if len(out.get("title", "")) > MAX_TITLE_CHARS:
        raise InputError(f"the title is longer than {MAX_TITLE_CHARS} characters")
    if sum(len(v) for v in out.values()) > MAX_ENTRY_CHARS:
        raise InputError(f"the entry is longer than {MAX_ENTRY_CHARS:,} characters",
                         hint="split it into two entries")
    return out


def compose(kind_id: str, fields: dict[str, object]) -> tuple[str, str]:
    """(title, text) of the entry: a one-text kind as written, the parts of the others under their headings."""
    clean = clean_fields(kind_id, fields)
    parts = kind(kind_id).parts
    if len(parts) == 1:
        text = clean.get(parts[0].name, "").strip()
    else:
        text = "\n\n".join(f"{p.heading}\n{clean[p.name].strip()}" for p in parts if clean.get(p.name, "").strip())
    if not text:
        raise InputError("the entry is empty", hint="write something before you save it")
    return clean.get("title", "").strip(), text


__all__ = ["KINDS", "JournalKind", "Part", "clean_fields", "compose", "kind"]
