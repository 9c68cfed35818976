"""Words as a person typed them, looked for in a text column the same way on SQLite and PostgreSQL.

SQLite's LIKE ignores the case of Latin letters and PostgreSQL's does not: "b座" found "B座" in the demo and
nothing in a city's deployment, in the console's search and in the names a refusal suggests. `holds_words` is
ILIKE on PostgreSQL and lower() LIKE lower() on SQLite.

Forms: a Chinese input method in full-width mode types Latin letters, digits and signs as their full-width forms
("Ｂ座３单元"), and residents send the compatibility characters their keyboards offer: ㎡, circled and
parenthesised numbers (①号楼, ⑴, ㈠), ㈱-style signs. Words are stored as typed. Both sides are compared in
Unicode's NFKC form, as the console already normalises what it looks for: "50㎡" is found by "50m2" and "①号楼"
by "1号楼", and the other way round. normalize(…, 'NFKC') is PostgreSQL's (13+, a UTF8 database; immutable, so the
trigram index of appeals.content is on the same expression, migration 0051) and a function of storage/db.py on
SQLite. 〇 stays 〇: NFKC leaves it, and reading it as 零 or 0 would be a guess (二〇二六年, but 一百零五).
"""

from __future__ import annotations

import unicodedata
from typing import Any

from sqlalchemy import ColumnElement, Text
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

FORM = "NFKC"


class _Nfkc(FunctionElement[str]):
    """normalize(column, NFKC): PostgreSQL's grammar takes the form as a keyword (a string there is a syntax error),
    SQLite's function (storage/db.py) as a string. Never a parameter: PostgreSQL uses an expression index only for
    the very expression it was built on."""

    type = Text()
    name = "normalize"
    inherit_cache = True


@compiles(_Nfkc)
def _nfkc_as_a_string(element: _Nfkc, compiler: SQLCompiler, **kw: Any) -> str:
    return f"normalize({compiler.process(element.clauses, **kw)}, '{FORM}')"


@compiles(_Nfkc, "postgresql")
def _nfkc_as_a_keyword(element: _Nfkc, compiler: SQLCompiler, **kw: Any) -> str:
    return f"normalize({compiler.process(element.clauses, **kw)}, {FORM})"


def narrowed(column: Any) -> ColumnElement[str]:
    """The column in NFKC: full-width letters, digits and signs as ASCII, ㎡ as m2, ① as 1 (the expression the
    trigram index is on)."""
    return _Nfkc(column)


def holds_words(column: Any, words: str) -> ColumnElement[bool]:
    """`column` holds `words` as typed (a % or _ is a character, not a wildcard), Latin letters in either case,
    letters, digits and signs in any of the forms NFKC takes as one (Ｂ and B, ㎡ and m2, ① and 1)."""
    narrow = unicodedata.normalize(FORM, words)
    escaped = narrow.replace("/", "//").replace("%", "/%").replace("_", "/_")
    return narrowed(column).ilike(f"%{escaped}%", escape="/")
