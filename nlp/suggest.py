"""Keyword suggestions from operators' corrections: words common in a category's corrected texts, rare elsewhere."""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from typing import Iterable

from nlp.segmenter import Segmenter
from nlp.taxonomy import Taxonomy, normalize_text

MIN_COUNT = 2
PER_CATEGORY = 5


@dataclass(frozen=True)
class Suggestion:
    category: str
    word: str
    count: int  # corrected texts of the category containing the word
    score: float  # smoothed log-odds of the word in this category against all others


def suggest_keywords(corrections: Iterable[tuple[str, str]], taxonomy: Taxonomy, segmenter: Segmenter,
                     min_count: int = MIN_COUNT, per_category: int = PER_CATEGORY) -> list[Suggestion]:
    """For each category of the taxonomy, the words of (text, category) corrections worth adding as keywords.

    A word qualifies if it is in at least min_count corrected texts of the category, is not yet a keyword or
    negative word of any category, has two characters or more and is not a number.
    """
    listed = {word for category in taxonomy.categories for word in (*category.keywords, *category.negative)}
    documents: dict[str, list[set[str]]] = {}
    for text, label in corrections:
        words = {word for word in segmenter.words(normalize_text(text)) if len(word) > 1 and not word.isdigit()}
        documents.setdefault(label, []).append(words)
    everywhere = Counter(word for texts in documents.values() for words in texts for word in words)
    total = sum(len(texts) for texts in documents.values())
    suggestions = []
    for category in taxonomy.names:
        texts = documents.get(category, [])
        inside = Counter(word for words in texts for word in words)
        scored = []
        for word, count in inside.items():
            if count < min_count or word in listed:
                continue
            outside = everywhere[word] - count
            # Add-one smoothing keeps a word seen only here from scoring infinitely high.
            odds_in = (count + 1) / (len(texts) - count + 1)
            odds_out = (outside + 1) / (total - len(texts) - outside + 1)
            scored.append(Suggestion(category, word, count, round(math.log(odds_in / odds_out), 3)))
        scored.sort(key=lambda suggestion: (-suggestion.score, -suggestion.count, suggestion.word))
        suggestions.extend(scored[:per_category])
    return suggestions
