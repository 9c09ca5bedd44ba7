"""WebVTT, SRT and SBV captions, as video-call tools and video sites export them: cues into turns.

Speakers come from ``<v Name>`` voice tags or ``Name: text`` prefixes; a cue with neither
continues the previous speaker. Consecutive cues of one speaker become one utterance,
with a ``pause N.N s`` marker where the gap inside the turn is three seconds or more.
"""

from __future__ import annotations

import html
import re

from reverie.domain import Session
from reverie.ingest.model import Transcript, Turn
from reverie.ingest.srt import Cue, parse_sbv, parse_srt
from reverie.ingest.speakers import (RoleMap, accepted_labels, assign_roles, looks_like_name, norm_label,
                                     require_words, split_directions, to_utterances)
from reverie.ingest.webvtt import parse_webvtt

PAUSE_GAP_S = 3.0
UNKNOWN_SPEAKER = "unknown"
_VOICE = re.compile(r"<v(?:\.[^\s>]*)?(?:\s+([^>]*))?>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>|\{\\[^}]*\}")  # HTML-like tags and SRT's {\an8} overrides
_PREFIX = re.compile(r"^\s*(?:-\s*)?([^:<>\n]{1,60}?)\s*:(\s.*|)$")


def _cues(file: str, text: str, fmt: str) -> tuple[list[Cue], list[str]]:
    if fmt == "vtt":
        cues, notes = parse_webvtt(file, text)
        return [Cue(line=c.line, start=c.start, end=c.end, text=c.text) for c in cues], notes
    return (parse_sbv(file, text) if fmt == "sbv" else parse_srt(file, text)), []


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
    """Parse WebVTT (``fmt='vtt'``), SRT (``'srt'``) or SBV (``'sbv'``) into one session."""
    cues, notes = _cues(file, text, fmt)
    backwards = [c.line for c in cues if c.end < c.start]
    if backwards:
        shown = ", ".join(str(n) for n in backwards[:10]) + (" ..." if len(backwards) > 10 else "")
        notes.append(f"{len(backwards)} cue(s) end before they start (timing lines {shown}); their times were kept "
                     "as written.")
    if any(b.start < a.start for a, b in zip(cues, cues[1:])):
        cues.sort(key=lambda c: c.start)
        notes.append("Cues were not in time order; they were sorted by start time.")
    parsed = [(cue, [p for line in cue.text for p in _pieces(line, roles)]) for cue in cues]
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
    duration = max(0.0, max(c.end for c in cues) - min(c.start for c in cues))
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
