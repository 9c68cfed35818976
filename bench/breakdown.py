"""Where a webhook request's time goes, measured in-process: µs per step over many messages.

    python bench/breakdown.py [--messages 2000] [--safe] [--synchronous FULL] [--cold-kb 4096] [--cprofile 25] [--json]

The real Flask app (bot.web.app.create_app) is called as a WSGI app with pre-built environs, on a real SQLite
file database, so everything but gunicorn and the network is in the figures. Three passes over fresh
messages: the echo app, the full app as shipped, and the full app with timers wrapped around each step.
The wrappers and SQL hooks cost a few µs per call, so the instrumented total runs 10-15 % above the plain
one: read the instrumented tables for shares, the plain pass for the absolute cost.

`--cold-kb N` writes N KiB of memory between two calls, untimed, as an HTTP server, the kernel and other
processes do between two requests: the figures are then those of a request that finds the CPU caches cold.
"""

from __future__ import annotations

import argparse
import cProfile
import functools
import io
import json
import pstats
import sys
import time
from collections import Counter, defaultdict
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator

import echo_app
import fixture  # puts the repository on sys.path, before the first-party imports below
import traffic
from sqlalchemy import event
from sqlalchemy.orm import Session

import bot.web.inbox
import bot.wechat.wire
import handlers.commands
import handlers.joins
import storage.appeals
import storage.dedup
import storage.joins
import storage.org
import storage.residents
import storage.verification
from bot.web.app import create_app
from bot.web.runtime import Runtime
from bot.wechat.simulator import WeChatServer
from storage.db import Database
from storage.driver_sql import DriverSQL

WARMUP_MESSAGES = 100
Wsgi = Callable[[dict[str, Any], Callable[..., Any]], Any]


@dataclass(frozen=True)
class Options:
    """Parameters of a breakdown run."""

    messages: int = 2000
    safe: bool = False
    json: bool = False
    tmp_dir: Path | None = None
    residents: int = 500
    synchronous: str | None = None  # a what-if: override the app's PRAGMA synchronous
    cprofile: int = 0  # also print cProfile's top N functions of a fourth pass
    cold_kb: int = 0  # KiB of memory written between two calls (0: none, the caches stay warm)


@dataclass(frozen=True)
class Step:
    """A timed step: where the function lives, its label, and its depth in the call tree."""

    key: str
    depth: int
    label: str


# The call tree of one text message, top to bottom. Inclusive times contain the steps nested below and any
# ORM flush a step triggers (autoflush runs pending INSERTs before the next query, wherever that is).
STEPS: tuple[Step, ...] = (
    Step("wsgi", 0, "WSGI request, Flask included"),
    Step("decode", 1, "wire.decode: verify and parse"),
    Step("signature", 2, "signature check (sha1)"),
    Step("xml", 2, "XML parse (defusedxml)"),
    Step("process", 1, "inbox.process: one transaction"),
    Step("dispatch", 2, "router.dispatch: the conversation (BEGIN IMMEDIATE with its first statement)"),
    Step("command_parse", 3, "command parse"),
    Step("resident", 3, "sender lookup (residents.view)"),
    Step("resident_orm", 3, "resident as ORM row (residents.get_or_create)"),
    Step("classify", 3, "classify (keywords, jieba when needed)"),
    Step("file_appeal", 3, "appeals.file_appeal"),
    Step("ticket", 4, "ticket number (upsert)"),
    Step("audit_event", 4, "audit event (INSERT)"),
    Step("grid_label", 3, "grid label query"),
    Step("join_offer", 3, "join offer (我也遇到: neighbours alike, the offer's dialogue)"),
    Step("neighbours", 4, "neighbours' open appeals (SELECT)"),
    Step("may_join", 4, "verified address required? (SELECT)"),
    Step("offer_place", 4, "building name for the offer (org.address)"),
    Step("render", 2, "render reply XML (wechatpy TextReply)"),
    Step("claim", 2, "claim the message key with its reply (INSERT)"),
    Step("commit", 2, "COMMIT (WAL write; fsync when synchronous=FULL)"),
    Step("seal", 1, "wire.seal (AES encrypt in safe mode)"),
)
# Not in the tree: they run inside whichever step needs them; the self-time table separates them out.
CROSS_CUTTING: tuple[Step, ...] = (
    Step("flush", 0, "ORM flush (unit of work, SQL excluded)"),
    Step("sql", 0, "SQLite executing statements"),
)
SELF_LABELS = {step.key: step.label for step in STEPS + CROSS_CUTTING} | {
    "wsgi": "Flask, werkzeug, webhook glue", "process": "inbox.process glue, session and transaction set-up",
    "dispatch": "router and handler glue", "decode": "wire.decode glue (Inbound, checks)",
    "file_appeal": "appeals.file_appeal own code (INSERT appeals, JSON)", "join_offer": "join offer glue", "commit": "COMMIT (WAL write; fsync when synchronous=FULL)",
}


class Probe:
    """Inclusive and self (exclusive) wall time and call counts per step, kept on a stack of open steps."""

    def __init__(self) -> None:
        """Empty tables."""
        self.inclusive: dict[str, float] = defaultdict(float)
        self.exclusive: dict[str, float] = defaultdict(float)
        self.calls: Counter[str] = Counter()
        self.sql_seconds: dict[str, float] = defaultdict(float)
        self.sql_calls: Counter[str] = Counter()
        self.missing: list[str] = []
        self.lock_held = 0.0  # seconds between BEGIN IMMEDIATE and the end of COMMIT, summed
        self._open: list[list[Any]] = []  # [key, started, seconds spent in nested steps]
        self._lock_taken: float | None = None

    def reset(self) -> None:
        """Forget what was measured so far (the warm-up)."""
        for table in (self.inclusive, self.exclusive, self.calls, self.sql_seconds, self.sql_calls):
            table.clear()
        self.lock_held = 0.0

    def enter(self, key: str) -> None:
        """A step starts."""
        self._open.append([key, time.perf_counter(), 0.0])

    def leave(self) -> float:
        """The innermost open step ends; returns its duration."""
        key, started, nested = self._open.pop()
        elapsed = time.perf_counter() - started
        self.inclusive[key] += elapsed
        self.exclusive[key] += elapsed - nested
        self.calls[key] += 1
        if self._open:
            self._open[-1][2] += elapsed
        return elapsed

    def lock_released(self) -> None:
        """The transaction that BEGIN IMMEDIATE opened has committed: SQLite's write lock is free again."""
        if self._lock_taken is not None:
            self.lock_held += time.perf_counter() - self._lock_taken
            self._lock_taken = None

    def timed(self, key: str, function: Callable[..., Any]) -> Callable[..., Any]:
        """`function` with its calls timed as step `key`."""
        enter, leave = self.enter, self.leave

        @functools.wraps(function)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            enter(key)
            try:
                return function(*args, **kwargs)
            finally:
                leave()

        return wrapper

    @contextmanager
    def patched(self, owner: Any, name: str, key: str) -> Iterator[None]:
        """Time `owner.name` for the duration of the block (skipped, and noted, if it no longer exists)."""
        original = getattr(owner, name, None)
        if original is None:
            self.missing.append(f"{getattr(owner, '__name__', type(owner).__name__)}.{name}")
            yield
            return
        setattr(owner, name, self.timed(key, original))
        try:
            yield
        finally:
            if isinstance(owner, type) or not hasattr(type(owner), name):
                setattr(owner, name, original)
            else:
                delattr(owner, name)  # an instance attribute shadowing a method: remove the shadow

    @contextmanager
    def sql(self, database: Database) -> Iterator[None]:
        """Time every SQL statement's execution in SQLite as step "sql", and by kind (verb and table): those run through
        SQLAlchemy and those handed straight to the driver."""
        engine = database.engine

        def before(_conn: Any, _cursor: Any, statement: str, _params: Any, _context: Any, _many: bool) -> None:
            if statement.startswith("BEGIN"):
                self._lock_taken = time.perf_counter()
            self.enter("sql")

        def after(_conn: Any, _cursor: Any, statement: str, _params: Any, _context: Any, _many: bool) -> None:
            elapsed = self.leave()
            kind = sql_kind(statement)
            self.sql_seconds[kind] += elapsed
            self.sql_calls[kind] += 1

        # The webhook's hottest statements go straight to the driver (storage.driver_sql), past those events.
        driver_execute = DriverSQL._execute_on

        def timed_driver_execute(statement: DriverSQL, *args: Any, **kwargs: Any) -> Any:
            text = statement.text_for("sqlite")
            before(None, None, text, None, None, False)
            try:
                return driver_execute(statement, *args, **kwargs)
            finally:
                after(None, None, text, None, None, False)

        listeners = (("before_cursor_execute", before), ("after_cursor_execute", after))
        for name, listener in listeners:
            event.listen(engine, name, listener)
        DriverSQL._execute_on = timed_driver_execute  # type: ignore[method-assign]
        try:
            yield
        finally:
            DriverSQL._execute_on = driver_execute  # type: ignore[method-assign]
            for name, listener in listeners:
                event.remove(engine, name, listener)


def sql_kind(statement: str) -> str:
    """A statement's verb and main table, e.g. "INSERT appeals" or "SELECT staff"."""
    words = statement.replace("(", " ").replace(",", " ").split()
    verb = words[0].upper() if words else "?"
    anchor = {"SELECT": "FROM", "INSERT": "INTO", "DELETE": "FROM", "UPDATE": "UPDATE"}.get(verb)
    if anchor is None:
        return " ".join(words[:2]).upper()
    upper = [word.upper() for word in words]
    table = words[upper.index(anchor) + 1].strip('"') if anchor in upper[:-1] else "?"
    return f"{verb} {table}"


def run(options: Options) -> int:
    """Set up, run the passes, print the breakdown; 0 on success."""
    env = fixture.create(options.residents, options.safe, options.tmp_dir)
    try:
        report = _measure(env, options)
    finally:
        fixture.remove(env)
    print(json.dumps(report, ensure_ascii=False, indent=2) if options.json else render(report))
    return 0


def _measure(env: fixture.BenchEnv, options: Options) -> dict[str, Any]:
    """Build the app, the echo app and the messages on `env`; run the passes and collect the report."""
    settings = env.settings
    database = Database(settings.database_url)
    if options.synchronous:
        event.listen(database.engine, "connect", _synchronous_pragma(options.synchronous))
    runtime = Runtime(settings, database=database)
    full = create_app(runtime=runtime)
    echo = echo_app.create_echo_app(settings.wechat_token, settings.wechat_appid, settings.wechat_aes_key)
    simulator = WeChatServer(settings.wechat_token, settings.wechat_appid, settings.wechat_aes_key)
    messages = traffic.Traffic(simulator, env.openids, encrypted=options.safe)
    between = _cache_flusher(options.cold_kb)
    echo_times = _pass(echo, messages, options.messages, between=between)
    full_times = _pass(full, messages, options.messages, between=between)
    probe = Probe()
    with _instrumented(probe, runtime, database):
        instrumented = _pass(full, messages, options.messages, probe, between)
    report = {
        "code": fixture.code_version(),
        "messages": options.messages,
        "mode": "safe (AES)" if options.safe else "plaintext",
        "cold_kb": options.cold_kb,
        "sqlite_synchronous": _synchronous_in_use(database, overridden=options.synchronous is not None),
        "echo_us": _distribution(*echo_times),
        "full_us": _distribution(*full_times),
        "instrumented_full_us": _distribution(*instrumented),
        "steps": _steps(probe, options.messages),
        "self": _self_times(probe, options.messages),
        "sql": _sql(probe, options.messages),
        "write_lock_held_us": probe.lock_held * 1e6 / options.messages,
        "not_instrumented": probe.missing,
    }
    if options.cprofile:
        report["cprofile"] = _cprofile(full, messages, options.messages, options.cprofile)
    database.dispose()
    return report


def _pass(app: Wsgi, messages: traffic.Traffic, count: int, probe: Probe | None = None,
          between: Callable[[], None] | None = None) -> tuple[list[float], float]:
    """Call the app once per fresh message (after an untimed warm-up), `between` before each call, untimed: wall
    seconds per call, CPU seconds of the calls together."""
    for environ in _environs(messages, WARMUP_MESSAGES):
        _call(app, environ)
    if probe is not None:
        probe.reset()
    environs = _environs(messages, count)
    wsgi = probe.timed("wsgi", _call) if probe else _call
    clock, cpu_clock = time.perf_counter, time.thread_time
    times = []
    cpu = 0.0
    for environ in environs:
        if between is not None:
            between()
        cpu_started, started = cpu_clock(), clock()
        wsgi(app, environ)
        times.append(clock() - started)
        cpu += cpu_clock() - cpu_started
    return times, cpu


def _cache_flusher(kib: int) -> Callable[[], None] | None:
    """A function that writes a byte of every 64-byte cache line of `kib` KiB (None for 0): what the CPU caches
    held before is then mostly gone."""
    if kib <= 0:
        return None
    memory = bytearray(kib * 1024)
    lines = range(0, len(memory), 64)

    def flush() -> None:
        for offset in lines:
            memory[offset] = 1
    return flush


def _environs(messages: traffic.Traffic, count: int) -> list[dict[str, Any]]:
    """WSGI environs of `count` fresh signed messages (built before any timing)."""
    return [traffic.wsgi_environ(signed) for signed in messages.signed(count)]


def _call(app: Wsgi, environ: dict[str, Any]) -> bytes:
    """One WSGI call, the way a server makes it: start_response, iterate the body, close it."""
    statuses: list[str] = []

    def start_response(status: str, _headers: Any, _exc_info: Any = None) -> Callable[[bytes], None]:
        statuses.append(status)
        return lambda _data: None

    iterable = app(environ, start_response)
    try:
        body = b"".join(iterable)
    finally:
        getattr(iterable, "close", lambda: None)()
    if not statuses or not statuses[0].startswith("200"):
        raise RuntimeError(f"the app answered {statuses[:1]}: {body[:200]!r}")
    return body


@contextmanager
def _instrumented(probe: Probe, runtime: Runtime, database: Database) -> Iterator[None]:
    """Every step of STEPS (but wsgi) and the cross-cutting flush and SQL timers, patched in."""
    classifier = runtime.understanding.classifier
    patches = (
        (runtime.wire, "decode", "decode"), (bot.wechat.wire, "check_signature", "signature"), (bot.wechat.wire, "fromstring", "xml"),
        (bot.web.inbox, "process", "process"),
        (storage.dedup, "claim", "claim"), (bot.web.inbox, "dispatch", "dispatch"),
        (handlers.commands, "parse", "command_parse"), (storage.residents, "view", "resident"),
        (storage.residents, "get_or_create", "resident_orm"), (classifier, "classify", "classify"),
        (storage.appeals, "file_appeal", "file_appeal"), (storage.appeals, "next_ticket", "ticket"),
        (storage.appeals, "record", "audit_event"), (storage.org, "grid_label", "grid_label"),
        (handlers.joins, "offer", "join_offer"), (storage.joins, "neighbours", "neighbours"),
        (storage.verification, "may_join", "may_join"), (storage.org, "address", "offer_place"),
        (runtime.wire, "render", "render"),
        (database.engine.dialect, "do_commit", "commit"),
        (runtime.wire, "seal", "seal"), (Session, "flush", "flush"),
    )
    with ExitStack() as stack:
        for owner, name, key in patches:
            stack.enter_context(probe.patched(owner, name, key))
        stack.enter_context(probe.sql(database))
        dialect = database.engine.dialect
        timed_commit = dialect.do_commit

        def commit_and_release(dbapi_connection: Any) -> None:
            try:
                timed_commit(dbapi_connection)
            finally:
                probe.lock_released()

        dialect.do_commit = commit_and_release  # removed with the timed wrapper when the stack unwinds
        yield


def _steps(probe: Probe, messages: int) -> list[dict[str, Any]]:
    """The call tree: inclusive µs and calls per message for each step the message went through."""
    return [{"key": step.key, "label": step.label, "depth": step.depth,
             "us_per_message": probe.inclusive[step.key] * 1e6 / messages,
             "calls_per_message": probe.calls[step.key] / messages}
            for step in STEPS + CROSS_CUTTING if probe.calls[step.key]]


def _self_times(probe: Probe, messages: int) -> list[dict[str, Any]]:
    """Self time per step, largest first: what each step costs outside everything nested in it (sums to the total)."""
    rows = [{"key": key, "label": SELF_LABELS.get(key, key), "us_per_message": seconds * 1e6 / messages}
            for key, seconds in probe.exclusive.items()]
    return sorted(rows, key=lambda row: -row["us_per_message"])


def _sql(probe: Probe, messages: int) -> list[dict[str, Any]]:
    """SQLite execution time and calls per message by statement kind, largest first."""
    return [{"statement": kind, "us_per_message": seconds * 1e6 / messages,
             "calls_per_message": probe.sql_calls[kind] / messages}
            for kind, seconds in sorted(probe.sql_seconds.items(), key=lambda item: -item[1])]


def _distribution(times: list[float], cpu: float) -> dict[str, float]:
    """Wall µs per call (mean, p50, p99, max) and CPU µs per call (mean)."""
    ordered = sorted(times)
    count = len(ordered)
    return {"mean": sum(ordered) * 1e6 / count, "p50": ordered[count // 2] * 1e6,
            "p99": ordered[min(count - 1, int(count * 0.99))] * 1e6, "max": ordered[-1] * 1e6,
            "cpu_mean": cpu * 1e6 / count}


def _cprofile(app: Wsgi, messages: traffic.Traffic, count: int, top: int) -> str:
    """cProfile's top functions (by own time, then cumulative) over another pass of the full app."""
    profiler = cProfile.Profile()
    environs = _environs(messages, count)
    profiler.enable()
    for environ in environs:
        _call(app, environ)
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(top)
    return out.getvalue()


def _synchronous_in_use(database: Database, overridden: bool) -> str:
    """The PRAGMA synchronous the app's connections actually run with."""
    with database.engine.connect() as connection:
        level = connection.exec_driver_sql("PRAGMA synchronous").scalar()
    name = {0: "OFF", 1: "NORMAL", 2: "FULL", 3: "EXTRA"}.get(level, str(level))
    return f"{name} ({'what-if override' if overridden else 'as the app sets it'})"


def _synchronous_pragma(level: str) -> Callable[[Any, Any], None]:
    """A connect listener that sets PRAGMA synchronous after the app's own listener."""
    def set_level(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.execute(f"PRAGMA synchronous={level}")

    return set_level


def render(report: dict[str, Any]) -> str:
    """The breakdown as text."""
    echo, full = report["echo_us"], report["full_us"]
    lines = [
        f"in-process breakdown: {report['messages']} messages per pass, {report['mode']}, "
        f"SQLite synchronous={report['sqlite_synchronous']}, code {report['code']}"
        + (f", {report['cold_kb']} KiB written between calls (cold caches)" if report["cold_kb"] else ""),
        "",
        f"{'WSGI call, µs':<24} {'wall mean':>9} {'p50':>7} {'p99':>7} {'max':>7} {'CPU mean':>9}",
    ]
    for name, key in (("echo app", "echo_us"), ("full app", "full_us"), ("full app, instrumented", "instrumented_full_us")):
        row = report[key]
        lines.append(f"{name:<24} {row['mean']:>9.0f} {row['p50']:>7.0f} {row['p99']:>7.0f} {row['max']:>7.0f} "
                     f"{row['cpu_mean']:>9.0f}")
    lines += ["", f"full / echo per request: {full['mean'] / echo['mean']:.1f}x wall, "
                  f"{full['cpu_mean'] / echo['cpu_mean']:.1f}x CPU"]
    total = report["steps"][0]["us_per_message"]
    lines += ["", f"{'call tree (inclusive; instrumented pass)':<58} {'µs/msg':>8} {'share':>6} {'calls':>6}"]
    lines += [_step_line("  " * row["depth"] + row["label"], row, total) for row in report["steps"]]
    lines += ["", f"{'self time, largest first (sums to the total)':<58} {'µs/msg':>8} {'share':>6}"]
    lines += [_step_line(row["label"], row, total, calls=False) for row in report["self"]]
    lines += ["", f"{'SQL statement (SQLite execution only)':<58} {'µs/msg':>8} {'share':>6} {'calls':>6}"]
    lines += [_step_line(row["statement"], row, total) for row in report["sql"]]
    held = report["write_lock_held_us"]
    lines += ["", f"SQLite write lock held per message (BEGIN IMMEDIATE to end of COMMIT): {held:.0f} µs "
                  f"({held / total:.0%} of the request); all workers together can commit at most "
                  f"~{1e6 / held:.0f} messages/s" if held else "SQLite write lock: not seen"]
    if report["not_instrumented"]:
        lines.append(f"\nnot instrumented (no longer in the code): {', '.join(report['not_instrumented'])}")
    if "cprofile" in report:
        lines += ["", report["cprofile"]]
    return "\n".join(lines)


def _step_line(name: str, row: dict[str, Any], total: float, calls: bool = True) -> str:
    """One row of a µs table."""
    count = f" {row['calls_per_message']:>6.1f}" if calls else ""
    return f"{name:<58} {row['us_per_message']:>8.0f} {row['us_per_message'] / total:>6.0%}{count}"


def parse_args(argv: list[str] | None) -> Options:
    """Read the command line."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--messages", type=int, default=2000, help="messages per pass")
    parser.add_argument("--safe", action="store_true", help="safe mode: AES-encrypted messages")
    parser.add_argument("--synchronous", choices=("FULL", "NORMAL", "OFF"), default=None,
                        help="what-if: override the PRAGMA synchronous the app sets")
    parser.add_argument("--cprofile", type=int, default=0, metavar="N", help="also print cProfile's top N functions")
    parser.add_argument("--cold-kb", type=int, default=0, metavar="N",
                        help="write N KiB of memory between two calls, untimed (requests that find the caches cold)")
    parser.add_argument("--residents", type=int, default=500, help="bound residents the messages come from")
    parser.add_argument("--tmp-dir", type=Path, default=None, help="where the throwaway database goes")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    if args.messages <= 0 or args.residents <= 0:
        parser.error("--messages and --residents must be positive")
    if not 0 <= args.cold_kb <= 1024 * 1024:
        parser.error("--cold-kb must be between 0 and 1048576")
    return Options(**vars(args))


if __name__ == "__main__":
    sys.exit(run(parse_args(None)))
