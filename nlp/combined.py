"""The trained model and the taxonomy's keyword rules together: what the bot classifies with.

The label is the model's and the rules' averaged: (1 - RULES_SHARE) * p_model + RULES_SHARE * p_rules. When the
two agree on it, they are independent witnesses and the confidence rises (noisy-OR: 1 - (1 - p_model)(1 - p_rules)),
so fewer appeals wait in 待分类 for an operator; when the rules carry it against the model's first choice, the
confidence is that average; otherwise it is the model's probability. When the model knows no
feature of a message at all, the rules decide; so they do for a category the model was not trained on (one added
to the taxonomy since), until it is retrained. Measured (bench/compare_models.py and the shipped model on both
test splits): the agreement rule took the share of hand-written appeals above the 0.35 threshold from 83 % to 89 %
and their accuracy from 0.917 to 0.923. With the shipped model, a rules' share of 0.08 takes real messages from
0.806 to 0.815 accuracy and 0.694 to 0.778 macro-F1 (the rare categories, whose keywords the few real examples do
not teach the model) and the hand-written ones from 0.846 to 0.856; 0.1 and 0.12 do about as well on real messages
and 0.003 worse on the hand-written ones.
An appeal keeps the taxonomy's keywords for its category, never the model's words ("有人", "又坏了"):
聚焦办 clusters appeals by those keywords. A deployment without a model uses the rules alone
(nlp.classifier.KeywordClassifier).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from nlp.classifier import MAX_KEYWORDS, Classification, KeywordClassifier, Reading
from nlp.cleaning import prepare
from nlp.metrics import ThresholdOutcome, threshold_outcome
from nlp.model import LinearModel, ModelError, Prediction
from nlp.segmenter import Segmenter
from nlp.taxonomy import UNCLASSIFIED, normalize_text

RULES_SHARE = 0.08
# A message with two problems (a broken street lamp and the noise of a night market) keeps its second category
# when the runner-up scores at least SECOND_CONFIDENT and the taxonomy's keywords of that category are in the
# text. Chosen on the real labels' `second` (nlp/data/real/, test split, threshold 0.25): of 498 messages 36 name a
# second problem; this rule names one for 13, 7 of them a category the labellers gave (0.54), and finds 5 of the 36.
# A runner-up of 0.25 names 25 (0.40 right); per-sentence classifying did no better (0.29-0.38). So it is shown
# to staff as a hint (另涉及), never filed as a second appeal: nlp/several.py splits explicit lists.
SECOND_CONFIDENT = 0.3


@dataclass(frozen=True)
class Verdict:
    """Every label's final score, best first; the taxonomy's keywords for the best; the model's own words; the
    待分类 threshold for this text."""

    ranked: tuple[tuple[str, float], ...]
    keywords: tuple[str, ...]  # taxonomy keywords: kept on the appeal, clustered by 聚焦办
    evidence: tuple[str, ...] = ()  # the model's strongest words, when asked for: shown to people, never stored
    threshold: float | None = None


class CombinedClassifier:
    """A LinearModel, optionally combined with the keyword rules and held to a confidence threshold."""

    @classmethod
    def for_taxonomy(cls, model: LinearModel, rules: KeywordClassifier) -> CombinedClassifier:
        """The model with the taxonomy's rules, held to the model's calibrated thresholds (the taxonomy's
        `threshold` when the model has none): how the bot classifies."""
        threshold = model.threshold if model.threshold is not None else rules.taxonomy.threshold
        return cls(model, rules.segmenter, rules, threshold, model.averaged_threshold)

    def __init__(self, model: LinearModel, segmenter: Segmenter, rules: KeywordClassifier | None = None,
                 threshold: float | None = None, averaged_threshold: float | None = None) -> None:
        """With `rules`, every model label must be a taxonomy category or 待分类 (ModelError names the first that
        isn't). A model trained with 待分类 examples (messages no category fits) keeps that label's probability from
        every category: it is left out of the ranking, so what is nobody's business falls below the threshold.
        `averaged_threshold`: for the messages an averaged model averages (its long ones); `threshold` otherwise."""
        if rules is not None:
            unknown = [label for label in model.labels if label not in (*rules.taxonomy.names, UNCLASSIFIED)]
            if unknown:
                raise ModelError(f'the model\'s label "{unknown[0]}" is not a category of the taxonomy; train it on '
                                 "the taxonomy's categories, or use it without the taxonomy")
        self.model = model
        self.segmenter = segmenter
        self.rules = rules
        self.threshold = threshold
        self.averaged_threshold = averaged_threshold if averaged_threshold is not None else threshold

    def preload(self) -> None:
        """Load jieba's dictionaries now (idempotent); call before forking workers."""
        self.segmenter.preload()

    def tokenize(self, text: str) -> list[str]:
        """Split text into normalised words, dropping whitespace and punctuation (as the model sees them)."""
        return self.segmenter.words(normalize_text(text))

    def classify(self, text: str) -> Classification:
        """The best category, or UNCLASSIFIED (with the best guess as runner_up) below the threshold."""
        if not normalize_text(text):
            return Classification(UNCLASSIFIED, 0.0)
        verdict, reading = self._judged(text)
        (best, confidence), *others = verdict.ranked
        if verdict.threshold is not None and confidence < verdict.threshold:
            return Classification(UNCLASSIFIED, confidence, (), best)
        if self.rules is None or reading is None:
            return Classification(best, confidence, verdict.keywords, others[0][0] if others else None)
        subcategory = self.rules.taxonomy.category(best).subcategory_of(reading.folded)
        runner_up = others[0][0] if others else None
        return Classification(best, confidence, verdict.keywords, runner_up, subcategory,
                              self._second(reading, others[0]) if others else None)

    def _second(self, reading: Reading, runner_up: tuple[str, float]) -> str | None:
        """The runner-up's category when it is a second problem of the text (SECOND_CONFIDENT and its keywords)."""
        category, score = runner_up
        if self.rules is None or score < SECOND_CONFIDENT or not self.rules.keywords_in(reading, category):
            return None
        return category

    def outcome(self, gold: Sequence[str], verdicts: Sequence[Verdict]) -> ThresholdOutcome | None:
        """What the thresholds do to labelled examples, given their verdicts (None when nothing is held to one)."""
        if self.threshold is None:
            return None
        outcome = threshold_outcome(gold, [verdict.ranked[0] for verdict in verdicts], self.threshold,
                                    thresholds=[verdict.threshold or 0.0 for verdict in verdicts])
        average = self.model.average
        if average is not None and self.averaged_threshold != self.threshold:
            outcome = replace(outcome, long_threshold=self.averaged_threshold, longer_than=average.longer_than)
        return outcome

    def verdict(self, text: str, explain: bool = False) -> Verdict:
        """All labels' scores for text, best first; with explain, also the model's strongest words."""
        return self._judged(text, explain)[0]

    def _judged(self, text: str, explain: bool = False) -> tuple[Verdict, Reading | None]:
        """The verdict, and what the rules read in the text (None without rules), for classify to reuse."""
        text = prepare(text)
        tokens = self.segmenter.tokens(normalize_text(text))  # segmented once, for the model and the rules
        prediction = self.model.predict(text, self.segmenter, MAX_KEYWORDS if explain else 0, tokens)
        if UNCLASSIFIED in self.model.labels:
            prediction = prediction.without(UNCLASSIFIED)
        threshold = self.averaged_threshold if prediction.averaged else self.threshold
        if self.rules is None:
            return Verdict(prediction.ranked, (), prediction.evidence, threshold), None
        reading = self.rules.read(text, tokens)
        rule = self.rules.judge(reading, subcategory=False)  # classify finds the subcategory of the final label
        (best, probability), *others = prediction.ranked
        # The rules decide when the model knows no word of the message, or was never trained on the rules'
        # category (added to the taxonomy since, e.g. from the console): it can speak neither for nor against it.
        if rule.category != UNCLASSIFIED and (not prediction.known or rule.category not in self.model.labels):
            others = [item for item in prediction.ranked if item[0] != rule.category]
            return Verdict(((rule.category, rule.confidence), *others), rule.keywords, threshold=threshold), reading
        if rule.category == best:
            agreed = 1.0 - (1.0 - probability) * (1.0 - rule.confidence)
            return Verdict(((best, agreed), *others), rule.keywords, prediction.evidence, threshold), reading
        averaged = self._averaged(prediction, rule)
        if averaged <= (1 - RULES_SHARE) * probability:
            return (Verdict(prediction.ranked, self.rules.keywords_in(reading, best), prediction.evidence, threshold),
                    reading)
        # The rules carry the label against the model's first choice: as sure as the average, no more.
        others = [item for item in prediction.ranked if item[0] != rule.category]
        return Verdict(((rule.category, averaged), *others), rule.keywords, prediction.evidence, threshold), reading

    @staticmethod
    def _averaged(prediction: Prediction, rule: Classification) -> float:
        """The rules' category's share of model and rules averaged (0 when the rules found none)."""
        if rule.category == UNCLASSIFIED:
            return 0.0
        return (1 - RULES_SHARE) * dict(prediction.ranked).get(rule.category, 0.0) + RULES_SHARE * rule.confidence
