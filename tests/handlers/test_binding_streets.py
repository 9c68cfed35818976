"""With more than one street switched on, the binding asks for the street first: a city's 293 communities in one
menu were fifteen pages to leaf through, with two streets' 和平社区 side by side."""

import pytest
from sqlalchemy import event

from storage import seeding
from tests.support.street import ANNING, ANNING_COMMUNITY, add_second_street

pytestmark = pytest.mark.postgres


@pytest.fixture
def two_streets(seeded, clock):
    with seeded.transaction() as session:
        add_second_street(session, clock())
    return seeded


def test_with_one_street_the_first_question_is_the_community_as_before(wechat, seeded):
    wechat.dialog("o_new", [("绑定", "请选择您所在的社区（回复序号，也可以直接回复小区名称）：\n1. 幸福里社区\n2. 和平社区"),
                            ("返回", "这已经是第一步了。")])


def test_with_two_streets_the_street_comes_first_then_its_communities_only(wechat, two_streets):
    menu = wechat.send("o_new", "绑定")
    assert menu.startswith("请选择您所在的街道（回复序号，也可以直接回复社区或小区名称）：\n1. 幸福街道\n2. 安宁街道")
    communities = wechat.send("o_new", "1")
    assert "请选择您所在的社区（回复序号或名称）：\n1. 幸福里社区\n2. 和平社区\n回复“返回”回到上一步" in communities
    assert ANNING_COMMUNITY not in communities
    wechat.dialog("o_new", [("返回", "请选择您所在的街道"), ("安宁街道", "请选择您所在的单元"),  # its one 社区, 小区, 楼栋
                            ("2", "绑定成功！您的住址：安宁社区·第一网格 翠湖苑1号楼2单元")])


def test_a_community_or_compound_named_at_the_street_question_skips_the_street(wechat, two_streets):
    wechat.dialog("o_elder", [("绑定", "请选择您所在的街道"), ("和平社区", "请选择您所在的小区"),
                              ("返回", "请选择您所在的社区（回复序号或名称）：\n1. 幸福里社区\n2. 和平社区"),
                              ("返回", "请选择您所在的街道")])
    wechat.dialog("o_other", [("绑定", "请选择您所在的街道"), ("我住翠湖苑", "请选择您所在的单元"),
                              ("1", f"绑定成功！您的住址：{ANNING_COMMUNITY}·第一网格 翠湖苑1号楼1单元")])


def test_a_community_name_two_streets_have_offers_those_two_by_their_street(wechat, two_streets, clock):
    with two_streets.transaction() as session:
        seeding.seed_street(session, seeding.StreetPlan(ANNING, {"和平社区": {"第一网格": ("平安小区", {
            "1号楼": ("1单元",)})}}), clock())

    reply = wechat.send("o_new", "绑定") and wechat.send("o_new", "和平社区")
    assert reply.startswith("“和平社区”有不止一个（在不同街道），请回复序号选择您所在的那个，或回复“取消”退出。\n"
                            "1. 和平社区（幸福街道）\n2. 和平社区（安宁街道）"), reply
    wechat.dialog("o_new", [("2", "绑定成功！您的住址：安宁街道·和平社区·第一网格 平安小区1号楼1单元")])


def add_streets(database, now, grids=1):
    """30 more streets of 9 communities each (a city's 31 streets and 271 communities), `grids` grids each."""
    with database.transaction() as session:
        for street in range(1, 31):
            layout: seeding.Layout = {f"第{street}街道{community}号社区": {f"第{grid}网格": (
                f"小区{street}-{community}-{grid}" if grids > 1 else f"小区{street}-{community}",
                {"1号楼": ("1单元",)}) for grid in range(1, grids + 1)} for community in range(1, 10)}
            seeding.seed_street(session, seeding.StreetPlan(f"第{street:02d}街道", layout), now)


def test_a_city_of_31_streets_pages_the_streets_and_takes_a_typed_community(wechat, seeded, clock):
    add_streets(seeded, clock())

    first = wechat.send("o_new", "绑定")
    assert "1. 幸福街道" in first and "20. 第19街道" in first and "21." not in first
    assert "（第 1–20 项，共 31 项）回复“更多”看下一页" in first
    second = wechat.send("o_new", "更多")
    assert "21. 第20街道" in second and "31. 第30街道" in second
    assert "请选择您所在的社区" in wechat.send("o_new", "31")
    wechat.dialog("o_elder", [("绑定", "请选择您所在的街道"),
                              ("第7街道3号社区", "绑定成功！您的住址：第7街道3号社区·第1网格 小区7-31号楼1单元")])


def test_an_address_said_in_a_city_reads_its_grids_at_once_not_one_by_one(wechat, seeded, clock):
    add_streets(seeded, clock(), grids=3)  # 810 more grids
    statements = []

    def seen(_connection, _cursor, statement, *_args):
        statements.append(statement)

    event.listen(seeded.engine, "before_cursor_execute", seen)
    try:
        reply = wechat.send("o_new", "我住小区7-3-2 1号楼1单元")
    finally:
        event.remove(seeded.engine, "before_cursor_execute", seen)

    assert reply.startswith("绑定成功！您的住址：第7街道3号社区·第2网格 小区7-3-21号楼1单元")
    # One by one, the city's grids (and each grid's buildings) were a statement each: 1,600 for one message.
    assert sum("FROM grids" in statement for statement in statements) < 30


def test_a_xiaoqu_two_streets_have_is_taken_for_neither(wechat, two_streets, clock):
    with two_streets.transaction() as session:
        seeding.seed_street(session, seeding.StreetPlan(ANNING, {ANNING_COMMUNITY: {"第二网格": ("阳光花园", {
            "3号楼": ("1单元",)})}}), clock())

    wechat.dialog("o_other", [("绑定", "请选择您所在的街道"), ("阳光花园", "“阳光花园”不止一个（在不同的社区），请先选择您所在的街道"),
                              ("1", "请选择您所在的社区"), ("阳光花园", "请选择您所在的楼栋")])
    said = wechat.send("o_new", "我住阳光花园3号楼1单元")
    assert "绑定成功" not in said and "编号" not in said  # neither bound to one at random, nor filed as an appeal
    assert "“阳光花园”不止一个（在不同的社区），请先选择您所在的街道" in said
    wechat.dialog("o_new", [("2", "请选择您所在的小区"), ("阳光花园", "绑定成功！您的住址：安宁社区·第二网格 阳光花园3号楼1单元"),
                            ("我的诉求", "还没有提交过诉求")])
