"""党建与志愿 in the console (issue 14) through Flask's client: every role sees the enrolments and the roll of its
own scope only; 确认 and 不予确认 tell the applicant and a second click is harmless; an enrolment outside the scope
is a 404 and stays as it was; a POST without the token changes nothing."""

import pytest
from sqlalchemy import select

from bot.web.app import create_app
from bot.web.runtime import Runtime
from storage import enrolments
from storage.models import Enrolment, EnrolmentStatus, Resident, Staff, StaffRole
from tests.support.console import ACCOUNTS, cast, logged_in
from tests.support.database import worded
from tests.support.personas import BUILDING_LEAD, HEPING_RESIDENT, PARTY_MEMBER, RESIDENT, VOLUNTEER

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
    assert RESIDENT not in page


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
    assert "已不予确认，不能再确认" in late and status_of(seeded, number) == EnrolmentStatus.DECLINED


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
