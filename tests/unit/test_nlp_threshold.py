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


def test_the_bench_average_of_two_models_is_their_probabilities_weighted() -> None:
    from pathlib import Path

    from nlp import load_taxonomy
    from nlp.classifier import KeywordClassifier
    from nlp.dataset import read_examples
    from nlp.training import SVM, Recipe, train
    from tests.support.bench import bench_modules

    segmenter = KeywordClassifier(load_taxonomy()).segmenter
    examples = read_examples(Path(__file__).parent.parent / "data" / "hotline_small.jsonl")
    logistic, svm = train(examples, segmenter), train(examples, segmenter, Recipe(kind=SVM, c=1.0))
    with bench_modules("threshold_curve") as (curve,):
        averaged = curve.Averaged(logistic, svm, 0.3)
    for text in ("公交车到站不停车，司机直接开走", "孩子转学要什么手续？", "随便一句话"):
        ranked = averaged.predict(text, segmenter).ranked
        first, second = dict(logistic.predict(text, segmenter).ranked), dict(svm.predict(text, segmenter).ranked)
        assert dict(ranked) == pytest.approx({label: 0.7 * first[label] + 0.3 * second[label] for label in first})
        assert sum(score for _, score in ranked) == pytest.approx(1.0)
        assert [score for _, score in ranked] == sorted((score for _, score in ranked), reverse=True)
