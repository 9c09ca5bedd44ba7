"""Transcription-service exports: a speaker heading with a time, then what they said.

Otter (``otter``)::

    Speaker 1  0:03
    What brings you here today?

Rev and Descript (``rev``)::

    Speaker 1 (00:03): What brings you here today?

A heading's name must look like a name (``Speaker 2``, ``Dr. Weiss``, ``SPEAKER_01``) or be a
known label, so a line of speech that ends in a time (``see you at 10:30``) stays speech.
Lines up to the next heading continue the turn; the time is the utterance's start.
"""

from __future__ import annotations

import re

from reverie.domain import Session
from reverie.errors import IngestError
from reverie.ingest.model import Transcript, Turn
from reverie.ingest.speakers import (RoleMap, assign_roles, looks_like_name, require_words, split_directions,
                                     to_utterances)

_CLOCK = r"(?:(\d{1,3}):)?(\d{1,2}):(\d{2})(?:[.,](\d{1,3}))?"
_OTTER = re.compile(rf"^(?P<name>\S.{{0,59}}?)[ \t]+{_CLOCK}$")
_REV = re.compile(rf"^(?P<name>\S.{{0,59}}?)[ \t]*[(\[]{_CLOCK}[)\]](?:[ \t]*:[ \t]*(?P<text>.*)|[ \t]*)$")
_FOOTER = re.compile(r"^Transcribed by https?://(?:www\.)?otter\.ai\S*$", re.IGNORECASE)
HINTS = {"otter": "each turn starts with a line 'Name  0:03' (a name, then the time), then its text",
         "rev": "each turn starts 'Name (00:03): text'"}


def heading(line: str, fmt: str, roles: RoleMap) -> tuple[str, float, str] | None:
    """``(name, start in seconds, text on the same line)`` when ``line`` opens a turn in ``fmt``."""
    m = (_OTTER if fmt == "otter" else _REV).match(line)
    if not m:
        return None
    name = m.group("name").strip()
    if not (roles.is_known(name) or looks_like_name(name)):
        return None
    hours, minutes, seconds, fraction = m.group(2, 3, 4, 5)
    if int(seconds) > 59 or (hours is not None and int(minutes) > 59):
        return None
    start = int(hours or 0) * 3600 + int(minutes) * 60 + int(seconds) + (int(fraction) / 10 ** len(fraction)
                                                                           if fraction else 0.0)
    return name, float(start), (m.groupdict().get("text") or "").strip()


def looks_like(fmt: str, text: str) -> bool:
    """Whether the first non-blank line of ``text`` is a heading of ``fmt`` (for format detection)."""
    first = next((line.strip() for line in text.split("\n") if line.strip()), "")
    return heading(first, fmt, RoleMap()) is not None


def read_timestamped(file: str, text: str, client: str, roles: RoleMap, fmt: str, source: str | None = None
                     ) -> Transcript:
    """Parse an Otter (``fmt='otter'``) or Rev/Descript (``fmt='rev'``) export into one session."""
    turns: list[Turn] = []
    pieces: list[str] = []
    for number, raw in enumerate(text.split("\n"), start=1):
        line = raw.strip()
        if not line or _FOOTER.match(line):
            continue
        found = heading(line, fmt, roles)
        if found is None:
            if not turns:
                raise IngestError(file, "text before the first speaker heading", line=number, hint=HINTS[fmt])
            pieces.append(line)
            continue
        _close(turns, pieces)
        name, start, rest = found
        turns.append(Turn(label=name, text="", line=number, start=start))
        pieces = [rest] if rest else []
    _close(turns, pieces)
    mapping, notes = assign_roles(file, turns, roles)
    utterances = to_utterances(turns, mapping)
    require_words(file, utterances, HINTS[fmt])
    return Transcript(sessions=[Session(client=client, utterances=utterances, source=source)], notes=notes,
                      format=fmt)


def _close(turns: list[Turn], pieces: list[str]) -> None:
    if turns and pieces:
        turns[-1].text, turns[-1].markers = split_directions(" ".join(pieces))
