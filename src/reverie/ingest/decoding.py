"""Bytes to text: UTF-8 (with or without BOM), any line ending, and an error naming the bad line."""

from __future__ import annotations

from pathlib import Path

from reverie.errors import IngestError

BOM = b"\xef\xbb\xbf"


def load_bytes(path: str | Path, data: bytes | None) -> bytes:
    """The file's bytes, or ``data`` when the caller already has them (an upload)."""
    if data is not None:
        return bytes(data)
    try:
        return Path(path).read_bytes()
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
