"""WebVTT and SRT captions, as video-call tools export them.

Speakers come from ``<v Name>`` voice tags or ``Name: text`` prefixes; a cue with neither
continues the previous speaker. Consecutive cues of one speaker become one utterance,
with a ``pause N.N s`` marker where the gap inside the turn is three seconds or more.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from reverie.domain import Session
from reverie.errors import IngestError
from reverie.ingest.model import Transcript, Turn
from reverie.ingest.speakers import (RoleMap, accepted_labels, assign_roles, looks_like_name, norm_label,
                                     require_words, split_directions, to_utterances)

PAUSE_GAP_S = 3.0
UNKNOWN_SPEAKER = "unknown"
_TIME = r"(?:(\d+):)?(\d{1,2}):(\d{1,2})[.,](\d{1,3})"
_TIMING = re.compile(rf"^\s*{_TIME}\s*-->\s*{_TIME}(?:\s.*)?$")
_VOICE = re.compile(r"<v(?:\.[^\s>]*)?(?:\s+([^>]*))?>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>|\{\\[^}]*\}")  # HTML-like tags and SRT's {\an8} overrides
_PREFIX = re.compile(r"^\s*(?:-\s*)?([^:<>\n]{1,60}?)\s*:(\s.*|)$")
TIMING_HINT = "a cue's timing line reads like 00:01:02.500 --> 00:01:05.000"


@dataclass
class _Cue:
    line: int
    start: float
    end: float
    payload: list[str]


def _seconds(groups: tuple) -> float:
    hours, minutes, secs, frac = groups
    if int(minutes) >= 60 or int(secs) >= 60:
        raise ValueError("minutes and seconds must be below 60")
    return int(hours or 0) * 3600 + int(minutes) * 60 + int(secs) + int(frac) / 10 ** len(frac)


def _timing(file: str, line: str, number: int) -> tuple[float, float]:
    m = _TIMING.match(line)
    try:
        if not m:
            raise ValueError("unreadable timing")
        start, end = _seconds(m.groups()[:4]), _seconds(m.groups()[4:])
    except (ValueError, OverflowError) as exc:  # OverflowError: hours beyond any float
        raise IngestError(file, f"bad cue timing {line.strip()[:80]!r} ({exc})", line=number, place="cue",
                          field="timing", hint=TIMING_HINT) from None
    if end < start:
        raise IngestError(file, "the cue ends before it starts", line=number, place="cue", field="timing",
                          hint=TIMING_HINT)
    return start, end


def _blocks(lines: list[str], first: int) -> list[tuple[int, list[str]]]:
    """Blank-line separated blocks as (1-based line number of their first line, lines)."""
    blocks: list[tuple[int, list[str]]] = []
    current: list[str] = []
    start = 0
    for i in range(first, len(lines)):
        line = lines[i]
        if line.strip():
            if not current:
                start = i + 1
            current.append(line)
        elif current:
            blocks.append((start, current))
            current = []
    if current:
        blocks.append((start, current))
    return blocks


def _vtt_cues(file: str, text: str) -> list[_Cue]:
    lines = text.split("\n")
    head = lines[0]
    if not (head.startswith("WEBVTT") and (len(head) == 6 or head[6] in " \t")):
        raise IngestError(file, "does not start with the WEBVTT header", line=1,
                          hint="a WebVTT file's first line is 'WEBVTT'; pass --format to read it as another format")
    end_of_header = next((i for i, line in enumerate(lines) if not line.strip()), len(lines))
    cues = []
    for start, block in _blocks(lines, end_of_header):
        word = block[0].split(None, 1)[0] if block[0].split() else ""
        if word in ("NOTE", "STYLE", "REGION") and "-->" not in block[0]:
            continue
        cues.append(_cue(file, start, block, numbered=False))
    return cues


def _srt_cues(file: str, text: str) -> list[_Cue]:
    return [_cue(file, start, block, numbered=True) for start, block in _blocks(text.split("\n"), 0)]


def _cue(file: str, start: int, block: list[str], numbered: bool) -> _Cue:
    if "-->" in block[0]:
        at = 0
    elif len(block) > 1 and "-->" in block[1]:
        at = 1
    else:
        what = "a cue number, then a timing line" if numbered else "a timing line"
        raise IngestError(file, f"cue without a timing line (expected {what})", line=start, place="cue",
                          field="timing", hint=TIMING_HINT)
    begin, end = _timing(file, block[at], start + at)
    return _Cue(line=start + at, start=begin, end=end, payload=block[at + 1:])


def _pieces(line: str, roles: RoleMap) -> list[tuple[str | None, str, str]]:
    """Split one payload line into (label, kind, text): kind is 'voice', 'known', 'prefix' or 'none'."""
    parts = _VOICE.split(line)
    out: list[tuple[str | None, str, str]] = []
    if parts[0].strip() or len(parts) == 1:
        out.append(_prefixed(_clean(parts[0]), roles))
    for i in range(1, len(parts), 2):
        name = _clean(parts[i] or "")
        out.append((name or UNKNOWN_SPEAKER, "voice", _clean(parts[i + 1])))
    return out


def _prefixed(text: str, roles: RoleMap) -> tuple[str | None, str, str]:
    m = _PREFIX.match(text)
    if m:
        label = m.group(1).strip()
        if roles.is_known(label):
            return label, "known", m.group(2).strip()
        if looks_like_name(label):
            return label, "prefix", m.group(2).strip()
    return None, "none", text


def _clean(text: str) -> str:
    if "<" in text or "{" in text:
        text = _TAG.sub("", text)
    if "&" in text:
        text = html.unescape(text)
    return " ".join(text.split())


def read_captions(file: str, text: str, client: str, roles: RoleMap, fmt: str, source: str | None = None
                  ) -> Transcript:
    """Parse WebVTT (``fmt='vtt'``) or SRT (``fmt='srt'``) into one session."""
    cues = _vtt_cues(file, text) if fmt == "vtt" else _srt_cues(file, text)
    notes: list[str] = []
    if any(b.start < a.start for a, b in zip(cues, cues[1:])):
        cues.sort(key=lambda c: c.start)
        notes.append("Cues were not in time order; they were sorted by start time.")
    parsed = [(cue, [p for line in cue.payload for p in _pieces(line, roles)]) for cue in cues]
    counts: dict[str, int] = {}
    any_known = False
    for _unused, pieces in parsed:
        for label, kind, _text in pieces:
            if kind == "prefix":
                key = norm_label(label or "")
                counts[key] = counts.get(key, 0) + 1
            elif kind in ("known", "voice"):
                any_known = True
    accepted = accepted_labels(counts, any_known)
    segments: list[Turn] = []
    speaker: str | None = None
    for cue, pieces in parsed:
        cue_turns: list[Turn] = []
        for label, kind, body in pieces:
            if kind == "prefix" and norm_label(label or "") not in accepted and speaker is not None:
                label, body = None, f"{label}: {body}".strip()
            if label is not None:
                speaker = label
            elif speaker is None:
                speaker = UNKNOWN_SPEAKER
            if cue_turns and norm_label(cue_turns[-1].label) == norm_label(speaker):
                cue_turns[-1].text = f"{cue_turns[-1].text} {body}".strip()
            else:
                cue_turns.append(Turn(label=speaker, text=body, line=cue.line, start=cue.start, end=cue.end))
        for turn in cue_turns:
            turn.text, turn.markers = split_directions(turn.text)
            if turn.text or turn.markers:
                segments.append(turn)
    turns = _merge(segments)
    mapping, role_notes = assign_roles(file, turns, roles)
    utterances = to_utterances(turns, mapping)
    require_words(file, utterances, "each cue needs a timing line followed by its text")
    duration = max(c.end for c in cues) - min(c.start for c in cues)
    session = Session(client=client, utterances=utterances, duration=round(duration, 3), source=source)
    return Transcript(sessions=[session], notes=role_notes + notes, format=fmt)


def _merge(segments: list[Turn]) -> list[Turn]:
    """Join consecutive cues of one speaker into one turn, marking long gaps inside it."""
    turns: list[Turn] = []
    for seg in segments:
        last = turns[-1] if turns else None
        if last is None or norm_label(last.label) != norm_label(seg.label):
            turns.append(seg)
            continue
        gap = (seg.start or 0.0) - (last.end or 0.0)
        if gap >= PAUSE_GAP_S:
            last.markers.append(f"pause {gap:.1f} s")
        last.markers.extend(seg.markers)
        last.text = f"{last.text} {seg.text}".strip()
        last.end = max(last.end or 0.0, seg.end or 0.0)
    return turns
