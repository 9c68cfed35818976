"""微心愿 from the command line (issue 14): `gridbot wishes add --scope PATH --text TEXT` prints the number,
`wishes list [--scope PATH] [--all] [--json]`, `wishes cancel NUMBER`; and the claim race: two volunteers taking
the same task at the same moment, exactly one wins."""

import json
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

import pytest
from sqlalchemy import select

from bot.cli import wishes_texts
from nlp import load_taxonomy
from storage import volunteer_claims
from storage.models import ClaimStatus, Staff, VolunteerClaim, Wish, WishStatus
from storage.tickets import LOCAL_ZONE
from tests.support.cli import ok, refused
from tests.support.database import notices, worded
from tests.support.personas import PARTY_MEMBER, VOLUNTEER, ZHANG
from tests.support.worker import file_and_dispatch

pytestmark = pytest.mark.postgres

BUILDING = "幸福里社区/第一网格/阳光花园/3号楼"
TEXT = "3号楼独居的李奶奶想请人帮忙换客厅灯泡"


def wish_row(seeded, code):
    with seeded.transaction() as session:
        return session.scalars(select(Wish).where(Wish.code == code)).one()


def test_a_wish_is_added_for_a_building_and_its_number_printed_first(gridbot, seeded):
    output = ok(gridbot("wishes", "add", "--scope", BUILDING, "--text", TEXT))
    assert output.splitlines()[0] == "W2611220001" and "阳光花园3号楼" in output and "由该网格的网格员跟进确认" in output
    added = wish_row(seeded, "W2611220001")
    assert (added.compound, added.text, added.status, added.posted_by_staff_id) == ("阳光花园", TEXT, "open", None)
    community = ok(gridbot("wishes", "add", "--scope", "幸福里社区", "--text", "社区活动室需要人帮忙整理图书"))
    assert community.startswith("W2611220002\n") and "由社区操作员跟进确认" in community  # no grid's member hears
    assert wish_row(seeded, "W2611220002").grid_id is None


@pytest.mark.parametrize("scope", ["阳光花园·3号楼", "阳光花园/3号楼", "3号楼"])
def test_a_building_named_with_its_compound_or_alone_is_found_as_the_consoles_wish_form_finds_it(gridbot, seeded,
                                                                                                  scope):
    code = ok(gridbot("wishes", "add", "--scope", scope, "--text", TEXT)).splitlines()[0]
    added = wish_row(seeded, code)
    assert (added.compound, added.building_id is not None) == ("阳光花园", True)
    assert code in ok(gridbot("wishes", "list", "--scope", scope))  # and listed under the place so written


def test_a_wish_for_a_compound_named_alone_keeps_its_compound_and_lists_under_it(gridbot, seeded):
    code = ok(gridbot("wishes", "add", "--scope", "阳光花园", "--text", "小区花坛想请人帮忙补种")).splitlines()[0]
    added = wish_row(seeded, code)
    assert (added.compound, added.grid_id, added.building_id) == ("阳光花园", None, None)
    ok(gridbot("wishes", "add", "--scope", "幸福里社区", "--text", "社区活动室需要人帮忙整理图书"))
    listed = ok(gridbot("wishes", "list", "--scope", "阳光花园"))
    assert code in listed and "整理图书" not in listed


def test_a_compounds_wish_is_named_with_its_community_where_the_list_spans_several(gridbot, seeded):
    # A street's list read 阳光花园 and 和平小区 alone: two communities may each have a 小区 of a name.
    sunny = ok(gridbot("wishes", "add", "--scope", "阳光花园", "--text", "小区花坛想请人帮忙补种")).splitlines()[0]
    peace = ok(gridbot("wishes", "add", "--scope", "和平小区", "--text", "小区长椅想请人刷漆")).splitlines()[0]
    for scope in ((), ("--scope", "幸福街道")):
        listed = ok(gridbot("wishes", "list", *scope))
        assert f"{sunny}｜幸福里社区·阳光花园｜" in listed and f"{peace}｜和平社区·和平小区｜" in listed
    assert f"{sunny}｜阳光花园｜" in ok(gridbot("wishes", "list", "--scope", "幸福里社区"))


@pytest.mark.parametrize(("scope", "text", "says"), [
    ("幸福街道", TEXT, "微心愿要落在一个社区里"),
    ("全部", TEXT, "微心愿要落在一个社区里"),
    ("幸福里社区/第一网格/阳光花园/9号楼", TEXT, "9号楼"),
    (BUILDING, "  ", "心愿内容是空的"),
    (BUILDING, "帮" * 201, "最多 200 字，现在有 201 字"),
])
def test_a_wish_that_cannot_be_placed_or_is_empty_or_too_long_is_refused(gridbot, seeded, scope, text, says):
    assert says in refused(gridbot("wishes", "add", "--scope", scope, "--text", text))
    with seeded.transaction() as session:
        assert session.scalar(select(Wish.id)) is None


@pytest.mark.parametrize("scope", ["阳光花园·9号楼", "幸福里社区/第九网格"])
def test_a_scope_naming_nothing_is_explained_with_the_forms_a_wish_takes(gridbot, seeded, scope):
    says = refused(gridbot("wishes", "add", "--scope", scope, "--text", TEXT))

    assert "没有找到" in says and f"范围写法：{wishes_texts.SCOPE_FORMS}。" in says
    assert "全部" not in says  # a notice's form: a wish refuses it


def test_the_list_shows_open_wishes_who_took_them_and_json_for_scripts(gridbot, seeded, wechat):
    ok(gridbot("wishes", "add", "--scope", BUILDING, "--text", TEXT))
    ok(gridbot("wishes", "add", "--scope", "幸福里社区/第二网格", "--text", "锦绣家园的张爷爷想请人读报"))
    assert "领单成功" in wechat.send(VOLUNTEER, "领单 W2611220001")
    listed = ok(gridbot("wishes", "list"))
    assert listed.startswith("进行中的微心愿 2 条") and "W2611220001｜阳光花园3号楼｜已领取，领单：周敏" in listed
    assert "W2611220002｜幸福里社区·第二网格｜待领取" in listed
    only = ok(gridbot("wishes", "list", "--scope", "幸福里社区/第二网格"))
    assert "W2611220002" in only and "W2611220001" not in only
    assert "W2611220001" in ok(gridbot("wishes", "list", "--scope", "幸福里社区/第一网格/阳光花园"))
    assert "2 条" in ok(gridbot("wishes", "list", "--scope", "幸福街道"))
    assert ok(gridbot("wishes", "list", "--scope", "和平社区")).strip() == wishes_texts.NONE[False]
    rows = json.loads(ok(gridbot("wishes", "list", "--json")))
    assert [(row["number"], row["status"], row["volunteer"]) for row in rows] == [
        ("W2611220002", "open", None), ("W2611220001", "claimed", "周敏")]


def test_a_wish_of_another_year_is_listed_with_its_year(gridbot, seeded):
    ok(gridbot("wishes", "add", "--scope", BUILDING, "--text", TEXT))
    with seeded.transaction() as session:
        session.scalars(select(Wish)).one().created_at = datetime(2025, 11, 20, 9, 0, tzinfo=LOCAL_ZONE)

    assert "｜2025-11-20 09:00" in ok(gridbot("wishes", "list"))


def test_cancelling_a_taken_wish_lets_the_volunteer_go_and_tells_them(gridbot, seeded, wechat):
    ok(gridbot("wishes", "add", "--scope", BUILDING, "--text", TEXT))
    wechat.send(VOLUNTEER, "领单 W2611220001")
    assert "已领单的志愿者周敏会收到通知" in ok(gridbot("wishes", "cancel", "w2611220001"))
    assert wish_row(seeded, "W2611220001").status == WishStatus.CANCELLED
    with seeded.transaction() as session:
        claim = session.scalars(select(VolunteerClaim)).one()
        assert (claim.status, claim.task_key) == (ClaimStatus.RELEASED, None)
    assert notices(seeded, "staff_wish_cancelled") == [VOLUNTEER]
    assert ok(gridbot("wishes", "list")).strip() == wishes_texts.NONE[False]
    assert "已取消" in ok(gridbot("wishes", "list", "--all"))
    assert refused(gridbot("wishes", "cancel", "W2611220001")) == wishes_texts.CLOSED.format(code="W2611220001")
    assert refused(gridbot("wishes", "cancel", "W2611229999")) == wishes_texts.NOT_FOUND.format(code="W2611229999")
    assert "已经办完、已被取消" in wechat.send(PARTY_MEMBER, "领单 W2611220001")


@pytest.mark.parametrize("task", ["wish", "appeal"])
def test_two_volunteers_claiming_at_the_same_moment_exactly_one_wins(gridbot, seeded, wechat, clock, task):
    if task == "wish":
        code = ok(gridbot("wishes", "add", "--scope", BUILDING, "--text", TEXT)).splitlines()[0]
    else:
        code = file_and_dispatch(wechat, seeded, clock, "家里独居老人需要有人上门陪伴")
    taxonomy = load_taxonomy()
    barrier = threading.Barrier(2)

    def claim(openid):
        barrier.wait()
        try:
            with seeded.transaction() as session:
                member = session.scalars(select(Staff).where(Staff.openid == openid)).one()
                volunteer_claims.claim(session, member, code, taxonomy, clock())
                return "won"
        except volunteer_claims.TakenByOther:
            return "lost"

    with ThreadPoolExecutor(2) as pool:
        assert sorted(pool.map(claim, [VOLUNTEER, PARTY_MEMBER])) == ["lost", "won"]
    with seeded.transaction() as session:
        claims = session.scalars(select(VolunteerClaim)).all()
        assert len(claims) == 1 and claims[0].status == ClaimStatus.CLAIMED
        if task == "wish":
            assert session.scalars(select(Wish.status)).one() == WishStatus.CLAIMED
    assert len(notices(seeded, "staff_volunteer_claimed", code)) >= 1


def test_the_json_list_gives_when_a_wish_was_posted_in_beijing_time(gridbot, seeded, clock):
    clock.advance(hours=14, minutes=10)  # 00:10 on 23 November in Beijing, still the 22nd in UTC
    ok(gridbot("wishes", "add", "--scope", BUILDING, "--text", TEXT))

    [row] = json.loads(ok(gridbot("wishes", "list", "--json")))

    assert row["number"] == "W2611230001" and row["created_at"] == "2026-11-23T00:10:00+08:00"


def test_cancelling_a_wish_a_grid_member_posted_tells_them(gridbot, seeded, wechat):
    code = wechat.send(ZHANG, f"发布心愿 {TEXT}").split("编号 ")[1][:11]
    wechat.send(VOLUNTEER, f"领单 {code}")
    assert ok(gridbot("wishes", "cancel", code)).strip().endswith("已领单的志愿者周敏会收到通知。发布人张伟会收到通知。")
    assert notices(seeded, "staff_wish_withdrawn") == [ZHANG]
    told = worded(seeded, "staff_wish_withdrawn", ZHANG)[-1]
    assert told == f"【微心愿取消】您发布的微心愿 {code}（{TEXT}）已由社区工作人员取消，领单的志愿者周敏已收到通知，无需再跟进。"
