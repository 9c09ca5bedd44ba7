"""Therapeutic cycles: per-utterance counts, 150-word blocks, case z-scores and the four classes."""

import pytest

from reverie.analysis.base import SessionUnits, TextUnit
from reverie.analysis.cycles import CyclesAnalyzer, classify
from reverie.analysis.text import tokenize

# One sentence per class, written for these tests.
RELAXING = "We drove the car to the beach and put the towels on the sand by the boat."
EXPERIENCING = "I was furious and scared, I cried and shouted at the dog in the kitchen."
REFLECTING = "I suppose the reason is a kind of logic about efficiency and theory."
CONNECTING = "I think my anger was about grief, an idea that sadness meant weakness."


def _words(sentence: str, n: int) -> str:
    """The sentence repeated and cut to exactly ``n`` words."""
    out: list[str] = []
    while len(out) < n:
        out += sentence.split()
    return " ".join(out[:n])


def _units(session: str, texts: list[str], role: str = "client") -> list[TextUnit]:
    return [TextUnit(f"{session}:{i}", t, role=role, session=session) for i, t in enumerate(texts)]


def _summarize(sessions: dict[str, list[TextUnit]], **settings):
    an = CyclesAnalyzer(**settings)
    handed = []
    for sid, units in sessions.items():
        client = [u for u in units if an.applies(u)]
        handed.append(SessionUnits(sid, units, an.annotate(client)))
    return an.summarize(handed)


def test_cycles_counts_emotion_and_abstraction_words_with_spans():
    ann = CyclesAnalyzer().annotate([TextUnit.of(CONNECTING)])[0]
    marked = {CONNECTING[s:e]: kind for s, e, kind in ann.values["terms"]}
    assert marked["anger"] == marked["grief"] == marked["sadness"] == "emotion"
    assert marked["idea"] == "abstraction" and marked["think"] == "abstraction"
    assert ann.values["emotion_tone"] == 4 and ann.values["abstraction"] == 3
    assert sorted(ann.evidence) == sorted((s, e) for s, e, _ in ann.values["terms"])


def test_cycles_only_client_utterances_apply():
    an = CyclesAnalyzer()
    assert an.applies(TextUnit.of("hello", role="client"))
    assert not an.applies(TextUnit.of("hello", role="therapist"))
    assert not an.applies(TextUnit.of("hello", kind="dream"))


def test_cycles_each_class_is_found_in_a_hand_written_session():
    texts = [_words(RELAXING, 150), _words(EXPERIENCING, 150), _words(REFLECTING, 150), _words(CONNECTING, 150)]
    summary = _summarize({"s1": _units("s1", texts)})
    blocks = summary.sessions["s1"]["blocks"]
    assert [b["class"] for b in blocks] == ["relaxing", "experiencing", "reflecting", "connecting"]
    assert [(b["first_unit"], b["last_unit"]) for b in blocks] == [(f"s1:{i}", f"s1:{i}") for i in range(4)]
    assert summary.sessions["s1"]["shares"] == {"relaxing": 0.25, "experiencing": 0.25,
                                                "reflecting": 0.25, "connecting": 0.25}
    moments = summary.sessions["s1"]["key_moments"]
    assert len(moments) == 1 and moments[0]["units"] == ["s1:3"]
    assert moments[0]["text"].startswith("I think my anger was about grief")
    assert len(tokenize(moments[0]["text"]).words) == 150


def test_cycles_blocks_cross_utterances_and_keep_a_half_block():
    # 100 + 100 + 30 client words = one block of 150 and a last block of 80 (>= 75: kept)
    texts = [_words(RELAXING, 100), _words(REFLECTING, 100), _words(CONNECTING, 30)]
    units = _units("s1", texts)
    units.insert(1, TextUnit("s1:t", "What comes to mind?", role="therapist", session="s1"))
    blocks = _summarize({"s1": units}).sessions["s1"]["blocks"]
    assert [b["words"] for b in blocks] == [150, 80]
    assert (blocks[0]["first_unit"], blocks[0]["last_unit"]) == ("s1:0", "s1:1")
    assert (blocks[1]["first_unit"], blocks[1]["last_unit"]) == ("s1:1", "s1:2")


def test_cycles_last_block_under_half_is_dropped():
    blocks = _summarize({"s1": _units("s1", [_words(RELAXING, 150), _words(REFLECTING, 60)])}).sessions["s1"]["blocks"]
    assert [b["words"] for b in blocks] == [150]


def test_cycles_z_scores_are_standardised_across_the_case():
    sessions = {
        "s1": _units("s1", [_words(RELAXING, 150), _words(REFLECTING, 150)]),
        "s2": _units("s2", [_words(CONNECTING, 150), _words(EXPERIENCING, 150)]),
    }
    summary = _summarize(sessions)
    z = [b["z_et"] for sid in ("s1", "s2") for b in summary.sessions[sid]["blocks"]]
    assert sum(z) == pytest.approx(0.0, abs=1e-2)
    assert summary.case["connecting_share"] == {"s1": 0.0, "s2": 0.5}
    assert summary.sessions["s1"]["key_moments"] == []


def test_cycles_a_single_block_has_no_spread_and_is_relaxing():
    summary = _summarize({"s1": _units("s1", [_words(CONNECTING, 150)])})
    assert summary.sessions["s1"]["blocks"][0]["class"] == "relaxing"


def test_cycles_short_session_gives_no_blocks_and_empty_units_give_none():
    an = CyclesAnalyzer()
    ann = an.annotate([TextUnit.of("")])[0]
    assert set(ann.values) == set(CyclesAnalyzer.fields) and all(v is None for v in ann.values.values())
    summary = _summarize({"s1": _units("s1", ["", "Yes.", RELAXING])})
    assert summary.sessions["s1"]["blocks"] == []
    assert summary.sessions["s1"]["shares"]["connecting"] is None


def test_cycles_non_ascii_text_is_counted():
    text = "Ich war so wütend, I was furious"
    ann = CyclesAnalyzer().annotate([TextUnit.of(text)])[0]
    assert ann.values["words"] == 7 and [text[s:e] for s, e in ann.evidence] == ["furious"]


@pytest.mark.parametrize("z_et,z_ab,expected", [
    (-0.1, -0.1, "relaxing"), (0.0, 0.0, "relaxing"), (0.5, -0.5, "experiencing"),
    (-0.5, 0.5, "reflecting"), (0.1, 0.1, "connecting"),
])
def test_cycles_classify_quadrants(z_et, z_ab, expected):
    assert classify(z_et, z_ab) == expected
