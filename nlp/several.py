"""Several problems in one message: "1.小区门口路灯坏了 2.垃圾桶满了没人倒 3.楼上漏水".

Pure text in, parts out. A message is cut only where people mark a new item — a numbered list (1. 2、 ①),
还有 / 另外 / 以及 / 此外, or a semicolon — never at every comma: "电梯坏了，老人上不了楼" is one problem with its
consequence. A cut counts only if what follows is itself a confidently classified problem; otherwise it
continues the part before it. Parts of the same category and subcategory are one problem told twice, and so are
parts of one category where one names no subcategory: a letter's title ("道路问题反映。位置：和平路口") followed
by its numbered detail ("1.路口的红绿灯不亮了") is the detail's problem, not a second one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

from nlp.classifier import Classification
from nlp.cleaning import strip_pleasantries
from nlp.taxonomy import UNCLASSIFIED

# Below this the classifier is guessing: a clause it is unsure of belongs to the part before it.
CONFIDENT = 0.8
MIN_PART_LENGTH = 4
MAX_PARTS = 5  # more than this is a list to be read by a person, not filed as five appeals

# Numbers as typed on any keyboard (1. 1、 1） １． (1) （1） 一、 第一) after a break; ① and ⑴ are numbers anywhere.
_ITEM_MARK = re.compile(r"(?:^|(?<=[\s，,；;。！!？?：:]))(?:[1-9１-９一二三四五六七八九][.、．)）]|[(（][1-9１-９][)）]"
                        r"|第[一二三四五六七八九1-9][，,、：:点是]?)|[①-⑨⑴-⑼]")
# Cut before the connector, which stays with its problem: "还有人在楼道里充电" must keep its 还有. Voice input
# leaves out the comma ("电梯坏了还有楼道灯也不亮"): the spoken connectors cut without one too.
_CONNECTOR = re.compile(r"[；;]|[，,。！!？?\s]*(?=还有|另外|再有|再就是)|[，,。！!？?\s]+(?=以及|此外|其次)")
_LEADING_CONNECTOR = re.compile(r"^(?:还有|另外|以及|此外|再有|再就是|其次)[，,：:]?")
_EDGES = " \u3000\t\r\n，,；;。.、：:！!？?"


@dataclass(frozen=True)
class Part:
    """One problem of several: its words and how they classify. The first keeps the words before the list
    ("我反映几个问题：") in `text`, its `lead`."""

    text: str
    category: str
    subcategory: str | None
    lead: str = ""

    @property
    def problem(self) -> str:
        """The problem's own words, without the lead or a letter's courtesies (此致敬礼 ends the last part): what
        to show where there is room for a few words only."""
        return strip_pleasantries(self.text[len(self.lead) + 1:] if self.lead else self.text)


def problems_in(text: str, classify: Callable[[str], Classification]) -> tuple[Part, ...]:
    """The separate problems in `text`, in order, when there are at least two; () when it is one problem."""
    pieces = [piece for piece in (p.strip(_EDGES) for p in _CONNECTOR.split(_ITEM_MARK.sub("；", text))) if piece]
    if len(pieces) < 2:
        return ()  # most messages: no classifying twice
    parts: list[Part] = []
    lead = ""  # words before the first problem ("我反映几个问题："), kept with it
    for piece in pieces:
        words = _LEADING_CONNECTOR.sub("", piece)
        result = classify(words) if len(words) >= MIN_PART_LENGTH else None
        if result is None or result.category == UNCLASSIFIED or result.confidence < CONFIDENT:
            if parts:
                parts[-1] = _continued(parts[-1], piece)
            else:
                lead = f"{lead}，{piece}" if lead else piece
        elif parts and _same_problem(parts[-1], result):
            parts[-1] = _continued(parts[-1], piece, result.subcategory)
        else:
            kept_lead = lead if not parts else ""
            parts.append(Part(f"{kept_lead}：{piece}" if kept_lead else piece, result.category, result.subcategory,
                              kept_lead))
    return tuple(parts) if 2 <= len(parts) <= MAX_PARTS else ()


def _same_problem(part: Part, result: Classification) -> bool:
    """Whether a confidently classified piece tells more of `part`: its category, and no other subcategory."""
    if result.category != part.category:
        return False
    return part.subcategory is None or result.subcategory is None or part.subcategory == result.subcategory


def _continued(part: Part, piece: str, subcategory: str | None = None) -> Part:
    """`part` with `piece` added; the subcategory is the part's own, else the one the piece names."""
    return Part(f"{part.text}，{piece}", part.category, part.subcategory or subcategory, part.lead)
