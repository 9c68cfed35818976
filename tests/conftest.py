"""Shared fixtures: a real embedded Redis for the session, flushed per test."""

from __future__ import annotations

import fcntl
from pathlib import Path
from typing import Iterator

import pytest
import redis as redis_lib

from bot.redisconn import ensure_embedded_redis, stop_embedded_redis


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """URL of a real redis-server started for this test session."""
    data_dir: Path = tmp_path_factory.mktemp("redis")
    url = ensure_embedded_redis(data_dir)
    yield url
    stop_embedded_redis(data_dir)


@pytest.fixture
def redis_client(redis_url: str) -> Iterator[redis_lib.Redis]:
    """A client on the session's Redis, emptied before each test."""
    client = redis_lib.Redis.from_url(redis_url)
    client.flushdb()
    yield client
    client.close()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--postgres-set", metavar="FILE", default=None,
                     help="run only the `postgres` tests FILE lists (tests/postgres_tests.txt; run.py's PostgreSQL "
                          "pass of the whole suite)")


# tryfirst: before -k and -m deselect, so that a listed test they leave out is not taken for missing. specname:
# pytest reads only hooks named pytest_*, and the groups' hook below has this hook's own name.
@pytest.hookimpl(tryfirst=True, specname="pytest_collection_modifyitems")
def pytest_collection_modifyitems_postgres_set(config: pytest.Config, items: list[pytest.Item]) -> None:
    """With --postgres-set, deselect the collected tests that its file does not list (by `path::function`, all
    their parameters together). A listed test whose file is gone, or that its collected file no longer has, stops
    the run: a renamed test would otherwise leave the PostgreSQL pass without anyone noticing."""
    listing = config.getoption("postgres_set")
    if listing is None:
        return
    listed = {line.strip() for line in Path(listing).read_text(encoding="utf-8").splitlines()
              if line.strip() and not line.lstrip().startswith("#")}
    rootdir = Path(str(config.rootpath))
    names = {item: listed_name(item) for item in items}
    collected = set(names.values())
    files = {name.split("::", 1)[0] for name in collected}
    missing = sorted(test for test in listed if not (rootdir / test.split("::", 1)[0]).is_file()
                     or (test.split("::", 1)[0] in files and test not in collected))
    if missing:
        raise pytest.UsageError(f"{listing} lists tests that do not exist (run tests/choose_postgres.py): "
                                + ", ".join(missing[:10]))
    config.hook.pytest_deselected(items=[item for item in items if names[item] not in listed])
    items[:] = [item for item in items if names[item] in listed]


def listed_name(item: pytest.Item) -> str:
    """`tests/x.py::test_name`: the node id without its parameters and the xdist group appended to it."""
    return item.nodeid.split("[", 1)[0].split("@", 1)[0]


DEMO_FIXTURES = {"start_demo", "shared_demo", "site"}  # tests/e2e/test_cli.py and conftest.py, tests/browser


@pytest.hookimpl(tryfirst=True)  # before xdist's own, which reads the groups
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Groups for pytest-xdist's `--dist loadgroup`: the tests that start `gridbot demo` run on one worker, so that
    no two demos (five processes each) start at once, and the `quiet` tests with them, so that a quiet test never
    waits for a demo test (a minute on a busy machine) to end with the other worker idle; the tests of a module that
    share a module-wide fixture (a server, a model) run on one worker, so that it is built once. A group the module
    names itself comes first.

    xdist tells its controller an item's group by the suffix `@group` it writes into the item's id; pytest 9.2's
    structured ids no longer read it, and every test ran wherever it fell (pytest-xdist#1386): pyproject.toml keeps
    pytest below 9.2, and tests/unit/test_xdist_groups.py fails if a group stops reaching xdist."""
    for item in items:
        fixtures = getattr(item, "_fixtureinfo", None)
        if fixtures is None or item.get_closest_marker("xdist_group") is not None:
            continue
        if DEMO_FIXTURES & set(fixtures.name2fixturedefs) or item.get_closest_marker("quiet") is not None:
            item.add_marker(pytest.mark.xdist_group("demo"))
        elif any(definitions[-1].scope == "module" for definitions in fixtures.name2fixturedefs.values()):
            item.add_marker(pytest.mark.xdist_group(item.nodeid.split("::", 1)[0]))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    """Under pytest-xdist, a test marked `quiet` (it measures time) has the machine to itself: the other workers
    finish the test they are in and wait until it is done, as in a serial run."""
    worker = xdist_worker(item.config)
    if worker is None:
        yield
        return
    shared = Path(item.config.option.basetemp).parent  # xdist gives each worker <the run's basetemp>/popen-gwN
    quiet = item.get_closest_marker("quiet") is not None
    with open(shared / "quiet.gate", "a") as gate, open(shared / "quiet.lock", "a") as lock:
        # A turnstile: a quiet test holds the gate while it waits for the running tests and runs, so that the
        # other workers cannot slip in one test after another and keep it waiting.
        fcntl.flock(gate, fcntl.LOCK_EX)
        if not quiet:
            fcntl.flock(gate, fcntl.LOCK_UN)
        fcntl.flock(lock, fcntl.LOCK_EX if quiet else fcntl.LOCK_SH)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
            fcntl.flock(gate, fcntl.LOCK_UN)


# --- database ------------------------------------------------------------------------------------------

import logging
import os
from collections import OrderedDict
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone

from flask import Flask
from jinja2 import BytecodeCache
from jinja2.bccache import Bucket
from sqlalchemy import Engine, Table, create_engine, make_url, select, text
from sqlalchemy.orm import Session

import storage.db
from bot.settings import PLAIN, Settings
from bot.web.app import routed_app, serving
from bot.web.runtime import Runtime
from bot.wechat.simulator import WeChatServer
from handlers.types import REPLY_BYTES
from storage.db import Database, make_engine, upgrade
from storage.models import Base
from tests.support import street

TEST_TOKEN = "spamtest"
TEST_APPID = "wx2c2769f8efd9abc2"
TEST_AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
TEST_SECRET_KEY = "gridbot-test-secret-key-0123456789abcdef"
TEST_PUBLIC_URL = "https://gridbot.test"


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory, pytestconfig: pytest.Config) -> str:
    """SQLite in a temp dir, or the PostgreSQL of GRIDBOT_TEST_DATABASE_URL, migrated once.

    Under pytest-xdist each worker is a session of its own: SQLite lives in the worker's temp dir already, and on
    PostgreSQL each worker gets a database of its own (gridbot_test_gw0, ...), made anew beside the given one."""
    url = os.environ.get("GRIDBOT_TEST_DATABASE_URL") or f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
    if url.startswith("postgresql"):
        worker = xdist_worker(pytestconfig)
        url = fresh_database(url, worker) if worker else empty_schema(url)
    upgrade(url)
    return url


def xdist_worker(config: pytest.Config) -> str | None:
    """This session's pytest-xdist worker id (gw0, gw1, ...), or None in a plain run or xdist's controller."""
    workerinput = getattr(config, "workerinput", None)
    return None if workerinput is None else str(workerinput["workerid"])


def empty_schema(url: str) -> str:
    """The database of `url` with its public schema dropped and made again."""
    database = Database(url)
    with database.engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    database.dispose()
    return url


def fresh_database(url: str, worker: str) -> str:
    """A new, empty database `<name>_<worker>` on the server of `url` (made through its `postgres` database, a
    leftover of an earlier run dropped first); its URL."""
    given = make_url(url)
    name = f"{given.database}_{worker}"
    server = create_engine(given.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with server.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        server.dispose()
    return given.set(database=name).render_as_string(hide_password=False)


SHARED_ENGINES: dict[str, Engine] = {}  # the session's engine (its pool of connections) per database URL
TABLES_CHILDREN_FIRST = tuple(reversed(Base.metadata.sorted_tables))  # the order a test's rows are deleted in


@pytest.fixture
def database(database_url: str) -> Iterator[Database]:
    """The migrated test database, emptied before each test."""
    database = open_test_database(database_url)
    with database.transaction() as session:
        if is_postgres(session):
            # One round trip instead of one per table: under load each trip waits for the server to be scheduled.
            # DELETE, not TRUNCATE: a TRUNCATE of the 35 small tables makes new files for each, 4 times slower.
            session.connection().exec_driver_sql(without_foreign_key_checks(session) + ";".join(
                f"DELETE FROM {quoted(session, table)}" for table in TABLES_CHILDREN_FIRST))
        else:
            # Straight to the driver: through SQLAlchemy the 37 statements took a twentieth of a handler test.
            cursor = session.connection().connection.cursor()
            for table in TABLES_CHILDREN_FIRST:
                cursor.execute(f"DELETE FROM {quoted(session, table)}")
            cursor.close()
    yield database
    close_test_database(database)


def open_test_database(url: str) -> Database:
    """A Database of its own for the test, on the session's engine, whose pooled connections outlive the test.

    On PostgreSQL a new connection is a new server process, and its first look at each table's catalog entries
    took 50-90 ms of a loaded machine's time per test, more than the test's own statements. On SQLite, closing the
    last connection checkpoints the write-ahead log into the database file and syncs it: 100 ms a test against
    35 ms on a kept connection, again on a loaded machine."""
    engine = SHARED_ENGINES.get(url)
    if engine is None:
        engine = SHARED_ENGINES[url] = make_engine(url)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(storage.db, "make_engine", lambda *args: engine)
        return Database(url)


def close_test_database(database: Database) -> None:
    """Give the test's connection back (rolled back, as the pool does); the session's pool is kept unless the test
    left connections checked out (a thread's, say): then it is made anew, as a test's own engine would be."""
    engine = database.engine
    if engine not in SHARED_ENGINES.values():
        database.dispose()
        return
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(engine, "dispose", lambda close=True: None)
        database.dispose()  # this thread's connection only
    if engine.pool.checkedout():  # type: ignore[attr-defined]
        engine.dispose()


def is_postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


SUPERUSER: dict[str, bool] = {}  # per PostgreSQL URL: whether the tests connect as a superuser


def without_foreign_key_checks(session: Session) -> str:
    """On PostgreSQL as a superuser (the throwaway cluster's), the statement that turns the foreign keys' triggers
    off until the transaction ends: emptying every table and writing the seed back, which leave every key whole,
    then take a third of the time (a deleted street row no longer looks for its communities). Otherwise ""."""
    url = session.get_bind().engine.url.render_as_string(hide_password=False)
    if url not in SUPERUSER:
        SUPERUSER[url] = session.connection().exec_driver_sql("SHOW is_superuser").scalar() == "on"
    return "SET LOCAL session_replication_role = replica;" if SUPERUSER[url] else ""


def quoted(session: Session, table: Table, schema: str | None = None) -> str:
    """`table`'s name for SQL, in `schema` when one is given."""
    preparer = session.get_bind().dialect.identifier_preparer
    name = preparer.quote(table.name)
    return name if schema is None else f"{preparer.quote_schema(schema)}.{name}"


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, start: datetime) -> None:
        self.current = start

    def __call__(self) -> datetime:
        return self.current

    def advance(self, **delta: float) -> None:
        """Move time forward."""
        self.current += timedelta(**delta)


@pytest.fixture
def clock() -> Clock:
    """Now, controllable: 2026-11-22 10:00 Beijing time."""
    return Clock(datetime(2026, 11, 22, 2, 0, tzinfo=timezone.utc))


SEEDED_ROWS: dict[tuple[str, datetime], list[tuple[Table, list[dict[str, object]]]]] = {}
SEEDED_COPIES: dict[tuple[str, datetime], str] = {}  # on PostgreSQL: the statement that writes the rows back


@pytest.fixture
def seeded(database: Database, database_url: str, clock: Clock) -> Database:
    """The test street and its people (tests/support/street.py: residents bound, grid members, an operator).

    Seeded through storage once per session and start time; the rows it made are then written back as they were
    (the same ids: PostgreSQL's sequences are past them already), a tenth of the time of seeding again. PostgreSQL
    keeps a copy of them in a schema of their own and writes them back in one round trip."""
    key = (database_url, clock())
    rows, copy = SEEDED_ROWS.get(key), SEEDED_COPIES.get(key)
    if rows is None and copy is None:
        with database.transaction() as session:
            street.seed(session, clock())
        with database.transaction() as session:
            if is_postgres(session):
                SEEDED_COPIES[key] = keep_copy(session, f"gridbot_seed_{len(SEEDED_COPIES)}")
            else:
                SEEDED_ROWS[key] = [(table, [dict(row) for row in session.execute(select(table)).mappings()])
                                    for table in Base.metadata.sorted_tables]
        return database
    with database.transaction() as session:
        if copy is not None:
            session.connection().exec_driver_sql(copy)
            return database
        for table, table_rows in rows or ():
            if table_rows:
                session.execute(table.insert(), table_rows)
    return database


def keep_copy(session: Session, schema: str) -> str:
    """Copy the rows of every table that has any into `schema` (made anew); the statement that writes them back."""
    connection = session.connection()
    connection.exec_driver_sql(f"DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}")
    restore = []
    for table in Base.metadata.sorted_tables:  # parents first: the foreign keys hold at every insert
        if session.execute(select(table).limit(1)).first() is None:
            continue
        columns = ", ".join(session.get_bind().dialect.identifier_preparer.quote(column.name)
                            for column in table.columns)
        connection.exec_driver_sql(f"CREATE TABLE {quoted(session, table, schema)} AS "
                                   f"SELECT {columns} FROM {quoted(session, table)}")
        restore.append(f"INSERT INTO {quoted(session, table)} ({columns}) "
                       f"SELECT {columns} FROM {quoted(session, table, schema)}")
    return without_foreign_key_checks(session) + ";".join(restore)


@pytest.fixture(autouse=True)
def quick_password_hashes(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Console passwords hashed with PBKDF2 of 1,000 rounds in this process instead of scrypt: a scrypt hash or
    check took 0.5 s on the loaded CI machine, and the console tests make some five per test (the cast's three
    accounts, the logins) — minutes of CI. Checking works the same (werkzeug reads the method from the hash). A
    test marked `scrypt` keeps the real method; the demo and browser tests run it in their own processes."""
    if request.node.get_closest_marker("scrypt") is None:
        from storage import console_users

        monkeypatch.setattr(console_users, "PASSWORD_METHOD", "pbkdf2:sha256:1000")


@pytest.fixture(scope="session", autouse=True)
def reused_url_builders() -> Iterator[None]:
    """Each URL rule's builder functions compiled once per process instead of once per app.

    werkzeug compiles two small Python functions for every rule an app registers (`Rule._compile_builder`): with
    the console's ~140 routes that is four fifths of `create_app`'s 25 ms, and the tests make an app per test.
    The code depends only on the rule's parts (its trace) and whether unknown arguments are appended, and is bound
    to each rule anew, so the same code serves every app. Rules with defaults are compiled as before (their
    defaults are folded into the code). Should werkzeug rename the method, apps are simply built as before."""
    from werkzeug.routing.rules import Rule

    compile_builder = getattr(Rule, "_compile_builder", None)
    if compile_builder is None:
        yield
        return
    compiled: dict[tuple[object, ...], object] = {}

    def cached(self: Rule, append_unknown: bool = True):  # type: ignore[no-untyped-def]
        if self.defaults:
            return compile_builder(self, append_unknown)
        key = (self.rule, tuple(self._trace), append_unknown)
        if key not in compiled:
            compiled[key] = compile_builder(self, append_unknown)
        return compiled[key]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Rule, "_compile_builder", cached)
        yield


class CompiledTemplates(BytecodeCache):
    """Jinja's compiled templates kept in memory for the process: every app has an environment of its own, and
    compiling the console's templates anew for each test's app took 10 ms a template. Jinja checks each entry
    against the template's source, so a changed template is compiled again."""

    def __init__(self) -> None:
        self.compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        if bucket.key in self.compiled:
            bucket.bytecode_from_string(self.compiled[bucket.key])

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.compiled[bucket.key] = bucket.bytecode_to_string()


@pytest.fixture(scope="session", autouse=True)
def reused_templates() -> Iterator[None]:
    """Every app of the run shares one cache of compiled templates (see CompiledTemplates)."""
    from flask import Flask

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Flask, "jinja_options", {**Flask.jinja_options, "bytecode_cache": CompiledTemplates()})
        yield


KEPT_TOKENIZERS = 3


@pytest.fixture(scope="session", autouse=True)
def reused_jieba() -> Iterator[None]:
    """jieba's tokenizer loaded once per process for each set of words and user dictionaries, not once per
    Segmenter: a load takes a second of CPU (its 350,000-word dictionary), and the tests build many classifiers
    (a CLI command each, a taxonomy saved from the console, a test's own). Production builds one per process.
    The key holds the user dictionaries' contents, so a dictionary a test rewrites is loaded again; the tokenizer is
    never changed after loading (nlp/segmenter.py), so sharing it changes no result. Only the last few are kept: a
    tokenizer holds some 100 MB."""
    from nlp import segmenter

    load = segmenter._load_tokenizer
    loaded: OrderedDict[tuple[object, ...], object] = OrderedDict()

    def shared(words: tuple[str, ...], userdicts: tuple[Path, ...]):  # type: ignore[no-untyped-def]
        key = (words, *(path.read_bytes() for path in (segmenter.SHIPPED_USERDICT, *userdicts)))
        if key in loaded:
            loaded.move_to_end(key)
        else:
            loaded[key] = load(words, userdicts)
            while len(loaded) > KEPT_TOKENIZERS:
                loaded.popitem(last=False)
        return loaded[key]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(segmenter, "_load_tokenizer", shared)
        yield


@pytest.fixture
def settings(database_url: str, redis_url: str, tmp_path: Path) -> Settings:
    """Settings with Tencent's published sample credentials (an AES key: safe mode) and the session's Redis."""
    return Settings(wechat_token=TEST_TOKEN, wechat_appid=TEST_APPID, wechat_secret="test-secret",
                    wechat_aes_key=TEST_AES_KEY, database_url=database_url, redis_url=redis_url, data_dir=tmp_path,
                    secret_key=TEST_SECRET_KEY, public_url=TEST_PUBLIC_URL,
                    # Console figures computed on every page: on a loaded machine a slow one would be kept, and a
                    # test's second look would read it stale (tests/integration/test_figure_cache.py keeps them).
                    figures_keep_after_ms=None)


@pytest.fixture
def runtime(settings: Settings, seeded: Database, clock: Clock, redis_client: redis_lib.Redis) -> Runtime:
    """The web app's runtime on the seeded test database, the test clock and an emptied Redis."""
    return Runtime(settings, clock=clock, database=seeded)


class Apps:
    """The run's Flask apps, kept for the next test: building one registers some 220 URL rules, a seventh of a
    handler test's time. A test gets an app no other fixture of it holds, serving its own runtime (bot.web.app's
    `serving`, as create_app does). Apps are kept under what `routed_app` reads from the settings."""

    def __init__(self) -> None:
        self.free: dict[tuple[object, ...], list[Flask]] = {}

    @contextmanager
    def app(self, runtime: Runtime) -> Iterator[Flask]:
        settings = runtime.settings
        kept = self.free.setdefault((settings.secret_key, settings.public_url, settings.console_session_hours), [])
        app = serving(kept.pop() if kept else routed_app(settings), runtime)
        try:
            yield app
        finally:
            app.extensions.pop("gridbot", None)
            kept.append(app)


APPS = Apps()


@pytest.fixture
def client(runtime: Runtime):  # type: ignore[no-untyped-def]
    """Flask's test client for the webhook (safe mode: encrypted messages only)."""
    with APPS.app(runtime) as app:
        yield app.test_client()


@pytest.fixture
def plain_client(runtime: Runtime):  # type: ignore[no-untyped-def]
    """Flask's test client for a webhook in plain mode (GRIDBOT_WECHAT_MODE=plain) on the same database."""
    plain = Runtime(runtime.settings.with_(wechat_mode=PLAIN), clock=runtime.clock, database=runtime.database)
    with APPS.app(plain) as app:
        yield app.test_client()


class WeChat:
    """Sends messages to the webhook as WeChat's server would, and reads the replies."""

    def __init__(self, client, clock: Clock, encrypted: bool | None = None) -> None:  # type: ignore[no-untyped-def]
        """`encrypted`: None sends what the app's mode expects (encrypted unless it is in plain mode)."""
        self.client = client
        self.clock = clock
        if encrypted is None:
            encrypted = client.application.extensions["gridbot"].settings.mode != PLAIN
        self.encrypted = encrypted
        self.server = WeChatServer(TEST_TOKEN, TEST_APPID, TEST_AES_KEY)
        self.last_status = 0

    def post(self, xml: str, **sign: object):  # type: ignore[no-untyped-def]
        """POST a message; returns the Flask response."""
        request = self.server.sign(xml, encrypted=self.encrypted, timestamp=self.now(), **sign)  # type: ignore[arg-type]
        return self.client.post("/wechat", query_string=request.params, data=request.body), request

    def send(self, openid: str, content: str) -> str | None:
        """Send a text; return the reply's text (None when silent)."""
        return self.deliver(self.server.text(openid, content, create_time=self.now()))

    def deliver(self, xml: str) -> str | None:
        """POST any message XML and open the reply."""
        response, request = self.post(xml)
        self.last_status = response.status_code
        assert response.status_code == 200, response.get_data(as_text=True)
        reply = self.server.open_reply(response.get_data(as_text=True), request)
        # WeChat shows nothing of a longer passive reply ("该公众号暂时无法提供服务"): every reply any test meets fits.
        assert reply is None or len(reply.encode()) <= REPLY_BYTES, f"{len(reply.encode())} bytes:\n{reply}"
        return reply

    def dialog(self, openid: str, turns: list[tuple[str, str]]) -> None:
        """A conversation: each message and a fragment its reply must contain."""
        for message, expected in turns:
            reply = self.send(openid, message) or ""
            assert expected in reply, f"after {message!r} expected {expected!r} in:\n{reply}"

    def now(self) -> int:
        return int(self.clock().timestamp())


@pytest.fixture
def wechat(client, clock: Clock) -> WeChat:  # type: ignore[no-untyped-def]
    """WeChat's server as the test account (safe mode) gets it: every message encrypted."""
    return WeChat(client, clock)


@pytest.fixture
def wechat_safe(client, clock: Clock) -> WeChat:  # type: ignore[no-untyped-def]
    """WeChat's server in safe (AES) mode."""
    return WeChat(client, clock, encrypted=True)


@pytest.fixture
def wechat_plain(plain_client, clock: Clock) -> WeChat:  # type: ignore[no-untyped-def]
    """WeChat's server for an account in plain mode: plaintext messages, plaintext replies."""
    return WeChat(plain_client, clock, encrypted=False)


# --- the outbound side: fake WeChat API, worker runtime ---------------------------------------------

from bot.wechat.api import WeChatAPI
from bot.wechat.fake import FakeWeChatServer
from bot.worker.runtime import WorkerRuntime, install
from tests.fakes import Fake


@pytest.fixture
def fake_wechat() -> Iterator[Fake]:
    """The fake WeChat API on an ephemeral port."""
    with FakeWeChatServer() as server:
        yield Fake(server.url)


@pytest.fixture
def worker_runtime(settings: Settings, seeded: Database, redis_client: redis_lib.Redis, redis_url: str,
                   clock: Clock, fake_wechat: Fake) -> WorkerRuntime:
    """What a worker process holds, installed for the jobs this test runs, talking to the fake API."""
    configured = settings.with_(wechat_api_base_url=fake_wechat.url, redis_url=redis_url)
    runtime = WorkerRuntime(configured, seeded, redis_client, WeChatAPI.from_settings(configured, redis_client), clock)
    install(runtime)
    return runtime


# --- no phone number or full openid in any log of the run (see tests/log_scan.py) --------------------

from tests.log_scan import LogScanner

LOG_SCANNER = LogScanner()


def pytest_sessionstart(session: pytest.Session) -> None:
    """Hand every log record of the run, at every level, to the scanner."""
    LOG_SCANNER.attach(logging.getLogger())


@pytest.fixture(scope="session", autouse=True)
def scan_server_logs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """At the end of the run, scan the log files of the servers the tests started (all under the base temp)."""
    yield
    LOG_SCANNER.scan_logs_under(tmp_path_factory.getbasetemp())


WORKER_FINDINGS = "gridbot_log_findings"  # the key of an xdist worker's findings in its workeroutput


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error) -> None:  # type: ignore[no-untyped-def]
    """In pytest-xdist's controller: take over what a worker found, so that the controller's exit status fails."""
    LOG_SCANNER.findings.extend(getattr(node, "workeroutput", {}).get(WORKER_FINDINGS, []))


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Fail the run if any log held a phone number or a full openid, and say where.

    An xdist worker's own exit status decides nothing: it hands its findings to the controller instead."""
    LOG_SCANNER.detach(logging.getLogger())
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:
        workeroutput[WORKER_FINDINGS] = list(LOG_SCANNER.findings)
        return
    if not LOG_SCANNER.findings:
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    lines = [f"personal data in the logs of this run ({len(LOG_SCANNER.findings)} findings):",
             *LOG_SCANNER.findings[:50]]
    for line in lines:
        if reporter is not None:
            reporter.write_line(line, red=True)
        else:
            print(line)
    session.exitstatus = pytest.ExitCode.TESTS_FAILED
