"""The taxonomy loader's reason for refusing an edit, in the operator's words.

nlp/taxonomy.py words its errors in English for the log, as `<source>: <where>: <problem>`; the console shows
them in Chinese: where (类别“噪音扰民”, 第 3 个细分…) and what is wrong, by the pattern tables of texts.py. A
problem no pattern knows is shown as the loader wrote it, never dropped.
"""

from __future__ import annotations

import re

from bot.web.console import texts

_PLACES = tuple((re.compile(pattern), wording) for pattern, wording in texts.TAXONOMY_PLACES)
_PROBLEMS = tuple((re.compile(f"(?:^|: )(?:{pattern})$", re.DOTALL), wording)
                  for pattern, wording in texts.TAXONOMY_PROBLEMS)


def in_chinese(message: str, source: str) -> str:
    """The loader's message about `source` as one Chinese line: where, then what is wrong."""
    rest = message.removeprefix(f"{source}: ")
    for pattern, wording in _PROBLEMS:
        found = pattern.search(rest)
        if found is None:
            continue
        problem = found.expand(wording)  # the wrapper's group is non-capturing: the table's \1 is group 1
        where = _where(rest[:found.start()])
        return f"{where}：{problem}" if where else problem
    return texts.TAXONOMY_UNKNOWN_PROBLEM.format(message=rest)


def _where(location: str) -> str:
    for pattern, wording in _PLACES:
        location = pattern.sub(wording, location)
    return location.replace(": ", " · ")
