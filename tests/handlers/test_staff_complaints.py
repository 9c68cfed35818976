"""A complaint about a staff member goes to their leader and the operators, never to the person named.

o1 lives in 阳光花园3号楼1单元 (幸福里社区·第一网格: 张伟 and 李娜 members, 王强 the leader; 孙丽 the operator).
"""

import re

import pytest
from sqlalchemy import select

from bot.worker import schedule
from handlers import community_texts, resident_texts, staff_texts
from storage import complaints, daily_summary, dispatch, supervision
from storage.models import Appeal, AppealStatus, Staff, StaffRole
from storage.tickets import LOCAL_ZONE
from tests.support.database import appeal, notices, staff_id, worded
from tests.support.personas import BUILDING_LEAD, LI, OPERATOR, RESIDENT, WANG, ZHANG
from tests.support.races import dispatch_while_disabling
from tests.support.street import SQUAD_ANNING, SQUAD_XINGFU, add_second_street
from tests.support.worker import file_and_dispatch

pytestmark = pytest.mark.postgres

ABOUT_ZHANG = "我要投诉网格员张伟，上门态度很差还骂人"
ABOUT_WANG = "投诉网格长王强，我反映的事情他一直推诿不管"


def complain(wechat, seeded, clock, text):
    reply = wechat.send(RESIDENT, text)
    ticket = re.search(r"G\d{10}", reply).group(0)
    with seeded.transaction() as session:
        dispatch.dispatch_pending(session, clock(), schedule.hotspot_rules()[0])
    return reply, ticket


def test_a_complaint_about_a_grid_member_reaches_the_leader_and_the_operator_never_the_member(wechat, seeded, clock):
    reply, ticket = complain(wechat, seeded, clock, ABOUT_ZHANG)
    assert "类别：投诉工作人员" in reply and "被投诉的工作人员看不到" in reply
    assert "您的投诉由被投诉人的上级（网格长或社区）处理" in reply
    assert notices(seeded, "staff_new_appeal", ticket) == sorted([WANG, OPERATOR])
    assert f"没有找到编号为 {ticket} 的诉求" in wechat.send(ZHANG, f"接单 {ticket}")
    assert f"没有找到编号为 {ticket} 的诉求" in wechat.send(ZHANG, f"查询 {ticket}")
    assert ticket not in wechat.send(ZHANG, "我的任务")
    assert f"没有找到编号为 {ticket} 的诉求" in wechat.send(LI, f"接单 {ticket}")  # a colleague: not theirs either
    assert ABOUT_ZHANG in wechat.send(WANG, f"查询 {ticket}")
    assert f"接单成功：{ticket}" in wechat.send(WANG, f"接单 {ticket}")
    assert ZHANG not in notices(seeded, "staff_taken", ticket)
    assert f"没有找到编号为 {ticket} 的诉求" in wechat.send(ZHANG, f"办结 {ticket} 属误会")
    assert appeal(seeded, ticket).status == AppealStatus.ACCEPTED


def test_a_complaint_sent_while_a_rating_is_asked_is_filed_for_the_leader_not_passed_to_the_handler(
        wechat, seeded, clock):
    rated = file_and_dispatch(wechat, seeded, clock)
    wechat.dialog(ZHANG, [(f"接单 {rated}", "接单成功"), (f"办结 {rated} 已修好", "已办结")])
    reply = wechat.send(RESIDENT, ABOUT_ZHANG)  # its 态度很差 also reads as 不满意
    assert "类别：投诉工作人员" in reply and "被投诉的工作人员看不到" in reply
    assert appeal(seeded, rated).status == AppealStatus.RESOLVED and notices(seeded, "staff_reopened", rated) == []
    assert "感谢您的评价" in wechat.send(RESIDENT, "1")  # the rating is still the resident's to give


def test_a_complaint_that_also_chases_an_open_appeal_is_filed_not_passed_to_its_handler(wechat, seeded, clock):
    chased = file_and_dispatch(wechat, seeded, clock)
    wechat.dialog(ZHANG, [(f"接单 {chased}", "接单成功")])
    reply = wechat.send(RESIDENT, "网格员张伟态度很差还骂人，电梯到现在还没修好")  # also reads as 催办
    assert "类别：投诉工作人员" in reply and "被投诉的工作人员看不到" in reply
    assert notices(seeded, "staff_chased", chased) == []


def test_a_complaint_about_a_department_officer_by_name_never_reaches_the_department(wechat, seeded, clock):
    with seeded.transaction() as session:
        session.add(Staff(openid="dept_zhifa", name="吴刚", role=StaffRole.DEPARTMENT, department="综合执法中队",
                          active=True, created_at=clock()))
    reply, ticket = complain(wechat, seeded, clock, "投诉综合执法中队的吴刚，执法粗暴")  # words of 综合执法 too
    assert "类别：投诉工作人员" in reply and "被投诉的工作人员看不到" in reply
    assert appeal(seeded, ticket).department is None
    assert notices(seeded, "staff_new_appeal", ticket) == sorted([WANG, OPERATOR])
    assert f"没有找到编号为 {ticket} 的诉求" in wechat.send("dept_zhifa", f"查询 {ticket}")


def test_a_complaint_naming_a_department_officer_is_about_the_one_serving_the_residents_street_not_a_namesake(
        wechat, seeded, clock):
    with seeded.transaction() as session:
        add_second_street(session, clock())  # 周队长 of 幸福街道's 综合执法中队, 吴队长 of 安宁街道's
        session.scalars(select(Staff).where(Staff.openid == SQUAD_ANNING)).one().name = "周队长"

    _, ticket = complain(wechat, seeded, clock, "投诉综合执法中队的周队长，执法粗暴")

    appeal_id, xingfu = appeal(seeded, ticket).id, staff_id(seeded, SQUAD_XINGFU)
    with seeded.transaction() as session:
        assert complaints.accused(session, appeal_id) == {xingfu}


def test_a_complaint_about_the_property_company_is_not_transferred_to_it(wechat, seeded, clock):
    with seeded.transaction() as session:
        session.add(Staff(openid="o_property", name="阳光物业", role=StaffRole.PROPERTY, department="阳光物业公司",
                          grid_id=None, active=True, created_at=clock()))
    reply, ticket = complain(wechat, seeded, clock, "我要投诉物业，物业的人态度很差还骂人")
    assert "类别：投诉工作人员" in reply
    wechat.dialog(WANG, [(f"接单 {ticket}", "接单成功")])
    assert "是对工作人员的投诉" in wechat.send(WANG, f"转办 {ticket} 阳光物业公司")
    assert "o_property" not in notices(seeded, "staff_new_appeal", ticket)
    assert appeal(seeded, ticket).status == AppealStatus.ACCEPTED and appeal(seeded, ticket).department is None


def test_a_building_leads_report_of_a_neighbours_complaint_never_reaches_the_person_it_is_about(wechat, seeded, clock):
    reply = wechat.send(BUILDING_LEAD, "代报 2单元 王奶奶要投诉网格员张伟，上门态度很差还骂人")
    ticket = re.search(r"G\d{10}", reply).group(0)
    assert "类别：投诉工作人员" in reply and "被投诉的工作人员看不到" in reply
    with seeded.transaction() as session:
        dispatch.dispatch_pending(session, clock(), schedule.hotspot_rules()[0])
    assert notices(seeded, "staff_new_appeal", ticket) == sorted([WANG, OPERATOR])
    assert f"没有找到编号为 {ticket} 的诉求" in wechat.send(ZHANG, f"查询 {ticket}")
    assert ticket not in wechat.send(ZHANG, "我的任务")


def test_a_building_leads_report_of_a_complaint_about_the_grid_leader_says_the_community_handles_it(
        wechat, seeded, clock):
    reply = wechat.send(BUILDING_LEAD, "代报 2单元 王奶奶要投诉网格长王强，推诿不管")
    assert "邻居的投诉由被投诉人的上级（社区）处理" in reply


def test_an_emergency_that_accuses_a_grid_member_gets_the_advice_and_never_reaches_them(wechat, seeded, clock):
    reply, ticket = complain(wechat, seeded, clock, "网格员李娜上门时动手打我，我要投诉她")
    assert reply.startswith("【紧急】请立即拨打 110！")
    assert notices(seeded, "staff_new_appeal", ticket) == sorted([ZHANG, WANG, OPERATOR])
    assert f"没有找到编号为 {ticket} 的诉求" in wechat.send(LI, f"查询 {ticket}")
    assert f"没有找到编号为 {ticket} 的诉求" in wechat.send(LI, f"接单 {ticket}")
    said = wechat.send(RESIDENT, "她还在门口不走，我很害怕")  # words after an emergency go to its responders
    assert ticket in said, said
    assert LI not in notices(seeded, "staff_words_added", ticket)


def test_a_building_leads_report_of_an_emergency_that_accuses_a_grid_member_never_reaches_them(
        wechat, seeded, clock):
    reply = wechat.send(BUILDING_LEAD, "代报 2单元 王奶奶说网格员李娜动手打我，要投诉她")
    ticket = re.search(r"G\d{10}", reply).group(0)
    assert reply.startswith("【紧急】请立即拨打 110！")
    with seeded.transaction() as session:
        dispatch.dispatch_pending(session, clock(), schedule.hotspot_rules()[0])
    assert LI not in notices(seeded, "staff_new_appeal", ticket)
    assert f"没有找到编号为 {ticket} 的诉求" in wechat.send(LI, f"查询 {ticket}")


def test_an_unclaimed_emergency_that_accuses_the_grid_leader_escalates_past_them(wechat, seeded, clock):
    _, ticket = complain(wechat, seeded, clock, "网格长王强动手打我，我要投诉他")
    assert WANG not in notices(seeded, "staff_new_appeal", ticket)
    clock.advance(minutes=11)  # past the emergency's 10-minute response limit, nobody has claimed it
    with seeded.transaction() as session:
        supervision.sweep(session, clock())
    told = notices(seeded, "staff_emergency_unclaimed", ticket)
    assert OPERATOR in told and WANG not in told


def test_a_complaint_about_the_grid_leader_goes_to_the_operators_only(wechat, seeded, clock):
    reply, ticket = complain(wechat, seeded, clock, ABOUT_WANG)
    assert "类别：投诉工作人员" in reply
    # Not （网格长或社区）: the complainant would read it may reach the very 网格长 complained of.
    assert "您的投诉由被投诉人的上级（社区）处理" in reply
    assert notices(seeded, "staff_new_appeal", ticket) == [OPERATOR]
    assert f"没有找到编号为 {ticket} 的诉求" in wechat.send(WANG, f"查询 {ticket}")
    assert f"没有找到编号为 {ticket} 的诉求" in wechat.send(WANG, f"接单 {ticket}")
    assert f"没有找到编号为 {ticket} 的诉求" in wechat.send(ZHANG, f"接单 {ticket}")
    assert f"接单成功：{ticket}" in wechat.send(OPERATOR, f"接单 {ticket}")
    assert f"诉求 {ticket} 已办结" in wechat.send(OPERATOR, f"办结 {ticket} 已约谈王强并向居民致歉")
    assert appeal(seeded, ticket).status == AppealStatus.RESOLVED
    assert notices(seeded, "staff_taken", ticket) == []


def test_a_complaint_about_the_communitys_only_operator_goes_to_the_street(wechat, seeded, clock):
    with seeded.transaction() as session:
        session.add(Staff(openid="o_street_operator", name="钱科长", role=StaffRole.OPERATOR, active=True,
                          created_at=clock()))
    reply, ticket = complain(wechat, seeded, clock, "我要投诉社区工作人员孙丽，态度很差还骂人")
    assert "类别：投诉工作人员" in reply and "您的投诉由被投诉人的上级（街道）处理" in reply
    assert notices(seeded, "staff_new_appeal", ticket) == ["o_street_operator"]
    assert f"没有找到编号为 {ticket} 的诉求" in wechat.send(OPERATOR, f"查询 {ticket}")
    assert "由被投诉人的上级" in wechat.send(WANG, f"接单 {ticket}")
    assert f"接单成功：{ticket}" in wechat.send("o_street_operator", f"接单 {ticket}")


def test_a_complaint_is_never_handed_to_the_person_it_is_about(wechat, seeded, clock):
    _, ticket = complain(wechat, seeded, clock, ABOUT_ZHANG)
    assert "不能改派给本人" in wechat.send(OPERATOR, f"改派 {ticket} 张伟")
    assert ZHANG not in notices(seeded, "staff_new_appeal", ticket)


def test_an_unclaimed_complaint_about_the_leader_reminds_and_escalates_past_them(wechat, seeded, clock):
    _, ticket = complain(wechat, seeded, clock, ABOUT_WANG)
    for hours in (3, 2, 4):
        clock.advance(hours=hours)
        with seeded.transaction() as session:
            supervision.sweep(session, clock())
    told = notices(seeded, "staff_reminder", ticket) + notices(seeded, "staff_escalated", ticket)
    assert OPERATOR in told and not {WANG, ZHANG, LI} & set(told)


def test_the_督办_of_an_unclaimed_complaint_asks_the_leader_to_claim_it_not_to_find_a_member(wechat, seeded, clock):
    _, ticket = complain(wechat, seeded, clock, ABOUT_ZHANG)
    clock.advance(minutes=31)
    with seeded.transaction() as session:
        supervision.sweep(session, clock())
    (escalation,) = worded(seeded, "staff_escalated", WANG)
    # Not 请安排网格员接单: a grid member's 接单 of a complaint is refused.
    assert escalation.endswith(f"尚无人接单：这是对工作人员的投诉，只由网格长或操作员接单，请回复“接单 {ticket}”处理；"
                               f"回复“查询 {ticket}”查看详情。")


def test_chasing_up_or_adding_a_photo_to_an_unclaimed_complaint_never_reaches_the_person_it_is_about(
        wechat, seeded, clock):
    _reply, ticket = complain(wechat, seeded, clock, ABOUT_ZHANG)
    clock.advance(minutes=10)  # past the new card (chasing.JUST_FILED): a 催办 now goes to its holders
    wechat.dialog(RESIDENT, [("上次说的事怎么样了", f"您的诉求 {ticket}")])
    wechat.deliver(wechat.server.image(RESIDENT, create_time=wechat.now()))
    assert notices(seeded, "staff_chased", ticket) == sorted([WANG, OPERATOR])
    assert notices(seeded, "staff_material_added", ticket) == sorted([WANG, OPERATOR])


def test_the_complainant_is_never_told_their_complaint_went_to_the_grid_members(wechat, seeded, clock):
    reply, ticket = complain(wechat, seeded, clock, ABOUT_ZHANG)
    clock.advance(minutes=10)  # past the new card (chasing.JUST_FILED): a 催办 now goes to its holders
    assert "接下来：处理投诉的工作人员会尽快联系您" in reply and "网格员会" not in reply
    shown = wechat.send(RESIDENT, f"查询 {ticket}")
    assert "状态：已转交被投诉人的上级" in shown and "已转交被投诉人的上级处理" in shown
    assert "已转交网格员" not in shown
    listed = wechat.send(RESIDENT, "我的诉求")
    assert f"{ticket}｜投诉工作人员｜已转交被投诉人的上级" in listed
    chased = wechat.send(RESIDENT, f"催办 {ticket}")
    assert "当前状态：已转交被投诉人的上级" in chased and "已为您向处理投诉的工作人员催办" in chased
    assert "网格工作人员" not in chased and "网格工作人员" not in wechat.send(RESIDENT, f"催办 {ticket}")


def test_unsatisfied_with_a_complaint_about_the_leader_is_followed_up_by_the_operator_not_the_leader(
        wechat, seeded, clock):
    _, ticket = complain(wechat, seeded, clock, ABOUT_WANG)
    wechat.send(OPERATOR, f"接单 {ticket}")
    wechat.send(OPERATOR, f"办结 {ticket} 已约谈王强并向居民致歉")
    reply = wechat.send(RESIDENT, "不满意，他还是不理我")
    assert "社区工作人员会尽快回访您" in reply and "网格长" not in reply
    assert notices(seeded, "staff_reopened", ticket) == [OPERATOR]
    record = wechat.send(OPERATOR, f"查询 {ticket}")
    assert "回访：孙丽" in record and "回访：王强" not in record


def test_a_complaint_about_the_grid_leader_is_not_on_his_超期_list_but_on_the_operators(wechat, seeded, clock):
    _, ticket = complain(wechat, seeded, clock, ABOUT_WANG)
    clock.advance(days=3)  # long past its claim deadline
    assert ticket not in wechat.send(WANG, "超期")
    assert ticket in wechat.send(OPERATOR, "超期")


@pytest.mark.parametrize("first", ["dispatch", "disable"])
def test_an_operator_disabled_while_a_complaint_is_dispatched_is_not_sent_it(wechat, seeded, clock, first):
    # PostgreSQL: the complaint's handlers were read without the lock the grid's team is held with, and the
    # operator who had just left got the complaint's words.
    ticket = re.search(r"G\d{10}", wechat.send(RESIDENT, ABOUT_ZHANG)).group(0)

    assert dispatch_while_disabling(seeded, OPERATOR, clock, first) == ("done", "done")
    assert notices(seeded, "staff_new_appeal", ticket) == [WANG]


@pytest.mark.parametrize("said", ["我要投诉网格员", "投诉网格员", "我要投诉", "投诉网格员张伟", "我要投诉物业"])
def test_a_complaint_without_whom_or_what_is_asked_for_both_and_nothing_is_filed(wechat, seeded, clock, said):
    assert wechat.send(RESIDENT, said) == resident_texts.COMPLAINT_DETAILS_WANTED
    with seeded.transaction() as session:
        assert session.scalars(select(Appeal)).all() == []
    reply, _ticket = complain(wechat, seeded, clock, ABOUT_ZHANG)
    assert "类别：投诉工作人员" in reply


@pytest.mark.parametrize("said", ["代报 2单元 投诉网格员张伟", "代报 2单元 投诉网格员", "代报 2单元 我要投诉物业"])
def test_a_building_leads_report_of_a_complaint_without_what_happened_is_asked_for_it_and_nothing_is_filed(
        wechat, seeded, said):
    assert wechat.send(BUILDING_LEAD, said) == community_texts.daibao_complaint_details("2单元")
    with seeded.transaction() as session:
        assert session.scalars(select(Appeal)).all() == []
    assert "类别：投诉工作人员" in wechat.send(BUILDING_LEAD, "代报 2单元 投诉网格员张伟，上门态度很差还骂人")


def test_a_complaint_is_never_handed_to_a_colleague_of_the_person_it_is_about(wechat, seeded, clock):
    _, ticket = complain(wechat, seeded, clock, ABOUT_ZHANG)
    refused = wechat.send(WANG, f"改派 {ticket} 李娜")
    assert refused == staff_texts.REASSIGN_REFUSED["complaint_to_member"].format(ticket=ticket)
    assert LI not in notices(seeded, "staff_new_appeal", ticket) and notices(seeded, "resident_transferred") == []
    assert f"没有找到编号为 {ticket} 的诉求" in wechat.send(LI, f"查询 {ticket}")
    assert "已改派给 王强" in wechat.send(OPERATOR, f"改派 {ticket} 王强")  # its 网格长 may take it, as at dispatch



def test_a_grid_leaders_daily_summary_counts_nothing_of_a_complaint_about_him(wechat, seeded, clock):
    _, about_wang = complain(wechat, seeded, clock, ABOUT_WANG)
    file_and_dispatch(wechat, seeded, clock, "3号楼门口的垃圾桶满了没人清理", openid="o7")
    wechat.send(OPERATOR, f"接单 {about_wang}")
    clock.advance(days=1)
    now = clock()
    with seeded.transaction() as session:
        planned = {item.recipient.name: item.notice for item in
                   daily_summary.plan(session, now.astimezone(LOCAL_ZONE).date(), now)}
    leader, operator = planned["王强"], planned["孙丽"]
    assert (leader.new, leader.accepted, leader.backlog) == (1, 0, 1)  # the 垃圾桶 only: nothing to find missing
    assert (operator.new, operator.accepted, operator.backlog) == (2, 1, 2)  # the complaint's handler counts it


def test_a_complaint_keeps_its_category_so_the_colleagues_of_whom_it_is_about_never_read_it(wechat, seeded, clock):
    _, ticket = complain(wechat, seeded, clock, ABOUT_ZHANG)
    refused = wechat.send(WANG, f"分类 {ticket} 物业服务")
    assert refused == staff_texts.COMPLAINT_NOT_RECLASSIFIED.format(ticket=ticket)
    assert appeal(seeded, ticket).category == "投诉工作人员" and notices(seeded, "resident_recategorised") == []
    assert f"没有找到编号为 {ticket} 的诉求" in wechat.send(LI, f"查询 {ticket}")
    assert f"没有找到编号为 {ticket} 的诉求" in wechat.send(ZHANG, f"分类 {ticket} 物业服务")  # whom it is about
