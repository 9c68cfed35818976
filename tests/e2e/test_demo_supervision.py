"""`gridbot demo` keeps itself running: a child that dies is started again, and start-up problems are one line.

The attack killed the worker (the webhook went down with it), killed the embedded Redis (nobody started it
again) and pointed the demo at a read-only data directory (a raw traceback).
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest
import requests

from bot.redisconn import answers
from tests.e2e.test_cli import (  # noqa: F401 - start_demo is a fixture
    GRID_MEMBERS,
    GUIDE_END,
    PYTHON,
    ROOT,
    TICKET,
    Demo,
    clean_env,
    descendants,
    free_port_pair,
    simulate,
    start_demo,
    stop_with_ctrl_c,
)

START_TIMEOUT_S = 40  # the demo starts four processes; a busy machine needs more than the usual 25 s
RECOVER_TIMEOUT_S = 15


def child(demo: Demo, command: str) -> int:
    """The pid of the demo's direct child running `gridbot <command>`."""
    for pid in descendants(demo.process.pid):
        try:
            arguments = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
            parent = int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError):
            continue
        if parent == demo.process.pid and arguments[1:4] == [b"-m", b"bot", command.encode()]:
            return pid
    raise AssertionError(f"no `{command}` child of the demo:\n{demo.output[-2000:]}")


def eventually(check, what: str, demo: Demo, timeout: float = RECOVER_TIMEOUT_S):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            result = check()
        except (AssertionError, requests.RequestException, OSError):
            result = None
        if result:
            return result
        time.sleep(0.2)
    raise AssertionError(f"{what} did not happen within {timeout}s:\n{demo.output[-3000:]}")


def notified(demo: Demo, ticket: str) -> bool:
    told = {call["body"].get("touser") for call in demo.custom_sends()
            if ticket in call["body"].get("text", {}).get("content", "")}
    return GRID_MEMBERS <= told


def test_the_demo_restarts_a_killed_worker_redis_and_webhook_and_the_others_keep_running(start_demo) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    demo: Demo = start_demo()
    demo.wait_for(GUIDE_END, START_TIMEOUT_S)
    worker = child(demo, "worker")
    redis_url = f"unix://{demo.data_dir.resolve() / 'redis.sock'}"

    os.kill(worker, signal.SIGKILL)
    os.kill(int((demo.data_dir / "redis.pid").read_text()), signal.SIGKILL)

    demo.wait_for("后台任务（worker）意外退出（exit -9），1 秒后重启", 5)
    demo.wait_for("内嵌 Redis没有响应，1 秒后重启", 5)
    filed = simulate(demo, "--openid", "o1", "3号楼电梯坏了，物业一直不来修")  # the webhook kept running
    assert filed.returncode == 0 and "已受理您的诉求" in filed.stdout, filed.stdout + filed.stderr
    eventually(lambda: child(demo, "worker") != worker, "a new worker", demo)
    eventually(lambda: answers(redis_url), "Redis answering again", demo)
    ticket = TICKET.search(filed.stdout).group()  # type: ignore[union-attr]
    eventually(lambda: notified(demo, ticket), "the task cards reaching the grid", demo)

    webhook = child(demo, "serve")
    os.kill(webhook, signal.SIGKILL)

    demo.wait_for("网页回调（webhook）意外退出（exit -9），1 秒后重启", 5)
    eventually(lambda: child(demo, "serve") != webhook, "a new webhook", demo)
    again = eventually(lambda: simulate(demo, "--openid", "o5", "楼道灯坏了好几天了").returncode == 0,
                       "the new webhook answering", demo, timeout=30)
    assert again

    stop_with_ctrl_c(demo, whole_group=False)
    assert demo.process.returncode == 0, demo.output[-3000:]
    assert "演示已停止" in demo.output


def without_root_powers() -> list[str]:
    """A command prefix that takes away root's right to write into read-only directories (nothing otherwise)."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without setpriv (util-linux): a read-only directory is writable")
    dropped = "-dac_override,-dac_read_search"
    return [setpriv, f"--bounding-set={dropped}", f"--inh-caps={dropped}"]


def start_up_problem(data_dir: Path, port: int, prefix: tuple[str, ...] = ()) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*prefix, PYTHON, "-m", "bot", "demo", "--port", str(port)], cwd=ROOT,
                          env=clean_env(data_dir), text=True, capture_output=True, timeout=90,
                          stdin=subprocess.DEVNULL)


def assert_one_line(result: subprocess.CompletedProcess[str], expected: str) -> None:
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "Traceback" not in output, output
    lines = [line for line in output.splitlines() if line.startswith("gridbot demo:")]
    assert len(lines) == 1 and expected in lines[0], output


def test_a_read_only_data_directory_is_one_clear_line(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir(mode=0o500)
    data_dir.chmod(0o500)

    result = start_up_problem(data_dir, free_port_pair(), tuple(without_root_powers()))

    assert_one_line(result, f"数据目录 {data_dir} 无法写入（没有权限）")


def test_a_data_directory_that_is_a_file_is_one_clear_line(tmp_path: Path) -> None:
    data_dir = tmp_path / "gridbot-data"
    data_dir.write_text("not a directory")

    result = start_up_problem(data_dir, free_port_pair())

    assert_one_line(result, f"数据目录 {data_dir} 无法写入（已经有同名的文件）")


def test_a_port_in_use_is_one_clear_line(tmp_path: Path) -> None:
    port = free_port_pair()
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as taken:
        taken.bind(("127.0.0.1", port))
        taken.listen()

        result = start_up_problem(tmp_path / "data", port)

    assert_one_line(result, f"端口 {port}（网页回调）无法使用（已被其他程序占用）")


def test_a_data_directory_a_newer_gridbot_migrated_is_one_clear_line(tmp_path: Path) -> None:
    from sqlalchemy import create_engine, text

    from storage.db import upgrade

    data_dir = tmp_path / "data"
    data_dir.mkdir(mode=0o700)
    url = f"sqlite:///{data_dir / 'gridbot.db'}"
    upgrade(url)
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '9999_from_a_newer_gridbot'"))
    engine.dispose()

    result = start_up_problem(data_dir, free_port_pair())

    assert_one_line(result, "数据库已被更新版本的 gridbot 升级过")
