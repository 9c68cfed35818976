"""The `gridbot` command as a user runs it: real processes, real ports, real signals."""

from __future__ import annotations

import os
import re
import shlex
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

import pytest
import requests

from bot.redisconn import stop_embedded_redis
from tests.conftest import LOG_SCANNER
from tests.support.ports import free_port_pair, port_is_free

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
GUIDE_START = "================ 网格诉求助手 gridbot 演示已启动"
GUIDE_END = "按 Ctrl-C 停止。"
START_TIMEOUT_S = 60  # migrate, seed four weeks of history, start five processes: ~12 s idle, 25+ on a busy machine
STOP_TIMEOUT_S = 15
NOTICE_TIMEOUT_S = 20  # that the notices arrive is the point, not how soon: the relay's round on a busy machine
# A member who got DIGEST_AFTER cards within the minute (the demo's own start sends some) has the next folded into
# that minute's digest, sent when the minute ends.
CARD_TIMEOUT_S = 75
TICKET = re.compile(r"G\d{10}")
CUSTOM_SEND = "/cgi-bin/message/custom/send"
TEMPLATE_SEND = "/cgi-bin/message/template/send"
GRID_MEMBERS = {"demo_staff_zhangwei", "demo_staff_lina"}


def clean_env(data_dir: Path, **extra: str) -> dict[str, str]:
    """The caller's environment without any gridbot or WeChat configuration, plus `extra`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("WECHAT_", "GRIDBOT_"))}
    env["GRIDBOT_DATA_DIR"] = str(data_dir)
    env.update(extra)
    return env


def gridbot(*args: str, env: dict[str, str], timeout: float = 30) -> subprocess.CompletedProcess[str]:
    return subprocess.run([PYTHON, "-m", "bot", *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=timeout, stdin=subprocess.DEVNULL)


def descendants(pid: int) -> set[int]:
    """Every live process below `pid`, from /proc."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        parents.setdefault(ppid, []).append(int(entry.name))
    found: set[int] = set()
    todo = [pid]
    while todo:
        for child in parents.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@dataclass
class Demo:
    """`gridbot demo` running as a subprocess, with its output collected line by line."""

    port: int
    data_dir: Path
    process: subprocess.Popen[str]
    lines: list[str] = field(default_factory=list)

    @property
    def webhook(self) -> str:
        return f"http://127.0.0.1:{self.port}/wechat"

    @property
    def fake_api(self) -> str:
        return f"http://127.0.0.1:{self.port + 1}"

    @property
    def output(self) -> str:
        return "".join(self.lines)

    @property
    def logs(self) -> str:
        """What the demo and its children logged: the output without the guide, which names demo openids."""
        output = self.output
        start, end = output.find(GUIDE_START), output.find(GUIDE_END)
        return output if start < 0 or end < 0 else output[:start] + output[end:]

    def wait_for(self, text: str, timeout: float) -> float:
        """Seconds until `text` appeared in the output."""
        started = time.monotonic()
        while time.monotonic() - started < timeout:
            if text in self.output:
                return time.monotonic() - started
            if self.process.poll() is not None:
                time.sleep(0.2)  # let the reader drain the pipe
                raise AssertionError(f"demo exited with {self.process.returncode}:\n{self.output[-3000:]}")
            time.sleep(0.1)
        raise AssertionError(f"{text!r} not printed within {timeout}s; output so far:\n{self.output[-3000:]}")

    def custom_sends(self, path: str = CUSTOM_SEND) -> list[dict]:  # type: ignore[type-arg]
        response = requests.get(f"{self.fake_api}/_fake/calls", params={"path": path}, timeout=5)
        response.raise_for_status()
        return response.json()


def launch_demo(data_dir: Path, runtime_dir: Path, unbuffered: bool = True) -> Demo:
    """`gridbot demo` on a free pair of ports, its own process group, its output collected as it comes."""
    env = clean_env(data_dir)
    runtime_dir.mkdir(mode=0o700)  # gunicorn's control socket goes here, not to $HOME
    env["XDG_RUNTIME_DIR"] = str(runtime_dir)
    env.pop("PYTHONUNBUFFERED", None)
    if unbuffered:
        env["PYTHONUNBUFFERED"] = "1"
    port = free_port_pair()
    process = subprocess.Popen(
        [PYTHON, "-m", "bot", "demo", "--port", str(port)], cwd=ROOT, env=env, stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True,
    )
    demo = Demo(port, data_dir, process)
    assert process.stdout is not None
    stdout = process.stdout
    threading.Thread(target=lambda: demo.lines.extend(iter(stdout.readline, "")), daemon=True).start()
    return demo


def stop_demo(demo: Demo) -> None:
    """Scan what the demo logged for personal data, then stop it and everything it started."""
    LOG_SCANNER.scan(demo.logs, f"output of the demo in {demo.data_dir}")
    if demo.process.poll() is None:
        try:
            os.killpg(demo.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        demo.process.wait(timeout=10)
    stop_embedded_redis(demo.data_dir)  # a daemonised redis-server leaves the group: stop it by its socket


@pytest.fixture
def start_demo(tmp_path: Path) -> Iterator:  # type: ignore[type-arg]
    """Starts `gridbot demo` (as many as a test needs) and makes sure nothing of it outlives the test."""
    started: list[Demo] = []

    def start(unbuffered: bool = True) -> Demo:
        demo = launch_demo(tmp_path / f"demo{len(started)}", tmp_path / f"run{len(started)}", unbuffered)
        started.append(demo)
        return demo

    yield start
    for demo in started:
        stop_demo(demo)


def simulate(demo: Demo, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return gridbot("simulate", "--url", demo.webhook, *args, env=clean_env(demo.data_dir, **env))


def guide_line(demo: Demo, ending: str) -> str:
    """The guide's `gridbot simulate` line that ends with `ending`."""
    lines = [line.strip() for line in demo.output.splitlines()
             if " simulate " in line and line.strip().endswith(ending)]
    assert len(lines) == 1, lines
    return lines[0]


def run_as_printed(demo: Demo, line: str) -> subprocess.CompletedProcess[str]:
    """A guide line run as a user pasting it would, the gridbot command in front replaced by this interpreter's."""
    words = shlex.split(line)
    result = gridbot(*words[words.index("simulate"):], env=clean_env(demo.data_dir))
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def stop_with_ctrl_c(demo: Demo, whole_group: bool) -> float:
    """SIGINT to the demo (or, like a terminal's Ctrl-C, to its whole process group); seconds until it exited."""
    started = time.monotonic()
    if whole_group:
        os.killpg(demo.process.pid, signal.SIGINT)
    else:
        demo.process.send_signal(signal.SIGINT)
    try:
        demo.process.wait(timeout=STOP_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        raise AssertionError(f"demo still running {STOP_TIMEOUT_S}s after SIGINT:\n{demo.output[-3000:]}") from None
    return time.monotonic() - started


def assert_nothing_left(demo: Demo, children: set[int], redis_pid: int | None) -> None:
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and any(alive(pid) for pid in children):
        time.sleep(0.1)
    assert [pid for pid in children if alive(pid)] == [], "demo children still running"
    assert redis_pid is None or not alive(redis_pid), "the embedded redis-server is still running"
    assert not (demo.data_dir / "redis.sock").exists()
    assert port_is_free(demo.port), f"webhook port {demo.port} still taken"
    assert port_is_free(demo.port + 1), f"fake WeChat API port {demo.port + 1} still taken"


def test_the_demo_files_appeals_from_simulate_notifies_the_grid_and_stops_cleanly_on_ctrl_c(start_demo) -> None:  # type: ignore[no-untyped-def]
    demo: Demo = start_demo()
    demo.wait_for(GUIDE_END, START_TIMEOUT_S)
    assert f"http://127.0.0.1:{demo.port}/wechat" in demo.output
    assert f"{demo.fake_api}/" in demo.output
    children = descendants(demo.process.pid)
    assert len(children) >= 3  # fake WeChat API, worker, gunicorn (and its workers)
    redis_pid = int((demo.data_dir / "redis.pid").read_text().strip())

    default = simulate(demo, "--openid", "o1", "3号楼电梯坏了，物业一直不来修")  # encrypted: the demo is in safe mode
    safe = simulate(demo, "--openid", "o1", "--safe", "楼道灯坏了好几天了，晚上看不见")
    sent_at = time.monotonic()
    forged = simulate(demo, "--openid", "o1", "--plain", "小区门口垃圾堆了三天没人清")
    assert forged.returncode != 0 and "HTTP 403" in forged.stderr, forged.stdout + forged.stderr

    tickets = []
    for result in (default, safe):
        assert result.returncode == 0, result.stdout + result.stderr
        assert "物业服务" in result.stdout and "幸福里社区·第一网格" in result.stdout, result.stdout
        found = TICKET.search(result.stdout)
        assert found, result.stdout
        tickets.append(found.group())
    assert tickets[0] != tickets[1]

    # The worker's relay and the WeChat adapter deliver the new-appeal notices to the grid's members.
    wanted = {(openid, ticket) for openid in GRID_MEMBERS for ticket in tickets}
    notified: set[tuple[str, str]] = set()
    while time.monotonic() - sent_at < CARD_TIMEOUT_S and not wanted <= notified:
        for call in demo.custom_sends():
            body = call["body"]
            content = body.get("text", {}).get("content", "")
            notified |= {(body.get("touser"), ticket) for ticket in tickets if ticket in content}
        time.sleep(0.2)
    assert wanted <= notified, f"missing notices: {sorted(wanted - notified)}"

    # The guide's template path: o8's window closed two days ago, so 接单 reaches them as the generic template.
    quiet = re.search(r"居民 o8 两天前反映了 (G\d{10})", demo.output).group(1)
    claimed = simulate(demo, "--openid", "demo_staff_lina", f"接单 {quiet}")
    assert f"接单成功：{quiet}" in claimed.stdout, claimed.stdout
    templates: list[dict] = []  # type: ignore[type-arg]
    claimed_at = time.monotonic()
    while time.monotonic() - claimed_at < 2 * NOTICE_TIMEOUT_S and not templates:
        templates = [call["body"] for call in demo.custom_sends(TEMPLATE_SEND) if call["body"]["touser"] == "o8"]
        time.sleep(0.2)
    assert [(t["template_id"], t["data"]["keyword1"]["value"]) for t in templates] == [("DEMO_RESIDENT_NOTICE", quiet)]
    assert requests.get(f"http://127.0.0.1:{demo.port}/healthz?detail=1", timeout=5).json()["warnings"] == []

    # A guide line run exactly as printed reaches this demo, whose port is not simulate's default.
    printed = guide_line(demo, "--openid o1 我的诉求")
    assert "--url" in printed
    assert TICKET.search(run_as_printed(demo, printed).stdout)

    elapsed = stop_with_ctrl_c(demo, whole_group=False)

    assert demo.process.returncode == 0, demo.output[-3000:]
    assert elapsed < STOP_TIMEOUT_S
    assert "演示已停止" in demo.output
    assert "Traceback" not in demo.output, demo.output[-3000:]
    assert_nothing_left(demo, children, redis_pid)


def test_simulate_with_the_wrong_token_reports_the_403_without_a_traceback(shared_demo: Demo) -> None:
    result = simulate(shared_demo, "--openid", "o1", "电梯坏了", WECHAT_TOKEN="not-the-demo-token")

    assert result.returncode != 0
    assert "HTTP 403" in result.stderr
    assert "Traceback" not in result.stdout + result.stderr


@pytest.mark.quiet
def test_the_demo_guide_shows_up_promptly_through_a_pipe_and_ctrl_c_in_a_terminal_stops_it_all_with_0(start_demo) -> None:  # type: ignore[no-untyped-def]
    # `gridbot demo | tee demo.log`, docker without -t, systemd: stdout is a pipe and Python block-buffers it.
    demo: Demo = start_demo(unbuffered=False)

    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        try:
            if requests.get(f"http://127.0.0.1:{demo.port}/healthz", timeout=1).status_code == 200:
                break
        except requests.ConnectionError:
            time.sleep(0.2)
    else:
        raise AssertionError(f"the demo's webhook did not come up:\n{demo.output[-3000:]}")

    demo.wait_for(GUIDE_END, 5)  # the guide is printed right after the webhook answers

    # A terminal's Ctrl-C reaches every process of the foreground group at once, not only the demo.
    children = descendants(demo.process.pid)
    redis_pid = int((demo.data_dir / "redis.pid").read_text().strip())

    stop_with_ctrl_c(demo, whole_group=True)

    assert demo.process.returncode == 0, demo.output[-3000:]
    assert "Traceback" not in demo.output, demo.output[-3000:]
    assert_nothing_left(demo, children, redis_pid)


def test_db_upgrade_creates_the_tables_of_a_fresh_sqlite_database(tmp_path: Path) -> None:
    database = tmp_path / "x.db"
    env = clean_env(tmp_path / "data", GRIDBOT_DATABASE_URL=f"sqlite:///{database}")

    result = gridbot("db", "upgrade", env=env)

    assert result.returncode == 0, result.stderr
    assert "已执行数据库迁移，数据库现在是当前版本。" in result.stdout  # not "already current": it created the tables
    with sqlite3.connect(database) as connection:
        tables = {name for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"processed_messages", "appeals", "residents", "buildings", "alembic_version"} <= tables

    again = gridbot("db", "upgrade", env=env)

    assert again.returncode == 0 and "数据库已是当前版本。" in again.stdout


def test_simulate_against_a_port_with_nothing_listening_says_so_without_a_traceback(tmp_path: Path) -> None:
    port = free_port_pair()
    url = f"http://127.0.0.1:{port}/wechat"

    result = gridbot("simulate", "--url", url, "--openid", "o1", "电梯坏了", env=clean_env(tmp_path))

    assert result.returncode != 0
    assert f"错误：连不上 {url}：gridbot demo（或 gridbot serve）在运行吗？" in result.stderr.splitlines()
    assert "Traceback" not in result.stdout + result.stderr


@pytest.mark.parametrize("missing, present", [
    ("WECHAT_TOKEN", {"WECHAT_APPID": "wx2c2769f8efd9abc2"}),
    ("WECHAT_APPID", {"WECHAT_TOKEN": "spamtest"}),
    ("GRIDBOT_SECRET_KEY", {"WECHAT_TOKEN": "spamtest", "WECHAT_APPID": "wx2c2769f8efd9abc2"}),
])
def test_serve_without_a_required_setting_names_it_and_exits_without_a_traceback(
    tmp_path: Path, missing: str, present: dict[str, str]
) -> None:
    port = free_port_pair()

    result = gridbot("serve", "--port", str(port), env=clean_env(tmp_path, **present), timeout=20)

    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert f"未设置 {missing}：请在环境变量中设置它。" in lines  # with every other variable left unset, one line each
    assert all(line.startswith("未设置 ") for line in lines)
    assert "Traceback" not in result.stdout + result.stderr
    assert port_is_free(port)


def test_serve_with_a_malformed_aes_key_names_wechat_aes_key(tmp_path: Path) -> None:
    env = clean_env(tmp_path, WECHAT_TOKEN="spamtest", WECHAT_APPID="wx2c2769f8efd9abc2", WECHAT_AES_KEY="too-short",
                    GRIDBOT_SECRET_KEY="gridbot-test-secret-key-0123456789abcdef")

    result = gridbot("serve", "--port", str(free_port_pair()), env=env, timeout=20)

    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == ["WECHAT_AES_KEY 必须是公众号后台“基本配置”里的 43 位 EncodingAESKey。"]
    assert "Traceback" not in result.stdout + result.stderr


@pytest.mark.parametrize("command", ["serve", "worker"])
def test_serve_and_worker_on_an_unmigrated_database_refuse_in_one_line_as_processes(tmp_path: Path,
                                                                                     command: str) -> None:
    env = clean_env(tmp_path / "data", WECHAT_TOKEN="spamtest", WECHAT_APPID="wx2c2769f8efd9abc2",
                    WECHAT_SECRET="secret", GRIDBOT_SECRET_KEY="gridbot-test-secret-key-0123456789abcdef")
    args = ["serve", "--port", str(free_port_pair())] if command == "serve" else ["worker"]

    result = gridbot(*args, env=env, timeout=30)
    stop_embedded_redis(tmp_path / "data")

    assert result.returncode == 3
    assert result.stderr.strip().splitlines() == ["数据库尚未升级到当前版本，请先运行 gridbot db upgrade"]
    assert result.stdout == ""


def test_db_upgrade_against_an_unreachable_database_is_one_line_with_exit_status_3(tmp_path: Path) -> None:
    env = clean_env(tmp_path, GRIDBOT_DATABASE_URL="postgres://gridbot:hunter2@127.0.0.1:1/gridbot")

    result = gridbot("db", "upgrade", env=env)

    assert result.returncode == 3
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("无法连接数据库 postgresql+psycopg://gridbot:***@127.0.0.1:1/gridbot：")
    assert "hunter2" not in result.stdout + result.stderr
