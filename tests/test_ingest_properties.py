"""Property: any bytes, and any mutation of a valid file, parse into sessions with utterances or raise IngestError."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reverie.errors import IngestError
from reverie.ingest import read_entries, read_transcript

VALID = {
    "s.txt": "# fictional\nT: How was the week (pause)?\nC: Tiring: my boss again.\nAnd my mother.\nT: Both?\n",
    "s.vtt": "WEBVTT\n\n1\n00:00:01.000 --> 00:00:02.000\n<v T>Hello &amp; welcome.</v>\n\n"
             "00:00:06.000 --> 00:00:08.000\n<v C>I'm <i>here</i>.\n\n00:00:09.000 --> 00:00:10.000\nC: Still.\n",
    "s.srt": "1\n00:00:01,000 --> 00:00:02,000\nTherapist: Hi.\n\n2\n00:00:03,000 --> 00:00:05,000\nClient: Hi.\n",
    "s.json": '{"format": "reverie.transcript", "version": 1, "sessions": [{"number": 1, "date": "2024-01-02", '
              '"utterances": [{"speaker": "T", "text": "Hm?", "start": 0, "end": 1}, '
              '{"speaker": "C", "role": "client", "text": "Yes.", "markers": ["pause"]}]}]}',
    "s.jsonl": '{"session": 1, "speaker": "T", "text": "Hm?"}\n{"session": 1, "speaker": "C", "text": "Yes é."}\n',
    "s.csv": "session,turn,speaker,text,start,end,date\n1,1,T,Hello.,0,1,2024-01-01\n1,2,C,\"Hi, there.\",1,2,\n"
             "2,1,therapist,Again?,,,\n",
    "s.sbv": "0:00:01.000,0:00:02.000\n>> THERAPIST: Hi.\n\n0:00:03.000,0:00:05.000\n>> CLIENT: Hi, again.\n",
    "otter.txt": "Speaker 1  0:03\nHow was the week?\n\nSpeaker 2  0:08\nTiring: my boss again.\n",
    "rev.txt": "Speaker 1 (00:03): How was the week?\nSpeaker 2 (00:08): Tiring, my boss again.\n",
    "labels.csv": "session,turn,speaker,text\nintake,1,T,Hello.\nintake,2,C,Hi.\nP01-S02,1,T,Again?\n",
}
ENTRIES = {
    "e.jsonl": '{"written_at": "2024-01-01", "kind": "dream", "text": "A house."}\n'
               '{"written_at": "2024-01-02T10:00", "kind": "moment", "title": "t", "text": "Bus.", '
               '"shared_with_therapist": false}\n',
    "e.csv": "written_at,kind,title,text,shared_with_therapist\n2024-01-01,dream,,A house.,no\n",
}
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def mutated(draw, text: str) -> bytes:
    data = bytearray(text.encode("utf-8"))
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.sampled_from(["delete", "insert", "replace", "duplicate"]))
        at = draw(st.integers(0, len(data)))
        if op == "delete":
            del data[at: at + draw(st.integers(1, 12))]
        elif op == "insert":
            chunk = draw(st.one_of(st.binary(min_size=1, max_size=8),
                                   st.sampled_from([b"\n", b"\r", b":", b"-->", b"<v ", b"(", b"]", b"{", b'"',
                                                    b",", b"\xef\xbb\xbf", "é中😀".encode()])))
            data[at:at] = chunk
        elif op == "replace" and data:
            data[min(at, len(data) - 1)] = draw(st.integers(0, 255))
        else:
            end = min(len(data), at + draw(st.integers(1, 40)))
            data[at:at] = data[at:end]
    return bytes(data)


def check_transcript(name: str, data: bytes, fmt: str = "auto") -> None:
    try:
        t = read_transcript(name, "c1", fmt=fmt, data=data)
    except IngestError as exc:
        assert name in str(exc)
        return
    assert t.sessions and all(s.utterances for s in t.sessions)
    assert all(u.role in ("therapist", "client", "other") for s in t.sessions for u in s.utterances)


@pytest.mark.parametrize("name", sorted(VALID))
def test_ingest_properties_valid_fixtures_parse(name):
    t = read_transcript(name, "c1", data=VALID[name].encode("utf-8"))
    assert t.sessions and all(len(s.utterances) >= 2 for s in t.sessions[:1])


@pytest.mark.parametrize("name", sorted(VALID))
@FAST
@given(data=st.data())
def test_ingest_properties_mutated_transcripts(name, data):
    check_transcript(name, data.draw(mutated(VALID[name])))


@pytest.mark.parametrize("name", ["x.txt", "x.vtt", "x.srt", "x.sbv", "x.json", "x.jsonl", "x.csv", "upload"])
@FAST
@given(raw=st.binary(max_size=300))
def test_ingest_properties_random_bytes(name, raw):
    check_transcript(name, raw)


@FAST
@given(raw=st.text(alphabet=st.sampled_from(list("TC:()[]<>v-.,0123456789 \n\r{}\"'#éWEBVT")), max_size=200),
       fmt=st.sampled_from(["text", "vtt", "srt", "sbv", "otter", "rev", "json", "jsonl", "csv"]))
def test_ingest_properties_structured_noise(raw, fmt):
    check_transcript("noise.dat", ("WEBVTT\n\n" if fmt == "vtt" else "").encode() + raw.encode("utf-8"), fmt)


@pytest.mark.parametrize("name", sorted(ENTRIES))
@FAST
@given(data=st.data())
def test_ingest_properties_mutated_entries(name, data):
    raw = data.draw(mutated(ENTRIES[name]))
    try:
        entries = read_entries(name, "c1", data=raw)
    except IngestError as exc:
        assert name in str(exc)
        return
    assert entries and all(e.text.strip() for e in entries)
