"""领单 (issue 14): volunteers and party members see 可领任务, take a task (领单), finish it (完成 + a photo) or give
it back (放弃); grid staff post 微心愿 (发布心愿) and confirm (确认完成), or the resident's rating does; points follow.

周敏 (志愿者) lives in 阳光花园1号楼, 陈明 (党员) in 2号楼; o1 in 3号楼 (幸福里社区·第一网格: 张伟, 李娜, 王强 the
leader; 刘洋 is of the second grid, 锦绣家园). 和平社区 is another community.
"""

import re

import pytest
from click.testing import CliRunner
from sqlalchemy import select, update

from bot.cli.gridbot import main
from handlers import community_texts, resident_texts, staff_texts
from storage import enrolments, media_files, points
from storage.models import (
    Appeal,
    AppealEvent,
    Attachment,
    ClaimStatus,
    PointsEntry,
    Staff,
    StaffRole,
    VolunteerClaim,
    Wish,
    WishStatus,
)
from storage.notices import ResidentVolunteerNotComing
from storage.privacy import mask_for_volunteers
from tests.support.database import appeal, notices, staff_id, worded
from tests.support.personas import (
    BUILDING_LEAD,
    HEPING_RESIDENT,
    LI,
    LIU,
    OPERATOR,
    PARTY_MEMBER,
    RESIDENT,
    VOLUNTEER,
    WANG,
    ZHANG,
)
from tests.support.worker import LIFT, dispatch_filed, file_and_dispatch

pytestmark = pytest.mark.postgres

ELDERLY = "独居的王奶奶行动不便，想请人帮忙买菜，联系电话13812345678"
POSTERS = "楼道里贴满了小广告，请清理一下"
WISH_TEXT = "为3号楼独居的李奶奶换一个客厅灯泡"
WISH = re.compile(r"W\d{10}")


def posted_wish(wechat, openid=OPERATOR, text=WISH_TEXT):
    reply = wechat.send(openid, f"发布心愿 {text}")
    return WISH.search(reply).group(0)


def claim_of(database, ticket_or_code):
    with database.transaction() as session:
        query = select(VolunteerClaim).order_by(VolunteerClaim.id.desc())
        if ticket_or_code.startswith("W"):
            query = query.join(Wish, Wish.id == VolunteerClaim.wish_id).where(Wish.code == ticket_or_code)
        else:
            query = query.join(Appeal, Appeal.id == VolunteerClaim.appeal_id).where(Appeal.ticket == ticket_or_code)
        return session.scalars(query).first()


def balance(database, openid):
    member = staff_id(database, openid)
    with database.transaction() as session:
        return points.balance(session, member)


def events(database, ticket, action):
    with database.transaction() as session:
        return session.execute(select(AppealEvent.actor_kind, AppealEvent.actor_id, AppealEvent.note)
                               .join(Appeal, Appeal.id == AppealEvent.appeal_id)
                               .where(Appeal.ticket == ticket, AppealEvent.action == action)).all()


# --- 可领任务 ------------------------------------------------------------------------------------------------------

def test_a_volunteer_sees_their_communitys_open_volunteer_work_and_wishes_with_only_what_they_need(
        wechat, seeded, clock):
    elderly = file_and_dispatch(wechat, seeded, clock, ELDERLY)
    lift = file_and_dispatch(wechat, seeded, clock, LIFT)
    elsewhere = file_and_dispatch(wechat, seeded, clock, "家里独居老人需要有人上门陪伴", HEPING_RESIDENT)
    door = wechat.send(BUILDING_LEAD, "代报 3号楼2单元501 家里独居老人需要有人上门陪伴")
    neighbour = re.search(r"G\d{10}", door).group(0)
    dispatch_filed(seeded, clock)
    wish = posted_wish(wechat)
    shown = wechat.send(VOLUNTEER, "可领任务")
    assert shown.startswith(community_texts.TASKS_HEADER)
    assert elderly in shown and wish in shown and neighbour in shown
    assert "养老服务｜阳光花园3号楼1单元" in shown and "微心愿｜幸福里社区" in shown
    assert "138****5678" in shown and "13812345678" not in shown  # the phone masked
    assert "501" not in shown and "阳光花园3号楼2单元" in shown  # never the 门牌: the unit at most
    assert lift not in shown  # not volunteers' work
    assert elsewhere not in shown  # another community's
    # The wish is the operator's who posted it, not a grid member's: the hint names both.
    assert "网格员仍负责办理" not in shown and "诉求仍由网格员、微心愿由发布人负责" in shown


def test_a_room_the_resident_wrote_in_the_text_is_masked_in_the_list_and_on_claiming(wechat, seeded, clock):
    ticket = file_and_dispatch(wechat, seeded, clock, "我住1单元601，老人行动不便，想请人帮忙买菜")
    shown = wechat.send(VOLUNTEER, "可领任务")
    assert "我住1单元***，老人" in shown and "601" not in shown
    reply = wechat.send(VOLUNTEER, f"领单 {ticket}")
    assert "我住1单元***，老人行动不便" in reply and "601" not in reply


@pytest.mark.parametrize(("text", "masked"), [
    ("门牌3号楼2单元501", "门牌3号楼2单元***"), ("2单元 1201", "2单元 ***"), ("3-2-501 家里漏水", "3-2-*** 家里漏水"),
    ("12-3-1201", "12-3-***"), ("501室", "***室"), ("３号楼２单元５０１", "３号楼２单元***"),
    ("3号楼2单元楼道灯坏了", "3号楼2单元楼道灯坏了"), ("2026-12-06 上午", "2026-12-06 上午"), ("共 1200 元", "共 1200 元"),
])
def test_rooms_are_masked_for_volunteers_and_places_dates_and_amounts_are_not(text, masked):
    assert mask_for_volunteers(text) == masked


def test_their_own_compound_comes_first_and_what_is_taken_leaves_the_list(wechat, seeded, clock):
    far = file_and_dispatch(wechat, seeded, clock, "家里独居老人需要有人上门陪伴")  # 3号楼, 阳光花园
    wish = posted_wish(wechat, LIU, "锦绣家园5号楼的张爷爷想请人读一读社区通知")  # 锦绣家园: the rest
    shown = wechat.send(VOLUNTEER, "可领任务")
    assert shown.index(far) < shown.index(wish)
    assert "领单成功" in wechat.send(PARTY_MEMBER, f"领单 {far}")
    assert far not in wechat.send(VOLUNTEER, "可领任务")
    mine = wechat.send(PARTY_MEMBER, "可领任务")
    assert community_texts.MINE_HEADER in mine and far in mine.split(community_texts.MINE_HEADER)[1]


@pytest.mark.parametrize(("openid", "refusal"), [
    (RESIDENT, "只有楼长、单元长、党员中心户、党员和志愿者可以使用"),
    (ZHANG, "是楼长、单元长、党员中心户、党员和志愿者使用的指令"),
])
def test_residents_and_grid_staff_cannot_take_volunteer_tasks(wechat, seeded, clock, openid, refusal):
    ticket = file_and_dispatch(wechat, seeded, clock, ELDERLY)
    assert refusal in wechat.send(openid, "可领任务")
    assert refusal in wechat.send(openid, f"领单 {ticket}")
    assert claim_of(seeded, ticket) is None


def test_taking_a_task_by_its_line_in_the_list_asks_for_its_number_and_files_nothing(wechat, seeded, clock):
    file_and_dispatch(wechat, seeded, clock, ELDERLY)
    assert "1. " in wechat.send(VOLUNTEER, "可领任务")
    for said in ("领单 1", "领单 一。", "领单"):
        assert wechat.send(VOLUNTEER, said) == community_texts.NEEDS_TASK_NUMBER.format(verb="领单"), said
    with seeded.transaction() as session:
        assert session.scalars(select(Appeal).where(Appeal.content.contains("领单"))).all() == []


def test_a_grid_member_saying_wancheng_for_closing_is_pointed_to_banjie_not_to_shangbao(wechat, seeded, clock):
    ticket = file_and_dispatch(wechat, seeded, clock, ELDERLY)
    wechat.send(ZHANG, f"接单 {ticket}")
    refused = wechat.send(ZHANG, f"完成 {ticket} 已送菜上门")
    assert "办结 编号 说明" in refused and "上报" not in refused
    assert "接单 编号" in wechat.send(ZHANG, f"领单 {ticket}")


def test_a_building_lead_takes_tasks_too_but_a_volunteer_files_no_daibao(wechat, seeded, clock):
    ticket = file_and_dispatch(wechat, seeded, clock, ELDERLY)
    assert ticket in wechat.send(BUILDING_LEAD, "可领任务")
    assert "只有楼长、单元长、党员中心户和党员可以使用" in wechat.send(VOLUNTEER, "代报 2单元 楼道灯坏了")
    help_text = wechat.send(VOLUNTEER, "帮助")
    assert "领单 编号" in help_text and "代报" not in help_text


# --- 领单 ------------------------------------------------------------------------------------------------------

def test_a_claim_tells_the_assignee_and_the_resident_hears_a_volunteer_is_coming_by_name(wechat, seeded, clock):
    ticket = file_and_dispatch(wechat, seeded, clock, ELDERLY)
    wechat.send(ZHANG, f"接单 {ticket}")
    reply = wechat.send(VOLUNTEER, f"领单 {ticket}")
    assert reply.startswith(f"领单成功：{ticket}（养老服务，阳光花园3号楼1单元）") and "138****5678" in reply
    assert notices(seeded, "staff_volunteer_claimed", ticket) == [ZHANG]  # the assignee: still responsible
    assert notices(seeded, "resident_volunteer_coming", ticket) == [RESIDENT]
    told = worded(seeded, "resident_volunteer_coming", RESIDENT)[-1]
    assert "志愿者周敏" in told and "o_volunteer" not in told
    assert events(seeded, ticket, "volunteer_claimed") == [("staff", staff_id(seeded, VOLUNTEER), None)]
    assert "志愿者领单（周敏）" in wechat.send(ZHANG, f"查询 {ticket}")
    assert "志愿者已领单" in wechat.send(RESIDENT, f"查询 {ticket}")
    assert wechat.send(VOLUNTEER, f"领单 {ticket}") == community_texts.ALREADY_YOURS.format(code=ticket)
    assert wechat.send(PARTY_MEMBER, f"领单 {ticket}") == community_texts.TAKEN.format(
        code=ticket, role="志愿者", name="周敏")


def test_a_volunteer_saying_a_grid_members_progress_or_resolve_of_her_task_is_told_her_own_words(wechat, seeded):
    wish = posted_wish(wechat, ZHANG)
    assert "领单成功" in wechat.send(VOLUNTEER, f"领单 {wish}")
    progress = wechat.send(VOLUNTEER, f"进展 {wish} 已买好灯泡，明天上门")
    assert progress == ("志愿者不承担网格员的办理工作，这个指令不能使用。领的任务不用报进展：帮忙做完了请发送“完成 编号 说明”，"
                        "做不了请发送“放弃 编号”；有情况请直接联系负责的网格员或社区工作人员。")
    assert wechat.send(VOLUNTEER, f"办结 {wish} 换好了").endswith(
        "领的任务帮忙做完了请发送：完成 编号 说明，由负责的网格员或社区工作人员核实确认。")
    assert wechat.send(VOLUNTEER, "待分类").endswith("回复“帮助”查看您可以使用的指令。")


def test_a_task_another_volunteer_did_is_said_to_be_done_not_merely_taken(wechat, seeded, clock):
    wish = posted_wish(wechat, ZHANG)
    assert "领单成功" in wechat.send(VOLUNTEER, f"领单 {wish}")
    assert "已记录" in wechat.send(VOLUNTEER, f"完成 {wish} 已帮刘奶奶换好灯泡")
    done = community_texts.TAKEN_DONE.format(code=wish, role="志愿者", name="周敏")
    assert wechat.send(PARTY_MEMBER, f"领单 {wish}") == done
    assert "已确认" in wechat.send(ZHANG, f"确认完成 {wish}")
    assert wechat.send(PARTY_MEMBER, f"领单 {wish}") == done == f"{wish} 已由志愿者周敏帮忙完成了，感谢您的热心！回复“可领任务”看看其他任务。"


def test_nobodys_appeal_tells_the_grid_team_and_a_wish_its_poster(wechat, seeded, clock):
    ticket = file_and_dispatch(wechat, seeded, clock, POSTERS)
    assert "领单成功" in wechat.send(VOLUNTEER, f"领单 {ticket}")
    assert notices(seeded, "staff_volunteer_claimed", ticket) == sorted([LI, WANG, ZHANG])
    wish = posted_wish(wechat, ZHANG)
    assert "领单成功" in wechat.send(PARTY_MEMBER, f"领单 {wish.lower()}")
    assert notices(seeded, "staff_volunteer_claimed", wish) == [ZHANG]
    assert "党员陈明 领取了" in worded(seeded, "staff_volunteer_claimed", ZHANG)[-1]
    with seeded.transaction() as session:
        assert session.scalars(select(Wish.status).where(Wish.code == wish)).one() == WishStatus.CLAIMED


def test_a_volunteers_replies_name_the_operator_who_posted_the_wish_not_a_grid_member(wechat, seeded, clock, settings):
    seeded.session_info[media_files.LINKS_KEY] = settings.media_links(clock)
    wish = posted_wish(wechat, OPERATOR)
    claimed = wechat.send(PARTY_MEMBER, f"领单 {wish}")
    assert "负责的社区工作人员孙丽已收到通知。" in claimed and "网格员" not in claimed
    assert claimed.endswith("\n负责的社区工作人员孙丽还没有您的电话：回复“我的电话 号码”留下，以后领单时会一并告诉负责的人，方便联系。")
    assert notices(seeded, "staff_volunteer_claimed", wish) == [OPERATOR]
    done = wechat.send(PARTY_MEMBER, f"完成 {wish} 灯泡换好了")
    assert done.startswith(f"已记录 {wish} 完成，已请负责的社区工作人员孙丽核实确认，")
    kept = wechat.deliver(wechat.server.image(PARTY_MEMBER, create_time=wechat.now()))
    assert kept == f"照片已保存到任务 {wish}，并已发给负责的社区工作人员孙丽。"
    assert wechat.send(PARTY_MEMBER, f"完成 {wish} 灯泡换好了").startswith(
        f"{wish} 您已报完成，正在等待负责的社区工作人员孙丽核实确认，")
    assert "等待确认" in wechat.send(PARTY_MEMBER, "可领任务")


def test_a_volunteers_claim_names_the_grid_member_holding_the_appeal_or_the_grid_team(wechat, seeded, clock):
    held = file_and_dispatch(wechat, seeded, clock, ELDERLY)
    wechat.send(ZHANG, f"接单 {held}")
    assert "负责的网格员张伟已收到通知。" in wechat.send(VOLUNTEER, f"领单 {held}")
    nobodys = file_and_dispatch(wechat, seeded, clock, POSTERS)
    assert "负责的网格员已收到通知。" in wechat.send(PARTY_MEMBER, f"领单 {nobodys}")


def test_what_is_no_volunteer_work_is_refused(wechat, seeded, clock):
    lift = file_and_dispatch(wechat, seeded, clock, LIFT)
    elsewhere = file_and_dispatch(wechat, seeded, clock, ELDERLY, HEPING_RESIDENT)
    urgent = file_and_dispatch(wechat, seeded, clock, "家里独居老人需要有人上门陪伴")
    with seeded.transaction() as session:
        session.execute(update(Appeal).where(Appeal.ticket == urgent).values(emergency="medical"))
    assert wechat.send(VOLUNTEER, f"领单 {lift}") == community_texts.NOT_VOLUNTEER_WORK.format(code=lift)
    assert wechat.send(VOLUNTEER, f"领单 {elsewhere}") == community_texts.NO_SUCH_TASK.format(code=elsewhere)
    assert wechat.send(VOLUNTEER, "领单 G2611229999") == community_texts.NO_SUCH_TASK.format(code="G2611229999")
    assert wechat.send(VOLUNTEER, f"领单 {urgent}") == community_texts.EMERGENCY_TASK.format(code=urgent)
    wechat.dialog(ZHANG, [(f"接单 {lift}", "接单成功")])
    # Another neighbour's: what the resident with the emergency writes in the next hours goes to its responders.
    closed = file_and_dispatch(wechat, seeded, clock, POSTERS, "o6")
    wechat.dialog(ZHANG, [(f"接单 {closed}", "接单成功"), (f"办结 {closed} 已清理", "已办结")])
    assert wechat.send(VOLUNTEER, f"领单 {closed}") == community_texts.CLOSED_TASK.format(code=closed)
    with seeded.transaction() as session:
        assert session.scalar(select(VolunteerClaim.id)) is None


def test_a_volunteer_holds_three_tasks_at_once_and_claims_ten_times_a_day(wechat, seeded, clock):
    codes = [posted_wish(wechat, text=f"心愿{n}：帮忙取快递") for n in range(4)]
    for code in codes[:3]:
        assert "领单成功" in wechat.send(VOLUNTEER, f"领单 {code}")
    assert wechat.send(VOLUNTEER, f"领单 {codes[3]}") == community_texts.TOO_MANY_IN_PROGRESS.format(limit=3)
    for code in codes[:3]:
        assert "已放弃" in wechat.send(VOLUNTEER, f"放弃 {code}")
    for _ in range(3):  # 3 + 7 = 10 claims today
        for code in codes[:2]:
            wechat.send(VOLUNTEER, f"领单 {code}")
            wechat.send(VOLUNTEER, f"放弃 {code}")
    assert "领单成功" in wechat.send(VOLUNTEER, f"领单 {codes[3]}")
    assert wechat.send(VOLUNTEER, f"领单 {codes[0]}") == community_texts.TOO_MANY_TODAY.format(limit=10)
    clock.advance(days=1)
    assert "领单成功" in wechat.send(VOLUNTEER, f"领单 {codes[0]}")


@pytest.mark.parametrize("said", ["我不做了", "不做了。", "做不了了", "我做不了了！", "放弃", "这个任务我做不了"])
def test_a_volunteer_saying_they_give_up_is_asked_to_confirm_their_task_or_which_one_and_nothing_is_filed(
        wechat, seeded, said):
    # 我不做了 was filed as a new appeal of theirs (and, unbound, started a binding); 放弃 alone asked for a number.
    assert wechat.send(VOLUNTEER, said) == community_texts.NONE_TO_GIVE_BACK
    first = posted_wish(wechat)
    wechat.send(VOLUNTEER, f"领单 {first}")
    assert wechat.send(VOLUNTEER, said) == (
        f"您要放弃正在做的任务 {first}（微心愿，幸福里社区）吗？确认请回复“放弃 {first}”，任务会重新开放给其他志愿者；"
        "还要继续做就不用回复。")
    assert claim_of(seeded, first).status == ClaimStatus.CLAIMED  # nothing given back before they confirm
    second = posted_wish(wechat, text="帮2号楼张大爷取药")
    wechat.send(VOLUNTEER, f"领单 {second}")
    assert wechat.send(VOLUNTEER, said) == community_texts.GIVE_BACK_WHICH.format(
        count=2, codes=f"{first}、{second}", first=first)
    assert wechat.send(VOLUNTEER, f"放弃 {second}") == community_texts.RELEASED.format(code=second)
    with seeded.transaction() as session:
        assert session.scalars(select(Appeal)).all() == []


@pytest.mark.parametrize("said", ["我做完了", "弄好了。", "已经做好了", "完成了"])
def test_a_volunteer_saying_they_are_done_is_told_the_完成_of_their_task_and_nothing_is_filed(wechat, seeded, said):
    # 我做完了 was asked what problem they had to report, 弄好了 started a binding for an appeal of theirs, and 完成了
    # was told only the format.
    first = posted_wish(wechat)
    wechat.send(VOLUNTEER, f"领单 {first}")
    assert wechat.send(VOLUNTEER, said) == community_texts.DONE_NEEDS_WORDS.format(verb="完成", code=first)
    assert claim_of(seeded, first).status == ClaimStatus.CLAIMED  # not reported done without a word of what
    second = posted_wish(wechat, text="帮2号楼张大爷取药")
    wechat.send(VOLUNTEER, f"领单 {second}")
    assert wechat.send(VOLUNTEER, said) == community_texts.WHICH_IN_PROGRESS.format(
        count=2, codes=f"{first}、{second}", first=first)
    with seeded.transaction() as session:
        assert session.scalars(select(Appeal)).all() == []


def test_giving_a_task_back_opens_it_again_and_tells_the_one_responsible(wechat, seeded, clock):
    ticket = file_and_dispatch(wechat, seeded, clock, ELDERLY)
    wechat.send(ZHANG, f"接单 {ticket}")
    wechat.send(VOLUNTEER, f"领单 {ticket}")
    assert wechat.send(PARTY_MEMBER, f"放弃 {ticket}") == community_texts.NOT_YOUR_CLAIM.format(code=ticket)
    assert wechat.send(VOLUNTEER, f"放弃 {ticket}") == community_texts.RELEASED.format(code=ticket)
    released = claim_of(seeded, ticket)
    assert released.status == ClaimStatus.RELEASED and released.task_key is None
    assert notices(seeded, "staff_volunteer_released", ticket) == [ZHANG]
    assert len(events(seeded, ticket, "volunteer_released")) == 1
    assert "领单成功" in wechat.send(PARTY_MEMBER, f"领单 {ticket}")


@pytest.mark.parametrize(("listing", "take", "done", "give_back"), [
    ("可领的任务", "领取 {code}", "完成了 {code} 灯泡已换好", "放弃了 {code}"),
    ("有什么任务", "我要领单 {code}", "已完成 {code} 灯泡已换好", "放弃了{code}。"),
    # each filed as an appeal of hers (and, unbound, started a binding)
    ("我想领个任务", "领单 {code}", "完成 {code} 灯泡已换好", "放弃 {code}"),
    ("有任务吗？", "领单 {code}", "完成 {code} 灯泡已换好", "放弃 {code}"),
    ("有没有任务", "领单 {code}", "完成 {code} 灯泡已换好", "放弃 {code}"),
])
def test_a_volunteer_saying_the_task_commands_in_her_own_words_is_understood(wechat, seeded, listing, take, done,
                                                                             give_back):
    code = posted_wish(wechat)
    assert code in wechat.send(VOLUNTEER, listing)
    assert "领单成功" in wechat.send(VOLUNTEER, take.format(code=code))
    assert wechat.send(VOLUNTEER, give_back.format(code=code)) == community_texts.RELEASED.format(code=code)
    wechat.send(VOLUNTEER, f"领单 {code}")
    assert wechat.send(VOLUNTEER, done.format(code=code)).startswith(f"已记录 {code} 完成")
    with seeded.transaction() as session:
        assert session.scalars(select(Appeal)).all() == []


def test_done_with_two_task_numbers_is_asked_for_one_at_a_time_not_noted_on_the_first(wechat, seeded):
    first, second = posted_wish(wechat), posted_wish(wechat, text="帮王奶奶读报")
    wechat.send(VOLUNTEER, f"领单 {first}")
    told = wechat.send(VOLUNTEER, f"完成 {first} {second} 都做好了")
    assert told == resident_texts.ONE_TICKET_AT_A_TIME.format(count=2, verb="完成", ticket=f"{first} 说明")
    assert claim_of(seeded, first).status == ClaimStatus.CLAIMED


@pytest.mark.parametrize("said", ["查积分", "查询积分", "积分查询"])
def test_asking_for_ones_points_in_other_words_is_my_points(wechat, seeded, said):
    assert wechat.send(VOLUNTEER, said) == wechat.send(VOLUNTEER, "我的积分")


def test_a_volunteer_who_is_disabled_gives_back_what_they_took_and_keeps_what_they_finished(wechat, seeded, clock,
                                                                                           database_url):
    ticket = file_and_dispatch(wechat, seeded, clock, ELDERLY)
    wechat.send(ZHANG, f"接单 {ticket}")
    taken, finished = posted_wish(wechat, ZHANG), posted_wish(wechat, ZHANG, text="帮王奶奶读报")
    for code in (ticket, taken, finished):
        assert "领单成功" in wechat.send(VOLUNTEER, f"领单 {code}")
    wechat.send(VOLUNTEER, f"完成 {finished} 读完了")
    disabled = CliRunner().invoke(main, ["staff", "disable", str(staff_id(seeded, VOLUNTEER))], obj=clock,
                                  env={"GRIDBOT_DATABASE_URL": database_url})
    assert disabled.exit_code == 0, disabled.output
    assert disabled.output.splitlines()[1:] == [
        f"TA 领取的志愿任务 2 件已重新开放给其他志愿者（负责的网格员已通知）：{ticket}、{taken}"]  # not "手上没有"
    assert notices(seeded, "staff_volunteer_released", ticket) == [ZHANG]
    assert (claim_of(seeded, taken).status, claim_of(seeded, finished).status) == (ClaimStatus.RELEASED,
                                                                                   ClaimStatus.DONE)
    for code in (ticket, taken):
        assert "领单成功" in wechat.send(PARTY_MEMBER, f"领单 {code}")  # not "已被其他志愿者（周敏）领取"
    assert "获得 5 积分" in wechat.send(ZHANG, f"确认完成 {finished}")  # the part they did still counts


# --- 完成, 确认完成, points --------------------------------------------------------------------------------------

def test_taking_finishing_or_giving_back_a_task_reported_done_says_it_waits_for_confirmation(wechat, seeded, clock):
    ticket = file_and_dispatch(wechat, seeded, clock, ELDERLY)
    wechat.send(ZHANG, f"接单 {ticket}")
    wechat.send(VOLUNTEER, f"领单 {ticket}")
    wechat.send(VOLUNTEER, f"完成 {ticket} 已陪王奶奶买菜")
    waiting = community_texts.REPORTED_WAITING.format(code=ticket, responsible="网格员张伟")
    for said in (f"领单 {ticket}", f"完成 {ticket} 已陪王奶奶买菜", f"放弃 {ticket}"):
        assert wechat.send(VOLUNTEER, said) == waiting, said  # not "完成后回复…" nor "您没有正在进行的任务"
    assert claim_of(seeded, ticket).status == ClaimStatus.DONE
    assert len(notices(seeded, "staff_volunteer_done", ticket)) == 1
    wechat.send(ZHANG, f"确认完成 {ticket}")
    assert wechat.send(VOLUNTEER, f"完成 {ticket} 已陪王奶奶买菜") == community_texts.REPORTED_CONFIRMED.format(
        code=ticket)


def test_a_volunteer_flooding_photos_after_done_is_told_past_thirty_an_hour_and_nothing_more_is_kept(
        wechat, seeded, clock):
    ticket = file_and_dispatch(wechat, seeded, clock, ELDERLY)
    wechat.send(ZHANG, f"接单 {ticket}")
    wechat.send(VOLUNTEER, f"领单 {ticket}")
    wechat.send(VOLUNTEER, f"完成 {ticket} 已陪王奶奶买好一周的菜")
    for _ in range(30):
        clock.advance(seconds=1)
        kept = wechat.deliver(wechat.server.image(VOLUNTEER, create_time=wechat.now()))
        assert kept == community_texts.MATERIAL_KEPT.format(kind="照片", code=ticket, responsible="网格员张伟")
    clock.advance(seconds=1)
    refused = wechat.deliver(wechat.server.image(VOLUNTEER, create_time=wechat.now()))
    assert refused == ("抱歉，一小时内最多保存 30 张照片或位置，您已达到上限，这次的照片没有保存。"
                       "请稍后再发；做了什么可以写在“完成”的说明里。")
    with seeded.transaction() as session:
        assert len(session.scalars(select(Attachment.id)).all()) == 30


def test_a_photo_after_a_wishs_done_reaches_the_one_responsible_with_its_link(wechat, seeded, clock, settings):
    seeded.session_info[media_files.LINKS_KEY] = settings.media_links(clock)  # as Settings.open_database gives it
    wish = posted_wish(wechat, ZHANG)
    wechat.send(VOLUNTEER, f"领单 {wish}")
    assert "已记录" in wechat.send(VOLUNTEER, f"完成 {wish} 灯泡换好了")
    kept = wechat.deliver(wechat.server.image(VOLUNTEER, create_time=wechat.now()))
    assert kept == f"照片已保存到任务 {wish}，并已发给负责的网格员张伟。"
    (told,) = worded(seeded, "staff_volunteer_material", ZHANG)
    assert told.startswith(f"【志愿者照片】志愿者周敏 为 {wish} 发来了照片\n图片1：https://gridbot.test/media/")
    assert told.endswith(f"请核实后回复“确认完成 {wish}”。")
    assert "已确认" in wechat.send(ZHANG, f"确认完成 {wish}")
    wechat.deliver(wechat.server.image(VOLUNTEER, create_time=wechat.now()))
    assert "确认完成" not in worded(seeded, "staff_volunteer_material", ZHANG)[-1]  # confirmed already


def test_done_with_a_photo_then_the_grid_member_confirms_and_the_volunteer_gets_the_points(wechat, seeded, clock):
    ticket = file_and_dispatch(wechat, seeded, clock, ELDERLY)
    wechat.send(ZHANG, f"接单 {ticket}")
    wechat.send(VOLUNTEER, f"领单 {ticket}")
    assert wechat.send(ZHANG, f"确认完成 {ticket}") == staff_texts.CONFIRM_NOT_DONE.format(code=ticket)
    assert "已记录" in wechat.send(VOLUNTEER, f"完成 {ticket} 已陪王奶奶买好一周的菜")
    assert "请核实后回复“确认完成" in worded(seeded, "staff_volunteer_done", ZHANG)[-1]
    clock.advance(minutes=5)
    kept = wechat.deliver(wechat.server.image(VOLUNTEER, create_time=wechat.now()))
    assert kept == community_texts.MATERIAL_KEPT.format(kind="照片", code=ticket, responsible="网格员张伟")
    done, appeal_id = claim_of(seeded, ticket), appeal(seeded, ticket).id
    assert done.status == ClaimStatus.DONE and done.note == "已陪王奶奶买好一周的菜"
    with seeded.transaction() as session:
        assert session.scalars(select(Attachment.appeal_id).where(Attachment.volunteer_claim_id == done.id)).all() \
            == [appeal_id]
    assert wechat.send(LIU, f"确认完成 {ticket}") == staff_texts.CONFIRM_NONE.format(code=ticket)  # another grid
    assert "志愿者周敏 的帮忙已记入，获得 5 积分" in wechat.send(ZHANG, f"确认完成 {ticket}")
    assert wechat.send(LI, f"确认完成 {ticket}") == staff_texts.CONFIRM_ALREADY.format(code=ticket)
    confirmed = claim_of(seeded, ticket)
    assert confirmed.status == ClaimStatus.CONFIRMED and confirmed.confirmed_by_staff_id == staff_id(seeded, ZHANG)
    assert balance(seeded, VOLUNTEER) == 5
    assert "获得 5 积分" in worded(seeded, "staff_volunteer_confirmed", VOLUNTEER)[-1]
    assert events(seeded, ticket, "volunteer_confirmed") == [("staff", staff_id(seeded, ZHANG), None)]
    wechat.dialog(ZHANG, [(f"办结 {ticket} 已安排每周送菜", "已办结")])
    wechat.send(RESIDENT, "1")  # 满意: task_satisfied on top of the member's confirmation
    assert balance(seeded, VOLUNTEER) == 7
    volunteer = staff_id(seeded, VOLUNTEER)
    with seeded.transaction() as session:
        rules = session.scalars(select(PointsEntry.rule).where(PointsEntry.staff_id == volunteer)
                                .order_by(PointsEntry.id)).all()
    assert rules == ["task_confirmed", "task_satisfied"]
    assert worded(seeded, "staff_volunteer_confirmed", VOLUNTEER) == [  # confirmed once, by the member
        f"【任务确认】{ticket} 已由张伟确认完成，获得 5 积分。感谢您的付出！回复“我的积分”查看积分。"]
    assert worded(seeded, "staff_volunteer_praised", VOLUNTEER) == [
        f"【居民满意】{ticket} 的居民对办理评价满意，您另得 2 积分。感谢您的付出！回复“我的积分”查看积分。"]


def test_a_building_leads_own_rating_of_her_daibao_confirms_no_part_she_took_herself(wechat, seeded, clock):
    reply = wechat.send(BUILDING_LEAD, f"代报 2单元 {ELDERLY}")
    ticket = re.search(r"G\d{10}", reply).group(0)
    dispatch_filed(seeded, clock)
    wechat.send(BUILDING_LEAD, f"领单 {ticket}")
    wechat.send(BUILDING_LEAD, f"完成 {ticket} 已陪王奶奶买好菜")
    wechat.dialog(ZHANG, [(f"接单 {ticket}", "接单成功"), (f"办结 {ticket} 楼长已帮忙买菜", "已办结")])
    wechat.send(BUILDING_LEAD, "1")  # she rates for the neighbour: not a word on her own part
    assert claim_of(seeded, ticket).status == ClaimStatus.DONE
    assert balance(seeded, BUILDING_LEAD) == 2  # the 代报's neighbour_report only
    assert "获得 5 积分" in wechat.send(ZHANG, f"确认完成 {ticket}")  # the grid member confirms it
    assert balance(seeded, BUILDING_LEAD) == 7  # and her own 满意 adds no task_satisfied


@pytest.mark.parametrize(("rating", "earned", "rules"), [
    ("1", 7, ["task_confirmed", "task_satisfied"]), ("2", 5, ["task_confirmed"]), ("3", 0, []),
])
def test_the_residents_rating_confirms_a_finished_part(wechat, seeded, clock, rating, earned, rules):
    ticket = file_and_dispatch(wechat, seeded, clock, ELDERLY)
    wechat.dialog(ZHANG, [(f"接单 {ticket}", "接单成功")])
    wechat.send(VOLUNTEER, f"领单 {ticket}")
    wechat.send(VOLUNTEER, f"完成 {ticket} 已陪王奶奶买好菜")
    wechat.dialog(ZHANG, [(f"办结 {ticket} 志愿者已帮忙买菜", "已办结")])
    wechat.send(RESIDENT, rating)
    held = claim_of(seeded, ticket)
    assert held.status == (ClaimStatus.CONFIRMED if earned else ClaimStatus.DONE)
    assert held.confirmed_by_staff_id is None
    assert balance(seeded, VOLUNTEER) == earned
    volunteer = staff_id(seeded, VOLUNTEER)
    with seeded.transaction() as session:
        assert session.scalars(select(PointsEntry.rule).where(PointsEntry.staff_id == volunteer)
                               .order_by(PointsEntry.id)).all() == rules
    if earned:
        assert f"已由居民评价确认完成，获得 {earned} 积分" in worded(seeded, "staff_volunteer_confirmed", VOLUNTEER)[-1]
        assert worded(seeded, "staff_volunteer_praised", VOLUNTEER) == []
        assert events(seeded, ticket, "volunteer_confirmed") == [("system", None, "rating")]
        assert staff_texts.VOLUNTEER_RATED in wechat.send(ZHANG, f"查询 {ticket}")
        assert wechat.send(ZHANG, f"确认完成 {ticket}") == staff_texts.CONFIRM_ALREADY.format(code=ticket)
        assert balance(seeded, VOLUNTEER) == earned  # nothing granted twice


def test_a_wish_is_posted_taken_done_and_confirmed_by_its_grids_team(wechat, seeded, clock):
    reply = wechat.send(ZHANG, f"发布心愿 {WISH_TEXT}")
    wish = WISH.search(reply).group(0)
    assert wish == "W2611220001" and "幸福里社区·第一网格" in reply
    wechat.send(VOLUNTEER, f"领单 {wish}")
    wechat.send(VOLUNTEER, f"完成 {wish} 灯泡已换好")
    assert notices(seeded, "staff_volunteer_done", wish) == [ZHANG]
    refused = wechat.send(LIU, f"确认完成 {wish}")
    assert refused == staff_texts.CONFIRM_NONE.format(code=wish) and "微心愿所在网格" in refused  # not "诉求" only
    assert "获得 5 积分" in wechat.send(WANG, f"确认完成 {wish}")
    with seeded.transaction() as session:
        row = session.scalars(select(Wish).where(Wish.code == wish)).one()
        assert row.status == WishStatus.CONFIRMED and row.closed_at == clock()
        entry = session.scalars(select(PointsEntry).where(PointsEntry.wish_id == row.id)).one()
        granted = (entry.rule, entry.amount, entry.granted_by_staff_id)
    assert granted == ("task_confirmed", 5, staff_id(seeded, WANG))


@pytest.mark.parametrize("said", ["查询 {code}", "查询{code}", "{code}", "{lower}。"])
def test_asking_after_a_wish_or_a_focus_case_by_its_number_files_no_appeal(wechat, seeded, said):
    wish = posted_wish(wechat, ZHANG)
    wechat.send(VOLUNTEER, f"领单 {wish}")
    for openid, texts in ((VOLUNTEER, resident_texts), (RESIDENT, resident_texts), (ZHANG, staff_texts)):
        for code in (wish, "J2611220001"):
            answer = wechat.send(openid, said.format(code=code, lower=code.lower()))
            assert answer == texts.NOT_A_TICKET[code[0]].format(code=code), (openid, answer)
    with seeded.transaction() as session:
        assert session.scalars(select(Appeal)).all() == []


@pytest.mark.parametrize(("openid", "reply"), [
    (RESIDENT, "工作人员专用"), (VOLUNTEER, "不承担网格员的办理工作"),
])
def test_only_grid_staff_and_operators_post_wishes(wechat, seeded, openid, reply):
    assert reply in wechat.send(openid, f"发布心愿 {WISH_TEXT}")
    with seeded.transaction() as session:
        assert session.scalar(select(Wish.id)) is None


def test_a_wish_over_its_length_is_refused_whole(wechat, seeded):
    assert "最多 200 字" in wechat.send(OPERATOR, "发布心愿 " + "帮" * 201)
    with seeded.transaction() as session:
        assert session.scalar(select(Wish.id)) is None


def test_a_volunteer_whose_task_the_resident_withdrew_is_told_and_cannot_finish_it(wechat, seeded, clock):
    ticket = file_and_dispatch(wechat, seeded, clock, ELDERLY)
    wechat.send(VOLUNTEER, f"领单 {ticket}")
    assert claim_of(seeded, ticket).status == ClaimStatus.CLAIMED
    wechat.send(RESIDENT, f"撤销 {ticket}")
    (told,) = worded(seeded, "staff_volunteer_let_go", VOLUNTEER)
    assert told.startswith(f"【任务取消】{ticket} 居民已撤销这件诉求")
    assert claim_of(seeded, ticket).status == ClaimStatus.RELEASED
    assert "已帮忙" not in wechat.send(VOLUNTEER, f"完成 {ticket} 已帮忙")
    volunteer = staff_id(seeded, VOLUNTEER)
    with seeded.transaction() as session:
        assert session.scalar(select(PointsEntry.id).where(PointsEntry.staff_id == volunteer)) is None


def test_a_volunteer_whose_task_the_grid_member_resolved_first_is_asked_to_say_done_or_give_it_back(wechat, seeded,
                                                                                                     clock):
    ticket = file_and_dispatch(wechat, seeded, clock, POSTERS)
    assert "领单成功" in wechat.send(VOLUNTEER, f"领单 {ticket}")
    wechat.dialog(ZHANG, [(f"接单 {ticket}", "接单成功"), (f"办结 {ticket} 已清理", "已办结")])
    (told,) = worded(seeded, "staff_volunteer_appeal_resolved", VOLUNTEER)
    assert told == (f"【诉求已办结】您领的 {ticket} 已由网格员办结。您去帮过忙的话，请回复“完成 {ticket} 做了什么”，"
                    f"网格员核实后记入积分；没有去的话请回复“放弃 {ticket}”。")
    assert "网格员已办结：帮过忙请回复 完成 编号 说明，没有请回复 放弃 编号" in wechat.send(VOLUNTEER, "可领任务")
    assert "已记录" in wechat.send(VOLUNTEER, f"完成 {ticket} 和网格员一起清理的")
    assert "已确认" in wechat.send(ZHANG, f"确认完成 {ticket}") and balance(seeded, VOLUNTEER) == 5
    wechat.send(RESIDENT, "3")  # 不满意 reopens it; resolved again, the volunteer who reported is not asked again
    wechat.send(ZHANG, f"办结 {ticket} 重新清理了")
    assert len(worded(seeded, "staff_volunteer_appeal_resolved", VOLUNTEER)) == 1


def test_a_volunteer_giving_back_a_task_the_grid_member_resolved_meanwhile_says_nothing_reopened(wechat, seeded,
                                                                                                   clock):
    ticket = file_and_dispatch(wechat, seeded, clock, POSTERS)
    wechat.send(VOLUNTEER, f"领单 {ticket}")
    wechat.dialog(ZHANG, [(f"接单 {ticket}", "接单成功"), (f"办结 {ticket} 已清理", "已办结")])
    assert "放弃" in wechat.send(VOLUNTEER, f"放弃 {ticket}")
    told = worded(seeded, "staff_volunteer_released", ZHANG)[-1]
    assert told == f"【志愿者放弃】志愿者周敏 放弃了 {ticket}，诉求已办结，无需再安排志愿者。"
    assert ticket not in wechat.send(VOLUNTEER, "可领任务")


def test_a_volunteer_whose_task_the_grid_leader_rejected_is_told_why_and_cannot_finish_it(wechat, seeded, clock):
    ticket = file_and_dispatch(wechat, seeded, clock, POSTERS)
    wechat.send(VOLUNTEER, f"领单 {ticket}")
    assert "不受理" in wechat.send(WANG, f"不受理 {ticket} 重复反映，已在处理")
    (told,) = worded(seeded, "staff_volunteer_let_go", VOLUNTEER)
    assert told.startswith(f"【任务取消】{ticket} 工作人员查看后这件不作为诉求办理，您领的任务无需再做")
    assert claim_of(seeded, ticket).status == ClaimStatus.RELEASED
    assert ticket not in wechat.send(VOLUNTEER, "可领任务")
    assert "已清理" not in wechat.send(VOLUNTEER, f"完成 {ticket} 已清理")


def moved(wechat, openid, *answers):
    """我搬家了 and the binding menu's answers; the last reply."""
    reply = wechat.send(openid, "我搬家了")
    for answer in answers:
        reply = wechat.send(openid, answer)
    return reply


def _registered_home(seeded, openid):
    """Where the community's member is registered now, as their lists name it."""
    member_id = staff_id(seeded, openid)
    with seeded.transaction() as session:
        member = session.get_one(Staff, member_id)
        return enrolments.home_label(session, member.building_id, member.unit_id)


def test_a_party_member_moving_within_the_community_takes_their_registration_along(wechat, seeded):
    reply = moved(wechat, PARTY_MEMBER, "幸福里社区", "阳光花园", "3号楼", "1单元")
    assert "绑定成功" in reply
    assert community_texts.MEMBER_HOME_FOLLOWED.format(role="党员", home="阳光花园 3号楼 1单元") in reply
    assert _registered_home(seeded, PARTY_MEMBER) == "阳光花园 3号楼 1单元"
    assert "阳光花园" in wechat.send(PARTY_MEMBER, "积分排行")


def test_a_volunteer_moving_to_another_community_is_told_where_they_stay_registered(wechat, seeded):
    reply = moved(wechat, VOLUNTEER, "和平社区", "1", "1", "1")
    assert "绑定成功" in reply
    assert community_texts.MEMBER_HOME_STAYS.format(role="志愿者", home="阳光花园 1号楼 2单元") in reply
    assert _registered_home(seeded, VOLUNTEER) == "阳光花园 1号楼 2单元"


def test_done_without_words_asks_for_them_with_the_number_and_an_example_not_the_word_shuo_ming(wechat, seeded):
    code = posted_wish(wechat)
    wechat.send(VOLUNTEER, f"领单 {code}")
    asked = wechat.send(VOLUNTEER, f"完成了 {code.lower()}")
    assert asked == community_texts.DONE_NEEDS_WORDS.format(verb="完成", code=code)
    assert claim_of(seeded, code).status == ClaimStatus.CLAIMED
    assert "已记录" in wechat.send(VOLUNTEER, f"完成 {code} 已经帮忙做好了")


def test_a_resident_asking_for_tasks_is_told_how_to_join_and_a_volunteer_is_not(wechat, seeded):
    told = wechat.send(RESIDENT, "可领任务")
    assert told.endswith(community_texts.JOIN_TO_USE) and "志愿者报名" in told
    assert "党员报到" not in wechat.send(VOLUNTEER, "代报 2单元 楼道灯坏了")


def test_confirm_without_a_number_points_the_grid_member_to_the_done_notice_not_to_the_volunteers_list(wechat, seeded):
    asked = wechat.send(ZHANG, "确认完成")
    assert asked == staff_texts.NEEDS_CONFIRM_NUMBER.format(verb="确认完成")
    assert "可领任务" not in asked


def test_the_resident_told_a_volunteer_was_coming_is_told_when_they_give_it_back(wechat, seeded, clock):
    ticket = file_and_dispatch(wechat, seeded, clock, ELDERLY)
    wechat.send(VOLUNTEER, f"领单 {ticket}")
    assert "已放弃" in wechat.send(VOLUNTEER, f"放弃 {ticket}")
    (told,) = worded(seeded, "resident_volunteer_not_coming", RESIDENT)
    assert f"{ticket} 的志愿者周敏因故不能前来帮忙了，网格员仍在办理" in told
    assert notices(seeded, "resident_volunteer_not_coming") == [RESIDENT]


@pytest.mark.parametrize("verb", ["领单", "放弃"])
def test_two_task_numbers_at_once_are_asked_for_one_at_a_time_not_filed_as_an_appeal(wechat, seeded, verb):
    first, second = posted_wish(wechat), posted_wish(wechat, text="帮王奶奶读报")
    told = wechat.send(VOLUNTEER, f"{verb} {first} {second}")
    assert told == resident_texts.ONE_TICKET_AT_A_TIME.format(count=2, verb=verb, ticket=first)
    assert claim_of(seeded, first) is None
    with seeded.transaction() as session:
        assert session.scalars(select(Appeal)).all() == []


@pytest.mark.parametrize("said", ["领 {code}", "接单 {code}", "{code} 完成了", "不做了 {code}"])
def test_a_wish_number_in_a_volunteers_own_words_gets_the_commands_not_an_appeal(wechat, seeded, said):
    code = posted_wish(wechat)
    told = wechat.send(VOLUNTEER, said.format(code=code.lower() if said.startswith("接") else code))
    assert told == community_texts.TASK_IN_WORDS.format(code=code)
    with seeded.transaction() as session:
        assert session.scalars(select(Appeal)).all() == []


def test_a_volunteer_giving_back_a_task_whose_appeal_was_resolved_meanwhile_does_not_tell_the_resident_it_is_being_worked_on(
        wechat, seeded, clock):
    ticket = file_and_dispatch(wechat, seeded, clock, ELDERLY)
    wechat.send(VOLUNTEER, f"领单 {ticket}")
    wechat.dialog(ZHANG, [(f"接单 {ticket}", "接单成功"), (f"办结 {ticket} 已买好菜", "已办结")])
    assert "已放弃" in wechat.send(VOLUNTEER, f"放弃 {ticket}")
    assert worded(seeded, "resident_volunteer_not_coming", RESIDENT) == []


def test_a_volunteers_done_on_an_appeal_transferred_to_a_department_goes_to_the_grid_team_who_can_confirm_it(
        wechat, seeded, clock):
    with seeded.transaction() as session:
        session.add(Staff(openid="dept_chengguan", name="赵队长", role=StaffRole.DEPARTMENT, department="城管执法中队",
                          active=True, created_at=clock()))
    ticket = file_and_dispatch(wechat, seeded, clock, POSTERS)
    wechat.dialog(ZHANG, [(f"接单 {ticket}", "接单成功"), (f"转办 {ticket} 城管执法中队", "已转办")])
    wechat.dialog("dept_chengguan", [(f"接单 {ticket}", "接单成功")])
    assert "领单成功" in wechat.send(VOLUNTEER, f"领单 {ticket}")
    wechat.send(VOLUNTEER, f"完成 {ticket} 小广告都清理了")
    told = notices(seeded, "staff_volunteer_done", ticket)
    assert "dept_chengguan" not in told and ZHANG in told
    assert "已确认" in wechat.send(ZHANG, f"确认完成 {ticket}")


def test_the_template_message_of_a_volunteer_not_coming_reads_as_a_sentence():
    notice = ResidentVolunteerNotComing(ticket="G2611220001", volunteer="周敏")
    first, said, _ = resident_texts.GENERIC_FIELDS[ResidentVolunteerNotComing](notice)
    assert (first, said) == ("帮忙的志愿者不能前来了", "志愿者周敏因故不能前来")


def test_the_claim_reply_shows_what_to_send_when_done_by_example_never_the_placeholder_shuo_ming(wechat, seeded):
    code = posted_wish(wechat)
    claimed = wechat.send(VOLUNTEER, f"领单 {code}")
    assert f"如：完成 {code} 已帮忙做好" in claimed and "说明" not in claimed
    assert "说明" not in wechat.send(VOLUNTEER, f"领单 {code}") and "说明" not in wechat.send(VOLUNTEER, "可领任务")


def test_the_claim_notice_gives_the_volunteers_phone_and_says_so_when_there_is_none(wechat, seeded, clock):
    wish = posted_wish(wechat, ZHANG)
    reply = wechat.send(PARTY_MEMBER, f"领单 {wish}")
    assert reply.endswith(community_texts.CLAIMED_NO_PHONE.format(responsible="网格员张伟"))
    told = worded(seeded, "staff_volunteer_claimed", ZHANG)[-1]
    assert "请与其保持联系" not in told and "其没有留电话" in told
    wechat.send(PARTY_MEMBER, f"放弃 {wish}")
    assert wechat.send(PARTY_MEMBER, "我的电话 13912345678").endswith(community_texts.PHONE_FOR_TASKS)
    assert "我的电话" not in wechat.send(PARTY_MEMBER, f"领单 {wish}")
    assert "可拨打其电话 13912345678 联系" in worded(seeded, "staff_volunteer_claimed", ZHANG)[-1]


def test_a_grid_member_confirms_by_the_last_four_digits_or_with_confirm_alone_before_the_number(wechat, seeded, clock):
    ticket = file_and_dispatch(wechat, seeded, clock, ELDERLY)
    wechat.send(ZHANG, f"接单 {ticket}")
    wechat.send(VOLUNTEER, f"领单 {ticket}")
    wish = posted_wish(wechat, ZHANG)
    wechat.send(PARTY_MEMBER, f"领单 {wish}")
    wechat.send(VOLUNTEER, f"完成 {ticket} 已陪王奶奶买菜")
    wechat.send(PARTY_MEMBER, f"完成 {wish} 灯泡换好了")
    digits = ticket[-4:]
    assert wish.endswith(digits)  # each the first of its day: 0001 ends both
    assert wechat.send(LIU, f"确认完成 {digits}") == staff_texts.CONFIRM_NONE_ENDING.format(digits=digits)  # not theirs
    assert wechat.send(ZHANG, f"确认完成 {digits}") == staff_texts.CONFIRM_SEVERAL_ENDING.format(
        count=2, digits=digits, tickets=f"{ticket}、{wish}", first=ticket)
    assert "党员陈明 的帮忙已记入" in wechat.send(ZHANG, f"确认 {wish}")
    assert "志愿者周敏 的帮忙已记入" in wechat.send(ZHANG, "确认完成 零零零一")  # the one left waiting
    assert claim_of(seeded, ticket).status == ClaimStatus.CONFIRMED
    assert claim_of(seeded, wish).status == ClaimStatus.CONFIRMED
    assert "任务编号" not in wechat.send(ZHANG, "确认")  # alone it answers a notice's preview, never 确认完成


def test_a_volunteer_finishes_or_gives_back_by_the_last_four_digits_never_filing_an_appeal(wechat, seeded):
    first, second = posted_wish(wechat), posted_wish(wechat, text="帮王奶奶读报")
    wechat.send(VOLUNTEER, f"领单 {first}")
    assert wechat.send(VOLUNTEER, "完成 9999 换好了") == community_texts.NONE_ENDING.format(digits="9999")
    assert wechat.send(VOLUNTEER, f"完成 {first[-4:]}") == community_texts.DONE_NEEDS_WORDS.format(verb="完成",
                                                                                                 code=first)
    assert "已记录" in wechat.send(VOLUNTEER, f"完成 {first[-4:]}，灯泡换好了")
    assert claim_of(seeded, first).note == "灯泡换好了"
    wechat.send(VOLUNTEER, f"领单 {second}")
    assert "已放弃" in wechat.send(VOLUNTEER, f"放弃 {second[-4:]}")
    with seeded.transaction() as session:
        assert session.scalars(select(Appeal)).all() == []


def test_a_volunteers_my_tasks_lists_the_tasks_they_took_not_a_refusal(wechat, seeded):
    wish = posted_wish(wechat)
    wechat.send(PARTY_MEMBER, f"领单 {wish}")
    listed = wechat.send(PARTY_MEMBER, "我的任务")
    assert community_texts.MINE_HEADER in listed and wish in listed.split(community_texts.MINE_HEADER)[1]
    assert listed == wechat.send(PARTY_MEMBER, "可领任务")


def test_done_with_words_but_no_number_finishes_the_one_task_in_hand_never_filing_an_appeal(wechat, seeded):
    assert wechat.send(VOLUNTEER, "完成 已经陪李奶奶量好血压了") == community_texts.NONE_IN_PROGRESS
    first, second = posted_wish(wechat), posted_wish(wechat, text="陪李奶奶去社区医院量血压")
    wechat.send(VOLUNTEER, f"领单 {second}")
    assert "已记录" in wechat.send(VOLUNTEER, "完成 已经陪李奶奶量好血压了")
    assert claim_of(seeded, second).note == "已经陪李奶奶量好血压了"
    wechat.send(VOLUNTEER, f"领单 {first}")
    wish = posted_wish(wechat, text="帮王奶奶读报")
    wechat.send(VOLUNTEER, f"领单 {wish}")
    assert wechat.send(VOLUNTEER, "完成 灯泡换好了") == community_texts.WHICH_IN_PROGRESS.format(
        count=2, codes=f"{first}、{wish}", first=first)
    with seeded.transaction() as session:
        assert session.scalars(select(Appeal)).all() == []


def test_a_long_list_of_open_tasks_keeps_the_volunteers_own_and_how_to_take_them_in_one_reply(wechat, seeded):
    # Thirteen long wishes outgrew one reply: its end, her three tasks in hand and how to take one, was cut off.
    wish = "号楼独居的李奶奶想请人帮忙换客厅和卧室的灯泡，顺便看看厨房的水龙头是不是在漏水，谢谢大家帮忙"
    codes = [re.search(r"W\d{10}", wechat.send(ZHANG, f"发布心愿 {n}{wish}")).group(0) for n in range(1, 14)]
    for code in codes[:3]:
        wechat.send(VOLUNTEER, f"领单 {code}")
    listed = wechat.send(VOLUNTEER, "可领任务")
    assert len(listed.encode("utf-8")) <= 2048 and "省略" not in listed
    assert community_texts.TASKS_HINT in listed and community_texts.MINE_HEADER in listed
    assert all(code in listed.split(community_texts.MINE_HEADER)[1] for code in codes[:3])
    shown = [code for code in codes[3:] if code in listed]
    assert shown == codes[3:3 + len(shown)] and community_texts.TASKS_MORE.format(n=10 - len(shown)) in listed
