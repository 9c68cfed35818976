"""数据看板 (/console/dashboard): a period's figures within the operator's scope (storage/dashboard.py), as HTML
tables that read without JavaScript; static/dashboard.js draws the charts from /console/dashboard.json (the same
scope and period) and marks each chart `data-drawn="1"` once ECharts has finished drawing it."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from flask import g, jsonify, render_template, request

from bot.web.console import texts
from bot.web.console.guard import blueprint, login_required, runtime
from bot.web.console.rates_page import cells, change, label, percent, points, read_period, refused
from storage import dashboard as figures


@blueprint.get("/dashboard")
@login_required
def dashboard() -> Any:
    """Every panel of the dashboard for the period (default: the last 30 days)."""
    now = runtime().clock()
    period = read_period(request.args, figures.default_period(now), now)
    if isinstance(period, str):
        return refused(texts.DASHBOARD_TITLE, period)
    kept = runtime().figures.period_figures(g.operator.scope, period)
    with runtime().database.transaction() as db:
        found = figures.dashboard(db, g.operator.scope, period, now, runtime().settings.rate_weights, kept)
    return render_template("console/dashboard.html", found=found, period=period, now=now, top=figures.TOP,
                           percent=percent, points=points, change=change, label=label, cells=cells,
                           table=chart_data(found.charts), span=span, late_by=late_by,
                           unit_name=texts.UNIT_NAMES[found.ranking.unit],
                           units="、".join(texts.UNIT_NAMES[unit] for unit in figures.units_within(g.operator.scope)))


@blueprint.get("/dashboard.json")
@login_required
def dashboard_data() -> Any:
    """The charts' figures for dashboard.js: every day of the period with the count of each category, the
    channels, the backlog by age (names in Chinese, as the charts label them)."""
    now = runtime().clock()
    period = read_period(request.args, figures.default_period(now), now)
    if isinstance(period, str):
        return jsonify(error=period), 400
    # The page itself has just computed (and, when slow, kept) the period's figures: only the charts' are read here.
    kept = runtime().figures.kept_period_figures(g.operator.scope, period)
    with runtime().database.transaction() as db:
        found = figures.charts(db, g.operator.scope, period, now, kept)
    return jsonify(chart_data(found))


def chart_data(charts: figures.Charts) -> dict[str, Any]:
    days = [charts.period.first_day + timedelta(days=offset)
            for offset in range((charts.period.last_day - charts.period.first_day).days + 1)]
    place = {day: index for index, day in enumerate(days)}
    series: dict[str, list[int]] = {}
    for line in charts.per_day:
        series.setdefault(line.category, [0] * len(days))[place[line.day]] = line.count
    return {
        "from": str(charts.period.first_day), "to": str(charts.period.last_day),
        "days": [str(day) for day in days],
        "categories": [{"name": name, "counts": counts} for name, counts in sorted(series.items())],
        "channels": [{"name": texts.CHANNEL_NAMES.get(channel, channel), "value": count}
                     for channel, count in charts.channels],
        "backlog": [{"name": name, "value": count} for name, count in zip(texts.AGE_NAMES, charts.backlog.by_age,
                                                                         strict=True)],
    }


def span(length: timedelta | None) -> str:
    """How long something took, as an operator reads it: 5.5 小时 under two days, else 3 天 4 小时."""
    if length is None:
        return texts.NONE
    hours = length.total_seconds() / 3600
    if hours < 48:
        return texts.HOURS.format(hours=hours)
    return texts.DAYS_HOURS.format(days=int(hours // 24), hours=int(hours % 24))


def late_by(due: datetime, now: datetime) -> str:
    return span(now - due)
