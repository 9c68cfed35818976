"""`gridbot demo`: the whole product on one machine, no credentials, nothing to install."""

from __future__ import annotations

import contextlib
import errno
import os
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import TypeVar

import requests
from alembic.util import CommandError
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from bot.clock import now_utc
from bot.demo import DEFAULT_WEBHOOK, claim, history, street
from bot.demo.sourced import OPERATOR_ENV_FILE
from bot.ports import bind_error
from bot.redisconn import answers, ensure_embedded_redis, stop_embedded_redis
from bot.settings import COMPAT, DEMO_TOKEN, PLAIN, SAFE, Settings
from handlers.os_reasons import os_reason
from nlp import load_taxonomy
from storage import private_files
from storage.db import Database, upgrade
from storage.models import Building
from storage.rates import LOCAL_ZONE

START_TIMEOUT_S = 60
DEMO_UNCLAIMED_MINUTES = 2
# The fake API accepts any template id; a real account copies its template's id from the console.
DEMO_RESIDENT_TEMPLATE_ID = "DEMO_RESIDENT_NOTICE"
DEMO_NOTICE_TEMPLATE_ID = "DEMO_BROADCAST_NOTICE"  # urgent broadcast notices, staff outside their window
WATCH_INTERVAL_S = 0.5
SQLITE_PREFIX = claim.SQLITE_PREFIX  # then a relative path; sqlite://// is an absolute one
_T = TypeVar("_T")
RESTART_BACKOFF_S = (1, 2, 4, 8, 15, 30)
STABLE_AFTER_S = 60  # a part that ran this long before dying is restarted quickly again


class DemoError(Exception):
    """The demo cannot start; the message says why in one line, for the person who started it."""


@dataclass
class _Restarts:
    """When something that died may be started again: quickly at first, then slower while it keeps dying."""

    what: str  # how the demo's messages name it
    started_at: float = field(default_factory=time.monotonic)
    failures: int = 0
    due: float | None = None  # when to start it again; None while it runs

    def died(self, how: str) -> None:
        if time.monotonic() - self.started_at >= STABLE_AFTER_S:
            self.failures = 0  # it ran for a good while: this is a new problem, not the same one again
        delay = RESTART_BACKOFF_S[min(self.failures, len(RESTART_BACKOFF_S) - 1)]
        self.failures += 1
        self.due = time.monotonic() + delay
        print(f"{self.what}{how}，{delay} 秒后重启（第 {self.failures} 次）。", file=sys.stderr, flush=True)

    def is_due(self) -> bool:
        return self.due is not None and time.monotonic() >= self.due

    def restarted(self) -> None:
        self.due = None
        self.started_at = time.monotonic()


@dataclass
class _Child:
    """One of the demo's processes, started again whenever it dies."""

    restarts: _Restarts
    arguments: list[str]
    env: dict[str, str]
    process: subprocess.Popen[bytes] = field(init=False)

    def __post_init__(self) -> None:
        self.process = _spawn(self.arguments, self.env)

    def watch(self) -> None:
        if self.restarts.due is None and self.process.poll() is not None:
            self.restarts.died(f"意外退出（exit {self.process.returncode}）")
        elif self.restarts.is_due():
            self.process = _spawn(self.arguments, self.env)
            self.restarts.restarted()


@dataclass
class _EmbeddedRedis:
    """The demo's own redis-server (a daemon, not a child): started again whenever it stops answering."""

    data_dir: Path
    url: str
    restarts: _Restarts = field(default_factory=lambda: _Restarts("内嵌 Redis"))

    def watch(self) -> None:
        if self.restarts.due is None and not answers(self.url):
            self.restarts.died("没有响应")
        elif self.restarts.is_due():
            try:
                ensure_embedded_redis(self.data_dir)
            except (OSError, RuntimeError, subprocess.SubprocessError) as error:
                self.restarts.started_at = time.monotonic()  # a failed start is no stable run: back off further
                self.restarts.died(f"重启失败（{_first_line(error)}）")
                return
            self.restarts.restarted()


def run_demo(settings: Settings, host: str, port: int, api_port: int | None = None) -> int:
    """Start everything, print what to try, keep it running until Ctrl-C; returns the exit code.

    The fake WeChat API listens on `api_port`, else on the port after `port`, else (that one taken, say by the
    neighbouring demo) on a free one: the guide and operator.env name it."""
    private_files.private_umask()  # the demo's processes and the redis-server create private files
    _check_data_dir(settings.data_dir)
    with _claimed(settings, port):
        return _run_claimed(settings, host, port, api_port)


@contextlib.contextmanager
def _claimed(settings: Settings, port: int) -> Iterator[None]:
    """The data directory held for this demo alone while it runs (bot/demo/claim.py), or DemoError."""
    try:
        lock = claim.claim(settings, port)
    except claim.DataDirInUse as refused:
        raise DemoError(str(refused)) from None
    with lock:
        yield


def _run_claimed(settings: Settings, host: str, port: int, api_port: int | None) -> int:
    _check_port("网页回调", host, port, "--port")
    fake_port = None if settings.wechat_api_base_url else _fake_api_port(port, api_port)
    embedded = settings.redis_url is None
    redis = None
    try:
        if embedded:
            redis = _EmbeddedRedis(settings.data_dir, _start_redis(settings.data_dir))
        api_base = settings.wechat_api_base_url or f"http://127.0.0.1:{fake_port}"
        env = _child_env(settings, redis.url if redis else settings.redis_url or "", api_base, port)
        children: list[_Child] = []
        try:
            # The fake API first, while the database is prepared: the worker delivers the seeded history's
            # messages as soon as it starts, and a call the fake was not up for yet waited half a minute for its
            # retry. By the time the database is ready the fake answers, so waiting for it costs nothing, and the
            # worker and the webhook start together as before (the guide follows them).
            if settings.wechat_api_base_url is None:
                fake = ["fake-wechat", "--host", "127.0.0.1", "--port", str(fake_port),
                        "--events-to", f"http://127.0.0.1:{port}/wechat"]
                children.append(_Child(_Restarts("模拟微信接口"), fake, env))
            _database(lambda: upgrade(settings.database_url))
            operator_env = _write_operator_env(settings.data_dir, env)
            if settings.wechat_api_base_url is None:
                _wait_until_up(f"{api_base}/_fake/stats", children)
            # The worker and the webhook start while the demo street is seeded (a few seconds): they find the
            # tables migrated, and the seeding's one transaction hides its rows, its history's messages among them,
            # until it commits (a worker that wants to write meanwhile waits for it). The guide follows them.
            children.append(_Child(_Restarts("后台任务（worker）"), ["worker"], env))
            serve = ["serve", "--host", host, "--port", str(port)]
            children.append(_Child(_Restarts("网页回调（webhook）"), serve, env))
            scene, quiet_ticket, console_password = _database(lambda: _seed(settings))
            _wait_until_up(f"http://127.0.0.1:{port}/healthz", children)
            _print_guide(settings, host, port, api_base, scene, quiet_ticket, env["GRIDBOT_RESIDENT_TEMPLATE_ID"],
                         operator_env, console_password)
            return _supervise(children, redis)
        finally:
            _stop(children)
    finally:
        if embedded:
            stop_embedded_redis(settings.data_dir)


def _check_data_dir(data_dir: Path) -> None:
    """The data directory exists (0700) and takes files, or the demo stops saying so."""
    try:
        private_files.private_directory(data_dir)
        with tempfile.TemporaryFile(dir=data_dir):
            pass
    except OSError as error:
        raise DemoError(f"数据目录 {data_dir} 无法写入（{os_reason(error)}）：请修改它的权限，"
                        "或用 GRIDBOT_DATA_DIR 换一个可写的目录。") from None


def _fake_api_port(port: int, api_port: int | None) -> int:
    """The fake API's port: the one asked for (stopping the demo if it is taken), else the next, else a free one."""
    if api_port is not None:
        _check_port("模拟微信接口", "127.0.0.1", api_port, "--api-port")
        return api_port
    if port < 65535 and bind_error("127.0.0.1", port + 1) is None:
        return port + 1
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _check_port(what: str, bind_host: str, number: int, option: str) -> None:
    """The port is free, or the demo stops saying which is taken, by what if it is a gridbot's, and what to do."""
    error = bind_error(bind_host, number)
    if error is None:
        return
    holder = _holder(number) if error.errno == errno.EADDRINUSE else None
    reason = f"已被{holder}占用" if holder else os_reason(error)
    raise DemoError(f"端口 {number}（{what}）无法使用（{reason}）：请用 {option} 换一个端口。")


def _holder(number: int) -> str | None:
    """Who listens on the port, if it answers as gridbot does: another demo's webhook or fake WeChat API."""
    for path, holder in (("/_fake/stats", "另一个演示的模拟微信接口"), ("/healthz", "另一个 gridbot 的网页回调")):
        try:
            response = requests.get(f"http://127.0.0.1:{number}{path}", timeout=1)
        except requests.RequestException:
            return None
        if path == "/healthz" and response.text.startswith(("ok", "down")):
            return holder
        if path == "/_fake/stats" and response.ok and response.headers.get("Content-Type", "").startswith(
                "application/json"):
            return holder
    return None


def _start_redis(data_dir: Path) -> str:
    try:
        return ensure_embedded_redis(data_dir)
    except (OSError, RuntimeError, subprocess.SubprocessError) as error:
        raise DemoError(f"内嵌 Redis 无法启动：{_first_line(error)}（可用 GRIDBOT_REDIS_URL 指定一个 Redis）。") from None


def _database(step: Callable[[], _T]) -> _T:
    """A step that prepares the demo's database (migrate, seed); what it returns, or DemoError saying why not."""
    try:
        return step()
    except (SQLAlchemyError, OSError) as error:
        reason = _first_line(getattr(error, "orig", None) or error)
        raise DemoError(f"数据库无法使用：{reason}（检查 GRIDBOT_DATABASE_URL 或数据目录）。") from None
    except CommandError:  # alembic cannot place the database's revision: a newer gridbot migrated it
        raise DemoError("数据库已被更新版本的 gridbot 升级过：请用新版本运行演示，或用 GRIDBOT_DATA_DIR 换一个数据目录。") from None


def _first_line(error: BaseException) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0]


def _seed(settings: Settings) -> tuple[str, str, str]:
    """The demo street and its console account; returns a building's QR scene, the ticket of the quiet
    resident's appeal and the console password."""
    database = Database(settings.database_url)
    with database.transaction() as session:
        street.seed(session, now_utc())
        history.seed_history(session, load_taxonomy(settings.taxonomy_path), street.DEMO, now_utc())
        quiet_ticket = street.seed_quiet_resident(session, now_utc())
        scene = session.scalars(select(Building.scene_key).order_by(Building.id)).first() or ""
        password = street.seed_console_operator(session, now_utc())
    database.dispose()
    return scene, quiet_ticket, password


def _child_env(settings: Settings, redis_url: str, api_base: str, port: int) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        WECHAT_TOKEN=settings.wechat_token,
        WECHAT_APPID=settings.wechat_appid,
        WECHAT_SECRET=settings.wechat_secret,
        WECHAT_AES_KEY=settings.wechat_aes_key or "",
        GRIDBOT_SECRET_KEY=settings.secret_key or "",
        GRIDBOT_WECHAT_MODE=settings.mode,
        WECHAT_API_BASE_URL=api_base,
        GRIDBOT_DATABASE_URL=settings.database_url,
        GRIDBOT_REDIS_URL=redis_url,
        GRIDBOT_DATA_DIR=str(settings.data_dir),
    )
    if settings.account_name:
        env["GRIDBOT_ACCOUNT_NAME"] = settings.account_name  # the demo street's: printed invites name it
    # Short enough to watch an unclaimed appeal reach the grid leader during a demo.
    env.setdefault("GRIDBOT_UNCLAIMED_MINUTES", str(DEMO_UNCLAIMED_MINUTES))
    # A demo tried in the evening shows every step at once: residents' news is not held for the morning.
    env.setdefault("GRIDBOT_QUIET_HOURS", "off")
    # Photo links in cards and 查询 open on this machine, on the port the demo serves.
    env["GRIDBOT_PUBLIC_URL"] = settings.public_url or f"http://127.0.0.1:{port}"
    # Residents whose reply window closed get their notices as this one generic template message.
    env["GRIDBOT_RESIDENT_TEMPLATE_ID"] = env.get("GRIDBOT_RESIDENT_TEMPLATE_ID") or DEMO_RESIDENT_TEMPLATE_ID
    # Broadcast notices: urgent ones and staff outside their window go as this template message.
    env["GRIDBOT_NOTICE_TEMPLATE_ID"] = env.get("GRIDBOT_NOTICE_TEMPLATE_ID") or DEMO_NOTICE_TEMPLATE_ID
    return env


def _write_operator_env(data_dir: Path, env: dict[str, str]) -> Path:
    """The demo's settings as a file to `source` in another terminal, so the operator's commands (gridbot appeals,
    staff, report …) reach the demo's database, Redis and fake API. Private: it holds the demo's keys."""
    path = data_dir.resolve() / OPERATOR_ENV_FILE
    lines = [f"export {name}={shlex.quote(value)}" for name, value in sorted(_with_absolute_paths(env).items())
             if name.startswith(("WECHAT_", "GRIDBOT_"))]
    with private_files.private_file(path).open("w", encoding="utf-8") as file:
        file.write("# gridbot demo: source this file to run operator commands against the running demo\n")
        file.write("\n".join(lines) + "\n")
    return path


def _with_absolute_paths(env: dict[str, str]) -> dict[str, str]:
    """`env` with the data directory and an SQLite file made absolute: the other terminal may be anywhere (in
    the folder of the office's spreadsheets), where a relative SQLite path opens a new, empty database."""
    absolute = dict(env)
    if env.get("GRIDBOT_DATA_DIR"):
        absolute["GRIDBOT_DATA_DIR"] = str(Path(env["GRIDBOT_DATA_DIR"]).resolve())
    database_url = env.get("GRIDBOT_DATABASE_URL", "")
    if database_url.startswith(SQLITE_PREFIX) and not database_url.startswith(SQLITE_PREFIX + "/"):
        absolute["GRIDBOT_DATABASE_URL"] = SQLITE_PREFIX + str(Path(database_url.removeprefix(SQLITE_PREFIX)).resolve())
    return absolute


def _spawn(arguments: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "bot", *arguments], env=env)


def _wait_until_up(url: str, children: list[_Child]) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if any(child.process.poll() is not None for child in children):
            raise DemoError("一个演示进程在启动时退出，原因见上面的输出。")
        try:
            if requests.get(url, timeout=1).status_code == 200:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.2)
    raise DemoError(f"{url} 在 {START_TIMEOUT_S} 秒内没有响应。")


def _supervise(children: list[_Child], redis: _EmbeddedRedis | None) -> int:
    """Until Ctrl-C or SIGTERM: whatever dies is started again, with backoff; the others keep running."""
    stopping = False

    def on_signal(_signum: int, _frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    watched: list[_Child | _EmbeddedRedis] = [*children, *([redis] if redis else [])]
    while not stopping:
        time.sleep(WATCH_INTERVAL_S)
        for part in watched:
            if stopping:  # a terminal's Ctrl-C stops the children too: that is not a death to recover from
                break
            part.watch()
    print("\n演示已停止。")
    return 0


def _stop(children: list[_Child]) -> None:
    for child in children:
        if child.process.poll() is None:
            child.process.terminate()
    for child in children:
        try:
            child.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            child.process.kill()


def _print_guide(settings: Settings, host: str, port: int, api_base: str, scene: str, quiet_ticket: str,
                 template_id: str, operator_env: Path, console_password: str) -> None:
    gridbot = _gridbot_command()
    month = now_utc().astimezone(LOCAL_ZONE).strftime("%Y-%m")
    local_url = f"http://127.0.0.1:{port}/wechat"
    if host in ("0.0.0.0", "::"):
        webhook = f"http://<本机对外地址>:{port}/wechat（本机访问：{local_url}）"
    else:
        webhook = f"http://{host}:{port}/wechat"
    # The guide's simulate lines work as printed on any port: simulate's own default is the default port's webhook.
    simulate = f"{gridbot} simulate" + ("" if local_url == DEFAULT_WEBHOOK else f" --url {local_url}")
    token_source = "来自环境变量" if settings.wechat_token != DEMO_TOKEN else f"演示默认值 {DEMO_TOKEN}"
    print(
        f"""
================ 网格诉求助手 gridbot 演示已启动 ================
微信服务器配置（URL）：{webhook}   （Token：{token_source}；{_mode_words(settings)}）
模拟微信接口（机器人发出的每条消息）：{api_base}/
数据目录：{settings.data_dir}

控制台（浏览器打开）：http://127.0.0.1:{port}/console/
  用户名 {street.CONSOLE_USERNAME}   密码 {console_password}
      演示管理员，看得到整个幸福街道：待分类、待接单、超时等队列，诉求列表和办理记录；
      已备好最近四周的演示诉求（接单、办结、评价、不满意重办都有），三率和待分类队列一打开就有数据；
      试试：待分类一键改分类、超时队列、数据看板、三率排名、通知→发新通知（范围 幸福里社区/第一网格，看进度条到 100%）；
      密码每次启动随机生成（--host 0.0.0.0 时同一网络的人也能打开控制台）；另建账号：gridbot user add

在另一个终端试试：
  {simulate} --openid o1 "3号楼电梯坏了，物业一直不来修"
      o1 已绑定 幸福里社区·第一网格 3号楼1单元：回复编号、类别、网格；网格员张伟、李娜收到新诉求（见模拟接口页面）
  {simulate} --openid o1 我的诉求
  {simulate} --openid o1 --plain "楼道灯坏了好几天了"     （明文消息：安全模式下被拒绝，HTTP 403）
  {simulate} --openid o3 "小区门口垃圾堆了三天没人清"
      o3 是新居民：诉求先暂存，机器人引导绑定住址，回复序号即可（如 1、1、1、1）
  {simulate} --openid o4 --event SCAN --key {scene}      （扫楼栋二维码一步绑定）
  {simulate} --openid o5 "3号楼的电梯又坏了，上下楼很不方便"
      o5 是 o1 同楼的邻居（3号楼2单元）：照常受理，并提示同楼已有相同诉求；回复 1 加入，之后同步收到办理进展
  {simulate} --openid o5 1
  {simulate} --openid o1 "居住证在哪里办？"
      政策咨询：问答库（docs/faq-sample.csv）里有的问题立即答复；没解决再发“转人工”，登记为诉求
  {simulate} --openid o1 帮助
  {simulate} --openid o7 "有人晕倒了"
      紧急情况：回复第一行就是要打的电话（120）和马上该做的事；任务卡标【紧急】立即发给网格全员和社区操作员
  {simulate} --openid o1 --voice "我的诉求。"      （语音识别带句号的指令照样认得）
  {simulate} --openid o1 "电梯还没修好！！"        （催办：回复办理状态，不另立新诉求；任务卡发出 10 分钟后再催才提醒承办人，之前任务卡刚发出）
  {simulate} --openid o6 "1.小区门口路灯坏了 2.垃圾桶满了没人倒"
      一条消息几件事：回复里列出每件事，再发“分开”各自登记（各自的类别和网格员），发“不用了”一起办理
  {simulate} --openid o6 分开

网格员（张伟 demo_staff_zhangwei、李娜 demo_staff_lina，网格长 王强 demo_staff_wangqiang）在同一公众号办理：
  {simulate} --openid demo_staff_lina "接单 编号"
  {simulate} --openid demo_staff_lina "进展 编号 已联系电梯维保公司"
  {simulate} --openid demo_staff_lina "办结 编号 已修好"   （随后 --image 发现场照片）
  {simulate} --openid o1 1                                 （居民评价：1 满意 / 2 基本满意 / 3 不满意）
  {simulate} --openid o1 "不太满意，修了好几天"             （也可以直接说：不满意会重新打开，原话转给承办人）
  {simulate} --openid demo_staff_zhangwei "退回 编号 不是本网格的事"
  {simulate} --openid demo_staff_sunli 我的任务                （退回的诉求排在最前）
  {simulate} --openid demo_staff_sunli "改派 1 第二网格"        （改派给网格或网格员，也可 gridbot reassign 编号 第二网格）
  {simulate} --openid demo_staff_sunli "合并 编号 目标编号"   （操作员孙丽：同一问题的两条诉求并为一条；网格长也可以）
  {simulate} --openid demo_staff_sunli "拆分 编号"              （撤销合并，诉求重新派发）
  {simulate} --openid o1 "有个事情想反映一下"                    （自动分类没把握：进入待分类）
  {simulate} --openid demo_staff_sunli 待分类                    （操作员看待分类诉求和机器建议）
  {simulate} --openid demo_staff_sunli "分类 编号 小区治理"      （改正类别；改正会存为训练样本）
  无人接单的诉求 {DEMO_UNCLAIMED_MINUTES} 分钟后升级给网格长（演示设置，正式默认 30 分钟）。
  居民的通知随时发出（演示设置；正式运行时夜里 22:00–07:00 产生的到 07:00 才发，紧急诉求的除外：GRIDBOT_QUIET_HOURS）。

模板消息：居民 o8 两天前反映了 {quiet_ticket}（2号楼楼道灯），之后没再发消息，48 小时回复窗口已关闭：
  {simulate} --openid demo_staff_lina "接单 {quiet_ticket}"
      o8 的“已接单”通知以模板消息发出（模拟接口页面显示“模板 {template_id}”）：全部居民通知共用
      GRIDBOT_RESIDENT_TEMPLATE_ID 这一个模板（编号、状态、时间）；没有配置时窗口关闭后的通知发不出去
  curl -s http://127.0.0.1:{port}/healthz?detail=1        （配置提醒，如居民通知没有模板）

广播通知：操作员孙丽给一个网格发通知，先看预览（每个渠道几人、谁不发、为什么），确认后由 worker 群发：
  {simulate} --openid demo_staff_sunli "通知 幸福里社区/第一网格 本周六上午9点小区消防演练，请大家配合"
  {simulate} --openid demo_staff_sunli "确认 发送"          （回复通知编号；居民的群发消息见模拟接口页面）
  {simulate} --openid demo_staff_sunli "通知进度 编号"       （已发、被微信过滤、失败、未发送，到 100%）
  {simulate} --openid demo_staff_louzhang "已转达 编号"     （楼长赵阿姨：已转告不用微信的邻居，计入通知）
  {simulate} --openid o7 退订通知                          （一般通知不再发给 o7；紧急通知照发，订阅通知 恢复）
  公开全文：http://127.0.0.1:{port}/n/编号                          （模板消息点开看到的页面，不含任何个人信息）

聚焦办：同一楼栋 7 天内 3 件同类诉求（小区 5 件、网格 8 件）自动立为聚焦事项，网格长和社区操作员收到提醒：
  {simulate} --openid o1 "3号楼停水了，一整天没水"     （再用 --openid o5、--openid o6 各发一次，都住 3号楼）
  {simulate} --openid demo_staff_wangqiang 聚焦       （结案：结案 案号 处理说明）

楼长：赵阿姨 demo_staff_louzhang 是阳光花园 3号楼的楼长，替不用微信的邻居反映问题（代报），进展和评价都由她转达：
  {simulate} --openid demo_staff_louzhang "代报 2单元 王奶奶家水管漏水了"   （按单元登记，派给第一网格）
  {simulate} --openid demo_staff_louzhang "代报 3-2-501 门口堆满了杂物"     （门牌：只有接单人看得到全号）
  {simulate} --openid demo_staff_louzhang 帮助           （楼长的指令；接单、我的任务等网格员指令会被婉拒）

操作员在命令行办理（另开一个终端，先载入演示的设置；README“街道办的一个月”有完整的说明）：
  source {shlex.quote(str(operator_env))}
  {gridbot} appeals list --overdue                  （超时的诉求：{quiet_ticket} 两天没人接单）
  {gridbot} appeals show {quiet_ticket}                 （一条诉求的全部记录）
  {gridbot} staff list --scope 幸福里社区            （谁在岗、手上有几件）
  {gridbot} invite --role 楼长 --building 阳光花园·1号楼 --name 钱阿姨   （邀请楼长，认证后可代报）
  {gridbot} staff duty 张伟 休假 --until 12-31       （派单模式只派给在岗的人）
  {gridbot} grid list                               （每个网格：派单方式、在岗人数、未办结）
  {gridbot} focus list                              （聚焦办事项）
  {gridbot} outbox failed                           （没送达的通知和原因）
  {gridbot} org codes --scope 幸福里社区 --out 海报   （每栋楼一张绑定二维码海报，PDF）
  {gridbot} notice send --scope 幸福里社区/第一网格/阳光花园/3号楼 --text "3号楼明天8点至12点停水检修" --urgent --kind 停水
                                                    （紧急通知：模板消息，每人一条；不加 --yes 先看预览再确认）
  {gridbot} notice status 编号 --watch                （进度条，到 100% 为止；--json 给脚本用）
  {gridbot} notice list                             （最近的通知；gridbot notice cancel 编号 撤销未发出的部分）
  {gridbot} rates --by grid                         （本月的响应率、解决率、满意率，按综合成绩排名，和上月比）
  {gridbot} report --month {month} --xlsx 月报.xlsx    （网格和网格员的派发、响应、办结、评价和三率）

党建引领：o9 住阳光花园 2号楼，是在职党员，到居住小区报到；社区确认后领取志愿任务（领单）、攒积分（命令行的几步在
上面 source 过演示设置的终端里运行）：
  {simulate} --openid o9 党员报到                    （依次回复姓名和党组织）
  {simulate} --openid o9 陈明
  {simulate} --openid o9 市税务局第二党支部
  {gridbot} members pending                                （待确认的报到）
  {gridbot} members confirm 陈明                            （也可以由操作员孙丽在聊天里回复：确认报到 陈明）
  {gridbot} wishes add --scope 幸福里社区/第一网格 --text "独居的刘奶奶想请人帮忙换个厨房灯泡"   （打印心愿编号 W…）
  {simulate} --openid o9 可领任务                    （本小区的微心愿和适合志愿者的诉求，不含电话和门牌）
  {simulate} --openid o9 "领单 心愿编号"               （一件事只有一人领得到；网格员张伟、李娜收到提醒）
  {simulate} --openid o9 "完成 心愿编号 已帮刘奶奶换好灯泡"   （随后 --image 发照片）
  {simulate} --openid demo_staff_zhangwei "确认完成 心愿编号"   （网格员核实后确认，陈明得积分）
  {simulate} --openid o9 我的积分
  {gridbot} points report --month {month}                  （本月积分：每人按规则、冲正、兑换、余额）
  {gridbot} org posts --scope 幸福里社区                     （谁担任什么：小区党支部、楼长、单元长、党员中心户、志愿者）

按 Ctrl-C 停止。
""",
        flush=True,  # a pipe (a supervisor, a test) sees the guide at once
    )


def _mode_words(settings: Settings) -> str:
    """The message mode in the guide's words (GRIDBOT_WECHAT_MODE; the demo's AES key makes it safe)."""
    return {SAFE: "安全模式：只收加密消息", COMPAT: "兼容模式：明文和加密都收（较弱）",
            PLAIN: "明文模式"}[settings.mode]


def _gridbot_command() -> str:
    script = Path(sys.executable).parent / "gridbot"
    if shutil.which("gridbot") == str(script):
        return "gridbot"
    try:
        return str(script.relative_to(Path.cwd()))
    except ValueError:
        return str(script)
