"""The transaction every `gridbot org …` command runs in, shared by org.py, org_codes.py and org_chain.py."""

from __future__ import annotations

from contextlib import contextmanager
from typing import TYPE_CHECKING, Iterator

from bot.cli.staff import invite_refusal
from bot.cli.support import fail, fail_database, operator_transaction

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


@contextmanager
def org_session() -> Iterator[Session]:
    """One transaction; an unclear place or a database failure ends the command with one line."""
    from sqlalchemy.exc import SQLAlchemyError

    from bot.cli import org_texts
    from storage.staff import UnclearPlace

    try:
        with operator_transaction() as session:
            yield session
    except UnclearPlace as error:
        fail(invite_refusal(error))  # the same "which grid / community?" answer as `invite`
    except SQLAlchemyError as error:
        fail_database(org_texts.DATABASE_FAILED, error)
