"""What people type as a phone number (工作电话, 我的电话, `gridbot invite --work-phone`) or a 门牌: checked and
normalised before anything is stored, so a refusal leaves nothing half-written."""

from __future__ import annotations

import re
import unicodedata

from storage.errors import DomainError
from storage.limits import LIMITS, TextField

# What people type around digits: spaces, dashes, brackets around an area code (NFKC makes them half-width).
_PUNCTUATION = re.compile(r"[\s\-—()]")
_BRACKETS = re.compile(r"[\s()]")
_MOBILE = re.compile(r"(?:\+?86)?(1[3-9]\d{9})")
# 区号-号码, optional -分机; the dash may be missing between area code and number, not before an extension.
# Area codes are 010, 02X or four digits from 03: 01012345678 is 010-12345678, never 0101-2345678. An office
# writes its extension after 转 or 分机 as often as after a dash (0531-87654321转8001).
_LANDLINE = re.compile(r"(010|02\d|0[3-9]\d{2})[-—]?(\d{7,8})(?:(?:[-—]|转|分机)(\d{1,6}))?")
# A 门牌 names a building, a unit and a room in digits and a few words (3号楼2单元501, 3-2-501, 8栋1002室).
_DOOR = re.compile(r"[0-9A-Za-z\u4e00-\u9fff\-#/]+")
# A 门牌 said aloud comes in numerals (三号楼二单元五零一, 十二栋): each run before a place word is a number.
_NUMERALS = "〇零一二三四五六七八九十两幺"
_SPOKEN_PART = re.compile(f"[{_NUMERALS}]+(?=号楼|号|栋|幢|单元|室|楼|层|$)")
_SPOKEN_DIGITS = str.maketrans("〇零一二三四五六七八九两幺", "0012345678921")
_SPOKEN_TENS = re.compile("([一二三四五六七八九])?十([一二三四五六七八九])?")
MAX_PHONE_INPUT = 24
DELETE_WORDS = frozenset({"删除", "删掉", "清除", "取消"})


class InvalidContact(DomainError):
    """A phone number or 门牌 that is not one; `what` is "phone" or "door", for the refusal's wording."""

    def __init__(self, what: str) -> None:
        super().__init__(what)
        self.what = what


def phone_number(typed: str) -> str:
    """The number as stored: a mobile's 11 digits, a landline as 区号-号码[-分机]; InvalidContact otherwise."""
    text = unicodedata.normalize("NFKC", typed).strip()
    if len(text) > MAX_PHONE_INPUT:
        raise InvalidContact("phone")
    mobile = _MOBILE.fullmatch(_PUNCTUATION.sub("", text))
    if mobile:
        return mobile.group(1)
    landline = _LANDLINE.fullmatch(_BRACKETS.sub("", text))
    if landline:
        return "-".join(part for part in landline.groups() if part)
    raise InvalidContact("phone")


def says_a_door(text: str) -> bool:
    """Whether words after 门牌 give one (3号楼2单元501, or said aloud 三号楼二单元五零一), not a sentence (门牌掉了)."""
    return any(character.isdigit() for character in text) or _SPOKEN_PART.search(text) is not None


def in_digits(text: str) -> str:
    """A 门牌 said in numerals written in digits: 三号楼二单元五零一 is 3号楼2单元501, 十二栋 12栋."""
    return _SPOKEN_PART.sub(lambda match: _spoken_number(match.group(0)), text)


def _spoken_number(said: str) -> str:
    tens = _SPOKEN_TENS.fullmatch(said)
    if tens is None:
        return said.translate(_SPOKEN_DIGITS)  # read digit by digit: 五零一
    return str(int((tens.group(1) or "一").translate(_SPOKEN_DIGITS)) * 10
               + int((tens.group(2) or "零").translate(_SPOKEN_DIGITS)))


def door_number(typed: str) -> str:
    """The 门牌 as stored, spaces dropped, numerals said aloud in digits; InvalidContact when over-long, without a
    digit or not an address."""
    text = in_digits(re.sub(r"\s+", "", unicodedata.normalize("NFKC", typed)))
    if len(text) > LIMITS[TextField.DOOR] or not re.search(r"\d", text) or not _DOOR.fullmatch(text):
        raise InvalidContact("door")
    return text
