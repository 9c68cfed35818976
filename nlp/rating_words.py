"""A rating in the resident's own words: pure text in, 1/2/3 out, while the rating question is open.

| said                                                   | rating       |
|--------------------------------------------------------|--------------|
| 1, 满意, 很满意，谢谢网格员, 非常好, 很及时, 效率很高, 👍, [强], 😊, 点赞 | 1 满意 |
| 2, 基本满意, 还行, 一般, 还可以, 凑合, 就是有点慢        | 2 基本满意   |
| 3, 不满意, 不太满意，修了好几天, 谈不上满意, 差评, 不怎么样, 👎, [弱] | 3 不满意 |
| 电梯还是坏的，根本没修好 (the same problem, still there) | 3 不满意, a complaint |
| 5星, 五星, 给4分, 满分 / 3星, 三分 / 1星, 两颗星 (stars or points out of five) | 1 / 2 / 3 |
| 2 修得有点慢, 1，但是希望以后快一点 (the number, then why)  | 2 / 1        |

Negations are read first ("不太满意" holds "满意"), then "still broken", then a question (修好了吗 rates nothing), then
the middle, then praise, then a bare "still" (还是关不上). A longer
message that names none of these is not a rating: it may be a new problem, and is filed as one; so is a "still
broken" about something else than the appeal being rated (`about_the_same_problem`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import IntEnum

from nlp.cleaning import as_read
from nlp.similarity import SIMILAR_ENOUGH, significant_text, text_similarity


class Score(IntEnum):
    SATISFIED = 1
    BASIC = 2
    UNSATISFIED = 3


@dataclass(frozen=True)
class WordedRating:
    """The score; a `complaint` names no rating, only that a problem is still there: it rates only when it is
    about the appeal being rated (`about_the_same_problem`), else it may be a new problem."""

    score: Score
    complaint: bool = False


# A rating is said in a sentence or two; anything longer is read as a new message.
MAX_RATING_LENGTH = 40
_DIGITS = {"1": Score.SATISFIED, "一": Score.SATISFIED, "2": Score.BASIC, "二": Score.BASIC,
           "3": Score.UNSATISFIED, "三": Score.UNSATISFIED}
# The number first, then why (2 修得有点慢, 1，但是希望以后快一点): a space, comma or colon after it. Not a list's
# "1、" or "1." (several problems), nor an address (3 号楼).
_NUMBER_THEN_WORDS = re.compile(r"([123])[\s,，:：]+(?![号栋幢单元楼层室座])\S.*")
# Stars or points out of five, as shopping and delivery apps ask: 4-5 满意, 3 基本满意, 1-2 不满意.
_STARS = re.compile(r"(?:给|打|评)?(?:个)?([1-5一二两三四五])(?:颗|个)?(?:星|分)(?:吧|啊|呀)?")
_STAR_SCORES = {"1": Score.UNSATISFIED, "一": Score.UNSATISFIED, "2": Score.UNSATISFIED, "二": Score.UNSATISFIED,
                "两": Score.UNSATISFIED, "3": Score.BASIC, "三": Score.BASIC, "4": Score.SATISFIED,
                "四": Score.SATISFIED, "5": Score.SATISFIED, "五": Score.SATISFIED}
# The problem is still there: a 不满意 whose words go to whoever handles the reopened task.
_STILL_BROKEN = re.compile(r"还是坏|还坏着|没修好|没有修好|没修|没弄好|没解决|没有解决|又坏了|还是不行|还是老样子|"
                           r"根本没有?(?:人来|来人)|根本没|没人来|没有人来|没来人|没见人|没见到人|人都没见|师傅没来|没人上门|没上门|"
                           r"没人联系|没有人联系|没人管|还没好|一点没变|"
                           # 还是不亮, 又不出水, 还在漏, 又堵了 (not 还是不错)
                           r"还是那样|还是这样|还是一样|还是不(?!错)|又不(?!错)|还是没|还在漏|还漏|又漏|还是漏|还堵|又堵|还是堵|又坏")
# "Still" before whatever the problem was (还是关不上, 还是很吵), read only when nothing rates it otherwise
# (一般，还是有点慢 is 基本满意; 还是挺好的 praise).
_STILL = re.compile(r"还是(?!不错|挺好|很好|蛮好|满意|很满意|可以|好的|谢谢|感谢)")
# Said around "still broken" without naming another problem: how long it held, how often, asking why.
_HOW_LONG_OR_WHY = re.compile(r"第?[0-9一二两三四五六七八九十几]+(?:次|天|回|遍|周|个?星期|个?月|个?小时)|"
                              r"刚修好|刚|才|就|怎么|为什么|为啥|咋|"
                              # 压根没人来过, 一直没人来, 都没人来看过: how sure she is that nobody came (to look)
                              r"压根儿?|一直|从来|到现在|至今|都|也|过|看")
# WeChat's thumbs-down arrives as [弱] (/:weak on older phones), as its thumbs-up does as [强].
_UNSATISFIED = re.compile(r"不满意|不(是|太|大|怎么|算|够)(太|很|特别|那么|非常|十分)?满意|(说|谈|算|称)不上满意|不理想|不太理想|不咋滴|不太行|不怎么行|不及时|不负责|不热情|不耐心|不给力|不靠谱|"
                          r"不专业|效率(太|很|真)?低|不太满意|不怎么满意|很不满|太慢|差评|很差|太差|不行|不好|不太好|不大好|不怎么好|不是很好|敷衍|失望|差劲|恶劣|不怎么样|不咋样|不咋地|"
                          r"没效果|没有效果|👎|😡|😠|\[(?:弱|发怒)\]|/:weak")
_BASIC = re.compile(r"基本满意|还行|一般|还可以|凑合|马马虎虎|过得去|还好|勉强|中评|行吧|就那样|"
                    # a little slow, not quite quick (有点慢, 不是很及时): mostly done, not praised
                    r"有点慢|有些慢|慢了点|慢了一点|稍微慢|不(是很|太|够|怎么)(快|及时)|"
                    # about right, better than it was (差不多, 将就, 好多了): mostly done
                    r"差不多|将就|好多了|好一点|好点了|好些了")
# WeChat's own emoji arrive as codes: [强] is its 👍, /:strong an older phone's.
_SATISFIED = re.compile(r"满意|很好|非常好|挺好|不错|好评|点赞|赞|棒|好了|(?<!自己)弄好|可以了|可以可以|已解决|(?i:ok)|谢谢|感谢|辛苦|修好了|解决了|👍|😊|🙂|😀|😄|👏|❤|🙏|💯|👌|"
                        # praise of how it was done: 很及时, 挺快的, 效率很高, 很负责, 态度很热情
                        r"(很|挺|真|太|非常|特别|处理得?|来得?)及时|(很|挺|真|特别|非常)快|速度快|效率(很|挺|真|非常)?高|"
                        r"(很|挺|认真|非常|特别)(负责|热情|耐心|周到|给力|靠谱|专业)|麻利|没问题了|"
                        r"\[(?:强|OK|抱拳|鼓掌|玫瑰|爱心|微笑|握手|胜利)\]|/:strong")


# A question at the end ("修好了吗", "真的修好了？"): asked, not answered. A complaint in it still rates (不满意，怎么修的？).
_ASKED = re.compile(r"(吗|么|没有|没|不)[？?]*$|[？?]$")


def rating_of(text: str) -> WordedRating | None:
    """The rating the words give, or None when they are not a rating."""
    cleaned = as_read(text).strip().rstrip("。.!！~～")  # 滿意 is 满意
    if cleaned in _DIGITS:
        return WordedRating(_DIGITS[cleaned])
    numbered = _NUMBER_THEN_WORDS.fullmatch(cleaned)
    if numbered:
        return WordedRating(_DIGITS[numbered.group(1)])
    stars = star_score(cleaned)
    if stars is not None:
        return WordedRating(stars)
    if not cleaned or len(cleaned) > MAX_RATING_LENGTH:
        return None
    if _UNSATISFIED.search(cleaned):
        return WordedRating(Score.UNSATISFIED)
    if _STILL_BROKEN.search(cleaned):
        return WordedRating(Score.UNSATISFIED, complaint=True)
    if _ASKED.search(cleaned):
        return None  # "修好了吗", "还行吗": asking whether it was done rates nothing
    if _BASIC.search(cleaned):
        return WordedRating(Score.BASIC)
    if _SATISFIED.search(cleaned):
        return WordedRating(Score.SATISFIED)
    if _STILL.search(cleaned):
        return WordedRating(Score.UNSATISFIED, complaint=True)
    return None


# Putting the rating off to go and look ("我看看再说", "等我下楼看看", "还没看呢"): no rating, and no problem to file.
MAX_DEFERRAL = 16
_DEFERS = re.compile(r"^(那|好的|好|嗯|行)?(我|等我)?(先|再|回头|晚点|过会儿?|明天|下午|晚上)?(下楼|回家|回去|出去|去)?看(看|一下|一眼)?(再说|再评|再评价|再回复)?(吧|啊|呀|哈)?$"
                     r"|^(我)?(还)?没(去)?(看|看到|看见|回家|下楼)(呢|啊|呀)?$"
                     r"|^(回头|晚点|过会儿?|明天|等等|改天)?(再说|再评|再评价|再回复)(吧|啊|呀)?$")


def defers(text: str) -> bool:
    """Whether a short message puts the rating off to go and look (我看看再说, 还没看呢)."""
    cleaned = re.sub(r"[\s,，。.!！~～、]", "", as_read(text))
    return len(cleaned) <= MAX_DEFERRAL and _DEFERS.search(cleaned) is not None


def star_score(text: str) -> Score | None:
    """The score of a rating given in stars or points out of five (5星, 三分, 满分), or None when it is not one."""
    cleaned = as_read(text).strip().rstrip("。.!！~～")
    if cleaned in ("满分", "打满分", "给满分"):
        return Score.SATISFIED
    said = _STARS.fullmatch(cleaned)
    return _STAR_SCORES[said.group(1)] if said else None


def about_the_same_problem(text: str, content: str) -> bool:
    """Whether a complaint is about the appeal's problem: it says the same thing, or names nothing else
    ("还是坏的，根本没修好" or "怎么两天又坏了" after "3号楼电梯坏了"; not "3号楼的电梯又坏了" after "3号楼门禁坏了关不上")
    or says only what the appeal said ("还是满的，根本没清" after "垃圾桶满了好几天没人清")."""
    said = _HOW_LONG_OR_WHY.sub(" ", as_read(text))
    if text_similarity(said, content) >= SIMILAR_ENOUGH:
        return True
    # "还是满的，根本没清" after "垃圾桶满了没人清": every word left is one of the appeal's own.
    left = set(significant_text(_STILL.sub(" ", _STILL_BROKEN.sub(" ", said)))) - {" "}
    return left <= set(significant_text(as_read(content)))
