"""The progress classification on series built for each class.

Figures used: PHQ-9 reference SD 5.7 (z = (baseline - value) / 5.7), SCS-SF SD 0.70
(z = (value - baseline) / 0.70), "improving" at +/-0.5 SD, PHQ-9 reliable change >= 6 points.
"""

from __future__ import annotations

from datetime import date

import pytest

from reverie.domain import Response
from reverie.measures.progress import progress

SCS_REVERSED = {1, 4, 8, 9, 11, 12}


def phq(session: int, total: int, item9: int = 0) -> Response:
    """PHQ-9 answers summing to ``total`` on items 1-8 (3s first), item 9 as given."""
    answers = [min(3, max(0, total - 3 * k)) for k in range(8)] + [item9]
    return Response("C1", "phq9", answers, session=session, date=date(2024, 1, session))


def scs(session: int, mean: int) -> Response:
    """SCS-SF answers whose scored mean is ``mean`` (reversed items answered 6 - mean)."""
    answers = [6 - mean if n in SCS_REVERSED else mean for n in range(1, 13)]
    return Response("C1", "scs_sf", answers, session=session)


def build(phq_totals: list[int], scs_by_session: dict[int, int]) -> list[Response]:
    return [phq(s, t) for s, t in enumerate(phq_totals, start=1)] + [scs(s, m) for s, m in scs_by_session.items()]


def last(p: dict) -> dict:
    return p["sessions"][-1]


def test_progress_getting_better():
    # PHQ 18 -> 10: z = 8/5.7 = +1.40 ; SCS 2 -> 3: z = 1/0.7 = +1.43 -> both improving
    p = progress("C1", build([18, 17, 16, 12, 10], {1: 2, 4: 3}))
    s = last(p)
    assert s["feeling_better"] == pytest.approx(1.404, abs=1e-3)
    assert s["getting_better"] == pytest.approx(1.429, abs=1e-3)
    assert s["class"] == "getting_better" and p["case"]["class"] == "getting_better"
    assert "+1.40 SD" in s["explanation"] and "+1.43 SD" in s["explanation"]


def test_progress_relief_without_change():
    # PHQ 18 -> 10 (+1.40) ; SCS 2 -> 2 (0.00)
    s = last(progress("C1", build([18, 17, 16, 12, 10], {1: 2, 4: 2})))
    assert s["class"] == "relief_without_change"
    assert "hypothesis" in s["explanation"]


def test_progress_worse_before_better():
    # PHQ 14 -> 18: z = -4/5.7 = -0.70 (4 points: not a reliable deterioration) ; SCS 2 -> 3 (+1.43)
    s = last(progress("C1", build([14, 15, 16, 17, 18], {1: 2, 4: 3})))
    assert s["feeling_better"] == pytest.approx(-0.702, abs=1e-3)
    assert s["class"] == "worse_before_better"
    assert "have risen" in s["explanation"]


def test_progress_not_on_track_after_reliable_deterioration():
    # PHQ 10 -> 17: 7 points >= 6 -> reliable deterioration ; SCS flat
    s = last(progress("C1", build([10, 12, 14, 16, 17], {1: 2, 4: 2})))
    assert s["class"] == "not_on_track"
    assert "PHQ-9 10 -> 17" in s["explanation"]


def test_progress_not_on_track_when_nothing_moves_by_the_expected_session():
    # PHQ 15 throughout, SCS 2 at sessions 1 and 4: flat; session 7 is still too early, session 8 is not
    p = progress("C1", build([15] * 8, {1: 2, 4: 2}))
    classes = {s["number"]: s["class"] for s in p["sessions"]}
    assert classes[7] == "too_early" and classes[8] == "not_on_track"
    assert "by session 8" in p["sessions"][-1]["explanation"]


def test_progress_too_early_with_few_sessions():
    s = last(progress("C1", build([18, 12], {1: 2})))
    assert s["class"] == "too_early" and "2 session(s)" in s["explanation"]


def test_progress_too_early_without_a_repeated_structural_measure():
    # symptoms fall 18 -> 10 but SCS only at baseline: getting better cannot be judged
    s = last(progress("C1", build([18, 17, 16, 12, 10], {1: 2})))
    assert s["class"] == "too_early" and "no structural measure has been repeated" in s["explanation"]


def test_progress_carries_structural_values_forward_and_says_so():
    p = progress("C1", build([18, 17, 16, 12, 10], {1: 2, 4: 3}))
    evidence = last(p)["evidence"]["getting_better"]
    assert any("carried forward from session 4" in e for e in evidence)
    comp = next(c for c in last(p)["components"] if c["key"] == "scs_sf.total")
    assert comp["carried_forward"] is True and comp["observed_session"] == 4


def test_progress_markers_enter_the_getting_better_index_with_their_weight():
    # SCS z = 0 (weight 1) ; ODF 3.5 -> 4.5: z = 1/0.5 = 2.0 (weight 0.5) -> (0 + 2 x 0.5) / 1.5 = 0.667
    markers = {1: {"odf": 3.5}, 5: {"odf": 4.5, "not_a_marker": 99.0}}
    p = progress("C1", build([18, 17, 16, 12, 10], {1: 2, 4: 2}), markers=markers)
    s = last(p)
    assert s["getting_better"] == pytest.approx(0.667, abs=1e-3)
    assert {c["key"] for c in s["components"]} == {"phq9.total", "scs_sf.total", "marker.odf"}


def test_progress_instrument_summary_and_json_shape():
    p = progress("C1", build([18, 17, 19, 11, 10, 11], {1: 2, 4: 3}))
    assert set(p) >= {"client", "sessions", "case", "instruments", "flags"}
    assert set(p["sessions"][0]) >= {"number", "feeling_better", "getting_better", "class", "explanation"}
    phq9 = p["instruments"]["phq9"]
    # baseline 18, latest 11: 7 points >= 6 -> improved; 18 >= 10 but 11 still >= 10 -> "improved"
    assert (phq9["baseline"], phq9["latest"], phq9["reliable_change"], phq9["clinical"]) == (18, 11, "improved", "improved")
    # 19 -> 11 between sessions 3 and 4: 8 points, 42 %, calm windows -> candidate gain at session 4
    assert [g["session"] for g in phq9["sudden_gains"]] == [4]
    assert p["instruments"]["scs_sf"]["reliable_change"] == "improved"  # RC = 1/0.3704 = 2.70


def test_progress_collects_safety_flags_with_their_session():
    responses = build([18, 17, 16], {1: 2}) + [phq(4, 14, item9=1)]
    p = progress("C1", responses)
    assert [(f["session"], f["code"]) for f in p["flags"]] == [(4, "phq9_item9")]
    assert p["sessions"][-1]["flags"] == ["phq9_item9"]


def test_progress_ignores_other_clients_and_reports_skipped_responses():
    responses = build([18, 17, 16], {1: 2}) + [Response("OTHER", "phq9", [3] * 9, session=2),
                                                  Response("C1", "phq9", [1] * 9, session=None)]
    p = progress("C1", responses)
    assert [x["value"] for x in p["instruments"]["phq9"]["series"]] == [18, 17, 16]
    assert len(p["skipped"]) == 1 and "no session number" in p["skipped"][0]
