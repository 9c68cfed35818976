"""党建与志愿 in the console (issue 14) through Flask's client: every role sees the enrolments, the roll and the
微心愿 of its own scope only; 确认 and 不予确认 tell the applicant and a second click is harmless; a wish is posted
for a place of the scope (anything else refused, nothing written) and cancelled, its volunteer told; an enrolment or
a wish outside the scope is a 404 and stays as it was; a POST without the token changes nothing; the month's 积分
of the scope (net and balance per person, any month, and its CSV with the CLI report's columns)."""

import csv
import io
import re
from datetime import timedelta
from urllib.parse import quote

import pytest
from sqlalchemy import select

from bot.web.app import create_app
from bot.web.runtime import Runtime
from storage import enrolments, points, wishes
from storage.models import Community, Enrolment, EnrolmentStatus, Grid, Resident, Staff, StaffRole, Wish, WishStatus
from storage.points import Source
from tests.support.console import ACCOUNTS, cast, logged_in
from tests.support.database import notices, staff_id, worded
from tests.support.personas import BUILDING_LEAD, CHEN, HEPING_RESIDENT, PARTY_MEMBER, RESIDENT, VOLUNTEER, ZHANG

pytestmark = pytest.mark.postgres

USERNAMES = sorted(ACCOUNTS)
# Whose enrolment each account sees: 刘芳 waits in 幸福里社区, 王芳 in 和平社区 (same street).
SEES_ENROLMENT = {"admin": {"刘芳", "王芳"}, "street": {"刘芳", "王芳"}, "xingfuli": {"刘芳"}}


@pytest.fixture
def app(settings, seeded, clock, redis_client, fake_wechat):
    cast(seeded, clock())
    configured = settings.with_(wechat_api_base_url=fake_wechat.url)
    return create_app(runtime=Runtime(configured, clock=clock, database=seeded))


@pytest.fixture
def waiting(seeded, clock):
    """刘芳 (o1, 幸福里社区) asks to be a 党员, 王芳 (o2, 和平社区) a 志愿者: name -> enrolment id."""
    made = {}
    with seeded.transaction() as session:
        for openid, name, role, organisation in ((RESIDENT, "刘芳", StaffRole.PARTY_MEMBER, "市税务局第二党支部"),
                                                 (HEPING_RESIDENT, "王芳", StaffRole.VOLUNTEER, None)):
            resident = session.scalars(select(Resident).where(Resident.openid == openid)).one()
            made[name] = enrolments.request(session, resident, role, name, organisation, clock()).id
    return made


def token(person):
    return person.token("/console/community")


def status_of(seeded, enrolment_id):
    with seeded.transaction() as session:
        return session.get_one(Enrolment, enrolment_id).status


@pytest.mark.parametrize("username", USERNAMES)
def test_each_role_sees_the_enrolments_of_its_scope(app, waiting, username):
    page = logged_in(app, username).get("/console/community").get_data(as_text=True)

    for name, enrolment_id in waiting.items():
        assert (f'id="enrolment-{enrolment_id}"' in page) == (name in SEES_ENROLMENT[username]), name
    assert 'id="nav-community"' in page


def test_the_waiting_line_names_what_is_asked_and_where(app, waiting):
    page = logged_in(app, "xingfuli").get("/console/community").get_data(as_text=True)

    row = page.split(f'id="enrolment-{waiting["刘芳"]}"', 1)[1].split("</tr>", 1)[0]
    for shown in ("刘芳", "党员报到", "市税务局第二党支部", "幸福里社区", "阳光花园 3号楼 1单元"):
        assert shown in row, shown
    # o1 standing alone: a random CSRF token may well hold the two characters
    assert re.search(rf"(?<![\w-]){RESIDENT}(?![\w-])", page) is None


def test_declining_takes_a_second_tap_that_says_the_applicant_is_told(app, waiting):
    """On a phone 不予确认 sat a few pixels from 确认: one mis-tap told a party member no, and could not be undone."""
    page = logged_in(app, "xingfuli").get("/console/community").get_data(as_text=True)
    number = waiting["刘芳"]

    row = page.split(f'id="enrolment-{number}"', 1)[1].split("</tr>", 1)[0]
    question = row.split('<details class="confirm-first"><summary>不予确认</summary>', 1)[1]
    assert f'action="/console/community/enrolments/{number}/decline"' in question
    assert f'id="decline-enrolment-{number}">确认不予确认 刘芳（会通知本人' in question
    assert "/decline" not in row.split("<details", 1)[0]  # 确认 alone is one tap


def test_confirm_makes_the_member_tells_them_and_a_second_click_is_harmless(app, seeded, waiting):
    person = logged_in(app, "xingfuli")
    number = waiting["刘芳"]

    done = person.client.post(f"/console/community/enrolments/{number}/confirm",
                              data={"csrf_token": token(person)}, follow_redirects=True)
    assert done.status_code == 200
    page = done.get_data(as_text=True)
    assert f"已确认 刘芳 为党员（编号 {number}）" in page and f'id="enrolment-{number}"' not in page
    with seeded.transaction() as session:
        made = session.scalars(select(Staff).where(Staff.openid == RESIDENT)).one()
    assert made.role == StaffRole.PARTY_MEMBER and f'id="member-{made.id}"' in page
    assert len(worded(seeded, "staff_member_confirmed", RESIDENT)) == 1

    again = person.client.post(f"/console/community/enrolments/{number}/confirm",
                               data={"csrf_token": token(person)}, follow_redirects=True)
    assert "已经确认为党员，无需再次确认" in again.get_data(as_text=True)
    assert len(worded(seeded, "staff_member_confirmed", RESIDENT)) == 1
    refused = person.client.post(f"/console/community/enrolments/{number}/decline",
                                 data={"csrf_token": token(person)}, follow_redirects=True)
    assert "已经确认，不能再不予确认" in refused.get_data(as_text=True)
    assert status_of(seeded, number) == EnrolmentStatus.CONFIRMED


def test_decline_tells_the_applicant_and_makes_no_member(app, seeded, waiting):
    person = logged_in(app, "street")
    number = waiting["王芳"]

    page = person.client.post(f"/console/community/enrolments/{number}/decline",
                              data={"csrf_token": token(person)}, follow_redirects=True).get_data(as_text=True)
    assert f"已不予确认 王芳 的志愿者报名（编号 {number}）" in page
    assert status_of(seeded, number) == EnrolmentStatus.DECLINED
    assert len(worded(seeded, "staff_enrolment_declined", HEPING_RESIDENT)) == 1
    with seeded.transaction() as session:
        assert session.scalars(select(Staff).where(Staff.openid == HEPING_RESIDENT)).first() is None
    again = person.client.post(f"/console/community/enrolments/{number}/decline",
                               data={"csrf_token": token(person)}, follow_redirects=True).get_data(as_text=True)
    assert "没有改动" in again and len(worded(seeded, "staff_enrolment_declined", HEPING_RESIDENT)) == 1
    late = person.client.post(f"/console/community/enrolments/{number}/confirm",
                              data={"csrf_token": token(person)}, follow_redirects=True).get_data(as_text=True)
    assert "已不予确认或已由本人撤回，不能再确认" in late and status_of(seeded, number) == EnrolmentStatus.DECLINED


@pytest.mark.parametrize("action", ["confirm", "decline"])
def test_an_enrolment_of_another_community_is_not_found_and_stays_waiting(app, seeded, waiting, action):
    person = logged_in(app, "xingfuli")
    number = waiting["王芳"]

    answer = person.client.post(f"/console/community/enrolments/{number}/{action}",
                                data={"csrf_token": token(person)})
    assert answer.status_code == 404
    assert status_of(seeded, number) == EnrolmentStatus.PENDING
    assert worded(seeded, "staff_enrolment_declined", HEPING_RESIDENT) == []


def test_a_post_without_the_token_changes_nothing(app, seeded, waiting):
    person = logged_in(app, "admin")

    answer = person.client.post(f"/console/community/enrolments/{waiting['刘芳']}/confirm", data={})
    assert answer.status_code == 400
    assert status_of(seeded, waiting["刘芳"]) == EnrolmentStatus.PENDING


@pytest.mark.parametrize("username", USERNAMES)
def test_the_roll_shows_the_members_of_the_scope_without_openids(app, username):
    page = logged_in(app, username).get("/console/community").get_data(as_text=True)

    roll = page.split('id="member-list"', 1)[1].split("</table>", 1)[0]
    for shown in ("陈明", "党员", "阳光花园 2号楼 1单元", "市税务局第二党支部", "周敏", "志愿者", "赵阿姨", "楼长"):
        assert shown in roll, shown
    assert "孙丽" not in roll and "张伟" not in roll  # grid staff are on the staff page
    assert not any(openid in page for openid in (PARTY_MEMBER, VOLUNTEER, BUILDING_LEAD))


def test_a_volunteer_who_left_is_disabled_from_the_roll_and_their_task_is_open_again(app, seeded, wechat, posted):
    code = posted["幸福里"]
    assert "领单成功" in wechat.send(VOLUNTEER, f"领单 {code}")
    person = logged_in(app, "xingfuli")
    volunteer = staff_id(seeded, VOLUNTEER)
    row = person.get("/console/community").get_data(as_text=True).split(f'id="member-{volunteer}"', 1)[1]
    assert row.index("<summary>停用</summary>") < row.index(f'id="disable-member-{volunteer}"')  # two taps
    answer = person.client.post(f"/console/staff/{volunteer}/disable", data={"csrf_token": token(person),
                                                                          "back": "community"})
    assert answer.status_code == 302 and answer.headers["Location"].endswith("/console/community#members")
    page = person.get("/console/community").get_data(as_text=True)
    assert "已停用 周敏" in page and f'id="member-{volunteer}"' not in page
    with seeded.transaction() as session:
        assert session.scalars(select(Wish).where(Wish.code == code)).one().status == WishStatus.OPEN


def test_a_member_of_another_community_is_not_on_the_roll(app, waiting):
    street = logged_in(app, "street")
    street.client.post(f"/console/community/enrolments/{waiting['王芳']}/confirm", data={"csrf_token": token(street)})

    def roll(person):
        return person.get("/console/community").get_data(as_text=True).split('id="member-list"', 1)[1]
    assert "王芳" in roll(street) and "和平小区 1栋 2单元" in roll(street)
    assert "王芳" not in roll(logged_in(app, "xingfuli"))


def test_a_community_with_no_members_says_so(app, seeded):
    with seeded.transaction() as session:
        for member in session.scalars(select(Staff).where(Staff.role.in_(
                (StaffRole.PARTY_MEMBER, StaffRole.VOLUNTEER, StaffRole.BUILDING_LEAD)))):
            member.active = False
    page = logged_in(app, "xingfuli").get("/console/community").get_data(as_text=True)

    assert 'id="members-none"' in page and 'id="enrolments-none"' in page


# --- 微心愿 ------------------------------------------------------------------------------------------------------

BUILDING = "幸福里社区/第一网格/阳光花园/3号楼"
SEES_WISH = {"admin": {"幸福里", "和平", "平安"}, "street": {"幸福里", "和平"}, "xingfuli": {"幸福里"}}


def place_id(seeded, community, grid=None):
    with seeded.transaction() as session:
        if grid is None:
            return session.scalars(select(Community.id).where(Community.name == community)).one()
        return session.scalars(select(Grid.id).join(Community, Community.id == Grid.community_id)
                               .where(Community.name == community, Grid.name == grid)).one()


@pytest.fixture
def posted(seeded, clock):
    """A wish in each of 幸福里社区, 和平社区 and 平安社区 (another street): community word -> its code."""
    made = {}
    with seeded.transaction() as session:
        for word, community in (("幸福里", "幸福里社区"), ("和平", "和平社区"), ("平安", "平安社区")):
            community_id = session.scalars(select(Community.id).where(Community.name == community)).one()
            made[word] = wishes.post(session, wishes.Place(community_id), f"{word}的老人想请人读报", clock()).code
    return made


def wish_form(person, **fields):
    return person.client.post("/console/community/wishes", data={**fields, "csrf_token": token(person)})


def wish_count(seeded):
    with seeded.transaction() as session:
        return len(session.scalars(select(Wish.id)).all())


@pytest.mark.parametrize("username", USERNAMES)
def test_each_role_sees_the_wishes_of_its_scope(app, posted, username):
    page = logged_in(app, username).get("/console/community").get_data(as_text=True)

    for word, code in posted.items():
        assert (f'id="wish-{code}"' in page) == (word in SEES_WISH[username]), word


def test_a_wish_is_posted_for_a_grid_or_a_typed_place_of_the_scope(app, seeded):
    person = logged_in(app, "xingfuli")

    done = wish_form(person, place=f"grid:{place_id(seeded, '幸福里社区', '第二网格')}", text="锦绣家园的张爷爷想请人读报")
    assert done.status_code == 302
    page = person.get("/console/community").get_data(as_text=True)
    assert "已发布（幸福里社区·第二网格）" in page and "锦绣家园的张爷爷想请人读报" in page
    assert wish_form(person, path=BUILDING, text="李奶奶想请人换灯泡").status_code == 302
    with seeded.transaction() as session:
        typed = session.scalars(select(Wish).where(Wish.text == "李奶奶想请人换灯泡")).one()
        assert (typed.compound, typed.status, typed.posted_by_staff_id) == ("阳光花园", WishStatus.OPEN, None)
    assert "阳光花园3号楼" in person.get("/console/community").get_data(as_text=True)


def test_a_grid_typed_alone_is_the_one_within_the_scope(app, seeded):
    person = logged_in(app, "xingfuli")  # 和平社区 has a 第一网格 too

    assert wish_form(person, path="第一网格", text="刘奶奶想请人读报").status_code == 302
    with seeded.transaction() as session:
        grid_id = session.scalars(select(Wish.grid_id).where(Wish.text == "刘奶奶想请人读报")).one()
    assert grid_id == place_id(seeded, "幸福里社区", "第一网格")


@pytest.mark.parametrize(("fields", "says"), [
    ({"place": "community:HEPING", "text": "和平的老人想请人读报"}, "管辖范围内"),
    ({"place": "grid:999999", "text": "读报"}, "管辖范围内"),
    ({"path": "和平社区/第一网格", "text": "读报"}, "管辖范围内"),
    ({"path": "幸福街道", "text": "读报"}, "微心愿要落在一个社区里"),
    ({"path": "幸福里社区/第一网格/阳光花园/9号楼", "text": "读报"}, "9号楼"),
    ({"place": "community:XINGFULI", "text": "   "}, "心愿内容是空的"),
    ({"place": "community:XINGFULI", "text": "帮" * 201}, "最多 200 字，现在有 201 字"),
    ({"text": "读报"}, "管辖范围内"),
])
def test_a_wish_outside_the_scope_or_without_words_is_refused_and_nothing_written(app, seeded, fields, says):
    ids = {"HEPING": place_id(seeded, "和平社区"), "XINGFULI": place_id(seeded, "幸福里社区")}
    if "place" in fields:
        kind, _, name = fields["place"].partition(":")
        fields = {**fields, "place": f"{kind}:{ids.get(name, name)}"}
    person = logged_in(app, "xingfuli")

    answer = wish_form(person, **fields)
    assert answer.status_code == 409
    assert says in answer.get_data(as_text=True)
    assert wish_count(seeded) == 0
    if fields.get("text", "").strip():
        assert fields["text"][:50] in answer.get_data(as_text=True)  # what they typed is still in the form


def test_words_far_beyond_the_limit_are_refused_unread(app, seeded):
    person = logged_in(app, "xingfuli")

    answer = wish_form(person, place=f"community:{place_id(seeded, '幸福里社区')}", text="帮" * 5000)
    assert answer.status_code == 400 and "最多 200 字，现在有 5000 字" in answer.get_data(as_text=True)
    assert wish_count(seeded) == 0


def test_cancel_tells_the_volunteer_who_took_it_and_a_second_click_is_refused(app, seeded, wechat, posted):
    code = posted["幸福里"]
    assert "领单成功" in wechat.send(VOLUNTEER, f"领单 {code}")
    person = logged_in(app, "xingfuli")
    row = person.get("/console/community").get_data(as_text=True).split(f'id="wish-{code}"', 1)[1].split("</tr>")[0]
    assert "周敏" in row
    # Two taps: 取消 opens the question, the button in it cancels (a mis-tap on a phone must not tell the volunteer).
    assert row.index('<details class="confirm-first"><summary>取消</summary>') < row.index(
        f'<button type="submit">确定取消 {code}（已领取的志愿者和在聊天里发布它的人会收到通知）</button>')

    page = person.client.post(f"/console/community/wishes/{code}/cancel", data={"csrf_token": token(person)},
                              follow_redirects=True).get_data(as_text=True)
    assert f"微心愿 {code} 已取消。已领单的志愿者周敏会收到通知。" in page and f'id="wish-{code}"' not in page
    assert notices(seeded, "staff_wish_cancelled") == [VOLUNTEER]
    again = person.client.post(f"/console/community/wishes/{code}/cancel", data={"csrf_token": token(person)},
                               follow_redirects=True).get_data(as_text=True)
    assert "不能再取消" in again and notices(seeded, "staff_wish_cancelled") == [VOLUNTEER]


def test_a_wish_of_another_community_is_not_found_and_stays_open(app, seeded, posted):
    person = logged_in(app, "xingfuli")

    answer = person.client.post(f"/console/community/wishes/{posted['和平']}/cancel",
                                data={"csrf_token": token(person)})
    assert answer.status_code == 404
    with seeded.transaction() as session:
        assert session.scalars(select(Wish.status).where(Wish.code == posted["和平"])).one() == WishStatus.OPEN


def test_wish_posts_without_the_token_change_nothing(app, seeded, posted):
    person = logged_in(app, "admin")

    assert person.client.post("/console/community/wishes", data={"path": BUILDING, "text": "读报"}).status_code == 400
    assert person.client.post(f"/console/community/wishes/{posted['幸福里']}/cancel", data={}).status_code == 400
    assert wish_count(seeded) == 3
    with seeded.transaction() as session:
        assert set(session.scalars(select(Wish.status))) == {WishStatus.OPEN}


# --- 本月积分 ----------------------------------------------------------------------------------------------------

SEES_POINTS = {"admin": {"陈明", "张伟", "陈静"}, "street": {"陈明", "张伟", "陈静"}, "xingfuli": {"陈明", "张伟"}}


@pytest.fixture
def earned(seeded, clock, posted):
    """November (the clock's month): 陈明 (党员, 幸福里社区) 3 wishes done (15) then redeems 4; 张伟 (网格员) one 办结
    (2); 陈静 (和平社区) one (2). December: 陈明 one wish more (5). Returns the people's ids by name."""
    ids = {name: staff_id(seeded, openid) for name, openid in (("陈明", PARTY_MEMBER), ("张伟", ZHANG), ("陈静", CHEN))}
    with seeded.transaction() as session:
        community = session.get_one(Staff, ids["陈明"]).community_id
        made = [wishes.post(session, wishes.Place(community), f"第{number}件事", clock()) for number in range(5)]
        for wish in made[:3]:
            points.grant(session, ids["陈明"], "task_confirmed", Source(wish_id=wish.id), clock())
        points.grant(session, ids["张伟"], "resolved", Source(wish_id=made[3].id), clock())
        points.grant(session, ids["陈静"], "resolved", Source(wish_id=made[3].id), clock())
        points.redeem(session, ids["陈明"], 4, "兑换洗衣液一瓶", clock())
        points.grant(session, ids["陈明"], "task_confirmed", Source(wish_id=made[4].id), clock() + timedelta(days=10))
    return ids


def points_rows(page):
    """name -> (net, balance) of the page's 积分 table, and the total line's."""
    table = page.split('id="points-list"', 1)[1].split("</table>", 1)[0]
    found = {}
    for row in table.split("<tr")[2:]:
        cells = [cell.split(">", 1)[1].split("</td>", 1)[0] for cell in row.split("<td")[1:]]
        found[cells[0]] = (int(cells[4]), int(cells[5]))
    return found


@pytest.mark.parametrize("username", USERNAMES)
def test_the_months_points_show_the_seeded_figures_of_the_scope(app, earned, username):
    page = logged_in(app, username).get("/console/community").get_data(as_text=True)

    rows = points_rows(page)
    assert set(rows) - {"合计"} == SEES_POINTS[username]
    assert rows["陈明"] == (11, 11) and rows["张伟"] == (2, 2)
    assert rows["合计"] == ((13, 13) if username == "xingfuli" else (15, 15))
    assert 'value="2026-11"' in page


def test_a_month_not_begun_yet_is_refused_and_this_months_points_shown(app, earned):
    person = logged_in(app, "xingfuli")

    ahead = person.get("/console/community?month=2026-12").get_data(as_text=True)
    assert "2026-12 还没到（今天是 2026-11-22），下面是本月的积分。" in ahead
    assert points_rows(ahead)["陈明"] == (11, 11)
    download = person.get("/console/community/points.csv?month=2026-12")
    assert 'filename="points-2026-11.csv"' in download.headers["Content-Disposition"]


def test_another_month_carries_the_balance_and_a_bad_month_is_refused(app, earned, clock):
    clock.advance(days=10)  # 12月2日: December has begun
    person = logged_in(app, "xingfuli")

    december = points_rows(person.get("/console/community?month=2026-12").get_data(as_text=True))
    assert december["陈明"] == (5, 16) and december["张伟"] == (0, 2)
    empty = person.get("/console/community?month=2026-10").get_data(as_text=True)
    assert 'id="points-none"' in empty and "2026-10 范围内没有积分记录" in empty
    bad = person.get("/console/community?month=2026-13").get_data(as_text=True)
    assert "月份请写成 YYYY-MM" in bad and points_rows(bad)["陈明"] == (5, 16)  # this month's, December's


def test_the_csv_has_the_cli_reports_columns_within_the_scope(app, earned):
    answer = logged_in(app, "xingfuli").get("/console/community/points.csv?month=2026-11")

    assert answer.status_code == 200 and answer.mimetype == "text/csv"
    # Whose and which month, as the other downloads: a street's communities each save one, and each says whose.
    named = "积分-幸福里社区-2026-11.csv"
    assert answer.headers["Content-Disposition"] == (
        f"attachment; filename=\"points-2026-11.csv\"; filename*=UTF-8''{quote(named)}")
    text = answer.get_data(as_text=True)
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0][:5] == ["姓名", "角色", "地点", "街道", "领单任务完成"]
    assert rows[0][-4:] == ["撤销", "兑换", "本月净得", "月末余额"]
    assert rows[1][:2] == ["陈明", "党员"] and rows[1][3:5] == ["幸福街道", "15"]
    assert rows[1][-4:] == ["0", "-4", "11", "11"]
    assert [row[0] for row in rows[1:]] == ["陈明", "张伟", "合计"]


@pytest.fixture
def street_rules(tmp_path, monkeypatch, seeded, clock):
    """幸福街道 and 平安街道 each set task_confirmed their own way; 平安街道 has a volunteer, 孙平, with 7 points."""
    from storage import points_rules

    path = tmp_path / "points.toml"
    path.write_text(points_rules.SHIPPED.read_text(encoding="utf-8")
                    + '\n[street."幸福街道".task_confirmed]\npoints = 8\n'
                      '\n[street."平安街道".task_confirmed]\npoints = 7\nmonthly_cap = 70\n', encoding="utf-8")
    monkeypatch.setattr(points_rules, "_configured", [path])
    with seeded.transaction() as session:
        community = session.scalars(select(Community).where(Community.name == "平安社区")).one()
        grid = session.scalars(select(Grid).where(Grid.community_id == community.id)).one()
        volunteer = Staff(openid="o_pingan_volunteer", name="孙平", role=StaffRole.VOLUNTEER, grid_id=grid.id,
                          community_id=community.id, active=True, created_at=clock())
        session.add(volunteer)
        session.flush()
        wish = wishes.post(session, wishes.Place(community.id), "帮忙搬一下旧家具", clock())
        assert points.grant(session, volunteer.id, "task_confirmed", Source(wish_id=wish.id), clock()).amount == 7


def test_a_street_operator_reads_only_their_own_streets_rules_and_people(app, earned, street_rules):
    street = logged_in(app, "street").get("/console/community").get_data(as_text=True)
    own = "幸福街道有自己的积分规则：领单任务完成 +8 分（每月至多 100 分）；其余规则同全区。"
    other = "平安街道有自己的积分规则：领单任务完成 +7 分（每月至多 70 分）；其余规则同全区。"
    assert own in street and other not in street and "孙平" not in points_rows(street)
    everyone = logged_in(app, "admin").get("/console/community").get_data(as_text=True)
    assert own in everyone and other in everyone and points_rows(everyone)["孙平"] == (7, 7)
    assert "有自己的积分规则" not in logged_in(app, "street").get("/console/community?month=2026-10").get_data(
        as_text=True)
    answer = logged_in(app, "street").get("/console/community/points.csv?month=2026-11").get_data(as_text=True)
    assert "孙平" not in answer and "平安街道" not in answer
