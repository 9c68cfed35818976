"""Alembic environment: migrations run against the URL the caller put in the config."""

from typing import Any

from alembic import context
from sqlalchemy import event

from storage.db import APPLIED_MIGRATIONS, make_engine
from storage.models import Base

config = context.config
UPGRADE_LOCK = 0x67726964  # "grid": PostgreSQL's advisory lock key for `gridbot db upgrade`


class ForeignKeysBroken(RuntimeError):
    """A SQLite migration left rows pointing at rows that do not exist; its transaction is rolled back."""


def run_migrations() -> None:
    """Run the pending migrations online, on one connection."""
    engine = make_engine(config.get_main_option("sqlalchemy.url"))
    config.attributes[APPLIED_MIGRATIONS] = 0
    sqlite = engine.dialect.name == "sqlite"
    if sqlite:
        # A batch migration rebuilds the table it alters (copy, DROP, rename). With foreign keys enforced, the
        # DROP fails once other tables' rows refer to the table's rows: every database with appeals in it.
        # So they are off while migrating (the connect listener runs after make_engine's, which turns them on),
        # and each migration is checked before its transaction commits instead.
        event.listen(engine, "connect", _foreign_keys_off)

    def applied(ctx: Any, step: Any, **_: Any) -> None:
        if sqlite:
            _check_foreign_keys(ctx, step)
        config.attributes[APPLIED_MIGRATIONS] += 1

    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True,
                          on_version_apply=applied)
        with context.begin_transaction():
            if engine.dialect.name == "postgresql":
                # Two hosts upgrading at once (each host's deploy runs `gridbot db upgrade`): the second waits for
                # the first's commit, then finds the schema current. Without it, both created the same tables and
                # the second failed. Taken before Alembic reads the current version; released at commit.
                connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({UPGRADE_LOCK})")
            context.run_migrations()
    engine.dispose()


def _foreign_keys_off(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.execute("PRAGMA foreign_keys=OFF")


def _check_foreign_keys(ctx: Any, step: Any, **_: Any) -> None:
    broken = ctx.connection.exec_driver_sql("PRAGMA foreign_key_check").all()
    if broken:
        tables = sorted({row[0] for row in broken})
        raise ForeignKeysBroken(f"migration {step.up_revision_id} left {len(broken)} rows of {', '.join(tables)} "
                                "pointing at missing rows")


run_migrations()
