"""The notice contract: every notice type, built from its own fields, is stored and read back unchanged, has
wording for its audience, fits WeChat's limits in both channels, and reaches residents masked.

The loop is over the registry (storage.notices.BY_NAME) and the sample values come from each type's fields, so
a new notice is checked the moment it is defined.
"""

from __future__ import annotations

import dataclasses
import json
import re
import types
import typing
from datetime import datetime, timezone
from typing import Any

import pytest

from handlers import notifications, resident_texts, staff_texts
from storage import notices
from storage.notices import Audience, Notice

TICKET = "G2611220001"
AT = datetime(2026, 11, 22, 2, 0, tzinfo=timezone.utc)  # 11月22日 10:00 in Beijing
PHONE = "13812345678"
# Fields the wording compares or looks up, by name; any other field takes a value of its type.
CODES = {"ticket": TICKET, "into": "G2611220002", "from_": "G2611220003", "code": "J2611220001", "who": "oAbC…Yz",
         "clock": "response", "key_kind": "keyword",
         "work_phone": "0531-87654321"}  # a handler's published 工作电话: shown whole, not people's words
KINDS = sorted(notices.BY_NAME.values(), key=lambda kind: kind.name)
RESIDENT_KINDS = [kind for kind in KINDS if kind.audience is Audience.RESIDENT]
SWITCHES = [False, True]  # every bool field off, then on (withheld, followed, photo, follow_up)


def sample(kind: type[Notice], switch: bool = True, words: str = "已联系物业，明天上午维修电梯") -> Notice:
    """A notice of `kind` with a value for each of its fields: `words` for people's words."""
    hints = typing.get_type_hints(kind)
    return kind(**{field.name: _value(field.name, hints[field.name], switch, words)
                   for field in dataclasses.fields(kind)})


def _value(name: str, hint: Any, switch: bool, words: str) -> Any:
    if name in CODES:
        return CODES[name]
    if typing.get_origin(hint) is tuple:
        return (TICKET, "G2611220002") if typing.get_args(hint)[0] is str else (2, 3)
    if isinstance(hint, types.UnionType):
        hint = next(option for option in typing.get_args(hint) if option is not type(None))
    return {bool: switch, int: 2, float: 0.5, datetime: AT, str: words}[hint]


def stored(notice: Notice) -> tuple[str, dict[str, Any]]:
    """The outbox row's name and parameters, through JSON as the database keeps them."""
    return notice.name, json.loads(json.dumps(notice.params(), ensure_ascii=False))


def subject(notice: Notice) -> str:
    """What the notice is about, as its reader finds it again: the ticket, the focus case, who, the summary's area,
    the first ticket."""
    for name in ("ticket", "code", "who", "area"):
        if hasattr(notice, name):
            return getattr(notice, name)
    return notice.tickets[0]  # type: ignore[attr-defined]  # the digest names its tickets


@pytest.mark.parametrize("switch", SWITCHES)
@pytest.mark.parametrize("kind", KINDS, ids=lambda kind: kind.name)
def test_a_notice_is_read_back_from_its_row_unchanged(kind, switch):
    notice = sample(kind, switch)
    assert notices.from_params(*stored(notice)) == notice


@pytest.mark.parametrize("kind", KINDS, ids=lambda kind: kind.name)
def test_a_row_without_a_required_parameter_is_refused_naming_it_and_unknown_parameters_are_ignored(kind):
    name, params = stored(sample(kind))
    assert notices.from_params(name, {**params, "unknown": "x"}) == notices.from_params(name, params)
    for field in dataclasses.fields(kind):
        if field.default is dataclasses.MISSING:
            key = field.name.removesuffix("_")
            with pytest.raises(KeyError, match=key):
                notices.from_params(name, {k: v for k, v in params.items() if k != key})


def test_each_notice_is_worded_once_in_its_audiences_module_and_named_for_its_audience():
    for module, audience in ((resident_texts, Audience.RESIDENT), (staff_texts, Audience.STAFF)):
        kinds = {kind for kind in KINDS if kind.audience is audience}
        assert set(module.TEMPLATES) == set(module.TEMPLATE_FIELDS) == kinds
        assert all(kind.name.startswith(f"{audience}_") for kind in kinds)  # GRIDBOT_TEMPLATE_IDS relies on it
    assert set(resident_texts.GENERIC_FIELDS) == set(RESIDENT_KINDS)
    assert notifications.NAMES == {kind.name for kind in KINDS}
    assert {name for name in notifications.NAMES if notifications.for_resident(name)} == {
        kind.name for kind in RESIDENT_KINDS}


@pytest.mark.parametrize("kind", KINDS, ids=lambda kind: kind.name)
def test_every_notice_has_a_chinese_label_for_operators_in_its_audiences_module(kind):
    module = resident_texts if kind.audience is Audience.RESIDENT else staff_texts
    label = module.NOTICE_LABELS.get(kind)
    assert label and re.search(r"[\u4e00-\u9fff]", label) and not re.search(r"[A-Za-z_]", label)
    assert notifications.LABELS[kind.name] == label  # what the console's 模板消息 page shows beside the name


def test_no_two_notices_share_a_label():
    labels = [notifications.LABELS[kind.name] for kind in KINDS]
    assert len(set(labels)) == len(labels)


@pytest.mark.parametrize("switch", SWITCHES)
@pytest.mark.parametrize("kind", KINDS, ids=lambda kind: kind.name)
def test_every_notice_has_a_text_and_template_lines_that_fit(kind, switch):
    notice = sample(kind, switch)
    text = notifications.render(*stored(notice))
    assert subject(notice) in text and len(text.encode("utf-8")) <= notifications.TEXT_BYTE_LIMIT
    data = notifications.template_data(*stored(notice))
    assert subject(notice) in data["keyword1"]["value"] and data["remark"]["value"]
    if hasattr(notice, "ticket"):
        assert data["keyword1"]["value"] == TICKET
    lines = [field["value"] for name, field in data.items() if name.startswith("keyword")]
    assert all(0 < len(line) <= notifications.TEMPLATE_LINE_LIMIT and "\n" not in line for line in lines), lines


@pytest.mark.parametrize("switch", SWITCHES)
@pytest.mark.parametrize("kind", RESIDENT_KINDS, ids=lambda kind: kind.name)
def test_every_resident_notice_fills_the_generic_template_within_its_limits(kind, switch):
    data = notifications.generic_template_data(*stored(sample(kind, switch)), AT)
    assert list(data) == ["first", "keyword1", "keyword2", "keyword3", "remark"]
    assert data["keyword1"]["value"] == TICKET and data["keyword3"]["value"] == "11月22日 10:00"
    assert all(field["value"] and "\n" not in field["value"] for field in data.values())
    assert all(len(field["value"]) <= notifications.TEMPLATE_LINE_LIMIT for name, field in data.items()
               if name != "remark")
    assert len(data["remark"]["value"]) <= notifications.TEMPLATE_REMARK_LIMIT


@pytest.mark.parametrize("kind", RESIDENT_KINDS, ids=lambda kind: kind.name)
def test_a_phone_number_in_any_of_a_resident_notices_words_reaches_them_masked(kind):
    notice = sample(kind, words=f"请联系王阿姨 {PHONE}")
    data = {**notifications.template_data(*stored(notice)), **notifications.generic_template_data(*stored(notice), AT)}
    shown = [notifications.render(*stored(notice)), *(field["value"] for field in data.values())]
    assert not any(PHONE in text for text in shown)


@pytest.mark.parametrize("kind", [kind for kind in KINDS if kind.audience is Audience.STAFF], ids=lambda kind: kind.name)
def test_staff_notices_have_no_generic_template(kind):
    with pytest.raises(KeyError):
        notifications.generic_template_data(*stored(sample(kind)), AT)
