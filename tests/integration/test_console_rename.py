"""The console's 改名 on the organisation page: `gridbot org rename` for 管理员 and 街道 operators, confined to
their street; a street renamed by a 管理员 only."""

import pytest
from sqlalchemy import select

from bot.web.app import create_app
from bot.web.runtime import Runtime
from storage.models import Community, Grid, Street
from tests.support.console import cast, logged_in

pytestmark = pytest.mark.postgres


@pytest.fixture
def app(settings, seeded, clock, redis_client, fake_wechat):
    cast(seeded, clock())
    configured = settings.with_(wechat_api_base_url=fake_wechat.url)
    return create_app(runtime=Runtime(configured, clock=clock, database=seeded))


@pytest.fixture
def store(app):
    return app.extensions["gridbot"].database


def rename(person, kind, place, name, with_token=True):  # type: ignore[no-untyped-def]
    data = {"kind": kind, "place": place, "name": name}
    if with_token:
        data["csrf_token"] = person.token("/console/org")
    return person.client.post("/console/org/rename", data=data)


def names(store, model):  # type: ignore[no-untyped-def]
    with store.transaction() as session:
        return set(session.scalars(select(model.name)))


def test_a_street_operator_renames_a_grid_of_their_street_and_the_tree_says_so(app, store):
    person = logged_in(app, "street")

    done = rename(person, "网格", "幸福里社区·第一网格", "阳光网格")

    assert done.status_code == 302 and done.headers["Location"].endswith("/console/org")
    tree = person.get("/console/org").get_data(as_text=True)
    assert "已改名：网格 幸福里社区·第一网格 → 幸福里社区·阳光网格。" in tree
    assert "阳光网格" in names(store, Grid)


def test_a_place_of_another_street_is_as_unknown_as_a_missing_one(app, store):
    person = logged_in(app, "street")
    before = names(store, Community)

    refused = rename(person, "社区", "平安社区", "平安新社区")

    assert refused.status_code == 400
    assert "找不到社区“平安社区”" in refused.get_data(as_text=True)
    assert names(store, Community) == before


def test_only_a_console_admin_renames_a_street(app, store):
    street = logged_in(app, "street")
    assert 'value="街道"' not in street.get("/console/org").get_data(as_text=True)
    refused = rename(street, "街道", "幸福街道", "幸福新街道")
    assert refused.status_code == 400 and "请选择要改名的是哪一级" in refused.get_data(as_text=True)
    assert "幸福街道" in names(store, Street)

    admin = logged_in(app, "admin")
    assert rename(admin, "街道", "幸福街道", "幸福新街道").status_code == 302
    assert "幸福新街道" in names(store, Street)


def test_a_community_operator_has_no_rename_and_a_post_without_its_token_changes_nothing(app, store):
    community = logged_in(app, "xingfuli")
    assert 'id="org-rename"' not in community.get("/console/org").get_data(as_text=True)
    assert rename(community, "网格", "幸福里社区·第一网格", "阳光网格").status_code == 404

    street = logged_in(app, "street")
    assert rename(street, "网格", "幸福里社区·第一网格", "阳光网格", with_token=False).status_code in (400, 403)
    assert "阳光网格" not in names(store, Grid)


def test_a_clashing_name_is_refused_in_chinese(app, store):
    refused = rename(logged_in(app, "admin"), "楼栋", "阳光花园·3号楼", "2号楼")

    assert refused.status_code == 400
    assert "同一级里已经有叫“2号楼”的了，不能重名，没有改动。" in refused.get_data(as_text=True)
