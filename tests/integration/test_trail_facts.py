"""The trail columns the lifecycle keeps on an appeal say what its audit trail says (storage/trail_facts.py):
the rates read from them give the figures the trail itself gives, for the running month and for a moment in
the middle of the work."""

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from storage import rating, tasks
from storage.models import Appeal, Resident, Staff
from storage.queries import EVERYWHERE
from storage.rates import Period, Unit, counts_by
from tests.support.personas import LI, RESIDENT, ZHANG
from tests.support.worker import file_and_dispatch

pytestmark = pytest.mark.postgres


def act(database, clock, work):
    with database.transaction() as session:
        work(session, lambda openid: session.scalars(select(Staff).where(Staff.openid == openid)).one())
    clock.advance(hours=2)


def rate(database, clock, ticket, how):
    with database.transaction() as session:
        resident = session.scalars(select(Resident).where(Resident.openid == RESIDENT)).one()
        rating.rate(session, resident, tasks.find(session, ticket).id, how, clock(), sensitive=())
    clock.advance(hours=2)


def counts(database, clock, as_of, unit):
    period = Period.month_of(clock())
    with database.transaction() as session:
        return counts_by(session, unit, period.start, period.end, as_of, EVERYWHERE)


def from_the_trail(database, clock, as_of, unit):
    """The counts with the columns set aside: the rates then read every appeal's trail."""
    with database.transaction() as session:
        session.execute(update(Appeal).values(trail_at=None))
    return counts(database, clock, as_of, unit)


@pytest.mark.parametrize("unit", [Unit.GRID, Unit.MEMBER])
def test_the_kept_columns_give_the_figures_the_trail_gives(wechat, seeded, clock, unit):
    reopened, unrated, returned = (file_and_dispatch(wechat, seeded, clock, f"路灯坏了第{n}盏") for n in range(3))
    act(seeded, clock, lambda s, who: tasks.claim(s, who(ZHANG), reopened, clock()))
    act(seeded, clock, lambda s, who: tasks.resolve(s, who(ZHANG), reopened, "修好了", clock()))
    rate(seeded, clock, reopened, rating.Rating.UNSATISFIED)
    middle = clock()
    act(seeded, clock, lambda s, who: tasks.claim(s, who(LI), unrated, clock()))
    act(seeded, clock, lambda s, who: tasks.resolve(s, who(LI), unrated, "换了灯泡", clock()))
    act(seeded, clock, lambda s, who: tasks.resolve(s, who(ZHANG), reopened, "又修了一次", clock()))
    rate(seeded, clock, reopened, rating.Rating.BASIC)
    act(seeded, clock, lambda s, who: tasks.give_back(s, who(LI), returned, "不是本网格的", clock()))
    now = clock() + timedelta(minutes=1)
    with seeded.transaction() as session:
        assert None not in session.scalars(select(Appeal.trail_at)).all()
    kept_now, kept_middle = counts(seeded, clock, now, unit), counts(seeded, clock, middle, unit)

    assert kept_now == from_the_trail(seeded, clock, now, unit)
    assert kept_middle == from_the_trail(seeded, clock, middle, unit)
    total = sum(kept_now.values(), type(next(iter(kept_now.values())))())
    assert (total.ever_resolved, total.resolved, total.reopened, total.returned, total.basic) == (2, 2, 1, 1, 1)
