"""Words as a person typed them, looked for in a text column the same way on SQLite and PostgreSQL.

SQLite's LIKE ignores the case of Latin letters and PostgreSQL's does not: "b座" found "B座" in the demo and
nothing in a city's deployment, in the console's search and in the names a refusal suggests. `holds_words` is
ILIKE on PostgreSQL and lower() LIKE lower() on SQLite.

Width: a Chinese input method in full-width mode types Latin letters, digits and signs as their full-width forms
("Ｂ座３单元"), residents' words are stored as typed, and the console normalises what it looks for (NFKC: "B座3单元").
Both sides are compared narrowed: translate() turns the column's full-width forms into ASCII (a function of
storage/db.py on SQLite; on PostgreSQL the trigram index of appeals.content is on the same expression, migration
0050), and the words are narrowed the same way.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, func, literal

# The full-width forms (U+FF01-U+FF5E, the ideographic space) and the printable ASCII characters they stand for.
WIDE = "".join(chr(code) for code in range(0xFF01, 0xFF5F)) + "\u3000"
NARROW = "".join(chr(code) for code in range(0x21, 0x7F)) + " "
_TO_NARROW = str.maketrans(WIDE, NARROW)


def narrowed(column: Any) -> ColumnElement[str]:
    """The column with its full-width letters, digits and signs as ASCII (the expression the trigram index is on)."""
    # Literals, not parameters: PostgreSQL uses an expression index only for the very expression it was built on.
    return func.translate(column, literal(WIDE, literal_execute=True), literal(NARROW, literal_execute=True))


def holds_words(column: Any, words: str) -> ColumnElement[bool]:
    """`column` holds `words` as typed (a % or _ is a character, not a wildcard), Latin letters in either case,
    letters, digits and signs in either width."""
    narrow = words.translate(_TO_NARROW)
    escaped = narrow.replace("/", "//").replace("%", "/%").replace("_", "/_")
    return narrowed(column).ilike(f"%{escaped}%", escape="/")
