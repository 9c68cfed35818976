"""The demo's four weeks of history: worked through the lifecycle, in order, once, with nothing left to send."""

from datetime import timedelta

from sqlalchemy import func, select

from bot.demo import history, street
from nlp import load_taxonomy
from storage import queries, rates
from storage.appeals import UNCLASSIFIED
from storage.models import Appeal, AppealEvent, OutboxMessage, OutboxStatus, Resident


def seeded_history(database, now):
    with database.transaction() as session:
        street.seed(session, now)
        return history.seed_history(session, load_taxonomy(), street.DEMO, now)


def test_history_fills_the_queues_and_the_rates(database, clock):
    now = clock()
    filed = seeded_history(database, now)
    assert filed > 40
    with database.transaction() as session:
        counts = queries.queue_counts(session, now, queries.EVERYWHERE)
        month = rates.Period(now - timedelta(days=30), now)
        ranked = rates.ranking(session, month, now, rates.Unit.GRID)
    assert counts.review == 3 and counts.reopened > 0 and 0 < counts.overdue < filed // 4
    assert len(ranked.rows) == 4  # every grid of the demo street worked appeals
    total = ranked.total.rates
    assert 0.5 < total.response < 1 and 0.5 < total.resolve < 1 and 0.5 < total.satisfaction < 1


def test_history_happened_in_the_past_in_order(database, clock):
    now = clock()
    seeded_history(database, now)
    with database.transaction() as session:
        latest = session.scalar(select(func.max(AppealEvent.at)))
        out_of_order = session.execute(
            select(Appeal.ticket).join(AppealEvent, AppealEvent.appeal_id == Appeal.id)
            .where(AppealEvent.at < Appeal.created_at)
        ).all()
    assert latest < now and out_of_order == []


def test_what_history_told_people_counts_as_sent(database, clock):
    seeded_history(database, clock())
    with database.transaction() as session:
        waiting = session.scalar(select(func.count()).select_from(OutboxMessage)
                                 .where(OutboxMessage.status != OutboxStatus.SENT))
        told = session.scalar(select(func.count()).select_from(OutboxMessage))
    assert told > 0 and waiting == 0


def test_a_second_start_adds_nothing(database, clock):
    seeded_history(database, clock())
    with database.transaction() as session:
        before = session.scalar(select(func.count()).select_from(Appeal))
    assert seeded_history(database, clock() + timedelta(days=1)) == 0
    with database.transaction() as session:
        assert session.scalar(select(func.count()).select_from(Appeal)) == before
        unclear = session.scalar(select(func.count()).select_from(Appeal).where(Appeal.category == UNCLASSIFIED))
        people = session.scalar(select(func.count()).select_from(Resident)
                                .where(Resident.openid.in_(history.RESIDENTS)))
    assert unclear == 3 and people == len(history.RESIDENTS)


def test_the_demo_starts_again_after_a_compound_was_renamed_and_a_building_moved(database, clock):
    from storage import org_moves, org_renames
    from storage.models import Building, Community, Grid

    seeded_history(database, clock())
    with database.transaction() as session:  # what README's month in a street office has an operator do
        org_renames.rename(session, org_renames.PlaceKind.COMPOUND, "阳光花园", "阳光花园一期")
        building = session.scalars(select(Building).where(Building.name == "2号楼",
                                                          Building.compound == "阳光花园一期")).one()
        second = session.scalars(select(Grid).join(Community, Community.id == Grid.community_id)
                                 .where(Community.name == "幸福里社区", Grid.name == "第二网格")).one()
        org_moves.move(session, org_moves.plan(session, building, second), org_moves.AppealsChoice.KEEP, clock(), ())
    with database.transaction() as session:  # the next `gridbot demo`
        street.seed(session, clock())
        assert session.scalar(select(func.count()).select_from(Building).where(Building.compound == "阳光花园")) == 0
