"""In the demo, as its guide says: a party member reports (党员报到), the operator confirms from the command line,
a 微心愿 is posted, the member sees it in 可领任务, claims and completes it, the grid member confirms, and 我的积分
and `gridbot points report` show the points."""

from __future__ import annotations

import re

from tests.e2e.test_cli import Demo, gridbot, simulate
from tests.e2e.test_demo_operator import operator_env

WISH = re.compile(r"W\d{10}")
PARTY_MEMBER = "o9"
GRID_MEMBER = "demo_staff_zhangwei"


def say(demo: Demo, openid: str, text: str) -> str:
    result = simulate(demo, "--openid", openid, text)
    assert result.returncode == 0, result.stderr
    return result.stdout


def run(env: dict[str, str], *args: str) -> str:
    result = gridbot(*args, env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_a_party_member_reports_is_confirmed_takes_a_wish_and_earns_points(shared_demo: Demo) -> None:
    demo = shared_demo
    env = operator_env(demo)
    for line in ("党员报到", "陈明", "市税务局第二党支部"):
        say(demo, PARTY_MEMBER, line)
    assert "陈明" in run(env, "members", "pending")
    assert "陈明" in run(env, "members", "confirm", "陈明")
    assert "陈明" not in run(env, "members", "pending")

    wish = WISH.search(run(env, "wishes", "add", "--scope", "幸福里社区/第一网格", "--text",
                           "独居的刘奶奶想请人帮忙换个厨房灯泡")).group(0)
    assert wish in say(demo, PARTY_MEMBER, "可领任务")
    assert wish in say(demo, PARTY_MEMBER, f"领单 {wish}")
    assert wish in say(demo, PARTY_MEMBER, f"完成 {wish} 已帮刘奶奶换好灯泡")
    assert wish in say(demo, GRID_MEMBER, f"确认完成 {wish}")

    balance = say(demo, PARTY_MEMBER, "我的积分")
    assert "5" in balance and wish in balance, balance
    month = re.search(r"--month (\d{4}-\d{2})", demo.output).group(1)
    report = run(env, "points", "report", "--month", month)
    assert re.search(r"陈明.*\b5\b", report), report
