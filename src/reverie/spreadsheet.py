"""CSV cells a spreadsheet reads as text, never as a formula (OWASP, "CSV Injection").

A client's words can begin with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return, which some spreadsheets
skip before such a sign); opened in a spreadsheet such a cell would run as a formula. Every text cell that begins so
gets a leading single quote, which spreadsheets take as "this is text" and do not show, and every cell is written
inside double quotes, so a separator in the text (a comma, or the semicolon some locales use) cannot start a new cell.
A cell that already begins with a single quote gets one more, so that Reverie's CSV readers, which remove one
leading quote before these characters, give back exactly the text that was exported.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

# = + - @, tab and carriage return, their full-width forms, and the single quote itself (so the escape round-trips)
FORMULA_STARTS = tuple("=+-@\t\r\uff1d\uff0b\uff0d\uff20'")


def neutralise(value: Any) -> Any:
    """A text cell safe to open in a spreadsheet; numbers and empty cells are returned as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def restore(cell: str) -> str:
    """The text a neutralised cell stood for (the reader's side of ``neutralise``)."""
    if cell.startswith("'") and cell[1:].startswith(FORMULA_STARTS):
        return cell[1:]
    return cell


def csv_text(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """A whole CSV file: every cell quoted, every text cell neutralised."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL)
    writer.writerow(header)
    writer.writerows([neutralise(v) for v in row] for row in rows)
    return buffer.getvalue()


__all__ = ["FORMULA_STARTS", "csv_text", "neutralise", "restore"]
