"""Words as a person typed them, looked for in a text column the same way on SQLite and PostgreSQL.

SQLite's LIKE ignores the case of Latin letters and PostgreSQL's does not: "b座" found "B座" in the demo and
nothing in a city's deployment, in the console's search and in the names a refusal suggests. `holds_words` is
ILIKE on PostgreSQL (a trigram index on the column serves it) and lower() LIKE lower() on SQLite.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement


def holds_words(column: Any, words: str) -> ColumnElement[bool]:
    """`column` holds `words` as typed (a % or _ is a character, not a wildcard), Latin letters in either case."""
    escaped = words.replace("/", "//").replace("%", "/%").replace("_", "/_")
    return column.ilike(f"%{escaped}%", escape="/")
