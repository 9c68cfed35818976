"""Every notice fits the channel that carries it, however long the words in it are (handlers/notifications.py)."""

from datetime import datetime, timezone

import pytest

from handlers import notice_texts, notifications, resident_texts
from handlers.types import REPLY_BYTES
from storage import notice_planning
from storage.limits import LIMITS, TextField
from storage.lookups import PART_BYTES
from storage.notice_records import PublicNotice
from storage.notices import ResidentProgress

TICKET = "G2611230001"
WIDE = "𠀁"  # four bytes of UTF-8: the worst case for WeChat's byte limit
NOTE = "𠀀" * LIMITS[TextField.NOTE]  # another four-byte character, to find the notes in a text


def longest(field: TextField) -> str:
    return WIDE * LIMITS[field]


# Every parameter any notice uses, each as long as anything the lifecycle can put there.
WORST = {
    "ticket": TICKET, "into": "G2611230002", "from": "G2611230003", "code": "J2611230001",
    "note": NOTE, "reason": NOTE, "content": longest(TextField.APPEAL),
    "to": longest(TextField.DEPARTMENT), "by": longest(TextField.NAME), "staff_name": longest(TextField.NAME),
    "owner": longest(TextField.NAME), "category": longest(TextField.CATEGORY),
    "subcategory": longest(TextField.CATEGORY), "grid": WIDE * 64 + "·" + WIDE * 64,
    "home": WIDE * 64 * 3, "place": WIDE * 200, "key": WIDE * 64, "key_kind": "keyword",
    "tickets": [f"G26112300{n:02d}" for n in range(30)], "days": 7, "count": 30,
    "resolve_due_at": "2026-11-25T02:00:00+00:00", "due_at": "2026-11-25T02:00:00+00:00", "clock": "response",
    "level": "街道", "photo": True, "followed": True, "follow_up": True,
    "holder": longest(TextField.NAME), "window_start": "2026-11-25T02:00:00+00:00", "new": 30, "reminders": 30,
    "escalations": 30, "filed_at": "2026-11-22T02:00:00+00:00", "words": longest(TextField.APPEAL), "claimed": True,
    "material": "location", "who": "oAbC…Yz", "minutes": 15, "failures": 5, "until": "2026-11-25T02:00:00+00:00",
    "emergency": WIDE * 16, "since": "2026-11-25T02:00:00+00:00", "response_due_at": "2026-11-25T02:10:00+00:00",
    "area": WIDE * 64 + "·" + WIDE * 64, "accepted": 99999, "resolved": 99999, "reopened": 99999, "backlog": 99999,
    "overdue": 99999, "late_tickets": [f"G26112300{n:02d}" for n in range(3)],
    "late_categories": [longest(TextField.CATEGORY)] * 3, "late_clocks": ["response"] * 3,
    "late_minutes": [99999999] * 3, "response_rate": 1.0, "resolve_rate": 1.0, "satisfaction_rate": 1.0,
    "organisation": longest(TextField.ORGANISATION), "number": 99999999,
    "volunteer": longest(TextField.NAME), "role": "party_household", "points": 99999, "for_department": True,
    "what": longest(TextField.CATEGORY) + "·" + longest(TextField.CATEGORY),
    "part": 99, "parts": 99, "text": WIDE * (PART_BYTES // 4),
    "response_hours": 99999, "resolve_hours": 99999, "working_days": True, "confirmed": True,
    "first_day": "2026-11-25T16:00:00+00:00",
}


def size(text: str) -> int:
    return len(text.encode("utf-8"))


@pytest.mark.parametrize("template", sorted(notifications.NAMES))
def test_every_notice_fits_wechats_text_limit_with_every_field_at_its_limit(template):
    text = notifications.render(template, WORST)
    assert size(text) <= notifications.TEXT_BYTE_LIMIT, (template, size(text))
    data = notifications.template_data(template, WORST)
    lines = [field["value"] for name, field in data.items() if name.startswith("keyword")]
    assert all(len(line) <= notifications.TEMPLATE_LINE_LIMIT for line in lines), lines


def test_an_urgent_task_card_fits_with_every_field_at_its_limit():
    text = notifications.render("staff_new_appeal", {**WORST, "urgent": True})
    assert text.startswith("【紧急】") and size(text) <= notifications.TEXT_BYTE_LIMIT
    assert "110、119 或 120" in text  # the instructions survive the cut


@pytest.mark.parametrize("template", sorted(t for t in notifications.NAMES if notifications.for_resident(t)))
def test_a_note_at_its_limit_reaches_a_resident_whole(template):
    text = notifications.render(template, WORST)
    assert resident_texts.CUT_MARK.format(ticket=TICKET) not in text
    assert NOTE in text or NOTE[0] not in text  # shown whole, or not at all


def test_a_long_task_card_is_cut_in_the_content_and_keeps_its_instructions():
    params = {"ticket": TICKET, "category": "物业服务", "grid": "幸福里社区·第一网格", "home": "阳光花园3号楼1单元",
              "content": "电梯坏了" * 250, "resolve_due_at": "2026-11-25T02:00:00+00:00"}
    text = notifications.render("staff_new_appeal", params)
    assert size(text) <= notifications.TEXT_BYTE_LIMIT
    assert f"…（全文请回复“查询 {TICKET}”）" in text  # where the rest is
    assert text.endswith(f"回复“接单 {TICKET}”接下任务；不属于本网格请回复“退回 {TICKET} 原因”。")
    assert "电梯坏了" * 130 in text  # as much of the appeal as fits


def test_a_cut_never_splits_a_character():
    text = notifications.render("staff_new_appeal", {**WORST, "content": "a" + WIDE * 999})
    assert "\ufffd" not in text and size(text) <= notifications.TEXT_BYTE_LIMIT
    assert size(text) > notifications.TEXT_BYTE_LIMIT - 4  # filled up to the last whole character


def test_a_short_notice_is_left_exactly_as_worded():
    notice = ResidentProgress(ticket=TICKET, note="已联系物业，明天上午维修电梯")
    assert notifications.render(notice.name, notice.params()) == resident_texts.TEMPLATES[ResidentProgress](notice)


BROADCAST_NUMBER = "N2611230001"
BROADCAST_AT = datetime(2026, 11, 23, 1, 0, tzinfo=timezone.utc)


def longest_broadcast() -> str:
    """A notice's text exactly as long as the planner lets it be, in bytes."""
    return "停" * (notice_planning.TEXT_BYTES // 3) + "a" * (notice_planning.TEXT_BYTES % 3)


@pytest.mark.parametrize("urgent", [False, True])
@pytest.mark.parametrize("reader", ["resident", "staff", "lead"])
def test_a_broadcast_as_long_as_allowed_fits_the_text_its_reader_gets(urgent, reader):
    text = notice_texts.message(BROADCAST_NUMBER, longest_broadcast(), urgent, "停水" if urgent else None,
                                for_staff=reader == "staff", for_lead=reader == "lead")
    assert size(text) <= notifications.TEXT_BYTE_LIMIT, size(text)


@pytest.mark.parametrize("urgent", [False, True])
def test_a_broadcast_as_long_as_allowed_fits_the_reply_to_its_number(urgent):
    notice = PublicNotice(BROADCAST_NUMBER, longest_broadcast(), urgent, "其他" if urgent else None, BROADCAST_AT, False)
    assert size(notice_texts.shown(notice)) <= REPLY_BYTES, size(notice_texts.shown(notice))
