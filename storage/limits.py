"""How much free text people may write, field by field: one table for every field staff and residents fill in.

A message over its field's limit is refused whole (the reply states the limit and the length received) and
nothing of it is stored: cutting it silently would lose the part that mattered. Lengths count characters as
Python does (one per code point), which is how people count 字.

Why these numbers:
- an appeal (a resident's text or voice, 转人工, a grid member's 上报) 1,000: the longest real appeals in the
  corpus are a few hundred characters; 1,000 leaves room for a detailed account, and a task card still shows
  the start of it (notices are cut to what WeChat accepts, 查询 shows the whole text);
- a note (进展, 办结, 挂起 and 退回 reasons, 结案 说明) 300: one to three sentences a resident reads on a phone;
  300 CJK characters are 900 UTF-8 bytes, so the longest notice wording around it stays under WeChat's
  2,048-byte text limit and is never cut;
- a department (转办, invites) 64 and a category (分类) 32: the lengths of their columns;
- an invited person's name 32: the length of the column, and longer than any Chinese name;
- a 门牌 32: the length of the column; 3号楼2单元501 is 9;
- a Party organisation or volunteer team (党员报到, 志愿者报名) 64: the length of its column;
- a 微心愿 200: who needs what and where to meet (为3号楼独居的李奶奶代买一周的菜), a few sentences a volunteer
  reads in 可领任务 (the start of it) and in full when they take it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class TextField(StrEnum):
    APPEAL = "appeal"
    NOTE = "note"
    DEPARTMENT = "department"
    CATEGORY = "category"
    NAME = "name"
    DOOR = "door"
    ORGANISATION = "organisation"
    WISH = "wish"


LIMITS: dict[TextField, int] = {
    TextField.APPEAL: 1000,
    TextField.NOTE: 300,
    TextField.DEPARTMENT: 64,
    TextField.CATEGORY: 32,
    TextField.NAME: 32,
    TextField.DOOR: 32,
    TextField.ORGANISATION: 64,
    TextField.WISH: 200,
}


@dataclass(frozen=True)
class TooLong:
    """A text over its field's limit: what the refusal says."""

    field: TextField
    limit: int
    length: int


def excess(field: TextField, text: str) -> TooLong | None:
    """The refusal's facts if `text` is longer than its field allows, else None."""
    limit = LIMITS[field]
    return TooLong(field, limit, len(text)) if len(text) > limit else None
