"""What the `gridbot invite` and `gridbot staff` commands print, in the operator's Chinese, in one place.

Personal phone numbers only masked (138****5678); a published work phone whole; never an openid.
"""

from __future__ import annotations

from datetime import date, datetime

from handlers.resident_texts import clock
from handlers.staff_texts import INVITEE_UNNAMED, ROLE_TITLES, masked_phone, month_day, scope
from storage.duty import Duty
from storage.invites import Invite, InviteStatus
from storage.models import StaffRole
from storage.reassigning import Reassigned
from storage.roster import Member, Moved

# --- invites ----------------------------------------------------------------------------------------------

INVITE_UNNAMED_ACCOUNT = "本社区的微信公众号"
INVITE_STREET_ONLY_OPERATOR = ("--street 只用于邀请街道操作员（--role 操作员）和街道的部门人员（--role 部门），"
                               "且不能与 --community、--grid、--all-streets 同时使用。")
INVITE_PHONE_BOUND_NEEDS_PHONE = "需要核对手机号时请用 --phone 给出对方的手机号。"
INVITE_UNKNOWN_DEPARTMENT = "未知部门“{name}”。可选：{known}"
INVITE_NO_DEPARTMENTS = "未知部门“{name}”：分类表（GRIDBOT_TAXONOMY）里没有派往部门的类别。"
INVITE_LIST_HEADER = {False: "待使用的邀请 {n} 个：", True: "全部邀请 {n} 个："}
INVITE_LIST_NONE = {False: "没有待使用的邀请（gridbot invite list --all 查看全部）。", True: "还没有生成过邀请。"}
INVITE_STATUS = {
    InviteStatus.PENDING: "待使用，{expires} 前有效",
    InviteStatus.USED: "已使用（{used}）",
    InviteStatus.EXPIRED: "已过期（{expires}）",
    InviteStatus.REVOKED: "已撤销（{revoked}）",
    InviteStatus.DEAD: "已失效：服务器密钥（GRIDBOT_SECRET_KEY）更换过，验证码不能再用，请重新邀请",
}
INVITE_REVOKED = "已撤销邀请 [{id}]（{who}）：这个验证码不能再用于认证。"
INVITE_NOT_FOUND = "找不到邀请“{typed}”。请写验证码或编号（gridbot invite list 可查看编号）。"
INVITE_NOT_REVOCABLE = {
    InviteStatus.USED: "邀请 [{id}] 已经使用过，无法撤销；如需停用此人，请用 gridbot staff disable 姓名。",
    InviteStatus.EXPIRED: "邀请 [{id}] 已过期，无需撤销。",
    InviteStatus.REVOKED: "邀请 [{id}] 已经撤销过了。",
    InviteStatus.DEAD: "邀请 [{id}] 在服务器密钥更换前生成，已经失效，无需撤销。",
}
INVITE_EARLIER_WAITING = ("注意：{name} 已有待使用的邀请 {ids}，用其中任何一个验证码都能认证为这个身份；"
                          "不再需要的请撤销，例如 gridbot invite revoke {first}。")
INVITE_DATABASE_FAILED = "数据库操作失败（{reason}），没有改动。请检查 GRIDBOT_DATABASE_URL 后重试。"
# What the invited person will do, in the text forwarded to them.
INVITE_DUTY = "在微信公众号里接收和办理居民诉求。"
INVITE_DUTIES = {
    "building_lead": "在微信公众号里接收本楼的通知并转达给邻居，也可以替不用微信的邻居反映问题（代报）。",
    "unit_lead": "在微信公众号里领取身边的志愿任务（可领任务），也可以替本楼不用微信的邻居反映问题（代报），参与即有积分。",
    "party_household": "在微信公众号里领取身边的志愿任务（可领任务），也可以替本楼不用微信的邻居反映问题（代报），参与即有积分。",
    "party_member": "在微信公众号里领取身边的志愿任务（可领任务），也可以替本楼不用微信的邻居反映问题（红色代办），参与即有积分。",
    "volunteer": "在微信公众号里领取身边的志愿任务（可领任务），参与即有积分（我的积分）。",
}


def invite_created(invite_id: int, role: str, place: str | None, department: str | None, name: str,
                   phone: str | None, code: str, hours: int, expires_at: datetime, account: str | None,
                   now: datetime) -> str:
    """What `gridbot invite` prints: the invite for the operator's records, then a text to forward as it is (its
    expiry with the year when that is another than `now`'s: made on 30 December, it runs out in January)."""
    contact = f"（{masked_phone(phone)}）" if phone else ""
    person = f"，{name}{contact}" if name else contact
    title, where = ROLE_TITLES.get(role, role), scope(place, department, role)
    return (
        f"已生成{title}邀请 [{invite_id}]：{where}{person}\n"
        f"验证码：{code}（{clock(expires_at, now)} 前有效）\n"
        f"请把下面这段话原样转发给 {name or INVITEE_UNNAMED}：\n"
        f"\n"
        + invite_message(role, where, name, bool(phone), code, hours, expires_at, account, now)
    )


def invite_message(role: str, where: str, name: str, phone_bound: bool, code: str, hours: int,
                   expires_at: datetime, account: str | None, now: datetime) -> str:
    """The text the operator forwards to the invited person as it is."""
    title = ROLE_TITLES.get(role, role)
    follow = f"关注微信公众号“{account}”" if account else f"关注{INVITE_UNNAMED_ACCOUNT}"
    check = "发送后，请按提示回复您手机号的后四位，核对无误即完成绑定。" if phone_bound else "发送后即完成绑定。"
    return (f"{name + '您好！' if name else '您好！'}邀请您作为 {where} 的{title}，{INVITE_DUTIES.get(role, INVITE_DUTY)}"
            f"请{follow}，在对话框中发送：认证 {code}（{hours} 小时内有效，只能使用一次，{clock(expires_at, now)} 前）。{check}")


def invite_line(invite: Invite, now: datetime) -> str:
    """One invite of `gridbot invite list` (a time of another year than `now`'s with its year)."""
    row = invite.row
    contact = f"（{masked_phone(row.phone)}）" if row.phone else ""
    status = INVITE_STATUS[invite.status].format(
        expires=clock(row.expires_at, now), used=clock(row.used_at, now) if row.used_at else "",
        revoked=clock(row.revoked_at, now) if row.revoked_at else "")
    return f"[{row.id}] {_invite_who(invite)}{contact} · {status}"


def invite_revoked(invite: Invite) -> str:
    return INVITE_REVOKED.format(id=invite.row.id, who=_invite_who(invite))


def _invite_who(invite: Invite) -> str:
    row = invite.row
    title = ROLE_TITLES.get(row.role, row.role)
    return " · ".join(part for part in (title, scope(invite.place, row.department, row.role), row.name or INVITEE_UNNAMED))


# --- invites from a ledger (gridbot invite --from) ----------------------------------------------------------

INVITE_FROM_ALONE = ("--from 从台账批量邀请时，每个人的角色、网格（或社区）、姓名和手机号写在表里，"
                     "不能再用 --role、--grid、--community、--name、--phone 等选项；可以用 --street、--out 和 --ttl-hours。")
INVITE_FROM_NEEDS_OUT = "请用 --out 指定写验证码的文件（例如 --out 邀请码.csv）：验证码只写在这个文件里，不显示在屏幕上。"
INVITE_OUT_WITHOUT_FROM = "--out 只和 --from 一起用（单个邀请的验证码直接显示）。"
INVITE_OUT_EXISTS = "文件 {path} 已经存在，没有改动：请换一个文件名（以免覆盖上次的验证码）。"
INVITE_OUT_FAILED = "无法写入文件 {path}（{reason}），没有生成邀请。"
INVITE_FROM_STREET = "平台上有几个街道，请用 --street 写明您的街道（表里只能是这个街道的人员），例如 --street 幸福街道。"
INVITE_FROM_COLUMNS = "表头：姓名、手机号、角色、社区、网格，可带街道（手机号可以空着；网格员、网格长写网格，操作员写社区）"
INVITE_ROW_PROBLEMS = {
    "no_name": "第 {line} 行：没有写姓名。",
    "role": "第 {line} 行：角色应为 网格员、网格长 或 操作员（其他角色请用 gridbot invite --role 逐个邀请）。",
    "other_street": "第 {line} 行：“{place}”不在{street}，不能邀请（其他街道的人员由该街道自己邀请）。",
}
INVITE_ROW_MISSING = {
    "grid": "第 {line} 行：网格员、网格长要写网格（网格列），例如 第一网格 或 幸福里社区·第一网格。",
    "community": "第 {line} 行：操作员要写社区（社区列）。",
    "name": "第 {line} 行：姓名最多 32 个字。",
    "phone": "第 {line} 行：手机号应为 11 位手机号或带区号的座机号（如 13812345678、0531-87654321），也可以空着。",
}
INVITE_ROW_OTHER = "第 {line} 行：{reason}"
INVITE_ROWS_REFUSED = "台账有 {n} 处错误，没有生成任何邀请："
INVITE_ROWS_FIX = "请修改以上各行后重新运行（已生成过的邀请不会重复生成）。"
INVITE_FILE_HEADER = ("行号", "姓名", "角色", "工作地点", "手机号", "验证码", "有效期至", "转发给本人的话")
INVITE_BATCH_MADE = ("已为 {n} 人生成邀请，验证码写在 {path}（只在这个文件里，不会再显示）：请把每人那一行的“转发给本人的话”"
                     "发给本人，全部发出后删除这个文件。")
INVITE_BATCH_NONE = "没有需要新邀请的人员，没有写文件。"
INVITE_BATCH_BOUND = "已认证、在职的 {n} 人跳过：{names}"
INVITE_BATCH_WAITING = "已有邀请待使用的 {n} 人跳过（验证码在上次的文件里；丢了的用 gridbot invite revoke 撤销后重新运行）：{names}"
INVITE_BATCH_REPEATED = "台账里重复列出的 {n} 行跳过（同一个人只邀请一次，按他第一次出现的那一行）：{names}"
NAMES_SHOWN = 10


def row_names(rows: list[tuple[int, str]]) -> str:
    """People of the ledger, as 姓名（第 n 行）, the first NAMES_SHOWN and how many more."""
    shown = "、".join(f"{name}（第 {line} 行）" for line, name in rows[:NAMES_SHOWN])
    return shown + (f" 等 {len(rows)} 人" if len(rows) > NAMES_SHOWN else "")


# --- the staff list ---------------------------------------------------------------------------------------

STAFF_BAD_ROLE = "--role 只能是：网格员、网格长、物业、部门、操作员、楼长（单元长、党员中心户、党员、志愿者请用 gridbot members list）。"
STAFF_LIST_HEADER = "工作人员 {n} 名{where}："
STAFF_LIST_NONE = "没有在职的工作人员{where}。"
BOUND = {True: "已绑定", False: "未绑定"}
ON_DUTY = "在岗"
OFF_DUTY = "休假"
OFF_DUTY_UNTIL = "休假至{day}"
LEAVE_TO_COME = "{first}起休假至{day}"  # on duty until then (请假 明天, 我下周一到周三请假)
LEAVE_TO_COME_OPEN = "{first}起休假"


def staff_line(member: Member) -> str:
    """One member of `gridbot staff list`: who, where, bound, on duty, open tasks (not for a 楼长), phones."""
    parts = [f"[{member.id}] {member.name or INVITEE_UNNAMED}", ROLE_TITLES.get(member.role, member.role),
             scope(member.place, member.department, member.role), BOUND[member.bound]]
    if member.role != StaffRole.BUILDING_LEAD:  # a 楼长 gets no tasks: neither duty nor open tasks mean anything
        parts += [duty_words(member.duty), f"未办结 {member.open_tasks} 件"]
    if member.work_phone:
        parts.append(f"工作电话 {member.work_phone}")
    if member.phone:
        parts.append(f"手机 {masked_phone(member.phone)}")
    return " · ".join(parts)


def staff_json(member: Member) -> dict[str, object]:
    """One member of `gridbot staff list --json` (the words of the text list; no openid, the phone masked)."""
    return {
        "id": member.id, "name": member.name, "role": ROLE_TITLES.get(member.role, member.role),
        "place": member.place, "department": member.department, "bound": member.bound,
        "on_duty": member.duty.on_duty, "off_duty_until": member.duty.until.isoformat() if member.duty.until else None,
        "off_duty_from": member.duty.starts.isoformat() if member.duty.starts else None,
        "open_tasks": member.open_tasks, "work_phone": member.work_phone,
        "phone": masked_phone(member.phone) if member.phone else None,
    }


def duty_words(current: Duty) -> str:
    if current.starts is not None:
        first = f"{current.starts.month}月{current.starts.day}日"
        if current.until is None:
            return LEAVE_TO_COME_OPEN.format(first=first)
        last = f"{current.until.month}月{current.until.day}日" if current.until.year == current.starts.year \
            else day_words(current.until)
        return LEAVE_TO_COME.format(first=first, day=last)
    if current.on_duty:
        return ON_DUTY
    return OFF_DUTY_UNTIL.format(day=day_words(current.until)) if current.until else OFF_DUTY


def day_words(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def where(place: str | None) -> str:
    return f"（{place}）" if place else ""


# --- finding a member -------------------------------------------------------------------------------------

STAFF_UNKNOWN = "找不到在职的工作人员“{name}”。"
STAFF_UNKNOWN_SIMILAR = "找不到在职的工作人员“{name}”。您是不是要找：{similar}"
STAFF_AMBIGUOUS = "有 {n} 位在职工作人员叫“{name}”，请用编号指定（如 gridbot staff {command} {first}）：\n{candidates}"


def staff_unknown(name: str, similar: list[str]) -> str:
    if similar:
        return STAFF_UNKNOWN_SIMILAR.format(name=name, similar="、".join(similar))
    return STAFF_UNKNOWN.format(name=name)


def staff_ambiguous(name: str, candidates: list[Member], command: str) -> str:
    listed = "\n".join(f"· {staff_line(member)}" for member in candidates)
    return STAFF_AMBIGUOUS.format(n=len(candidates), name=name, command=command, first=candidates[0].id,
                                  candidates=listed)


# --- disable, move, duty ----------------------------------------------------------------------------------

STAFF_REFUSED = {
    "to_self": "--to 不能是本人。",
    "complained_about": "有任务是对“{to}”的投诉，不能交给 TA；请换一位接手人（或不用 --to，交回网格）。",
    "complaint_to_member": "有任务是对工作人员的投诉，由网格长和社区操作员处理，不能交给网格员“{to}”；请交给网格长（或不用 --to，交回网格）。",
    "filed_by_target": "有任务是“{to}”本人以居民身份提交的诉求，不能交给 TA；请换一位接手人（或不用 --to，交回网格）。",
    "not_grid_bound": "只有网格员、网格长和物业人员属于网格；部门人员用 --street、--community、--grid 或 --all-streets 改负责的地方，"
                      "楼长、党员和志愿者用 --building 改楼栋或住址，操作员请重新邀请到新的岗位。",
    "place_department_only": ("--street、--all-streets 只用于改部门人员负责的地方，--community 只用于部门和物业人员；"
                              "网格员、网格长请用 --grid。"),
    "same_place": "TA 已经负责这个地方了。",
    "same_grid": "TA 已经在这个网格了。",
    "lead_moves_building": "楼长属于楼栋，不属于网格：请用 --building 指定 TA 新负责的楼栋。",
    "building_only_lead": "--building 只用于调整楼长负责的楼栋和党员、志愿者的住址；其他工作人员请用 --grid。",
    "home_roles_only": "单元长、党员中心户的岗位跟着单元：请停用后在新住址重新邀请（gridbot invite --role 单元长 …）。",
    "same_home": "TA 登记的住址已经是这栋楼了。",
    "secretary_moves": "TA 是小区党支部书记，要搬出这个小区：请先用 gridbot org branch 给这个党支部换一位书记，再改住址。",
    "same_building": "TA 已经是这栋楼的楼长了。",
    "handover_needs_to": "--tasks handover 需要用 --to 指定接手人，--to 也只和 --tasks handover 一起用。",
}
STAFF_DISABLED = "已停用 {who}：TA 的工作指令和查看权限即刻失效，不再收到任务{phone}。"
STAFF_DISABLED_PHONE = "；TA 的个人手机号已删除，办理记录里仍写着 TA 的姓名"
# The unused invites made out to the one who left (their name; their phone or none), taken back.
STAFF_INVITES_REVOKED = "TA 未使用的邀请 {n} 个已撤销（{ids}）：凭这些验证码不能再认证。"
STAFF_TASKS_NONE = "TA 手上没有未办结的任务。"
STAFF_TASKS_HANDED = "未办结任务 {n} 件已转出（接手人和居民都已通知）："
STAFF_TASK_HANDED = "· {ticket} → {to}"
STAFF_TASKS_HANDED_UNTOLD = "未办结任务 {n} 件已转出（居民都已通知）："
# Each back to where it waits to be claimed again (--tasks return, a leaver's without --to): nobody took it over yet.
STAFF_TASKS_BACK = "未办结任务 {n} 件已交回原来的网格（或部门）等待重新接单（居民都已通知）："
STAFF_TASKS_TO_OPERATORS = ("注意：{grids} 已没有在岗的网格员和网格长，这些任务的任务卡已发给{who}，请他们改派给其他网格或网格员；"
                            "也可以邀请新的网格员（gridbot invite）。")
STAND_IN_WHO = {"community": "社区操作员", "street": "街道操作员"}
STAFF_TASKS_TO_NOBODY = ("注意：{grids} 已没有在岗的网格员，这些任务没有人收到；请用 gridbot reassign 改派给其他网格或网格员，"
                         "或邀请新的网格员（gridbot invite）。")
# Disabled, or moved away (a property clerk to another compound): no colleague of the unit serves those grids now.
STAFF_UNIT_WAITING_BACK = ("注意：TA 原来负责的地方 {unit} 再没有别的在岗人员，等该单位接单的 {n} 件诉求已交回各自的网格"
                           "（网格和居民都已通知）：")
STAFF_TASKS_TO_AWAY = "注意：{name}正在请假{until}，这些任务会等{name}接单；需要尽快办理的，请用 gridbot reassign 改派给在岗的人。"
STAFF_CLAIMS_RELEASED = "TA 领取的志愿任务 {n} 件已重新开放给其他志愿者（负责的网格员已通知）：{codes}"
STAFF_MOVED = "已把 {name} 调到 {grid}。"
STAFF_LEAD_MOVED = "{name} 现在是 {building} 的楼长。"
STAFF_HOME_MOVED = ("{name}（{role}）现在登记住在 {building}，“可领任务”和“积分排行”按这里；已有的积分仍是 TA 的，"
                    "之后的积分按{street}的规则记。")
STAFF_HOME_RELEASED = "TA 在原社区领了、还没报完成的任务已重新开放给别人，负责的网格员已收到通知：{tasks}。"
MOVE_GRID_OR_BUILDING = ("请用 --grid 指定新网格（楼长、党员和志愿者用 --building 指定新楼栋；部门人员用 --street、--community、--grid "
                         "或 --all-streets 指定负责的地方），只写一个。")
# A department's officer given another place (storage.unit_reach): where they now receive and read its cases.
STAFF_PLACED = "{name}（{unit}）现在负责 {place}：只接收、查看这里转给本单位的诉求。"
STAFF_PLACED_DISTRICT = "全区各街道"
PLACE_KEEPS_TASKS = ("部门和物业人员改负责的地方时，已接单的任务仍由 TA 办理，不用 --tasks、--to；"
                     "要交给别人请先用 gridbot reassign 改派。")
BUILDING_TAKES_NO_TASKS = ("--building 改楼长负责的楼栋或党员、志愿者的住址，不用 --tasks、--to：楼长不接单；党员、志愿者搬到别的社区时，"
                           "领了还没报完成的任务重新开放给别人，报了完成的仍等网格员确认。")
STAFF_PLACED_KEPT = "TA 已接单的 {n} 件未办结任务仍由 TA 办理。"
STAFF_TASKS_KEPT = "TA 手上 {n} 件未办结任务仍由 TA 办理（TA 仍可查看这些诉求）。"
MOVE_TASKS_NEEDED = ("{name} 手上有 {n} 件未办结任务，请用 --tasks keep|handover|return 说明如何处理"
                     "（keep 继续由 TA 办理，handover 交给 --to 指定的人，return 交回原网格）。")
MOVE_TASKS_PROMPT = "{name} 手上有 {n} 件未办结任务：keep 继续由 TA 办理，handover 交给指定的人，return 交回原网格"
MOVE_TO_PROMPT = "交给谁（姓名或网格）"
STAFF_DUTY_BAD = "请写 在岗 或 休假。"
STAFF_DUTY_BAD_DAY = "{option} 的日期“{typed}”看不懂，请写成 2026-12-31 或 12-31。"
STAFF_DUTY_UNTIL_ON_DUTY = "--until 只用于 休假。"
STAFF_DUTY_FROM_ON_DUTY = "--from 只用于 休假。"
STAFF_DUTY_ENDS_FIRST = "--until 的 {last} 在 --from 的 {first} 之前，请检查日期。没有登记。"
STAFF_DUTY_AWAY_UNTIL_BEFORE = ("TA 现在休假至 {day}，之后隔几天再休的假请等 TA 回来上班后再登记；要连着休，请写 --until。"
                                "没有登记。")
STAFF_DUTY_PAST = "{day} 已经过去了，请写今天或以后的日期。"
STAFF_DUTY_UNCLEAR_YEAR = ("{option} {typed}：今年的 {passed} 已经过去了，是要休假到明年的 {next} 吗？"
                           "是的话请写上年份（{option} {iso}），否则请写今天或以后的日期。")
# By whom leave is for (a grid's team; an operator; a department's or property company's officer): 派单 never
# reaches the last two. An operator's leave stops only their daily summary; a unit's 转办 cards reach every officer,
# on leave or not (as the chat's 请假 tells them).
STAFF_ON_DUTY = {
    "team": "{name} 已设为在岗：派单会照常给 TA 派新任务。",
    "operator": "{name} 已设为在岗：照常给 TA 发每日简报。",
    "unit": "{name} 已设为在岗：转给本单位的任务卡照常发给 TA。",
}
STAFF_OFF_DUTY = {
    "team": "{name} 已设为休假，直到销假（gridbot staff duty {name} 在岗）：派单不再给 TA 派新任务，手上未办结的任务仍由 TA 负责。",
    "operator": ("{name} 已设为休假，直到销假（gridbot staff duty {name} 在岗）：不给 TA 发每日简报；退回、督办和请操作员改派的"
                 "任务卡仍照常发给每位操作员（包括 TA），由在岗的同事处理。"),
    "unit": ("{name} 已设为休假，直到销假（gridbot staff duty {name} 在岗）：转给本单位的任务卡仍发给本单位每位人员"
             "（包括 TA），由在岗的同事接单；手上未办结的任务仍由 TA 负责。"),
}
STAFF_OFF_DUTY_UNTIL = {
    "team": ("{name} 已设为休假，至 {day}（含），之后自动恢复在岗：休假期间派单不再给 TA 派新任务，"
             "手上未办结的任务仍由 TA 负责。"),
    "operator": ("{name} 已设为休假，至 {day}（含），之后自动恢复在岗：休假期间不给 TA 发每日简报；退回、督办和请操作员改派的"
                 "任务卡仍照常发给每位操作员（包括 TA），由在岗的同事处理。"),
    "unit": ("{name} 已设为休假，至 {day}（含），之后自动恢复在岗：转给本单位的任务卡仍发给本单位每位人员"
             "（包括 TA），由在岗的同事接单；手上未办结的任务仍由 TA 负责。"),
}
# Leave from a later day (--from): on duty until then, then as 休假 (the chat's 请假 下周一到周三).
_DURING = {
    "team": "休假期间派单不再给 TA 派新任务，手上未办结的任务仍由 TA 负责。",
    "operator": "休假期间不给 TA 发每日简报。",
    "unit": "休假期间转给本单位的任务卡仍发给本单位每位人员（包括 TA），由在岗的同事接单。",
}
STAFF_OFF_DUTY_FROM = {
    kind: "{name} 已登记 {first}起休假，至 {day}（含），之后自动恢复在岗；在此之前照常在岗。" + during
    for kind, during in _DURING.items()
}
STAFF_OFF_DUTY_FROM_OPEN = {
    kind: "{name} 已登记 {first}起休假，直到销假（gridbot staff duty {name} 在岗）；在此之前照常在岗。" + during
    for kind, during in _DURING.items()
}
STAFF_OFF_DUTY_LEADER = "休假期间，本网格无人接单和超时的督办改发给在岗的网格长（都在休假时发给社区操作员）。"
# The chat's words too (请假, 销假): an operator types what the staff member said.
DUTY_WORDS = {"在岗": True, "销假": True, "休假": False, "请假": False}


def member_who(member: Member) -> str:
    return f"{member.name}（{ROLE_TITLES.get(member.role, member.role)}，{scope(member.place, member.department, member.role)}）"


def handed(moved: Moved) -> list[str]:
    """Where a disabled or moved member's tasks went, one line each after a heading."""
    if not moved.handed:
        return []
    nobody = list(dict.fromkeys(done.to for done in moved.handed if done.unmanned))
    if not any(done.person for done in moved.handed):  # no 接手人: back to be claimed again
        heading = STAFF_TASKS_BACK
    elif nobody or any(done.stood_in for done in moved.handed):
        heading = STAFF_TASKS_HANDED_UNTOLD
    else:
        heading = STAFF_TASKS_HANDED
    lines = [heading.format(n=len(moved.handed)), *(_handed_line(done) for done in moved.handed)]
    away = next((done.away for done in moved.handed if done.away is not None), None)
    if away is not None:  # handed to someone on leave (--to): they wait for them
        until = f"（至 {month_day(away.until, away.today)}）" if away.until is not None else ""
        lines.append(STAFF_TASKS_TO_AWAY.format(name=away.name, until=until))
    if nobody:  # back to a grid the member was the last one of: no card reached anyone
        lines.append(STAFF_TASKS_TO_NOBODY.format(grids="、".join(nobody)))
    for whom, who in STAND_IN_WHO.items():  # ...or its operators stood in (storage.dispatch.stand_ins)
        grids = list(dict.fromkeys(done.to for done in moved.handed if done.stood_in == whom))
        if grids:
            lines.append(STAFF_TASKS_TO_OPERATORS.format(grids="、".join(grids), who=who))
    return lines


def unit_waiting(moved: Moved) -> list[str]:
    """What waited for the unit of a department's last officer who left, back to the grids, one line each."""
    if not moved.unit_waiting:
        return []
    return [STAFF_UNIT_WAITING_BACK.format(unit=moved.member.department, n=len(moved.unit_waiting)),
            *(_handed_line(done) for done in moved.unit_waiting)]


def invites_revoked(moved: Moved) -> list[str]:
    """The unused invites made out to a member who left, revoked with it."""
    ids = moved.invites_revoked
    return [STAFF_INVITES_REVOKED.format(n=len(ids), ids="、".join(f"[{i}]" for i in ids))] if ids else []


def released(codes: tuple[str, ...]) -> list[str]:
    """The volunteer tasks (领单) a member who left had taken, open to others again."""
    return [STAFF_CLAIMS_RELEASED.format(n=len(codes), codes="、".join(codes))] if codes else []


def _handed_line(done: Reassigned) -> str:
    return STAFF_TASK_HANDED.format(ticket=done.appeal.ticket, to=done.to)
