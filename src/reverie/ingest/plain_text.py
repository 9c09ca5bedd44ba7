"""Plain-text transcripts: ``Label: words`` at line starts, continuation lines, ``#`` comments.

    T: What comes to mind?
    C: (long pause) My mother, again.
    I keep thinking about her voice.
"""

from __future__ import annotations

import re

from reverie.domain import Session
from reverie.errors import IngestError
from reverie.ingest.model import Transcript, Turn
from reverie.ingest.speakers import (RoleMap, accepted_labels, assign_roles, looks_like_name, norm_label,
                                     require_words, split_directions, to_utterances)

_LABEL = re.compile(r"^\s*([^:\n]{1,60}?)\s*:(.*)$")
LABEL_HINT = ("start each turn with a speaker label and a colon, e.g. 'T: ...' / 'C: ...' or 'Therapist: ...'; "
              "lines starting with # are comments")


def _candidate(line: str, roles: RoleMap) -> tuple[str, str, bool] | None:
    """``(label, rest, known)`` when the line starts like a speaker label, else ``None``."""
    m = _LABEL.match(line)
    if not m:
        return None
    label, rest = m.group(1).strip(), m.group(2)
    if roles.is_known(label):
        return label, rest, True
    if (not rest or rest[0].isspace()) and looks_like_name(label):
        return label, rest, False
    return None


def read_text(file: str, text: str, client: str, roles: RoleMap, source: str | None = None) -> Transcript:
    """Parse a labelled plain-text transcript into one session."""
    lines: list[tuple[int, str, tuple[str, str, bool] | None]] = []
    counts: dict[str, int] = {}
    any_known = False
    for number, raw in enumerate(text.split("\n"), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        cand = _candidate(line, roles)
        if cand is not None:
            if cand[2]:
                any_known = True
            else:
                key = norm_label(cand[0])
                counts[key] = counts.get(key, 0) + 1
        lines.append((number, line, cand))
    accepted = accepted_labels(counts, any_known)
    notes: list[str] = []
    as_speech: list[str] = []
    turns: list[Turn] = []
    pieces: list[str] = []
    for number, line, cand in lines:
        if cand is not None and not cand[2] and norm_label(cand[0]) not in accepted and turns:
            as_speech.append(f"'{cand[0]}:' (line {number})")
            cand = None
        if cand is None:
            if not turns:
                raise IngestError(file, "text before the first speaker label", line=number, hint=LABEL_HINT)
            pieces.append(line)
            continue
        _close(turns, pieces)
        pieces = [cand[1].strip()]
        turns.append(Turn(label=cand[0], text="", line=number))
    _close(turns, pieces)
    if as_speech:
        shown = ", ".join(as_speech[:5]) + (f" and {len(as_speech) - 5} more" if len(as_speech) > 5 else "")
        notes.append(f"Read as speech, not as speaker labels (each appears only once beside known labels): {shown}.")
    mapping, role_notes = assign_roles(file, turns, roles)
    utterances = to_utterances(turns, mapping)
    require_words(file, utterances, LABEL_HINT)
    session = Session(client=client, utterances=utterances, source=source)
    return Transcript(sessions=[session], notes=role_notes + notes, format="text")


def _close(turns: list[Turn], pieces: list[str]) -> None:
    if turns and pieces:
        turns[-1].text, turns[-1].markers = split_directions(" ".join(p for p in pieces if p))
