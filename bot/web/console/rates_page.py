"""三率排名 (/console/rates) and its CSV: storage.rates.ranking for a period and a unit within the operator's scope,
as a table (the CLI's `gridbot rates` figures). Also what the dashboard shares with it: reading a period from the
query string and writing a rate for an operator."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import Any

from flask import Response, g, render_template, request

from bot.day_words import not_on_the_calendar, read_day
from bot.sheets.appeals_csv import CSV_BOM
from bot.sheets.excel_text import csv_row
from bot.web.console import texts
from bot.web.console.guard import blueprint, login_required, runtime
from bot.web.console.helpers import attachment, scope_label
from handlers.rate_words import change, label, percent, points
from storage import duty
from storage.dashboard import units_within
from storage.rate_counts import Unit
from storage.rates import DEFAULT_UNIT, LOCAL_ZONE, Period, Ranking, Row

MAX_DAYS = 366  # the longest period a page reads: a year, leap or not


# Units per page of the ranking: a city has 3,000 grids, whose table (1.5 MB of HTML) took longer to render than
# its figures to count; the CSV export has them all.
RATES_PAGE = 100


@blueprint.get("/rates")
@login_required
def rates() -> Any:
    """The ranking of the units (default: grids) for the period (default: this month)."""
    now = runtime().clock()
    wanted = _wanted(now)
    if isinstance(wanted, str):
        return refused(texts.RATES_TITLE, wanted)
    period, unit = wanted
    ranked = _ranking(period, unit)
    pages = max(1, -(-len(ranked.rows) // RATES_PAGE))
    number = min(_page_number(request.args.get("page", "")), pages)
    return render_template("console/rates.html", ranked=ranked, unit=unit, units=units_within(g.operator.scope),
                           first=period.first_day, last=period.last_day, cells=cells, label=label,
                           line=heading(ranked), footnote=footnote(ranked), number=number, pages=pages,
                           shown=ranked.rows[(number - 1) * RATES_PAGE:number * RATES_PAGE])


@blueprint.get("/rates.csv")
@login_required
def rates_export() -> Any:
    """The same table as CSV for Excel (UTF-8 with a BOM, Chinese headers), the pooled total last."""
    now = runtime().clock()
    wanted = _wanted(now)
    if isinstance(wanted, str):
        return refused(texts.RATES_TITLE, wanted)
    period, unit = wanted
    ranked = _ranking(period, unit)
    with runtime().database.transaction() as db:
        place = scope_label(db)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns(unit))
    writer.writerows(csv_row(cells(row)) for row in ranked.rows)
    if ranked.rows:
        writer.writerow(cells(ranked.total, total=True))
    # The place in the name: a district's streets each export one, and each file must say whose it is.
    filename = texts.RATES_FILENAME.format(place=place, unit=texts.UNIT_NAMES[unit], first=period.first_day,
                                           last=period.last_day)
    ascii_name = texts.RATES_ASCII_FILENAME.format(unit=unit.value, first=period.first_day, last=period.last_day)
    return Response(CSV_BOM + buffer.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": attachment(filename, ascii_name)})


def _wanted(now: datetime) -> tuple[Period, Unit] | str:
    period = read_period(request.args, Period.month_of(now), now)
    if isinstance(period, str):
        return period
    given = request.args.get("by", "").strip() or DEFAULT_UNIT.value
    allowed = {unit.value: unit for unit in units_within(g.operator.scope)}
    if given not in allowed:
        return texts.RATES_BAD_UNIT.format(unit=texts.UNIT_NAMES.get(given, given[:20]))
    return period, allowed[given]


def _page_number(given: str) -> int:
    """The page of the ranking asked for: 1 unless a positive number of at most six digits."""
    given = given.strip()
    return int(given) if given.isascii() and given.isdigit() and 0 < len(given) <= 6 and int(given) > 0 else 1


def _ranking(period: Period, unit: Unit) -> Ranking:
    return runtime().figures.ranking(g.operator.scope, period, unit)


def refused(title: str, message: str) -> tuple[str, int]:
    """A request the page cannot read: one line, status 400."""
    return render_template("console/refused.html", title=title, message=message), 400


# --- a period from the query string --------------------------------------------------------------------------

def read_period(args: Mapping[str, str], default: Period, now: datetime) -> Period | str:
    """The days `from` and `to` name (both included, Beijing time; neither: `default`), or the refusal. A period
    not begun at `now` is refused as `gridbot rates` refuses it: its table would be all zeros and dashes."""
    first, last = (args.get(name, "").strip() for name in ("from", "to"))
    if not first and not last:
        return default
    if not first or not last:
        return texts.PERIOD_BOTH
    days: list[date] = []
    for value in (first, last):
        day = read_day(value)
        if day is None:
            refusal = texts.NO_SUCH_DAY if not_on_the_calendar(value) else texts.PERIOD_BAD_DATE
            return refusal.format(value=value[:20])
        days.append(day)
    if days[1] < days[0]:
        return texts.PERIOD_BACKWARDS.format(first=first, last=last)
    if days[1] - days[0] >= timedelta(days=MAX_DAYS):
        return texts.PERIOD_TOO_LONG.format(days=MAX_DAYS)
    period = Period.days(days[0], days[1])
    if period.start > now:
        return texts.PERIOD_NOT_YET.format(first=days[0].isoformat(), today=duty.today(now).isoformat())
    return period


# --- rates as an operator reads them -------------------------------------------------------------------------

def columns(unit: Unit) -> list[str]:
    return [column.format(unit=texts.UNIT_NAMES[unit]) for column in texts.RATES_COLUMNS]


def cells(row: Row, total: bool = False) -> list[str]:
    """A row of the table, in the order of texts.RATES_COLUMNS."""
    rates = row.rates
    rank = "" if total else (str(row.rank) if row.rank is not None else texts.NONE)
    return [rank, texts.RATES_TOTAL if total else label(row), str(row.counts.dispatched), percent(rates.response),
            percent(rates.resolve), percent(rates.satisfaction), str(row.counts.rated), percent(rates.rating),
            points(rates.score),
            percent(rates.on_time), percent(rates.redo), percent(rates.returned), change(rates, row.previous)]


def heading(ranked: Ranking) -> str:
    period, before = ranked.period, ranked.previous_period
    return texts.RATES_LINE.format(first=period.first_day, last=period.last_day,
                                   as_of=f"{ranked.as_of.astimezone(LOCAL_ZONE):%Y-%m-%d %H:%M}",
                                   before_first=before.first_day, before_last=before.last_day)


def footnote(ranked: Ranking) -> str:
    weights = ranked.weights
    return texts.RATES_FOOTNOTE.format(credit=f"{weights.basic_credit:g}", response=f"{weights.response:g}",
                                       resolve=f"{weights.resolve:g}", satisfaction=f"{weights.satisfaction:g}")
