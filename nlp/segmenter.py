"""jieba, set up once per process: its dictionary, the shipped and operators' user dictionaries, taxonomy words."""

from __future__ import annotations

import hashlib
import logging
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
        """jieba's tokens of already normalised text, punctuation included (no HMM: deterministic)."""
        return self.tokenizer().lcut(folded, HMM=False)

    def words(self, folded: str, tokens: list[str] | None = None) -> list[str]:
        """The tokens (computed unless given) without whitespace and punctuation."""
        return [token for token in (self.tokens(folded) if tokens is None else tokens) if is_word(token)]

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
