"""Plain-text transcripts: labels, continuation lines, stage directions, roles, encodings."""


import pytest

from reverie.errors import IngestError
from reverie.ingest import MAX_FILE_BYTES, read_transcript


def read(text, name="session.txt", **kw):
    data = text if isinstance(text, bytes) else text.encode("utf-8")
    return read_transcript(name, "c1", data=data, **kw)


def test_ingest_text_short_labels_give_roles_and_continuations_join():
    t = read("T: What comes to mind?\nC: My mother.\nShe never listened.\n\nT: Never?\n")
    [s] = t.sessions
    assert [(u.role, u.speaker, u.text) for u in s.utterances] == [
        ("therapist", "T", "What comes to mind?"),
        ("client", "C", "My mother. She never listened."),
        ("therapist", "T", "Never?"),
    ]
    assert s.client == "c1" and s.number is None and t.format == "text"
    assert [u.index for u in s.utterances] == [0, 1, 2]


@pytest.mark.parametrize("therapist,client", [("Therapist", "Client"), ("ANALYST", "patient"),
                                               ("Counsellor", "Client"), ("counselor", "Patient")])
def test_ingest_text_long_labels_any_case(therapist, client):
    t = read(f"{therapist}: Hello.\n{client}: Hi.\n")
    assert [u.role for u in t.sessions[0].utterances] == ["therapist", "client"]
    assert t.notes == []


def test_ingest_text_comments_are_skipped():
    t = read("# Session 4, fictional\nT: Hello.\n# a note in between\nC: Hi.\n")
    assert [u.text for u in t.sessions[0].utterances] == ["Hello.", "Hi."]


def test_ingest_text_stage_directions_become_markers():
    t = read("C: I was (pause) thinking [silence, about 40 seconds] about it (laughs).\n"
             "T: (long pause) Go on.\nC: (Crying) I can't.\n")
    u = t.sessions[0].utterances
    assert u[0].text == "I was thinking about it."
    assert u[0].markers == ["pause", "silence, about 40 seconds", "laughs"]
    assert (u[1].text, u[1].markers) == ("Go on.", ["long pause"])
    assert (u[2].text, u[2].markers) == ("I can't.", ["crying"])


def test_ingest_text_parenthesised_speech_is_kept():
    t = read("C: My sister (the older one) phoned.\n")
    u = t.sessions[0].utterances[0]
    assert u.text == "My sister (the older one) phoned." and u.markers == []


def test_ingest_text_turn_of_only_silence_keeps_marker():
    t = read("T: And now?\nC: [silence]\nT: Take your time.\n")
    u = t.sessions[0].utterances
    assert (u[1].role, u[1].text, u[1].markers) == ("client", "", ["silence"])


def test_ingest_text_colon_inside_speech_is_not_a_label():
    t = read("T: What did she say?\nC: She said it plainly.\nSo I told her: no more.\n"
             "Dear Anna: that was the letter.\nT: And then?\nC: Nothing.\n")
    u = t.sessions[0].utterances
    assert len(u) == 4
    assert u[1].text == "She said it plainly. So I told her: no more. Dear Anna: that was the letter."
    assert any("Dear Anna" in n for n in t.notes)  # the one-off name-like label is reported


def test_ingest_text_mapped_names_and_others():
    text = "Dr Weiss: Welcome back.\nAnna: Thanks.\nMum: (from the door) Bye!\nAnna: Sorry.\nMum: Bye.\n"
    t = read(text, therapist_label="dr weiss", client_label="Anna")
    assert [u.role for u in t.sessions[0].utterances] == ["therapist", "client", "other", "client", "other"]
    assert any("'Mum'" in n and "other" in n for n in t.notes)


def test_ingest_text_two_unknown_speakers_inferred_with_note():
    t = read("Dr Weiss: How was the week?\nAnna: Hard. I kept thinking about work and my boss and the review.\n"
             "Dr Weiss: Tell me.\n")
    roles = {u.speaker: u.role for u in t.sessions[0].utterances}
    assert roles == {"Dr Weiss": "therapist", "Anna": "client"}
    assert len(t.notes) == 1 and "--therapist-label" in t.notes[0] and "'Anna'" in t.notes[0]


def test_ingest_text_three_unknown_speakers_fail_listing_them():
    with pytest.raises(IngestError) as err:
        read("Ana: One two.\nBen: Three.\nCy: Four.\nAna: Five.\nBen: Six.\nCy: Seven.\n", name="three.txt")
    msg = str(err.value)
    assert "three.txt" in msg and "Ana" in msg and "Ben" in msg and "Cy" in msg
    assert "--therapist-label" in msg and "field 'speaker'" in msg


def test_ingest_text_one_speaker_is_client_with_note():
    t = read("Anna: I write this alone.\nIt is a monologue.\n")
    [u] = t.sessions[0].utterances
    assert u.role == "client" and "monologue" in u.text
    assert "client" in t.notes[0]


def test_ingest_text_mapping_that_matches_nobody_fails():
    with pytest.raises(IngestError) as err:
        read("T: Hi.\nC: Hello.\n", name="m.txt", client_label="Anna")
    assert "m.txt" in str(err.value) and "'anna'" in str(err.value) and "client_label" in str(err.value)


def test_ingest_text_before_first_label_fails_with_line():
    with pytest.raises(IngestError) as err:
        read("# header\n\nSession three\nT: Hello.\n", name="pre.txt")
    assert err.value.line == 3
    assert "pre.txt, line 3" in str(err.value) and "T: ..." in str(err.value)


@pytest.mark.parametrize("data", [b"", b"\xef\xbb\xbf"])
def test_ingest_text_empty_file_fails(data):
    with pytest.raises(IngestError) as err:
        read(data, name="empty.txt")
    assert "empty.txt" in str(err.value) and "empty" in str(err.value)


def test_ingest_text_only_comments_has_no_utterances():
    with pytest.raises(IngestError) as err:
        read("# nothing\n\n   \n", name="c.txt")
    assert "c.txt" in str(err.value) and "no utterances" in str(err.value)


def test_ingest_text_windows_and_old_mac_line_endings_and_bom():
    for raw in (b"\xef\xbb\xbfT: Hello.\r\nC: Hi\r\nthere.\r\n", b"T: Hello.\rC: Hi\rthere.\r"):
        u = read(raw).sessions[0].utterances
        assert [(u_.role, u_.text) for u_ in u] == [("therapist", "Hello."), ("client", "Hi there.")]


def test_ingest_text_non_ascii_kept_exactly():
    text = "T: ¿Qué tal, señora?\nC: Très fatiguée. 我很累 😔 — really.\n"
    u = read(text).sessions[0].utterances
    assert u[0].text == "¿Qué tal, señora?" and u[1].text == "Très fatiguée. 我很累 😔 — really."


def test_ingest_text_invalid_utf8_names_line():
    data = "T: Hello.\nC: Fine.\n".encode() + b"T: caf\xe9 latin-1\n"
    with pytest.raises(IngestError) as err:
        read(data, name="latin.txt")
    assert err.value.line == 3 and "latin.txt, line 3" in str(err.value) and "UTF-8" in str(err.value)


def test_ingest_text_largest_accepted_file_is_read_whole():
    """The largest file accepted is read to its last utterance (its speed is in benchmarks/bench_large_transcript.py)."""
    block = ("T: What happened when she raised her voice (pause)?\n"
             "C: I went quiet, like with my father. [silence] Then I apologised, again.\n"
             "It is always me who apologises — toujours, 总是.\n")
    copies = MAX_FILE_BYTES // len(block.encode())  # as many as fit under the limit (5 MB before it existed)
    data = (block * copies).encode()
    assert MAX_FILE_BYTES - len(block.encode()) < len(data) <= MAX_FILE_BYTES
    t = read(data, name="big.txt")
    utterances = t.sessions[0].utterances
    assert len(utterances) == 2 * copies
    assert utterances[-1].text.endswith("toujours, 总是.")
