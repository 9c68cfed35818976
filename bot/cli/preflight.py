"""Start-up checks: every process checks its configuration and what it depends on before it serves anyone, and
refuses with one Chinese line per problem (all of them, so that the operator fixes them in one go).

Exit status 2: the configuration must be changed (a variable, a file, a directory's permissions).
Exit status 3: a dependency is unreachable or not ready (the database, its schema, Redis); fixing it and starting
again is enough. When both kinds are found, 2: the configuration may be why a dependency looks unreachable.
"""

from __future__ import annotations

import logging
import tempfile
from dataclasses import dataclass
from typing import IO, Any, Callable, Sequence

import click

from bot.cli import startup_texts as texts
from bot.ports import bind_error
from bot.settings import (
    DEMO_AES_KEY,
    DEMO_SECRET,
    DEMO_SECRET_KEY,
    DEMO_TOKEN,
    Settings,
    SettingsError,
    points_rules_problem,
)
from handlers.os_reasons import os_reason

log = logging.getLogger(__name__)
CONFIGURATION = 2
UNAVAILABLE = 3


@dataclass(frozen=True)
class Failure:
    """One reason not to start: the operator's line, the English detail for the log, and its exit status."""

    line: str
    detail: str
    exit_code: int


# An old gridbot (a rolled-back venv) facing a database a newer one migrated: it must not run, nor migrate.
NEWER_SCHEMA = Failure(texts.NEWER_SCHEMA, "the database was migrated by a newer version", UNAVAILABLE)


class Refused(click.ClickException):
    """The command stops before doing anything: one line per failure on stderr, no usage block, no traceback."""

    def __init__(self, failures: Sequence[Failure]) -> None:
        super().__init__("\n".join(failure.line for failure in failures))
        self.failures = tuple(failures)
        codes = {failure.exit_code for failure in failures}
        self.exit_code = CONFIGURATION if CONFIGURATION in codes else UNAVAILABLE

    def show(self, file: IO[Any] | None = None) -> None:
        for failure in self.failures:
            log.debug("start-up check failed: %s", failure.detail)
            click.echo(failure.line, file=file, err=True)


Check = Callable[[Settings], list[Failure]]


def settings(read: Callable[[], Settings] = Settings.from_env) -> Settings:
    """The settings, or a refusal listing every bad variable."""
    try:
        return read()
    except SettingsError as error:
        raise Refused(setting_failures(error)) from None


def setting_failures(error: SettingsError) -> list[Failure]:
    """One failure per bad variable."""
    return [Failure(texts.setting(problem), problem.detail, CONFIGURATION) for problem in error.problems]


def require(configured: Settings, *checks: Check) -> None:
    """Run every check; refuse to start if any failed."""
    from bot.privacy import configure_logging

    configure_logging(configured.log_level)
    # Alembic announces its plugins at INFO whenever it reads the migrations: noise on every start.
    logging.getLogger("alembic").setLevel(logging.WARNING)
    failures = [failure for check in checks for failure in check(configured)]
    if failures:
        raise Refused(failures)


def data_dir(configured: Settings) -> list[Failure]:
    """The data directory (SQLite, the embedded Redis, saved photos) exists or can be made, and takes files."""
    from storage import private_files

    try:
        # Made private if missing; an existing one is tightened (and that logged) by the process itself.
        configured.data_dir.mkdir(mode=private_files.DIRECTORY_MODE, parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=configured.data_dir):
            pass
    except OSError as error:
        return [Failure(texts.data_dir_unwritable(str(configured.data_dir), os_reason(error)),
                        f"GRIDBOT_DATA_DIR {configured.data_dir} is not writable: {error}", CONFIGURATION)]
    return []


def listening(host: str, port: int) -> Check:
    """A check that the server can listen on host:port (gunicorn alone retried for five seconds, in English)."""
    def check(_configured: Settings) -> list[Failure]:
        error = bind_error(host, port)
        if error is None:
            return []
        # Most often the previous process still stopping: starting again shortly is enough (systemd does).
        return [Failure(texts.port_unusable(host, port, os_reason(error)), f"cannot listen on {host}:{port}: {error}",
                        UNAVAILABLE)]
    return check


def userdicts(configured: Settings) -> list[Failure]:
    """Each user dictionary can be read, as UTF-8 (jieba reads nothing else)."""
    failures = []
    for path in configured.userdicts:
        try:
            path.read_bytes().decode("utf-8-sig")
        except UnicodeDecodeError:
            failures.append(Failure(texts.userdict_not_utf8(str(path)),
                                    f"GRIDBOT_USERDICT {path} is not UTF-8", CONFIGURATION))
        except OSError as error:
            failures.append(Failure(texts.userdict_unreadable(str(path), os_reason(error)),
                                    f"GRIDBOT_USERDICT {path} cannot be read: {error}", CONFIGURATION))
    return failures


def _saved_taxonomy(configured: Settings) -> str | None:
    """The taxonomy saved from the console, which the server will start with (None: the file, or a database the
    database check reports on)."""
    from handlers.taxonomy_cache import saved_text

    try:
        database = configured.open_database()
    except OSError:
        return None  # an unwritable data directory: the database check reports it
    try:
        return saved_text(database)
    finally:
        database.dispose()


def understanding(configured: Settings, preload: bool = True) -> list[Failure]:
    """The taxonomy, the classifier and the user dictionaries load (the webhook classifies every appeal)."""
    from bot.web.runtime import UnderstandingError, understanding_for

    unreadable = userdicts(configured)
    if unreadable:
        return unreadable
    try:
        understanding_for(configured, _saved_taxonomy(configured), preload)
    except UnderstandingError as error:
        return [Failure(texts.classifier_unusable(str(error)), f"classifier: {error}", CONFIGURATION)]
    return []


def classifier(configured: Settings) -> list[Failure]:
    """`understanding` without building jieba's dictionary, which is shipped and always loads: for the demo's
    supervisor, which classifies nothing itself (its webhook loads and checks everything again as it starts)."""
    return understanding(configured, preload=False)


def taxonomy(configured: Settings) -> list[Failure]:
    """The taxonomy loads (the worker dispatches and finds hot spots by it)."""
    from nlp import TaxonomyError, load_taxonomy

    try:
        load_taxonomy(configured.taxonomy_path)
    except TaxonomyError as error:
        return [Failure(texts.classifier_unusable(str(error)), f"taxonomy: {error}", CONFIGURATION)]
    return []


def wechat_secret(configured: Settings) -> list[Failure]:
    """The AppSecret is set: without it the worker gets no access token and every notice would be dropped."""
    if configured.wechat_secret.strip():
        return []
    return [Failure(texts.MISSING_WECHAT_SECRET, "WECHAT_SECRET is required by the worker", CONFIGURATION)]


def unpublished_secrets(configured: Settings) -> list[Failure]:
    """Facing the real WeChat API (no WECHAT_API_BASE_URL), none of the demo's secrets, which README publishes:
    with its token or AES key anyone could forge WeChat's messages to the webhook, with its secret key a console
    login cookie. The demo and the benches talk to the fake API, which sets the variable."""
    if configured.wechat_api_base_url is not None:
        return []
    published = [name for name, value, demo in (
        ("WECHAT_TOKEN", configured.wechat_token, DEMO_TOKEN),
        ("WECHAT_AES_KEY", configured.wechat_aes_key, DEMO_AES_KEY),
        ("WECHAT_SECRET", configured.wechat_secret, DEMO_SECRET),
        ("GRIDBOT_SECRET_KEY", configured.secret_key, DEMO_SECRET_KEY)) if value == demo]
    if not published:
        return []
    return [Failure(texts.published_secrets(published), f"the demo's published {', '.join(published)} in use against "
                    "the real WeChat API", CONFIGURATION)]


# The placeholders of deploy/env/gridbot.env, the file the guide has an office copy and edit.
EXAMPLE_VALUES = (("WECHAT_APPID", "wx0000000000000000"), ("GRIDBOT_PUBLIC_URL", "https://gridbot.example.gov.cn"))


def edited_examples(configured: Settings) -> list[Failure]:
    """Facing the real WeChat API, none of the example environment file's placeholders: with its AppID no access
    token is issued (every notice is lost) and safe-mode messages do not decrypt; with its address every photo
    link and notice page points at a site that is not the office's."""
    if configured.wechat_api_base_url is not None:
        return []
    values = {"WECHAT_APPID": configured.wechat_appid, "GRIDBOT_PUBLIC_URL": configured.public_url}
    left = [name for name, example in EXAMPLE_VALUES if (values[name] or "").rstrip("/") == example]
    if not left:
        return []
    return [Failure(texts.example_values(left), f"deploy/env/gridbot.env's example {', '.join(left)} in use",
                    CONFIGURATION)]


def database(configured: Settings) -> list[Failure]:
    """The database answers and its schema is the code's (serve and worker never migrate it themselves)."""
    from storage.readiness import DatabaseUnavailable, Schema, schema

    unreachable = reachable(configured.database_url)
    if unreachable:
        return unreachable
    try:
        state = schema(configured.database_url)
    except DatabaseUnavailable as error:
        return [_unreachable(configured.database_url, str(error))]
    if state is Schema.BEHIND:
        return [Failure(texts.UNMIGRATED, "the database schema is behind the code's migrations", UNAVAILABLE)]
    if state is Schema.AHEAD:
        return [NEWER_SCHEMA]
    return []


def ledger(configured: Settings) -> list[Failure]:
    """The database is ready (`database`), and then every street the points rules name is in its ledger."""
    return database(configured) or points_streets(configured)


def points_streets(configured: Settings) -> list[Failure]:
    """Every street GRIDBOT_POINTS_RULES sets rules for is in the ledger: a misspelt name would price nobody's
    points. Unchecked when the ledger cannot be read (a schema being migrated meanwhile)."""
    from sqlalchemy.exc import SQLAlchemyError

    from storage import org, points_rules

    path = configured.points_rules_path
    if path is None:
        return []
    try:
        database = configured.open_database()
    except OSError:
        return []
    try:
        with database.transaction() as session:
            ledger = list(org.street_names(session).values())
    except SQLAlchemyError:
        return []
    finally:
        database.dispose()
    try:
        points_rules.check_streets(points_rules.load(path), ledger)
    except points_rules.PointsRulesError as error:
        return setting_failures(SettingsError(points_rules_problem(path, error)))
    return []


def reachable(url: str) -> list[Failure]:
    """The database at `url` answers within a few seconds."""
    from storage.readiness import DatabaseUnavailable, probe

    try:
        probe(url)
    except DatabaseUnavailable as error:
        return [_unreachable(url, str(error))]
    return []


def redis(configured: Settings) -> list[Failure]:
    """Redis answers (the configured one, or the embedded one, started if it isn't running)."""
    from bot.redisconn import RedisUnavailable, masked, probe

    try:
        probe(configured)
    except RedisUnavailable as error:
        if configured.redis_url:
            line = texts.redis_unreachable(masked(configured.redis_url), str(error))
        else:
            line = texts.embedded_redis_failed(str(error))
        return [Failure(line, f"Redis unavailable: {error}", UNAVAILABLE)]
    return []


def redis_awaited(configured: Settings) -> list[Failure]:
    """A configured Redis answers, or the web host starts without it (logged): the database files every message and
    keeps its reply for WeChat's retries, and the deliveries are outbox rows the worker sends once Redis is back, so
    a supervisor restarting a web host during a Redis outage must not stop its intake. An embedded Redis that does
    not start is still refused: it is this host's own, and the worker cannot run without it either."""
    from bot.redisconn import masked

    if not configured.redis_url:
        return redis(configured)
    for failure in redis(configured):
        log.warning("Redis at %s is unreachable (%s): serving anyway. Messages are filed and answered; waiting for "
                    "Redis: replies other than the passive one (the worker sends the outbox when Redis is back), "
                    "plaintext and compat messages (refused with 503 for WeChat to retry), console logins and "
                    "notice sends (refused), login lockout and action counts; the callback IP list is the last "
                    "one saved in the data directory", masked(configured.redis_url), failure.detail)
    return []


def _unreachable(url: str, reason: str) -> Failure:
    from storage.readiness import masked

    return Failure(texts.database_unreachable(masked(url), reason), f"database unreachable: {reason}", UNAVAILABLE)


SERVE: tuple[Check, ...] = (data_dir, unpublished_secrets, edited_examples, understanding, ledger, redis_awaited)
WORKER: tuple[Check, ...] = (data_dir, wechat_secret, unpublished_secrets, edited_examples, taxonomy, ledger, redis)
