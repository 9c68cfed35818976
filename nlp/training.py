"""Training a LinearModel from labelled examples (scikit-learn does the fitting; the model itself needs numpy only)."""

from __future__ import annotations

import hashlib
import warnings
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from nlp.dataset import Example, check_labels, label_counts
from nlp.features import CHAR_NGRAMS, features, is_lead_feature, lead_apart_features
from nlp.model import Average, Calibration, LinearModel, feature_settings
from nlp.segmenter import Segmenter

# Inverse regularisation strength: chosen on the shipped corpus (C 5-30 all within 0.01 macro-F1) and kept
# moderate, since real exports are larger and noisier than a hand-written corpus.
REGULARISATION_C = 10.0
MAX_ITERATIONS = 5000
LOGISTIC, SVM, AVERAGED = "logistic", "svm", "logistic+svm"
# The averaged kind's partner: a linear SVM on the TF-IDF features, or an NB-SVM (the same, each label's features
# scaled by its naive Bayes log-count ratio first; NaiveBayesSVM).
NBSVM = "nbsvm"
SVM_C = 1.0  # scikit-learn's default for LinearSVC, and the reference's (bench/compare_models.py)
# The linear SVM's probabilities are calibrated on decision values each training example gets from a model fitted
# on the other CALIBRATION_FOLDS - 1 folds (stratified, fixed seed).
CALIBRATION_FOLDS = 5


@dataclass(frozen=True)
class Recipe:
    """What a model is fitted with: the classifier (multinomial logistic regression, a linear SVM with calibrated
    probabilities, or both on the same features with their probabilities averaged, the SVM's by `svm_share`), the
    sizes of its character n-grams and the inverse regularisation strength (the averaged kind's logistic
    regression's; its SVM's is SVM_C). `partner`: the averaged kind's SVM, SVM (LinearSVC) or NBSVM. `lead_apart`:
    the averaged kind's SVM reads a long message's lead (title or first sentence) as features of their own
    (nlp.features.lead_apart_features) instead of counting it twice among the rest's, as the logistic regression
    still does."""

    char_ngrams: tuple[int, ...] = CHAR_NGRAMS
    c: float = REGULARISATION_C
    kind: str = LOGISTIC
    svm_share: float = 0.0  # AVERAGED only: the SVM's share of the probabilities of messages over `longer_than`
    longer_than: int = 0
    partner: str = SVM
    lead_apart: bool = False


DEFAULT_RECIPE = Recipe()
# `nlp train --svm`: a linear SVM on words and characters up to 3 (README: on ~26,000 Kaohsiung work orders it
# reaches the character n-gram LinearSVC reference, which characters 1-2 miss by 0.0005; short hand-written
# messages do worse than with the default, so it is not the default).
SVM_RECIPE = Recipe(char_ngrams=(1, 2, 3), kind=SVM, c=SVM_C)


def train(examples: Sequence[Example], segmenter: Segmenter, recipe: Recipe = DEFAULT_RECIPE) -> LinearModel:
    """Fit the recipe's classifier on TF-IDF of words and character n-grams; deterministic."""
    from sklearn import __version__ as sklearn_version
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    check_labels(list(examples), "training data")
    if recipe.lead_apart and recipe.kind != AVERAGED:
        raise ValueError("only the averaged kind's SVM reads the lead apart")
    c = recipe.c
    vectorizer = TfidfVectorizer(analyzer=lambda text: features(text, segmenter, recipe.char_ngrams),
                                 sublinear_tf=True, norm="l2")
    matrix = vectorizer.fit_transform([example.text for example in examples])
    names = [str(name) for name in vectorizer.get_feature_names_out()]
    idf = vectorizer.idf_
    gold = [example.label for example in examples]
    calibration = None
    # Balanced class weights: real exports are skewed, and a rare category misrouted costs as much as a common one.
    if recipe.kind == SVM:
        fitted = _svm(c).fit(matrix, gold)
        calibration = _calibrated(matrix, gold, c)
        algorithm = "linear SVM (scikit-learn LinearSVC, squared hinge, one-vs-rest), Platt-calibrated"
    else:
        fitted = LogisticRegression(C=c, max_iter=MAX_ITERATIONS, class_weight="balanced").fit(matrix, gold)
        algorithm = "multinomial logistic regression (scikit-learn, lbfgs)"
    labels = [str(label) for label in fitted.classes_]
    coef, intercept = _two_rows(fitted.coef_, fitted.intercept_, recipe.kind)
    if recipe.kind == AVERAGED:  # the SVM on the same feature vector: its rows after the logistic regression's
        partner_matrix = matrix
        if recipe.lead_apart:
            partner_matrix, order, names, idf, coef = _lead_apart(examples, segmenter, recipe.char_ngrams, names,
                                                                  idf, coef)
        svm = _partner(recipe.partner, SVM_C).fit(partner_matrix, gold)
        calibration = _calibrated(partner_matrix, gold, SVM_C, recipe.partner)
        assert list(svm.classes_) == list(fitted.classes_)  # both sort the same labels
        svm_coef, svm_intercept = _two_rows(svm.coef_, svm.intercept_, SVM)
        if recipe.lead_apart:  # the partner's columns in the model's order (the logistic regression's, then the lead's)
            svm_coef = svm_coef[:, np.argsort(order)]
        coef, intercept = np.vstack([coef, svm_coef]), np.concatenate([intercept, svm_intercept])
        member = ("an NB-SVM (naive Bayes log-count ratios, Wang & Manning 2012; scikit-learn LinearSVC one-vs-rest"
                  if recipe.partner == NBSVM else "a linear SVM (scikit-learn LinearSVC")
        algorithm += (f", averaged with {member}, C={SVM_C:g}, Platt-calibrated"
                      f"{', reading the lead as features of their own' if recipe.lead_apart else ''}) taking "
                      f"{recipe.svm_share:g} of the probability of messages over {recipe.longer_than} characters")
    meta = {
        "trained_on": {"examples": len(examples), "labels": label_counts(examples), "sha256": _digest(examples)},
        "features": feature_settings(recipe.char_ngrams),
        "segmentation": segmenter.fingerprint(),
        "training": {"algorithm": algorithm, "C": c, "class_weight": "balanced", "scikit_learn": sklearn_version},
    }
    if calibration is not None:
        meta["calibration"] = calibration.as_json()
    if recipe.kind == AVERAGED:
        meta["average"] = Average(recipe.svm_share, recipe.longer_than, lead_apart=recipe.lead_apart).as_json()
    return LinearModel(labels, names, idf, coef, intercept, meta)


def _lead_apart(examples: Sequence[Example], segmenter: Segmenter, char_ngrams: tuple[int, ...], names: list[str],
                idf: np.ndarray, coef: np.ndarray):  # type: ignore[no-untyped-def]
    """The partner's TF-IDF when it reads the lead apart (nlp.features.lead_apart_features) and `order`, each of
    its columns' place among the model's; then the model's names, IDF and logistic regression rows with the lead's
    own columns after the logistic regression's (weight 0 there). The rest's columns are the logistic
    regression's, with the same IDF: the lead is part of the text, so a feature is in as many texts either way."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectorizer = TfidfVectorizer(analyzer=lambda text: lead_apart_features(text, segmenter, char_ngrams),
                                 sublinear_tf=True, norm="l2")
    matrix = vectorizer.fit_transform([example.text for example in examples])
    own = [str(name) for name in vectorizer.get_feature_names_out()]
    lead_columns = [column for column, name in enumerate(own) if is_lead_feature(name)]
    column = {name: index for index, name in enumerate(names + [own[index] for index in lead_columns])}
    order = np.array([column[name] for name in own])
    rest = np.array([index for index, name in enumerate(own) if not is_lead_feature(name)])
    assert len(rest) == len(names) and np.allclose(vectorizer.idf_[rest], idf[order[rest]])
    return (matrix, order, [*names, *(own[index] for index in lead_columns)],
            np.concatenate([idf, vectorizer.idf_[lead_columns]]),
            np.hstack([coef, np.zeros((len(coef), len(lead_columns)))]))


def _two_rows(coef: np.ndarray, intercept: np.ndarray, kind: str) -> tuple[np.ndarray, np.ndarray]:
    """One row of weights per label: scikit-learn keeps one for two classes, the second's score s. For logistic
    regression the first's is 0 (softmax([0, s]) = sigmoid(s)); for the SVM it is -s, the first label's own
    one-vs-rest decision value, as the shared calibration expects."""
    if len(coef) > 1:
        return coef, intercept
    if kind == SVM:
        return np.vstack([-coef, coef]), np.concatenate([-intercept, intercept])
    return np.vstack([np.zeros_like(coef), coef]), np.concatenate([[0.0], intercept])


def _svm(c: float):  # type: ignore[no-untyped-def]
    from sklearn.svm import LinearSVC

    return LinearSVC(C=c, class_weight="balanced", random_state=0, max_iter=MAX_ITERATIONS)


def _partner(partner: str, c: float):  # type: ignore[no-untyped-def]
    """The averaged kind's SVM: LinearSVC, or an NB-SVM."""
    return NaiveBayesSVM(c) if partner == NBSVM else _svm(c)


class NaiveBayesSVM:
    """An NB-SVM (Wang & Manning 2012), one-vs-rest, with LinearSVC's fit / coef_ / intercept_ / classes_.

    For each label: r = log((p / |p|1) / (q / |q|1)), p and q 1 + the number of the label's and of the other examples
    each feature occurs in; a linear SVM is fitted on the TF-IDF features scaled by r, its positives weighted as
    LinearSVC's balanced one-vs-rest weights them (n / (labels * n_label)), and its weights w become w * r on the
    unscaled features: an ordinary linear model, stored as the SVM is (no interpolation: Wang & Manning's
    beta 0.25 did worse in the real train split's cross-validation, README)."""

    def __init__(self, c: float) -> None:
        self.c = c

    def fit(self, matrix, gold):  # type: ignore[no-untyped-def]
        from scipy import sparse

        gold = np.asarray(gold)
        self.classes_ = np.unique(gold)
        present = (matrix > 0).astype(np.float64).tocsr()
        coef, intercept = [], []
        for label in self.classes_:
            mine = gold == label
            p = 1.0 + np.asarray(present[mine].sum(axis=0)).ravel()
            q = 1.0 + np.asarray(present[~mine].sum(axis=0)).ravel()
            ratio = np.log((p / p.sum()) / (q / q.sum()))
            weights = {True: len(gold) / (len(self.classes_) * int(mine.sum())), False: 1.0}
            binary = self._binary(weights)
            binary.fit(matrix @ sparse.diags(ratio), mine)
            coef.append(binary.coef_[0] * ratio)
            intercept.append(binary.intercept_[0])
        self.coef_, self.intercept_ = np.vstack(coef), np.array(intercept)
        return self

    def _binary(self, weights: dict[bool, float]):  # type: ignore[no-untyped-def]
        """One label's linear model on the scaled features (bench/threshold_curve.py tries another)."""
        from sklearn.svm import LinearSVC

        return LinearSVC(C=self.c, class_weight=weights, random_state=0, max_iter=MAX_ITERATIONS)


def _calibrated(matrix, gold: list[str], c: float, partner: str = SVM) -> Calibration:  # type: ignore[no-untyped-def]
    """Platt scaling of a linear SVM (`partner`: LinearSVC or an NB-SVM), fitted on out-of-fold decision values of the
    training data (every example scored by an SVM that did not see it: the full model is surer of its own training
    data than of new text).

    One sigmoid for every label, fitted on all (decision value, is this the example's label) pairs: on the real
    train split's cross-validation it was as well calibrated as one per label (expected calibration error 0.047
    against 0.042; one temperature over a softmax: 0.088, over-confident), keeps the SVM's order of the labels,
    and asks nothing of a label's few examples."""
    from sklearn.calibration import _sigmoid_calibration
    from sklearn.model_selection import StratifiedKFold

    labels = sorted(set(gold))
    column = {label: index for index, label in enumerate(labels)}
    answers = np.array([column[label] for label in gold])
    scores = np.zeros((len(gold), len(labels)))
    scored = np.ones(len(gold), dtype=bool)
    counts = np.bincount(answers)
    if max(counts) < 2:  # one example per label: no fold knows the label it scores; the model's own values (surer)
        splits = [(np.arange(len(gold)), np.arange(len(gold)))]
    else:
        with warnings.catch_warnings():  # a label with fewer examples than folds: those rows are left out below
            warnings.simplefilter("ignore", UserWarning)
            splits = list(StratifiedKFold(n_splits=min(CALIBRATION_FOLDS, max(2, min(counts))), shuffle=True,
                                          random_state=0).split(scores, answers))
    for train_rows, held_rows in splits:
        fitted = _partner(partner, c).fit(matrix[train_rows], answers[train_rows])
        coef, intercept = _two_rows(fitted.coef_, fitted.intercept_, SVM)
        values = np.asarray(matrix[held_rows] @ coef.T) + intercept
        known = [int(label) for label in fitted.classes_]
        # A label missing from the fold's training: below every label it knows; its own examples say nothing here.
        scores[held_rows] = values.min(axis=1, keepdims=True) - 1.0
        scores[np.ix_(held_rows, known)] = values
        scored[held_rows] = np.isin(answers[held_rows], known)
    scores, answers = scores[scored], answers[scored]
    # scikit-learn's Platt fit (with Platt's smoothed targets; the function CalibratedClassifierCV's "sigmoid" uses,
    # private but unchanged for years, and tests/unit/test_nlp_svm.py runs it); it models p = 1/(1 + exp(a * v + b)).
    a, b = _sigmoid_calibration(scores.ravel(), (answers[:, None] == np.arange(len(labels))).ravel())
    return Calibration(slope=-float(a), offset=-float(b))


def _digest(examples: Sequence[Example]) -> str:
    digest = hashlib.sha256()
    for example in examples:
        digest.update(f"{example.label}\t{example.text}\n".encode())
    return digest.hexdigest()
