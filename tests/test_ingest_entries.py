"""Journal entries from JSONL and CSV, and their line/row/field errors."""

from datetime import datetime

import pytest

from reverie.errors import IngestError
from reverie.ingest import read_entries

JSONL = ('{"written_at": "2024-03-02", "kind": "dream", "title": "The exam", "text": "I was late for an exam again."}\n'
         '\n'
         '{"written_at": "2024-03-04T22:15:00", "kind": "free_association", "text": "Rain, my father\'s coat, '
         'waiting. Café au lait.", "shared_with_therapist": true}\n')


def test_ingest_entries_jsonl():
    entries = read_entries("journal.jsonl", "c1", data=JSONL.encode("utf-8"))
    assert [(e.kind, e.title, e.written_at) for e in entries] == [
        ("dream", "The exam", datetime(2024, 3, 2)), ("free_association", "", datetime(2024, 3, 4, 22, 15))]
    assert entries[1].shared_with_therapist is True and entries[0].shared_with_therapist is False
    assert entries[1].text.endswith("Café au lait.") and all(e.client == "c1" for e in entries)


def test_ingest_entries_csv_with_bom_crlf_and_flags():
    data = ("\ufeffwritten_at,kind,title,text,shared_with_therapist\r\n"
            '2024-05-01T08:00,moment,Bus,"She frowned at me, and I froze.",yes\r\n'
            "2024-05-02,Reflection,,夢の後で少し楽になった 🌙,\r\n").encode("utf-8")
    entries = read_entries("journal.csv", "c1", data=data)
    assert [e.kind for e in entries] == ["moment", "reflection"]
    assert entries[0].text == "She frowned at me, and I froze." and entries[0].shared_with_therapist
    assert entries[1].text == "夢の後で少し楽になった 🌙" and not entries[1].shared_with_therapist


@pytest.mark.parametrize("line,field", [
    ('{"written_at": "yesterday", "kind": "dream", "text": "x"}', "written_at"),
    ('{"kind": "dream", "text": "x"}', "written_at"),
    ('{"written_at": "2024-01-01", "kind": "nightmare", "text": "x"}', "kind"),
    ('{"written_at": "2024-01-01", "kind": "dream", "text": "   "}', "text"),
    ('{"written_at": "2024-01-01", "kind": "dream"}', "text"),
    ('{"written_at": "2024-01-01", "kind": "dream", "text": "x", "shared_with_therapist": "maybe"}',
     "shared_with_therapist"),
    ('{"written_at": "2024-01-01", "kind": "dream", "text": "x", "mood": 3}', "mood"),
])
def test_ingest_entries_jsonl_errors_name_line_and_field(line, field):
    data = ('{"written_at": "2024-01-01", "kind": "moment", "text": "fine"}\n' + line + "\n").encode()
    with pytest.raises(IngestError) as err:
        read_entries("bad.jsonl", "c1", data=data)
    assert f"bad.jsonl, line 2, field '{field}'" in str(err.value)


@pytest.mark.parametrize("row,field", [
    ("2024-02-30,dream,t,x", "written_at"), ("2024-02-01,poem,t,x", "kind"), ("2024-02-01,dream,t,", "text"),
])
def test_ingest_entries_csv_errors_name_row_and_field(row, field):
    data = f"written_at,kind,title,text\n2024-01-01,moment,,ok\n{row}\n".encode()
    with pytest.raises(IngestError) as err:
        read_entries("bad.csv", "c1", data=data)
    assert f"bad.csv, row 3, field '{field}'" in str(err.value)


def test_ingest_entries_csv_missing_column():
    with pytest.raises(IngestError) as err:
        read_entries("m.csv", "c1", data=b"written_at,title,text\n2024-01-01,t,x\n")
    assert "m.csv, row 1, field 'kind'" in str(err.value)


@pytest.mark.parametrize("data", [b"", b"written_at,kind,title,text\n", b"\n\n"])
def test_ingest_entries_empty_fails(data):
    with pytest.raises(IngestError) as err:
        read_entries("e.jsonl" if data != b"written_at,kind,title,text\n" else "e.csv", "c1", data=data)
    assert "e." in str(err.value)
