"""What the `gridbot user` commands print, in the operator's Chinese, in one place."""

from __future__ import annotations

from datetime import datetime

from bot.media_links import DEFAULT_PUBLIC_URL
from handlers.resident_texts import clock
from storage.console_users import DISPLAY_NAME_MAX, PASSWORD_MAX, PASSWORD_MIN, ROLE_NAMES, Account

PASSWORD_PROMPT = "密码"
PASSWORD_AGAIN = "再输入一次密码"
PASSWORDS_DIFFER = "两次输入的密码不一样，请重新输入。"
NO_PASSWORD_ON_STDIN = "没有从标准输入读到密码。请在终端里运行（会提示输入两次），或用管道传入一行密码。"
WEAK_PASSWORD = {
    "empty": "密码不能为空。",
    "short": f"密码太短：至少 {PASSWORD_MIN} 个字符。",
    "long": f"密码太长：最多 {PASSWORD_MAX} 个字符。",
    "one_kind": "密码太简单：请同时使用字母、数字、符号中的至少两类。",
    "has_username": "密码不能包含用户名。",
    "common": "这是常见密码，很容易被猜到，请换一个。",
}
INVALID_ACCOUNT = {
    "bad_username": "用户名“{detail}”不可用：3–32 个字符，只用小写字母、数字和 . _ -，以字母或数字开头。",
    "taken": "用户名“{detail}”已经有人用了（gridbot user list 查看全部账号）。",
    "name_taken": "显示名“{detail}”已经有账号在用，操作记录会分不清是谁：请加上部门或编号区分，如“{detail}（民政）”。",
    "bad_role": "角色只能是 管理员、街道 或 社区（收到：“{detail}”）。",
    "needs_scope": "街道和社区账号要用 --scope 指明管辖的街道或社区，例如 --scope 幸福里社区。",
    "no_scope": "管理员账号管辖全部，不用 --scope（收到：“{detail}”）。",
    "bad_name": f"显示名太长：最多 {DISPLAY_NAME_MAX} 个字。",
}
UNKNOWN_STREET = "找不到街道“{name}”。"
UNKNOWN_COMMUNITY = "找不到社区“{name}”。"
# After either, when there are names to offer: write the scope as imported (gridbot org list).
KNOWN_STREETS = "现有的街道：{candidates}"
SIMILAR_COMMUNITIES = "您是不是要找：{candidates}"
AMBIGUOUS_COMMUNITY = "有几个社区叫“{name}”，请写成 街道·社区：{candidates}"
NO_SUCH_USER = "没有用户名为“{name}”的账号（gridbot user list 查看全部账号）。"
DATABASE_FAILED = "数据库操作失败（{reason}），没有改动。请检查 GRIDBOT_DATABASE_URL 后重试。"
ADDED = "已创建控制台账号 {username}（{name}，{role}{scope}）。登录地址：{url}"
DISABLED = "已停用账号 {username}（{name}）：不能再登录，已登录的页面在下一次操作时退出。办理记录里仍显示其姓名。"
ALREADY_DISABLED = "账号 {username}（{name}）早已停用。"
ENABLED = "已重新启用账号 {username}（{name}）：可以用原来的密码登录。如果担心密码已泄露，请再运行 gridbot user passwd {username}。"
ALREADY_ENABLED = "账号 {username}（{name}）本来就是启用的。"
PASSWORD_CHANGED = "已为 {username} 设置新密码；用旧密码登录的页面在下一次操作时退出。"
LIST_NONE = "还没有控制台账号。创建：gridbot user add 用户名 --role 管理员|街道|社区 [--scope 名称] [--name 显示名]"
LIST_HEADER = "控制台账号 {n} 个："
STATES = {True: "启用", False: "已停用"}
CONSOLE_PATH = "/console/"


def account_line(account: Account, now: datetime) -> str:
    """One account of `gridbot user list`: username, name, role and scope, state, created, password last set (a
    time of another year than `now`'s with its year)."""
    user = account.user
    scope = f" {account.scope_label}" if account.scope_label else ""
    state = STATES[user.active] + (f"（{clock(user.disabled_at, now)}）" if user.disabled_at else "")
    return (f"  {user.username}  {user.display_name}  {ROLE_NAMES.get(user.role, user.role)}{scope}  {state}  "
            f"创建于 {clock(user.created_at, now)}，密码设于 {clock(user.password_changed_at, now)}")


def added(username: str, name: str, role: str, scope_label: str, public_url: str | None) -> str:
    """What `gridbot user add` prints: the account and where to log in."""
    url = (public_url or DEFAULT_PUBLIC_URL).rstrip("/") + CONSOLE_PATH
    return ADDED.format(username=username, name=name, role=ROLE_NAMES.get(role, role),
                        scope=f" {scope_label}" if scope_label else "", url=url)
