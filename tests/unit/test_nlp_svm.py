"""A linear SVM with calibrated probabilities: its model file (version 2) carries the calibration and loads without
scikit-learn; older files still load; a calibration out of bounds is refused."""

import json
import math
from pathlib import Path

import numpy as np
import pytest

from nlp import SHIPPED_MODEL, LinearModel, ModelError, load_taxonomy
from nlp.classifier import KeywordClassifier
from nlp.dataset import Example, read_examples
from nlp.model import CALIBRATED_VERSION, CALIBRATION, LEAD_APART_VERSION, VERSION
from nlp.training import SVM_RECIPE, train
from tests.support.model_files import copied, refused_after, rewrite

HOTLINE = Path(__file__).parent.parent / "data" / "hotline_small.jsonl"  # 12345-style labels
TEXTS = ("公交车到站不停车，司机直接开走", "孩子转学要什么手续？", "ＡＢＣ医院挂号太难了！！", "随便一句话")


@pytest.fixture(scope="module")
def segmenter():  # type: ignore[no-untyped-def]
    return KeywordClassifier(load_taxonomy()).segmenter


@pytest.fixture(scope="module")
def svm_dir(segmenter, tmp_path_factory: pytest.TempPathFactory) -> Path:  # type: ignore[no-untyped-def]
    directory = tmp_path_factory.mktemp("svm")
    train(read_examples(HOTLINE), segmenter, SVM_RECIPE).save(directory)
    return directory


def decision_values(model: LinearModel, text: str, segmenter) -> np.ndarray:  # type: ignore[no-untyped-def]
    """The SVM's raw scores, computed from the model's arrays the long way (TF-IDF, l2, weights)."""
    counts = model.counts(text, segmenter)
    vector = np.zeros(len(model.names))
    for column, count in counts.items():
        vector[column] = (1 + math.log(count)) * model.idf[column]
    vector /= np.linalg.norm(vector)
    return model.intercept + model.coef.astype(np.float64) @ vector


def test_a_calibrated_svm_round_trips_through_its_files(segmenter, svm_dir: Path) -> None:  # type: ignore[no-untyped-def]
    meta = json.loads((svm_dir / "model.json").read_text(encoding="utf-8"))
    assert meta["version"] == CALIBRATED_VERSION and meta["calibration"]["method"] == CALIBRATION
    assert meta["calibration"]["slope"] > 0 and "LinearSVC" in meta["training"]["algorithm"]
    fitted, loaded = train(read_examples(HOTLINE), segmenter, SVM_RECIPE), LinearModel.load(svm_dir)
    assert loaded.calibration == fitted.calibration
    for text in TEXTS:
        saved, fresh = loaded.predict(text, segmenter).ranked, fitted.predict(text, segmenter).ranked
        assert [label for label, _ in saved] == [label for label, _ in fresh], text
        assert [score for _, score in saved] == pytest.approx([score for _, score in fresh], abs=1e-6), text
    other = svm_dir.parent / "again"
    fitted.save(other)
    for name in ("model.json", "features.txt", "weights.npy"):
        assert (other / name).read_bytes() == (svm_dir / name).read_bytes(), name


def test_calibrated_probabilities_sum_to_one_and_rank_like_the_decision_values(segmenter, svm_dir: Path  # type: ignore[no-untyped-def]
                                                                              ) -> None:
    model = LinearModel.load(svm_dir)
    for text in TEXTS[:3]:
        ranked = model.predict(text, segmenter).ranked
        assert math.fsum(score for _, score in ranked) == pytest.approx(1.0)
        values = decision_values(model, text, segmenter)
        by_value = [model.labels[index] for index in np.argsort(-values, kind="stable")]
        assert [label for label, _ in ranked] == by_value, text
        scores = [score for _, score in ranked]
        assert scores == sorted(scores, reverse=True) and len(set(scores)) == len(scores)
        # each label's sigmoid of its decision value, normalised
        sigmoids = 1 / (1 + np.exp(-(model.calibration.slope * values + model.calibration.offset)))
        expected = sigmoids / sigmoids.sum()
        assert dict(ranked) == pytest.approx(dict(zip(model.labels, expected.tolist(), strict=True)), abs=1e-5)


def test_two_labels_train_and_calibrate_too(segmenter) -> None:  # type: ignore[no-untyped-def]
    examples = [example for example in read_examples(HOTLINE) if example.label in ("交通出行", "教育")]
    model = train(examples, segmenter, SVM_RECIPE)
    assert sorted(model.labels) == ["交通出行", "教育"] and model.coef.shape[0] == 2
    assert model.predict(TEXTS[0], segmenter).label == "交通出行"
    assert model.predict(TEXTS[1], segmenter).label == "教育"


def test_a_label_with_fewer_examples_than_calibration_folds_still_trains(segmenter) -> None:  # type: ignore[no-untyped-def]
    examples = [*read_examples(HOTLINE), Example("殡葬补贴怎么申请", "民政"), Example("殡仪馆收费太贵", "民政")]
    model = train(examples, segmenter, SVM_RECIPE)
    assert "民政" in model.labels and 0 < model.calibration.slope < math.inf


def test_one_example_per_label_calibrates_on_the_training_values(segmenter) -> None:  # type: ignore[no-untyped-def]
    model = train([Example("公交车到站不停车", "交通出行"), Example("孩子转学要什么手续", "教育")], segmenter, SVM_RECIPE)
    assert model.calibration.slope > 0
    assert model.predict("公交车不停车", segmenter).label == "交通出行"


def test_older_logistic_regression_files_still_load_without_a_calibration(segmenter, tmp_path: Path  # type: ignore[no-untyped-def]
                                                                          ) -> None:
    shipped = LinearModel.load(SHIPPED_MODEL)
    assert json.loads((SHIPPED_MODEL / "model.json").read_text(encoding="utf-8"))["version"] == LEAD_APART_VERSION
    train(read_examples(HOTLINE), segmenter).save(tmp_path)
    meta = json.loads((tmp_path / "model.json").read_text(encoding="utf-8"))
    assert meta["version"] == VERSION == 1 and "calibration" not in meta
    assert LinearModel.load(tmp_path).calibration is None and shipped.predict("电梯坏了", segmenter).known


def platt(**changed: object) -> dict[str, object]:
    return {"method": CALIBRATION, "slope": 8.0, "offset": 2.0, **changed}


@pytest.mark.parametrize("calibration", [
    platt(slope=-1.0), platt(slope=0), platt(slope=1e9), platt(offset=-1e9), platt(slope=float("nan")),
    platt(offset=float("inf")), platt(slope=True), platt(offset="2"), platt(extra=1), platt(method="isotonic"),
    {"method": CALIBRATION, "slope": 8.0}, "platt", [8.0, 2.0], None,
])
def test_a_calibration_out_of_bounds_is_refused(svm_dir: Path, tmp_path: Path, calibration: object) -> None:
    directory = copied(svm_dir, tmp_path)
    rewrite(directory, lambda meta: meta.update(calibration=calibration))
    with pytest.raises(ModelError, match="model.json: .*calibration"):
        LinearModel.load(directory)


def test_a_calibration_belongs_to_version_2_only(svm_dir: Path, tmp_path: Path) -> None:
    directory = copied(svm_dir, tmp_path)
    only_they = "version 2 to 4 model, and only they, have a calibration"
    refused_after(directory, lambda meta: meta.update(version=VERSION), only_they)
    refused_after(directory, lambda meta: (meta.update(version=CALIBRATED_VERSION), meta.pop("calibration")), only_they)


def test_nlp_train_svm_saves_a_calibrated_model_that_classifies(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from bot.cli.gridbot import main

    runner = CliRunner()
    result = runner.invoke(main, ["nlp", "train", "--svm", "--data", str(HOTLINE), "--model", str(tmp_path)])
    assert result.exit_code == 0 and "训练完成：40 条样本，4 个类别" in result.output, result.output
    assert json.loads((tmp_path / "model.json").read_text(encoding="utf-8"))["version"] == CALIBRATED_VERSION
    result = runner.invoke(main, ["nlp", "classify", "--model", str(tmp_path), "公交车到站不停车"])
    assert result.exit_code == 0 and "类别：交通出行" in result.output, result.output
