"""Staff binding: `gridbot invite` prints a one-time code; `认证 <code>` binds the sender, once, before it expires."""

import hashlib
import re
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select, text

from bot.cli import main
from handlers import staff_texts
from storage import org, staff
from storage.errors import NotFound
from storage.models import Staff, StaffInvite, StaffRole

pytestmark = pytest.mark.postgres

SENT_CODE = re.compile(r"发送：认证 (\S{8})（")
REFUSED = staff_texts.CERTIFY_REFUSED


@pytest.fixture
def invite(seeded, database_url, clock):
    """`gridbot invite ARGS` on the seeded test database, at the test's clock; returns click's result."""

    def run(*args):
        return CliRunner().invoke(main, ["invite", *args], env={"GRIDBOT_DATABASE_URL": database_url}, obj=clock)

    return run


def code_of(result):
    assert result.exit_code == 0, result.output
    return SENT_CODE.search(result.output).group(1)


def member(database, openid):
    with database.transaction() as session:
        return staff.staff_by_openid(session, openid)


def grid_label_of(database, grid_id):
    with database.transaction() as session:
        return org.grid_label(session, grid_id)


def invite_count(database):
    with database.transaction() as session:
        return session.scalar(select(func.count()).select_from(StaffInvite))


def test_an_invited_grid_member_is_bound_by_sending_the_code(invite, wechat, seeded):
    result = invite("--role", "网格员", "--grid", "幸福里社区·第一网格", "--name", "张三", "--phone", "13812345678")
    code = code_of(result)
    assert f"请让 张三 在公众号发送：认证 {code}（72 小时内有效，只能使用一次）" in result.output

    reply = wechat.send("o_newstaff", f"认证 {code}")

    assert reply == "认证成功！您已绑定为 幸福里社区·第一网格 的网格员。回复“帮助”查看工作指令。"
    bound = member(seeded, "o_newstaff")
    assert (bound.role, bound.name, bound.phone, bound.active) == (StaffRole.GRID_MEMBER, "张三", "13812345678", True)
    assert grid_label_of(seeded, bound.grid_id) == "幸福里社区·第一网格"


def test_a_code_binds_only_once(invite, wechat, seeded):
    code = code_of(invite("--role", "网格长", "--grid", "和平社区/第一网格", "--name", "周敏"))
    assert "认证成功" in wechat.send("o_newstaff", f"认证 {code}")

    assert wechat.send("o_newstaff", f"认证 {code}") == REFUSED
    assert wechat.send("o_someone_else", f"认证 {code}") == REFUSED
    assert member(seeded, "o_someone_else") is None


def test_an_expired_code_is_refused_like_a_wrong_one(invite, wechat, seeded, clock):
    code = code_of(invite("--role", "网格员", "--grid", "幸福里社区·第二网格", "--ttl-hours", "2"))
    clock.advance(hours=2, seconds=1)

    assert wechat.send("o_newstaff", f"认证 {code}") == REFUSED
    assert wechat.send("o_newstaff", "认证 K7M3Q9XP") == REFUSED
    assert member(seeded, "o_newstaff") is None


def test_a_code_is_still_good_just_before_it_expires(invite, wechat, clock):
    code = code_of(invite("--role", "网格员", "--grid", "幸福里社区·第二网格", "--ttl-hours", "2"))
    clock.advance(hours=1, minutes=59)

    assert "认证成功" in wechat.send("o_newstaff", f"认证 {code}")


@pytest.mark.parametrize("typed", [
    lambda code: f"认证 {code.lower()}",
    lambda code: "认证　" + "".join(chr(ord(char) + 0xFEE0) for char in code),  # full-width, as some IMEs type
    lambda code: f"认证{code[:4]} {code[4:]}",
])
def test_codes_are_read_as_people_type_them(invite, wechat, seeded, typed):
    code = code_of(invite("--role", "网格员", "--grid", "幸福里社区·第一网格"))

    assert "认证成功" in wechat.send("o_newstaff", typed(code))
    assert member(seeded, "o_newstaff") is not None


def test_an_ambiguous_grid_is_refused_listing_both_communities(invite, seeded):
    result = invite("--role", "网格员", "--grid", "第一网格", "--name", "张三")

    assert result.exit_code == 1
    assert "幸福里社区·第一网格" in result.output and "和平社区·第一网格" in result.output
    assert "Traceback" not in result.output and "认证" not in result.output
    assert invite_count(seeded) == 0


def test_an_unknown_grid_is_refused_naming_what_exists_there(invite):
    result = invite("--role", "网格员", "--grid", "幸福里社区·第九网格")

    assert result.exit_code == 1
    assert "找不到网格“幸福里社区·第九网格”" in result.output
    assert "幸福里社区·第一网格" in result.output and "和平社区" not in result.output


def test_a_community_narrows_an_ambiguous_grid_name(invite, wechat, seeded):
    code = code_of(invite("--role", "物业", "--grid", "第一网格", "--community", "和平社区", "--department", "和美物业"))

    assert wechat.send("o_newstaff", f"认证 {code}") == (
        "认证成功！您已绑定为 和美物业（和平社区·第一网格） 的物业人员。回复“帮助”查看工作指令。")
    assert member(seeded, "o_newstaff").department == "和美物业"


def test_the_phone_number_is_printed_masked(invite):
    result = invite("--role", "网格员", "--grid", "幸福里社区·第一网格", "--name", "张三", "--phone", "138-1234-5678")

    assert "张三（138****5678）" in result.output
    assert "13812345678" not in result.output and "1234" not in result.output


def test_only_the_hash_of_the_code_is_stored(invite, seeded):
    code = code_of(invite("--role", "网格员", "--grid", "幸福里社区·第一网格", "--name", "张三"))

    with seeded.transaction() as session:
        rows = session.execute(text("SELECT * FROM staff_invites")).all()
    assert len(rows) == 1
    assert not any(code.lower() in str(value).lower() for value in rows[0])
    assert hashlib.sha256(code.encode()).hexdigest() in rows[0]


@pytest.mark.parametrize("args, needs", [
    (("--role", "网格员"), "--grid"),
    (("--role", "物业", "--department", "和美物业"), "--grid"),
    (("--role", "部门", "--grid", "幸福里社区·第一网格"), "--department"),
    (("--role", "操作员"), "--community"),
    (("--role", "队长", "--grid", "幸福里社区·第一网格"), "网格员、网格长、物业、部门、操作员"),
    (("--grid", "幸福里社区·第一网格"), "--role"),
    (("--role", "网格员", "--grid", "幸福里社区·第一网格", "--phone", "打电话"), "--phone"),
    (("--role", "网格员", "--grid", "幸福里社区·第一网格", "--ttl-hours", "0"), "--ttl-hours"),
])
def test_an_incomplete_invite_is_refused_in_chinese_naming_the_option(invite, seeded, args, needs):
    result = invite(*args)

    assert result.exit_code == 1
    assert needs in result.output and "Traceback" not in result.output
    assert invite_count(seeded) == 0


def test_an_operator_works_for_a_community_and_a_department_member_for_a_department(invite, wechat, seeded):
    operator = code_of(invite("--role", "操作员", "--community", "和平社区", "--name", "吴芳"))
    officer = code_of(invite("--role", "部门", "--department", "街道城管科"))

    assert "和平社区 的操作员" in wechat.send("o_operator", f"认证 {operator}")
    assert "街道城管科 的部门工作人员" in wechat.send("o_officer", f"认证 {officer}")
    bound = member(seeded, "o_operator")
    assert (bound.role, bound.grid_id, bound.community_id is not None) == (StaffRole.OPERATOR, None, True)
    assert member(seeded, "o_officer").department == "街道城管科"


def test_an_operator_invited_by_grid_gets_that_grids_community(invite, wechat):
    code = code_of(invite("--role", "操作员", "--grid", "幸福里社区·第二网格"))

    assert "幸福里社区·第二网格 的操作员" in wechat.send("o_operator", f"认证 {code}")


def test_an_existing_staff_member_is_rebound_not_duplicated(invite, wechat, seeded):
    code = code_of(invite("--role", "网格长", "--grid", "幸福里社区·第二网格"))

    assert "幸福里社区·第二网格 的网格长" in wechat.send("demo_staff_zhangwei", f"认证 {code}")

    with seeded.transaction() as session:
        rows = session.scalars(select(Staff).where(Staff.openid == "demo_staff_zhangwei")).all()
    assert [(row.name, row.role) for row in rows] == [("张伟", StaffRole.GRID_LEADER)]
    assert grid_label_of(seeded, rows[0].grid_id) == "幸福里社区·第二网格"


def test_certify_without_a_code_answers_with_the_usage(wechat):
    assert wechat.send("o_newstaff", "认证") == staff_texts.NEEDS_TEXT.format(usage="认证 验证码")


def test_two_people_sending_the_same_code_at_once_bind_exactly_one(seeded, clock):
    with seeded.transaction() as session:
        grid = staff.find_grid(session, "幸福里社区·第一网格")
        code = staff.create_invite(session, StaffRole.GRID_MEMBER, grid.id, grid.community_id, None, "", None,
                                   clock(), timedelta(hours=1))
    barrier = threading.Barrier(4)

    def redeem(i):
        barrier.wait()
        try:
            with seeded.transaction() as session:
                return staff.redeem(session, f"o_racer{i}", code, clock()).openid
        except NotFound:
            return None

    with ThreadPoolExecutor(4) as pool:
        winners = [openid for openid in pool.map(redeem, range(4)) if openid]
    assert len(winners) == 1
    with seeded.transaction() as session:
        assert session.scalar(select(func.count()).select_from(Staff).where(Staff.openid.like("o_racer%"))) == 1


@pytest.mark.parametrize("typed", ["幸福里社区/第一网格", "幸福里社区·第一网格", "幸福里社区 · 第一网格", "幸福里社区／第一网格",
                                   "幸福街道/幸福里社区/第一网格"])
def test_a_grid_is_found_by_the_ways_people_name_it(seeded, typed):
    with seeded.transaction() as session:
        assert org.grid_label(session, staff.find_grid(session, typed).id) == "幸福里社区·第一网格"


def test_a_grid_name_unique_in_the_street_needs_no_community(seeded):
    with seeded.transaction() as session:
        community = staff.find_community(session, "和平社区")
        added = org.ensure_grid(session, community, "第三网格")
        assert staff.find_grid(session, "第三网格").id == added.id


def test_an_ambiguous_grid_error_carries_the_candidates(seeded):
    with seeded.transaction() as session, pytest.raises(staff.AmbiguousPlace) as raised:
        staff.find_grid(session, "第二网格")
    assert raised.value.candidates == ["幸福里社区·第二网格", "和平社区·第二网格"]


def test_codes_are_eight_characters_from_an_alphabet_without_look_alikes():
    codes = [staff.new_code() for _ in range(2000)]

    assert all(len(code) == 8 and set(code) <= set(staff.CODE_ALPHABET) for code in codes)
    assert not set("01OIL") & set(staff.CODE_ALPHABET)
    assert set("".join(codes)) == set(staff.CODE_ALPHABET)  # every character is used, none is stuck
    assert len(set(codes)) == len(codes)


@pytest.mark.parametrize("typed, expected", [
    ("K7M3Q9XP", "K7M3Q9XP"), (" k7m3q9xp ", "K7M3Q9XP"), ("ｋ７ｍ３ｑ９ｘｐ", "K7M3Q9XP"), ("K7M3-Q9XP", "K7M3Q9XP"),
    ("K7M3Q9X", None), ("K7M3Q9XP2", None), ("K0M3Q9XP", None), ("验证码", None), ("", None),
])
def test_codes_are_normalised_before_they_are_hashed(typed, expected):
    assert staff.normalize_code(typed) == expected


def test_a_question_about_certification_is_an_appeal_not_a_code(wechat):
    assert "已受理您的诉求" in wechat.send("o1", "认证码是多少，社区养老补贴怎么认证")
    assert "认证 验证码" in wechat.send("o1", "认证")
