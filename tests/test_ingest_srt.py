"""SRT as the srt Python library (cdown/srt) reads it, and SRT files in UTF-16 and Windows-1252."""

import pytest

from reverie.errors import IngestError
from reverie.ingest import read_transcript
from reverie.ingest.srt import parse_srt

SRT = "1\n00:00:01,000 --> 00:00:04,000\nTherapist: Where shall we start?\n\n2\n00:00:04,500 --> 00:00:08,000\n" \
      "Client: With my father, I suppose. Señor Müller — “again”.\n"


def read(data, name="s.srt", **kw):
    return read_transcript(name, "c1", data=data, **kw)


def test_ingest_srt_lenient_times_arrows_and_optional_numbers():
    text = ("1\n00:00:01.000 --> 00:00:02,000 X1:40 X2:600\nfirst\n\n"  # '.' separator, coordinates ignored
            "00:00:03:500 - > 00:00:04,000\nsecond, no number\n\n"        # ':' before ms, '- >' arrow
            "3\n00:00:05 -- > 00:00:06,5\nthird\n")                       # no ms; '6,5' counts 5 ms as srt does
    found = parse_srt("s.srt", text)
    assert [(c.start, c.end, c.text) for c in found] == [
        (1.0, 2.0, ["first"]), (3.5, 4.0, ["second, no number"]), (5.0, 6.005, ["third"])]


def test_ingest_srt_cue_without_blank_line_and_blank_line_inside_text():
    text = ("1\n00:00:01,000 --> 00:00:02,000\nfirst\n2\n00:00:02,000 --> 00:00:03,000\nsecond line one\n\n"
            "second line two\n\n3\n00:00:04,000 --> 00:00:05,000\nthird\n")
    found = parse_srt("s.srt", text)
    assert [c.text for c in found] == [["first"], ["second line one", "", "second line two"], ["third"]]
    assert [c.line for c in found] == [2, 5, 11]


def test_ingest_srt_numbered_block_without_timing_fails_naming_line():
    with pytest.raises(IngestError) as err:
        parse_srt("t.srt", "1\n00:00:01,000 --> 00:00:02,000\nHi.\n\n2\nno timing\n")
    assert "t.srt, cue 5, field 'timing'" in str(err.value)


def test_ingest_srt_text_before_any_cue_fails():
    with pytest.raises(IngestError) as err:
        parse_srt("t.srt", "A title\n\n1\n00:00:01,000 --> 00:00:02,000\nHi.\n")
    assert err.value.line == 1


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-8-sig"])
def test_ingest_srt_utf16_and_bom_detected(encoding):
    t = read(SRT.encode(encoding))
    assert t.sessions[0].utterances[1].text == "With my father, I suppose. Señor Müller — “again”."
    assert not any("Windows-1252" in n for n in t.notes)


def test_ingest_srt_windows_1252_detected_with_note():
    t = read(SRT.replace("\n", "\r\n").encode("cp1252"))
    assert t.sessions[0].utterances[1].text == "With my father, I suppose. Señor Müller — “again”."
    assert "Windows-1252" in t.notes[0] and "--encoding" in t.notes[0]


def test_ingest_srt_named_encoding_wins():
    data = SRT.encode("latin-1", errors="replace")  # ñ, ü only: latin-1 and cp1252 agree; the dash is lost
    t = read(data, encoding="latin-1")
    assert "Señor Müller" in t.sessions[0].utterances[1].text
    assert not any("Windows-1252" in n for n in t.notes)


def test_ingest_srt_unknown_encoding_named():
    with pytest.raises(IngestError) as err:
        read(SRT.encode(), encoding="klingon-8")
    assert "field 'encoding'" in str(err.value) and "klingon-8" in str(err.value)


def test_ingest_srt_wrong_named_encoding_names_line():
    with pytest.raises(IngestError) as err:
        read(SRT.encode("cp1252"), encoding="utf-8")
    assert err.value.line == 7 and "not valid UTF-8" in str(err.value)


def test_ingest_srt_legacy_fallback_only_for_srt():
    # a plain-text transcript stays UTF-8 or named (tests/test_ingest_text.py refuses latin-1 without --encoding)
    data = "T: Hola.\nC: Señor.\n".encode("cp1252")
    with pytest.raises(IngestError):
        read(data, name="t.txt")
    assert read(data, name="t.txt", encoding="cp1252").sessions[0].utterances[1].text == "Señor."


def test_ingest_srt_binary_is_not_taken_for_windows_1252():
    with pytest.raises(IngestError) as err:
        read(b"1\n00:00:01,000 --> 00:00:02,000\n\x00\x01\x02\xff\xfe\x80 garbage\n")
    assert "UTF-8" in str(err.value)
