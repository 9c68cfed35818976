"""The long-running processes and the schema: `gridbot serve`, `gridbot worker`, `gridbot db upgrade`."""

from __future__ import annotations

import click

from bot.cli import preflight
from bot.cli import startup_texts as texts
from bot.cli.support import PORT, private_process, read_settings, upgraded_database

# The most `serve --workers` takes: each process keeps ~90 MiB of its own beside what it shares with the others, so
# a typo of a few hundred would take the host's memory before gunicorn said anything.
MAX_WEB_PROCESSES = 64


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=PORT)
@click.option("--workers", type=click.IntRange(min=1, max=MAX_WEB_PROCESSES))
def serve(host: str, port: int, workers: int | None) -> None:
    """Serve the WeChat webhook (GET/POST /wechat) with gunicorn."""
    from bot.web.server import default_workers, run_gunicorn

    settings = read_settings()
    preflight.require(settings, *preflight.SERVE, preflight.listening(host, port))
    private_process(settings)
    run_gunicorn(settings, host, port, workers or default_workers(settings))


@click.command()
@click.option("--burst", is_flag=True)
def worker(burst: bool) -> None:
    """Run the outbox relay and an RQ worker (deliveries to WeChat)."""
    import worker as worker_module

    settings = read_settings()
    preflight.require(settings, *preflight.WORKER)
    private_process(settings)
    worker_module.main(settings, burst=burst)


@click.group()
def db() -> None:
    """Database schema."""


@db.command()
def upgrade() -> None:
    """Apply every pending migration (GRIDBOT_DATABASE_URL, SQLite by default)."""
    click.echo(texts.MIGRATED if upgraded_database() else texts.UPGRADED)
