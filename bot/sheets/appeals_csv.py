"""A list of appeals as CSV for Excel: Chinese headers, UTF-8 with a BOM. `gridbot appeals list --csv` prints it
in one piece; the console streams a long list a page at a time (`header`, then `rows` for each page)."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import datetime

from bot.sheets.excel_text import csv_row
from handlers import staff_texts
from storage.privacy import mask_personal_numbers
from storage.queries import Listed
from storage.tickets import LOCAL_ZONE

CSV_BOM = "\ufeff"  # Excel reads a CSV as UTF-8 only with it
# 办结时间 last, after the columns scripts may read by position: a month's list of what was resolved says when.
CSV_COLUMNS = ("编号", "提交时间", "类别", "子类", "街道", "社区", "网格", "楼栋", "状态", "办理人", "办理单位",
               "截止时间", "超时分钟", "紧急", "内容摘要", "办结时间")
URGENT = "【紧急】"
SNIPPET = 90  # characters of the content in a row
TIME_FORM = "%Y-%m-%d %H:%M"


def appeal_csv(found: Sequence[Listed], now: datetime) -> str:
    """The whole list: the BOM and headers, then a row per appeal."""
    return header() + rows(found, now)


def header() -> str:
    """The BOM and the header row."""
    return CSV_BOM + _lines([CSV_COLUMNS])


def rows(found: Sequence[Listed], now: datetime) -> str:
    """A row per appeal, contact numbers in its content masked."""
    return _lines([_row(listed, now) for listed in found])


def _row(listed: Listed, now: datetime) -> tuple[object, ...]:
    appeal, place, due = listed.appeal, listed.place, listed.due
    overdue = int((now - due).total_seconds() // 60) if due is not None and due <= now else None
    return (
        appeal.ticket, _local(appeal.created_at), appeal.category, appeal.subcategory or "",
        place.street if place else "", place.community if place else "", place.grid if place else "",
        place.home_label if place else "",
        staff_texts.status_name(listed.status), listed.assignee or "", appeal.department or "",
        _local(due), overdue or "", URGENT if appeal.emergency else "", _snippet(appeal.listed_words),
        _local(appeal.resolved_at),
    )


def _local(at: datetime | None) -> str:
    return at.astimezone(LOCAL_ZONE).strftime(TIME_FORM) if at is not None else ""


def _snippet(content: str) -> str:
    text = mask_personal_numbers(" ".join(content.split()))
    return text if len(text) <= SNIPPET else text[:SNIPPET] + "…"


def _lines(table: Sequence[Sequence[object]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(csv_row(row) for row in table)
    return buffer.getvalue()
