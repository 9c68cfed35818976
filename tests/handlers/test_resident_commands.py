"""帮助, 我的诉求, 查询, 撤销, 补充, 我的地址 — and a resident only ever sees (and adds to) their own appeals."""

import re

import pytest
from sqlalchemy import select

from handlers import resident_texts
from storage.models import Appeal
from tests.support.database import notices, worded
from tests.support.personas import LI, VOLUNTEER, WANG, ZHANG
from tests.support.worker import dispatch_filed, file_and_dispatch

pytestmark = pytest.mark.postgres

LIFT = "3号楼电梯坏了，物业一直不来修"


def ticket_of(reply):
    return re.search(r"G\d{10}", reply).group(0)


def test_help_lists_every_command(wechat):
    reply = wechat.send("o1", "帮助")
    for usage in ("我的诉求", "查询 编号", "撤销 编号", "绑定", "我的地址", "取消"):
        assert usage in reply


def test_my_appeals_shows_the_latest_five_newest_first(wechat, clock):
    tickets = []
    for n in range(6):
        tickets.append(ticket_of(wechat.send("o1", f"{n + 1}号楼楼道灯不亮，晚上黑漆漆的")))
        clock.advance(minutes=1)
    reply = wechat.send("o1", "我的诉求")
    assert tickets[0] not in reply
    assert reply.index(tickets[5]) < reply.index(tickets[1])
    assert reply.count("已受理") == 5


def test_an_appeal_of_last_year_says_its_year_and_this_years_do_not(wechat, clock):
    old = ticket_of(wechat.send("o1", LIFT))  # 22 November 2026, 10:00 in Beijing
    clock.advance(days=365)
    new = ticket_of(wechat.send("o1", "1号楼楼道灯不亮，晚上黑漆漆的"))

    listed = wechat.send("o1", "我的诉求")
    shown = wechat.send("o1", f"查询 {old}")

    assert f"{old}｜物业服务｜已受理｜2026年11月22日 10:00" in listed  # not a day that reads as today's
    assert re.search(f"{new}｜[^｜]+｜[^｜]+｜11月22日 10:00\n", listed)
    assert "2026年11月22日 10:00 已受理" in shown


@pytest.mark.parametrize("invisible", ["\u200b", "\ufeff", "\u2060", "\u200e"])
def test_a_command_with_an_invisible_character_pasted_into_it_is_the_command(wechat, invisible):
    ticket = ticket_of(wechat.send("o1", LIFT))
    assert f"{ticket}" in wechat.send("o1", f"我的{invisible}诉求")
    assert "状态" in wechat.send("o1", f"查询{invisible} {ticket}{invisible}")


def test_query_shows_the_timeline_and_accepts_sloppy_ticket_numbers(wechat):
    ticket = ticket_of(wechat.send("o1", LIFT))
    for typed in (f"查询 {ticket}", f"查询{ticket.lower()}", f"查询 {ticket[1:]}", ticket, f"查询　{ticket}"):
        reply = wechat.send("o1", typed)
        assert f"诉求 {ticket}" in reply and "状态：已受理" in reply, typed


@pytest.mark.parametrize("said", ["查询{ticket}谢谢", "请帮我查一下{ticket}的进度", "{ticket}现在到哪一步了？",
                                  "我的诉求编号是{ticket}，现在什么情况", "请问{ticket}进度怎样"])
def test_asking_after_a_ticket_in_a_sentence_shows_it_and_files_nothing(wechat, said):
    ticket = ticket_of(wechat.send("o1", LIFT))
    reply = wechat.send("o1", said.format(ticket=ticket))
    assert f"诉求 {ticket}" in reply and "状态：已受理" in reply and "已受理您的诉求" not in reply
    assert re.findall(r"G\d{10}", wechat.send("o1", "我的诉求")) == [ticket]  # still the only appeal


def test_asking_after_a_ticket_read_out_in_numerals_shows_it_and_files_nothing(wechat):
    ticket = ticket_of(wechat.send("o1", LIFT))
    spoken = ticket[1:].translate(str.maketrans("0123456789", "零一二三四五六七八九"))
    reply = wechat.send("o1", f"查一下{spoken}的进度。")
    assert f"诉求 {ticket}" in reply and "已受理您的诉求" not in reply
    assert re.findall(r"G\d{10}", wechat.send("o1", "我的诉求")) == [ticket]


@pytest.mark.parametrize("said", ["我的编号是多少", "我忘了编号了。", "单号找不到了", "我的诉求呢？", "我提交的诉求在哪里看"])
def test_asking_for_ones_ticket_number_lists_the_appeals_and_files_nothing(wechat, said):
    ticket = ticket_of(wechat.send("o1", LIFT))
    reply = wechat.send("o1", said)
    assert reply.startswith("您最近的诉求：") and ticket in reply
    assert re.findall(r"G\d{10}", wechat.send("o1", "我的诉求")) == [ticket]


def test_asking_after_someone_elses_ticket_in_a_sentence_shows_nothing(wechat):
    ticket = ticket_of(wechat.send("o1", LIFT))
    assert f"没有找到编号为 {ticket} 的诉求" in wechat.send("o2", f"请帮我查一下{ticket}的进度")


def test_a_resident_cannot_see_or_cancel_someone_elses_appeal(wechat):
    ticket = ticket_of(wechat.send("o1", LIFT))
    assert "没有找到编号为" in wechat.send("o2", f"查询 {ticket}")
    assert "没有找到编号为" in wechat.send("o2", f"撤销 {ticket}")
    assert "已受理" in wechat.send("o1", f"查询 {ticket}")


def test_a_ticket_with_the_command_said_after_it_is_that_command_not_a_new_appeal(wechat, seeded):
    ticket = ticket_of(wechat.send("o1", LIFT))
    assert "当前状态" in wechat.send("o1", f"{ticket[1:]} 催办")
    assert f"诉求 {ticket} 已撤销" in wechat.send("o1", f"{ticket}撤销")
    assert "还没有提交过" not in wechat.send("o1", "我的诉求") and len(re.findall(r"G\d{10}", wechat.send("o1", "我的诉求"))) == 1


@pytest.mark.parametrize("said", ["我想撤销我的诉求", "撤销刚才那个", "撤销最后一个", "撤销吧", "撤回一下",
                                  "不要了，撤销吧"])
def test_asking_to_withdraw_without_a_number_lists_the_open_appeals_instead_of_filing_the_words(wechat, seeded,
                                                                                                said):
    ticket = ticket_of(wechat.send("o1", LIFT))
    reply = wechat.send("o1", said)
    assert "已受理" not in reply and f"撤销 {ticket}" in reply
    assert len(re.findall(r"G\d{10}", wechat.send("o1", "我的诉求"))) == 1


@pytest.mark.parametrize("said", ["查询我的诉求", "查一下我的诉求", "评价一下", "我要评价"])
def test_asking_after_or_to_rate_one_of_mine_without_a_number_is_answered_not_filed(wechat, seeded, said):
    ticket = ticket_of(wechat.send("o1", LIFT))
    reply = wechat.send("o1", said)
    assert "已受理您的诉求" not in reply and (ticket in reply or reply == resident_texts.NOTHING_TO_RATE)
    assert len(re.findall(r"G\d{10}", wechat.send("o1", "我的诉求"))) == 1


def test_cancel_withdraws_once(wechat):
    ticket = ticket_of(wechat.send("o1", LIFT))
    assert f"诉求 {ticket} 已撤销" in wechat.send("o1", f"撤销 {ticket}")
    assert wechat.send("o1", f"撤销 {ticket}") == f"诉求 {ticket} 已经撤销了，不用再撤销。如问题仍未解决，可随时重新提交。"
    assert "您已撤销" in wechat.send("o1", f"查询 {ticket}")


@pytest.mark.parametrize("said", ["撤销错了，我不想撤销", "撤销错了", "不小心撤销了", "我不是要撤销的", "恢复我的诉求。", "恢复 {ticket}"])
def test_wanting_a_withdrawal_undone_says_how_to_report_again_and_files_nothing(wechat, said):
    ticket = ticket_of(wechat.send("o1", LIFT))
    wechat.send("o1", f"撤销 {ticket}")
    assert wechat.send("o1", said.format(ticket=ticket)) == (
        f"诉求 {ticket} 已经撤销，撤销后不能恢复。问题还在的，请把情况再发一次，我们重新登记为新的诉求。"
        "原来的内容：3号楼电梯坏了，物业一直不来修")
    assert re.findall(r"G\d{10}", wechat.send("o1", "我的诉求")) == [ticket]


def test_staffs_resume_from_a_resident_who_never_withdrew_is_still_staff_only(wechat):
    assert "这个指令是工作人员专用的" in wechat.send("o1", "恢复 G2612060001")


def test_a_command_without_its_ticket_lists_what_it_could_mean(wechat):
    assert wechat.send("o1", "撤销") == "您现在没有正在办理的诉求。要反映新问题，直接发送文字或语音即可。"
    ticket = ticket_of(wechat.send("o1", LIFT))
    assert wechat.send("o1", "我要撤销。") == (f"请在“撤销”后面写上诉求编号，例如：撤销 {ticket}\n"
                                            f"您正在办理的诉求：\n{ticket}｜物业服务｜3号楼电梯坏了，物业一直不来修")
    assert f"请在“催办”后面写上诉求编号，例如：催办 {ticket}" in wechat.send("o1", "催办")
    assert wechat.send("o1", "查询").startswith(f"您最近的诉求：\n{ticket}")
    assert "已撤销" not in wechat.send("o1", f"查询 {ticket}")  # listed, never withdrawn unasked
    # Asked how: each was filed as a new appeal (怎么评价 a 政策咨询 one), answered now as the command alone.
    assert wechat.send("o1", "怎么撤销？").startswith(f"请在“撤销”后面写上诉求编号，例如：撤销 {ticket}")
    assert wechat.send("o1", "请问怎么评价") == resident_texts.NOTHING_TO_RATE
    for said in ("查一下进度", "查询我的诉求进展", "查看一下办理情况"):  # each was filed as a new appeal
        assert wechat.send("o1", said).startswith(f"您最近的诉求：\n{ticket}"), said
    assert re.findall(r"G\d{10}", wechat.send("o1", "我的诉求")) == [ticket]


@pytest.mark.parametrize("said", ["那个事不用了我自己弄好了。", "不用来了，我自己修好了", "嗯那件事不需要了", "刚才是误报",
                                  "电梯修好了，谢谢你们", "已经修好了，谢谢",
                                  # filed as an appeal of its own, 我不想反映了 as a 家庭矛盾
                                  "我不想反映了", "算了，不投诉了", "我不想要了", "撤了吧",
                                  # filed as an appeal of no category, or added to the latest as her words
                                  "那个，我想把刚才那个撤了", "帮我把它撤销吧", "我刚才发错了",
                                  # added to her appeal as words for its handler, 灯亮了 filed, 取消吧 asked to describe
                                  "已经好了，不用来了", "算了不用了", "那个电梯的事不用管了", "那个事算了", "电梯又能用了",
                                  "取消吧",
                                  # filed as new lift appeals, or (取消我的诉求) added to the latest as words
                                  "撤销电梯那个", "把电梯那个撤了", "电梯那个不用了", "取消我的诉求"])
def test_calling_off_in_words_says_how_to_withdraw_and_files_nothing(wechat, said):
    assert wechat.send("o1", said) == "好的，有需要随时找我们。"
    ticket = ticket_of(wechat.send("o1", LIFT))
    assert wechat.send("o1", said) == (f"好的。问题已经解决的话，请回复“撤销 编号”撤销诉求，例如：撤销 {ticket}\n"
                                       f"您正在办理的诉求：\n{ticket}｜物业服务｜3号楼电梯坏了，物业一直不来修")
    assert re.findall(r"G\d{10}", wechat.send("o1", "我的诉求")) == [ticket]  # nothing filed, nothing withdrawn
    assert "状态：已受理" in wechat.send("o1", f"查询 {ticket}")


def test_an_alarm_that_keeps_going_off_for_nothing_is_filed_not_read_as_calling_off(wechat):
    assert "已受理您的诉求" in wechat.send("o1", "楼道烟感老是误报")


def test_a_repair_that_did_not_hold_is_still_filed(wechat):
    assert "已受理您的诉求" in wechat.send("o1", "电梯修好了又坏了，老是停在五楼")


@pytest.mark.parametrize("said", ["楼道灯不亮了", "暖气不热了", "楼道灯坏了物业说不用修了"])
def test_a_problem_back_or_a_refusal_reported_is_still_filed(wechat, said):
    assert "已受理您的诉求" in wechat.send("o1", said)


def test_a_problem_that_is_no_longer_used_is_still_filed(wechat):
    assert "已受理您的诉求" in wechat.send("o1", "小区的健身器材坏了不用了也没人拆")


def test_sentences_that_start_like_commands_are_appeals(wechat):
    reply = wechat.send("o1", "查询一下低保补贴怎么申请")
    assert "已受理您的诉求" in reply and "政策咨询" in reply


def test_my_address_shows_the_bound_home(wechat):
    assert "幸福里社区·第一网格 阳光花园3号楼1单元" in wechat.send("o1", "我的地址")


def test_greetings_and_fragments_are_not_filed(wechat):
    assert "请直接描述您遇到的问题" in wechat.send("o1", "你好")
    assert "以后遇到问题，直接发文字或语音给我们就行" in wechat.send("o1", "嗯嗯")  # small talk (issue 10)
    assert "请再具体描述一下" in wechat.send("o1", "坏了")
    assert "还没有提交过诉求" in wechat.send("o1", "我的诉求")


@pytest.mark.parametrize("said", ["喂", "喂喂，有人吗", "喂，你好", "喂？在吗", "喂？能听到吗", "听得见吗"])
def test_hello_said_as_on_the_phone_is_greeted_and_files_nothing(wechat, seeded, said):
    # 喂喂，有人吗 and 喂？能听到吗 were filed as 政策咨询 appeals and sent to the grid as tasks.
    assert wechat.send("o1", said) == resident_texts.GREETING
    with seeded.transaction() as session:
        assert session.scalars(select(Appeal)).all() == []
    assert "已受理您的诉求" in wechat.send("o1", "喂，3号楼电梯又坏了")


@pytest.mark.parametrize("said", ["我家楼上那个", "嗯，我们家门口", "我家那个事"])
def test_a_voice_message_cut_off_after_whose_place_is_asked_about_and_files_nothing(wechat, seeded, said):
    # 我家楼上那个 was filed as a 邻里纠纷 appeal whose card told the grid nothing about what was wrong.
    assert wechat.send("o1", said) == resident_texts.CHATTER_REPLIES["fragment"]
    with seeded.transaction() as session:
        assert session.scalars(select(Appeal)).all() == []
    assert "已受理您的诉求" in wechat.send("o1", "我家楼上一直往下漏水")  # what is wrong said: filed


@pytest.mark.parametrize("said", ["物业", "物业！", "找物业", "我要找物业", "物业公司", "物业的问题", "物业费",
                                  "物业费的问题"])
def test_naming_only_the_property_company_asks_what_is_wrong_and_files_nothing(wechat, seeded, said):
    # 物业 alone was filed as an appeal (物业服务) whose card told the grid nothing to do.
    assert wechat.send("o1", said).startswith("请说一下物业服务哪里有问题、在哪里，例如：“3号楼电梯坏了，物业一直不来修”")
    with seeded.transaction() as session:
        assert session.scalars(select(Appeal)).all() == []
    assert "已受理您的诉求" in wechat.send("o1", "物业不管楼道里的垃圾，好几天了")  # a problem named: filed


@pytest.mark.parametrize("said", ["帮帮我", "帮帮我！！", "请帮帮忙", "谁能帮帮我啊", "嗯 那个 帮帮我", "求求你们帮帮我"])
def test_help_asked_for_alone_is_asked_what_happened_with_the_numbers_to_call_and_files_nothing(wechat, seeded, said):
    # 帮帮我 alone was filed as a 养老服务 appeal whose card told the grid nothing about what was wrong.
    reply = wechat.send("o1", said)
    assert reply == resident_texts.CHATTER_REPLIES["help_me"]
    assert reply.startswith("请告诉我们遇到了什么事、在哪里") and "请先拨打 119、120 或 110" in reply
    with seeded.transaction() as session:
        assert session.scalars(select(Appeal)).all() == []
    assert "已受理您的诉求" in wechat.send("o1", "帮帮我，3号楼楼道灯坏了好几天了")  # what is wrong said: filed


@pytest.mark.parametrize("said", ["怎么接单", "请问怎么接单啊？", "如何领单", "接单怎么接", "嗯 那个 在哪里接任务"])
def test_a_resident_asking_how_to_claim_is_told_whose_work_it_is_and_how_to_sign_up_and_files_nothing(
        wechat, seeded, said):
    # 怎么接单 was filed as a 政策咨询 appeal and sent to the grid as a task.
    reply = wechat.send("o1", said)
    assert reply.startswith("接单是网格员和社区确认过的志愿者、党员使用的") and "请发送“志愿者报名”" in reply
    with seeded.transaction() as session:
        assert session.scalars(select(Appeal)).all() == []


def test_a_confirmed_volunteer_asking_how_to_claim_is_told_the_commands(wechat, seeded):
    reply = wechat.send(VOLUNTEER, "怎么接单")
    assert reply.startswith("发送“可领任务”查看本社区可以领的任务和微心愿，再发送“领单 编号”领取")
    with seeded.transaction() as session:
        assert session.scalars(select(Appeal)).all() == []


@pytest.mark.parametrize("said", ["物业电话多少", "请问物业的电话是多少？", "怎么联系物业", "小区物业联系方式"])
def test_asking_for_the_property_companys_phone_is_told_how_to_reach_us_and_files_nothing(wechat, seeded, said):
    # It was filed as an appeal (物业服务) with the question as its words, sent to the grid as a task.
    assert wechat.send("o1", said) == resident_texts.CHATTER_REPLIES["contact"]
    with seeded.transaction() as session:
        assert session.scalars(select(Appeal)).all() == []
    assert "已受理您的诉求" in wechat.send("o1", "物业电话一直打不通，3号楼电梯坏了")  # a problem: filed


@pytest.mark.parametrize(("said", "kind"), [
    ("谢谢啊姑娘", "thanks"), ("麻烦你们了啊", "thanks"), ("好嘞", "ok"), ("晓得了", "ok"), ("要得", "ok"), ("中", "ok"),
    ("那就好", "ok"), ("没问题", "ok"), ("是的", "ok"), ("那我等着", "ok"), ("好，我等你们电话", "ok"),
    ("就这些", "no_thanks"), ("没有了", "no_thanks"),
])
def test_what_an_older_resident_answers_a_reply_with_is_answered_briefly_and_files_nothing(wechat, seeded, clock,
                                                                                             said, kind):
    # Asked to describe a problem (好嘞, 那就好), or filed as an appeal (那我等着, 麻烦你们了啊, 好，我等你们电话).
    ticket_of(wechat.send("o1", LIFT))
    clock.advance(minutes=10)
    assert wechat.send("o1", said) == resident_texts.CHATTER_REPLIES[kind]
    with seeded.transaction() as session:
        assert len(session.scalars(select(Appeal)).all()) == 1


@pytest.mark.parametrize("said", ["我不会打字", "我儿子帮我弄的这个，我也不太会用", "孙女给我关注的，我不会用这个"])
def test_not_knowing_how_to_use_it_is_told_how_and_files_nothing(wechat, seeded, said):
    # Each was filed as a 家庭矛盾 appeal, sent to the grid as a task.
    reply = wechat.send("o1", said)
    assert reply == resident_texts.CHATTER_REPLIES["how_to"] and "直接发文字或语音" in reply
    with seeded.transaction() as session:
        assert session.scalars(select(Appeal)).all() == []
    assert "已受理您的诉求" in wechat.send("o1", "水管坏了我不会弄，厨房里全是水")  # a problem: filed


@pytest.mark.parametrize("said", ["你是机器人吗", "有没有真人", "什么意思", "这是什么意思啊", "我没看懂", "听不懂",
                                  # filed as 政策咨询 appeals sent to the grid
                                  "怎么发语音", "能发语音吗"])
def test_asking_who_answers_or_what_a_reply_meant_is_told_how_it_works_and_files_nothing(wechat, seeded, said):
    # 你是机器人吗 and 什么意思 were filed as 政策咨询 appeals sent to the grid; 我没看懂 was asked for a problem.
    assert wechat.send("o1", said) == resident_texts.CHATTER_REPLIES["how_to"]
    with seeded.transaction() as session:
        assert session.scalars(select(Appeal)).all() == []


@pytest.mark.parametrize("said", ["2号楼1单元", "三栋二单元502这边"])
def test_only_a_place_after_being_asked_what_and_where_asks_what_is_wrong_there_and_files_nothing(
        wechat, seeded, said):
    # Sent after 我要报修 was asked 是什么问题、在哪里, 2号楼1单元 was filed as a 物业服务 appeal of no problem.
    wechat.dialog("o1", [("我要报修", "请再具体描述一下"),
                         (said, f"{said}有什么问题？请把问题和地点一起发过来，例如：“{said}楼道灯不亮”")])
    with seeded.transaction() as session:
        assert session.scalars(select(Appeal)).all() == []
    assert "已受理您的诉求" in wechat.send("o1", f"{said}楼道灯不亮")


def test_only_a_place_minutes_after_an_appeal_is_added_to_it_as_where_it_is(wechat, seeded):
    ticket = ticket_of(wechat.send("o1", "楼道灯不亮，晚上黑漆漆的"))
    assert wechat.send("o1", "2号楼1单元").startswith(f"这条消息已作为您刚才反映的“楼道灯不亮，晚上黑漆漆的”（诉求 {ticket}）的补充")
    with seeded.transaction() as session:
        assert len(session.scalars(select(Appeal)).all()) == 1


@pytest.mark.parametrize("said", ["我要找网格员", "找网格员", "我想找一下社区", "嗯，我要找你们领导",
                                  # 给我打个电话 was filed as a 物业服务 appeal
                                  "给我打个电话", "请给我回个电话"])
def test_asking_for_whom_to_talk_to_is_told_how_to_reach_us_and_files_nothing(wechat, seeded, said):
    # 我要找网格员 was filed as an appeal (政策咨询) sent to the grid as a task with nothing to do.
    assert wechat.send("o1", said) == resident_texts.CHATTER_REPLIES["contact"]
    with seeded.transaction() as session:
        assert session.scalars(select(Appeal)).all() == []


@pytest.mark.parametrize("said", ["你们电话多少", "居委会电话多少？", "电话多少", "请问你们的联系方式"])
def test_asking_for_our_phone_is_told_how_to_reach_us_and_files_nothing(wechat, seeded, said):
    # Each was filed as an appeal (物业服务, 小区治理…) with the question as its words, sent to the grid as a task.
    assert wechat.send("o1", said) == resident_texts.CHATTER_REPLIES["contact"]
    with seeded.transaction() as session:
        assert session.scalars(select(Appeal)).all() == []


def test_add_words_reaches_the_handler_and_the_claim_notice_says_how(wechat, seeded, clock):
    ticket = ticket_of(wechat.send("o1", LIFT))
    dispatch_filed(seeded, clock)
    reply = wechat.send("o1", f"补充 {ticket} 明天上午家里有人，可以上门")
    assert reply == f"已把您补充的情况转告诉求 {ticket} 的办理人。"
    assert notices(seeded, "staff_words_added", ticket) == sorted([ZHANG, LI, WANG])  # nobody has claimed it yet
    card = worded(seeded, "staff_words_added", ZHANG)[0]
    assert card.startswith(f"【居民补充】{ticket}") and "居民说：明天上午家里有人，可以上门" in card
    assert f"接单 {ticket}" in card

    wechat.send(LI, f"接单 {ticket}")
    accepted = worded(seeded, "resident_accepted", "o1")[0]
    assert f"回复“补充 {ticket} 内容”" in accepted and "直接在本公众号留言" not in accepted
    assert wechat.send("o1", "补充：下午三点以后也行") == f"已把您补充的情况转告诉求 {ticket} 的办理人。"  # the one open
    # by voice: no separator, 一下 after the verb
    assert wechat.send("o1", "补充一下晚上八点以后也行。") == f"已把您补充的情况转告诉求 {ticket} 的办理人。"
    assert notices(seeded, "staff_words_added", ticket) == sorted([ZHANG, LI, LI, LI, WANG])  # now only to her
    assert "补充了情况" in wechat.send("o1", f"查询 {ticket}")


def test_saying_when_someone_is_home_reaches_the_handler_of_the_open_appeal_not_a_new_card(wechat, seeded, clock):
    ticket = ticket_of(wechat.send("o1", LIFT))
    dispatch_filed(seeded, clock)
    assert wechat.send("o1", "下午家里有人。") == f"已把您补充的情况转告诉求 {ticket} 的办理人。"
    assert "居民说：下午家里有人。" in worded(seeded, "staff_words_added", ZHANG)[0]
    assert re.findall(r"G\d{10}", wechat.send("o1", "我的诉求")) == [ticket]


@pytest.mark.parametrize("said", ["补充", "我想补充一下", "补充一下。"])
def test_add_words_with_nothing_to_add_says_to_write_it_after_the_word_not_a_staff_format(wechat, said):
    # It answered 请按这个格式发送：补充 编号 内容, as if a number were always needed.
    ticket_of(wechat.send("o1", LIFT))
    assert wechat.send("o1", said) == ("请把要补充的情况直接写在“补充”后面发过来，例如：补充 明天上午家里有人"
                                       "（有几件诉求在办时写上编号，例如：补充 G2611220007 明天上午家里有人）。")


def test_add_words_is_bounded_and_only_for_ones_own_open_appeals(wechat, seeded, clock):
    assert wechat.send("o1", "补充 明天家里有人") == "您现在没有正在办理的诉求。要反映新问题，直接发送文字或语音即可。"
    ticket = ticket_of(wechat.send("o1", LIFT))
    other = ticket_of(wechat.send("o1", "2号楼门口的路灯坏了，晚上看不见"))
    which = wechat.send("o1", "补充 明天家里有人")
    assert which.startswith("您有 2 件诉求正在办理，请写明补充哪一件") and ticket in which and other in which
    assert "没有找到编号为" in wechat.send("o2", f"补充 {ticket} 我也看到了")
    for n in range(5):
        assert "已把您补充的情况" in wechat.send("o1", f"补充 {ticket} 第{n + 1}件事")
    assert wechat.send("o1", f"补充 {ticket} 第5件事") == f"这些情况已经补充到诉求 {ticket} 了，工作人员能看到。"
    assert "这一小时已经补充了 5 次" in wechat.send("o1", f"补充 {ticket} 还有一件")
    clock.advance(hours=1, minutes=1)
    assert "已把您补充的情况" in wechat.send("o1", f"补充 {ticket} 还有一件")
    wechat.send("o1", f"撤销 {other}")
    assert f"诉求 {other} 的状态是“已撤销”，不能再补充" in wechat.send("o1", f"补充 {other} 不用了")
    assert notices(seeded, "staff_words_added", other) == []


def test_add_words_beyond_the_note_limit_is_refused_and_nothing_reaches_anyone(wechat, seeded, clock):
    ticket = ticket_of(wechat.send("o1", LIFT))
    dispatch_filed(seeded, clock)
    refused = wechat.send("o1", f"补充 {ticket} " + "楼" * 301)
    assert "300" in refused and "已把您补充的情况" not in refused
    assert notices(seeded, "staff_words_added") == []
    assert "补充了情况" not in wechat.send("o1", f"查询 {ticket}")


def test_query_of_a_long_repair_fits_one_reply_and_leaves_out_the_earliest_steps(wechat, seeded, clock):
    ticket = file_and_dispatch(wechat, seeded, clock)
    assert "接单成功" in wechat.send(ZHANG, f"接单 {ticket}")
    for day in range(1, 21):
        clock.advance(days=1)
        wechat.send(ZHANG, f"进展 {ticket} 第{day}天：已联系电梯维保公司，配件还在路上，预计下周到货后安排师傅上门更换主板和门机")
    reply = wechat.send("o1", f"查询 {ticket}")  # the fixture checks it fits in one passive reply
    assert f"诉求 {ticket}" in reply and "第20天：" in reply and "第1天：" not in reply
    assert re.search(rf"较早的 \d+ 条进度从略，回复“查询 {ticket} 2”查看", reply)
    earlier = wechat.send("o1", f"查询 {ticket} 2")
    assert f"诉求 {ticket}" in earlier and "第1天：" in earlier and "第20天：" not in earlier
