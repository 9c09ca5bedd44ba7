"""How an analyser is shown: its display declaration.

Each analyser declares, next to the code that makes its results, which of its
fields are marker chips on an utterance, which session figures the overview and
the case report show, which summaries feed the case picture (key moments) and the
progress index, and the words that explain them. The CLI views, the case report
and the web panels render only from these declarations, so a plug-in analyser
appears everywhere without editing them, and no view names an analyser.

Every reader here is a pure function of stored JSON (annotation values, a session
summary); a reader that meets a value it cannot use gives nothing rather than fail,
since results may come from an older version of the analyser.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

Values = Mapping[str, Any]
READ_ERRORS = (KeyError, TypeError, ValueError, AttributeError, IndexError, ZeroDivisionError)

# How each chip kind is emphasised in a terminal (rich styles); the web uses the kind as a CSS class.
KIND_STYLES: dict[str, str] = {
    "risk": "bold red",
    "defense": "cyan",
    "affect": "magenta",
    "relational": "green",
    "process": "",
    "review": "yellow",
}


@dataclass(frozen=True)
class Chip:
    """A marker chip beside an utterance: ``label`` turns the annotation's values into a few words, or None.

    ``kind`` is a quiet styling class (risk, defense, affect, relational, process...), never an alarm by itself.
    """

    label: Callable[[Values], str | None]
    kind: str = "process"

    def text(self, values: Values) -> str | None:
        try:
            return self.label(values) or None
        except READ_ERRORS:
            return None


@dataclass(frozen=True)
class Column:
    """One figure per session in the analysis overview: a header and its text from the session summary."""

    header: str
    value: Callable[[Values], str | None]

    def text(self, summary: Values) -> str:
        try:
            return self.value(summary) or ""
        except READ_ERRORS:
            return ""


@dataclass(frozen=True)
class Panel:
    """A table over sessions in the case report: one row per session whose summary gives one.

    ``row`` returns the cells after the session number (numbers or words), or None to leave the session out.
    """

    title: str
    headers: tuple[str, ...]
    row: Callable[[Values], Sequence[Any] | None]

    def cells(self, summary: Values) -> Sequence[Any] | None:
        try:
            return self.row(summary)
        except READ_ERRORS:
            return None


@dataclass(frozen=True)
class ProgressMarker:
    """A session summary figure that feeds the *getting better* index (its weight lives in measures/progress)."""

    name: str
    read: Callable[[Values], float | None]
    label: str = ""  # how the case picture names it (its chart over sessions); ``name`` when empty
    share: bool = False  # a 0-1 share (drawn on the percent axis) rather than a level on its own scale

    def value(self, summary: Values) -> float | None:
        try:
            v = self.read(summary)
        except READ_ERRORS:
            return None
        return None if v is None else float(v)


@dataclass(frozen=True)
class Display:
    """How one analyser is shown. A plug-in with no declaration gets ``Display()``: its summaries as raw tables.

    - ``title``: the heading people read (the analyser's name when empty);
    - ``explanation``: one plain paragraph on what the markers are (markers and hypotheses, never diagnoses);
    - ``evidence``: what the evidence spans of an annotation are, in words;
    - ``chips``: marker chips on an utterance; ``columns``: figures per session in the overview;
    - ``panels``: case-report tables over sessions; ``hidden``: summary keys the raw table leaves out
      (shown by a panel or the ``note`` instead);
    - ``note``: one quiet line of text from a session summary (e.g. markers for review);
    - ``moments``: key moments for the case picture, from a session summary and the session's
      (utterance, values) pairs: ``[{"kind", "text"}]``;
    - ``progress``: the markers it gives the progress index (also drawn over sessions in the case picture);
    - ``gap``: a pause before an utterance, from its values: ``{"seconds": float | None}`` (None: no pause);
    - ``rank``: the order of its columns and panels among other analysers' (lower first, then by name).
    """

    title: str = ""
    explanation: str = ""
    evidence: str = ""
    chips: tuple[Chip, ...] = ()
    columns: tuple[Column, ...] = ()
    panels: tuple[Panel, ...] = ()
    hidden: tuple[str, ...] = ()
    note: Callable[[Values], str | None] | None = None
    moments: Callable[[Values, Sequence[tuple[Values, Values]]], list[dict[str, Any]]] | None = None
    progress: tuple[ProgressMarker, ...] = ()
    gap: Callable[[Values], Mapping[str, Any] | None] | None = None
    rank: int = 50  # where its columns and panels stand among other analysers' (lower first)

    def chip_texts(self, values: Values) -> list[tuple[str, str]]:
        """(text, kind) of every chip the values give."""
        return [(t, c.kind) for c in self.chips if (t := c.text(values))]

    def note_text(self, summary: Values) -> str | None:
        if self.note is None:
            return None
        try:
            return self.note(summary) or None
        except READ_ERRORS:
            return None

    def gap_before(self, values: Values) -> dict[str, Any] | None:
        """The pause before the utterance this analyser declares, or None."""
        if self.gap is None:
            return None
        try:
            found = self.gap(values)
        except READ_ERRORS:
            return None
        return dict(found) if found else None

    def key_moments(self, summary: Values, annotated: Sequence[tuple[Values, Values]]) -> list[dict[str, Any]]:
        if self.moments is None:
            return []
        try:
            return list(self.moments(summary, annotated))
        except READ_ERRORS:
            return []


def fmt(value: Any, spec: str) -> str | None:
    """``value`` formatted by ``spec``, or None when it is missing: the common case of a chip or a column."""
    return None if value is None else format(value, spec)
