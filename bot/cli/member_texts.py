"""What `gridbot members` prints (pending, confirm, decline, list): the community's own people, in the operator's
Chinese, in one place. Never an openid or a phone."""

from __future__ import annotations

from datetime import datetime

from handlers.community_texts import enrol_word, role_name
from handlers.resident_texts import LOCAL_ZONE, clock
from storage.chain import Member
from storage.enrolments import Waiting

PENDING_NONE = "没有待确认的党员报到或志愿者报名。"
PENDING_HEADER = "待确认的报到/报名 {n} 条（gridbot members confirm 编号 确认，decline 编号 不予确认）："
NO_ORGANISATION = "未填写单位"
CONFIRMED = "已确认 {name} 为{role}（编号 {number}，住 {home}），已通知本人。"
ALREADY_CONFIRMED = "{name}（编号 {number}）已经确认为{role}，无需再次确认。"
DECLINED = "已不予确认 {name} 的{what}（编号 {number}），已礼貌告知本人。"
ALREADY_DECLINED = "{name} 的{what}（编号 {number}）已经不予确认或已撤回，没有改动。"
NOT_FOUND = "没有找到“{typed}”的报到/报名。请写姓名或编号（gridbot members pending 可查看编号）。"
AMBIGUOUS = "有多位“{name}”在等待确认（编号 {ids}），请用编号：gridbot members {command} 编号。"
NOW_STAFF = "此人已绑定为{role}，不能再确认为党员或志愿者；如需变更身份，请先用 gridbot staff disable 停用其原有身份。"
REFUSED = {
    "declined": "编号 {number} 的申请已不予确认或已撤回，不能再确认；请让本人重新申请。",
    "confirmed": "编号 {number} 的申请已经确认，不能再不予确认；如需取消其身份，请用 gridbot staff disable 编号。",
}
LIST_NONE = "{where}没有在册的楼长、单元长、党员中心户、党员或志愿者。"
LIST_HEADER = "{where}在册 {n} 人："
EVERYWHERE = "全部范围"
DATABASE_FAILED = "数据库操作失败（{reason}），没有改动。请检查 GRIDBOT_DATABASE_URL 后重试。"


def pending_line(row: Waiting, now: datetime) -> str:
    """编号 姓名 报到/报名 单位 社区 住址 申请时间 (with its year when another than `now`'s)."""
    return (f"[{row.id}] {row.name}｜{enrol_word(row.role)}｜{row.organisation or NO_ORGANISATION}｜"
            f"{row.community} {row.home}｜{clock(row.requested_at, now)} 申请")


def pending_json(row: Waiting) -> dict[str, object]:
    return {"id": row.id, "name": row.name, "role": role_name(row.role), "organisation": row.organisation,
            "community": row.community, "home": row.home,
            "requested_at": row.requested_at.astimezone(LOCAL_ZONE).isoformat()}


def home(member: Member) -> str:
    """小区 楼栋 单元."""
    return " ".join(part for part in (member.compound, member.building, member.unit or "") if part)


def member_line(member: Member, now: datetime) -> str:
    """编号 姓名 角色 社区 住址 单位 支部 登记时间 (with its year when another than `now`'s: 2025年3月1日 09:00 起)."""
    extra = "".join(f"｜{part}" for part in (member.organisation, member.branch) if part)
    return (f"[{member.id}] {member.name}｜{role_name(member.role)}｜{member.community} {home(member)}{extra}｜"
            f"{clock(member.since, now)} 起")


def member_json(member: Member) -> dict[str, object]:
    return {"id": member.id, "name": member.name, "role": role_name(member.role), "community": member.community,
            "compound": member.compound, "building": member.building, "unit": member.unit,
            "organisation": member.organisation, "branch": member.branch,
            "since": member.since.astimezone(LOCAL_ZONE).isoformat()}


def request_word(role: str) -> str:
    """党员报到 or 志愿者报名."""
    return enrol_word(role)


def where(path: str | None) -> str:
    return path.strip() if path and path.strip() else EVERYWHERE
