"""SRT and SBV cue blocks, read as the common tools read them.

SRT follows the ``srt`` Python library (cdown/srt): the cue number is optional; times
are ``H:M:S,mmm`` with ``,`` ``.`` or ``:`` (and their full-width forms) between the
fields and the milliseconds optional; the arrow may be ``-->``, ``- >`` or ``-- >``;
anything after the end time is ignored; a blank line inside a cue's text is kept when
what follows is not a new cue; a new cue may start without a blank line before it.
SBV (YouTube, Google Meet) is ``H:MM:SS.mmm,H:MM:SS.mmm`` then the text, where ``>>``
marks a change of speaker.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from reverie.errors import IngestError

_SEP = "[,.:\uff0c\uff0e\u3002\uff1a]"
_TS = rf"(\d+){_SEP}(\d+){_SEP}(\d+)(?:{_SEP}?(\d*))"
_SRT_TIMING = re.compile(rf"^\s*{_TS} *-[ -] *> *{_TS}")
_SRT_INDEX = re.compile(r"^\s*-?\d+(?:\.\d*)?\s*$")
_SBV_TIME = r"(\d+):(\d{1,2}):(\d{1,2})\.(\d{1,3})"
_SBV_TIMING = re.compile(rf"^\s*{_SBV_TIME},{_SBV_TIME}\s*$")
_SPEAKER_CHANGE = re.compile(r"^\s*(?:>>|&gt;&gt;)\s*")
MAX_FIELD_DIGITS = 9
SRT_HINT = "each SRT cue is a number, a line like 00:01:02,500 --> 00:01:05,000, then its text"
SBV_HINT = "each SBV cue is a line like 0:01:02.500,0:01:05.000 followed by its text"


@dataclass
class Cue:
    """A cue as read: the line of its timing (1-based), its times in seconds and its text lines."""

    line: int
    start: float
    end: float
    text: list[str] = field(default_factory=list)


def _seconds(groups: tuple, file: str, line: int) -> float:
    hours, minutes, secs, millis = (g or "0" for g in groups)
    if max(len(hours), len(minutes), len(secs), len(millis)) > MAX_FIELD_DIGITS:
        raise IngestError(file, "a time field is too long", line=line, place="cue", field="timing",
                          hint=SRT_HINT)
    # as the srt library does: fields are counts (00:00:75,5 is 75.005 s)
    return int(hours) * 3600 + int(minutes) * 60 + int(secs) + int(millis) / 1000


def _starts_cue(lines: list[str], i: int) -> bool:
    """A timing line, or a cue number directly above one."""
    if _SRT_TIMING.match(lines[i]):
        return True
    return bool(_SRT_INDEX.match(lines[i])) and i + 1 < len(lines) and bool(_SRT_TIMING.match(lines[i + 1]))


def parse_srt(file: str, text: str) -> list[Cue]:
    """SRT cues; text that belongs to no cue (a numbered block without its timing line) is an error."""
    lines = text.split("\n")
    cues: list[Cue] = []
    i = 0
    while i < len(lines):
        if not lines[i].strip():
            i += 1
            continue
        if not _starts_cue(lines, i):
            if cues and not _SRT_INDEX.match(lines[i]):
                cues[-1].text.extend(["", lines[i]])  # a blank line inside the previous cue's text
                i += 1
                continue
            raise IngestError(file, "cue without a timing line (expected a cue number, then a timing line)",
                              line=i + 1, place="cue", field="timing", hint=SRT_HINT)
        if not _SRT_TIMING.match(lines[i]):
            i += 1
        m = _SRT_TIMING.match(lines[i])
        start, end = _seconds(m.groups()[:4], file, i + 1), _seconds(m.groups()[4:], file, i + 1)
        cue = Cue(line=i + 1, start=start, end=end)
        i += 1
        while i < len(lines) and lines[i].strip() and not _starts_cue(lines, i):
            cue.text.append(lines[i])
            i += 1
        cues.append(cue)
    return cues


def parse_sbv(file: str, text: str) -> list[Cue]:
    """SBV cues: blank-line separated blocks that each open with their timing line."""
    cues: list[Cue] = []
    current: Cue | None = None
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            current = None
            continue
        if current is None:
            m = _SBV_TIMING.match(line)
            if not m:
                raise IngestError(file, f"{line.strip()[:60]!r} is not an SBV timing line", line=number,
                                  place="cue", field="timing", hint=SBV_HINT)
            current = Cue(line=number, start=_seconds(m.groups()[:4], file, number),
                          end=_seconds(m.groups()[4:], file, number))
            cues.append(current)
            continue
        current.text.append(_SPEAKER_CHANGE.sub("", line))
    return cues


def first_line_is_sbv_timing(text: str) -> bool:
    """Whether a text's first non-blank line is an SBV timing line (for format detection)."""
    first = next((line for line in text.split("\n") if line.strip()), "")
    return bool(_SBV_TIMING.match(first))
