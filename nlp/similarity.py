"""How alike two appeals' words are: Dice overlap of characters and character pairs, after folding away what
says nothing.

Used to offer a resident the open appeal of a neighbour about the same problem ("我也遇到"). The candidates
are already the same grid, building and category, so the words only have to say "the same thing": the
address ("3号楼2单元") and filler ("了", "一直", "不来修") would make any two appeals of one building look
alike and are removed first. Single characters let "电梯坏了" meet "电梯又坏了，上下楼很不方便"; pairs keep word
order in play. Pure and deterministic; no jieba (needs no dictionary, costs microseconds). Known limit: one
shared noun with different troubles ("地下车库积水" / "地下车库乱停车") scores high; the category, which
must also agree, usually tells those apart.

`is_repeat` asks a stricter question, for one sender's own messages: is this the same message again (resent,
re-punctuated, a word added)? There the address and the filler stay in, and any number must be the same.
"""

from __future__ import annotations

import functools
import re

from nlp.cleaning import to_simplified
from nlp.taxonomy import normalize_text

# At or above this, two appeals of the same building and category are offered as one (see the test pairs in
# tests/unit/test_similarity.py: restatements of one fault score 0.3-1.0, different faults of one building
# below 0.3). A wrong offer costs little: the new appeal is filed and handled either way, the resident declines.
SIMILAR_ENOUGH = 0.3

_ADDRESS = re.compile(r"[0-9一二三四五六七八九十百零两a-z]+\s*(号楼|号|栋|幢|单元|层|楼|室|座|门)")
_FILLER = re.compile(
    r"我们|我家|我|你们|请|帮忙|麻烦|一下|一直|总是|还是|已经|好几天|几天|今天|昨天|现在|又|也|都|还|了|的|得|吧|啊|呢|吗"
    r"|物业|小区|这里|那里|这个|那个|有人|怎么办|谁来|尽快|赶紧|希望|处理|解决|什么时候|严重|经常"
    # How people complain is the same whatever broke: what broke is what tells two appeals apart.
    r"|不来修|没人修|没人管|不管|没人|不来|维修|修理|修好|修|坏掉|坏"
)
_NOT_A_WORD_CHARACTER = re.compile(r"[^\w]|_|\d")
_PUNCTUATION = re.compile(r"[^\w]|_")
_NUMBER = re.compile(r"\d+")
# At or above this (and with the same numbers), a sender's message restates one of their own appeals. Measured on
# the pairs in tests/unit/test_similarity.py: the same words resent, re-punctuated or with a few words added
# score 0.88-1.0; one changed noun of a short complaint ("电梯" / "楼道灯", "楼上" / "楼下") 0.67-0.80.
REPEAT_SIMILARITY = 0.85


def significant_text(text: str) -> str:
    """The words that describe the problem: normalised, without the address, filler, digits and punctuation."""
    folded = _ADDRESS.sub(" ", _folded(text))
    folded = _FILLER.sub(" ", folded)
    return _NOT_A_WORD_CHARACTER.sub(" ", folded)


# Runs in the webhook for each candidate: an open appeal's words are scored again for every similar message.
@functools.lru_cache(maxsize=4096)
def features(text: str) -> frozenset[str]:
    """The characters and the character pairs inside each run of significant text."""
    return _grams(significant_text(text))


def text_similarity(first: str, second: str) -> float:
    """0.0 (nothing in common) to 1.0 (the same significant words), symmetric."""
    return _dice(features(first), features(second))


def is_repeat(first: str, second: str) -> bool:
    """True when `second` is `first` again: the same numbers (3号楼 is not 5号楼) and nearly the same characters."""
    return numbers(first) == numbers(second) and wording_similarity(first, second) >= REPEAT_SIMILARITY


def wording_similarity(first: str, second: str) -> float:
    """Dice overlap of the characters and character pairs of the whole normalised texts, punctuation aside."""
    return _dice(_all_grams(first), _all_grams(second))


def numbers(text: str) -> tuple[str, ...]:
    """The numbers in the text, in order (after folding full-width digits)."""
    return tuple(_NUMBER.findall(normalize_text(text)))


@functools.lru_cache(maxsize=1024)
def _all_grams(text: str) -> frozenset[str]:
    return _grams(_PUNCTUATION.sub(" ", _folded(text)))


def _folded(text: str) -> str:
    """Folded as the classifier reads it: half-width, lower case, simplified ("電梯壞了" is "电梯坏了")."""
    return to_simplified(normalize_text(text))


def _grams(folded: str) -> frozenset[str]:
    """The characters and the character pairs inside each run of `folded` (runs are separated by spaces)."""
    grams: set[str] = set()
    for run in folded.split():
        grams.update(run)
        grams.update(run[index:index + 2] for index in range(len(run) - 1))
    return frozenset(grams)


def _dice(a: frozenset[str], b: frozenset[str]) -> float:
    return 2 * len(a & b) / (len(a) + len(b)) if a and b else 0.0
