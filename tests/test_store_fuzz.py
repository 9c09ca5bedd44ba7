"""Random and malformed bytes through the workspace: a clean import or a clear error, never a changed store."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import reverie.workspace as rw
from reverie.errors import InputError

VALID = {
    "txt": b"T: How are you?\nC: Tired (pause) and cross.\n",
    "vtt": b"WEBVTT\n\n00:00:01.000 --> 00:00:03.000\n<v T>Hello\n\n00:00:04.000 --> 00:00:06.000\n<v C>Hi there\n",
    "csv": b"session,turn,speaker,text\n1,1,therapist,Hello\n1,2,client,Hi\n",
    "json": b'{"format": "reverie.transcript", "version": 1, "sessions": [{"utterances": '
            b'[{"speaker": "T", "text": "Hello"}, {"speaker": "C", "text": "Hi"}]}]}',
}


def _mutate(data: bytes, edits: list[tuple[int, int]]) -> bytes:
    out = bytearray(data)
    for pos, byte in edits:
        if out:
            out[pos % len(out)] = byte
    return bytes(out)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ext=st.sampled_from(sorted(VALID)), edits=st.lists(st.tuples(st.integers(0, 10_000), st.integers(0, 255)),
                                                        max_size=6),
       junk=st.binary(max_size=64), use_junk=st.booleans())
def test_store_fuzzed_import_is_clean_or_refused(tmp_path_factory, ext: str, edits, junk: bytes, use_junk: bool) -> None:
    folder = tmp_path_factory.mktemp("fuzz")
    ws = rw.init(folder / "ws", user="ruth")
    try:
        (folder / "seed.txt").write_bytes(VALID["txt"])
        ws.import_transcript(folder / "seed.txt", "c1")
        before = ws.sessions("c1")
        path = folder / f"in.{ext}"
        path.write_bytes(junk if use_junk else _mutate(VALID[ext], edits))
        try:
            result = ws.import_transcript(path, "c1")
        except InputError as exc:  # a file that cannot be read, or a session number already taken
            assert "in." in str(exc) or "already has a session" in str(exc)
            assert ws.sessions("c1") == before
        else:
            after = ws.sessions("c1")
            new = [s for s in after if s not in before]
            assert len(new) == (0 if result["duplicate"] else len(result["sessions"]))
            for s in new:
                assert len(ws.session(s["id"]).utterances) == s["utterances"] > 0
    finally:
        ws.close()
