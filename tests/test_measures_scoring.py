"""Scoring every instrument against answer sets worked out by hand (arithmetic in the comments)."""

from __future__ import annotations

import pytest

from reverie.errors import ScoringError
from reverie.measures.scoring import parse_answers, score


def test_scoring_phq9_sum_band_and_no_flag():
    # 3+3+2+2+1+1+0+0+0 = 12 -> 10-14 "moderate"; item 9 = 0 -> no flag
    s = score("phq9", [3, 3, 2, 2, 1, 1, 0, 0, 0])
    assert (s.total, s.band, s.flags, s.complete) == (12, "moderate", [], True)


@pytest.mark.parametrize("answers,total,band", [
    ([1, 1, 1, 1, 0, 0, 0, 0, 0], 4, "minimal"),   # 4 is the top of 0-4
    ([1, 1, 1, 1, 1, 0, 0, 0, 0], 5, "mild"),      # 5 opens 5-9
    ([3, 3, 3, 3, 3, 3, 2, 0, 0], 20, "severe"),   # 6x3 + 2 = 20 opens 20-27
])
def test_scoring_phq9_band_edges(answers, total, band):
    s = score("phq9", answers)
    assert (s.total, s.band) == (total, band)


def test_scoring_phq9_item9_raises_flag_whatever_the_total():
    # total 1 ("minimal") but item 9 answered 1 -> safety flag
    s = score("phq9", [0, 0, 0, 0, 0, 0, 0, 0, 1])
    assert s.total == 1 and s.band == "minimal"
    assert s.flags == ["phq9_item9"]
    assert "answered 1" in s.flag_details[0]["text"]


def test_scoring_phq9_prorates_one_missing_item():
    # 8 answered items of 2 = 16; prorated 16 x 9/8 = 18 -> "moderately severe"
    s = score("phq9", [2, 2, 2, 2, 2, 2, 2, 2, None])
    assert (s.total, s.band, s.prorated, s.complete) == (18, "moderately severe", True, True)
    # 1x7 + 0 = 7 over 8 items; 7 x 9/8 = 7.875 -> rounded to 8
    assert score("phq9", [1, 1, 1, 1, 1, 1, 1, 0, None]).total == 8


def test_scoring_phq9_two_missing_is_incomplete_with_reason():
    s = score("phq9", [2, 2, 2, 2, 2, 2, 2, None, None])
    assert s.complete is False and s.total is None and s.band is None
    assert "2 of 9 items unanswered" in s.reason


def test_scoring_flag_survives_an_incomplete_questionnaire():
    s = score("phq9", [None, None, None, 0, 0, 0, 0, 0, 2])
    assert s.complete is False and s.flags == ["phq9_item9"]


def test_scoring_out_of_range_names_the_item():
    with pytest.raises(ScoringError, match="item 3: 4 is outside 0-3"):
        score("phq9", [0, 0, 4, 0, 0, 0, 0, 0, 0])


def test_scoring_wrong_count_is_rejected():
    with pytest.raises(ScoringError, match="7 items but 6 answers"):
        score("gad7", [0, 0, 0, 0, 0, 0])


@pytest.mark.parametrize("answers,total,band", [
    ([3, 3, 3, 3, 3, 3, 3], 21, "severe"),      # 7 x 3 = 21
    ([2, 2, 2, 2, 1, 1, 0], 10, "moderate"),    # 8 + 2 + 0 = 10 opens 10-14
    ([1, 1, 1, 1, 0, 0, 0], 4, "minimal"),
])
def test_scoring_gad7(answers, total, band):
    s = score("gad7", answers)
    assert (s.total, s.band) == (total, band)


def test_scoring_scs_sf_reverses_for_total_but_not_for_negative_subscales():
    answers = [5, 1, 2, 5, 1, 1, 2, 5, 5, 1, 5, 5]
    # reversed items 1,4,8,9,11,12 (6-x): all answered 5 -> 1 each (6 items = 6)
    # positive items 2,3,5,6,7,10: 1+2+1+1+2+1 = 8 ; total mean = 14 / 12 = 1.1667 -> "low"
    s = score("scs_sf", answers)
    assert s.total == pytest.approx(14 / 12, abs=1e-4)
    assert s.band == "low"
    # subscales from raw answers: self-judgement (11,12) = (5+5)/2, isolation (4,8), over-identification (1,9)
    assert s.subscales == {"self_kindness": 1.0, "self_judgement": 5.0, "common_humanity": 1.0,
                           "isolation": 5.0, "mindfulness": 2.0, "over_identification": 5.0}


def test_scoring_scs_sf_second_set():
    # answers 1..5 cycling: items 1-12 = 1,2,3,4,5,1,2,3,4,5,1,2
    # reversed 1:5, 4:2, 8:3, 9:2, 11:5, 12:4 ; others 2:2, 3:3, 5:5, 6:1, 7:2, 10:5
    # sum = 5+2+3+2+5+1+2+3+2+5+5+4 = 39 -> 39/12 = 3.25 -> "moderate"
    s = score("scs_sf", [1, 2, 3, 4, 5, 1, 2, 3, 4, 5, 1, 2])
    assert s.total == 3.25 and s.band == "moderate"


def test_scoring_rfq8_published_recoding():
    answers = [1, 7, 6, 2, 5, 3, 7, 4]
    # certainty: items 1,2,4,5,6 with 1->3,2->2,3->1,else 0: 1->3, 7->0, 2->2, 5->0, 3->1; item 7: 7->3
    #   (3+0+2+0+1+3)/6 = 1.5
    # uncertainty: items 2,3,4,5,6,8 with 7->3,6->2,5->1,else 0: 7->3, 6->2, 2->0, 5->1, 3->0, 4->0
    #   (3+2+0+1+0+0)/6 = 1.0
    s = score("rfq8", answers)
    assert s.subscales == {"certainty": 1.5, "uncertainty": 1.0}
    assert s.total is None


def test_scoring_rfq8_items_count_in_opposite_directions():
    # all "strongly disagree" except item 1 and 8 strongly agree:
    # certainty: item1 7->0, items 2,4,5,6 1->3 (x4 = 12), item 7 1->0 -> 12/6 = 2.0
    # uncertainty: items 2-6 1->0, item 8 7->3 -> 3/6 = 0.5
    s = score("rfq8", [7, 1, 1, 1, 1, 1, 1, 7])
    assert s.subscales == {"certainty": 2.0, "uncertainty": 0.5}
    # neutral 4s score 0 on both
    assert score("rfq8", [4] * 8).subscales == {"certainty": 0.0, "uncertainty": 0.0}


def test_scoring_wai_sr_subscales():
    answers = [5, 4, 3, 2, 1, 5, 4, 3, 2, 1, 5, 4]
    # task 1,2,10,12 = 5+4+1+4 = 14/4 = 3.5 ; bond 3,5,7,9 = 3+1+4+2 = 10/4 = 2.5
    # goal 4,6,8,11 = 2+5+3+5 = 15/4 = 3.75 ; total = 39/12 = 3.25
    s = score("wai_sr", answers)
    assert s.subscales == {"task": 3.5, "bond": 2.5, "goal": 3.75}
    assert s.total == 3.25


def test_scoring_core10_reverse_keyed_items_and_risk_flag():
    answers = [2, 1, 3, 2, 2, 1, 2, 2, 2, 2]
    # items 2 and 3 reversed (4-x): 1->3, 3->1 ; 2+3+1+2+2+1+2+2+2+2 = 19 -> 15-19 "moderate"
    s = score("core10", answers)
    assert (s.total, s.band) == (19, "moderate")
    assert s.flags == ["core10_risk"]  # item 6 answered 1


def test_scoring_core10_healthy_when_positive_items_high():
    # all 0 except the positive items at 4 -> reversed to 0 -> total 0
    s = score("core10", [0, 4, 4, 0, 0, 0, 0, 0, 0, 0])
    assert (s.total, s.band, s.flags) == (0, "healthy", [])


def test_scoring_dsq40_factor_means():
    answers = [((i - 1) % 9) + 1 for i in range(1, 41)]  # item i answers ((i-1) mod 9) + 1
    # mature 2,3,5,25,26,30,35,38 -> 2+3+5+7+8+3+8+2 = 38 / 8 = 4.75
    # neurotic 1,7,21,24,28,32,39,40 -> 1+7+3+6+1+5+3+4 = 30 / 8 = 3.75
    # all 40: items 1-36 are four cycles of 1..9 = 180, items 37-40 = 1+2+3+4 = 10 -> 190
    # immature = (190 - 38 - 30) / 24 = 122 / 24 = 5.0833
    s = score("dsq40", answers)
    assert s.subscales["mature"] == 4.75
    assert s.subscales["neurotic"] == 3.75
    assert s.subscales["immature"] == pytest.approx(122 / 24, abs=1e-4)


def test_scoring_lpfs_bf_sum_and_domains():
    answers = [1, 2, 3, 4, 1, 2, 3, 4, 1, 2, 3, 4]
    # self 1-6 = 1+2+3+4+1+2 = 13 ; interpersonal 7-12 = 3+4+1+2+3+4 = 17 ; total 30
    s = score("lpfs_bf", answers)
    assert (s.total, s.subscales) == (30, {"self_functioning": 13, "interpersonal_functioning": 17})


def test_scoring_depth_checkin_mean_without_bands():
    # (4+3+5+2)/4 = 3.5 ; reflection prompts have no severity bands
    s = score("depth_checkin", [4, 3, 5, 2])
    assert (s.total, s.band) == (3.5, None)


def test_scoring_mean_scales_allow_no_missing_items():
    s = score("wai_sr", [5, 4, 3, 2, 1, 5, 4, 3, 2, 1, 5, None])
    assert s.complete is False and "none may be missing" in s.reason


def test_scoring_to_dict_has_the_cli_keys():
    d = score("gad7", [1, 1, 1, 1, 1, 1, 1]).to_dict()
    assert {"instrument", "total", "subscales", "band", "flags", "complete"} <= set(d)
    assert d["total"] == 7 and d["band"] == "mild"


@pytest.mark.parametrize("text,expected", [
    ("1,2,,0", [1, 2, None, 0]),
    (" 3 , 0 ,NA, - ", [3, 0, None, None]),
    ("2", [2]),
])
def test_scoring_parse_answers(text, expected):
    assert parse_answers(text) == expected


def test_scoring_parse_answers_names_the_bad_token():
    with pytest.raises(ScoringError, match="answer 3: 'x'"):
        parse_answers("1,2,x,0")
