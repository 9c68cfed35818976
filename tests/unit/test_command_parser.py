"""The command parser (handlers/commands.py), no database: what a message names, and what its callback receives.

Every counter-example the parser's comments give is a row here, next to the commands it must not be mistaken
for; a rule dropped from `parse` turns one of these rows red.
"""

import pytest

from handlers.arguments import Arguments
from handlers.commands import COMMANDS, arguments_of, parse

MISSING = "missing"  # the command is named, but what it takes is not there: run_text answers with its usage


def parsed(text: str) -> tuple[str, Arguments | str] | None:
    """The command `text` names and the arguments its callback gets (or MISSING); None if it is no command."""
    found = parse(text)
    if found is None:
        return None
    command, argument = found
    return command.name, arguments_of(command, argument) or MISSING


@pytest.mark.parametrize("text", [
    "绑定好了吗",  # a sentence, not the command 绑定
    "我的诉求呢",
    "菜单呢",
    "查询一下低保怎么办",  # a question for the intake, not 查询
    "进度怎么样",
    "结果怎么样了",  # a sentence, not 办结 (结)
    "结案了吗",  # a question, not 结案
    "结案报告写好了",  # a sentence, not 结案 (a mistyped number is: 结案 F1 已处理)
    "结案 3天后再说",
    "恢复正常了吗",
    "接受不了",
    "认证码是多少",  # a question, not a code
    "认证 ab!c",  # punctuation inside a code (at its end it is a voice message's full stop)
    "查询 G2611220007 谢谢",  # 查询 takes a ticket and nothing else
    "撤销 G2611220007 不要了",
    "结案 G2611230001 已换",  # an appeal's number is not a focus case's
    "g2611220007 已联系物业",  # a bare number means 查询 only when it is all the message says
    "诉求G2611220007怎么样了",
    "G 2611 2200 07",  # a bare number needs its ten digits together
    "G261122000",
    "进展已联系物业",  # without a number, 进展 needs a space before the words
    "进展怎么样了？",  # a resident asking, not a member's note
    "1",  # a numbered answer belongs to a dialogue
    "。",
    "查询 1",  # a place in a list is for staff commands only
    "接受一下吧",
    "进 3号楼看看",  # a place in a list stands alone: 3号楼 is no position
    "进3号楼看看",  # nor run on into words that count or place something
    "结2单元的灯修好了",
    "进10点再去看看",
    "结3天前就修好了",
    "查询 G2611220007 2611220008 谢谢",
    "积分怎么兑换",  # a question, not 我的积分 (积分)
    "积分排行怎么算的",  # 积分排行 takes nothing or 社区
    "积分排行 小区里怎么算",  # a question: 积分排行 小区 alone is the ranking of the 小区
    "完成了吗",  # a question, not a volunteer's 完成
    "放弃吧",
    "领单是什么意思",
    "查一下低保怎么办",
    "查询编号G2612060006 谢谢",
    "幫助一下",
    "我要上报井盖丢了",  # staff work is never asked for politely: a resident's problem to file
    "我要投诉网格员张伟",
    "我想绑定好了吗",
    "我要撤销G2612060048谢谢",
    "查詢一下低保怎麼辦",
    "手机号丢了怎么办",
    "电话号码是多少",
])
def test_sentences_that_start_like_a_command_are_not_one(text):
    assert parsed(text) is None


@pytest.mark.parametrize("text, command, arguments", [
    # Commands that take nothing, by their full and short verbs, in any case or width.
    ("绑定", "bind", Arguments()),
    (" 帮助 ", "help", Arguments()),
    ("HELP", "help", Arguments()),
    ("ｈｅｌｐ", "help", Arguments()),
    ("？", "help", Arguments()),
    ("我的诉求", "my_appeals", Arguments()),
    ("我的任务", "my_tasks", Arguments()),
    ("任务", "my_tasks", Arguments()),
    ("转人工", "to_human", Arguments()),
    # A ticket, read as people type it.
    ("查询 G2611220007", "show", Arguments(ticket="G2611220007")),
    ("查询g2611220007", "show", Arguments(ticket="G2611220007")),
    ("查询Ｇ２６１１２２０００７", "show", Arguments(ticket="G2611220007")),
    # A wish's or a focus case's number is no appeal's ticket: 查询 says what it is (its letter is required).
    ("查询 W2611220001", "show", Arguments(words="W2611220001")),
    ("j2611230001", "show", Arguments(words="J2611230001")),
    ("进度 G2611220007", "show", Arguments(ticket="G2611220007")),
    ("撤销 2611220007", "cancel_appeal", Arguments(ticket="G2611220007")),
    ("接G2611220007", "claim", Arguments(ticket="G2611220007")),
    ("拆分 G2611220007", "split", Arguments(ticket="G2611220007")),
    # A bare ticket number means 查询.
    ("G2611220007", "show", Arguments(ticket="G2611220007")),
    ("g2611220007", "show", Arguments(ticket="G2611220007")),
    ("2611220007", "show", Arguments(ticket="G2611220007")),
    ("２６１１２２０００７", "show", Arguments(ticket="G2611220007")),
    # A number, then words: the number normalised, the words as typed (a resident reads them back).
    ("进展 G2611220007 已联系物业", "progress", Arguments(ticket="G2611220007", words="已联系物业")),
    ("进 g2611220007 已联系物业", "progress", Arguments(ticket="G2611220007", words="已联系物业")),
    ("进展 2611220007已联系物业", "progress", Arguments(ticket="G2611220007", words="已联系物业")),
    ("进展 Ｇ２６１１２２０００７ １号楼已修", "progress", Arguments(ticket="G2611220007", words="１号楼已修")),
    ("进展 G2611220007 已联系物业\n明天上门", "progress",
     Arguments(ticket="G2611220007", words="已联系物业\n明天上门")),
    ("办结G2611220007已修好", "resolve", Arguments(ticket="G2611220007", words="已修好")),
    ("结 G2611220007 已修好", "resolve", Arguments(ticket="G2611220007", words="已修好")),
    ("挂起 G2611220007 等配件", "pause", Arguments(ticket="G2611220007", words="等配件")),
    ("退回 G2611220007 不属于本网格", "give_back", Arguments(ticket="G2611220007", words="不属于本网格")),
    ("转办 G2611220007 城管执法中队", "transfer", Arguments(ticket="G2611220007", words="城管执法中队")),
    ("转 G2611220007 城管", "transfer", Arguments(ticket="G2611220007", words="城管")),
    ("分类 G2611220007 市容环境", "reclassify", Arguments(ticket="G2611220007", words="市容环境")),
    ("合并 G2611220007 G2611220008", "merge", Arguments(ticket="G2611220007", words="G2611220008")),
    # A focus case's number, then words.
    ("结案 J2611230001 已统一更换水管", "close_focus", Arguments(case_code="J2611230001", words="已统一更换水管")),
    ("结案 j2611230001 已换 水管", "close_focus", Arguments(case_code="J2611230001", words="已换 水管")),
    ("结案 2611230001 已换", "close_focus", Arguments(case_code="J2611230001", words="已换")),
    # Words, as typed.
    ("上报 3号楼消防通道堆满杂物", "report", Arguments(words="3号楼消防通道堆满杂物")),
    ("上报 Ｂ座电梯坏了", "report", Arguments(words="Ｂ座电梯坏了")),
    ("认证 AB12-cd", "certify", Arguments(words="AB12-cd")),
    ("认证 ＡＢ１２", "certify", Arguments(words="ＡＢ１２")),
    ("认证 12 34", "certify", Arguments(words="12 34")),
    # Voice and punctuation: 。！？ around a command, a comma after its verb.
    ("我的诉求。", "my_appeals", Arguments()),
    ("帮助。", "help", Arguments()),
    ("帮助？", "help", Arguments()),
    ("我的任务。", "my_tasks", Arguments()),
    ("！我的任务！", "my_tasks", Arguments()),
    ("接单 2612020014。", "claim", Arguments(ticket="G2612020014")),
    ("接单，2612020014。", "claim", Arguments(ticket="G2612020014")),
    ("G2612020014。", "show", Arguments(ticket="G2612020014")),
    ("进展 2612020014 已联系物业。", "progress", Arguments(ticket="G2612020014", words="已联系物业")),
    ("结 G2612020014，已清理。", "resolve", Arguments(ticket="G2612020014", words="已清理")),
    ("进 G2612020014：已联系保洁", "progress", Arguments(ticket="G2612020014", words="已联系保洁")),
    ("完成 W2611220001，已帮刘奶奶换好灯泡。", "task_done", Arguments(ticket="W2611220001", words="已帮刘奶奶换好灯泡")),
    # Chinese numerals, as voice reads a ticket out.
    ("接单二六一二零二零零一四", "claim", Arguments(ticket="G2612020014")),
    ("接单 幺两一二〇二零零一四。", "claim", Arguments(ticket="G1212020014")),
    ("接单二六一二零二零零零一四", "claim", Arguments(ticket="G26120200014")),  # as spoken: 11 digits
    ("二六一二零二零零一四", "show", Arguments(ticket="G2612020014")),
    ("接单 二六一二 零二零零 一四。", "claim", Arguments(ticket="G2612020014")),  # pauses while speaking
    ("查询 二六一二　零二零零　一四", "show", Arguments(ticket="G2612020014")),
    ("进展二六一二零二零零一四已联系物业", "progress", Arguments(ticket="G2612020014", words="已联系物业")),
    # Several numbers: never glued into one.
    ("接单 2612020014 2612020015", "claim",
     Arguments(ticket="G2612020014", tickets=("G2612020014", "G2612020015"))),
    ("接单 G2612020014、G2612020015。", "claim",
     Arguments(ticket="G2612020014", tickets=("G2612020014", "G2612020015"))),
    ("查询 2612020014 2612020015", "show",
     Arguments(ticket="G2612020014", tickets=("G2612020014", "G2612020015"))),
    ("办结 2612020014 2612020015 已修好", "resolve",
     Arguments(ticket="G2612020014", tickets=("G2612020014", "G2612020015"))),
    ("查询 G 2611 2200 07", "show", Arguments(ticket="G2611220007")),  # spaces inside one number
    # A number of the wrong length is named, to be told the format.
    ("接单 G261202014", "claim", Arguments(near_ticket="G261202014")),
    ("查询 261202014", "show", Arguments(near_ticket="261202014")),
    ("进展 G261202014 已联系物业", "progress", Arguments(near_ticket="G261202014")),
    # A place in the member's last list.
    ("接 1", "claim", Arguments(position=1)),
    ("接单 12", "claim", Arguments(position=12)),
    ("接 0", "claim", Arguments(position=0)),  # no place in any list: said back as such
    ("接一。", "claim", Arguments(position=1)),
    ("结 2 已修好", "resolve", Arguments(position=2, words="已修好")),
    ("办结 十 已修好", "resolve", Arguments(position=10, words="已修好")),
    ("进展 3 已联系物业", "progress", Arguments(position=3, words="已联系物业")),
    ("结二，已修好。", "resolve", Arguments(position=2, words="已修好")),
    ("进展 1，已联系物业。", "progress", Arguments(position=1, words="已联系物业")),
    ("接十一。", "claim", Arguments(position=11)),
    ("接 十二", "claim", Arguments(position=12)),
    ("结 二十 已修好", "resolve", Arguments(position=20, words="已修好")),
    # Voice runs the words on after a counted place, without a comma.
    ("结第二条已修好。", "resolve", Arguments(position=2, words="已修好")),
    ("进展第一个已经联系车主挪车了", "progress", Arguments(position=1, words="已经联系车主挪车了")),
    ("办结第3件，已清理", "resolve", Arguments(position=3, words="已清理")),
    ("接第三个。", "claim", Arguments(position=3)),
    # One thumb leaves the space out between the place (or the last four) and the words.
    ("结1已修好", "resolve", Arguments(position=1, words="已修好")),
    ("挂起2等配件", "pause", Arguments(position=2, words="等配件")),
    ("进展12已联系物业", "progress", Arguments(position=12, words="已联系物业")),
    ("结0013已修好", "resolve", Arguments(near_ticket="0013", words="已修好")),
    # 进展 with words only: the member's one task in progress.
    ("进展 已联系物业", "progress", Arguments(words="已联系物业")),
    ("进展，已联系物业。", "progress", Arguments(words="已联系物业")),
    # Voice recognition ends the verb said alone with 。: the words that follow are still the note.
    ("进展。明天上午来修。", "progress", Arguments(words="明天上午来修")),
    ("结单 G2612070006 已修好", "resolve", Arguments(ticket="G2612070006", words="已修好")),
    ("已办结 G2612070006，已修好。", "resolve", Arguments(ticket="G2612070006", words="已修好")),
    ("办结 G2612070006。已修好。", "resolve", Arguments(ticket="G2612070006", words="已修好")),
    ("结二。已修好。", "resolve", Arguments(position=2, words="已修好")),
    ("结 0013。已修好。", "resolve", Arguments(near_ticket="0013", words="已修好")),
    ("更多", "more_tasks", Arguments()),
    # One of a few words (Takes.CHOICE), or nothing.
    ("积分排行", "points_ranking", Arguments()),
    ("积分排行 社区。", "points_ranking", Arguments(words="社区")),
    ("积分", "my_points", Arguments()),
    # A volunteer task: an appeal's ticket (G optional) or a wish's number (W required).
    ("领单 w2611220001", "take_task", Arguments(ticket="W2611220001")),
    ("领单 2611220007", "take_task", Arguments(ticket="G2611220007")),
    ("放弃 W2611220001。", "give_back_task", Arguments(ticket="W2611220001")),
    ("完成 W2611220001 菜已送到", "task_done", Arguments(ticket="W2611220001", words="菜已送到")),
    ("完成 g2611220007 已陪老人散步", "task_done", Arguments(ticket="G2611220007", words="已陪老人散步")),
    ("确认完成 W2611220001", "confirm_task", Arguments(ticket="W2611220001")),
    ("可领任务", "open_tasks", Arguments()),
    ("领单 1", "take_task", MISSING),  # a line of 可领任务 is no number: the reply asks for the G… or W…
    ("放弃 二。", "give_back_task", MISSING),
    ("发布心愿 为李奶奶换灯泡", "post_wish", Arguments(words="为李奶奶换灯泡")),
    # The words people put before a ticket: still the command, never a new appeal.
    # The number first, then the command (G2612060006撤销): still the command, never a new appeal.
    ("G2612060006撤销", "cancel_appeal", Arguments(ticket="G2612060006")),
    ("2612060006 催办。", "chase", Arguments(ticket="G2612060006")),
    ("g2612060006，查询一下", "show", Arguments(ticket="G2612060006")),
    ("查询编号G2612060006", "show", Arguments(ticket="G2612060006")),
    ("查询编号：G2612060006", "show", Arguments(ticket="G2612060006")),
    ("查询诉求G2612060006", "show", Arguments(ticket="G2612060006")),
    ("查询一下我的诉求 2612060006", "show", Arguments(ticket="G2612060006")),
    ("查一下G2612060006", "show", Arguments(ticket="G2612060006")),
    ("编号G2612060006", "show", Arguments(ticket="G2612060006")),
    ("查询编号是G2612060006。", "show", Arguments(ticket="G2612060006")),
    ("查询2612060048号", "show", Arguments(ticket="G2612060048")),
    ("撤销2612060048号诉求", "cancel_appeal", Arguments(ticket="G2612060048")),
    ("进展 G2612060048 号楼已修", "progress", Arguments(ticket="G2612060048", words="号楼已修")),
    ("诉求编号 2612060006。", "show", Arguments(ticket="G2612060006")),
    ("撤销编号G2612060006", "cancel_appeal", Arguments(ticket="G2612060006")),
    ("结 编号G2612060021 已修好", "resolve", Arguments(ticket="G2612060021", words="已修好")),
    ("进展 诉求人不在家", "progress", Arguments(words="诉求人不在家")),  # a label only before a ticket
    # A resident's command asked for politely.
    ("我要撤销G2612060048", "cancel_appeal", Arguments(ticket="G2612060048")),
    ("麻烦帮我撤销一下G2612060048", "cancel_appeal", Arguments(ticket="G2612060048")),
    ("我想查询G2612060048。", "show", Arguments(ticket="G2612060048")),
    ("请帮我查询 G2612060048", "show", Arguments(ticket="G2612060048")),
    ("我要绑定", "bind", Arguments()),
    ("绑定住址。", "bind", Arguments()),
    ("修改住址", "bind", Arguments()),
    ("我想转人工", "to_human", Arguments()),
    ("请问我的诉求", "my_appeals", Arguments()),
    ("请问查询G2612060048", "show", Arguments(ticket="G2612060048")),
    # Written as voice input and quick typing write them.
    ("电话号码是13912345678", "phone_given", Arguments(words="是13912345678")),
    ("手机号 13912345678", "phone_given", Arguments(words="13912345678")),
    ("我的述求。", "my_appeals", Arguments()),
    ("撤消G2612060048", "cancel_appeal", Arguments(ticket="G2612060048")),
    ("查寻 G2612060048", "show", Arguments(ticket="G2612060048")),
    # ... and by voice, after a hesitation or a greeting.
    ("嗯那个我要绑定。", "bind", Arguments()),
    ("嗯，就是，我想查询G2612060048", "show", Arguments(ticket="G2612060048")),
    ("你好我要撤销G2612060048", "cancel_appeal", Arguments(ticket="G2612060048")),
    # Traditional characters name the same commands; the words stay as typed.
    ("幫助", "help", Arguments()),
    ("我的訴求。", "my_appeals", Arguments()),
    ("查詢 G2612060029", "show", Arguments(ticket="G2612060029")),
    ("查詢編號：G2612060029", "show", Arguments(ticket="G2612060029")),
    ("撤銷 G2612060029", "cancel_appeal", Arguments(ticket="G2612060029")),
    ("進展 G2612060029 已聯繫物業", "progress", Arguments(ticket="G2612060029", words="已聯繫物業")),
])
def test_a_command_names_its_verb_and_hands_its_callback_the_parsed_arguments(text, command, arguments):
    assert parsed(text) == (command, arguments)


@pytest.mark.parametrize("text, command", [
    ("查询", "show"),
    ("恢复", "resume"),
    ("认证", "certify"),
    ("上报", "report"),
    ("进展", "progress"),
    ("进展 G2611220007", "progress"),  # the number without the words
    ("结案 J2611230001", "close_focus"),
    ("结 2", "resolve"),  # a place in the list without the words
    ("办结。", "resolve"),
    ("完成 W2611220001", "task_done"),  # the number without the words
    ("领单", "take_task"),
])
def test_a_command_without_what_it_takes_is_named_but_gets_no_arguments(text, command):
    assert parsed(text) == (command, MISSING)


def test_every_verb_names_one_command_only():
    verbs = [verb.lower() for command in COMMANDS for verb in command.verbs]
    assert len(verbs) == len(set(verbs))


@pytest.mark.parametrize(("text", "name"), [("我的 诉求", "my_appeals"), ("我 搬家了", "bind"), ("我的　地址。", "my_address"),
                                            ("我的 任务", "my_tasks")])
def test_a_command_taking_nothing_typed_with_a_space_inside_is_that_command(text, name):
    found = parse(text)
    assert found is not None and (found[0].name, found[1]) == (name, "")


@pytest.mark.parametrize("text", ["我的 电梯 坏了", "我 搬家了 楼道堵了"])
def test_a_sentence_with_spaces_is_not_squeezed_into_a_command(text):
    assert parse(text) is None
