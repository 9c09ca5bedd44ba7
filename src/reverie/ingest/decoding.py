"""Bytes to text: UTF-8 (with or without BOM), UTF-16, a named encoding; any line ending; errors name the line."""

from __future__ import annotations

import codecs
import os
from pathlib import Path

from reverie.errors import IngestError

BOM = b"\xef\xbb\xbf"
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (BOM, "utf-8-sig"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
LEGACY = "cp1252"  # what Windows subtitle editors write when they do not write UTF-8
ENCODING_HINT = "save the file as UTF-8, or name its encoding with --encoding (e.g. utf-16, cp1252, latin-1)"

# The largest transcript or journal file read (docs/formats.md): analysis time and memory grow with the
# text (about 40 fifty-minute sessions fit); a larger file is refused before it is read.
MAX_FILE_BYTES = 2_000_000
# A workspace export holds a whole case (every session and entry) and is only parsed, never analysed.
MAX_EXPORT_BYTES = 200_000_000


def _too_large(path: str | Path, size: int, limit: int) -> IngestError:
    return IngestError(str(path), f"is {size:,} bytes, over the limit of {limit:,} bytes "
                                  f"({limit / 1e6:g} MB) for one file",
                       hint=f"split it into files of at most {limit / 1e6:g} MB (e.g. one session per file); "
                            "see docs/formats.md")


def load_bytes(path: str | Path, data: bytes | None, limit: int = MAX_FILE_BYTES) -> bytes:
    """The file's bytes, or ``data`` when the caller already has them (an upload); over ``limit`` is refused."""
    if data is not None:
        if len(data) > limit:
            raise _too_large(path, len(data), limit)
        return bytes(data)
    try:
        with Path(path).open("rb") as fh:
            size = os.fstat(fh.fileno()).st_size
            if size > limit:
                raise _too_large(path, size, limit)
            raw = fh.read(limit + 1)  # a file that grew (or a pipe) is still read only this far
        if len(raw) > limit:
            raise _too_large(path, len(raw), limit)
        return raw
    except FileNotFoundError:
        raise IngestError(str(path), "file not found", hint="check the path") from None
    except IsADirectoryError:
        raise IngestError(str(path), "is a folder, not a file") from None
    except OSError as exc:
        raise IngestError(str(path), f"cannot be read ({exc.strerror or exc})") from None


def sniff_encoding(data: bytes) -> str | None:
    """UTF-16/32 or UTF-8 from a byte-order mark, or UTF-16 without one (every other byte of ASCII text is NUL)."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name
    head = data[:4096]
    if len(head) >= 4 and len(head) % 2 == 0:
        even, odd = head[0::2].count(0), head[1::2].count(0)
        if odd > len(head) * 0.4 and even == 0:
            return "utf-16-le"
        if even > len(head) * 0.4 and odd == 0:
            return "utf-16-be"
    return None


def decode(file: str, data: bytes, encoding: str | None = None) -> str:
    """Text with ``\\n`` line endings (Windows ``\\r\\n`` and old-Mac ``\\r`` are converted).

    ``encoding`` names the file's encoding; without it a byte-order mark or UTF-16's NUL
    bytes decide, and otherwise the file must be UTF-8.
    """
    return decode_with_note(file, data, encoding)[0]


def decode_with_note(file: str, data: bytes, encoding: str | None = None, legacy: bool = False
                     ) -> tuple[str, str | None]:
    """As ``decode``; with ``legacy`` a file that is not UTF-8 is read as Windows-1252 and the note says so."""
    if encoding is not None:
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise IngestError(file, f"unknown encoding {encoding!r}", field="encoding", hint=ENCODING_HINT) from None
    if not data:
        raise IngestError(file, "the file is empty", hint="export the transcript again")
    used = encoding or sniff_encoding(data) or "utf-8"
    if used == "utf-8-sig":
        used = "utf-8"  # one BOM is taken off below; a second is content
    note = None
    try:
        text = data.decode(used)
    except UnicodeDecodeError as exc:
        text = _legacy(data) if legacy and encoding is None and used == "utf-8" else None
        if text is None:
            before = data[: exc.start].decode(used, errors="replace")
            line = _normalise(before).count("\n") + 1
            name = "UTF-8" if used == "utf-8" else used
            raise IngestError(file, f"is not valid {name} (byte 0x{data[exc.start]:02x} at offset {exc.start})",
                              line=line, hint=ENCODING_HINT) from None
        note = (f"The file is not UTF-8; it was read as Windows-1252 ({LEGACY}). If characters look wrong, "
                "name the encoding with --encoding.")
    if text.startswith("\ufeff") and used not in ("utf-16", "utf-32"):
        text = text[1:]
    if not text:
        raise IngestError(file, "the file is empty", hint="export the transcript again")
    return _normalise(text), note


def _legacy(data: bytes) -> str | None:
    """The text as Windows-1252, unless a byte is undefined there or it holds control characters (binary)."""
    try:
        text = data.decode(LEGACY)
    except UnicodeDecodeError:
        return None
    return text if _is_text(text) else None


def _is_text(text: str) -> bool:
    """No control characters but tabs and line breaks: a binary file is not a legacy-encoded text."""
    return not any(ord(ch) < 32 and ch not in "\t\n\r\f" for ch in text)


def _normalise(text: str) -> str:
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text
