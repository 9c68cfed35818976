"""The demo's operator does the day's work from the command line, with the settings file the demo writes."""

from __future__ import annotations

import json
import re
import shlex
import stat
from pathlib import Path

from openpyxl import load_workbook

from tests.e2e.test_cli import Demo, clean_env, gridbot


def operator_env(demo: Demo) -> dict[str, str]:
    """What `source <file>` would export, read from the path the guide prints."""
    path = Path(shlex.split(re.search(r"^  source (.+)$", demo.output, re.M).group(1))[0])
    assert stat.S_IMODE(path.stat().st_mode) == 0o600  # it holds the demo's keys
    exported = dict(line.removeprefix("export ").split("=", 1) for line in path.read_text().splitlines()
                    if line.startswith("export "))
    return clean_env(demo.data_dir, **{name: shlex.split(value)[0] if value else "" for name, value in exported.items()})


def test_the_demo_operator_lists_reads_rosters_and_reports_from_another_terminal(shared_demo: Demo,
                                                                                  tmp_path: Path) -> None:
    demo = shared_demo
    quiet = re.search(r"居民 o8 两天前反映了 (G\d{10})", demo.output).group(1)
    env = operator_env(demo)
    month = re.search(r"report --month (\d{4}-\d{2})", demo.output).group(1)

    overdue = gridbot("appeals", "list", "--overdue", env=env)
    shown = gridbot("appeals", "show", quiet, env=env)
    on_leave = gridbot("staff", "duty", "张伟", "休假", "--until", "12-31", env=env)
    try:
        roster = gridbot("staff", "list", "--scope", "幸福里社区", env=env)
    finally:  # the demo is shared: 张伟 goes back on duty for the tests after this one
        back = gridbot("staff", "duty", "张伟", "在岗", env=env)
        assert back.returncode == 0, back.stdout + back.stderr
    grids = gridbot("grid", "list", env=env)
    failed = gridbot("outbox", "failed", env=env)
    report = gridbot("report", "--month", month, "--xlsx", str(tmp_path / "月报.xlsx"), env=env)
    rates = gridbot("rates", "--by", "grid", "--json", env=env)

    for result in (overdue, shown, on_leave, roster, grids, failed, report, rates):
        assert result.returncode == 0, result.args[3:] + [result.stdout, result.stderr]
        assert "Traceback" not in result.stdout + result.stderr
    assert quiet in overdue.stdout
    assert "2号楼" in shown.stdout and quiet in shown.stdout
    assert re.search(r"张伟 · 网格员 .* 休假至", roster.stdout), roster.stdout
    assert "幸福里社区·第一网格" in grids.stdout
    assert any(row["unit"] == "幸福里社区·第一网格" for row in json.loads(rates.stdout))
    grid_sheet = load_workbook(tmp_path / "月报.xlsx")["网格"]
    assert grid_sheet.max_row >= 3  # a header, the demo street's grids, the total


def test_the_demo_prints_a_console_login_that_opens_the_console(shared_demo: Demo) -> None:
    import requests

    demo = shared_demo
    url = re.search(r"控制台（浏览器打开）：(\S+)", demo.output).group(1)
    username, password = re.search(r"用户名 (\S+)   密码 (\S+)", demo.output).groups()
    assert url == f"http://127.0.0.1:{demo.port}/console/" and username == "demo"
    browser = requests.Session()
    login_page = browser.get(url + "login", timeout=5).text
    token = re.search(r'name="csrf_token" value="([^"]+)"', login_page).group(1)
    home = browser.post(url + "login", data={"username": username, "password": password, "csrf_token": token},
                        timeout=10)
    assert home.status_code == 200 and 'id="queue-review"' in home.text and "演示管理员" in home.text
    assert "全部街道" in home.text
