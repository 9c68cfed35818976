"""What a resident says about an appeal already reported, rather than a problem to file: chasing it up, calling it
off, wanting a withdrawal undone, asking after its number or for her numbers, saying when she is home, or saying a
new matter follows.

Pure text in, answer out, folded as nlp.chatter folds small talk (one cached folding serves both).
`is_chase_up` tells a chase-up (电梯还没修好！！, 上次说的事怎么样了, 都三天了): the conversation answers it with the
status of the resident's open appeal, never a new one. `names_a_problem` tells whether a chase-up also says what
is wrong (电梯还没修好 does, 上次说的事怎么样了 doesn't): with nothing open, only the first can be filed.
"""

from __future__ import annotations

import functools
import re

from nlp.chatter import PUNCTUATION, as_said, is_fragment
from nlp.cleaning import spoken_ticket_digits

# Asking after something already reported: "still not", "how is it going", "it has been days".
_CHASE_UP = re.compile(r"还没(修|好|弄|处理|解决|人来|人管|来|有人|动静|消息)|怎么还|怎么样了|咋样了|进展如何|有进展吗|"
                       r"有消息吗|(什么|啥)时候(能|才能|可以|会)?(派人)?(来人|来|修|处理|好|解决|到)|上次(说|反映|提|报)的|"
                       r"都.{1,3}(天|周|个星期|礼拜)了|催(一)?下|催催|催一催|到底修不修|还要等多久|"
                       # 进度怎么样, 有结果了吗: asking how far it got
                       r"(进度|进展)(怎么样|咋样|如何)|有(结果|进度|回音)了?(吗|么|没有|没)|"
                       # 怎么没人回复, 一直没人理: asking why nobody answered what was reported
                       r"(怎么|为什么|为啥|咋|都|一直)(还)?没(有)?人(回复|回|理|管|来|联系|处理|接)|"
                       # 怎么不回我, 为什么还不回复: the same, said of the account ("暖气怎么不回水" is no reply awaited)
                       r"(怎么|为什么|为啥|咋)(还|都|也)?(不|没)(回|回复|回话|理|搭理)(我|人|一下|消息|信息)?(呢|啊|呀|了)?[\W_]*$|"
                       # 到现在也没人联系我, 等了三天了: how long it has waited ("垃圾到现在也没人管" is a problem of its own)
                       r"(到现在|至今)(也|还|都)?没(有)?人(回复|回|理|联系)|等了.{1,3}(天|周|个星期|礼拜|个月)了|"
                       # 电梯修好了吗, 垃圾清理了没有: asking whether the work was done
                       r"(修|弄|处理|解决|搞|清理|清走)(好|完)?了(吗|么|没有|没)|(真的)?(修|弄|处理|解决|搞)(好|完)了[?？]|"
                       # 多久能修好, 能不能快点, 今天能来吗: asking when, or asking to hurry
                       r"多久(能|才能|可以|会)?(来|修|处理|好|解决)|能不能快(点|一点)|(今天|明天)(能|会|可以)(来|修)|"
                       # 我刚才说的那个暖气的事, 之前报的那个漏水的事: the matter already reported, named as such (not
                       # 我刚才说的不对, a correction)
                       r"(刚才|刚刚|之前|以前|前几天|前两天|昨天|早上|上午|下午)(我)?(说|反映|提|报|讲)(过)?的(那个|那件|这个)?"
                       r".{0,8}?(事情|事儿|事|问题)|"
                       # 麻烦快点, 赶紧来修, 请尽快处理, 急死了: urging, said alone; 还要多久, 要等到什么时候: how long yet
                       r"^(嗯|那个|你好)*(麻烦|请|你们|能不能|能|可以)?(快点|快一点|快些|赶紧|尽快|抓紧)(来人|派人来|来|来修|修|处理|解决)?"
                       r"(一下)?(吧|啊|呀|吗|行吗|好吗|好不好)?[\W_]*$|^(我|我们)?(都)?(快|太|好|很)?(急死|着急|急)(了|啊|呀)?[\W_]*$|"
                       r"还要(再)?(等)?多久|(要)?等到(什么|啥)时候|(要|得|还得)等多久|"
                       # 为什么暂缓, 怎么不修了, 为啥不办: asking why her appeal was paused or turned down
                       r"(为什么|为啥|怎么|咋)(还|就)?(暂缓|暂停|挂起|停了|不修了|不办了|不办|不给办|不受理|不处理|不管了)|"
                       # 怎么换人了, 为什么换了个人: asking why her appeal went to someone else (改派)
                       r"(为什么|为啥|怎么|咋)(又|就|还)?(换人|换了人|换了个人|换了一个人|换成|改派|转给别人|转走)|"
                       # 有人来看过了吗, 来人了没有, 师傅啥时候到: asking whether (or when) someone came to see it
                       r"有(没有)?人来(看|修|处理|检查)?(过)?(了)?(吗|么|没有|没)|有没有人来((看|修|处理|检查)(过)?|过)|"
                       r"(来|到)(过)?人了(吗|么|没有|没)|人(来|到)(过)?了(吗|么|没有|没)|"
                       r"(师傅|维修工|工人|网格员|物业的人|人)(到底|究竟)?((什么|啥|几)(时候|点)(能|才能|会)?(到|来)|(到|在)哪(了|儿了|里了)|"
                       r"(来|到)了(吗|么|没有|没)|还来不来|怎么还不来)|"
                       r"(那个|那件|这个|这件|我的|我那个)事(情)?(到底|现在|咋|怎么|有没有|办得)")
# Asking whether anyone cares ends new problems as often as it chases old ones ("小区门口乱停车，有没有人管？"): it
# chases only said alone ("你们到底管不管啊"); with a problem named it is that problem, filed.
_WHO_CARES = re.compile(r"有没有人管|管不管|有人管吗")


# Cached, as as_said is: the intake asks this of a message (before an emergency's follow-up) and handlers.chasing
# asks it again, and the long expression above is among the costliest searches of the webhook's path.
@functools.lru_cache(maxsize=1024)
def is_chase_up(text: str) -> bool:
    """Whether the message asks after a problem already reported (电梯还没修好！！, 上次说的事怎么样了)."""
    folded = as_said(text)
    return _CHASE_UP.search(folded) is not None or (_WHO_CARES.search(folded) is not None and not names_a_problem(text))


# What a 楼长 writes after 代报 when she asks after one she filed rather than files one: 代报的进度, 代报的那件事.
_ASKED_AFTER_REPORT = re.compile(r"(的)?(那个|那件|这个|这件)?(事情|事)?(的)?(进度|进展|情况|结果|处理结果)?"
                                 r"(呢|吗|啊|呀|如何|怎么样|咋样)?(了)?")


def asks_after_a_report(words: str) -> bool:
    """Whether the words after 代报 ask after what she filed for a neighbour (代报的进度, 代报的怎么样了) rather than
    name a neighbour's home and problem."""
    folded = PUNCTUATION.sub("", as_said(words))
    if not folded:
        return False  # 代报 alone: how to use it
    return _ASKED_AFTER_REPORT.fullmatch(folded) is not None or (is_chase_up(words) and not names_a_problem(words))


# What is left of a bare chase-up once its asking words are gone: "the matter", "fixed", "yet?".
_CHASE_LEFTOVERS = (
    # greetings and politeness around the asking: "你好，麻烦帮我催一下", "喂，有人吗，怎么还没人回复"
    "你好", "您好", "喂", "有人吗", "在吗", "麻烦", "辛苦", "谢谢", "赶紧", "快点", "能不能", "问下", "问一下", "请问", "再", "给",
    # who was not there or what was not done: "我的诉求怎么还没人处理", "网格员怎么还没来"
    "没人管", "没人处理", "没人联系", "没人回复", "没人理", "没人接", "没来", "还不来", "不来", "联系我", "来人", "我的诉求", "诉求", "单子", "工单",
    # asking to have it chased, or why it is not dealt with: "帮我催一下", "怎么还没处理"
    "帮我", "帮忙", "请", "能", "可以", "处理", "解决",
    # how often or how long she asked: "说了好几次了，一直没人管" says no more than "一直没人管"
    "打了好几次电话", "打了好多次电话", "打了好几遍电话", "打了几次电话", "打电话", "说了好几次", "说了好多次", "反映了好几次",
    "反映好几次", "反映了好多次", "好几次", "好多次", "多少次", "好几遍", "好几天", "这么多天", "这么久", "这么长时间", "好久",
    "一直", "说过", "说了", "反映了", "反映过", "报过", "报了", "我报的", "那个", "都", "没人来",
    # a 楼长 asking after what she filed for a neighbour: "我代报的那个怎么样了", "替邻居报的事有进展吗"
    "代报", "替邻居报", "帮邻居报", "替邻居", "帮邻居",
    # that its time is up: "都超时了怎么还没人来修" asks after it, it names no problem
    "超时", "超期", "逾期", "已经",
    "你们这些人", "这些人", "怎么办事的", "怎么搞的",
    # whom they wait for: "师傅到底什么时候到" says no more than "什么时候到"
    "维修", "师傅", "工人", "网格员",
    # what the repair waits for: "配件什么时候到" after 暂缓：等配件
    "配件", "零件",
    "那件事", "这件事", "这事", "那事", "事情", "事", "问题", "还", "我反映", "我说", "我们", "我", "你们", "回复",
    "没修好", "修好", "没好", "好了", "没人", "没", "吗", "啊", "怎么", "回事", "一下", "什么时候", "到底", "修", "好",
    # when it was reported: "我之前反映的事情有人管吗" says no more than "我反映的事"
    "之前", "以前", "前几天", "前两天", "刚才", "上次", "昨天", "那天", "早上", "说的", "反映的", "了",
    # not having heard of it: "你们啥时候修的？我怎么不知道"
    "都不知道", "不知道",
    # how far it got: "代报的进度", "我的诉求进展呢"
    "进度", "进展", "情况",
    # how it ends: "那件事现在咋样啦"
    "怎么样", "咋样", "啦", "呢", "呀", "吧", "的", "您", "你",
)
_TICKET = re.compile(r"[gG]?\d{6,}")


def names_a_problem(text: str) -> bool:
    """Whether a chase-up says what is wrong besides asking after it (电梯还没修好 yes; 上次说的事怎么样了, 怎么还没
    修好？都三天了 and a ticket number alone no)."""
    return not is_fragment(chased_words(text))


# A chase-up put as a question (电梯那个怎么样了, 路灯修好了吗, 还没修好？) rather than saying it is still broken
# (电梯还没修好！！).
_ASKING = re.compile(r"[?？]|吗|呢|怎么样|咋样|如何|了没|(?:没有|么)[。.!！]*$")


# Asking whether the work was done or how it went (电梯修好了吗, 垃圾清理了没有, 电梯那个怎么样了): it says she
# reported it. Not "怎么还没修好？", "有没有人管？": said of a problem she may be reporting for the first time.
_ASKING_IF_DONE = re.compile(r"(修|弄|处理|解决|搞|清理|清走)(好|完)?了(吗|么|没有|没)|(修|弄|处理|解决|搞)(好|完)了[?？]|"
                             r"怎么样了|咋样了")


def asks_if_done(text: str) -> bool:
    """Whether a chase-up asks if its matter was dealt with (路灯修好了吗, 电梯那个怎么样了), as one asks only of
    what one reported."""
    return _ASKING_IF_DONE.search(as_said(text)) is not None


def asks(text: str) -> bool:
    """Whether a chase-up asks how its matter stands (路灯修好了吗) rather than saying it is still broken."""
    return _ASKING.search(as_said(text)) is not None


def chased_words(text: str) -> str:
    """What a chase-up says besides asking after it (树那个怎么样了: 树; 电梯还没修好: 电梯), folded, "" for nothing:
    the words that tell which appeal it is about, never its asking words (怎么 in 怎么样了 is no 怎么发语音)."""
    rest = PUNCTUATION.sub("", _TICKET.sub("", _WHO_CARES.sub("", _CHASE_UP.sub("", as_said(text)))))
    for word in _CHASE_LEFTOVERS:
        rest = rest.replace(word, "")
    return rest


# Saying a new matter is coming ("还有，…", "另外…", "对了，再反映一个"): never the rest of the one just reported.
_ANOTHER_MATTER = re.compile(r"^(?:嗯+|那个|就是)*(?:还有|另外|另一件事|另一个事|对了|顺便|再反映|再说一|我再说|我还想)")


def says_another_matter(text: str) -> bool:
    """Whether the message opens by saying it is about something else (还有，我们楼下的下水道又堵了)."""
    return _ANOTHER_MATTER.match(PUNCTUATION.sub("", as_said(text))) is not None


# Calling off what was reported, in words ("那个事不用了我自己弄好了", "不用来了，已经好了", "已经好了，不用来了",
# "灯亮了", "是误报", "我不想反映了",
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
                          r"|^(那|那就|算了)?(帮我)?撤(了|掉|回)(吧|了)?$|^(那|那就|算了)?(帮我)?取消(了|掉)?(吧|了)$"
                          # 已经好了，不用来了, 算了不用了, 那个暖气的事不用管了, 那个事算了: said after it
                          r"|^(嗯|那个|就是|算了|好了|已经好了|没事了|(那个|这个|那件|这件)[^不]{0,6}?的?事)*(就)?(不用|不需要)(再)?"
                          r"(管|来|修|处理|麻烦)?了(吧|啊)?$"
                          r"|^(那个事|这个事|那件事|这件事|这事|那事)(就)?算了(吧)?$"
                          # 灯亮了, 暖气热了, 水不漏了, 来水了: the problem went away ("灯不亮了" is one)
                          r"|^(嗯|那个|现在|已经)*(灯|路灯|楼道灯|暖气|水|电|电梯|网|信号|下水道)?(已经|又|都)?"
                          r"(亮|热|通|来水|来电|能用|正常|不漏|不响|不吵|不堵)了(谢谢(你们|您|你)?)?$"
                          # 我想把刚才那个撤了, 帮我把它撤销吧: the one to withdraw said before the verb
                          r"|^(嗯|那个|就是)*(我)?(想|要)?(帮我)?把(它|刚才|刚刚|我的|我刚才|上一个)?的?(那个|这个|诉求|问题|那条|这条)?"
                          r"(给)?(撤|撤销|撤回|撤消|取消)(了|掉|回|吧)*$"
                          # 撤销电梯那个, 把电梯那个撤了, 路灯那个撤销吧, 取消我的诉求, 电梯那个不用了: the one named by what it was
                          r"|^(我要|我想|帮我)?(撤销|撤回|撤消|取消|撤)(掉)?(我的|刚才的|刚才|之前的)?([^，,]{1,8}?(那个|那条|那件|的))?"
                          r"(诉求|问题|事|事情)?(吧|了)?$"
                          r"|^(帮我|我想|我要)?(把)?[^，,]{1,8}?(那个|那条|那件|的)(诉求|问题|事)?(给)?(撤|撤销|撤回|撤消|取消)(了|掉|吧)*$"
                          r"|^[^，,]{1,8}?(那个|那件|那条)(事|问题|诉求)?(就)?(不用|不需要)(再)?(管|来|修|处理)?了(吧)?$"
                          # 我刚才发错了: sent by mistake
                          r"|^(嗯|那个|就是)*(我)?(刚才|刚刚)?(是)?(发错|说错|打错|点错)(了)?$")


@functools.lru_cache(maxsize=1024)  # the intake asks it twice of a message, as is_chase_up
def calls_off(text: str) -> bool:
    """Whether a short message says the problem reported no longer needs anyone (不用了，我自己弄好了)."""
    cleaned = PUNCTUATION.sub("", as_said(text))
    return len(cleaned) <= MAX_CALLING_OFF and _CALLING_OFF.search(cleaned) is not None


# Wanting a withdrawal undone ("撤销错了", "我不想撤销了", "恢复我的诉求"): a withdrawn appeal cannot be restored.
MAX_REGRET = 20  # longer, and the message likely says the problem again, to be filed
_REGRETS_WITHDRAWAL = re.compile(r"(撤销|撤)错|(不想|不该|不应该|不要|不是要|没想)(撤销|撤)|误撤|不小心撤|(取消|撤回|撤销)(刚才的)?撤销|"
                                 r"(恢复|还原)(我的|那个|刚才的|刚才那个)?(诉求|撤销)")


def regrets_withdrawal(text: str) -> bool:
    """Whether a short message asks to undo a withdrawal (撤销错了，我不想撤销)."""
    cleaned = PUNCTUATION.sub("", as_said(text))
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
    folded = spoken_ticket_digits(as_said(text))  # read out to voice input: 二六一二零六零零二零 is 2612060020
    found = set(_WHOLE_TICKET.findall(folded))
    if len(found) != 1:
        return None
    rest = PUNCTUATION.sub("", _WHOLE_TICKET.sub("", folded))
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
    folded = PUNCTUATION.sub("", as_said(text))
    return len(folded) <= MAX_AT_HOME and _AT_HOME.fullmatch(folded) is not None


# Asking what one's ticket number was ("我的编号是多少", "我忘了编号了", "单号找不到了"), or after one's appeals
# ("我的诉求呢", "我提交的诉求在哪里看"): answered with 我的诉求.
MAX_TICKET_QUESTION = 16  # longer, and the message is likely about a problem too
_ASKS_FOR_TICKET = re.compile(r"(编号|单号).{0,3}(多少|是什么|是啥|忘|找不到|不记得|在哪)|(忘|不记得|找不到).{0,4}(编号|单号)"
                              r"|^(我的|我提交的|我反映的|我报的)(诉求|问题)(呢|在哪|在哪里看|在哪看|去哪看|怎么看|怎么查)$"
                              # 我的单子呢, 我那个单子: the ticket, as a repair slip is called
                              r"|^(我的|我那个|我那张|我提交的|我报的|我的那个)(单子|工单)(呢|在哪|在哪里|怎么样了|咋样了)?$")


def asks_for_ticket(text: str) -> bool:
    """Whether a short message asks for the sender's own ticket numbers rather than reporting anything."""
    folded = PUNCTUATION.sub("", as_said(text))
    return len(folded) <= MAX_TICKET_QUESTION and _ASKS_FOR_TICKET.search(folded) is not None
