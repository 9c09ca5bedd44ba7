"""Transcription-service exports read with --format auto: Otter, Rev/Descript, diarised labels, SBV.

The files are written for these tests in each service's shape (fictional words).
"""

import pytest

from reverie.errors import IngestError
from reverie.ingest import detect_format, read_transcript

OTTER = """Speaker 1  0:03
What brings you here today?

Speaker 2  0:08
I can't sleep. Since the promotion I lie awake and go over every meeting.

Speaker 1  1:02:05
Every meeting?

Transcribed by https://otter.ai
"""

OTTER_LONG = """Dr Weiss 00:00:03
Where shall we start?

Anna 00:00:09
With my father, I suppose. (pause) He called again on Sunday.
He wants me to visit.
"""

REV = """Speaker 1 (00:03): What brings you here today?
Speaker 2 (00:08): I can't sleep. Since the promotion I lie awake every night.
And I see you at 10:30 tomorrow, my boss said.
Speaker 1 (01:02:05.5): Tomorrow?
"""

DIARISED = """SPEAKER_00: What brings you here today?
SPEAKER_01: I can't sleep. Since the promotion I lie awake and go over every meeting.
SPEAKER_00: Every meeting?
"""

SBV = """0:00:01.000,0:00:04.000
>> THERAPIST: What brings you here today?

0:00:04.500,0:00:08.000
>> CLIENT: I can't sleep.
Since the promotion.

0:00:12.000,0:00:14.000
(sighs) Sorry.
"""


def read(text, name, **kw):
    return read_transcript(name, "c1", data=text.encode("utf-8"), **kw)


@pytest.mark.parametrize("text, name, fmt", [
    (OTTER, "meeting.txt", "otter"), (OTTER_LONG, "export", "otter"), (REV, "rev.txt", "rev"),
    (REV, "rev-export", "rev"), (DIARISED, "whisperx.txt", "text"), (SBV, "captions.sbv", "sbv"),
    (SBV, "captions.txt", "sbv"), ("T: Hello 3:00\nC: Hi.\n", "plain.txt", "text"),
])
def test_ingest_services_detected_without_flags(text, name, fmt):
    assert detect_format(name, text.encode()) == fmt
    assert read(text, name).format == fmt


def test_ingest_services_otter_turns_times_and_inferred_roles():
    t = read(OTTER, "meeting.txt")
    u = t.sessions[0].utterances
    assert [(x.speaker, x.role, x.start) for x in u] == [
        ("Speaker 1", "therapist", 3.0), ("Speaker 2", "client", 8.0), ("Speaker 1", "therapist", 3725.0)]
    assert u[2].text == "Every meeting?"  # the otter.ai footer is not speech
    assert any("clients usually speak more" in n and "--client-label" in n for n in t.notes)


def test_ingest_services_otter_hours_form_continuation_lines_and_directions():
    u = read(OTTER_LONG, "a.txt").sessions[0].utterances
    assert (u[1].speaker, u[1].start) == ("Anna", 9.0)
    assert u[1].text == "With my father, I suppose. He called again on Sunday. He wants me to visit."
    assert u[1].markers == ["pause"]


def test_ingest_services_rev_same_line_text_and_speech_with_a_time_stays_speech():
    u = read(REV, "rev.txt").sessions[0].utterances
    assert [(x.speaker, x.start) for x in u] == [("Speaker 1", 3.0), ("Speaker 2", 8.0), ("Speaker 1", 3725.5)]
    assert u[1].text.endswith("And I see you at 10:30 tomorrow, my boss said.")


def test_ingest_services_labels_override_inferred_roles():
    t = read(OTTER, "meeting.txt", therapist_label="Speaker 2", client_label="Speaker 1")
    assert [x.role for x in t.sessions[0].utterances] == ["client", "therapist", "client"]
    assert not any("clients usually speak more" in n for n in t.notes)


def test_ingest_services_diarised_labels_are_speakers_with_the_captions_note():
    t = read(DIARISED, "whisperx.txt")
    assert [(x.speaker, x.role) for x in t.sessions[0].utterances] == [
        ("SPEAKER_00", "therapist"), ("SPEAKER_01", "client"), ("SPEAKER_00", "therapist")]
    assert any("'SPEAKER_01'" in n and "was taken as the client" in n for n in t.notes)


def test_ingest_services_sbv_speaker_marks_merge_and_directions():
    t = read(SBV, "captions.sbv")
    u = t.sessions[0].utterances
    assert [(x.role, x.text) for x in u] == [
        ("therapist", "What brings you here today?"), ("client", "I can't sleep. Since the promotion. Sorry.")]
    assert u[1].markers == ["pause 4.0 s", "sighs"] and (u[1].start, u[1].end) == (4.5, 14.0)


def test_ingest_services_sbv_bad_timing_names_cue():
    with pytest.raises(IngestError) as err:
        read("0:00:01.000,0:00:02.000\nT: Hi.\n\n0:00:03,0:00:04.000\nC: Hi.\n", "b.sbv")
    assert "b.sbv, cue 4, field 'timing'" in str(err.value)


def test_ingest_services_text_before_first_heading_fails():
    with pytest.raises(IngestError) as err:
        read("A meeting\nSpeaker 1  0:03\nHello.\n", "o2.txt", fmt="otter")
    assert "o2.txt, line 1" in str(err.value) and "heading" in str(err.value)
