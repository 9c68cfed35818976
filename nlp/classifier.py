"""Keyword classifier: jieba segmentation plus weighted keyword scores from the taxonomy."""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from nlp.cleaning import prepare
from nlp.segmenter import Segmenter, word_blocks
from nlp.taxonomy import UNCLASSIFIED, Taxonomy, normalize_text

MAX_KEYWORDS = 5
# Evidence of this total weight gives strength 1 - 1/e (~0.63); a single decisive keyword (weight 3) gives ~0.71.
SATURATION = 2.4


@dataclass(frozen=True)
class Classification:
    """The classifier's verdict on one message."""

    category: str
    confidence: float
    keywords: tuple[str, ...] = ()
    runner_up: str | None = None
    subcategory: str | None = None  # of the category, when its subcategories' keywords are in the text
    second: str | None = None  # a second problem's category, when the message confidently names one too


class Reading(NamedTuple):
    """A message as the rules read it: its normalised prepared text and the listed words found in it."""

    folded: str
    words: list[str]  # keywords and negative ones, each once, in order of first occurrence


class _Entry(NamedTuple):
    category: int
    weight: float  # negative for the taxonomy's negative keywords
    order: int  # position in the taxonomy file, for deterministic tie-breaks


class KeywordClassifier:
    """Assigns a taxonomy category to free text by summing the weights of the keywords it contains."""

    def __init__(
        self, taxonomy: Taxonomy, userdict_paths: Iterable[str | Path] = (), segmenter: Segmenter | None = None
    ) -> None:
        """Prepare the keyword index; jieba's dictionary is loaded later, on first use or preload()."""
        self.taxonomy = taxonomy
        self._index = _build_index(taxonomy)
        self.segmenter = segmenter or Segmenter(self._index, userdict_paths)
        # Every prefix of a listed word maps to () so the substring scan can stop as soon as no word can match.
        self._trie: dict[str, tuple[_Entry, ...]] = {
            word[:end]: () for word in self._index for end in range(1, len(word))
        }
        self._trie.update(self._index)
        self._names = taxonomy.names

    def preload(self) -> None:
        """Load jieba's dictionary and the user dictionaries now (idempotent); call before forking workers."""
        self.segmenter.preload()

    def tokenize(self, text: str) -> list[str]:
        """Split text into normalised words, dropping whitespace and punctuation."""
        return self.segmenter.words(normalize_text(text))

    def classify(self, text: str, tokens: list[str] | None = None) -> Classification:
        """Return the most likely category of text, or UNCLASSIFIED when the evidence is below the threshold.

        The text is read as `nlp.cleaning.prepare` leaves it (no pleasantries, simplified, masks as 某某).
        `tokens`: jieba's tokens of the normalised prepared text (Segmenter.tokens), when the caller has them
        already (`text` is then taken as prepared already: preparing it again would only look it up); otherwise only
        the parts of the text where segmentation matters are segmented.
        """
        return self.judge(self.read(text, tokens))

    def read(self, text: str, tokens: list[str] | None = None) -> Reading:
        """The listed words in text, found once for `judge` and `keywords_in` (`tokens` as for classify)."""
        folded = normalize_text(prepare(text) if tokens is None else text)
        return Reading(folded, self._matches(folded, tokens) if folded else [])

    def judge(self, reading: Reading, subcategory: bool = True) -> Classification:
        """`classify` of what `read` found; without `subcategory`, none is looked for (the caller's category may be
        another)."""
        if not reading.folded:
            return Classification(UNCLASSIFIED, 0.0)
        words = reading.words
        scores = [0.0] * len(self._names)
        for word in words:
            for entry in self._index[word]:
                scores[entry.category] += entry.weight
        best, second = _top_two(scores)
        if best is None:
            return Classification(UNCLASSIFIED, 0.0)
        confidence = _confidence(scores[best], scores[second] if second is not None else 0.0)
        if confidence < self.taxonomy.threshold:
            # The best guess is still worth showing to the operator who classifies it by hand.
            return Classification(UNCLASSIFIED, confidence, (), self._names[best])
        return Classification(
            category=self._names[best],
            confidence=confidence,
            keywords=self._deciding(words, best),
            runner_up=self._names[second] if second is not None else None,
            subcategory=self.taxonomy.categories[best].subcategory_of(reading.folded) if subcategory else None,
        )

    def keywords_of(self, text: str, category: str, tokens: list[str] | None = None) -> tuple[str, ...]:
        """The category's keywords found in text, heaviest first (what speaks for it, whoever decided); with
        `tokens`, text is prepared already."""
        return self.keywords_in(self.read(text, tokens), category)

    def keywords_in(self, reading: Reading, category: str) -> tuple[str, ...]:
        """`keywords_of` of what `read` found."""
        if not reading.folded or category not in self._names:
            return ()
        return self._deciding(reading.words, self._names.index(category))

    def _deciding(self, words: list[str], category: int) -> tuple[str, ...]:
        deciding = sorted(
            (entry.weight, -entry.order, word)
            for word in words
            for entry in self._index[word]
            if entry.category == category and entry.weight > 0
        )
        return tuple(word for _, _, word in reversed(deciding[-MAX_KEYWORDS:]))

    def _matches(self, text: str, tokens: list[str] | None = None) -> list[str]:
        """Listed words (keywords and negative ones) present in text, each once, in order of first occurrence."""
        trie = self._trie
        size = len(text)
        occurrences: list[tuple[int, int, str]] = []
        doubtful: list[int] = []
        reach = 0
        for begin in range(size):
            finish = begin + 1
            while finish <= size:
                word = text[begin:finish]
                entries = trie.get(word)
                if entries is None:
                    break
                if entries:
                    # Only single characters and words nested in other listed words depend on segmentation.
                    if finish - begin == 1 or finish <= reach or (occurrences and occurrences[-1][0] == begin):
                        doubtful.append(begin)
                    occurrences.append((begin, finish, word))
                    reach = max(reach, finish)
                finish += 1
        if doubtful:
            occurrences = self._on_tokens(text, occurrences, doubtful, tokens)
        return list(dict.fromkeys(word for _, _, word in occurrences))

    def _on_tokens(
        self, text: str, occurrences: list[tuple[int, int, str]], doubtful: list[int], tokens: list[str] | None
    ) -> list[tuple[int, int, str]]:
        """Keep single characters that jieba made tokens, and drop words inside a longer listed token."""
        # jieba segments each run of word characters on its own, so only the runs holding a doubtful word matter.
        segmented = [block.span() for block in word_blocks().finditer(text)
                     if any(block.start() <= position < block.end() for position in doubtful)]
        single_tokens: set[int] = set()
        listed_tokens: list[tuple[int, int]] = []
        for start, end, token in self._spans(text, segmented, tokens):
            if end == start + 1:
                single_tokens.add(start)
            elif self._trie.get(token):
                listed_tokens.append((start, end))
        return [
            (begin, finish, word)
            for begin, finish, word in occurrences
            if not _inside(begin, finish, segmented, proper=False)
            or (begin in single_tokens if finish - begin == 1 else not _inside(begin, finish, listed_tokens))
        ]

    def _spans(self, text: str, blocks: list[tuple[int, int]], tokens: list[str] | None
               ) -> Iterator[tuple[int, int, str]]:
        """(start, end, token) of jieba's tokens inside the blocks: from the given tokens of the whole text, or by
        segmenting just those blocks (the same tokens: jieba cuts each block on its own)."""
        if tokens is None:
            for start, stop in blocks:
                for token in self.segmenter.tokens(text[start:stop]):
                    yield start, start + len(token), token
                    start += len(token)
            return
        position = 0
        for token in tokens:
            start, position = position, position + len(token)
            if any(low <= start and position <= high for low, high in blocks):
                yield start, position, token


def _build_index(taxonomy: Taxonomy) -> dict[str, tuple[_Entry, ...]]:
    entries: dict[str, list[_Entry]] = {}
    order = 0
    for position, category in enumerate(taxonomy.categories):
        for word, weight in category.keywords.items():
            entries.setdefault(word, []).append(_Entry(position, weight, order))
            order += 1
        for word, weight in category.negative.items():
            entries.setdefault(word, []).append(_Entry(position, -weight, order))
            order += 1
    return {word: tuple(found) for word, found in entries.items()}


def _top_two(scores: list[float]) -> tuple[int | None, int | None]:
    """Indexes of the two highest positive scores; the earlier category wins a tie."""
    best: int | None = None
    second: int | None = None
    for index, score in enumerate(scores):
        if score <= 0.0:
            continue
        if best is None or score > scores[best]:
            best, second = index, best
        elif second is None or score > scores[second]:
            second = index
    return best, second


def _inside(begin: int, finish: int, spans: list[tuple[int, int]], proper: bool = True) -> bool:
    """Whether [begin, finish) lies inside one of the spans (and, if proper, is not that span itself)."""
    return any(
        low <= begin and finish <= high and not (proper and (low, high) == (begin, finish)) for low, high in spans
    )


def _confidence(best: float, second: float) -> float:
    """Strength of the evidence (saturating in the total weight) times the best category's share of it."""
    strength = 1.0 - math.exp(-best / SATURATION)
    share = best / (best + second)
    return strength * share
