"""Emergencies: a message that names a danger to life (火情, 急病, 暴力, 燃气, 困电梯) is recognised before anything else.

Pure: text in, the taxonomy's `Emergency` out (or None). The first emergency in file order with a phrase in the
message wins. A phrase is a word ("着火") or parts joined with "+" that must all appear in that order ("电梯+困":
"3号楼电梯又不动了，困了好久"). An emergency's `not` phrases are cut out of the message before its phrases are
looked for, so "煤气费" never reads as gas and "火灾隐患" (a hazard to report) never as a fire. False alarms cost
staff a run; a missed one can cost a life, so the phrases name the danger itself, not the things near it
("电梯坏了" is an ordinary appeal, "困在电梯" is not).

Only a danger happening now is one: "昨晚楼下着火了，现在已经灭了" and "上次电梯困人的事处理了吗" tell of a past one,
"消防通道堵了，万一着火怎么办" of one that may come; they are ordinary appeals (a hazard, a chase). A question about
the number to call ("着火了应该打什么电话") is `asked_about`: the answer is the number, but nobody is sent running.
Words of urgency ("救命", "快来", "还在"; "又" in the danger's own clause) keep any of them a live emergency:
better a wasted run than a missed one. A threat, violence or a wish to die is live unless told as past: "要是再这样我就
不想活了" is no worry about the future.
"""

from __future__ import annotations

import enum
import functools
import re

from nlp.cleaning import to_simplified
from nlp.taxonomy import PHRASE_JOIN, Emergency, Taxonomy, normalize_text

_NOISE = re.compile(r"\s+")  # voice recognition spaces words out ("着 火 了")


def recognise(taxonomy: Taxonomy, text: str) -> Emergency | None:
    """The emergency `text` says is happening now, or None."""
    found = _read(taxonomy, text)
    return found[0] if found is not None and found[1] is _Reading.LIVE else None


def asked_about(taxonomy: Taxonomy, text: str) -> Emergency | None:
    """The emergency whose number `text` only asks for ("着火了应该打什么电话"), or None."""
    found = _read(taxonomy, text)
    return found[0] if found is not None and found[1] is _Reading.ASKED else None


class _Reading(enum.Enum):
    LIVE = "live"
    ASKED = "asked"
    TOLD = "told"  # past, over, or feared
    EVERYDAY = "everyday"  # the smoke of a barbecue or of burnt paper, complained of


_CLAUSE_END = re.compile(r"[，。！？；,.!?;…~]")
_PAST = ("昨晚", "昨天", "前天", "前晚", "上次", "上回", "上周", "上星期", "上礼拜", "上个月", "去年", "前年", "年前", "前几天",
         "前些天", "前段时间", "那次", "之前", "以前", "当时", "新闻", "报道")
# "我老伴中风好几年了", "我爸中风瘫在床上三年了": a danger said to have lasted years is a condition to care for, not
# one happening now (in the danger's own clause, after it).
_LASTING = ("年了", "多年", "好几年", "几年了")
_FEARED = ("万一", "如果", "要是", "假如", "假设", "一旦")
_OVER = ("已经灭了", "已经扑灭", "火灭了", "火已经灭", "被扑灭", "已经救出来", "已经救上来", "已经被救", "已经没事了")
_NUMBER_ASKED = ("什么电话", "哪个电话", "几号电话", "电话是多少", "电话多少", "打几号", "打119吗", "打120吗", "打110吗",
                 "怎么报警")
_URGENT = ("救命", "快来", "快点", "赶紧", "来人", "还在", "正在", "现在还")
# A threat or a wish to die said as a condition ("要是再这样我就不想活了") or with a question ("我朋友想不开，该打什么
# 电话") is one now: only a past one is told.
_PERSONAL = frozenset({"violence", "threat", "self_harm"})
_AGAIN = "又"  # "上次着火又着火了": in the danger's own clause only ("上次困人，今天电梯又坏了" is no one trapped)
# "楼下烧烤店烟大，窗户一开全是烟", "有人烧纸冒烟": smoke whose everyday source the message names is a nuisance to
# complain of, not a fire. Only these weak words of smoke: a flame (着火), 浓烟 or 冒黑烟, or a word of urgency,
# stays a fire whatever burns.
_SMOKE = frozenset({"冒烟", "好多烟", "很多烟", "全是烟"})
_SMOKE_SOURCES = ("烧烤", "烤串", "油烟", "炒菜", "烧纸", "烧垃圾", "烧树叶", "烧落叶", "烧秸秆")


def _read(taxonomy: Taxonomy, text: str) -> tuple[Emergency, _Reading] | None:
    # Phrases are simplified: "煤氣味" from a phone set to traditional characters is the same danger.
    folded = _NOISE.sub("", to_simplified(normalize_text(text)))
    # Most messages name no danger: one search over every phrase says so at a fifth of the cost of the loop. Cutting
    # an emergency's `not` phrases out only removes matches, so a message this search misses has none.
    if not _names_a_danger(taxonomy.emergency_phrases, folded):
        return None
    for emergency in taxonomy.emergencies:
        remaining = folded
        for phrase in emergency.not_phrases:
            remaining = remaining.replace(phrase, " ")
        found = list(_pattern(emergency.phrases).finditer(remaining))
        if found and _everyday_smoke(remaining, found):
            return emergency, _Reading.EVERYDAY
        if found:
            return emergency, _reading(remaining, found, personal=emergency.name in _PERSONAL)
    return None


# Cached: the router asks recognise and asked_about of every text message, and this search is most of their cost.
@functools.lru_cache(maxsize=1024)
def _names_a_danger(phrases: tuple[str, ...], folded: str) -> bool:
    """Whether the folded text holds any of the phrases (each part in order)."""
    return _pattern(phrases).search(folded) is not None


def _reading(text: str, found: list[re.Match[str]], personal: bool) -> _Reading:
    """Whether the danger is happening now, only asked about, or told of as past or feared."""
    if any(word in text for word in _URGENT):
        return _Reading.LIVE
    if not personal and any(word in text for word in _NUMBER_ASKED):
        return _Reading.ASKED
    if any(word in text for word in _OVER):
        return _Reading.TOLD
    return _Reading.LIVE if any(_now(text, match, personal) for match in found) else _Reading.TOLD


def _everyday_smoke(text: str, found: list[re.Match[str]]) -> bool:
    """Every danger found is a weak word of smoke, the text names an everyday source of it, and nothing is urgent."""
    return (all(match.group() in _SMOKE for match in found) and any(source in text for source in _SMOKE_SOURCES)
            and not any(word in text for word in _URGENT))


def _now(text: str, match: re.Match[str], personal: bool) -> bool:
    """No word of its own clause puts this mention in the past (上次…) or in a fear (万一…, …的话)."""
    before = _CLAUSE_END.split(text[:match.start()])[-1]
    after = _CLAUSE_END.split(text[match.end():])[0]
    if _AGAIN in before:
        return True
    if any(word in before for word in _PAST) or any(word in after for word in _LASTING):
        return False
    return personal or (not any(word in before for word in _FEARED) and not after.startswith("的话"))


@functools.lru_cache(maxsize=256)
def _pattern(phrases: tuple[str, ...]) -> re.Pattern[str]:
    """One expression for all of an emergency's phrases, each part in order ("电梯+困": 电梯, later 困): every
    message is checked against every emergency, and one search costs a fraction of a find per part."""
    if not phrases:
        return re.compile(r"(?!)")  # no phrase: never
    return re.compile("|".join(".*?".join(re.escape(part) for part in phrase.split(PHRASE_JOIN))
                               for phrase in phrases), re.DOTALL)
