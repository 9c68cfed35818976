"""A logistic regression averaged with a calibrated linear SVM (LinearSVC or an NB-SVM) on the same features, for
messages over a length: its model file (version 3) carries both weight sets, the calibration, the SVM's share, the
length and a threshold of its own, and loads without scikit-learn; a long message's probabilities are the average
of the two members', a short one's the logistic regression's alone, each held to its own 待分类 threshold; versions
1 and 2 still load; an average out of bounds is refused. A partner that reads a long message's lead as features of
their own makes a version 4 file, whose logistic regression is the same as version 3's."""

import json
import math
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from bot.cli.gridbot import main
from nlp import UNCLASSIFIED, LinearModel, ModelError, load_taxonomy
from nlp.classifier import KeywordClassifier
from nlp.cleaning import prepare
from nlp.combined import CombinedClassifier
from nlp.dataset import Example, read_examples
from nlp.features import is_lead_feature, lead_apart_features
from nlp.model import AVERAGE, AVERAGED_VERSION, CALIBRATED_VERSION, LEAD_APART_VERSION, VERSION
from nlp.training import AVERAGED, DEFAULT_RECIPE, NBSVM, SVM, SVM_C, NaiveBayesSVM, Recipe, train
from tests.support.model_files import copied, refused_after, rewrite

HOTLINE = Path(__file__).parent.parent / "data" / "hotline_small.jsonl"  # 12345-style labels
LONGER_THAN = 10
LONG = ("公交车到站不停车，司机直接开走", "ＡＢＣ医院挂号太难了！！排队三个小时")  # over LONGER_THAN once prepared
SHORT = ("孩子转学要什么手续？", "随便一句话")
SHARE = 0.4
AVERAGED_RECIPE = Recipe(kind=AVERAGED, svm_share=SHARE, longer_than=LONGER_THAN)
SVM_ALONE = Recipe(kind=SVM, c=SVM_C)  # the averaged model's SVM: same characters as the logistic regression


@pytest.fixture(scope="module")
def segmenter():  # type: ignore[no-untyped-def]
    return KeywordClassifier(load_taxonomy()).segmenter


@pytest.fixture(scope="module")
def members(segmenter):  # type: ignore[no-untyped-def]
    examples = read_examples(HOTLINE)
    return train(examples, segmenter, DEFAULT_RECIPE), train(examples, segmenter, SVM_ALONE)


@pytest.fixture(scope="module")
def averaged_dir(segmenter, tmp_path_factory: pytest.TempPathFactory) -> Path:  # type: ignore[no-untyped-def]
    directory = tmp_path_factory.mktemp("averaged")
    model = train(read_examples(HOTLINE), segmenter, AVERAGED_RECIPE)
    model.set_thresholds(0.3, 0.45)
    model.save(directory)
    return directory


def test_the_texts_fall_on_either_side_of_the_length() -> None:
    assert all(len(prepare(text)) > LONGER_THAN for text in LONG)
    assert all(len(prepare(text)) <= LONGER_THAN for text in SHORT)


def test_an_averaged_model_round_trips_through_its_files(segmenter, averaged_dir: Path) -> None:  # type: ignore[no-untyped-def]
    meta = json.loads((averaged_dir / "model.json").read_text(encoding="utf-8"))
    assert meta["version"] == AVERAGED_VERSION and meta["threshold"] == 0.3
    assert meta["average"] == {"method": AVERAGE, "svm_share": SHARE, "longer_than": LONGER_THAN, "threshold": 0.45}
    assert meta["calibration"]["slope"] > 0 and len(meta["intercept"]) == 2 * len(meta["labels"])
    fitted, loaded = train(read_examples(HOTLINE), segmenter, AVERAGED_RECIPE), LinearModel.load(averaged_dir)
    assert loaded.average is not None and (loaded.average.svm_share, loaded.average.longer_than) == (SHARE, LONGER_THAN)
    assert loaded.calibration == fitted.calibration and loaded.threshold == 0.3 and loaded.average.threshold == 0.45
    assert loaded.coef.shape == (2 * len(loaded.labels), len(loaded.names))
    for text in LONG + SHORT:
        saved, fresh = loaded.predict(text, segmenter).ranked, fitted.predict(text, segmenter).ranked
        assert [label for label, _ in saved] == [label for label, _ in fresh], text
        assert [score for _, score in saved] == pytest.approx([score for _, score in fresh], abs=1e-6), text
    fitted.set_thresholds(0.3, 0.45)
    other = averaged_dir.parent / "again"
    fitted.save(other)
    for name in ("model.json", "features.txt", "weights.npy"):
        assert (other / name).read_bytes() == (averaged_dir / name).read_bytes(), name


def test_long_messages_average_the_members_and_short_ones_take_the_logistic_regression(  # type: ignore[no-untyped-def]
        segmenter, members, averaged_dir: Path) -> None:
    logistic, svm = members
    model = LinearModel.load(averaged_dir)
    assert model.names == logistic.names == svm.names  # one feature vector feeds both members
    for text in LONG + SHORT:
        prediction = model.predict(text, segmenter)
        ranked = dict(prediction.ranked)
        assert math.fsum(ranked.values()) == pytest.approx(1.0)
        assert [score for _, score in prediction.ranked] == sorted(ranked.values(), reverse=True)
        first, second = dict(logistic.predict(text, segmenter).ranked), dict(svm.predict(text, segmenter).ranked)
        share = SHARE if text in LONG else 0.0
        assert prediction.averaged == (text in LONG), text
        expected = {label: (1 - share) * first[label] + share * second[label] for label in model.labels}
        assert ranked == pytest.approx(expected, abs=1e-5), text
        # the caller's tokens of the prepared text give the same (CombinedClassifier's path)
        prepared = prepare(text)
        again = model.predict(prepared, segmenter, tokens=segmenter.tokens(prepared.lower()))
        assert again.averaged == prediction.averaged, text


def test_each_message_is_held_to_its_own_threshold(segmenter, averaged_dir: Path) -> None:  # type: ignore[no-untyped-def]
    model = LinearModel.load(averaged_dir)
    strict_for_long = CombinedClassifier(model, segmenter, None, threshold=0.0, averaged_threshold=0.999)
    for text in LONG:
        verdict = strict_for_long.verdict(text)
        assert verdict.threshold == 0.999 and strict_for_long.classify(text).category == UNCLASSIFIED, text
    for text in SHORT:
        assert strict_for_long.verdict(text).threshold == 0.0 and strict_for_long.classify(text).category != UNCLASSIFIED
    strict_for_short = CombinedClassifier(model, segmenter, None, threshold=0.999, averaged_threshold=0.0)
    assert all(strict_for_short.classify(text).category != UNCLASSIFIED for text in LONG)
    assert all(strict_for_short.classify(text).category == UNCLASSIFIED for text in SHORT)
    one = CombinedClassifier(model, segmenter, None, threshold=0.5)  # no second threshold: one for all
    assert {one.verdict(text).threshold for text in LONG + SHORT} == {0.5}


def test_the_outcome_counts_each_message_against_its_own_threshold(segmenter, averaged_dir: Path) -> None:  # type: ignore[no-untyped-def]
    model = LinearModel.load(averaged_dir)
    texts = LONG + SHORT
    classifier = CombinedClassifier(model, segmenter, None, threshold=0.0, averaged_threshold=0.999)
    verdicts = [classifier.verdict(text) for text in texts]
    outcome = classifier.outcome([verdict.ranked[0][0] for verdict in verdicts], verdicts)
    assert outcome is not None and outcome.below_threshold == 0.5 and outcome.accuracy_above_threshold == 1.0
    assert outcome.as_json()["long_threshold"] == 0.999 and outcome.as_json()["longer_than"] == LONGER_THAN
    alone = CombinedClassifier(model, segmenter, None, threshold=0.0)
    plain = alone.outcome([verdict.ranked[0][0] for verdict in verdicts], verdicts)
    assert plain is not None and "long_threshold" not in plain.as_json()
    assert CombinedClassifier(model, segmenter).outcome(["x"], verdicts[:1]) is None


def test_thresholds_are_set_for_the_model_they_fit(segmenter) -> None:  # type: ignore[no-untyped-def]
    logistic = train(read_examples(HOTLINE), segmenter)  # its own: the members fixture is shared
    with pytest.raises(ValueError, match="only it"):
        logistic.set_thresholds(0.3, 0.4)
    averaged = train(read_examples(HOTLINE), segmenter, AVERAGED_RECIPE)
    with pytest.raises(ValueError, match="only it"):
        averaged.set_thresholds(0.3)
    logistic.set_thresholds(0.3)
    assert logistic.threshold == 0.3 and "average" not in logistic.meta


def test_the_evidence_is_words_of_the_text(segmenter, averaged_dir: Path) -> None:  # type: ignore[no-untyped-def]
    prediction = LinearModel.load(averaged_dir).predict(LONG[0], segmenter, evidence=3)
    assert prediction.label == "交通出行" and prediction.evidence and all(word in LONG[0] for word in prediction.evidence)


def test_two_labels_train_and_average_too(segmenter) -> None:  # type: ignore[no-untyped-def]
    examples = [example for example in read_examples(HOTLINE) if example.label in ("交通出行", "教育")]
    model = train(examples, segmenter, Recipe(kind=AVERAGED, svm_share=SHARE, longer_than=0))
    assert sorted(model.labels) == ["交通出行", "教育"] and model.coef.shape[0] == 4
    assert model.predict(LONG[0], segmenter).label == "交通出行"
    assert model.predict(SHORT[0], segmenter).label == "教育"


def test_older_versions_still_load(segmenter, members, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    for model, version in zip(members, (VERSION, CALIBRATED_VERSION), strict=True):
        directory = tmp_path / str(version)
        model.save(directory)
        meta = json.loads((directory / "model.json").read_text(encoding="utf-8"))
        assert meta["version"] == version and "average" not in meta
        loaded = LinearModel.load(directory)
        assert loaded.average is None and loaded.coef.shape[0] == len(loaded.labels)
        prediction = loaded.predict(LONG[0], segmenter)
        assert prediction.label == "交通出行" and not prediction.averaged


def test_eval_reports_both_thresholds(averaged_dir: Path, tmp_path: Path) -> None:
    data = tmp_path / "labelled.jsonl"
    data.write_text("".join(json.dumps({"text": example.text, "label": example.label}, ensure_ascii=False) + "\n"
                            for example in read_examples(HOTLINE)[:6]), encoding="utf-8")
    result = CliRunner().invoke(main, ["nlp", "eval", "--data", str(data), "--model", str(averaged_dir), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert (report["threshold"], report["long_threshold"], report["longer_than"]) == (0.3, 0.45, LONGER_THAN)
    assert 0 <= report["below_threshold"] <= 1
    result = CliRunner().invoke(main, ["nlp", "eval", "--data", str(data), "--model", str(averaged_dir)])
    assert f"置信度低于 0.3（超过 {LONGER_THAN} 字的低于 0.45）、进入待分类" in result.output


FINE = {"method": AVERAGE, "svm_share": 0.5, "longer_than": 60}


@pytest.mark.parametrize("average", [
    *({**FINE, "svm_share": share} for share in (0, 1, -0.5, 1.5, float("nan"), float("inf"), True, "0.5", None)),
    *({**FINE, "longer_than": length} for length in (-1, 10_001, 60.0, True, "60", None)),
    *({**FINE, "threshold": threshold} for threshold in (-0.1, 1.5, float("nan"), True, "0.3", None)),
    {**FINE, "method": "geometric"}, {**FINE, "extra": 1}, {"method": AVERAGE, "svm_share": 0.5}, 0.5, [0.5], None,
])
def test_an_average_out_of_bounds_is_refused(averaged_dir: Path, tmp_path: Path, average: object) -> None:
    refused_after(copied(averaged_dir, tmp_path), lambda meta: meta.update(average=average), "model.json: .*average")


def test_an_average_without_a_threshold_holds_long_messages_to_the_models(averaged_dir: Path, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                                          segmenter) -> None:
    directory = copied(averaged_dir, tmp_path)
    rewrite(directory, lambda meta: meta.update(average=FINE))
    model = LinearModel.load(directory)
    assert model.average is not None and model.average.threshold is None
    classifier = CombinedClassifier(model, segmenter, None, model.threshold)
    assert classifier.averaged_threshold == classifier.threshold == 0.3


def test_an_average_belongs_to_version_3_with_its_calibration_and_both_weight_sets(averaged_dir: Path,  # type: ignore[no-untyped-def]
                                                                                   tmp_path: Path) -> None:
    directory = copied(averaged_dir, tmp_path)
    refused_after(directory, lambda meta: meta.update(version=CALIBRATED_VERSION),
                  "version 3 or 4 model, and only they, have an average")
    refused_after(directory, lambda meta: (meta.update(version=AVERAGED_VERSION), meta.pop("average")),
                  "version 3 or 4 model, and only they, have an average")
    refused_after(copied(averaged_dir, tmp_path), lambda meta: meta.pop("calibration"), "have a calibration")
    refused_after(copied(averaged_dir, tmp_path),
                  lambda meta: meta.update(intercept=meta["intercept"][:len(meta["labels"])]), "do not fit together")
    directory = copied(averaged_dir, tmp_path)
    weights = np.load(directory / "weights.npy")
    np.save(directory / "weights.npy", weights[:1 + (len(weights) - 1) // 2], allow_pickle=False)
    with pytest.raises(ModelError, match="do not fit together"):
        LinearModel.load(directory)


def test_an_nb_svm_partner_is_a_linear_svm_on_ratio_scaled_features() -> None:
    from scipy import sparse
    from sklearn.svm import LinearSVC

    matrix = sparse.csr_matrix(np.array([[1.0, 0.5, 0.0], [0.8, 0.0, 0.2], [0.0, 0.3, 0.9], [0.1, 0.0, 1.0],
                                         [0.0, 1.0, 0.4], [0.6, 0.6, 0.0]]))
    gold = ["a", "a", "b", "b", "c", "c"]
    fitted = NaiveBayesSVM(1.0).fit(matrix, gold)
    assert list(fitted.classes_) == ["a", "b", "c"] and fitted.coef_.shape == (3, 3)
    present = matrix.toarray() > 0
    for row, label in enumerate(fitted.classes_):
        mine = np.array(gold) == label
        p, q = 1 + present[mine].sum(axis=0), 1 + present[~mine].sum(axis=0)
        ratio = np.log((p / p.sum()) / (q / q.sum()))
        binary = LinearSVC(C=1.0, class_weight={True: 6 / (3 * 2), False: 1.0}, random_state=0, max_iter=5000)
        binary.fit(matrix.toarray() * ratio, mine)
        # its weights on the unscaled features give the binary SVM's decision values on the scaled ones
        assert (matrix @ fitted.coef_[row] + fitted.intercept_[row]) == pytest.approx(
            binary.decision_function(matrix.toarray() * ratio))


def test_an_nb_svm_partner_changes_only_the_long_messages(segmenter, averaged_dir: Path, tmp_path: Path  # type: ignore[no-untyped-def]
                                                           ) -> None:
    model = train(read_examples(HOTLINE), segmenter, Recipe(kind=AVERAGED, svm_share=SHARE, longer_than=LONGER_THAN,
                                                             partner=NBSVM))
    assert "NB-SVM" in model.meta["training"]["algorithm"]
    model.set_thresholds(0.3, 0.45)
    model.save(tmp_path)
    loaded, linear_svc = LinearModel.load(tmp_path), LinearModel.load(averaged_dir)
    assert loaded.average == linear_svc.average and loaded.calibration != linear_svc.calibration
    for text in SHORT:
        assert loaded.predict(text, segmenter).ranked == linear_svc.predict(text, segmenter).ranked, text
    assert all(loaded.predict(text, segmenter).ranked != linear_svc.predict(text, segmenter).ranked for text in LONG)
    assert loaded.predict(LONG[0], segmenter).label == "交通出行"
    two = [example for example in read_examples(HOTLINE) if example.label in ("交通出行", "教育")]
    pair = train(two, segmenter, Recipe(kind=AVERAGED, svm_share=SHARE, longer_than=0, partner=NBSVM))
    assert pair.coef.shape[0] == 4 and pair.predict(LONG[0], segmenter).label == "交通出行"


def long_examples() -> list[Example]:
    """Letters of five sentences of one label each (over 60 characters: the lead is their first sentence)."""
    by_label: dict[str, list[str]] = {}
    for example in read_examples(HOTLINE):
        by_label.setdefault(example.label, []).append(example.text)
    return [Example("。".join(texts[start:] + texts[:start])[:90], label)
            for label, texts in by_label.items() for start in range(0, len(texts), 2)]


APART_RECIPE = Recipe(kind=AVERAGED, svm_share=SHARE, longer_than=LONGER_THAN, partner=NBSVM, lead_apart=True)


@pytest.fixture(scope="module")
def apart_dir(segmenter, tmp_path_factory: pytest.TempPathFactory) -> Path:  # type: ignore[no-untyped-def]
    directory = tmp_path_factory.mktemp("apart")
    model = train(read_examples(HOTLINE) + long_examples(), segmenter, APART_RECIPE)
    model.set_thresholds(0.3, 0.45)
    model.save(directory)
    return directory


def test_a_partner_reading_the_lead_apart_is_version_4_and_round_trips(segmenter, apart_dir: Path) -> None:  # type: ignore[no-untyped-def]
    meta = json.loads((apart_dir / "model.json").read_text(encoding="utf-8"))
    assert meta["version"] == LEAD_APART_VERSION and meta["average"]["lead_apart"] is True
    assert "reading the lead as features of their own" in meta["training"]["algorithm"]
    loaded = LinearModel.load(apart_dir)
    assert loaded.average is not None and loaded.average.lead_apart and loaded.average.threshold == 0.45
    lead_columns = [column for column, name in enumerate(loaded.names) if is_lead_feature(name)]
    assert lead_columns and lead_columns == list(range(len(loaded.names) - len(lead_columns), len(loaded.names)))
    assert not loaded.coef[:len(loaded.labels), lead_columns].any()  # the logistic regression does not weigh them
    fitted = train(read_examples(HOTLINE) + long_examples(), segmenter, APART_RECIPE)
    fitted.set_thresholds(0.3, 0.45)
    other = apart_dir.parent / "apart-again"
    fitted.save(other)
    for name in ("model.json", "features.txt", "weights.npy"):
        assert (other / name).read_bytes() == (apart_dir / name).read_bytes(), name


def test_the_partner_reads_the_lead_apart_and_the_logistic_regression_as_before(segmenter, apart_dir: Path,  # type: ignore[no-untyped-def]
                                                                               tmp_path: Path) -> None:
    examples = read_examples(HOTLINE) + long_examples()
    train(examples, segmenter, Recipe(kind=AVERAGED, svm_share=SHARE, longer_than=LONGER_THAN, partner=NBSVM)
          ).save(tmp_path)
    twice = LinearModel.load(tmp_path)  # version 3: the lead counted twice for both members
    model = LinearModel.load(apart_dir)
    size = len(model.labels)
    assert model.names[:len(twice.names)] == twice.names and np.array_equal(model.idf[:len(twice.names)], twice.idf)
    assert np.array_equal(model.coef[:size, :len(twice.names)], twice.coef[:size])
    for text in SHORT:  # up to LONGER_THAN: the logistic regression alone, the same as before
        assert model.predict(text, segmenter).ranked == twice.predict(text, segmenter).ranked, text
    letter = long_examples()[0].text
    # a long message: the logistic regression on features() (the lead twice), the partner on lead_apart_features'
    found = Counter(model.columns[name] for name in lead_apart_features(letter, segmenter) if name in model.columns)
    assert any(is_lead_feature(model.names[column]) for column in found)
    vector = np.zeros(len(model.names))
    for column, count in found.items():
        vector[column] = (1 + math.log(count)) * model.idf[column]
    values = model.intercept[size:] + model.coef[size:].astype(np.float64) @ (vector / np.linalg.norm(vector))
    assert model.calibration is not None
    partner = np.exp(model.calibration.apply(values.tolist()))
    logistic = np.exp(model.intercept[:size] + model.coef[:size].astype(np.float64) @ _tfidf(model, letter, segmenter))
    expected = (1 - SHARE) * logistic / logistic.sum() + SHARE * partner / partner.sum()
    prediction = model.predict(letter, segmenter, evidence=3)
    assert prediction.averaged and prediction.evidence and all(word in letter for word in prediction.evidence)
    assert dict(prediction.ranked) == pytest.approx(dict(zip(model.labels, expected.tolist(), strict=True)), abs=1e-5)
    prepared = prepare(letter)  # CombinedClassifier's path: the tokens of the prepared text given
    again = model.predict(prepared, segmenter, tokens=segmenter.tokens(prepared.lower()))
    assert dict(again.ranked) == pytest.approx(dict(prediction.ranked), abs=1e-9)


def _tfidf(model: LinearModel, text: str, segmenter) -> np.ndarray:  # type: ignore[no-untyped-def]
    """The TF-IDF vector of nlp.features.features(text) over the model's columns."""
    vector = np.zeros(len(model.names))
    for column, count in model.counts(text, segmenter).items():
        vector[column] = (1 + math.log(count)) * model.idf[column]
    return vector / np.linalg.norm(vector)


def test_a_lead_read_apart_belongs_to_version_4(apart_dir: Path, averaged_dir: Path, tmp_path: Path) -> None:
    refused_after(copied(apart_dir, tmp_path), lambda meta: meta.update(version=AVERAGED_VERSION),
                  "version 4 model, and only it, has an SVM that reads the lead apart")
    refused_after(copied(averaged_dir, tmp_path), lambda meta: meta.update(version=LEAD_APART_VERSION),
                  "version 4 model, and only it")
    refused_after(copied(apart_dir, tmp_path), lambda meta: meta["average"].update(lead_apart=False),
                  "model.json: .*average")
    directory = copied(apart_dir, tmp_path)  # the lead's features without the SVM to read them
    rewrite(directory, lambda meta: (meta.update(version=AVERAGED_VERSION), meta["average"].pop("lead_apart")))
    with pytest.raises(ModelError, match="the lead's own features"):
        LinearModel.load(directory)
    with pytest.raises(ValueError, match="only the averaged kind"):
        train(read_examples(HOTLINE), KeywordClassifier(load_taxonomy()).segmenter, Recipe(lead_apart=True))
