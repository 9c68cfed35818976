"""What a 待分类 threshold does on labelled examples (`gridbot nlp eval`, bench/threshold_curve.py)."""

from __future__ import annotations

import pytest

from nlp.metrics import threshold_outcome

GOLD = ["市政设施", "市政设施", "噪音扰民", "待分类", "待分类"]
BEST = [("市政设施", 0.9), ("噪音扰民", 0.8), ("噪音扰民", 0.3), ("市政设施", 0.2), ("政策咨询", 0.7)]


def test_the_share_and_accuracy_are_of_in_scope_examples() -> None:
    outcome = threshold_outcome(GOLD, BEST, 0.5)
    assert outcome.in_scope == 3
    assert outcome.below_threshold == pytest.approx(1 / 3)
    assert outcome.accuracy_above_threshold == pytest.approx(1 / 2)
    # right: the first (above, correct) and the fourth (待分类, below); wrong: the rest
    assert outcome.accuracy_all == pytest.approx(2 / 5)


def test_a_model_that_says_unclassified_sends_it_below() -> None:
    outcome = threshold_outcome(["待分类", "市政设施"], [("待分类", 0.9), ("市政设施", 0.9)], 0.5)
    assert (outcome.below_threshold, outcome.accuracy_above_threshold, outcome.accuracy_all) == (0.0, 1.0, 1.0)


def test_without_unclassified_labels_every_example_is_in_scope() -> None:
    outcome = threshold_outcome(GOLD[:3], BEST[:3], 0.0)
    assert (outcome.in_scope, outcome.below_threshold, outcome.accuracy_all) == (3, 0.0, None)
    assert outcome.accuracy_above_threshold == pytest.approx(2 / 3)
    assert outcome.as_json()["accuracy_above_threshold"] == 0.6667


def test_all_below_leaves_no_accuracy_to_tell() -> None:
    assert threshold_outcome(GOLD[:1], BEST[:1], 0.95).accuracy_above_threshold is None
    with pytest.raises(ValueError):
        threshold_outcome([], [], 0.5)


def test_each_example_can_have_its_own_threshold() -> None:
    # the second (0.8, wrong) is held to 0.85 and goes below; the third (0.3) to 0.2 and stays
    outcome = threshold_outcome(GOLD, BEST, 0.5, thresholds=[0.5, 0.85, 0.2, 0.5, 0.5])
    assert outcome.threshold == 0.5 and outcome.below_threshold == pytest.approx(1 / 3)
    assert outcome.accuracy_above_threshold == 1.0
    with pytest.raises(ValueError):
        threshold_outcome(GOLD, BEST, 0.5, thresholds=[0.5])


def test_the_bench_sweeps_the_averaged_messages_and_holds_the_others() -> None:
    from tests.support.bench import bench_modules

    with bench_modules("threshold_curve") as (curve,):
        swept = curve.curve_of(GOLD, BEST, [False, True, True, False, False], 0.95)
        everything = curve.curve_of(GOLD, BEST, [True] * len(GOLD), 0.95)
        nothing = curve.curve_of(GOLD, BEST, [False] * len(GOLD), 0.95)
    at_half = curve.THRESHOLDS.index(0.5)
    # the first is held to 0.95 and falls below; of the swept, the second (0.8) stays and the third (0.3) falls
    assert swept[at_half].below_threshold == pytest.approx(2 / 3) and swept[at_half].accuracy_above_threshold == 0.0
    # all averaged, or none: the curve's threshold holds for every message, as for a model of one kind
    for outcomes in (everything, nothing):
        assert outcomes[at_half] == threshold_outcome(GOLD, BEST, 0.5)


def test_the_bench_reads_a_mix_of_long_message_members() -> None:
    from tests.support.bench import bench_modules

    with bench_modules("threshold_curve") as (curve,):
        assert curve.parse_mix("lr=0.45, nbsvm+lead=0.45,cnb=0.1") == {"lr": 0.45, "nbsvm+lead": 0.45, "cnb": 0.1}
        for wrong in ("lr=0.5,svm=0.5", "lr=0.5,nbsvm=0.4", "lr=1.2,cnb=-0.2", "lr+long=1", "nbsvm+first=1"):
            with pytest.raises(ValueError):
                curve.parse_mix(wrong)
