"""帮助 in pages: a 网格长's or an operator's list of commands is longer than one passive reply holds (WeChat shows
nothing at all of a reply over 2048 bytes), so it comes in pages; 帮助 2 asks for the next."""

from handlers.commands import COMMANDS, Audience
from handlers.types import REPLY_BYTES
from tests.support.personas import BUILDING_LEAD, OPERATOR, RESIDENT, WANG, ZHANG
from tests.support.street import add_contractors


def pages_of(wechat, openid):
    first = wechat.send(openid, "帮助")
    pages = [first]
    while "请回复：帮助 " in pages[-1]:
        pages.append(wechat.send(openid, f"帮助 {len(pages) + 1}"))
        assert len(pages) < 6, "the pointer onward never ends"
    return pages


def test_an_operators_help_comes_in_pages_that_each_fit_a_reply_and_together_list_every_command(wechat, seeded):
    pages = pages_of(wechat, OPERATOR)
    assert len(pages) == 2
    assert all(len(page.encode()) <= REPLY_BYTES for page in pages)
    assert pages[0].startswith("工作指令（编号可以不带 G") and pages[0].endswith("还有更多工作指令，请回复：帮助 2")
    assert pages[1].startswith("工作指令（续，第2/2页）：") and "帮助 3" not in pages[1]
    staff_usages = [command.usage for command in COMMANDS if command.audience is Audience.STAFF and not command.roles]
    listed = "\n".join(pages)
    assert all(f"· {usage}" in listed for usage in staff_usages)
    assert "合并 编号 目标编号" in listed and "结案 案号 说明" in listed
    assert sum(listed.count(f"· {usage}（") + listed.count(f"· {usage}：") for usage in staff_usages) == len(staff_usages)


def test_a_grid_leaders_help_has_a_second_page_too_and_a_grid_members_fits_in_one(wechat, seeded):
    assert len(pages_of(wechat, WANG)) == 2
    member = pages_of(wechat, ZHANG)
    assert len(member) == 1 and "帮助 2" not in member[0] and "接单 编号" in member[0]


def test_a_page_asked_for_in_full_width_or_in_words_is_given_and_past_the_last_is_the_last(wechat, seeded):
    second = wechat.send(OPERATOR, "帮助 2")
    assert wechat.send(OPERATOR, "帮助 ２") == second
    assert wechat.send(OPERATOR, "帮助 二") == second
    assert wechat.send(OPERATOR, "帮助 5") == second


def test_residents_and_building_leads_still_get_their_help_in_one_reply(wechat, seeded):
    resident = wechat.send(RESIDENT, "帮助")
    assert "撤销 编号" in resident and "帮助 2" not in resident
    lead = wechat.send(BUILDING_LEAD, "帮助")
    assert "代报" in lead and "帮助 2" not in lead


def test_a_department_and_a_property_company_are_not_offered_commands_they_would_be_refused(wechat, seeded, clock):
    with seeded.transaction() as session:
        add_contractors(session, clock())
    department, = pages_of(wechat, "dept_zhifa")
    assert "· 上报 内容" not in department and "· 核实 编号" not in department and "· 接单 编号" in department
    assert "没有绑定网格" in wechat.send("dept_zhifa", "上报 小区门口井盖坏了")  # what it would have said
    property_company, = pages_of(wechat, "prop_1")
    assert "· 上报 内容" in property_company and "· 核实 编号" not in property_company
    operator = "\n".join(pages_of(wechat, OPERATOR))
    assert "· 上报 内容" not in operator and "· 核实 编号" in operator
    assert "· 上报 内容" in pages_of(wechat, ZHANG)[0]
