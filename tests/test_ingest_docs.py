"""Every example in docs/formats.md reads as the format its section documents."""

import re
from pathlib import Path

import pytest

from reverie.ingest import read_entries, read_transcript

DOC = Path(__file__).resolve().parents[1] / "docs" / "formats.md"
SECTIONS = {"Plain text": "text", "WebVTT": "vtt", "SRT": "srt", "SBV": "sbv", "Otter": "otter", "Rev ": "rev",
            "CSV": "csv", "JSON (": "json", "JSONL": "jsonl", "Journal entries": "entries"}


def examples():
    out, section = [], None
    for block in re.split(r"^(```\w*\n.*?^```)", DOC.read_text(encoding="utf-8"), flags=re.M | re.S):
        if block.startswith("```"):
            if section:
                out.append((section, block.split("\n", 1)[1].rsplit("```", 1)[0]))
            continue
        for heading in re.findall(r"^## (.+)$", block, flags=re.M):
            section = next((fmt for key, fmt in SECTIONS.items() if heading.startswith(key)), None)
    return out


def test_ingest_docs_every_format_has_an_example():
    assert {fmt for fmt, _ in examples()} == set(SECTIONS.values())


@pytest.mark.parametrize("fmt,text", examples())
def test_ingest_docs_example_parses(fmt, text):
    if fmt == "entries":
        name = "journal.jsonl" if text.lstrip().startswith("{") else "journal.csv"
        assert read_entries(name, "demo", data=text.encode())
        return
    t = read_transcript(f"example.{fmt}", "demo", data=text.encode())
    assert t.format == fmt and t.sessions and all(s.utterances for s in t.sessions)
    assert {u.role for s in t.sessions for u in s.utterances} >= {"client"}
