"""What residents say after an appeal (issue 10, section 3): ratings in their own words, small talk, how-to
questions and fragments that are no appeal, and answers to a join offer.

o1 and o5 live in 阳光花园 3号楼 (幸福里社区·第一网格: 张伟 and 李娜 members, 王强 the leader).
"""

import re

import pytest
from sqlalchemy import func, select

from handlers import resident_texts
from storage import roster, staff
from storage.models import Appeal, AppealEvent, AppealStatus, OutboxMessage, Staff, StaffRole
from tests.support.database import appeal, notices
from tests.support.personas import CHEN, HEPING_RESIDENT, LI, OPERATOR, WANG, ZHANG
from tests.support.worker import LIFT, TICKET, dispatch_filed, file_and_dispatch

pytestmark = pytest.mark.postgres


def resolved_for_o1(wechat, seeded, clock):
    ticket = file_and_dispatch(wechat, seeded, clock)
    wechat.dialog(ZHANG, [(f"接单 {ticket}", "接单成功"), (f"办结 {ticket} 已修好", "已办结")])
    return ticket


def appeal_count(seeded):
    with seeded.transaction() as session:
        return session.scalar(select(func.count(Appeal.id)))


def staff_cards(seeded):
    with seeded.transaction() as session:
        return session.scalar(select(func.count(OutboxMessage.id))
                              .where(OutboxMessage.template == "staff_new_appeal"))


def staff_text(seeded, template, openid):
    import json

    from handlers import notifications
    with seeded.transaction() as session:
        row = session.scalars(select(OutboxMessage).where(OutboxMessage.template == template,
                                                          OutboxMessage.recipient_openid == openid)).one()
        return notifications.render(row.template, json.loads(row.params))


def staff_texts(seeded, template, openid):
    import json

    from handlers import notifications
    with seeded.transaction() as session:
        rows = session.scalars(select(OutboxMessage).where(OutboxMessage.template == template,
                                                           OutboxMessage.recipient_openid == openid)
                               .order_by(OutboxMessage.id)).all()
        return [notifications.render(row.template, json.loads(row.params)) for row in rows]


# --- ratings in the resident's own words --------------------------------------------------------------------

@pytest.mark.parametrize(("said", "rating"), [
    ("很满意，谢谢网格员", "satisfied"),
    ("👍", "satisfied"),
    ("😊", "satisfied"),
    ("🙏", "satisfied"),
    ("💯", "satisfied"),
    ("👌", "satisfied"),
    ("[强]", "satisfied"),  # WeChat's own thumbs-up, as its code
    ("[抱拳][抱拳]", "satisfied"),
    ("还行", "basic"),
    ("太棒了", "satisfied"),
    ("已经好了", "satisfied"),
    ("可以了", "satisfied"),
    ("OK了", "satisfied"),
    ("已解决", "satisfied"),
    ("中评", "basic"),
    ("2 修得有点慢", "basic"),  # the number, then why
    ("1，但是希望以后快一点", "satisfied"),
    ("行吧", "basic"),
    ("很滿意，謝謝網格員", "satisfied"),  # traditional characters
    # praise of how it was done: 很及时 was filed as a new 市政设施 appeal, 效率很高 asked what the problem was
    ("很及时", "satisfied"), ("效率很高", "satisfied"), ("小伙子很热情", "satisfied"), ("速度挺快的", "satisfied"),
    ("就是有点慢", "basic"), ("不是很及时", "basic"),
    ("差不多吧", "basic"), ("将就吧", "basic"), ("比以前好多了", "basic"),
    ("挺好的嘛", "satisfied"),  # 嘛 affirms here: no question
])
def test_a_rating_in_words_or_emoji_closes_the_appeal_without_a_new_ticket(wechat, seeded, clock, said, rating):
    ticket = resolved_for_o1(wechat, seeded, clock)
    before, cards = appeal_count(seeded), staff_cards(seeded)
    wechat.dialog("o1", [(said, f"感谢您的评价！诉求 {ticket} 已完结")])
    closed = appeal(seeded, ticket)
    assert closed.status == AppealStatus.CLOSED and closed.rating == rating
    assert appeal_count(seeded) == before and staff_cards(seeded) == cards


@pytest.mark.parametrize("said", ["我看看再说", "等我下楼看看", "还没看呢", "晚点再评吧"])
def test_putting_the_rating_off_to_go_and_look_keeps_the_question_open_and_files_nothing(wechat, seeded, clock, said):
    # 我看看再说 was filed as an appeal of no category for the grid, 等我下楼看看 added to it as words.
    ticket = resolved_for_o1(wechat, seeded, clock)
    before = appeal_count(seeded)
    wechat.dialog("o1", [(said, f"好的，看过之后再评价诉求 {ticket}：回复 1 满意 / 2 基本满意 / 3 不满意。"),
                         ("2", f"感谢您的评价！诉求 {ticket} 已完结")])
    assert appeal_count(seeded) == before and appeal(seeded, ticket).rating == "basic"


@pytest.mark.parametrize("said", ["修好了吗", "真的修好了？", "你们啥时候修的？我怎么不知道"])
def test_asking_whether_or_when_it_was_fixed_while_asked_to_rate_rates_nothing_and_files_nothing(
        wechat, seeded, clock, said):
    # 修好了吗 rated it 满意 for its 修好了, and 你们啥时候修的？我怎么不知道 was filed as a 政策咨询 appeal.
    ticket = resolved_for_o1(wechat, seeded, clock)
    before = appeal_count(seeded)
    wechat.dialog("o1", [(said, f"诉求 {ticket} 已办结，正在等您评价。问题还没有解决的，请直接回复“不满意”")])
    assert appeal(seeded, ticket).status == AppealStatus.RESOLVED and appeal(seeded, ticket).rating is None
    assert appeal_count(seeded) == before


@pytest.mark.parametrize(("said", "rating"), [
    ("5星", "satisfied"), ("五星", "satisfied"), ("给4分", "satisfied"), ("满分", "satisfied"),
    ("3星", "basic"), ("三分", "basic"),
])
def test_stars_or_points_out_of_five_rate_without_a_new_ticket(wechat, seeded, clock, said, rating):
    ticket = resolved_for_o1(wechat, seeded, clock)
    before = appeal_count(seeded)
    wechat.dialog("o1", [(said, f"感谢您的评价！诉求 {ticket} 已完结")])
    assert appeal(seeded, ticket).rating == rating and appeal_count(seeded) == before


@pytest.mark.parametrize("said", ["5", "５", "10分", "四"])
def test_a_bare_number_off_the_scale_asks_the_rating_question_again(wechat, seeded, clock, said):
    ticket = resolved_for_o1(wechat, seeded, clock)
    before = appeal_count(seeded)
    assert wechat.send("o1", said) == (f"评价诉求 {ticket} 请回复 1 满意 / 2 基本满意 / 3 不满意"
                                       "（也可以直接说“满意”“还行”“五星”）。")
    assert appeal(seeded, ticket).status == AppealStatus.RESOLVED and appeal_count(seeded) == before
    wechat.dialog("o1", [("1", f"感谢您的评价！诉求 {ticket} 已完结")])


def test_rate_said_alone_asks_about_the_appeal_waiting_for_a_rating_or_says_none_waits(wechat, seeded, clock):
    assert wechat.send("o1", "评价") == resident_texts.NOTHING_TO_RATE
    ticket = resolved_for_o1(wechat, seeded, clock)
    assert wechat.send("o1", "评价。") == (f"评价诉求 {ticket} 请回复 1 满意 / 2 基本满意 / 3 不满意"
                                          "（也可以直接说“满意”“还行”“五星”）。")
    wechat.dialog("o1", [("1", f"感谢您的评价！诉求 {ticket} 已完结"), ("评价", "您目前没有等待评价的诉求")])


def test_withdrawing_an_appeal_that_waits_for_its_rating_asks_for_the_rating_instead(wechat, seeded, clock):
    ticket = resolved_for_o1(wechat, seeded, clock)
    assert wechat.send("o1", f"撤销 {ticket}") == (
        f"诉求 {ticket} 已经办结，不用撤销，正在等您评价：回复 1 满意 / 2 基本满意 / 3 不满意"
        "（问题没有解决的，回复“不满意”并说说现在的情况，诉求会重新打开）。")
    assert appeal(seeded, ticket).status == AppealStatus.RESOLVED
    wechat.dialog("o1", [("1", f"感谢您的评价！诉求 {ticket} 已完结")])
    assert "当前状态为“已评价完结”，不能撤销" in wechat.send("o1", f"撤销 {ticket}")


def test_one_star_reopens_the_task_with_no_words_to_pass_on(wechat, seeded, clock):
    ticket = resolved_for_o1(wechat, seeded, clock)
    wechat.dialog("o1", [("1星", f"诉求 {ticket} 已重新打开，网格长会尽快回访您")])
    assert appeal(seeded, ticket).status == AppealStatus.ACCEPTED
    assert "居民原话" not in staff_text(seeded, "staff_reopened", ZHANG)


def test_a_second_unsatisfied_rating_says_it_is_the_second_to_whoever_follows_it_up(wechat, seeded, clock):
    ticket = resolved_for_o1(wechat, seeded, clock)
    wechat.dialog("o1", [("不满意，还是坏的", f"诉求 {ticket} 已重新打开")])
    first = staff_texts(seeded, "staff_reopened", WANG)
    assert first and "第" not in first[-1] and "请督促跟进" in first[-1]
    wechat.dialog(ZHANG, [(f"办结 {ticket} 换了零件", "已办结")])
    wechat.dialog("o1", [("不满意，又坏了", f"诉求 {ticket} 已重新打开")])
    leader, member = staff_texts(seeded, "staff_reopened", WANG)[-1], staff_texts(seeded, "staff_reopened", ZHANG)[-1]
    assert f"【重新办理】{ticket} 居民第2次对办理结果不满意" in leader and "请当面回访、督促办好" in leader
    assert "居民第2次对办理结果不满意" in member and "请再次办理" in member


def test_a_grid_leader_who_resolved_the_task_herself_is_asked_to_redo_it_not_to_press_someone(wechat, seeded, clock):
    ticket = file_and_dispatch(wechat, seeded, clock)
    wechat.dialog(WANG, [(f"接单 {ticket}", "接单成功"), (f"办结 {ticket} 已联系物业修好", "已办结")])
    wechat.dialog("o1", [("不满意，还是坏的", f"诉求 {ticket} 已重新打开")])
    told = staff_texts(seeded, "staff_reopened", WANG)
    assert told == [f"【重新办理】{ticket} 居民对办理结果不满意，诉求已重新打开，请回访居民并再次办理。\n居民原话：不满意，还是坏的"]
    wechat.dialog(WANG, [(f"办结 {ticket} 换了零件", "已办结")])
    wechat.dialog("o1", [("不满意，又坏了", f"诉求 {ticket} 已重新打开")])
    assert "居民第2次对办理结果不满意，诉求已重新打开，请当面回访居民、再次办理" in staff_texts(seeded, "staff_reopened", WANG)[-1]


@pytest.mark.parametrize("said", ["3，师傅来了看一眼就走了", "不太满意，修了好几天", "不满意！根本没人联系我", "不滿意，還是壞的"])
def test_an_unhappy_rating_in_words_reopens_the_task_and_passes_the_words_on(wechat, seeded, clock, said):
    ticket = resolved_for_o1(wechat, seeded, clock)
    before, cards = appeal_count(seeded), staff_cards(seeded)
    wechat.dialog("o1", [(said, f"诉求 {ticket} 已重新打开，您说的情况已转告办理人员")])
    reopened = appeal(seeded, ticket)
    assert reopened.status == AppealStatus.ACCEPTED and reopened.rating == "unsatisfied"
    assert appeal_count(seeded) == before and staff_cards(seeded) == cards
    assert f"居民原话：{said}" in staff_text(seeded, "staff_reopened", ZHANG)
    assert f"居民原话：{said}" in staff_text(seeded, "staff_reopened", WANG)


@pytest.mark.parametrize("said", ["不怎么样", "不咋地", "👎", "[弱]", "/:weak", "差劲", "不太好", "嗯，不大好", "不是很好",
                                  # rated 满意 for the 满意 in them, or (不太行) filed as a new appeal
                                  "谈不上满意", "说不上满意", "不算满意", "不太行",
                                  # rated 满意 (不是太满意), or filed as new appeals
                                  "不是太满意", "不是很满意", "不太理想", "不咋滴"])
def test_a_thumbs_down_or_not_much_good_reopens_the_task_instead_of_filing_it(wechat, seeded, clock, said):
    ticket = resolved_for_o1(wechat, seeded, clock)
    before, cards = appeal_count(seeded), staff_cards(seeded)
    wechat.dialog("o1", [(said, f"诉求 {ticket} 已重新打开")])
    assert appeal(seeded, ticket).status == AppealStatus.ACCEPTED and appeal(seeded, ticket).rating == "unsatisfied"
    assert appeal_count(seeded) == before and staff_cards(seeded) == cards


def test_the_same_problem_still_there_is_a_complaint_that_reopens_the_task(wechat, seeded, clock):
    ticket = resolved_for_o1(wechat, seeded, clock)
    before = appeal_count(seeded)
    wechat.dialog("o1", [("电梯还是坏的，根本没修好", f"诉求 {ticket} 已重新打开，您说的情况已转告办理人员")])
    assert appeal(seeded, ticket).status == AppealStatus.ACCEPTED and appeal_count(seeded) == before
    card = staff_text(seeded, "staff_reopened", ZHANG)
    assert f"【重新办理】{ticket}" in card and "居民原话：电梯还是坏的，根本没修好" in card
    assert "居民不满意，重新办理：电梯还是坏的，根本没修好" in wechat.send(ZHANG, f"查询 {ticket}")


@pytest.mark.parametrize(("content", "said"), [
    ("3号楼1单元楼道灯不亮了", "还是不亮，第二次了"),
    ("3号楼1单元楼道灯不亮了", "灯还是不亮"),
    (LIFT, "怎么还没修好"),
    (LIFT, "刚修好两天又坏了"),
    ("3号楼门口的垃圾桶满了好几天没人清", "还是满的，根本没清"),
    ("1号楼1单元的单元门关不上了", "还是关不上"),
    (LIFT, "还是那样"),
    (LIFT, "师傅没来"),
    (LIFT, "没有人来"),
])
def test_the_same_problem_back_in_other_words_reopens_the_task_instead_of_filing_it(wechat, seeded, clock,
                                                                                       content, said):
    ticket = file_and_dispatch(wechat, seeded, clock, text=content)
    wechat.dialog(ZHANG, [(f"接单 {ticket}", "接单成功"), (f"办结 {ticket} 已修好", "已办结")])
    before, cards = appeal_count(seeded), staff_cards(seeded)
    wechat.dialog("o1", [(said, f"诉求 {ticket} 已重新打开，您说的情况已转告办理人员")])
    assert appeal(seeded, ticket).status == AppealStatus.ACCEPTED
    assert appeal_count(seeded) == before and staff_cards(seeded) == cards
    assert f"居民原话：{said}" in staff_text(seeded, "staff_reopened", ZHANG)


@pytest.mark.parametrize(("said", "rating"), [("一般，还是有点慢", "basic"), ("还是谢谢你们", "satisfied")])
def test_still_said_with_a_rating_word_rates_by_that_word(wechat, seeded, clock, said, rating):
    ticket = resolved_for_o1(wechat, seeded, clock)
    wechat.dialog("o1", [(said, f"感谢您的评价！诉求 {ticket} 已完结")])
    assert appeal(seeded, ticket).rating == rating


def test_still_broken_about_another_thing_is_still_filed(wechat, seeded, clock):
    ticket = file_and_dispatch(wechat, seeded, clock, text="3号楼1单元楼道灯不亮了")
    wechat.dialog(ZHANG, [(f"接单 {ticket}", "接单成功"), (f"办结 {ticket} 已修好", "已办结")])
    assert "已受理您的诉求" in wechat.send("o1", "3号楼的电梯又坏了")
    assert appeal(seeded, ticket).status == AppealStatus.RESOLVED


def resolved_in_heping(wechat, seeded, clock):
    """An appeal of o2's, in 和平社区·第一网格: one member (陈静), no 网格长, no operator of the community."""
    ticket = file_and_dispatch(wechat, seeded, clock, text="1栋门口的井盖松了，踩上去晃", openid=HEPING_RESIDENT)
    wechat.dialog(CHEN, [(f"接单 {ticket}", "接单成功"), (f"办结 {ticket} 已固定", "已办结")])
    return ticket


def add_operator(seeded, clock, openid, community):
    with seeded.transaction() as session:
        community_id = staff.find_grid(session, "和平社区·第一网格").community_id if community else None
        session.add(Staff(openid=openid, name="何平", role=StaffRole.OPERATOR, community_id=community_id,
                          active=True, created_at=clock()))


def test_unsatisfied_in_a_grid_without_a_leader_promises_no_leader_and_tells_the_member(wechat, seeded, clock):
    ticket = resolved_in_heping(wechat, seeded, clock)
    reply = wechat.send(HEPING_RESIDENT, "3")
    assert reply.startswith(f"很抱歉没有让您满意。诉求 {ticket} 已重新打开，办理人员会继续办理。")
    assert "网格长" not in reply and "回访" not in reply
    assert "请再次办理" in staff_text(seeded, "staff_reopened", CHEN)


@pytest.mark.parametrize(("community", "who"), [(True, "社区工作人员"), (False, "街道工作人员")])
def test_unsatisfied_in_a_grid_without_a_leader_is_followed_up_by_the_operators_above(wechat, seeded, clock,
                                                                                         community, who):
    add_operator(seeded, clock, "o_operator_above", community)
    ticket = resolved_in_heping(wechat, seeded, clock)
    reply = wechat.send(HEPING_RESIDENT, "不满意，井盖还是晃")
    assert reply == (f"很抱歉没有让您满意。诉求 {ticket} 已重新打开，您说的情况已转告办理人员，"
                     f"{who}会尽快回访您，并督促继续办理。")
    assert "请督促跟进" in staff_text(seeded, "staff_reopened", "o_operator_above")
    assert "回访：何平" in wechat.send(CHEN, f"查询 {ticket}")


def test_unsatisfied_after_the_handler_left_goes_back_to_the_grids_team(wechat, seeded, clock):
    ticket = file_and_dispatch(wechat, seeded, clock)
    wechat.dialog(LI, [(f"接单 {ticket}", "接单成功"), (f"办结 {ticket} 已修好", "已办结")])
    with seeded.transaction() as session:  # 李娜 leaves the day after; the rating question is still open
        roster.disable(session, staff.staff_by_openid(session, LI), None, clock(), ())
    cards_before = notices(seeded, "staff_new_appeal", ticket)
    wechat.dialog("o1", [("3", f"诉求 {ticket} 已重新打开")])
    reopened = appeal(seeded, ticket)
    assert reopened.status == AppealStatus.DISPATCHED and reopened.assignee_staff_id is None
    assert notices(seeded, "staff_new_appeal", ticket) == sorted([*cards_before, ZHANG, WANG])
    assert LI not in notices(seeded, "staff_reopened", ticket)
    with seeded.transaction() as session:  # the record says the system did it, not an operator's command line
        moved = session.scalars(select(AppealEvent.actor_kind).where(AppealEvent.appeal_id == reopened.id,
                                                                     AppealEvent.action == "reassigned")).all()
    assert moved == ["system"]
    wechat.dialog(ZHANG, [(f"接单 {ticket}", "接单成功")])


def test_two_appeals_resolved_one_after_the_other_are_both_rated(wechat, seeded, clock):
    first = file_and_dispatch(wechat, seeded, clock, text="楼道灯不亮")
    second = file_and_dispatch(wechat, seeded, clock)
    for ticket in (first, second):
        wechat.dialog(ZHANG, [(f"接单 {ticket}", "接单成功"), (f"办结 {ticket} 已修好", "已办结")])
        clock.advance(minutes=1)
    reply = wechat.send("o1", "1")
    assert f"诉求 {second} 已完结" in reply and f"您的诉求 {first} 也已办结，请对它进行评价" in reply
    wechat.dialog("o1", [("2", f"感谢您的评价！诉求 {first} 已完结")])
    assert appeal(seeded, first).rating == "basic" and appeal(seeded, second).rating == "satisfied"
    assert "也已办结" not in (wechat.send("o1", "1") or "")  # nothing else waits: 1 is a short message again


def test_a_bare_number_still_rates_without_words_to_pass_on(wechat, seeded, clock):
    ticket = resolved_for_o1(wechat, seeded, clock)
    reopened = wechat.send("o1", "3")
    assert f"诉求 {ticket} 已重新打开，网格长会尽快回访您" in reopened and f"请回复“补充 {ticket} 内容”" in reopened
    assert "居民原话" not in staff_text(seeded, "staff_reopened", ZHANG)
    # Told how to say why, and that way works on the reopened appeal.
    wechat.dialog("o1", [("补充 还是有很多没清理", f"已把您补充的情况转告诉求 {ticket} 的办理人")])


@pytest.mark.parametrize("second", ["3", "不满意", "2"])
def test_a_second_rating_after_the_first_is_told_the_first_stands(wechat, seeded, clock, second):
    ticket = resolved_for_o1(wechat, seeded, clock)
    wechat.dialog("o1", [("1", f"感谢您的评价！诉求 {ticket} 已完结")])
    before = appeal_count(seeded)
    assert wechat.send("o1", second) == (f"诉求 {ticket} 已经评价过了（满意），评价不能更改。"
                                         "问题还没有解决的，请直接描述现在的情况，我们重新为您登记。")
    assert appeal(seeded, ticket).rating == "satisfied" and appeal_count(seeded) == before
    # The same rating again (sent twice) is thanked, not taken for a problem too short to file.
    for again in ("1", "满意"):
        assert wechat.send("o1", again) == f"诉求 {ticket} 已经评价过了（满意），谢谢您！以后遇到问题，随时发消息给我们。"


def test_a_satisfied_rating_after_an_unsatisfied_one_says_the_reopened_appeal_is_asked_again(wechat, seeded, clock):
    ticket = resolved_for_o1(wechat, seeded, clock)
    wechat.dialog("o1", [("3", f"诉求 {ticket} 已重新打开")])
    assert wechat.send("o1", "1") == (f"诉求 {ticket} 已按“不满意”重新打开办理，办结后会再请您评价。"
                                      f"有话要告诉办理人，请回复“补充 {ticket} 内容”。")
    assert appeal(seeded, ticket).status == AppealStatus.ACCEPTED
    wechat.dialog(ZHANG, [(f"办结 {ticket} 已修好", "已办结")])
    wechat.dialog("o1", [("1", f"感谢您的评价！诉求 {ticket} 已完结")])
    assert appeal(seeded, ticket).rating == "satisfied"


@pytest.mark.parametrize("said", ["1号楼门口的路灯也坏了", "1 号楼门口的路灯也坏了", "1、门口的路灯坏了 2、垃圾桶满了"])
def test_a_new_problem_while_the_rating_is_open_is_filed_not_read_as_a_rating(wechat, seeded, clock, said):
    ticket = resolved_for_o1(wechat, seeded, clock)
    assert "已受理您的诉求" in wechat.send("o1", said)
    assert appeal(seeded, ticket).status == AppealStatus.RESOLVED


# --- not problems: small talk, how-to questions, fragments ----------------------------------------------------

@pytest.mark.parametrize(("said", "answer"), [
    ("谢谢", "不客气"),
    ("有人在吗？", "请直接描述您遇到的问题"),  # was filed as a 政策咨询 appeal
    ("再见", "再见！有需要随时找我们"),  # was asked what the problem was and where
    ("晚安~", "再见！有需要随时找我们"),
    ("你好，有没有人啊", "请直接描述您遇到的问题"),
    ("好的", "以后遇到问题，直接发文字或语音给我们就行"),
    ("嗯", "以后遇到问题，直接发文字或语音给我们就行"),
    ("不用了", "有需要随时找我们"),
    ("怎么用", "说清楚在哪里、什么问题"),
    ("怎么反映问题", "说清楚在哪里、什么问题"),
    ("怎么绑定", "回复“绑定”选择住址"),  # was filed as an appeal of its own
    ("地址怎么改？", "回复“绑定”选择住址"),
    ("网格员电话多少", "网格员接单后会告诉您办理人并与您联系"),
    ("我们的网格员是谁啊？", "网格员接单后会告诉您办理人并与您联系"),
    ("123456", "是什么问题、在哪里"),
    ("坏了", "是什么问题、在哪里"),
    ("楼下", "是什么问题、在哪里"),
    ("嗯 啊 那个 就是", "是什么问题、在哪里"),
    ("我想反映个事。", "是什么问题、在哪里"),
    ("我有个问题想反映一下", "是什么问题、在哪里"),
    ("报修", "是什么问题、在哪里"),  # was filed as an empty 物业服务 appeal
    ("我要报修。", "是什么问题、在哪里"),
    ("建议", "是什么问题、在哪里"),  # was filed as an empty appeal
    ("我想提个建议", "是什么问题、在哪里"),
    ("謝謝", "不客气"),  # traditional characters
    ("满意", "不客气"),  # no rating asked: a follower told the appeal they joined is done
    ("很满意，谢谢。", "不客气"),
    ("怎麼用", "说清楚在哪里、什么问题"),
    ("帮助一下。", "说清楚在哪里、什么问题"),
    # By voice: a particle after the words, a hesitation or a greeting before them.
    ("谢谢你啊。", "不客气"),
    ("好的呀", "以后遇到问题，直接发文字或语音给我们就行"),
    ("你好请问这个怎么用。", "说清楚在哪里、什么问题"),
    ("嗯那个这个怎么用啊", "说清楚在哪里、什么问题"),
    ("你好我是新来的怎么用这个。", "说清楚在哪里、什么问题"),
    ("你好我想问一下这个怎么用啊", "说清楚在哪里、什么问题"),
    ("谢谢你们啊网格员辛苦了。", "不客气"),
    ("太感谢了，真是麻烦你们了", "不客气"),
    ("嗯好的谢谢。", "不客气"),
    ("好的，知道了，谢谢你", "不客气"),
    # Emoji only, as a grandson writes: several friendly ones are 好的 as much as one.
    ("👍😊", "以后遇到问题，直接发文字或语音给我们就行"),
    ("🙏🙏🙏", "以后遇到问题，直接发文字或语音给我们就行"),
    ("👍🏻", "以后遇到问题，直接发文字或语音给我们就行"),
    # WeChat's own emoji arrive as their codes, today's ([强]) or an older phone's (/:strong).
    ("[强]", "以后遇到问题，直接发文字或语音给我们就行"),
    ("[抱拳][抱拳]", "以后遇到问题，直接发文字或语音给我们就行"),
    ("/:strong", "以后遇到问题，直接发文字或语音给我们就行"),
    ("[捂脸][捂脸]", "是什么问题、在哪里"),
    ("/::~/::~", "是什么问题、在哪里"),
    ("谢谢[抱拳]", "不客气"),
    ("收到[强][强]", "以后遇到问题，直接发文字或语音给我们就行"),
    ("好的，谢谢[玫瑰]", "不客气"),
    # A notice or an answer acknowledged at length or twice.
    ("已收到。", "以后遇到问题，直接发文字或语音给我们就行"),
    ("好的，知道了", "以后遇到问题，直接发文字或语音给我们就行"),
    ("已经收到了", "以后遇到问题，直接发文字或语音给我们就行"),
    ("收到收到", "以后遇到问题，直接发文字或语音给我们就行"),
    ("明白", "以后遇到问题，直接发文字或语音给我们就行"),
    ("已知晓", "以后遇到问题，直接发文字或语音给我们就行"),
])
def test_what_is_not_a_problem_gets_an_answer_and_never_becomes_an_appeal(wechat, seeded, said, answer):
    wechat.dialog("o1", [(said, answer)])
    assert appeal_count(seeded) == 0 and staff_cards(seeded) == 0


@pytest.mark.parametrize("recognition", ["", "。", "，。"])
def test_a_voice_message_not_recognised_asks_to_say_it_again(wechat, seeded, recognition):
    reply = wechat.deliver(wechat.server.voice("o1", recognition, create_time=wechat.now()))
    assert "再说一遍" in reply and appeal_count(seeded) == 0


def test_a_voice_message_of_hesitations_is_asked_about_not_filed(wechat, seeded):
    reply = wechat.deliver(wechat.server.voice("o1", "嗯，啊，那个，就是。", create_time=wechat.now()))
    assert "是什么问题、在哪里" in reply and appeal_count(seeded) == 0


@pytest.mark.parametrize("said", ["电梯坏了", "停水了", "楼道灯不亮", "电梯坏了[流泪]"])
def test_a_short_real_problem_is_still_filed(wechat, seeded, said):
    assert "已受理您的诉求" in wechat.send("o1", said)
    assert appeal_count(seeded) == 1


def test_cancel_with_nothing_in_progress_says_so(wechat, seeded):
    wechat.dialog("o1", [("取消", "目前没有正在进行的操作，无需取消")])


# --- answers to a join offer -------------------------------------------------------------------------------

def test_ok_to_a_join_offer_accepts_it(wechat, seeded, clock):
    first = file_and_dispatch(wechat, seeded, clock, openid="o1")
    second = file_and_dispatch(wechat, seeded, clock, openid="o5", text="3号楼的电梯又坏了，上下楼很不方便")
    wechat.dialog("o5", [("好的", f"已加入诉求 {first}")])
    assert appeal(seeded, second).status == AppealStatus.MERGED


def test_no_thanks_to_a_join_offer_keeps_the_appeal_on_its_own(wechat, seeded, clock):
    file_and_dispatch(wechat, seeded, clock, openid="o1")
    second = file_and_dispatch(wechat, seeded, clock, openid="o5", text="3号楼的电梯又坏了，上下楼很不方便")
    wechat.dialog("o5", [("不用了", f"您的诉求 {second} 单独办理")])
    assert appeal(seeded, second).status == AppealStatus.DISPATCHED
    wechat.dialog("o5", [("好的", "以后遇到问题")])  # the offer is over: 好的 is small talk now
    assert appeal(seeded, second).status == AppealStatus.DISPATCHED


# --- chasing up an open appeal -----------------------------------------------------------------------------

def chases(seeded, template="staff_chased"):
    return notices(seeded, template)


def test_still_not_fixed_gets_the_status_and_the_grid_is_chased_when_nobody_claimed_it(wechat, seeded, clock):
    ticket = file_and_dispatch(wechat, seeded, clock)
    clock.advance(minutes=10)  # past the new card (chasing.JUST_FILED): a 催办 now goes to its holders
    before, cards = appeal_count(seeded), staff_cards(seeded)
    wechat.dialog("o1", [("电梯还没修好！！", f"您的诉求 {ticket}（物业服务）当前状态：已转交网格员。已为您向网格工作人员催办（第1次）")])
    assert appeal_count(seeded) == before and staff_cards(seeded) == cards  # no new ticket, no fresh clock
    assert chases(seeded) == sorted([ZHANG, LI, WANG])
    card = staff_text(seeded, "staff_chased", ZHANG)
    assert f"【催办】{ticket}（第1次）" in card and LIFT in card and "居民说：电梯还没修好！！" in card
    assert f"接单 {ticket}" in card


@pytest.mark.parametrize("said", ["都超时了怎么还没人来修", "已经逾期了怎么还没人管"])
def test_a_chase_up_saying_its_time_is_up_is_no_new_problem(wechat, seeded, clock, said):
    ticket = file_and_dispatch(wechat, seeded, clock)
    clock.advance(hours=3)
    before = appeal_count(seeded)
    assert wechat.send("o1", said).startswith(f"您的诉求 {ticket}（物业服务）当前状态：")
    assert appeal_count(seeded) == before


def test_a_chase_up_minutes_after_filing_says_the_card_just_went_out_and_tells_nobody_again(wechat, seeded, clock):
    # A 催办 seconds after filing sent a 【催办】 card right behind the new-appeal card the grid had just got.
    ticket = file_and_dispatch(wechat, seeded, clock)
    clock.advance(minutes=2)
    assert wechat.send("o1", "怎么还没人回复") == (
        f"您的诉求 {ticket}（物业服务）当前状态：已转交网格员。任务卡刚刚已发给网格工作人员。"
        f"发出 10 分钟后还没有人联系您，可以再催办。回复“查询 {ticket}”查看进度。")
    wechat.dialog("o1", [(f"催办 {ticket}", "任务卡刚刚已发给网格工作人员")])
    assert chases(seeded) == []
    assert "居民催办（任务卡刚发出，未再通知）" in wechat.send(ZHANG, f"查询 {ticket}")
    clock.advance(minutes=8)
    wechat.dialog("o1", [(f"催办 {ticket}", "已为您向网格工作人员催办（第1次）")])
    assert chases(seeded) == sorted([ZHANG, LI, WANG])


def test_the_minutes_a_chase_up_waits_count_from_the_card_going_out_not_from_filing(wechat, seeded, clock):
    # Dispatched 20 minutes late, its 催办 went to the grid before the card and right behind it.
    ticket = TICKET.search(wechat.send("o1", LIFT)).group(0)
    clock.advance(minutes=20)
    wechat.dialog("o1", [("电梯还没修好！！", "任务卡正在发给网格工作人员。发出 10 分钟后还没有人联系您，可以再催办。")])
    dispatch_filed(seeded, clock)
    clock.advance(minutes=2)
    wechat.dialog("o1", [(f"催办 {ticket}", "任务卡刚刚已发给网格工作人员。")])
    assert chases(seeded) == []
    clock.advance(minutes=8)
    wechat.dialog("o1", [(f"催办 {ticket}", "已为您向网格工作人员催办（第1次）")])
    assert chases(seeded) == sorted([ZHANG, LI, WANG])


def test_a_chase_up_minutes_after_an_appeal_held_for_the_address_was_placed_tells_nobody_yet(wechat, seeded, clock):
    # Placed an hour after filing, its card was chased right behind: the 10 minutes had passed since filing.
    ticket = TICKET.search(wechat.send("o_new", "楼道里堆满了杂物，过不去人")).group(0)
    clock.advance(hours=1)
    wechat.dialog("o_new", [("1", "刚才的选单已过期"), ("1", "请选择您所在的小区"), ("1", "请选择您所在的楼栋"), ("3", "请选择您所在的单元"),
                            ("2", "绑定成功")])
    dispatch_filed(seeded, clock)
    clock.advance(minutes=1)
    wechat.dialog("o_new", [(f"催办 {ticket}", "任务卡刚刚已发给网格工作人员。发出 10 分钟后还没有人联系您")])
    assert chases(seeded) == []


def test_chasing_an_appeal_nobody_of_its_grid_receives_says_so_not_to_bind_an_address(wechat, seeded, clock):
    # A street just imported, nobody bound yet: she was told her appeal waited for an address she had given.
    from storage import seeding

    with seeded.transaction() as session:
        seeding.seed_street(session, seeding.StreetPlan(
            "长青街道", {"长青社区": {"第一网格": ("长青苑", {"1号楼": ("1单元",)})}},
            residents={"o_changqing": ("长青社区", "第一网格", "1号楼", "1单元")}), clock())
    ticket = file_and_dispatch(wechat, seeded, clock, text="1号楼楼道灯坏了好几天了", openid="o_changqing")
    clock.advance(minutes=30)
    assert wechat.send("o_changqing", f"催办 {ticket}") == (
        f"您的诉求 {ticket}（物业服务）当前状态：已转交网格员。您所在的网格暂时还没有工作人员在公众号上接收消息，催办暂时无人接收；"
        f"诉求已登记，等待工作人员安排。回复“查询 {ticket}”查看进度。")


def test_a_chase_up_minutes_after_a_member_claimed_it_says_they_just_did(wechat, seeded, clock):
    ticket = file_and_dispatch(wechat, seeded, clock)
    wechat.dialog(ZHANG, [(f"接单 {ticket}", "接单成功")])
    wechat.dialog("o1", [("电梯还没修好！！", "当前状态：办理中。办理人张伟刚刚接单，会尽快联系您。")])
    assert chases(seeded) == []


def test_chasing_an_appeal_waiting_for_a_department_says_the_department_was_chased_not_the_grid(
        wechat, seeded, clock):
    with seeded.transaction() as session:
        session.add(Staff(openid="dept_zhifa", name="周队长", role=StaffRole.DEPARTMENT, department="综合执法中队",
                          active=True, created_at=clock()))
    ticket = file_and_dispatch(wechat, seeded, clock, "小区门口有人占道经营，天天摆摊堵路")
    clock.advance(minutes=10)  # past the new card (chasing.JUST_FILED): a 催办 now goes to its holders

    said = wechat.send("o1", f"催办 {ticket}")

    assert "当前状态：已转交相关部门。已为您向综合执法中队催办（第1次）" in said and "网格工作人员" not in said
    assert chases(seeded) == ["dept_zhifa"]


def test_chasing_an_appeal_a_department_gave_back_says_the_community_was_chased_not_the_grid(wechat, seeded, clock):
    with seeded.transaction() as session:
        session.add(Staff(openid="dept_zhifa", name="周队长", role=StaffRole.DEPARTMENT, department="综合执法中队",
                          active=True, created_at=clock()))
    ticket = file_and_dispatch(wechat, seeded, clock, "小区门口有人占道经营，天天摆摊堵路")
    clock.advance(minutes=10)  # past the new card (chasing.JUST_FILED): a 催办 now goes to its holders
    wechat.dialog("dept_zhifa", [(f"接单 {ticket}", "接单成功"), (f"退回 {ticket} 不归执法中队管", "已退回社区")])

    said = wechat.send("o1", f"催办 {ticket}")

    assert "当前状态：社区重新派发中。已为您向社区工作人员催办（第1次）" in said and "网格工作人员" not in said
    assert chases(seeded) == [OPERATOR]


def test_a_neighbour_who_joined_chases_the_appeal_they_follow_instead_of_filing_the_fault_again(
    wechat, seeded, clock
):
    first = file_and_dispatch(wechat, seeded, clock, openid="o1")
    file_and_dispatch(wechat, seeded, clock, openid="o5", text="3号楼的电梯又坏了，上下楼很不方便")
    wechat.dialog("o5", [("1", f"已加入诉求 {first}")])
    clock.advance(minutes=10)  # past the new card (chasing.JUST_FILED): a 催办 now goes to its holders
    before, cards = appeal_count(seeded), staff_cards(seeded)
    wechat.dialog("o5", [("电梯还没修好！！", f"您加入的诉求 {first}（物业服务）当前状态：已转交网格员。已为您向网格工作人员催办（第1次）")])
    assert appeal_count(seeded) == before and staff_cards(seeded) == cards
    assert chases(seeded) == sorted([ZHANG, LI, WANG])
    assert "居民说：电梯还没修好！！" in staff_text(seeded, "staff_chased", ZHANG)


def test_a_neighbour_who_joined_chases_by_either_number_the_appeal_being_handled(wechat, seeded, clock):
    first = file_and_dispatch(wechat, seeded, clock, openid="o1")
    own = file_and_dispatch(wechat, seeded, clock, openid="o5", text="3号楼的电梯又坏了，上下楼很不方便")
    wechat.dialog("o5", [("1", f"已加入诉求 {first}")])
    clock.advance(minutes=10)  # past the new card (chasing.JUST_FILED): a 催办 now goes to its holders
    chased = f"您加入的诉求 {first}（物业服务）当前状态：已转交网格员。"
    wechat.dialog("o5", [(f"催办 {own}", chased + "已为您向网格工作人员催办（第1次）"),
                         (f"催办 {first}", chased + "一小时内已为您催办过")])
    assert chases(seeded) == sorted([ZHANG, LI, WANG])


def test_a_neighbour_who_joined_adds_words_by_either_number_or_none_to_the_appeal_being_handled(wechat, seeded, clock):
    """Before, 补充 said "没有找到" or "已并入相同诉求，不能再补充" of the appeal 查询 and 催办 showed them."""
    first = file_and_dispatch(wechat, seeded, clock, openid="o1")
    own = file_and_dispatch(wechat, seeded, clock, openid="o5", text="3号楼的电梯又坏了，上下楼很不方便")
    wechat.dialog("o5", [("1", f"已加入诉求 {first}")])
    told = f"已把您补充的情况转告诉求 {first} 的办理人。"
    wechat.dialog("o5", [(f"补充 {own} 我家有老人，出不了门", told), (f"补充 {first} 下午家里有人", told),
                         ("补充 五楼有人被困过一次", told)])
    cards = staff_texts(seeded, "staff_words_added", ZHANG)
    assert len(cards) == 3 and all(first in card for card in cards) and "我家有老人，出不了门" in cards[0]
    assert "没有找到编号为" in wechat.send("o6", f"补充 {first} 我也是")  # not joined: as if it did not exist


def test_a_neighbour_who_joined_withdraws_by_the_number_they_follow_and_the_neighbours_appeal_goes_on(
    wechat, seeded, clock
):
    first = file_and_dispatch(wechat, seeded, clock, openid="o1")
    own = file_and_dispatch(wechat, seeded, clock, openid="o5", text="3号楼的电梯又坏了，上下楼很不方便")
    wechat.dialog("o5", [("1", f"已加入诉求 {first}")])
    assert wechat.send("o5", f"撤销 {first}") == f"已撤销诉求 {own}，不再收到诉求 {first} 的办理进展。"
    assert appeal(seeded, first).status == AppealStatus.DISPATCHED
    assert "没有找到编号为" in wechat.send("o5", f"撤销 {first}")  # no longer followed: as any other's


def test_an_appeal_that_asks_when_sent_again_is_a_repeat_not_a_chase_up_of_its_fresh_card(wechat, seeded, clock):
    asking = "3号楼电梯停运了，什么时候修？"
    ticket = file_and_dispatch(wechat, seeded, clock, text=asking)
    wechat.dialog("o1", [(asking, f"您已反映过“{asking}”，编号 {ticket}，正在办理")])
    assert chases(seeded) == [] and appeal_count(seeded) == 1
    clock.advance(minutes=10)  # past the new card (chasing.JUST_FILED): a 催办 now goes to its holders
    wechat.dialog("o1", [("怎么还没人来修？", f"您的诉求 {ticket}（物业服务）当前状态：已转交网格员。已为您向网格工作人员催办")])


@pytest.mark.parametrize("said", ["电梯什么时候能修好？", "什么时候才能修好啊", "到底什么时候可以解决",
                                  "我那个事到底有没有人管啊。", "你们到底管不管啊", "那件事现在咋样啦", "电梯修好了吗？",
                                  "电梯修好了没有", "那个事处理了吗", "多久能修好", "能不能快点", "今天能来吗",
                                  # filed as a 政策咨询 appeal of its own, the question sent to the grid as a task
                                  "怎么没人回复", "怎么还没人回复我？", "一直没人理",
                                  # said when it was reported: filed (or added to it) as an appeal of no category
                                  "我之前反映的事情有人管吗", "前几天说的事有人管吗",
                                  # filed as new appeals (市政设施, 政策咨询) of her open one's questions
                                  "啥时候来修啊", "什么时候派人来", "进度怎么样", "有结果了吗", "这事还管不管了", "催一催",
                                  "到现在也没人联系我", "等了三天了",
                                  # added to her appeal as words for its handler: asking whether someone came
                                  "有人来看过了吗", "来人了没有", "修了没", "师傅啥时候到", "有没有人来看过", "师傅到哪了",
                                  # filed as new appeals of the politeness around the asking
                                  "麻烦帮我催一下", "你好，帮我催一下", "请帮忙催一下谢谢", "我的诉求怎么还没人处理",
                                  "网格员怎么还没来", "喂，有人吗，怎么还没人回复", "帮我催下",
                                  # urging: asked to describe a problem, or filed as appeals of their own
                                  "麻烦快点", "赶紧来修", "请尽快处理", "还要多久", "要等到什么时候", "急死了"])
def test_asking_when_it_will_be_fixed_chases_instead_of_filing_a_question(wechat, seeded, clock, said):
    ticket = file_and_dispatch(wechat, seeded, clock)
    clock.advance(minutes=10)  # past the new card (chasing.JUST_FILED): a 催办 now goes to its holders
    wechat.dialog("o1", [(said, f"您的诉求 {ticket}（物业服务）当前状态：已转交网格员。已为您向网格工作人员催办（第1次）")])
    assert appeal_count(seeded) == 1


@pytest.mark.parametrize("said", ["物业呢", "物业呢？？", "那物业呢", "物业的人呢", "嗯 物业去哪了"])
def test_asking_where_the_property_company_is_chases_the_open_property_appeal_of_the_last_days(
        wechat, seeded, clock, said):
    # It asked what was wrong with the property's service, as if nothing had been reported.
    ticket = file_and_dispatch(wechat, seeded, clock)  # 3号楼电梯坏了，物业一直不来修: 物业服务
    clock.advance(days=6)
    wechat.dialog("o1", [(said, f"您的诉求 {ticket}（物业服务）当前状态：已转交网格员。已为您向网格工作人员催办（第1次）")])
    assert appeal_count(seeded) == 1 and ZHANG in chases(seeded)


def test_asking_where_the_property_company_is_with_no_recent_property_appeal_asks_what_is_wrong(
        wechat, seeded, clock):
    file_and_dispatch(wechat, seeded, clock, text="小区门口的路灯晚上不亮")  # open, but 市政设施
    assert wechat.send("o1", "物业呢").startswith("请说一下物业服务哪里有问题、在哪里")
    file_and_dispatch(wechat, seeded, clock)
    clock.advance(days=7, minutes=1)  # a week on, 物业呢 is likely about something new
    assert wechat.send("o1", "物业呢").startswith("请说一下物业服务哪里有问题、在哪里")
    assert chases(seeded) == []


def test_words_of_no_category_minutes_after_an_appeal_go_on_with_it_instead_of_filing_a_second(wechat, seeded, clock):
    # One problem said over three messages in a minute was filed as two or three appeals, each half a sentence.
    first = wechat.send("o1", "一直往下漏水")
    ticket = re.search(r"G\d{10}", first).group(0)
    dispatch_filed(seeded, clock)
    clock.advance(minutes=1)
    reply = wechat.send("o1", "天花板都湿了，你们快来看看")
    assert reply.startswith(f"这条消息已作为您刚才反映的“一直往下漏水”（诉求 {ticket}）的补充。已把您补充的情况")
    assert appeal_count(seeded) == 1
    assert "天花板都湿了，你们快来看看" in staff_text(seeded, "staff_words_added", ZHANG)
    clock.advance(minutes=3)  # later, words of no category are an appeal of their own again
    assert "已受理您的诉求" in wechat.send("o1", "对面那栋楼晚上总有人大声唱歌")
    assert appeal_count(seeded) == 2


def test_a_problem_of_its_own_category_minutes_after_an_appeal_is_filed_as_a_new_one(wechat, seeded, clock):
    wechat.send("o1", "一直往下漏水")
    clock.advance(minutes=1)
    assert "已受理您的诉求" in wechat.send("o1", "小区门口的路灯晚上不亮")
    assert appeal_count(seeded) == 2
    # Said to be another matter, words of no category are one too (the classifier misses this 下水道).
    assert "已受理您的诉求" in wechat.send("o1", "还有，我们楼下的下水道又堵了，臭得很")
    assert appeal_count(seeded) == 3


def test_a_chase_up_sharing_only_a_character_with_an_older_appeal_chases_the_latest(wechat, seeded, clock):
    # "你们什么时候来" chased the older "…你们快来看看" for the one character 来 they share.
    older = file_and_dispatch(wechat, seeded, clock, text="厨房顶上都湿了，你们快来看看")
    clock.advance(minutes=5)
    latest = file_and_dispatch(wechat, seeded, clock)
    reply = wechat.send("o1", "你们什么时候来")
    assert reply.startswith(f"您的诉求 {latest}（物业服务）") and older not in reply
    assert f"您的诉求 {older}" in wechat.send("o1", "厨房顶上湿的那个什么时候来看")  # words in common: that one


def test_a_chase_up_naming_its_appeal_by_one_character_chases_that_one_not_one_sharing_its_asking_words(
        wechat, seeded, clock):
    # "树那个怎么样了" chased "厨房下水道怎么也不通" for the 怎么 of 怎么样了, not the tree it named.
    drain = file_and_dispatch(wechat, seeded, clock, text="厨房下水道怎么也不通")
    tree = file_and_dispatch(wechat, seeded, clock, text="小区东门那棵树歪了好久")
    clock.advance(minutes=10)
    reply = wechat.send("o1", "树那个怎么样了")
    assert reply.startswith(f"您的诉求 {tree}") and drain not in reply
    assert wechat.send("o1", "下水道那个怎么样了").startswith(f"您的诉求 {drain}")


@pytest.mark.parametrize("said", ["小区门口乱停车，有没有人管？", "楼下垃圾堆了好多天你们管不管"])
def test_a_new_problem_ending_in_whether_anyone_cares_is_filed_not_taken_as_chasing_an_open_one(wechat, seeded, clock,
                                                                                                 said):
    file_and_dispatch(wechat, seeded, clock)
    assert "已受理您的诉求" in wechat.send("o1", said)
    assert appeal_count(seeded) == 2 and chases(seeded) == []


def test_a_new_problem_nobody_saw_to_sharing_nothing_with_her_open_appeal_is_filed_not_chased_as_it(
        wechat, seeded, clock):
    # It chased her lift appeal with the manhole's words, and the missing manhole cover was filed nowhere.
    file_and_dispatch(wechat, seeded, clock)
    clock.advance(minutes=30)
    assert "已受理您的诉求" in wechat.send("o1", "小区东门的井盖丢了，一直没人管")
    assert appeal_count(seeded) == 2 and chases(seeded) == []
    assert "已为您向网格工作人员催办" in wechat.send("o1", "电梯怎么还没修好")  # words in common: her lift's chase


@pytest.mark.parametrize("said", ["楼下那个坑一直没人管", "小区后面那片空地一直没人管"])
def test_a_new_problem_the_classifier_cannot_place_said_with_nobody_seeing_to_it_is_filed_not_chased(
        wechat, seeded, clock, said):
    # It chased her lift appeal with the hole's words, the hole filed nowhere, as the classifier had no category.
    file_and_dispatch(wechat, seeded, clock)
    clock.advance(minutes=30)
    assert "类别：待分类" in wechat.send("o1", said)
    assert appeal_count(seeded) == 2 and chases(seeded) == []


@pytest.mark.parametrize("said", ["说了好几次了，一直没人管", "反映好几次了一直没人管", "打了好几次电话一直没人管",
                                  "我都说了好几遍了怎么还没人来", "你们这些人怎么办事的，一直没人管"])
def test_saying_how_often_she_asked_chases_her_open_appeal_instead_of_filing_it_as_a_problem(
        wechat, seeded, clock, said):
    # Each was filed as a new 物业服务 or 政策咨询 appeal (or one of no category) of the words around 一直没人管.
    ticket = file_and_dispatch(wechat, seeded, clock, text="小区门口的路灯晚上不亮")
    clock.advance(minutes=30)
    wechat.dialog("o1", [(said, f"您的诉求 {ticket}（市政设施）当前状态：已转交网格员。已为您向网格工作人员催办（第1次）")])
    assert appeal_count(seeded) == 1


@pytest.mark.parametrize("said", ["我刚才说的那个暖气的事。", "之前反映的那个暖气的问题"])
def test_naming_the_matter_reported_before_chases_it_instead_of_filing_it_again(wechat, seeded, clock, said):
    # Said by voice after her report, it was filed as a second heating appeal of its own.
    file_and_dispatch(wechat, seeded, clock)
    heating = file_and_dispatch(wechat, seeded, clock, text="3号楼1单元家里暖气不热，一点都不热")
    clock.advance(minutes=10)
    wechat.dialog("o1", [(said, f"您的诉求 {heating}（市政设施）当前状态：已转交网格员。已为您向网格工作人员催办（第1次）")])
    assert appeal_count(seeded) == 2


def test_a_chase_up_in_traditional_characters_chases_instead_of_filing(wechat, seeded, clock):
    ticket = file_and_dispatch(wechat, seeded, clock)
    before = appeal_count(seeded)
    wechat.dialog("o1", [("電梯還沒修好！！", f"您的诉求 {ticket}（物业服务）当前状态：已转交网格员。")])
    assert appeal_count(seeded) == before


def test_a_chase_up_goes_to_the_handler_once_an_hour(wechat, seeded, clock):
    ticket = file_and_dispatch(wechat, seeded, clock)
    clock.advance(minutes=10)  # past the new card (chasing.JUST_FILED): a 催办 now goes to its holders
    wechat.dialog(ZHANG, [(f"接单 {ticket}", "接单成功")])
    wechat.dialog("o1", [("上次说的事怎么样了", "当前状态：办理中。已为您向办理人张伟催办（第1次）")])
    assert chases(seeded) == [ZHANG]
    wechat.dialog("o1", [("怎么样了", "一小时内已为您催办过，办理人张伟正在跟进")])
    assert chases(seeded) == [ZHANG]
    clock.advance(hours=1, minutes=1)
    wechat.dialog("o1", [(f"催办 {ticket}", "已为您向办理人张伟催办（第2次）")])
    assert chases(seeded) == [ZHANG, ZHANG]
    assert "居民催办" in wechat.send(ZHANG, f"查询 {ticket}")


def test_a_chase_up_naming_its_ticket_chases_that_appeal(wechat, seeded, clock):
    lift = file_and_dispatch(wechat, seeded, clock)
    file_and_dispatch(wechat, seeded, clock, text="2号楼门口的垃圾好几天没人清运了")
    clock.advance(minutes=10)  # past the new card (chasing.JUST_FILED): a 催办 now goes to its holders
    before = appeal_count(seeded)
    wechat.dialog("o1", [(f"{lift} 怎么还没修好？都三天了", f"您的诉求 {lift}")])
    assert appeal_count(seeded) == before
    assert f"【催办】{lift}" in staff_text(seeded, "staff_chased", ZHANG)


def test_a_chase_up_reading_its_ticket_out_by_voice_chases_that_appeal_not_the_latest(wechat, seeded, clock):
    # Read out digit by digit to voice input, the number was not seen and the latest appeal was chased.
    lift = file_and_dispatch(wechat, seeded, clock)
    file_and_dispatch(wechat, seeded, clock, text="小区门口的垃圾好几天没人清运了")
    spoken = "".join("零一二三四五六七八九"[int(digit)] for digit in lift[1:])
    reply = wechat.send("o1", f"嗯，我想问一下，那个{spoken}怎么样了")
    assert reply.startswith(f"您的诉求 {lift}（物业服务）")


def test_the_chase_command_is_listed_in_help_and_refuses_a_closed_appeal(wechat, seeded, clock):
    assert "催办 编号" in wechat.send("o1", "帮助")
    ticket = resolved_for_o1(wechat, seeded, clock)
    wechat.dialog("o1", [("1", "感谢您的评价"), (f"催办 {ticket}", "不在办理中，无需催办")])
    assert chases(seeded) == []


def test_a_different_problem_that_is_broken_again_is_filed_while_the_rating_waits(wechat, seeded, clock):
    ticket = resolved_for_o1(wechat, seeded, clock)
    assert "已受理您的诉求" in wechat.send("o1", "2号楼的路灯又坏了，晚上很黑")
    assert appeal(seeded, ticket).status == AppealStatus.RESOLVED
    wechat.dialog("o1", [("1", "感谢您的评价")])


# --- chasing up with nothing open ---------------------------------------------------------------------------

@pytest.mark.parametrize("said", ["上次说的事怎么样了", "怎么还没修好？都三天了", "催一下", "你们到底管不管啊",
                                  "怎么没人回复",
                                  # filed as a 养老服务 appeal, or one of no category
                                  "帮我催一下", "能帮我催催吗", "怎么还没处理",
                                  # filed as appeals of no category
                                  "有人来看过了吗", "师傅啥时候到",
                                  # filed as an appeal of no category
                                  "什么时候来人", "啥时候能来人啊"])
def test_asking_after_nothing_at_all_says_so_and_files_nothing(wechat, seeded, said):
    wechat.dialog("o1", [(said, "您还没有反映过问题。遇到问题请直接描述在哪里、什么情况")])
    assert appeal_count(seeded) == 0 and staff_cards(seeded) == 0


def test_asking_after_a_finished_appeal_names_it_and_how_to_report_again(wechat, seeded, clock):
    ticket = resolved_for_o1(wechat, seeded, clock)
    wechat.dialog("o1", [("1", "感谢您的评价"),
                         ("上次说的事怎么样了", f"您目前没有办理中的诉求。最近一件是 {ticket}（物业服务），状态：已评价完结。"
                                        "如果问题还在或又出现了，请直接描述现在的情况，我们重新登记")])
    assert appeal_count(seeded) == 1 and chases(seeded) == []


def test_a_finished_ticket_chased_by_number_is_refused_not_filed(wechat, seeded, clock):
    ticket = resolved_for_o1(wechat, seeded, clock)
    wechat.dialog("o1", [("1", "感谢您的评价"),
                         (f"{ticket} 怎么还没修好？都三天了", f"诉求 {ticket} 当前状态为“已评价完结”，不在办理中，无需催办")])
    assert appeal_count(seeded) == 1


def test_still_broken_with_nothing_open_is_filed_as_the_problem_it_names(wechat, seeded, clock):
    ticket = resolved_for_o1(wechat, seeded, clock)
    wechat.dialog("o1", [("1", "感谢您的评价"), ("电梯还没修好！！", "已受理您的诉求")])
    assert appeal_count(seeded) == 2 and appeal(seeded, ticket).status == AppealStatus.CLOSED


@pytest.mark.parametrize("said", ["电梯那个怎么样了", "上次反映的电梯修好了吗"])
def test_asking_after_a_resolved_appeal_tells_when_and_how_it_ended_and_files_nothing(wechat, seeded, clock, said):
    ticket = resolved_for_o1(wechat, seeded, clock)
    wechat.dialog("o1", [("1", "感谢您的评价")])
    file_and_dispatch(wechat, seeded, clock, text="小区门口的垃圾好几天没人清运了")  # another, still open
    before = appeal_count(seeded)
    reply = wechat.send("o1", said)
    assert f"您反映的诉求 {ticket}（物业服务）已于" in reply and "办结。办理结果：已修好。" in reply
    assert "如果问题还在或又出现了，请直接描述现在的情况，我们重新登记" in reply
    assert appeal_count(seeded) == before and chases(seeded) == []


def test_asking_after_a_resolved_appeal_whose_rating_waits_points_to_unsatisfied(wechat, seeded, clock):
    ticket = resolved_for_o1(wechat, seeded, clock)
    reply = wechat.send("o1", "电梯那个怎么样了")
    assert f"您反映的诉求 {ticket}（物业服务）已于" in reply and "请直接回复“不满意”" in reply
    assert appeal_count(seeded) == 1


def test_asking_after_an_appeal_resolved_long_ago_says_none_of_late_is_about_it_and_files_nothing(
        wechat, seeded, clock):
    # It used to be filed: a card for the grid that said only 电梯那个怎么样了.
    resolved_for_o1(wechat, seeded, clock)
    wechat.dialog("o1", [("1", "感谢您的评价")])
    clock.advance(days=31)
    reply = wechat.send("o1", "电梯那个怎么样了")
    assert reply.startswith("没有查到您最近反映过“电梯”的诉求") and "回复“我的诉求”可查看您反映过的诉求" in reply
    assert appeal_count(seeded) == 1


# --- asking after or adding to a resolved appeal while its rating is asked ----------------------------------

@pytest.mark.parametrize("said", ["补充 {ticket} 晚上看了还是不行", "补充 晚上看了还是不行", "催办 {ticket}", "催一下"])
def test_adding_to_or_chasing_an_appeal_waiting_for_its_rating_points_to_unsatisfied(wechat, seeded, clock, said):
    ticket = resolved_for_o1(wechat, seeded, clock)
    before = appeal_count(seeded)
    reply = wechat.send("o1", said.format(ticket=ticket))
    assert f"诉求 {ticket} 已办结，正在等您评价" in reply and "请直接回复“不满意”" in reply
    assert "登记为新的诉求" not in reply and "重新登记" not in reply and appeal_count(seeded) == before
    # What it advises reopens the task, the words passed on.
    wechat.dialog("o1", [("不满意，还是没修好", f"诉求 {ticket} 已重新打开，您说的情况已转告办理人员")])
    assert "居民原话：不满意，还是没修好" in staff_text(seeded, "staff_reopened", ZHANG)


def test_adding_to_a_rated_appeal_is_still_refused_as_closed(wechat, seeded, clock):
    ticket = resolved_for_o1(wechat, seeded, clock)
    wechat.dialog("o1", [("1", "感谢您的评价"), (f"补充 {ticket} 又有异响", "不能再补充")])


def test_a_rating_sent_with_its_ticket_rates_that_appeal_and_files_nothing(wechat, seeded, clock):
    """评价 G… 1 is what residents guess from the question; it never becomes an appeal with a card to staff."""
    other = file_and_dispatch(wechat, seeded, clock, "1栋门口路灯坏了，晚上很黑", openid="o2")
    ticket = file_and_dispatch(wechat, seeded, clock)
    filed = appeal_count(seeded)
    assert wechat.send("o1", f"评价 {ticket} 1") == f"诉求 {ticket} 还没有办结，办结后会请您评价。想了解进度，请回复“查询 {ticket}”。"
    wechat.dialog(ZHANG, [(f"接单 {ticket}", "接单成功"), (f"办结 {ticket} 已修好", "已办结")])
    assert f"评价 {ticket} 1/2/3" in wechat.send("o1", f"评价 {ticket}")  # no score: how to write it
    assert "没有找到编号为" in wechat.send("o1", f"评价 {other} 1")  # a neighbour's: as if it did not exist
    assert wechat.send("o1", f"评价 {ticket} 满意").startswith(f"感谢您的评价！诉求 {ticket} 已完结")
    assert appeal(seeded, ticket).rating == "satisfied"
    assert "已经评价过了（满意）" in wechat.send("o1", f"评价 {ticket} 3")
    assert appeal_count(seeded) == filed


def test_a_rating_word_next_to_a_ticket_rates_that_appeal_and_a_neighbours_ticket_files_nothing(wechat, seeded, clock):
    """满意 G…, G… 不满意: the rating the resident means; before, each was filed as a new appeal with a card to staff."""
    other = file_and_dispatch(wechat, seeded, clock, "1栋门口路灯坏了，晚上很黑", openid="o2")
    ticket = resolved_for_o1(wechat, seeded, clock)
    filed = appeal_count(seeded)
    assert "没有找到编号为" in wechat.send("o1", f"不满意 {other}")  # a neighbour's: as if it did not exist
    assert "没有找到编号为" in wechat.send("o1", f"{other}满意！")
    assert appeal_count(seeded) == filed and appeal(seeded, other).rating is None
    assert wechat.send("o1", f"{ticket} 满意").startswith(f"感谢您的评价！诉求 {ticket} 已完结")
    assert "已经评价过了（满意）" in wechat.send("o1", f"不满意 {ticket}")
    assert appeal_count(seeded) == filed


def test_an_unsatisfied_rating_with_its_ticket_and_words_reopens_the_appeal(wechat, seeded, clock):
    ticket = resolved_for_o1(wechat, seeded, clock)
    reply = wechat.send("o1", f"评价 {ticket} 3 还是坏的")
    assert "重新" in reply and appeal(seeded, ticket).status == AppealStatus.ACCEPTED
    assert "已按“不满意”重新打开办理" in wechat.send("o1", f"评价 {ticket} 1")
