"""`gridbot demo`: the whole product on one machine, no credentials, nothing to install."""

from __future__ import annotations

import os
import shlex
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from types import FrameType

import requests
from sqlalchemy import select

from bot import demo_data
from bot.clock import now_utc
from bot.redisconn import ensure_embedded_redis, stop_embedded_redis
from bot.settings import COMPAT, DEMO_TOKEN, PLAIN, SAFE, Settings
from storage.db import Database, upgrade
from storage.models import Building

START_TIMEOUT_S = 60
DEMO_UNCLAIMED_MINUTES = 2
# The fake API accepts any template id; a real account copies its template's id from the console.
DEMO_RESIDENT_TEMPLATE_ID = "DEMO_RESIDENT_NOTICE"


def run_demo(settings: Settings, host: str, port: int) -> int:
    """Start everything, print what to try, run until Ctrl-C; returns the exit code."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    embedded = settings.redis_url is None
    redis_url = settings.redis_url or ensure_embedded_redis(settings.data_dir)
    upgrade(settings.database_url)
    scene, quiet_ticket = _seed(settings)
    fake_port = port + 1
    api_base = settings.wechat_api_base_url or f"http://127.0.0.1:{fake_port}"
    env = _child_env(settings, redis_url, api_base)
    children: list[subprocess.Popen[bytes]] = []
    try:
        if settings.wechat_api_base_url is None:
            children.append(_spawn(["fake-wechat", "--host", "127.0.0.1", "--port", str(fake_port)], env))
            _wait_until_up(f"{api_base}/_fake/stats", children)
        children.append(_spawn(["worker"], env))
        children.append(_spawn(["serve", "--host", host, "--port", str(port), "--workers", "2"], env))
        _wait_until_up(f"http://127.0.0.1:{port}/healthz", children)
        _print_guide(settings, host, port, api_base, scene, quiet_ticket, env["GRIDBOT_RESIDENT_TEMPLATE_ID"])
        return _supervise(children)
    finally:
        _stop(children)
        if embedded:
            stop_embedded_redis(settings.data_dir)


def _seed(settings: Settings) -> tuple[str, str]:
    """The demo street; returns a building's QR scene and the ticket of the quiet resident's appeal."""
    database = Database(settings.database_url)
    with database.transaction() as session:
        demo_data.seed(session, now_utc())
        quiet_ticket = demo_data.seed_quiet_resident(session, now_utc())
        scene = session.scalars(select(Building.scene_key).order_by(Building.id)).first() or ""
    database.dispose()
    return scene, quiet_ticket


def _child_env(settings: Settings, redis_url: str, api_base: str) -> dict[str, str]:
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
    # Short enough to watch an unclaimed appeal reach the grid leader during a demo.
    env.setdefault("GRIDBOT_UNCLAIMED_MINUTES", str(DEMO_UNCLAIMED_MINUTES))
    # Residents whose reply window closed get their notices as this one generic template message.
    env["GRIDBOT_RESIDENT_TEMPLATE_ID"] = env.get("GRIDBOT_RESIDENT_TEMPLATE_ID") or DEMO_RESIDENT_TEMPLATE_ID
    return env


def _spawn(arguments: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "bot", *arguments], env=env)


def _wait_until_up(url: str, children: list[subprocess.Popen[bytes]]) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if any(child.poll() is not None for child in children):
            raise SystemExit("a demo process exited during start-up; see the messages above")
        try:
            if requests.get(url, timeout=1).status_code == 200:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"{url} did not answer within {START_TIMEOUT_S}s")


def _supervise(children: list[subprocess.Popen[bytes]]) -> int:
    stopping = False

    def on_signal(_signum: int, _frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    while not stopping:
        for child in children:
            if child.poll() is not None:
                print(f"\n一个演示进程意外退出（exit {child.returncode}），演示停止。", file=sys.stderr)
                return 1
        time.sleep(0.5)
    print("\n演示已停止。")
    return 0


def _stop(children: list[subprocess.Popen[bytes]]) -> None:
    for child in children:
        if child.poll() is None:
            child.terminate()
    for child in children:
        try:
            child.wait(timeout=10)
        except subprocess.TimeoutExpired:
            child.kill()


def _print_guide(settings: Settings, host: str, port: int, api_base: str, scene: str, quiet_ticket: str,
                 template_id: str) -> None:
    gridbot = _gridbot_command()
    local_url = f"http://127.0.0.1:{port}/wechat"
    if host in ("0.0.0.0", "::"):
        webhook = f"http://<本机对外地址>:{port}/wechat（本机访问：{local_url}）"
    else:
        webhook = f"http://{host}:{port}/wechat"
    token_source = "来自环境变量" if settings.wechat_token != DEMO_TOKEN else f"演示默认值 {DEMO_TOKEN}"
    print(
        f"""
================ 网格诉求助手 gridbot 演示已启动 ================
微信服务器配置（URL）：{webhook}   （Token：{token_source}；{_mode_words(settings)}）
模拟微信接口（机器人发出的每条消息）：{api_base}/
数据目录：{settings.data_dir}

在另一个终端试试：
  {gridbot} simulate --openid o1 "3号楼电梯坏了，物业一直不来修"
      o1 已绑定 幸福里社区·第一网格 3号楼1单元：回复编号、类别、网格；网格员张伟、李娜收到新诉求（见模拟接口页面）
  {gridbot} simulate --openid o1 我的诉求
  {gridbot} simulate --openid o1 --plain "楼道灯坏了好几天了"     （明文消息：安全模式下被拒绝，HTTP 403）
  {gridbot} simulate --openid o3 "小区门口垃圾堆了三天没人清"
      o3 是新居民：诉求先暂存，机器人引导绑定住址，回复序号即可（如 1、1、1、1）
  {gridbot} simulate --openid o4 --event SCAN --key {scene}      （扫楼栋二维码一步绑定）
  {gridbot} simulate --openid o5 "3号楼的电梯又坏了，上下楼很不方便"
      o5 是 o1 同楼的邻居（3号楼2单元）：照常受理，并提示同楼已有相同诉求；回复 1 加入，之后同步收到办理进展
  {gridbot} simulate --openid o5 1
  {gridbot} simulate --openid o1 "居住证在哪里办？"
      政策咨询：问答库（docs/faq-sample.csv）里有的问题立即答复；没解决再发“转人工”，登记为诉求
  {gridbot} simulate --openid o1 帮助

网格员（张伟 demo_staff_zhangwei、李娜 demo_staff_lina，网格长 王强 demo_staff_wangqiang）在同一公众号办理：
  {gridbot} simulate --openid demo_staff_lina "接单 编号"
  {gridbot} simulate --openid demo_staff_lina "进展 编号 已联系电梯维保公司"
  {gridbot} simulate --openid demo_staff_lina "办结 编号 已修好"   （随后 --image 发现场照片）
  {gridbot} simulate --openid o1 1                                 （居民评价：1 满意 / 2 基本满意 / 3 不满意）
  {gridbot} simulate --openid demo_staff_sunli "合并 编号 目标编号"   （操作员孙丽：同一问题的两条诉求并为一条；网格长也可以）
  {gridbot} simulate --openid demo_staff_sunli "拆分 编号"              （撤销合并，诉求重新派发）
  {gridbot} simulate --openid o1 "有个事情想反映一下"                    （自动分类没把握：进入待分类）
  {gridbot} simulate --openid demo_staff_sunli 待分类                    （操作员看待分类诉求和机器建议）
  {gridbot} simulate --openid demo_staff_sunli "分类 编号 小区治理"      （改正类别；改正会存为训练样本）
  无人接单的诉求 {DEMO_UNCLAIMED_MINUTES} 分钟后升级给网格长（演示设置，正式默认 30 分钟）。

模板消息：居民 o8 两天前反映了 {quiet_ticket}（2号楼楼道灯），之后没再发消息，48 小时回复窗口已关闭：
  {gridbot} simulate --openid demo_staff_lina "接单 {quiet_ticket}"
      o8 的“已接单”通知以模板消息发出（模拟接口页面显示“模板 {template_id}”）：全部居民通知共用
      GRIDBOT_RESIDENT_TEMPLATE_ID 这一个模板（编号、状态、时间）；没有配置时窗口关闭后的通知发不出去
  curl -s http://127.0.0.1:{port}/healthz?detail=1        （配置提醒，如居民通知没有模板）

聚焦办：同一楼栋 7 天内 3 件同类诉求（小区 5 件、网格 8 件）自动立为聚焦事项，网格长和社区操作员收到提醒：
  {gridbot} simulate --openid o1 "3号楼停水了，一整天没水"     （再用 --openid o5、--openid o6 各发一次，都住 3号楼）
  {gridbot} simulate --openid demo_staff_wangqiang 聚焦       （结案：结案 案号 处理说明）
  {_focus_list_command(settings, gridbot)}

按 Ctrl-C 停止。
""",
        flush=True,  # a pipe (a supervisor, a test) sees the guide at once
    )


def _mode_words(settings: Settings) -> str:
    """The message mode in the guide's words (GRIDBOT_WECHAT_MODE; the demo's AES key makes it safe)."""
    return {SAFE: "安全模式：只收加密消息", COMPAT: "兼容模式：明文和加密都收（较弱）",
            PLAIN: "明文模式"}[settings.mode]


def _focus_list_command(settings: Settings, gridbot: str) -> str:
    """`gridbot focus list` on the demo's database (another terminal doesn't have the demo's settings).

    Only a SQLite path is spelled out: a PostgreSQL URL came from the user's environment and may hold a password.
    """
    if not settings.database_url.startswith("sqlite"):
        return f"{gridbot} focus list"
    return f"GRIDBOT_DATABASE_URL={shlex.quote(settings.database_url)} {gridbot} focus list"


def _gridbot_command() -> str:
    script = Path(sys.executable).parent / "gridbot"
    if shutil.which("gridbot") == str(script):
        return "gridbot"
    try:
        return str(script.relative_to(Path.cwd()))
    except ValueError:
        return str(script)
