"""Speaker labels, stage directions and roles: the rules every transcript reader shares.

A label is what the file calls a speaker (``T``, ``Client``, ``Dr Weiss``); a role is
what Reverie needs (``therapist``, ``client``, ``other``). Built-in labels and the
user's ``--therapist-label`` / ``--client-label`` give roles directly; anything else
is inferred and the inference is reported in the transcript's notes.
"""

from __future__ import annotations

import re
from functools import lru_cache
from reverie.domain import Utterance
from reverie.errors import IngestError

THERAPIST_LABELS = frozenset({"t", "therapist", "analyst", "counsellor", "counselor", "psychotherapist",
                              "psychoanalyst"})
CLIENT_LABELS = frozenset({"c", "client", "patient"})
ROLE_HINT = "pass --therapist-label NAME and --client-label NAME (other speakers become 'other')"

MAX_LABEL_WORDS = 4
_PARTICLES = frozenset({"van", "von", "de", "der", "den", "da", "di", "du", "la", "le", "del", "al", "bin", "ibn",
                        "y", "e"})
# Words (prefixes) that make a parenthesis a stage direction rather than speech: "(pause)", "(laughs)".
_DIRECTION_STEMS = ("paus", "silen", "laugh", "chuckl", "giggl", "cry", "cries", "cried", "sob", "tear", "weep",
                    "sigh", "inaudible", "unintelligible", "unclear", "indistinct", "crosstalk", "overlap",
                    "interrupt", "cough", "sniff", "clears", "whisper", "mumbl", "nod", "shrug", "smil", "yawn",
                    "rings", "ringing", "gestur", "groan", "exhal", "inhal", "breath", "stammer", "stutter")
_DIRECTION = re.compile(r"\[([^\[\]\n]{0,300})\]|\(([^()\n]{0,300})\)")
_DIARISED = re.compile(r"^(?:SPEAKER|Speaker|speaker|SPK|spk)_\d{1,4}$")  # pyannote / WhisperX labels
_DURATION = re.compile(r"^\d+(?:[.,]\d+)?\s*(?:s|secs?|seconds?|mins?|minutes?)$")
_PUNCT_AFTER = frozenset(",.;:!?)]…")


@lru_cache(maxsize=4096)
def norm_label(label: str) -> str:
    """Labels compare case-insensitively with whitespace collapsed."""
    return " ".join(label.split()).casefold()


class RoleMap:
    """Roles known without inference: the user's mapping first, then the built-in labels."""

    def __init__(self, therapist_label: str | None = None, client_label: str | None = None):
        self.given: dict[str, tuple[str, str]] = {}  # norm -> (role, option name)
        if therapist_label and therapist_label.strip():
            self.given[norm_label(therapist_label)] = ("therapist", "--therapist-label")
        if client_label and client_label.strip():
            self.given[norm_label(client_label)] = ("client", "--client-label")

    def role_of(self, label: str) -> str | None:
        key = norm_label(label)
        if key in self.given:
            return self.given[key][0]
        if key in THERAPIST_LABELS:
            return "therapist"
        if key in CLIENT_LABELS:
            return "client"
        return None

    def is_known(self, label: str) -> bool:
        return self.role_of(label) is not None


def looks_like_name(label: str) -> bool:
    """A speaker name of at most four words (``Anna``, ``Dr. Weiss``, ``Speaker 2``, ``Jan van Dijk``)
    or a diarisation label (``SPEAKER_00``).

    Ordinary speech before a colon (``So I said: no``) fails because a later word is lower case.
    """
    if _DIARISED.match(label):
        return True
    words = label.split()
    if not words or len(words) > MAX_LABEL_WORDS:
        return False
    for i, word in enumerate(words):
        core = word.rstrip(".")
        if not core:
            return False
        if i > 0 and (core.isdigit() or core in _PARTICLES):
            continue
        if not core[0].isalpha() or core[0].islower():
            return False
        if not all(ch.isalnum() or ch in ".'’-" for ch in core):
            return False
    return True


def accepted_labels(counts: dict[str, int], any_known: bool) -> set[str]:
    """Which unknown name-like labels (normalised, with their counts) count as speakers.

    Where the file's speakers are established by known or mapped labels, an unknown label
    seen only once is more likely speech that holds a colon (``Dear Anna: ...``) than a
    speaker, so only repeated ones are accepted. Otherwise every name-like label is.
    """
    if not any_known:
        return set(counts)
    return {key for key, n in counts.items() if n >= 2}


@lru_cache(maxsize=4096)
def _is_direction(inner: str) -> bool:
    text = inner.strip().lower()
    if not text or _DURATION.match(text):
        return True
    words = re.findall(r"\w+", text)
    if len(words) > 8:
        return False
    return any(w.startswith(_DIRECTION_STEMS) for w in words)


def split_directions(text: str) -> tuple[str, list[str]]:
    """Remove stage directions from ``text``; return the tidy text and the directions in order.

    Square brackets are always a transcriber's; parentheses only when they hold a direction
    word (pause, silence, laughs, crying...) so that ``(the older one)`` stays speech.
    """
    if "(" not in text and "[" not in text:
        return text.strip(), []
    pieces: list[str] = []
    markers: list[str] = []
    pos = 0
    for m in _DIRECTION.finditer(text):
        square = m.group(1) is not None
        inner = m.group(1) if square else m.group(2)
        if not square and not _is_direction(inner):
            continue
        pieces.append(text[pos: m.start()])
        pos = m.end()
        marker = " ".join(inner.split()).lower().strip(" .")
        if marker:
            markers.append(marker)
    if not pieces:
        return text.strip(), []
    pieces.append(text[pos:])
    out = ""
    for piece in pieces:
        piece = piece.strip()
        if not piece:
            continue
        if out and piece[0] not in _PUNCT_AFTER:
            out += " "
        out += piece
    return out, markers


def _words(text: str) -> int:
    """Whitespace-separated tokens: close enough to decide who says more, and fast on 5 MB."""
    return len(text.split())


def assign_roles(file: str, turns: list, roles: RoleMap) -> tuple[dict[str, str], list[str]]:
    """Map each normalised label to a role; return the mapping and notes on what was inferred.

    Turns whose file states a role keep it. Two unknown speakers with no mapping: the one
    who says more is taken as the client (clients usually speak more in psychodynamic
    sessions) and a note says so. More than two unknown speakers with no mapping cannot be
    resolved and raise ``IngestError``.
    """
    display: dict[str, str] = {}
    needed: dict[str, None] = {}  # labels of turns without a stated role, in order of first appearance
    resolved: set[str] = set()
    unknown: list[str] = []
    mapping: dict[str, str] = {}
    for turn in turns:
        key = norm_label(turn.label)
        if key not in display:
            display[key] = turn.label.strip()
        if turn.role:
            resolved.add(turn.role)
        elif key not in needed:
            needed[key] = None
    for given, (_role, option) in roles.given.items():
        if given not in display:
            found = ", ".join(repr(v) for v in display.values()) or "none"
            raise IngestError(file, f"{option} {given!r} matches no speaker (speakers found: {found})",
                              field=option.lstrip("-").replace("-", "_"),
                              hint="use the speaker name exactly as the file writes it (case does not matter)")
    for key in needed:
        role = roles.role_of(key)
        if role:
            mapping[key] = role
            resolved.add(role)
        else:
            unknown.append(key)
    notes: list[str] = []
    if not unknown:
        return mapping, notes
    names = [display[k] for k in unknown]
    words = dict.fromkeys(unknown, 0)
    for turn in turns:
        key = norm_label(turn.label)
        if key in words and not turn.role:
            words[key] += _words(turn.text)
    if roles.given or resolved:
        missing = [r for r in ("therapist", "client") if r not in resolved]
        if len(unknown) == 1 and len(missing) == 1:
            mapping[unknown[0]] = missing[0]
            notes.append(f"Speaker {names[0]!r} was taken as the {missing[0]}, the only role without a speaker.")
        else:
            for key in unknown:
                mapping[key] = "other"
            notes.append("Speakers " + ", ".join(repr(n) for n in names) + " were given the role 'other'; "
                         + ROLE_HINT + " to change this.")
        return mapping, notes
    if len(unknown) == 1:
        mapping[unknown[0]] = "client"
        notes.append(f"Only one speaker ({names[0]!r}) was found; their words were taken as the client's.")
    elif len(unknown) == 2:
        first, second = unknown
        client, therapist = (first, second) if words[first] > words[second] else (second, first)
        mapping[client], mapping[therapist] = "client", "therapist"
        notes.append(
            f"Speaker labels are not therapist/client labels: {display[client]!r} ({words[client]} words) was taken "
            f"as the client and {display[therapist]!r} ({words[therapist]} words) as the therapist, because clients "
            f"usually speak more. If that is wrong, {ROLE_HINT}."
        )
    else:
        raise IngestError(file, f"{len(unknown)} speakers whose roles are unknown: " + ", ".join(names),
                          field="speaker", hint=ROLE_HINT)
    return mapping, notes


def to_utterances(turns: list, mapping: dict[str, str]) -> list[Utterance]:
    """Turns with their roles resolved become numbered utterances; turns with nothing in them are dropped."""
    out: list[Utterance] = []
    for turn in turns:
        if not turn.text and not turn.markers:
            continue
        role = turn.role or mapping[norm_label(turn.label)]
        out.append(Utterance(index=len(out), role=role, speaker=turn.label.strip(), text=turn.text,
                             start=turn.start, end=turn.end, markers=list(turn.markers)))
    return out


def require_words(file: str, utterances: list[Utterance], hint: str) -> None:
    """A transcript must hold at least one utterance with words."""
    if not any(u.text for u in utterances):
        raise IngestError(file, "no utterances found", hint=hint)
