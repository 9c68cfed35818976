"""Training recipes: a model remembers the character n-gram sizes it was trained with and reads messages the same
way; a model file asking for other sizes is refused."""

import json
from collections import Counter
from pathlib import Path

import pytest

from nlp import LinearModel, ModelError, load_taxonomy
from nlp.classifier import KeywordClassifier
from nlp.dataset import read_examples
from nlp.features import features, is_word_feature, readable
from nlp.training import DEFAULT_RECIPE, Recipe, train

HOTLINE = Path(__file__).parent.parent / "data" / "hotline_small.jsonl"  # 12345-style labels
TEXTS = ("公交车到站不停车，司机直接开走", "孩子转学要什么手续？", "ＡＢＣ医院挂号太难了！！")


@pytest.fixture(scope="module")
def segmenter():  # type: ignore[no-untyped-def]
    return KeywordClassifier(load_taxonomy()).segmenter


def test_a_model_trained_with_character_trigrams_reads_messages_with_them_after_loading(segmenter, tmp_path: Path
                                                                                       ) -> None:
    model = train(read_examples(HOTLINE), segmenter, Recipe(char_ngrams=(1, 2, 3)))
    model.save(tmp_path)
    loaded = LinearModel.load(tmp_path)
    assert loaded.char_ngrams == (1, 2, 3)
    assert any(not is_word_feature(name) and len(readable(name)) == 3 for name in loaded.names)
    for text in TEXTS:
        expected = Counter(loaded.columns[name] for name in features(text, segmenter, (1, 2, 3))
                           if name in loaded.columns)
        assert loaded.counts(text, segmenter) == dict(expected), text
        saved, fitted = loaded.predict(text, segmenter).ranked, model.predict(text, segmenter).ranked
        assert [label for label, _ in saved] == [label for label, _ in fitted], text
        # the saved intercepts are rounded to 9 decimals
        assert [score for _, score in saved] == pytest.approx([score for _, score in fitted]), text


def test_the_default_recipe_keeps_single_characters_and_pairs(segmenter) -> None:
    model = train(read_examples(HOTLINE), segmenter)
    assert model.char_ngrams == DEFAULT_RECIPE.char_ngrams == (1, 2)
    assert model.meta["features"]["char_ngrams"] == [1, 2] and model.meta["training"]["C"] == DEFAULT_RECIPE.c
    assert not any(not is_word_feature(name) and len(readable(name)) == 3 for name in model.names)


@pytest.mark.parametrize("sizes", [[9], [], "12", [1, True], [0, 1]])
def test_a_model_file_with_other_character_sizes_is_refused(segmenter, tmp_path: Path, sizes: object) -> None:
    train(read_examples(HOTLINE), segmenter).save(tmp_path)
    meta = json.loads((tmp_path / "model.json").read_text(encoding="utf-8"))
    meta["features"]["char_ngrams"] = sizes
    (tmp_path / "model.json").write_text(json.dumps(meta), encoding="utf-8")
    with pytest.raises(ModelError, match="model.json: the model's character n-gram sizes"):
        LinearModel.load(tmp_path)
