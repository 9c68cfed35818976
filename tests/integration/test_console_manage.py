"""The console's management pages through Flask's client: the organisation tree, its import (preview, then apply), 改名,
QR posters, staff and invite codes. Every role against every route (out of scope: 404, and nothing changed), the
CSRF check on each POST, a preview that writes nothing, a bad file that writes nothing and names its rows, an
import visible in the tree afterwards, and invites only for places within the operator's scope."""

import io
import re
import zipfile
from datetime import datetime, timezone

import pytest
from sqlalchemy import event, func, select

from bot.posters import poster_name
from bot.sheets.org import read_org_data
from bot.web.app import create_app
from bot.web.runtime import Runtime
from handlers.resident_texts import LOCAL_ZONE
from nlp import load_taxonomy
from storage import building_codes, org, org_import, seeding, volunteer_claims, wishes
from storage import staff as staff_places
from storage.models import (
    Appeal,
    AppealStatus,
    Building,
    Community,
    Grid,
    Staff,
    StaffInvite,
    StaffRole,
    Street,
    Wish,
    WishStatus,
)
from storage.queries import Scope
from tests.support.console import ACCOUNTS, cast, logged_in, new_appeal, street_id
from tests.support.personas import BUILDING_LEAD, CHEN, LI, VOLUNTEER, WANG, ZHANG
from tests.support.street import FIRST, HEPING, SECOND, XINGFULI

pytestmark = pytest.mark.postgres

USERNAMES = sorted(ACCOUNTS)
IMPORTERS = {"admin", "street"}
# Which communities each account oversees.
COMMUNITIES = {"admin": {XINGFULI, HEPING, "平安社区"}, "street": {XINGFULI, HEPING}, "xingfuli": {XINGFULI}}
ALL_COMMUNITIES = {XINGFULI, HEPING, "平安社区"}
HEADER = "街道,社区,网格,小区,楼栋,单元\n"
NEW_GRID_FILE = HEADER + "幸福街道,幸福里社区,第三网格,新苑,9号楼,1单元\n幸福街道,幸福里社区,第三网格,新苑,10号楼,\n"
BAD_FILE = HEADER + "幸福街道,幸福里社区,第三网格,新苑,9号楼,1单元\n幸福街道,幸福里社区,第三网格,新苑,,1单元\n"
OTHER_STREET_FILE = HEADER + "幸福街道,幸福里社区,第三网格,新苑,9号楼,\n平安街道,平安社区,第二网格,平安小区,8号楼,\n"


@pytest.fixture
def app(settings, seeded, clock, redis_client, fake_wechat):
    cast(seeded, clock())
    configured = settings.with_(wechat_api_base_url=fake_wechat.url)
    return create_app(runtime=Runtime(configured, clock=clock, database=seeded))


@pytest.fixture
def store(app):
    return app.extensions["gridbot"].database



def token(person):
    return person.token("/console/")


def upload(person, text, name="组织架构.csv", with_token=True, encoding="utf-8"):
    data = {"file": (io.BytesIO(text.encode(encoding) if isinstance(text, str) else text), name)}
    if with_token:
        data["csrf_token"] = token(person)
    return person.client.post("/console/org/import", data=data, content_type="multipart/form-data")


def apply(person, preview):
    found = preview.get_data(as_text=True).split('name="upload" value="', 1)
    assert len(found) == 2, preview.get_data(as_text=True)
    return person.client.post("/console/org/import/apply",
                              data={"upload": found[1].split('"', 1)[0], "csrf_token": token(person)})


def counts(store):
    with store.transaction() as session:
        return tuple(session.scalar(select(func.count()).select_from(model)) for model in (Grid, Building))


def ids(store, model, **names):
    with store.transaction() as session:
        if model is Community:
            return session.scalars(select(Community.id).where(Community.name == names["community"])).one()
        if model is Grid:
            return session.scalars(select(Grid.id).join(Community, Community.id == Grid.community_id)
                                   .where(Community.name == names["community"], Grid.name == names["grid"])).one()
        return session.scalars(select(Building.id).join(Grid, Grid.id == Building.grid_id)
                               .join(Community, Community.id == Grid.community_id)
                               .where(Community.name == names["community"], Building.name == names["building"])).one()


def places(store):
    """One community, grid and building in each of the three communities: kind, id, community."""
    found = []
    for community, building in ((XINGFULI, "5号楼"), (HEPING, "1栋"), ("平安社区", "1号楼")):
        found += [("community", ids(store, Community, community=community), community),
                  ("grid", ids(store, Grid, community=community, grid=FIRST), community),
                  ("building", ids(store, Building, community=community, building=building), community)]
    return found


def staff_id(store, name):
    with store.transaction() as session:
        return session.scalars(select(Staff.id).where(Staff.name == name)).one()


def invite_form(person, **fields):
    return person.client.post("/console/staff/invite", data={"ttl_hours": "72", **fields, "csrf_token": token(person)})


# --- the tree -------------------------------------------------------------------------------------------------

def whole_tree(person):
    """The organisation page, with each street's opened where it lists streets (a district's 管理员)."""
    page = person.get("/console/org").get_data(as_text=True)
    links = re.findall(r'<li id="street-\d+"><a href="([^"]+)"', page)
    return page + "".join(person.get(link.replace("&amp;", "&")).get_data(as_text=True) for link in links)


@pytest.mark.parametrize("username", USERNAMES)
def test_each_role_sees_the_tree_of_its_scope_and_only_importers_get_the_form(app, username):
    page = whole_tree(logged_in(app, username))

    for community in ALL_COMMUNITIES:
        assert (f"· {community}</strong>" in page) == (community in COMMUNITIES[username]), community
    assert ('id="org-import"' in page) == (username in IMPORTERS)


def test_the_tree_shows_members_and_the_grid_page_its_bound_residents(app, store):
    person = logged_in(app, "xingfuli")
    page = person.get("/console/org").get_data(as_text=True)
    grid = ids(store, Grid, community=XINGFULI, grid=FIRST)

    assert "网格员 3 人" in page  # 幸福里社区·第一网格: two members and a leader
    assert f'href="/console/org/grids/{grid}"' in page and "3号楼" not in page
    buildings = person.get(f"/console/org/grids/{grid}").get_data(as_text=True)
    assert "<h3>阳光花园</h3>" in buildings
    assert "阳光花园·3号楼 <span class=\"notice\">2 个单元，3 位居民已绑定" in buildings


def test_a_street_of_four_thousand_buildings_lists_its_grids_and_opens_one_grid_at_a_time(app, store):
    with store.transaction() as session:
        community = session.scalars(select(Community).where(Community.name == XINGFULI)).one()
        for number in range(1, 141):  # a street of the sources' largest city: some 140 grids, 30 buildings each
            grid = Grid(community_id=community.id, name=f"城网格{number}")
            session.add(grid)
            session.flush()
            session.add_all(Building(grid_id=grid.id, compound=f"城{number}小区", name=f"{floor}号楼",
                                     scene_key=f"city-{number}-{floor}") for floor in range(1, 31))
        last = grid.id
    person = logged_in(app, "street")

    page = person.get("/console/org")
    opened = person.get(f"/console/org/grids/{last}").get_data(as_text=True)

    # Every building with its poster link was some 900 KB for such a street (tens of MB for a district).
    assert page.status_code == 200 and len(page.get_data()) < 150_000
    assert "城网格140" in page.get_data(as_text=True) and "30 栋" in page.get_data(as_text=True)
    assert "城140小区·30号楼" in opened and "城139小区" not in opened


def test_a_district_admin_gets_the_streets_first_and_opens_one_at_a_time(app, store):
    with store.transaction() as session:
        pingan = session.scalars(select(Street.id).where(Street.name == "平安街道")).one()
        xingfu = session.scalars(select(Street.id).where(Street.name == "幸福街道")).one()
    admin, street = logged_in(app, "admin"), logged_in(app, "street")

    first = admin.get("/console/org").get_data(as_text=True)
    opened = admin.get(f"/console/org?street={pingan}").get_data(as_text=True)

    # Every street's grids at once were megabytes for a city's 4,000 grids: the streets come first, counted.
    assert f'href="/console/org?street={xingfu}">幸福街道</a> <span class="notice">2 个社区 · 4 个网格 · ' in first
    assert 'class="org-grid"' not in first and "平安社区</strong>" not in first
    assert "平安社区</strong>" in opened and "幸福里社区</strong>" not in opened and 'id="org-all-streets"' in opened
    # A street operator's page is her street's tree, whatever street she names.
    assert "平安社区" not in street.get(f"/console/org?street={pingan}").get_data(as_text=True)
    assert 'id="org-streets"' not in street.get("/console/org").get_data(as_text=True)


def test_a_street_operator_who_names_her_own_street_is_not_offered_a_list_of_streets_she_does_not_have(app, store):
    with store.transaction() as session:
        xingfu = session.scalars(select(Street.id).where(Street.name == "幸福街道")).one()

    page = logged_in(app, "street").get(f"/console/org?street={xingfu}").get_data(as_text=True)

    assert "幸福里社区</strong>" in page and 'id="org-all-streets"' not in page


@pytest.mark.parametrize("username", USERNAMES)
def test_a_grid_page_outside_the_operators_scope_is_as_absent_as_a_missing_one(app, store, username):
    person = logged_in(app, username)

    for community in ALL_COMMUNITIES:
        grid = ids(store, Grid, community=community, grid=FIRST)
        found = person.get(f"/console/org/grids/{grid}")
        assert found.status_code == (200 if community in COMMUNITIES[username] else 404), community
    for typed in ("999999", "13812345678", "x"):
        assert person.get(f"/console/org/grids/{typed}").status_code == 404


def test_the_invite_form_names_the_street_of_a_community_two_streets_share(app, store, clock):
    from storage import seeding

    with store.transaction() as session:
        seeding.seed_street(session, seeding.StreetPlan("平安街道", {HEPING: {FIRST: ("平安家园", {
            "1号楼": ("1单元",)})}}), clock())

    page = logged_in(app, "admin").get("/console/staff").get_data(as_text=True)

    assert ">幸福街道·和平社区·第一网格" in page and ">平安街道·和平社区·第一网格" in page
    assert ">幸福街道·和平社区<" in page and ">平安街道·和平社区<" in page
    assert ">幸福里社区·第一网格" in page  # a name only one street has stays as it was


# --- posters --------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("username", USERNAMES)
def test_posters_outside_the_scope_are_not_found_and_make_no_code(app, store, fake_wechat, username):
    person = logged_in(app, username)
    for kind, place_id, community in places(store):
        if community in COMMUNITIES[username]:
            continue
        assert person.get(f"/console/org/posters/{kind}/{place_id}").status_code == 404, (kind, community)
    assert person.get("/console/org/posters/street/1").status_code == 404
    assert person.get("/console/org/posters/building/999999").status_code == 404
    assert fake_wechat.calls("/cgi-bin/qrcode/create") == []


def test_a_buildings_poster_is_the_clis_file_and_its_code_is_made_once(app, store, fake_wechat):
    person = logged_in(app, "xingfuli")
    building = ids(store, Building, community=XINGFULI, building="5号楼")

    first = person.get(f"/console/org/posters/building/{building}")
    again = person.get(f"/console/org/posters/building/{building}")

    assert first.status_code == 200 and first.mimetype == "application/pdf"
    assert first.data.startswith(b"%PDF") and again.data == first.data
    assert len(fake_wechat.calls("/cgi-bin/qrcode/create")) == 1  # kept, and reused by the second download
    grid = ids(store, Grid, community=XINGFULI, grid=SECOND)
    with store.transaction() as session:
        code = [found for found in building_codes.codes(session, Scope(grid_id=grid)) if found.building_id == building]
    assert code[0].qr_url is not None
    assert "filename*=UTF-8''" in first.headers["Content-Disposition"]


def test_wechat_refusing_a_code_is_one_line_and_codes_made_before_are_kept(app, store, fake_wechat):
    person = logged_in(app, "admin")
    grid = ids(store, Grid, community=XINGFULI, grid=FIRST)
    assert person.get(f"/console/org/posters/building/{ids(store, Building, community=XINGFULI, building='1号楼')}"
                      ).status_code == 200
    fake_wechat.fail("/cgi-bin/qrcode/create", 45009, times=1, delay=0)

    refused = person.get(f"/console/org/posters/grid/{grid}")

    assert refused.status_code == 502 and "向微信申请二维码失败" in refused.get_data(as_text=True)
    with store.transaction() as session:
        made = [code.building for code in building_codes.codes(session, Scope(grid_id=grid)) if code.qr_url]
    assert made == ["1号楼"]
    assert person.get(f"/console/org/posters/grid/{grid}").status_code == 200  # WeChat answers again


@pytest.mark.parametrize("username", USERNAMES)
def test_a_grids_posters_come_as_one_zip_named_as_the_cli_names_them(app, store, username):
    grid = ids(store, Grid, community=XINGFULI, grid=FIRST)

    response = logged_in(app, username).get(f"/console/org/posters/grid/{grid}")

    assert response.status_code == 200 and response.mimetype == "application/zip"
    with store.transaction() as session:
        expected = [poster_name(code.building_id, code.label)
                    for code in building_codes.codes(session, Scope(grid_id=grid))]
    names = zipfile.ZipFile(io.BytesIO(response.data)).namelist()
    assert names == expected and len(names) == 3


# --- importing ------------------------------------------------------------------------------------------------

def test_a_community_operator_may_not_import(app, store):
    person = logged_in(app, "xingfuli")
    before = counts(store)

    assert upload(person, NEW_GRID_FILE).status_code == 404
    assert person.client.post("/console/org/import/apply",
                              data={"upload": "x", "csrf_token": token(person)}).status_code == 404
    assert counts(store) == before


@pytest.mark.parametrize("username", sorted(IMPORTERS))
def test_the_preview_tells_what_would_be_added_and_changes_nothing(app, store, username):
    person = logged_in(app, username)
    before = counts(store)

    preview = upload(person, NEW_GRID_FILE)

    page = preview.get_data(as_text=True)
    assert preview.status_code == 200, page
    assert "将新建：网格 1 个、楼栋 2 个、单元 1 个" in page
    assert "幸福里社区·第三网格·新苑·9号楼" in page and "幸福里社区·第三网格·新苑·10号楼" in page
    assert "已存在：街道 1 个、社区 1 个" in page
    assert counts(store) == before
    assert "第三网格" not in person.get("/console/org").get_data(as_text=True)


def test_confirming_an_import_twice_at_once_imports_it_once_and_tells_the_second_click(app, store, monkeypatch):
    from bot.web.console import manage_org

    person = logged_in(app, "street")
    preview = upload(person, NEW_GRID_FILE)
    upload_token = preview.get_data(as_text=True).split('name="upload" value="', 1)[1].split('"', 1)[0]
    form = {"upload": upload_token, "csrf_token": token(person)}
    read, second = manage_org.read_org_data, []

    def read_while_clicked_again(data, name, max_rows):  # type: ignore[no-untyped-def]
        if not second:  # the double click's second request arrives while the first reads the file
            second.append(person.client.post("/console/org/import/apply", data=form))
        return read(data, name, max_rows)

    monkeypatch.setattr(manage_org, "read_org_data", read_while_clicked_again)
    first = person.client.post("/console/org/import/apply", data=form)

    assert first.status_code == 302
    assert second[0].status_code == 400 and "已经导入过" in second[0].get_data(as_text=True)


@pytest.mark.parametrize("username", sorted(IMPORTERS))
def test_an_applied_import_is_visible_in_the_tree(app, store, username):
    person = logged_in(app, username)
    grids, buildings = counts(store)

    done = apply(person, upload(person, NEW_GRID_FILE))

    assert done.status_code == 302 and done.headers["Location"].endswith("/console/org")
    assert counts(store) == (grids + 1, buildings + 2)
    tree = whole_tree(person)
    assert "导入完成（2 行）：新建网格 1 个、楼栋 2 个、单元 1 个。" in tree
    assert "第三网格</a> <span class=\"notice\">抢单 · 网格员 0 人 · 2 栋" in tree
    grid = ids(store, Grid, community=XINGFULI, grid="第三网格")
    assert "新苑·10号楼" in person.get(f"/console/org/grids/{grid}").get_data(as_text=True)


@pytest.mark.parametrize("username", USERNAMES)
def test_the_tree_exports_its_scope_as_a_ledger_that_imports_back_unchanged(app, store, username):
    person = logged_in(app, username)
    assert 'id="org-export"' in person.get("/console/org").get_data(as_text=True)

    download = person.get("/console/org/export.xlsx")

    assert download.status_code == 200 and "attachment" in download.headers["Content-Disposition"]
    rows = read_org_data(download.get_data(), "组织架构台账.xlsx")
    assert {row.community for row in rows} == COMMUNITIES[username]
    with store.transaction() as session:
        assert org_import.preview(session, rows).report.created == dict.fromkeys(org_import.LEVELS, 0)


def test_the_preview_counts_what_the_import_then_creates(seeded):
    text = NEW_GRID_FILE + "幸福街道,幸福里社区,第一网格,阳光花园,3号楼,3单元\n幸福街道,和平社区,第二网格,东方名苑,A座,\n"
    rows = read_org_data(text.encode(), "组织架构.csv")
    with seeded.transaction() as session:
        session.scalars(select(Building).where(Building.name == "A座")).one().active = False  # pruned once

    with seeded.transaction() as session:
        previewed = org_import.preview(session, rows)
    imported = org_import.import_rows(seeded, rows)

    assert previewed.report == imported
    assert imported.created == {"street": 0, "community": 0, "grid": 1, "building": 2, "unit": 2}
    assert previewed.new_grids == ["幸福里社区·第三网格"]
    assert previewed.new_buildings == ["幸福里社区·第三网格·新苑·9号楼", "幸福里社区·第三网格·新苑·10号楼"]


def test_a_preview_applies_once(app, store):
    person = logged_in(app, "admin")
    preview = upload(person, NEW_GRID_FILE)
    assert apply(person, preview).status_code == 302

    again = apply(person, preview)

    assert again.status_code == 400 and "预览已过期（或已经导入过）" in again.get_data(as_text=True)


def test_a_file_gone_while_an_upload_sweeps_stale_ones_does_not_fail_the_preview(app, store):
    uploads = app.extensions["gridbot"].settings.data_dir / "uploads"
    uploads.mkdir(parents=True, exist_ok=True)
    # Listed, then removed before its age is read: another operator's 确认导入, or her upload's own sweep.
    (uploads / "org-imported-meanwhile").symlink_to(uploads / "gone")
    person = logged_in(app, "admin")

    preview = upload(person, NEW_GRID_FILE)

    assert preview.status_code == 200 and apply(person, preview).status_code == 302


def test_a_bad_file_changes_nothing_and_names_its_rows(app, store):
    person = logged_in(app, "admin")
    before = counts(store)

    preview = upload(person, BAD_FILE)

    page = preview.get_data(as_text=True)
    assert "文件有 1 处错误，不会导入任何数据" in page and "第 3 行：缺少“楼栋”" in page
    assert 'name="upload"' not in page  # nothing to apply
    assert counts(store) == before


def test_a_column_missing_on_thousands_of_rows_is_listed_as_the_command_lists_it_not_row_by_row(app, store):
    person = logged_in(app, "admin")
    merged_grid = HEADER + "".join(f"幸福街道,幸福里社区,,新苑,{number}号楼,\n" for number in range(1, 2001))

    page = upload(person, merged_grid).get_data(as_text=True)

    assert "文件有 2000 处错误，不会导入任何数据" in page
    assert page.count('class="row-error"') == 4 and "以及另外 1997 行同样的问题" in page


def test_a_building_moved_to_another_grid_is_an_error_pointing_to_move_building(app, store):
    person = logged_in(app, "street")
    moved = HEADER + "幸福街道,幸福里社区,第二网格,阳光花园,3号楼,1单元\n"

    page = upload(person, moved).get_data(as_text=True)

    assert "第 2 行：“阳光花园3号楼”已属于“第一网格”" in page and "gridbot org move-building" in page
    assert 'name="upload"' not in page


def test_a_street_operator_imports_only_their_street(app, store):
    person = logged_in(app, "street")
    before = counts(store)

    page = upload(person, OTHER_STREET_FILE).get_data(as_text=True)

    assert "第 3 行：“平安街道”不在您的管辖范围内，您只能导入“幸福街道”的组织架构" in page
    assert 'name="upload"' not in page
    assert counts(store) == before
    assert "将新建" in upload(logged_in(app, "admin"), OTHER_STREET_FILE).get_data(as_text=True)


def test_a_gbk_file_and_an_unreadable_one(app):
    person = logged_in(app, "admin")

    assert "将新建" in upload(person, NEW_GRID_FILE, encoding="gbk").get_data(as_text=True)
    refused = upload(person, b"\x00\x01binary", name="a.csv")
    assert refused.status_code == 400 and "文件" in refused.get_data(as_text=True)
    assert upload(person, HEADER).status_code == 400


def test_a_file_over_the_bound_is_refused_politely_and_unread(app, store, monkeypatch):
    from bot.web.console import manage_org

    monkeypatch.setattr(manage_org.org_import_preview, "max_upload", 1024)
    person = logged_in(app, "admin")
    before = counts(store)

    refused = upload(person, NEW_GRID_FILE + "幸福街道,幸福里社区,第三网格,新苑,11号楼,\n" * 40)

    page = refused.get_data(as_text=True)
    assert refused.status_code == 413 and "文件太大（最多 5 MB、20,000 行数据）" in page
    assert "按社区拆成几个文件" in page and "gridbot import org 文件名" in page
    assert counts(store) == before


def test_a_small_upload_of_more_parts_than_a_form_takes_names_that_bound_not_the_size(app, store):
    from bot.web.console.guard import FORM_MAX_FIELDS

    person = logged_in(app, "admin")
    before = counts(store)
    data = {"file": (io.BytesIO(NEW_GRID_FILE.encode()), "组织架构.csv"), "csrf_token": token(person)}
    data.update({f"extra{number}": "x" for number in range(FORM_MAX_FIELDS)})

    refused = person.client.post("/console/org/import", data=data, content_type="multipart/form-data")

    page = refused.get_data(as_text=True)
    assert refused.status_code == 413 and "文件太大" not in page
    assert f"最多 {FORM_MAX_FIELDS:,} 个部分" in page and "只选择一个" in page
    assert "按社区拆成几个文件" in page and "20,000 行" in page
    assert counts(store) == before


def ledger_workbook(buildings, styled_blank_rows=0):
    """An .xlsx ledger of `buildings` new buildings of 第三网格, then rows of formatting only (a template's)."""
    import openpyxl
    from openpyxl.styles import Font

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADER.strip().split(","))
    for number in range(1, buildings + 1):
        sheet.append(["幸福街道", "幸福里社区", "第三网格", "新苑", f"{number}号楼", ""])
    for row in range(buildings + 2, buildings + 2 + styled_blank_rows):
        sheet.cell(row, 1).font = Font(bold=True)
    data = io.BytesIO()
    workbook.save(data)
    return data.getvalue()


@pytest.fixture
def few_rows(monkeypatch):
    """The console's row limit, brought down to 30 rows."""
    from bot.web.console import manage_org

    monkeypatch.setattr(manage_org, "ORG_FILE_MAX_ROWS", 30)
    return 30


def test_a_workbook_of_more_rows_than_the_console_takes_is_refused_before_it_is_loaded(app, store, few_rows,
                                                                                         monkeypatch):
    import openpyxl

    person = logged_in(app, "admin")
    before = counts(store)
    monkeypatch.setattr(openpyxl, "load_workbook", lambda *_, **__: pytest.fail("the workbook was loaded"))

    refused = upload(person, ledger_workbook(few_rows + 20), name="台账.xlsx")

    page = refused.get_data(as_text=True)
    assert refused.status_code == 400
    assert "文件“台账.xlsx”超过 30 行数据，控制台一次最多预览和导入 30 行，没有导入任何数据" in page
    assert "gridbot import org 文件名" in page
    assert counts(store) == before


def test_a_csv_of_more_rows_than_the_console_takes_is_refused_and_one_at_the_limit_previewed(app, store, few_rows):
    person = logged_in(app, "admin")
    rows = [f"幸福街道,幸福里社区,第三网格,新苑,{number}号楼,\n" for number in range(1, few_rows + 2)]

    refused = upload(person, HEADER + "".join(rows))
    at_limit = upload(person, HEADER + "".join(rows[:few_rows]))

    assert refused.status_code == 400 and "超过 30 行数据" in refused.get_data(as_text=True)
    assert at_limit.status_code == 200 and "将新建：网格 1 个、楼栋 30 个" in at_limit.get_data(as_text=True)


def test_a_template_with_styled_blank_rows_past_the_limit_is_previewed(app, few_rows):
    person = logged_in(app, "admin")

    preview = upload(person, ledger_workbook(10, styled_blank_rows=few_rows * 3), name="模板.xlsx")

    assert preview.status_code == 200 and "将新建：网格 1 个、楼栋 10 个" in preview.get_data(as_text=True)


def test_the_import_form_says_the_row_limit(app):
    assert "最大 5 MB、20,000 行" in logged_in(app, "admin").get("/console/org").get_data(as_text=True)


def test_an_upload_from_another_session_cannot_be_applied(app, store):
    preview = upload(logged_in(app, "admin"), NEW_GRID_FILE)
    other = logged_in(app, "street")
    before = counts(store)

    refused = apply(other, preview)

    assert refused.status_code == 400 and counts(store) == before


# --- staff and invite codes -----------------------------------------------------------------------------------

@pytest.mark.parametrize("username", USERNAMES)
def test_each_role_lists_the_staff_of_its_scope_without_an_openid(app, username):
    page = logged_in(app, username).get("/console/staff").get_data(as_text=True)

    assert "张伟" in page and "赵阿姨" in page
    assert ("陈静" in page) == (HEPING in COMMUNITIES[username])
    listed = page.split('id="staff-list"')[1]
    # The openids themselves: a random CSRF token may well contain "o_"
    assert "已绑定" in page and not any(openid in listed for openid in (ZHANG, LI, WANG, CHEN, BUILDING_LEAD))


def test_a_street_with_hundreds_of_building_leads_lists_them_in_a_few_statements_not_a_few_per_person(app, store,
                                                                                                       clock):
    secret = app.extensions["gridbot"].settings.secret_key
    with store.transaction() as session:
        grid = session.scalars(select(Grid).where(Grid.name == FIRST).order_by(Grid.id)).first()
        for number in range(1, 301):
            building = org.ensure_building(session, grid, f"{number}号楼", "新苑")
            session.add(Staff(name=f"楼长{number}", role=StaffRole.BUILDING_LEAD, grid_id=grid.id,
                              building_id=building.id, created_at=clock()))
            staff_places.create_invite(session, StaffRole.BUILDING_LEAD, grid.id, None, None, f"新楼长{number}", None,
                                       clock(), secret, building_id=building.id)
    statements = []

    def seen(*_args):  # type: ignore[no-untyped-def]
        statements.append(1)

    event.listen(store.engine, "before_cursor_execute", seen)
    try:
        page = logged_in(app, "street").get("/console/staff").get_data(as_text=True)
    finally:
        event.remove(store.engine, "before_cursor_execute", seen)

    assert "幸福里社区·第一网格·新苑·300号楼" in page and "楼长300" in page and "新楼长300" in page
    # One by one, each 楼长's place was four or five statements: 1,500 for this list, 5,500 for a street's thousand;
    # and as many again for their invites waiting to be used.
    assert len(statements) < 100


def test_a_street_operator_filters_the_staff_list_by_role_and_place_and_never_past_her_street(app, store, clock):
    pingan_grid = ids(store, Grid, community="平安社区", grid=FIRST)
    with store.transaction() as session:
        session.add(Staff(name="孙平安", role=StaffRole.GRID_MEMBER, grid_id=pingan_grid, created_at=clock()))
    person = logged_in(app, "street")

    members = person.get("/console/staff?role=grid_member").get_data(as_text=True)
    heping = person.get("/console/staff", query_string={"where": HEPING}).get_data(as_text=True)
    other_street = person.get("/console/staff", query_string={"where": "平安街道"}).get_data(as_text=True)
    unclear = person.get("/console/staff", query_string={"where": FIRST})
    bad_role = person.get("/console/staff?role=boss")

    listed = members.split('id="staff-list"')[1].split("</table>")[0]
    assert "张伟" in listed and "赵阿姨" not in listed and "共 " in members
    listed = heping.split('id="staff-list"')[1].split("</table>")[0]
    assert "陈静" in listed and "张伟" not in listed
    assert "没有符合筛选条件的在职人员。" in other_street and 'id="staff-list"' not in other_street
    assert "孙平安" in logged_in(app, "admin").get("/console/staff", query_string={"where": "平安街道"}) \
        .get_data(as_text=True)  # 平安街道 has staff: the street's account just may not see them
    assert unclear.status_code == 400 and "不止一处，请写完整" in unclear.get_data(as_text=True)
    assert bad_role.status_code == 400 and "不认识这个角色" in bad_role.get_data(as_text=True)


@pytest.mark.parametrize("username", USERNAMES)
def test_disabling_someone_outside_the_scope_is_not_found(app, store, username):
    person = logged_in(app, username)
    chen = staff_id(store, "陈静")  # 和平社区

    response = person.client.post(f"/console/staff/{chen}/disable", data={"csrf_token": token(person)})

    assert response.status_code == (302 if HEPING in COMMUNITIES[username] else 404)
    with store.transaction() as session:
        assert session.get(Staff, chen).active is (HEPING not in COMMUNITIES[username])


def test_another_streets_street_operator_and_their_invite_are_out_of_a_street_accounts_scope(app, store, clock):
    with store.transaction() as session:
        pingan = session.scalars(select(Street.id).where(Street.name == "平安街道")).one()
        session.add(Staff(openid="o_pingan", name="吴刚", role=StaffRole.OPERATOR, street_id=pingan,
                          created_at=clock()))
        staff_places.create_invite(session, StaffRole.OPERATOR, None, None, None, "郑敏", None, clock(),
                                   "test-secret", street_id=pingan)
    with store.transaction() as session:
        invite_id = session.scalars(select(StaffInvite.id)).one()
    person = logged_in(app, "street")

    page = person.get("/console/staff").get_data(as_text=True)
    disabled = person.client.post(f"/console/staff/{staff_id(store, '吴刚')}/disable",
                                  data={"csrf_token": token(person)})
    revoked = person.client.post(f"/console/staff/invites/{invite_id}/revoke", data={"csrf_token": token(person)})

    assert "吴刚" not in page and "郑敏" not in page and "平安街道" not in page
    assert (disabled.status_code, revoked.status_code) == (404, 404)
    assert "吴刚" in logged_in(app, "admin").get("/console/staff").get_data(as_text=True)


def test_the_invite_form_tells_apart_two_streets_communities_of_one_name(app, store, clock):
    with store.transaction() as session:  # 平安街道 gets a 幸福里社区 of its own
        seeding.seed_street(session, seeding.StreetPlan(
            "平安街道", {XINGFULI: {FIRST: ("幸福家园", {"1号楼": ("1单元",)})}}), clock())

    page = logged_in(app, "admin").get("/console/staff").get_data(as_text=True)
    options = re.findall(r"<option[^>]*>([^<]*幸福里社区[^<]*)</option>", page)

    assert {"幸福街道·幸福里社区", "平安街道·幸福里社区", "幸福街道·幸福里社区·第一网格",
            "平安街道·幸福里社区·第一网格"} <= set(options) and len(set(options)) == len(options)
    street_page = logged_in(app, "street").get("/console/staff").get_data(as_text=True)
    assert f">{XINGFULI}·{FIRST}</option>" in street_page  # one street: no namesake to tell apart


def test_disabling_someone_takes_a_second_tap_that_names_them(app, store):
    """停用 was a button in the row: one stray tap while scrolling on a phone took a colleague off duty at once."""
    liu = staff_id(store, "刘洋")
    page = logged_in(app, "xingfuli").get("/console/staff").get_data(as_text=True)

    row = page.split(f'id="staff-{liu}"', 1)[1].split("</tr>", 1)[0]
    assert '<details class="confirm-first"><summary>停用</summary>' in row
    assert row.index("<summary>") < row.index("<form") and "确认停用 刘洋</button>" in row


def test_disabling_someone_takes_them_off_the_list(app, store):
    person = logged_in(app, "xingfuli")
    liu = staff_id(store, "刘洋")

    done = person.client.post(f"/console/staff/{liu}/disable", data={"csrf_token": token(person)})

    page = person.get(done.headers["Location"]).get_data(as_text=True)
    assert "已停用 刘洋" in page and f'id="staff-{liu}"' not in page
    assert "个人手机号已删除" not in page  # none was stored: nothing to say was deleted


def test_disabling_someone_with_tasks_says_they_went_back_to_the_grid_to_be_claimed_not_to_a_handler(
        app, store, clock):
    # It said 承办人和居民已收到通知, though nobody took the tasks over: the grid's team got their cards to claim.
    liu = staff_id(store, "刘洋")
    with store.transaction() as session:
        member = session.get_one(Staff, liu)
        session.add(new_appeal("G2611220001", member.grid_id, clock(), status=AppealStatus.ACCEPTED,
                               assignee_staff_id=liu, accepted_at=clock()))
    person = logged_in(app, "xingfuli")

    done = person.client.post(f"/console/staff/{liu}/disable", data={"csrf_token": token(person)})

    page = person.get(done.headers["Location"]).get_data(as_text=True)
    assert "1 件未办结的诉求已交回各自的网格等待重新接单，网格的工作人员和居民已收到通知" in page


def test_disabling_someone_revokes_the_invites_made_out_to_them_and_forgets_their_phone(app, store, clock):
    liu = staff_id(store, "刘洋")
    with store.transaction() as session:
        member = session.get_one(Staff, liu)
        member.phone = "13812345678"
        staff_places.create_invite(session, StaffRole.GRID_LEADER, member.grid_id, member.community_id, None, "刘洋",
                                   None, clock(), "test-secret")
    person = logged_in(app, "xingfuli")

    done = person.client.post(f"/console/staff/{liu}/disable", data={"csrf_token": token(person)})

    page = person.get(done.headers["Location"]).get_data(as_text=True)
    assert "TA 未使用的邀请 1 个已撤销。TA 的个人手机号已删除，办理记录里仍写着 TA 的姓名" in page
    with store.transaction() as session:
        assert session.scalars(select(StaffInvite.revoked_at).where(StaffInvite.name == "刘洋")).one() is not None
        assert (session.get_one(Staff, liu).name, session.get_one(Staff, liu).phone) == ("刘洋", None)


def test_disabling_a_departments_last_officer_says_what_waited_for_the_department_went_back_to_the_grid(
        app, store, clock):
    pingan = street_id(store, "平安街道")
    with store.transaction() as session:
        grid_id = session.scalars(select(Grid.id).where(Grid.name == FIRST)).first()
        session.add(Staff(openid="dept_wu", name="吴刚", role=StaffRole.DEPARTMENT, department="综合执法中队",
                          active=True, created_at=clock()))
        # 平安街道's 中队 of the same name stays: the department goes on, only not where 吴刚 worked.
        session.add(Staff(openid="dept_pingan", name="郑队长", role=StaffRole.DEPARTMENT, department="综合执法中队",
                          street_id=pingan, active=True, created_at=clock()))
        session.add(new_appeal("G2611220001", grid_id, clock(), department="综合执法中队"))
    person = logged_in(app, "admin")  # 吴刚 serves every street: a 管理员's to disable

    done = person.client.post(f"/console/staff/{staff_id(store, '吴刚')}/disable",
                              data={"csrf_token": token(person)})

    page = person.get(done.headers["Location"]).get_data(as_text=True)
    assert "TA 原来负责的地方综合执法中队再没有别的在岗人员，等该单位接单的 1 件诉求已交回各自的网格" in page
    assert "最后一位" not in page  # not while 平安街道's 中队 is at work
    with store.transaction() as session:
        back = session.scalars(select(Appeal).where(Appeal.ticket == "G2611220001")).one()
        assert (back.status, back.department) == ("dispatched", None)


def test_a_streets_account_may_not_disable_a_district_wide_officer_whom_the_other_streets_rely_on(
        app, store, clock):
    # 停用 by one street's account took the district's office from every street, handing the other street's
    # tasks back to its grids; as 改负责的地方, only a 管理员 may act on an office of every street.
    pingan = street_id(store, "平安街道")
    with store.transaction() as session:
        grid_id = session.scalars(select(Grid.id).join(Community, Community.id == Grid.community_id)
                                  .where(Community.street_id == pingan)).first()
        session.add(Staff(openid="dept_wu", name="吴刚", role=StaffRole.DEPARTMENT, department="综合执法中队",
                          active=True, created_at=clock()))
        session.add(new_appeal("G2611220001", grid_id, clock(), department="综合执法中队"))
    wu = staff_id(store, "吴刚")
    person = logged_in(app, "street")

    row = person.get("/console/staff").get_data(as_text=True).split(f'id="staff-{wu}"', 1)[1].split("</tr>", 1)[0]
    refused = person.client.post(f"/console/staff/{wu}/disable", data={"csrf_token": token(person)})

    assert "综合执法中队（全区）" in row  # listed: they serve the street too
    assert "停用" not in row and refused.status_code == 404
    with store.transaction() as session:
        assert session.get_one(Staff, wu).active
        waiting = session.scalars(select(Appeal).where(Appeal.ticket == "G2611220001")).one()
        assert waiting.department == "综合执法中队"
    admin_row = logged_in(app, "admin").get("/console/staff").get_data(as_text=True).split(f'id="staff-{wu}"', 1)[1]
    assert "确认停用 吴刚" in admin_row.split("</tr>", 1)[0]


def test_a_street_accounts_staff_list_counts_only_the_tasks_of_its_own_street(app, store, clock):
    # 吴刚 serves every street: the 幸福街道 list gave his 未办结 as the count of the cases he held in 平安街道 too.
    pingan, xingfu = street_id(store, "平安街道"), street_id(store, "幸福街道")
    with store.transaction() as session:
        grids = {street: session.scalars(select(Grid.id).join(Community, Community.id == Grid.community_id)
                                         .where(Community.street_id == street)).first()
                 for street in (pingan, xingfu)}
        wu = Staff(openid="dept_wu", name="吴刚", role=StaffRole.DEPARTMENT, department="综合执法中队", active=True,
                   created_at=clock())
        session.add(wu)
        session.flush()
        for number, grid in enumerate(grids.values()):
            session.add(new_appeal(f"G261122000{number}", grid, clock(), department="综合执法中队",
                                   status=AppealStatus.ACCEPTED, assignee_staff_id=wu.id))
        session.add(new_appeal("G2611220009", grids[pingan], clock(), department="综合执法中队",
                               status=AppealStatus.ACCEPTED, assignee_staff_id=wu.id))

    def count(username):
        page = logged_in(app, username).get("/console/staff").get_data(as_text=True)
        row = page.split(f'id="staff-{staff_id(store, "吴刚")}"', 1)[1].split("</tr>", 1)[0]
        return re.findall(r'data-label="未办结">(\d+)<', row)

    assert count("street") == ["1"] and count("admin") == ["3"]


def test_a_streets_account_may_not_revoke_the_invite_of_a_district_wide_office(app, store):
    # The 管理员's invite for 综合执法中队（全区） could be taken back by either street's account.
    assert invite_form(logged_in(app, "admin"), role="部门", department="综合执法中队").status_code == 200
    with store.transaction() as session:
        invite_id = session.scalars(select(StaffInvite.id)).one()
    person = logged_in(app, "street")

    row = person.get("/console/staff").get_data(as_text=True).split(f'id="invite-{invite_id}"', 1)[1]
    refused = person.client.post(f"/console/staff/invites/{invite_id}/revoke", data={"csrf_token": token(person)})

    assert "综合执法中队（全区）" in row.split("</tr>", 1)[0] and "撤销" not in row.split("</tr>", 1)[0]
    assert refused.status_code == 404
    with store.transaction() as session:
        assert session.get_one(StaffInvite, invite_id).revoked_at is None
    admin = logged_in(app, "admin")
    assert admin.client.post(f"/console/staff/invites/{invite_id}/revoke",
                             data={"csrf_token": token(admin)}).status_code == 302


def test_disabling_a_volunteer_opens_the_tasks_they_took_to_others(app, store, clock):
    person = logged_in(app, "xingfuli")
    with store.transaction() as session:
        volunteer = session.scalars(select(Staff).where(Staff.openid == VOLUNTEER)).one()
        wish = wishes.post(session, wishes.Place(volunteer.community_id), "帮李奶奶换灯泡", clock())
        volunteer_claims.claim(session, volunteer, wish.code, load_taxonomy(), clock())
        volunteer_id, wish_id = volunteer.id, wish.id

    done = person.client.post(f"/console/staff/{volunteer_id}/disable", data={"csrf_token": token(person)})

    page = person.get(done.headers["Location"]).get_data(as_text=True)
    assert "领取的志愿任务 1 件已重新开放给其他志愿者" in page
    with store.transaction() as session:
        assert session.get_one(Wish, wish_id).status == WishStatus.OPEN


@pytest.mark.parametrize("username", USERNAMES)
def test_each_role_invites_into_its_own_grids_only(app, store, username):
    person = logged_in(app, username)
    own = ids(store, Grid, community=XINGFULI, grid=SECOND)
    heping = ids(store, Grid, community=HEPING, grid=FIRST)

    made = invite_form(person, role="网格员", grid=str(own), name="新同事", phone="13900001111")
    other = invite_form(person, role="网格员", grid=str(heping), name="外人")

    page = made.get_data(as_text=True)
    assert made.status_code == 200 and "验证码：" in page and "幸福里社区·第二网格" in page and "认证 " in page
    # Whom it is for, with the phone to check before forwarding the code (masked, as on the list).
    assert "，新同事（手机 139****1111）" in page and "13900001111" not in page
    assert (other.status_code == 200) == (HEPING in COMMUNITIES[username])
    if HEPING not in COMMUNITIES[username]:
        assert "不在您的管辖范围内" in other.get_data(as_text=True)
    with store.transaction() as session:
        names = set(session.scalars(select(StaffInvite.name)))
    assert "新同事" in names and ("外人" in names) == (HEPING in COMMUNITIES[username])
    listed = person.get("/console/staff").get_data(as_text=True)
    assert "新同事" in listed and "139****1111" in listed and "13900001111" not in listed


def test_a_phone_nobody_gave_is_a_dash_not_a_blank(app, store):
    """On a phone each row is a card: "电话：" with nothing after it reads as a page that failed to load."""
    liu_id = staff_id(store, "刘洋")
    with store.transaction() as session:
        liu = session.get(Staff, liu_id)
        liu.phone = liu.work_phone = None
    person = logged_in(app, "xingfuli")
    assert invite_form(person, role="网格员", grid=str(ids(store, Grid, community=XINGFULI, grid=SECOND)),
                       name="无手机").status_code == 200

    page = person.get("/console/staff").get_data(as_text=True)

    liu_row = page.split(f'id="staff-{liu_id}"')[1].split("</tr>")[0]
    invite_row = page.split('id="invite-list"')[1].split("无手机")[1].split("</tr>")[0]
    assert '<td data-label="电话">—</td>' in liu_row
    assert '<td data-label="手机">—</td>' in invite_row


def test_an_invite_running_into_the_next_year_says_the_year_it_expires_in(app, clock):
    clock.current = datetime(2026, 12, 30, 10, 0, tzinfo=LOCAL_ZONE)
    person = logged_in(app, "admin")

    made = invite_form(person, role="网格员", grid=str(ids(app.extensions["gridbot"].database, Grid,
                                                            community=XINGFULI, grid=SECOND)), name="新同事")

    assert "（2027年1月2日 10:00 前有效，只能使用一次）" in made.get_data(as_text=True)
    listed = person.get("/console/staff").get_data(as_text=True).split('id="invite-list"')[1]
    assert "2027年1月2日 10:00" in listed


def test_inviting_again_someone_whose_invite_waits_names_the_waiting_one(app, store):
    person, grid = logged_in(app, "xingfuli"), str(ids(store, Grid, community=XINGFULI, grid=SECOND))

    first = invite_form(person, role="网格员", grid=grid, name="新同事").get_data(as_text=True)
    again = invite_form(person, role="网格员", grid=grid, name="新同事").get_data(as_text=True)

    waiting = re.search(r"已生成网格员邀请 \[(\d+)\]", first).group(1)
    assert 'id="invite-earlier"' not in first
    assert f"注意：新同事 已有待使用的邀请 [{waiting}]，用其中任何一个验证码都能认证为这个身份" in again


def test_a_department_invite_is_the_streets(app, store):
    unknown = invite_form(logged_in(app, "street"), role="部门", department="城管执法")
    refused = invite_form(logged_in(app, "xingfuli"), role="部门", department="综合执法中队")
    street = invite_form(logged_in(app, "street"), role="部门", department="综合执法中队")

    assert refused.status_code == 409 and "不在您的管辖范围内" in refused.get_data(as_text=True)
    assert street.status_code == 200, street.get_data(as_text=True)
    assert unknown.status_code == 409 and "没有“城管执法”这个部门。可选：综合执法中队" in unknown.get_data(as_text=True)
    # The street's 中队 serves that street only (storage.unit_reach); a 管理员's is a district-wide office.
    assert "综合执法中队（幸福街道）" in street.get_data(as_text=True)
    listed = logged_in(app, "street").get("/console/staff").get_data(as_text=True).split('id="invite-list"')[1]
    assert "综合执法中队（幸福街道）" in listed  # the department, not only the street
    district = invite_form(logged_in(app, "admin"), role="部门", department="综合执法中队")
    assert district.status_code == 200, district.get_data(as_text=True)
    xingfu = street_id(store, "幸福街道")
    with store.transaction() as session:
        invited = session.scalars(select(StaffInvite).where(StaffInvite.role == StaffRole.DEPARTMENT)
                                  .order_by(StaffInvite.id)).all()
        assert [invite.street_id for invite in invited] == [xingfu, None]


def place_form(person, store, name, place):
    return person.client.post(f"/console/staff/{staff_id(store, name)}/place",
                              data={"place": place, "csrf_token": token(person)})


def test_a_district_wide_department_officer_is_given_a_street_by_a_管理员_only(app, store, clock):
    xingfu, pingan = street_id(store, "幸福街道"), street_id(store, "平安街道")
    with store.transaction() as session:
        grid_id = session.scalars(select(Grid.id).where(Grid.name == FIRST)).first()
        session.add(Staff(openid="dept_wu", name="吴刚", role=StaffRole.DEPARTMENT, department="综合执法中队",
                          active=True, created_at=clock()))  # invited before officers had a place: every street
        session.add(new_appeal("G2611220001", grid_id, clock(), department="综合执法中队"))
    street, admin = logged_in(app, "street"), logged_in(app, "admin")

    assert place_form(street, store, "吴刚", f"street:{xingfu}").status_code == 404  # an office of every street
    staff_page = admin.get("/console/staff").get_data(as_text=True)
    assert f'value="street:{pingan}"' in staff_page
    # Where they serve now is chosen at first: the button alone never moves anyone (the list's first place).
    wu_row = staff_page.split(f'id="staff-{staff_id(store, "吴刚")}"')[1].split("</tr>")[0]
    assert '<option value="all" selected>全区各街道</option>' in wu_row
    assert place_form(admin, store, "吴刚", "").status_code == 400
    done = place_form(admin, store, "吴刚", f"street:{pingan}")

    page = admin.get(done.headers["Location"]).get_data(as_text=True)
    assert "已改为 吴刚（综合执法中队）负责 平安街道：只接收、查看这里转给本单位的诉求" in page
    assert "等该单位接单的 1 件诉求已交回各自的网格" in page  # 幸福街道's transfer: nobody of the unit serves it now
    assert "综合执法中队（平安街道）" in page
    wu = staff_id(store, "吴刚")
    with store.transaction() as session:
        assert session.get_one(Staff, wu).street_id == pingan
    # A street's account: its own street's officer, to its street or one of its communities, never another street.
    assert place_form(street, store, "吴刚", f"street:{xingfu}").status_code == 404
    assert place_form(admin, store, "吴刚", f"street:{xingfu}").status_code == 302
    assert place_form(street, store, "吴刚", f"street:{pingan}").status_code == 409
    assert place_form(street, store, "吴刚", f"street:{xingfu}").status_code == 409  # where they already are
    heping = ids(store, Community, community=HEPING)
    assert place_form(street, store, "吴刚", f"community:{heping}").status_code == 302
    with store.transaction() as session:
        officer = session.get_one(Staff, wu)
        assert (officer.community_id, officer.street_id) == (heping, None)
    assert "改负责的地方" not in logged_in(app, "xingfuli").get("/console/staff").get_data(as_text=True)


def test_the_staff_pages_place_form_shows_and_chooses_where_each_officer_and_clerk_serves_now(app, store, clock):
    xingfu, xingfuli = street_id(store, "幸福街道"), ids(store, Community, community=XINGFULI)
    grid_id = ids(store, Grid, community=XINGFULI, grid=FIRST)
    with store.transaction() as session:
        session.add_all([
            Staff(openid="dept_zhou", name="周队长", role=StaffRole.DEPARTMENT, department="综合执法中队",
                  street_id=xingfu, active=True, created_at=clock()),
            Staff(openid="dept_wu", name="吴刚", role=StaffRole.DEPARTMENT, department="综合执法中队",
                  active=True, created_at=clock()),
            Staff(openid="prop_qian", name="钱经理", role=StaffRole.PROPERTY, department="阳光物业",
                  community_id=xingfuli, active=True, created_at=clock()),
            Staff(openid="prop_sun", name="孙师傅", role=StaffRole.PROPERTY, department="阳光物业",
                  grid_id=grid_id, active=True, created_at=clock())])

    page = logged_in(app, "admin").get("/console/staff").get_data(as_text=True)

    def row(name):
        return page.split(f'id="staff-{staff_id(store, name)}"')[1].split("</tr>")[0].split("<form")[1]

    assert "现在负责：综合执法中队（幸福街道）" in row("周队长")
    assert f'<option value="street:{xingfu}" selected>幸福街道</option>' in row("周队长")
    assert "现在负责：综合执法中队（全区）" in row("吴刚") and '<option value="all" selected>' in row("吴刚")
    assert "现在负责：阳光物业（幸福里社区）" in row("钱经理")
    assert f'<option value="community:{xingfuli}" selected>幸福里社区</option>' in row("钱经理")
    # A clerk of one grid serves none of the places offered: nothing is chosen, the button alone moves nobody.
    assert "现在负责：阳光物业（幸福里社区·第一网格）" in row("孙师傅")
    assert '<option value="" disabled selected>选择负责的地方</option>' in row("孙师傅")
    assert row("孙师傅").count(" selected") == 1


def test_a_property_invite_may_name_a_community_for_a_company_with_several_compounds(app, store):
    heping = ids(store, Community, community=HEPING)
    person = logged_in(app, "street")
    form = person.get("/console/staff").get_data(as_text=True).split('id="invite-form"')[1]
    assert '<label for="invite-community">社区（操作员；管着社区几个小区的物业）</label>' in form

    made = invite_form(person, role="物业", department="和美物业", community=str(heping))

    assert made.status_code == 200, made.get_data(as_text=True)
    with store.transaction() as session:
        invited = session.scalars(select(StaffInvite).where(StaffInvite.role == StaffRole.PROPERTY)).one()
        assert (invited.grid_id, invited.community_id) == (None, heping)


def test_a_property_clerk_of_one_compound_is_made_the_clerk_of_the_whole_community_from_the_console(
        app, store, clock):
    xingfuli = ids(store, Community, community=XINGFULI)
    with store.transaction() as session:
        grid = staff_places.find_grid(session, "幸福里社区·第一网格")
        session.add(Staff(openid="wy_qian", name="钱经理", role=StaffRole.PROPERTY, department="阳光物业公司",
                          grid_id=grid.id, community_id=grid.community_id, active=True, created_at=clock()))
    person = logged_in(app, "xingfuli")
    page = person.get("/console/staff").get_data(as_text=True)
    row = page.split(f'id="staff-{staff_id(store, "钱经理")}"')[1].split("</tr>")[0]

    assert f'value="community:{xingfuli}"' in row and "street:" not in row
    done = place_form(person, store, "钱经理", f"community:{xingfuli}")

    assert "已改为 钱经理（阳光物业公司）负责 幸福里社区" in person.get(done.headers["Location"]).get_data(as_text=True)
    qian = staff_id(store, "钱经理")
    with store.transaction() as session:
        clerk = session.get_one(Staff, qian)
        assert (clerk.grid_id, clerk.community_id) == (None, xingfuli)
    street = logged_in(app, "street")
    refused = place_form(street, store, "钱经理", f"street:{street_id(store, '幸福街道')}")
    assert refused.status_code == 409 and "物业人员只能改为负责一个社区的各个小区" in refused.get_data(as_text=True)


def test_an_invite_for_a_building_lead_and_its_refusals(app, store):
    person = logged_in(app, "xingfuli")

    lead = invite_form(person, role="楼长", building="阳光花园·3号楼", name="钱阿姨")
    elsewhere = invite_form(person, role="楼长", building="和平小区·1栋")
    no_grid = invite_form(person, role="网格员")
    no_role = invite_form(person, role="保安")

    assert lead.status_code == 200 and "幸福里社区·第一网格·阳光花园·3号楼" in lead.get_data(as_text=True)
    assert elsewhere.status_code == 409
    assert no_grid.status_code == 409 and "请选择网格" in no_grid.get_data(as_text=True)
    assert no_role.status_code == 400 and "请选择角色" in no_role.get_data(as_text=True)


@pytest.mark.parametrize("username", USERNAMES)
def test_revoking_an_invite_outside_the_scope_is_not_found(app, store, username):
    heping = ids(store, Grid, community=HEPING, grid=FIRST)
    assert invite_form(logged_in(app, "admin"), role="网格员", grid=str(heping)).status_code == 200
    with store.transaction() as session:
        invite_id = session.scalars(select(StaffInvite.id)).one()
    person = logged_in(app, username)
    if HEPING in COMMUNITIES[username]:  # two taps: 撤销 opens the question, the button in it revokes
        row = person.get("/console/staff").get_data(as_text=True).split(f'id="invite-{invite_id}"', 1)[1]
        assert row.index("<summary>撤销</summary>") < row.index(f"确定撤销邀请 [{invite_id}]（验证码随即作废）</button>")

    response = person.client.post(f"/console/staff/invites/{invite_id}/revoke", data={"csrf_token": token(person)})

    assert response.status_code == (302 if HEPING in COMMUNITIES[username] else 404)
    with store.transaction() as session:
        revoked = session.get(StaffInvite, invite_id).revoked_at is not None
    assert revoked is (HEPING in COMMUNITIES[username])
    if revoked:
        again = person.client.post(f"/console/staff/invites/{invite_id}/revoke", data={"csrf_token": token(person)})
        assert again.status_code == 409 and "已经撤销过了" in again.get_data(as_text=True)


# --- every POST needs its token; every page needs a login --------------------------------------------------------

def test_every_post_without_the_token_is_refused_and_changes_nothing(app, store):
    person = logged_in(app, "admin")
    liu = staff_id(store, "刘洋")
    own = ids(store, Grid, community=XINGFULI, grid=SECOND)
    before = counts(store)

    refusals = [
        upload(person, NEW_GRID_FILE, with_token=False),
        person.client.post("/console/org/import/apply", data={"upload": "x"}),
        person.client.post("/console/staff/invite", data={"role": "网格员", "grid": str(own), "ttl_hours": "72"}),
        person.client.post("/console/staff/invites/1/revoke"),
        person.client.post(f"/console/staff/{liu}/disable"),
    ]

    assert [response.status_code for response in refusals] == [400] * 5
    assert all("页面已过期" in response.get_data(as_text=True) for response in refusals)
    assert counts(store) == before
    with store.transaction() as session:
        assert session.get(Staff, liu).active and session.scalar(select(func.count()).select_from(StaffInvite)) == 0


@pytest.mark.parametrize("path", ["/console/org", "/console/staff", "/console/org/posters/grid/1"])
def test_the_pages_need_a_login(app, path):
    response = app.test_client().get(path)

    assert response.status_code == 302 and "/console/login" in response.headers["Location"]


# --- renaming a place (the CLI's org rename) ------------------------------------------------------------------

def rename(person, kind, place, name, with_token=True):  # type: ignore[no-untyped-def]
    data = {"kind": kind, "place": place, "name": name}
    if with_token:
        data["csrf_token"] = person.token("/console/org")
    return person.client.post("/console/org/rename", data=data)


def names_of(store, model):  # type: ignore[no-untyped-def]
    with store.transaction() as session:
        return set(session.scalars(select(model.name)))


def test_a_street_operator_renames_a_grid_of_their_street_and_the_tree_says_so(app, store):
    person = logged_in(app, "street")

    done = rename(person, "网格", "幸福里社区·第一网格", "阳光网格")

    assert done.status_code == 302 and done.headers["Location"].endswith("/console/org")
    tree = person.get("/console/org").get_data(as_text=True)
    assert "已改名：网格 幸福里社区·第一网格 → 幸福里社区·阳光网格。" in tree
    assert "阳光网格" in names_of(store, Grid)


def test_a_place_of_another_street_is_as_unknown_as_a_missing_one(app, store):
    person = logged_in(app, "street")
    before = names_of(store, Community)

    refused = rename(person, "社区", "平安社区", "平安新社区")

    assert refused.status_code == 400
    assert "找不到社区“平安社区”" in refused.get_data(as_text=True)
    assert names_of(store, Community) == before


def test_a_streets_account_renames_and_filters_by_its_own_community_of_a_name_another_street_has_too(
        app, store, clock):
    # 平安街道 has a 和平社区 too: 幸福街道's account was told 和平社区 is not unique, with the other street's named
    # (幸福街道·和平社区、平安街道·和平社区), though only one of them is its own.
    with store.transaction() as session:
        seeding.seed_street(session, seeding.StreetPlan(
            "平安街道", {HEPING: {FIRST: ("平安家园", {"1号楼": ("1单元",)})}}), clock())
    person = logged_in(app, "street")

    listed = person.get(f"/console/appeals?where={HEPING}").get_data(as_text=True)
    done = rename(person, "社区", HEPING, "和平东社区")
    grid = rename(person, "网格", f"和平东社区·{FIRST}", "和平一网格")

    assert "不唯一" not in listed and "平安街道" not in listed
    assert done.status_code == 302 and grid.status_code == 302
    with store.transaction() as session:
        streets = dict(session.execute(select(Community.name, Street.name).join(Street)).all())
    assert streets["和平东社区"] == "幸福街道" and streets[HEPING] == "平安街道"
    refused = rename(logged_in(app, "street"), "社区", HEPING, "和平西社区")  # 平安街道's: not the account's
    assert refused.status_code == 400 and "平安街道" not in refused.get_data(as_text=True)


def test_only_a_console_admin_renames_a_street(app, store):
    street = logged_in(app, "street")
    assert 'value="街道"' not in street.get("/console/org").get_data(as_text=True)
    refused = rename(street, "街道", "幸福街道", "幸福新街道")
    assert refused.status_code == 400 and "请选择要改名的是哪一级" in refused.get_data(as_text=True)
    assert "幸福街道" in names_of(store, Street)

    admin = logged_in(app, "admin")
    assert rename(admin, "街道", "幸福街道", "幸福新街道").status_code == 302
    assert "幸福新街道" in names_of(store, Street)


def test_a_community_operator_has_no_rename_and_a_post_without_its_token_changes_nothing(app, store):
    community = logged_in(app, "xingfuli")
    assert 'id="org-rename"' not in community.get("/console/org").get_data(as_text=True)
    assert rename(community, "网格", "幸福里社区·第一网格", "阳光网格").status_code == 404

    street = logged_in(app, "street")
    assert rename(street, "网格", "幸福里社区·第一网格", "阳光网格", with_token=False).status_code in (400, 403)
    assert "阳光网格" not in names_of(store, Grid)


def test_a_clashing_name_is_refused_in_chinese(app, store):
    refused = rename(logged_in(app, "admin"), "楼栋", "阳光花园·3号楼", "2号楼")

    assert refused.status_code == 400
    assert "同一级里已经有叫“2号楼”的了，不能重名，没有改动。" in refused.get_data(as_text=True)


@pytest.mark.parametrize(("place", "name", "shown"), [
    ("幸福里社区·第一网格" * 10_000, "阳光网格", "找不到网格"),  # cut at 200 characters before it is looked for
    ("幸福里社区·第一网格", "阳" * 100_000, "最多 64 个字"),
    ("幸福里社区·第一网格", "阳光\u200b网格", "控制字符"),
    ("幸福里社区·第一网格", "阳光\x00网格", "无法处理的字符"),  # refused before any view, as every form's NUL
])
def test_a_hostile_rename_form_is_refused_in_chinese_and_changes_nothing(app, store, place, name, shown):
    before = names_of(store, Grid)

    refused = rename(logged_in(app, "admin"), "网格", place, name)

    assert refused.status_code == 400 and shown in refused.get_data(as_text=True)
    assert names_of(store, Grid) == before


def test_a_street_accounts_building_lead_invite_neither_finds_nor_names_another_streets_building(app, store):
    person = logged_in(app, "street")

    theirs = invite_form(person, role="楼长", building="平安小区·1号楼", name="外人")
    common = invite_form(person, role="楼长", building="1号楼", name="新楼长")

    assert theirs.status_code == 409 and "找不到" in theirs.get_data(as_text=True)
    assert "平安" not in theirs.get_data(as_text=True).replace("平安小区·1号楼", "")
    assert "平安" not in common.get_data(as_text=True)
    assert "平安" in invite_form(logged_in(app, "admin"), role="楼长", building="1号楼").get_data(as_text=True)
    with store.transaction() as session:
        assert "外人" not in set(session.scalars(select(StaffInvite.name)))


def test_a_street_account_renaming_a_building_neither_finds_nor_names_another_streets(app, store):
    person = logged_in(app, "street")

    theirs = person.client.post("/console/org/rename", data={
        "kind": "楼栋", "place": "平安小区·1号楼", "name": "9号楼", "csrf_token": token(person)})
    ours = person.client.post("/console/org/rename", data={
        "kind": "楼栋", "place": "1号楼", "name": "11号楼", "csrf_token": token(person)}, follow_redirects=True)

    assert "平安" not in theirs.get_data(as_text=True).replace("平安小区·1号楼", "")
    assert "平安" not in ours.get_data(as_text=True) and "11号楼" in ours.get_data(as_text=True)
    with store.transaction() as session:
        assert session.scalars(select(Building.name).join(Grid).join(Community)
                               .where(Community.name == "平安社区")).all() == ["1号楼"]


def test_a_street_account_renaming_a_小区_another_street_also_has_renames_its_own_without_naming_the_other(app, store):
    with store.transaction() as session:
        seeding.seed_street(session, seeding.StreetPlan("东湖街道", {"湖滨社区": {FIRST: ("阳光花园", {
            "8号楼": ("1单元",)})}}), datetime(2026, 12, 1, tzinfo=timezone.utc))
    person = logged_in(app, "street")

    renamed = person.client.post("/console/org/rename", data={
        "kind": "小区", "place": "阳光花园", "name": "阳光花苑", "csrf_token": token(person)}, follow_redirects=True)

    assert "湖滨" not in renamed.get_data(as_text=True) and "阳光花苑" in renamed.get_data(as_text=True)
    with store.transaction() as session:
        compounds = dict(session.execute(select(Community.name, Building.compound).select_from(Building).join(Grid)
                                         .join(Community).where(Building.name.in_(["8号楼", "3号楼"]))).all())
    assert compounds == {"湖滨社区": "阳光花园", XINGFULI: "阳光花苑"}


def test_a_street_operator_re_importing_the_ledger_from_before_a_rename_sees_it_matched_not_a_new_grid(app, store):
    person = logged_in(app, "street")
    assert rename(person, "网格", "幸福里社区·第一网格", "阳光网格").status_code == 302
    old_ledger = HEADER + "幸福街道,幸福里社区,第一网格,阳光花园,3号楼,1单元\n"
    before = counts(store)

    preview = upload(person, old_ledger)
    page = preview.get_data(as_text=True)
    done = apply(person, preview)

    assert "按原名匹配到 1 处已改名的地方" in page and "网格 幸福里社区·第一网格 → 阳光网格" in page
    assert "将新建" not in page
    assert done.status_code == 302
    assert "按原名匹配到 1 处已改名的地方" in person.get("/console/org").get_data(as_text=True)
    assert counts(store) == before


def test_the_staff_page_shows_leave_arranged_for_a_later_day_beside_on_duty(app, store, clock):
    from datetime import date

    from storage import duty

    with store.transaction() as session:
        member = session.scalars(select(Staff).where(Staff.openid == LI)).one()
        duty.set_duty(member, False, date(2026, 11, 24), clock(), first=date(2026, 11, 23))

    page = logged_in(app, "admin").get("/console/staff").get_data(as_text=True)

    assert "在岗（2026-11-23 起休假）" in page
