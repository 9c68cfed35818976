"""Accuracy, macro-F1, per-class precision/recall/F1 and the confusion matrix of predictions against gold labels."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Sequence


@dataclass(frozen=True)
class ClassScores:
    precision: float
    recall: float
    f1: float
    support: int  # gold examples of the class


@dataclass(frozen=True)
class Report:
    n: int
    accuracy: float
    macro_f1: float
    per_class: dict[str, ClassScores]
    labels: tuple[str, ...]  # row and column order of the confusion matrix
    confusion: tuple[tuple[int, ...], ...]  # confusion[gold][predicted]
    extra: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        """The machine-readable report (`gridbot nlp eval --json`)."""
        return {
            "n": self.n,
            "accuracy": round(self.accuracy, 4),
            "macro_f1": round(self.macro_f1, 4),
            "per_class": {label: {"precision": round(scores.precision, 4), "recall": round(scores.recall, 4),
                                  "f1": round(scores.f1, 4), "support": scores.support}
                          for label, scores in self.per_class.items()},
            "labels": list(self.labels),
            "confusion_matrix": [list(row) for row in self.confusion],
            **self.extra,
        }


def evaluate(gold: Sequence[str], predicted: Sequence[str]) -> Report:
    """Scores over the gold labels; macro-F1 averages the classes that occur in gold or predictions."""
    if len(gold) != len(predicted) or not gold:
        raise ValueError("need as many predictions as gold labels, at least one")
    labels = tuple(sorted(set(gold) | set(predicted)))
    pairs = Counter(zip(gold, predicted, strict=True))
    per_class = {}
    for label in labels:
        hits = pairs[label, label]
        predicted_as = sum(count for (_, guess), count in pairs.items() if guess == label)
        support = sum(count for (truth, _), count in pairs.items() if truth == label)
        precision = hits / predicted_as if predicted_as else 0.0
        recall = hits / support if support else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        per_class[label] = ClassScores(precision, recall, f1, support)
    accuracy = sum(pairs[label, label] for label in labels) / len(gold)
    macro_f1 = sum(scores.f1 for scores in per_class.values()) / len(per_class)
    confusion = tuple(tuple(pairs[truth, guess] for guess in labels) for truth in labels)
    return Report(len(gold), accuracy, macro_f1, per_class, labels, confusion)


@dataclass(frozen=True)
class ThresholdOutcome:
    """What a 待分类 threshold does on labelled examples.

    In scope: examples labelled with a category (all of them when none is labelled 待分类). `below_threshold` is
    the share of those sent to 待分类 (the best label's confidence under the threshold, or 待分类 itself), and
    `accuracy_above_threshold` the accuracy of the rest. `accuracy_all` counts every example, a 待分类-labelled
    one right when it falls below the threshold; None when no example is labelled 待分类. A model that averages
    its long messages holds them to their own threshold: `long_threshold` for those over `longer_than` characters.
    """

    threshold: float
    in_scope: int
    below_threshold: float
    accuracy_above_threshold: float | None
    accuracy_all: float | None
    long_threshold: float | None = None
    longer_than: int | None = None

    def as_json(self) -> dict[str, Any]:
        def rounded(value: float | None) -> float | None:
            return None if value is None else round(value, 4)

        found = {"threshold": self.threshold, "in_scope": self.in_scope,
                 "below_threshold": rounded(self.below_threshold),
                 "accuracy_above_threshold": rounded(self.accuracy_above_threshold),
                 "accuracy_all": rounded(self.accuracy_all)}
        if self.long_threshold is not None:
            found.update(long_threshold=self.long_threshold, longer_than=self.longer_than)
        return found


def threshold_outcome(gold: Sequence[str], best: Sequence[tuple[str, float]], threshold: float,
                      unclassified: str = "待分类", thresholds: Sequence[float] | None = None) -> ThresholdOutcome:
    """The outcome of `threshold` given each example's gold label and best (label, confidence); with
    `thresholds`, each example's own (CombinedClassifier's Verdict.threshold) instead."""
    if len(gold) != len(best) or not gold or (thresholds is not None and len(thresholds) != len(gold)):
        raise ValueError("need as many predictions (and thresholds) as gold labels, at least one")
    cuts = thresholds if thresholds is not None else [threshold] * len(gold)
    below = [label == unclassified or confidence < cut for (label, confidence), cut in zip(best, cuts, strict=True)]
    outside = [label == unclassified for label in gold]
    scoped = [index for index in range(len(gold)) if not outside[index]]
    kept = [index for index in scoped if not below[index]]
    hits = sum(1 for index in kept if best[index][0] == gold[index])
    right = sum(1 for index in range(len(gold))
                if (below[index] if outside[index] else not below[index] and best[index][0] == gold[index]))
    return ThresholdOutcome(
        threshold=threshold, in_scope=len(scoped),
        below_threshold=1 - len(kept) / len(scoped) if scoped else 0.0,
        accuracy_above_threshold=hits / len(kept) if kept else None,
        accuracy_all=right / len(gold) if any(outside) else None,
    )
