"""不受理: a grid leader or an operator closes a message that is no appeal; the resident is told why, politely.

Older versions filed a resident's `谢谢` as an appeal (and padded 聚焦办 hot spots with such messages). Staff close
it with `不受理 编号 原因`: the resident reads the reason (no "已接单", no rating asked), whoever held it hears it is
closed, and it leaves 我的任务 and every hot-spot count.
"""

import json
import re

import pytest
from sqlalchemy import select

from bot.worker import schedule
from handlers import notifications
from storage import appeals, dispatch, focus, joins, residents
from storage.models import Appeal, AppealStatus, OutboxMessage
from tests.support.database import appeal, notices
from tests.support.personas import NEIGHBOUR, OPERATOR, RESIDENT, UNIT_NEIGHBOUR, WANG, ZHANG

pytestmark = pytest.mark.postgres

NO_WATER = "3号楼停水了，一整天没水"


def filed_by_an_older_version(seeded, clock, text="谢谢", category=appeals.UNCLASSIFIED, openid=RESIDENT):
    """What an older version did with a message that is no appeal: filed it, and the worker dispatched it."""
    intake = appeals.Intake(content=text, channel=appeals.Channel.TEXT, category=category, confidence=0.3,
                            keywords=(), raw_message={"Content": text}, response_hours=2, resolve_hours=72)
    with seeded.transaction() as session:
        ticket = appeals.file_appeal(session, residents.view(session, openid, clock()), intake, clock()).ticket
        dispatch.dispatch_pending(session, clock(), schedule.hotspot_rules()[0])
    return ticket


def worded(seeded, template, ticket):
    """What the recipient of that notice reads."""
    with seeded.transaction() as session:
        row = session.scalars(select(OutboxMessage).where(OutboxMessage.template == template)).one()
        assert ticket in row.params
        return notifications.render(row.template, json.loads(row.params))


def test_the_grid_leader_closes_a_thank_you_and_the_resident_reads_why_politely(wechat, seeded, clock):
    ticket = filed_by_an_older_version(seeded, clock, "谢谢")
    reply = wechat.send(WANG, f"不受理 {ticket} 居民表示感谢，不是需要办理的问题")
    assert reply == f"诉求 {ticket} 已不受理并关闭，已把原因告诉居民。"
    assert appeal(seeded, ticket).status == AppealStatus.REJECTED
    assert notices(seeded, "resident_rejected", ticket) == [RESIDENT]
    told = worded(seeded, "resident_rejected", ticket)
    assert f"您发来的消息（编号 {ticket}）经工作人员查看，不作为诉求办理" in told
    assert "说明：居民表示感谢，不是需要办理的问题" in told
    assert "请直接发文字或语音告诉我们" in told
    assert "已接单" not in told and "评价：" not in told
    assert notices(seeded, "resident_accepted") == [] and notices(seeded, "resident_resolved") == []
    shown = wechat.send(RESIDENT, f"查询 {ticket}")
    assert "状态：不作为诉求办理" in shown and "工作人员说明，不作为诉求办理：居民表示感谢" in shown
    assert "不作为诉求办理" in wechat.send(RESIDENT, "我的诉求")


def test_an_operator_may_close_it_too_and_a_second_time_is_refused(wechat, seeded, clock):
    ticket = filed_by_an_older_version(seeded, clock, "好的")
    assert "已不受理并关闭" in wechat.send(OPERATOR, f"不受理 {ticket} 回复确认，不是诉求")
    assert wechat.send(WANG, f"不受理 {ticket} 再关一次") == f"诉求 {ticket} 当前状态为“不受理”，不能作不受理处理。"


def test_a_grid_member_is_refused_and_a_resident_cannot_use_it(wechat, seeded, clock):
    ticket = filed_by_an_older_version(seeded, clock, "嗯")
    assert wechat.send(ZHANG, f"不受理 {ticket} 不是诉求") == f"只有社区操作员和本网格网格长可以不受理诉求 {ticket}。"
    assert "工作人员专用" in wechat.send(RESIDENT, f"不受理 {ticket} 不是诉求")
    assert appeal(seeded, ticket).status == AppealStatus.DISPATCHED
    assert notices(seeded, "resident_rejected") == []


def test_the_reason_is_required(wechat, seeded, clock):
    ticket = filed_by_an_older_version(seeded, clock, "123456")
    assert wechat.send(WANG, f"不受理 {ticket}") == f"还需要写上原因，请按这个格式发送：不受理 {ticket} 原因"
    assert appeal(seeded, ticket).status == AppealStatus.DISPATCHED


def test_the_member_holding_it_hears_it_is_closed_and_it_leaves_my_tasks(wechat, seeded, clock):
    ticket = filed_by_an_older_version(seeded, clock, "不用了")
    wechat.send(ZHANG, f"接单 {ticket}")
    assert ticket in wechat.send(ZHANG, "我的任务")
    wechat.send(WANG, f"不受理 {ticket} 居民说不用了，不是诉求")
    assert notices(seeded, "staff_rejected", ticket) == [ZHANG]
    told = worded(seeded, "staff_rejected", ticket)
    assert f"【不受理】{ticket} 已由王强作不受理关闭" in told and "您无需再处理" in told
    assert ticket not in wechat.send(ZHANG, "我的任务")
    assert wechat.send(ZHANG, f"办结 {ticket} 已处理") == f"诉求 {ticket} 当前状态为“不受理”，不能办结。"


def test_a_rejected_message_counts_in_no_hot_spot(wechat, seeded, clock):
    # An older version filed o1's 谢谢 under 物业服务; with the neighbours' two water cuts it would make three.
    thanks = filed_by_an_older_version(seeded, clock, "谢谢", category="物业服务")
    wechat.send(WANG, f"不受理 {thanks} 居民表示感谢，不是诉求")
    for openid in (NEIGHBOUR, UNIT_NEIGHBOUR):
        assert re.search(r"G\d{10}", wechat.send(openid, NO_WATER))
    with seeded.transaction() as session:
        rules = schedule.hotspot_rules()[0]
        assert focus.check(session, dispatch.dispatch_pending(session, clock(), rules), clock(), rules) == []
    assert wechat.send(WANG, "聚焦") == "目前没有进行中的聚焦事项。"


def test_a_neighbour_who_joined_it_keeps_their_own_appeal(wechat, seeded, clock):
    # o5's real water cut was joined to o1's 谢谢, which an older version filed under 物业服务.
    first = filed_by_an_older_version(seeded, clock, "谢谢", category="物业服务")
    joined = filed_by_an_older_version(seeded, clock, NO_WATER, category="物业服务", openid=NEIGHBOUR)
    with seeded.transaction() as session:
        source, target = (session.scalars(select(Appeal).where(Appeal.ticket == t)).one() for t in (joined, first))
        joins.join(session, source.resident_id, source.id, target.id, schedule.hotspot_rules()[0], clock())
    assert appeal(seeded, joined).status == AppealStatus.MERGED
    wechat.send(WANG, f"不受理 {first} 居民致谢，不是诉求")
    assert appeal(seeded, joined).status == AppealStatus.DISPATCHED
    assert notices(seeded, "resident_rejected") == [RESIDENT]
