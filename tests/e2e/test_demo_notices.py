"""In the demo, the operator sends a notice to one grid from the chat and from the command line, watches it reach
100 %, residents get it on the fake API's page, and the 楼长 confirms 已转达."""

from __future__ import annotations

import json
import re
import time

import requests

from bot.demo import history
from tests.e2e.test_cli import Demo, gridbot, simulate
from tests.e2e.test_demo_operator import operator_env

NUMBER = re.compile(r"N\d{10}")
MASS_SEND = "/cgi-bin/message/mass/send"
TEMPLATE_SEND = "/cgi-bin/message/template/send"
WAIT_S = 30
GRID_RESIDENTS = history.bound_in("幸福里社区", "第一网格")  # the guide's, the quiet one and history's


def status(number: str, env: dict[str, str]) -> dict:  # type: ignore[type-arg]
    result = gridbot("notice", "status", number, "--json", env=env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def done(number: str, env: dict[str, str]) -> dict:  # type: ignore[type-arg]
    deadline = time.monotonic() + WAIT_S
    while (shown := status(number, env))["state"] != "done":
        assert time.monotonic() < deadline, shown
        time.sleep(0.5)
    return shown


def test_the_demo_operator_broadcasts_from_the_chat_and_the_cli_and_the_building_lead_confirms(
    shared_demo: Demo,
) -> None:
    demo = shared_demo
    env = operator_env(demo)

    preview = simulate(demo, "--openid", "demo_staff_sunli", "通知 幸福里社区/第一网格 本周六上午9点小区消防演练，请大家配合")
    assert f"群发：{len(GRID_RESIDENTS)} 人" in preview.stdout and "确认 发送" in preview.stdout, preview.stdout + preview.stderr
    confirmed = simulate(demo, "--openid", "demo_staff_sunli", "确认 发送")
    number = NUMBER.search(confirmed.stdout).group(0)
    shown = done(number, env)
    assert (shown["sent"], shown["failed"]) == (len(GRID_RESIDENTS) + 1, 0)  # residents by mass send, the 楼长 by template
    mass_sends = requests.get(f"{demo.fake_api}/_fake/calls", params={"path": MASS_SEND}, timeout=5).json()
    (mass,) = [call for call in mass_sends if call["body"]["clientmsgid"].startswith(f"{number}-")]
    assert GRID_RESIDENTS == set(mass["body"]["touser"])
    assert "消防演练" in requests.get(f"{demo.fake_api}/", timeout=5).text
    progress = simulate(demo, "--openid", "demo_staff_sunli", f"通知进度 {number}")
    assert "100%" in progress.stdout
    relayed = simulate(demo, "--openid", "demo_staff_louzhang", f"已转达 {number}")
    assert "已记下" in relayed.stdout
    assert status(number, env)["confirmed_by_building_leads"] == 1

    sent = gridbot("notice", "send", "--scope", "幸福里社区/第一网格/阳光花园/3号楼", "--text",
                   "3号楼明天8点至12点停水检修，请提前储水", "--urgent", "--kind", "停水", "--yes", env=env)
    assert sent.returncode == 0, sent.stderr
    urgent = NUMBER.search(sent.stdout).group(0)
    channels = done(urgent, env)["by_channel"]
    # the three residents of 3号楼 by template; 赵阿姨 wrote 已转达 a moment ago: her window is open
    assert (channels["template"]["sent"], channels["custom"]["sent"]) == (3, 1)
    templates = requests.get(f"{demo.fake_api}/_fake/calls", params={"path": TEMPLATE_SEND}, timeout=5).json()
    assert {"o1", "o5", "o6"} <= {call["body"]["touser"] for call in templates}
    page = requests.get(f"http://127.0.0.1:{demo.port}/n/{urgent}", timeout=5)
    assert page.status_code == 200 and "请提前储水" in page.text
