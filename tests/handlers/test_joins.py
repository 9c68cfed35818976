"""我也遇到: a neighbour's open appeal about the same problem is offered as a join; operators merge and split; followers
hear the steps without staff's words; a community may require a verified address before joins.

o1 (3号楼1单元) and o5 (3号楼2单元) are neighbours in 阳光花园 of 幸福里社区·第一网格; o2 lives in another grid.
"""

import json
import re
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from bot.cli.gridbot import main
from bot.worker import schedule
from handlers import notifications, staff_texts
from storage import dispatch, joins, supervision
from storage.errors import DomainError, NotAllowed
from storage.models import (
    Appeal,
    AppealFollower,
    AppealStatus,
    Building,
    Community,
    OutboxMessage,
    Resident,
    Staff,
    StaffRole,
)
from tests.support.database import appeal, notices
from tests.support.personas import LI, LIU, OPERATOR, WANG, ZHANG
from tests.support.races import second_while_first_open
from tests.support.street import DEPARTMENT_OFFICER, PROPERTY_CLERK, add_contractors

pytestmark = pytest.mark.postgres

LIFT = "3号楼电梯坏了，物业一直不来修"
LIFT_AGAIN = "3号楼的电梯又坏了，上下楼很不方便"
OFFER = "回复 1 加入已有诉求"


def ticket_in(reply):
    return re.search(r"G\d{10}", reply).group(0)


def file(wechat, seeded, clock, openid, text):
    """Send an appeal, let the worker dispatch it, return (ticket, reply)."""
    reply = wechat.send(openid, text)
    with seeded.transaction() as session:
        dispatch.dispatch_pending(session, clock(), schedule.hotspot_rules()[0])
    return ticket_in(reply), reply


def followers(seeded, ticket):
    with seeded.transaction() as session:
        return session.scalars(
            select(Resident.openid).join(AppealFollower, AppealFollower.resident_id == Resident.id)
            .join(Appeal, Appeal.id == AppealFollower.appeal_id).where(Appeal.ticket == ticket)
        ).all()


def test_a_neighbour_is_offered_the_open_appeal_and_joins_it_with_1(wechat, seeded, clock):
    first, _ = file(wechat, seeded, clock, "o1", LIFT)
    second, reply = file(wechat, seeded, clock, "o5", LIFT_AGAIN)
    assert "已受理您的诉求" in reply and second != first  # filed and dispatched as always
    assert f"同楼已有相同诉求正在办理（编号 {first}，物业服务，阳光花园3号楼，已转交网格员）" in reply
    assert OFFER in reply and "不来修" not in reply  # never the other resident's words
    wechat.dialog("o5", [("1", f"已加入诉求 {first}")])
    merged = appeal(seeded, second)
    assert merged.status == AppealStatus.MERGED and merged.merged_into_id == appeal(seeded, first).id
    assert followers(seeded, first) == ["o5"]
    # Both grid members and the leader held the new appeal's card: each is told it needs no work.
    assert notices(seeded, "staff_merged") == sorted([ZHANG, LI, WANG])
    # Joined once: the dialogue is over, a second "1" is just a short message.
    assert "请再具体描述" in wechat.send("o5", "1")
    assert followers(seeded, first) == ["o5"]


def test_joining_by_a_typed_number_is_only_the_offer_accepted_and_otherwise_files_nothing(wechat, seeded, clock):
    first, _ = file(wechat, seeded, clock, "o1", LIFT)
    with seeded.transaction() as session:
        before = session.scalar(select(func.count(Appeal.id)))
    reply = wechat.send("o6", f"加入 {first}")  # a number from a neighbour's chat: joins nothing, files nothing
    assert reply.startswith("想和邻居一起关注同一个问题，请直接描述这个问题")
    with seeded.transaction() as session:
        assert session.scalar(select(func.count(Appeal.id))) == before
    assert followers(seeded, first) == []
    second, reply = file(wechat, seeded, clock, "o5", LIFT_AGAIN)
    assert OFFER in reply
    wechat.dialog("o5", [(f"我也遇到 {first}", f"已加入诉求 {first}")])  # the offer's appeal, by its number
    assert followers(seeded, first) == ["o5"]


def test_a_neighbours_appeal_waiting_for_the_property_company_is_offered_as_with_a_department(
        wechat, seeded, clock):
    with seeded.transaction() as session:
        session.add(Staff(openid="prop_1", name="物业钱经理", role=StaffRole.PROPERTY, department="阳光物业公司",
                          active=True, created_at=clock()))
    first, _ = file(wechat, seeded, clock, "o1", LIFT)
    wechat.dialog(ZHANG, [(f"转办 {first} 阳光物业", "已转办")])  # no grid member has it now
    second, reply = file(wechat, seeded, clock, "o5", LIFT_AGAIN)
    assert f"同楼已有相同诉求正在办理（编号 {first}，物业服务，阳光花园3号楼，已转交相关部门）" in reply
    wechat.dialog("o5", [("1", f"已加入诉求 {first}")])
    assert f"{first}｜物业服务｜已转交相关部门\n" in wechat.send("o5", f"查询 {second}")


def test_a_neighbours_appeal_the_worker_has_not_dispatched_yet_is_offered_too(wechat, seeded, clock):
    # A burst (or a worker that is down): o1's appeal still waits for dispatch when o5 reports the same lift.
    first = ticket_in(wechat.send("o1", LIFT))
    reply = wechat.send("o5", LIFT_AGAIN)
    second = ticket_in(reply)
    assert f"同楼已有相同诉求正在办理（编号 {first}，物业服务，阳光花园3号楼，已受理）" in reply
    wechat.dialog("o5", [("1", f"已加入诉求 {first}")])
    with seeded.transaction() as session:
        dispatch.dispatch_pending(session, clock(), schedule.hotspot_rules()[0])
    assert appeal(seeded, first).status == AppealStatus.DISPATCHED
    assert appeal(seeded, second).status == AppealStatus.MERGED
    assert followers(seeded, first) == ["o5"]
    assert notices(seeded, "staff_new_appeal", first) and not notices(seeded, "staff_new_appeal", second)


def test_an_answer_in_traditional_characters_is_understood(wechat, seeded, clock):
    first, _ = file(wechat, seeded, clock, "o1", LIFT)
    second, _ = file(wechat, seeded, clock, "o5", LIFT_AGAIN)
    wechat.dialog("o5", [("加入已有訴求", f"已加入诉求 {first}")])
    assert appeal(seeded, second).status == AppealStatus.MERGED


def test_an_answer_by_voice_with_a_particle_is_understood(wechat, seeded, clock):
    first, _ = file(wechat, seeded, clock, "o1", LIFT)
    second, _ = file(wechat, seeded, clock, "o5", LIFT_AGAIN)
    wechat.dialog("o5", [("嗯那个加入啊。", f"已加入诉求 {first}")])
    assert appeal(seeded, second).status == AppealStatus.MERGED


@pytest.mark.parametrize("said", ["是的，就是同一个问题", "对，是一样的", "是同一个", "是的"])
def test_saying_it_is_the_same_problem_joins_it(wechat, seeded, clock, said):
    # It was added to her new appeal as words for its handler, the offer dropped.
    first, _ = file(wechat, seeded, clock, "o1", LIFT)
    second, _ = file(wechat, seeded, clock, "o5", LIFT_AGAIN)
    wechat.dialog("o5", [(said, f"已加入诉求 {first}")])
    assert appeal(seeded, second).status == AppealStatus.MERGED


@pytest.mark.parametrize("said", ["不是", "不是同一个问题", "不一样"])
def test_saying_it_is_not_the_same_keeps_her_appeal_on_its_own(wechat, seeded, clock, said):
    # 不是 was asked to describe a problem, 不是同一个问题 added to her appeal as words for its handler.
    file(wechat, seeded, clock, "o1", LIFT)
    second, _ = file(wechat, seeded, clock, "o5", LIFT_AGAIN)
    wechat.dialog("o5", [(said, f"好的，您的诉求 {second} 单独办理，进展会通知您。")])
    assert appeal(seeded, second).status == AppealStatus.DISPATCHED


def test_a_neighbour_in_the_same_unit_is_told_no_more_than_the_building(wechat, seeded, clock):
    first, _ = file(wechat, seeded, clock, "o1", LIFT)
    with seeded.transaction() as session:
        o5 = session.scalars(select(Resident).where(Resident.openid == "o5")).one()
        o1 = session.scalars(select(Resident).where(Resident.openid == "o1")).one()
        o5.unit_id = o1.unit_id
    _, reply = file(wechat, seeded, clock, "o5", LIFT_AGAIN)
    # "Same unit" would point at the door of the neighbour who asked.
    assert f"同楼已有相同诉求正在办理（编号 {first}，物业服务，阳光花园3号楼，已转交网格员）" in reply
    assert "单元" not in reply


def test_anything_but_1_declines_and_is_handled_normally(wechat, seeded, clock):
    file(wechat, seeded, clock, "o1", LIFT)
    second, reply = file(wechat, seeded, clock, "o5", LIFT_AGAIN)
    assert OFFER in reply
    assert "您最近的诉求" in wechat.send("o5", "我的诉求")
    assert "请再具体描述" in wechat.send("o5", "1")  # the offer ended with the message before
    assert appeal(seeded, second).status == AppealStatus.DISPATCHED
    assert notices(seeded, "staff_merged") == []


def test_a_different_problem_of_the_same_building_is_not_offered(wechat, seeded, clock):
    file(wechat, seeded, clock, "o1", LIFT)
    _, reply = file(wechat, seeded, clock, "o5", "3号楼楼道灯不亮好几天了")
    assert OFFER not in reply


@pytest.mark.parametrize("text", ["楼上邻居天天半夜吵闹，跟他们说了也不听", "楼上漏水到我家，找他们好几次都不管"])
def test_sensitive_categories_are_never_offered(wechat, seeded, clock, text):
    _, first_reply = file(wechat, seeded, clock, "o1", text)
    assert "邻里纠纷" in first_reply
    _, reply = file(wechat, seeded, clock, "o5", text)
    assert OFFER not in reply


def test_a_question_is_never_offered_since_only_the_asker_hears_the_answer(wechat, seeded, clock):
    question = "我家老伴八十多了，那个高龄补贴是怎么个领法"
    _, first_reply = file(wechat, seeded, clock, "o1", question)
    assert "政策咨询" in first_reply
    _, reply = file(wechat, seeded, clock, "o5", question)
    assert "政策咨询" in reply and OFFER not in reply


def test_no_offer_across_grids(wechat, seeded, clock):
    file(wechat, seeded, clock, "o2", "1栋电梯坏了，物业一直不来修")
    _, reply = file(wechat, seeded, clock, "o1", LIFT)
    assert OFFER not in reply


def test_no_offer_across_buildings_of_one_grid(wechat, seeded, clock):
    file(wechat, seeded, clock, "o1", LIFT)
    with seeded.transaction() as session:
        o5 = session.scalars(select(Resident).where(Resident.openid == "o5")).one()
        other = session.scalars(select(Appeal.building_id)).first()
        o5.building_id, o5.unit_id = other - 1 if other > 1 else other + 1, None
    # Her own building's lift: naming 3号楼 would file it there, and offer o1's (test_places_said).
    _, reply = file(wechat, seeded, clock, "o5", "电梯又坏了，上下楼很不方便")
    assert OFFER not in reply


def test_no_offer_for_an_appeal_older_than_the_window(wechat, seeded, clock):
    file(wechat, seeded, clock, "o1", LIFT)
    clock.advance(hours=joins.JOIN_WINDOW.total_seconds() / 3600 + 1)
    _, reply = file(wechat, seeded, clock, "o5", LIFT_AGAIN)
    assert OFFER not in reply


def test_no_offer_for_a_resolved_or_cancelled_appeal(wechat, seeded, clock):
    first, _ = file(wechat, seeded, clock, "o1", LIFT)
    wechat.dialog(LI, [(f"接单 {first}", "接单成功"), (f"办结 {first} 已修好", "已办结")])
    _, reply = file(wechat, seeded, clock, "o5", LIFT_AGAIN)
    assert OFFER not in reply
    cancelled, _ = file(wechat, seeded, clock, "o1", "3号楼门禁坏了关不上")
    wechat.send("o1", f"撤销 {cancelled}")
    building_id = appeal(seeded, cancelled).building_id
    with seeded.transaction() as session:  # o5 lives in o1's building for this one
        o5 = session.scalars(select(Resident).where(Resident.openid == "o5")).one()
        o5.building_id, o5.unit_id = building_id, None
    _, reply = file(wechat, seeded, clock, "o5", "门禁坏了，3号楼单元门一直开着")
    assert OFFER not in reply


def test_no_offer_while_a_rating_is_pending_so_1_stays_a_rating(wechat, seeded, clock):
    first, _ = file(wechat, seeded, clock, "o1", LIFT)
    older, _ = file(wechat, seeded, clock, "o5", "3号楼门禁坏了关不上")
    wechat.dialog(LI, [(f"接单 {older}", "接单成功"), (f"办结 {older} 已修好", "已办结")])
    _, reply = file(wechat, seeded, clock, "o5", LIFT_AGAIN)  # matches o1's, but o5 owes a rating
    assert OFFER not in reply
    wechat.dialog("o5", [("1", "感谢您的评价")])
    assert appeal(seeded, older).status == AppealStatus.CLOSED
    assert followers(seeded, first) == []


def test_joining_an_appeal_that_closed_meanwhile_keeps_the_new_one(wechat, seeded, clock):
    first, _ = file(wechat, seeded, clock, "o1", LIFT)
    second, reply = file(wechat, seeded, clock, "o5", LIFT_AGAIN)
    wechat.send("o1", f"撤销 {first}")
    assert "已不能加入" in wechat.send("o5", "1")
    assert appeal(seeded, second).status == AppealStatus.DISPATCHED


def test_followers_hear_every_step_once_and_only_the_owner_is_asked_to_rate(wechat, seeded, clock):
    first, _ = file(wechat, seeded, clock, "o1", LIFT)
    second, _ = file(wechat, seeded, clock, "o5", LIFT_AGAIN)
    wechat.send("o5", "1")
    wechat.dialog(LI, [
        (f"接单 {first}", "接单成功"), (f"进展 {first} 维保公司下午到", "已记录"),
        (f"挂起 {first} 等配件", "已挂起"), (f"恢复 {first}", "已恢复"),
        (f"办结 {first} 已更换电机", "已办结"),
    ])
    for template in ("resident_accepted", "resident_resumed"):
        assert notices(seeded, template, first) == ["o1", "o5"], template
    for template in ("resident_progress", "resident_paused", "resident_resolved"):  # staff's words: the owner's
        assert notices(seeded, template, first) == ["o1"], template
        assert notices(seeded, template.replace("resident_", "resident_follow_"), first) == ["o5"], template
    assert "感谢您的评价" not in (wechat.send("o5", "1") or "")  # o5 has nothing to rate
    wechat.dialog("o1", [("3", "已重新打开")])
    assert notices(seeded, "resident_reopened") == ["o5"]


def test_a_follower_asks_about_their_merged_ticket_and_sees_the_joined_progress(wechat, seeded, clock):
    first, _ = file(wechat, seeded, clock, "o1", LIFT)
    second, _ = file(wechat, seeded, clock, "o5", LIFT_AGAIN)
    wechat.send("o5", "1")
    wechat.send(LI, f"接单 {first}")
    wechat.send(LI, f"进展 {first} 维保公司下午到")
    shown = wechat.send("o5", f"查询 {second}")
    assert f"已并入相同诉求 {first}" in shown and "办理中" in shown and "办理进展" in shown
    assert "维保公司下午到" not in shown  # staff's words are for the appeal's own resident
    assert LIFT_AGAIN[:10] in shown and "不来修" not in shown  # their own words, not o1's
    assert wechat.send("o5", f"查询 {first}") == shown
    assert "已并入相同诉求" in wechat.send("o5", "我的诉求")
    assert "没有找到" in wechat.send("o2", f"查询 {first}")


def test_when_the_joined_appeal_is_withdrawn_the_followers_appeal_is_handled_on_its_own(wechat, seeded, clock):
    first, _ = file(wechat, seeded, clock, "o1", LIFT)
    second, _ = file(wechat, seeded, clock, "o5", LIFT_AGAIN)
    wechat.send("o5", "1")
    assert "已撤销" in wechat.send("o1", f"撤销 {first}")
    released = appeal(seeded, second)
    assert released.status == AppealStatus.DISPATCHED and released.merged_into_id is None
    assert followers(seeded, first) == []
    assert notices(seeded, "resident_split") == ["o5"]
    assert notices(seeded, "staff_new_appeal", second) == sorted([ZHANG, LI, WANG] * 2)


def test_a_follower_withdrawing_their_joined_ticket_stops_hearing_of_the_neighbours_appeal(wechat, seeded, clock):
    first, _ = file(wechat, seeded, clock, "o1", LIFT)
    second, _ = file(wechat, seeded, clock, "o5", LIFT_AGAIN)
    wechat.send("o5", "1")
    assert wechat.send("o5", f"撤销 {second}") == f"已撤销诉求 {second}，不再收到诉求 {first} 的办理进展。"
    assert appeal(seeded, second).status == AppealStatus.CANCELLED and followers(seeded, first) == []
    wechat.send(LI, f"接单 {first}")
    assert notices(seeded, "resident_accepted", first) == ["o1"]  # the neighbour's appeal goes on, without o5
    assert appeal(seeded, first).status == AppealStatus.ACCEPTED
    assert "已撤销" in wechat.send("o5", f"查询 {second}")


def test_help_read_before_answering_the_join_offer_leaves_it_open(wechat, seeded, clock):
    first, _ = file(wechat, seeded, clock, "o1", LIFT)
    second, offered = file(wechat, seeded, clock, "o5", LIFT_AGAIN)
    assert "回复 1 加入" in offered
    wechat.send("o5", "帮助")
    assert wechat.send("o5", "1").startswith(f"已加入诉求 {first}")
    assert appeal(seeded, second).status == AppealStatus.MERGED


@pytest.mark.parametrize("said", ["撤销", "催办", "那个事不用了，我自己弄好了"])
def test_a_follower_without_a_number_is_shown_their_joined_ticket_not_told_nothing_is_open(wechat, seeded, clock,
                                                                                            said):
    first, _ = file(wechat, seeded, clock, "o1", LIFT)
    second, _ = file(wechat, seeded, clock, "o5", LIFT_AGAIN)
    wechat.send("o5", "1")
    reply = wechat.send("o5", said)
    assert "没有正在办理的诉求" not in reply and f"{second}｜物业服务｜{LIFT_AGAIN[:10]}" in reply
    assert wechat.send("o5", f"撤销 {second}") == f"已撤销诉求 {second}，不再收到诉求 {first} 的办理进展。"
    assert "没有正在办理的诉求" in wechat.send("o5", "撤销")


def test_neighbours_are_offered_the_first_appeal_of_the_problem_so_that_a_burst_converges(wechat, seeded, clock):
    first, _ = file(wechat, seeded, clock, "o1", LIFT)
    second, offered = file(wechat, seeded, clock, "o5", LIFT_AGAIN)  # o5 has not answered: their appeal stays open
    assert first in offered
    # o6's words are closer to o5's than to o1's, and o5's is newer: still, the first one of the problem.
    third, reply = file(wechat, seeded, clock, "o6", "3号楼的电梯又坏了，上下楼很不方便，物业赶紧来修")
    assert f"编号 {first}" in reply and second not in reply
    wechat.dialog("o6", [("1", f"已加入诉求 {first}")])
    assert followers(seeded, first) == ["o6"]


def test_a_double_join_merges_once(seeded, wechat, clock):
    first, _ = file(wechat, seeded, clock, "o1", LIFT)
    second, _ = file(wechat, seeded, clock, "o5", LIFT_AGAIN)
    ids = appeal(seeded, second).id, appeal(seeded, first).id
    resident_id = appeal(seeded, second).resident_id
    barrier = threading.Barrier(2)

    def join():
        barrier.wait()
        try:
            with seeded.transaction() as session:
                joins.join(session, resident_id, *ids, (), clock())
                return "joined"
        except DomainError:
            return "refused"

    with ThreadPoolExecutor(2) as pool:
        assert sorted(pool.map(lambda _: join(), range(2))) == ["joined", "refused"]
    assert followers(seeded, first) == ["o5"]


def test_two_operators_merging_two_appeals_into_each_other_at_once_merge_one_and_leave_the_other_open(
        wechat, seeded, clock):
    # Each merge moves its own source row alone: on PostgreSQL neither waited for the other, and both appeals ended
    # merged into each other, handled by nobody. The second now waits for the first and is refused.
    first, _ = file(wechat, seeded, clock, "o1", LIFT)
    second, _ = file(wechat, seeded, clock, "o5", "电梯停运了，老人下不了楼")

    def merge(ticket, into):
        def step(session):
            operator = session.scalars(select(Staff).where(Staff.openid == OPERATOR)).one()
            joins.merge(session, operator, ticket, into, (), clock())
        return step

    assert second_while_first_open(seeded, merge(first, second), merge(second, first)) == ("done", "NotAllowed")
    assert appeal(seeded, first).status == AppealStatus.MERGED
    assert appeal(seeded, second).status == AppealStatus.DISPATCHED


def test_joining_an_appeal_staff_merged_meanwhile_joins_the_appeal_it_was_merged_into(wechat, seeded, clock):
    # A burst: the operator merges neighbours' appeals while residents are still answering their offers.
    kept, _ = file(wechat, seeded, clock, "o6", "3号楼电梯不动了")
    first, _ = file(wechat, seeded, clock, "o1", LIFT)
    wechat.send("o1", "不用了")
    second, reply = file(wechat, seeded, clock, "o5", LIFT_AGAIN)
    offered = re.search(r"同楼已有相同诉求正在办理（编号 (G\d{10})", reply).group(1)
    into = first if offered == kept else kept
    assert "已将诉求" in wechat.send(OPERATOR, f"合并 {offered} {into}")
    wechat.dialog("o5", [("1", f"已加入诉求 {into}：您的诉求 {second} 并入其中")])
    assert appeal(seeded, second).merged_into_id == appeal(seeded, into).id
    assert sorted(followers(seeded, into)) == sorted(["o5", "o6" if offered == kept else "o1"])


def test_the_operator_merges_and_splits(wechat, seeded, clock):
    first, _ = file(wechat, seeded, clock, "o1", LIFT)
    second, _ = file(wechat, seeded, clock, "o5", "电梯停运了，老人下不了楼")
    wechat.send(ZHANG, f"接单 {second}")
    assert f"已将诉求 {second} 并入 {first}" in wechat.send(OPERATOR, f"合并 {second} {first[1:]}")
    assert appeal(seeded, second).status == AppealStatus.MERGED
    assert followers(seeded, first) == ["o5"]
    assert notices(seeded, "resident_merged") == ["o5"]
    assert notices(seeded, "staff_merged") == sorted([ZHANG, LI, WANG])
    assert "已经并入" in wechat.send(OPERATOR, f"合并 {second} {first}")

    assert f"诉求 {second} 已从 {first} 拆分" in wechat.send(WANG, f"拆分 {second}")
    split = appeal(seeded, second)
    assert split.status == AppealStatus.DISPATCHED and split.merged_into_id is None and split.assignee_staff_id is None
    assert followers(seeded, first) == []
    assert notices(seeded, "resident_split") == ["o5"]
    assert notices(seeded, "staff_new_appeal", second).count(ZHANG) == 2  # dispatched again
    assert "没有并入" in wechat.send(OPERATOR, f"拆分 {second}")


def test_a_split_appeal_whose_department_has_nobody_left_goes_to_the_grid_which_may_claim_it(wechat, seeded, clock):
    with seeded.transaction() as session:
        add_contractors(session, clock())
    first, _ = file(wechat, seeded, clock, "o1", "小区门口有人占道经营，天天摆摊堵路")
    second, _ = file(wechat, seeded, clock, "o5", "小区门口占道摆摊的又来了，路都堵了")
    assert appeal(seeded, second).department == "综合执法中队"
    assert f"已将诉求 {second} 并入 {first}" in wechat.send(OPERATOR, f"合并 {second} {first}")
    with seeded.transaction() as session:  # the department's only officer has left
        session.scalars(select(Staff).where(Staff.openid == DEPARTMENT_OFFICER)).one().active = False

    assert f"诉求 {second} 已从 {first} 拆分" in wechat.send(OPERATOR, f"拆分 {second}")

    assert appeal(seeded, second).department is None
    assert "接单成功" in wechat.send(ZHANG, f"接单 {second}")  # not refused as another unit's task


def test_merge_refusals_say_why(wechat, seeded, clock):
    first, _ = file(wechat, seeded, clock, "o1", LIFT)
    second, _ = file(wechat, seeded, clock, "o5", "电梯停运了，老人下不了楼")
    elsewhere, _ = file(wechat, seeded, clock, "o2", "1栋电梯坏了")
    private, _ = file(wechat, seeded, clock, "o5", "楼上邻居天天半夜吵闹，跟他们说了也不听")
    assert "只有社区操作员或本网格网格长" in wechat.send(ZHANG, f"合并 {second} {first}")
    # Another grid's or community's appeal is told of like a ticket that does not exist.
    assert f"没有找到编号为 {second}" in wechat.send(LIU, f"拆分 {second}")
    assert "工作人员专用" in wechat.send("o1", f"合并 {second} {first}")
    assert f"没有找到编号为 {elsewhere}" in wechat.send(OPERATOR, f"合并 {elsewhere} {first}")
    assert f"没有找到编号为 {elsewhere}" in wechat.send(OPERATOR, f"合并 {second} {elsewhere}")
    next_grid = re.search(r"G\d{10}", wechat.send(LIU, "上报 5号楼电梯坏了，困了人")).group(0)
    assert "不属于同一网格" in wechat.send(OPERATOR, f"合并 {second} {next_grid}")
    assert "敏感类别" in wechat.send(WANG, f"合并 {private} {first}")
    assert "敏感类别" in wechat.send(WANG, f"合并 {first} {private}")
    assert "并入它自己" in wechat.send(WANG, f"合并 {first} {first}")
    assert "合并 编号 目标编号" in wechat.send(WANG, f"合并 {first} 第二条")
    assert "没有找到编号为 G2611229999" in wechat.send(WANG, f"合并 {first} G2611229999")
    for ticket in (first, second, private):
        assert appeal(seeded, ticket).status == AppealStatus.DISPATCHED
    with seeded.transaction() as session:
        assert session.scalars(select(AppealFollower)).all() == []


def test_staff_help_lists_merge_and_split(wechat, seeded):
    help_text = wechat.send(OPERATOR, "帮助") + wechat.send(OPERATOR, "帮助 2")
    assert "合并 编号 目标编号" in help_text and "拆分 编号" in help_text
    assert "合并" not in wechat.send("o1", "帮助")


def test_a_merged_appeal_is_not_supervised(wechat, seeded, clock):
    first, _ = file(wechat, seeded, clock, "o1", LIFT)
    second, _ = file(wechat, seeded, clock, "o5", LIFT_AGAIN)
    wechat.send("o5", "1")
    clock.advance(days=5)
    with seeded.transaction() as session:
        supervision.sweep(session, clock())
    merged_id = appeal(seeded, second).id
    with seeded.transaction() as session:
        rows = session.scalars(select(OutboxMessage).where(OutboxMessage.appeal_id == merged_id,
                                                           OutboxMessage.template.like("staff_%"))).all()
        assert {row.template for row in rows} == {"staff_new_appeal", "staff_merged"}


def test_storage_refuses_to_join_or_merge_a_sensitive_category(wechat, seeded, clock):
    first, _ = file(wechat, seeded, clock, "o1", LIFT)
    second, _ = file(wechat, seeded, clock, "o5", LIFT_AGAIN)
    source, target = appeal(seeded, second), appeal(seeded, first)
    with seeded.transaction() as session, pytest.raises(DomainError, match="sensitive"):
        joins.join(session, source.resident_id, source.id, target.id, {source.category}, clock())
    assert appeal(seeded, second).status == AppealStatus.DISPATCHED


# --- followers and verified addresses: the attack of issue 8 item 6 -----------------------------------------
# A stranger bound themselves to o1's unit by picking numbers, was offered o1's appeal ("同单元"), joined it and
# from then on received every progress note, one carrying a neighbour's phone number. Now followers get the
# steps without staff's words, residents never read a phone or ID number whole, and a community may require a
# verified address (the building's QR code, or staff's 核实 after a visit) before joins are offered.

STRANGER = "o_stranger"
PHONE_NOTE = "已联系1单元王阿姨13812345678，维保公司下午到"


def binding(database_url, *arguments):
    return CliRunner().invoke(main, ["binding", "require", *arguments], env={"GRIDBOT_DATABASE_URL": database_url})


def require_verified(database_url, community="幸福里社区"):
    result = binding(database_url, community, "on")
    assert result.exit_code == 0 and f"已要求{community}的居民先核实住址" in result.output, result.output


def bind_by_numbers(wechat, openid, building="3", unit="1"):
    """What the stranger did: 幸福里社区 → 阳光花园 → 3号楼 → 1单元 (o1's unit) by the numbers of the options."""
    wechat.dialog(openid, [("绑定", "社区"), ("1", "小区"), ("1", "楼栋"), (building, "单元"),
                           (unit, f"阳光花园{building}号楼{unit}单元")])


# Not tests.support.worker.told (what the fake API was asked to send): what the outbox holds, with no worker run.
def told(seeded, openid):
    """Every notice written to `openid`, as the channel would carry it: (template, text)."""
    with seeded.transaction() as session:
        rows = session.scalars(select(OutboxMessage).where(OutboxMessage.recipient_openid == openid)
                               .order_by(OutboxMessage.id)).all()
        return [(row.template, notifications.render(row.template, json.loads(row.params))) for row in rows]


def test_a_stranger_who_picks_numbers_is_not_offered_the_neighbours_appeal_and_cannot_join(
        wechat, seeded, clock, database_url):
    require_verified(database_url)
    first, _ = file(wechat, seeded, clock, "o1", LIFT)
    bind_by_numbers(wechat, STRANGER)
    second, reply = file(wechat, seeded, clock, STRANGER, LIFT_AGAIN)
    assert "已受理您的诉求" in reply and OFFER not in reply and first not in reply
    assert "请再具体描述" in wechat.send(STRANGER, "1")  # no offer to accept
    with seeded.transaction() as session:  # nor may storage be asked directly
        stranger = session.scalars(select(Resident).where(Resident.openid == STRANGER)).one()
        source, target = (session.scalars(select(Appeal.id).where(Appeal.ticket == t)).one() for t in (second, first))
        with pytest.raises(NotAllowed, match="unverified"):
            joins.join(session, stranger.id, source, target, (), clock())
    assert followers(seeded, first) == []


def test_without_the_requirement_a_bound_neighbour_is_offered_the_appeal_as_before(wechat, seeded, clock):
    first, _ = file(wechat, seeded, clock, "o1", LIFT)
    bind_by_numbers(wechat, STRANGER)
    _, reply = file(wechat, seeded, clock, STRANGER, LIFT_AGAIN)
    assert OFFER in reply and "单元" not in reply.split("\n")[-1]  # the offer names the building, not the unit


def test_the_buildings_qr_code_verifies_until_the_resident_binds_elsewhere_by_numbers(
        wechat, seeded, clock, database_url):
    require_verified(database_url)
    first, _ = file(wechat, seeded, clock, "o1", LIFT)
    with seeded.transaction() as session:
        scene = session.scalars(select(Building.scene_key).where(Building.name == "3号楼")).one()
    wechat.deliver(wechat.server.event("o_scan", "subscribe", f"qrscene_{scene}", create_time=wechat.now()))
    _, reply = file(wechat, seeded, clock, "o_scan", LIFT_AGAIN)
    assert f"编号 {first}" in reply and OFFER in reply
    bind_by_numbers(wechat, "o_scan", unit="2")  # the unit chosen within the scanned building: still verified
    # Other words: the same ones again would be folded into o_scan's own open appeal as a repeat.
    _, reply = file(wechat, seeded, clock, "o_scan", "3号楼电梯坏了好几天了，物业一直不来修")
    assert OFFER in reply
    bind_by_numbers(wechat, "o_scan", building="1")
    file(wechat, seeded, clock, "o7", "1号楼电梯坏了，物业一直不来修")
    _, reply = file(wechat, seeded, clock, "o_scan", "1号楼的电梯又坏了，上下楼很不方便")
    assert OFFER not in reply  # another building, picked by numbers: not verified there


def test_a_grid_member_confirms_a_resident_after_a_visit_and_then_they_may_join(
        wechat, seeded, clock, database_url):
    require_verified(database_url)
    first, _ = file(wechat, seeded, clock, "o1", LIFT)
    own, reply = file(wechat, seeded, clock, "o5", "3号楼2单元门禁坏了关不上")
    assert "已受理" in reply
    assert wechat.send(LIU, f"核实 {own}") == staff_texts.TASK_NOT_FOUND.format(ticket=own)  # as if none existed
    assert "工作人员专用" in wechat.send("o5", f"核实 {own}")
    assert "已核实诉求" in wechat.send(ZHANG, f"核实 {own[1:]}")
    assert "已经核实过" in wechat.send(LI, f"核实 {own}")
    assert "核实居民住址（张伟）" in wechat.send(LI, f"查询 {own}")  # audited, for staff
    assert "核实" not in wechat.send("o5", f"查询 {own}")
    _, reply = file(wechat, seeded, clock, "o5", LIFT_AGAIN)
    assert OFFER in reply
    assert f"已加入诉求 {first}" in wechat.send("o5", "1")
    assert followers(seeded, first) == ["o5"]


def test_staff_cannot_verify_for_a_report_or_a_resident_who_has_moved(wechat, seeded, clock):
    reported = re.search(r"G\d{10}", wechat.send(ZHANG, "上报 3号楼消防通道堆满杂物")).group(0)
    assert "没有需要核实住址的居民" in wechat.send(ZHANG, f"核实 {reported}")
    own, _ = file(wechat, seeded, clock, "o5", "3号楼2单元门禁坏了关不上")
    bind_by_numbers(wechat, "o5", building="1")
    assert "已改绑其他住址" in wechat.send(ZHANG, f"核实 {own}")
    assert "没有找到编号为 G2611229999" in wechat.send(ZHANG, "核实 G2611229999")


def test_the_requirement_is_per_community_and_the_command_says_what_it_did(database_url, seeded):
    require_verified(database_url)
    assert "没有改动" in binding(database_url, "幸福里社区", "on").output
    with seeded.transaction() as session:
        required = dict(session.execute(select(Community.name, Community.require_verified_binding)).all())
    assert required == {"幸福里社区": True, "和平社区": False}
    off = binding(database_url, "幸福里社区", "off")
    assert off.exit_code == 0 and "已取消幸福里社区的住址核实要求" in off.output
    bad = binding(database_url, "幸福里社区", "maybe")
    assert bad.exit_code == 1 and "开关只能是 on" in bad.output
    unknown = binding(database_url, "幸福社区", "on")
    assert unknown.exit_code == 1 and "找不到社区“幸福社区”" in unknown.output


def test_a_follower_hears_each_step_but_not_the_note_with_the_phone_number(wechat, seeded, clock):
    first, _ = file(wechat, seeded, clock, "o1", LIFT)
    second, _ = file(wechat, seeded, clock, "o5", LIFT_AGAIN)
    wechat.send("o5", "1")
    wechat.dialog(LI, [(f"接单 {first}", "接单成功"), (f"进展 {first} {PHONE_NOTE}", "已记录"),
                       (f"挂起 {first} 等王阿姨13812345678回家开门", "已挂起"), (f"恢复 {first}", "已恢复"),
                       (f"办结 {first} 已更换电机，王阿姨13812345678确认", "已办结")])
    follower = told(seeded, "o5")
    assert [template for template, _ in follower] == [
        "resident_accepted", "resident_follow_progress", "resident_follow_paused", "resident_resumed",
        "resident_follow_resolved"]
    assert not any("5678" in text or "王阿姨" in text for _, text in follower)
    with seeded.transaction() as session:  # the words are not even queued for them
        rows = session.scalars(select(OutboxMessage.params).where(OutboxMessage.recipient_openid == "o5")).all()
        assert not any("王阿姨" in params for params in rows)
    shown = wechat.send("o5", f"查询 {second}")
    assert "办理进展" in shown and "王阿姨" not in shown and "5678" not in shown


def test_a_follower_is_not_promised_the_handlers_call_only_the_owner_is(wechat, seeded, clock):
    first, _ = file(wechat, seeded, clock, "o1", LIFT)
    file(wechat, seeded, clock, "o5", LIFT_AGAIN)
    wechat.send("o5", "1")
    wechat.send(LI, f"接单 {first}")
    (follower,) = [text for template, text in told(seeded, "o5") if template == "resident_accepted"]
    (owner,) = [text for template, text in told(seeded, "o1") if template == "resident_accepted"]
    assert f"您加入的诉求 {first} 已接单" in follower and "办理进展会通过本公众号通知您" in follower
    assert "与您联系" not in follower
    assert "工作人员会尽快与您联系" in owner


def test_the_appeals_own_resident_reads_the_note_with_the_number_masked(wechat, seeded, clock):
    first, _ = file(wechat, seeded, clock, "o1", LIFT)
    wechat.dialog(LI, [(f"接单 {first}", "接单成功"), (f"进展 {first} {PHONE_NOTE}", "已记录")])
    (progress,) = [text for template, text in told(seeded, "o1") if template == "resident_progress"]
    assert "已联系1单元王阿姨138****5678，维保公司下午到" in progress and "13812345678" not in progress
    shown = wechat.send("o1", f"查询 {first}")
    assert "王阿姨138****5678" in shown and "13812345678" not in shown
    assert "13812345678" in wechat.send(LI, f"查询 {first}")  # staff read it whole: they call back


def test_the_property_company_and_a_department_are_told_that_verifying_is_the_grids(wechat, seeded, clock):
    with seeded.transaction() as session:
        add_contractors(session, clock())
    own, _ = file(wechat, seeded, clock, "o5", "3号楼2单元门禁坏了关不上")
    for contractor in (PROPERTY_CLERK, DEPARTMENT_OFFICER):
        for ticket in (own, "G2611229999"):  # the same words for any ticket: they tell nothing about one
            assert wechat.send(contractor, f"核实 {ticket}") == staff_texts.VERIFY_NOT_YOURS


def test_a_member_who_left_after_the_card_reached_them_is_not_told_of_the_merge(wechat, seeded, clock):
    from storage import roster
    from storage.models import OutboxStatus

    file(wechat, seeded, clock, "o1", LIFT)
    file(wechat, seeded, clock, "o5", LIFT_AGAIN)
    with seeded.transaction() as session:
        for row in session.scalars(select(OutboxMessage)).all():
            row.status = OutboxStatus.SENT  # the cards went out; then 李娜 left
        roster.disable(session, session.scalars(select(Staff).where(Staff.openid == LI)).one(), None, clock(), ())
    wechat.dialog("o5", [("1", "已加入诉求")])
    assert notices(seeded, "staff_merged") == sorted([ZHANG, WANG])


def test_an_appeal_split_days_after_its_merge_gets_a_fresh_claim_clock_and_is_not_escalated_at_once(
        wechat, seeded, clock):
    first, _ = file(wechat, seeded, clock, "o1", LIFT)
    second, _ = file(wechat, seeded, clock, "o5", "电梯停运了，老人下不了楼")
    original = appeal(seeded, second).response_due_at
    assert f"已将诉求 {second} 并入 {first}" in wechat.send(OPERATOR, f"合并 {second} {first}")
    clock.advance(days=3)  # the merge was a mistake, found three days on: its claim deadline passed meanwhile

    assert f"诉求 {second} 已从 {first} 拆分" in wechat.send(OPERATOR, f"拆分 {second}")

    split = appeal(seeded, second)
    assert split.response_due_at > clock() and split.escalation_level == 0
    assert split.claim_due_at == original  # as after a 改派: a deadline passed stays the one the rates judge by
    with seeded.transaction() as session:
        supervision.sweep(session, clock())
    assert appeal(seeded, second).escalation_level == 0
