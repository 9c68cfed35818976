"""Which model classifies real messages best: the shipped kind against a character n-gram reference and variants.

    GRIDBOT_PUBLIC_DATA=../shared/data/appeals-public python bench/compare_models.py [--only real,hand,kaohsiung]
        [--folds 5] [--json]

Every candidate is trained and tested on the same data, in the same run, deterministically:
  real       the Zhejiang board's labelled test split (nlp/public.py), in-scope messages (not 待分类), trained on
             the hand corpus's train split + the real train split;
  kaohsiung  5-fold cross-validation (stratified, fixed seed) on the Kaohsiung hotline work orders;
  hand       the hand-written corpus's test split, trained on its train split.
Accuracy and macro-F1 of each candidate's best label; no threshold (that is chosen afterwards, on the train
split, by bench/threshold_curve.py). scikit-learn is needed here, as for training.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any, Callable, Sequence

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from nlp.dataset import Example  # noqa: E402
from nlp.rebuild import TRAINING as REBUILT_RECIPE  # noqa: E402
from nlp.training import DEFAULT_RECIPE, SVM, SVM_C, SVM_RECIPE, Recipe  # noqa: E402


def _segmenter():  # type: ignore[no-untyped-def]
    from nlp import load_taxonomy
    from nlp.classifier import KeywordClassifier

    rules = KeywordClassifier(load_taxonomy())
    rules.preload()
    return rules


def _analyzer(rules, chars: tuple[int, int], words: int, clean: bool, lead: bool) -> Callable[[str], list[str]]:  # type: ignore[no-untyped-def]
    """Feature names of a text: characters (chars range), jieba words up to `words`-grams (0: none)."""
    from nlp import cleaning
    from nlp.features import letters_of
    from nlp.taxonomy import normalize_text

    cache: dict[str, list[str]] = {}

    def analyse(text: str) -> list[str]:
        found = cache.get(text)
        if found is not None:
            return found
        folded = normalize_text(cleaning.prepare(text) if clean else text)
        if lead and cleaning.lead(folded):
            folded = cleaning.emphasised(folded)
        names = []
        letters = letters_of(folded)
        for size in range(chars[0], chars[1] + 1):
            names.extend("c:" + letters[start:start + size] for start in range(len(letters) - size + 1))
        if words:
            tokens = rules.segmenter.words(folded)
            names.extend("w:" + token for token in tokens)
            if words >= 2:
                names.extend("b:" + first + " " + second for first, second in zip(tokens, tokens[1:], strict=False))
        cache[text] = names
        return names

    return analyse


def _sklearn(kind: str, chars: tuple[int, int] = (1, 3), words: int = 0, clean: bool = False, lead: bool = False,
             balanced: bool = False, c: float = 1.0):  # type: ignore[no-untyped-def]
    def fit(rules, training: Sequence[Example]) -> Callable[[list[str]], list[str]]:  # type: ignore[no-untyped-def]
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression, SGDClassifier
        from sklearn.pipeline import make_pipeline
        from sklearn.svm import LinearSVC

        weight = "balanced" if balanced else None
        model = {"svc": lambda: LinearSVC(C=c, class_weight=weight),
                 "sgd": lambda: SGDClassifier(loss="modified_huber", alpha=1e-5, max_iter=50, random_state=0,
                                              class_weight=weight),
                 "lr": lambda: LogisticRegression(C=c, max_iter=3000, class_weight=weight)}[kind]()
        pipeline = make_pipeline(TfidfVectorizer(analyzer=_analyzer(rules, chars, words, clean, lead),
                                                 sublinear_tf=True), model)
        pipeline.fit([example.text for example in training], [example.label for example in training])
        return lambda texts: [str(label) for label in pipeline.predict(texts)]
    return fit


def _shipped(with_rules: bool, recipe: Recipe = DEFAULT_RECIPE):  # type: ignore[no-untyped-def]
    """The shipped kind, by nlp.training.train with `recipe` (its character n-gram sizes and C)."""
    def fit(rules, training: Sequence[Example]) -> Callable[[list[str]], list[str]]:  # type: ignore[no-untyped-def]
        from nlp.combined import CombinedClassifier
        from nlp.training import train

        model = train(training, rules.segmenter, recipe)
        if with_rules and set(model.labels) <= set(rules.taxonomy.names):
            classifier = CombinedClassifier(model, rules.segmenter, rules)
        else:
            classifier = CombinedClassifier(model, rules.segmenter)
        return lambda texts: [classifier.verdict(text).ranked[0][0] for text in texts]
    return fit


def _blended(share: float):  # type: ignore[no-untyped-def]
    """The shipped kind with the keyword rules averaged in: (1 - share) * model + share * rules' verdict."""
    def fit(rules, training: Sequence[Example]) -> Callable[[list[str]], list[str]]:  # type: ignore[no-untyped-def]
        from nlp.combined import CombinedClassifier
        from nlp.taxonomy import UNCLASSIFIED
        from nlp.training import train

        classifier = CombinedClassifier(train(training, rules.segmenter), rules.segmenter)

        def best(text: str) -> str:
            scores = {label: (1 - share) * probability for label, probability in classifier.verdict(text).ranked}
            rule = rules.classify(text)
            if rule.category != UNCLASSIFIED:
                scores[rule.category] = scores.get(rule.category, 0.0) + share * rule.confidence
            return max(scores, key=scores.__getitem__)
        return lambda texts: [best(text) for text in texts]
    return fit


CANDIDATES: dict[str, Callable[..., Any]] = {
    "shipped kind: LR words+chars 1-2 (+cleaning, lead) + rules (share 0.08)": _shipped(True),
    "shipped kind, model alone": _shipped(False),
    "shipped kind, model alone, chars 1-3, C=30": _shipped(False, Recipe(char_ngrams=(1, 2, 3), c=30.0)),
    "shipped kind, averaged with the rules (0.3)": _blended(0.3),
    "reference: chars 1-3 sublinear TF-IDF + LinearSVC": _sklearn("svc"),
    "chars 1-3 + LinearSVC, cleaned text": _sklearn("svc", clean=True),
    "chars 1-3 + words 1-2 + LinearSVC, cleaned": _sklearn("svc", words=2, clean=True),
    "chars 1-3 + words 1-2 + LinearSVC, cleaned, balanced": _sklearn("svc", words=2, clean=True, balanced=True),
    "chars 1-3 + words 1-2 + LinearSVC, cleaned, lead": _sklearn("svc", words=2, clean=True, lead=True),
    "chars 1-3 + words + SGD (modified huber), cleaned": _sklearn("sgd", words=1, clean=True),
    "chars 1-3 + words + LR C=10 balanced, cleaned, lead": _sklearn("lr", words=1, clean=True, lead=True,
                                                                  balanced=True, c=10.0),
    "shipped features, linear SVM C=1 (calibrated), model alone": _shipped(False, Recipe(kind=SVM, c=SVM_C)),
    "nlp train --svm: words + chars 1-3, linear SVM C=1 (calibrated), model alone": _shipped(False, SVM_RECIPE),
    "nlp train --svm + rules (share 0.08)": _shipped(True, SVM_RECIPE),
    "shipped model's recipe (nlp.rebuild.TRAINING): LR, over 60 characters averaged with a calibrated linear SVM "
    "(0.5), + rules (share 0.08)": _shipped(True, REBUILT_RECIPE),
}


def _scores(gold: Sequence[str], predicted: Sequence[str]) -> dict[str, float]:
    from nlp.metrics import evaluate

    report = evaluate(list(gold), list(predicted))
    return {"accuracy": round(report.accuracy, 4), "macro_f1": round(report.macro_f1, 4)}


def _holdout(rules, fit, training: Sequence[Example], test: Sequence[Example]) -> dict[str, float]:  # type: ignore[no-untyped-def]
    predict = fit(rules, training)
    return _scores([example.label for example in test], predict([example.text for example in test]))


def _cross_validated(rules, fit, examples: Sequence[Example], folds: int) -> dict[str, float]:  # type: ignore[no-untyped-def]
    from sklearn.model_selection import StratifiedKFold

    gold, predicted = [], []
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=0)
    labels = [example.label for example in examples]
    for train_rows, test_rows in splitter.split(examples, labels):
        predict = fit(rules, [examples[row] for row in train_rows])
        gold += [examples[row].label for row in test_rows]
        predicted += predict([examples[row].text for row in test_rows])
    return _scores(gold, predicted)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", default="real,hand,kaohsiung")
    parser.add_argument("--candidates", default="", help="comma-separated indexes into the list (default: all)")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    options = parser.parse_args()
    from nlp import public
    from nlp.retraining import shipped_corpus

    data_dir = Path(os.environ.get(public.ENVIRONMENT) or ROOT / public.DEFAULT_DIR)
    rules = _segmenter()
    hand_train, hand_test = shipped_corpus()
    chosen = list(CANDIDATES.items())
    if options.candidates:
        chosen = [chosen[int(index)] for index in options.candidates.split(",")]
    results: dict[str, dict[str, Any]] = {name: {} for name, _ in chosen}
    for data in options.only.split(","):
        for name, fit in chosen:
            started = time.perf_counter()
            if data == "real":
                training = [*hand_train, *public.zhejiang(data_dir, "train", unclassified=False)]
                found = _holdout(rules, fit, training, public.zhejiang(data_dir, "test", unclassified=False))
            elif data == "hand":
                found = _holdout(rules, fit, hand_train, hand_test)
            else:
                found = _cross_validated(rules, fit, public.kaohsiung(data_dir), options.folds)
            results[name][data] = found
            print(f"{data:10} {name:60} {found} {time.perf_counter() - started:.0f}s", file=sys.stderr)
    if options.json:
        print(json.dumps(results, ensure_ascii=False, indent=2))
        return 0
    sets = options.only.split(",")
    print(f"{'candidate':60} " + " ".join(f"{data + ' acc/F1':>16}" for data in sets))
    for name, found in results.items():
        print(f"{name:60} " + " ".join(f"{found[data]['accuracy']:>8.4f}/{found[data]['macro_f1']:.4f}"
                                       for data in sets))
    return 0


if __name__ == "__main__":
    sys.exit(main())
