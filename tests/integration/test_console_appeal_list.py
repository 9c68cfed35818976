"""The console's appeal list through Flask's client: each filter narrows the list within the operator's scope, the
next page keeps the filters, a filter that cannot be read is one Chinese line and lists nothing, and the CSV export
of a filtered list opens in Excel (BOM, Chinese headers) with contact numbers masked."""

from datetime import timedelta
from urllib.parse import quote

import pytest
from sqlalchemy import select

from bot.web.app import create_app
from bot.web.console import pages
from storage import org
from storage.models import AppealStatus, Community, Grid
from tests.support.console import browser, cast, logged_in, new_appeal, stylesheet
from tests.support.street import FIRST, HEPING, SECOND, XINGFULI

pytestmark = pytest.mark.postgres

# ticket -> (community, grid, fields); the cast adds G-XFL (幸福里·第二网格), G-HP (和平·第一网格), G-PA (平安街道).
MORE = {
    "F-VOICE": (XINGFULI, FIRST, {"channel": "voice", "content": "楼道灯坏了好几天"}),
    "F-PAUSED": (XINGFULI, FIRST, {"status": AppealStatus.PAUSED, "category": "物业服务", "content": "电梯等配件"}),
    "F-OLD": (XINGFULI, SECOND, {"status": AppealStatus.CLOSED, "days_ago": 40, "content": "去年的路灯"}),
    "F-100%": (HEPING, FIRST, {"content": "充电桩 100% 占满"}),
}


@pytest.fixture
def app(runtime, clock):
    now = clock()
    cast(runtime.database, now)
    with runtime.database.transaction() as session:
        for ticket, (community, grid, fields) in MORE.items():
            grid_id = session.scalars(select(Grid.id).join(Community, Community.id == Grid.community_id)
                                      .where(Community.name == community, Grid.name == grid)).one()
            values = dict(fields)
            filed = now - timedelta(days=values.pop("days_ago", 0))
            if values.get("status") == AppealStatus.PAUSED:
                values["paused_at"] = now
            session.add(new_appeal(ticket, grid_id, filed, updated_at=now, **values))
    return create_app(runtime=runtime)



def listed(person, query=""):
    response = person.get(f"/console/appeals?{query}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    return {ticket for ticket in ("G-XFL", "G-HP", "G-PA", "F-WIFI", "F-SUNNY", *MORE) if f'id="appeal-{ticket}"' in page}


@pytest.mark.parametrize(("query", "expected"), [
    ("", {"G-XFL", "G-HP", "F-VOICE", "F-PAUSED", "F-100%"}),
    ("status=all", {"G-XFL", "G-HP", "F-VOICE", "F-PAUSED", "F-OLD", "F-100%"}),
    ("status=closed", {"F-OLD"}),
    ("category=物业服务", {"F-PAUSED"}),
    ("where=和平社区", {"G-HP", "F-100%"}),
    (f"where={XINGFULI}·{FIRST}", {"F-VOICE", "F-PAUSED"}),
    (f"where={XINGFULI}%20{FIRST}", {"F-VOICE", "F-PAUSED"}),  # a phone's keyboard has no ·
    ("where=平安街道", set()),  # another street: the street operator's scope still holds
    ("channel=voice", {"F-VOICE"}),
    ("paused=1", {"F-PAUSED"}),
    ("unclaimed=1", {"G-XFL", "G-HP", "F-VOICE", "F-100%"}),
    ("overdue=1", {"G-XFL", "G-HP", "F-VOICE", "F-100%"}),
    ("q=路灯&status=all", {"F-OLD"}),
    ("q=100%", {"F-100%"}),  # a % is a character searched for, not a wildcard
    ("status=all&from=2000-01-01&to=2000-01-02", set()),
    ("queue=review", set()),
])
def test_each_filter_narrows_the_street_operators_list(app, clock, query, expected):
    assert listed(logged_in(app, "street"), query) == expected


def test_lapsed_appeals_have_a_status_of_their_own_and_withdrawn_lists_only_the_withdrawn(app, runtime, clock):
    from storage.appeals import Action
    from storage.models import Appeal, AppealEvent
    with runtime.database.transaction() as session:  # F-VOICE withdrawn; F-100% closed for the address never given
        rows = {a.ticket: a for a in session.scalars(select(Appeal).where(Appeal.ticket.in_(["F-VOICE", "F-100%"])))}
        for appeal in rows.values():
            appeal.status = AppealStatus.CANCELLED
        session.add(AppealEvent(appeal_id=rows["F-100%"].id, at=clock(), actor_kind="system", action=Action.LAPSED,
                                from_status=AppealStatus.AWAITING_ADDRESS, to_status=AppealStatus.CANCELLED))
    person = logged_in(app, "street")
    assert listed(person, "status=cancelled") == {"F-VOICE"}
    assert listed(person, "status=lapsed") == {"F-100%"}
    assert {"F-VOICE", "F-100%"} <= listed(person, "status=all")
    page = person.get("/console/appeals?status=lapsed").get_data(as_text=True)
    assert '<option value="lapsed" selected>居民一直未绑定住址，已自动关闭</option>' in page
    assert "诉求 · 居民一直未绑定住址，已自动关闭" in page


def test_a_date_range_counts_whole_days_in_beijing_time(app, clock):
    day = (clock() + timedelta(hours=8)).date()
    person = logged_in(app, "admin")
    assert listed(person, f"status=all&from={day}&to={day}") == {"G-XFL", "G-HP", "G-PA", "F-VOICE", "F-PAUSED",
                                                                 "F-100%"}
    old = day - timedelta(days=40)
    assert listed(person, f"status=all&from={old}&to={old}") == {"F-OLD"}


def test_days_of_resolving_list_what_was_resolved_then_whenever_it_was_filed(app, runtime, clock):
    from storage.models import Appeal

    day = (clock() + timedelta(hours=8)).date()
    with runtime.database.transaction() as session:  # F-OLD, filed 40 days ago, was resolved today and rated
        old = session.scalars(select(Appeal).where(Appeal.ticket == "F-OLD")).one()
        old.resolved_at = clock()
    person = logged_in(app, "street")

    assert listed(person, f"resolved_from={day}&resolved_to={day}") == {"F-OLD"}
    assert listed(person, f"status=all&from={day}&to={day}") == {"G-XFL", "G-HP", "F-VOICE", "F-PAUSED", "F-100%"}
    assert listed(person, f"resolved_to={day - timedelta(days=1)}") == set()
    page = person.get(f"/console/appeals?resolved_from={day}").get_data(as_text=True)
    assert "期间办结的" in page and f'id="filter-resolved-from" value="{day}"' in page
    export = person.get(f"/console/appeals.csv?resolved_from={day}&resolved_to={day}")
    name = f"诉求-幸福街道-期间办结的-办结{day}至{day}-{day:%Y%m%d}.csv"
    assert f"filename*=UTF-8''{quote(name)}" in export.headers["Content-Disposition"]
    assert f'filename="appeals-all-resolved-{day:%Y%m%d}-{day:%Y%m%d}-{day:%Y%m%d}.csv"' in \
        export.headers["Content-Disposition"]
    assert "F-OLD" in export.get_data(as_text=True)
    backwards = person.get(f"/console/appeals?resolved_from={day}&resolved_to={day - timedelta(days=1)}")
    assert "早于开始日期" in backwards.get_data(as_text=True)


def test_a_community_operator_cannot_widen_the_list_by_naming_another_place(app):
    person = logged_in(app, "xingfuli")
    assert listed(person, "where=和平社区") == set()
    assert listed(person, "where=幸福街道") == {"G-XFL", "F-VOICE", "F-PAUSED"}


def test_a_bare_grid_name_is_looked_for_in_the_operators_own_scope(app):
    assert listed(logged_in(app, "xingfuli"), f"where={FIRST}") == {"F-VOICE", "F-PAUSED"}
    # Both communities' 第一网格 lie in the street operator's scope: they are asked which, by both names.
    page = logged_in(app, "street").get(f"/console/appeals?where={FIRST}").get_data(as_text=True)
    assert "不止一处" in page and f"{XINGFULI}·{FIRST}" in page and f"{HEPING}·{FIRST}" in page


def test_a_compound_narrows_the_list_to_its_buildings_and_one_two_communities_share_is_asked_to_qualify(app, runtime,
                                                                                                        clock):
    with runtime.database.transaction() as session:
        grids = dict(session.execute(select(Community.name, Grid.id).join(Community, Community.id == Grid.community_id)
                                     .where(Grid.name == FIRST)).all())
        sunny = org.buildings_of(session, grids[XINGFULI], "阳光花园")[0]
        session.add(new_appeal("F-SUNNY", grids[XINGFULI], clock(), building_id=sunny.id))
    street, community = logged_in(app, "street"), logged_in(app, "xingfuli")

    assert listed(street, "where=阳光花园") == {"F-SUNNY"}  # not F-VOICE, of its grid with no address
    assert listed(community, "where=幸福里社区·阳光花园") == {"F-SUNNY"}
    with runtime.database.transaction() as session:  # 和平社区 gets a 阳光花园 too
        org.ensure_building(session, session.get_one(Grid, grids[HEPING]), "9号楼", "阳光花园")
    page = street.get("/console/appeals?where=阳光花园").get_data(as_text=True)
    assert "不止一处" in page and "幸福里社区·阳光花园" in page and "和平社区·阳光花园" in page
    assert listed(community, "where=阳光花园") == {"F-SUNNY"}  # the other community's lies outside her scope
    assert "请写街道、社区、网格或小区的名称" in street.get("/console/appeals?where=月亮花园").get_data(as_text=True)


@pytest.mark.parametrize("words", ["b座", "B座", "wifi", "WIFI"])
def test_the_text_search_finds_latin_letters_in_either_case_on_postgresql_as_on_sqlite(app, runtime, clock, words):
    """SQLite's LIKE ignores the case of Latin letters, PostgreSQL's did not: 'b座' found 'B座' only in the demo."""
    with runtime.database.transaction() as session:
        grid_id = session.scalars(select(Grid.id).join(Community, Community.id == Grid.community_id)
                                  .where(Community.name == HEPING, Grid.name == FIRST)).one()
        session.add(new_appeal("F-WIFI", grid_id, clock(), content="B座大堂的WiFi连不上"))
    assert listed(logged_in(app, "street"), f"q={words}") == {"F-WIFI"}


@pytest.mark.parametrize(("content", "words"), [
    ("Ｂ座大堂的ＷｉＦｉ连不上", "B座"),  # typed in full-width mode, searched for as the console normalises it
    ("Ｂ座大堂的ＷｉＦｉ连不上", "wifi"),
    ("Ｂ座大堂的ＷｉＦｉ连不上", "ｂ座"),
    ("３号楼１００％没水了", "3号楼100%"),
    ("B座大堂的WiFi连不上", "Ｂ座"),  # and the other way round
    ("楼上50㎡的空房子漏水", "50m2"),  # the forms NFKC takes as one, either way round
    ("楼上50m2的空房子漏水", "50㎡"),
    ("①号楼电梯坏了", "1号楼电梯"),
    ("1号楼电梯坏了", "①号楼"),
    ("㈠号通道堵了", "(一)号通道"),
])
def test_the_text_search_finds_letters_and_digits_typed_in_either_width(app, runtime, clock, content, words):
    """The console's search term is NFKC-normalised ('Ｂ座' → 'B座', '㎡' → 'm2'); residents' words are stored as
    typed and compared in NFKC too."""
    with runtime.database.transaction() as session:
        grid_id = session.scalars(select(Grid.id).join(Community, Community.id == Grid.community_id)
                                  .where(Community.name == HEPING, Grid.name == FIRST)).one()
        session.add(new_appeal("F-WIFI", grid_id, clock(), content=content))
    assert listed(logged_in(app, "street"), f"q={quote(words)}") == {"F-WIFI"}


@pytest.mark.parametrize(("query", "words"), [
    ("from=2026-13-01", "日历上没有 2026-13-01 这一天"),
    ("from=2026/03/01", "看不懂"),
    ("where=没有这个社区", "没有找到"),
    ("status=flying", "不认识这个状态"),
    ("channel=fax", "不认识这个渠道"),
    ("from=2026-12-31&to=2026-12-01", "结束日期（2026-12-01）早于开始日期（2026-12-31）"),
    ("q=" + "长" * 51, "太长"),
])
def test_a_filter_that_cannot_be_read_is_one_line_and_lists_nothing(app, query, words):
    page = logged_in(app, "admin").get(f"/console/appeals?{query}").get_data(as_text=True)
    assert 'id="filter-refusal"' in page and words in page
    assert 'id="appeal-' not in page


@pytest.mark.parametrize(("query", "heading"), [
    ("", "诉求 · 全部未办结"),
    ("status=all", "诉求 · 全部（含已办结）"),
    ("status=closed", "诉求 · 已评价完结"),
    ("status=closed&queue=overdue", "诉求 · 已超时"),  # another queue keeps its name; the status narrows it
])
def test_the_lists_heading_names_the_status_chosen_rather_than_unfinished(app, query, heading):
    page = logged_in(app, "street").get(f"/console/appeals?{query}").get_data(as_text=True)
    assert f"<h1>{heading}</h1>" in page


def test_each_line_says_how_its_clock_stands_as_appeals_list_does(app, clock):
    clock.advance(hours=3)  # the cast's appeals were due for a claim when filed
    page = logged_in(app, "street").get("/console/appeals?status=all").get_data(as_text=True)

    def clock_of(ticket):
        line = page[page.index(f'id="appeal-{ticket}"'):]
        return line[line.index('class="clock">') + len('class="clock">'):line.index("</td>", line.index('class="clock">'))]

    assert clock_of("G-XFL") == "接单已超时3小时"
    assert clock_of("F-PAUSED") == "—"  # paused: no clock runs
    assert clock_of("F-OLD") == "—"  # closed


def test_the_next_page_keeps_the_filters(app, monkeypatch):
    monkeypatch.setattr(pages, "PAGE_SIZE", 1)
    person = logged_in(app, "street")
    first = person.get("/console/appeals?where=和平社区").get_data(as_text=True)
    link = first[first.index('id="next-page" href="') + len('id="next-page" href="'):]
    link = link[:link.index('"')].replace("&amp;", "&")
    assert "where=" in link and "after=" in link
    assert listed(person, link.split("?", 1)[1]) == {"F-100%"}


@pytest.mark.parametrize("after", ["99999999999999999999999", "-99999999999999999999999", "9223372036854775808"])
def test_a_page_link_edited_beyond_any_id_starts_from_the_first_page(app, after):
    assert listed(logged_in(app, "street"), f"after={after}") == listed(logged_in(app, "street"))


# --- the CSV export ----------------------------------------------------------------------------------------------

def test_the_export_is_named_for_the_accounts_place_and_day(app):
    """Every account's export of a day was appeals-20261122.csv: the name now says whose list it is."""
    from urllib.parse import quote

    disposition = logged_in(app, "street").get("/console/appeals.csv?status=all").headers["Content-Disposition"]
    assert f"filename*=UTF-8''{quote('诉求-幸福街道-全部（含已办结）-20261122.csv')}" in disposition
    assert 'filename="appeals-all-20261122.csv"' in disposition


def test_the_export_is_named_for_the_place_status_category_and_days_filtered(app):
    """A street's export of one grid's resolved appeals of November was 诉求-幸福街道-20261122.csv, as its whole
    list's was: the name now says what the file holds."""
    from urllib.parse import quote

    person = logged_in(app, "street")
    asked = f"where={XINGFULI}·{FIRST}&status=resolved&from=2026-11-01&to=2026-11-20"
    disposition = person.get(f"/console/appeals.csv?{asked}").headers["Content-Disposition"]
    name = f"诉求-{XINGFULI}·{FIRST}-已办结-2026-11-01至2026-11-20-20261122.csv"
    assert f"filename*=UTF-8''{quote(name)}" in disposition
    assert 'filename="appeals-resolved-20261101-20261120-20261122.csv"' in disposition
    opened = person.get("/console/appeals.csv?where=和平社区&category=环境卫生&from=2026-11-01")
    name = "诉求-和平社区-全部未办结-环境卫生-2026-11-01起-20261122.csv"
    assert f"filename*=UTF-8''{quote(name)}" in opened.headers["Content-Disposition"]
    assert 'filename="appeals-open-20261101-20261122.csv"' in opened.headers["Content-Disposition"]


def test_the_export_is_the_filtered_list_as_csv_for_excel(app, monkeypatch):
    monkeypatch.setattr(pages, "EXPORT_PAGE", 2)  # several pages streamed into one file
    response = logged_in(app, "street").get("/console/appeals.csv?status=all")
    assert response.status_code == 200
    assert response.mimetype == "text/csv" and "attachment" in response.headers["Content-Disposition"]
    body = response.get_data().decode("utf-8")
    lines = body.splitlines()
    assert body.startswith("\ufeff编号,提交时间,类别,子类,街道,社区,网格,楼栋")
    assert sorted(line.split(",")[0] for line in lines[1:]) == sorted(
        ["G-XFL", "G-HP", "F-VOICE", "F-PAUSED", "F-OLD", "F-100%"])
    # A district's communities may share a name across streets: each row says its street.
    assert all(line.split(",")[4] == "幸福街道" for line in lines[1:])
    assert "13812345678" not in body and "138****5678" in body


def test_the_export_keeps_what_a_resident_wrote_as_text_not_as_an_excel_formula(app, runtime, clock):
    with runtime.database.transaction() as session:
        grid_id = session.scalars(select(Grid.id).join(Community, Community.id == Grid.community_id)
                                  .where(Community.name == HEPING, Grid.name == FIRST)).one()
        session.add(new_appeal("F-FORMULA", grid_id, clock(), content="=cmd|' /C calc'!A0 楼道灯坏了"))
    body = logged_in(app, "street").get("/console/appeals.csv").get_data().decode("utf-8")
    row = next(line for line in body.splitlines() if line.startswith("F-FORMULA,"))
    assert row.endswith(",'=cmd|' /C calc'!A0 楼道灯坏了,")  # then 办结时间, empty: not resolved


def test_the_export_follows_the_filters_and_the_scope(app):
    person = logged_in(app, "xingfuli")
    body = person.get("/console/appeals.csv?channel=voice").get_data().decode("utf-8")
    assert [line.split(",")[0] for line in body.splitlines()[1:]] == ["F-VOICE"]
    assert person.get("/console/appeals.csv?where=平安街道").get_data().decode("utf-8").splitlines()[1:] == []


def test_the_export_refuses_a_filter_it_cannot_read(app):
    response = logged_in(app, "admin").get("/console/appeals.csv?from=yesterday")
    assert response.status_code == 400 and "看不懂" in response.get_data(as_text=True)


def test_the_export_needs_a_login(app):
    response = browser(app).get("/console/appeals.csv")
    assert response.status_code == 302 and "/console/login" in response.headers["Location"]


def test_on_a_phone_each_text_field_and_list_of_the_filters_takes_a_whole_line(app):
    """At 390 px the place field beside the others was cut to "如 幸福里社区 或 幸福里社"."""
    person = logged_in(app, "street")
    page = person.get("/console/appeals").get_data(as_text=True)
    css = stylesheet(person)

    for field in ("filter-status", "filter-category", "filter-where", "filter-channel", "filter-q"):
        its_label = page.split(f'id="{field}"')[0].rsplit("<label", 1)[1]
        assert its_label.startswith(' class="wide">'), field
    assert ".filters label.wide { flex: 1 1 100%; }" in css
    assert "#filter-where { min-width: 19em; }" in css  # on a laptop, beside the others


def test_the_category_field_offers_the_taxonomys_categories(app):
    """The field matches a whole category name: typing 物业 for 物业服务 listed nothing, with no hint of the names."""
    page = logged_in(app, "street").get("/console/appeals").get_data(as_text=True)

    assert 'id="filter-category" list="filter-categories"' in page
    offered = page.split('<datalist id="filter-categories">', 1)[1].split("</datalist>", 1)[0]
    assert '<option value="物业服务">' in offered and '<option value="待分类">' in offered


def test_a_district_administrator_reads_each_places_street_and_a_street_account_does_not_need_to(app):
    admin = logged_in(app, "admin")
    page = admin.get("/console/appeals").get_data(as_text=True)
    row = page.split('id="appeal-G-PA"', 1)[1].split("</tr>", 1)[0]
    assert "平安街道·平安社区·第一网格" in row  # two streets: two of them may each have a 滨湖社区
    assert 'id="appeal-place">幸福街道·幸福里社区·第二网格' in admin.get("/console/appeals/G-XFL").get_data(as_text=True)

    street = logged_in(app, "street").get("/console/appeals").get_data(as_text=True)
    assert "幸福街道·幸福里社区" not in street and "幸福里社区·第二网格" in street
