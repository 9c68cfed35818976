"""Engine, sessions and migrations for SQLite (default) and PostgreSQL."""

from __future__ import annotations

import fcntl
import functools
import os
import sqlite3
import threading
import time
import unicodedata
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Iterator, Mapping, Sequence, TypeVar

from sqlalchemy import Connection, Engine, Executable, Row, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from storage import private_files

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
APPLIED_MIGRATIONS = "gridbot_applied"  # Alembic config attribute: how many migrations a run applied (its env.py)
SQLITE_SYNCHRONOUS = ("NORMAL", "FULL")
SQLITE_AUTOCHECKPOINT_PAGES = 20_000  # ~80 MB of WAL
# How long a statement waits for another transaction's lock. The worker and the CLI can afford to wait for a
# long transaction to end; a webhook request cannot (WeChat gives up after 5 s), so the web process passes a
# shorter wait and answers "please resend" when it runs out (see `is_busy`).
LONG_LOCK_WAIT_MS = 30_000
# A transaction asked to wait less than the database's own wait by at most this keeps its own (`waiting_at_most`).
WAIT_SLACK_MS = 100
LOCK_POLL_S, LOCK_POLL_MAX_S = 0.00025, 0.004  # a wait for SQLite's write lock (see _begin_immediate)
# Bulk writers (imports) commit every this many rows, and pause between batches for longer than a transaction
# waiting for the write lock sleeps between its tries (at most LOCK_POLL_MAX_S; SQLite's busy handler, which the
# statements inside a transaction still use, at most 100 ms): a request waiting for the write lock gets it.
BATCH_ROWS = 200
BATCH_PAUSE_S = 0.12
_SQLITE_BUSY_CODES = (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)
# PostgreSQL: lock_not_available (lock_timeout) and query_canceled (statement_timeout).
_POSTGRES_BUSY_STATES = ("55P03", "57014")
# PostgreSQL's admin_shutdown and crash_shutdown: the server is ending the connection.
_POSTGRES_ENDED_STATES = ("57P01", "57P02")
# PostgreSQL's disk_full; SQLite says SQLITE_FULL ("database or disk is full").
_POSTGRES_FULL_STATES = ("53100",)
# How long a PostgreSQL connection attempt may take: a host that does not answer is reported, not waited for.
# The web process uses the floor libpq allows (2 s), so that its requests still answer within WeChat's 5 s.
CONNECT_TIMEOUT_S = 10
SHORT_CONNECT_TIMEOUT_S = 2
POSTGRES_DRIVER = "postgresql+psycopg"
# A connection idle for longer than this is asked whether the server still has it before a transaction takes it
# (PostgreSQL; one round trip): a restart or a failover ends every idle connection, and the first transaction on
# each would fail (an operator's action in the console, a worker's job). One used in the last seconds is taken as
# it is, or a busy process would pay the round trip per transaction; the webhook handles a message again on a new
# connection when its transaction meets an ended one (bot/web/runtime.py).
PING_IDLE_AFTER_S = 5.0
T = TypeVar("T")


READ_ONLY = "gridbot_read_only"  # the execution option of a `Database.read` connection
# Session.info: the database's `aside`, where it takes a second writer beside a transaction (PostgreSQL).
ASIDE = "gridbot_aside"
LOCK_WAIT = "gridbot_lock_wait_ms"  # the execution option of a SQLite transaction given a shorter wait


class DatabaseUnavailable(RuntimeError):
    """The database did not answer; the message is the driver's reason, on one line."""


class Database:
    """One engine per process, and the unit of work every state change runs in."""

    def __init__(self, url: str, sqlite_synchronous: str = "NORMAL", lock_wait_ms: int = LONG_LOCK_WAIT_MS,
                 session_info: Mapping[str, Any] | None = None) -> None:
        self.url = url
        self.lock_wait_ms = lock_wait_ms
        self.engine = make_engine(url, sqlite_synchronous, lock_wait_ms)
        # Settings storage reads inside a transaction (e.g. storage.outbox's digest threshold): Session.info.
        self.session_info = dict(session_info or {})
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        # The connection this thread's open transaction runs on, and the shorter lock wait it was given.
        self._held = threading.local()
        # Connections between transactions, with the time each came back (monotonic): the most recently used last.
        self._idle: list[tuple[Connection, float]] = []
        self._idle_aside: list[Connection] = []  # the same for `aside`
        self._idle_lock = threading.Lock()
        if self.engine.dialect.name != "sqlite":
            self.session_info[ASIDE] = self.aside

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session whose work commits at the end of the block, or rolls back on any error.

        Transactions take the most recently used idle connection rather than checking one out of the pool: the
        pool's checkout, reset and return cost more than a short transaction's SQL. Most recently used, because
        SQLite keeps a page cache per connection and empties it whenever another connection has written: a web
        process handles one message at a time on any of its threads, and with a connection per thread each
        message met a cold cache (its pages read again with a system call each: 8% of a message's CPU under gunicorn).
        """
        if getattr(self._held, "connection", None) is not None:
            # A transaction opened inside another on this thread gets a connection of its own.
            with self._sessions(info=dict(self.session_info)) as session, session.begin():
                yield session
            return
        connection = self._held.connection = self._checkout()
        wait_ms = getattr(self._held, "lock_wait_ms", None)
        sqlite = self.engine.dialect.name == "sqlite"
        try:
            if wait_ms is not None and sqlite:
                connection.execution_options(**{LOCK_WAIT: wait_ms})  # read by _sqlite_on_begin
            with connection.begin():
                if wait_ms is not None and not sqlite:
                    _shorten_postgres_waits(connection, wait_ms)
                session = Session(bind=connection, expire_on_commit=False, join_transaction_mode="rollback_only",
                                  info=dict(self.session_info))
                try:
                    yield session
                    session.flush()
                finally:
                    session.close()
        except DBAPIError as error:
            if ended_by_server(error):
                _discard(connection)  # not kept for the next transaction, which may be this one's retry
            raise
        finally:
            if wait_ms is not None and sqlite and not connection.closed:
                connection.execution_options(**{LOCK_WAIT: None})
            self._held.connection = None
            self._checkin(connection)

    def aside(self, work: Callable[[Connection], T]) -> T:
        """Run `work` on a connection in autocommit beside this thread's transaction, for a statement whose effect
        must be committed at once, whatever the transaction then does: a counter every transaction bumps
        (storage/tickets.py). Bumped inside the transaction, its row stays locked until that transaction ends, and
        the next one queues behind all of it; here it is locked for one statement. PostgreSQL only: SQLite has one
        writer, the transaction itself.

        Its commits do not wait for their WAL record to reach disk (synchronous_commit off). A transaction that
        uses the value commits after it, and the flush of its own commit record covers the earlier one: a value
        in a committed row has always been committed as handed out, and is never handed out again.

        When the server has ended the connection while it sat idle (a restart, a failover), `work` runs once more
        on a new one: it must be safe to repeat when its first run may have reached the server (a counter's bump:
        at worst a number is skipped).
        """
        connection = self._aside_connection()
        try:
            try:
                result = work(connection)
            except DBAPIError as error:
                if not ended_by_server(error):
                    raise
                _discard(connection)
                connection = self._aside_connection()
                result = work(connection)
        except BaseException:
            _discard(connection)
            raise
        with self._idle_lock:
            self._idle_aside.append(connection)
        return result

    def _aside_connection(self) -> Connection:
        with self._idle_lock:
            connection = self._idle_aside.pop() if self._idle_aside else None
        if connection is None or connection.closed:
            connection = self.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
            connection.exec_driver_sql("SET synchronous_commit TO off")
        return connection

    @contextmanager
    def waiting_at_most(self, ms: float) -> Iterator[None]:
        """Transactions this thread opens in the block wait for another's lock at most `ms` (at least 1 ms, and
        never longer than this database's own wait): for a webhook request that spent part of its time queued.
        Within WAIT_SLACK_MS of the database's own wait, that wait is kept: the request that queued only briefly
        (nearly all of them) pays PostgreSQL no extra round trip."""
        if ms > self.lock_wait_ms - WAIT_SLACK_MS:
            yield
            return
        self._held.lock_wait_ms = max(1, int(ms))
        try:
            yield
        finally:
            self._held.lock_wait_ms = None

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A read-only session on a connection of its own that never takes SQLite's write lock (in WAL mode a
        reader waits for no writer): for a small lookup that may run while this thread holds a transaction, such
        as the taxonomy version check behind a console page, and for long reads that must not keep writers out,
        such as the console's figures (bot/figure_cache.py). A transaction nested the usual way would queue
        behind the very lock its own thread holds until the busy timeout ends it."""
        # Closing the connection rolls its transaction back: nothing was written, nothing is kept.
        with self.engine.connect().execution_options(**{READ_ONLY: True}) as connection, \
                Session(bind=connection) as session:
            yield session

    def batches(self, items: Sequence[T], size: int = BATCH_ROWS) -> Iterator[tuple[Session, Sequence[T]]]:
        """`items` in slices of `size`, each with a transaction of its own that commits when the next is asked for.

        For bulk writers: no transaction holds the write lock for longer than one slice takes, and between two
        slices the lock is free long enough for a waiting webhook request to take it. The work must be
        idempotent, so that running it again after a crash between two slices completes it.
        """
        for start in range(0, len(items), size):
            if start:
                time.sleep(BATCH_PAUSE_S)
            with self.transaction() as session:
                yield session, items[start:start + size]

    def checkpoint(self) -> None:
        """Move SQLite's write-ahead log into the database file without blocking writers (no-op elsewhere)."""
        if self.engine.dialect.name != "sqlite":
            return
        # Outside any transaction (SQLite refuses a checkpoint inside one): the raw connection is in autocommit.
        raw = self.engine.raw_connection()
        try:
            raw.cursor().execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
        finally:
            raw.close()

    def ping(self) -> None:
        """Run `SELECT 1` on a pooled connection, outside any transaction (SQLite's BEGIN IMMEDIATE would queue
        behind a writer); raise DatabaseUnavailable when the database does not answer."""
        try:
            raw = self.engine.raw_connection()
            try:
                raw.cursor().execute("SELECT 1").fetchall()
            finally:
                raw.close()
        except (SQLAlchemyError, self.engine.dialect.loaded_dbapi.Error, OSError) as error:
            # A pool checkout raises the driver's own error, unwrapped.
            raise DatabaseUnavailable(first_line(error)) from None

    def server_time(self) -> datetime | None:
        """The database server's clock now (PostgreSQL's `clock_timestamp()`), or None when the database is a file
        with no clock of its own (SQLite: the process's clock is the only one). Raises DatabaseUnavailable."""
        if self.engine.dialect.name == "sqlite":
            return None
        try:
            raw = self.engine.raw_connection()
            try:
                cursor = raw.cursor()
                cursor.execute("SELECT clock_timestamp()")
                (value,) = cursor.fetchone()
            finally:
                raw.close()
        except (SQLAlchemyError, self.engine.dialect.loaded_dbapi.Error, OSError) as error:
            raise DatabaseUnavailable(first_line(error)) from None
        return value if value.tzinfo else value.replace(tzinfo=timezone.utc)

    def dispose(self) -> None:
        """Close the idle connections and the pooled ones (before fork, and at shutdown)."""
        with self._idle_lock:
            idle, self._idle, self._idle_aside = [connection for connection, _ in self._idle] + self._idle_aside, [], []
        for connection in idle:
            connection.close()
        self.engine.dispose()

    def _checkout(self) -> Connection:
        with self._idle_lock:
            connection, idle_since = self._idle.pop() if self._idle else (None, 0.0)
        if connection is None or connection.closed:
            return self.engine.connect()
        if time.monotonic() - idle_since > PING_IDLE_AFTER_S and not self._still_open(connection):
            _discard(connection)
            return self.engine.connect()
        return connection

    def _checkin(self, connection: Connection) -> None:
        if not connection.closed:
            with self._idle_lock:
                self._idle.append((connection, time.monotonic()))

    def _still_open(self, connection: Connection) -> bool:
        """Whether the server still has an idle connection: the ping SQLAlchemy's pool makes (a file's, always)."""
        dialect = self.engine.dialect
        if dialect.name == "sqlite":
            return True
        try:
            dialect.do_ping(connection.connection.dbapi_connection)
        except dialect.loaded_dbapi.Error:
            return False
        return True


def _discard(connection: Connection) -> None:
    """Close a connection an error went through, rather than keep it: reconnected behind our back, it would lose
    its settings. Invalidated first, so that a connection already gone is not asked to roll back on the way."""
    if not connection.closed:
        connection.invalidate()
        connection.close()


def column_rows(session: Session, statement: Executable, params: Mapping[str, Any]) -> Sequence[Row[Any]]:
    """Every row of a query of columns (no ORM objects), after a flush, on the session's connection: the session's
    own handling of a statement costs some 60 us more than the connection's, as much as SQLite takes to run the
    short lookups the webhook makes for every message."""
    session.flush()
    return session.connection().execute(statement, params).all()


def ended_by_server(error: BaseException) -> bool:
    """Whether a database error means the server ended the connection the statement ran on (a restart, a failover):
    SQLAlchemy found the connection gone, or the server said why as it ended it (the driver may pass that on before
    it notices the connection closed)."""
    if not isinstance(error, DBAPIError):
        return False
    return error.connection_invalidated or getattr(error.orig, "sqlstate", None) in _POSTGRES_ENDED_STATES


def first_line(error: BaseException) -> str:
    """An error's message on one line (drivers add hints on further lines), its type when it has none."""
    cause = getattr(error, "orig", None) or error
    lines = [line.strip() for line in str(cause).splitlines() if line.strip()]
    return lines[0] if lines else type(cause).__name__


def is_busy(error: BaseException) -> bool:
    """Whether a database error means another transaction held a lock for longer than this process waits."""
    cause = getattr(error, "orig", None) or error  # SQLAlchemy and DriverSQL wrap the driver's error
    sqlite_code = getattr(cause, "sqlite_errorcode", None)
    if sqlite_code is not None:
        return sqlite_code & 0xFF in _SQLITE_BUSY_CODES  # extended codes keep the primary one in the low byte
    return getattr(cause, "sqlstate", None) in _POSTGRES_BUSY_STATES


def is_out_of_space(error: BaseException) -> bool:
    """Whether a database error means the disk holding the database is full: nothing can be written until an
    operator frees space, and a traceback would not tell them so."""
    cause = getattr(error, "orig", None) or error
    sqlite_code = getattr(cause, "sqlite_errorcode", None)
    if sqlite_code is not None:
        return sqlite_code & 0xFF == sqlite3.SQLITE_FULL
    return getattr(cause, "sqlstate", None) in _POSTGRES_FULL_STATES


def is_sqlite_url(url: str) -> bool:
    """Whether a database URL names SQLite (a file, or memory) rather than a server."""
    return make_url(url).get_backend_name() == "sqlite"


def make_engine(url: str, sqlite_synchronous: str = "NORMAL", lock_wait_ms: int = LONG_LOCK_WAIT_MS) -> Engine:
    """An engine tuned for the backend: SQLite gets WAL, a busy timeout and write-locking transactions.

    Statement errors never carry their bound parameters (appeal texts, phone numbers) into messages or logs.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        connect_args: dict[str, Any] = {"connect_timeout": CONNECT_TIMEOUT_S}
        if lock_wait_ms < LONG_LOCK_WAIT_MS:
            connect_args["connect_timeout"] = SHORT_CONNECT_TIMEOUT_S
            # A short wait is the web process's: a statement stuck behind another's lock, or running long, fails
            # within it instead of outliving WeChat's patience. The others keep PostgreSQL's default (no limit).
            connect_args["options"] = f"-c lock_timeout={lock_wait_ms} -c statement_timeout={lock_wait_ms}"
        # Overflow for two connections a thread (a transaction's and `Database.aside`'s) in the web process.
        return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=25, hide_parameters=True,
                             pool_timeout=lock_wait_ms / 1000, connect_args=connect_args)
    if parsed.database and parsed.database != ":memory:":
        _private_sqlite_files(Path(parsed.database))
    engine = create_engine(url, connect_args={"timeout": lock_wait_ms / 1000, "check_same_thread": False},
                           hide_parameters=True)
    if sqlite_synchronous not in SQLITE_SYNCHRONOUS:
        raise ValueError(f"sqlite_synchronous must be one of {SQLITE_SYNCHRONOUS}")
    event.listen(engine, "connect",
                 lambda connection, _record: _sqlite_on_connect(connection, sqlite_synchronous, lock_wait_ms))
    event.listen(engine, "begin", lambda connection: _sqlite_on_begin(connection, lock_wait_ms))
    return engine


def _private_sqlite_files(path: Path) -> None:
    """The database file 0600 before SQLite opens it: SQLite gives its -wal and -shm files the same mode."""
    if not path.parent.exists():
        path.parent.mkdir(mode=private_files.DIRECTORY_MODE, parents=True)
    private_files.private_file(path)
    for companion in (path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        private_files.tighten(companion)


def _sqlite_on_connect(dbapi_connection: Any, synchronous: str, lock_wait_ms: int) -> None:
    # Let SQLAlchemy, not pysqlite, decide when a transaction begins (see _sqlite_on_begin).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    # WAL + NORMAL: a commit survives any crash of our processes; only an OS crash or power cut can lose the
    # last commits. FULL adds an fsync per commit (measured 0.6-3 ms here against 20 us), which SQLite cannot
    # share between processes. Production durability is PostgreSQL's job; FULL is there for those who want it.
    cursor.execute(f"PRAGMA synchronous={synchronous}")
    # Checkpointing the WAL into the database file syncs the disk; left to the default (every 1000 pages), a
    # webhook request pays for it every ~100 appeals (p99 5 ms instead of 1.5 ms in-process). The worker
    # checkpoints every second (Database.checkpoint); this high mark only matters when no worker runs.
    cursor.execute(f"PRAGMA wal_autocheckpoint={SQLITE_AUTOCHECKPOINT_PAGES}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={int(lock_wait_ms)}")
    cursor.close()
    # PostgreSQL's normalize(), which storage/typed_words.py compares typed words with.
    dbapi_connection.create_function("normalize", 2, _normalize, deterministic=True)


def _normalize(text: str | None, form: str) -> str | None:
    """PostgreSQL's normalize(text, form): the text in that Unicode normal form (NFKC: ㎡ as m2, Ｂ as B)."""
    return None if text is None else unicodedata.normalize(form, text)


def _sqlite_on_begin(connection: Any, lock_wait_ms: int) -> None:
    # BEGIN IMMEDIATE takes the write lock up front. A deferred transaction that reads and then writes
    # fails at once with "database is locked" when another process committed in between, instead of waiting.
    # A `Database.read` session never writes: a deferred BEGIN, which takes no lock.
    if connection.get_execution_options().get(READ_ONLY, False):
        connection.exec_driver_sql("BEGIN")
        return
    _begin_immediate(connection, connection.get_execution_options().get(LOCK_WAIT) or lock_wait_ms)


def _shorten_postgres_waits(connection: Connection, wait_ms: int) -> None:
    """This transaction's statements wait for a lock, and run, at most `wait_ms` (the web process's own waits are
    connection options; see make_engine). One round trip, paid only by a request that has waited already."""
    connection.exec_driver_sql("SELECT set_config('lock_timeout', %(wait)s, true), "
                               "set_config('statement_timeout', %(wait)s, true)", {"wait": f"{wait_ms}ms"})


def _begin_immediate(connection: Connection, lock_wait_ms: int) -> None:
    """BEGIN IMMEDIATE, waiting up to `lock_wait_ms` for another connection's write lock in short steps.

    SQLite's own busy handler sleeps 1, 2, 5, 10, 15, 20, 25… ms between its tries: a waiter behind a lock held
    for 3 ms took it 5-30 ms after it was free. Here the handler is off for the BEGIN, which tries again after
    LOCK_POLL_S, doubling up to LOCK_POLL_MAX_S; inside the transaction it is on again (in WAL mode, a statement
    of the lock's holder waits only for a checkpoint). The tries use the driver directly (SQLAlchemy's wrapping of
    each refusal would cost more than the try); the last one goes through SQLAlchemy and raises as it did.
    """
    deadline = time.monotonic() + lock_wait_ms / 1000
    cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    pause = LOCK_POLL_S
    try:
        cursor.execute("PRAGMA busy_timeout=0")
        while time.monotonic() < deadline:
            try:
                cursor.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as error:
                if not is_busy(error):
                    break
            time.sleep(pause)
            pause = min(pause * 2, LOCK_POLL_MAX_S)
        connection.exec_driver_sql("BEGIN IMMEDIATE")  # raises what SQLAlchemy raises, or begins if free by now
    finally:
        cursor.execute(f"PRAGMA busy_timeout={int(lock_wait_ms)}")
        cursor.close()


def upgrade(url: str) -> bool:
    """Bring the schema at `url` to the newest migration; whether this run applied any (not when another upgrade
    running at the same time had applied them all first). Two run at once wait for each other: on PostgreSQL by an
    advisory lock (storage/migrations/env.py), on a SQLite file by an flock on its folder: SQLite's locks do not span
    a migration's statements, and a second upgrade that read a table halfway rebuilt failed."""
    from alembic import command

    config = alembic_config(url)
    with _sqlite_upgrade_lock(url):
        if _at_shipped_heads(url):  # every operator command upgrades first: most often there is nothing to do
            return False
        command.upgrade(config, "head")
    return bool(config.attributes.get(APPLIED_MIGRATIONS))


def missing_sqlite_file(url: str) -> bool:
    """Whether `url` names a SQLite file that does not exist (yet): nothing to read from it, no revision."""
    parsed = make_url(url)
    return (parsed.get_backend_name() == "sqlite" and bool(parsed.database) and parsed.database != ":memory:"
            and not Path(parsed.database).exists())


@functools.cache
def shipped_heads() -> frozenset[str]:
    """The newest revisions of the migrations shipped with the code, found once a process: Alembic finds them by
    loading every migration's file, which took 20-30 ms each time."""
    from alembic.script import ScriptDirectory

    return frozenset(ScriptDirectory.from_config(alembic_config("")).get_heads())


def applied_heads(connection: Connection) -> frozenset[str]:
    """The revisions the database of `connection` was migrated to (none when it never was)."""
    from alembic.runtime.migration import MigrationContext

    return frozenset(MigrationContext.configure(connection).get_current_heads())


def _at_shipped_heads(url: str) -> bool:
    """Whether the database at `url` holds exactly the shipped migrations, as the readiness check reads it (with
    its connect timeouts: an unreachable server fails within seconds); False as well when it cannot be read
    (Alembic then says why, as it always did)."""
    from storage import readiness  # it imports this module

    try:
        return readiness.schema(url) is readiness.Schema.CURRENT
    except DatabaseUnavailable:
        return False


@contextmanager
def _sqlite_upgrade_lock(url: str) -> Iterator[None]:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        yield
        return
    path = Path(parsed.database)
    _private_sqlite_files(path)
    # On the database's folder, never the file: closing any descriptor of the file would drop every POSIX lock
    # this process holds on it, SQLite's among them (the CLI's tests upgrade beside open connections).
    folder = os.open(path.resolve().parent, os.O_RDONLY)
    try:
        fcntl.flock(folder, fcntl.LOCK_EX)
        yield
    finally:
        os.close(folder)  # releases the flock


def alembic_config(url: str) -> Any:
    """Alembic's configuration for the migrations shipped with the code, aimed at `url`."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config
