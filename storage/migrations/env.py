"""Alembic environment: migrations run against the URL the caller put in the config."""

from alembic import context

from storage.db import make_engine
from storage.models import Base

config = context.config


def run_migrations() -> None:
    """Run the pending migrations online, on one connection."""
    engine = make_engine(config.get_main_option("sqlalchemy.url"))
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


run_migrations()
