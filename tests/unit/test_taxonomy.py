"""Loading and validating the taxonomy file operators edit."""

from __future__ import annotations

import dataclasses
import pickle
import re
from pathlib import Path

import pytest

from nlp import UNCLASSIFIED, Category, Taxonomy, TaxonomyError, load_taxonomy

GOOD_CATEGORY = """
[[category]]
name = "物业服务"
response_hours = 2
resolve_hours = 72
route = "grid"
sensitive = false
keywords = { "电梯" = 3.0, "物业" = 2 }
negative = { "卫生间" = 1.0 }
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "taxonomy.toml"
    path.write_text(text, encoding="utf-8")
    return path


def category_with(**fields: str) -> str:
    """A one-category file whose fields are the good ones, with some replaced (or removed when given "")."""
    values = {
        "name": '"物业服务"',
        "response_hours": "2",
        "resolve_hours": "72",
        "route": '"grid"',
        "sensitive": "false",
        "keywords": '{ "电梯" = 3.0 }',
    }
    values.update(fields)
    body = "\n".join(f"{key} = {value}" for key, value in values.items() if value)
    return f"threshold = 0.35\n[[category]]\n{body}\n"


@pytest.fixture(scope="module")
def shipped() -> Taxonomy:
    return load_taxonomy()


def test_a_valid_file_loads_with_its_values(tmp_path: Path) -> None:
    tax = load_taxonomy(write(tmp_path, "threshold = 0.4\n" + GOOD_CATEGORY))
    assert tax.threshold == 0.4
    assert tax.categories == (
        Category(
            name="物业服务",
            response_hours=2,
            resolve_hours=72,
            route="grid",
            sensitive=False,
            keywords={"电梯": 3.0, "物业": 2.0},
            negative={"卫生间": 1.0},
        ),
    )
    assert tax.category("物业服务").keywords["物业"] == 2.0


def test_categories_keep_file_order_and_departments_are_named(tmp_path: Path) -> None:
    second = GOOD_CATEGORY.replace("物业服务", "综合执法").replace('"grid"', '"department:综合执法中队"')
    tax = load_taxonomy(write(tmp_path, "threshold = 0.35\n" + GOOD_CATEGORY + second))
    assert [category.name for category in tax.categories] == ["物业服务", "综合执法"]
    assert tax.category("综合执法").department == "综合执法中队"
    assert tax.category("物业服务").department is None


def test_keywords_are_normalised_like_messages(tmp_path: Path) -> None:
    text = category_with(keywords='{ "ＷｉＦｉ" = 2.0, " 电梯 " = 3.0 }')
    assert dict(load_taxonomy(write(tmp_path, text)).category("物业服务").keywords) == {"wifi": 2.0, "电梯": 3.0}


def test_a_category_is_immutable(shipped: Taxonomy) -> None:
    category = shipped.categories[0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        category.name = "别的"  # type: ignore[misc]
    with pytest.raises(TypeError):
        category.keywords["新词"] = 1.0  # type: ignore[index]
    assert hash(category) == hash(shipped.categories[0])
    assert pickle.loads(pickle.dumps(shipped)) == shipped


def test_an_unknown_category_is_a_key_error(shipped: Taxonomy) -> None:
    with pytest.raises(KeyError):
        shipped.category("不存在")


def test_unclassified_is_a_synthetic_category_with_the_default_limits(shipped: Taxonomy) -> None:
    pending = shipped.category(UNCLASSIFIED)
    assert UNCLASSIFIED == "待分类"
    assert (pending.name, pending.route, pending.sensitive) == ("待分类", "grid", False)
    assert pending.response_hours == shipped.default_response_hours
    assert pending.resolve_hours == shipped.default_resolve_hours
    assert dict(pending.keywords) == {}


def test_the_shipped_taxonomy_has_the_eleven_categories_of_the_domain(shipped: Taxonomy) -> None:
    assert [category.name for category in shipped.categories] == [
        "物业服务", "环境卫生", "市政设施", "噪音扰民", "邻里纠纷", "家庭矛盾",
        "小区治理", "安全隐患", "政策咨询", "养老服务", "综合执法",
    ]
    assert 0 < shipped.threshold < 1


def test_every_shipped_category_has_at_least_25_keywords(shipped: Taxonomy) -> None:
    counts = {category.name: len(category.keywords) for category in shipped.categories}
    assert min(counts.values()) >= 25, counts


def test_the_shipped_routes_limits_and_sensitivity_follow_the_domain(shipped: Taxonomy) -> None:
    assert shipped.category("综合执法").route == "department:综合执法中队"
    assert shipped.limits("噪音扰民", "施工噪音").department == "综合执法中队"
    assert shipped.limits("噪音扰民", "生活噪音").department is None
    assert shipped.limits("噪音扰民").route == "grid"
    assert shipped.departments == ("综合执法中队",)
    water, heating = shipped.category("市政设施"), shipped.category("物业服务")
    assert {sub.name for sub in water.subcategories} >= {"供水", "供暖", "供电"}
    assert not {sub.name for sub in heating.subcategories} & {"供水", "供暖"}
    assert {category.name for category in shipped.categories if category.sensitive} == {"邻里纠纷", "家庭矛盾"}
    fastest = min(shipped.categories, key=lambda category: category.response_hours)
    assert fastest.name == "安全隐患"
    assert all(category.response_hours <= category.resolve_hours for category in shipped.categories)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (category_with(name=""), 'category #1: missing field "name"'),
        (category_with(name='"  "'), 'category #1: field "name" must be a non-empty string'),
        (category_with(name='"待分类"'), 'category "待分类": field "name" is reserved'),
        (category_with(response_hours="0"), 'category "物业服务": field "response_hours" must be a positive'),
        (category_with(resolve_hours="-5"), 'category "物业服务": field "resolve_hours" must be a positive'),
        (category_with(response_hours="1.5"), 'field "response_hours" must be a positive whole number'),
        (category_with(response_hours="true"), 'field "response_hours" must be a positive whole number'),
        (category_with(resolve_hours=""), 'category "物业服务": missing field "resolve_hours"'),
        (category_with(response_hours="80"), 'field "response_hours" (80) exceeds "resolve_hours" (72)'),
        (category_with(route='"street"'), 'category "物业服务": field "route" must be "grid" or "department:<name>"'),
        (category_with(route='"department:"'), 'field "route" must be "grid" or "department:<name>"'),
        (category_with(route=""), 'category "物业服务": missing field "route"'),
        (category_with(sensitive='"yes"'), 'category "物业服务": field "sensitive" must be true or false'),
        (category_with(working_days='"是"'), 'category "物业服务": field "working_days" must be true or false'),
        (category_with(working_days="1"), 'category "物业服务": field "working_days" must be true or false'),
        (category_with(keywords='{ "电梯" = "high" }'), 'field "keywords": weight of "电梯" must be a positive number'),
        (category_with(keywords='{ "电梯" = 0 }'), 'field "keywords": weight of "电梯" must be a positive number'),
        (category_with(keywords='{ "电梯" = true }'), 'weight of "电梯" must be a positive number'),
        (category_with(keywords='{ "电梯" = nan }'), 'weight of "电梯" must be a positive number'),
        (category_with(keywords="{ }"), 'category "物业服务": field "keywords" is empty'),
        (category_with(keywords='"电梯"'), 'field "keywords" must be a table'),
        (category_with(keywords=""), 'category "物业服务": missing field "keywords"'),
        (category_with(keywords='{ "  " = 1.0 }'), 'field "keywords" has an empty word'),
        (category_with(keywords='{ "WiFi" = 1.0, "wifi" = 2.0 }'), '"wifi" repeats another word once normalised'),
        (
            category_with(negative='{ "电梯" = 1.0 }'),
            'category "物业服务": keyword "电梯" is in both "keywords" and "negative"',
        ),
        (category_with(negative='{ "卫生间" = "a lot" }'), 'field "negative": weight of "卫生间" must be a positive'),
        (category_with(resolve_hour="72"), "category \"物业服务\": unknown field 'resolve_hour'"),
        (category_with() + category_with().split("\n", 1)[1], 'duplicate category "物业服务"'),
        (category_with().replace("0.35", "1.5"), 'field "threshold" must be a number between 0 and 1'),
        (category_with().replace("0.35", "0"), 'field "threshold" must be a number between 0 and 1'),
        (category_with().replace("0.35", '"high"'), 'field "threshold" must be a number between 0 and 1'),
        (category_with().replace("threshold = 0.35\n", ""), 'missing field "threshold"'),
        ("threshold = 0.35\n", "no categories"),
        ("threshold = 0.35\n[[categories]]\nname = 'x'\n", "unknown top-level key 'categories'"),
        ("threshold = 0.35\ndefault_response_hours = 0\n" + GOOD_CATEGORY, 'field "default_response_hours" must be'),
        ("threshold = 0.35\n[[category]\n", "not valid UTF-8 TOML"),
    ],
)
def test_a_broken_file_is_refused_naming_the_problem(tmp_path: Path, text: str, message: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(TaxonomyError) as caught:
        load_taxonomy(path)
    assert message in str(caught.value)
    assert str(path) in str(caught.value)


def test_a_missing_file_is_a_taxonomy_error(tmp_path: Path) -> None:
    with pytest.raises(TaxonomyError, match="cannot read taxonomy file"):
        load_taxonomy(tmp_path / "absent.toml")


def test_a_file_saved_by_notepad_with_a_bom_loads(tmp_path: Path) -> None:
    path = tmp_path / "taxonomy.toml"
    path.write_text("threshold = 0.4\n" + GOOD_CATEGORY, encoding="utf-8-sig")

    assert load_taxonomy(path).threshold == 0.4


def test_a_file_that_is_not_utf8_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "taxonomy.toml"
    path.write_bytes(category_with().encode("gbk"))
    with pytest.raises(TaxonomyError, match="not valid UTF-8 TOML"):
        load_taxonomy(path)


def test_hotspot_thresholds_are_read_and_checked(tmp_path: Path) -> None:
    tax = load_taxonomy(write(tmp_path, "threshold = 0.4\n[hotspots]\nwindow_days = 3\nbuilding = 2\n" + GOOD_CATEGORY))
    assert (tax.hotspots.window_days, tax.hotspots.building, tax.hotspots.compound, tax.hotspots.grid) == (3, 2, 5, 8)
    assert load_taxonomy().hotspots.building == 3
    for bad, message in (("building = 0", "positive whole number"), ("grid = 2", "building <= compound <= grid"),
                         ("days = 3", "unknown field 'days'")):
        with pytest.raises(TaxonomyError, match=re.escape(message)):
            load_taxonomy(write(tmp_path, f"threshold = 0.4\n[hotspots]\n{bad}\n" + GOOD_CATEGORY))


def test_sensitive_categories_are_the_private_ones() -> None:
    assert load_taxonomy().sensitive == {"邻里纠纷", "家庭矛盾", "投诉工作人员"}


SUBCATEGORIES = """
[[category.subcategory]]
name = "电梯"
keywords = { "电梯" = 3.0, "困人" = 2.0 }

[[category.subcategory]]
name = "供水"
keywords = { "停水" = 3.0, "水压" = 2.0 }
"""


def test_subcategories_are_read_and_picked_by_their_keywords(tmp_path: Path) -> None:
    tax = load_taxonomy(write(tmp_path, "threshold = 0.4\n" + GOOD_CATEGORY + SUBCATEGORIES))
    category = tax.category("物业服务")
    assert [sub.name for sub in category.subcategories] == ["电梯", "供水"]
    assert category.subcategory_of("3号楼电梯又坏了") == "电梯"
    assert category.subcategory_of("停水两天，水压也低") == "供水"
    assert category.subcategory_of("电梯停水") == "电梯"  # a tie goes to the earlier one
    assert category.subcategory_of("物业态度差") is None
    assert pickle.loads(pickle.dumps(category)) == category


@pytest.mark.parametrize(("table", "message"), [
    ('name = "电梯"\nkeywords = {}', 'subcategory "电梯": field "keywords" is empty'),
    ('name = "电梯"', 'subcategory "电梯": missing field "keywords"'),
    ('name = ""\nkeywords = { "电梯" = 1 }', 'subcategory #1: field "name" must be a non-empty string'),
    ('name = "电梯"\nkeywords = { "电梯" = 1 }\nrote = "grid"', "unknown field 'rote'"),
    ('name = "电梯"\nkeywords = { "电梯" = 1 }\nroute = "street"',
     'subcategory "电梯": field "route" must be "grid" or "department:<name>"'),
    ('name = "电梯"\nkeywords = { "电梯" = 1 }\nresponse_hours = 0',
     'subcategory "电梯": field "response_hours" must be a positive whole number'),
    ('name = "电梯"\nkeywords = { "电梯" = 1 }\nresponse_hours = 100',
     'subcategory "电梯": its response hours (100) exceed its resolve hours (72)'),
])
def test_a_bad_subcategory_is_named(tmp_path: Path, table: str, message: str) -> None:
    with pytest.raises(TaxonomyError, match=re.escape(message)):
        load_taxonomy(write(tmp_path, "threshold = 0.4\n" + GOOD_CATEGORY + "[[category.subcategory]]\n" + table))


def test_a_subcategory_may_route_elsewhere_and_keep_other_clocks(tmp_path: Path) -> None:
    own = ('[[category.subcategory]]\nname = "电梯"\nkeywords = { "电梯" = 3.0 }\n'
           'route = "department:维保公司"\nresponse_hours = 1\n')
    tax = load_taxonomy(write(tmp_path, "threshold = 0.4\n" + GOOD_CATEGORY + own + SUBCATEGORIES.split("\n\n")[1]))
    category = tax.category("物业服务")
    assert tax.limits("物业服务", "电梯") == category.limits("电梯")
    assert (category.limits("电梯").department, category.limits("电梯").response_hours,
            category.limits("电梯").resolve_hours) == ("维保公司", 1, 72)
    assert (category.limits("供水").route, category.limits("供水").response_hours) == ("grid", 2)
    assert category.limits(None) == category.limits("no such") == category.limits("供水")
    assert category.department is None  # the category's own route
    assert tax.departments == ("维保公司",)
    assert pickle.loads(pickle.dumps(category)) == category


def test_a_repeated_subcategory_is_refused(tmp_path: Path) -> None:
    twice = SUBCATEGORIES + '[[category.subcategory]]\nname = "电梯"\nkeywords = { "升降梯" = 1 }\n'
    with pytest.raises(TaxonomyError, match='subcategory "电梯": duplicate subcategory'):
        load_taxonomy(write(tmp_path, "threshold = 0.4\n" + GOOD_CATEGORY + twice))


def test_a_category_may_count_working_days(tmp_path: Path) -> None:
    tax = load_taxonomy(write(tmp_path, category_with(working_days="true")))
    category = tax.category("物业服务")
    assert category.working_days and pickle.loads(pickle.dumps(category)) == category
    assert not load_taxonomy(write(tmp_path, category_with())).category("物业服务").working_days


def test_volunteer_work_is_flagged_per_category_and_a_subcategory_may_say_otherwise(tmp_path: Path) -> None:
    own = SUBCATEGORIES.replace('name = "供水"', 'name = "供水"\nvolunteers = false')
    tax = load_taxonomy(write(tmp_path, "threshold = 0.4\n" + GOOD_CATEGORY + "volunteers = true\n" + own))
    assert tax.for_volunteers("物业服务") and tax.for_volunteers("物业服务", "电梯")  # 电梯 inherits
    assert not tax.for_volunteers("物业服务", "供水")
    assert not tax.for_volunteers("没有这个类别") and not tax.for_volunteers(UNCLASSIFIED)
    assert pickle.loads(pickle.dumps(tax.category("物业服务"))) == tax.category("物业服务")
    unflagged = load_taxonomy(write(tmp_path, "threshold = 0.4\n" + GOOD_CATEGORY
                                    + SUBCATEGORIES.replace('name = "电梯"', 'name = "电梯"\nvolunteers = true')))
    assert unflagged.for_volunteers("物业服务", "电梯") and not unflagged.for_volunteers("物业服务", "供水")


def test_the_shipped_volunteer_work_is_care_for_the_elderly_and_clearing_posters(shipped: Taxonomy) -> None:
    assert shipped.for_volunteers("养老服务") and shipped.for_volunteers("环境卫生", "小广告")
    assert not shipped.for_volunteers("环境卫生", "垃圾清运") and not shipped.for_volunteers("环境卫生")
    assert not any(shipped.for_volunteers(name) for name in shipped.sensitive)


@pytest.mark.parametrize("where", ["category", "subcategory"])
def test_a_sensitive_category_cannot_be_given_to_volunteers(tmp_path: Path, where: str) -> None:
    text = category_with(sensitive="true", volunteers="true" if where == "category" else "")
    if where == "subcategory":
        text += '[[category.subcategory]]\nname = "电梯"\nkeywords = { "电梯" = 1 }\nvolunteers = true\n'
    with pytest.raises(TaxonomyError, match='category "物业服务": a sensitive category cannot be given to volunteers'):
        load_taxonomy(write(tmp_path, text))


def test_the_volunteer_flag_is_true_or_false(tmp_path: Path) -> None:
    with pytest.raises(TaxonomyError, match='field "volunteers" must be true or false'):
        load_taxonomy(write(tmp_path, category_with(volunteers='"yes"')))


def test_a_stairwell_light_said_in_everyday_words_is_the_stairwell_lighting() -> None:
    # "我家楼道的灯不亮了" reached 物业服务 by the category's keywords but no 细分, unlike "楼道灯不亮"
    property_services = {category.name: category for category in load_taxonomy().categories}["物业服务"]
    for said in ("我家楼道的灯不亮了", "楼道里的灯坏了好几天了", "楼道灯不亮"):
        assert property_services.subcategory_of(said) == "楼道照明"
