"""What the trained model sees of a message: jieba's words and the characters, alone and in pairs.

Words carry meaning; character n-grams survive typos (电悌), dialect spellings and words jieba doesn't know,
which short WeChat messages are full of. Feature names carry a prefix so a word and a character never collide.
The text is first `nlp.cleaning.prepare`d (no pleasantries, masks as one token, simplified); in a long message
the words and characters of its lead (title or first sentence) count twice, since that is where the topic is.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from operator import add

from nlp.cleaning import lead, prepare
from nlp.segmenter import Segmenter
from nlp.taxonomy import normalize_text

WORD = "w:"
CHARS = "c:"
# An averaged model's partner may read a long text's lead as features of their own (lead_apart_features): these
# prefixes instead of counting it twice among the rest's.
LEAD_WORD = "lw:"
LEAD_CHARS = "lc:"
CHAR_NGRAMS = (1, 2)  # the sizes a model uses unless its training recipe says otherwise (nlp.training.Recipe)
_NOT_WORD = re.compile(r"[\W_]+")


def features(text: str, segmenter: Segmenter, char_ngrams: tuple[int, ...] = CHAR_NGRAMS) -> list[str]:
    """The feature names of text, with repeats (term frequency counts them)."""
    words, runs = pieces(normalize_text(prepare(text)), segmenter)
    names = [WORD + word for word in words]
    for letters in runs:
        for size in char_ngrams:
            names.extend(CHARS + gram for gram in ngrams(letters, size))
    return names


def lead_apart_features(text: str, segmenter: Segmenter, char_ngrams: tuple[int, ...] = CHAR_NGRAMS) -> list[str]:
    """`features`, but a long text's lead adds its words and characters under LEAD_WORD and LEAD_CHARS, features
    of their own, instead of once more as the rest's: so that a model can weigh what the opening says apart."""
    words, letters, lead_words, lead_letters = parts(normalize_text(prepare(text)), segmenter)
    names = [WORD + word for word in words] + [LEAD_WORD + word for word in lead_words]
    for prefix, run in ((CHARS, letters), (LEAD_CHARS, lead_letters)):
        for size in char_ngrams:
            names.extend(prefix + gram for gram in ngrams(run, size))
    return names


def ngrams(letters: str, size: int) -> Iterable[str]:
    """The runs of `size` consecutive characters of letters, in order (built in C: this runs for every message)."""
    if size == 1:
        return letters
    if size == 2:
        return map(add, letters, letters[1:])
    return map("".join, zip(*(letters[offset:] for offset in range(size)), strict=False))  # shorter tails end it


def pieces(folded: str, segmenter: Segmenter, tokens: list[str] | None = None) -> tuple[list[str], list[str]]:
    """The words of normalised text, and the runs of letters its character n-grams are taken from; a long
    text's lead adds its words and its letters once more. `tokens`: jieba's tokens of folded, if known."""
    every = segmenter.tokens(folded) if tokens is None else tokens
    words = segmenter.words(folded, every)
    first = lead(folded)
    if not first:
        return words, [letters_of(folded)]
    return words + segmenter.words(first, _lead_tokens(every, first)), [letters_of(folded), letters_of(first)]


def parts(folded: str, segmenter: Segmenter, tokens: list[str] | None = None) -> tuple[list[str], str, list[str], str]:
    """The words and letters of normalised text, then those of its lead (none for a short text): `pieces` with
    the lead kept apart. `tokens`: jieba's tokens of folded, if known."""
    every = segmenter.tokens(folded) if tokens is None else tokens
    words = segmenter.words(folded, every)
    first = lead(folded)
    if not first:
        return words, letters_of(folded), [], ""
    return words, letters_of(folded), segmenter.words(first, _lead_tokens(every, first)), letters_of(first)


def _lead_tokens(every: list[str], first: str) -> list[str]:
    """The tokens of a text (`every`) that make up its lead (`first`, where the text begins)."""
    position, repeated = 0, []
    for token in every:
        position += len(token)
        if position > len(first):
            break
        repeated.append(token)
    return repeated


def letters_of(folded: str) -> str:
    """The letters and digits of normalised text, whitespace and punctuation dropped."""
    return _NOT_WORD.sub("", folded)


def readable(name: str) -> str:
    """A feature name as a person reads it: the word or characters without the prefix."""
    return name.split(":", 1)[1]


def is_word_feature(name: str) -> bool:
    return name.startswith(WORD)


def is_lead_feature(name: str) -> bool:
    """Whether a feature is one of a lead read apart (LEAD_WORD, LEAD_CHARS)."""
    return name.startswith((LEAD_WORD, LEAD_CHARS))
