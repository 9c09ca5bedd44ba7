"""What the readers hand back: a ``Transcript`` (sessions plus notes) and the ``Turn`` they build it from."""

from __future__ import annotations

from dataclasses import dataclass, field

from reverie.domain import Session


@dataclass
class Transcript:
    """What one transcript file holds.

    ``notes`` tell the user what the reader decided on their behalf (how unknown
    speaker labels were mapped to roles, that cues were re-ordered...), so that
    nothing is guessed silently. ``numbered_by_order`` says the sessions' numbers are
    their places in the file (labels that are not all numbers), not numbers the file gave:
    a store appends such sessions after the client's own instead of taking the numbers.
    """

    sessions: list[Session]
    notes: list[str] = field(default_factory=list)
    format: str = ""
    numbered_by_order: bool = False


@dataclass
class Turn:
    """One speaker turn as read from a file, before roles are known.

    ``text`` is already free of stage directions, which sit in ``markers``;
    ``role`` is set only when the file states it (a JSON ``role``, a CSV ``role`` column).
    """

    label: str
    text: str
    line: int
    markers: list[str] = field(default_factory=list)
    start: float | None = None
    end: float | None = None
    role: str | None = None
