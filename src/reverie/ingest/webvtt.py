"""WebVTT cue blocks by the W3C parsing algorithm (https://www.w3.org/TR/webvtt1/#file-parsing).

Browsers read WebVTT this way, and the web-platform-tests ``webvtt/parsing/file-parsing``
cases pin it down: a block the algorithm drops (a bad timing line, an id line holding
``-->``, a stylesheet after the first cue) is dropped alone, never the whole file; a
timing line starts a new cue even without a blank line before it; NUL becomes U+FFFD.
Here every dropped block is named in a note, so nothing disappears silently.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from reverie.errors import IngestError

_WS = " \t\n\f\r"  # the algorithm's whitespace: a vertical tab is not one
_BLOCK_WORD = re.compile(r"^(STYLE|REGION)[ \t\n\f\r]*$")
_NOTE = re.compile(r"^NOTE(?:[ \t]|$)")
MAX_HOUR_DIGITS = 9  # the standard sets no limit; beyond this a time is not a recording's
MAX_NAMED = 20  # skipped blocks named one by one; the rest are counted


@dataclass
class VttCue:
    """One cue: where its timing line is (1-based), its identifier, times and text lines."""

    line: int
    ident: str
    start: float
    end: float
    text: list[str] = field(default_factory=list)


def _digits(s: str, pos: int) -> tuple[str, int]:
    end = pos
    while end < len(s) and "0" <= s[end] <= "9":
        end += 1
    return s[pos:end], end


def _skip_ws(s: str, pos: int) -> int:
    while pos < len(s) and s[pos] in _WS:
        pos += 1
    return pos


def timestamp(s: str, pos: int) -> tuple[float | None, int]:
    """The spec's "collect a WebVTT timestamp": ``[hh:]mm:ss.ttt`` (hours any length), or ``None``."""
    first, pos = _digits(s, pos)
    if not first or len(first) > MAX_HOUR_DIGITS:
        return None, pos
    hours_first = len(first) != 2 or int(first) > 59
    if pos >= len(s) or s[pos] != ":":
        return None, pos
    second, pos = _digits(s, pos + 1)
    if len(second) != 2:
        return None, pos
    if hours_first or (pos < len(s) and s[pos] == ":"):
        if pos >= len(s) or s[pos] != ":":
            return None, pos
        third, pos = _digits(s, pos + 1)
        if len(third) != 2:
            return None, pos
        hours, minutes, seconds = int(first), int(second), int(third)
    else:
        hours, minutes, seconds = 0, int(first), int(second)
    if pos >= len(s) or s[pos] != ".":
        return None, pos
    fraction, pos = _digits(s, pos + 1)
    if len(fraction) != 3 or minutes > 59 or seconds > 59:
        return None, pos
    return hours * 3600 + minutes * 60 + seconds + int(fraction) / 1000, pos


def timings(line: str) -> tuple[float, float] | None:
    """The spec's "collect WebVTT cue timings and settings", without the settings (Reverie shows no video)."""
    start, pos = timestamp(line, _skip_ws(line, 0))
    if start is None:
        return None
    pos = _skip_ws(line, pos)
    if line[pos:pos + 3] != "-->":
        return None
    end, _pos = timestamp(line, _skip_ws(line, pos + 3))
    return None if end is None else (start, end)


class _Parser:
    def __init__(self, lines: list[str]):
        self.lines = lines
        self.i = 0
        self.seen_cue = False
        self.cues: list[VttCue] = []
        self.skipped: list[str] = []

    def block(self, in_header: bool = False) -> None:
        """The spec's "collect a WebVTT block", starting at ``self.i``; keeps a cue or notes what was dropped."""
        lines, first = self.lines, self.i
        count, previous = 0, self.i
        buffer: list[str] = []
        seen_arrow = False
        cue: VttCue | None = None
        bad_timing: tuple[int, str, str] | None = None
        kind = None  # "style" or "region" when the block is one (before any cue)
        while self.i < len(lines):
            line = lines[self.i]
            self.i += 1
            count += 1
            if "-->" in line:
                if not in_header and (count == 1 or (count == 2 and not seen_arrow)):
                    seen_arrow = True
                    previous = self.i
                    times = timings(line)
                    if times is None:
                        bad_timing = (self.i, "\n".join(buffer), line)
                        cue = None
                    else:
                        cue = VttCue(line=self.i, ident="\n".join(buffer), start=times[0], end=times[1])
                        buffer = []
                        self.seen_cue = True
                else:
                    self.i = previous
                    break
            elif line == "":
                break
            else:
                if not in_header and count == 2 and not self.seen_cue and len(buffer) == 1:
                    m = _BLOCK_WORD.match(buffer[0])
                    if m:
                        kind = m.group(1).lower()
                        buffer = []
                buffer.append(line)
                previous = self.i
        if cue is not None:
            cue.text = buffer
            self.cues.append(cue)
        elif not in_header and kind is None:
            self._note_dropped(first, bad_timing)

    def _note_dropped(self, first: int, bad_timing: tuple[int, str, str] | None) -> None:
        head = self.lines[first]
        if bad_timing is not None:
            line, ident, text = bad_timing
            name = f"cue {ident.strip()[:40]!r} at line {line}" if ident.strip() else f"the cue at line {line}"
            self.skipped.append(f"{name}: {text.strip()[:60]!r} is not a WebVTT timing line")
        elif _NOTE.match(head):
            return  # a comment
        elif _BLOCK_WORD.match(head):
            self.skipped.append(f"the {head.strip()} block at line {first + 1}: WebVTT allows it only before "
                                "the first cue")
        else:
            self.skipped.append(f"the block at line {first + 1} ({head.strip()[:40]!r}): it has no timing line")

    def skip_blank(self) -> None:
        while self.i < len(self.lines) and self.lines[self.i] == "":
            self.i += 1


def parse_webvtt(file: str, text: str) -> tuple[list[VttCue], list[str]]:
    """The cues of a WebVTT file and notes naming each block that was dropped.

    Only a file without the ``WEBVTT`` signature is refused, as the algorithm does.
    ``text`` has ``\\n`` line endings already.
    """
    text = text.replace("\0", "\ufffd")
    if not (text.startswith("WEBVTT") and (len(text) == 6 or text[6] in " \t\n")):
        raise IngestError(file, "does not start with the WEBVTT header", line=1,
                          hint="a WebVTT file's first line is 'WEBVTT'; pass --format to read it as another format")
    parser = _Parser(text.split("\n"))
    parser.i = 1
    if parser.i < len(parser.lines) and parser.lines[parser.i] != "":
        parser.block(in_header=True)
    parser.skip_blank()
    while parser.i < len(parser.lines):
        parser.block()
        parser.skip_blank()
    notes = []
    if parser.skipped:
        shown = parser.skipped[:MAX_NAMED]
        more = len(parser.skipped) - len(shown)
        notes.append("Skipped as WebVTT does (the rest of the file was read): " + "; ".join(shown)
                     + (f"; and {more} more." if more else "."))
    return parser.cues, notes
