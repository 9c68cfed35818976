"""FAQ matching: TF-IDF over words and character bigrams, cosine similarity, a threshold and a margin.

Each phrasing of an entry (its question and every alternate) is a document; an entry scores as its best
phrasing. Pure and deterministic: the same entries and text always give the same match.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Callable, Iterable, Sequence

from nlp.cleaning import strip_pleasantries, to_simplified
from nlp.taxonomy import normalize_text

# Below this a question is not answered. Set by tests/unit/test_faq_matcher.py: a paraphrase of a listed
# question ("居住证过期了怎么续签", "社区几点上班") scores 0.66-1.0, a different question about the same topic
# word ("低保被取消了能申诉吗" against 低保申请) about 0.4, an unrelated complaint shares no feature at all.
THRESHOLD = 0.6
# The best entry must beat the runner-up by this much: "补贴怎么申请" is as close to 高龄补贴 as to 残疾人补贴,
# and guessing between them answers the wrong question half the time.
MARGIN = 0.1
# Words that make a sentence a question but say nothing about which one: they neither count towards a
# match nor count against it. Numbers are left out too: "85岁" or "3号楼" are the asker's details, not the topic.
FUNCTION_WORDS = frozenset(
    "的 了 吗 呢 吧 啊 呀 么 嘛 我 我们 我家 你 你们 您 请问 请 问 一下 想 想问 要 需要 怎么 怎么样 怎样 如何 哪里 哪儿 "
    "哪 在哪 什么 啥 可以 能 能不能 能否 可不可以 是 是不是 在 有 没有 去 到 和 跟 还 都 就 也 这个 那个 这 那 个 一个 "
    "办 办理 怎么办 弄 申请 咨询 帮忙 帮 麻烦 下".split()
)
# Longest first, captured so that re.split keeps them as tokens of their own.
_FUNCTION_SPLITTER = re.compile(
    "(" + "|".join(re.escape(word) for word in sorted(FUNCTION_WORDS, key=len, reverse=True) if len(word) > 1) + ")"
)
# Word features weigh a little more than bigrams: a whole word shared is stronger evidence than a pair of characters.
WORD_WEIGHT = 1.5
BIGRAM_WEIGHT = 1.0

Tokenizer = Callable[[str], list[str]]


@dataclass(frozen=True)
class FaqMatch:
    """The closest entry to a question, how close (cosine, 0-1), and how close the next entry came."""

    entry_id: int
    score: float
    runner_up_score: float

    @property
    def confident(self) -> bool:
        """Close enough, and clearly closer than any other entry, to answer without a person."""
        return self.score >= THRESHOLD and self.score - self.runner_up_score >= MARGIN


class FaqIndex:
    """An inverted index over the phrasings of FAQ entries; built once, then searched per message."""

    def __init__(self, entries: Iterable[tuple[int, Sequence[str]]], tokenize: Tokenizer) -> None:
        """Index (entry id, phrasings) pairs; `tokenize` splits text into words (the classifier's jieba)."""
        self._tokenize = tokenize
        documents: list[tuple[int, dict[str, float]]] = []
        for entry_id, phrasings in entries:
            for phrasing in phrasings:
                counts = self._features(phrasing)
                if counts:
                    documents.append((entry_id, counts))
        total = len(documents)
        frequency: dict[str, int] = defaultdict(int)
        for _entry_id, counts in documents:
            for feature in counts:
                frequency[feature] += 1
        self._idf = {feature: _idf(total, seen) for feature, seen in frequency.items()}
        self._unseen_idf = _idf(total, 0)
        postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
        self._entry_of: list[int] = []
        for number, (entry_id, counts) in enumerate(documents):
            vector = {feature: count * self._idf[feature] for feature, count in counts.items()}
            norm = math.sqrt(sum(weight * weight for weight in vector.values()))
            for feature, weight in vector.items():
                postings[feature].append((number, weight / norm))
            self._entry_of.append(entry_id)
        self._postings = dict(postings)

    def __len__(self) -> int:
        return len(self._entry_of)

    def search(self, text: str) -> FaqMatch | None:
        """The closest entry to text, with its score and the runner-up's; None when nothing shares a feature."""
        counts = self._features(text)
        if not counts or not self._entry_of:
            return None
        vector = {feature: count * self._idf.get(feature, self._unseen_idf) for feature, count in counts.items()}
        norm = math.sqrt(sum(weight * weight for weight in vector.values()))
        scores: dict[int, float] = defaultdict(float)
        for feature, weight in vector.items():
            for number, document_weight in self._postings.get(feature, ()):
                scores[number] += weight * document_weight
        if not scores:
            return None
        best_of_entry: dict[int, float] = {}
        for number, score in scores.items():
            entry_id = self._entry_of[number]
            best_of_entry[entry_id] = max(best_of_entry.get(entry_id, 0.0), score / norm)
        # Ties go to the lower id (the earlier entry) so the answer never depends on dict order.
        ranked = sorted(best_of_entry.items(), key=lambda pair: (-pair[1], pair[0]))
        runner_up = ranked[1][1] if len(ranked) > 1 else 0.0
        return FaqMatch(entry_id=ranked[0][0], score=round(ranked[0][1], 4), runner_up_score=round(runner_up, 4))

    def match(self, text: str) -> FaqMatch | None:
        """The entry that answers text, or None when none is close enough or two are equally close."""
        found = self.search(text)
        return found if found is not None and found.confident else None

    def _features(self, text: str) -> dict[str, float]:
        """Content words and the character bigrams of each run of content words, weighted."""
        features: dict[str, float] = defaultdict(float)
        run: list[str] = []
        # Entries are written in simplified characters: "高齡補貼怎麼申請" is asked about the same words. A question
        # written as a letter ("您好！请问…？盼复。") is asked without its courtesies, which no entry shares.
        asked = strip_pleasantries(to_simplified(normalize_text(text)))
        for token in [*_split_function_words(self._tokenize(asked)), ""]:
            if token and token not in FUNCTION_WORDS and not token.isdigit():
                if len(token) > 1:  # a lone character is mostly a segmentation leftover ("怎么办" + "理")
                    features["w:" + token] += WORD_WEIGHT
                run.append(token)
                continue
            joined = "".join(run)
            # Bigrams across word boundaries catch segmentation differences ("居住证" vs "居住 证").
            for begin in range(len(joined) - 1):
                features["b:" + joined[begin:begin + 2]] += BIGRAM_WEIGHT
            run = []
        return dict(features)


def _split_function_words(tokens: list[str]) -> list[str]:
    """Split function words out of longer tokens: the classifier's dictionary keeps phrases such as "怎么办理" or
    "需要什么材料" whole, and only their last word says what the question is about."""
    split: list[str] = []
    for token in tokens:
        if len(token) > 2:
            split.extend(part for part in _FUNCTION_SPLITTER.split(token) if part)
        else:
            split.append(token)
    return split


def _idf(documents: int, containing: int) -> float:
    """Smoothed inverse document frequency: rare features weigh more, none weighs zero."""
    return math.log((1 + documents) / (1 + containing)) + 1.0
