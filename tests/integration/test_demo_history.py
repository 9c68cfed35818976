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
