"""Building the process's classifier from configuration: taxonomy, user dictionaries and an optional model."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Iterable, Protocol

from nlp.classifier import Classification, KeywordClassifier
from nlp.combined import CombinedClassifier
from nlp.model import LinearModel
from nlp.taxonomy import SHIPPED_MODEL, Taxonomy, load_taxonomy

log = logging.getLogger(__name__)


class Classifier(Protocol):
    """What the conversation needs of a classifier."""

    def classify(self, text: str) -> Classification: ...
    def tokenize(self, text: str) -> list[str]: ...
    def preload(self) -> None: ...


def build_classifier(taxonomy: Taxonomy, model_dir: str | Path | None = SHIPPED_MODEL,
                     userdict_paths: Iterable[str | Path] = ()) -> Classifier:
    """The keyword rules of the taxonomy, combined with the model in model_dir unless it is None.

    Raises ModelError for a bad model directory, or one whose labels are not the taxonomy's categories.
    """
    rules = KeywordClassifier(taxonomy, userdict_paths)
    if model_dir is None:
        return rules
    model = LinearModel.load(model_dir)
    classifier = CombinedClassifier.for_taxonomy(model, rules)
    if model.meta.get("segmentation") != rules.segmenter.fingerprint():
        # Not fatal: most words still segment the same way; the model is just a little less sure of the rest.
        log.warning("the model in %s was trained with other user dictionaries or taxonomy words; retrain it "
                    "(gridbot nlp train) to use the current ones", model_dir)
    return classifier


def load(taxonomy_path: str | Path | None = None, model_dir: str | Path | None = SHIPPED_MODEL,
         userdict_paths: Iterable[str | Path] = ()) -> tuple[Taxonomy, Classifier]:
    """The taxonomy (the shipped one when taxonomy_path is None) and its classifier."""
    taxonomy = load_taxonomy(taxonomy_path)
    return taxonomy, build_classifier(taxonomy, model_dir, userdict_paths)


def with_taxonomy(classifier: Classifier, taxonomy: Taxonomy) -> Classifier:
    """The same classifier (its model, its loaded jieba) judging by another taxonomy's rules: how a process takes
    up a taxonomy saved from the console without loading anything again.

    jieba keeps the words of the taxonomy it was loaded with: a new keyword is still found in a message (the rules
    look for listed words in the text itself) and segments as its own word from the next restart. The model knows
    only the categories it was trained on: a new category is decided by its keywords until `gridbot nlp train`.
    Raises ModelError when the taxonomy lacks a category the model was trained on.
    """
    if isinstance(classifier, CombinedClassifier) and classifier.rules is not None:
        rules = KeywordClassifier(taxonomy, segmenter=classifier.rules.segmenter)
        return CombinedClassifier.for_taxonomy(classifier.model, rules)
    if isinstance(classifier, KeywordClassifier):
        return KeywordClassifier(taxonomy, segmenter=classifier.segmenter)
    raise TypeError(f"cannot give {type(classifier).__name__} another taxonomy")


def trained_labels(classifier: Classifier) -> tuple[str, ...]:
    """The categories the classifier's model was trained on (none for the keyword rules alone)."""
    if isinstance(classifier, CombinedClassifier):
        return tuple(classifier.model.labels)
    return ()
