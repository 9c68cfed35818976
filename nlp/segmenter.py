"""jieba, set up once per process: its dictionary, the shipped and operators' user dictionaries, taxonomy words.

Segmenting is jieba's own algorithm without the HMM (the route of highest probability through the words of its
dictionary found in the text), run by `_route_words` with jieba's dictionary and tie-breaks: the same tokens as
`Tokenizer.lcut(text, HMM=False)` (a unit test holds them equal on the corpus), at about 1.6 times its pace.
jieba builds a dictionary of every word's candidate ends and takes the best with max over a generator for
each character; for a short message that bookkeeping, not the dictionary lookups, is most of the time.
"""

from __future__ import annotations

import hashlib
import logging
import math
import re
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from nlp.taxonomy import DATA_DIR

if TYPE_CHECKING:
    import jieba

SHIPPED_USERDICT = DATA_DIR / "userdict.txt"
_WORD_CHARACTER = re.compile(r"[^\W_]")
_PREFIX = -math.inf  # in Segmenter._log_frequency: a prefix of words, no word itself (frequency 0)
_ASCII_LETTER = re.compile("[a-zA-Z0-9]")  # jieba's re_eng: runs of single ASCII tokens are joined


class Segmenter:
    """A jieba tokenizer that knows the taxonomy's words and the user dictionaries; loaded on first use."""

    def __init__(self, words: Iterable[str] = (), userdict_paths: Iterable[str | Path] = ()) -> None:
        self._words = tuple(dict.fromkeys(words))
        self.userdict_paths = tuple(Path(path) for path in userdict_paths)
        for path in self.userdict_paths:
            if not path.is_file():
                raise FileNotFoundError(f"jieba user dictionary not found: {path}")
        self._tokenizer: jieba.Tokenizer | None = None
        self._lock = threading.Lock()
        # ln(frequency) of the words met so far, _PREFIX for the prefixes: jieba's dictionary holds 350,000 words
        # and as many prefixes, and a lookup in it is mostly waiting for memory; the few thousand a street's
        # messages use stay in the processor's cache. The tokenizer is not changed after loading, so a word's
        # frequency stays what it was. What is in neither is not kept: that would grow with every message.
        self._log_frequency: dict[str, float] = {}

    def preload(self) -> None:
        """Load the dictionaries now (idempotent); call before forking workers."""
        self.tokenizer()

    def tokenizer(self) -> jieba.Tokenizer:
        """The loaded jieba tokenizer."""
        tokenizer = self._tokenizer
        if tokenizer is None:
            with self._lock:
                if self._tokenizer is None:
                    self._tokenizer = _load_tokenizer(self._words, self.userdict_paths)
                tokenizer = self._tokenizer
        return tokenizer

    def tokens(self, folded: str) -> list[str]:
        """jieba's tokens of already normalised text, punctuation included (no HMM: deterministic); the same as
        `self.tokenizer().lcut(folded, HMM=False)`."""
        import jieba

        tokenizer = self.tokenizer()
        found: list[str] = []
        blocks = jieba.re_han_default
        for block in blocks.split(folded):
            if not block:
                continue
            if blocks.match(block):
                found += self._route_words(block, tokenizer.FREQ, tokenizer.total)
            else:  # whitespace runs' parts one token each, every other character one token: as jieba.cut
                for part in jieba.re_skip_default.split(block):
                    if jieba.re_skip_default.match(part):
                        found.append(part)
                    else:
                        found += part
        return found

    def _route_words(self, block: str, frequencies: dict[str, int], total: int) -> list[str]:
        """jieba's Tokenizer.__cut_DAG_NO_HMM of one block: get_DAG and calc in one backward pass."""
        size = len(block)
        log_total = math.log(total)
        known = self._log_frequency
        score = [0.0] * (size + 1)
        end = [0] * (size + 1)
        for start in range(size - 1, -1, -1):
            best, best_end = -math.inf, start
            finish = start
            fragment = block[start]
            while True:
                logarithm = known.get(fragment)
                if logarithm is None:
                    frequency = frequencies.get(fragment)
                    if frequency is None:  # neither a word nor a word's prefix: no longer word starts here
                        break
                    logarithm = known[fragment] = math.log(frequency) if frequency else _PREFIX
                if logarithm != _PREFIX:
                    value = logarithm - log_total + score[finish + 1]  # jieba's sum, in jieba's order
                    if value >= best:  # jieba's max over (score, end): the longer word wins a tie
                        best, best_end = value, finish
                finish += 1
                if finish >= size:
                    break
                fragment = block[start:finish + 1]
            if best_end == start and best == -math.inf:  # no word starts here: the character alone, frequency 1
                best = score[start + 1] - log_total
            score[start], end[start] = best, best_end
        words: list[str] = []
        letters = ""
        position = 0
        while position < size:
            following = end[position] + 1
            word = block[position:following]
            if following - position == 1 and _ASCII_LETTER.match(word):
                letters += word
            else:
                if letters:
                    words.append(letters)
                    letters = ""
                words.append(word)
            position = following
        if letters:
            words.append(letters)
        return words

    def words(self, folded: str, tokens: list[str] | None = None) -> list[str]:
        """The tokens (computed unless given) without whitespace and punctuation."""
        # is_word inlined: this runs for every message
        return [token for token in (self.tokens(folded) if tokens is None else tokens)
                if token.isalnum() or _WORD_CHARACTER.search(token) is not None]

    def fingerprint(self) -> str:
        """What segmentation depends on besides jieba itself: the added words and the user dictionaries."""
        digest = hashlib.sha256()
        for source in (SHIPPED_USERDICT, *self.userdict_paths):
            digest.update(source.read_bytes())
        digest.update("\n".join(sorted(self._words)).encode())
        return digest.hexdigest()[:16]


def is_word(token: str) -> bool:
    """Whether a token holds a letter or digit (not only whitespace or punctuation)."""
    return token.isalnum() or _WORD_CHARACTER.search(token) is not None  # the first test settles most tokens


def word_blocks() -> re.Pattern[str]:
    """jieba's pattern for the runs of word characters it segments independently of each other."""
    import jieba

    return jieba.re_han_default


def _load_tokenizer(words: tuple[str, ...], userdicts: tuple[Path, ...]) -> jieba.Tokenizer:
    import jieba

    # jieba logs "Building prefix dict ..." at DEBUG to its own stderr handler; keep process starts quiet.
    jieba.setLogLevel(logging.INFO)
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    _load_userdict(tokenizer, SHIPPED_USERDICT)
    for word in words:
        # Taxonomy words must segment as words; user dictionaries loaded after may still override them.
        if len(word) > 1 and not tokenizer.FREQ.get(word):
            tokenizer.add_word(word)
    for path in userdicts:
        _load_userdict(tokenizer, path)
    return tokenizer


def _load_userdict(tokenizer: jieba.Tokenizer, path: Path) -> None:
    # Given a path, jieba opens the file and never closes it; given the open file, it reads it and we close it.
    with open(path, "rb") as handle:
        tokenizer.load_userdict(handle)
