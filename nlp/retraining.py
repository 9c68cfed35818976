"""Retraining on what a street office has learnt, judged on examples no model trained on before it is used.

`gridbot nlp train --from-db` learns from the database (operators' corrections, appeals resolved under their
category) together with the shipped corpus by default, since a few dozen corrections alone make a model that
knows only their categories (2 samples gave 0.13 accuracy); with `--only-db` every category of the taxonomy
needs MIN_PER_CLASS examples of its own.

Held out, never trained on: the shipped corpus's test split (when the corpus is used) and a fifth of the
database's examples, chosen by a hash of the text alone, so an example is held out in every run and a model
trained last month never saw what this month's is judged on. Examples of a --data file all train: that file's
owner checks the model with `gridbot nlp eval` on data of their own.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from typing import Iterable, Mapping, Sequence

from nlp.classifier import KeywordClassifier
from nlp.combined import CombinedClassifier
from nlp.dataset import Example, read_examples
from nlp.model import LinearModel
from nlp.taxonomy import DATA_DIR, UNCLASSIFIED
from nlp.training import DEFAULT_RECIPE, Recipe, train

CORPUS_DIR = DATA_DIR / "corpus"
# The database alone: with fewer, a category's weights rest on a handful of phrasings, and its three or four
# held-out examples cannot show whether the model learnt it.
MIN_PER_CLASS = 20
HELD_OUT_PERCENT = 20


@dataclass(frozen=True)
class Shortfall:
    """A category with fewer examples than training needs."""

    label: str
    have: int
    need: int


@dataclass(frozen=True)
class TrainingSet:
    """What a model is fitted on, and what it and the models it may replace are judged on."""

    training: list[Example]
    held_out: list[Example]
    held_out_sources: dict[str, int] = field(default_factory=dict)  # "corpus" / "database" -> examples


@dataclass(frozen=True)
class Retrained:
    """A new model, its accuracy on the held-out examples, and the accuracy of each compared model on them."""

    model: LinearModel
    data: TrainingSet
    accuracy: float | None  # None: nothing was held out
    baselines: dict[str, float]
    # The share of the held-out examples each sends to 待分类 ("new", then the compared models'): a model can match
    # another's accuracy while its threshold sends twice as many appeals to the review queue.
    to_review: dict[str, float] = field(default_factory=dict)

    def worse_than(self, name: str) -> bool:
        """Whether the new model can't be shown to be at least as good as the compared model `name`."""
        return self.accuracy is None or round(self.accuracy, 4) < round(self.baselines[name], 4)


def shipped_corpus() -> tuple[list[Example], list[Example]]:
    """The hand-written corpus the shipped model was trained on, and its test split."""
    return read_examples(CORPUS_DIR / "train.jsonl"), read_examples(CORPUS_DIR / "test.jsonl")


def within(examples: Sequence[Example], categories: Iterable[str]) -> tuple[list[Example], int]:
    """The examples labelled with one of `categories`, and how many others were left out (a renamed category,
    投诉工作人员, which the classifier never decides)."""
    names = set(categories)
    kept = [example for example in examples if example.label in names]
    return kept, len(examples) - len(kept)


def shortfalls(examples: Iterable[Example], categories: Iterable[str], minimum: int) -> list[Shortfall]:
    """The categories with fewer than `minimum` examples, in the taxonomy's order."""
    counts = Counter(example.label for example in examples)
    return [Shortfall(label, counts[label], minimum) for label in categories if counts[label] < minimum]


def held_out(text: str) -> bool:
    """Whether a database example is kept for judging: a fixed fifth of all texts, whatever else is in the set."""
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:4], "big") % 100 < HELD_OUT_PERCENT


def assemble(own: Sequence[Example], database: Sequence[Example],
             corpus: tuple[list[Example], list[Example]] | None) -> TrainingSet:
    """Training and held-out examples from a --data file, the database and (optionally) the shipped corpus."""
    kept = [example for example in database if held_out(example.text)]
    training = [*(corpus[0] if corpus else []), *own, *(example for example in database if not held_out(example.text))]
    sources = {"corpus": len(corpus[1]) if corpus else 0, "database": len(kept)}
    return TrainingSet(training, [*(corpus[1] if corpus else []), *kept],
                       {name: count for name, count in sources.items() if count})


def classifier_for(model: LinearModel, rules: KeywordClassifier) -> CombinedClassifier:
    """The model as the bot would use it: with the taxonomy's rules when its labels are the categories (and
    perhaps 待分类); else alone, held to its calibrated thresholds if it has them."""
    if set(model.labels) <= {*rules.taxonomy.names, UNCLASSIFIED}:
        return CombinedClassifier.for_taxonomy(model, rules)
    return CombinedClassifier(model, rules.segmenter, None, model.threshold, model.averaged_threshold)


def judge(classifier: CombinedClassifier, examples: Sequence[Example]) -> tuple[float, float | None]:
    """The share of examples whose best label is their own, and the share of those labelled with a category that
    the classifier's threshold sends to 待分类 (None: it has no threshold)."""
    verdicts = [classifier.verdict(example.text) for example in examples]
    hits = sum(1 for example, verdict in zip(examples, verdicts, strict=True) if verdict.ranked[0][0] == example.label)
    outcome = classifier.outcome([example.label for example in examples], verdicts)
    return hits / len(examples), None if outcome is None else outcome.below_threshold


def retrain(data: TrainingSet, rules: KeywordClassifier, compared: Mapping[str, LinearModel],
            recipe: Recipe = DEFAULT_RECIPE) -> Retrained:
    """Fit a model by `recipe` on the training examples; judge it and every compared model on the held-out ones."""
    model = train(data.training, rules.segmenter, recipe)
    if not data.held_out:
        return Retrained(model, data, None, {})
    judged = {"new": judge(classifier_for(model, rules), data.held_out)}
    judged.update({name: judge(classifier_for(other, rules), data.held_out) for name, other in compared.items()})
    return Retrained(model, data, judged["new"][0], {name: right for name, (right, _) in judged.items() if name != "new"},
                     {name: share for name, (_, share) in judged.items() if share is not None})
