"""Storage invariants that must hold on SQLite and PostgreSQL alike, including under concurrency."""

import json
import os
import sqlite3
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import timedelta

import psycopg
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import event, func, or_, select, update
from sqlalchemy.exc import DBAPIError, IntegrityError, NoResultFound, OperationalError

from bot.worker import schedule
from storage import (
    appeals,
    db,
    dedup,
    dispatch,
    driver_sql,
    joins,
    media_files,
    org,
    outbox,
    residents,
    telling,
    verification,
)
from storage.errors import IllegalTransition
from storage.models import (
    Appeal,
    AppealEvent,
    AppealStatus,
    Attachment,
    Base,
    Building,
    Community,
    OutboxMessage,
    OutboxStatus,
    Resident,
    Street,
    Verification,
)
from storage.notices import StaffDigest
from storage.tickets import next_ticket, normalize_ticket
from storage.typed_words import holds_words
from tests.support.personas import RESIDENT

pytestmark = pytest.mark.postgres


def race(workers, action):
    """Run `action(i)` in `workers` threads released at the same moment; returns results or exceptions."""
    barrier = threading.Barrier(workers)

    def run(i):
        barrier.wait()
        try:
            return action(i)
        except Exception as error:  # the race's losers are part of the result
            return error

    with ThreadPoolExecutor(workers) as pool:
        return list(pool.map(run, range(workers)))


# Alembic says it cannot compare SQLite's expression indexes before `_built_on` leaves the PostgreSQL-only one out.
@pytest.mark.filterwarnings("ignore:autogenerate skipping metadata-specified expression-based index:UserWarning")
def test_the_migrations_build_exactly_the_models(database):
    with database.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"include_object": _built_on(connection.dialect.name)})
        assert compare_metadata(context, Base.metadata) == []


def _built_on(dialect):
    """Leave out what the models build on another database only (`Index(...).ddl_if(dialect=...)`, such as
    PostgreSQL's trigram index): Alembic's comparison does not read ddl_if."""
    def include(schema_object, name, kind, reflected, compare_to):
        condition = getattr(schema_object, "_ddl_if", None)
        return condition is None or condition.dialect in (None, dialect)
    return include


def test_ticket_numbers_are_unique_and_dense_under_concurrency(database, clock):
    def allocate(_):
        with database.transaction() as session:
            return next_ticket(session, clock())

    tickets = race(8, allocate)
    assert sorted(tickets) == [f"G261122{n:04d}" for n in range(1, 9)]


def test_ticket_numbers_restart_each_local_day(database, clock):
    with database.transaction() as session:
        first = next_ticket(session, clock())
    clock.advance(hours=14)  # 10:00 → 00:00 the next day in Beijing
    with database.transaction() as session:
        assert next_ticket(session, clock()) == "G2611230001"
    assert first == "G2611220001"


def test_a_ticket_does_not_wait_for_the_transaction_that_took_the_one_before(database, clock):
    """PostgreSQL bumps the day's counter aside from the transaction: the next appeal gets its number while the
    one before is still being written. SQLite's one writer is the transaction itself: it queues, as before."""
    taken, release = threading.Event(), threading.Event()

    def first_appeal():
        with database.transaction() as session:
            ticket = next_ticket(session, clock())
            taken.set()
            release.wait(10)
            return ticket

    with ThreadPoolExecutor(1) as pool:
        first = pool.submit(first_appeal)
        assert taken.wait(10)
        try:
            if database.engine.dialect.name == "sqlite":
                with pytest.raises(OperationalError), database.waiting_at_most(50), \
                        database.transaction() as session:
                    next_ticket(session, clock())
            else:
                with database.waiting_at_most(2_000), database.transaction() as session:
                    started = time.monotonic()
                    assert next_ticket(session, clock()) == "G2611220002"
                    assert time.monotonic() - started < 1
        finally:
            release.set()
        assert first.result() == "G2611220001"


def test_a_residents_recent_filings_hold_their_row_until_the_transaction_ends(database, clock):
    """Two messages of one resident handled at once are counted one after the other (the hourly and daily limits):
    the second waits for the first's transaction. Another resident does not wait. (SQLite: its one writer.)"""
    with database.transaction() as session:
        ids = [residents.get_or_create(session, openid, clock()).id for openid in ("o-first", "o-other")]
    held, release = threading.Event(), threading.Event()

    def first_message():
        with database.transaction() as session:
            appeals.recent_filings(session, ids[0], clock())
            held.set()
            release.wait(10)

    with ThreadPoolExecutor(1) as pool:
        first = pool.submit(first_message)
        assert held.wait(10)
        try:
            with pytest.raises(OperationalError) as waited, database.waiting_at_most(100), \
                    database.transaction() as session:
                appeals.recent_filings(session, ids[0], clock())
            assert db.is_busy(waited.value)
            if database.engine.dialect.name == "postgresql":
                with database.waiting_at_most(100), database.transaction() as session:
                    assert appeals.recent_filings(session, ids[1], clock()).last_day == 0
        finally:
            release.set()
        first.result()


def test_a_rolled_back_appeal_leaves_a_gap_where_the_counter_runs_aside(database, clock):
    with pytest.raises(RuntimeError), database.transaction() as session:
        assert next_ticket(session, clock()) == "G2611220001"
        raise RuntimeError("the appeal could not be written")
    with database.transaction() as session:
        after = next_ticket(session, clock())
    assert after == ("G2611220001" if database.engine.dialect.name == "sqlite" else "G2611220002")


def settings_of(connection):
    """What the counter's connection runs with, and which server process it is."""
    return (connection.exec_driver_sql("SHOW synchronous_commit").scalar(),
            connection.connection.dbapi_connection.autocommit,
            connection.exec_driver_sql("SELECT pg_backend_pid()").scalar())


def test_the_counters_connection_commits_without_waiting_for_the_disk_and_is_replaced_after_an_error(database):
    if database.engine.dialect.name == "sqlite":
        pytest.skip("SQLite bumps the counter inside the transaction")
    synchronous, autocommit, kept = database.aside(settings_of)
    assert (synchronous, autocommit) == ("off", True)
    assert database.aside(settings_of)[2] == kept
    with pytest.raises(DBAPIError):
        database.aside(lambda connection: connection.exec_driver_sql("SELECT 1 / 0"))
    synchronous, autocommit, replaced = database.aside(settings_of)
    assert (synchronous, autocommit) == ("off", True) and replaced != kept
    with database.transaction() as session:
        # A transaction's own connection keeps the server's setting, under which its commit waits for the disk.
        assert session.connection().exec_driver_sql(
            "SELECT setting = reset_val FROM pg_settings WHERE name = 'synchronous_commit'").scalar()


def test_a_counters_connection_the_server_ended_is_replaced_without_failing_the_appeal(database, clock):
    if database.engine.dialect.name == "sqlite":
        pytest.skip("SQLite bumps the counter inside the transaction")
    with database.transaction() as session:
        assert next_ticket(session, clock()) == "G2611220001"
    ended = database.aside(settings_of)[2]
    with database.read() as session:  # as a restart or a failover ends the idle connection
        session.connection().exec_driver_sql(f"SELECT pg_terminate_backend({int(ended)})")
        deadline = time.monotonic() + 10
        # pg_stat_activity is read once per transaction unless its snapshot is cleared: a first look that still
        # saw the process would otherwise be all this loop ever saw.
        while session.connection().exec_driver_sql(
                "SELECT pg_stat_clear_snapshot(), "
                f"(SELECT count(*) FROM pg_stat_activity WHERE pid = {int(ended)})").one()[1]:
            assert time.monotonic() < deadline, "the server process did not end"
            time.sleep(0.05)
    with database.transaction() as session:
        assert next_ticket(session, clock()) == "G2611220002"  # the first try never reached the ended process
    assert database.aside(settings_of)[2] != ended


@pytest.mark.parametrize("typed, expected", [
    ("G2611220007", "G2611220007"), ("g2611220007", "G2611220007"), ("2611220007", "G2611220007"),
    ("Ｇ２６１１２２０００７", "G2611220007"), (" G 2611220007 ", "G2611220007"), ("G26112200", None), ("电梯", None),
    # said to a phone, or copied out of a WeChat message with its quotes: the punctuation around it is not the number
    ("G2611220007。", "G2611220007"), ("“G2611220007”", "G2611220007"), ("（2611220007）", "G2611220007"),
    ("G-2611220007", None), ("G2611220007号", None),
])
def test_ticket_numbers_are_read_as_people_type_them(typed, expected):
    assert normalize_ticket(typed) == expected


def test_a_message_key_is_claimed_exactly_once_under_concurrency(database, clock):
    def claim(i):
        with database.transaction() as session:
            if dedup.claim(session, "msg:42", clock(), f"reply {i}"):
                return f"reply {i}"
        with database.transaction() as session:
            return dedup.stored_reply(session, "msg:42")

    replies = race(6, claim)
    assert len(set(replies)) == 1 and replies[0].startswith("reply ")


def test_driver_statements_keep_one_cursor_per_postgresql_connection_and_a_new_connection_gets_its_own(database):
    # psycopg's cursors cost ~10 us each to make (storage/driver_sql.py); sqlite3's are made per statement and
    # closed after it, so that none is left holding a statement open.
    echo = driver_sql.DriverSQL("SELECT %(value)s")
    kept = []
    for _ in range(2):
        with database.transaction() as session:
            assert echo.run(session, {"value": 1}) == (1,)
            connection = session.connection()
            kept.append(connection.connection.info.get(driver_sql._KEPT_CURSOR))
            assert echo.all(session, {"value": 2}) == [(2,)]
            assert connection.connection.info.get(driver_sql._KEPT_CURSOR) is kept[-1]
        db._discard(connection)  # as after an error: the next transaction gets a new connection
    if database.engine.dialect.name == "sqlite":
        assert kept == [None, None]
    else:
        assert kept[0] is not None and kept[1] is not None and kept[0] is not kept[1]
        assert kept[0].connection.closed  # the invalidated connection's, gone with it


def test_a_driver_statement_without_rows_returns_none_and_one_with_returning_its_row(database):
    with database.transaction() as session:
        session.connection().exec_driver_sql("CREATE TEMPORARY TABLE probe (id INTEGER PRIMARY KEY, value TEXT)")
        plain = driver_sql.DriverSQL("INSERT INTO probe (id, value) VALUES (%(id)s, %(value)s)")
        returning = driver_sql.DriverSQL(
            "INSERT INTO probe (id, value) VALUES (%(id)s, %(value)s) ON CONFLICT DO NOTHING RETURNING value")
        assert plain.run(session, {"id": 1, "value": "a"}) is None
        assert returning.run(session, {"id": 2, "value": "b"}) == ("b",)
        assert returning.run(session, {"id": 2, "value": "c"}) is None  # nothing inserted, nothing returned


def test_a_key_already_in_the_outbox_raises_sqlalchemys_integrity_error_and_a_savepoint_keeps_the_rest(database,
                                                                                                       clock):
    # The outbox's INSERT runs on the driver's cursor (storage/driver_sql.py); callers such as the daily summary
    # catch SQLAlchemy's IntegrityError around it, whichever driver raised it.
    notice = StaffDigest(window_start=clock(), count=0, tickets=(), minutes=1)
    with database.transaction() as session:
        outbox.add(session, key="summary:o1", recipient_openid="o1", notice=notice, now=clock())
        with pytest.raises(IntegrityError) as raised, session.begin_nested():
            outbox.add(session, key="summary:o1", recipient_openid="o1", notice=notice, now=clock())
        outbox.add(session, key="summary:o2", recipient_openid="o2", notice=notice, now=clock())
    assert "parameters hidden" in str(raised.value)  # as SQLAlchemy's own: no texts, phone numbers in a log
    with database.transaction() as session:
        assert session.scalars(select(OutboxMessage.idempotency_key).order_by(OutboxMessage.id)).all() == [
            "summary:o1", "summary:o2"]


def test_tells_deferred_are_written_at_the_blocks_end_in_the_order_told_and_dropped_with_an_error(database, clock):
    notice = StaffDigest(window_start=clock(), count=0, tickets=(), minutes=1)

    def keys(session):  # type: ignore[no-untyped-def]
        return session.scalars(select(OutboxMessage.idempotency_key).order_by(OutboxMessage.id)).all()
    with database.transaction() as session:
        with telling.deferred(session):
            telling.tell(session, "o2", notice, clock(), key="later:o2")
            with telling.deferred(session):  # nested: the outer block's end writes these too
                telling.tell(session, "o1", notice, clock(), key="later:o1")
            assert keys(session) == []
        assert keys(session) == ["later:o2", "later:o1"]
    with pytest.raises(RuntimeError), database.transaction() as session, telling.deferred(session):
        telling.tell(session, "o3", notice, clock(), key="never:o3")
        raise RuntimeError("the transaction fails")
    with database.transaction() as session:
        assert keys(session) == ["later:o2", "later:o1"]
        telling.tell(session, "o3", notice, clock(), key="now:o3")  # outside a block: written at once
        assert keys(session)[-1] == "now:o3"


def test_a_connection_the_server_dropped_is_replaced_after_a_driver_statement_met_it(database, clock):
    if database.engine.dialect.name != "postgresql":
        pytest.skip("a PostgreSQL server ends a backend; SQLite has none")
    with database.transaction() as session:
        backend = session.connection().exec_driver_sql("SELECT pg_backend_pid()").scalar()
    with database.read() as session:  # kept idle by the Database, then ended by the server (a restart, a failover)
        session.connection().exec_driver_sql(f"SELECT pg_terminate_backend({int(backend)})")
    with pytest.raises(OperationalError), database.transaction() as session:
        dedup.claim(session, "msg:7", clock(), "reply")  # the first statement runs on the driver's cursor
    with database.transaction() as session:  # the next transaction gets a live connection
        assert dedup.claim(session, "msg:7", clock(), "reply")


def test_a_connection_idle_for_long_is_asked_whether_the_server_still_has_it_before_a_transaction_takes_it(
        database, clock, monkeypatch):
    if database.engine.dialect.name != "postgresql":
        pytest.skip("a PostgreSQL server ends a backend; SQLite has none")
    with database.transaction() as session:
        backend = session.connection().exec_driver_sql("SELECT pg_backend_pid()").scalar()
    with database.read() as session:  # ended while idle, as a restart at night ends every backend
        session.connection().exec_driver_sql(f"SELECT pg_terminate_backend({int(backend)})")
    monkeypatch.setattr(db, "PING_IDLE_AFTER_S", 0.0)  # idle for longer than that by now
    with database.transaction() as session:  # no error: the ended connection was replaced before the transaction
        assert dedup.claim(session, "msg:8", clock(), "reply")
        assert session.connection().exec_driver_sql("SELECT pg_backend_pid()").scalar() != backend


def test_the_relay_reads_the_rows_it_takes_and_not_every_row_ever_sent(database, clock):
    if database.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL's planner walked the primary key; SQLite's never did")
    at, later = clock().replace(tzinfo=None), clock().replace(tzinfo=None) + timedelta(minutes=15)
    with database.transaction() as session:  # a month of sent cards, digests waiting for their time, 20 due, 20 lost
        session.connection().exec_driver_sql(
            "INSERT INTO outbox (idempotency_key, recipient_openid, template, params, status, attempts, created_at, "
            "next_attempt_at, queued_at) SELECT 'k' || g, 'o' || (g %% 500), 'task_card', '{}', "
            "CASE WHEN g <= 50000 THEN 'sent' WHEN g <= 53020 THEN 'pending' ELSE 'queued' END, 1, %(at)s, "
            "CASE WHEN g > 50000 AND g <= 53000 THEN %(later)s ELSE %(at)s END, "
            "CASE WHEN g > 53020 THEN %(long_ago)s END FROM generate_series(1, 53040) g",
            {"at": at, "later": later, "long_ago": at - timedelta(hours=1)})
        expected = session.scalars(select(OutboxMessage.id).where(OutboxMessage.idempotency_key.in_(
            [f"k{g}" for g in range(53001, 53041)])).order_by(OutboxMessage.id)).all()

    def relay_round(session):  # type: ignore[no-untyped-def]
        outbox.settle_abandoned(session, clock(), lambda claims: {})
        return outbox.take_due(session, clock())

    statements, taken = selects_of(database, relay_round, analyze="outbox")
    assert taken == expected  # the due and the lost ones, in order
    pages = [pages_read(database, statement, parameters) for statement, parameters in statements]
    assert len(pages) == 3 and max(pages) < 100, pages  # take_due's old one-statement OR read ~800 pages here


def test_the_look_for_photos_to_save_reads_the_ones_not_saved_and_not_every_attachment(database, clock):
    at = clock().replace(tzinfo=None)
    postgres = database.engine.dialect.name == "postgresql"
    rows = "generate_series(1, 20000) AS s(g)" if postgres else \
        "(WITH RECURSIVE s(g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM s WHERE g < 20000) SELECT g FROM s)"
    with database.transaction() as session:  # photos saved long ago, and the one a resident has just sent
        session.connection().exec_driver_sql(
            "INSERT INTO attachments (kind, media_id, created_at, downloaded_at, download_attempts, public_id) "
            f"SELECT 'image', 'm' || g, :at, :at, 1, 'p' || g FROM {rows}".replace(":at", "%(at)s" if postgres else "?"),
            {"at": at} if postgres else (at, at))
        session.add(Attachment(kind="image", media_id="new", created_at=clock()))
    statements, taken = selects_of(database, lambda session: media_files.take_due(session, clock()),
                                   analyze="attachments")
    assert len(taken) == 1 and len(statements) == 1
    if postgres:
        assert pages_read(database, *statements[0]) < 20  # all 20,001 were read before the index (217 pages)
    else:
        with database.engine.connect() as connection:
            plan = " ".join(row[-1] for row in connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statements[0][0]}",
                                                                          statements[0][1]))
        assert "ix_attachments_to_download" in plan, plan


def test_finished_messages_are_forgotten_unless_their_appeal_is_still_open(seeded, clock):
    with seeded.transaction() as session:
        closed = appeals.file_appeal(session, residents.view(session, "o1", clock()), intake(), clock())
        still_open = appeals.file_appeal(session, residents.view(session, "o2", clock()), intake(), clock())
        dispatch.dispatch_pending(session, clock(), schedule.hotspot_rules()[0])
        session.execute(update(Appeal).where(Appeal.id == closed.id).values(status=AppealStatus.CLOSED))
        session.execute(update(OutboxMessage).where(OutboxMessage.status != OutboxStatus.DIGESTED)
                        .values(status=OutboxStatus.SENT))  # the 网格长's routine copies stay folded
        digest = StaffDigest(window_start=clock(), count=0, tickets=(), minutes=1)
        for key, status in (("failed", OutboxStatus.FAILED), ("waiting", OutboxStatus.PENDING)):
            telling.tell(session, "o9", digest, clock(), key=key)
            session.execute(update(OutboxMessage).where(OutboxMessage.idempotency_key == key).values(status=status))
    with seeded.transaction() as session:
        kept = set(session.scalars(select(OutboxMessage.id).where(or_(
            OutboxMessage.appeal_id == still_open.id, OutboxMessage.idempotency_key == "waiting"))))
        total = session.scalar(select(func.count()).select_from(OutboxMessage))
        assert set(session.scalars(select(OutboxMessage.status))) == {*outbox.FINISHED, OutboxStatus.PENDING}
        assert len(kept) >= 2 and session.scalar(select(func.count()).where(OutboxMessage.appeal_id == closed.id))
        assert outbox.forget_finished(session, clock()) == 0  # none finished before now
        assert outbox.forget_finished(session, clock() + timedelta(days=1), limit=1) == 1
        assert outbox.forget_finished(session, clock() + timedelta(days=1)) == total - len(kept) - 1
        assert set(session.scalars(select(OutboxMessage.id))) == kept


def test_forgetting_old_messages_reads_them_and_not_the_months_of_history_kept(database, clock):
    at = clock().replace(tzinfo=None)
    postgres = database.engine.dialect.name == "postgresql"
    rows = "generate_series(1, 50030) AS s(g)" if postgres else \
        "(WITH RECURSIVE s(g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM s WHERE g < 50030) SELECT g FROM s)"
    with database.transaction() as session:  # a year ago: 30 sent cards; since: 50,000
        session.connection().exec_driver_sql(
            "INSERT INTO outbox (idempotency_key, recipient_openid, template, params, status, attempts, created_at, "
            "next_attempt_at) SELECT 'k' || g, 'o' || (g % 500), 'task_card', '{}', 'sent', 1, :at, "
            f"CASE WHEN g <= 30 THEN :long_ago ELSE :at END FROM {rows}".replace(
                "%", "%%" if postgres else "%").replace(":at", "%(at)s" if postgres else ":at").replace(
                ":long_ago", "%(long_ago)s" if postgres else ":long_ago"),
            {"at": at, "long_ago": at - timedelta(days=400)})
        session.connection().exec_driver_sql("ANALYZE outbox")
    deletes, _ = statements_of(
        database, lambda session: outbox.forget_finished(session, clock() - timedelta(days=365)), "DELETE")
    assert len(deletes) == len(outbox.FINISHED)
    with database.transaction() as session:
        assert session.scalar(select(func.count()).select_from(OutboxMessage)) == 50_000
    explain = "EXPLAIN (FORMAT JSON)" if postgres else "EXPLAIN QUERY PLAN"
    for statement, parameters in deletes:
        with database.engine.connect() as connection:
            found = connection.exec_driver_sql(f"{explain} {statement}", parameters).all()
        plan = json.dumps(found[0][0]) if postgres else " ".join(row[-1] for row in found)
        assert "ix_outbox_status_due" in plan, plan
        if postgres:  # the next hour's round, with nothing to forget: a sequential scan would read ~570 pages
            assert pages_read(database, statement, parameters) < 20


def statements_of(database, work, verb: str):  # type: ignore[no-untyped-def]
    """The statements starting with `verb` (with their parameters) that `work` runs in a transaction, and what it
    returned."""
    statements = []

    def keep(_connection, _cursor, statement, parameters, _context, _executemany):  # type: ignore[no-untyped-def]
        if statement.lstrip().startswith(verb):
            statements.append((statement, parameters))

    event.listen(database.engine, "before_cursor_execute", keep)
    try:
        with database.transaction() as session:
            result = work(session)
    finally:
        event.remove(database.engine, "before_cursor_execute", keep)
    return statements, result


def selects_of(database, work, analyze: str):  # type: ignore[no-untyped-def]
    """The SELECT statements (with their parameters) `work` runs in a transaction, and what it returned; the
    planner's statistics of the table `analyze` brought up to date first (PostgreSQL), as autovacuum would."""
    if database.engine.dialect.name == "postgresql":
        with database.engine.connect() as connection:
            connection.exec_driver_sql(f"ANALYZE {analyze}")
            connection.commit()
    return statements_of(database, work, "SELECT")


def pages_read(database, statement, parameters) -> int:  # type: ignore[no-untyped-def]
    """The pages PostgreSQL reads to run `statement` (EXPLAIN ANALYZE's shared buffers; rolled back after)."""
    with database.engine.connect() as connection:
        return connection.exec_driver_sql(f"EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) {statement}", parameters
                                          ).scalar()[0]["Plan"]["Shared Hit Blocks"]


def test_a_place_is_named_from_the_database_with_what_this_transaction_changed(seeded):
    with seeded.transaction() as session:
        resident = session.scalars(select(Resident).where(Resident.openid == RESIDENT)).one()
        place = org.address(session, resident.grid_id, resident.building_id, resident.unit_id)
        assert place == org.Address("幸福街道", "幸福里社区", "第一网格", "阳光花园", "3号楼", "1单元")
        assert org.address(session, resident.grid_id, None, None) == org.Address(
            "幸福街道", "幸福里社区", "第一网格", "", None, None)
        session.get(Building, resident.building_id).name = "3号楼（东）"  # not flushed yet
        assert org.address(session, resident.grid_id, resident.building_id, None).home_label == "阳光花园3号楼（东）"
        with pytest.raises(NoResultFound):
            org.address(session, 10**6, None, None)


def test_whether_a_resident_may_join_reads_the_communitys_requirement_changed_in_this_transaction(seeded, clock):
    with seeded.transaction() as session:
        resident = session.scalars(select(Resident).where(Resident.openid == RESIDENT)).one()
        assert verification.may_join(session, resident.id)
        community = session.scalars(select(Community).where(Community.name == "幸福里社区")).one()
        assert verification.require(community, True)  # not flushed yet: the bound building was never proven
        assert not verification.may_join(session, resident.id)
        verification.mark(resident, Verification.QR_CODE, clock())
        assert verification.may_join(session, resident.id)
        assert not verification.may_join(session, 10**6)  # nobody: no neighbours


def test_two_cancels_racing_move_the_appeal_once(seeded, clock):
    with seeded.transaction() as session:
        resident = residents.view(session, "o1", clock())
        ticket = appeals.file_appeal(session, resident, intake(), clock()).ticket

    def cancel(_):
        with seeded.transaction() as session:
            return appeals.cancel(session, residents.view(session, "o1", clock()), ticket, clock())

    results = race(2, cancel)
    assert sum(isinstance(result, Appeal) for result in results) == 1
    assert sum(isinstance(result, IllegalTransition) for result in results) == 1
    with seeded.transaction() as session:
        actions = session.scalars(select(AppealEvent.action).order_by(AppealEvent.id)).all()
    assert actions == ["submitted", "cancelled"]


def test_filing_then_dispatch_write_their_audit_events_and_the_grid_notices(seeded, clock):
    with seeded.transaction() as session:
        resident = residents.view(session, "o1", clock())
        filed = appeals.file_appeal(session, resident, intake(), clock())
    with seeded.transaction() as session:
        assert session.scalar(select(func.count()).select_from(OutboxMessage)) == 0
        assert dispatch.dispatch_pending(session, clock(), schedule.hotspot_rules()[0]) == [filed.id]
        assert dispatch.dispatch_pending(session, clock(), schedule.hotspot_rules()[0]) == []
    with seeded.transaction() as session:
        notices = session.scalars(select(OutboxMessage).where(OutboxMessage.appeal_id == filed.id)).all()
        events = session.scalars(select(AppealEvent.action).order_by(AppealEvent.id)).all()
        assert session.get(Appeal, filed.id).status == AppealStatus.DISPATCHED
    assert {n.recipient_openid for n in notices} == {"demo_staff_zhangwei", "demo_staff_lina", "demo_staff_wangqiang"}
    assert events == ["submitted", "dispatched"]


def test_an_image_sent_just_before_the_words_joins_the_appeal_at_dispatch(seeded, clock):
    with seeded.transaction() as session:
        resident = residents.view(session, "o1", clock())
        assert appeals.attach(session, resident, Attachment(kind="image", media_id="m1"), clock()).appeal is None
    clock.advance(minutes=2)
    with seeded.transaction() as session:
        filed = appeals.file_appeal(session, residents.view(session, "o1", clock()), intake(), clock())
        dispatch.dispatch_pending(session, clock(), schedule.hotspot_rules()[0])
    with seeded.transaction() as session:
        assert session.scalars(select(Attachment.appeal_id)).one() == filed.id


def test_a_failed_transaction_leaves_nothing_behind(seeded, clock):
    with pytest.raises(RuntimeError), seeded.transaction() as session:
        resident = residents.get_or_create(session, "o1", clock())
        appeals.file_appeal(session, resident, intake(), clock())
        raise RuntimeError("crash after filing")
    with seeded.transaction() as session:
        assert session.scalar(select(func.count()).select_from(Appeal)) == 0
        assert session.scalar(select(func.count()).select_from(OutboxMessage)) == 0


def intake():
    return appeals.Intake(content="3号楼电梯坏了", channel=appeals.Channel.TEXT, category="物业服务",
                          confidence=0.9, keywords=("电梯",), raw_message={}, response_hours=2, resolve_hours=72)


def test_a_dead_connection_is_replaced_for_the_next_transaction(database):
    # Driver SQL runs on the raw cursor, but the rollback that follows goes through SQLAlchemy, which sees the
    # disconnect and invalidates the connection before it goes back to the idle ones.
    with pytest.raises((DBAPIError, sqlite3.Error, psycopg.Error)), database.transaction() as session:
        session.connection().connection.dbapi_connection.close()  # as a database restart would leave it
        dedup.stored_reply(session, "msg:1")
    with database.transaction() as session:
        assert dedup.stored_reply(session, "msg:1") is None


def dbapi_connection_of(database):
    """The driver connection a transaction runs on, as Database.transaction chose it."""
    with database.transaction() as session:
        return session.connection().connection.dbapi_connection


def test_a_transaction_takes_the_connection_the_last_one_used_whichever_thread_it_runs_on(database):
    """SQLite empties a connection's page cache when another connection has written: a web process's threads take
    turns on the most recently used connection instead of each keeping its own."""
    first = dbapi_connection_of(database)
    with ThreadPoolExecutor(1) as other_thread:
        assert other_thread.submit(dbapi_connection_of, database).result() is first
    assert dbapi_connection_of(database) is first


def test_transactions_at_the_same_time_run_on_connections_of_their_own(database):
    if database.engine.dialect.name == "sqlite":
        pytest.skip("SQLite lets one transaction at a time write (BEGIN IMMEDIATE)")
    with database.transaction() as outer:
        held = outer.connection().connection.dbapi_connection
        with ThreadPoolExecutor(1) as other_thread:
            assert other_thread.submit(dbapi_connection_of, database).result() is not held
        with database.transaction() as nested:  # on the same thread, inside the outer one
            assert nested.connection().connection.dbapi_connection is not held
        outer.add(Street(name="外层街道"))
    with database.transaction() as session:
        assert session.scalar(select(func.count()).select_from(Street).where(Street.name == "外层街道")) == 1


def test_a_buildings_neighbour_lookup_seeks_its_open_appeals_not_the_grids_last_three_days(database):
    """storage.joins.neighbours runs for every appeal filed; SQLite has no statistics to choose by."""
    if database.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL chooses by its statistics")
    with database.transaction() as session:
        plan = session.connection().exec_driver_sql(
            "EXPLAIN QUERY PLAN " + joins._NEIGHBOURS.text_for("sqlite"),
            {"grid_id": 1, "building_id": 1, "category": "物业服务", "since": "2026-12-01 00:00:00.000000",
             "resident_id": 1, "limit": 5, "submitted": "submitted", "dispatched": "dispatched",
             "accepted": "accepted", "paused": "paused"},
        ).all()
    assert "USING INDEX ix_appeals_building_category_status" in plan[0][-1]


def test_requests_leave_checkpoints_to_the_worker_which_moves_the_log_into_the_file(database, clock):
    if database.engine.dialect.name != "sqlite":
        pytest.skip("a SQLite write-ahead-log matter")
    path = database.engine.url.database
    raw = database.engine.raw_connection()  # autocommit: see storage.db
    try:
        raw.cursor().execute("VACUUM")  # free pages left by earlier tests' rows would take the new rows in silently
    finally:
        raw.close()
    database.checkpoint()  # the vacuumed pages went through the log too
    before = os.path.getsize(path)
    for n in range(300):
        with database.transaction() as session:
            dedup.claim(session, f"msg:{n}", clock(), "x" * 1000)
    assert os.path.getsize(path) == before  # no request checkpointed: the rows are still in the log
    database.checkpoint()
    assert os.path.getsize(path) > before + 200_000


def test_a_read_inside_a_transaction_neither_waits_for_it_nor_sees_its_writes(database):
    """Database.read takes no write lock: a console page's taxonomy check inside the page's own transaction
    returns at once on SQLite (a nested BEGIN IMMEDIATE would wait for the busy timeout and fail)."""
    with database.transaction() as session:
        session.add(Street(name="读时街道"))
        session.flush()
        started = time.monotonic()
        with database.read() as reading:
            seen = reading.scalar(select(func.count()).select_from(Street).where(Street.name == "读时街道"))
        assert seen == 0 and time.monotonic() - started < 1


def test_a_dialogue_written_by_id_is_one_statement_and_reaches_a_row_the_session_holds(database, clock):
    now = clock()
    with database.transaction() as session:
        resident_id = residents.view(session, "o-dialog", now).id
    with database.transaction() as session:  # not loaded: one UPDATE, seen by the next read of the sender
        residents.write_dialog(session, resident_id, {"name": "join_offer", "ticket": "G2611220001"}, now)
        assert residents.view(session, "o-dialog", now).dialog(now) == {"name": "join_offer", "ticket": "G2611220001"}
    with database.transaction() as session:  # loaded already: changed on the row itself, which reads it at once
        loaded = session.get_one(Resident, resident_id)
        residents.write_dialog(session, resident_id, None, now)
        assert residents.dialog_of(loaded, now) is None
    with database.transaction() as session:
        assert residents.view(session, "o-dialog", now).dialog(now) is None


def test_the_text_search_narrows_full_width_letters_and_postgresql_still_uses_the_trigram_index(seeded, clock):
    """'B座' finds 'Ｂ座' and '50m2' '50㎡' as a resident typed them; on PostgreSQL through the index on the content in
    NFKC (0051)."""
    with seeded.transaction() as session:
        filed = appeals.file_appeal(session, residents.view(session, "o1", clock()), replace(intake(), content="Ｂ座大堂的ＷｉＦｉ连不上，50㎡"),
                                    clock())
        found = select(Appeal.id).where(holds_words(Appeal.content, "b座大堂的wifi连不上,50m2"))
        assert session.scalars(found).all() == [filed.id]
        if seeded.engine.dialect.name == "postgresql":
            session.connection().exec_driver_sql("SET LOCAL enable_seqscan = off")
            compiled = found.compile(session.connection(), compile_kwargs={"render_postcompile": True})
            plan = session.connection().exec_driver_sql(f"EXPLAIN {compiled}", compiled.params).all()
            assert "ix_appeals_content_nfkc_trgm" in " ".join(row[0] for row in plan)
