"""A row's id as a person typed it (gridbot staff disable 12, 确认报到 7, a console form's grid): digits that a
database id can hold, or nothing.

`str.isdigit` is no test for that: it accepts "²" and "𐩀", which int() refuses, and a number past the id columns
overflows them: eleven digits (a phone number typed for an id) already do on PostgreSQL. Either would fail inside a
transaction, where it is no refusal.
"""

from __future__ import annotations

import unicodedata

# The id columns are INTEGER: 64 bits on SQLite, 32 on PostgreSQL (not BIGINT), whose query fails past it ("integer
# out of range") where SQLite's finds no row.
MAX_ID = 2**31 - 1


def typed_id(typed: str) -> int | None:
    """The id `typed` names: ASCII digits once normalised (full-width ones are read), at most MAX_ID; else None."""
    text = unicodedata.normalize("NFKC", typed).strip()
    if not (text.isascii() and text.isdigit() and len(text) <= len(str(MAX_ID))):
        return None
    number = int(text)
    return number if number <= MAX_ID else None
