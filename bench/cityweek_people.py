"""How the simulated city behaves (bench/city_week.py): when residents write and what, how grid members answer,
whether residents rate. Pure functions of a random generator; times are simulated epoch seconds, hours are
Beijing's."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from city_year import PLACES, TROUBLES
from traffic import APPEALS

BEIJING = ZoneInfo("Asia/Shanghai")
# Appeals per hour of the day, relative: quiet nights, a morning peak (8-10) and an evening one (19-21).
HOURLY = (0.6, 0.35, 0.2, 0.15, 0.15, 0.3, 0.8, 1.8, 3.0, 3.2, 2.6, 2.0,
          1.5, 1.6, 1.9, 1.9, 1.8, 1.7, 2.0, 2.8, 2.9, 2.2, 1.4, 0.9)
# Per weekday (Monday first): the weekend's backlog arrives on Monday; weekends are quieter. Mean 1.0.
WEEKLY = (1.25, 1.05, 1.0, 1.0, 0.95, 0.78, 0.72)
ASKS = ("麻烦尽快处理", "请社区帮忙协调", "希望有人来看看", "已经好几天了", "老人孩子都受影响")
EMERGENCIES = ("{b}楼道里着火了，浓烟很大，快来人！", "{b}有很重的煤气味，怕是燃气泄漏了", "{b}电梯里有老人晕倒了，快来帮忙")
PROGRESS = ("已联系物业，明天上门查看", "已到现场查看，正在协调维修", "已约好师傅，等配件到了就修")
CLOSINGS = ("已处理完毕，现场已恢复", "已协调物业修好", "已上门调解，双方达成一致", "已清理干净")
WORK_STARTS, WORK_ENDS = 7.5, 22.0  # staff answer in these Beijing hours; the rest waits for the morning

NEVER_CLAIMED = 0.05  # nobody takes the task: unclaimed reminders, escalation to 网格长 and community
NEVER_CLOSED = 0.04  # taken, then forgotten: overdue reminders and escalations
PROGRESS_NOTE = 0.4
RATES = 0.7  # share of residents who rate a closed appeal
RATINGS = (("1", 0.75), ("2", 0.15), ("3", 0.10))  # 满意 / 基本满意 / 不满意 (reopens)
BURST = 0.02  # an appeal that neighbours of the same building repeat
EMERGENCY = 0.001


@dataclass(frozen=True)
class Plan:
    """What will happen to one filed appeal, as delays in simulated seconds from the step before (None: never)."""

    claim_after: float | None
    progress_after: float | None  # after the claim
    close_after: float | None  # after the claim
    rating: str | None  # "1" / "2" / "3", or None: no rating
    rate_after: float


def day_volume(volume: float, weekday: int) -> float:
    """Appeals expected on a day of the week (0 = Monday) for a mean daily `volume`."""
    return volume * WEEKLY[weekday]


def arrivals(rng: random.Random, day_start: float, volume: float) -> list[float]:
    """Filing times (simulated epoch seconds) of one Beijing day beginning at `day_start`, Poisson per hour."""
    weekday = datetime.fromtimestamp(day_start, BEIJING).weekday()
    expected = day_volume(volume, weekday)
    total = sum(HOURLY)
    times: list[float] = []
    for hour, weight in enumerate(HOURLY):
        count = _poisson(rng, expected * weight / total)
        times.extend(day_start + 3600 * (hour + rng.random()) for _ in range(count))
    return sorted(times)


def _poisson(rng: random.Random, mean: float) -> int:
    if mean > 50:  # normal approximation, plenty for counts this large
        return max(0, round(rng.gauss(mean, math.sqrt(mean))))
    limit, count, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count


def appeal_text(rng: random.Random, building: str) -> str:
    """An appeal across the taxonomy: one of the bench's realistic texts, or a place + a trouble + an ask."""
    if rng.random() < 0.5:
        return rng.choice(APPEALS)
    return f"{building}{rng.choice(PLACES)}{rng.choice(TROUBLES)}，{rng.choice(ASKS)}。"


def emergency_text(rng: random.Random, building: str) -> str:
    """A danger to life: gridbot answers with the number to call and alerts the grid at once."""
    return rng.choice(EMERGENCIES).format(b=building)


def plan(rng: random.Random, emergency: bool) -> Plan:
    """The fate of one appeal."""
    if rng.random() < NEVER_CLAIMED and not emergency:
        return Plan(None, None, None, None, 0.0)
    claim = 60 * (rng.uniform(1, 6) if emergency else rng.lognormvariate(math.log(25), 1.0))  # median 25 min
    progress = 3600 * rng.uniform(1, 8) if rng.random() < PROGRESS_NOTE else None
    close = None if rng.random() < NEVER_CLOSED else 3600 * rng.lognormvariate(math.log(6), 1.0)  # median 6 h
    if progress is not None and close is not None:
        progress = min(progress, close * 0.6)
    rating = None
    if close is not None and rng.random() < RATES:
        rating = rng.choices([code for code, _ in RATINGS], [share for _, share in RATINGS])[0]
    return Plan(claim, progress, close, rating, 3600 * rng.lognormvariate(math.log(2), 1.2))


def during_work(rng: random.Random, moment: float) -> float:
    """`moment`, or when its staff member next picks up the phone: the next morning, between 7:30 and 9:30."""
    local = datetime.fromtimestamp(moment, BEIJING)
    hour = local.hour + local.minute / 60
    if WORK_STARTS <= hour < WORK_ENDS:
        return moment
    morning = local.replace(hour=7, minute=30, second=0, microsecond=0)
    if hour >= WORK_ENDS:
        morning += timedelta(days=1)
    return morning.timestamp() + rng.uniform(0, 2 * 3600)


def reclose_after(rng: random.Random) -> float:
    """After 不满意 reopened it: the holder's second 办结."""
    return 3600 * rng.uniform(2, 24)
