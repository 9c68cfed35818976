"""A long binding menu comes a page at a time: a grid of 140 buildings once answered with one 3.9 KB reply."""

import pytest
from sqlalchemy import select

from handlers.binding import REPLY_BYTES
from storage import org
from storage.models import Building, Grid
from tests.support.database import resident

pytestmark = pytest.mark.postgres


def add_buildings(database, names):
    """Buildings added to 和平社区·第二网格's 东方名苑 (which has A座 and B座), in this order."""
    with database.transaction() as session:
        grid = session.scalars(select(Grid).where(Grid.name == "第二网格").order_by(Grid.id.desc())).first()
        for name in names:
            org.ensure_building(session, grid, name, "东方名苑")


def test_a_grid_of_140_buildings_is_paged_and_numbers_and_names_work_on_any_page(wechat, seeded):
    add_buildings(seeded, [f"{number}号楼" for number in range(1, 141)])
    wechat.dialog("o_new", [("绑定", "请选择您所在的社区"), ("和平社区", "请选择您所在的小区")])

    first = wechat.send("o_new", "东方名苑")

    assert "1. A座" in first and "20. 18号楼" in first and "21." not in first
    assert "（第 1–20 项，共 142 项）回复“更多”看下一页" in first
    second = wechat.send("o_new", "更多")
    assert "21. 19号楼" in second and "40. 38号楼" in second and "20." not in second
    assert "35" in second
    assert "绑定成功！您的住址：和平社区·第二网格 东方名苑33号楼" in wechat.send("o_new", "35")


def test_a_name_from_a_later_page_is_understood_on_the_first(wechat, seeded):
    add_buildings(seeded, [f"{number}号楼" for number in range(1, 141)])
    wechat.dialog("o_new", [("绑定", "请选择您所在的社区"), ("和平社区", "请选择您所在的小区"),
                            ("东方名苑", "回复“更多”看下一页"), ("120号楼", "绑定成功！")])
    building_id = resident(seeded, "o_new").building_id
    with seeded.transaction() as session:
        assert session.get_one(Building, building_id).name == "120号楼"


def test_every_page_of_the_longest_names_fits_in_one_reply_and_the_last_leads_back_to_the_first(wechat, seeded):
    longest = [f"{number:02d}" + "长" * 62 for number in range(1, 61)]  # 64 characters, the most a name may have
    add_buildings(seeded, longest)
    wechat.dialog("o_new", [("绑定", "请选择您所在的社区"), ("和平社区", "请选择您所在的小区")])

    replies = [wechat.send("o_new", "东方名苑")]
    while "这是最后一页" not in replies[-1]:
        replies.append(wechat.send("o_new", "更多"))
        assert len(replies) < 62
    wrong = wechat.send("o_new", "不知道")

    assert max(len(reply.encode()) for reply in [*replies, wrong]) <= REPLY_BYTES
    assert len(replies) > 1
    assert "1. A座" in wechat.send("o_new", "更多")


def test_more_on_a_menu_of_one_page_says_these_are_all_the_options_not_that_more_is_no_option(wechat, seeded):
    wechat.dialog("o_new", [("绑定", "请选择您所在的社区"),
                            ("更多", "选项就是下面这些，没有下一页了，请回复序号或名称，或回复“取消”退出。\n1. 幸福里社区\n2. 和平社区"),
                            ("和平社区", "请选择您所在的小区")])
