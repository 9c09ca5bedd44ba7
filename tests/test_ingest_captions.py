"""WebVTT and SRT: headers, cue blocks, voices and prefixes, merging, ordering, timing errors."""

import pytest

from reverie.errors import IngestError
from reverie.ingest import read_transcript

VTT = """WEBVTT - exported by a video-call tool

NOTE
This note spans
two lines.

STYLE
::cue { color: white }

intro-1
00:00:01.000 --> 00:00:03.500 align:start position:10%
<v Therapist>Shall we begin?</v>

00:00:04.000 --> 00:00:06.000
<v.loud Client>I <i>don't</i> know &amp; I <c.yellow>can't</c> say.</v>

00:00:10.200 --> 00:00:12.000
<v Client><00:00:10.500>It's hard.</v>

01:00:00.000 --> 01:00:02.000
<v Therapist>Time.</v>
"""


def read(text, name="s.vtt", **kw):
    data = text if isinstance(text, bytes) else text.encode("utf-8")
    return read_transcript(name, "c1", data=data, **kw)


def test_ingest_captions_vtt_voices_tags_entities_and_settings():
    t = read(VTT)
    u = t.sessions[0].utterances
    assert [(x.role, x.text) for x in u] == [
        ("therapist", "Shall we begin?"),
        ("client", "I don't know & I can't say. It's hard."),
        ("therapist", "Time."),
    ]
    assert (u[0].start, u[0].end) == (1.0, 3.5)
    assert t.format == "vtt"


def test_ingest_captions_vtt_merged_cues_mark_long_gap():
    u = read(VTT).sessions[0].utterances[1]
    assert (u.start, u.end) == (4.0, 12.0)  # start of the first cue, end of the last
    assert u.markers == ["pause 4.2 s"]


def test_ingest_captions_vtt_short_gap_has_no_marker():
    text = "WEBVTT\n\n00:01.000 --> 00:02.000\n<v C>One\n\n00:03.500 --> 00:04.000\n<v C>two.\n"
    [u] = read(text).sessions[0].utterances
    assert u.text == "One two." and u.markers == []


def test_ingest_captions_vtt_duration_spans_hours():
    assert read(VTT).sessions[0].duration == pytest.approx(3602.0 - 1.0)


def test_ingest_captions_vtt_name_prefixes_infer_roles():
    text = ("WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nDr Weiss: How are you?\n\n"
            "00:00:02.500 --> 00:00:09.000\nAnna Smith: Tired. Work was awful, my manager again.\n\n"
            "00:00:09.500 --> 00:00:10.000\nDr Weiss: Again?\n")
    t = read(text)
    assert [(u.speaker, u.role) for u in t.sessions[0].utterances] == [
        ("Dr Weiss", "therapist"), ("Anna Smith", "client"), ("Dr Weiss", "therapist")]
    assert "--client-label" in t.notes[0]


def test_ingest_captions_vtt_cue_without_speaker_continues_previous():
    text = "WEBVTT\n\n00:01.000 --> 00:02.000\n<v T>Go on.\n\n00:02.000 --> 00:03.000\n<v C>Well\n\n" \
           "00:03.000 --> 00:04.000\nI suppose so.\n"
    u = read(text).sessions[0].utterances
    assert [(x.role, x.text) for x in u] == [("therapist", "Go on."), ("client", "Well I suppose so.")]


def test_ingest_captions_vtt_unordered_cues_sorted_with_note():
    text = "WEBVTT\n\n00:05.000 --> 00:06.000\n<v T>Second.\n\n00:01.000 --> 00:02.000\n<v C>First.\n"
    t = read(text)
    assert [u.text for u in t.sessions[0].utterances] == ["First.", "Second."]
    assert any("sorted" in n for n in t.notes)


def test_ingest_captions_vtt_overlapping_cues_kept():
    text = "WEBVTT\n\n00:01.000 --> 00:05.000\n<v T>I wonder whether\n\n00:03.000 --> 00:04.000\n<v C>No.\n"
    u = read(text).sessions[0].utterances
    assert [(x.start, x.end) for x in u] == [(1.0, 5.0), (3.0, 4.0)]
    assert u[0].end > u[1].start


def test_ingest_captions_vtt_stage_directions_in_cues():
    text = "WEBVTT\n\n00:01.000 --> 00:02.000\n<v C>[sighs] I don't (long pause) know.\n"
    [u] = read(text).sessions[0].utterances
    assert (u.text, u.markers) == ("I don't know.", ["sighs", "long pause"])


def test_ingest_captions_vtt_bom_crlf_and_non_ascii():
    text = "\ufeffWEBVTT\r\n\r\n00:01.000 --> 00:02.000\r\n<v T>¿Y tu mamá?\r\n\r\n" \
           "00:02.000 --> 00:03.000\r\n<v C>妈妈 😢 niña\r\n"
    u = read(text.encode("utf-8")).sessions[0].utterances
    assert [x.text for x in u] == ["¿Y tu mamá?", "妈妈 😢 niña"]


def test_ingest_captions_vtt_end_before_start_kept_with_note():
    # as the WebVTT algorithm does (web-platform-tests file-parsing "timings-negative")
    t = read("WEBVTT\n\n00:05.000 --> 00:04.000\n<v T>Backwards.\n", name="b.vtt")
    [u] = t.sessions[0].utterances
    assert (u.text, u.start, u.end) == ("Backwards.", 5.0, 4.0)
    assert any("end before they start (timing lines 3)" in n for n in t.notes)


def test_ingest_captions_vtt_missing_header_fails():
    with pytest.raises(IngestError) as err:
        read("00:01.000 --> 00:02.000\n<v T>Hi.\n", name="h.vtt")
    assert "h.vtt, line 1" in str(err.value) and "WEBVTT" in str(err.value)


def test_ingest_captions_vtt_header_only_has_no_utterances():
    with pytest.raises(IngestError) as err:
        read("WEBVTT\n\nNOTE nothing here\n", name="n.vtt")
    assert "n.vtt" in str(err.value) and "no utterances" in str(err.value)


SRT = """1
00:00:01,000 --> 00:00:04,000
Therapist: What brings you here today?

2
00:00:04,500 --> 00:00:08,000
Client: I can't sleep.
<i>Since the promotion.</i>

3
00:00:12,000 --> 00:00:14,000
Client: (crying) Sorry.
"""


def test_ingest_captions_srt_prefixes_and_merge():
    t = read(SRT, name="s.srt")
    u = t.sessions[0].utterances
    assert t.format == "srt"
    assert [(x.role, x.text) for x in u] == [
        ("therapist", "What brings you here today?"),
        ("client", "I can't sleep. Since the promotion. Sorry."),
    ]
    assert u[1].markers == ["pause 4.0 s", "crying"]
    assert (u[1].start, u[1].end) == (4.5, 14.0)
    assert t.sessions[0].duration == pytest.approx(13.0)


def test_ingest_captions_srt_one_speaker_without_labels():
    t = read("1\n00:00:01,000 --> 00:00:02,000\nJust me talking.\n", name="one.srt")
    [u] = t.sessions[0].utterances
    assert u.role == "client" and u.text == "Just me talking." and t.notes


def test_ingest_captions_srt_missing_timing_fails():
    with pytest.raises(IngestError) as err:
        read("1\n00:00:01,000 --> 00:00:02,000\nT: Hi.\n\n2\nC: no timing here\n", name="t.srt")
    assert err.value.line == 5 and "t.srt, cue 5, field 'timing'" in str(err.value)
