"""A message naming two problems is one appeal that keeps the second problem's category: on the task card, in
staff 查询 and in `gridbot appeals show`; splitting it into appeals of their own (分开) drops the hint."""

import pytest
from click.testing import CliRunner

from bot.cli.gridbot import main
from tests.support.database import appeal, worded
from tests.support.personas import RESIDENT, ZHANG
from tests.support.worker import LIFT, file_and_dispatch

pytestmark = pytest.mark.postgres

# Two problems said alike: which leads is the shipped model's near tie, the other is kept as the second.
TWO_PROBLEMS = "3号楼楼下广场舞音响太吵，垃圾桶也满了没人清理"
BOTH = {"噪音扰民", "环境卫生"}
SUBCATEGORIES = {"噪音扰民": "生活噪音", "环境卫生": "垃圾清运"}


def test_the_second_category_is_kept_and_shown_to_staff_and_the_operator(wechat, seeded, database_url, clock):
    ticket = file_and_dispatch(wechat, seeded, clock, TWO_PROBLEMS)
    filed = appeal(seeded, ticket)
    assert {filed.category, filed.second_category} == BOTH
    hint = f"（另涉及{filed.second_category}）"
    card = next(text for text in worded(seeded, "staff_new_appeal", ZHANG) if ticket in text)
    assert f"类别：{filed.category}·{SUBCATEGORIES[filed.category]}{hint}" in card
    assert hint in wechat.send(ZHANG, f"查询 {ticket}")
    shown = CliRunner().invoke(main, ["appeals", "show", ticket], obj=clock,
                               env={"GRIDBOT_DATABASE_URL": database_url})
    assert shown.exit_code == 0 and hint in shown.output, shown.output


def test_an_appeal_of_one_problem_has_none(wechat, seeded, clock):
    ticket = file_and_dispatch(wechat, seeded, clock, LIFT, openid=RESIDENT)
    assert appeal(seeded, ticket).second_category is None
    assert "另涉及" not in next(text for text in worded(seeded, "staff_new_appeal", ZHANG) if ticket in text)


def test_filing_the_problems_apart_drops_the_hint_from_the_original(wechat, seeded, clock):
    ticket = file_and_dispatch(wechat, seeded, clock, "3号楼楼下广场舞音响太吵；另外垃圾桶满了没人清理")
    filed = appeal(seeded, ticket)
    assert {filed.category, filed.second_category} == BOTH
    assert "已分开登记" in wechat.send(RESIDENT, "分开")
    assert appeal(seeded, ticket).second_category is None
