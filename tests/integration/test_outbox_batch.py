"""storage.outbox.add_all writes what `add` writes one message after another: the same rows, the same statuses,
the same digests, on SQLite and PostgreSQL. A dispatch chunk and the supervision sweep write through it."""

import json
import random
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import delete, select

from storage import outbox
from storage.models import OutboxMessage, OutboxStatus
from storage.notices import Notice, StaffDigest, StaffEscalated, StaffNewAppeal, StaffReminder, StaffTaken

pytestmark = pytest.mark.postgres

# Two minutes on either side of a quarter hour: the routine digests of two quarters, the minute digests of four.
START = datetime(2026, 11, 23, 1, 13, 10, tzinfo=timezone.utc)
RECIPIENTS = ("m1", "m2", "l1")
DIGEST_AFTER = 2


def random_messages(seed: int, count: int) -> list[outbox.Outgoing]:
    """Cards (some urgent, some routine copies), reminders, escalations and notices that never fold, to three
    people over four minutes, in time order (as a transaction tells them)."""
    rng = random.Random(seed)
    times = sorted(START + timedelta(seconds=rng.randrange(0, 240)) for _ in range(count))
    messages = []
    for number, now in enumerate(times):
        ticket = f"G26112300{number:02d}"
        notice: Notice = rng.choice((
            StaffNewAppeal(ticket=ticket, category="物业服务", grid="第1网格", content="电梯坏了"),
            StaffNewAppeal(ticket=ticket, category="安全隐患", grid="第1网格", content="着火了", urgent=True,
                           emergency="火情"),
            StaffReminder(ticket=ticket, due_at=now),
            StaffEscalated(ticket=ticket, level=1),
            StaffTaken(ticket=ticket, by="张三"),
        ))
        routine = isinstance(notice, StaffNewAppeal) and rng.random() < 0.3
        messages.append(outbox.Outgoing(f"k{number}", rng.choice(RECIPIENTS), notice, now, None, routine))
    return messages


def already_there(session) -> None:
    """What earlier transactions left: cards sent this minute, a digest being counted, one handed to a worker."""
    earlier = [outbox.Outgoing(f"before{number}", "m1", StaffNewAppeal(ticket=f"G0{number}", category="物业服务",
                                                                       grid="第1网格", content="灯坏了"), START)
               for number in range(DIGEST_AFTER + 1)]
    earlier.append(outbox.Outgoing("before-routine", "l1", earlier[0].notice, START, None, routine=True))
    outbox.add_all(session, earlier)
    session.flush()
    taken = session.scalars(select(OutboxMessage).where(OutboxMessage.template == StaffDigest.name,
                                                        OutboxMessage.recipient_openid == "m1")).one()
    taken.status = OutboxStatus.QUEUED  # a clock running late: a worker has it already


def written(database, write) -> list[tuple]:
    """The outbox after `write(session)` on top of `already_there`, by key; then emptied again."""
    with database.transaction() as session:
        already_there(session)
        write(session)
    with database.transaction() as session:
        rows = [(row.idempotency_key, row.recipient_openid, row.template, json.loads(row.params), row.status,
                 row.created_at, row.next_attempt_at) for row in session.scalars(select(OutboxMessage))]
        session.execute(delete(OutboxMessage))
    return sorted(rows)


@pytest.mark.parametrize("seed", range(6))
def test_a_batch_is_written_as_its_messages_one_by_one(database, monkeypatch, seed):
    monkeypatch.setitem(database.session_info, outbox.DIGEST_AFTER_KEY, DIGEST_AFTER)
    messages = random_messages(seed, 40)

    def one_by_one(session) -> None:
        for message in messages:
            outbox.add(session, key=message.key, recipient_openid=message.recipient_openid, notice=message.notice,
                       now=message.now, appeal_id=message.appeal_id, routine=message.routine)

    alone, together = written(database, one_by_one), written(database, lambda s: outbox.add_all(s, messages))
    assert together == alone
    statuses = {status for _, _, _, _, status, _, _ in together}
    assert {OutboxStatus.PENDING, OutboxStatus.DIGESTED} <= statuses  # the case is not trivial
    digests = [params for key, _, template, params, _, _, _ in together if template == StaffDigest.name]
    assert len(digests) >= 3 and all(params["count"] >= 1 for params in digests)


def test_a_digest_already_handed_to_a_worker_takes_nothing_more(database, monkeypatch):
    monkeypatch.setitem(database.session_info, outbox.DIGEST_AFTER_KEY, DIGEST_AFTER)
    late = [outbox.Outgoing(f"late{number}", "m1", StaffReminder(ticket=f"G1{number}", due_at=START),
                            START + timedelta(seconds=5)) for number in range(3)]
    rows = written(database, lambda session: outbox.add_all(session, late))
    statuses = {key: status for key, _, _, _, status, _, _ in rows}
    # m1 had more than DIGEST_AFTER sent this minute, but its digest is queued: each goes on its own.
    assert [statuses[message.key] for message in late] == [OutboxStatus.PENDING] * 3
    (digest,) = [params for key, openid, template, params, *_ in rows
                 if template == StaffDigest.name and openid == "m1"]
    assert digest["count"] == 1  # what it had when the worker took it
