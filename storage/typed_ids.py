"""A row's id as a person typed it (gridbot staff disable 12, 确认报到 7, a console form's grid): digits that a
database id can hold, or nothing.

`str.isdigit` is no test for that: it accepts "²" and "𐩀", which int() refuses, and twenty digits overflow the
64-bit integer SQLite and PostgreSQL keep ids in. Either would fail inside a transaction, where it is no refusal.
"""

from __future__ import annotations

import unicodedata

MAX_ID = 2**63 - 1  # a signed 64-bit integer: SQLite's INTEGER, PostgreSQL's BIGINT


def typed_id(typed: str) -> int | None:
    """The id `typed` names: ASCII digits once normalised (full-width ones are read), at most MAX_ID; else None."""
    text = unicodedata.normalize("NFKC", typed).strip()
    if not (text.isascii() and text.isdigit() and len(text) <= len(str(MAX_ID))):
        return None
    number = int(text)
    return number if number <= MAX_ID else None
