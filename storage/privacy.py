"""Personal data shown only in part: openids in logs, numbers in what residents read, a resident's own contact.

- `mask` shortens an openid (storage logs 认证 lockouts; the edge logs every request).
- `mask_personal_numbers` is the one function for phone and ID-card numbers in a text: every text a resident
  reads that carries staff's or residents' words (notices, 查询) goes through it (handlers/privacy.py hands it
  to the conversation), and so does a resident's own phone wherever its reader is not the appeal's handler.
  Staff read the numbers in appeals unmasked: they have to call people. `mask_id_numbers` masks only the ID-card
  numbers: a task card, which reaches the whole grid before anyone claims it, shows the phones a resident wrote
  (to be called on) but not an ID number (storage.contacts.words_on_card).
- `mask_door` hides the room of a 门牌 (3-2-501 → 3-2-***) the same way; `mask_for_volunteers` hides both the
  numbers and a room written inside a resident's words, for the community's volunteers (who never read a 门牌).

What is masked (the digits may be full-width, as Chinese input methods type them):
- mainland mobiles, 11 digits 1[3-9]…, also written 138 1234 5678 or 138-1234-5678, with or without +86:
  138****5678;
- landlines with an area code, 010-12345678, 0531 8765432, 0531 8765 4321, (0531)87654321, 01012345678:
  010-****5678;
- ID-card numbers, 18 characters (the last may be X; also grouped 6-8-4 by spaces or dashes, as cards are
  copied from other apps) or the old 15 digits, whose birth date is a real month and day: 110101********1234.
A number inside a longer run of digits (order, bank-card and serial numbers) is left alone: the patterns must
start and end where the digits do. Tickets (G2611230001), dates, times and amounts never take these shapes.
"""

from __future__ import annotations

import re


def mask(openid: str) -> str:
    """An openid shortened to tell users apart in logs without identifying them."""
    if len(openid) <= 8:
        return openid[:2] + "…"
    return f"{openid[:4]}…{openid[-2:]}"


_FULL_WIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
_HAS_FULL_WIDTH_DIGIT = re.compile("[０-９]")
_BEFORE = r"(?<![0-9])"  # not inside a longer number
_AFTER = r"(?![0-9])"
_DATE = r"(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])"
_PATTERN = re.compile(
    r"(?=[0-9+(（])"  # every number starts so: the other positions are skipped at once (6x faster on notes)
    + _BEFORE + "(?:"
    rf"(?P<id18>[1-9][0-9]{{5}}(?P<gap>[ -]?)(?:18|19|20)[0-9]{{2}}{_DATE}(?P=gap)[0-9]{{3}}[0-9Xx]){_AFTER}"
    rf"|(?P<id15>[1-9][0-9]{{5}}[0-9]{{2}}{_DATE}[0-9]{{3}}){_AFTER}"
    rf"|(?P<prefix>(?:\+|00)?86[ -]?)?(?P<mobile>1[3-9][0-9](?:[ -]?[0-9]{{4}}){{2}}){_AFTER}"
    rf"|(?P<area>[(（]?0[1-9][0-9]{{1,2}}[)）]?[ -]?)(?P<local>[1-9][0-9]{{2,3}} ?[0-9]{{4}}){_AFTER}"
    ")"
)
STARS = "****"


def mask_personal_numbers(text: str) -> str:
    """The text with every mobile, landline and ID-card number masked; everything else exactly as it was."""
    return _masking(text, phones=True)


def mask_id_numbers(text: str) -> str:
    """The text with its ID-card numbers masked and its phone numbers as written (a resident who writes one in an
    appeal wants to be called on it; no one needs to read an ID number before taking the task)."""
    return _masking(text, phones=False)


def _masking(text: str, phones: bool) -> str:
    # Match on ASCII digits but cut the original: full-width digits map one character to one.
    probe = text.translate(_FULL_WIDTH_DIGITS) if _HAS_FULL_WIDTH_DIGIT.search(text) else text
    pieces: list[str] = []
    done = 0
    for match in _PATTERN.finditer(probe):
        if not phones and not (match.group("id18") or match.group("id15")):
            continue
        pieces.append(text[done:match.start()])
        pieces.append(_masked(match))
        done = match.end()
    pieces.append(text[done:])
    return "".join(pieces)


def _masked(match: re.Match[str]) -> str:
    number = match.group("id18") or match.group("id15")
    if number:
        gap = match.group("gap") or ""
        number = number.replace(gap, "") if gap else number
        return number[:6] + gap + "*" * (len(number) - 10) + gap + number[-4:]
    mobile = match.group("mobile")
    if mobile:
        digits = mobile.replace(" ", "").replace("-", "")
        return (match.group("prefix") or "") + digits[:3] + STARS + digits[-4:]
    return match.group("area") + STARS + match.group("local")[-4:]


_ROOM = re.compile(r"[0-9０-９]+(?=[^0-9０-９]*$)")  # the last run of digits: the room, after building and unit
_D = "[0-9０-９]"
# A room written inside a text: after 单元 (2单元501), last of building-unit-room (3-2-501), or before 室 (501室).
_ROOM_IN_TEXT = re.compile(
    rf"(?:(?<=单元)|(?<=单元 )){_D}{{3,4}}(?!{_D})"
    rf"|(?<={_D}[-－]{_D}[-－]){_D}{{3,4}}(?!{_D})|(?<={_D}[-－]{_D}{_D}[-－]){_D}{{3,4}}(?!{_D})"
    rf"|(?<!{_D}){_D}{{3,4}}(?=室|号房)"
)


def mask_door(door: str) -> str:
    """A 门牌 with its room hidden (3号楼2单元501 → 3号楼2单元***): the building and unit alone find no one."""
    return _ROOM.sub("***", door, count=1)


def mask_for_volunteers(text: str) -> str:
    """A resident's words as a volunteer reads them: phone and ID numbers masked, and any room number the text
    gives (3号楼2单元501 → 3号楼2单元***, 3-2-501 → 3-2-***, 501室 → ***室): volunteers never read a 门牌."""
    return _ROOM_IN_TEXT.sub("***", mask_personal_numbers(text))
