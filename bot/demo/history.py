"""The demo street's last four weeks: appeals its residents filed and its grid members worked, so that on the first
start the console's queues, dashboard and three rates show a street at work rather than zeros.

Every step goes through the lifecycle functions the chat uses (filing, dispatch, 接单, 退回 and 改派, 办结, rating,
不满意 and its reopening), each at the moment it happened; what those steps told people counts as delivered then,
so the demo's worker doesn't send four weeks of cards on its first run. The draw is seeded: every demo shows the
same month, shifted to end today.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from bot.demo import street
from nlp.taxonomy import Taxonomy
from storage import appeals, dispatch, org, rating, reassigning, residents, seeding, tasks
from storage.appeals import UNCLASSIFIED
from storage.models import GRID_TEAM, Appeal, OutboxMessage, OutboxStatus, Resident, Staff, StaffRole

HISTORY_DAYS = 28
SEED = 2026
# openid -> home; history's residents, apart from the ones the guide's commands use (o1 … o8), and none in 3号楼,
# whose residents the guide's 聚焦办 and urgent-notice examples count.
RESIDENTS: dict[str, seeding.Home] = {
    "demo_hist_01": ("幸福里社区", "第一网格", "1号楼", "2单元"),
    "demo_hist_02": ("幸福里社区", "第一网格", "2号楼", "1单元"),
    "demo_hist_03": ("幸福里社区", "第一网格", "2号楼", "2单元"),
    "demo_hist_04": ("幸福里社区", "第二网格", "5号楼", "1单元"),
    "demo_hist_05": ("幸福里社区", "第二网格", "6号楼", "1单元"),
    "demo_hist_06": ("和平社区", "第一网格", "1栋", "3单元"),
    "demo_hist_07": ("和平社区", "第一网格", "2栋", "1单元"),
    "demo_hist_08": ("和平社区", "第二网格", "A座", None),
    "demo_hist_09": ("和平社区", "第二网格", "B座", None),
}
# (category, subcategory, what a resident wrote): the kinds of appeal a residential street gets in a month.
SAMPLES: tuple[tuple[str, str | None, str], ...] = (
    ("物业服务", "电梯", "单元电梯又停了，老人上下楼很困难"),
    ("物业服务", "楼道照明", "楼道声控灯坏了好几天，晚上一片黑"),
    ("物业服务", "管道漏水", "楼上卫生间漏水，我家天花板都湿了"),
    ("物业服务", "门禁", "单元门禁坏了，门一直关不上"),
    ("环境卫生", "垃圾清运", "小区门口垃圾桶满了没人清，味道很大"),
    ("环境卫生", "小广告", "楼道墙上贴满了小广告"),
    ("环境卫生", "虫鼠", "地下室老鼠很多，晚上到处跑"),
    ("市政设施", "路灯", "小区外面那条路的路灯不亮了"),
    ("市政设施", "井盖", "人行道上井盖松了，踩上去晃"),
    ("市政设施", "排水", "一下雨门口就积水，出门要蹚水"),
    ("噪音扰民", "商业噪音", "楼下饭店的排风机半夜还开着，吵得睡不着"),
    ("噪音扰民", "生活噪音", "楼上每天半夜拖椅子，声音很大"),
    ("邻里纠纷", None, "邻居把杂物堆在公共走廊，说了也不搬"),
    ("小区治理", None, "小区里车乱停，消防车都进不来"),
    ("安全隐患", "电动车充电", "有人把电动车推进楼道里充电，很危险"),
    ("安全隐患", "消防通道", "消防通道被私家车堵死了"),
    ("政策咨询", None, "想问一下高龄津贴怎么申请，要带什么材料"),
    ("养老服务", None, "家里老人独居，想申请助餐服务"),
    ("综合执法", None, "小区门口有人占道摆摊，路都走不通"),
)
UNCLEAR = ("有个事情想反映一下", "你们能不能管一管", "麻烦来看看吧")  # left in 待分类 for the operator
RESOLUTIONS = ("已联系物业处理完毕", "已现场查看并修复", "已协调相关部门处理", "已上门沟通，问题解决")
RETURN_REASON = "不属于本网格，请社区改派"
REOPEN_WORDS = "还是没弄好"


@dataclass(frozen=True)
class _Step:
    """When each step of one appeal's life happens (None: it never did, or not yet)."""

    filed: datetime
    claimed: datetime | None
    returned: bool
    resolved: datetime | None
    rated: datetime | None
    rating: rating.Rating | None
    fixed_again: datetime | None  # after 不满意: resolved a second time


def seed_history(session: Session, taxonomy: Taxonomy, plan: seeding.StreetPlan, now: datetime) -> int:
    """Four weeks of appeals ending `now` (once: a second start finds them and adds none); returns how many."""
    if session.scalar(select(Resident.id).where(Resident.openid.in_(RESIDENTS))) is not None:
        return 0
    draw = random.Random(SEED)
    told_before = session.scalar(select(func.coalesce(func.max(OutboxMessage.id), 0)))
    people = _residents(session, plan, now - timedelta(days=HISTORY_DAYS + 1))
    # The demo street has grid teams only: what an office's taxonomy routes to a department stays out.
    samples = [sample for sample in SAMPLES if taxonomy.limits(sample[0], sample[1]).department is None]
    filed = []
    for day in range(HISTORY_DAYS, -1, -1):
        for _ in range(draw.randint(1, 3)):
            at = now - timedelta(days=day, hours=draw.uniform(0, 14), minutes=30)
            if at < now - timedelta(minutes=20):
                filed.append((at, draw.choice(people), draw.choice(samples)))
    filed.sort(key=lambda row: row[0])
    ids = [_live(session, taxonomy, at, resident, sample, _steps(draw, at, now)) for at, resident, sample in filed]
    ids += [_unclear(session, taxonomy, resident, now - timedelta(hours=hours))
            for hours, resident in zip((30, 5, 2), draw.sample(people, 3), strict=True)]
    # What those steps told staff and residents (cards, digests, answers) went out when they happened.
    session.execute(update(OutboxMessage).where(OutboxMessage.id > told_before)
                    .values(status=OutboxStatus.SENT, sent_at=OutboxMessage.created_at))
    return len(ids)


def _residents(session: Session, plan: seeding.StreetPlan, since: datetime) -> list[Resident]:
    people = []
    for openid, home in RESIDENTS.items():
        resident = residents.get_or_create(session, openid, since)
        residents.bind(session, resident, *seeding.home(session, plan, home))
        people.append(resident)
    session.flush()
    return people


def _steps(draw: random.Random, filed: datetime, now: datetime) -> _Step:
    """One appeal's fate: mostly claimed within hours, some late, a few never; most resolved within days, most
    rated, a few 不满意 (half of those fixed again); one in fifteen handed back for 改派 first."""
    def until_now(at: datetime | None) -> datetime | None:
        return at if at is not None and at < now - timedelta(minutes=5) else None

    returned = draw.random() < 0.07 and filed < now - timedelta(hours=2)
    claim_hours = draw.choice((0.2, 0.5, 1, 1.5, 2, 3)) if draw.random() < 0.88 else draw.uniform(5, 30)
    if returned:
        claim_hours = max(claim_hours, 1)  # after the first member's 接单 and 退回 and the 改派
    claimed = until_now(filed + timedelta(hours=claim_hours)) if draw.random() < 0.96 else None
    resolved = until_now(claimed + timedelta(hours=draw.uniform(3, 60))) if claimed else None
    rated = until_now(resolved + timedelta(hours=draw.uniform(0.5, 20))) if resolved else None
    score = draw.random()
    given = (rating.Rating.SATISFIED if score < 0.62 else rating.Rating.BASIC if score < 0.86
             else rating.Rating.UNSATISFIED) if rated and draw.random() < 0.8 else None
    fixed_again = (until_now(rated + timedelta(hours=draw.uniform(10, 48)))
                   if rated and given is rating.Rating.UNSATISFIED and draw.random() < 0.5 else None)
    return _Step(filed, claimed, returned, resolved, rated if given else None, given, fixed_again)


def _live(session: Session, taxonomy: Taxonomy, at: datetime, resident: Resident,
          sample: tuple[str, str | None, str], step: _Step) -> int:
    category, subcategory, text = sample
    appeal = _file(session, taxonomy, resident, text, category, subcategory, at)
    dispatch.dispatch_pending(session, at + timedelta(minutes=1), taxonomy.sensitive)
    if step.claimed is None:
        return appeal.id
    member = _team(session, appeal)[0]
    # Only where someone would route it again: a 退回 nobody receives is refused (和平社区 has no operator bound).
    if step.returned and appeal.grid_id is not None and tasks.return_receivers(session, appeal):
        tasks.claim(session, member, appeal.ticket, step.filed + timedelta(minutes=10))
        tasks.give_back(session, member, appeal.ticket, RETURN_REASON, step.filed + timedelta(minutes=20))
        reassigning.reassign(session, None, appeal.ticket, org.grid_label(session, appeal.grid_id),
                             step.filed + timedelta(minutes=30), taxonomy.sensitive)
        member = _team(session, appeal)[-1]
    tasks.claim(session, member, appeal.ticket, step.claimed)
    if step.resolved is None:
        return appeal.id
    tasks.resolve(session, member, appeal.ticket, RESOLUTIONS[appeal.id % len(RESOLUTIONS)], step.resolved)
    if step.rating is None or step.rated is None:
        return appeal.id
    rating.rate(session, resident, appeal.id, step.rating, step.rated,
                REOPEN_WORDS if step.rating is rating.Rating.UNSATISFIED else None, sensitive=taxonomy.sensitive)
    if step.fixed_again is not None:
        tasks.resolve(session, member, appeal.ticket, RESOLUTIONS[0], step.fixed_again)
    return appeal.id


def _unclear(session: Session, taxonomy: Taxonomy, resident: Resident, at: datetime) -> int:
    """An appeal the classifier wasn't sure of, waiting in 待分类."""
    appeal = _file(session, taxonomy, resident, UNCLEAR[resident.id % len(UNCLEAR)], UNCLASSIFIED, None, at)
    dispatch.dispatch_pending(session, at + timedelta(minutes=1), taxonomy.sensitive)
    return appeal.id


def _file(session: Session, taxonomy: Taxonomy, resident: Resident, text: str, category: str,
          subcategory: str | None, at: datetime) -> Appeal:
    limits = taxonomy.limits(category, subcategory)
    intake = appeals.Intake(content=text, channel=appeals.Channel.TEXT, category=category, subcategory=subcategory,
                            confidence=0.9 if category != UNCLASSIFIED else 0.1, keywords=(), raw_message={},
                            response_hours=limits.response_hours, resolve_hours=limits.resolve_hours,
                            department=limits.department, working_days=limits.working_days)
    filed = appeals.file_appeal(session, resident, intake, at)
    return session.get_one(Appeal, filed.id)


def _team(session: Session, appeal: Appeal) -> list[Staff]:
    """The appeal's grid members, the grid leader last (who claims what was handed back and re-routed)."""
    team = session.scalars(select(Staff).where(Staff.grid_id == appeal.grid_id, Staff.role.in_(GRID_TEAM),
                                               Staff.active.is_(True)).order_by(Staff.id)).all()
    return sorted(team, key=lambda member: member.role == StaffRole.GRID_LEADER)


def bound_in(community: str, grid: str) -> set[str]:
    """The openids of the demo's residents bound in the grid: the guide's, the quiet one and history's."""
    homes = [*street.RESIDENTS.items(), (street.QUIET_RESIDENT, street.QUIET_HOME), *RESIDENTS.items()]
    return {openid for openid, home in homes if home[:2] == (community, grid)}
