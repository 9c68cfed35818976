"""What a retired resident types on her phone, and her daughter for her: one character, a question about a fix she
never reported, a report for her mother, the steps of an appeal handed to someone else.

o5 lives in 阳光花园 3号楼 2单元 (幸福里社区·第一网格: 张伟 and 李娜 members, 王强 the leader); o_daughter is bound
nowhere.
"""

import pytest
from sqlalchemy import func, select

from handlers import resident_texts
from nlp.chatter import Chatter
from storage.models import Appeal, AppealStatus
from storage.notices import StaffNewAppeal
from tests.support.database import appeal, notices
from tests.support.personas import LI, NEIGHBOUR, OPERATOR, RESIDENT, WANG, ZHANG
from tests.support.worker import LIFT, TICKET, dispatch_filed, file_and_dispatch

pytestmark = pytest.mark.postgres


def appeal_count(seeded):
    with seeded.transaction() as session:
        return session.scalar(select(func.count(Appeal.id)))


@pytest.mark.parametrize("words", ["灯", "灯。", "水？", "？？", "啊啊"])
def test_one_or_two_characters_ask_her_for_a_sentence_and_file_nothing(wechat, seeded, words):
    assert wechat.send(NEIGHBOUR, words) == resident_texts.CHATTER_REPLIES[Chatter.FRAGMENT]
    assert appeal_count(seeded) == 0


@pytest.mark.parametrize("words", ["漏水了", "停电了", "停水", "漏水", "噪音"])
def test_a_short_problem_that_says_what_happened_is_still_filed(wechat, seeded, words):
    assert TICKET.search(wechat.send(NEIGHBOUR, words))
    assert appeal_count(seeded) == 1


@pytest.mark.parametrize("words", ["电梯修好了吗", "电梯修好了吗？？", "电梯那个怎么样了"])
def test_asking_after_a_fix_she_never_reported_tells_her_so_and_files_nothing(wechat, seeded, words):
    reply = wechat.send("o_new_mum", words)
    assert reply.startswith("没有查到您最近反映过“电梯”的诉求。如果问题还在，请直接说说是什么情况、在哪里")
    assert appeal_count(seeded) == 0


def test_asking_after_a_fix_while_another_problem_is_open_tells_her_none_is_about_it(wechat, seeded, clock):
    file_and_dispatch(wechat, seeded, clock, "3号楼2单元楼道灯不亮", NEIGHBOUR)
    assert wechat.send(NEIGHBOUR, "电梯修好了吗").startswith("没有查到您最近反映过“电梯”的诉求")
    assert appeal_count(seeded) == 1


def test_asking_after_a_fix_she_reported_still_chases_it(wechat, seeded, clock):
    ticket = file_and_dispatch(wechat, seeded, clock, "3号楼电梯坏了，一直停在1楼", NEIGHBOUR)
    assert ticket in wechat.send(NEIGHBOUR, "电梯修好了吗")
    wechat.send(ZHANG, f"接单 {ticket}")
    wechat.send(ZHANG, f"办结 {ticket} 已更换电机")
    assert f"您反映的诉求 {ticket}（物业服务）已于" in wechat.send(NEIGHBOUR, "电梯修好了吗")
    assert appeal_count(seeded) == 1


@pytest.mark.parametrize("words", ["电梯坏了三天了，怎么还没修好？", "小区门口乱停车，有没有人管？"])
def test_a_problem_said_with_a_complaint_about_waiting_is_still_filed(wechat, seeded, words):
    assert TICKET.search(wechat.send(NEIGHBOUR, words))


def test_her_query_after_a_改派_says_who_took_it_and_who_has_it_now(wechat, seeded, clock):
    # Each move read "重新派发办理" and each claim "工作人员已接单": three of each, and nothing of who or where.
    ticket = file_and_dispatch(wechat, seeded, clock)
    wechat.send(ZHANG, f"接单 {ticket}")
    wechat.send(WANG, f"改派 {ticket} 李娜，她熟悉情况")
    wechat.send(LI, f"接单 {ticket}")
    wechat.send(WANG, f"改派 {ticket} 第一网格")
    wechat.send(OPERATOR, f"改派 {ticket} 第二网格")
    steps = wechat.send(RESIDENT, f"查询 {ticket}").split("进度：\n")[1].splitlines()
    assert [step.split(" ", 2)[2] for step in steps] == [
        "已受理", "已转交网格员办理", "工作人员张伟已接单", "改由李娜（幸福里社区·第一网格）办理", "工作人员李娜已接单",
        "由幸福里社区·第一网格另行安排工作人员办理", "改由幸福里社区·第二网格办理"]


def test_a_neighbour_following_the_appeal_reads_a_改派_without_the_names(wechat, seeded, clock):
    ticket = file_and_dispatch(wechat, seeded, clock)
    wechat.dialog(NEIGHBOUR, [(LIFT, "回复 1 加入已有诉求"), ("1", f"已加入诉求 {ticket}")])
    wechat.send(ZHANG, f"接单 {ticket}")
    wechat.send(WANG, f"改派 {ticket} 李娜")
    detail = wechat.send(NEIGHBOUR, f"查询 {ticket}")
    assert "工作人员已接单" in detail and "更换办理人员" in detail
    assert "张伟" not in detail and "李娜" not in detail and "重新派发" not in detail


@pytest.mark.parametrize(("words", "number"), [("着火", "119"), ("救命", "110")])
def test_two_characters_of_danger_are_an_emergency_not_a_fragment(wechat, seeded, words, number):
    assert number in wechat.send(NEIGHBOUR, words)


def staff_cards(seeded, ticket):
    return notices(seeded, StaffNewAppeal.name, ticket)


@pytest.mark.parametrize("words", ["我替我妈反映，她家楼道灯坏了", "帮我爸反映一下，他们楼道灯坏了好几天了"])
def test_a_daughter_reporting_for_her_mother_is_asked_for_her_mothers_address_and_it_goes_through_once(
        wechat, seeded, clock, words):
    # The menu asked for "您所在的社区": she gave her own, and the lamp of her mother's stairwell went to her grid.
    reply = wechat.send("o_daughter", words)
    assert "已收到您替家人反映的问题" in reply and "请按您家人的住址选择下面的社区、小区、楼栋和单元" in reply
    assert "请选择您所在的社区" in reply  # the menu itself, as ever
    ticket = TICKET.search(reply).group(0)
    assert appeal(seeded, ticket).status == AppealStatus.AWAITING_ADDRESS
    dispatch_filed(seeded, clock)
    assert staff_cards(seeded, ticket) == []
    bound = wechat.send("o_daughter", "我妈住在阳光花园3号楼1单元")
    assert "绑定成功！您的住址：幸福里社区·第一网格 阳光花园3号楼1单元" in bound
    assert f"您反映的问题（编号 {ticket}）已提交给 幸福里社区·第一网格" in bound
    dispatch_filed(seeded, clock)
    cards = staff_cards(seeded, ticket)
    assert ZHANG in cards and LI in cards
    wechat.send("o_daughter", "阳光花园3号楼1单元")  # said again, to be sure
    dispatch_filed(seeded, clock)
    assert staff_cards(seeded, ticket) == cards and appeal_count(seeded) == 1


def test_her_own_report_without_family_still_asks_for_her_own_address(wechat):
    reply = wechat.send("o_daughter", "楼道灯坏了好几天了")
    assert reply.startswith("已收到您的诉求（编号 ") and "转给您所在的网格" in reply and "家人" not in reply


@pytest.mark.parametrize("words", ["我儿子给我弄的", "这是我孙女帮我关注的", "我闺女给我弄的这个公众号啊"])
def test_saying_who_set_the_account_up_for_her_gets_how_to_use_it_not_a_family_appeal(wechat, seeded, words):
    # It was filed as a 家庭矛盾, a card for the grid about her son.
    assert wechat.send(NEIGHBOUR, words) == resident_texts.CHATTER_REPLIES[Chatter.HOW_TO]
    assert appeal_count(seeded) == 0


def test_a_problem_with_her_son_is_still_filed(wechat, seeded):
    assert "家庭矛盾" in wechat.send(NEIGHBOUR, "我儿子天天跟我吵架，还不给生活费")


def test_thanks_said_at_length_after_her_rating_is_thanks_not_an_appeal(wechat, seeded, clock):
    # It was filed, 待分类, as a card for the grid that said 非常满意，谢谢你们.
    ticket = file_and_dispatch(wechat, seeded, clock)
    wechat.send(ZHANG, f"接单 {ticket}")
    wechat.send(ZHANG, f"办结 {ticket} 已修好")
    wechat.dialog(RESIDENT, [("1", "感谢您的评价")])
    for words in ("非常满意，谢谢你们", "很满意，特别感谢网格员"):
        assert wechat.send(RESIDENT, words) == resident_texts.CHATTER_REPLIES[Chatter.THANKS]
    assert appeal_count(seeded) == 1


@pytest.mark.parametrize("words", ["喂，你好。我想问一下，", "喂，请问一下"])
def test_a_voice_message_that_only_says_she_has_a_question_asks_for_it(wechat, seeded, words):
    # Voice to text put 喂 first: it was filed as an empty 政策咨询 for the grid.
    assert wechat.send(NEIGHBOUR, words) == resident_texts.CHATTER_REPLIES[Chatter.WANTS_TO_ASK]
    assert appeal_count(seeded) == 0


@pytest.mark.parametrize("words", ["怎么不回我", "为什么还不回复？？", "咋不理人呢"])
def test_asking_why_nobody_answers_chases_her_open_appeal(wechat, seeded, clock, words):
    # It was filed as a new 政策咨询 that said only 怎么不回我.
    ticket = file_and_dispatch(wechat, seeded, clock)
    assert wechat.send(RESIDENT, words).startswith(f"您的诉求 {ticket}（物业服务）当前状态")
    assert appeal_count(seeded) == 1


def test_asking_why_nobody_answers_with_nothing_reported_says_so(wechat, seeded):
    assert wechat.send(NEIGHBOUR, "怎么不回我") == resident_texts.NOTHING_TO_CHASE
    assert appeal_count(seeded) == 0


@pytest.mark.parametrize("words", ["我是3号楼2单元的", "是3号楼2单元的。"])
def test_saying_which_building_she_lives_in_asks_what_is_wrong_there(wechat, seeded, words):
    # It was filed, 待分类, as a card for the grid that said 我是3号楼2单元的.
    assert wechat.send(NEIGHBOUR, words).startswith("3号楼2单元有什么问题？请把问题和地点一起发过来，例如：“3号楼2单元楼道灯不亮”")
    assert appeal_count(seeded) == 0


@pytest.mark.parametrize("words", ["根本没来人", "压根没人来过", "都没人来看过"])
def test_saying_nobody_came_when_asked_to_rate_reopens_the_appeal(wechat, seeded, clock, words):
    # It was filed as a new appeal, and the one resolved without a visit stayed resolved.
    ticket = file_and_dispatch(wechat, seeded, clock)
    wechat.send(ZHANG, f"接单 {ticket}")
    wechat.send(ZHANG, f"办结 {ticket} 已修好")
    assert wechat.send(RESIDENT, words).startswith(f"很抱歉没有让您满意。诉求 {ticket} 已重新打开")
    assert appeal(seeded, ticket).status == AppealStatus.ACCEPTED and appeal_count(seeded) == 1


def test_a_bound_daughter_reporting_for_her_mother_without_saying_where_is_told_where_it_went(wechat, seeded):
    # It went to the daughter's own building without a word: her mother's stairwell lamp, for the wrong grid.
    reply = wechat.send(RESIDENT, "我替我妈反映，她家楼道灯坏了")
    ticket = TICKET.search(reply).group(0)
    assert (f"地点：您是替家人反映的，登记在您绑定的住址阳光花园3号楼1单元。家人住在别处的，请回复“撤销 {ticket}”"
            in reply)


def test_a_daughter_saying_where_her_mother_lives_is_not_told_it_went_to_her_own_home(wechat):
    reply = wechat.send(RESIDENT, "我妈住在和平小区1栋2单元，她家厨房水管漏水了")
    assert "按您说的登记在和平小区1栋2单元" in reply and "您绑定的住址" not in reply


@pytest.mark.parametrize("words", ["火！", "煤气", "电线", "电梯"])
def test_one_or_two_characters_of_a_possible_danger_give_the_numbers_to_call_first(wechat, seeded, words):
    # "火！" was filed as a routine 安全隐患 with a 2-hour response, and no number to call; "电梯" may be someone shut in.
    reply = wechat.send(NEIGHBOUR, words)
    assert reply == resident_texts.SHORT_MAYBE_IN_DANGER
    assert reply.startswith("遇到火灾、急病、暴力等危险，请先拨打 119 火警、120 急救、110 报警。")
    assert appeal_count(seeded) == 0


def test_one_or_two_characters_of_no_danger_are_only_asked_about(wechat):
    assert wechat.send(NEIGHBOUR, "路灯") == resident_texts.CHATTER_REPLIES[Chatter.FRAGMENT]


@pytest.mark.parametrize("words", ["我的单子呢", "我那个单子", "我的单子在哪"])
def test_asking_for_her_slip_lists_her_appeals_instead_of_filing_one(wechat, seeded, clock, words):
    # 单子 is what a repair slip is called: it was filed, 待分类, as an appeal that said 我的单子呢.
    ticket = file_and_dispatch(wechat, seeded, clock)
    reply = wechat.send(RESIDENT, words)
    assert reply.startswith("您最近的诉求：") and ticket in reply
    assert appeal_count(seeded) == 1


def test_asking_how_her_slip_is_going_chases_it(wechat, seeded, clock):
    ticket = file_and_dispatch(wechat, seeded, clock)
    assert wechat.send(RESIDENT, "我的单子怎么样了").startswith(f"您的诉求 {ticket}（物业服务）当前状态")


@pytest.mark.parametrize("words", ["为什么暂缓", "要等多久", "配件什么时候到"])
def test_asking_about_her_paused_appeal_chases_it_instead_of_filing_the_question(wechat, seeded, clock, words):
    # Each was filed as a new 政策咨询 (or asked to be described), the paused lift left alone.
    ticket = file_and_dispatch(wechat, seeded, clock)
    wechat.send(ZHANG, f"接单 {ticket}")
    wechat.send(ZHANG, f"挂起 {ticket} 等配件")
    clock.advance(hours=1)
    assert wechat.send(RESIDENT, words).startswith(f"您的诉求 {ticket}（物业服务）当前状态：暂停办理")
    assert appeal_count(seeded) == 1


def test_chasing_her_paused_appeal_says_what_it_waits_for(wechat, seeded, clock):
    # The reply said only 暂停办理, and that the handler was chased: not why, which is what she asked.
    ticket = file_and_dispatch(wechat, seeded, clock)
    wechat.send(ZHANG, f"接单 {ticket}")
    wechat.send(ZHANG, f"挂起 {ticket} 等电梯配件，厂家周五发货")
    clock.advance(hours=1)
    assert wechat.send(RESIDENT, "为什么暂缓").startswith(
        f"您的诉求 {ticket}（物业服务）当前状态：暂停办理（原因：等电梯配件，厂家周五发货，条件具备后会继续办理）。")


def test_asking_why_her_message_was_turned_down_says_how_it_ended(wechat, seeded, clock):
    ticket = file_and_dispatch(wechat, seeded, clock, "谢谢你们上次帮忙修电梯")
    wechat.send(WANG, f"不受理 {ticket} 这是致谢")
    reply = wechat.send(RESIDENT, "为什么不办")
    assert reply.startswith(f"您目前没有办理中的诉求。最近一件是 {ticket}") and "不作为诉求办理" in reply
    assert appeal_count(seeded) == 1


@pytest.mark.parametrize("words", ["我是感谢你们的", "我就是想谢谢你们", "我想感谢一下网格员"])
def test_saying_she_means_to_thank_them_is_thanks_not_an_appeal(wechat, seeded, words):
    # It was filed, 待分类, as a card for the grid.
    assert wechat.send(NEIGHBOUR, words) == resident_texts.CHATTER_REPLIES[Chatter.THANKS]
    assert appeal_count(seeded) == 0


def test_typing_the_word_hui_fu_before_what_a_reply_asked_for_does_what_she_meant(wechat, seeded, clock):
    # "回复我的诉求" went to the lift's handler as words she added; "回复1" lost her rating; "回复分开" the offer.
    ticket = file_and_dispatch(wechat, seeded, clock)
    assert wechat.send(RESIDENT, "回复我的诉求").startswith("您最近的诉求：")
    assert wechat.send(RESIDENT, f"回复“查询 {ticket}”").startswith(f"诉求 {ticket}\n")
    wechat.send(ZHANG, f"接单 {ticket}")
    wechat.send(ZHANG, f"办结 {ticket} 已修好")
    assert wechat.send(RESIDENT, "回复1").startswith("感谢您的评价")
    assert "回复“分开”" in wechat.send(NEIGHBOUR, "1.楼道灯不亮 2.垃圾桶满了")
    assert wechat.send(NEIGHBOUR, "回复：分开").startswith("已分开登记")
    assert notices(seeded, "staff_words_added", ticket) == []


def test_a_message_that_only_starts_with_hui_fu_is_read_whole(wechat):
    assert "请选择您所在的社区" not in wechat.send(RESIDENT, "回复绑定住址的事情怎么这么麻烦啊")


@pytest.mark.parametrize("words", ["楼道灯坏了，网格员电话多少", "我家厨房漏水了，物业电话多少"])
def test_a_problem_said_with_a_question_for_a_phone_number_is_filed(wechat, seeded, words):
    # "楼道灯坏了，网格员电话多少" was told to describe the problem here, the lamp she had described filed nowhere.
    assert wechat.send(NEIGHBOUR, words).startswith("已受理您的诉求")
    assert appeal_count(seeded) == 1


def test_a_phone_number_asked_for_alone_is_still_told_to_say_the_problem_here(wechat, seeded):
    assert wechat.send(NEIGHBOUR, "请问网格员的电话是多少？") == resident_texts.CHATTER_REPLIES[Chatter.CONTACT]
    assert appeal_count(seeded) == 0


@pytest.mark.parametrize("words", ["楼道灯坏了怎么报修", "垃圾没人清，怎么投诉", "小区健身器材坏了，有什么用"])
def test_a_problem_said_with_how_to_report_it_is_filed(wechat, seeded, words):
    # She was told how to report a problem, the one she had just said filed nowhere.
    assert wechat.send(NEIGHBOUR, words).startswith("已受理您的诉求")
    assert appeal_count(seeded) == 1


@pytest.mark.parametrize("words", ["怎么报修", "有问题怎么反映", "我有事怎么反映", "这个有什么用"])
def test_asking_only_how_to_report_is_still_told_how(wechat, seeded, words):
    assert wechat.send(NEIGHBOUR, words) == resident_texts.CHATTER_REPLIES[Chatter.HOW_TO]
    assert appeal_count(seeded) == 0


@pytest.mark.parametrize("words", ["怎么换人了", "为什么换了个人", "咋又换人了？"])
def test_asking_why_her_appeal_went_to_someone_else_says_who_has_it(wechat, seeded, clock, words):
    # Told by the 改派 notice that 李娜 has it now, she asked why: it was filed as a new 政策咨询.
    ticket = file_and_dispatch(wechat, seeded, clock)
    wechat.send(ZHANG, f"接单 {ticket}")
    wechat.send(WANG, f"改派 {ticket} 李娜")
    clock.advance(hours=1)
    reply = wechat.send(RESIDENT, words)
    assert reply.startswith(f"您的诉求 {ticket}（物业服务）当前状态") and "李娜" in reply
    assert appeal_count(seeded) == 1
