"""Emergencies: a message that names a danger to life (火情, 急病, 暴力, 燃气, 困电梯) is recognised before anything else.

Pure: text in, the taxonomy's `Emergency` out (or None). The first emergency in file order with a phrase in the
message wins. A phrase is a word ("着火") or parts joined with "+" that must all appear in that order ("电梯+困":
"3号楼电梯又不动了，困了好久"). An emergency's `not` phrases are cut out of the message before its phrases are
looked for, so "煤气费" never reads as gas and "火灾隐患" (a hazard to report) never as a fire. False alarms cost
staff a run; a missed one can cost a life, so the phrases name the danger itself, not the things near it
("电梯坏了" is an ordinary appeal, "困在电梯" is not).
"""

from __future__ import annotations

import re

from nlp.taxonomy import PHRASE_JOIN, Emergency, Taxonomy, normalize_text

_NOISE = re.compile(r"\s+")  # voice recognition spaces words out ("着 火 了")


def recognise(taxonomy: Taxonomy, text: str) -> Emergency | None:
    """The emergency `text` names, or None."""
    folded = _NOISE.sub("", normalize_text(text))
    for emergency in taxonomy.emergencies:
        remaining = folded
        for phrase in emergency.not_phrases:
            remaining = remaining.replace(phrase, " ")
        if any(_contains(remaining, phrase) for phrase in emergency.phrases):
            return emergency
    return None


def _contains(text: str, phrase: str) -> bool:
    position = 0
    for part in phrase.split(PHRASE_JOIN):
        found = text.find(part, position)
        if found < 0:
            return False
        position = found + len(part)
    return True
