"""Console accounts from the command line: `gridbot user add|list|disable|passwd`, the password from stdin, weak
ones refused, and what the console makes of it."""

import sqlite3

import pytest
from click.testing import CliRunner
from sqlalchemy import select
from sqlalchemy.exc import OperationalError
from werkzeug.security import check_password_hash

from bot.cli.gridbot import main
from storage import console_users, seeding
from storage.models import ConsoleUser
from tests.conftest import TEST_SECRET_KEY
from tests.support.cli import ok, refused
from tests.support.console import OTHER_STREET, PASSWORD, street_id

pytestmark = pytest.mark.postgres


@pytest.fixture
def gridbot(seeded, database_url, clock):
    """`gridbot ARGS` on the seeded test database (with a second street), at the test's clock."""
    with seeded.transaction() as session:
        seeding.seed_street(session, OTHER_STREET, clock())

    def run(*args, input=None):
        environment = {"GRIDBOT_DATABASE_URL": database_url, "GRIDBOT_SECRET_KEY": TEST_SECRET_KEY,
                       "GRIDBOT_PUBLIC_URL": "https://grid.example.cn"}
        return CliRunner().invoke(main, list(args), env=environment, obj=clock, input=input)

    return run


def account(seeded, username):
    with seeded.transaction() as session:
        return session.scalars(select(ConsoleUser).where(ConsoleUser.username == username)).first()


@pytest.mark.scrypt
def test_an_operator_adds_an_account_of_each_role(gridbot, seeded):
    out = ok(gridbot("user", "add", "admin", "--role", "管理员", "--name", "赵主任", input=f"{PASSWORD}\n"))
    assert out.strip() == "已创建控制台账号 admin（赵主任，管理员）。登录地址：https://grid.example.cn/console/"
    ok(gridbot("user", "add", "Street", "--role", "街道", "--scope", "幸福街道", input=f"{PASSWORD}\n"))
    out = ok(gridbot("user", "add", "sunli", "--role", "社区", "--scope", "幸福里社区", "--name", "孙丽",
                     input=f"{PASSWORD}\n"))
    assert "孙丽，社区 幸福街道·幸福里社区" in out
    street = account(seeded, "street")  # usernames are stored in lower case
    assert (street.role, street.street_id, street.display_name) == ("street", street_id(seeded, "幸福街道"), "street")
    stored = account(seeded, "sunli")
    assert stored.password_hash.startswith("scrypt:") and check_password_hash(stored.password_hash, PASSWORD)
    assert PASSWORD not in stored.password_hash


@pytest.mark.parametrize(("password", "words"), [
    ("", "密码不能为空"), ("Ab1!", "至少 10 个字符"), ("abcdefghijkl", "至少两类"),
    ("admin-2026-x", "不能包含用户名"), ("Password123", "常见密码"),
])
def test_a_weak_password_is_refused_and_no_account_is_made(gridbot, seeded, password, words):
    assert words in refused(gridbot("user", "add", "admin", "--role", "管理员", input=f"{password}\n"))
    assert account(seeded, "admin") is None


def test_no_password_on_stdin_is_refused(gridbot):
    assert "没有从标准输入读到密码" in refused(gridbot("user", "add", "admin", "--role", "管理员", input=""))


@pytest.mark.parametrize(("args", "words"), [
    (("--role", "组长"), "角色只能是 管理员、街道 或 社区"),
    (("--role", "社区"), "要用 --scope 指明"),
    (("--role", "管理员", "--scope", "幸福街道"), "管理员账号管辖全部"),
    (("--role", "街道", "--scope", "无名街道"), "找不到街道“无名街道”"),
    (("--role", "社区", "--scope", "无名社区"), "找不到社区“无名社区”"),
])
def test_a_role_and_scope_that_do_not_fit_are_refused(gridbot, args, words):
    assert words in refused(gridbot("user", "add", "someone", *args, input=f"{PASSWORD}\n"))


@pytest.mark.parametrize(("args", "words"), [
    (("--role", "街道", "--scope", "幸福街道办事处"), "找不到街道“幸福街道办事处”。现有的街道：幸福街道"),
    (("--role", "社区", "--scope", "幸福里"), "找不到社区“幸福里”。您是不是要找：幸福里社区"),
])
def test_a_scope_not_written_as_imported_is_refused_with_the_names_there_are(gridbot, args, words):
    assert words in refused(gridbot("user", "add", "someone", *args, input=f"{PASSWORD}\n"))


def test_a_username_is_taken_once_and_must_be_plain(gridbot):
    ok(gridbot("user", "add", "admin", "--role", "管理员", input=f"{PASSWORD}\n"))
    assert "已经有人用了" in refused(gridbot("user", "add", "ADMIN", "--role", "管理员", input=f"{PASSWORD}\n"))
    assert "不可用" in refused(gridbot("user", "add", "孙 丽", "--role", "管理员", input=f"{PASSWORD}\n"))


@pytest.mark.scrypt
def test_a_display_name_another_account_carries_is_refused_so_that_audit_lines_tell_them_apart(gridbot, seeded):
    ok(gridbot("user", "add", "sunli", "--role", "管理员", "--name", "孙丽", input=f"{PASSWORD}\n"))
    said = refused(gridbot("user", "add", "sunli2", "--role", "管理员", "--name", "孙丽 ", input=f"{PASSWORD}\n"))
    assert said == "显示名“孙丽”已经有账号在用，操作记录会分不清是谁：请加上部门或编号区分，如“孙丽（民政）”。"
    assert account(seeded, "sunli2") is None
    ok(gridbot("user", "add", "sunli2", "--role", "管理员", "--name", "孙丽（民政）", input=f"{PASSWORD}\n"))


def test_a_community_name_two_streets_share_is_asked_for_with_its_street(gridbot, seeded, clock):
    with seeded.transaction() as session:
        seeding.seed_street(session, seeding.StreetPlan("平安街道", {"幸福里社区": {"第一网格": ("x", {})}}), clock())
    out = refused(gridbot("user", "add", "sunli", "--role", "社区", "--scope", "幸福里社区", input=f"{PASSWORD}\n"))
    assert "幸福街道·幸福里社区" in out and "平安街道·幸福里社区" in out
    ok(gridbot("user", "add", "sunli", "--role", "社区", "--scope", "平安街道·幸福里社区", input=f"{PASSWORD}\n"))


def test_the_list_gives_times_of_another_year_with_their_year(gridbot, clock):
    ok(gridbot("user", "add", "sunli", "--role", "社区", "--scope", "幸福里社区", "--name", "孙丽",
               input=f"{PASSWORD}\n"))
    clock.advance(days=60)  # January

    assert "创建于 2026年11月22日 10:00，密码设于 2026年11月22日 10:00" in ok(gridbot("user", "list"))


def test_the_list_shows_each_account_its_scope_and_state(gridbot):
    assert "还没有控制台账号" in ok(gridbot("user", "list"))
    ok(gridbot("user", "add", "sunli", "--role", "社区", "--scope", "幸福里社区", "--name", "孙丽",
               input=f"{PASSWORD}\n"))
    ok(gridbot("user", "add", "admin", "--role", "管理员", input=f"{PASSWORD}\n"))
    ok(gridbot("user", "disable", "admin"))
    lines = ok(gridbot("user", "list")).splitlines()
    assert lines[0] == "控制台账号 2 个："
    assert lines[1].startswith("  admin  admin  管理员  已停用（")
    assert lines[2].startswith("  sunli  孙丽  社区 幸福街道·幸福里社区  启用  创建于 ")


def test_disabling_an_account_keeps_it_and_says_so_once(gridbot, seeded):
    ok(gridbot("user", "add", "admin", "--role", "管理员", input=f"{PASSWORD}\n"))
    assert "已停用账号 admin" in ok(gridbot("user", "disable", "admin"))
    assert "早已停用" in ok(gridbot("user", "disable", "admin"))
    assert account(seeded, "admin").active is False
    assert "没有用户名为“nobody”的账号" in refused(gridbot("user", "disable", "nobody"))


def test_a_disabled_account_is_enabled_again_with_its_old_password(gridbot, seeded):
    ok(gridbot("user", "add", "admin", "--role", "管理员", input=f"{PASSWORD}\n"))
    assert "本来就是启用的" in ok(gridbot("user", "enable", "admin"))
    ok(gridbot("user", "disable", "admin"))
    said = ok(gridbot("user", "enable", "admin"))
    assert "已重新启用账号 admin" in said and "gridbot user passwd admin" in said
    enabled = account(seeded, "admin")
    assert enabled.active is True and enabled.disabled_at is None
    assert check_password_hash(enabled.password_hash, PASSWORD)
    assert "没有用户名为“nobody”的账号" in refused(gridbot("user", "enable", "nobody"))


def test_passwd_sets_a_new_password_and_refuses_a_weak_one(gridbot, seeded, clock):
    ok(gridbot("user", "add", "admin", "--role", "管理员", input=f"{PASSWORD}\n"))
    before = account(seeded, "admin").password_changed_at
    clock.advance(minutes=5)
    assert "至少 10 个字符" in refused(gridbot("user", "passwd", "admin", input="short\n"))
    assert "已为 admin 设置新密码" in ok(gridbot("user", "passwd", "admin", input="Brand-new-2026\n"))
    after = account(seeded, "admin")
    assert check_password_hash(after.password_hash, "Brand-new-2026") and after.password_changed_at > before
    assert "没有用户名为“nobody”的账号" in refused(gridbot("user", "passwd", "nobody", input="Brand-new-2026\n"))


def test_a_full_disk_under_the_database_is_named_rather_than_the_database_url(gridbot, seeded, monkeypatch):
    def add_on_a_full_disk(*args, **kwargs):  # type: ignore[no-untyped-def]
        full = sqlite3.OperationalError("database or disk is full")
        full.sqlite_errorcode = sqlite3.SQLITE_FULL  # type: ignore[attr-defined]
        raise OperationalError("COMMIT", {}, full)

    monkeypatch.setattr(console_users, "add_user", add_on_a_full_disk)
    said = refused(gridbot("user", "add", "admin", "--role", "管理员", input=f"{PASSWORD}\n"))
    assert said.strip() == "数据库所在的磁盘已满，没有改动。请先腾出磁盘空间（SQLite 文件或 PostgreSQL 数据目录所在的分区），再重试。"
    assert account(seeded, "admin") is None
