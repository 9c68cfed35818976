"""`gridbot rates`: the three rates and their companions for a period, per unit, ranked (storage/rates.py)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import click

from bot.cli import rates_texts as texts
from bot.cli.support import configured, fail, fail_database, operator_transaction
from bot.clock import Clock, now_utc

if TYPE_CHECKING:
    from storage.rates import Row

UNITS = tuple(texts.UNIT_NAMES)
# The units as the table heads them (按网格, 网格员): an operator reading `--by` as 按 types the same words.
UNIT_WORDS = {name: unit for unit, name in texts.UNIT_NAMES.items()}


def _unit(_context: click.Context, _option: click.Parameter, typed: str) -> str:
    """--by as its unit's English name, whether typed so or as its Chinese one."""
    return UNIT_WORDS.get(typed, typed)


@click.command("rates")
@click.option("--from", "first", metavar="YYYY-MM-DD")
@click.option("--to", "last", metavar="YYYY-MM-DD")
@click.option("--by", "unit", type=click.Choice((*UNITS, *UNIT_WORDS)), default="grid", show_default=True,
              callback=_unit)
@click.option("--scope", "scope_path", metavar="PATH")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def rates(clock: Clock | None, first: str | None, last: str | None, unit: str, scope_path: str | None,
          as_json: bool) -> None:
    """三率: 响应率、解决率、满意率 (with 评价率, 综合成绩, 按期办结率, 重办率, 回退率) of the appeals filed in the
    period (default: this month) within the --scope (default: everywhere), per unit, ranked by 综合成绩, with the
    change against the previous period."""
    from sqlalchemy.exc import SQLAlchemyError

    from bot.cli.appeals import read_scope
    from bot.settings import Settings
    from storage.rates import Unit, ranking

    now = (clock or now_utc)()
    period = texts.period_of(first, last, now)
    if isinstance(period, str):
        fail(period)
    weights = configured(Settings.rates_from_env)["rate_weights"]
    try:
        with operator_transaction() as session:
            scope = read_scope(session, scope_path)
            ranked = ranking(session, period, now, Unit(unit), scope, weights)  # type: ignore[arg-type]
    except SQLAlchemyError as error:
        fail_database(texts.DATABASE_FAILED, error)
    if as_json:
        click.echo(json.dumps([_object(row) for row in ranked.rows], ensure_ascii=False, indent=1))
    else:
        click.echo("\n".join(texts.table(ranked, scope_path)))


def _object(row: Row) -> dict[str, object]:
    """One unit as --json prints it: the keys the issue names first (rates as fractions to 4 decimals, null when
    undefined; 综合成绩 in points, 0–100, to 2 decimals: handlers.rate_words.fraction), then the unit's id (a category: its name; null: nobody claimed), the rank, the
    other rates, the previous period's and the counts."""
    from dataclasses import asdict

    from handlers.rate_words import fraction, score_value

    rates, previous = row.rates, row.previous
    return {
        "unit": texts.label(row), "dispatched": row.counts.dispatched, "响应率": fraction(rates.response),
        "解决率": fraction(rates.resolve), "满意率": fraction(rates.satisfaction), "评价率": fraction(rates.rating),
        "综合成绩": score_value(rates.score), "key": row.key, "rank": row.rank, "按期办结率": fraction(rates.on_time),
        "重办率": fraction(rates.redo), "回退率": fraction(rates.returned),
        "previous": None if previous is None else {
            "响应率": fraction(previous.response), "解决率": fraction(previous.resolve),
            "满意率": fraction(previous.satisfaction), "评价率": fraction(previous.rating),
            "综合成绩": score_value(previous.score)},
        "counts": asdict(row.counts),
    }
