"""How the appeals and outbox commands print: a table for people, JSON for tools, CSV for Excel (the console's
CSV too: bot.sheets.appeals_csv)."""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from bot.cli import appeals_texts as texts
from handlers import notifications, staff_texts
from storage.appeal_record import AppealRecord, running_due
from storage.appeals import Channel
from storage.models import OPEN_STATUSES
from storage.outbox import Undelivered
from storage.privacy import mask, mask_personal_numbers
from storage.queries import Listed
from storage.tickets import LOCAL_ZONE


def _snippet(content: str, length: int | None = None) -> str:
    text = mask_personal_numbers(" ".join(content.split()))
    return text if length is None or len(text) <= length else text[:length] + "…"


def _place(listed: Listed, with_street: bool) -> str:
    place = listed.place
    if place is None:
        return texts.NO_PLACE
    grid = f"{place.street}·{place.grid_label}" if with_street else place.grid_label
    return f"{grid} {place.home_label}".strip()


def _streets_apart(found: Sequence[Listed]) -> bool:
    """Whether the list holds two streets' communities of one name, which only their streets tell apart."""
    places = {(listed.place.street, listed.place.community) for listed in found if listed.place}
    return len(places) > len({community for _street, community in places})


def _holder(listed: Listed) -> str:
    return listed.assignee or listed.appeal.department or ""


def _overdue_minutes(listed: Listed, now: datetime) -> int | None:
    due = listed.due
    return int((now - due).total_seconds() // 60) if due is not None and due <= now else None


def appeal_table(found: Sequence[Listed], now: datetime) -> str:
    """The list as aligned columns, and how many there are."""
    if not found:
        return texts.NO_APPEALS
    with_street = _streets_apart(found)
    rows = [texts.COLUMNS] + [(
        listed.appeal.ticket, texts.local(listed.appeal.created_at, now=now),
        (texts.URGENT if listed.appeal.emergency else "") + listed.appeal.category, _place(listed, with_street),
        staff_texts.status_name(listed.status), _holder(listed) or texts.NOBODY,
        texts.clock(listed.appeal.status, listed.due, now) or texts.NOBODY,
        _snippet(listed.appeal.listed_words, texts.SNIPPET),
    ) for listed in found]
    widths = [max(_width(row[column]) for row in rows) for column in range(len(texts.COLUMNS) - 1)]
    lines = ["  ".join([*(_pad(cell, width) for cell, width in zip(row, widths, strict=False)), row[-1]])
             for row in rows]
    return "\n".join([*lines, texts.LISTED.format(count=len(found))])


def _width(text: str) -> int:
    """Columns a terminal gives the text: two for each wide (Chinese) character."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def _source(record: AppealRecord) -> str:
    """Who filed it: the resident, a member on patrol (上报), or a 楼长 or party member for a neighbour (代报)."""
    if not record.reporter:
        return texts.SOURCE_RESIDENT
    if record.appeal.channel == Channel.BUILDING_LEAD:
        return texts.SOURCE_NEIGHBOUR_REPORT.format(name=record.reporter)
    return texts.SOURCE_REPORT.format(name=record.reporter)


def appeal_json(found: Sequence[Listed], now: datetime) -> str:
    """The list as a JSON array with stable English keys (times in ISO 8601, Beijing time)."""
    return json.dumps([{
        "ticket": listed.appeal.ticket,
        "filed_at": listed.appeal.created_at.astimezone(texts.LOCAL_ZONE).isoformat(),
        "category": listed.appeal.category,
        "subcategory": listed.appeal.subcategory,
        "street": listed.place.street if listed.place else None,
        "community": listed.place.community if listed.place else None,
        "grid": listed.place.grid if listed.place else None,
        "place": listed.place.home_label if listed.place else None,
        "status": listed.status,  # as --status takes it: `lapsed` for one closed for the address never given
        "status_name": staff_texts.status_name(listed.status),
        "assignee": listed.assignee,
        "department": listed.appeal.department,
        "due_at": listed.due.astimezone(texts.LOCAL_ZONE).isoformat() if listed.due else None,
        "overdue_minutes": _overdue_minutes(listed, now),
        "emergency": listed.appeal.emergency,
        "snippet": _snippet(listed.appeal.listed_words, texts.SNIPPET * 3),
    } for listed in found], ensure_ascii=False, indent=2)


def record_lines(record: AppealRecord, now: datetime) -> list[str]:
    """`appeals show`: the card, then what is known of its handling, then the timeline."""
    appeal = record.appeal
    place = f"{record.place.grid_label} {record.place.home_label}".strip() if record.place else texts.NO_PLACE
    lines = [texts.SHOW_HEAD.format(
        ticket=appeal.ticket, urgent=texts.URGENT if appeal.emergency else "",
        category=staff_texts.category_label(appeal.category, appeal.subcategory, appeal.second_category),
        status=staff_texts.status_name(record.status),
        filed=texts.local(appeal.created_at, texts.WITH_YEAR), source=_source(record), place=place)]
    if record.contact.given:
        lines.append(texts.SHOW_CONTACT.format(contact=staff_texts.contact_line(record.contact.phone,
                                                                                record.contact.door)))
    holder = "，".join(part for part in (record.assignee, appeal.department) if part)
    if holder:
        lines.append(texts.SHOW_HANDLER.format(who=holder))
    due = running_due(record)
    if due is not None:
        lines.append(texts.SHOW_CLOCK.format(clock=texts.clock(appeal.status, due, now),
                                             due=staff_texts.due_clock(due, now)))
    # Reopened by 不满意 and open again: the 办结 and the rating were the last round's, not this one's.
    reopened = appeal.status in OPEN_STATUSES
    if appeal.resolution:
        shown = texts.SHOW_EARLIER_RESOLUTION if reopened else texts.SHOW_RESOLUTION
        lines.append(shown.format(text=appeal.resolution))
    if appeal.rating:
        shown = texts.SHOW_EARLIER_RATING if reopened else texts.SHOW_RATING
        lines.append(shown.format(rating=staff_texts.RATING_NAMES.get(appeal.rating, appeal.rating),
                                  at=texts.local(appeal.rated_at, texts.WITH_YEAR)))
    lines.append(texts.SHOW_CONTENT.format(content=appeal.content))
    if record.material:
        lines.append(texts.SHOW_MATERIAL)
        lines.extend(texts.MATERIAL_LINE.format(
            at=texts.local(item.created_at, now=now), kind=staff_texts.MATERIAL_NAMES.get(item.kind, item.kind),
            label=f"：{item.label}" if item.label else "") for item in record.material)
    if record.followers:
        lines.append(texts.SHOW_FOLLOWERS.format(count=len(record.followers),
                                                 tickets="、".join(f.ticket for f in record.followers)))
    lines.append(texts.SHOW_TIMELINE)
    lines.extend(_event(event, name, now) for event, name in record.timeline)
    return lines


def _event(event: Any, name: str | None, now: datetime) -> str:
    return "  " + staff_texts.EVENT_LINE.format(
        at=texts.local(event.at, now=now), action=staff_texts.EVENT_NAMES.get(event.action, event.action),
        who=staff_texts.event_who(event.actor_kind, name),
        note=f"：{staff_texts.event_note(event.action, event.note)}" if event.note else "")


def failed_lines(found: Sequence[Undelivered], now: datetime) -> list[str]:
    """`outbox failed`: each notice with its reason in words and what to do, then how to send one again."""
    if not found:
        return [texts.NO_FAILED]
    lines = [texts.FAILED_HEADER.format(count=len(found))]
    for item in found:
        reason, advice = texts.failure(item.row.last_error)
        lines.append(texts.FAILED_LINE.format(
            id=item.row.id, at=texts.local(item.row.created_at, now=now), recipient=_recipient(item),
            template=_notice_name(item.row.template), ticket=item.ticket or texts.NOBODY, attempts=item.row.attempts,
            reason=reason, advice=advice))
    first = found[0].row
    lines.append(texts.RETRY_HINT.format(id=first.id, day=first.created_at.astimezone(LOCAL_ZONE).date()))
    return lines


def _notice_name(template: str) -> str:
    """The kind of notice as the operator reads it, with the name the settings use (GRIDBOT_TEMPLATE_IDS)."""
    return f"{notifications.LABELS.get(template, template)}（{template}）"


def _recipient(item: Undelivered) -> str:
    masked = mask(item.row.recipient_openid)
    return f"{item.staff_name}（{masked}）" if item.staff_name else masked


def failed_json(found: Sequence[Undelivered]) -> str:
    """The failed notices as JSON (the recipient masked; the error as recorded and in words)."""
    return json.dumps([{
        "id": item.row.id,
        "created_at": item.row.created_at.astimezone(texts.LOCAL_ZONE).isoformat(),
        "recipient": mask(item.row.recipient_openid),
        "staff_name": item.staff_name,
        "template": item.row.template,
        "ticket": item.ticket,
        "attempts": item.row.attempts,
        "channel": item.row.channel,
        "error": item.row.last_error,
        "reason": texts.failure(item.row.last_error)[0],
        "advice": texts.failure(item.row.last_error)[1],
    } for item in found], ensure_ascii=False, indent=2)
