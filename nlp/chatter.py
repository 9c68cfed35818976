"""What a resident says that is not a problem to file: small talk, a how-to question, or a fragment.

Pure text in, label out. Real people answer "好的", say "谢谢", ask "怎么用", or send half a thought ("坏了",
"楼下", a voice message of "嗯 啊 那个 就是") — none of that is an appeal. A short real problem ("电梯坏了",
"停水了", "楼道灯不亮") names a thing or a service, so it is never a fragment here.

| label     | examples                                   |
|-----------|--------------------------------------------|
| GREETING  | 你好, 在吗, 有人吗                          |
| THANKS    | 谢谢, 辛苦了, 麻烦你们了, 满意（评价之外）   |
| OK        | 好的, 嗯, 收到, 知道了, ok                   |
| NO_THANKS | 不用了, 算了, 没事了                         |
| GOODBYE   | 再见, 拜拜, 晚安                             |
| HOW_TO    | 怎么用, 怎么反映问题, 能做什么, 我不会打字    |
| CONTACT   | 网格员电话多少, 怎么联系网格员, 物业电话多少 |
| WANTS_TO_ASK | 咨询, 我要咨询, 我想咨询一下, 政策咨询     |
| PROPERTY  | 物业, 物业公司, 物业费, 找物业, 物业的问题, 物业呢 |
| HOW_TO_CLAIM | 怎么接单, 如何领单, 在哪接任务             |
| HELP_ME   | 帮帮我, 请帮帮忙, 谁能帮帮我                 |
| FRAGMENT  | 123456, 坏了, 楼下, 嗯 啊 那个 就是          |

`is_chase_up` tells a chase-up (电梯还没修好！！, 上次说的事怎么样了, 都三天了): the conversation answers it with the
status of the resident's open appeal, never a new one. `names_a_problem` tells whether a chase-up also says what
is wrong (电梯还没修好 does, 上次说的事怎么样了 doesn't): with nothing open, only the first can be filed.
"""

from __future__ import annotations

import functools
import re
from enum import StrEnum

from nlp.cleaning import as_read, spoken_ticket_digits


class Chatter(StrEnum):
    GREETING = "greeting"
    THANKS = "thanks"
    OK = "ok"
    NO_THANKS = "no_thanks"
    GOODBYE = "goodbye"
    HOW_TO = "how_to"
    CONTACT = "contact"
    WANTS_TO_ASK = "wants_to_ask"  # that there is a question, not which: asked for it, never filed as one
    PROPERTY = "property"  # 物业 said alone: whose service, not what is wrong with it: asked for it, never filed
    HOW_TO_CLAIM = "how_to_claim"  # 接单 is staff's and volunteers' work: whose, and how to become one who may
    HELP_ME = "help_me"  # that they need help, not with what: asked what happened, and to call first if in danger
    FRAGMENT = "fragment"


_EXACT: dict[str, Chatter] = {
    **dict.fromkeys(("你好", "您好", "在吗", "在不在", "有人吗", "有人在吗", "有人在不在", "有没有人", "在么", "有人么",
                     "hi", "hello", "你好啊", "早上好", "晚上好", "喂", "喂喂", "喂喂喂", "喂你好", "喂您好"), Chatter.GREETING),
    **dict.fromkeys(("谢谢", "谢谢你", "谢谢您", "谢谢你们", "感谢", "多谢", "辛苦了", "辛苦你们了", "麻烦你们了",
                     "谢谢网格员", "thanks", "thankyou",
                     # Outside a rating (a follower told the joined appeal is done, a rating already given).
                     "满意", "很满意", "非常满意", "挺满意", "满意谢谢", "很满意谢谢"), Chatter.THANKS),
    **dict.fromkeys(("好的", "好", "好吧", "嗯", "嗯嗯", "哦", "噢", "收到", "知道了", "明白了", "行", "可以", "ok",
                     "okay", "好滴", "👌", "👍", "🙏"), Chatter.OK),
    **dict.fromkeys(("不用了", "不用", "算了", "没事了", "没事", "不需要", "不要了",
                     # that is all she had to say, after the reply
                     "就这些", "就这些了", "没有了", "没了", "就这样", "就这样吧", "就这么多"), Chatter.NO_THANKS),
    **dict.fromkeys(("中", "要得", "晓得了", "晓得", "好嘞", "好咧", "是的", "对", "对的", "对对", "对对对"), Chatter.OK),
    # Leaving the chat: answered as 不用了 is, not asked what the problem is.
    **dict.fromkeys(("再见", "拜拜", "晚安", "88", "bye", "好的再见", "谢谢再见"), Chatter.GOODBYE),
    **dict.fromkeys(("帮助一下", "使用帮助", "使用方法"), Chatter.HOW_TO),
}
_HOW_TO = re.compile(r"^(请问)?(我是新来的|我第一次用)?(这个)?(怎么|如何|咋)(用|使用|操作|反映|反应|提交|投诉|报修|提问题|反映问题|登记)"
                     r"|能做什么|可以做什么|有什么用|怎么报修|怎么投诉|使用说明|怎么反映"
                     # 怎么绑定, 地址怎么改: how to give (or change) their address, asked alone
                     r"|^(请问)?(我)?(要|想)?(怎么|如何|咋)(绑定|注册|填|填写|登记|改|修改|换|更换)(住址|地址)?$"
                     r"|^(住址|地址)(怎么|如何|咋)(绑定|填|填写|登记|改|修改|换|更换)$"
                     # 你是机器人吗, 有没有真人; 什么意思, 我没看懂: who answers, or what the reply meant
                     r"|^(你|你们|这)?是(不是)?(机器人|真人|人工|自动回复)(吗|么|啊|呀)?$|^(有没有|有)真人(吗|么)?$"
                     r"|^(这|这是|你说的|你这)?(是)?(什么|啥)意思(啊|呀)?$|^(我)?(没看懂|看不懂|没听懂|听不懂|不懂)(你的意思|你说的)?$")
# Not knowing how to use it, said alone or after who set it up (我不会打字, 我儿子帮我弄的这个，我也不太会用): how.
_CANNOT_USE = re.compile(r"(?:(?:我|是我)?(?:儿子|女儿|孙子|孙女|外孙|外孙女|孩子|家里人|别人|邻居)(?:帮我|给我)?"
                         r"(?:弄|装|关注|下载|设置|加)的(?:这个)?)?(?:我|我们)?(?:也|都|还|实在)?不(?:太|大|怎么|知道)?(?:会|懂)(?:怎么)?"
                         r"(?:用|打字|写字|操作|使用|弄|发|发消息|发文字|这个)(?:这个|手机|微信|这些)?")
# How to take on appeals (怎么接单, 如何领单, 在哪里接任务, 接单怎么接), asked alone: not a question for the FAQ or the grid.
_HOW_TO_CLAIM = re.compile(r"(?:请问)?(?:我|我们)?(?:要|想|该|应该)?(?:怎么|如何|咋|怎样|在哪|在哪里|去哪|去哪里)"
                           r"(?:才能|才可以|可以|能|样)?(?:接单|抢单|领单|接任务|领任务)"
                           r"|(?:接单|抢单|领单)(?:怎么|如何|咋)(?:接|抢|领|弄|操作)")
# That there is a question and nothing more, greeted or not (你好，我想问下; 请问一下): asked for it, as 咨询 alone is.
_ONLY_ASKING = re.compile(r"(?:你好|您好|嗯+|那个)*(?:请问|我想问|想问|我要问|问)(?:一下|下|个事|个问题)?(?:呢|啊|哈|哦)*")
# 物业 said alone, the way a counter is asked for (找物业, 物业公司, 物业的问题): which service, not what is wrong.
_PROPERTY = re.compile(r"(?:我|我们)?(?:要|想|想要)?(?:找|反映|说说?|问问?)?(?:一下|下)?物业(?:公司|服务|管理|费)?"
                       r"(?:的)?(?:问题|事|事情)?")
# Where the property company is (物业呢, 物业的人呢, 那物业去哪了): with a 物业 appeal open, a chase-up of it.
_PROPERTY_WHERE = re.compile(r"(?:那|那么)?物业(?:公司)?(?:的)?(?:人|那边)?(?:呢|人呢|去哪了|去哪儿了|哪去了|在哪|在哪里)+")
# 咨询 said alone, the way a counter is asked for (我要咨询, 我想咨询一下, 政策咨询): nothing a person could answer.
_WANTS_TO_ASK = re.compile(r"^(?:我|我们)?(?:要|想|想要|需要)?(?:政策|业务)?咨询(?:一下|下|个事|个事情|点事|个问题|问题|政策)?$")
_CONTACT = re.compile(r"(网格员|网格长|社区|工作人员).{0,4}(电话|手机|号码|联系方式)|怎么联系(网格员|网格长|社区|你们)"
                      r"|^(我们|我家|我们小区|我们这|我们这里)?的?(网格员|网格长)是谁$"  # 网格员是谁, asked alone
                      # 物业电话多少, asked alone: "物业电话一直打不通" is a problem with the service, to file
                      r"|^(请问)?(我们)?(小区)?(的)?物业(公司)?的?(电话|手机|号码|联系方式|联系电话)(号码)?(是)?(多少|几号|是什么|是啥)?$"
                      r"|^(请问)?怎么(联系|找)(到)?物业(公司)?$"
                      # 你们电话多少, 居委会电话多少, 电话多少, asked alone
                      r"|^(请问)?(你们|居委会|社区居委会|村委会|客服)?的?(电话|联系电话|联系方式|号码)(号码)?(是)?(多少|几号|是什么|是啥)$"
                      r"|^(请问)?(你们|居委会|社区居委会|客服)的?(电话|联系电话|联系方式)$"
                      # 给我打个电话, 请回个电话: to be called, about nothing said
                      r"|^(请|麻烦|能不能|可以)?(你们)?(给我|跟我)?(打个|打一个|回个|回一个|回)电话(吗|吧|给我)?$"
                      # 我要找网格员, 找一下社区: whom, not what about, asked alone
                      r"|^(我|我们)?(要|想|想要)?找(一下|下)?(我们)?(的)?(网格员|网格长|社区|居委会|工作人员|你们领导|领导)$")
# Words that carry no problem: a voice message's hesitations, and places or states said without what.
_FILLERS = ("那个", "就是", "这个", "然后", "嗯", "啊", "呃", "额", "哦", "唉", "哎", "吧", "呢", "呀", "的", "了")
# "我家楼上那个", "我们家门口": whose place, not what is wrong there (a voice message cut off, the rest to follow).
_VAGUE_PLACES = ("楼下", "楼上", "隔壁", "对面", "门口", "这里", "那里", "这边", "那边", "外面", "家里", "小区里",
                 "我们家", "我家", "那家", "家")
_VAGUE_STATES = ("坏了", "坏", "不行", "有问题", "出问题", "出事", "不好使", "又", "还是", "一直", "有个事", "有事",
                 "问一下", "我想问", "我要反映", "反映个事", "我想反映",
                 # "报修", "我要报修": that something needs mending, not what nor where; "提个建议": not which
                 "报修", "建议", "意见", "提",
                 # "我想反映个事情", "我有个问题", "反映一下情况": that there is something, not what
                 "反映", "一下", "事情", "问题", "情况", "一个", "我", "有", "个", "事", "想", "要")
_PUNCTUATION = re.compile(r"[\s\W_]+")
# Voice puts a hesitation or a greeting before the words and a particle after them: 谢谢你啊, 你好请问这个怎么用.
# 喂 is how a phone call opens, and old people talk to the account as to a phone: "喂喂，有人吗".
_LEAD_INS = re.compile(r"^(?:嗯+|呃|额|啊|哦|喂+|那个|就是|你好|您好|我想问一下|想问一下|问一下|我想问|请问)+")
_PARTICLES = re.compile(r"(?:了|啊|呀|哈|呢|哦|嘛|啦|哟)+$")
# Longest first: "坏了" is taken out whole before "坏" could be taken out of it (is_fragment).
_EMPTY_WORDS = tuple(sorted((*_FILLERS, *_VAGUE_PLACES, *_VAGUE_STATES), key=len, reverse=True))


def chatter_of(text: str) -> Chatter | None:
    """What kind of not-a-problem the message is; None when it may be a problem (file it, or ask the FAQ)."""
    folded = _folded(text)
    bare = folded.strip(" ，,。.!！?？~～").replace(" ", "")
    if bare in _EXACT:
        return _EXACT[bare]
    if _only_friendly_emoji(bare):
        return Chatter.OK
    stickers = _only_wechat_emoji(bare)
    if stickers is not None:
        return stickers
    folded = _WECHAT_EMOJI.sub("", folded)  # 谢谢[抱拳], 收到[强][强]: the words without the emoji
    cleaned = _PUNCTUATION.sub("", folded)
    bare = folded.strip(" ，,。.!！?？~～").replace(" ", "")
    if cleaned in _EXACT:
        return _EXACT[cleaned]
    if _ONLY_ASKING.fullmatch(cleaned):
        return Chatter.WANTS_TO_ASK
    said = _PARTICLES.sub("", _LEAD_INS.sub("", cleaned))
    if said in _EXACT:
        return _EXACT[said]
    if _only_thanks(said):
        return Chatter.THANKS
    if _only_acknowledging(said) or _WAITING.fullmatch(cleaned):
        return Chatter.OK
    if _only_asking_for_help(said):
        return Chatter.HELP_ME
    if _WANTS_TO_ASK.fullmatch(said):
        return Chatter.WANTS_TO_ASK
    if _PROPERTY.fullmatch(said) or _PROPERTY_WHERE.fullmatch(_LEAD_INS.sub("", cleaned)):
        return Chatter.PROPERTY
    if _CONTACT.search(said):
        return Chatter.CONTACT
    if _HOW_TO_CLAIM.fullmatch(said):
        return Chatter.HOW_TO_CLAIM
    if _HOW_TO.search(said) or _CANNOT_USE.fullmatch(said):
        return Chatter.HOW_TO
    return Chatter.FRAGMENT if _only_empty_words(cleaned) else None


# A thumbs-up, a smile or flowers, alone or several in a row (👍😊, 🙏🙏): how a grandson's phone says 好的.
_FRIENDLY_EMOJI = frozenset("👍👌🙏😊🙂😀😃😄😁☺🌹💐❤👏🤝💪")
_EMOJI_JOINERS = re.compile("[\ufe0f\u200d\U0001F3FB-\U0001F3FF]")  # variation selector, joiner, skin tones


def _only_friendly_emoji(bare: str) -> bool:
    symbols = _EMOJI_JOINERS.sub("", bare)
    return bool(symbols) and all(symbol in _FRIENDLY_EMOJI for symbol in symbols)


# WeChat's own emoji reach the account as their codes: [强], [捂脸] from today's phones, /:strong, /::) from older
# ones. A message of nothing else says no problem: a thumbs-up, a smile or thanks is 好的, any other is asked about.
_WECHAT_EMOJI = re.compile(r"\[([^\[\]]{1,4})\]|/:([^/\[]{1,8})")
_WECHAT_EMOJI_ONLY = re.compile(rf"(?:{_WECHAT_EMOJI.pattern})+")
_FRIENDLY_CODES = frozenset((
    "强", "ok", "抱拳", "握手", "微笑", "玫瑰", "鼓掌", "爱心", "胜利", "合十", "耶", "愉快", "呲牙", "憨笑", "好的", "谢谢",
    "strong", "rose", "handclap", "share", "v", ":)", ":d",
))


def _only_wechat_emoji(bare: str) -> Chatter | None:
    if not _WECHAT_EMOJI_ONLY.fullmatch(bare):
        return None
    names = [new or old for new, old in _WECHAT_EMOJI.findall(bare)]
    return Chatter.OK if all(name in _FRIENDLY_CODES for name in names) else Chatter.FRAGMENT


@functools.lru_cache(maxsize=1024)
def _folded(text: str) -> str:
    """Half-width, simplified, lower case: 謝謝 is 谢谢, 還沒修好 is 还没修好. Cached: the intake asks four or five of
    these questions of one message, and the webhook's CPU per message is what the throughput goal counts."""
    return as_read(text).lower()


def asks_where_property(text: str) -> bool:
    """Whether the message only asks where the property company is (物业呢？, 物业的人呢): a chase-up of an open
    物业 appeal, else 物业 said alone (Chatter.PROPERTY)."""
    return _PROPERTY_WHERE.fullmatch(_LEAD_INS.sub("", _PUNCTUATION.sub("", _WECHAT_EMOJI.sub("", _folded(text))))) is not None


def is_fragment(text: str) -> bool:
    """Too little to act on: only digits, hesitations, or a place or state without the thing it is about."""
    return _only_empty_words(_PUNCTUATION.sub("", _folded(text)))


# Thanks said at length ("谢谢你们啊网格员辛苦了", "好的谢谢"): only these words, one of them a thanks.
_THANKING = ("谢谢", "感谢", "多谢", "辛苦", "麻烦你们", "麻烦您", "麻烦你")
_THANKS_WORDS = tuple(sorted((*_THANKING, "麻烦", "你们", "您们", "你", "您", "大家", "网格员", "网格长", "工作人员",
                              "姑娘", "小伙子", "同志", "师傅", "小同志", "闺女",
                              "好的", "好", "行", "收到", "知道了", "明白了", "嗯",
                              "领导", "社区", "真是", "真的", "非常", "十分", "太", "很", "了", "啊", "呀", "哈", "的", "啦"),
                             key=len, reverse=True))


def _only_thanks(said: str) -> bool:
    return _made_of(said, _THANKING, _THANKS_WORDS)


def _made_of(said: str, needed: tuple[str, ...], words: tuple[str, ...]) -> bool:
    """Whether `said` holds one of `needed` and nothing but `words` (longest first, so that 好的 goes before 好)."""
    if not any(word in said for word in needed):
        return False
    rest = said
    for word in words:
        rest = rest.replace(word, "")
    return not rest


# Help asked for and nothing else ("帮帮我", "请帮帮忙", "谁能帮帮我啊", "求求你们帮帮我"): with what is not said.
_HELP = ("帮帮", "帮忙", "帮我", "求助", "求求")
_HELP_WORDS = tuple(sorted((*_HELP, "帮帮忙", "请", "你们", "您们", "你", "您", "我们", "我", "一下", "一把", "能不能", "能否", "能", "谁",
                            "可以", "快点", "快", "社区", "网格员", "了", "啊", "吧", "呀", "吗", "好吗", "行吗", "下"),
                           key=len, reverse=True))


def _only_asking_for_help(said: str) -> bool:
    return _made_of(said, _HELP, _HELP_WORDS)


# 好的收到, 已经收到了, 好的知道了, 明白明白: how a notice or an answer is acknowledged, said at length or twice.
_ACKNOWLEDGING = ("收到", "知道", "知晓", "明白", "了解", "已阅", "好的", "好滴", "好嘞", "好", "行", "嗯", "ok",
                  "晓得", "没问题", "就好", "那就好", "太好")
_ACKNOWLEDGING_WORDS = tuple(sorted((*_ACKNOWLEDGING, "已经", "已", "我们", "我", "了", "啦", "啊", "呀", "哈", "的", "那",
                                     "就", "太"), key=len, reverse=True))
# Waiting for the answer, said after the reply ("那我等着", "等你们消息", "好，我等你们电话"): nothing to file.
_WAITING = re.compile(r"(?:好的?|嗯+|行|那)?(?:我|我们)?(?:就)?(?:在家)?等(?:着|你们|您|你)?(?:的)?"
                      r"(?:消息|电话|回复|通知|来|回音)?(?:了|吧|啊|哈)?")


def _only_acknowledging(said: str) -> bool:
    return _made_of(said, _ACKNOWLEDGING, _ACKNOWLEDGING_WORDS)


def _only_empty_words(cleaned: str) -> bool:
    """`is_fragment` of text already folded (NFKC, lower case) with its punctuation and spaces taken out."""
    if cleaned.isdigit() or not cleaned:
        return True
    rest = cleaned
    for word in _EMPTY_WORDS:
        if word in rest:
            rest = rest.replace(word, "")
    return not rest


# A cry for help and nothing else (救命, 快来人啊, 救救我们, SOS): someone may be in danger, what and where unknown.
_CRIES = ("救命", "救救", "快来人", "来人", "sos", "help")
_CRY_WORDS = tuple(sorted((*_CRIES, *_FILLERS, "我们", "我", "快点", "快", "谁", "有人吗", "吗", "哪", "啦"),
                          key=len, reverse=True))


def is_cry_for_help(text: str) -> bool:
    """Whether the message is only a cry for help (救命！, 快来人啊, 救救我): nothing filed can say what is wrong."""
    return _made_of(_PUNCTUATION.sub("", _folded(text)), _CRIES, _CRY_WORDS)


# Asking after something already reported: "still not", "how is it going", "it has been days".
_CHASE_UP = re.compile(r"还没(修|好|弄|处理|解决|人来|人管|来|有人|动静|消息)|怎么还|怎么样了|咋样了|进展如何|有进展吗|"
                       r"有消息吗|什么时候(能|才能|可以|会)?(来|修|处理|好|解决)|上次(说|反映|提|报)的|都.{1,3}(天|周|个星期|礼拜)了|"
                       r"催一下|催催|到底修不修|还要等多久|"
                       # 怎么没人回复, 一直没人理: asking why nobody answered what was reported
                       r"(怎么|为什么|为啥|咋|都|一直)(还)?没(有)?人(回复|回|理|管|来|联系|处理|接)|"
                       # 电梯修好了吗, 垃圾清理了没有: asking whether the work was done
                       r"(修|弄|处理|解决|搞|清理|清走)(好|完)?了(吗|么|没有|没)|"
                       # 多久能修好, 能不能快点, 今天能来吗: asking when, or asking to hurry
                       r"多久(能|才能|可以|会)?(来|修|处理|好|解决)|能不能快(点|一点)|(今天|明天)(能|会|可以)(来|修)|"
                       r"(那个|那件|这个|这件|我的|我那个)事(情)?(到底|现在|咋|怎么|有没有|办得)")
# Asking whether anyone cares ends new problems as often as it chases old ones ("小区门口乱停车，有没有人管？"): it
# chases only said alone ("你们到底管不管啊"); with a problem named it is that problem, filed.
_WHO_CARES = re.compile(r"有没有人管|管不管|有人管吗")


def is_chase_up(text: str) -> bool:
    """Whether the message asks after a problem already reported (电梯还没修好！！, 上次说的事怎么样了)."""
    folded = _folded(text)
    return _CHASE_UP.search(folded) is not None or (_WHO_CARES.search(folded) is not None and not names_a_problem(text))


# What is left of a bare chase-up once its asking words are gone: "the matter", "fixed", "yet?".
_CHASE_LEFTOVERS = ("那件事", "这件事", "事情", "事", "问题", "我反映", "我说", "我们", "我", "你们", "回复", "没修好", "修好",
                    "没好", "好了", "没人", "没", "吗", "啊", "怎么", "回事", "一下", "什么时候", "到底", "修", "好",
                    # when it was reported: "我之前反映的事情有人管吗" says no more than "我反映的事"
                    "之前", "以前", "前几天", "前两天", "刚才", "上次", "昨天", "那天", "早上", "说的", "反映的")
_TICKET = re.compile(r"[gG]?\d{6,}")


def names_a_problem(text: str) -> bool:
    """Whether a chase-up says what is wrong besides asking after it (电梯还没修好 yes; 上次说的事怎么样了, 怎么还没
    修好？都三天了 and a ticket number alone no)."""
    rest = _PUNCTUATION.sub("", _TICKET.sub("", _WHO_CARES.sub("", _CHASE_UP.sub("", _folded(text)))))
    for word in _CHASE_LEFTOVERS:
        rest = rest.replace(word, "")
    return not is_fragment(rest)


# Saying a new matter is coming ("还有，…", "另外…", "对了，再反映一个"): never the rest of the one just reported.
_ANOTHER_MATTER = re.compile(r"^(?:嗯+|那个|就是)*(?:还有|另外|另一件事|另一个事|对了|顺便|再反映|再说一|我再说|我还想)")


def says_another_matter(text: str) -> bool:
    """Whether the message opens by saying it is about something else (还有，我们楼下的下水道又堵了)."""
    return _ANOTHER_MATTER.match(_PUNCTUATION.sub("", _folded(text))) is not None


# Calling off what was reported, in words ("那个事不用了我自己弄好了", "不用来了，已经好了", "是误报", "我不想反映了",
# and at its end "救护车来了，没事了", "火已经灭了", "电梯修好了，谢谢"): never a new problem.
MAX_CALLING_OFF = 20  # longer, and the message likely says something new besides
_CALLING_OFF = re.compile(r"^(嗯|那个|就是)*(那个事|这个事|那件事|这件事|这事|那事)?(不用|不需要)(再)?(管|来|修|处理|麻烦)?了"
                          r"|自己(弄|修|处理|解决|搞)好了"
                          r"|(没事|没事儿|火(已经)?灭|(已经)?扑灭)了(谢谢(你们|您|你)?)?$"
                          r"|^(不要|不用|算)了(帮我)?撤(销|回|消)(吧|了|掉)?$"
                          r"|(已经)?(修|弄|处理|解决|搞)好了(谢谢(你们|您|你)?|多谢)?$"
                          r"|^(不好意思|对不起|抱歉)?(刚才|刚刚)?(是|我)?误报(了|的)?(不好意思|对不起|抱歉)?$"
                          # 我不想反映了, 不投诉了: the report itself called off
                          r"|^(那|那个|算了)?(我)?(不想|不|不要|不用|不打算)(再)?(反映|反应|投诉|报|举报|登记|提|要)了(吧|啊)?$"
                          r"|^(那|那就|算了)?(帮我)?撤(了|掉|回)(吧|了)?$"
                          # 我想把刚才那个撤了, 帮我把它撤销吧: the one to withdraw said before the verb
                          r"|^(嗯|那个|就是)*(我)?(想|要)?(帮我)?把(它|刚才|刚刚|我的|我刚才|上一个)?的?(那个|这个|诉求|问题|那条|这条)?"
                          r"(给)?(撤|撤销|撤回|撤消|取消)(了|掉|回|吧)*$"
                          # 我刚才发错了: sent by mistake
                          r"|^(嗯|那个|就是)*(我)?(刚才|刚刚)?(是)?(发错|说错|打错|点错)(了)?$")


def calls_off(text: str) -> bool:
    """Whether a short message says the problem reported no longer needs anyone (不用了，我自己弄好了)."""
    cleaned = _PUNCTUATION.sub("", _folded(text))
    return len(cleaned) <= MAX_CALLING_OFF and _CALLING_OFF.search(cleaned) is not None


# Wanting a withdrawal undone ("撤销错了", "我不想撤销了", "恢复我的诉求"): a withdrawn appeal cannot be restored.
MAX_REGRET = 20  # longer, and the message likely says the problem again, to be filed
_REGRETS_WITHDRAWAL = re.compile(r"(撤销|撤)错|(不想|不该|不应该|不要|不是要|没想)(撤销|撤)|误撤|不小心撤|(取消|撤回|撤销)(刚才的)?撤销|"
                                 r"(恢复|还原)(我的|那个|刚才的|刚才那个)?(诉求|撤销)")


def regrets_withdrawal(text: str) -> bool:
    """Whether a short message asks to undo a withdrawal (撤销错了，我不想撤销)."""
    cleaned = _PUNCTUATION.sub("", _folded(text))
    return len(cleaned) <= MAX_REGRET and _REGRETS_WITHDRAWAL.search(cleaned) is not None


# Asking after one numbered appeal in a sentence ("请帮我查一下G2612060048的进度", "查询G2612060048谢谢"): what is
# left around the number once these are gone must be nothing, or the message says more and is read as such.
_ASKING_AFTER = tuple(sorted((
    "请问", "问一下", "请", "帮我", "帮忙", "麻烦", "您", "你们", "你", "查询", "查看", "查一下", "查查", "查", "看一下", "看看",
    "一下", "我的", "我", "诉求", "编号", "单号", "的", "进度", "进展", "情况", "结果", "到哪了", "到哪一步了",
    "现在", "是", "什么", "怎么样", "怎样", "如何", "了", "谢谢", "吗", "呢",
), key=len, reverse=True))
_WHOLE_TICKET = re.compile(r"(?<!\d)[gG]?\d{10}(?!\d)")


def ticket_asked_after(text: str) -> str | None:
    """The ticket number (as written) a message only asks after, or None when it names none, several, or says
    something besides (a problem to file, a chase-up to pass on)."""
    folded = spoken_ticket_digits(_folded(text))  # read out to voice input: 二六一二零六零零二零 is 2612060020
    found = set(_WHOLE_TICKET.findall(folded))
    if len(found) != 1:
        return None
    rest = _PUNCTUATION.sub("", _WHOLE_TICKET.sub("", folded))
    for word in _ASKING_AFTER:
        rest = rest.replace(word, "")
    return found.pop() if not rest else None


# When someone will be home for the handler ("下午家里有人", "明天上午在家"): words for an open appeal (补充), never an
# appeal of their own.
MAX_AT_HOME = 16
_AT_HOME = re.compile(r"^(我|我们)?(今天|明天|后天|上午|下午|晚上|中午|周末|白天|\d{1,2}点)+(以后|之后|以前|前)?"
                      r"(家里|家)?(都|一直)?(有人|在家)(的)?$")


def says_when_home(text: str) -> bool:
    """Whether a short message only says when someone will be home (下午家里有人)."""
    folded = _PUNCTUATION.sub("", _folded(text))
    return len(folded) <= MAX_AT_HOME and _AT_HOME.fullmatch(folded) is not None


# Asking what one's ticket number was ("我的编号是多少", "我忘了编号了", "单号找不到了"), or after one's appeals
# ("我的诉求呢", "我提交的诉求在哪里看"): answered with 我的诉求.
MAX_TICKET_QUESTION = 16  # longer, and the message is likely about a problem too
_ASKS_FOR_TICKET = re.compile(r"(编号|单号).{0,3}(多少|是什么|是啥|忘|找不到|不记得|在哪)|(忘|不记得|找不到).{0,4}(编号|单号)"
                              r"|^(我的|我提交的|我反映的|我报的)(诉求|问题)(呢|在哪|在哪里看|在哪看|去哪看|怎么看|怎么查)$")


def asks_for_ticket(text: str) -> bool:
    """Whether a short message asks for the sender's own ticket numbers rather than reporting anything."""
    folded = _PUNCTUATION.sub("", _folded(text))
    return len(folded) <= MAX_TICKET_QUESTION and _ASKS_FOR_TICKET.search(folded) is not None
