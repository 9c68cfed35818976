"""Whether a short answer reads as a person's name though the classifier finds a problem's words in it.

The 党员报到 and 志愿者报名 dialogues ask for a name; an answer naming a problem there (电梯坏了, 楼道灯不亮) is a
problem sent to the wrong place, never stored as a name. But people are called 王路灯 or 李电梯: an answer of 2-4
characters that starts with a common surname (王, 欧阳), whose problem words all lie after the surname (高空抛物
starts with 高 but its words start there too), and holding none of the characters a complaint is made of (坏, 漏,
不, 了…), is a name, and the dialogue says it back so that a misreading is seen at once.
"""

from __future__ import annotations

from typing import Sequence

# Compound surnames first: 欧阳娜娜's surname is 欧阳, not 欧.
COMPOUND_SURNAMES = ("欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "尉迟", "公孙", "慕容", "令狐", "夏侯", "宇文", "长孙",
                     "司徒", "端木", "独孤", "南宫", "西门", "申屠", "轩辕")
# The surnames of some nine in ten people in China (the 2020 census' first hundred and some more).
SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪"
    "范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞"
    "颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻"
    "祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇"
    "栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝"
)
MIN_LENGTH, MAX_LENGTH = 2, 4
# What a problem is said with and a name hardly ever holds: states (坏, 漏), negations, particles.
_PROBLEM_CHARACTERS = frozenset("坏漏堵吵停臭破断塌脏偷骂冒不没了吗呢啊吧")


def surname_of(name: str) -> str | None:
    """The common surname `name` starts with, or None."""
    compound = next((surname for surname in COMPOUND_SURNAMES if name.startswith(surname)), None)
    if compound is not None:
        return compound
    return name[0] if name[:1] in SURNAMES else None


def reads_as_a_name(name: str, problem_words: Sequence[str]) -> bool:
    """Whether `name`, in which the classifier found `problem_words`, is still a person's name (王路灯, 李电梯)."""
    surname = surname_of(name)
    if surname is None or not MIN_LENGTH <= len(name) <= MAX_LENGTH or len(name) == len(surname):
        return False
    given = name[len(surname):]
    return not _PROBLEM_CHARACTERS.intersection(name) and all(word in given for word in problem_words)
