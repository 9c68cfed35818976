"""Staff binding: `gridbot invite` prints a one-time code; `认证 <code>` binds the sender, once, before it expires."""

import hashlib
import json
import logging
import re
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select, text

from bot.cli.gridbot import main
from bot.privacy import mask
from handlers import notifications, staff_texts
from handlers.resident_texts import LOCAL_ZONE
from storage import org, seeding, staff
from storage.errors import NotFound
from storage.models import Community, Grid, OutboxMessage, Staff, StaffInvite, StaffRole, Street
from storage.notices import StaffCertifyLocked
from tests.conftest import TEST_SECRET_KEY
from tests.support.database import worded

pytestmark = pytest.mark.postgres

SENT_CODE = re.compile(r"发送：认证 (\S{8})（")
REFUSED = staff_texts.CERTIFY_REFUSED


@pytest.fixture
def invite(seeded, database_url, clock):
    """`gridbot invite ARGS` on the seeded test database, at the test's clock; returns click's result."""

    def run(*args):
        env = {"GRIDBOT_DATABASE_URL": database_url, "GRIDBOT_SECRET_KEY": TEST_SECRET_KEY}
        return CliRunner().invoke(main, ["invite", *args], env=env, obj=clock)

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
    assert "请把下面这段话原样转发给 张三：" in result.output
    assert "张三您好！" in result.output and f"在对话框中发送：认证 {code}（72 小时内有效，只能使用一次" in result.output

    assert wechat.send("o_newstaff", f"认证 {code}") == staff_texts.CERTIFY_ASK_PHONE
    reply = wechat.send("o_newstaff", "5678")

    assert reply == "认证成功！您已绑定为 幸福里社区·第一网格 的网格员。回复“帮助”查看工作指令。"
    bound = member(seeded, "o_newstaff")
    assert (bound.role, bound.name, bound.phone, bound.active) == (StaffRole.GRID_MEMBER, "张三", "13812345678", True)
    assert grid_label_of(seeded, bound.grid_id) == "幸福里社区·第一网格"


@pytest.mark.parametrize("digits", ["5678。", "5 6 7 8", "５６７８！"])
def test_the_phone_digits_said_by_voice_or_spaced_bind_too(invite, wechat, seeded, digits):
    code = code_of(invite("--role", "网格员", "--grid", "幸福里社区·第一网格", "--name", "张三", "--phone", "13812345678"))
    wechat.send("o_newstaff", f"认证 {code}")

    assert wechat.send("o_newstaff", digits).startswith("认证成功！")
    assert member(seeded, "o_newstaff").name == "张三"


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


def test_a_second_street_with_a_community_of_the_same_name_is_told_apart_by_its_street(invite, wechat, seeded, clock):
    with seeded.transaction() as session:
        seeding.seed_street(session, seeding.StreetPlan("平安街道", {"幸福里社区": {"第一网格": ("平安小区", {
            "1号楼": ("1单元",)})}}), clock())

    refused = invite("--role", "网格员", "--grid", "幸福里社区·第一网格", "--name", "刘洋")
    operator = invite("--role", "操作员", "--community", "幸福里社区", "--name", "陈")
    code = code_of(invite("--role", "网格员", "--grid", "平安街道·幸福里社区·第一网格", "--name", "刘洋"))

    assert refused.exit_code == 1 and refused.output.splitlines()[1:] == [
        "· 幸福街道·幸福里社区·第一网格", "· 平安街道·幸福里社区·第一网格"]
    assert "街道·社区·网格" in refused.output.splitlines()[0]
    assert operator.exit_code == 1 and "· 平安街道·幸福里社区" in operator.output
    wechat.send("o_newstaff", f"认证 {code}")
    with seeded.transaction() as session:
        street = session.scalar(select(Street.name).join(Community, Community.street_id == Street.id)
                                .join(Grid, Grid.community_id == Community.id)
                                .where(Grid.id == staff.staff_by_openid(session, "o_newstaff").grid_id))
    assert street == "平安街道"


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


def test_only_a_keyed_hash_of_the_code_is_stored(invite, seeded, clock):
    code = code_of(invite("--role", "网格员", "--grid", "幸福里社区·第一网格", "--name", "张三"))

    with seeded.transaction() as session:
        rows = session.execute(text("SELECT * FROM staff_invites")).all()
    assert len(rows) == 1
    assert not any(code.lower() in str(value).lower() for value in rows[0])
    # Not sha256(code): whoever copies the table can't test the 31^8 codes against it without the server's secret.
    assert hashlib.sha256(code.encode()).hexdigest() not in rows[0]
    assert staff.code_hash(code, TEST_SECRET_KEY) in rows[0]
    with seeded.transaction() as session, pytest.raises(NotFound):
        staff.redeem(session, "o_newstaff", code, clock(), "another-server-secret-0123456789abcdef")
    with seeded.transaction() as session:
        assert staff.redeem(session, "o_newstaff", code, clock(), TEST_SECRET_KEY).openid == "o_newstaff"


@pytest.mark.parametrize("args, needs", [
    (("--role", "网格员"), "--grid"),
    (("--role", "物业", "--department", "和美物业"), "--grid"),
    (("--role", "部门", "--grid", "幸福里社区·第一网格"), "--department"),
    (("--role", "操作员"), "--community"),
    (("--role", "队长", "--grid", "幸福里社区·第一网格"), "网格员、网格长、物业、部门、操作员"),
    (("--grid", "幸福里社区·第一网格"), "--role"),
    (("--role", "网格员", "--grid", "幸福里社区·第一网格", "--phone", "打电话"), "--phone"),
    (("--role", "网格员", "--grid", "幸福里社区·第一网格", "--phone", "12345"), "11 位手机号"),
    (("--role", "网格员", "--grid", "幸福里社区·第一网格", "--ttl-hours", "0"), "--ttl-hours"),
])
def test_an_incomplete_invite_is_refused_in_chinese_naming_the_option(invite, seeded, args, needs):
    result = invite(*args)

    assert result.exit_code == 1
    assert needs in result.output and "Traceback" not in result.output
    assert invite_count(seeded) == 0


def test_an_operator_works_for_a_community_and_a_department_member_for_a_department(invite, wechat, seeded):
    operator = code_of(invite("--role", "操作员", "--community", "和平社区", "--name", "吴芳"))
    officer = code_of(invite("--role", "部门", "--department", "综合执法中队"))

    assert "和平社区 的操作员" in wechat.send("o_operator", f"认证 {operator}")
    # An install of one street: the 中队 invited without --street is that street's (storage.unit_reach).
    assert "综合执法中队（幸福街道） 的部门工作人员" in wechat.send("o_officer", f"认证 {officer}")
    bound = member(seeded, "o_operator")
    assert (bound.role, bound.grid_id, bound.community_id is not None) == (StaffRole.OPERATOR, None, True)
    assert member(seeded, "o_officer").department == "综合执法中队"
    assert member(seeded, "o_officer").street_id is not None


def test_with_several_streets_a_department_invite_names_its_street_or_is_deliberately_district_wide(
        invite, wechat, seeded, clock):
    with seeded.transaction() as session:
        seeding.seed_street(session, seeding.StreetPlan("安宁街道", {"安宁社区": {"第一网格": ("翠湖苑", {"1号楼": ()})}}),
                            clock())
        anning = staff.find_street(session, "安宁街道").id

    unplaced = invite("--role", "部门", "--department", "综合执法中队")
    assert unplaced.exit_code == 1 and staff_texts.INVITE_MISSING["department_place"] in unplaced.output
    printed = invite("--role", "部门", "--department", "综合执法中队", "--street", "安宁街道", "--name", "吴队长")
    assert "已生成部门工作人员邀请" in printed.output and "综合执法中队（安宁街道）" in printed.output
    assert "综合执法中队（安宁街道） 的部门工作人员" in wechat.send("o_anning_squad", f"认证 {code_of(printed)}")
    assert member(seeded, "o_anning_squad").street_id == anning
    printed = invite("--role", "部门", "--department", "综合执法中队", "--all-streets", "--name", "刘工")
    assert "综合执法中队（全区）" in printed.output  # told apart from a street's 中队, in the text forwarded too
    assert "综合执法中队（全区） 的部门工作人员" in wechat.send("o_district", f"认证 {code_of(printed)}")
    office = member(seeded, "o_district")
    assert (office.street_id, office.community_id, office.grid_id) == (None, None, None)
    both = invite("--role", "部门", "--department", "综合执法中队", "--all-streets", "--street", "安宁街道")
    assert both.exit_code == 1 and "--street 只用于" in both.output
    assert "--all-streets 只用于" in invite("--role", "网格员", "--grid", "幸福里社区·第一网格", "--all-streets").output


def test_an_operator_invited_by_grid_gets_that_grids_community(invite, wechat, seeded):
    printed = invite("--role", "操作员", "--grid", "幸福里社区·第二网格")
    assert "]：幸福里社区\n" in printed.output and "作为 幸福里社区 的操作员" in printed.output

    assert "您已绑定为 幸福里社区 的操作员" in wechat.send("o_operator", f"认证 {code_of(printed)}")
    bound = member(seeded, "o_operator")
    assert (bound.grid_id, bound.community_id is not None) == (None, True)  # the community's, all of it


def test_an_existing_staff_member_is_rebound_not_duplicated(invite, wechat, seeded):
    code = code_of(invite("--role", "网格长", "--grid", "幸福里社区·第二网格"))

    assert "幸福里社区·第二网格 的网格长" in wechat.send("demo_staff_zhangwei", f"认证 {code}")

    with seeded.transaction() as session:
        rows = session.scalars(select(Staff).where(Staff.openid == "demo_staff_zhangwei")).all()
    assert [(row.name, row.role) for row in rows] == [("张伟", StaffRole.GRID_LEADER)]
    assert grid_label_of(seeded, rows[0].grid_id) == "幸福里社区·第二网格"


def test_inviting_again_someone_whose_invite_waits_says_which_code_to_take_back(invite, wechat):
    first = invite("--role", "操作员", "--street", "幸福街道", "--name", "刘主任")
    again = invite("--role", "操作员", "--street", "幸福街道", "--name", "刘主任")

    listed = re.search(r"已生成操作员邀请 \[(\d+)\]", first.output).group(1)
    assert again.exit_code == 0, again.output
    assert (f"注意：刘主任 已有待使用的邀请 [{listed}]，用其中任何一个验证码都能认证为这个身份；"
            f"不再需要的请撤销，例如 gridbot invite revoke {listed}。") in again.output
    assert "注意" not in first.output
    assert "注意" not in invite("--role", "操作员", "--street", "幸福街道", "--name", "刘副主任").output


def test_certify_without_a_code_answers_with_the_usage(wechat):
    assert wechat.send("o_newstaff", "认证") == staff_texts.NEEDS_TEXT.format(usage="认证 验证码")


def test_two_people_sending_the_same_code_at_once_bind_exactly_one(seeded, clock):
    with seeded.transaction() as session:
        grid = staff.find_grid(session, "幸福里社区·第一网格")
        code = staff.create_invite(session, StaffRole.GRID_MEMBER, grid.id, grid.community_id, None, "", None,
                                   clock(), TEST_SECRET_KEY, timedelta(hours=1))
    barrier = threading.Barrier(4)

    def redeem(i):
        barrier.wait()
        try:
            with seeded.transaction() as session:
                return staff.redeem(session, f"o_racer{i}", code, clock(), TEST_SECRET_KEY).openid
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


def test_the_places_a_refusal_suggests_hold_the_words_in_either_case_on_postgresql_as_on_sqlite(seeded):
    # SQLite's LIKE ignores the case of Latin letters, PostgreSQL's does not: "cbd" suggested CBD社区 only on SQLite.
    from storage.models import Community
    with seeded.transaction() as session:
        session.scalars(select(Community).where(Community.name == "和平社区")).one().name = "CBD社区"
    with seeded.transaction() as session, pytest.raises(staff.UnknownPlace) as raised:
        staff.find_community(session, "cbd")
    assert raised.value.candidates == ["CBD社区"]


def test_an_ambiguous_grid_error_carries_the_candidates(seeded):
    with seeded.transaction() as session, pytest.raises(staff.AmbiguousPlace) as raised:
        staff.find_grid(session, "第二网格")
    assert raised.value.candidates == ["幸福里社区·第二网格", "和平社区·第二网格"]


def test_an_invite_made_out_to_someone_who_left_since_binds_nobody_but_one_made_when_they_come_back_does(
        invite, wechat, seeded, clock):
    code = code_of(invite("--role", "网格员", "--grid", "幸福里社区·第一网格", "--name", "张伟"))
    with seeded.transaction() as session:  # 张伟 left, and the invite made out to him escaped being revoked
        zhang = session.scalars(select(Staff).where(Staff.name == "张伟")).one()
        zhang.active, zhang.disabled_at = False, clock()
    clock.advance(minutes=1)

    assert wechat.send("o_holder", f"认证 {code}") == REFUSED
    assert member(seeded, "o_holder") is None
    again = code_of(invite("--role", "网格员", "--grid", "幸福里社区·第一网格", "--name", "张伟"))  # he is back
    assert wechat.send("o_holder", f"认证 {again}").startswith("认证成功")


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


# --- 认证 attempt limit (issue 8, item 10) -----------------------------------------------------------------

LOCKED = "验证码错误次数过多"
GUESSER = "o_guesser_0123456789"


def wrong_codes(count):
    """Well-formed codes that were never issued."""
    return [f"K7M3Q{index:03d}".translate(str.maketrans("01", "XY")) for index in range(count)]


def lockout_alerts(database):
    with database.transaction() as session:
        rows = session.scalars(select(OutboxMessage).where(OutboxMessage.template == StaffCertifyLocked.name)).all()
        return [(row.recipient_openid, json.loads(row.params)) for row in rows]


def test_a_brute_force_of_wrong_codes_locks_the_sender_out_even_for_the_right_code(invite, wechat, seeded):
    code = code_of(invite("--role", "网格长", "--grid", "幸福里社区·第一网格"))

    replies = [wechat.send(GUESSER, f"认证 {guess}") for guess in wrong_codes(20)]

    assert replies[:4] == [REFUSED] * 4
    assert all(LOCKED in reply for reply in replies[4:])
    assert LOCKED in wechat.send(GUESSER, f"认证 {code}")
    assert member(seeded, GUESSER) is None
    assert "认证成功" in wechat.send("o_someone_else", f"认证 {code}")  # the lock is the guesser's, not the code's


def test_the_lockout_says_until_when_and_ends_after_an_hour(invite, wechat, seeded, clock):
    code = code_of(invite("--role", "网格员", "--grid", "幸福里社区·第一网格"))
    for guess in wrong_codes(5):
        wechat.send(GUESSER, f"认证 {guess}")

    assert "请在 11月22日 11:00 之后再试" in wechat.send(GUESSER, f"认证 {code}")  # locked at 10:00 Beijing time
    clock.advance(minutes=59)
    assert LOCKED in wechat.send(GUESSER, f"认证 {code}")
    clock.advance(minutes=1)
    assert "认证成功" in wechat.send(GUESSER, f"认证 {code}")


def test_a_lockout_running_into_the_new_year_says_the_year_it_ends_in_to_the_sender_and_the_operators(
        wechat, seeded, clock):
    clock.current = datetime(2026, 12, 31, 23, 30, tzinfo=LOCAL_ZONE)
    for guess in wrong_codes(5):
        wechat.send(GUESSER, f"认证 {guess}")

    assert "请在 2027年1月1日 00:30 之后再试" in wechat.send(GUESSER, f"认证 {wrong_codes(6)[5]}")
    (alert,) = worded(seeded, StaffCertifyLocked.name, "demo_staff_sunli")
    assert "已暂停其认证至 2027年1月1日 00:30" in alert, alert


def test_wrong_codes_spread_over_more_than_the_window_do_not_lock(invite, wechat, seeded, clock):
    code = code_of(invite("--role", "网格员", "--grid", "幸福里社区·第一网格"))
    for guess in wrong_codes(8):
        assert wechat.send(GUESSER, f"认证 {guess}") == REFUSED
        clock.advance(minutes=4)  # 4 in 15 minutes, never 5

    assert "认证成功" in wechat.send(GUESSER, f"认证 {code}")


def test_wrong_phone_digits_from_many_accounts_spend_the_invite_before_they_could_find_the_digits(
        invite, wechat, seeded):
    code = code_of(invite("--role", "网格员", "--grid", "幸福里社区·第一网格", "--name", "张三", "--phone", "13812345678"))
    guesses = [f"{number:04d}" for number in range(staff.PHONE_DIGITS_PER_INVITE)]  # never 5678
    replies = []
    for number, digits in enumerate(guesses):  # each account stays under its own lockout (5 in 15 minutes)
        guesser = f"o_guesser_{number // 2}"
        wechat.send(guesser, f"认证 {code}")
        replies.append(wechat.send(guesser, digits))

    assert replies[:-1] == [staff_texts.CERTIFY_WRONG_DIGITS] * (staff.PHONE_DIGITS_PER_INVITE - 1)
    assert replies[-1] == REFUSED
    assert wechat.send("o_guesser_last", f"认证 {code}") == REFUSED  # not even asked for the digits any more
    assert member(seeded, "o_guesser_last") is None
    with seeded.transaction() as session:
        assert session.scalars(select(StaffInvite.revoked_at)).one() is not None  # `invite list` says 已撤销


def test_the_invited_person_who_mistypes_the_digits_once_is_still_bound(invite, wechat, seeded):
    code = code_of(invite("--role", "网格员", "--grid", "幸福里社区·第一网格", "--name", "张三", "--phone", "13812345678"))
    wechat.send("o_newstaff", f"认证 {code}")

    assert wechat.send("o_newstaff", "5687") == staff_texts.CERTIFY_WRONG_DIGITS
    assert wechat.send("o_newstaff", "5678").startswith("认证成功！")


def test_the_duty_desk_hears_of_a_lockout_once_with_the_openid_masked(wechat, seeded, clock, caplog):
    with seeded.transaction() as session:  # an unbound sender has no community: the desk over every street hears
        session.add(Staff(openid="street_operator", name="周街道", role=StaffRole.OPERATOR, active=True,
                          created_at=clock()))
    caplog.set_level(logging.INFO)

    for guess in wrong_codes(30):
        wechat.send(GUESSER, f"认证 {guess}")
    clock.advance(hours=1, minutes=1)
    for guess in wrong_codes(5):  # locked again the same day: logged, operators are not told twice
        wechat.send(GUESSER, f"认证 {guess}")

    alerts = lockout_alerts(seeded)
    assert [openid for openid, _params in alerts] == ["street_operator"]  # not every community's operator too
    assert {params["who"] for _openid, params in alerts} == {mask(GUESSER)}
    assert "5 次发送错误的验证码" in notifications.render(StaffCertifyLocked.name, alerts[0][1])
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert logged.count("locked out until") == 2 and GUESSER not in logged and mask(GUESSER) in logged


def test_an_invite_issued_before_the_secret_key_works_until_it_expires(wechat, seeded, clock):
    def legacy_invite(code, hours):
        with seeded.transaction() as session:
            grid = staff.find_grid(session, "幸福里社区·第二网格")
            session.add(StaffInvite(code_hash=hashlib.sha256(code.encode()).hexdigest(), hash_scheme="sha256",
                                    role=StaffRole.GRID_MEMBER, grid_id=grid.id, community_id=grid.community_id,
                                    name="", created_at=clock(), expires_at=clock() + timedelta(hours=hours)))

    legacy_invite("K7M3Q9XP", 72)
    legacy_invite("K7M3Q9XQ", 1)
    clock.advance(hours=2)

    assert "认证成功" in wechat.send("o_newstaff", "认证 K7M3Q9XP")
    assert wechat.send("o_other", "认证 K7M3Q9XQ") == REFUSED


def test_invite_without_a_secret_key_names_the_variable(seeded, database_url, clock, monkeypatch):
    monkeypatch.delenv("GRIDBOT_SECRET_KEY", raising=False)
    for env in ({"GRIDBOT_DATABASE_URL": database_url},
                {"GRIDBOT_DATABASE_URL": database_url, "GRIDBOT_SECRET_KEY": "too-short"}):
        result = CliRunner().invoke(main, ["invite", "--role", "网格员", "--grid", "幸福里社区·第一网格"], env=env,
                                    obj=clock)
        assert result.exit_code == 2 and "GRIDBOT_SECRET_KEY" in result.output
        assert "Traceback" not in result.output
    assert invite_count(seeded) == 0
