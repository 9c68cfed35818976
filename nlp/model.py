"""A trained linear model over TF-IDF features, in a versioned directory format that loads without scikit-learn.

A model directory holds:
  model.json    format name and version, labels, intercepts, how features are made, what it was trained on, and
                for a linear SVM (version 2) the calibration that turns its decision values into probabilities; for
                a logistic regression averaged with a calibrated linear SVM (version 3) also the SVM's share, the
                length above which a message is averaged (shorter ones: the logistic regression alone) and those
                messages' own 待分类 threshold; version 4 is version 3 whose SVM reads a long message's lead apart
  features.txt  one feature name per line, in column order (version 4: the logistic regression's, then the lead's
                own, nlp.features.LEAD_WORD and LEAD_CHARS, which only the SVM weighs)
  weights.npy   float32, shape (1 + labels, features): row 0 the IDF weights, then one row per label (versions 3
                and 4: 1 + 2 * labels, the logistic regression's rows, then the SVM's; one feature vector feeds both,
                in version 4 with the lead's features counted once more for the logistic regression and as the
                lead's own for the SVM)
Training (nlp/training.py) needs scikit-learn; using a model needs numpy only.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from dataclasses import dataclass, replace
from operator import itemgetter
from pathlib import Path
from typing import Any

import numpy as np

from nlp.cleaning import prepare
from nlp.features import CHAR_NGRAMS, LEAD_WORD, is_lead_feature, is_word_feature, ngrams, parts, pieces, readable
from nlp.segmenter import Segmenter
from nlp.taxonomy import normalize_text

FORMAT = "gridbot-nlp-model"
VERSION = 1  # logistic regression: the scores are log-odds, their softmax the probabilities
CALIBRATED_VERSION = 2  # a linear SVM: its decision values go through the file's "calibration" first
AVERAGED_VERSION = 3  # both on the same features: (1 - share) * p_logistic + share * p_svm (the file's "average")
LEAD_APART_VERSION = 4  # version 3 whose SVM reads a long message's lead as features of their own
MAX_LONGER_THAN = 10_000  # bounds an averaged model's length cut (characters)
CALIBRATION = "platt, one sigmoid for every label, normalised"
MAX_CALIBRATION = 1000.0  # bounds every number of a model file's calibration
AVERAGE = "logistic regression and calibrated linear SVM, probabilities averaged"
MODEL_FILE = "model.json"
FEATURES_FILE = "features.txt"
WEIGHTS_FILE = "weights.npy"
MAX_CHAR_NGRAM = 4  # bounds what a model file may ask every message to be cut into


class ModelError(ValueError):
    """A model directory is missing, unreadable, or of another format or version; the message says which."""


@dataclass(frozen=True)
class Prediction:
    """The model's probabilities for one text, best first, and the words that pushed the best label up."""

    ranked: tuple[tuple[str, float], ...]
    evidence: tuple[str, ...]  # empty unless asked for
    known: bool  # whether any feature of the text is known to the model
    averaged: bool = False  # whether an averaged model's two members were averaged for it (a long message)

    @property
    def label(self) -> str:
        return self.ranked[0][0]

    def without(self, label: str) -> Prediction:
        """The prediction with `label` left out of the ranking (the others keep their probabilities)."""
        return Prediction(tuple(item for item in self.ranked if item[0] != label), self.evidence, self.known,
                          self.averaged)

    @property
    def probability(self) -> float:
        return self.ranked[0][1]


class LinearModel:
    """A linear model over sublinear TF-IDF of `nlp.features`, L2-normalised: multinomial logistic regression, a
    linear SVM whose decision values are calibrated into probabilities (`calibration_of`), or the two on the same
    features with their probabilities averaged for messages longer than a cut (`average_of`; version 4: the SVM
    reads a long message's lead as features of their own, nlp.features.lead_apart_features)."""

    def __init__(self, labels: list[str], names: list[str], idf: np.ndarray, coef: np.ndarray,
                 intercept: np.ndarray, meta: dict[str, Any]) -> None:
        self.labels = list(labels)
        self.names = list(names)
        self.columns = {name: column for column, name in enumerate(self.names)}
        self._index = {label: index for index, label in enumerate(self.labels)}
        # Column + 1: see _found. A version 4 model's lead features (read by its SVM only) have their own.
        self._by_word = {readable(name): column + 1 for name, column in self.columns.items()
                         if is_word_feature(name)}
        self._by_chars = {readable(name): column + 1 for name, column in self.columns.items()
                          if not is_word_feature(name) and not is_lead_feature(name)}
        self._lead_by_word = {readable(name): column + 1 for name, column in self.columns.items()
                              if name.startswith(LEAD_WORD)}
        self._lead_by_chars = {readable(name): column + 1 for name, column in self.columns.items()
                               if is_lead_feature(name) and not name.startswith(LEAD_WORD)}
        self._shown = [readable(name) for name in self.names]
        # Evidence worth showing a person: words, not one character or a number ("楼", "3").
        self._telling = np.array([(is_word_feature(name) or name.startswith(LEAD_WORD)) and len(shown) > 1
                                  and not shown.isdigit()
                                  for name, shown in zip(self.names, self._shown, strict=True)], dtype=bool)
        self.idf = idf.astype(np.float32)
        self.intercept = intercept.astype(np.float64)
        self.meta = meta
        self.char_ngrams = char_ngrams_of(meta)
        self.calibration = calibration_of(meta)
        self.average = average_of(meta)
        if self.average is not None and self.calibration is None:
            raise ModelError("an averaged model needs its SVM's calibration")
        self._lead_apart = self.average is not None and self.average.lead_apart
        if (self._lead_by_word or self._lead_by_chars) and not self._lead_apart:
            raise ModelError("only an averaged model whose SVM reads the lead apart has the lead's own features")
        # Where a lead feature's weight shows as evidence: the same word's or characters' column of the rest.
        self._body_of = np.array([self.columns.get(name[1:], column) if is_lead_feature(name) else column
                                  for column, name in enumerate(self.names)], dtype=np.intp) if self._lead_apart else None
        # One row per feature: a message gathers ~50 rows. An averaged model's SVM has its own, gathered only for
        # the messages it averages, so that a short message costs what it cost the logistic regression alone.
        # Only these are kept (`coef` is derived from them): a second copy would double the model's memory.
        size = len(self.labels)
        weights = coef.astype(np.float32, copy=False)
        self.by_feature = np.ascontiguousarray(weights[:size].T)
        self._first_intercept = self.intercept[:size]
        self._svm_by_feature = np.ascontiguousarray(weights[size:].T) if self.average is not None else None
        self._svm_intercept = self.intercept[size:]

    @property
    def coef(self) -> np.ndarray:
        """One row of weights per label, as trained and saved (an averaged model: the logistic regression's rows,
        then the SVM's)."""
        members = [self.by_feature] if self._svm_by_feature is None else [self.by_feature, self._svm_by_feature]
        return np.vstack([rows.T for rows in members])

    @property
    def threshold(self) -> float | None:
        """The 待分类 threshold calibrated for this model on labelled real messages (nlp/rebuild.py), if any: its
        probabilities, not the keyword rules', are what the threshold cuts. An averaged model's long messages have
        their own (`Average.threshold`); this one is for the rest."""
        value = self.meta.get("threshold")
        return float(value) if _is_number(value) else None

    @property
    def averaged_threshold(self) -> float | None:
        """An averaged model's calibrated threshold for the messages it averages (its long ones), if any."""
        return self.average.threshold if self.average is not None else None

    def set_thresholds(self, threshold: float, averaged: float | None = None) -> None:
        """Keep the 待分类 thresholds calibrated for this model (nlp/rebuild.py) with it: `averaged` for an averaged
        model's long messages, required for one and refused otherwise."""
        if (averaged is None) != (self.average is None):
            raise ValueError("an averaged model, and only it, needs a threshold for its long messages")
        self.meta["threshold"] = threshold
        if self.average is not None:
            self.average = replace(self.average, threshold=averaged)
            self.meta["average"] = self.average.as_json()

    def predict(self, text: str, segmenter: Segmenter, evidence: int = 0, tokens: list[str] | None = None
                ) -> Prediction:
        """Probabilities of every label for text (the intercepts alone when no feature is known), and with
        evidence > 0 up to that many words that pushed the best label up.

        `tokens`: jieba's tokens of the normalised prepared text (`normalize_text(prepare(text))`,
        Segmenter.tokens), when the caller has them already; `text` is then taken as prepared already.
        """
        share = 0.0
        if self.average is not None:
            share = self.average.share_for(prepare(text) if tokens is None else text)
        averaged = share > 0
        apart = averaged and self._lead_apart
        if apart:  # the SVM's own features: the lead's as features of their own
            counts, own = self._found_apart(text, segmenter, tokens)
        else:
            counts, own = self._found(text, segmenter, tokens), None
        if not counts:
            svm_scores = self._svm_intercept if averaged else None
            return Prediction(self._ranked(self._first_intercept, svm_scores, share), (), known=False,
                              averaged=averaged)
        columns, values = self._vector(counts)
        rows = self.by_feature.take(columns, axis=0)
        svm_columns, svm_values = self._vector(own) if own else (columns, values)
        svm_rows = self._svm_by_feature.take(svm_columns, axis=0) if averaged else None  # type: ignore[union-attr]
        svm_scores = self._svm_intercept + svm_values @ svm_rows if svm_rows is not None else None
        ranked = self._ranked(self._first_intercept + values @ rows, svm_scores, share)
        if not evidence:
            return Prediction(ranked, (), known=True, averaged=averaged)
        best = self._index[ranked[0][0]]
        if apart:  # each member's contributions, the lead's own features' shown as the same words of the rest
            assert svm_rows is not None and self._body_of is not None
            shown, where = np.unique(np.concatenate([columns, self._body_of[svm_columns]]), return_inverse=True)
            added = np.concatenate([(1.0 - share) * rows[:, best] * values, share * svm_rows[:, best] * svm_values])
            return Prediction(ranked, self._evidence(shown, np.bincount(where, weights=added), evidence), known=True,
                              averaged=averaged)
        weights = rows[:, best]
        if svm_rows is not None:  # both members' weights for the label, in the shares of the average
            weights = (1.0 - share) * weights + share * svm_rows[:, best]
        return Prediction(ranked, self._evidence(columns, weights * values, evidence), known=True, averaged=averaged)

    def _vector(self, counts: Counter[int]) -> tuple[np.ndarray, np.ndarray]:
        """The columns of found features (`_found`'s, one higher) and their sublinear TF-IDF, L2-normalised."""
        columns = np.fromiter(counts, dtype=np.intp, count=len(counts))
        columns -= 1
        values = self.idf.take(columns)  # a copy; take is several times quicker than fancy indexing on rows
        if len(counts) < counts.total():  # some feature repeats: sublinear tf, 1 + ln(count)
            values *= 1.0 + np.log(np.fromiter(counts.values(), dtype=np.float32, count=len(counts)))
        values /= math.sqrt(float(values @ values))
        return columns, values

    def _ranked(self, scores: np.ndarray, svm_scores: np.ndarray | None = None, share: float = 0.0
                ) -> tuple[tuple[str, float], ...]:
        """The scores as probabilities, (label, probability) best first (the earlier label wins a tie): their
        softmax, or a linear SVM's decision values through its calibration; with an averaged model's `svm_scores`,
        (1 - share) * the logistic regression's + share * the calibrated SVM's."""
        # A dozen numbers: Python's floats are quicker than numpy's calls on them.
        values = scores.tolist()
        if self.calibration is not None and self.average is None:  # a linear SVM alone
            values = self.calibration.apply(values)
        probabilities = _normalised(values)
        if svm_scores is not None:
            svm = _normalised(self.calibration.apply(svm_scores.tolist()))  # type: ignore[union-attr]
            probabilities = [(1.0 - share) * first + share * second
                             for first, second in zip(probabilities, svm, strict=True)]
        return tuple(sorted(zip(self.labels, probabilities, strict=True),
                            key=itemgetter(1), reverse=True))  # stable: the earlier label still wins a tie

    def counts(self, text: str, segmenter: Segmenter, tokens: list[str] | None = None) -> dict[int, int]:
        """Column -> occurrences of the model's known features in text: `nlp.features.features`,
        without the prefixed strings it builds. With `tokens`, text is prepared."""
        return {column - 1: count for column, count in self._found(text, segmenter, tokens).items()}

    def _found(self, text: str, segmenter: Segmenter, tokens: list[str] | None) -> Counter[int]:
        """`counts` with every column one higher (this runs for every message: lookups, n-grams and counting
        go through map, filter and Counter, in C; the dictionaries hold column + 1 so that filter(None, ...)
        drops the unknown and keeps column 0)."""
        words, runs = pieces(normalize_text(prepare(text) if tokens is None else text), segmenter, tokens)
        found = list(filter(None, map(self._by_word.get, words)))
        by_chars = self._by_chars.get
        for letters in runs:
            for size in self.char_ngrams:
                found += filter(None, map(by_chars, ngrams(letters, size)))
        return Counter(found)

    def _found_apart(self, text: str, segmenter: Segmenter, tokens: list[str] | None
                     ) -> tuple[Counter[int], Counter[int]]:
        """A long message's `_found` (the lead counted once more among the rest's features: the logistic
        regression's) and its SVM's, the lead's as features of their own (a version 4 model's)."""
        words, letters, lead_words, lead_letters = parts(normalize_text(prepare(text) if tokens is None else text),
                                                         segmenter, tokens)
        rest = self._known(words, letters, self._by_word, self._by_chars)
        again = self._known(lead_words, lead_letters, self._by_word, self._by_chars)
        own = self._known(lead_words, lead_letters, self._lead_by_word, self._lead_by_chars)
        return Counter(rest + again), Counter(rest + own)

    def _known(self, words: list[str], letters: str, by_word: dict[str, int], by_chars: dict[str, int]) -> list[int]:
        """The columns (one higher) of the known features of words and letters."""
        found = list(filter(None, map(by_word.get, words)))
        for size in self.char_ngrams:
            found += filter(None, map(by_chars.get, ngrams(letters, size)))
        return found

    def _evidence(self, columns: np.ndarray, contributions: np.ndarray, limit: int) -> tuple[str, ...]:
        """The words that added most to the best label, strongest first (characters if no word did)."""
        helped = contributions > 0
        telling = helped & self._telling[columns]
        chosen = telling if telling.any() else helped
        picked, values = columns[chosen], contributions[chosen]
        return tuple(self._shown[picked[index]] for index in np.argsort(-values, kind="stable")[:limit])

    def save(self, directory: str | Path) -> None:
        """Write the model's three files (the same bytes for the same model: no time stamps)."""
        target = Path(directory)
        target.mkdir(parents=True, exist_ok=True)
        version = (LEAD_APART_VERSION if self._lead_apart else AVERAGED_VERSION if self.average is not None
                   else CALIBRATED_VERSION if self.calibration is not None else VERSION)
        meta = {"format": FORMAT, "version": version, "labels": self.labels,
                "intercept": [round(float(value), 9) for value in self.intercept], **self.meta}
        (target / MODEL_FILE).write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        (target / FEATURES_FILE).write_text("".join(name + "\n" for name in self.names), encoding="utf-8")
        np.save(target / WEIGHTS_FILE, np.vstack([self.idf, self.coef]).astype(np.float32), allow_pickle=False)

    @classmethod
    def load(cls, directory: str | Path) -> LinearModel:
        """Read a model directory written by save(); ModelError says what is wrong with it."""
        source = Path(directory)
        try:
            meta = json.loads((source / MODEL_FILE).read_text(encoding="utf-8"))
            names = (source / FEATURES_FILE).read_text(encoding="utf-8").splitlines()
            weights = np.load(source / WEIGHTS_FILE, allow_pickle=False)
        except FileNotFoundError as error:
            raise ModelError(f"{source}: not a gridbot model directory ({Path(error.filename).name} missing)") from error
        except (OSError, ValueError) as error:
            raise ModelError(f"{source}: cannot read the model: {error}") from error
        if not isinstance(meta, dict) or meta.get("format") != FORMAT:
            raise ModelError(f"{source}/{MODEL_FILE}: not a gridbot model (format {meta.get('format')!r})")
        version = meta.get("version")
        if version not in (VERSION, CALIBRATED_VERSION, AVERAGED_VERSION, LEAD_APART_VERSION):
            raise ModelError(f"{source}/{MODEL_FILE}: model format version {version!r}; this gridbot reads versions "
                             f"{VERSION} to {LEAD_APART_VERSION}: train the model again")
        if (version != VERSION) != ("calibration" in meta):
            raise ModelError(f"{source}/{MODEL_FILE}: a version {CALIBRATED_VERSION} to {LEAD_APART_VERSION} model, "
                             "and only they, have a calibration")
        averaged = version in (AVERAGED_VERSION, LEAD_APART_VERSION)
        if averaged != ("average" in meta):
            raise ModelError(f"{source}/{MODEL_FILE}: a version {AVERAGED_VERSION} or {LEAD_APART_VERSION} model, and "
                             "only they, have an average")
        if averaged and (version == LEAD_APART_VERSION) != (isinstance(meta["average"], dict)
                                                           and "lead_apart" in meta["average"]):
            raise ModelError(f"{source}/{MODEL_FILE}: a version {LEAD_APART_VERSION} model, and only it, has an SVM "
                             "that reads the lead apart")
        labels = meta.pop("labels")
        intercept = np.array(meta.pop("intercept"), dtype=np.float64)
        meta.pop("format"), meta.pop("version")
        rows = len(labels) * (2 if averaged else 1) if isinstance(labels, list) else -1
        if not isinstance(labels, list) or weights.shape != (1 + rows, len(names)) or intercept.shape != (rows,):
            raise ModelError(f"{source}: the model's files do not fit together (was one of them replaced?)")
        try:
            return cls(labels, names, weights[0], weights[1:], intercept, meta)
        except ModelError as error:
            raise ModelError(f"{source}/{MODEL_FILE}: {error}") from error


def feature_settings(char_ngrams: tuple[int, ...] = CHAR_NGRAMS) -> dict[str, Any]:
    """How features are made, recorded in the model so a mismatch can be told (and the model's character
    n-gram sizes read back by char_ngrams_of)."""
    return {"text": "nlp.cleaning.prepare; a long text's lead counted twice",
            "words": "jieba, no HMM, normalised (NFKC, lower case)", "char_ngrams": list(char_ngrams),
            "weighting": "sublinear tf * idf, l2"}


def char_ngrams_of(meta: dict[str, Any]) -> tuple[int, ...]:
    """The character n-gram sizes a model was trained with (CHAR_NGRAMS when its meta does not say)."""
    settings = meta.get("features")
    sizes = settings.get("char_ngrams", CHAR_NGRAMS) if isinstance(settings, dict) else CHAR_NGRAMS
    if (not isinstance(sizes, (list, tuple)) or not sizes
            or not all(isinstance(size, int) and not isinstance(size, bool) and 1 <= size <= MAX_CHAR_NGRAM
                       for size in sizes)):
        raise ModelError(f"the model's character n-gram sizes {sizes!r} are not sizes 1 to {MAX_CHAR_NGRAM}")
    return tuple(sizes)


@dataclass(frozen=True)
class Calibration:
    """How a linear SVM's decision values become probabilities (Platt scaling, one sigmoid shared by every label,
    fitted on out-of-fold decision values of the training data by nlp/training.py): each label's value v becomes
    sigmoid(slope * v + offset), and these are normalised to sum to 1. A positive slope keeps the labels' order."""

    slope: float
    offset: float

    def apply(self, values: list[float]) -> list[float]:
        """The log of each label's sigmoid, for the softmax that normalises them: log sigmoid(z) = -softplus(-z)."""
        slope, offset = self.slope, self.offset
        return [-_softplus(-(slope * value + offset)) for value in values]

    def as_json(self) -> dict[str, Any]:
        return {"method": CALIBRATION, "slope": round(self.slope, 9), "offset": round(self.offset, 9)}


def _softplus(value: float) -> float:
    return max(value, 0.0) + math.log1p(math.exp(-abs(value)))


def _normalised(logs: list[float]) -> list[float]:
    """The softmax of logs (of unnormalised probabilities)."""
    top = max(logs)
    exponentials = [math.exp(value - top) for value in logs]
    total = math.fsum(exponentials)
    return [exponential / total for exponential in exponentials]


def calibration_of(meta: dict[str, Any]) -> Calibration | None:
    """A model's calibration (None: a logistic regression's scores are log-probabilities already); ModelError
    unless it is a CALIBRATION with a positive slope and an offset, finite and within MAX_CALIBRATION."""
    if "calibration" not in meta:
        return None
    found = meta["calibration"]

    def bounded(value: object) -> bool:
        return (isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
                and abs(value) <= MAX_CALIBRATION)

    if (isinstance(found, dict) and set(found) == {"method", "slope", "offset"} and found["method"] == CALIBRATION
            and bounded(found["slope"]) and found["slope"] > 0 and bounded(found["offset"])):
        return Calibration(float(found["slope"]), float(found["offset"]))
    raise ModelError(f"the model's calibration {str(found)[:200]!r} is not one this gridbot reads ({CALIBRATION}: a "
                     f"positive slope and an offset up to {MAX_CALIBRATION:g})")


@dataclass(frozen=True)
class Average:
    """An averaged model's rule: messages longer than `longer_than` characters (once prepared: nlp.cleaning) get
    (1 - svm_share) * p_logistic + svm_share * p_svm, held to their own 待分类 `threshold` when the model has one
    (nlp/rebuild.py); shorter ones the logistic regression alone and the model's threshold. The SVM is better on
    letters, worse on short messages (README, 自动分类). `lead_apart`: the SVM reads the lead (title or first
    sentence) of the messages it averages as features of their own (version 4)."""

    svm_share: float
    longer_than: int
    threshold: float | None = None
    lead_apart: bool = False  # the SVM reads a long message's lead as features of their own (version 4)

    def share_for(self, prepared: str) -> float:
        """The SVM's share in the probabilities of a prepared text (0: the logistic regression alone)."""
        return self.svm_share if len(prepared) > self.longer_than else 0.0

    def as_json(self) -> dict[str, Any]:
        found: dict[str, Any] = {"method": AVERAGE, "svm_share": round(self.svm_share, 9),
                                 "longer_than": self.longer_than}
        if self.threshold is not None:
            found["threshold"] = self.threshold
        if self.lead_apart:
            found["lead_apart"] = True
        return found


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def average_of(meta: dict[str, Any]) -> Average | None:
    """An averaged model's rule (None: one model); ModelError unless it is an AVERAGE with an SVM share strictly
    between 0 and 1, a whole-number length cut from 0 to MAX_LONGER_THAN and, if any, a threshold from 0 to 1."""
    if "average" not in meta:
        return None
    found = meta["average"]
    if (isinstance(found, dict) and {"method", "svm_share", "longer_than"} <= set(found)
            and set(found) <= {"method", "svm_share", "longer_than", "threshold", "lead_apart"}
            and found["method"] == AVERAGE
            and _is_number(found["svm_share"]) and 0.0 < found["svm_share"] < 1.0
            and type(found["longer_than"]) is int and 0 <= found["longer_than"] <= MAX_LONGER_THAN
            and (_is_number(found.get("threshold", 0.0)) and 0.0 <= found.get("threshold", 0.0) <= 1.0)
            and found.get("lead_apart", True) is True):
        threshold = float(found["threshold"]) if "threshold" in found else None
        return Average(float(found["svm_share"]), found["longer_than"], threshold, "lead_apart" in found)
    raise ModelError(f"the model's average {str(found)[:200]!r} is not one this gridbot reads ({AVERAGE}: an SVM "
                     f"share strictly between 0 and 1, a length from 0 to {MAX_LONGER_THAN}, a threshold from 0 "
                     "to 1 and, if its SVM reads the lead apart, lead_apart true)")
