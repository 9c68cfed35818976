"""Emergencies: a message that names a danger to life (火情, 急病, 暴力, 燃气, 困电梯) is recognised before anything else.

Pure: text in, the taxonomy's `Emergency` out (or None). The first emergency in file order with a phrase in the
message wins. A phrase is a word ("着火") or parts joined with "+" that must all appear in that order ("电梯+困":
"3号楼电梯又不动了，困了好久"). An emergency's `not` phrases are cut out of the message before its phrases are
looked for, so "煤气费" never reads as gas and "火灾隐患" (a hazard to report) never as a fire. False alarms cost
staff a run; a missed one can cost a life, so the phrases name the danger itself, not the things near it
("电梯坏了" is an ordinary appeal, "困在电梯" is not).
"""

from __future__ import annotations

import functools
import re

from nlp.cleaning import to_simplified
from nlp.taxonomy import PHRASE_JOIN, Emergency, Taxonomy, normalize_text

_NOISE = re.compile(r"\s+")  # voice recognition spaces words out ("着 火 了")


def recognise(taxonomy: Taxonomy, text: str) -> Emergency | None:
    """The emergency `text` names, or None."""
    # Phrases are simplified: "煤氣味" from a phone set to traditional characters is the same danger.
    folded = _NOISE.sub("", to_simplified(normalize_text(text)))
    for emergency in taxonomy.emergencies:
        remaining = folded
        for phrase in emergency.not_phrases:
            remaining = remaining.replace(phrase, " ")
        if _pattern(emergency.phrases).search(remaining):
            return emergency
    return None


@functools.lru_cache(maxsize=256)
def _pattern(phrases: tuple[str, ...]) -> re.Pattern[str]:
    """One expression for all of an emergency's phrases, each part in order ("电梯+困": 电梯, later 困): every
    message is checked against every emergency, and one search costs a fraction of a find per part."""
    if not phrases:
        return re.compile(r"(?!)")  # no phrase: never
    return re.compile("|".join(".*?".join(re.escape(part) for part in phrase.split(PHRASE_JOIN))
                               for phrase in phrases), re.DOTALL)
