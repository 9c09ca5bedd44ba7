"""Change statistics against worked examples (the arithmetic is in the comments)."""

from __future__ import annotations

import math

import pytest

from reverie.measures.change import classify, clinical_significance, rc_cutoff, reliable_change, s_diff, sudden_gains


def test_change_s_diff_phq9_figures():
    # S_diff = 5.7 x sqrt(2) x sqrt(1 - 0.84) = 5.7 x 1.41421 x 0.4 = 3.2244
    assert s_diff(5.7, 0.84) == pytest.approx(3.2244, abs=1e-4)
    # reliable cut-off 1.96 x 3.2244 = 6.3198 points
    assert rc_cutoff(5.7, 0.84) == pytest.approx(6.3198, abs=1e-3)


def test_change_rci_reliable_improvement_and_not():
    # PHQ-9 18 -> 10: RC = -8 / 3.2244 = -2.481 -> |RC| > 1.96, lower is better -> improved
    rc = reliable_change(18, 10, 5.7, 0.84)
    assert rc.rci == pytest.approx(-2.481, abs=1e-3)
    assert rc.reliable and rc.direction == "improved"
    # 18 -> 13: RC = -5 / 3.2244 = -1.551 -> not reliable
    assert reliable_change(18, 13, 5.7, 0.84).direction == "none"


def test_change_rci_boundary_sd10_r075():
    # S_diff = 10 x sqrt(2) x sqrt(0.25) = 7.0711 ; 1.96 x 7.0711 = 13.86 points
    # 50 -> 36 (14 points): RC = -1.980 reliable ; 50 -> 37 (13 points): RC = -1.838 not reliable
    assert reliable_change(50, 36, 10, 0.75).rci == pytest.approx(-1.980, abs=1e-3)
    assert reliable_change(50, 36, 10, 0.75).reliable
    assert not reliable_change(50, 37, 10, 0.75).reliable


def test_change_rci_on_a_higher_is_better_scale_calls_a_rise_improvement():
    # SCS-SF SD 0.7, r 0.86: S_diff = 0.7 x 1.41421 x sqrt(0.14) = 0.3704 ; 2.0 -> 3.0: RC = 2.70
    rc = reliable_change(2.0, 3.0, 0.7, 0.86, lower_is_better=False)
    assert rc.rci == pytest.approx(2.70, abs=0.01) and rc.direction == "improved"
    assert reliable_change(3.0, 2.0, 0.7, 0.86, lower_is_better=False).direction == "deteriorated"


def test_change_raw_point_threshold():
    # PHQ-9 convention: >= 6 points. 15 -> 9 is 6 points (reliable); 15 -> 10 is 5 (not)
    assert reliable_change(15, 9, 5.7, 0.84, points_threshold=6, criterion="points").direction == "improved"
    assert reliable_change(15, 10, 5.7, 0.84, points_threshold=6, criterion="points").direction == "none"
    # GAD-7 >= 4: 6 -> 10 is a reliable deterioration
    assert reliable_change(6, 10, 5.1, 0.92, points_threshold=4, criterion="points").direction == "deteriorated"


def test_change_clinical_significance_criteria_abc():
    # clinical M 20 SD 5, functional M 5 SD 4 (lower is better)
    # a = 20 - 2x5 = 10 ; b = 5 + 2x4 = 13 ; c = (5x5 + 4x20) / (5+4) = 105/9 = 11.667
    out = clinical_significance(11, clinical_mean=20, clinical_sd=5, functional_mean=5, functional_sd=4)
    assert out["cutoffs"]["a"] == 10 and out["cutoffs"]["b"] == 13
    assert out["cutoffs"]["c"] == pytest.approx(11.667, abs=1e-3)
    # post 11: not below a (10), below b (13), below c (11.667)
    assert out["met"] == {"a": False, "b": True, "c": True, "published": None}


def test_change_clinical_significance_without_clinical_norms_leaves_a_and_c_open():
    # PHQ-9 functional norms 2.91 / 3.52: b = 2.91 + 7.04 = 9.95
    out = clinical_significance(9, functional_mean=2.91, functional_sd=3.52, cutoff=10)
    assert out["cutoffs"]["b"] == pytest.approx(9.95) and out["cutoffs"]["a"] is None
    assert out["met"]["b"] is True and out["met"]["c"] is None and out["met"]["published"] is True


@pytest.mark.parametrize("pre,post,expected", [
    (15, 8, "recovered"),      # 7 points >= 6 and crosses 10: 15 clinical -> 8 not
    (22, 14, "improved"),      # 8 points but 14 is still >= 10
    (12, 8, "unchanged"),      # crosses the cut-off but only 4 points
    (8, 15, "deteriorated"),   # 7 points worse
])
def test_change_classify_phq9(pre, post, expected):
    assert classify(pre, post, sd=5.7, r=0.84, cutoff=10, points_threshold=6, criterion="points") == expected


# --- sudden gains (Tang & DeRubeis); PHQ-9 cut-off 6 points -----------------------------------

def _series(values):
    return list(zip(range(1, len(values) + 1), values))


def test_change_sudden_gain_hits_all_three_criteria():
    # gain between session 3 (20) and 4 (12): 8 >= 6 ; 8/20 = 0.40 >= 0.25
    # pre [20,21,20] mean 20.333 var 0.333 ; post [12,11,12] mean 11.667 var 0.333
    # pooled = sqrt((2x0.333 + 2x0.333)/4) = 0.577 ; 2.776 x 0.577 = 1.60 < 8.667
    events = sudden_gains(_series([20, 21, 20, 12, 11, 12]), cutoff=6)
    assert [(e.kind, e.session, e.pre_session, e.magnitude) for e in events] == [("gain", 4, 3, 8)]
    assert events[0].t_critical == 2.776 and events[0].label == "candidate"
    assert events[0].pooled_sd == pytest.approx(math.sqrt(1 / 3), abs=1e-6)


@pytest.mark.parametrize("post_gain,found", [
    ([14, 13, 14], True),         # 6 points: exactly the cut-off
    ([14.1, 13.1, 14.1], False),  # 5.9 points: just misses criterion 1
])
def test_change_sudden_gain_absolute_criterion(post_gain, found):
    assert bool(sudden_gains(_series([20, 21, 20] + post_gain), cutoff=6)) is found


@pytest.mark.parametrize("post_gain,found", [
    ([30, 29, 30], True),    # 10 / 40 = 0.25: exactly 25 %
    ([31, 30, 31], False),   # 9 / 40 = 0.225: passes the 6-point cut-off, misses 25 %
])
def test_change_sudden_gain_relative_criterion(post_gain, found):
    assert bool(sudden_gains(_series([40, 41, 40] + post_gain), cutoff=6)) is found


def test_change_sudden_gain_mean_criterion_misses_with_a_noisy_pre_gain_window():
    # same 8-point drop 20 -> 12, but pre window [14,26,20]: var 36, post [12,12,12] var 0
    # pooled = sqrt(2x36/4) = 4.243 ; 2.776 x 4.243 = 11.78 > mean difference 8 -> no gain
    # (26 -> 20 is a 6-point drop but only 23 % of 26, so it fails criterion 2)
    assert sudden_gains(_series([14, 26, 20, 12, 12, 12]), cutoff=6) == []
    # a calmer window [18,22,20] (var 4): pooled sqrt(8/4) = 1.414 ; 2.776 x 1.414 = 3.93 < 8 -> gain
    assert [e.session for e in sudden_gains(_series([18, 22, 20, 12, 12, 12]), cutoff=6)] == [4]


def test_change_sudden_gain_critical_t_grows_as_points_are_missing():
    # 5 points: pre 3, post 2 -> df 3 -> 3.182 ; 4 points: 2 + 2 -> df 2 -> 4.303
    assert sudden_gains(_series([20, 21, 20, 12, 11]), cutoff=6)[0].t_critical == 3.182
    assert sudden_gains(_series([21, 20, 12, 11]), cutoff=6)[0].t_critical == 4.303
    # a single pre-gain point is not enough for criterion 3
    assert sudden_gains(_series([20, 12, 11, 12]), cutoff=6) == []


def test_change_sudden_loss_is_the_mirror_image():
    # 10 -> 18 at session 4: 8 points worse, 80 % of 10, windows calm
    events = sudden_gains(_series([10, 11, 10, 18, 19, 18]), cutoff=6)
    assert [(e.kind, e.session, e.magnitude) for e in events] == [("loss", 4, 8)]
    assert sudden_gains(_series([10, 11, 10, 18, 19, 18]), cutoff=6, include_losses=False) == []


def test_change_sudden_gain_on_a_higher_is_better_scale():
    # SCS-SF 2.0 -> 3.0: 1.0 >= 0.7 cut-off ; 1.0/2.0 = 50 % ; windows var 0.0033 -> pooled 0.058
    events = sudden_gains(_series([2.0, 2.1, 2.0, 3.0, 3.1, 3.0]), cutoff=0.7, lower_is_better=False)
    assert [(e.kind, e.session) for e in events] == [("gain", 4)]
