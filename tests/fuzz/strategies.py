"""What people and programs type that nobody planned for: the fuzzing pass's shared strategies."""

from __future__ import annotations

import re

from hypothesis import strategies as st

# Characters a resident's phone, a voice transcript or a spreadsheet really produces, beside any code point.
CJK = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)
FULL_WIDTH = st.characters(min_codepoint=0xFF01, max_codepoint=0xFF5E)  # Ｇ２６１１… ，：（）
EMOJI = st.characters(min_codepoint=0x1F300, max_codepoint=0x1FAFF)
CONTROL = st.sampled_from(["\x00", "\x01", "\x08", "\x0b", "\x0c", "\x1b", "\x7f", "\u200b", "\u202e", "\ufeff",
                           "\r", "\n", "\t", "\u3000", "\u2028", "\ud800"])
ANY_CHARACTER = st.characters(codec="utf-8")  # every code point UTF-8 can carry (no lone surrogates)
WORDS = ["3号楼", "电梯坏了", "幸福里社区", "第一网格", "阳光花园", "张伟", "删除", "到", "12月31日", "社区", "明天",
         "已联系物业", "0531-87654321", "13812345678", "1单元", "501", "/", "物业", "一二三四五六七八九零一",
         "9999-12-31", "0001-01-01", "2月30日", "2026年13月1日", "到 12月31日为止", "-1", "0", "99", "1e309",
         "²", "𐩀", "١٢", "99999999999999999999", "#7", "１２"]


def characters() -> st.SearchStrategy[str]:
    return st.one_of(CJK, FULL_WIDTH, EMOJI, CONTROL, ANY_CHARACTER, st.sampled_from("0123456789 GgWwJj"))


def ticket_like() -> st.SearchStrategy[str]:
    """G/W/J and digits, of right and wrong lengths, cased and full-width as people type them."""
    prefix = st.sampled_from(["G", "g", "W", "w", "J", "Ｇ", "ｗ", ""])
    digits = st.text(st.sampled_from("0123456789"), min_size=1, max_size=14)
    wide = st.booleans()
    return st.builds(lambda p, d, w: p + (d.translate(_WIDE) if w else d), prefix, digits, wide)


_WIDE = str.maketrans("0123456789", "０１２３４５６７８９")


def free_text(max_size: int = 40) -> st.SearchStrategy[str]:
    """Unicode of every kind, the street's own words and numbers mixed in."""
    pieces = st.one_of(st.text(characters(), max_size=8), st.sampled_from(WORDS), ticket_like(),
                       st.integers(-10**12, 10**12).map(str))
    return st.lists(pieces, max_size=max_size // 4).map(lambda parts: " ".join(parts)[:max_size] if parts else "")


def long_text() -> st.SearchStrategy[str]:
    """Far past every limit of storage/limits.py (and the wire's own)."""
    return st.builds(lambda piece, times: piece * times, st.sampled_from(["长", "a", "😀", "电梯坏了，", "\x00"]),
                     st.integers(300, 9_000))  # 9,000 emoji still fit a 64 KiB body


def argument() -> st.SearchStrategy[str]:
    """What may follow a command's verb."""
    return st.one_of(
        st.just(""),
        free_text(),
        ticket_like(),
        st.builds(lambda ticket, words: f"{ticket} {words}", ticket_like(), free_text()),
        st.builds(lambda a, b: f"{a} {b}", ticket_like(), ticket_like()),
        long_text(),
    )


_NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe(text: str) -> str:
    """`text` without the characters XML 1.0 cannot carry: WeChat never sends them (the wire fuzz does)."""
    return _NOT_IN_XML.sub("", text)
