"""Phone and ID-card numbers are masked in what residents read; tickets, dates and amounts are not touched."""

import pytest

from bot.privacy import redact
from handlers import notifications
from handlers.privacy import mask_personal_numbers


@pytest.mark.parametrize("text, masked", [
    ("王阿姨电话13812345678，已联系", "王阿姨电话138****5678，已联系"),
    ("手机 138 1234 5678 或 159-8765-4321", "手机 138****5678 或 159****4321"),
    ("+86 13812345678", "+86 138****5678"),
    ("008613812345678", "0086138****5678"),
    ("电话：１３８１２３４５６７８", "电话：138****5678"),  # full-width digits, as input methods type them
    ("tel13812345678", "tel138****5678"),
    ("13812345678", "138****5678"),
    ("座机010-12345678转3", "座机010-****5678转3"),
    ("物业 0531 87654321", "物业 0531 ****4321"),
    ("(0531)8765432", "(0531)****5432"),
    ("（010）62345678", "（010）****5678"),
    ("05318765432", "0531****5432"),
    ("身份证110101199003071234", "身份证110101********1234"),
    ("11010119900307123X号", "110101********123X号"),
    ("11010119900307123x", "110101********123x"),
    ("老身份证110101900307123", "老身份证110101*****7123"),
    ("两个号码13812345678和13998765432", "两个号码138****5678和139****5432"),
    ("座机 0531 8765 4321", "座机 0531 ****4321"),  # the local number grouped as it is read out
    ("身份证 110101 19900307 1234", "身份证 110101 ******** 1234"),  # copied grouped from another app
    ("身份证110101-19900307-123X", "身份证110101-********-123X"),
])
def test_phone_and_id_numbers_are_masked(text, masked):
    assert mask_personal_numbers(text) == masked


@pytest.mark.parametrize("text, masked", [
    ("母亲身份证110101194003071234，电话13812345678", "母亲身份证110101********1234，电话13812345678"),
    ("身份证 110101 19900307 1234，座机010-12345678", "身份证 110101 ******** 1234，座机010-12345678"),
    ("老身份证110101900307123", "老身份证110101*****7123"),
    ("电话１３８１２３４５６７８", "电话１３８１２３４５６７８"),
])
def test_on_a_task_card_only_id_numbers_are_masked(text, masked):
    from storage.privacy import mask_id_numbers

    assert mask_id_numbers(text) == masked


@pytest.mark.parametrize("text", [
    "诉求 G2611230001 已办结",
    "聚焦事项 J2611230001",
    "g2611230001、2611230001",  # a ticket typed without G
    "G26112310001",  # the 10,000th appeal of a day
    "2026-11-23 14:30 上门",
    "2026年11月23日",
    "20261123",
    "维修费 12345678 元",
    "共 13,800.00 元",
    "订单号 2026112312345678901",  # 19 digits: not a phone or an ID inside
    "银行卡 6222021234567890123",
    "138123456789",  # 12 digits
    "1381234567",  # 10 digits
    "12345 热线、110、119",
    "400-810-8888",  # a company's service line is public
    "3号楼1单元502室，13号楼",
    "110101199013071234",  # month 13: not an ID
    "110101199002321234",  # day 32: not an ID
    "110101 1990030712 34",  # not grouped as an ID is
    "0.5 元",
    "",
])
def test_near_misses_are_left_intact(text):
    assert mask_personal_numbers(text) == text


def test_residents_notices_are_masked_and_staff_notices_are_not():
    note = "已联系3单元王阿姨 13812345678，身份证110101199003071234"
    resident = notifications.render("resident_progress", {"ticket": "G2611230001", "note": note})
    assert "138****5678" in resident and "110101********1234" in resident and "13812345678" not in resident
    line = notifications.template_data("resident_progress", {"ticket": "G2611230001", "note": "电话13812345678"})
    assert line["keyword3"]["value"] == "电话138****5678"
    returned = notifications.render("staff_returned", {"ticket": "G2611230001", "by": "张伟", "reason": note})
    assert note in returned  # staff call people back: they read the numbers whole


@pytest.mark.parametrize("line", [
    "console login failed (unknown): '+8613812345678' from 10.0.0.1",  # a phone's autofill in the username field
    "console login failed (unknown): '+86 138 1234 5678' from 10.0.0.1",
    "console login failed (unknown): '0086-13812345678' from 10.0.0.1",
    "console login failed (unknown): '138-1234-5678' from 10.0.0.1",
    "console login failed (unknown): '１３８１２３４５６７８' from 10.0.0.1",
])
def test_a_log_line_masks_a_mobile_number_however_it_is_written(line):
    redacted = redact(line)
    assert "1234" not in redacted and "１２３４" not in redacted
    assert "****" in redacted and redacted.endswith(" from 10.0.0.1")


@pytest.mark.parametrize("line", ["worker b18981254994b started", "MsgId 13812345678901", "job 13812345678abc"])
def test_a_log_line_keeps_ids_that_only_contain_a_mobile_numbers_digits(line):
    assert redact(line) == line
