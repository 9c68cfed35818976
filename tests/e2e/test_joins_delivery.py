"""我也遇到 end to end: a neighbour joins o1's appeal and the worker delivers every step to both, once each.

Residents and staff write through the signed webhook; the relay and a real RQ worker deliver; what people were
told is read from the fake WeChat API.
"""

import re

import pytest

from tests.support.personas import LI, WANG, ZHANG
from tests.support.worker import told, work

pytestmark = pytest.mark.postgres

CUSTOM_SEND = "/cgi-bin/message/custom/send"
TICKET = re.compile(r"G\d{10}")


def send(wechat, runtime, openid, message):
    reply = wechat.send(openid, message)
    work(runtime)
    return reply


def test_a_joined_neighbour_hears_every_step_once_and_is_not_asked_to_rate(wechat, worker_runtime, fake_wechat):
    first = TICKET.search(send(wechat, worker_runtime, "o1", "3号楼电梯坏了，物业一直不来修")).group(0)
    offered = send(wechat, worker_runtime, "o5", "3号楼的电梯又坏了，上下楼很不方便")
    second = TICKET.search(offered).group(0)
    assert f"编号 {first}" in offered and "回复 1 加入已有诉求" in offered
    assert f"已加入诉求 {first}" in send(wechat, worker_runtime, "o5", "1")
    for member in (ZHANG, LI, WANG):
        assert told(fake_wechat, member)[-1].startswith(f"【已合并】{second} 已并入 {first}")

    send(wechat, worker_runtime, LI, f"接单 {first}")
    send(wechat, worker_runtime, LI, f"进展 {first} 维保公司下午到，联系了1单元王阿姨13812345678")
    send(wechat, worker_runtime, LI, f"办结 {first} 已更换电机，运行正常")

    to_owner, to_follower = told(fake_wechat, "o1"), told(fake_wechat, "o5")
    assert [text.split("\n")[0] for text in to_follower] == [
        f"您加入的诉求 {first} 已接单", f"您加入的诉求 {first} 有新进展，工作人员正在办理。",
        f"您加入的诉求 {first} 已办结。",
    ]
    # Staff's words reach the appeal's own resident only, and never with a phone number whole.
    assert not any("王阿姨" in text or "维保" in text or "电机" in text for text in to_follower)
    assert "联系了1单元王阿姨138****5678" in to_owner[1] and "13812345678" not in to_owner[1]
    assert "请您在 3 天内对本次办理进行评价" in to_owner[-1] and "评价" not in to_follower[-1]
    assert len(to_owner) == 3
