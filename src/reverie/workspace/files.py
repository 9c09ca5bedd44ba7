"""The rooms over a file (a transcript, or else a journal file) instead of a workspace: nothing is stored.

The stored paths are ``Workspace.patterns`` and ``Workspace.themes`` (``rooms.py``); the file paths here run the
same analysers through the same runner. ``analyze_file`` (``analysis.py``) is the general file path.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from reverie.errors import IngestError, InputError


def patterns_of(analysis: dict[str, Any], names: dict[str, str] | None = None) -> dict[str, Any]:
    """The relational formulation of an analysis result (the shape ``reverie patterns --json`` prints).

    Rebuilt from the stored annotations, so names known to the caller (``--names``, the therapist's own
    name) settle the figures without re-running the analyser.
    """
    from reverie.analysis.relational_case import from_analysis
    return from_analysis(analysis, names)


def parse_names(raw: str | None) -> dict[str, str]:
    """``'Margaret=boss,Jonah=partner'`` -> a dict; an unknown object is a usage error."""
    from reverie.analysis.relational_lexicon import OBJECTS
    out: dict[str, str] = {}
    for pair in (raw or "").split(","):
        if not pair.strip():
            continue
        name, _, obj = pair.partition("=")
        if not name.strip() or obj.strip() not in OBJECTS:
            raise InputError(f"--names: '{pair.strip()}' is not NAME=OBJECT",
                             hint=f"objects: {', '.join(OBJECTS)}")
        out[name.strip()] = obj.strip()
    return out


def patterns_file(path: str | Path, fmt: str = "auto", therapist_label: str | None = None,
                  client_label: str | None = None, names: dict[str, str] | None = None) -> dict[str, Any]:
    """Patterns in a transcript, or else a journal file, without storing anything."""
    from reverie.analysis.results import analyse
    from reverie.analysis.base import select_analyzers

    sessions, entries = read_case_file(path, fmt, therapist_label, client_label)
    out, _ = analyse(select_analyzers(["relational"]), sessions, entries)
    return patterns_of(out, names)


def themes_file(path: str | Path, fmt: str = "auto", therapist_label: str | None = None,
                client_label: str | None = None) -> dict[str, Any]:
    """Themes in a transcript, or else a journal file, without storing anything."""
    from reverie.analysis.themes import themes
    return themes(*read_case_file(path, fmt, therapist_label, client_label))


def read_case_file(path: str | Path, fmt: str = "auto", therapist_label: str | None = None,
                   client_label: str | None = None) -> tuple[list[Any], list[Any]]:
    """The sessions of a transcript, or else the entries (numbered from 1) of a journal file."""
    from reverie import ingest
    try:
        return ingest.read_transcript(path, fmt=fmt, therapist_label=therapist_label,
                                      client_label=client_label).sessions, []
    except IngestError as transcript_error:
        try:
            return [], [replace(e, id=i + 1) for i, e in enumerate(ingest.read_entries(path))]
        except IngestError:
            raise transcript_error from None
