"""CSV transcripts: several sessions, turn order, times, names, and row/field errors."""

import pytest

from reverie.errors import IngestError
from reverie.ingest import read_transcript

TWO_SESSIONS = """session,turn,speaker,text,start,end,date
2,2,client,"Better, I think.",3.0,5.5,2024-03-12
1,1,Therapist,Where shall we start?,0,2.0,2024-03-05
1,2,CLIENT,"With my father, I suppose (pause).",2.5,6,
2,1,therapist,How has the week been?,0.5,2.5,2024-03-12
"""


def read(text, name="t.csv", **kw):
    return read_transcript(name, "c1", data=text.encode("utf-8"), **kw)


def test_ingest_csv_two_sessions_ordered_by_turn():
    t = read(TWO_SESSIONS)
    assert [s.number for s in t.sessions] == [1, 2]
    one, two = t.sessions
    assert [(u.role, u.text) for u in one.utterances] == [
        ("therapist", "Where shall we start?"), ("client", "With my father, I suppose.")]
    assert one.utterances[1].markers == ["pause"]
    assert [u.text for u in two.utterances] == ["How has the week been?", "Better, I think."]
    assert str(one.date) == "2024-03-05" and str(two.date) == "2024-03-12"
    assert one.duration == pytest.approx(6.0) and two.duration == pytest.approx(5.0)
    assert t.format == "csv" and all(s.client == "c1" for s in t.sessions)


def test_ingest_csv_without_times_and_semicolons_and_bom():
    data = "\ufeffsession;turn;speaker;text\r\n1;1;T;Hola, ¿cómo estás?\r\n1;2;C;Bien 🙂\r\n"
    t = read_transcript("x.csv", "c1", data=data.encode("utf-8"))
    u = t.sessions[0].utterances
    assert [(x.role, x.text, x.start) for x in u] == [("therapist", "Hola, ¿cómo estás?", None),
                                                      ("client", "Bien 🙂", None)]
    assert t.sessions[0].duration is None


def test_ingest_csv_quoted_multiline_text():
    t = read('session,turn,speaker,text\n1,1,C,"First line\nsecond line"\n1,2,T,Mm.\n')
    assert t.sessions[0].utterances[0].text == "First line\nsecond line"


def test_ingest_csv_names_mapped():
    text = "session,turn,speaker,text\n1,1,Dr Weiss,Hello.\n1,2,Anna,Hi.\n1,3,Tom,Hey.\n"
    t = read(text, therapist_label="Dr Weiss", client_label="anna")
    assert [u.role for u in t.sessions[0].utterances] == ["therapist", "client", "other"]


@pytest.mark.parametrize("column", ["session", "turn", "speaker", "text"])
def test_ingest_csv_missing_column_named(column):
    header = [c for c in ("session", "turn", "speaker", "text") if c != column]
    with pytest.raises(IngestError) as err:
        read(",".join(header) + "\n" + ",".join("1" for _ in header) + "\n", name="cols.csv")
    assert f"field '{column}'" in str(err.value) and "cols.csv" in str(err.value)


@pytest.mark.parametrize("row3,field", [
    ("0,2,C,Hi.", "session"), (" ,2,C,Hi.", "session"), ("1,two,C,Hi.", "turn"), ("1,1,C,Again.", "turn"),
    ("1,2,,Hi.", "speaker"), ("1,2,C,Hi.,abc,", "start"), ("1,2,C,Hi.,5,1", "end"), ("1,2,C,Hi.,,,2024-13-01", "date"),
])
def test_ingest_csv_bad_values_name_row_and_field(row3, field):
    text = f"session,turn,speaker,text,start,end,date\n1,1,T,Hello.,,,\n{row3}\n"
    with pytest.raises(IngestError) as err:
        read(text, name="bad.csv")
    assert err.value.line == 3 and err.value.field == field
    assert f"bad.csv, row 3, field '{field}'" in str(err.value)


def test_ingest_csv_conflicting_dates_in_a_session_fail():
    text = "session,turn,speaker,text,date\n1,1,T,A.,2024-01-01\n1,2,C,B.,2024-01-02\n"
    with pytest.raises(IngestError) as err:
        read(text, name="d.csv")
    assert "d.csv, row 3, field 'date'" in str(err.value)


def test_ingest_csv_header_only_has_no_utterances():
    with pytest.raises(IngestError) as err:
        read("session,turn,speaker,text\n", name="h.csv")
    assert "h.csv" in str(err.value) and "no utterances" in str(err.value)


def test_ingest_csv_role_column_overrides_speaker_names():
    text = "session,turn,speaker,text,role\n1,1,Dr Weiss,Hello.,therapist\n1,2,Anna,Hi.,client\n1,3,Mum,Bye.,\n"
    t = read(text)
    assert [u.role for u in t.sessions[0].utterances] == ["therapist", "client", "other"]
    assert any("'Mum'" in n for n in t.notes)


LABELLED = """session,turn,speaker,text,date
intake,1,T,What brings you here?,2026-03-02
P01-S03,1,T,Where are we today?,
intake,2,C,"I can't sleep, mostly.",
2026-03-02,1,T,And now?,
P01-S03,2,C,Somewhere else.,
"""


def test_ingest_csv_labels_numbered_in_order_of_first_appearance():
    t = read(LABELLED)
    assert [(s.number, s.label) for s in t.sessions] == [(1, "intake"), (2, "P01-S03"), (3, "2026-03-02")]
    assert [u.text for u in t.sessions[0].utterances] == ["What brings you here?", "I can't sleep, mostly."]
    assert str(t.sessions[0].date) == "2026-03-02" and t.sessions[2].date is None
    assert t.numbered_by_order


def test_ingest_csv_whole_number_labels_are_the_numbers():
    t = read("session,turn,speaker,text\n7,1,T,Later.\n03,1,T,Earlier.\n3,2,C,Yes.\n")
    assert [(s.number, s.label) for s in t.sessions] == [(3, "03"), (7, "7")]
    assert [u.text for u in t.sessions[0].utterances] == ["Earlier.", "Yes."]
    assert not t.numbered_by_order


def test_ingest_csv_one_label_that_is_not_a_number_numbers_all_by_order():
    t = read("session,turn,speaker,text\n7,1,T,First.\n7b,1,C,Second.\n2,1,T,Third.\n")
    assert [(s.number, s.label) for s in t.sessions] == [(1, "7"), (2, "7b"), (3, "2")]


def test_ingest_csv_label_errors_name_the_label():
    with pytest.raises(IngestError) as err:
        read("session,turn,speaker,text\nintake,1,T,A.\nintake,1,C,B.\n", name="l.csv")
    assert "l.csv, row 3, field 'turn'" in str(err.value) and "session 'intake'" in str(err.value)
    with pytest.raises(IngestError) as err:
        read("session,turn,speaker,text\n" + "x" * 101 + ",1,T,A.\n", name="l.csv")
    assert "l.csv, row 2, field 'session'" in str(err.value)
