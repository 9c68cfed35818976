"""Training a LinearModel from labelled examples (scikit-learn does the fitting; the model itself needs numpy only)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from nlp.dataset import Example, check_labels, label_counts
from nlp.features import CHAR_NGRAMS, features
from nlp.model import LinearModel, feature_settings
from nlp.segmenter import Segmenter

# Inverse regularisation strength: chosen on the shipped corpus (C 5-30 all within 0.01 macro-F1) and kept
# moderate, since real exports are larger and noisier than a hand-written corpus.
REGULARISATION_C = 10.0
MAX_ITERATIONS = 5000


@dataclass(frozen=True)
class Recipe:
    """What a model is fitted with: the sizes of its character n-grams and the inverse regularisation strength."""

    char_ngrams: tuple[int, ...] = CHAR_NGRAMS
    c: float = REGULARISATION_C


DEFAULT_RECIPE = Recipe()


def train(examples: Sequence[Example], segmenter: Segmenter, recipe: Recipe = DEFAULT_RECIPE) -> LinearModel:
    """Fit multinomial logistic regression on TF-IDF of words and character n-grams; deterministic."""
    from sklearn import __version__ as sklearn_version
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    check_labels(list(examples), "training data")
    c = recipe.c
    vectorizer = TfidfVectorizer(analyzer=lambda text: features(text, segmenter, recipe.char_ngrams),
                                 sublinear_tf=True, norm="l2")
    matrix = vectorizer.fit_transform([example.text for example in examples])
    gold = [example.label for example in examples]
    # Balanced class weights: real exports are skewed, and a rare category misrouted costs as much as a common one.
    fitted = LogisticRegression(C=c, max_iter=MAX_ITERATIONS, class_weight="balanced").fit(matrix, gold)
    labels = [str(label) for label in fitted.classes_]
    coef, intercept = fitted.coef_, fitted.intercept_
    if len(labels) == 2:
        # scikit-learn keeps one row for two classes: p(second) = sigmoid(row); softmax([0, row]) is the same.
        coef = np.vstack([np.zeros_like(coef), coef])
        intercept = np.concatenate([[0.0], intercept])
    names = [str(name) for name in vectorizer.get_feature_names_out()]
    meta = {
        "trained_on": {"examples": len(examples), "labels": label_counts(examples), "sha256": _digest(examples)},
        "features": feature_settings(recipe.char_ngrams),
        "segmentation": segmenter.fingerprint(),
        "training": {"algorithm": "multinomial logistic regression (scikit-learn, lbfgs)", "C": c,
                     "class_weight": "balanced", "scikit_learn": sklearn_version},
    }
    return LinearModel(labels, names, vectorizer.idf_, coef, intercept, meta)


def _digest(examples: Sequence[Example]) -> str:
    digest = hashlib.sha256()
    for example in examples:
        digest.update(f"{example.label}\t{example.text}\n".encode())
    return digest.hexdigest()
