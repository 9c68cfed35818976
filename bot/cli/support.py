"""What every `gridbot` command shares: settings read politely, the operator's database, failing with a message."""

from __future__ import annotations

import sys
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Callable, Iterator, NoReturn, Sequence, TypeVar

import click

from bot.cli import preflight, startup_texts
from bot.settings import Settings, SettingsError

if TYPE_CHECKING:
    from sqlalchemy.exc import SQLAlchemyError
    from sqlalchemy.orm import Session

    from nlp.taxonomy import Taxonomy
    from storage.db import Database
    from storage.faq_import import FaqRowError
    from storage.org_import import RowError

_T = TypeVar("_T")
# A TCP port to listen on: a number outside made the start-up checks (socket.bind) fail with a traceback.
PORT = click.IntRange(1, 65535)


def read_settings(demo: bool = False) -> Settings:
    """The settings from the environment (the demo's defaults with demo=True), or one line per bad variable."""
    return configured(Settings.for_demo if demo else Settings.from_env)


def configured(read: Callable[[], _T]) -> _T:
    """A value read from the environment; bad ones stop the command, one Chinese line each naming the variable
    (exit status 2), without a usage block or a traceback."""
    try:
        return read()
    except SettingsError as error:
        raise preflight.Refused(preflight.setting_failures(error)) from None


def migrated_database_url() -> str:
    """The configured database's URL, once it answers and every migration is applied; else one line (exit 3)."""
    return _migrated()[0]


def upgraded_database() -> bool:
    """Apply every pending migration to the configured database (one line and exit 3 when it cannot be): whether
    there was any, so that `gridbot db upgrade` can say it created or upgraded the tables rather than found them
    current."""
    return _migrated()[1]


def _migrated() -> tuple[str, bool]:
    from alembic.util import CommandError
    from sqlalchemy.exc import SQLAlchemyError

    from storage.db import upgrade as run_upgrade
    from storage.readiness import Schema, first_line, schema

    url = configured(Settings.database_url_from_env)
    unreachable = preflight.reachable(url)
    if unreachable:
        raise preflight.Refused(unreachable)
    try:
        applied = run_upgrade(url)
    except CommandError as error:
        # Alembic cannot place the database's revision: usually a newer gridbot migrated it (an old venv run
        # after an upgrade), which serve and worker already refuse in these words.
        if schema(url) is Schema.AHEAD:
            raise preflight.Refused([preflight.NEWER_SCHEMA]) from None
        raise _migration_failed(url, first_line(error)) from None
    except (SQLAlchemyError, OSError) as error:
        raise _migration_failed(url, first_line(error)) from None
    return url, applied


def _migration_failed(url: str, reason: str) -> preflight.Refused:
    from storage.readiness import masked

    return preflight.Refused([preflight.Failure(startup_texts.migration_failed(masked(url), reason),
                                                f"migration failed: {reason}", preflight.UNAVAILABLE)])


@contextmanager
def operator_database() -> Iterator[Database]:
    """The configured database, migrated first: operator commands work on a fresh deployment."""
    from storage.db import Database

    database = Database(migrated_database_url())
    try:
        yield database
    finally:
        database.dispose()


def taxonomy_in_force() -> Taxonomy:
    """The taxonomy the bot works by: the newest saved from the console, else the configured file (GRIDBOT_TAXONOMY).
    What a command needs of it (the departments it routes to, the private categories whose cards are withheld)."""
    from handlers.taxonomy_cache import saved_text
    from nlp import load_taxonomy
    from nlp.taxonomy import TaxonomyError, taxonomy_from_text

    path = configured(Settings.nlp_from_env)["taxonomy_path"]
    with operator_database() as database:
        saved = saved_text(database)
    try:
        return taxonomy_from_text(saved, "the taxonomy saved from the console") if saved is not None \
            else load_taxonomy(path)  # type: ignore[arg-type]
    except (OSError, TaxonomyError) as error:
        fail(startup_texts.TAXONOMY_FAILED.format(reason=error))


@contextmanager
def operator_transaction() -> Iterator[Session]:
    """One transaction on the configured database (see `operator_database`)."""
    with operator_database() as database, database.transaction() as session:
        yield session


def private_process(settings: Settings) -> None:
    """What this long-running process and its children create is their user's alone; so is the data directory
    an older version may have left readable by others."""
    from storage import private_files

    private_files.private_umask()
    private_files.tighten(settings.data_dir)


def fail(message: str) -> NoReturn:
    """Print `message` to stderr and exit 1."""
    click.echo(message, err=True)
    sys.exit(1)


def fail_database(message: str, error: SQLAlchemyError) -> NoReturn:
    """Exit 1 with `message` naming the error's type, or, when the database's disk is full, with a line saying so:
    the messages' advice to check GRIDBOT_DATABASE_URL would send the operator the wrong way."""
    from storage.db import is_out_of_space  # storage loads only for the commands that use the database

    if is_out_of_space(error):
        fail(startup_texts.DATABASE_DISK_FULL)
    fail(message.format(reason=type(error).__name__))


def echo_csv(text: str) -> None:
    """Print a CSV for Excel as UTF-8 bytes, whatever the terminal's encoding: `> 文件.csv` then holds the UTF-8 with
    a BOM that Excel reads, also on a server whose locale is GBK (where printing the BOM as text fails)."""
    click.echo(text.encode("utf-8"), nl=False)  # bytes go to the binary stream as they are


def fail_rows(errors: Sequence[RowError] | Sequence[FaqRowError],
              describe: Callable[[Any], str] | None = None) -> NoReturn:
    """List the rows' problems (worded by `describe`, the hierarchy's wording by default) and exit: of each kind
    of problem (the same column missing, too long, …) the first rows, then how many more rows have it."""
    from handlers import operator_texts as texts

    click.echo(texts.errors_heading(len(errors)), err=True)
    for line in texts.grouped_row_errors(errors, describe):
        click.echo(f"  {line}", err=True)
    fail(texts.fix_and_retry())
