"""What a resident says that is not a problem to file: small talk, a how-to question, or a fragment.

Pure text in, label out. Real people answer "好的", say "谢谢", ask "怎么用", or send half a thought ("坏了",
"楼下", a voice message of "嗯 啊 那个 就是", one or two characters such as "灯") — none of that is an appeal. A
short real problem ("电梯坏了", "停水了", "楼道灯不亮") names a thing and what is wrong with it, so it is never a
fragment here.

| label     | examples                                   |
|-----------|--------------------------------------------|
| GREETING  | 你好, 在吗, 有人吗                          |
| THANKS    | 谢谢, 辛苦了, 麻烦你们了, 满意（评价之外）   |
| OK        | 好的, 嗯, 收到, 知道了, ok                   |
| NO_THANKS | 不用了, 算了, 没事了                         |
| GOODBYE   | 再见, 拜拜, 晚安                             |
| HOW_TO    | 怎么用, 怎么反映问题, 能做什么, 我不会打字, 我儿子给我弄的 |
| CONTACT   | 网格员电话多少, 怎么联系网格员, 物业电话多少 |
| WANTS_TO_ASK | 咨询, 我要咨询, 我想咨询一下, 政策咨询     |
| PROPERTY  | 物业, 物业公司, 物业费, 找物业, 物业的问题, 物业呢 |
| HOW_TO_CLAIM | 怎么接单, 如何领单, 在哪接任务             |
| HELP_ME   | 帮帮我, 请帮帮忙, 谁能帮帮我                 |
| FRAGMENT  | 123456, 坏了, 楼下, 嗯 啊 那个 就是, 灯, 电梯 |

What is said about an appeal already reported (a chase-up, calling it off, its number asked for) is told apart in
nlp.follow_ups, which folds text with `as_said` as this module does.
"""

from __future__ import annotations

import functools
import re
from enum import StrEnum

from nlp.cleaning import as_read


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
                     "hi", "hello", "你好啊", "早上好", "晚上好", "喂", "喂喂", "喂喂喂", "喂你好", "喂您好",
                     # as on the phone: "喂？能听到吗"
                     "能听到吗", "听得到吗", "听得见吗", "能听见吗", "听到没有", "能听到我说话吗", "听得到我说话吗"),
                    Chatter.GREETING),
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
                     # 怎么发语音, 能发语音吗: how to speak rather than type
                     r"|^(请问)?(我)?(要|想)?(怎么|如何|咋)(发|用|说)(语音|话)(啊|呀)?$|^(能|可以|能不能)(发|用|说)语音(吗|么)?$"
                     # 你是机器人吗, 有没有真人; 什么意思, 我没看懂: who answers, or what the reply meant
                     r"|^(你|你们|这)?是(不是)?(机器人|真人|人工|自动回复)(吗|么|啊|呀)?$|^(有没有|有)真人(吗|么)?$"
                     r"|^(这|这是|你说的|你这)?(是)?(什么|啥)意思(啊|呀)?$|^(我)?(没看懂|看不懂|没听懂|听不懂|不懂)(你的意思|你说的)?$")
# Not knowing how to use it, said alone or after who set it up (我不会打字, 我儿子帮我弄的这个，我也不太会用): how.
_CANNOT_USE = re.compile(r"(?:(?:我|是我)?(?:儿子|女儿|孙子|孙女|外孙|外孙女|孩子|家里人|别人|邻居)(?:帮我|给我)?"
                         r"(?:弄|装|关注|下载|设置|加)的(?:这个)?)?(?:我|我们)?(?:也|都|还|实在)?不(?:太|大|怎么|知道)?(?:会|懂)(?:怎么)?"
                         r"(?:用|打字|写字|操作|使用|弄|发|发消息|发文字|这个)(?:这个|手机|微信|这些)?")
# Who set the account up for them, said alone (我儿子给我弄的, 孙女帮我关注的这个): how to use it is what they need,
# never a 家庭矛盾 filed for the grid because 儿子 was in it.
_SET_UP_FOR_ME = re.compile(r"(?:这个|这)?(?:是)?(?:我|我的|我家)?(?:儿子|女儿|闺女|孙子|孙女|外孙|外孙女|孩子|儿媳|女婿|家里人|别人|邻居)"
                            r"(?:帮我|给我|替我|帮忙)?(?:弄|装|关注|下载|设置|加|注册|绑定|绑|搞)(?:好|上)?的(?:这个)?(?:公众号|微信)?")
# How to take on appeals (怎么接单, 如何领单, 在哪里接任务, 接单怎么接), asked alone: not a question for the FAQ or the grid.
_HOW_TO_CLAIM = re.compile(r"(?:请问)?(?:我|我们)?(?:要|想|该|应该)?(?:怎么|如何|咋|怎样|在哪|在哪里|去哪|去哪里)"
                           r"(?:才能|才可以|可以|能|样)?(?:接单|抢单|领单|接任务|领任务)"
                           r"|(?:接单|抢单|领单)(?:怎么|如何|咋)(?:接|抢|领|弄|操作)")
# That there is a question and nothing more, greeted or not (你好，我想问下; 喂，你好。我想问一下; 请问一下): asked for it,
# as 咨询 alone is.
_ONLY_ASKING = re.compile(r"(?:你好|您好|嗯+|喂+|那个)*(?:请问|我想问|想问|我要问|问)(?:一下|下|个事|个问题)?(?:呢|啊|哈|哦)*")
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
# Around a contact or a how-to asked for ("请问网格员的电话是多少", "这个有什么用"): asking words, none a problem.
_ASKING_AROUND = re.compile(r"请问|你好|您好|能不能|能否|可以|我想要|我想|我要|想要|给我|告诉我|发我|一下|我们小区|我们|我家|"
                            r"小区|社区|居委会|工作人员|是多少|多少|几号|是什么|是啥|号码|号|是|的|吗|呢|啊|呀|谁|有没有|知道|"
                            r"这个|那个|应该|该|到底|公众号|微信|平台|问题|事情|事|物业|遇到|有|我")


def _asks_only(asking: re.Pattern[str], said: str) -> bool:
    """`asking` found in the message, and nothing else but asking words around it: "楼道灯坏了，网格员电话多少" and
    "楼道灯坏了怎么报修" say a problem too, to be filed."""
    asked = asking.search(said)
    return asked is not None and not _ASKING_AROUND.sub("", said[:asked.start()] + said[asked.end():])


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
PUNCTUATION = re.compile(r"[\s\W_]+")
# Voice puts a hesitation or a greeting before the words and a particle after them: 谢谢你啊, 你好请问这个怎么用.
# 喂 is how a phone call opens, and old people talk to the account as to a phone: "喂喂，有人吗".
_LEAD_INS = re.compile(r"^(?:嗯+|呃|额|啊|哦|喂+|那个|就是|你好|您好|我想问一下|想问一下|问一下|我想问|请问)+")
_PARTICLES = re.compile(r"(?:了|啊|呀|哈|呢|哦|嘛|啦|哟)+$")
# One or two characters ("灯", "电梯", "水") name at most a thing, never what is wrong with it nor where: asked for a
# sentence, never filed. Two that say what happened are a report, her home being the where: "停水", "漏水",
# "吵架", "噪音", "小偷" (and "漏水了", "停电了").
MAX_FRAGMENT_LENGTH = 2
_HAPPENED = re.compile("[停漏堵断吵闹噪扰臭脏破塌裂倒没烂偷抢打架冒淹烟响冷溢掉锈霉堆乱咬摔跌困卡砸丢骂占拆黑暗]")
# Longest first: "坏了" is taken out whole before "坏" could be taken out of it (is_fragment).
_EMPTY_WORDS = tuple(sorted((*_FILLERS, *_VAGUE_PLACES, *_VAGUE_STATES), key=len, reverse=True))


def chatter_of(text: str) -> Chatter | None:
    """What kind of not-a-problem the message is; None when it may be a problem (file it, or ask the FAQ)."""
    folded = as_said(text)
    bare = folded.strip(" ，,。.!！?？~～").replace(" ", "")
    if bare in _EXACT:
        return _EXACT[bare]
    if _only_friendly_emoji(bare):
        return Chatter.OK
    stickers = _only_wechat_emoji(bare)
    if stickers is not None:
        return stickers
    folded = _WECHAT_EMOJI.sub("", folded)  # 谢谢[抱拳], 收到[强][强]: the words without the emoji
    cleaned = PUNCTUATION.sub("", folded)
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
    if _asks_only(_CONTACT, said):
        return Chatter.CONTACT
    if _HOW_TO_CLAIM.fullmatch(said):
        return Chatter.HOW_TO_CLAIM
    if _asks_only(_HOW_TO, said) or _CANNOT_USE.fullmatch(said) or _SET_UP_FOR_ME.fullmatch(said):
        return Chatter.HOW_TO
    return Chatter.FRAGMENT if _names_no_happening(cleaned) or _only_empty_words(cleaned) else None


def _names_no_happening(cleaned: str) -> bool:
    """One character, or two that name a thing ("电梯") rather than what happened ("停水")."""
    return len(cleaned) == 1 or (len(cleaned) <= MAX_FRAGMENT_LENGTH and _HAPPENED.search(cleaned) is None)


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
def as_said(text: str) -> str:
    """Half-width, simplified, lower case: 謝謝 is 谢谢, 還沒修好 is 还没修好. Cached: the intake asks four or five of
    these questions of one message (here and in nlp.follow_ups), and the webhook's CPU per message is what the
    throughput goal counts."""
    return as_read(text).lower()


def asks_where_property(text: str) -> bool:
    """Whether the message only asks where the property company is (物业呢？, 物业的人呢): a chase-up of an open
    物业 appeal, else 物业 said alone (Chatter.PROPERTY)."""
    return _PROPERTY_WHERE.fullmatch(_LEAD_INS.sub("", PUNCTUATION.sub("", _WECHAT_EMOJI.sub("", as_said(text))))) is not None


# A building, unit or door and nothing else ("2号楼1单元", "三栋二单元502这边"): where, not what is wrong there.
_ONLY_A_PLACE = re.compile(r"(?:我们?|我家|是|在|就是|那个)*(?:[0-9一二三四五六七八九十两零〇幺]+(?:号楼|号栋|栋|幢|楼)|[a-z]座)"
                           r"(?:[0-9一二三四五六七八九十两零〇幺]+单元)?(?:[0-9一二三四五六七八九十两零〇幺]+(?:室|号)?)?"
                           r"(?:这边|这里|那边|那里|门口|楼下|楼上)?(?:的)?")
# "我是3号楼2单元的": who she is, said before what is wrong; the place is what is echoed back to her.
_SAYING_WHO = re.compile(r"^(?:我们?|我家)?(?:就是|是)|的$")


def is_too_short(text: str) -> bool:
    """Whether the message is one or two characters once its punctuation is gone ("火！", "灯"): a FRAGMENT."""
    return len(PUNCTUATION.sub("", _WECHAT_EMOJI.sub("", as_said(text)))) <= MAX_FRAGMENT_LENGTH


def names_only_a_place(text: str) -> bool:
    """Whether the message says only a building, unit or door (2号楼1单元, 我是3号楼2单元的), not what is wrong
    there."""
    return _ONLY_A_PLACE.fullmatch(_PARTICLES.sub("", PUNCTUATION.sub("", as_said(text)))) is not None


def place_only(text: str) -> str:
    """The place of a message that names only a place, as she wrote it, without 我是…的 around it."""
    return _SAYING_WHO.sub("", text.strip(" 。.!！?？，,"))


def is_fragment(text: str) -> bool:
    """Too little to act on: only digits, hesitations, or a place or state without the thing it is about."""
    return _only_empty_words(PUNCTUATION.sub("", as_said(text)))


# Thanks said at length ("谢谢你们啊网格员辛苦了", "好的谢谢"): only these words, one of them a thanks.
_THANKING = ("谢谢", "感谢", "多谢", "辛苦", "麻烦你们", "麻烦您", "麻烦你")
_THANKS_WORDS = tuple(sorted((*_THANKING, "麻烦", "你们", "您们", "你", "您", "大家", "网格员", "网格长", "工作人员",
                              "姑娘", "小伙子", "同志", "师傅", "小同志", "闺女",
                              "好的", "好", "行", "收到", "知道了", "明白了", "嗯",
                              "领导", "社区", "真是", "真的", "非常", "十分", "特别", "挺", "太", "很", "了", "啊", "呀", "哈", "的", "啦",
                              # "非常满意，谢谢你们" once the rating is given: thanks, not a problem ("不满意" is not)
                              "满意",
                              # "我是感谢你们的", "我就是想谢谢你们", "我想感谢一下网格员": saying that she thanks them
                              "我是", "就是", "我想", "我要", "想", "要", "来说", "说", "一下", "我"),
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
    return _made_of(PUNCTUATION.sub("", as_said(text)), _CRIES, _CRY_WORDS)
