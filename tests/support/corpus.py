"""Parts of the shipped corpus, for tests of `gridbot nlp train` whose outcome does not depend on how much of it
there is: fitting all of it takes seconds of CPU, and tests/integration/test_nlp_retrain.py does that once."""

from __future__ import annotations

from collections import Counter
from typing import Iterable

import pytest

from nlp import retraining
from nlp.dataset import Example


def first_of_each(examples: Iterable[Example], count: int) -> list[Example]:
    """The first `count` examples of every label, in the corpus's order."""
    taken: Counter[str] = Counter()
    chosen = []
    for example in examples:
        if taken[example.label] < count:
            taken[example.label] += 1
            chosen.append(example)
    return chosen


def small_shipped_corpus(monkeypatch: pytest.MonkeyPatch) -> tuple[list[Example], list[Example]]:
    """`nlp train --from-db` joins three examples of each category to the database's, and judges on one of each
    held out: every category still has examples, as in the whole corpus. Returns the two splits it uses."""
    train, test = retraining.shipped_corpus()
    small = first_of_each(train, 3), first_of_each(test, 1)
    monkeypatch.setattr(retraining, "shipped_corpus", lambda: small)
    return small
