"""Bytes to text: UTF-8 (with or without BOM), any line ending, and an error naming the bad line."""

from __future__ import annotations

import os
from pathlib import Path

from reverie.errors import IngestError

BOM = b"\xef\xbb\xbf"
# The largest transcript or journal file read (docs/formats.md): analysis time and memory grow with the
# text (about 40 fifty-minute sessions fit); a larger file is refused before it is read.
MAX_FILE_BYTES = 2_000_000


def _too_large(path: str | Path, size: int) -> IngestError:
    return IngestError(str(path), f"is {size:,} bytes, over the limit of {MAX_FILE_BYTES:,} bytes "
                                  f"({MAX_FILE_BYTES / 1e6:g} MB) for one file",
                       hint=f"split it into files of at most {MAX_FILE_BYTES / 1e6:g} MB (e.g. one session per file); "
                            "see docs/formats.md")


def load_bytes(path: str | Path, data: bytes | None) -> bytes:
    """The file's bytes, or ``data`` when the caller already has them (an upload); over ``MAX_FILE_BYTES`` is refused."""
    if data is not None:
        if len(data) > MAX_FILE_BYTES:
            raise _too_large(path, len(data))
        return bytes(data)
    try:
        with Path(path).open("rb") as fh:
            size = os.fstat(fh.fileno()).st_size
            if size > MAX_FILE_BYTES:
                raise _too_large(path, size)
            raw = fh.read(MAX_FILE_BYTES + 1)  # a file that grew (or a pipe) is still read only this far
        if len(raw) > MAX_FILE_BYTES:
            raise _too_large(path, len(raw))
        return raw
    except FileNotFoundError:
        raise IngestError(str(path), "file not found", hint="check the path") from None
    except IsADirectoryError:
        raise IngestError(str(path), "is a folder, not a file") from None
    except OSError as exc:
        raise IngestError(str(path), f"cannot be read ({exc.strerror or exc})") from None


def decode(file: str, data: bytes) -> str:
    """UTF-8 text with ``\\n`` line endings (Windows ``\\r\\n`` and old-Mac ``\\r`` are converted)."""
    if data.startswith(BOM):
        data = data[len(BOM):]
    if not data:
        raise IngestError(file, "the file is empty", hint="export the transcript again")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = data[: exc.start].decode("utf-8", errors="replace")
        line = _normalise(before).count("\n") + 1
        raise IngestError(
            file, f"is not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start})", line=line,
            hint="open the file in a text editor and save it as UTF-8",
        ) from None
    return _normalise(text)


def _normalise(text: str) -> str:
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text
