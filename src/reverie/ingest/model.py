"""What the readers hand back: a ``Transcript`` (sessions plus notes) and the ``Turn`` they build it from."""

from __future__ import annotations

from dataclasses import dataclass, field

from reverie.domain import Session


@dataclass
class Transcript:
    """What one transcript file holds.

    ``notes`` tell the user what the reader decided on their behalf (how unknown
    speaker labels were mapped to roles, that cues were re-ordered...), so that
    nothing is guessed silently.
    """

    sessions: list[Session]
    notes: list[str] = field(default_factory=list)
    format: str = ""


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
