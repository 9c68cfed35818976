"""Real messages made ready for classifying: what a letter to the leadership carries besides its topic taken out.

Residents write to a message board or a hotline as they write letters: 尊敬的领导您好 … 谢谢 / 此致敬礼, names and
house numbers masked by the board (王*, 14幢*02室, ××小区), sometimes in traditional characters or full-width forms,
and at length, with the topic in the title or the first sentence and the rest background. The pleasantries are
words of every category and of none: left in, they pull every long message towards the categories whose
training examples are polite. Pure functions, text in, text out; `prepare` is what the classifier sees.
"""

from __future__ import annotations

import functools
import re
import unicodedata

# Said to anyone about anything: stripped wherever they stand (a body begins after the title, mid-text).
_PLEASANTRIES = re.compile(
    r"尊敬的(?:各位)?(?:领导|书记|市长|区长|省长|县长|局长|主任|同志|工作人员)(?:们)?(?:您好|你好|好)?"
    r"|(?:各位)?(?:领导|书记|市长|区长|省长|县长|局长|主任)(?:们)?(?:您好|你好|好)"
    r"|您好|你好|(?:^|(?<=[。！!？?，,\s]))领导[：:，,]"
    r"|此致敬礼|此致|敬礼"
    r"|(?:非常|十分|万分|在此)?(?:感谢|谢谢|多谢)(?:领导|您|你们|各位)?(?:的)?(?:关注|支持|帮助|百忙之中)?"
    r"|盼复|望回复|盼回复|期待回复|望答复|恳请回复|辛苦(?:了|领导)?"
)
# Every pleasantry holds one of these: most messages hold none and skip the pattern (it is slow to fail).
_TRIGGERS = ("好", "尊敬", "领导:", "领导：", "领导,", "领导，", "此致", "敬礼", "谢", "盼", "回复", "答复", "辛苦")
# What a board or a scrubber put in place of a name, a number or a place: one token, whatever its length.
_MASKED = re.compile(r"[*＊×Ｘ]+|某某+|[xX]{2,}")
MASK = "某某"
# WeChat's built-in emoji arrive in a text as their names in brackets ([流泪], [抓狂], [玫瑰]); older users add them
# to every message. They tell a mood, never the topic, and some name a category's words ([啤酒], [饭], [便便]).
# Only WeChat's own names are taken out: other bracketed words ([东方瑧悦], a compound) stay.
WECHAT_EMOJI_NAMES = frozenset((
    "微笑", "撇嘴", "色", "发呆", "得意", "流泪", "害羞", "闭嘴", "睡", "大哭", "尴尬", "发怒", "调皮", "呲牙", "惊讶",
    "难过", "酷", "冷汗", "抓狂", "吐", "偷笑", "愉快", "白眼", "傲慢", "饥饿", "困", "惊恐", "流汗", "憨笑", "悠闲",
    "奋斗", "咒骂", "疑问", "嘘", "晕", "疯了", "衰", "骷髅", "敲打", "再见", "擦汗", "抠鼻", "鼓掌", "糗大了", "坏笑",
    "左哼哼", "右哼哼", "哈欠", "鄙视", "委屈", "快哭了", "阴险", "亲亲", "吓", "可怜", "菜刀", "西瓜", "啤酒", "篮球",
    "乒乓", "咖啡", "饭", "猪头", "玫瑰", "凋谢", "嘴唇", "爱心", "心碎", "蛋糕", "闪电", "炸弹", "刀", "足球", "瓢虫",
    "便便", "月亮", "太阳", "礼物", "拥抱", "强", "弱", "握手", "胜利", "抱拳", "勾引", "拳头", "差劲", "爱你", "no",
    "ok", "爱情", "飞吻", "跳跳", "发抖", "怄火", "转圈", "磕头", "回头", "跳绳", "投降", "激动", "乱舞", "献吻",
    "左太极", "右太极", "囧", "笑脸", "生病", "脸红", "破涕为笑", "恐惧", "失望", "无语", "嘿哈", "捂脸", "奸笑", "机智",
    "皱眉", "耶", "吃瓜", "加油", "汗", "天啊", "emm", "社会社会", "旺柴", "好的", "打脸", "哇", "翻白眼", "666",
    "让我看看", "叹气", "苦涩", "裂开", "合十", "庆祝", "红包", "发", "福", "烟花", "爆竹",
))
_BRACKETED = re.compile(r"\[([^\[\]]{1,5})\]")
_SENTENCE_END = re.compile(r"[。！!？?；;\n]")
_SPACES = re.compile(r"\s+")
_EDGE_PUNCTUATION = "，,、：:；;。.！!？? "
# A message longer than this has a lead worth more than the rest (median real letter ~100 characters; a WeChat
# message 20): its first sentence, up to LEAD_LIMIT characters, counts twice.
LONG = 60
LEAD_LIMIT = 40


@functools.lru_cache(maxsize=1024)
def to_simplified(text: str) -> str:
    """Traditional characters as simplified (zhconv, character and phrase tables kept by its maintainers)."""
    try:
        text.encode("gb2312")  # GB 2312 holds simplified characters only: most messages need no conversion
        return text
    except UnicodeEncodeError:
        import zhconv

        return zhconv.convert(text, "zh-hans")


def as_read(text: str) -> str:
    """Text as a person reads it, whatever the keyboard or voice input produced: half-width (NFKC), simplified
    (滿意 is 满意). Every reading of a short answer, a rating or a small-talk check starts here."""
    return to_simplified(unicodedata.normalize("NFKC", text))


def mask_spans(text: str) -> str:
    """Every masked span (****, ×××, 某某, XXX) as the one token 某某."""
    return _MASKED.sub(MASK, text)


def strip_pleasantries(text: str) -> str:
    """The text without salutations, thanks and sign-offs; the text itself when nothing else is left."""
    if not any(trigger in text for trigger in _TRIGGERS):
        return text
    stripped = _PLEASANTRIES.sub("", text).strip(_EDGE_PUNCTUATION)
    return stripped or text


def strip_wechat_emoji(text: str) -> str:
    """The text without WeChat's emoji codes ([流泪], [玫瑰]); the text itself when nothing else is left."""
    if "[" not in text:
        return text
    stripped = _BRACKETED.sub(lambda code: " " if code.group(1).lower() in WECHAT_EMOJI_NAMES else code.group(0), text)
    stripped = _SPACES.sub(" ", stripped).strip()
    return stripped or text


@functools.lru_cache(maxsize=1024)
def prepare(text: str) -> str:
    """What the classifier reads: NFKC (full-width as half-width), simplified, no WeChat emoji codes, masks as 某某,
    no pleasantries, whitespace runs as one space. Idempotent."""
    folded = _SPACES.sub(" ", unicodedata.normalize("NFKC", text)).strip()
    return strip_pleasantries(mask_spans(strip_wechat_emoji(to_simplified(folded))))


def lead(text: str) -> str:
    """The title or first sentence of a long text (at most LEAD_LIMIT characters); "" for a short one."""
    if len(text) <= LONG:
        return ""
    end = _SENTENCE_END.search(text)
    return text[:min(end.start() if end else LEAD_LIMIT, LEAD_LIMIT)].strip(_EDGE_PUNCTUATION)


def emphasised(text: str) -> str:
    """A long text with its lead repeated in front, so what decides the topic weighs more than the background;
    a short text as it is."""
    first = lead(text)
    return f"{first}。{text}" if first else text


# Voice reads numbers out in Chinese numerals: a ticket (二六一二零二零零一四) digit by digit. Ten or more in a row are
# its digits, also with the spaces of a speaker's pauses between them (二六一二 零二零零 一四), kept as typed digits' are.
NUMERAL_DIGITS = str.maketrans("〇零一二三四五六七八九幺两", "0012345678912")
_SPOKEN_TICKET = re.compile(r"[〇零一二三四五六七八九幺两](?:[ \u3000]?[〇零一二三四五六七八九幺两]){9,}")


def spoken_ticket_digits(text: str) -> str:
    """The text with ten or more Chinese numerals in a row read as a ticket's digits, one character for one."""
    return _SPOKEN_TICKET.sub(lambda match: match.group(0).translate(NUMERAL_DIGITS), text)
