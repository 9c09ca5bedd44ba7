"""WebVTT by the W3C parsing algorithm: cases modelled on web-platform-tests webvtt/parsing/file-parsing.

Each test names the conformance case it follows (support/<name>.test or tests/<name>.html);
the files here are short rewrites, not copies.
"""

import pytest

from reverie.errors import IngestError
from reverie.ingest import read_transcript
from reverie.ingest.webvtt import parse_webvtt, timestamp


def cues(text):
    return parse_webvtt("t.vtt", text)


def texts(text):
    return ["\n".join(c.text) for c in cues(text)[0]]


def test_ingest_webvtt_arrows_case_cues_without_blank_lines_and_bad_id_lines():
    # file-parsing "arrows": 6 cues; '-->' in an id line drops only that line
    text = ("WEBVTT\n\n-->\n00:00:00.000 --> 00:00:01.000\ntext1\nfoo-->\n00:00:00.000 --> 00:00:01.000\ntext2\n"
            "-->foo\n00:00:00.000 --> 00:00:01.000\ntext3\n--->\n00:00:00.000 --> 00:00:01.000\ntext4\n"
            "-->-->\n00:00:00.000 --> 00:00:01.000\ntext5\n00:00:00.000 --> 00:00:01.000\ntext6\n\n"
            "00:00:00.000 -a -->\n\n00:00:00.000 --a -->\n\n00:00:00.000 - -->\n\n00:00:00.000 -- -->\n")
    found, notes = cues(text)
    assert ["\n".join(c.text) for c in found] == ["text1", "text2", "text3", "text4", "text5", "text6"]
    assert len(notes) == 1 and "line 6: 'foo-->' is not a WebVTT timing line" in notes[0]
    assert "'00:00:00.000 -- -->'" in notes[0]


def test_ingest_webvtt_ids_case_identifiers_kept_as_written():
    # file-parsing "ids"
    text = ("WEBVTT\n\n leading space\n00:00:00.000 --> 00:00:01.000\ntext1\n\ntrailing space \n"
            "00:00:00.000 --> 00:00:01.000\ntext2\n\n-- >\n00:00:00.000 --> 00:00:01.000\ntext3\n\n"
            "->\n00:00:00.000 --> 00:00:01.000\ntext4\n\n \n00:00:00.000 --> 00:00:01.000\ntext5")
    assert [c.ident for c in cues(text)[0]] == [" leading space", "trailing space ", "-- >", "->", " "]


def test_ingest_webvtt_newlines_case_cr_lf_crlf():
    # file-parsing "newlines": CR, LF and CRLF all end lines (decoding turns them into LF)
    data = (b"WEBVTT\n\n00:00:00.000 --> 00:00:01.000\r<v T>text1\r\r00:00:02.000 --> 00:00:03.000\n<v C>text2\n\n"
            b"00:00:04.000 --> 00:00:05.000\r\n<v T>text3\r\n")
    t = read_transcript("n.vtt", "c1", data=data)
    assert [u.text for u in t.sessions[0].utterances] == ["text1", "text2", "text3"]


def test_ingest_webvtt_nulls_case_nul_becomes_replacement_and_never_a_timing():
    # file-parsing "nulls": a NUL line continues the header; NUL in ids and text is U+FFFD; NUL in a timing drops the cue
    text = ("WEBVTT\n\0\n(still the header)\n00:00:00.000 --> 00:00:01.000\ntext1\n\n"
            "\0 (null in id)\n00:00:00.000 --> 00:00:01.000\ntext2\n\n00:00:00.000 --> 00:00:01.000\n\0text\x003\n\n"
            "00:00:00.000\0 --> 00:00:01.000\nFAIL\n\n00:00:00.000 --> 00:00:0\x001.000\nFAIL\n")
    found, notes = cues(text)
    assert ["\n".join(c.text) for c in found] == ["text1", "text2", "\ufffdtext\ufffd3"]
    assert found[1].ident == "\ufffd (null in id)"
    assert "FAIL" not in "".join("".join(c.text) for c in found) and len(notes) == 1


def test_ingest_webvtt_header_timings_case_timing_directly_under_signature():
    # file-parsing "header-timings": a timing line right under WEBVTT is a cue, not header
    [cue], notes = cues("WEBVTT\n00:00:00.000 --> 00:00:01.000\ntext")
    assert (cue.start, cue.end, cue.text, notes) == (0.0, 1.0, ["text"], [])


def test_ingest_webvtt_signature_timings_case_timing_on_signature_line_is_header():
    # file-parsing "signature-timings": 0 cues
    assert cues("WEBVTT 00:00:00.000 --> 00:00:01.000\ntext\n")[0] == []


@pytest.mark.parametrize("head", ["WEBVTT", "WEBVTT\n", "WEBVTT \n", "WEBVTT\t\n", "WEBVTT - a title\n"])
def test_ingest_webvtt_signature_cases_accepted(head):
    # file-parsing "signature-no-newline", "signature-space", "signature-tab"
    assert cues(head)[0] == []


@pytest.mark.parametrize("head", ["WEBVTTX\n", "webvtt\n", "WEBVTT\f\n", "WEBVT", "\ufeff\ufeffWEBVTT\n", "X"])
def test_ingest_webvtt_signature_invalid_cases_refused(head):
    # file-parsing "signature-invalid", "signature-lowercase", "signature-formfeed", "signature-partial",
    # "signature-two-boms": only a bad signature refuses the file
    with pytest.raises(IngestError) as err:
        cues(head + "\n00:00:00.000 --> 00:00:01.000\ntext\n")
    assert "t.vtt, line 1" in str(err.value) and "WEBVTT" in str(err.value)


def test_ingest_webvtt_timings_negative_case_kept():
    # file-parsing "timings-negative": an end before the start does not drop the cue
    text = ("WEBVTT\n\n00:00:00.000 --> 00:00:00.000\ntext1\n\n00:00:01.000 --> 00:00:00.999\ntext2\n\n"
            "01:00:00.000 --> 00:59:59.999\ntext3\n")
    assert [(c.start, c.end) for c in cues(text)[0]] == [(0.0, 0.0), (1.0, 0.999), (3600.0, 3599.999)]


def test_ingest_webvtt_timings_too_long_and_too_short_cases():
    # file-parsing "timings-too-long" and "timings-too-short": only the two well-formed cues survive
    bad = ["00::00:00.000", "00:000:00.000", "00:00:000.000", "00:00:00..000", "00:00:00.0000", "000:00.000",
           "0000:00.000", "00:0:00.000", "00:00:0.000", "00:00:00.00", "00:00:00", "00:00", "0:00.000", ". "]
    body = "".join(f"{ts} --> 00:00:01.000\ninvalid\n\n" for ts in bad)
    text = (f"WEBVTT\n\n000:00:00.000 --> 00:00:01.000\ntext1\n\n{body}"
            "00:00:00.000 --> 0:00:01.000\ntext2\n")
    found, notes = cues(text)
    assert [("\n".join(c.text), c.start, c.end) for c in found] == [("text1", 0.0, 1.0), ("text2", 0.0, 1.0)]
    assert notes[0].count("is not a WebVTT timing line") == len(bad)


def test_ingest_webvtt_timings_omitted_hours_and_60_cases():
    # file-parsing "timings-omitted-hours" and "timings-60": hours optional; 60 in the first field is hours
    text = ("WEBVTT\n\n00:00.000 --> 00:00:01.000\na\n\n00:00:00.000 --> 00:01.000\nb\n\n"
            "60:00:00.000 --> 60:00:01.000\nc\n\n00:60.000 --> 00:61.000\nnot a time\n\n00:00:60.000 --> 00:00:61.000\nx\n")
    found, notes = cues(text)
    assert [(c.start, c.end) for c in found] == [(0.0, 1.0), (0.0, 1.0), (216000.0, 216001.0)]
    assert "'00:60.000 --> 00:61.000'" in notes[0]


def test_ingest_webvtt_whitespace_chars_case_vertical_tab_is_not_whitespace():
    # file-parsing "whitespace-chars": spaces, tabs and form feeds around timings are fine; a vertical tab is not
    text = ("WEBVTT\n\nspaces\n   00:00:00.000    -->  00:00:01.000 \n   text1\n\ntabs\n"
            "\t\t00:00:00.000\t\t-->\t00:00:01.000\t\ntext2\n\nform feed\n\f00:00:00.000\f-->\f00:00:01.000\f\ntext3\n\n"
            "vertical tab\n\v\v00:00:00.000\v-->\v00:00:01.000\v\ntext4\n")
    found, notes = cues(text)
    assert [c.ident for c in found] == ["spaces", "tabs", "form feed"]
    assert found[0].text == ["   text1"]
    assert "cue 'vertical tab' at line 16" in notes[0]


def test_ingest_webvtt_stylesheets_and_regions_cases():
    # file-parsing "stylesheets", "stylesheets-newlines", "regions-old": style and region blocks before the first
    # cue are read silently; after a cue the algorithm drops them, and a note says so
    text = ("WEBVTT\n\nSTYLE\n::cue(#foo) {\n  width: 20px;\n} /*\nNOTE hello\n00:00:00.000 -- > 00:00:01.000\n*/\n\n"
            "REGION\nid:foo\n\nREGION: id=bar width=40%\n\nNOTE a comment\n\nfoo\n00:00:00.000 --> 00:00:01.000 region:foo\n"
            "text\n\nSTYLE\n::cue(::bar) {}\n\nbar\n00:00:02.000 --> 00:00:03.000\ntext\n")
    found, notes = cues(text)
    assert [c.ident for c in found] == ["foo", "bar"]
    [note] = notes
    assert "the STYLE block at line 22" in note and "'REGION: id=bar width=40%'" in note
    assert "NOTE" not in note and "::cue(#foo)" not in note


def test_ingest_webvtt_timings_eof_case_no_cues():
    # file-parsing "timings-eof": a timing line cut off at the end of the file is no cue
    found, notes = cues("WEBVTT\n\n00:00:00.000 -->")
    assert found == [] and "'00:00:00.000 -->'" in notes[0]


def test_ingest_webvtt_bad_cue_skipped_with_note_rest_of_file_read():
    text = ("WEBVTT\n\n00:01.000 --> 00:02.000\n<v T>Fine.\n\nintro-2\n00:0x.000 --> 00:04.000\n<v C>Broken.\n\n"
            "00:05.000 --> 00:06.000\n<v C>Still here.\n")
    t = read_transcript("bad.vtt", "c1", data=text.encode())
    assert [u.text for u in t.sessions[0].utterances] == ["Fine.", "Still here."]
    assert any("cue 'intro-2' at line 7" in n and "'00:0x.000 --> 00:04.000'" in n for n in t.notes)


def test_ingest_webvtt_text_separated_from_its_timing_is_not_stored_as_the_cue():
    # a blank line between a timing and its text: the text block has no timing and is dropped with a note
    text = "WEBVTT\n\n00:01.000 --> 00:02.000\n<v T>Hello.\n\n00:03.000 --> 00:04.000\n\n<v C>Orphan words.\n"
    t = read_transcript("o.vtt", "c1", data=text.encode())
    assert [u.text for u in t.sessions[0].utterances] == ["Hello."]
    assert any("line 8" in n and "no timing line" in n for n in t.notes)


def test_ingest_webvtt_many_skipped_blocks_are_counted():
    text = "WEBVTT\n\n" + "".join(f"x{i}\n00:0{i % 10}.0 --> 00:01.000\nbad\n\n" for i in range(25)) + \
           "00:01.000 --> 00:02.000\n<v C>ok\n"
    [note] = read_transcript("m.vtt", "c1", data=text.encode()).notes[:1]
    assert note.count("is not a WebVTT timing line") == 20 and "and 5 more" in note


@pytest.mark.parametrize("value, seconds", [("00:01.500", 1.5), ("1:00:00.000", 3600.0), ("123:00:00.250", 442800.25)])
def test_ingest_webvtt_timestamp_values(value, seconds):
    assert timestamp(value, 0)[0] == seconds


@pytest.mark.parametrize("value", ["1:00.000", "00:01,500", "00:01.5", "99999999999:00:00.000", "-1:00.000"])
def test_ingest_webvtt_timestamp_failures(value):
    assert timestamp(value, 0)[0] is None
