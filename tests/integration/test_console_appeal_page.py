"""One appeal's console page: its photos behind signed links, its location's map link, the appeals merged into it,
the resident's other appeals within the operator's scope (contact numbers masked), and its focus case."""

from datetime import datetime

import pytest
from sqlalchemy import select

from bot.web.app import create_app
from handlers.resident_texts import LOCAL_ZONE
from storage import media_files
from storage.models import (
    Appeal,
    AppealStatus,
    Attachment,
    Community,
    FocusCase,
    FocusCaseAppeal,
    Grid,
    Resident,
    Staff,
    StaffRole,
)
from tests.support.console import cast, logged_in, new_appeal
from tests.support.street import FIRST, HEPING, SECOND, XINGFULI

pytestmark = pytest.mark.postgres


def grid_of(session, community, grid):
    return session.scalars(select(Grid.id).join(Community, Community.id == Grid.community_id)
                           .where(Community.name == community, Grid.name == grid)).one()


@pytest.fixture
def app(runtime, settings, clock):
    runtime.database.session_info[media_files.LINKS_KEY] = settings.media_links(clock)  # as open_database sets it
    now = clock()
    cast(runtime.database, now)
    with runtime.database.transaction() as session:
        here, there = grid_of(session, XINGFULI, SECOND), grid_of(session, HEPING, FIRST)
        resident = Resident(openid="o-page-resident-0001", grid_id=here, created_at=now, phone="13900002222",
                            door="3号楼2单元501")
        neighbour = Resident(openid="o-page-neighbour-0002", grid_id=here, created_at=now)
        session.add_all([resident, neighbour])
        session.flush()
        session.add_all([
            new_appeal("P-MAIN", here, now, resident_id=resident.id),
            new_appeal("P-EARLIER", here, now, resident_id=resident.id, content="上次反映的噪音，电话 13900001111"),
            new_appeal("P-ELSEWHERE", there, now, resident_id=resident.id, content="和平社区那边的事"),
            new_appeal("P-NEIGHBOUR", here, now, resident_id=neighbour.id, content="同一处垃圾"),
        ])
        session.flush()
        main_id = appeal_id(session, "P-MAIN")
        session.add_all([
            Attachment(resident_id=resident.id, appeal_id=main_id, kind="image", media_id="m1", created_at=now,
                       downloaded_at=now, sha256="a" * 64),
            Attachment(resident_id=resident.id, appeal_id=main_id, kind="location", latitude=39.9, longitude=116.4,
                       label="幸福里3号楼", created_at=now),
        ])
        case = FocusCase(code="J20261122001", scope_kind="grid", scope_ref=f"grid:{here}", scope_label="第二网格",
                         grid_id=here, key_kind="category", key="市容环境", status="open", opened_at=now)
        session.add(case)
        session.flush()
        session.add(FocusCaseAppeal(case_id=case.id, appeal_id=main_id, linked_at=now))
    return create_app(runtime=runtime)


def appeal_id(session, ticket):
    return session.scalars(select(Appeal.id).where(Appeal.ticket == ticket)).one()


def page_of(app, username, ticket="P-MAIN"):
    response = logged_in(app, username).get(f"/console/appeals/{ticket}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_page_links_the_photo_signed_and_the_location_on_a_map(app):
    page = page_of(app, "xingfuli")
    material = page[page.index('id="appeal-material"'):page.index("</dd>", page.index('id="appeal-material"'))]
    assert "/media/" in material and "照片1" in material
    assert "116.4" in material and "位置1" in material


def test_the_residents_other_appeals_are_those_in_scope_with_numbers_masked(app):
    others = page_of(app, "xingfuli").split('id="appeal-others"', 1)[1].split("</ul>", 1)[0]
    assert "P-EARLIER" in others and "P-ELSEWHERE" not in others
    assert "13900001111" not in others and "139****1111" in others
    street = page_of(app, "street").split('id="appeal-others"', 1)[1].split("</ul>", 1)[0]
    assert "P-EARLIER" in street and "P-ELSEWHERE" in street


def test_the_page_shows_the_phone_and_the_door_the_resident_left_masked(app):
    page = page_of(app, "xingfuli")
    contact = page[page.index('id="appeal-contact"'):page.index("</dd>", page.index('id="appeal-contact"'))]
    assert "电话 139****2222" in contact and "门牌 3号楼2单元***" in contact
    assert "13900002222" not in page and "501" not in contact


def test_a_reports_other_appeals_are_named_as_its_reporters_not_the_neighbours(app, runtime, clock):
    with runtime.database.transaction() as session:
        here = grid_of(session, XINGFULI, SECOND)
        lead = Staff(openid="o-page-lead-0003", name="赵阿姨", role=StaffRole.BUILDING_LEAD, grid_id=here,
                     active=True, created_at=clock())
        home = Resident(openid="o-page-lead-0003", grid_id=here, created_at=clock())
        session.add_all([lead, home])
        session.flush()
        for ticket, words in (("P-FOR-WANG", "王奶奶家水管漏水"), ("P-FOR-LI", "李爷爷家门口堆满杂物")):
            session.add(new_appeal(ticket, here, clock(), resident_id=home.id, reporter_staff_id=lead.id,
                                   channel="building_lead", content=words))
    page = page_of(app, "xingfuli", "P-FOR-WANG")
    start = page.index('id="appeal-others-heading"')
    heading = page[start:page.index("</h2>", start)]
    assert "代报人 赵阿姨 提交和代报的其他诉求" in heading and "该居民" not in heading
    assert "P-FOR-LI" in page.split('id="appeal-others"', 1)[1].split("</ul>", 1)[0]
    assert "该居民的其他诉求" in page_of(app, "xingfuli")  # a resident's own appeal: their other appeals


def test_the_page_names_the_focus_case(app):
    page = page_of(app, "admin")
    focus = page[page.index('id="appeal-focus"'):page.index("</dd>", page.index('id="appeal-focus"'))]
    assert "J20261122001" in focus and "进行中" in focus


def test_an_appeal_merged_into_this_one_is_listed(app):
    person = logged_in(app, "admin")
    response = person.client.post("/console/appeals/P-NEIGHBOUR/merge",
                           data={"into": "P-MAIN", "csrf_token": person.token("/console/")})
    assert response.status_code == 302
    page = person.get("/console/appeals/P-MAIN").get_data(as_text=True)
    assert "P-NEIGHBOUR" in page[page.index('id="appeal-followers"'):page.index("</dd>", page.index('id="appeal-followers"'))]


def appeal_clock(person, ticket):
    page = person.get(f"/console/appeals/{ticket}").get_data(as_text=True)
    start = page.index('id="appeal-clock">') + len('id="appeal-clock">')
    return page[start:page.index("</dd>", start)]


def test_a_deadline_at_midnight_is_the_end_of_its_day_and_one_of_another_year_says_its_year(app, runtime):
    person = logged_in(app, "admin")
    with runtime.database.transaction() as session:  # a working-day limit that began on a holiday ends at midnight
        session.scalars(select(Appeal).where(Appeal.ticket == "P-MAIN")).one().response_due_at = \
            datetime(2026, 11, 23, tzinfo=LOCAL_ZONE)
    assert appeal_clock(person, "P-MAIN").endswith("（截止 11月22日 24:00）")  # as the chat's cards say
    with runtime.database.transaction() as session:
        session.scalars(select(Appeal).where(Appeal.ticket == "P-MAIN")).one().response_due_at = \
            datetime(2026, 1, 1, tzinfo=LOCAL_ZONE)
    assert appeal_clock(person, "P-MAIN").endswith("（截止 2025年12月31日 24:00）")


def test_the_page_says_how_late_the_appeal_is_as_appeals_show_does(app, runtime, clock):
    clock.advance(hours=5)  # P-MAIN waits for a claim that was due when it was filed (10:00, Beijing time)
    person = logged_in(app, "admin")
    page = person.get("/console/appeals/P-MAIN").get_data(as_text=True)
    start = page.index('id="appeal-clock">') + len('id="appeal-clock">')
    assert page[start:page.index("</dd>", start)] == "接单已超时5小时（截止 11月22日 10:00）"
    with runtime.database.transaction() as session:
        session.scalars(select(Appeal).where(Appeal.ticket == "P-EARLIER")).one().status = AppealStatus.CLOSED
    assert 'id="appeal-clock"' not in person.get("/console/appeals/P-EARLIER").get_data(as_text=True)  # no clock runs
