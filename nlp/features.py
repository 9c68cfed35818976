"""What the trained model sees of a message: jieba's words and the characters, alone and in pairs.

Words carry meaning; character n-grams survive typos (电悌), dialect spellings and words jieba doesn't know,
which short WeChat messages are full of. Feature names carry a prefix so a word and a character never collide.
"""

from __future__ import annotations

import re

from nlp.segmenter import Segmenter
from nlp.taxonomy import normalize_text

WORD = "w:"
CHARS = "c:"
CHAR_NGRAMS = (1, 2)
_NOT_WORD = re.compile(r"[\W_]+")


def features(text: str, segmenter: Segmenter) -> list[str]:
    """The feature names of text, with repeats (term frequency counts them)."""
    folded = normalize_text(text)
    names = [WORD + word for word in segmenter.words(folded)]
    letters = letters_of(folded)
    for size in CHAR_NGRAMS:
        names.extend(CHARS + letters[start:start + size] for start in range(len(letters) - size + 1))
    return names


def letters_of(folded: str) -> str:
    """The letters and digits of normalised text, whitespace and punctuation dropped."""
    return _NOT_WORD.sub("", folded)


def readable(name: str) -> str:
    """A feature name as a person reads it: the word or characters without the prefix."""
    return name.split(":", 1)[1]


def is_word_feature(name: str) -> bool:
    return name.startswith(WORD)
