"""`gridbot summary`: the morning's 每日简报 now, or a dry run of it (storage/daily_summary.py)."""

from __future__ import annotations

import click

from bot.cli import summary_texts as texts
from bot.cli.support import configured, fail, fail_database, operator_transaction
from bot.clock import Clock, now_utc


@click.command("summary")
@click.option("--date", "day", metavar="YYYY-MM-DD")
@click.option("--dry-run", is_flag=True)
@click.pass_obj
def summary(clock: Clock | None, day: str | None, dry_run: bool) -> None:
    """每日简报: every 网格长's grid and every operator's community (or street), written to the outbox now. The
    worker does this by itself at GRIDBOT_SUMMARY_HOUR; each person gets one summary a day however often it runs."""
    from sqlalchemy.exc import SQLAlchemyError

    from bot.settings import Settings
    from handlers import notifications
    from storage import daily_summary
    from storage.tickets import LOCAL_ZONE

    now = (clock or now_utc)()
    wanted = texts.day_of(day, now.astimezone(LOCAL_ZONE).date())
    if isinstance(wanted, str):
        fail(wanted)
    weights = configured(Settings.rates_from_env)["rate_weights"]
    step = daily_summary.plan if dry_run else daily_summary.send
    try:
        with operator_transaction() as session:
            planned = step(session, wanted, now, weights)
    except SQLAlchemyError as error:
        fail_database(texts.DATABASE_FAILED, error)
    worded = {item.recipient.staff_id: notifications.render(item.notice.name, item.notice.params(), now)
              for item in planned if item.notice is not None and item.outcome is daily_summary.Outcome.WRITTEN}
    click.echo("\n".join(texts.report(planned, wanted, dry_run, worded)))
