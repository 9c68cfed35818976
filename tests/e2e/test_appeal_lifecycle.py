"""The whole life of an appeal, end to end, for 抢单 and 派单.

Only the product's edges: residents and staff write through the signed webhook (`wechat`), the worker side is
the relay plus a real RQ worker on real Redis, and what people were told is read from the fake WeChat API.
"""

import re

import pytest
from sqlalchemy import select, update

from bot.worker import schedule
from storage.models import Appeal, AppealEvent, DispatchMode, Grid, Resident
from tests.support.personas import LI, WANG, ZHANG
from tests.support.worker import told, work

pytestmark = pytest.mark.postgres

CUSTOM_SEND = "/cgi-bin/message/custom/send"
TEMPLATE_SEND = "/cgi-bin/message/template/send"
NAMES = {ZHANG: "张伟", LI: "李娜", WANG: "王强"}
MEMBERS = {ZHANG, LI}
ELEVATOR = "3号楼电梯坏了，物业一直不来修"
TICKET = re.compile(r"G\d{10}")


def recipients(fake, ticket, marker):
    """Who got a staff notice starting with `marker` (【新诉求】, 【已接单】, …) about `ticket`, once per message."""
    return sorted(call["body"]["touser"] for call in fake.calls(CUSTOM_SEND)
                  if call["body"]["text"]["content"].startswith(f"{marker}{ticket}"))


def file_appeal(wechat, runtime):
    """o1 writes in; the worker dispatches the task cards. Returns the ticket."""
    ticket = TICKET.search(wechat.send("o1", ELEVATOR)).group(0)
    work(runtime)
    return ticket


def say(wechat, runtime, openid, message, expected):
    """`openid` sends `message`, the reply contains `expected`, and the worker delivers what followed."""
    wechat.dialog(openid, [(message, expected)])
    work(runtime)


def claim_and_resolve(wechat, runtime, ticket, member, result="电梯已修好，维保公司已检测合格"):
    say(wechat, runtime, member, f"接单 {ticket}", f"接单成功：{ticket}")
    say(wechat, runtime, member, f"办结 {ticket} {result}", f"诉求 {ticket} 已办结")


def events(database, ticket):
    """The appeal's whole audit trail (internal events too), as actions."""
    with database.transaction() as session:
        return session.scalars(
            select(AppealEvent.action).join(Appeal, Appeal.id == AppealEvent.appeal_id)
            .where(Appeal.ticket == ticket).order_by(AppealEvent.id)
        ).all()


def test_in_grab_mode_the_first_claim_wins_and_the_resident_hears_of_every_step(wechat, worker_runtime,
                                                                               fake_wechat):
    ticket = file_appeal(wechat, worker_runtime)
    # The 网格长 oversees a 抢单 grid: their copy waits in the quarter hour's digest, and no 已接单 follows.
    assert recipients(fake_wechat, ticket, "【新诉求】") == sorted([ZHANG, LI])

    say(wechat, worker_runtime, LI, f"接单 {ticket}", f"接单成功：{ticket}")
    say(wechat, worker_runtime, ZHANG, f"接 {ticket}", f"诉求 {ticket} 已被 李娜 接单")
    assert recipients(fake_wechat, ticket, "【已接单】") == [ZHANG]
    assert "已由 李娜 接单，您无需再处理" in told(fake_wechat, ZHANG)[-1]

    say(wechat, worker_runtime, LI, f"进展 {ticket} 已联系维保公司，明天上午来修", "已记录")
    say(wechat, worker_runtime, LI, f"结 {ticket} 电梯已修好，维保公司已检测合格", f"诉求 {ticket} 已办结")
    photo = wechat.deliver(wechat.server.image(LI, create_time=wechat.now()))
    assert photo == f"照片已附到诉求 {ticket} 的办结结果。"
    work(worker_runtime)

    accepted, progressed, resolved = told(fake_wechat, "o1")
    assert f"您的诉求 {ticket} 已接单" in accepted and "办理人：李娜" in accepted
    assert f"您的诉求 {ticket} 有新进展" in progressed and "明天上午来修" in progressed
    assert f"您的诉求 {ticket} 已办结" in resolved and "检测合格" in resolved and "1 满意" in resolved

    wechat.dialog("o1", [("1", f"感谢您的评价！诉求 {ticket} 已完结"),
                         (f"查询 {ticket}", "状态：已评价完结")])
    assert "补充了材料（图片）" in wechat.send("o1", f"查询 {ticket}")


def test_in_assign_mode_only_the_chosen_member_gets_the_card_and_may_claim_it(wechat, worker_runtime,
                                                                            fake_wechat, seeded):
    with seeded.transaction() as session:
        grid_id = session.scalars(select(Resident.grid_id).where(Resident.openid == "o1")).one()
        session.execute(update(Grid).where(Grid.id == grid_id).values(dispatch_mode=DispatchMode.ASSIGN))
    ticket = file_appeal(wechat, worker_runtime)

    (chosen,) = recipients(fake_wechat, ticket, "【新诉求】")
    assert chosen in MEMBERS
    (other,) = MEMBERS - {chosen}
    say(wechat, worker_runtime, other, f"接单 {ticket}", f"诉求 {ticket} 已派给其他网格员办理，不能由您接单")

    claim_and_resolve(wechat, worker_runtime, ticket, chosen)
    assert recipients(fake_wechat, ticket, "【已接单】") == []  # nobody else had the card to drop
    accepted, resolved = told(fake_wechat, "o1")
    assert f"已接单\n办理人：{NAMES[chosen]}" in accepted and f"您的诉求 {ticket} 已办结" in resolved
    wechat.dialog("o1", [("满意", "感谢您的评价"), (f"查询 {ticket}", "状态：已评价完结")])


def test_an_unsatisfied_resident_reopens_the_task_and_the_grid_leader_follows_up(wechat, worker_runtime,
                                                                               fake_wechat):
    ticket = file_appeal(wechat, worker_runtime)
    claim_and_resolve(wechat, worker_runtime, ticket, LI)
    say(wechat, worker_runtime, "o1", "3", f"诉求 {ticket} 已重新打开")

    assert recipients(fake_wechat, ticket, "【重新办理】") == sorted([LI, WANG])
    assert "请督促跟进" in told(fake_wechat, WANG)[-1] and "请再次办理" in told(fake_wechat, LI)[-1]

    say(wechat, worker_runtime, LI, f"办结 {ticket} 已更换电梯控制板，运行正常", f"诉求 {ticket} 已办结")
    first, second = [text for text in told(fake_wechat, "o1") if f"{ticket} 已办结" in text]
    assert "检测合格" in first and "更换电梯控制板" in second
    wechat.dialog("o1", [("2", "感谢您的评价"), (f"查询 {ticket}", "状态：已评价完结")])


def test_an_unclaimed_appeal_is_escalated_to_the_grid_leader_on_time(wechat, worker_runtime, fake_wechat, clock):
    ticket = file_appeal(wechat, worker_runtime)
    minutes = worker_runtime.settings.unclaimed_minutes

    clock.advance(minutes=minutes - 1)
    schedule.supervise_once(worker_runtime)
    work(worker_runtime)
    assert recipients(fake_wechat, ticket, "【督办】") == []
    assert "escalated" not in events(worker_runtime.database, ticket)

    clock.advance(minutes=2)
    schedule.supervise_once(worker_runtime)
    work(worker_runtime)
    assert recipients(fake_wechat, ticket, "【督办】") == [WANG]
    assert "无人接单" in told(fake_wechat, WANG)[-1]
    assert events(worker_runtime.database, ticket).count("escalated") == 1

    schedule.supervise_once(worker_runtime)  # a later sweep does not escalate it again
    work(worker_runtime)
    assert recipients(fake_wechat, ticket, "【督办】") == [WANG]


def test_nothing_is_sent_twice(wechat, worker_runtime, fake_wechat, clock):
    ticket = file_appeal(wechat, worker_runtime)
    say(wechat, worker_runtime, LI, f"接单 {ticket}", "接单成功")
    say(wechat, worker_runtime, LI, f"进展 {ticket} 已联系维保公司", "已记录")
    say(wechat, worker_runtime, LI, f"办结 {ticket} 电梯已修好", "已办结")
    sent = fake_wechat.calls(CUSTOM_SEND)
    assert len(sent) == 2 + 1 + 3  # cards to 张伟, 李娜 (王强's waits in the digest); 已接单 to 张伟; o1's 已接单, 有新进展, 已办结
    before = fake_wechat.stats()["calls"]

    clock.advance(minutes=11)  # past the relay's requeue and the outbox's give-up windows
    work(worker_runtime, rounds=2)
    assert fake_wechat.stats()["calls"] == before
    assert fake_wechat.calls(TEMPLATE_SEND) == []
    pairs = [(call["body"]["touser"], call["body"]["text"]["content"]) for call in sent]
    assert len(set(pairs)) == len(pairs)


def test_staff_who_act_on_a_rated_appeal_are_told_its_status_in_words(wechat, worker_runtime):
    ticket = file_appeal(wechat, worker_runtime)
    claim_and_resolve(wechat, worker_runtime, ticket, LI)
    wechat.dialog("o1", [("1", "感谢您的评价")])
    reply = wechat.send(LI, f"办结 {ticket} 再补充一句")
    assert "您已经办结了，无需重复办结" in reply and "closed" not in reply, reply
